"""The place resolver: the PLACE span of a mention, from its sentence (the most precise,
locative, nearest place), a few sentences back in its paragraph, else the scene of the
story so far."""

from __future__ import annotations

import re

from ..annotate import docgeo
from ..records import Doc, Sentence, Span

PLACE_PREP = re.compile(r"\b(?:in|on|at|near|of|into|from|outside|around|across|targeting|hit|struck)\s+(?:the\s+)?$", re.I)
FEATURE_RANK = {"city": 0, "region": 1, "admin1": 2, "country": 3}
WIDE_REGION_RANK = 2.5  # a region in no one first-level unit: after a province, before a country
# a region wider than a province is an event's place only after one of these ("in the
# Sahel", "across the Levant", "off the Mediterranean coast"), not as an origin ("militants
# from the North Caucasus", "natives of the Caucasus")
WIDE_REGION_LOCATIVE = re.compile(r"\b(?:in|across|over|into|on|off|at|throughout|near|inside|through)\s+(?:the\s+)?$", re.I)
# how far before a place its locative preposition may stand ("near the " and a little more)
PREP_WINDOW_CHARS = 14
# "the road between Salamiyah and Ithriya", "the Aleppo-Raqqa highway": a route's ends
# name where the road runs, not where the event happened
ROUTE_END_BEFORE = re.compile(r"\b(?:road|highway|route|motorway|supply lines?)\s+(?:between|from|linking|connecting)\s+(?:the\s+)?(?:towns?\s+of\s+)?$", re.I)
ROUTE_WINDOW_CHARS = 40
AROUND_RELATIONS = frozenset({"near", "countryside", "outskirts", "direction"})
# "the village of al-Safsafah, east of Tabqa": the anchor town locates the village; a
# candidate of the village farther than this from the anchor is a namesake elsewhere
ANCHOR_MAX_KM = 60.0
APPOSITION = re.compile(r"\s*,\s*")
# a title's trailing site name: "... kill 39 | Jordan Times", "... in Deir ez-Zor - Sputnik
# International" (a dash with spaces around it, so "Deir ez-Zor" is not split)
TITLE_SEPARATOR = re.compile(r"\s+(?:\||[-–—_])\s+")
SITE_NAME_MAX_WORDS = 5  # outlet names run to a few words ("Al Manar TV Website Archive")
TITLE_HEAD_CHARS = 300  # the title stands at the head of the text (ingest puts it there)


def _squash(name: str) -> str:
    return re.sub(r"[^a-z]", "", re.sub(r"^(?:https?://)?(?:www\.)?|\.[a-z]{2,4}(?:/.*)?$", "", name.lower()))


def title_site_name(doc: Doc) -> tuple[int, int] | None:
    """Where the title names its site ("| Jordan Times", "- Daily Sabah"): the segment
    after the title's last pipe, or after its last spaced dash when its letters spell the
    article's outlet. A place in the site's name is no place of the event."""
    title = (doc.article.title or "").strip()
    start = doc.text.find(title, 0, TITLE_HEAD_CHARS + len(title)) if title else -1
    if start < 0:
        return None
    seps = list(TITLE_SEPARATOR.finditer(title))
    if not seps:
        return None
    tail = title[seps[-1].end() :].strip()
    if not tail or len(tail.split()) > SITE_NAME_MAX_WORDS:
        return None
    outlet = _squash(doc.article.outlet or "")
    spelled = bool(outlet) and (_squash(tail).startswith(outlet) or outlet.startswith(_squash(tail)))
    if "|" in seps[-1].group() or spelled:
        return start + seps[-1].end(), start + len(title)
    return None


def place_rank(sp: Span, text: str, trig: Span) -> tuple:
    """Sort key of a sentence's places: the most precise feature first, then a locative
    one ("in X", "near the village of X"), then the nearest after the trigger."""
    cands = sp.attrs.get("candidates") or []
    feature = cands[0].feature if cands else "country"
    # a region wider than a province ("the Mediterranean coastline of Latakia province")
    # ranks after the province
    rank = WIDE_REGION_RANK if cands and cands[0].feature == "region" and not cands[0].admin1 else FEATURE_RANK.get(feature, 3)
    # a span that already took its relation word ("near the village of X") is locative too
    prep = bool(sp.attrs.get("relation")) or bool(PLACE_PREP.search(text[max(0, sp.start - PREP_WINDOW_CHARS) : sp.start]))
    return (rank, 0 if prep else 1, abs(sp.start - trig.end))


def lookback_rank(sp: Span, text: str, trig: Span) -> tuple:
    """``place_rank`` with ``around`` after the feature rank: a place "near" a town
    ranks below the town itself (``place_rank`` computed once, not per element)."""
    feature, prep, dist = place_rank(sp, text, trig)
    return (feature, around(sp), prep, dist)


def event_places(spans: list[Span], text: str) -> list[Span]:
    """The PLACE spans of a sentence that can be an event's place (geocoded, not the end
    of a route, not the dateline's reporting place, not the neighbour of "on the border
    with Iraq")."""
    return [
        s
        for s in spans
        if s.label == "PLACE"
        and s.attrs.get("candidates")
        and not s.attrs.get("dateline")
        and not s.attrs.get("border")
        and not ROUTE_END_BEFORE.search(text, max(0, s.start - ROUTE_WINDOW_CHARS), s.start)
        and not (_wide_region(s) and not WIDE_REGION_LOCATIVE.search(text, max(0, s.start - PREP_WINDOW_CHARS), s.start))
    ]


def _wide_region(sp: Span) -> bool:
    """A span whose best candidate is a region in no one first-level unit."""
    top = sp.attrs["candidates"][0]
    return top.feature == "region" and not top.admin1


def around(sp: Span) -> int:
    """1 for a place named as around a town ("near X", "countryside of X"), else 0."""
    return 1 if sp.attrs.get("relation") in AROUND_RELATIONS else 0


def anchored(sp: Span, places: list[Span], text: str) -> Span:
    """``sp`` with its namesakes ordered by distance to an anchor that follows it ("X,
    east of Y"); the anchor itself (precision 2) when no namesake lies near it."""
    anchor = next(
        (
            a
            for a in places
            if a.start > sp.end
            and a.attrs.get("relation") in AROUND_RELATIONS
            and APPOSITION.fullmatch(text, sp.end, a.start)
        ),
        None,
    )
    if anchor is None or around(sp):
        return sp
    ref = anchor.attrs["candidates"][0]
    cands = [c for c in sp.attrs["candidates"] if c.latitude is not None]
    if not cands or ref.latitude is None:
        return sp
    from ..assemble import haversine_km

    dist = {id(c): haversine_km(c, ref) for c in cands}
    best = min(cands, key=lambda c: dist[id(c)])
    if dist[id(best)] > ANCHOR_MAX_KM:
        return anchor
    if best is sp.attrs["candidates"][0]:
        return sp
    ordered = [best] + [c for c in sp.attrs["candidates"] if c is not best]
    return Span(sp.start, sp.end, sp.label, sp.text, {**sp.attrs, "candidates": ordered})


POSSESSIVE_AFTER = re.compile(r"['’]s\b")


def foreign_party(sp: Span, text: str, hint: str | None) -> bool:
    """A country other than the article's, named with no locative word before it: a party
    or a speaker ("Russia says it killed 7 in Syria", "Turkey and the coalition hit IS"),
    not where the event happened."""
    cands = sp.attrs.get("candidates") or []
    if not cands or cands[0].feature != "country" or hint is None or cands[0].iso3 == hint:
        return False
    if POSSESSIVE_AFTER.match(text, sp.end) and not docgeo.INSTITUTION_AFTER.match(text, sp.end):
        return False  # "Syria's Palmyra": the country of the place that follows
    return not (sp.attrs.get("relation") or PLACE_PREP.search(text[max(0, sp.start - PREP_WINDOW_CHARS) : sp.start]))


def place_for(
    doc: Doc, i: int, sent: Sentence, trig: Span, spans: list[Span], spans_by_sentence: dict[int, list[Span]], lookback: int
) -> Span | None:
    """The place of the mention in sentence ``i``: the sentence's best place
    (``place_rank``; a site's name in the title and a foreign country named as a party,
    ``foreign_party``, are none), else the best (``lookback_rank``) of the nearest of the ``lookback``
    earlier sentences of its paragraph that names one; None when none does."""
    places = [p for p in event_places(spans, doc.text) if not foreign_party(p, doc.text, doc.country_hint)]
    site = title_site_name(doc) if i == 0 else None
    if site is not None:
        places = [p for p in places if not (site[0] <= p.start and p.end <= site[1])]
    if places:
        return anchored(min(places, key=lambda s: place_rank(s, doc.text, trig)), places, doc.text)
    para = sent.paragraph
    for j in range(i - 1, max(-1, i - 1 - lookback), -1):
        if doc.sentences[j].paragraph != para:
            break
        ps = [p for p in event_places(spans_by_sentence.get(j, []), doc.text) if not foreign_party(p, doc.text, doc.country_hint)]
        if ps:
            # a sentence back, the most precise place is the scene ("shelled the village of
            # Kafr Zita in the northern countryside of Hama ... The shelling also destroyed")
            return anchored(min(ps, key=lambda s: lookback_rank(s, doc.text, trig)), ps, doc.text)
    return None


def continue_scene(place: Span | None, scene: Span | None, i: int) -> Span | None:
    """A body sentence (past the headline and the first line) that names no place
    continues the scene of the previous report ("ISIS militants launched the assault at
    dawn ..."): ``scene`` is the place of the latest body mention."""
    if place is None and scene is not None and i > 1:
        return scene
    return place
