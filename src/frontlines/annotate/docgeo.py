"""Document geography: the countries an article gives evidence for (named countries,
demonyms, clear place matches; the dateline's country only as the reporting place), so
that an ambiguous place name resolves into one of them and a weak match abroad, for which
the text gives no evidence, is dropped ("al-Sahil Mosque" in a Damascus story is no town
in Egypt)."""

from __future__ import annotations

import dataclasses
import difflib
import functools
import re
from collections import Counter

from ..gazetteer import TIER_ALIAS, normalize_name
from ..records import Place

# Evidence weights. A named country is the plainest statement of where a story is; a clear
# place match says as much once; a demonym ("Syrian", "Russian") is half of that because it
# names an actor's nationality as often as the scene (Russian jets over Idlib).
COUNTRY_WEIGHT = 2.0
PLACE_WEIGHT = 1.0
DEMONYM_WEIGHT = 0.5
# A place is "clear" evidence of its country when its best candidate is this many times
# as populous as any candidate elsewhere (Damascus, Syria 1.5M vs Damascus, Oregon 15k);
# Tripoli (Libya 1.3M, Lebanon 229k) is not: the text must decide.
CLEAR_POPULATION_RATIO = 10
# A one-word match through a GeoNames alternate name counts as naming the place only when
# it is this similar (difflib ratio, normalised) to the main name: "Douma"/"Duma" 0.89
# passes; airport codes and stray alternates ("Aid" for Anderson, "Hara" for Zawiya, "Ain"
# for Al Ain City 0.55, "Car" for Carrao 0.67, "Orum" for Orem 0.75) do not.
NAME_LIKE_RATIO = 0.8
# A one-word town in a country the text never speaks of stands on its own only when it is
# a major city (Kabul, Mosul, Berlin): the one-word namesakes abroad that Syrian reporting
# produced (a hotel "al-Meridian", "Burj", "George", Italian "Zara" for Zadar) were towns
# of 60,000-190,000.
UNATTESTED_TOWN_MIN = 250_000
# A small place in a country other than the story's main one needs that country close by:
# a demonym or the country's name in this many characters before it ("the Turkish town
# of Akcakale"), or evidence for that country at least this share of the main country's.
LOCAL_EVIDENCE_CHARS = 40
SECONDARY_EVIDENCE_SHARE = 0.5
# "BEIRUT -", "DAMASCUS (Reuters) -", "KYIV, Ukraine —": a capitalised place at the start
# of a sentence or line, then an optional ", Country", an optional (Outlet), and a dash.
_DATELINE = re.compile(
    r"(?P<place>[A-Z][A-Z'’\-]+(?:\s+[A-Z][A-Z'’\-]+){0,3})(?:,\s*(?P<country>[A-Z][A-Za-z]+(?:\s+[A-Z][A-Za-z]+)?))?"
    r"\s*(?:\([^()\n]{1,40}\)\s*)?(?:[-–—:]|\s--)\s"
)
# "on the border with Iraq", "the frontier with Lebanon": the neighbour is named, not the scene
_BORDER_WITH = re.compile(r"\b(?:border|borders|frontier|boundary)\s+with\s+(?:the\s+)?$", re.I)
BORDER_WINDOW_CHARS = 30


@dataclasses.dataclass(frozen=True)
class DocGeography:
    """What the text says about where the story is: ``evidence`` iso3 -> weight,
    ``primary`` the best-attested country, ``reporting`` the dateline's country,
    ``by_place`` the part of ``evidence`` that places and country names give (demonyms
    name actors' nationalities as often as scenes: "Russian jets" over a Syrian town)."""

    evidence: dict[str, float]
    primary: str | None
    reporting: str | None = None
    by_place: dict[str, float] = dataclasses.field(default_factory=dict)

    def weight(self, iso3: str | None) -> float:
        return self.evidence.get(iso3, 0.0) if iso3 else 0.0

    def attested(self, cands: list[Place]) -> bool:
        """Whether a candidate lies in a country the text gives evidence for."""
        return any(self.weight(p.iso3) > 0 for p in cands)


# "Russia's defence ministry", "Turkey's army": the possessive names a party, not a place
INSTITUTION_AFTER = re.compile(
    r"['’]s\s+(?:\w+\s+)?(?:defen[cs]e|foreign|interior|ministry|ministers?|army|military|armed|air\s+force|navy|"
    r"forces|troops|government|president|leader|envoy|ambassador|embassy|officials?|spokes(?:man|woman|person)|"
    r"warplanes|jets|aircraft|drones|intelligence|security|state|media|news|agency)\b",
    re.I,
)
# a country named as a party or a speaker, the subject of what it does or says: "Russia's
# defence ministry", "Turkey said", "Turkey launched its operation", "Iran-backed militias"
PARTY_AFTER = re.compile(
    INSTITUTION_AFTER.pattern
    + r"|\s+(?:said|says|announced|claimed|denied|accused|warned|confirmed|will|would|has|have|had|launched|"
    r"carried|continues|continued|struck|attacked|sent|deployed|backs|backed|supports|supported|vowed)\b|-backed\b"
    # a country name used as an adjective, as "US" mostly is: "US-led coalition", "US forces",
    # "US Secretary of Defense", "US missile strike" (the name, not the scene)
    r"|-led\b|\s+(?:forces|troops|military|army|navy|air\s+force|officials?|warplanes|jets|aircraft|drones|missiles?|"
    r"strikes?|secretary|president|envoy|ambassador|embassy|government|administration|intelligence|defen[cs]e|"
    r"state\s+department|special\s+forces|coalition|marines|soldiers|commander|spokes(?:man|woman|person)|"
    r"cruise|destroyers?|warships?|presidents?|leaders?|action|policy|allies|ally|might|may|can|could|should|must|"
    r"stood|stands)\b",
    re.I,
)


def named_as_party(text: str, end: int) -> bool:
    """Whether the country name ending at ``end`` names a party or a speaker, not a scene:
    such a mention is no evidence of where the story is."""
    return bool(PARTY_AFTER.match(text, end))


def dateline_ranges(text: str, starts: list[int]) -> list[tuple[int, int]]:
    """(start, end) of the dateline place, with its country ("KYIV, Ukraine —"), at each
    of ``starts`` (sentence or line starts) that opens with one ("BEIRUT (AFP) - ...")."""
    out = []
    for s in starts:
        m = _DATELINE.match(text, s)
        if m and len(m.group("place")) >= 3:
            out.append((m.start("place"), m.end("country") if m.group("country") else m.end("place")))
    return out


def in_ranges(start: int, end: int, ranges: list[tuple[int, int]]) -> bool:
    return any(s <= start and end <= e for s, e in ranges)


def border_neighbour(text: str, start: int) -> bool:
    """Whether the place at ``start`` is named as the other side of a border ("on the
    border with Iraq")."""
    return _BORDER_WITH.search(text, max(0, start - BORDER_WINDOW_CHARS), start) is not None


@functools.lru_cache(maxsize=1)
def _demonyms() -> tuple[dict[str, str], re.Pattern | None]:
    """Capitalised nationality words -> iso3, from the actor dictionary's
    ``nationalities`` tables (one source for the fact), and a pattern over them."""
    from .actors import load_actor_data

    table: dict[str, str] = {}
    for _, data in load_actor_data():
        for word, iso in ((data or {}).get("nationalities") or {}).items():
            if isinstance(word, str) and isinstance(iso, str) and len(iso) == 3 and word[:1].isupper():
                table.setdefault(word, iso)
    if not table:
        return table, None
    alts = sorted(map(re.escape, table), key=len, reverse=True)
    return table, re.compile(r"(?<![\w\-])(?:" + "|".join(alts) + r")(?![\w])")


def demonym_counts(text: str) -> Counter:
    """iso3 -> how often the text uses a nationality word of that country."""
    table, pat = _demonyms()
    out: Counter = Counter()
    if pat is not None:
        for m in pat.finditer(text):
            out[table[m.group()]] += 1
    return out


def clear_country(cands: list[Place]) -> str | None:
    """The country of a match's candidates when they agree, or when the best is far more
    populous than any elsewhere; else None (an ambiguous name is no evidence)."""
    top = cands[0]
    others = [p.population for p in cands if p.iso3 != top.iso3 and p.feature != "country"]
    if not others or top.feature in ("country", "admin1"):
        return top.iso3
    return top.iso3 if top.population >= CLEAR_POPULATION_RATIO * max(max(others), 1) else None


def names_place(surface: str, top: Place, tier: int | None) -> bool:
    """Whether ``surface`` names ``top`` itself (its main name, a curated alias, or a close
    variant), not only through a stray alternate name."""
    if tier == TIER_ALIAS:
        return True
    a, b = normalize_name(surface), normalize_name(top.name)
    if not a or not b:
        return False
    return a == b or difflib.SequenceMatcher(None, a, b, autojunk=False).ratio() >= NAME_LIKE_RATIO


def local_country(text: str, start: int, iso3: str, country_names: dict[str, str]) -> bool:
    """Whether a demonym or the name of ``iso3`` stands just before ``start``."""
    window = text[max(0, start - LOCAL_EVIDENCE_CHARS) : start]
    table, pat = _demonyms()
    if pat is not None and any(table[m.group()] == iso3 for m in pat.finditer(window)):
        return True
    return any(name in window for name, iso in country_names.items() if iso == iso3)


def secondary_ok(geo: "DocGeography", iso3: str) -> bool:
    """Whether ``iso3``, not the main country, has evidence enough for a small place."""
    if not geo.by_place:
        return True  # only demonyms: they rank candidates but rule out no country
    return iso3 == geo.primary or geo.weight(iso3) >= SECONDARY_EVIDENCE_SHARE * geo.weight(geo.primary)


def geography(votes: list[tuple[list[Place], str]], text: str, reporting: str | None) -> DocGeography:
    """The document's geography from its place matches (candidates, kind: "strong" for a
    match that stands on its own, "weak" for a small named place, "vote" for an ambiguous
    one that only breaks ties) and its demonyms. A small place attests its country only
    when another place or a named country does too (or none attests any): otherwise
    every stray namesake abroad would vouch for itself. With no evidence at all, the
    votes, else the reporting country, give the primary country (for ordering only)."""
    evidence: Counter = Counter()
    ties: Counter = Counter()
    weak: list[str] = []
    for cands, kind in votes:
        iso = clear_country(cands) if kind != "vote" else None
        if iso is None:
            ties[cands[0].iso3] += 1
        elif kind == "strong":
            evidence[iso] += COUNTRY_WEIGHT if cands[0].feature == "country" else PLACE_WEIGHT
        else:
            weak.append(iso)
    # places attest before demonyms, which name actors' nationalities as often as scenes
    attested = set(evidence)
    for iso in weak:
        if not attested or iso in attested:
            evidence[iso] += PLACE_WEIGHT
        else:
            ties[iso] += 1
    by_place = dict(evidence)
    for iso, n in demonym_counts(text).items():
        evidence[iso] += DEMONYM_WEIGHT * n
    if evidence:
        # equal weights: the country its places attest more (Russian jets over Afrin)
        primary = max(evidence, key=lambda k: (evidence[k], by_place.get(k, 0.0)))
    elif ties:
        primary = ties.most_common(1)[0][0]
    else:
        primary = reporting
    return DocGeography(dict(evidence), primary, reporting, by_place)


# Features whose name means that place whatever the article's countries: a country, and a
# named region (the Levant, the Golan Heights, Mount Hermon), over same-named towns abroad.
WIDE_FEATURES = frozenset({"country", "region"})


def order(cands: list[Place], geo: DocGeography) -> list[Place]:
    """Candidates with a country first, then by the weight of their country's evidence
    (the gazetteer's order within a country and among unattested ones). A clear best
    candidate (Brussels, Belgium over Brussels, Illinois) yields only to one in the main
    country: a namesake in a secondary country does not outrank a major city."""
    if cands and cands[0].feature not in WIDE_FEATURES and clear_country(cands) is not None:
        return sorted(cands, key=lambda p: (p.feature not in WIDE_FEATURES, p.iso3 != geo.primary))
    return sorted(cands, key=lambda p: (p.feature not in WIDE_FEATURES, -geo.weight(p.iso3), p.iso3 != geo.primary))
