"""Analysts' edits of the ledger: corrections of an event's fields, retractions of articles.

A *correction* sets one field of an event to an analyst's value, with a note. It is stored
apart from the event (``corrections`` table) and re-applied by stage 7 every time it
rebuilds the event (``apply_stored_corrections``), so a new article joining the event never
reverts it: the correction overrides the value stage 7 computes for that field, and the
event row keeps both (``Event.corrections``: the value set and the value computed).

Stage 7 may re-cluster an event and give it another id, so a correction is anchored to the
reports (mention ids) its event had when it was made, and follows them: it belongs to the
event holding most of its anchored reports (``locate``).

A *retraction* takes an article's reports out of the ledger: the events they were in are
rebuilt without them by the ordinary stage 7 pass, and an event left with no report is
retired. The article row stays (marked retracted), so a later run of the same input skips
it as already stored; ``unretract`` puts its reports back.

Both are written to the event's history (``event_history`` rows of kind ``correction``,
``retraction`` or ``unretraction``, with the note) and exported with the event.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
import uuid
from collections import Counter
from dataclasses import dataclass, field
from importlib import resources
from typing import Any, Callable, Iterable, Mapping, Sequence

from .datafiles import load_yaml
from .errors import BadCorrection, RetractionState, UnknownArticle, UnknownEvent
from .records import Event, interaction_code

CLAIM_STATUSES = ("confirmed", "reported", "claimed", "disputed")
NULLS = ("", "null", "none", "-")
TRUE, FALSE = ("true", "yes", "1"), ("false", "no", "0")


def _types_of_sub_events() -> dict[str, str]:
    """ACLED sub-event type -> its event type, from the event lexicon."""
    raw = load_yaml(resources.files("frontlines").joinpath("data/event_types.yaml").read_text("utf-8"))
    return {name: (e or {}).get("type") for name, e in (raw.get("sub_events") or {}).items()}


TYPE_OF_SUB = _types_of_sub_events()
EVENT_TYPES = tuple(sorted(set(TYPE_OF_SUB.values())))


# -- fields and their values -------------------------------------------------------------
@dataclass(frozen=True)
class FieldSpec:
    """How the text of ``--set FIELD=VALUE`` becomes a typed value of one event field."""

    form: str  # what the usage message shows
    parse: Callable[[str], Any]


class _Bad(ValueError):
    pass


def _text(nullable: bool) -> Callable[[str], Any]:
    def parse(s: str) -> Any:
        s = s.strip()
        if s.lower() in NULLS:
            if nullable:
                return None
            raise _Bad("cannot be empty")
        return s

    return parse


def _int(lo: int, hi: int | None = None, nullable: bool = False) -> Callable[[str], Any]:
    def parse(s: str) -> Any:
        s = s.strip()
        if nullable and s.lower() in NULLS:
            return None
        if not re.fullmatch(r"[+-]?\d+", s):
            raise _Bad("is not a whole number")
        v = int(s)
        if v < lo or (hi is not None and v > hi):
            raise _Bad("is out of range")
        return v

    return parse


def _float(lo: float, hi: float) -> Callable[[str], Any]:
    def parse(s: str) -> Any:
        s = s.strip()
        if s.lower() in NULLS:
            return None
        try:
            v = float(s)
        except ValueError:
            raise _Bad("is not a number") from None
        if not lo <= v <= hi:
            raise _Bad("is out of range")
        return v

    return parse


def _choice(values: Sequence[str]) -> Callable[[str], Any]:
    by_lower = {v.lower(): v for v in values}

    def parse(s: str) -> Any:
        v = by_lower.get(s.strip().lower())
        if v is None:
            raise _Bad("is not one of the accepted values")
        return v

    return parse


def _date(s: str) -> Any:
    s = s.strip()
    if s.lower() in NULLS:
        return None
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", s):
            return dt.date.fromisoformat(s).isoformat()
    except ValueError:
        pass
    raise _Bad("is not a date (YYYY-MM-DD)")


def _bool(s: str) -> bool:
    v = s.strip().lower()
    if v in TRUE:
        return True
    if v in FALSE:
        return False
    raise _Bad("is not true or false")


def _iso3(s: str) -> Any:
    s = s.strip()
    if s.lower() in NULLS:
        return None
    if not re.fullmatch(r"[A-Za-z]{3}", s):
        raise _Bad("is not a three-letter ISO code")
    return s.upper()


def _outlets(s: str) -> list[str]:
    return sorted({p.strip() for p in s.split(";") if p.strip()})


# Every field of the event record an analyst may set. Not here: ``event_id`` (the event's
# name), and the evidence and what stage 7 derived from it (mentions, origins,
# fatality_sources): those change by retracting or adding articles, not by hand.
FIELDS: dict[str, FieldSpec] = {
    "event_date": FieldSpec("YYYY-MM-DD, or null", _date),
    "time_precision": FieldSpec("1 (day), 2 (week) or 3 (month)", _int(1, 3)),
    "event_type": FieldSpec(" | ".join(EVENT_TYPES), _choice(EVENT_TYPES)),
    "sub_event_type": FieldSpec("an ACLED sub-event type, e.g. 'Air/drone strike' (sets event_type too)", _choice(sorted(TYPE_OF_SUB))),
    "actor1": FieldSpec("text", _text(False)),
    "assoc_actor_1": FieldSpec("text, or null", _text(True)),
    "inter1": FieldSpec("1-8", _int(1, 8)),
    "actor2": FieldSpec("text, or null", _text(True)),
    "assoc_actor_2": FieldSpec("text, or null", _text(True)),
    "inter2": FieldSpec("1-8, or null", _int(1, 8, nullable=True)),
    "interaction": FieldSpec("10-88, or null (set from inter1/inter2 when those are corrected)", _int(10, 88, nullable=True)),
    "civilian_targeting": FieldSpec("true or false", _bool),
    "country": FieldSpec("text, or null", _text(True)),
    "iso3": FieldSpec("three letters, e.g. SYR, or null", _iso3),
    "admin1": FieldSpec("text, or null", _text(True)),
    "admin2": FieldSpec("text, or null", _text(True)),
    "location": FieldSpec("text, or null", _text(True)),
    "latitude": FieldSpec("-90 to 90, or null", _float(-90.0, 90.0)),
    "longitude": FieldSpec("-180 to 180, or null", _float(-180.0, 180.0)),
    "geo_precision": FieldSpec("1 (town), 2 (near a town) or 3 (province)", _int(1, 3)),
    "geonameid": FieldSpec("a positive whole number, or null", _int(1, nullable=True)),
    "fatalities": FieldSpec("a whole number >= 0 (widens fatalities_low/high to include it)", _int(0)),
    "fatalities_low": FieldSpec("a whole number >= 0", _int(0)),
    "fatalities_high": FieldSpec("a whole number >= 0", _int(0)),
    "claim_status": FieldSpec(" | ".join(CLAIM_STATUSES), _choice(CLAIM_STATUSES)),
    "sources": FieldSpec("outlets separated by ';' (sets source_count too)", _outlets),
    "source_count": FieldSpec("a whole number >= 0", _int(0)),
    "independent_source_count": FieldSpec("a whole number >= 0", _int(0)),
    "notes": FieldSpec("text", _text(False)),
}


def accepted_forms() -> str:
    """The usage text: every field an analyst may set, with the values it takes."""
    return "accepted fields: " + "; ".join(f"{name} ({spec.form})" for name, spec in FIELDS.items())


def parse_value(name: str, text: str) -> Any:
    """The typed value of ``text`` for the event field ``name``; ``BadCorrection`` (a usage
    error listing the accepted fields and forms) for an unknown field or a bad value."""
    spec = FIELDS.get(name)
    if spec is None:
        raise BadCorrection(f"{name!r} is not a field an analyst can set", hint=accepted_forms())
    if not isinstance(text, str):
        text = json.dumps(text) if not isinstance(text, bool) else str(text).lower()
    try:
        return spec.parse(text)
    except _Bad as exc:
        raise BadCorrection(f"{name}={text!r}: the value {exc}", hint=f"{name} takes {spec.form}") from None


def parse_assignments(assignments: Iterable[str] | Mapping[str, Any]) -> dict[str, Any]:
    """``["fatalities=86", ...]`` (or a mapping of field to value) as typed values by field."""
    pairs: list[tuple[str, Any]] = []
    if isinstance(assignments, Mapping):
        pairs = list(assignments.items())
    else:
        for a in assignments:
            name, eq, value = a.partition("=")
            if not eq or not name.strip():
                raise BadCorrection(f"{a!r} is not FIELD=VALUE", hint="e.g. --set fatalities=86; " + accepted_forms())
            pairs.append((name.strip(), value))
    if not pairs:
        raise BadCorrection("nothing to correct", hint="give at least one --set FIELD=VALUE; " + accepted_forms())
    out: dict[str, Any] = {}
    for name, value in pairs:
        if name in out:
            raise BadCorrection(f"{name} is set twice", hint="set each field once per correction")
        out[name] = parse_value(name, value)
    return out


# -- applying corrections to an event (pure) ----------------------------------------------
def _order(c: Mapping[str, Any]) -> tuple:
    return (c.get("at") or "", c.get("correction_id") or "")


def computed_event(event: Event) -> Event:
    """The event as stage 7 computed it: ``event`` with the corrections it carries undone."""
    out = dataclasses.replace(event, corrections=[])
    for e in reversed(event.corrections or []):
        setattr(out, e["field"], e.get("computed"))
    return out


def apply_corrections(event: Event, corrections: Sequence[Mapping[str, Any]]) -> Event:
    """``event`` with ``corrections`` applied (a new Event; the input is left as it is).

    Each correction (``correction_id``, ``field``, ``value``, ``note``, ``at``) sets its
    field; for one field the latest wins. Fields that follow from a corrected one and are
    not corrected themselves follow it: ``event_type`` from ``sub_event_type``,
    ``interaction`` from the inter codes, ``source_count`` from ``sources``, the toll's
    range widens to hold a corrected ``fatalities``, and ``notes`` (written from the
    computed values) ends with what was corrected. An event that already carries
    corrections is first taken back to the values stage 7 computed, so applying is
    idempotent. ``Event.corrections`` lists each field set: value, computed value, note,
    time, and ``implied_by`` for the fields that followed another."""
    base = computed_event(event)
    out = dataclasses.replace(base, corrections=[])
    latest: dict[str, Mapping[str, Any]] = {}
    for c in sorted(corrections, key=_order):
        if c["field"] not in FIELDS:
            continue  # a field a later frontlines dropped: the correction stays stored, unused
        latest[c["field"]] = c
    entries: list[dict[str, Any]] = []

    def put(name: str, value: Any, c: Mapping[str, Any], implied: bool) -> None:
        computed = getattr(base, name)
        if implied and computed == value:
            return
        setattr(out, name, value)
        entries.append({
            "correction_id": c.get("correction_id"), "field": name, "value": value, "computed": computed,
            "note": c.get("note"), "at": c.get("at"), "implied_by": c.get("correction_id") if implied else None,
        })  # fmt: skip

    for name, c in sorted(latest.items(), key=lambda kv: list(FIELDS).index(kv[0])):
        put(name, c["value"], c, False)
    if "sub_event_type" in latest and "event_type" not in latest and out.sub_event_type in TYPE_OF_SUB:
        put("event_type", TYPE_OF_SUB[out.sub_event_type], latest["sub_event_type"], True)
    inter = latest.get("inter1") or latest.get("inter2")
    if inter and "interaction" not in latest:
        put("interaction", interaction_code(out.inter1, out.inter2), inter, True)
    if "sources" in latest and "source_count" not in latest:
        put("source_count", len(out.sources or []), latest["sources"], True)
    if "fatalities" in latest:
        c = latest["fatalities"]
        if "fatalities_low" not in latest and (out.fatalities_low or 0) > out.fatalities:
            put("fatalities_low", out.fatalities, c, True)
        if "fatalities_high" not in latest and (out.fatalities_high or 0) < out.fatalities:
            put("fatalities_high", out.fatalities, c, True)
    said = [e for e in entries if not e["implied_by"] and e["field"] != "notes" and e["value"] != e["computed"]]
    if said and "notes" not in latest:
        # the summary sentence was written from the computed values: say what was corrected
        told = "; ".join(f"{e['field']} {_said(e['value'])} (computed {_said(e['computed'])})" for e in said)
        first = min((latest[e["field"]] for e in said), key=_order)
        put("notes", f"{base.notes} Corrected by an analyst: {told}.".strip(), first, True)
    out.corrections = entries
    return out


def _said(v: Any) -> str:
    if v is None:
        return "none"
    if isinstance(v, bool):
        return "yes" if v else "no"
    return "; ".join(map(str, v)) if isinstance(v, list) else str(v)


def check_consistent(event: Event) -> None:
    """``BadCorrection`` when corrected fields contradict each other (checked when an
    analyst corrects; stage 7 re-applies what was accepted)."""
    if event.sub_event_type in TYPE_OF_SUB and TYPE_OF_SUB[event.sub_event_type] != event.event_type:
        raise BadCorrection(
            f"sub_event_type {event.sub_event_type!r} is a {TYPE_OF_SUB[event.sub_event_type]!r} event, not {event.event_type!r}",
            hint="set sub_event_type (event_type follows it), or both to agree",
        )
    lo, hi = event.fatalities_low or 0, event.fatalities_high or 0
    if not lo <= event.fatalities <= hi:
        raise BadCorrection(
            f"fatalities {event.fatalities} is outside fatalities_low..fatalities_high ({lo}..{hi})",
            hint="set the range to hold the count, or only fatalities (the range then widens)",
        )


# -- following events that stage 7 re-clusters ------------------------------------------------
def locate(corrections: Sequence[Mapping[str, Any]], members: Mapping[str, Iterable[str]], stored: Mapping[str, str]) -> dict[str, list[Mapping[str, Any]]]:
    """Which of the (re)built events ``members`` (event id -> its report ids) each
    correction belongs to: the event holding most of the reports it is anchored to (ties: the
    event it was made on, then the smallest id), counting ``stored`` (report id -> event id)
    for anchored reports in events not rebuilt. A correction whose reports are all gone stays
    with the event of its own id. Corrections belonging to no rebuilt event are left out."""
    where = {rid: eid for eid, rids in members.items() for rid in rids}
    out: dict[str, list[Mapping[str, Any]]] = {}
    for c in corrections:
        counts = Counter(e for e in (where.get(r) or stored.get(r) for r in c.get("mention_ids") or ()) if e)
        if counts:
            best = min(counts, key=lambda e: (-counts[e], e != c["event_id"], e))
        else:
            best = c["event_id"]
        if best in members:
            out.setdefault(best, []).append(c)
    return out


def apply_stored_corrections(store, builts: Sequence[Any]) -> None:
    """Stage 7's hook: give every event it (re)built the stored corrections that belong to
    it. ``builts`` are objects with an ``event`` (``corroborate.Built``), updated in place."""
    if not builts or not store.has_corrections():
        return
    members = {b.event.event_id: {m.get("report_id") for m in b.event.mentions or () if m.get("report_id")} for b in builts}
    report_ids = set().union(*members.values())
    found = store.corrections_for(members, report_ids)
    if not found:
        return
    anchors = {r for c in found for r in c["mention_ids"]} - report_ids
    placed = locate(found, members, store.events_of_reports(anchors) if anchors else {})
    for b in builts:
        mine = placed.get(b.event.event_id)
        if mine:
            b.event = apply_corrections(b.event, mine)


# -- corrections on a store ---------------------------------------------------------------
def _now() -> str:
    # microseconds: two corrections of one field made in the same second keep their order
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="microseconds")


def _hist(v: Any) -> str | None:
    """A value as ``event_history`` stores it: text as is, others as JSON (as stage 7)."""
    if v is None or isinstance(v, str):
        return v
    return json.dumps(v, ensure_ascii=False)


def _event(rec: Mapping[str, Any]) -> Event:
    names = {f.name for f in dataclasses.fields(Event)}
    return Event(**{k: v for k, v in rec.items() if k in names})


def correct(store, event_id: str, assignments: Iterable[str] | Mapping[str, Any], note: str) -> Event:
    """Correct fields of the event ``event_id`` (``["fatalities=86", ...]`` or a mapping),
    with the analyst's ``note``; returns the corrected event. Kept through later runs: stage
    7 re-applies it whenever it rebuilds the event. ``UnknownEvent`` for an id not in the
    ledger, ``BadCorrection`` for an unknown field, a bad value or contradicting values."""
    values = parse_assignments(assignments)
    if not (note or "").strip():
        raise BadCorrection("a correction needs a note", hint="say why, e.g. --note 'hospital list of 13 May gives 86 names'")
    rec = store.ledger_event(event_id)
    if rec is None:
        raise UnknownEvent(f"no event {event_id!r} in {store.display_name}")
    before = _event(rec)
    anchors = sorted(r["mention_id"] for r in store.event_reports(event_id))
    at = _now()
    new = [
        {"correction_id": uuid.uuid4().hex[:16], "event_id": event_id, "mention_ids": anchors, "field": name, "value": value, "note": note.strip(), "at": at}
        for name, value in values.items()
    ]
    # the corrections the event already carries, then the new ones (later wins)
    carried = [e for e in before.corrections or [] if not e.get("implied_by")]
    after = apply_corrections(before, carried + new)
    check_consistent(after)
    history = [
        (event_id, None, name, _hist(getattr(before, name)), _hist(getattr(after, name)), at, "correction", note.strip())
        for name in FIELDS
        if getattr(before, name) != getattr(after, name) or name in values
    ]
    store.save_corrections(new, after, history)
    return after


def corrections_of(store, event_id: str) -> list[dict[str, Any]]:
    """The corrections an event carries now (as the ledger row holds them)."""
    rec = store.ledger_event(event_id)
    if rec is None:
        raise UnknownEvent(f"no event {event_id!r} in {store.display_name}")
    return list(rec.get("corrections") or [])


# -- retractions --------------------------------------------------------------------------
@dataclass
class RetractionSummary:
    article_id: str
    events: list[str] = field(default_factory=list)  # events that held its reports
    retired: list[str] = field(default_factory=list)  # of those, the ones left with no report
    rebuilt: list[str] = field(default_factory=list)  # events stage 7 wrote after it


def _stage7(store, settings: dict[str, Any] | None) -> None:
    from .corroborate import corroborate_store

    corroborate_store(store, settings=settings)


def _stale(store, event_ids: Iterable[str]) -> list[tuple[str, str]]:
    """Events among ``event_ids`` whose row does not list exactly the reports the ledger
    holds for them, each with one of its reports to put back to pending."""
    out = []
    for eid in sorted(set(event_ids)):
        held = {r["mention_id"] for r in store.event_reports(eid)}
        rec = store.ledger_event(eid)
        listed = {m.get("report_id") for m in (rec or {}).get("mentions") or [] if m.get("report_id")}
        if held and held != listed:  # (no row at all: every held report is unlisted)
            out.append((eid, max(held)))
    return out


def _settle(store, reports_of: dict[str, list[str]], settings: dict[str, Any] | None, why: str, at: str) -> list[tuple]:
    """After a stage 7 pass that followed a retraction or its undo: rebuild the events
    ``reports_of`` (event id -> the reports it held) whose row does not list exactly the
    reports the ledger holds for them. Stage 7 leaves an event it judges untouched as it is,
    and can name a new cluster after its first report even when a stored event already bears
    that name (a returning report that first named an event): first one report of each such
    event goes back to pending (the event keeps its id), then, if that was not enough, all of
    them (new ids). Returns ``event_changes`` rows for the ids that no longer hold a report:
    merged into the events their reports went to."""
    for requeue_all in (False, True):
        stale = _stale(store, reports_of)
        if not stale:
            break
        if requeue_all:
            ids = [r["mention_id"] for eid, _ in stale for r in store.event_reports(eid)]
        else:
            ids = [rid for _, rid in stale]
        store.requeue_reports(ids, drop_events=[eid for eid, _ in stale])
        _stage7(store, settings)
    changes, gone = [], []
    for eid, rids in sorted(reports_of.items()):
        if store.event_reports(eid):
            continue
        gone.append(eid)
        for home in sorted(set(store.events_of_reports(rids).values()) - {eid}):
            changes.append(("merge", home, eid, f"{eid} merged into {home}: {why}", at))
    if gone:
        store.requeue_reports([], drop_events=gone)  # a row left with no report
    return changes


def retract(store, article_id: str, note: str, *, settings: dict[str, Any] | None = None) -> RetractionSummary:
    """Take the article's reports out of the ledger, with the analyst's ``note``.

    Its reports leave their events; an event left with no report is retired; the others are
    rebuilt by stage 7 from their remaining reports: one remaining report of each is put back
    to pending, so the ordinary stage 7 pass re-clusters it with the others (the event keeps
    its id, its history gets the changes). The article row stays, marked retracted: a later
    run of the same input skips it. ``unretract`` undoes it."""
    if not (note or "").strip():
        raise BadCorrection("a retraction needs a note", hint="say why, e.g. --note 'the outlet withdrew the story'")
    with store.exclusive("corroborate"):
        if not store.has_article(article_id):
            raise UnknownArticle(f"no article {article_id!r} in {store.display_name}")
        done = store.retraction(article_id)
        if done is not None:
            raise RetractionState(f"article {article_id} was retracted at {done['at']}", hint="undo it with --undo")
        at = _now()
        reports = store.article_reports(article_id)
        mine = {r["mention_id"] for r in reports}
        summary = RetractionSummary(article_id, events=sorted({r["event_id"] for r in reports if r["event_id"]}))
        requeue, history, rest_of = [], [], {}
        for eid in summary.events:
            held = sorted(r["mention_id"] for r in store.event_reports(eid))
            rest_of[eid] = [m for m in held if m not in mine]
            if rest_of[eid]:
                requeue.append(rest_of[eid][-1])
            else:
                summary.retired.append(eid)
            history.append((eid, article_id, "reports", str(len(held)), str(len(rest_of[eid])), at, "retraction", note.strip()))
        store.retract_article(article_id, note.strip(), at, reports=reports, retire=summary.retired, requeue=requeue, history=history)
        _stage7(store, settings)
        live = [e for e in summary.events if rest_of[e]]
        store.add_changes(_settle(store, {e: rest_of[e] for e in live}, settings, f"article {article_id} was retracted", at))
        summary.rebuilt = sorted(set(store.events_of_reports([m for e in live for m in rest_of[e]]).values()))
    return summary


def unretract(store, article_id: str, note: str, *, settings: dict[str, Any] | None = None) -> list[str]:
    """Undo a retraction: the article's reports come back and stage 7 places them (in the
    events they were in, when those still fit). Returns the events that hold them now."""
    if not (note or "").strip():
        raise BadCorrection("undoing a retraction needs a note", hint="say why, e.g. --note 'retracted by mistake'")
    with store.exclusive("corroborate"):
        got = store.retraction(article_id)
        if got is None:
            if not store.has_article(article_id):
                raise UnknownArticle(f"no article {article_id!r} in {store.display_name}")
            raise RetractionState(f"article {article_id} is not retracted")
        store.unretract_article(article_id)
        _stage7(store, settings)
        at = _now()
        ids = [r["mention_id"] for r in got["reports"]]
        homes = set(store.events_of_reports(ids).values()) | {r["event_id"] for r in got["reports"] if r["event_id"]}
        store.add_changes(_settle(store, {e: [r["mention_id"] for r in store.event_reports(e)] for e in sorted(homes)}, settings, f"article {article_id} was restored", at))
        where = store.events_of_reports(ids)
        back = Counter(where.values())
        history = []
        for eid in sorted(back):
            n = len(store.event_reports(eid))
            history.append((eid, article_id, "reports", str(n - back[eid]), str(n), at, "unretraction", note.strip()))
        store.add_history(history)
    return sorted(back)
