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
# pairs of normalised names compared per process (a pure test, repeated for the same
# candidates in every article that names them)
NAME_LIKE_CACHE_SIZE = 65_536
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
# "BEIRUT -", "DAMASCUS (Reuters) -", "KYIV, Ukraine —", "BEIRUT, May 3 (Reuters) -": a
# capitalised place at the start of a sentence or line, then an optional ", Country", an
# optional date (wire services put it there), an optional (Outlet), and a dash.
_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?"
_DATELINE_DATE = rf"(?:,?\s*(?:{_MONTH}\s+\d{{1,2}}|\d{{1,2}}\s+{_MONTH})(?:,?\s+\d{{4}})?)?"
_DATELINE = re.compile(
    r"(?P<place>[A-Z][A-Z'’\-]+(?:\s+[A-Z][A-Z'’\-]+){0,3})(?:,\s*(?P<country>[A-Z][A-Za-z]+(?:\s+[A-Z][A-Za-z]+)?))?"
    + _DATELINE_DATE
    + r"\s*(?:\([^()\n]{1,40}\)\s*)?(?:[-–—:]|\s--)\s"
)
# "on the border with Iraq", "the frontier with Lebanon": the neighbour is named, not the scene
_BORDER_WITH = re.compile(r"\b(?:border|borders|frontier|boundary)\s+with\s+(?:the\s+)?$", re.I)
BORDER_WINDOW_CHARS = 30
# An admin1 entry the surface names exactly goes ahead of a same-named town that is not
# its seat (the seat of "Aleppo" province is Aleppo city) unless the town is at least this
# populous: "Virginia" the state, not Virginia, Ireland (2,648) or a town whose alternate
# name is "Illinois"; but Washington, D.C. (600,000+) stays ahead of Washington state.
ADMIN1_OVER_TOWN = 100_000
# Names of at most this many letters get no such promotion: three-letter words are
# abbreviations as often as names ("Mon" of a dateline is Monday, not Mon State, Myanmar).
PRIOR_MIN_LETTERS = 3
# What an ambiguous town adds to each first-level unit it can lie in: a quarter of a
# place, so that units break ties among namesakes in an attested country without
# outweighing a country's evidence (and never moving a clear best: Moscow, Idaho).
SOFT_UNIT_WEIGHT = 0.25
# Soft votes reorder only towns within this population ratio of the biggest namesake
# (Athens, Texas 12,000 vs Athens, Georgia 115,000 passes; Detroit, Texas does not).
# Without it, and without leaving provinces out, GeoWebNews dev lost 1.1 points.
SOFT_UNIT_POPULATION_RATIO = 10
# A repeated place adds this share of its weight again: evidence is about how many places
# of a country the text names, not how often it names one (a US story that says "Dublin"
# eight times and names Ohio once is about Ohio).
REPEAT_WEIGHT = 0.25
# Small places that lie in one first-level unit attest their country even when no bigger
# place does, from this many distinct names: stray namesakes abroad rarely share a unit.
WEAK_UNIT_CORROBORATION = 2
# "Moscow said", "Washington warned", "Damascus's envoy", "London-based": a place named as
# the seat of a government or body that speaks or acts, not the scene of what happened.
SEAT_AFTER = re.compile(
    r"['’]s\s+(?:\w+\s+)?(?:government|envoy|ambassador|embassy|officials?|spokes(?:man|woman|person)|ministry|leaders?|"
    r"allies|regime|position|decision|response|support|backing)\b|"
    r"\s+(?:said|says|warned|warns|accused|accuses|denied|denies|announced|claimed|condemned|insisted|rejected|"
    r"responded|urged|vowed|demanded|welcomed|blamed)\b|-(?:backed|based|led|allied|supported)\b",
    re.I,
)
# a locative word before a place, or before the place it is listed with ("officials in
# Lebanon and Hershey said"): the scene, even when "said" follows
_SEAT_LOCATIVE = re.compile(
    r"\b(?:in|at|near|of|from|outside|around|into)\s+(?:the\s+)?(?:[A-Z][\w\-]+(?:\s+[A-Z][\w\-]+)?,?\s+(?:and|or)\s+)?$"
)
SEAT_LOCATIVE_CHARS = 50
# "fighters from the North Caucasus", "volunteers from Chechnya": where people came from,
# not where the event is
ORIGIN_BEFORE = re.compile(
    r"\b(?:fighters|militants|jihadists|volunteers|mercenaries|recruits|foreigners|nationals|citizens|migrants|"
    r"delegation|delegates|envoys?|pilgrims)\s+from\s+(?:the\s+)?$",
    re.I,
)
ORIGIN_WINDOW_CHARS = 40
# "the Turkish town of Kilis", "the Lebanese border village of Arsal", "Iraq's Erbil": a
# place the text puts explicitly in a country (a demonym or a country's name, then up to
# two words and a place word, or a possessive country right before the name)
_INTRODUCED = re.compile(
    r"(?P<c>[A-Z][\w'’\-]+(?:\s+[A-Z][\w'’\-]+)?)\s+(?:[a-z\-]+\s+){0,2}?"
    r"(?:town|city|village|capital|province|region|district|port|governorate|state|county|area|suburb|"
    r"neighbou?rhood|border\s+crossing|camp)(?:\s+of)?\s+(?:the\s+)?$"
    r"|(?P<p>[A-Z][\w\-]+(?:\s+[A-Z][\w\-]+)?)['’]s\s+$"
)
INTRODUCED_WINDOW_CHARS = 60
# "Springfield, Illinois", "Erbil, Iraq", "Granada, Meta": a comma and spaces between a
# place and the unit that contains it
APPOSITION_GAP = re.compile(r",[ \t]*")


@dataclasses.dataclass(frozen=True)
class DocGeography:
    """What the text says about where the story is: ``evidence`` iso3 -> weight,
    ``primary`` the best-attested country, ``reporting`` the dateline's country,
    ``by_place`` the part of ``evidence`` that places and country names give (demonyms
    name actors' nationalities as often as scenes: "Russian jets" over a Syrian town),
    ``admin1`` (iso3, admin1) -> {normalised place name: weight} from provinces named and
    places that lie clearly in one."""

    evidence: dict[str, float]
    primary: str | None
    reporting: str | None = None
    by_place: dict[str, float] = dataclasses.field(default_factory=dict)
    admin1: dict[tuple[str, str], dict[str, float]] = dataclasses.field(default_factory=dict)
    soft_admin1: dict[tuple[str, str], dict[str, float]] = dataclasses.field(default_factory=dict)

    def weight(self, iso3: str | None) -> float:
        return self.evidence.get(iso3, 0.0) if iso3 else 0.0

    def unit_weight(self, p: Place, surface: str | None = None, also: str | None = None, soft: bool = False) -> float:
        """Evidence for the first-level unit ``p`` lies in (0 for a country) from places
        other than ``p``, ``surface`` or ``also`` (a normalised name; the evidence is keyed
        by its places' best names): a place does not vouch for its own unit."""
        if p.feature == "country" or not p.admin1:
            return 0.0
        total = 0.0
        skip = None
        for table in (self.admin1, self.soft_admin1) if soft else (self.admin1,):
            by_surface = table.get((p.iso3, p.admin1))
            if by_surface:
                if skip is None:  # normalised only for a unit with evidence (most have none)
                    skip = {normalize_name(p.name), normalize_name(surface) if surface else None, also}
                total += sum(w for s, w in by_surface.items() if s not in skip)
        return total

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


# "a meeting of the support group's ministers in New York", "peace talks in Geneva", "the
# summit in Sochi": where diplomats meet is where something is said or signed, no scene
VENUE_BEFORE = re.compile(
    r"\b(?:meeting|meetings|talks|conference|summit|negotiations|session|forum)\b(?:\s+[^\s.;]+){0,6}?\s+in\s+(?:the\s+)?$", re.I
)
VENUE_WINDOW_CHARS = 80


def named_as_party(text: str, end: int) -> bool:
    """Whether the country name ending at ``end`` names a party or a speaker, not a scene:
    such a mention is no evidence of where the story is."""
    return bool(PARTY_AFTER.match(text, end))


def named_as_seat(text: str, start: int, end: int) -> bool:
    """Whether the place at ``start:end`` names a seat that speaks or acts ("Moscow said",
    "Washington's envoy", "London-based"), not the scene: no locative word before it
    ("activists in Aleppo said" is the scene). A diplomatic venue ("a meeting of ministers
    in New York", "peace talks in Geneva") is a seat too."""
    if VENUE_BEFORE.search(text, max(0, start - VENUE_WINDOW_CHARS), start):
        return True
    if not SEAT_AFTER.match(text, end):
        return False
    return not _SEAT_LOCATIVE.search(text, max(0, start - SEAT_LOCATIVE_CHARS), start)


def named_as_origin(text: str, start: int) -> bool:
    """Whether the place at ``start`` is where people came from ("fighters from the North
    Caucasus"), not the scene."""
    return ORIGIN_BEFORE.search(text, max(0, start - ORIGIN_WINDOW_CHARS), start) is not None


def introduced_country(text: str, start: int, country_names: dict[str, str]) -> str | None:
    """The country the text puts the place at ``start`` in, right before it ("the Turkish
    town of Kilis", "Iraq's Erbil"), or None."""
    m = _INTRODUCED.search(text, max(0, start - INTRODUCED_WINDOW_CHARS), start)
    if m is None:
        return None
    word = m.group("c") or m.group("p")
    table, _ = _demonyms()
    for w in (word, word.split()[-1]):
        iso = table.get(w) or country_names.get(w)
        if iso:
            return iso
    return None


def prior(surface: str, cands: list[Place]) -> list[Place]:
    """Candidates with the feature-class prior applied: a first-level unit the surface
    names exactly goes ahead of a town that is not its seat, unless that town is big
    (``ADMIN1_OVER_TOWN``) and bears the name itself ("Illinois" the state, not a town
    whose alternate name it is; "Washington" still the capital)."""
    if not any(p.feature == "admin1" for p in cands):
        return cands
    norm = normalize_name(surface)
    if len(norm) <= PRIOR_MIN_LETTERS:
        return cands  # "Mon", "Sun": a weekday as often as Mon State
    units = [p for p in cands if p.feature == "admin1" and normalize_name(p.name) == norm]
    if not units:
        return cands
    out: list[Place] = []
    for p in cands:
        if p.feature == "city" and units and not any(p.iso3 == u.iso3 and p.admin1 == u.admin1 for u in units):
            if not (normalize_name(p.name) == norm and p.population >= ADMIN1_OVER_TOWN):
                out.extend(units)
                units = []
        if p not in out:
            out.append(p)
    return out


def apposition(cands: list[Place], container: list[Place], surface: str | None = None) -> tuple[Place, Place] | None:
    """"Springfield, Illinois", "Paris, Texas", "Erbil, Iraq": the candidate of the first
    name that lies in a unit (first-level unit or country) the second name can be, and
    that unit; None when no candidate does (a list: "Aleppo, Idlib and Hama"). With the
    first name's ``surface``, only a candidate that bears the name counts (Watervliet,
    New York, an alternate "Washington", is not "Washington, New York and Boston")."""
    if not cands or cands[0].feature == "country":
        return None
    if surface:
        a = normalize_name(surface)
        cands = [p for p in cands if _name_like(a, normalize_name(p.name))] or cands
    for c in container:
        if c.feature == "country":
            hit = next((p for p in cands if p.iso3 == c.iso3 and p.feature != "country"), None)
        elif c.feature == "admin1":
            hit = next((p for p in cands if p.iso3 == c.iso3 and p.admin1 == c.admin1 and p.feature == "city"), None)
        else:
            continue
        if hit is not None:
            return hit, c
    return None


def own_named(surface: str, cands: list[Place]) -> list[Place]:
    """The candidates whose own name is ``surface`` or close to it (``NAME_LIKE_RATIO``),
    the best first; all of them when none is. A namesake reached only through a stray
    alternate name (Al Khums, Libya, for "Homs") is no rival when the text's evidence is
    counted."""
    top = cands[0]
    if len(cands) < 2 or all(p.iso3 == top.iso3 for p in cands):
        return cands  # one country: nothing to tell apart
    a = normalize_name(surface)
    out = [p for p in cands if _name_like(a, normalize_name(p.name))]
    return out if out and out[0] is top else cands


@functools.lru_cache(maxsize=NAME_LIKE_CACHE_SIZE)
def _name_like(a: str, b: str) -> bool:
    """``names_place``'s test on two normalised names, with difflib's cheapest bound first."""
    if a == b:
        return True
    if not a or not b or 2 * min(len(a), len(b)) < NAME_LIKE_RATIO * (len(a) + len(b)):
        return False
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio() >= NAME_LIKE_RATIO


def unit_homonym(surface: str, cands: list[Place]) -> bool:
    """Whether a country's name is also the name of a first-level unit of another country
    ("Georgia"): the name alone says not which."""
    norm = normalize_name(surface)
    top = cands[0]
    return any(p.feature == "admin1" and p.iso3 != top.iso3 and normalize_name(p.name) == norm for p in cands)


def clear_admin1(cands: list[Place]) -> tuple[str, str] | None:
    """(iso3, admin1) of the best candidate when it is a first-level unit, or a town far
    more populous than any namesake of its country in another unit; else None."""
    top = cands[0]
    if top.feature == "country" or not top.admin1:
        return None
    if top.feature == "admin1":
        return top.iso3, top.admin1
    rivals = [p.population for p in cands[1:] if p.iso3 == top.iso3 and p.admin1 != top.admin1 and p.feature == "city"]
    if not rivals or top.population >= CLEAR_POPULATION_RATIO * max(max(rivals), 1):
        return top.iso3, top.admin1
    return None


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


# "crossings which border the outskirts of the Lebanese town of Arsal", "villages bordering
# Turkey", "Kilis, just across the frontier from an IS-held region of Syria": a place named as
# the reference point the scene lies next to (a verb of bordering, or "across the frontier
# from"; not the noun of "the Turkish border town of Kilis"), optionally through "the
# outskirts of" and a place noun
REFERENCE_BEFORE = re.compile(
    r"\b(?:(?:which|that|they|it)\s+borders?|bordering|adjoining|adjacent\s+to|"
    r"(?:just\s+)?(?:across|over)\s+the\s+(?:border|frontier)\s+from)\s+"
    r"(?:(?:the|an?)\s+)?(?:(?:outskirts|edges?|limits|environs)\s+of\s+(?:the\s+)?)?"
    r"(?:(?:[\w\-]+\s+){0,3}?(?:town|city|village|province|region|area|district|countryside|territory)\s+of\s+(?:the\s+)?)?$",
    re.I,
)
REFERENCE_WINDOW_CHARS = 100  # "which border the outskirts of the northeastern Lebanese town of "


def reference_lead(text: str, start: int) -> int | None:
    """Where the phrase starts that names the place at ``start`` as a reference point the
    scene borders ("which border the outskirts of ... Arsal"), or None."""
    m = REFERENCE_BEFORE.search(text, max(0, start - REFERENCE_WINDOW_CHARS), start)
    return m.start() if m is not None else None


def border_neighbour(text: str, start: int) -> bool:
    """Whether the place at ``start`` is named as the other side of a border ("on the
    border with Iraq")."""
    return _BORDER_WITH.search(text, max(0, start - BORDER_WINDOW_CHARS), start) is not None


def _country_demonyms() -> dict[str, str]:
    """Demonym -> iso3 for every country ``countryinfo`` (MIT) knows ("Japanese" -> JPN;
    "Antiguan,Barbudan" gives both words); a word several territories share goes to the
    most populous ("French": France, not Réunion; "Chinese": China, not Macau)."""
    import countryinfo

    best: dict[str, tuple[int, str]] = {}
    for c in countryinfo.all_countries():
        try:
            words, iso, pop = c.demonym(), c.iso(3), c.population() or 0
        except Exception:  # an entry without one of the fields
            continue
        if not (isinstance(words, str) and isinstance(iso, str) and len(iso) == 3):
            continue
        for word in re.split(r"[,/]", words):
            word = word.strip()
            if word[:1].isupper() and (word not in best or pop > best[word][0]):
                best[word] = (pop, iso)
    return {w: iso for w, (_, iso) in best.items()}


@functools.lru_cache(maxsize=1)
def _demonyms() -> tuple[dict[str, str], re.Pattern | None]:
    """Capitalised nationality words -> iso3, and a pattern over them: the actor
    dictionary's ``nationalities`` tables first (they carry the forms conflict reporting
    uses: "Saudi-led", "U.S."), then every country's demonym from ``countryinfo``."""
    from .actors import load_actor_data

    table: dict[str, str] = {}
    for _, data in load_actor_data():
        for word, iso in ((data or {}).get("nationalities") or {}).items():
            if isinstance(word, str) and isinstance(iso, str) and len(iso) == 3 and word[:1].isupper():
                table.setdefault(word, iso)
    for word, iso in _country_demonyms().items():
        table.setdefault(word, iso)
    if not table:
        return table, None
    return table, words_pattern(table)


def words_pattern(words) -> re.Pattern:
    """One pattern matching any of ``words`` as whole words (not inside a hyphenated
    word), the longest first ("South Sudanese" before "Sudanese")."""
    alts = sorted(map(re.escape, words), key=len, reverse=True)
    return re.compile(r"(?<![\w\-])(?:" + "|".join(alts) + r")(?![\w])")


# the document geography, the scene country and the places named count the demonyms of
# the same texts (3-4 times an article): one pass each, remembered (callers only read)
DEMONYM_COUNT_CACHE_SIZE = 256


@functools.lru_cache(maxsize=DEMONYM_COUNT_CACHE_SIZE)
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


def geography(votes: list[tuple[list[Place], str, str]], text: str, reporting: str | None) -> DocGeography:
    """The document's geography from its place matches (candidates, kind, surface; kind
    "decided" for one the text places itself, "strong" for a match that stands on its own,
    "weak" for a small named place, "vote" for an ambiguous one that only breaks ties) and
    its demonyms. A place counts once at full weight, its repeats at ``REPEAT_WEIGHT``
    (one big city named eight times is not eight places). A town or country standing on
    its own attests its country when the text corroborates it. A small place attests its
    country only when another place or a named country does too, or another small place
    of the same first-level unit (or none attests any): otherwise every stray namesake
    abroad would vouch for itself. With no evidence at all, the votes, else the reporting
    country, give the primary country (for ordering only)."""
    evidence: Counter = Counter()
    ties: Counter = Counter()
    units: dict[tuple[str, str], Counter] = {}
    seen: set[tuple[str, str]] = set()
    weak: list[tuple[str, tuple[str, str] | None, str]] = []

    def add(iso: str, unit: tuple[str, str] | None, norm: str, weight: float) -> None:
        if (iso, norm) in seen:
            weight *= REPEAT_WEIGHT
        seen.add((iso, norm))
        evidence[iso] += weight
        if unit:
            units.setdefault(unit, Counter())[norm] += weight

    strong: list[tuple[str, tuple[str, str] | None, str, float, bool]] = []
    for cands, kind, surface in votes:
        # a place is known by its best candidate's name: "al-Sulaimaniyeh" and
        # "Sulaymaniyah" in one text are one place, not two that corroborate each other
        norm = normalize_name(cands[0].name) or normalize_name(surface)
        decided = kind == "decided"
        if decided:  # placed by the text itself ("Paris, Texas"): its first candidate
            iso = cands[0].iso3
            kind = "strong"
        else:
            iso = clear_country(cands) if kind != "vote" else None
        unit = clear_admin1(cands) if iso is not None and iso == cands[0].iso3 else None
        if iso is None:
            ties[cands[0].iso3] += 1
        elif kind == "strong":
            weight = COUNTRY_WEIGHT if cands[0].feature == "country" else PLACE_WEIGHT
            strong.append((iso, unit, norm, weight, decided))
        else:
            weak.append((iso, unit, norm))
    # a town or a country's name attests its country when the text corroborates it: another
    # place that is or can be in that country, a demonym, or no other country named (else
    # only when nothing corroborated is there); a big city or a country named alone among
    # another country's places is a namesake ("Paris" in a story of Lamar County, Texas;
    # "Lebanon" among towns of Pennsylvania), or a passing mention
    demonyms = demonym_counts(text)
    names: dict[str, set[str]] = {}
    for iso, _, norm, *_ in strong + weak:
        names.setdefault(iso, set()).add(norm)
    for cands, _, surface in votes:  # an ambiguous place that can lie there ("Tripoli" for Lebanon)
        key = None
        for p in cands:
            if p.iso3 in names:
                key = key or normalize_name(cands[0].name) or normalize_name(surface)
                names[p.iso3].add(key)
    pending = []
    for iso, unit, norm, weight, sure in strong:
        if sure or len(names) == 1 or len(names[iso]) >= 2 or demonyms.get(iso):
            add(iso, unit, norm, weight)
        else:
            pending.append((iso, unit, norm, weight))
    # small places of one first-level unit attest each other (a county's towns)
    weak_units = Counter(unit for unit, _ in {(u, n) for _, u, n in weak if u})
    rest = []
    for iso, unit, norm in weak:
        if unit and weak_units[unit] >= WEAK_UNIT_CORROBORATION:
            add(iso, unit, norm, PLACE_WEIGHT)
        else:
            rest.append((iso, unit, norm))
    # uncorroborated towns and country names count when nothing corroborated does
    base = set(evidence)
    for iso, unit, norm, weight in pending:
        if not base or iso in base:
            add(iso, unit, norm, weight)
        else:
            ties[iso] += weight
    # places attest before demonyms, which name actors' nationalities as often as scenes
    attested = set(evidence)
    for iso, unit, norm in rest:
        if not attested or iso in attested:
            add(iso, unit, norm, PLACE_WEIGHT)
        else:
            ties[iso] += 1
    by_place = dict(evidence)
    for iso, n in demonyms.items():
        evidence[iso] += DEMONYM_WEIGHT * n
    if evidence:
        # equal weights: the country its places attest more (Russian jets over Afrin)
        primary = max(evidence, key=lambda k: (evidence[k], by_place.get(k, 0.0)))
    elif ties:
        primary = ties.most_common(1)[0][0]
    else:
        primary = reporting
    # an ambiguous town votes softly for every unit it can lie in: the unit most of the
    # text's ambiguous towns share is where they are (Athens, Tyler and Henderson: Texas)
    soft: dict[tuple[str, str], Counter] = {}
    for cands, _, surface in votes:
        if len(cands) < 2 or any(p.feature in ("admin1", "country") for p in cands):
            continue
        own = {(p.iso3, p.admin1) for p in cands if p.feature == "city" and p.admin1}
        if len(own) > 1:
            norm = normalize_name(cands[0].name) or normalize_name(surface)
            for unit in own:
                soft.setdefault(unit, Counter())[norm] = SOFT_UNIT_WEIGHT
    return DocGeography(dict(evidence), primary, reporting, by_place, {u: dict(c) for u, c in units.items()},
                        {u: dict(c) for u, c in soft.items()})


# Features whose name means that place whatever the article's countries: a country, and a
# named region (the Levant, the Golan Heights, Mount Hermon), over same-named towns abroad.
WIDE_FEATURES = frozenset({"country", "region"})


def order(cands: list[Place], geo: DocGeography, surface: str | None = None, capital: Place | None = None) -> list[Place]:
    """Candidates with a country first, then by the evidence for their country plus that
    for their first-level unit from the text's other places (a place in a unit other
    places of the text lie in beats one elsewhere in the same country, which beats one
    abroad), the gazetteer's order (population) within that and among unattested ones.
    A clear best candidate (Brussels, Belgium over Brussels, Illinois; Moscow over Moscow,
    Idaho) yields only to one in a unit the text's other places attest, not to any
    namesake of the story's country (on the geoparse dev split that kept more big cities
    right than it lost small namesakes). A town in the same country as ``capital`` (a
    candidate that is its country's capital) does not outrank it for lying in an attested
    unit (Washington, Georgia in a story naming Atlanta; a population ratio instead cost
    the small namesakes of local news more than it saved). A country yields to a
    first-level unit of its name ("Georgia" the US state) when the unit's country has
    more evidence, and to a town of the story's country in an attested unit when the
    text gives the country no evidence of its own."""
    if not cands:
        return cands

    own = normalize_name(cands[0].name)  # the key this mention's own vote has

    # a candidate reached only through a stray alternate name takes no evidence from
    # its unit and follows the namesakes of its country that bear the name (Ariton, Alabama,
    # an alternate "Charleston", is not Charleston because an Alabama town is named)
    own_set = None
    if surface:
        a = normalize_name(surface)
        own_set = {id(p) for p in cands if _name_like(a, normalize_name(p.name)) or normalize_name(p.name).startswith(a + " ")}
        own_set = own_set if own_set and len(own_set) < len(cands) else None

    def own_name(p: Place) -> bool:
        return own_set is None or id(p) in own_set

    # soft votes only break ties among towns of comparable size, never against a
    # province the name is ("California", not California, Missouri, whose neighbours are
    # Mexico, Oregon and Nevada, Missouri) or a city ten times bigger (Detroit, Houston)
    biggest = max((p.population for p in cands if p.feature == "city"), default=0)
    soft_ok = not any(p.feature in ("admin1", "country") for p in cands)

    def unit(p: Place, soft: bool = False) -> float:
        if capital is not None and p.iso3 == capital.iso3 and p is not capital and p.feature == "city":
            return 0.0  # a namesake town does not outrank its country's capital (Washington)
        if not own_name(p):
            return 0.0
        soft = soft and soft_ok and p.population * SOFT_UNIT_POPULATION_RATIO >= biggest
        return geo.unit_weight(p, surface, own, soft)

    if cands[0].feature == "country":
        top = cands[0]
        rival = next((p for p in cands if p.feature == "admin1" and p.iso3 != top.iso3
                      and normalize_name(p.name) == normalize_name(top.name)), None)
        if rival is not None and geo.weight(rival.iso3) > geo.weight(top.iso3):
            return [rival] + [p for p in cands if p is not rival]
        if geo.weight(top.iso3) == 0 and geo.weight(geo.primary) > 0:
            # a country the text gives no other evidence for, named among the places of one
            # unit of the story's country that has a town of that name ("Lebanon" among
            # towns of Pennsylvania)
            town = max((p for p in cands if p.feature == "city" and p.iso3 == geo.primary), key=unit, default=None)
            if town is not None and unit(town) > 0:
                return [town] + [p for p in cands if p is not town]
    # clear among the candidates the surface names by their own name: Lomé, an alternate
    # name "Rome", is no rival of Rome, Italy, and Fostoria, Ohio, none of Rome, Georgia
    named = own_named(surface, cands) if surface and cands[0].feature not in WIDE_FEATURES else cands
    if named is not cands and clear_country(named) is not None:
        cands = named + [p for p in cands if p not in named]
    if cands[0].feature not in WIDE_FEATURES and clear_country(named) is not None:
        top = cands[0]  # the soft votes of ambiguous towns reorder only within its country
        # a namesake abroad outranks the clear best by its unit's evidence only where its
        # country has as much evidence as the best's (Washington, England, because London
        # is named, is not Washington in a US story)
        home = geo.weight(top.iso3)

        # a first-level unit the surface names exactly keeps its place against towns
        # that take the evidence for their units ("Wales" in a story of England and
        # Wales is not Wales, South Yorkshire; "Idaho" not Idaho Springs, Colorado)
        unit_named = top.feature == "admin1" and bool(surface) and normalize_name(top.name) == normalize_name(surface)

        def held_back(p: Place) -> bool:
            """Whether ``p`` takes no evidence from its unit here (the two cases above)."""
            return (p.iso3 != top.iso3 and geo.weight(p.iso3) < home) or (unit_named and p.feature == "city")

        return sorted(cands, key=lambda p: (p.feature not in WIDE_FEATURES, -(0.0 if held_back(p) else unit(p)),
                                            -(unit(p, True) if p.iso3 == top.iso3 and not held_back(p) else 0.0), not own_name(p)))
    return sorted(cands, key=lambda p: (p.feature not in WIDE_FEATURES,
                                        -(geo.weight(p.iso3) + unit(p, True)),
                                        not own_name(p), p.iso3 != geo.primary))
