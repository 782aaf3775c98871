"""actor1 of an air strike no one names: the party that flies combat aircraft against that
target in that country and period (data/air_operators.yaml), said so in the evidence.

An armed group has no aircraft, so "Unidentified Armed Group" is wrong in kind for
"air strikes killed seven people in Khan Sheikhun". The operators come from data; where
several are plausible, the one the article names as carrying out strikes wins, and where
none is named and several remain, the perpetrator stays unidentified.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any, Iterable, NamedTuple

from ..datafiles import DATE, Keys, ListOf, check
from ..records import Doc, Sentence, Span

AIR_STRIKE = "Air/drone strike"
DATA_FILE = "air_operators.yaml"
CIVILIAN_INTER = 7
OPERATOR_SCHEMA = ListOf(Keys({
    "country": (str,), "from": DATE, "until": DATE, "actor1": (str,), "partner_of": (str,),
    "against": ListOf((str,)), "places": ListOf((str,)), "except_places": ListOf((str,)),
    "drones": (bool,), "wording": (str,), "reason": (str,), "remove": (bool,),
}, required=("country", "actor1")))  # fmt: skip
# a drone strike, not an aircraft's: where others fly drones too, it stays unidentified
DRONE = re.compile(r"\b(?:drones?|UAVs?|quadcopters?|unmanned)\b", re.I)
AIRCRAFT = re.compile(
    r"\b(?:war ?planes?|planes?|jets?|aircraft|helicopters?|gunships?|bombers|air ?strikes?|air[- ]raids?|air force|barrel[- ]bombs?)\b",
    re.I,
)
# a sentence that tells of strikes from the air: an operator named in it carries them out
AIR_WORDING = re.compile(
    r"\b(?:war ?planes?|jets?|aircraft|helicopters?|drones?|bombers|air ?strikes?|air[- ]?raids?|air force|aviation|"
    r"aerial|raids?|strikes?|struck|bomb(?:s|ed|ing|ardment|arded)?|barrel[- ]bombs?|sorties|pounded)\b",
    re.I,
)
# the party's kinds that could have flown the strike (a state or foreign force); a named
# group flies only where its mention says so ("RSF drones")
FLYING_KINDS = frozenset({"state", "external"})


@dataclass(frozen=True)
class AirOperator:
    """One entry of data/air_operators.yaml (see that file's header)."""

    country: str
    actor: str
    reason: str
    start: dt.date | None = None
    until: dt.date | None = None
    partner_of: str | None = None
    against: tuple[str, ...] = ()
    places: tuple[str, ...] = ()
    except_places: tuple[str, ...] = ()
    drones: bool = True
    wording: re.Pattern | None = None


class Inferred(NamedTuple):
    """The inferred actor1 (its name and inter code), its associate, and the evidence note."""

    actor1: str
    inter1: int
    assoc1: str | None
    note: str


def check_operators(raw: Any, path) -> None:
    """``raw`` (an ``air_operators:`` list) against the schema; a broken ``wording`` regex
    and a packaged entry without a reason are errors too."""
    from ..errors import DataFileValue

    check(raw, OPERATOR_SCHEMA, file=path, where="air_operators")
    for i, e in enumerate(raw):
        if e.get("wording"):
            try:
                re.compile(e["wording"])
            except re.error as exc:
                raise DataFileValue(f"{path}: air_operators[{i}].wording is no regex: {exc}") from None
        if not e.get("remove") and not e.get("reason"):
            raise DataFileValue(f"{path}: air_operators[{i}] ({e['actor1']} in {e['country']}) has no reason", hint="say why it flies there")


def merge_operators(base: list[dict], extra: Iterable[dict]) -> list[dict]:
    """``base`` entries with a user's ``extra``: one with the same country and actor1 (and
    wording) replaces the packaged one, ``remove: true`` drops it, others are added."""
    out = list(base)
    for e in extra:
        key = (e["country"], e["actor1"], e.get("wording"))
        out = [b for b in out if (b["country"], b["actor1"], b.get("wording")) != key]
        if not e.get("remove"):
            out.append(e)
    return out


def build_operators(raw: Iterable[dict]) -> tuple[AirOperator, ...]:
    return tuple(
        AirOperator(
            country=e["country"], actor=e["actor1"], reason=e.get("reason") or "", start=e.get("from"),
            until=e.get("until"), partner_of=e.get("partner_of"), against=tuple(e.get("against") or ()),
            places=tuple(e.get("places") or ()), except_places=tuple(e.get("except_places") or ()),
            drones=bool(e.get("drones", True)), wording=re.compile(e["wording"], re.I) if e.get("wording") else None,
        )
        for e in raw
    )


def _words(name: str) -> str:
    """A place or actor name as lower-case words, apostrophes dropped ("Sa'dah" = "sadah")."""
    return " " + " ".join(re.sub(r"[^\w\s]+", " ", re.sub(r"['’`]", "", name.lower())).split()) + " "


def _place_in(place: Span | None, names: tuple[str, ...]) -> bool:
    """Whether the event's place (its text, its best candidate's name or admin1) is one of ``names``."""
    if place is None or not names:
        return False
    cands = place.attrs.get("candidates") or []
    own = [place.text] + ([cands[0].name, cands[0].admin1 or ""] if cands else [])
    hay = [_words(x) for x in own if x]
    return any(_words(n) in h for n in names for h in hay)


@dataclass
class DictionaryNames:
    """The actor dictionary's entries by every name they go by (their eras' names too),
    read on first use: the era name at a date, the home country and the inter code."""

    _by_name: dict[str, dict] | None = field(default=None, init=False, repr=False)

    def entry(self, name: str) -> dict | None:
        if self._by_name is None:
            from ..annotate.actors import load_actor_data

            by: dict[str, dict] = {}
            for _file, data in load_actor_data():
                for e in data.get("actors") or []:
                    by.setdefault(e["name"], e)
                    for era in e.get("eras") or []:
                        by.setdefault(era["name"], e)
            self._by_name = by
        return self._by_name.get(name)

    def names(self, name: str) -> set[str]:
        """Every name of the entry called ``name`` (itself when the dictionary has none)."""
        e = self.entry(name)
        return {name} if e is None else {e["name"], *(era["name"] for era in e.get("eras") or [])}

    def at(self, name: str, day: dt.date | None, country: str | None) -> tuple[str, int]:
        """(name in force at ``day``, inter code in ``country``): a state force abroad is 8."""
        e = self.entry(name)
        if e is None:
            return name, 8
        era = {}
        for x in e.get("eras") or []:
            if day is not None and (x.get("from") is None or day >= x["from"]) and (x.get("until") is None or day < x["until"]):
                era = x
        inter = int(era.get("inter") or e["inter"])
        if inter == 1 and e.get("country") and country and e["country"] != country:
            inter = 8
        return era.get("name") or e["name"], inter


def _in_period(op: AirOperator, day: dt.date | None) -> bool:
    if day is None:
        return op.start is None and op.until is None
    return (op.start is None or day >= op.start) and (op.until is None or day < op.until)


def _paragraph_spans(doc: Doc, i: int, spans_by_sentence: dict[int, list[Span]]) -> list[Span]:
    para = doc.sentences[i].paragraph
    out = []
    for j, s in enumerate(doc.sentences):
        if s.paragraph == para:
            out.extend(spans_by_sentence.get(j, []))
    return out


def _named_as_striking(doc: Doc, names: set[str]) -> bool:
    """Whether the article names the operator (one of its ``names``) in a sentence that
    tells of strikes from the air ("Russian jets", "regime and Russian air strikes")."""
    for s in doc.spans:
        if s.label == "ACTOR" and s.attrs.get("actor") in names:
            if s.attrs.get("air"):
                return True
            sent = next((x for x in doc.sentences if x.start <= s.start < x.end), None)
            if sent is not None and AIR_WORDING.search(doc.text, sent.start, sent.end):
                return True
    return False


def infer_operator(
    operators: tuple[AirOperator, ...],
    dictionary: DictionaryNames,
    doc: Doc,
    i: int,
    sent: Sentence,
    trig: Span,
    sub_event: str,
    a1: Span | None,
    a2: Span | None,
    spans_by_sentence: dict[int, list[Span]],
    country: str | None,
    place: Span | None,
    day: dt.date | None,
) -> Inferred | None:
    """The operator of an air strike in sentence ``i`` whose sentence and paragraph name
    no perpetrator, or None (see data/air_operators.yaml)."""
    if sub_event != AIR_STRIKE or a1 is not None or not country:
        return None
    cands = [op for op in operators if op.country == country and _in_period(op, day)]
    if not cands:
        return None
    text = doc.text[sent.start : sent.end]
    worded = [op for op in cands if op.wording is not None and op.wording.search(text)]
    cands = worded or [op for op in cands if op.wording is None]
    if DRONE.search(text) and not AIRCRAFT.search(text):
        cands = [op for op in cands if op.drones]
    cands = [op for op in cands if not (op.except_places and _place_in(place, op.except_places))]
    # the strike's target: the other side the sentence names, or who holds the place struck
    para = _paragraph_spans(doc, i, spans_by_sentence)
    sentence_actors = [s for s in spans_by_sentence.get(i, []) if s.label == "ACTOR"]
    target_names = [a2.attrs.get("actor")] if a2 is not None and a2.attrs.get("inter") != CIVILIAN_INTER else []
    target_names += [str(s.attrs.get("actor")) for s in sentence_actors if _holder(doc.text, s)]
    target_names = [t for t in target_names if t]
    # never the operator's own forces (nor its partner's): "strikes on army positions"
    own = lambda op: {*dictionary.names(op.actor), *(dictionary.names(op.partner_of) if op.partner_of else ())}  # noqa: E731
    cands = [op for op in cands if not (own(op) & set(target_names))]
    if not cands:
        return None
    # the paragraph names a party that could have flown it, other than the candidates: its
    # report, not ours (Turkish jets in a Syrian story)
    known = set().union(*(dictionary.names(op.actor) for op in cands))
    targets = set(target_names)
    for s in para:
        if s.label != "ACTOR" or s.attrs.get("inter") == CIVILIAN_INTER or s.attrs.get("actor") in known | targets:
            continue
        if (s.attrs.get("kind") in FLYING_KINDS or s.attrs.get("air")) and not _holder(doc.text, s):
            return None
    named = [op for op in cands if _named_as_striking(doc, dictionary.names(op.actor))]
    fits = [op for op in cands if _fits_target(op, target_names, place)]
    # the operator the article names as striking (first one that also fits the target),
    # else the one that flies against this target here
    named_fits = [op for op in named if op in fits]
    pool = named_fits or named or fits
    pick = _choose(pool, pool)
    if pick is None:
        return None
    lead, assoc = pick
    name, inter = dictionary.at(lead.actor, day, country)
    assoc_name = dictionary.at(assoc.actor, day, country)[0] if assoc is not None else None
    from .actors import country_name

    note = f"actor1 inferred: unattributed air strike in {country_name(country)} (data/air_operators.yaml: {lead.reason})"
    return Inferred(name, inter, assoc_name, note)


def _holder(text: str, s: Span) -> bool:
    from .actors import HELD_BY

    return bool(HELD_BY.match(text, s.end))


def _fits_target(op: AirOperator, targets: list[str], place: Span | None) -> bool:
    """Whether the operator flies against this target or over this place: an entry with
    ``against`` or ``places`` only there, others everywhere in the country."""
    if not op.against and not op.places:
        return True
    hit = any(_words(w) in _words(t) for w in op.against for t in targets)
    return hit or _place_in(place, op.places)


def _choose(cands: list[AirOperator], pool: list[AirOperator]) -> tuple[AirOperator, AirOperator | None] | None:
    """(actor1, associate) of the candidates: one operator, or one with its partner (the
    partner its associate); several unrelated ones are no answer."""
    leads = [op for op in cands if op.partner_of is None or not any(p.actor == op.partner_of for p in cands)]
    distinct = {op.actor for op in leads}
    if len(distinct) != 1:
        return None
    lead = leads[0]
    partner = next((op for op in pool if op.partner_of == lead.actor), None)
    return lead, partner
