"""The place resolver: the PLACE span of a mention, from its sentence (the most precise,
locative, nearest place), a few sentences back in its paragraph, else the scene of the
story so far."""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Collection

from ..annotate import docgeo
from ..annotate.places import DISTRICT_AFTER
from ..gazetteer import normalize_name
from ..records import Doc, Sentence, Span

# a locative word before a place, a direction word allowed between ("in North Syria")
PLACE_PREP = re.compile(
    r"\b(?:in|on|at|near|of|into|from|outside|around|across|targeting|hit|struck)\s+(?:the\s+)?"
    r"(?:(?:north|south|east|west)(?:ern)?(?:[\s-]?(?:east|west)(?:ern)?)?\s+)?$",
    re.I,
)
FEATURE_RANK = {"city": 0, "region": 1, "admin2": 1, "admin1": 2, "country": 3}
WIDE_REGION_RANK = 2.5  # a region in no one first-level unit: after a province, before a country
# a region wider than a province is an event's place only after one of these ("in the
# Sahel", "across the Levant", "off the Mediterranean coast"), not as an origin ("militants
# from the North Caucasus", "natives of the Caucasus")
WIDE_REGION_LOCATIVE = re.compile(r"\b(?:in|across|over|into|on|off|at|throughout|near|inside|through)\s+(?:the\s+)?$", re.I)
# how far before a place its locative preposition may stand ("near the " and a little more)
PREP_WINDOW_CHARS = 24  # "in the north-western " (a direction word may stand between)
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


# "Turkish army howitzers fired on militants preparing to fire on Turkey from northern Syria":
# the country of an army named in the sentence is where the army comes from, not the scene
MILITARY_AFTER = r"\s+(?:\w+\s+)?(?i:army|armed\s+forces|forces|troops|soldiers|jets|warplanes|aircraft|howitzers|artillery|military|air\s+force|navy|drones?|tanks)\b"


MILITARY = re.compile(MILITARY_AFTER)


def army_countries(text: str) -> frozenset[str]:
    """The countries whose armed forces ``text`` names ("Turkish army", "Russian jets")."""
    return frozenset(iso for end, iso, _ in _nationality_words(text) if end >= 0 and MILITARY.match(text, end))


def place_rank(sp: Span, text: str, trig: Span, hint: str | None = None) -> tuple:
    """Sort key of a sentence's places: the most precise feature first, then one in the
    document's country ``hint`` ("fighting IS in Iraq and Syria" in a Syrian story), then
    a locative one ("in X", "near the village of X"), then the nearest after the trigger."""
    cands = sp.attrs.get("candidates") or []
    feature = cands[0].feature if cands else "country"
    # a region wider than a province ("the Mediterranean coastline of Latakia province")
    # ranks after the province
    rank = WIDE_REGION_RANK if cands and cands[0].feature == "region" and not cands[0].admin1 else FEATURE_RANK.get(feature, 3)
    # a span that already took its relation word ("near the village of X") is locative too
    prep = bool(sp.attrs.get("relation")) or bool(PLACE_PREP.search(text[max(0, sp.start - PREP_WINDOW_CHARS) : sp.start]))
    home = 0 if hint is None or not cands or cands[0].iso3 == hint else 1
    return (rank, home, 0 if prep else 1, abs(sp.start - trig.end))


def lookback_rank(sp: Span, text: str, trig: Span, hint: str | None = None) -> tuple:
    """``place_rank`` with ``around`` after the feature rank: a place "near" a town
    ranks below the town itself (``place_rank`` computed once, not per element)."""
    feature, home, prep, dist = place_rank(sp, text, trig, hint)
    return (feature, home, around(sp), prep, dist)


def event_places(spans: list[Span], text: str) -> list[Span]:
    """The PLACE spans of a sentence that can be an event's place (geocoded, not the end
    of a route, not the dateline's reporting place, not the neighbour of "on the border
    with Iraq", not a seat that speaks or where people came from: "Moscow said",
    "fighters from Chechnya")."""
    return [
        s
        for s in spans
        if s.label == "PLACE"
        and s.attrs.get("candidates")
        and not s.attrs.get("dateline")
        and not s.attrs.get("border")
        and not s.attrs.get("seat")
        and not s.attrs.get("origin")
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

# A place named as the seat of who speaks or acts, not as the scene: "the Observatory based
# in Britain", "the defence ministry in Moscow said", "IS (banned in Russia)", "George Sabra
# said in Turkey", "the London embassy", "US-led", "Moscow said", "Ankara warned".
SEAT_BEFORE = re.compile(
    r"\b(?:based|headquartered|banned|outlawed|prohibited|registered|exiled|said|says|told\s+\w+|speaking|spoke|"
    r"ministry|office|embassy|officials?|spokes(?:man|woman|person)|charity|newspaper|agency|report|interview|statement|"
    r"conference|meeting|summit|talks|visit|house|organi[sz]ations?|issued|published|held)\s+(?:in|at)\s+(?:the\s+)?$",
    re.I,
)
SEAT_WINDOW_CHARS = 40  # "told reporters in ", "the defence ministry in ", "based in the "
SEAT_AFTER = re.compile(
    r"\s*-\s*(?:based|led|backed|born|sponsored|funded|allied|supported)\b"
    r"|\s+(?:embassy|government|authorities|officials?)\b",
    re.I,
)
# a place followed by a verb of saying is a speaker ("Moscow said", "Washington insisted"),
# unless a locative word stands before it ("killed in Aleppo said the monitor", FA-KES text
# has lost its commas) and no seat noun before that ("the ministry in Moscow said")
SPEAKER_AFTER = re.compile(
    r"\s+(?:said|says|say|announced|warned|claimed|accused|denied|insisted|stated|confirmed|condemned|blamed|"
    r"urged|demanded|threatened|vowed|responded|told|will|would)\b",
    re.I,
)
# "Moscow AFP Saturday 7 Oct 2017", "WASHINGTON (Sputnik)": a wire story's dateline inside
# a headline block, the reporting place (the wire agencies of data/outlets.yaml's reach)
WIRE_AFTER = re.compile(r"\s*\(?(?:AFP|Reuters|AP|Sputnik|SANA|Xinhua|Anadolu|DPA|UPI|IANS)\)?(?:\s|$)")
# where people or goods come from, not where the event is: "mercenaries from Saudi Arabia",
# "a native of Kazakhstan", "ambulances dispatched from Turkey", "from the territory of Iraq"
ORIGIN_BEFORE = re.compile(
    r"\b(?:from|natives?\s+of|citizens?\s+of|nationals?\s+of|born\s+in)\s+(?:the\s+)?"
    r"(?:(?:territory|town|city|village)\s+of\s+(?:the\s+)?)?$",
    re.I,
)
ORIGIN_WINDOW_CHARS = 30
# a neighbouring country named as a border's other side: "near the Lebanese border" is
# a relation, "a border crossing with Turkey", "the Syria-Turkey border"
BORDER_BEFORE = re.compile(r"\bborder\s+(?:crossings?|posts?|gates?|points?|areas?)\s+(?:with|into)\s+(?:the\s+)?$", re.I)
BORDER_AFTER = re.compile(r"\s*(?:-\s*)?(?:border|frontier)\b", re.I)
# a city's district or neighbourhood that shares a city's name elsewhere: "the Sulaymaniyah
# neighbourhood of Aleppo", "the district of Al Mashhad" (the word after the name:
# annotate.places.DISTRICT_AFTER)
DISTRICT_BEFORE = re.compile(r"\b(?:neighbou?rhoods?|district|quarter)\s+of\s+(?:the\s+)?$", re.I)
# direction and region words are relations, not towns abroad: "the North East", "Northern
# Province of Aleppo", "north-east Syria"
DIRECTION_NAME = re.compile(
    r"(?:the\s+)?(?:north|south|east|west|northern|southern|eastern|western|central|middle)"
    r"(?:[\s-]*(?:east|west|eastern|western))?(?:\s+(?:province|region|district|governorate|area|part|parts|sector|front))?",
    re.I,
)
# "the al-Hail oilfield": a site named after a place; a namesake abroad is not that place
FACILITY_AFTER = re.compile(
    r"\s+(?:oil\s*fields?|gas\s*fields?|fields?|camps?|base|air\s*base|airport|mosque|hospital|school|dam|checkpoint|"
    r"hills?|mount|mountains?|plain|valley|bridge|roundabout|square|street|road|prison|factory|plant|station)\b",
    re.I,
)
# "Salah Al Din Al Shishani": a place name inside a person's name (an Arabic nisba follows)
NAME_PARTICLE_AFTER = re.compile(r"\s+(?:Al|al|El|el)[\s-][A-Z]\w+")


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


def _foreign(sp: Span, hint: str | None) -> bool:
    cands = sp.attrs.get("candidates") or []
    return bool(cands) and hint is not None and getattr(cands[0], "iso3", hint) != hint


def _locative(sp: Span, text: str) -> bool:
    return bool(sp.attrs.get("relation")) or bool(PLACE_PREP.search(text[max(0, sp.start - PREP_WINDOW_CHARS) : sp.start]))


def seat(sp: Span, text: str) -> bool:
    """Whether the place is named as the seat of a speaker or actor, or attributively
    ("based in Britain", "Moscow said", "US-led", "banned in Russia"): no event's place."""
    before = text[max(0, sp.start - SEAT_WINDOW_CHARS) : sp.start]
    if SEAT_BEFORE.search(before) or SEAT_AFTER.match(text, sp.end) or WIRE_AFTER.match(text, sp.end):
        return True
    return bool(SPEAKER_AFTER.match(text, sp.end)) and not (sp.attrs.get("relation") or PLACE_PREP.search(before[-PREP_WINDOW_CHARS:]))


def not_scene(sp: Span, text: str, hint: str | None, named: frozenset[str]) -> bool:
    """Whether a geocoded PLACE span is named as something other than a scene: a seat
    (``seat``), a border's other side, the origin of people or goods abroad, a city
    district named like a city abroad, a direction word matched to a place abroad, a
    place inside a person's name, or a small place in a country the text never names
    (``named``: the countries named in it) and names no nationality of before it."""
    if seat(sp, text):
        return True
    cands = sp.attrs.get("candidates") or []
    top = cands[0]
    if top.feature != "country" and inflected_word(str(sp.attrs.get("head") or sp.text), getattr(top, "name", "")):
        return True
    if top.feature == "country" and (BORDER_BEFORE.search(text, max(0, sp.start - ROUTE_WINDOW_CHARS), sp.start) or BORDER_AFTER.match(text, sp.end)):
        return True
    if not _foreign(sp, hint):
        return False
    if sp.attrs.get("reference"):
        return True  # "crossings which border the outskirts of the Lebanese town of Arsal"
    if top.feature == "country":
        # "near Lebanon": the scene is this side of the border
        return sp.attrs.get("relation") == "near" or bool(ORIGIN_BEFORE.search(text, max(0, sp.start - ORIGIN_WINDOW_CHARS), sp.start))
    head = str(sp.attrs.get("head") or sp.text)
    if DIRECTION_NAME.fullmatch(head.strip()):
        return True
    if ORIGIN_BEFORE.search(text, max(0, sp.start - ORIGIN_WINDOW_CHARS), sp.start):
        return True
    if DISTRICT_AFTER.match(text, sp.end) or DISTRICT_BEFORE.search(text, max(0, sp.start - ORIGIN_WINDOW_CHARS), sp.start):
        return True
    if NAME_PARTICLE_AFTER.match(text, sp.end) or FACILITY_AFTER.match(text, sp.end):
        return True
    return top.iso3 not in named and top.population < docgeo.UNATTESTED_TOWN_MIN


# "the Syrian border town of Kobani", "Northern Syrian City of Al Tabqah": a nationality
# word before a place noun says which country the place is in, even when the place itself
# is unknown to the gazetteer; it counts as two places (it is explicit)
PLACE_NOUN_AFTER = r"\s+(?:\w+\s+)?(?i:town|city|village|province|governorate|capital|countryside|territory|coast|desert|side)\b"
DEMONYM_PLACE_WEIGHT = 2
# "Syrias Raqa", "Iraqs Anbar" (FA-KES text has lost its apostrophes): a country's
# possessive before a capitalised word; nationality words ending like these are no
# country names ("Syrians", "Iraqis", "Turkish")
NOT_COUNTRY_ENDINGS = ("n", "i", "sh", "ese")


CAPITALISED = re.compile(r"(?<![\w\-])(?:U\.S\.|[A-Z][\w\-]*)")
PLACE_NOUN = re.compile(PLACE_NOUN_AFTER)
POSSESSIVE_CAPITAL = re.compile(r"\s+([A-Z]\w*)")
WORD = re.compile(r"\w+")


def _nationality_words(text: str):
    """(end, iso3, word) of each nationality word or country name of ``docgeo``'s table in
    ``text`` (one- and two-word entries), found by a scan of capitalised tokens (one
    alternation of every name run at every position would cost more than the stage)."""
    table, _ = docgeo._demonyms()
    if not table:
        return
    toks = list(CAPITALISED.finditer(text))
    for k, m in enumerate(toks):
        nxt = toks[k + 1] if k + 1 < len(toks) else None
        if nxt is not None and text[m.end() : nxt.start()] == " " and f"{m.group()} {nxt.group()}" in table:
            yield nxt.end(), table[f"{m.group()} {nxt.group()}"], f"{m.group()} {nxt.group()}"
        elif m.group() in table:
            yield m.end(), table[m.group()], m.group()
        else:
            word = m.group()
            base = word[:-2] if word.endswith(("'s", "’s")) else word[:-1] if word.endswith("s") else None
            if base and base in table and not base.endswith(NOT_COUNTRY_ENDINGS):
                yield -m.end(), table[base], base  # a possessive ("Syrias", "Syria's"): end negated


@functools.lru_cache(maxsize=1)
def _english_words() -> frozenset[str]:
    """Lower-case English words (the ``english-words`` package's web2 list)."""
    try:
        from english_words import get_english_words_set
    except ImportError:  # the package is a declared dependency; a bare install degrades
        return frozenset()
    return frozenset(get_english_words_set(["web2"], lower=True))


# inflections of an English word that the list gives in its base form only ("Kills")
INFLECTION = re.compile(r"(?:es|s|ed|ing)$")


def inflected_word(head: str, name: str) -> bool:
    """Whether a one-word match is an inflected English word read as a place by a loose
    match ("Armed Wing Kills 17" as Kilis): it is not the place's own name and, less
    its ending, an English word."""
    low = head.strip().lower()
    if " " in low or low == normalize_name(name) or low in _english_words():
        return False
    base = INFLECTION.sub("", low)
    return base != low and len(base) >= 3 and (base in _english_words() or low[:-1] in _english_words())


def scene_country(doc: Doc) -> str | None:
    """The country the events of ``doc`` happen in: the document's country
    (``doc.country_hint``) unless the places named as scenes vote for another by more.
    Votes: each PLACE span that can be a scene (no dateline, seat, border's other side,
    origin, or country named without a locative word: that is a party), and each
    nationality word
    before a place noun or country possessive ("the Syrian border town of", "Syrias
    Raqa"). The document's geography weighs every country the text speaks of, parties
    and nationalities included; a scene is where something happens. Computed once per
    Doc (stages 5 and 6 both ask; the spans do not change between them)."""
    memo = doc.__dict__.setdefault("_scene_country", {})
    key = len(doc.spans)
    if key not in memo:
        memo.clear()
        memo[key] = _scene_country(doc)
    return memo[key]


def _scene_country(doc: Doc) -> str | None:
    text = doc.text
    votes: Counter = Counter()
    # a reference point the scene borders, and the nationality word that introduces it
    # ("which border the outskirts of the Lebanese town of Arsal"), vote for no country
    leads = [
        (lead, sp.start)
        for sp in doc.spans_of("PLACE")
        if sp.attrs.get("reference") and (lead := docgeo.reference_lead(text, sp.start)) is not None
    ]
    for sp in event_places(list(doc.spans_of("PLACE")), text):
        if sp.attrs.get("reference"):
            continue
        top = sp.attrs["candidates"][0]
        if top.feature != "country" and inflected_word(str(sp.attrs.get("head") or sp.text), getattr(top, "name", "")):
            continue
        if seat(sp, text) or (
            top.feature == "country"
            and (
                not _locative(sp, text)
                or sp.attrs.get("relation") == "near"
                or BORDER_AFTER.match(text, sp.end)
                or ORIGIN_BEFORE.search(text, max(0, sp.start - ORIGIN_WINDOW_CHARS), sp.start)
            )
        ):
            continue
        if getattr(top, "iso3", None):
            votes[top.iso3] += 1
    for end, iso, _ in _nationality_words(text):
        if end >= 0:
            if PLACE_NOUN.match(text, end) and not any(a <= end <= b for a, b in leads):  # "the Syrian border town of"
                votes[iso] += DEMONYM_PLACE_WEIGHT
            continue
        after = POSSESSIVE_CAPITAL.match(text, -end)
        if after is not None and after.group(1).lower() not in _english_words():
            votes[iso] += DEMONYM_PLACE_WEIGHT  # "Syrias Raqa", not "Turkeys Nightmare"
    hint = doc.country_hint
    if not votes:
        return hint
    best, n = votes.most_common(1)[0]
    return hint if hint is not None and votes.get(hint, 0) >= n else best


def named_countries(spans: list[Span], text: str = "") -> frozenset[str]:
    """The countries a text names: as countries (its PLACE spans of country feature) or
    by a nationality word ("the Syrian army" vouches for Idlib in a story set in Iraq)."""
    named = {
        s.attrs["candidates"][0].iso3 for s in spans if s.label == "PLACE" and s.attrs.get("candidates") and s.attrs["candidates"][0].feature == "country"
    }
    return frozenset(named | set(docgeo.demonym_counts(text))) if text else frozenset(named)


def scene_places(spans: list[Span], doc: Doc, named: frozenset[str] | None = None, hint: str | None = None) -> list[Span]:
    """The PLACE spans among ``spans`` that can be an event's place: ``event_places``
    less foreign parties (``foreign_party``) and what ``not_scene`` rules out, foreign
    meaning outside ``hint`` (default: ``scene_country``)."""
    if named is None:
        named = named_countries(doc.spans_of("PLACE"), doc.text)
    if hint is None:
        hint = scene_country(doc)
    return [
        p for p in event_places(spans, doc.text) if not foreign_party(p, doc.text, hint) and not not_scene(p, doc.text, hint, named)
    ]


def scene_of(doc: Doc) -> tuple[str | None, frozenset[str]]:
    """What ``place_for`` needs of the whole document, computed once per document: the
    scene country (``scene_country``) and the countries the text names (``named_countries``)."""
    return scene_country(doc), named_countries(doc.spans_of("PLACE"), doc.text)


# a sentence that reports what someone said: a place abroad in it is where it was said
STATEMENT = re.compile(r"\b(?:said|says|insisted|told|warned|stated|announced|urged|declared|added|stressed)\b")


def place_for(
    doc: Doc,
    i: int,
    sent: Sentence,
    trig: Span,
    spans: list[Span],
    spans_by_sentence: dict[int, list[Span]],
    lookback: int,
    where: tuple[str | None, frozenset[str]] | None = None,
    reports: Collection[int] = (),
) -> Span | None:
    """The place of the mention in sentence ``i`` (``where``: ``scene_of(doc)``, passed
    in by a caller placing several mentions): the sentence's best place
    (``place_rank``; a site's name in the title and a foreign country named as a party,
    ``foreign_party``, are none), else the best (``lookback_rank``) of the nearest of the ``lookback``
    earlier sentences of its paragraph that names one, else for the headline or first
    line the best places of the nearest of the ``lookback`` following sentences that
    reports an incident (``reports``: the sentences with a trigger) and names one; None
    when none does."""
    hint, named = where if where is not None else scene_of(doc)
    places = scene_places(spans, doc, named, hint)
    site = title_site_name(doc) if i == 0 else None
    if site is not None:
        places = [p for p in places if not (site[0] <= p.start and p.end <= site[1])]
    if places:
        return _best_in_sentence(places, doc, sent, trig, hint)
    para = sent.paragraph
    # a sentence that names the scene country's nationality ("Syrian government forces
    # dropped bombs elsewhere in the country") borrows no place abroad from the sentence before
    home_words = hint is not None and hint in docgeo.demonym_counts(doc.text[sent.start : sent.end])
    for j in range(i - 1, max(-1, i - 1 - lookback), -1):
        if doc.sentences[j].paragraph != para:
            break
        ps = scene_places(spans_by_sentence.get(j, []), doc, named, hint)
        if home_words or (hint is not None and STATEMENT.search(doc.text, doc.sentences[j].start, doc.sentences[j].end)):
            # nor from a statement: a place abroad where something was said ("ministers
            # meeting in New York insisted the ceasefire was not dead") is no scene
            ps = [p for p in ps if not _foreign(p, hint)]
        if ps:
            # a sentence back, the most precise place is the scene ("shelled the village of
            # Kafr Zita in the northern countryside of Hama ... The shelling also destroyed")
            return anchored(min(ps, key=lambda s: lookback_rank(s, doc.text, trig, hint)), ps, doc.text)
    if i <= 1:
        # a headline or first line that names no place reports the incident the lede goes
        # on to place ("Coalition air strikes kill 8 IS militants" ... "from villages in
        # northern Syria"), not the town a later sentence names as an earlier target, nor
        # the scene of a lede sentence that reports no incident ("Kurds advance on Azaz")
        for j in range(i + 1, min(len(doc.sentences), i + 1 + lookback)):
            if j not in reports:
                continue
            ps = scene_places(spans_by_sentence.get(j, []), doc, named, hint)
            if ps:
                return _best_in_sentence(ps, doc, doc.sentences[j], trig, hint)
    return None


def _best_in_sentence(places: list[Span], doc: Doc, sent: Sentence, trig: Span, hint: str | None) -> Span:
    """The best (``place_rank``) of a sentence's scene places, a country whose army the
    sentence names after the other countries ("Turkish army howitzers fired ... on Turkey
    from northern Syria")."""
    armies = army_countries(doc.text[sent.start : sent.end]) if len(places) > 1 else frozenset()

    def key(p: Span) -> tuple:
        top = p.attrs["candidates"][0]
        feature, *rest = place_rank(p, doc.text, trig, hint)
        return (feature, top.feature == "country" and getattr(top, "iso3", None) in armies, *rest)

    return anchored(min(places, key=key), places, doc.text)


def continue_scene(place: Span | None, scene: Span | None, i: int) -> Span | None:
    """A body sentence (past the headline and the first line) that names no place
    continues the scene of the previous report ("ISIS militants launched the assault at
    dawn ..."): ``scene`` is the place of the latest body mention."""
    if place is None and scene is not None and i > 1:
        return scene
    return place
