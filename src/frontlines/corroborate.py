"""Stage 7, corroborate: one event per incident across articles, with how much it is worth.

The unit clustered is a *report*: one article's account of one incident (an event that
``assemble`` built from that article's mentions). Reports are blocked by country, province,
type family and date window, so each report is only compared with its neighbours and the
cost grows with the number of reports times the local density, not with its square.
Within the blocks, pairs score evidence (same sub-event, same day, same or nearby place,
same actors, same toll, shared words); pairs above ``link`` join in order of decreasing
score (Kruskal), and two groups never join when any two of their reports are
incompatible (same article, places too far apart, dates out of reach, other province).
The result depends only on the set of reports, never on the order they came in.

Each cluster becomes one ``Event``: sources and independent origins from
``provenance``, a conservative toll with its range and which report gave which figure,
and a claim status (SPEC). ``corroborate_store`` does this incrementally on a store:
reports of newly stored articles are clustered with the stored reports near them; events
keep their ids, and merges, splits and field changes are recorded.
"""

from __future__ import annotations

import bisect
import datetime as dt
import hashlib
import json
import math
from collections import Counter
from dataclasses import dataclass, field
from importlib import resources
from typing import Any, Iterable, Sequence

from .corrections import apply_stored_corrections
from .datafiles import load_yaml
from .provenance import ArticleSource, Origin, SourceBook, article_source, fingerprints, load_settings, reuse_roots, words
from .assemble import vague_floors_dropped
from .records import Event, interaction_code

# Event fields whose changes ``event_history`` records, with the article that changed them.
TRACKED_FIELDS = (
    "event_date", "time_precision", "event_type", "sub_event_type", "actor1", "actor2",
    "location", "admin1", "geo_precision", "fatalities", "fatalities_low", "fatalities_high",
    "claim_status", "source_count", "independent_source_count",
)  # fmt: skip

_STOP = frozenset(
    "the a an and or of in on at to from by for with as was were is are be been has have had "
    "that this which who said says told after before during near over under into their its "
    "his her they them there than then also about more least other others some including "
    "syrian syria killed wounded people according reported report reports source sources "
    "monday tuesday wednesday thursday friday saturday sunday".split()
)


def family_of_sub_events() -> dict[str, str]:
    """Sub-event type -> family, from the event lexicon (``data/event_types.yaml``)."""
    raw = load_yaml(resources.files("frontlines").joinpath("data/event_types.yaml").read_text("utf-8"))
    return {name: (e or {}).get("family", "other") for name, e in (raw.get("sub_events") or {}).items()}


def _family_groups(settings: dict[str, Any], families: Iterable[str]) -> dict[str, str]:
    """Family -> block group: compatible families share a group."""
    group = {f: f for f in families}
    for fams in settings["families"]["compatible"]:
        key = "+".join(sorted(fams))
        for f in fams:
            group[f] = key
    return group


def _vague_record(rec: dict[str, Any]) -> bool:
    """Whether an event record's toll is only vague words ("dozens", "scores"): every
    mention that gives a figure marks it so (``fatalities_vague``)."""
    counts = [m for m in rec.get("mentions") or [] if m.get("fatalities")]
    return bool(counts) and all((m.get("fields") or {}).get("fatalities_vague") for m in counts)


def _known_actor(name: str | None, fields: dict[str, str] | None, key: str) -> str | None:
    """An actor that a source named (not a lexicon default, not an unidentified group, not
    the operator inferred for an unattributed air strike: ``resolve.airpower``)."""
    if not name or name.startswith("Unidentified"):
        return None
    if fields and str(fields.get(key, "")).startswith(("default", f"{key} inferred")):
        return None
    return name


@dataclass
class Report:
    """One article's account of one incident: the features clustering compares."""

    report_id: str
    article_id: str
    family: str
    sub_event_type: str
    day: int | None  # event date as a date ordinal
    precision: int  # 1 day, 2 week, 3 month
    anchor: int  # day, or the publication day when undated: the blocking key
    slack: int
    iso3: str | None = None
    admin1: str | None = None
    lat: float | None = None
    lon: float | None = None
    geonameid: int | None = None
    precise: bool = False  # coordinates of a town (geo_precision 1-2), not a province's
    actor1: str | None = None
    actor2: str | None = None
    fatalities: int = 0
    toll_vague: bool = False  # the toll is only vague words ("dozens"): _vague_record
    words: frozenset[str] = frozenset()
    order: tuple[str, str] = ("", "")  # (published, report_id): canonical order
    published: int | None = None  # the article's publication day as a date ordinal
    record: dict[str, Any] | None = None  # the article-level event record (SPEC dict)


def report_from_record(rec: dict[str, Any], article_id: str, published: str | None, families: dict[str, str], settings: dict[str, Any]) -> Report:
    """A Report from an article-level event record (what ``assemble`` built and the store keeps)."""
    slack_by = {int(k): int(v) for k, v in settings["block"]["date_slack_days"].items()}
    day = dt.date.fromisoformat(rec["event_date"]).toordinal() if rec.get("event_date") else None
    pub = dt.date.fromisoformat(published[:10]).toordinal() if published else None
    precision = int(rec.get("time_precision") or 1)
    if day is None:
        anchor, slack = (pub if pub is not None else 0), int(settings["block"]["undated_slack_days"])
    else:
        anchor, slack = day, slack_by.get(precision, 1)
    ms = rec.get("mentions") or []
    f0 = ms[0].get("fields") if ms else None
    toks: set[str] = set()
    for m in ms:
        toks.update(w for w in words(m.get("sentence") or "") if len(w) > 3 and w not in _STOP and not w.isdigit())
    gp = rec.get("geo_precision")
    return Report(
        report_id=rec["event_id"],
        article_id=article_id,
        family=families.get(rec["sub_event_type"], "other"),
        sub_event_type=rec["sub_event_type"],
        day=day,
        precision=precision,
        anchor=anchor,
        slack=slack,
        iso3=rec.get("iso3"),
        admin1=rec.get("admin1"),
        lat=rec.get("latitude"),
        lon=rec.get("longitude"),
        geonameid=rec.get("geonameid"),
        # a town: a GeoNames place, or a name that is not its province's or country's (a
        # governorate's capital is written as the governorate: "Hama", "Idleb")
        precise=gp in (1, 2) and rec.get("latitude") is not None
        and (rec.get("geonameid") is not None or rec.get("location") not in (None, rec.get("admin1"), rec.get("country"))),
        actor1=_known_actor(rec.get("actor1"), f0, "actor1"),
        actor2=_known_actor(rec.get("actor2"), f0, "actor2"),
        fatalities=int(rec.get("fatalities") or 0),
        toll_vague=_vague_record(rec),
        words=frozenset(toks),
        order=(published or "9999-99-99", rec["event_id"]),
        published=pub,
        record=rec,
    )


# -- clustering --------------------------------------------------------------------------
class Clusterer:
    """Blocking, pair scoring and constrained single-link clustering of reports."""

    def __init__(self, settings: dict[str, Any] | None = None, families: dict[str, str] | None = None):
        self.settings = settings or load_settings()
        self.families = families or family_of_sub_events()
        self.groups = _family_groups(self.settings, set(self.families.values()) | {"other"})
        sc = self.settings["score"]
        self.w = {k: float(v) for k, v in sc.items()}
        self.same_km = float(self.settings["place"]["same_place_km"])
        self.max_km = float(self.settings["place"]["max_km"])
        dates = self.settings.get("dates", {})
        self.after_publication_days = int(dates.get("after_publication_days", 0))
        self.falling_ratio = float(self.settings.get("toll", {}).get("falling_ratio", 10))
        self.max_trusted_toll = int(self.settings.get("toll", {}).get("max_trusted", 1500))
        self.earliest_by = {int(k): int(v) for k, v in dates.get("earliest_days", {"2": 7, "3": 31}).items()}
        distinct = self.settings.get("distinct", {})
        self.other_day_toll_ratio = float(distinct.get("other_day_toll_ratio", 0) or 0)
        self.other_day_rising_ratio = float(distinct.get("other_day_rising_ratio", 0) or 0)
        self.other_sub_event_and_actor = bool(distinct.get("other_sub_event_and_actor", False))
        self.other_sub_event_toll_ratio = float(distinct.get("other_sub_event_toll_ratio", 0) or 0)
        self.other_place_toll_ratio = float(distinct.get("other_place_toll_ratio", 0) or 0)

    # pair tests ---------------------------------------------------------------------
    @staticmethod
    def _km(a: Report, b: Report) -> float:
        mlat = math.radians((a.lat + b.lat) / 2)
        dx = (b.lon - a.lon) * 111.32 * math.cos(mlat)
        dy = (b.lat - a.lat) * 110.57
        return math.hypot(dx, dy)

    def compatible(self, a: Report, b: Report) -> bool:
        """Hard constraints: could these two reports be one incident at all?"""
        if a.article_id == b.article_id:
            return False  # assemble already kept them apart within the article
        if self.groups.get(a.family, a.family) != self.groups.get(b.family, b.family):
            return False
        if a.iso3 and b.iso3 and a.iso3 != b.iso3:
            return False
        if abs(a.anchor - b.anchor) > max(a.slack, b.slack):
            return False
        if a.admin1 and b.admin1 and a.admin1 != b.admin1:
            return False
        if a.precise and b.precise and self._km(a, b) > self.max_km:
            return False
        if self._after_publication(a, b) or self._after_publication(b, a):
            return False
        if self._toll_fell(a, b) or self._toll_fell(b, a):
            return False
        if self._other_day_other_toll(a, b) or self._other_attack_other_side(a, b):
            return False
        if self._other_kind_other_toll(a, b) or self._other_place_other_toll(a, b):
            return False
        return True

    def _tolls_apart(self, a: Report, b: Report, ratio: float) -> bool:
        """Whether both reports give figures (neither vague, neither doubtful) and the larger
        is at least ``ratio`` times the smaller."""
        if not ratio or not (a.fatalities and b.fatalities) or a.toll_vague or b.toll_vague:
            return False
        lo, hi = sorted((a.fatalities, b.fatalities))
        return hi <= self.max_trusted_toll and hi >= ratio * lo

    def _other_kind_other_toll(self, a: Report, b: Report) -> bool:
        """Whether two reports of different sub-event types (an air strike, shelling) also give
        tolls ``other_sub_event_toll_ratio`` apart: two signals of two incidents, where one
        alone is an outlet's other word for the same strike or another outlet's count."""
        return a.sub_event_type != b.sub_event_type and self._tolls_apart(a, b, self.other_sub_event_toll_ratio)

    def _other_place_other_toll(self, a: Report, b: Report) -> bool:
        """Whether two reports placed at two different towns or neighbourhoods (both precise,
        both in the gazetteer) also give tolls ``other_place_toll_ratio`` apart."""
        if a.geonameid is None or b.geonameid is None or a.geonameid == b.geonameid or not (a.precise and b.precise):
            return False
        return self._tolls_apart(a, b, self.other_place_toll_ratio)

    def _other_day_other_toll(self, a: Report, b: Report) -> bool:
        """Whether two reports dated to different days (both at day precision) give figures
        (neither vague) ``other_day_toll_ratio`` apart (``other_day_rising_ratio`` when the
        later day's is the higher, as an update may be): two incidents, as an update of one
        toll keeps the incident's day (70 dead on Monday, 4 on Tuesday)."""
        if a.day is None or b.day is None or a.day == b.day or a.precision != 1 or b.precision != 1:
            return False
        early, late = (a, b) if a.day < b.day else (b, a)
        rising = late.fatalities > early.fatalities  # a later day's higher figure may be an update
        return self._tolls_apart(a, b, self.other_day_rising_ratio if rising else self.other_day_toll_ratio)

    def _other_attack_other_side(self, a: Report, b: Report) -> bool:
        """Whether two reports tell of attacks of different sub-event types (shelling, an air
        strike) by different named perpetrators, neither blaming the other's target: one side's
        shelling and the other side's air raids on the same city and day are two events."""
        if not self.other_sub_event_and_actor or a.sub_event_type == b.sub_event_type:
            return False
        if not (a.actor1 and b.actor1) or a.actor1 == b.actor1:
            return False
        return a.actor1 != b.actor2 and b.actor1 != a.actor2  # not the other side's account of it

    def _toll_fell(self, a: Report, b: Report) -> bool:
        """Whether ``b``, published after ``a``, gives a toll that no update of ``a``'s
        would: under 1/``falling_ratio`` of it."""
        if not (a.fatalities and b.fatalities) or a.published is None or b.published is None:
            return False
        if a.fatalities > self.max_trusted_toll:
            return False
        return b.published > a.published and b.fatalities * self.falling_ratio < a.fatalities

    def _after_publication(self, a: Report, b: Report) -> bool:
        """Whether ``a``'s incident happened, at the precision of its date, after ``b``'s
        article was published: no article reports an incident that had not yet happened
        (a blast on Wednesday is not the bus bombing a Tuesday feature told of)."""
        if a.day is None or b.published is None:
            return False
        if b.day is not None and b.day > b.published + self.after_publication_days:
            return False  # b's own incident is dated after it: that is not the article's day
        earliest = a.day - self.earliest_by.get(a.precision, 0)
        return earliest > b.published + self.after_publication_days

    def score(self, a: Report, b: Report) -> float:
        w = self.w
        s = w["same_sub_event"] if a.sub_event_type == b.sub_event_type else w["same_family"]
        if a.day is not None and b.day is not None:
            s += w["same_day"] if a.day == b.day else w["near_day"]
        if a.geonameid is not None and a.geonameid == b.geonameid and a.precise == b.precise:
            s += w["same_geonameid"]
        elif a.precise and b.precise:
            d = self._km(a, b)
            s += w["within_10km"] if d <= 10 else (w["within_same_place"] if d <= self.same_km else 0.0)
        elif a.admin1 and a.admin1 == b.admin1:
            s += w["same_admin1_only"]
        if a.actor1 and b.actor1 and a.actor1 == b.actor1:
            s += w["same_actor1"]
        else:
            ours = {a.actor1, a.actor2} - {None}
            theirs = {b.actor1, b.actor2} - {None}
            if ours & theirs:  # the other side's report names the same parties, roles swapped
                s += w["shared_actor"]
            elif a.actor1 and b.actor1:
                s += w["other_actor1"]
        if a.actor2 and b.actor2 and a.actor2 != b.actor2 and not (a.actor1 and a.actor1 == b.actor1):
            s += w["other_actor2"]
        elif a.actor2 and a.actor2 == b.actor2:
            s += w["same_actor2"]
        if a.fatalities and a.fatalities == b.fatalities:
            s += w["same_toll"]
        if a.words and b.words:
            inter = len(a.words & b.words)
            if inter:
                s += w["text_overlap"] * inter / len(a.words | b.words)
        return s

    # blocking ------------------------------------------------------------------------
    def candidate_pairs(self, reports: Sequence[Report]) -> Iterable[tuple[int, int]]:
        """Pairs of reports in the same block and date window, each pair once."""
        blocks: dict[tuple, list[int]] = {}
        vague: dict[tuple, list[int]] = {}
        for i, r in enumerate(reports):
            g = self.groups.get(r.family, r.family)
            if r.admin1 or not r.iso3:
                blocks.setdefault((r.iso3, r.admin1, g), []).append(i)
            else:
                vague.setdefault((r.iso3, g), []).append(i)
        by_country: dict[tuple, list[list[int]]] = {}
        sorted_blocks = {}
        for key, idx in blocks.items():
            idx.sort(key=lambda i: reports[i].anchor)
            sorted_blocks[key] = (idx, [reports[i].anchor for i in idx])
            by_country.setdefault((key[0], key[2]), []).append(key)
        for key, (idx, anchors) in sorted_blocks.items():
            yield from self._window_pairs(reports, idx, anchors, idx)
        for key, idx in vague.items():
            idx.sort(key=lambda i: reports[i].anchor)
            anchors = [reports[i].anchor for i in idx]
            yield from self._window_pairs(reports, idx, anchors, idx)
            for bkey in by_country.get(key, ()):  # a report naming only the country meets all its provinces
                bidx, banchors = sorted_blocks[bkey]
                for i in idx:
                    r = reports[i]
                    lo = bisect.bisect_left(banchors, r.anchor - 31)
                    hi = bisect.bisect_right(banchors, r.anchor + 31)
                    for j in bidx[lo:hi]:
                        if abs(reports[j].anchor - r.anchor) <= max(r.slack, reports[j].slack):
                            yield (i, j)

    @staticmethod
    def _window_pairs(reports, idx, anchors, _):
        pos = {i: k for k, i in enumerate(idx)}
        for k, i in enumerate(idx):
            r = reports[i]
            lo = bisect.bisect_left(anchors, r.anchor - r.slack)
            hi = bisect.bisect_right(anchors, r.anchor + r.slack)
            for j in idx[lo:hi]:
                if j == i:
                    continue
                sj = reports[j].slack
                # each pair once: the report with the wider window (or the later one) asks
                if sj < r.slack or (sj == r.slack and pos[j] > k):
                    yield (i, j)

    def cluster(self, reports: Sequence[Report]) -> list[list[int]]:
        """Clusters of report indices, each sorted, in canonical order; order-independent."""
        return self.link(reports, self.edges(reports))

    def edges(self, reports: Sequence[Report]) -> list[tuple]:
        """Links between reports: ``(-score, order of a, order of b, i, j)`` for every
        compatible candidate pair scoring at least ``link``, ``a`` the earlier report.

        Each edge depends only on its two reports, never on the others in ``reports``: the
        engine computes them block by block and joins them (``frontlines.engine.stage7``)."""
        link = self.w["link"]
        edges = []
        for i, j in self.candidate_pairs(reports):
            a, b = reports[i], reports[j]
            if not self.compatible(a, b):
                continue
            s = self.score(a, b)
            if s >= link:
                if b.order < a.order:
                    i, j, a, b = j, i, b, a
                edges.append((-round(s, 6), a.order, b.order, i, j))
        return edges

    def link(self, reports: Sequence[Report], edges: Iterable[tuple]) -> list[list[int]]:
        """Constrained single-link clustering over ``edges`` (as ``edges`` makes them):
        the strongest links first; two groups join only when all their reports are
        compatible. Clusters of report indices, each sorted, in canonical order."""
        edges = sorted(edges)
        parent = list(range(len(reports)))
        members: dict[int, list[int]] = {}

        def find(x: int) -> int:
            while parent[x] != x:
                parent[x] = parent[parent[x]]
                x = parent[x]
            return x

        for _, _, _, i, j in edges:
            ri, rj = find(i), find(j)
            if ri == rj:
                continue
            mi, mj = members.get(ri, [ri]), members.get(rj, [rj])
            if not all(self.compatible(reports[x], reports[y]) for x in mi for y in mj):
                continue
            if len(mi) < len(mj):
                ri, rj, mi, mj = rj, ri, mj, mi
            parent[rj] = ri
            members[ri] = mi + mj
            members.pop(rj, None)
        out: dict[int, list[int]] = {}
        for i in range(len(reports)):
            out.setdefault(find(i), []).append(i)
        clusters = [sorted(c, key=lambda i: reports[i].order) for c in out.values()]
        clusters.sort(key=lambda c: reports[c[0]].order)
        return clusters


# -- event ids ---------------------------------------------------------------------------
def new_event_id(first_report_id: str) -> str:
    """The id of an event whose earliest report (canonical order) is ``first_report_id``."""
    return hashlib.sha1(f"event|{first_report_id}".encode()).hexdigest()[:16]


@dataclass
class Assignment:
    event_id: str
    members: list[Report]
    previous: list[str] = field(default_factory=list)  # old event ids of its members


@dataclass
class Change:
    """A merge, split or rename of stored events, for the ``event_changes`` log."""

    kind: str  # merge | split | rename
    event_id: str  # the surviving (merge, rename) or original (split) event
    other_event_id: str  # the absorbed (merge), new (split) or former (rename) id
    detail: str = ""


def assign_ids(clusters: list[list[Report]], old_event_of: dict[str, str]) -> tuple[list[Assignment], list[Change], set[str]]:
    """Event ids for clusters: each is named after its earliest report (canonical order).

    The id is a function of the cluster alone, so a ledger built over many runs has the
    ids of one built in one run; a stored event keeps its id as long as its earliest report
    stays its earliest (news arrive in publication order, so a later article rarely moves
    it). When it does change (an earlier report joined, events merged or split), the log
    says so. Returns the assignments, the changes, and the old ids that name no event now.
    """
    out: list[Assignment] = []
    for members in clusters:
        prev = sorted({old_event_of[m.report_id] for m in members if m.report_id in old_event_of})
        out.append(Assignment(new_event_id(members[0].report_id), members, prev))
    taken = {a.event_id: set(a.previous) for a in out}
    old_ids = set(old_event_of.values())
    changes: list[Change] = []
    where: dict[str, set[str]] = {}
    for a in out:
        for old in a.previous:
            where.setdefault(old, set()).add(a.event_id)
        # an old id this cluster carried that names no continuation of that event now: gone,
        # or taken by a cluster none of whose reports had it (a report that named it came back)
        gone = [old for old in a.previous if old != a.event_id and old not in taken.get(old, ())]
        if len(a.previous) == 1 and gone:
            changes.append(Change("rename", a.event_id, gone[0], f"{gone[0]} renamed {a.event_id}: its earliest report changed"))
        else:
            changes.extend(Change("merge", a.event_id, old, f"{old} merged into {a.event_id}") for old in gone)
    for old, news in sorted(where.items()):
        if len(news) > 1:
            for new in sorted(news - {old}):
                if new not in old_ids:
                    changes.append(Change("split", old, new, f"{new} split from {old}"))
    seen = set()
    uniq = []
    for c in changes:
        k = (c.kind, c.event_id, c.other_event_id)
        if k not in seen:
            seen.add(k)
            uniq.append(c)
    return out, uniq, old_ids - set(taken)


# -- building events -----------------------------------------------------------------------
@dataclass
class Built:
    """An event built from a cluster, with the report that decided each tracked field."""

    event: Event
    field_reports: dict[str, str]
    first_article: str


class EventBuilder:
    """Turns a cluster of reports into a ledger ``Event`` (sources, toll, claim status)."""

    def __init__(self, settings: dict[str, Any] | None = None, book: SourceBook | None = None):
        self.settings = settings or load_settings()
        self.book = book or SourceBook()

    def origins(self, members: list[Report], sources: dict[str, ArticleSource], roots: dict[str, str]) -> dict[str, list[Origin]]:
        """Report id -> its origins; a reprint's or a copied passage's origin is the original's."""
        out: dict[str, list[Origin]] = {}
        seen_articles: list[tuple[str, list[Origin]]] = []
        for r in members:
            src = sources.get(r.article_id) or ArticleSource(r.article_id, None, None)
            root = roots.get(r.article_id, r.article_id)
            reprint = root != r.article_id
            root_src = sources.get(root) or src
            sents = [m.get("sentence") or "" for m in (r.record or {}).get("mentions") or []]
            origins = self.book.origins(sents, src.outlet_name, root_src.outlet_name, reprint)
            if not reprint and src.fingerprints and seen_articles:
                # a report whose evidence is a passage of an earlier article relays it (the
                # first report has no earlier one: its fingerprints are not needed)
                fps = set().union(*(fingerprints(s, int(self.settings["reuse"]["fingerprint_min_words"])) for s in sents)) if sents else set()
                for aid, orig in seen_articles:
                    other = sources.get(aid)
                    if other is not None and fps and fps <= other.fingerprints and other.outlet_name != src.outlet_name:
                        origins = [Origin(o.name, o.party, "reprint") for o in orig]
                        break
            out[r.report_id] = origins
            seen_articles.append((r.article_id, origins))
        return out

    def build(self, event_id: str, members: list[Report], sources: dict[str, ArticleSource], roots: dict[str, str]) -> Built:
        members = sorted(members, key=lambda r: r.order)
        first = members[0]
        recs = {r.report_id: r.record or {} for r in members}
        origins = self.origins(members, sources, roots)
        outlet_of = {r.report_id: (sources.get(r.article_id) or ArticleSource(r.article_id, None, None)).outlet_name for r in members}
        names_of = {rid: [o.name for o in origs] for rid, origs in origins.items()}  # read by every vote
        fr: dict[str, str] = {}

        def vote(values: list[tuple[Any, Report]]) -> tuple[Any, Report] | None:
            """The value most distinct origins gave; ties go to the earliest report."""
            if not values:
                return None
            per: dict[Any, set[str]] = {}
            firsts: dict[Any, Report] = {}
            for v, r in values:
                per.setdefault(v, set()).update(names_of[r.report_id])
                firsts.setdefault(v, r)
            top = max(len(o) for o in per.values())
            best = min((v for v in per if len(per[v]) == top), key=lambda v: firsts[v].order)
            return best, firsts[best]

        # type
        sub, r_sub = vote([(r.sub_event_type, r) for r in members])
        fr["sub_event_type"] = fr["event_type"] = r_sub.report_id
        # date: the most precise, then by vote
        dated = [r for r in members if recs[r.report_id].get("event_date")]
        date_rec = None
        if dated:
            best_p = min(int(recs[r.report_id].get("time_precision") or 3) for r in dated)
            v = vote([(recs[r.report_id]["event_date"], r) for r in dated if int(recs[r.report_id].get("time_precision") or 3) == best_p])
            date_rec = v[1]
            fr["event_date"] = fr["time_precision"] = date_rec.report_id
        # place: the most precise
        placed = [r for r in members if recs[r.report_id].get("latitude") is not None]
        place_rec = None
        if placed:
            best = min(int(recs[r.report_id].get("geo_precision") or 3) - (0.5 if r.precise else 0) for r in placed)
            cands = [r for r in placed if int(recs[r.report_id].get("geo_precision") or 3) - (0.5 if r.precise else 0) == best]
            place_rec = vote([(recs[r.report_id].get("geonameid") or recs[r.report_id].get("location"), r) for r in cands])[1]
            for f in ("location", "admin1", "geo_precision"):
                fr[f] = place_rec.report_id
        # actors: what sources named, by vote; a lexicon default only when nobody named one
        a1 = vote([(r.actor1, r) for r in members if r.actor1])
        a1_rec = a1[1] if a1 else next((r for r in members if recs[r.report_id].get("actor1")), None)
        a2 = vote([(r.actor2, r) for r in members if r.actor2])
        a2_rec = a2[1] if a2 else next((r for r in members if recs[r.report_id].get("actor2")), None)
        if a1_rec:
            fr["actor1"] = a1_rec.report_id
        if a2_rec:
            fr["actor2"] = a2_rec.report_id
        # disputes over who did it: named perpetrators that differ between origins
        actor_claims: dict[str, set[str]] = {}
        for r in members:
            if r.actor1:
                actor_claims.setdefault(r.actor1, set()).update(names_of[r.report_id])
        actor_dispute = len(actor_claims) > 1 and len(set().union(*actor_claims.values())) > 1

        toll = self._fatalities(members, recs, origins, outlet_of)
        for f in ("fatalities", "fatalities_low", "fatalities_high"):
            if toll["by"].get(f):
                fr[f] = toll["by"][f]

        # origins and claim status
        distinct: dict[str, Origin] = {}
        for r in members:
            for o in origins[r.report_id]:
                distinct.setdefault(o.name, o)
        plain_independent: set[str] = set()
        doubted_by: list[str] = []
        for r in members:
            claims = [m.get("claim") for m in recs[r.report_id].get("mentions") or []]
            if "disputed" in claims:
                doubted_by.append(outlet_of[r.report_id])
            if "reported" in claims:
                plain_independent.update(o.name for o in origins[r.report_id] if not o.party)
        if doubted_by or toll["disputed"] or actor_dispute:
            claim = "disputed"
        elif len(plain_independent) >= 2:
            claim = "confirmed"
        elif plain_independent:
            claim = "reported"
        else:
            claim = "claimed"
        fr["claim_status"] = fr["source_count"] = fr["independent_source_count"] = members[-1].report_id

        outlets = sorted({outlet_of[r.report_id] for r in members})
        # independent sources: outlets (in canonical order) whose reports bring an origin no
        # earlier outlet brought; one outlet citing two origins is still one source
        brought: set[str] = set()
        independent_outlets: set[str] = set()
        for r in members:
            fresh = set(names_of[r.report_id]) - brought
            if fresh:
                independent_outlets.add(outlet_of[r.report_id])
                brought |= fresh
        mentions = []
        counted: set[str] = set()
        for r in members:
            names = names_of[r.report_id]
            origin = "; ".join(names)
            origin_party = any(o.party for o in origins[r.report_id])
            root = roots.get(r.article_id, r.article_id)
            reprint_of = root if root != r.article_id else None
            independent = any(n not in counted for n in names) and reprint_of is None
            for m in recs[r.report_id].get("mentions") or []:
                mm = dict(m)
                mm["report_id"] = r.report_id
                mm["outlet"] = mm.get("outlet") or outlet_of[r.report_id]
                mm["origin"] = origin
                mm["origin_party"] = origin_party
                mm["reprint_of"] = reprint_of
                mm["citation_chain"] = [c.text() for c in self.book.chains(m.get("sentence") or "")]
                mm["independent"] = independent
                mentions.append(mm)
            counted.update(names)

        place = recs[place_rec.report_id] if place_rec else {}
        r1 = recs[a1_rec.report_id] if a1_rec else {}
        r2 = recs[a2_rec.report_id] if a2_rec else {}
        d = recs[date_rec.report_id] if date_rec else {}
        inter1 = r1.get("inter1") if r1.get("actor1") else None
        inter2 = r2.get("inter2") if r2.get("actor2") else None
        ev = Event(
            event_id=event_id,
            event_date=d.get("event_date"),
            time_precision=d.get("time_precision"),
            event_type=recs[r_sub.report_id]["event_type"],
            sub_event_type=sub,
            actor1=r1.get("actor1"),
            assoc_actor_1=r1.get("assoc_actor_1"),
            inter1=inter1,
            actor2=r2.get("actor2"),
            assoc_actor_2=r2.get("assoc_actor_2"),
            inter2=inter2,
            interaction=interaction_code(inter1, inter2),
            civilian_targeting=any(bool(recs[r.report_id].get("civilian_targeting")) for r in members),
            country=place.get("country"),
            iso3=place.get("iso3"),
            admin1=place.get("admin1"),
            admin2=place.get("admin2"),
            location=place.get("location"),
            latitude=place.get("latitude"),
            longitude=place.get("longitude"),
            geo_precision=place.get("geo_precision"),
            geonameid=place.get("geonameid"),
            fatalities=toll["value"],
            fatalities_low=toll["low"],
            fatalities_high=toll["high"],
            claim_status=claim,
            sources=outlets,
            source_count=len(outlets),
            independent_source_count=len(independent_outlets),
            notes="",
            mentions=mentions,
        )
        ev.origins = [
            {"origin": o.name, "party": o.party, "how": o.how,
             "outlets": sorted({outlet_of[r.report_id] for r in members if o.name in names_of[r.report_id]})}
            for o in sorted(distinct.values(), key=lambda o: o.name)
        ]  # fmt: skip
        ev.fatality_sources = toll["sources"]
        ev.notes = self.notes(ev, toll, actor_claims if actor_dispute else {}, doubted_by)
        return Built(ev, fr, first.article_id)

    def _fatalities(self, members, recs, origins, outlet_of) -> dict[str, Any]:
        """Conservative toll across reports (SPEC): one origin's later figure updates its
        earlier one; a toll that only rises from one day to the next is an update; figures
        that otherwise differ are a dispute, and the lowest is kept."""
        figs = []
        for r in members:
            rec = recs[r.report_id]
            v = int(rec.get("fatalities") or 0)
            if v <= 0:
                continue
            figs.append({
                "report": r, "value": v,
                "low": int(rec.get("fatalities_low") or v) or v, "high": int(rec.get("fatalities_high") or v) or v,
                "origin": "; ".join(o.name for o in origins[r.report_id]),
            })  # fmt: skip
        out: dict[str, Any] = {"value": 0, "low": 0, "high": 0, "disputed": False, "rising": False, "by": {}, "sources": []}
        if not figs:
            return out
        # "dozens killed" is a floor that "58 killed" meets, not a dispute of it
        figs = vague_floors_dropped(figs, lambda f: f["value"], lambda f: _vague_record(recs[f["report"].report_id]))
        latest: dict[str, dict] = {}
        for f in figs:  # members are in canonical (publication) order
            latest[f["origin"]] = f
        values = {f["value"] for f in latest.values()}
        low_f = min(figs, key=lambda f: (f["low"], f["report"].order))
        high_f = max(figs, key=lambda f: f["high"])  # the first (earliest) of the highest
        if len(values) == 1:
            chosen = min(latest.values(), key=lambda f: f["report"].order)
            out["rising"] = min(f["value"] for f in figs) < chosen["value"]  # an origin updated its toll
        else:
            seq = [(f["report"].order[0], f["value"]) for f in figs]
            rising = all(b[1] >= a[1] for a, b in zip(seq, seq[1:])) and all(
                a[0] < b[0] for a, b in zip(seq, seq[1:]) if b[1] > a[1]
            )
            if rising:
                out["rising"] = True
                chosen = figs[-1]
            else:
                out["disputed"] = True
                chosen = min(self._corroborated(latest.values(), origins), key=lambda f: (f["value"], f["report"].order))
        out["value"] = chosen["value"]
        out["low"] = min(low_f["low"], chosen["value"])
        out["high"] = max(high_f["high"], chosen["value"])
        out["by"] = {"fatalities": chosen["report"].report_id, "fatalities_low": low_f["report"].report_id, "fatalities_high": high_f["report"].report_id}
        for f in figs:
            r = f["report"]
            used = [k for k, rid in out["by"].items() if rid == r.report_id]
            m0 = (recs[r.report_id].get("mentions") or [{}])[0]
            out["sources"].append({
                "figure": f["value"], "low": f["low"], "high": f["high"], "origin": f["origin"],
                "outlet": outlet_of[r.report_id], "article_id": r.article_id, "report_id": r.report_id,
                "published": r.order[0] if r.order[0] != "9999-99-99" else None,
                "text": (m0.get("fields") or {}).get("fatalities"), "used_for": used,
            })  # fmt: skip
        return out

    def _corroborated(self, latest, origins) -> list[dict]:
        """The figures (each origin's latest) that at least ``[toll] corroborated_origins``
        distinct origins give, or all of them when none is: ACLED triangulates a toll
        across sources and keeps the most conservative of the estimates that stand; a
        lower figure only one origin gives against a figure others agree on is most often
        a partial count (one site of the strikes, the first bodies found), so the lowest
        corroborated figure is kept and the lone one stays in the range and the notes."""
        need = int(self.settings["toll"].get("corroborated_origins", 2))
        latest = list(latest)
        support: dict[int, set[str]] = {}
        for f in latest:
            support.setdefault(f["value"], set()).update(o.name for o in origins[f["report"].report_id])
        kept = [f for f in latest if len(support[f["value"]]) >= need]
        return kept or latest

    @staticmethod
    def notes(ev: Event, toll: dict[str, Any], actor_claims: dict[str, set[str]], doubted_by: list[str]) -> str:
        """A summary sentence plus what is disputed and how many witnesses there are."""
        when = f"On {ev.event_date}" if ev.event_date else "On an unknown date"
        if ev.time_precision and ev.time_precision > 1 and ev.event_date:
            when = f"Around {ev.event_date}"
        who = ev.actor1 or "an unidentified actor"
        target = f" against {ev.actor2}" if ev.actor2 else ""
        where = ""
        if ev.location:
            where = f" in {ev.location}" + (f" ({ev.admin1})" if ev.admin1 and ev.admin1 != ev.location else "")
        toll_txt = f"; {ev.fatalities} killed" if ev.fatalities_high else ""
        parts = [f"{when}, {who}: {ev.sub_event_type.lower()}{target}{where}{toll_txt} [{ev.claim_status}]."]
        if toll["disputed"]:
            per: dict[str, int] = {}
            for f in toll["sources"]:  # the latest figure of each origin
                per[f["origin"]] = f["figure"]
            figs = ", ".join(f"{v} per {o}" for o, v in sorted(per.items(), key=lambda kv: (kv[1], kv[0])))
            kept = "the lowest is kept" if ev.fatalities == ev.fatalities_low else "the lowest that two or more origins give is kept"
            parts.append(f"Toll disputed: {figs}; {kept}.")
        elif toll["rising"]:
            parts.append(f"Toll rose from {toll['low']} to {toll['value']} as reports were updated.")
        if actor_claims:
            parts.append("Perpetrator disputed: " + "; ".join(f"{a} (per {', '.join(sorted(o))})" for a, o in sorted(actor_claims.items())) + ".")
        if doubted_by:
            parts.append(f"Doubted or denied in reports by {', '.join(sorted(set(doubted_by)))}.")
        parts.append(f"{ev.source_count} outlet(s), {ev.independent_source_count} independent origin(s).")
        return " ".join(parts)


# -- in memory -------------------------------------------------------------------------
def corroborate(
    records: Iterable[tuple[dict[str, Any], ArticleSource]],
    *,
    settings: dict[str, Any] | None = None,
    clusterer: Clusterer | None = None,
    builder: EventBuilder | None = None,
) -> list[Event]:
    """Corroborate article-level event records (each with its article's source) in memory."""
    settings = settings or load_settings()
    clusterer = clusterer or Clusterer(settings)
    builder = builder or EventBuilder(settings)
    sources: dict[str, ArticleSource] = {}
    reports = []
    for rec, src in records:
        sources[src.article_id] = src
        reports.append(report_from_record(rec, src.article_id, src.published, clusterer.families, settings))
    roots = reuse_roots(sources.values(), settings)
    out = []
    for c in clusterer.cluster(reports):
        members = [reports[i] for i in c]
        out.append(builder.build(new_event_id(members[0].report_id), members, sources, roots).event)
    return out


# -- on a store ------------------------------------------------------------------------
@dataclass
class CorroborationSummary:
    reports: int = 0  # new reports clustered
    events: int = 0  # events written (new or changed)
    created: int = 0  # of those, events that did not exist before (under any id)
    retired: int = 0  # events that no longer exist (merged into others, or left with no report)
    merges: int = 0
    splits: int = 0


class LocalSteps:
    """The three costly steps of ``corroborate_store``, run in this process.

    ``corroborate_store`` hands them to an object like this one, so that a cluster run can
    pass one that spreads them over its workers (``frontlines.engine.stage7``) and keep
    every other step, and so the results, exactly those of a local run."""

    def roots(self, sources: dict[str, ArticleSource], settings: dict[str, Any]) -> dict[str, str]:
        """Article id -> the article it republishes (``provenance.reuse_roots``)."""
        return reuse_roots(sources.values(), settings)

    def cluster(self, clusterer: Clusterer, reports: Sequence[Report]) -> list[list[int]]:
        """Clusters of report indices (``Clusterer.cluster``)."""
        return clusterer.cluster(reports)

    def build(
        self, builder: EventBuilder, jobs: Sequence[tuple[str, list[Report]]], sources: dict[str, ArticleSource], roots: dict[str, str]
    ) -> list[Built]:
        """One built event per ``(event id, members)`` job, in the jobs' order."""
        return [builder.build(event_id, members, sources, roots) for event_id, members in jobs]


def corroborate_store(
    store, *, settings: dict[str, Any] | None = None, book: SourceBook | None = None, steps: LocalSteps | None = None
) -> CorroborationSummary:
    """Corroborate the reports of newly stored articles with the stored events they touch.

    A pass re-clusters the *component* of the new reports: every stored report linked to
    one of them, directly or through others, with the whole stored events of those
    (``_component``). Links depend only on their two reports and clusters of different
    components never interact, so the ledger after many passes is the ledger of one pass
    over everything: same events, same ids (``assign_ids``), same fields. Events whose
    articles' provenance roots changed are rebuilt too. Idempotent: with nothing new it
    changes nothing. ``steps`` runs the costly steps (provenance roots, clustering,
    building events): in this process by default, on a cluster for ``frontlines.engine``.
    """
    settings = settings or load_settings()
    steps = steps or LocalSteps()
    summary = CorroborationSummary()
    pending = store.pending_reports()
    stale = set(store.stale_events())
    if not pending and not stale:
        return summary
    clusterer = Clusterer(settings)
    builder = EventBuilder(settings, book)

    # provenance of articles not seen by stage 7 before
    need = store.articles_without_source()
    if need:
        store.save_article_sources(
            [article_source(aid, outlet, published, text or "", settings) for aid, outlet, published, text in need]
        )
    art_meta = store.article_meta({p["article_id"] for p in pending})
    new_reports = [
        report_from_record(p["record"], p["article_id"], art_meta.get(p["article_id"], (None, None))[1], clusterer.families, settings)
        for p in pending
    ]
    summary.reports = len(new_reports)
    # reports of events an analyst's retraction (or a replaced article) left stale
    seeds_stored = store.reports_of_events(stale)
    art_meta.update(store.article_meta({s["article_id"] for s in seeds_stored} - set(art_meta)))
    old_event_of = {s["mention_id"]: s["event_id"] for s in seeds_stored}
    seeds = new_reports + [_stored_report(s, art_meta, clusterer, settings) for s in seeds_stored]
    reports = _component(store, seeds, old_event_of, art_meta, clusterer, settings)
    # a stored event outside the component that bears the name of one of its reports (a
    # report that named it came back: an undone retraction) is re-clustered with it
    for _ in range(3):
        inside = set(old_event_of.values())
        clash = list(store.events_by_id({new_event_id(r.report_id) for r in reports} - inside))
        if not clash:
            break
        more = [s for s in store.reports_of_events(clash) if s["mention_id"] not in old_event_of]
        art_meta.update(store.article_meta({s["article_id"] for s in more} - set(art_meta)))
        old_event_of.update({s["mention_id"]: s["event_id"] for s in more})
        stale |= set(clash)
        seeds = reports + [_stored_report(s, art_meta, clusterer, settings) for s in more]
        reports = _component(store, seeds, old_event_of, art_meta, clusterer, settings)

    # provenance roots over every stored article: a root is the earliest of a group of
    # near-duplicates that may reach far outside the component. Articles whose root the new
    # articles changed have their events rebuilt, wherever those are.
    sources = store.article_sources(None)
    roots = steps.roots(sources, settings)
    new_articles = {p["article_id"] for p in pending}
    before = steps.roots({a: s for a, s in sources.items() if a not in new_articles}, settings) if new_articles else roots
    rerooted = {a for a, r in before.items() if roots.get(a, a) != r}
    in_component = {r.report_id for r in reports}
    extra = [s for s in store.reports_of_articles(rerooted) if s["mention_id"] not in in_component]
    art_meta.update(store.article_meta({s["article_id"] for s in extra} - set(art_meta)))

    clusters = [[reports[i] for i in c] for c in steps.cluster(clusterer, reports)]
    extra_events: dict[str, list[Report]] = {}
    for s in extra:
        old_event_of[s["mention_id"]] = s["event_id"]
        extra_events.setdefault(s["event_id"], []).append(_stored_report(s, art_meta, clusterer, settings))
    clusters += [sorted(ms, key=lambda r: r.order) for _, ms in sorted(extra_events.items())]
    assignments, changes, retired = assign_ids(clusters, old_event_of)
    retired |= stale - {a.event_id for a in assignments}

    old_events = store.events_by_id(set(old_event_of.values()) | stale)
    new_ids = {r.report_id for r in new_reports}
    now = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
    to_write, mention_rows, history = [], [], []
    todo: list[tuple[Assignment, list[Report]]] = []
    old_size = Counter(old_event_of.values())  # whole stored events are loaded: their sizes
    for a in assignments:
        moved = [m for m in a.members if old_event_of.get(m.report_id) != a.event_id]
        untouched = not moved and a.event_id in old_events and len(a.members) == old_size[a.event_id]
        if untouched and a.event_id not in stale and not any(m.article_id in rerooted for m in a.members):
            continue
        todo.append((a, moved))
    builts = steps.build(builder, [(a.event_id, a.members) for a, _ in todo], sources, roots)
    apply_stored_corrections(store, builts)  # analysts' corrections override what was computed (frontlines.corrections)
    for (a, moved), built in zip(todo, builts):
        to_write.append((built.event, built.first_article))
        for m in moved:
            mention_rows.append((m, a.event_id))
        # the event as it read before: under its id, or the id most of its reports had
        old = old_events.get(a.event_id)
        if old is None and a.previous:
            counts = Counter(old_event_of[m.report_id] for m in a.members if m.report_id in old_event_of)
            old = old_events.get(min(counts, key=lambda e: (-counts[e], e)))
        ev = built.event
        trigger = next((m.article_id for m in a.members if m.report_id in new_ids), a.members[0].article_id)
        article_of = {m.report_id: m.article_id for m in a.members}
        for f in TRACKED_FIELDS:
            after = getattr(ev, f)  # asdict would deep-copy the mentions
            rid = built.field_reports.get(f)
            if old is None:
                before_v, art = None, article_of.get(rid) if rid else None
            else:
                before_v = old.get(f)
                if before_v == after:
                    continue
                # the field changed because this article arrived, unless a new report decided it
                art = article_of.get(rid) if rid in new_ids else None
            history.append((a.event_id, art or trigger, f, _hist(before_v), _hist(after), now))
    store.apply_corroboration(
        pending_ids=[p["record"]["event_id"] for p in pending],
        mentions=[(m.report_id, eid, m.article_id, m.order[0] if m.order[0] != "9999-99-99" else None, m.family, m.sub_event_type,
                   (m.record or {}).get("event_date"), dt.date.fromordinal(max(1, m.anchor)).isoformat(), m.iso3, m.admin1,
                   json.dumps(m.record, ensure_ascii=False)) for m, eid in mention_rows],
        events=to_write,
        retired=sorted(retired),
        history=history,
        changes=[(c.kind, c.event_id, c.other_event_id, c.detail, now) for c in changes],
    )  # fmt: skip
    summary.events = len(to_write)
    summary.created = sum(1 for a, _ in todo if not a.previous)
    summary.retired = len(retired)
    summary.merges = sum(c.kind == "merge" for c in changes)
    summary.splits = sum(c.kind == "split" for c in changes)
    return summary


def _stored_report(row: dict[str, Any], art_meta: dict, clusterer: Clusterer, settings: dict[str, Any]) -> Report:
    """A Report from a stored mention row (``Store.stored_reports``)."""
    return report_from_record(row["record"], row["article_id"], art_meta.get(row["article_id"], (None, None))[1], clusterer.families, settings)


def _reach_days(settings: dict[str, Any]) -> int:
    """The widest date slack of any report: no candidate pair is further apart."""
    slacks = [int(v) for v in settings["block"]["date_slack_days"].values()]
    return max(slacks + [int(settings["block"]["undated_slack_days"])])


def _windows(reports: Iterable[Report], reach: int) -> list[tuple[str | None, str | None, str, str]]:
    """Store blocks (iso3, admin1, from, to) that hold every report a candidate pair could
    join to ``reports``: overlapping date ranges of one place merged."""
    ranges: dict[tuple, list[tuple[int, int]]] = {}
    for r in reports:
        w = max(r.slack, reach)
        ranges.setdefault((r.iso3, r.admin1), []).append((r.anchor - w, r.anchor + w))
    out = []
    for (iso3, admin1), spans in ranges.items():
        spans.sort()
        lo, hi = spans[0]
        for a, b in spans[1:] + [(None, None)]:
            if a is not None and a <= hi + 1:
                hi = max(hi, b)
                continue
            out.append((iso3, admin1, dt.date.fromordinal(max(1, lo)).isoformat(), dt.date.fromordinal(max(1, min(hi, dt.date.max.toordinal()))).isoformat()))
            if a is not None:
                lo, hi = a, b
    return out


def _component(store, seeds: list[Report], old_event_of: dict[str, str], art_meta: dict, clusterer: Clusterer, settings: dict[str, Any]) -> list[Report]:
    """``seeds`` and every stored report linked to them through a chain of links
    (``Clusterer.edges``), each with the whole stored event it belongs to.

    Grows breadth-first: stored reports within reach of the newest members are loaded
    and those with a link to one of them join (and their events with them). Fills
    ``old_event_of`` (report id -> stored event id) for the stored reports that joined."""
    reach = _reach_days(settings)
    members: dict[str, Report] = {r.report_id: r for r in seeds}
    loaded: dict[str, tuple[Report, str]] = {}  # stored reports seen, not (yet) members
    frontier = list(seeds)
    while frontier:
        rows = [s for s in store.stored_reports(_windows(frontier, reach)) if s["mention_id"] not in members and s["mention_id"] not in loaded]
        art_meta.update(store.article_meta({s["article_id"] for s in rows} - set(art_meta)))
        for s in rows:
            loaded[s["mention_id"]] = (_stored_report(s, art_meta, clusterer, settings), s["event_id"])
        pool = frontier + [r for r, _ in loaded.values()]
        n = len(frontier)
        linked = {pool[j if i < n else i].report_id for _, _, _, i, j in clusterer.edges(pool) if (i < n) != (j < n)}
        events = {loaded[rid][1] for rid in linked}
        joining = sorted(rid for rid, (_, eid) in loaded.items() if eid in events)
        frontier = []
        for rid in joining:
            r, eid = loaded.pop(rid)
            members[rid] = r
            old_event_of[rid] = eid
            frontier.append(r)
    return sorted(members.values(), key=lambda r: r.order)


def _hist(v: Any) -> str | None:
    """A tracked field's value as ``event_history`` stores it: text as is, others as JSON."""
    if v is None or isinstance(v, str):
        return v
    if type(v) is int:  # most tracked fields: ``json.dumps`` of an int is its ``str``
        return str(v)
    return json.dumps(v, ensure_ascii=False)

