"""Within-article deduplication: the mentions of one article become ledger events.

A story repeats its main event (headline, lede, a later paragraph with the toll): mentions
of the same sub-event type at compatible places and dates merge into one ``Event`` that
keeps every mention as evidence. Cross-article corroboration is a later stage.
"""

from __future__ import annotations

import hashlib
import math
import re

from . import placenames
from .records import Event, EventMention, Place, interaction_code

ACLED_TYPE_VERB = {
    "Battles": "fought",
    "Explosions/Remote violence": "carried out",
    "Violence against civilians": "attacked",
    "Protests": "protested",
    "Riots": "rioted",
    "Strategic developments": "was involved in",
}


def haversine_km(a: Place, b: Place) -> float:
    r = 6371.0
    p1, p2 = math.radians(a.latitude), math.radians(b.latitude)
    dp = p2 - p1
    dl = math.radians(b.longitude - a.longitude)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(min(1.0, math.sqrt(h)))


def places_compatible(a: Place | None, b: Place | None, same_place_km: float) -> bool:
    """Same place, nearby, or one contains the other (a province and a town in it)."""
    if a is None or b is None:
        return True
    if a.geonameid is not None and a.geonameid == b.geonameid:
        return True
    if a.iso3 != b.iso3:
        return False
    if "country" in (a.feature, b.feature):
        return True
    if "admin1" in (a.feature, b.feature):
        return a.admin1 == b.admin1
    return haversine_km(a, b) <= same_place_km


# Days before a date that is only the report's day (a dateline, the publication day, a
# headline's inherited date) in which the incident it stands for may have happened: the
# news week, as ACLED's week precision for undated reports.
REPORT_DAY_REACH = 7


def dates_compatible(a: EventMention, b: EventMention, slack_days: int = 0) -> bool:
    """Dates that can be one incident's at their precisions; a date that is only the day
    of the report bounds the incident from above ("Published 14 Nov: air strikes on
    Monday ...": the dateline's 14th and Monday the 13th are one strike)."""
    if a.event_date is None or b.event_date is None:
        return True
    slack = {1: 0, 2: 7, 3: 31}
    tol = max(slack.get(a.time_precision or 1, 0), slack.get(b.time_precision or 1, 0), slack_days)
    diff = (a.event_date - b.event_date).days
    if abs(diff) <= tol:
        return True
    if diff > 0 and report_day_only(a):
        return diff <= REPORT_DAY_REACH
    if diff < 0 and report_day_only(b):
        return -diff <= REPORT_DAY_REACH
    return False


# What may stand before a dateline's date at the start of a sentence: nothing, or the
# words that announce the day of the report ("Date of publication 8 April 2017 An airstrike
# ...", "Published July 27 2016 ...", "Posted on", "Last updated", a weekday "Tue 05 Jul").
DATELINE_LEAD = re.compile(
    r"^\W*(?:(?:date of )?publication|published(?: on)?|posted(?: on)?|(?:last )?updated(?: at| on)?|"
    r"(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?)?\W*$",
    re.I,
)


def report_day_only(m: EventMention) -> bool:
    """Whether the mention's date is only the day of the report, not the incident's: the
    publication date, a headline's date taken from elsewhere, or a dateline."""
    text = m.evidence.fields.get("event_date")
    if not text:
        return False
    if text == "publication date":
        return True
    sentence = m.evidence.sentence
    at = sentence.find(text)
    if at < 0:
        return m.headline
    published = m.evidence.published
    return (
        bool(DATELINE_LEAD.match(sentence[:at]))
        and bool(published)
        and m.event_date is not None
        and published[:10] == m.event_date.isoformat()
    )


# A body mention is tested against at most this many groups of its sub-event type, the
# most recent ones (in creation order). No news article comes near it (FA-KES's most: 9 of
# one type), so their events are unchanged; a digest of thousands of incidents (a 500,000-
# character page: 3,085 mentions, 1,456 events) no longer costs mentions x groups (8 s of
# grouping; issue 11), and its far-apart mentions are not merged across the whole page.
MAX_OPEN_GROUPS = 64


class _Group(list):
    """A group of mentions (a list, in order) that also keeps what the compatibility tests
    read of its members: one member per distinct (place, relation) and per distinct (date,
    precision), the named agents, the second sides and the tolls. Testing a mention against
    these gives the same answer as testing it against every member, at a cost that no
    longer grows with the group: grouping was quadratic in an article's mentions (a 1 MB
    article: 1.6 million date tests, 17 of its 28 s)."""

    __slots__ = ("places", "dates", "named", "sides", "tolls", "separate")

    def __init__(self, members=()):
        super().__init__()
        self.places: dict = {}
        self.dates: dict = {}
        self.named: set[str] = set()
        self.sides: set[str] = set()
        self.tolls: set[int] = set()
        # begun by a sentence that says it tells of another incident ("Separately, ...")
        self.separate = bool(members) and opens_separate_incident(members[0])
        self.extend(members)

    def append(self, m: EventMention) -> None:
        super().append(m)
        self.places.setdefault((m.place, m.place_relation), m)
        self.dates.setdefault((m.event_date, m.time_precision, report_day_only(m)), m)
        if m.actor1 and not _unidentified(m.actor1) and not _defaulted(m):
            self.named.add(m.actor1)
        if m.actor2:
            self.sides.add(m.actor2)
        self.tolls.add(m.fatalities)

    def extend(self, ms) -> None:
        for m in ms:
            self.append(m)


def group_mentions(mentions: list[EventMention], same_place_km: float) -> list[list[EventMention]]:
    """Greedy grouping in text order: each body mention joins the first compatible group.

    A headline ("US jets kill 15 civilians in Syria") names the story's incident with less
    detail and often another name for the actor than the body does, so headline mentions
    join afterwards the first body group of their sub-event type at a compatible place and
    date, preferring one with the same toll, whatever its actors."""
    groups: list[_Group] = []
    by_type: dict[str, list[_Group]] = {}  # the groups of each sub-event type, in creation order

    def new_group(m: EventMention) -> None:
        g = _Group([m])
        groups.append(g)
        by_type.setdefault(m.sub_event_type, []).append(g)

    for m in (x for x in mentions if not x.headline):
        if opens_separate_incident(m):
            new_group(m)
            continue
        for g in by_type.get(m.sub_event_type, [])[-MAX_OPEN_GROUPS:]:
            if _compatible(g, m, same_place_km) and _actors_compatible(g, m):
                g.append(m)
                break
        else:
            new_group(m)
    for m in (x for x in mentions if x.headline):
        # a headline's date is often only the publication date: a day either way fits
        # (not a group the body introduced as another incident: "Separately, ...")
        fits = [g for g in by_type.get(m.sub_event_type, ()) if not g.separate and _compatible(g, m, same_place_km, slack_days=1)]
        same_toll = [g for g in fits if m.fatalities and m.fatalities in g.tolls]
        target = (same_toll or fits or [None])[0]
        if target is None and m.fatalities:
            target = _same_toll_body(groups, m)
        if target is None:
            new_group(m)
        else:
            target.append(m)
    out: list[list[EventMention]] = _refine_weapon(groups, same_place_km)
    for g in out:
        g.sort(key=lambda x: x.evidence.char_start)
    out.sort(key=lambda g: g[0].evidence.char_start)
    return [list(g) for g in out]


# Sentence openings by which a report says it turns to another incident: "Separately,
# Russian jets raided ...", "Elsewhere in the province ...", "In another attack ...",
# "Also on Saturday, a bomb exploded aboard a bus ...". A mention so introduced starts an
# event of its own (later sentences may still join it).
SEPARATE_INCIDENT = re.compile(
    r"^\W*(?:separately|elsewhere|meanwhile|in (?:an?other|a separate|a second) (?:incident|attack|strike|raid|development|bombing|blast|assault)"
    r"|also on (?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|the same day))\b",
    re.I,
)


# "Another" opening a sentence tells of more dead or another strike ("Another five people
# were killed in an air raid on Sheikh Said", "Another strike hit a village in the east"),
# unless it ties them back to the incident told ("Another ten died in the blast").
ANOTHER_INCIDENT = re.compile(
    r"^\W*another\b(?![^.]*\b(?:in|by|from|during|after)\s+the\s+(?:same\s+)?"
    r"(?:attack|strike|raid|air raid|blast|explosion|bombing|shelling|assault|fighting|clash|clashes|ambush|incident)\b)",
    re.I,
)


def opens_separate_incident(m: EventMention) -> bool:
    """Whether the mention's sentence opens by turning to another incident."""
    if m.headline:
        return False
    return bool(SEPARATE_INCIDENT.match(m.evidence.sentence) or ANOTHER_INCIDENT.match(m.evidence.sentence))


def _same_toll_body(groups: list[_Group], m: EventMention) -> "_Group | None":
    """The body group that a headline retells by its toll: the same family of event, the
    same death toll, a compatible date and the same country. A headline names its place
    coarsely ("Bomb blast kills 60 in Damascus suburb" for a car bomb in a town north of
    the capital) and its weapon loosely, but two incidents of one article with the same
    toll are rare, and the headline then matches the first."""
    family = FAMILY_OF.get(m.event_type)
    for g in groups:
        if g[0].headline or g.separate or m.fatalities not in g.tolls or FAMILY_OF.get(g[0].event_type) != family:
            continue
        if not all(dates_compatible(x, m, slack_days=1) for x in g.dates.values()):
            continue
        if m.place is not None and not all(_headline_place_fits(x.place, m.place) for x in g.places.values() if x.place is not None):
            continue
        return g
    return None


# A headline's place stands for its surroundings within this distance (km): "Damascus
# suburb" for a town 30 km north of the capital, "east Hama" for a town 60 km east of the
# city; two incidents of one toll in towns farther apart are two incidents.
HEADLINE_PLACE_KM = 100.0


def _headline_place_fits(body: Place, headline: Place) -> bool:
    """Whether a headline's (coarse) place can be the body's: the same country, and the
    same province or within ``HEADLINE_PLACE_KM`` unless one names only the country."""
    if body.iso3 != headline.iso3:
        return False
    if "country" in (body.feature, headline.feature) or (body.admin1 and body.admin1 == headline.admin1):
        return True
    return haversine_km(body, headline) <= HEADLINE_PLACE_KM


# The coarse kinds of violence a headline may name one incident by: an explosion or an
# attack on civilians (a headline's "attack" is often the body's strike), a battle.
FAMILY_OF = {
    "Explosions/Remote violence": "violence",
    "Violence against civilians": "violence",
    "Battles": "battle",
}


# A generic weapon that a later sentence of the same article names more precisely: "a car
# bomb tore through a convoy" ... "a suicide bomber drove a van loaded with explosives".
# So is a strike or a shelling that a later sentence says carried chlorine ("a regime
# helicopter dropped barrels containing chlorine"): ACLED codes the chemical weapon,
# whatever delivered it.
REFINED_BY = {
    "Remote explosive/landmine/IED": ("Suicide bomb",),
    "Air/drone strike": ("Chemical weapon",),
    "Shelling/artillery/missile attack": ("Chemical weapon",),
}


def _own_place(m: EventMention) -> bool:
    """Whether the mention's place is named in its own sentence (not carried over)."""
    return bool(m.place_text) and m.place_text in m.evidence.sentence


def _refine_weapon(groups: list[_Group], same_place_km: float) -> list[_Group]:
    """Merge a group of a more specific weapon into the generic group of the same incident:
    same date, one toll between them (two figures may be two incidents), and a place that is compatible or only
    carried over from another sentence. The merged event takes the specific sub-event
    (``build_events`` codes a group by its most specific mention)."""
    out = list(groups)
    for g in groups:
        specific = g[0].sub_event_type
        for generic_name, refiners in REFINED_BY.items():
            if specific not in refiners:
                continue
            targets = [
                h
                for h in out
                if h is not g
                and not (h.separate or g.separate)
                and h[0].sub_event_type == generic_name
                and all(dates_compatible(x, m) for x in h.dates.values() for m in g.dates.values())
                and _one_toll(h.tolls, g.tolls)
                and all(
                    not _own_place(m) or all(_mention_places_compatible(x, m, same_place_km) for x in h.places.values()) for m in g
                )
            ]
            if targets and g in out:
                targets[0].extend(g)
                out.remove(g)
                break
    return out


def _one_toll(a: set, b: set) -> bool:
    """Whether two groups' tolls can be one incident's: one gives none, or they share a
    figure (a generic and a specific account often repeat the toll, one rounding it)."""
    a, b = a - {0, None}, b - {0, None}
    return not a or not b or bool(a & b)


def _compatible(group: _Group, m: EventMention, same_place_km: float, slack_days: int = 0) -> bool:
    """Same sub-event type, and a place and a date that fit every member's (each distinct
    place and date of the group tested once)."""
    return (
        group[0].sub_event_type == m.sub_event_type
        and all(_mention_places_compatible(x, m, same_place_km) for x in group.places.values())
        and all(dates_compatible(x, m, slack_days) for x in group.dates.values())
    )


def _mention_places_compatible(a: EventMention, b: EventMention, same_place_km: float) -> bool:
    """``places_compatible``, and "the countryside of Hama" (a part of the province, coded
    to its capital) holds any town of that province ("the village of Kafr Zita in the
    northern countryside of Hama")."""
    if places_compatible(a.place, b.place, same_place_km):
        return True
    if "countryside" in (a.place_relation, b.place_relation):
        return a.place.iso3 == b.place.iso3 and bool(a.place.admin1) and a.place.admin1 == b.place.admin1
    return False


def _unidentified(actor: str | None) -> bool:
    """An actor the reporting leaves unnamed ("a suicide bomber", "gunmen", "terrorists")."""
    return bool(actor) and actor.startswith("Unidentified")


def _defaulted(m: EventMention) -> bool:
    """Whether the mention's actor1 is the lexicon's default for its weapon and country,
    not a party the text names: no evidence against a named one."""
    return str(m.evidence.fields.get("actor1", "")).startswith("default")


def _actors_compatible(group: _Group, m: EventMention) -> bool:
    """No two different named agents. An unidentified agent ("a suicide bomber") fits a
    named one (a later sentence says "the bomber, an Islamic State militant"), and the two
    sides of a fight may be named in either order ("army units repelled an attack launched
    by terrorists" / "terrorists were killed in the clashes" with the army from context)."""
    if not m.actor1 or _unidentified(m.actor1) or _defaulted(m):
        return True
    named = group.named
    if not named or m.actor1 in named:
        return True
    sides = group.sides
    return m.actor1 in sides and bool(m.actor2) and (m.actor2 in named or _unidentified(m.actor2))


def _most_specific(group: list[EventMention]) -> EventMention:
    """The mention whose sub-event codes the group: the first one, unless the group merged
    a more specific weapon into a generic one (``REFINED_BY``)."""
    first = group[0]
    for m in group:
        if m.sub_event_type in REFINED_BY.get(first.sub_event_type, ()):
            return m
    return first


def event_id(article_id: str, first: EventMention) -> str:
    place = first.place.geonameid if first.place is not None else first.place_text
    key = f"{article_id}|{first.sub_event_type}|{place}|{first.event_date}|{first.evidence.char_start}"
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


def _best(group: list[EventMention], attr: str):
    for m in group:
        v = getattr(m, attr)
        if v:
            return m, v
    return None, None


def _most_precise_place(group: list[EventMention]) -> EventMention | None:
    placed = [m for m in group if m.place is not None]
    if not placed:
        return None
    # a headline names the place coarsely ("kills 15 in east Hama" for a town of the
    # province): the body's place first
    return min(placed, key=lambda m: (m.headline, m.geo_precision or 3, {"city": 0, "region": 1, "admin1": 2}.get(m.place.feature, 3)))


def _vague(m: EventMention) -> bool:
    return bool(m.evidence.fields.get("fatalities_vague"))


def vague_floors_dropped(items: list, value, vague) -> list:
    """``items`` without the vague tolls ("dozens", "scores of civilians") that a precise
    figure of another report meets: the vague word is a floor the count is consistent
    with, not a figure that disputes it ("dozens killed" and "58 killed" agree on 58). A
    vague toll above every precise figure ("hundreds" against 58) still disputes them."""
    precise = [value(x) for x in items if not vague(x) and value(x)]
    if not precise:
        return items
    top = max(precise)
    return [x for x in items if not (vague(x) and value(x) <= top)]


def _part(m: EventMention) -> bool:
    return bool(m.evidence.fields.get("fatalities_part"))


def whole_tolls(items: list, value, part) -> list:
    """``items`` without the figures that count a part of an incident's dead ("Fifteen of
    the dead came in the strike on Shaar") or victims added to them ("One civilian was
    also killed") when another figure of the article states the toll itself: a part is
    no lower account of the whole, so it is no dispute of it."""
    whole = [x for x in items if not part(x) and value(x)]
    return whole if whole else items


# A figure of the body at most 1/HEADLINE_PART_RATIO of the toll the headline states for the
# same incident is a part of that toll, not a dispute of it. A headline (or the lede that
# opens the text) states the article's whole toll; a body figure far below it counts one
# neighbourhood of the strikes ("nine of them in one district"), one group of the dead
# ("three civilians" of "40 fighters and three civilians"), a named few ("a commander
# among them"), or the count a source gave before the update the headline carries. Outlets
# that dispute one toll give figures of one magnitude (7 against 4, 126 against 100):
# those stay a dispute and the lowest is kept. 2: half the headline's figure or less
# (FA-KES's 804 articles, benchmarks/fakes.py: exact deaths of the ledger's main event
# 0.531 -> 0.550, of the article's own 0.624 -> 0.644; the fakes_full dev tolls unchanged,
# where two body figures stay a dispute however far apart: without the headline's word
# for it, the larger may count more than the incident, "90 killed" the week's to a day's 12).
HEADLINE_PART_RATIO = 2


def headline_parts_dropped(items: list, value, vague, headline) -> list:
    """``items`` without the body figures (not from the headline) at most
    1/``HEADLINE_PART_RATIO`` of the highest precise (not vague) figure the headline states:
    parts of the headline's toll (``HEADLINE_PART_RATIO``). Unchanged when the headline
    states no figure."""
    top = max((value(x) for x in items if headline(x) and value(x) and not vague(x)), default=0)
    if not top:
        return items
    return [x for x in items if headline(x) or not (value(x) and value(x) * HEADLINE_PART_RATIO <= top)]


def _fatalities(group: list[EventMention]) -> tuple[int, int, int, bool]:
    """Figures that state the toll (not a part of it, ``whole_tolls``; not a part of the
    headline's, ``headline_parts_dropped``) from different attributions that disagree are
    a dispute: keep the lowest (SPEC). Figures from one voice are the same report
    repeated or updated: keep the highest of them (a later paragraph's 'toll rose to 12')."""
    by_source: dict[str, list[EventMention]] = {}
    counted = whole_tolls([m for m in group if m.fatalities or m.fatality_text], lambda m: m.fatalities, _part)
    counted = vague_floors_dropped(counted, lambda m: m.fatalities, _vague)
    counted = headline_parts_dropped(counted, lambda m: m.fatalities, _vague, lambda m: m.headline)
    for m in counted:
        by_source.setdefault(m.evidence.attributed_to or "", []).append(m)
    if not by_source:
        return 0, 0, 0, False
    per_source = [max(x.fatalities for x in ms) for ms in by_source.values()]
    lows = [min(x.fatalities_low or x.fatalities for x in ms) for ms in by_source.values()]
    highs = [max(x.fatalities_high or x.fatalities for x in ms) for ms in by_source.values()]
    disputed = len(set(per_source)) > 1
    value = min(per_source) if disputed else per_source[0]
    return value, min(lows + [value]), max(highs + [value]), disputed


def build_events(article_id: str, mentions: list[EventMention], same_place_km: float) -> list[Event]:
    events = []
    for group in group_mentions(mentions, same_place_km):
        first = _most_specific(group)
        pm = _most_precise_place(group)
        place = pm.place if pm else None
        # a named agent outranks an unidentified one ("a suicide bomber" -> "an Islamic State militant")
        named1 = [m for m in group if m.actor1 and not _unidentified(m.actor1)]
        _, actor1 = _best(named1 or group, "actor1")
        a1m = next((m for m in group if m.actor1 == actor1), first)
        # the other side: never actor1 again (mentions may name the sides in either order)
        _, actor2 = _best([m for m in group if m.actor2 != actor1], "actor2")
        a2m = next((m for m in group if m.actor2 == actor2), first)
        swapped = next((m for m in group if m.actor1 and m.actor1 != actor1), None) if actor2 is None else None
        if swapped is not None and first.event_type == "Battles":
            actor2, a2m = swapped.actor1, None
        inter2 = (a2m.inter2 if a2m is not None else swapped.inter1) if actor2 else None
        assoc2 = a2m.assoc_actor_2 if a2m is not None else swapped.assoc_actor_1
        dated = [m for m in group if m.event_date is not None]
        # the body dates the incident; a headline's date, a dateline, the publication day
        # only bound it
        dm = min(dated, key=lambda m: (report_day_only(m), m.time_precision or 3, m.headline)) if dated else None
        value, low, high, disputed_toll = _fatalities(group)
        claims = {m.claim for m in group}
        if "disputed" in claims or disputed_toll:
            claim = "disputed"
        elif claims == {"claimed"}:
            claim = "claimed"
        elif "claimed" in claims and not any(m.claim == "reported" and m.evidence.attributed_to for m in group):
            # any hedge on the event's own reporting keeps it a claim
            claim = "claimed"
        else:
            claim = "reported"
        outlets = sorted({m.evidence.outlet for m in group if m.evidence.outlet})
        ev = Event(
            event_id=event_id(article_id, group[0]),
            event_date=dm.event_date.isoformat() if dm else None,
            time_precision=dm.time_precision if dm else None,
            event_type=first.event_type,
            sub_event_type=first.sub_event_type,
            actor1=actor1,
            assoc_actor_1=a1m.assoc_actor_1,
            inter1=a1m.inter1 if actor1 else None,
            actor2=actor2,
            assoc_actor_2=assoc2,
            inter2=inter2,
            interaction=interaction_code(a1m.inter1 if actor1 else None, inter2),
            civilian_targeting=any(m.civilian_targeting for m in group),
            country=place.country if place else None,
            iso3=place.iso3 if place else None,
            admin1=placenames.admin1_name(place.iso3, place.admin1) if place else None,  # OCHA/ACLED spelling
            admin2=place.admin2 if place else None,
            location=placenames.location_name(place) if place else None,  # one spelling per place
            latitude=round(place.latitude, 5) if place else None,
            longitude=round(place.longitude, 5) if place else None,
            geo_precision=pm.geo_precision if pm else None,
            geonameid=place.geonameid if place else None,
            fatalities=value,
            fatalities_low=low,
            fatalities_high=high,
            claim_status=claim,
            sources=outlets,
            source_count=max(1, len(outlets)),
            independent_source_count=1,
            notes="",
            mentions=[mention_record(m) for m in group],
        )
        ev.notes = summarise(ev, disputed_toll)
        events.append(ev)
    return events


def mention_record(m: EventMention) -> dict:
    e = m.evidence
    return {
        "article_id": e.article_id,
        "path": e.path,
        "url": e.url,
        "outlet": e.outlet,
        "published": e.published,
        "sentence": e.sentence,
        "char_start": e.char_start,
        "char_end": e.char_end,
        "attributed_to": e.attributed_to,
        "hedges": list(e.hedges),
        "sub_event_type": m.sub_event_type,
        "fatalities": m.fatalities,
        "claim": m.claim,
        "fields": dict(e.fields),
    }


def summarise(ev: Event, disputed_toll: bool) -> str:
    """One sentence an analyst can read: who did what to whom, where, when, with what toll."""
    when = f"On {ev.event_date}" if ev.event_date else "On an unknown date"
    if ev.time_precision and ev.time_precision > 1 and ev.event_date:
        when = f"Around {ev.event_date}"
    who = ev.actor1 or "an unidentified actor"
    what = ev.sub_event_type.lower()
    target = f" against {ev.actor2}" if ev.actor2 else ""
    where = ""
    if ev.location:
        where = f" in {ev.location}" + (f" ({ev.admin1})" if ev.admin1 and ev.admin1 != ev.location else "")
    toll = ""
    if ev.fatalities_high:
        toll = f"; {ev.fatalities} killed"
        if ev.fatalities_high != ev.fatalities:
            toll += f" (reports range {ev.fatalities_low}-{ev.fatalities_high}"
            toll += ", disputed)" if disputed_toll else ")"
    return f"{when}, {who}: {what}{target}{where}{toll} [{ev.claim_status}]."


# Event types that carry an article's headline incident; strategic developments and
# protests are rarely what a conflict report leads with when violence is also reported.
VIOLENT_TYPES = {"Battles", "Explosions/Remote violence", "Violence against civilians"}


def main_event(events: list[Event]) -> Event | None:
    """The article's main event: violent before strategic, then the one the headline or
    lede reports (earliest mention), then the larger toll."""
    if not events:
        return None

    def key(ev: Event):
        first = min(m["char_start"] for m in ev.mentions) if ev.mentions else 10**9
        return (ev.event_type not in VIOLENT_TYPES, first, -ev.fatalities)

    return min(events, key=key)
