"""Place annotation: gazetteer-first toponym spotting.

Statistical NER misses many Middle-East names, so capitalised word n-grams are looked up
in the gazetteer (one batch query per article), the longest match wins, and false
positives (actors, people, common words) are filtered with ``data/place_stoplist.yaml``
and context: persons' names by the first names of ``data/person_names.yaml``, titles,
speech verbs and surnames met again; organisations by their head words ("The
Washington Post"). Relations ("Idlib countryside", "30 km east of Raqqa", "Deir ez-Zor
province") are read around each toponym.
"""

from __future__ import annotations

import bisect
import dataclasses
import functools
import re
from collections.abc import Iterator

from ..gazetteer import TIER_SKELETON, Gazetteer, english_words, load_package_yaml, normalize_name
from ..records import Doc, Place, Span
from . import docgeo
from .actors import lower_same_len

# Longest n-gram scanned, whatever the gazetteer's longest name: names of 7+ words are
# rare official forms ("Sant Julià de Lòria" has 4) and cost lookups on every article.
MAX_NGRAM = 6
# A one-word match to a town smaller than this needs supporting context (a locative
# preposition, a relation word, or the article's dominant country). 50,000 keeps Syrian
# district towns (Manbij 99k, Afrin 49k pass only with context) and rejects small
# foreign homonyms of English words (Mark, BEL, 3,327).
BIG_TOWN = 50_000
# A one-word match of at most this many letters through an alternate name (not the
# place's own name) is an airport or other code among GeoNames' alternates ("Aid" for
# Anderson, Indiana), never a toponym of the news.
SHORT_ALTERNATE_LETTERS = 3
# A town by its own name outranks a person's surname of that spelling above this
# population: on the geoparse dev articles Taylor (62k), Davis (68k) and Martin (51k) were
# persons, Madison (260k), Lincoln (290k) and Houston places.
PERSON_BEATING_TOWN = 200_000
# A title followed by ". " is an abbreviation ("Sen. Byrd", "Gov. Perry", "Sens.") only
# if it has at most this many letters; a longer one ends a sentence ("Ministry of
# Justice. Azerbaijan has...").
TITLE_ABBREVIATION_LETTERS = 5
# Titles that begin place names rather than persons' names ("St. Petersburg", "St Athan").
_PLACE_TITLES = frozenset({"st", "saint", "ste"})
# A place followed by one of these words is a city's quarter ("al-Hamadaniye neighbourhood",
# "Al-Zahraa district"); a namesake farther than DISTRICT_KM from every city of at least
# DISTRICT_CITY_MIN people that the text names is another place. 20 km holds the quarters
# of Aleppo and Homs; the UCDP import's same-named villages lay 40-300 km off on FA-KES dev.
# "district" also names a second-level unit after its seat town ("Jisr al-Shughur
# district", a town of 44,000): it marks a quarter only for a village-sized namesake.
DISTRICT_AFTER = re.compile(r"\s+(?:(?P<quarter>neighbou?rhoods?|quarter)|district)\b", re.I)
DISTRICT_KM = 20.0
DISTRICT_CITY_MIN = 100_000
DISTRICT_VILLAGE_MAX = 5_000
# 1 mile in km, for "10 miles north of X".
MILE_KM = 1.609344
# Surfaces whose stoplist test is remembered per process: the one-word matches of a run
# repeat (FA-KES: ~29,000 tests of ~2,400 distinct words in 804 articles).
STOP_WORD_CACHE_SIZE = 8192

_TOKEN = re.compile(r"[^\W\d_]+(?:['’‘`ʼ\-][^\W\d_]+)*", re.UNICODE)
# _TOKEN on ASCII text (most articles), where a letter is [A-Za-z]: 2.5x faster
_TOKEN_ASCII = re.compile(r"[A-Za-z]+(?:['`\-][A-Za-z]+)*")
# abbreviated words that begin names, followed by ". " ("St. Petersburg", "Mt. Pleasant")
_NAME_ABBREVIATIONS = frozenset({"St", "Ste", "Mt", "Ft", "Pt"})
# lowercase words allowed inside a name ("Deir ez-Zor", "Ras al Ain", "Bay of Pigs")
_CONNECTORS = frozenset("al el il ul ad ed ar as ash az at an ez es et of de du la le les des di del da do dos das van von bin ibn bani and".split())
_ARTICLE_PREFIX = re.compile(r"^(?:al|el|ad|ar|as|ash|az|at|an|ez|es|ed|et)[-‐‑'’]", re.I)
_LOCATIVE = re.compile(
    r"\b(?:in|near|at|from|outside|around|towards?|into|of|on|across|through|to|via|between|and|"
    r"village|town|city|district|area|province|governorate|neighbourhood|neighborhood)\s+(?:the\s+)?$",
    re.I,
)
# The longest word of _LOCATIVE ("neighbourhood").
_LOCATIVE_WORD_MAX = 13
_DIRECTION = r"(?:north|south|east|west)(?:[-\s]?(?:east|west))?(?:ern)?"
_NUM = r"(\d+(?:[.,]\d+)?)"
_UNIT = r"(km|kms|kilometers|kilometres|kilometer|kilometre|miles|mile|mi)\b"
_OPT_THE = r"(?:the\s+)?"
_OPT_KIND = r"(?:(?:town|city|village|district|area|region|governorate|province)\s+of\s+)?"
_DIRECTION_WORDS = ("north", "south", "east", "west")
# (relation, cues, pattern): every match of the pattern holds a word of each cue group
# (any case), so on ASCII text, where re.I folds only A-Z, a pattern whose cues are
# missing from the lower-cased context cannot match and its search (3-13 us) is skipped.
_BEFORE = [
    ("direction", (_DIRECTION_WORDS, tuple("0123456789")), re.compile(rf"(?:about|some|around|roughly|nearly|almost|approximately|over|less\s+than|more\s+than)?\s*{_NUM}\s*-?\s*{_UNIT}\s*(?:\([^)]{{0,40}}\)\s*)?(?:to\s+the\s+)?({_DIRECTION})\s+of\s+{_OPT_THE}{_OPT_KIND}$", re.I)),
    ("countryside", (("countryside",),), re.compile(rf"\b(?:the\s+)?(?:{_DIRECTION}\s+)?countryside\s+(?:of|around)\s+{_OPT_THE}$", re.I)),
    ("countryside", (("rural",),), re.compile(r"\brural\s+$", re.I)),
    ("province", (("province", "governorate"),), re.compile(rf"\b(?:the\s+)?(?:province|governorate)\s+of\s+{_OPT_THE}$", re.I)),
    ("outskirts", (("outskirts", "suburbs", "edge", "environs", "vicinity", "periphery"),), re.compile(rf"\b(?:the\s+)?(?:outskirts|suburbs|edges?|environs|vicinity|periphery)\s+of\s+{_OPT_THE}{_OPT_KIND}$", re.I)),
    ("near", (("near", "close", "outside", "around", "next"),), re.compile(rf"\b(?:near|nearby|close\s+to|outside|around|next\s+to)\s+{_OPT_THE}{_OPT_KIND}$", re.I)),
    ("direction", (_DIRECTION_WORDS,), re.compile(rf"\b(?:to\s+the\s+)?({_DIRECTION})\s+of\s+{_OPT_THE}{_OPT_KIND}$", re.I)),
    ("direction", (_DIRECTION_WORDS,), re.compile(rf"\b({_DIRECTION}ern)\s+$", re.I)),
]
_AFTER = [
    ("countryside", re.compile(r"^(?:'s|’s)?\s+(?:countryside|rural\s+areas?|hinterland)\b", re.I)),
    ("province", re.compile(r"^(?:'s|’s)?\s+(?:province|governorate|provinces|wilayat|muhafazat)\b", re.I)),
    ("outskirts", re.compile(r"^(?:'s|’s)?\s+(?:outskirts|suburbs|periphery)\b", re.I)),
    ("near", re.compile(r"^\s+(?:area|region|environs|vicinity)\b", re.I)),
]
# matches where any _AFTER pattern does (all are anchored): one test for most toponyms
_AFTER_ANY = re.compile("|".join(f"(?:{pat.pattern})" for _, pat in _AFTER), re.I)
_POSSESSIVE = re.compile(r"['’]s$")
_BEFORE_TAIL = re.compile(r"(?:\bof|\bto|\bnear|\bnearby|\boutside|\baround|\brural|ern|\bthe)\s+$", re.I)
# a leading English or Arabic article that name normalisation drops ("An SDF", "Al-Bab")
_ARTICLE_WORD = re.compile(r"^(?:an?|the|al|el)[\s\-]+", re.I)
_RELATION_WORD = re.compile(r"^(?:Province|Governorate|Countryside|City|Town|Desert|Region|Area|Outskirts|District)\b")


@dataclasses.dataclass(frozen=True)
class _Stoplist:
    words: frozenset[str]
    phrases: re.Pattern | None
    titles: frozenset[str]
    facilities: frozenset[str] = frozenset()
    speech: frozenset[str] = frozenset()
    organisations: frozenset[str] = frozenset()
    features: frozenset[str] = frozenset()


@dataclasses.dataclass(frozen=True)
class _Names:
    """First names (``data/person_names.yaml``): ``cues`` start a person's name before
    another capitalised word; ``all`` adds those that are English words too."""

    cues: frozenset[str]
    all: frozenset[str]


@functools.lru_cache(maxsize=1)
def _names() -> _Names:
    """The first-name file, read once per process (immutable)."""
    data = load_package_yaml("person_names.yaml")
    cues = frozenset(str(n) for n in data.get("first_names") or [])
    return _Names(cues, cues | frozenset(str(n) for n in data.get("word_names") or []))


@functools.lru_cache(maxsize=1)
def _stoplist() -> _Stoplist:
    """The stoplist data file, read once per process (immutable)."""
    data = load_package_yaml("place_stoplist.yaml")
    words = frozenset(normalize_name(str(w)) for w in data.get("words") or [] if isinstance(w, str) and normalize_name(w))
    phrases = [p for p in data.get("phrases") or [] if isinstance(p, str) and p]
    pat = None
    if phrases:
        # matched against lower-cased text: case-insensitive matching is several times slower
        alts = sorted((r"[\s\-‐‑]+".join(re.escape(w.lower()) for w in re.split(r"[\s\-]+", p)) for p in phrases), key=len, reverse=True)
        pat = re.compile(r"(?<![\w])(?:" + _by_first_letter(alts) + r")(?![\w])")
    titles = frozenset(t.lower() for t in data.get("titles") or [] if isinstance(t, str))
    facilities = frozenset(t.lower() for t in data.get("facilities") or [] if isinstance(t, str))
    speech = frozenset(t.lower() for t in data.get("speech_verbs") or [] if isinstance(t, str))
    orgs = frozenset(str(t) for t in data.get("organisations") or [])
    features = frozenset(t.lower() for t in data.get("features") or [] if isinstance(t, str))
    return _Stoplist(words, pat, titles, facilities, speech, orgs, features)


def _by_first_letter(alts: list[str]) -> str:
    """The regex alternation of ``alts``, grouped by first letter ("a(?:l nusra|hrar)|...").
    The regex engine tries the alternatives one by one at every word start; with one
    test per letter instead of one per phrase the stoplist scan takes half the time.
    Within a group the order is kept, and alternatives with different first letters
    never match at the same position, so the matches are the same. An alternative that
    does not start with a plain letter or digit (a regex escape) leaves the list as is."""
    if not all(a[:1].isalnum() for a in alts):
        return "|".join(alts)
    groups: dict[str, list[str]] = {}
    for a in alts:
        groups.setdefault(a[0], []).append(a[1:])
    return "|".join(f"{c}(?:{'|'.join(rest)})" for c, rest in groups.items())


@functools.lru_cache(maxsize=STOP_WORD_CACHE_SIZE)
def _is_stop_word(surface: str) -> bool:
    """Is ``surface`` a stoplist word once normalised? (pure: the stoplist is read once)"""
    return normalize_name(surface) in _stoplist().words


def _is_cap(tok: str) -> bool:
    """Capitalised, or an Arabic article glued to a capitalised word ("al-Bab")."""
    if tok[0].isupper():
        return True
    if tok[0] not in "ae":  # every _ARTICLE_PREFIX form starts so (A and E are upper case)
        return False
    m = _ARTICLE_PREFIX.match(tok)
    return bool(m) and len(tok) > m.end() and tok[m.end()].isupper()


def _tokens(text: str) -> list[tuple[int, int, str]]:
    """(start, end, word) of each word, a possessive 's cut off ("Aleppo's" -> "Aleppo",
    but "Ra's" stays), a dotted abbreviation ("W.Va.", "Ky.") one token: one regex pass,
    the possessive and abbreviations fixed only where the text has them."""
    pattern = _TOKEN_ASCII if text.isascii() else _TOKEN
    out = [(m.start(), m.end(), m.group()) for m in pattern.finditer(text)]
    if "'s" in text or "’s" in text:
        for k, (s, e, t) in enumerate(out):
            pm = _POSSESSIVE.search(t) if t[-1] == "s" else None
            if pm and pm.start() >= 3:
                out[k] = (s, s + pm.start(), t[: pm.start()])
    if "." in text:
        _, abbr = _abbreviations()
        spans = [(m.start(), m.end()) for m in abbr.finditer(text)] if abbr is not None else []
        if spans:
            merged, k = [], 0
            for s, e in spans:
                while k < len(out) and out[k][1] <= s:
                    merged.append(out[k])
                    k += 1
                while k < len(out) and out[k][0] < e:
                    k += 1  # the pieces ("W", "Va") give way to the whole
                merged.append((s, e, text[s:e]))
            out = merged + out[k:]
    return out


@functools.lru_cache(maxsize=1)
def _abbreviations() -> tuple[dict[str, tuple[str, str, bool]], re.Pattern | None]:
    """The dotted abbreviations of first-level units, and a pattern over them and the
    index's dotted aliases (a word character may neither precede nor follow: "Ky." but
    not "Kyiv")."""
    from ..gazetteer import dotted_aliases
    from ..placenames import dotted_abbreviations

    table = dotted_abbreviations()
    if not table:
        return table, None
    # the dotted aliases of countries and capitals ("U.K.", "D.C.") are one token too; the
    # index finds those itself
    alts = sorted(map(re.escape, set(table) | dotted_aliases()), key=len, reverse=True)
    return table, re.compile(r"(?<![\w.])(?:" + "|".join(alts) + r")(?!\w)")


def _abbreviation_places(text: str, toks: list[tuple[int, int, str]], gaz: Gazetteer) -> dict[str, list[Place]]:
    """Surface -> [its first-level unit] for the dotted abbreviations among ``toks``. One
    that is an English word without its period ("Ill.", "Miss.") counts only after a
    comma, as in "Jackson, Miss.", where it cannot be the word."""
    table, _ = _abbreviations()
    out: dict[str, list[Place]] = {}
    for s, _, t in toks:
        entry = table.get(t)
        if entry is None or t in out:
            continue
        iso3, admin1, word = entry
        if word and not text[max(0, s - 2) : s].startswith(","):
            continue
        place = gaz.admin1_place(iso3, admin1)
        if place is not None:
            out[t] = [place]
    return out


def _ngrams(text: str, toks: list[tuple[int, int, str]], masked: list[bool], n_max: int) -> dict[int, list[int]]:
    """Start token -> end token indexes (inclusive) of plausible name n-grams."""
    caps = [_is_cap(t) for _, _, t in toks]  # once per token, not once per n-gram it is in
    n = len(toks)
    out: dict[int, list[int]] = {}
    for i in [k for k, cap in enumerate(caps) if cap and not masked[k]]:
        ends = [i]
        for j in range(i + 1, min(n, i + n_max)):
            gap = text[toks[j - 1][1] : toks[j][0]]
            if masked[j] or (gap not in (" ", "-", " - ") and not (gap == ". " and toks[j - 1][2] in _NAME_ABBREVIATIONS)):
                break
            if caps[j]:
                ends.append(j)
            elif toks[j][2].lower() not in _CONNECTORS:
                break
        out[i] = ends
    return out


def _relation(text: str, start: int, end: int) -> tuple[str | None, int, int, float | None]:
    """Relation words around a toponym: (relation, span start, span end, distance km)."""
    before = text[max(0, start - 80) : start]
    after = text[end : end + 40]
    if _AFTER_ANY.match(after):
        for rel, pat in _AFTER:
            m = pat.match(after)
            if m:
                s2 = start
                for rel_b, pat_b in _before_candidates(before):  # "northern Hama countryside": keep the wider start
                    if rel_b != "direction":
                        continue
                    mb = pat_b.search(before)
                    if mb and mb.lastindex and not mb.group(1)[0].isdigit():
                        s2 = start - (len(before) - mb.start())
                        break
                return rel, s2, end + m.end(), None
    # every _BEFORE pattern ends in one of these words: a cheap test spares 8 searches. It
    # looks only at the last word and its trailing space (the words are at most 7 letters,
    # so one more character keeps \b exact); searching all 80 characters cost more
    gap = len(before) - len(before.rstrip())
    if not gap or not _BEFORE_TAIL.search(before[-(gap + 8) :]):
        return None, start, end, None
    for rel, pat in _before_candidates(before):
        m = pat.search(before)
        if not m:
            continue
        s2 = start - (len(before) - m.start())
        s2 += len(text[s2:start]) - len(text[s2:start].lstrip())
        dist = None
        if rel == "direction" and m.lastindex and m.lastindex >= 2 and m.group(1) and m.group(1)[0].isdigit():
            dist = float(m.group(1).replace(",", "."))
            if m.group(2).lower().startswith("mi"):
                dist *= MILE_KM
        if m.group(0)[:4].lower() == "the ":
            s2 += 4
        return rel, s2, end, dist
    return None, start, end, None


def _before_candidates(before: str) -> Iterator[tuple[str, re.Pattern]]:
    """The _BEFORE (relation, pattern) pairs, in order, that may match ``before``: on
    ASCII text those that miss a cue group are left out."""
    low = before.lower() if before.isascii() else None
    for rel, cues, pat in _BEFORE:
        if low is None or _has_cues(low, cues):
            yield rel, pat


def _has_cues(low: str, cues: tuple[tuple[str, ...], ...]) -> bool:
    """Does ``low`` hold a word of every cue group? (plain loops: cheaper than any/all)"""
    for group in cues:
        for w in group:
            if w in low:
                break
        else:
            return False
    return True


def _locative_before(text: str, start: int) -> bool:
    r"""A locative preposition or place word ends the 40 characters before ``start``
    ("in", "near the", "town of"). The search starts where such a word can begin: the
    match is the word, spaces, perhaps "the" and spaces, so it starts at most
    _LOCATIVE_WORD_MAX characters before the text left once trailing spaces, three
    letters and spaces again are cut (a bound only; ``\b`` still sees the real text)."""
    window = text[max(0, start - 40) : start]
    core = window.rstrip()[:-3].rstrip()
    return _LOCATIVE.search(window, max(0, len(core) - _LOCATIVE_WORD_MAX)) is not None


def _titled(prev: str, gap: str, stop: _Stoplist) -> bool:
    """Is a word after ``prev`` and ``gap`` a person's name by its title ("Sen. Byrd",
    "coach Ripley")? Not after "St." ("St. Petersburg"), nor after a title word that
    ends a sentence ("the Ministry of Justice. Azerbaijan said")."""
    low = prev.lower()
    if low not in stop.titles or low in _PLACE_TITLES:
        return False
    return gap == " " or (gap in (". ", ".") and len(prev) <= TITLE_ABBREVIATION_LETTERS)


def _english_like(word: str) -> bool:
    """A lower-case English word, or a plural or past/-ing form of one ("educators",
    "arrests", "juniors"): the dictionary lists only base forms."""
    if english_words(word):
        return True
    for suffix, add in (("s", ""), ("es", ""), ("ed", ""), ("ed", "e"), ("ing", ""), ("ing", "e")):
        if word.endswith(suffix) and len(word) > len(suffix) + 2 and english_words(word[: -len(suffix)] + add):
            return True
    return False


def _prominent(top: Place, surface: str | None = None) -> bool:
    """A country, a province or a city by its own name: a reading that beats a person's
    name (an alternate name, "Harrison" for Scranton, does not)."""
    if top.feature in ("admin1", "country"):
        return True
    return top.population >= PERSON_BEATING_TOWN and (surface is None or normalize_name(surface) == normalize_name(top.name))


def _not_places(text: str, toks: list[tuple[int, int, str]], matches: list, found: dict, stop: _Stoplist) -> dict[int, str]:
    """Indexes into ``matches`` (start tok, end tok, surface, cands) that name a person or
    an organisation, not a place, with the rule that says so.

    A person: a word right after a first name ("Michael Jordan", "John F. Kennedy"), a
    first name followed by a surname ("Paris Hilton", "Jordan Peterson"), a word before
    a speech verb ("Kelly said") or after a title ("coach Ripley"), and any of those
    surnames met alone elsewhere in the text ("... Bell ran", "said Bell"). An
    organisation: a toponym followed by an organisation's head word inside one name
    ("The Washington Post", "Texas Instruments") or joined by '&' to a word that is no
    big place ("Bed Bath & Beyond"; not "TIJUANA & SAN DIEGO").
    A country, province or big town keeps its place reading where the text also reads
    so ("Austin Texas", "in Washington" beside George Washington)."""
    names = _names()
    n = len(toks)

    def gap(a: int, b: int) -> str:
        return text[toks[a][1] : toks[b][0]]

    def is_big_place(k: int) -> bool:
        cands = found.get(toks[k][2])
        return bool(cands) and _prominent(cands[0], toks[k][2])

    def wordlike(k: int) -> bool:  # a common noun or verb in capitals ("Arrests", "Educators")
        t = toks[k][2]
        return t.isupper() or _is_stop_word(t) or _english_like(t.lower())

    def feature_word(k: int) -> bool:  # ends a place's or building's name ("Anthony Creek")
        t = toks[k][2].lower()
        return t in stop.features or t in stop.facilities or _is_stop_word(t)

    in_name: set[int] = set()  # tokens inside a person's name after its first name
    surnames: set[str] = set()  # surnames met in the text (not countries, provinces, big towns)
    given: set[str] = set()  # first names of persons named in full that are also places
    for k, (_, _, t) in enumerate(toks):
        if k + 3 < n and len(toks[k + 1][2]) == 1 and gap(k, k + 1) == " " and gap(k + 1, k + 2) == ". " \
                and t[0].isupper() and toks[k + 1][2].isupper() and toks[k + 2][2][0].isupper() and not feature_word(k + 2):
            # "Tyrise M. Bell", "Barry M. George": a name, a middle initial, a surname,
            # whatever the first name
            in_name.add(k + 2)
            if not is_big_place(k):
                in_name.add(k)
            if not is_big_place(k + 2):
                surnames.add(toks[k + 2][2])
        if k + 1 >= n or gap(k, k + 1) != " ":
            continue
        if t not in names.cues and not (t in names.all and k > 0 and toks[k - 1][2].islower()
                                        and gap(k - 1, k).strip() == ""):
            continue  # a first name that is also a word ("Pat", "Mark") counts mid-sentence only
        run, m = [], k + 1
        while m < n and len(run) < 3 and toks[m][2][0].isupper() and toks[m][2] not in stop.organisations:
            g = gap(m - 1, m)
            if not (g == " " or (g == ". " and len(toks[m - 1][2]) == 1 and m - 1 != k)):
                break
            if feature_word(m) or (run and is_big_place(m)):
                break  # not "Mohammad Javad Zarif Iran"
            run.append(m)
            m += 1
        if (run and is_big_place(run[0]) and k > 0 and gap(k - 1, k) == " " and toks[k - 1][2][0].isupper()
                and not _titled(toks[k - 1][2], " ", stop)):
            continue  # a list of capitalised words ("Tags Aleppo Syria Assad Russia"), not "President George Washington"
        if run and (not is_big_place(k) or not is_big_place(run[0])):
            in_name.update(run)
            if found.get(t) and not wordlike(run[0]):  # "Paris Hilton"; not "France Football"
                in_name.add(k)
                if not is_big_place(k):
                    given.add(t)
            if len(toks[run[-1]][2]) > 1 and not is_big_place(run[-1]):
                surnames.add(toks[run[-1]][2])
    starts = {m[0] for m in matches}
    drop: dict[int, str] = {}
    for x, (i, j, surface, cands) in enumerate(matches):
        top = cands[0]
        nxt = toks[j + 1] if j + 1 < n else None
        after = text[toks[j][1] : nxt[0]] if nxt else ""
        # "Manchester United", but not "Syria United States" (a tag list)
        if (nxt is not None and after == " " and nxt[2] in stop.organisations and j + 1 not in starts
                and not (nxt[2] == "United" and text[nxt[1] : nxt[1] + 1] == " " and text[nxt[1] + 1 : nxt[1] + 2].isupper())):
            drop[x] = "organisation"  # "The Washington Post", "Manchester United"
            continue
        # "Bed Bath & Beyond", not "Hama & Homs" nor "TIJUANA & SAN DIEGO"
        amp_after = text[toks[j][1] : toks[j][1] + 3] == " & " and j + 1 < n and not is_big_place(j + 1)
        amp_before = i > 0 and gap(i - 1, i) == " & " and toks[i - 1][2][0].isupper() and not is_big_place(i - 1)
        if (amp_after or amp_before) and not _prominent(top, surface) and not surface.isupper():
            drop[x] = "ampersand"  # "Bed Bath & Beyond", "Marks & Spencer"
            continue
        if i != j:
            continue
        if i in in_name:
            drop[x] = "after first name"  # "Michael Jordan"
            continue
        country_like = top.feature in ("admin1", "country")
        prev = toks[i - 1][2] if i > 0 else ""
        g_prev = gap(i - 1, i) if i > 0 else ""
        speaks = nxt is not None and after == " " and nxt[2] in stop.speech
        spoken_of = prev.lower() in stop.speech and g_prev == " " and (nxt is None or after[:1] in ".,;")
        # "Sen. Byrd", "coach Ripley"; not "St. Petersburg", nor a title ending a sentence
        # a title before a longer capitalised name titles its last word ("Chief Kanawha
        # Circuit Judge Stucky", "Miss Ohio Pageant"): only a title right before the last
        # capitalised word makes this one a person
        titled = _titled(prev, g_prev, stop) and not (nxt is not None and after == " " and nxt[2][0].isupper())
        # "Hailey, who was born...", "Tyler, who": a person (a place is "which")
        who = (nxt is not None and nxt[2] == "who" and after.strip() in ("", ",") and not _prominent(top, surface)
               and not _locative_before(text, toks[i][0]))  # not "John Nale of Chattanooga, who"
        # "a regime source in Hassakeh told AFP" (FA-KES drops commas: "in Douma said"):
        # after a locative word the speaker is someone there, not the place
        located = _locative_before(text, toks[i][0]) or (
            i > 0 and prev.islower() and g_prev == " " and _locative_before(text, toks[i - 1][0]))
        speaks = speaks and not located  # nor "activists in rural Idlib said"
        if (speaks or spoken_of) and not country_like and not _prominent(top, surface) or titled or who:
            drop[x] = "title" if titled else "speaks"  # "Kelly said", "said Bell.", "coach Ripley"
            if not _prominent(top, surface) and top.population < BIG_TOWN:
                surnames.add(surface)  # not a town that "says no" (metonymy) either
            continue
        if (surface in names.all and nxt is not None and after == " " and nxt[2][0].isupper() and not wordlike(j + 1)
                and not is_big_place(j + 1) and not located):  # not "In Paris Fabius said" (FA-KES lacks commas)
            drop[x] = "first name"  # "Paris Hilton", "Jordan Peterson"
            if not _prominent(top, surface):
                given.add(surface)
            if not found.get(nxt[2]):  # not "Old Alton Edwardsville Road"
                surnames.add(nxt[2])
    for x, (i, j, surface, cands) in enumerate(matches):
        if i == j and x not in drop and surface in surnames and not _prominent(cands[0], surface):
            drop[x] = "surname"  # "Bell ran", once "Cornelius Bell" was named
        elif i == j and x not in drop and surface in given and not _locative_before(text, toks[i][0]):
            drop[x] = "given name"  # "Georgia began skating", once "Georgia Stevens" was named
    return drop


def _strong(cands: list[Place], n_words: int, tier: int | None) -> bool:
    """A match that stands on its own: a known name (not only a skeleton) of several
    words, of a province/country/region, or of a big town."""
    top = cands[0]
    if tier is None or tier >= TIER_SKELETON:
        return False
    return n_words > 1 or top.feature in ("admin1", "country", "region") or top.population >= BIG_TOWN


@functools.lru_cache(maxsize=4)
def _capital_coords(path: str) -> dict[str, tuple[float, float]]:
    """iso3 -> coordinates of each country entry (coded to its capital) of the index at
    ``path``: one query per index, where a lookup per country cost ~1 ms each."""
    import sqlite3

    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return {iso: (lat, lon) for iso, lat, lon in con.execute("SELECT iso3, lat, lon FROM places WHERE feature='country'")}
    finally:
        con.close()


def _capital(cands: list[Place], gaz: Gazetteer) -> Place | None:
    """The candidate that is its country's capital (the country entry is coded to it),
    looked at for the most populous town only."""
    towns = [p for p in cands if p.feature == "city"]
    if not towns:
        return None
    big = max(towns, key=lambda p: p.population)
    ll = _capital_coords(str(gaz.path)).get(big.iso3)
    return big if ll is not None and abs(ll[0] - big.latitude) < 1e-6 and abs(ll[1] - big.longitude) < 1e-6 else None


def _order(cands: list[Place], geo: docgeo.DocGeography, relation: str | None, gaz: Gazetteer, surface: str | None = None) -> list[Place]:
    """Candidates in the document's countries first (``docgeo.order``); for 'province',
    the admin1 entry first."""
    capital = _capital(cands, gaz) if geo.admin1 and len(cands) > 1 else None
    cands = docgeo.order(cands, geo, surface, capital)
    if relation == "province" and cands and cands[0].feature != "admin1":
        top = cands[0]
        a1 = next((p for p in cands if p.feature == "admin1" and p.iso3 == top.iso3), None)
        if a1 is None and top.admin1:
            a1 = gaz.admin1_place(top.iso3, top.admin1)
        if a1 is not None:
            cands = [a1] + [p for p in cands if p != a1]
    return cands


def annotate_places(doc: Doc, gaz: Gazetteer) -> list[Span]:
    """PLACE spans over ``doc.text`` (candidates, relation, head, distance_km) and the
    article's dominant country in ``doc.country_hint``."""
    text = doc.text or ""
    if not text:
        return []
    stop = _stoplist()
    toks = _tokens(text)
    masked = [False] * len(toks)
    blocked: list[tuple[int, int]] = [(s.start, s.end) for s in doc.spans if s.label == "ACTOR"]
    if stop.phrases is not None:
        blocked += [(m.start(), m.end()) for m in stop.phrases.finditer(lower_same_len(text))]
    if blocked:
        # a token is masked if it overlaps an actor or stoplist phrase: tokens are ordered
        # and disjoint, so those of one range are a run found by bisection on their ends
        tok_ends = [e for _, e, _ in toks]
        for bs, be in blocked:
            k = bisect.bisect_right(tok_ends, bs) if bs < be else len(toks)
            while k < len(toks) and toks[k][0] < be:
                masked[k] = True
                k += 1
    n_max = max(1, min(MAX_NGRAM, gaz.max_words()))
    grams = _ngrams(text, toks, masked, n_max)
    surfaces = {text[toks[i][0] : toks[j][1]] for i, ends in grams.items() for j in ends}
    try:
        found = gaz.lookup_many(surfaces)
        if "." in text:
            found.update(_abbreviation_places(text, toks, gaz))
    except Exception as e:  # noqa: BLE001 - one bad lookup must not fail the article
        doc.warnings.append(f"place lookup failed: {e}")
        return []
    sent_starts = {s.start for s in doc.sentences} or {0}

    # longest match per start, left to right (starts inside a match are skipped)
    matches = []  # (start tok, end tok, surface, cands)
    next_start = 0
    for i, ends in grams.items():  # in token order
        if i < next_start:
            continue
        for j in reversed(ends):
            surface = text[toks[i][0] : toks[j][1]]
            cands = found.get(surface)
            if cands and not (i == j and _is_stop_word(surface)):
                matches.append((i, j, surface, cands))
                next_start = j + 1
                break

    people = _not_places(text, toks, matches, found, stop)
    matches = [m for x, m in enumerate(matches) if x not in people]

    # the feature prior, then what the text itself decides: "Paris, Texas" (apposition),
    # "the Turkish town of Kilis" (an introduced country)
    primed = [docgeo.prior(surface, cands) for _, _, surface, cands in matches]
    decided: dict[int, list[Place]] = {}
    for k in range(len(matches) - 1):
        a, b = matches[k], matches[k + 1]
        if docgeo.APPOSITION_GAP.fullmatch(text, toks[a[1]][1], toks[b[0]][0]):
            hit = docgeo.apposition(primed[k], primed[k + 1], a[2])
            if hit is not None:
                decided[k] = [hit[0]] + [p for p in primed[k] if p != hit[0]]
                decided.setdefault(k + 1, [hit[1]] + [p for p in primed[k + 1] if p != hit[1]])
    country_names = gaz.country_names()
    for k, (i, _, _, cands) in enumerate(matches):
        if k not in decided and cands[0].feature != "country":
            iso = docgeo.introduced_country(text, toks[i][0], country_names)
            if iso is not None and any(p.iso3 == iso for p in cands):
                decided[k] = [p for p in cands if p.iso3 == iso] + [p for p in cands if p.iso3 != iso]

    # pass 1: context filters, then the document's geography from the confident matches
    starts = sorted(sent_starts | {m.end() for m in re.finditer(r"\n", text)})
    datelines = docgeo.dateline_ranges(text, starts)
    kept = []
    votes: list[tuple[list[Place], str, str]] = []
    reporting = None
    for k, (i, j, surface, cands) in enumerate(matches):
        fixed = k in decided
        if fixed:
            cands = decided[k]
        # a province the prior put ahead of the gazetteer's best stands on its own only in
        # a country the text attests (pass 2): "Mon" of Myanmar, "Northwest" of Iceland
        promoted = not fixed and primed[k][0] is not cands[0]
        ranked = cands = cands if fixed else primed[k]
        s, e = toks[i][0], toks[j][1]
        single = i == j
        prev_tok = toks[i - 1][2] if i > 0 else ""
        gap_prev = text[toks[i - 1][1] : s] if i > 0 else ""
        if _titled(prev_tok, gap_prev, stop):
            continue  # "President Assad", "Gen. Mark"
        sentence_start = s in sent_starts or text[max(0, s - 2) : s].strip() in (".", "\"", "“")
        nxt = toks[j + 1] if j + 1 < len(toks) else None
        name_like = (
            nxt is not None and text[e : nxt[0]] == " " and nxt[2][0].isupper() and not _RELATION_WORD.match(nxt[2])
        ) or (i > 0 and gap_prev == " " and prev_tok[0].isupper() and not sentence_start)
        if single and name_like and not (cands[0].feature in ("admin1", "country") or cands[0].population >= BIG_TOWN):
            continue  # part of a longer capitalised name ("Mark Lowcock", "Hassan Aden")
        if single and not fixed and cands[0].feature == "city" and surface in docgeo._demonyms()[0]:
            continue  # a nationality word ("Canadian"): its country (a demonym), not Canadian, Texas
        tier = gaz.match_tier(surface)
        top = cands[0]
        named = docgeo.names_place(surface, top, tier)
        core = _ARTICLE_WORD.sub("", surface)
        dotted = "." in surface  # an abbreviation the text writes as one ("D.C.", "W.Va.")
        if not dotted and core.isupper() and len(core) <= 4 and top.feature != "country":
            continue  # acronyms match airport codes among alternate names (NGO, "an SDF", "SANA")
        if single and not named and not dotted and len(core) <= SHORT_ALTERNATE_LETTERS and top.feature != "country":
            continue  # a code among the alternate names ("Aid" for Anderson, Indiana)
        facility = nxt is not None and text[e : nxt[0]] == " " and nxt[2].lower() in stop.facilities
        rel, rs, re_, dist = _relation(text, s, e)
        strong = _strong(cands, j - i + 1, tier)
        locative = rel is not None or _locative_before(text, s)
        dateline = docgeo.in_ranges(s, e, datelines)
        # "on the border with Iraq", "near Lebanon": a country named as the neighbour
        border = top.feature == "country" and (rel == "near" or docgeo.border_neighbour(text, s))
        # a match that stands for its own place: not a building's name, not a stray alternate
        # name; a province, a country, or a town of several words or a big one
        multiword = " " in normalize_name(surface)
        standalone = not facility and (
            fixed
            or top.feature in ("admin1", "country")
            or (tier is not None and tier < TIER_SKELETON and named and multiword)
            or (tier is not None and tier < TIER_SKELETON and normalize_name(surface) == normalize_name(top.name)
                and top.population >= docgeo.UNATTESTED_TOWN_MIN)
        )
        strong = strong or fixed
        # a seat that speaks ("Moscow said") or where people came from ("fighters from the
        # North Caucasus"): kept as a place, no evidence of the scene and not an event place
        seat = top.feature != "country" and not dateline and docgeo.named_as_seat(text, s, e)
        origin = not dateline and not seat and docgeo.named_as_origin(text, s)
        # "which border the outskirts of Arsal": a reference point next to the scene
        reference = not dateline and not seat and not origin and docgeo.reference_lead(text, s) is not None
        role = "seat" if seat else "origin" if origin else "reference" if reference else None
        kept.append((i, j, surface, ranked, rel, rs, re_, dist, strong, locative, sentence_start, standalone, dateline, border,
                     named, fixed, role, promoted))
        if dateline:
            reporting = reporting or docgeo.clear_country(ranked) or top.iso3
        elif role is not None or border:
            pass  # a seat, an origin, a reference point or a neighbour is no evidence of where the story is
        elif fixed and not facility:
            votes.append((ranked, "decided", surface))
        elif top.feature == "country" and docgeo.unit_homonym(surface, ranked):
            votes.append((ranked, "vote", surface))  # "Georgia": the country or a US state
        elif standalone and (strong or locative) and not (top.feature == "country" and docgeo.named_as_party(text, e)):
            votes.append((docgeo.own_named(surface, ranked), "strong", surface))
        elif strong or locative:
            votes.append((docgeo.own_named(surface, ranked), "weak" if not facility and named else "vote", surface))

    geo = doc.geography = docgeo.geography(votes, text, reporting)
    hint = geo.primary
    if hint:
        doc.country_hint = hint

    spans = []
    for (i, j, surface, cands, rel, rs, re_, dist, strong, locative, sentence_start, standalone, dateline, border, named, fixed, role,
         promoted) in kept:
        if promoted and geo.weight(cands[0].iso3) == 0:
            standalone = False
        if role == "seat" and standalone:
            pass  # a seat is the namesake the world knows ("Moscow said" in a US story)
        elif fixed:
            cands = _order(cands, geo, rel, gaz, surface) if rel == "province" else cands
        else:
            cands = _order(cands, geo, rel, gaz, surface)
        top = cands[0]
        if not standalone and not dateline:
            if i == j and not named and geo.primary is not None and top.iso3 != geo.primary:
                continue  # a stray alternate name, outside the story's country
            if not geo.attested(cands) and (geo.by_place or (i == j and not named and geo.evidence)):
                # no candidate in a country the text speaks of, and a weak match (a small
                # town, a building's name, a stray alternate name): a namesake abroad (a
                # text that speaks of no country at all rules none out)
                continue
            if (top.feature not in ("country", "admin1") and not docgeo.secondary_ok(geo, top.iso3)
                    and not docgeo.local_country(text, toks[i][0], top.iso3, gaz.country_names())):
                # a small place of another country than the story's, with that country
                # neither well attested nor named right before it ("Orum" of a Syrian
                # village read as Orem, Utah, because Washington is in the story)
                continue
        foreign = hint is not None and top.iso3 != hint and top.feature not in ("country", "admin1") and not fixed
        if i == j and foreign and (sentence_start or not locative) and not (role == "seat" and standalone) and not dateline:
            # a capitalised sentence opener or headline word that happens to name a
            # far-away town ("Fighting for Key Aleppo Road"): abroad needs "in/near X"
            continue
        if not strong:
            # a small one-word place needs context: a preposition/relation or the article's country
            in_hint = hint is not None and top.iso3 == hint
            if not (locative and (in_hint or hint is None)) and not (in_hint and not sentence_start):
                continue
        attrs = {"candidates": cands, "relation": rel, "head": surface, "distance_km": dist}
        if dateline:
            attrs["dateline"] = True  # the reporting place, not the scene
        if border:
            attrs["border"] = True  # "on the border with Iraq": the neighbour, not the scene
        if role is not None:
            attrs[role] = True  # "Moscow said" (seat), "fighters from Chechnya" (origin), "bordering Arsal" (reference): not the scene
        spans.append(Span(start=rs, end=re_, label="PLACE", text=text[rs:re_], attrs=attrs))
    return _city_districts(spans, text)


def _city_districts(spans: list[Span], text: str) -> list[Span]:
    """A small place named as a neighbourhood or district ("al-Hamadaniye neighbourhood",
    "Al-Zahraa district") lies in a city of the text: its namesake near one of the text's
    cities first, and none (the span dropped, so the event takes the city) when every
    namesake lies far from them, as imported villages of the same name do."""
    cities = [s.attrs["candidates"][0] for s in spans
              if s.attrs["candidates"][0].feature == "city" and s.attrs["candidates"][0].population >= DISTRICT_CITY_MIN]
    if not cities:
        return spans
    from ..assemble import haversine_km

    out = []
    for sp in spans:
        cands = sp.attrs["candidates"]
        top = cands[0]
        m = DISTRICT_AFTER.match(text, sp.end)
        small = DISTRICT_CITY_MIN if m is not None and m.group("quarter") else DISTRICT_VILLAGE_MAX
        if m is None or top.feature != "city" or top.population >= small:
            out.append(sp)
            continue
        near = [c for c in cands if any(haversine_km(c, city) <= DISTRICT_KM for city in cities)]
        if near:
            ordered = near + [c for c in cands if c not in near]
            out.append(sp if ordered[0] is top else Span(sp.start, sp.end, sp.label, sp.text, {**sp.attrs, "candidates": ordered}))
    return out
