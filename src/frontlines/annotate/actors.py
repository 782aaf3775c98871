"""Actor annotator: ACLED-style canonical actor names and inter codes.

Named actors come from a world alias dictionary (``data/actors/*.yaml``, one file per
country or region, merged); unnamed ones ("unidentified gunmen", "the army", "Turkish
warplanes", "civilians") from generic patterns. Both take the country where the mention
stands: the place named in its sentence, else the article's (``Doc.country_hint``), never
a default country. A state force acting outside its own country is coded external (8).

The module also holds two small helpers the other stage-4 annotators share:
``load_data`` (a packaged YAML file plus user files) and ``phrase_pattern`` (a
trie-shaped regex for a list of phrases, much faster than a flat alternation).
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import re
from collections import Counter
from importlib import resources
from pathlib import Path
from typing import Any, Callable, Iterable, TypeVar

from frontlines.datafiles import DATE, SCALAR, Keys, ListOf, MapOf, OneOf, check, load_yaml, read_yaml_file
from frontlines.errors import DataFileValue
from frontlines.memo import BoundedMemo
from frontlines.records import Doc, Span

# A generic partisan actor ("terrorists") is re-coded as a named actor when the name
# follows within this many characters ("terrorists of Jabhat al-Nusra"); 40 covers
# "terrorists belonging to the so-called" in the FA-KES texts.
NAMED_NEARBY_CHARS = 40
# Aliases this short, written in capitals ("IS", "SAA", "HTS"), match case-sensitively:
# lower-cased they are ordinary words ("is") or too ambiguous.
SHORT_ACRONYM_LEN = 5
# Bound on the per-annotator memo of mention flags (distinct mention texts).
_FLAGS_CACHE_MAX = 4096
# The "nationality" of own_country_words: the country where the mention stands.
OWN_COUNTRY = "@own"
# Right after an unnamed state force ("police", "the army"): the word names an office that
# speaks or a post, not the force acting ("Aleppo Police Command told SANA", "an army
# spokesman said", "security sources"); such a mention is no actor.
_OFFICE_AFTER = re.compile(
    r"\s+(?:command|spokes(?:man|men|woman|person|people)|sources?|statement|officials?|chief|"
    r"media\s+office|press\s+office|headquarters)\b"
)
# A country named as a place locates a mention only after one of these words ("in Syria",
# "across northern Mali"): a country that is itself a subject ("Russia has intensified its
# raids", "France and Britain said") says nothing of where the event happened. A town of
# another country than the article's needs them too ("in Mosul" in a Syrian story).
_COUNTRY_LOCATIVE = re.compile(
    r"(?:\b(?:in|into|inside|within|across|throughout|from|of|to|at|near|outside|around)\s+"
    r"(?:(?:the\s+)?(?:north|south|east|west|central|northern|southern|eastern|western|"
    r"north-?eastern|north-?western|south-?eastern|south-?western|northeast|northwest|"
    r"southeast|southwest|rural)\s+)?)$",
    re.I,
)
# The packaged actor dictionary: every YAML file in this folder of the package data, the
# shared tables (``_common.yaml``) first, then the country and region files by name.
ACTORS_DIR = "actors"
COMMON_FILE = "_common.yaml"


def load_data(name: str, extra_files: Iterable[str | Path] = ()) -> list[dict[str, Any]]:
    """The packaged data file ``name`` followed by user files, each parsed as YAML."""
    docs = [load_yaml(resources.files("frontlines").joinpath("data", name).read_text("utf-8"))]
    for path in extra_files:
        docs.append(read_yaml_file(Path(path)))
    return [d or {} for d in docs]


def packaged_actor_files() -> list[str]:
    """The packaged actor files, as ``actors/<name>.yaml``, shared tables first."""
    folder = resources.files("frontlines").joinpath("data", ACTORS_DIR)
    names = sorted(p.name for p in folder.iterdir() if p.name.endswith(".yaml"))
    names.sort(key=lambda n: n != COMMON_FILE)
    return [f"{ACTORS_DIR}/{n}" for n in names]


def load_actor_data(extra_files: Iterable[str | Path] = ()) -> list[tuple[str, dict[str, Any]]]:
    """(file name, parsed file) for the packaged actor files, then the user's files."""
    out = []
    for name in packaged_actor_files():
        out.append((name, load_data(name)[0]))
    for path in extra_files:
        out.append((str(path), read_yaml_file(Path(path)) or {}))
    return out


@functools.lru_cache(maxsize=1)
def _packaged_country_names() -> dict[str, str]:
    """The packaged ``country_names`` table (read on first use)."""
    names: dict[str, str] = {}
    for name in packaged_actor_files():
        names.update(load_data(name)[0].get("country_names") or {})
    return names


@functools.lru_cache(maxsize=256)
def acled_country_name(iso3: str) -> str:
    """ACLED's name of a country ("Palestine", "Turkey", "Democratic Republic of Congo"):
    the actor dictionary's table, else pycountry's common name, else the code."""
    name = _packaged_country_names().get(iso3)
    if name is None:
        import pycountry  # noqa: PLC0415 - only needed for countries outside the table

        c = pycountry.countries.get(alpha_3=iso3)
        name = (getattr(c, "common_name", None) or c.name) if c else iso3
    return name


# The keys an actor file (packaged or a user's) may hold; see data/actors/_common.yaml.
_INTER = OneOf(tuple(range(1, 9)))
_KIND = OneOf(("state", "rebel", "militia", "external", "civilian", "protester", "rioter", "unidentified", "other"))
_WORDS = ListOf(SCALAR)
ACTORS_SCHEMA = Keys({
    "country_names": MapOf((str,)),
    "nationalities": MapOf((str,)),
    "own_country_words": _WORDS,
    "military_nouns": _WORDS,
    "role_nouns": _WORDS,
    "air_words": _WORDS,
    "partisan_words": _WORDS,
    "actors": ListOf(Keys({
        "name": (str,), "inter": _INTER, "country": (str,), "kind": _KIND, "military": (bool,),
        "police": (bool,),
        "eras": ListOf(Keys({"name": (str,), "from": DATE, "until": DATE, "inter": _INTER, "kind": _KIND},
                            required=("name",))),
        "countries": _WORDS, "aliases": _WORDS, "patterns": _WORDS, "reason": (str,), "why": (str,), "partisan": (bool,), "air": (bool,),
    }, required=("name", "inter"))),
    "generic": ListOf(Keys({
        "name": (str,), "inter": _INTER, "kind": _KIND, "reason": (str,), "why": (str,), "phrases": _WORDS,
        "partisan": (bool,), "military": (bool,), "police": (bool,), "country": (str,),
        "countries": _WORDS,
    }, required=("name", "inter", "phrases"))),
})  # fmt: skip


_NORM_SPLIT = re.compile(r"[\s\-\u2010-\u2015'\u2019]+")


@functools.lru_cache(maxsize=8192)
def _norm(text: str) -> str:
    """Lower-case key for an alias: hyphens, apostrophes and spaces collapse to a space.

    Cached: the same few mention texts ("regime forces", "the army") recur in every
    article, and the key is a pure function of the text.
    """
    return " ".join(_NORM_SPLIT.split(text.lower())).strip()


T = TypeVar("T")

_SEP = "\x00"  # a word separator inside the trie (matches spaces or hyphens)
# Word starts: the annotators only match phrases not preceded by a word character or hyphen.
WORD_START = r"[\w\-]"


def phrase_pattern(
    phrases: Iterable[str], sep: str = r"[\s\-\u2010-\u2015]+", not_after: str | None = None
) -> str:
    """Regex source matching any phrase (longest first), words joined by ``sep``.

    Phrases are split on spaces and hyphens so "al-Nusra" also matches "al Nusra".
    The result has no word boundaries; callers add them, except that ``not_after`` (a
    one-character class such as ``WORD_START``) builds in the left one: the result then
    matches exactly where ``(?<!not_after)`` followed by the plain pattern would. The
    check is written after the first character of each alternative (a two-character
    look-behind) rather than in front, because ``re`` can then skip ahead to the
    phrases' first characters while searching, instead of trying every position. That
    pays (2-3x faster scans) when the phrases start with few distinct characters
    (capitalised acronyms, a short list of cue words); when they start with most letters
    the leading look-behind, which fails fast inside words, is the faster one. Each
    alternative fails at a position exactly when the leading look-behind would (it tests
    the same preceding character), so matches are the same.
    """
    trie: dict[str, Any] = {}
    for phrase in phrases:
        words = [w for w in re.split(r"[\s\-\u2010-\u2015]+", phrase.strip()) if w]
        if not words:
            continue
        node = trie
        for ch in _SEP.join(words):
            node = node.setdefault(ch, {})
        node[""] = True
    lead = rf"(?<!{not_after}[\s\S])" if not_after else ""

    def emit(node: dict[str, Any], top: bool = False) -> str:
        end = "" in node
        alts = []
        for ch in sorted(k for k in node if k):
            head = sep if ch == _SEP else re.escape(ch)
            alts.append(head + (lead if top else "") + emit(node[ch]))
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        if end:
            return "(?:" + body + ")?"
        return body

    return emit(trie, top=True)


@functools.lru_cache(maxsize=16)
def lower_same_len(text: str) -> str:
    """``text.lower()`` with offsets kept: characters whose lower case is longer stay as is.

    Cached (a few entries): every stage-4 annotator and the extractor lower the same
    ``Doc.text`` in turn.
    """
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


def keep_disjoint(cands: Iterable[T], bounds: Callable[[T], tuple[int, int]]) -> list[T]:
    """Candidates, taken in the given order, that overlap none taken before; in start order.

    Same result as checking each candidate against every kept one and then sorting the
    kept ones by start, but with a binary search: kept intervals are disjoint and non-empty,
    so sorted by start their ends are sorted too, and a new interval overlaps one of them
    exactly when the last kept interval starting before its end reaches past its start.
    (An empty candidate interval breaks that argument; such lists take the plain way.)
    """
    items = [(c, *bounds(c)) for c in cands]
    if not all(s < e for _, s, e in items):
        plain: list[tuple[T, int, int]] = []
        for c, s, e in items:
            if all(e <= t0 or s >= t1 for _, t0, t1 in plain):
                plain.append((c, s, e))
        plain.sort(key=lambda k: k[1])
        return [c for c, _, _ in plain]
    starts: list[int] = []
    ends: list[int] = []
    kept: list[T] = []
    for c, s, e in items:
        i = bisect.bisect_left(starts, e)  # kept[:i] start before this one ends
        if i and ends[i - 1] > s:
            continue
        starts.insert(i, s)
        ends.insert(i, e)
        kept.insert(i, c)
    return kept


def _place_country(span: Span, hint: str | None, text: str) -> str | None:
    """The country of a PLACE span's best candidate. A far-away reading of a small place
    (another country than the article's, no "near/north of" with it) does not count, nor
    does a country name without a locative word before it."""
    cands = span.attrs.get("candidates") or []
    if not cands:
        return None
    top = cands[0]
    locative = _COUNTRY_LOCATIVE.search(text, max(0, span.start - 40), span.start)
    if top.feature == "country":
        return top.iso3 if locative else None
    if hint is None or top.iso3 == hint or top.feature == "admin1" or span.attrs.get("relation") or locative:
        return top.iso3
    return None


class _Localizer:
    """Where a mention stands: the country of the nearest place named in its sentence,
    else the article's country. Built from the document's PLACE spans, leaving out those
    inside an actor's name ("Rapid" of "Rapid Support Forces" is no town)."""

    def __init__(self, doc: Doc, actors: list[tuple[int, int]] = (), lookback: int = 0) -> None:
        places = [sp for sp in doc.spans if sp.label == "PLACE"]
        self.lookback = lookback
        self.paragraphs = [s.paragraph for s in doc.sentences]
        inside = [sp for sp in places if _overlaps(sp, actors)] if actors else []
        self.inside = inside
        self.hint = doc.country_hint
        if inside:
            places = [sp for sp in places if sp not in inside]
            self.hint = _hint_without(doc.country_hint, places, inside)
        self.starts = [s.start for s in doc.sentences]
        self.ends = [s.end for s in doc.sentences]
        self.places: list[tuple[int, str]] = []
        for sp in places:
            if sp.attrs.get("dateline") or sp.attrs.get("seat") or sp.attrs.get("origin"):
                continue  # the reporting place or a seat or origin is not where an actor stands
            iso = _place_country(sp, self.hint, doc.text)
            if iso:
                self.places.append((sp.start, iso))
        self.places.sort()
        self._pos = [p for p, _ in self.places]

    def country(self, pos: int) -> str | None:
        """The nearest place of the sentence at ``pos``; else the last place of the
        ``lookback`` sentences before it in its paragraph (where an event with no place
        of its own is put); else the article's country."""
        i = bisect.bisect_right(self.starts, pos) - 1
        if i < 0 or not self.places:
            return self.hint
        lo, hi = self.starts[i], self.ends[i]
        a, b = bisect.bisect_left(self._pos, lo), bisect.bisect_left(self._pos, hi)
        if a < b:
            best = min(range(a, b), key=lambda k: abs(self._pos[k] - pos))
            return self.places[best][1]
        j = max(0, i - self.lookback)
        while j < i and self.paragraphs[j] != self.paragraphs[i]:
            j += 1
        if j < i and a > 0 and self._pos[a - 1] >= self.starts[j]:
            return self.places[a - 1][1]  # the last place named in those sentences
        return self.hint


def _overlaps(span: Span, bounds: list[tuple[int, int]]) -> bool:
    """Whether ``span`` overlaps one of the (sorted, disjoint) ``bounds``."""
    i = bisect.bisect_right(bounds, (span.start, float("inf"))) - 1
    return any(s < span.end and span.start < e for s, e in bounds[max(0, i) : i + 2])


def _hint_without(hint: str | None, kept: list[Span], dropped: list[Span]) -> str | None:
    """The article's country once place matches inside actor names are left out: the
    places' hint when a kept place still names it, else the commonest country of the kept
    places (a country name weighing double, as in places.annotate_places), else none."""
    def top(sp: Span):
        cands = sp.attrs.get("candidates") or []
        return cands[0] if cands else None

    if hint is None or any((t := top(sp)) is not None and t.iso3 == hint for sp in kept):
        return hint
    if not any((t := top(sp)) is not None and t.iso3 == hint for sp in dropped):
        return hint  # the hint did not come from the dropped matches
    votes: dict[str, int] = {}
    for sp in kept:
        t = top(sp)
        if t is not None:
            votes[t.iso3] = votes.get(t.iso3, 0) + (2 if t.feature == "country" else 1)
    return max(votes, key=lambda k: votes[k]) if votes else None


class ActorAnnotator:
    """Finds actor mentions; ``annotate(doc)`` returns ACTOR spans (no overlaps)."""

    def __init__(self, extra_files: Iterable[str | Path] = (), place_lookback: int | None = None) -> None:
        """``place_lookback``: how many sentences back an unnamed actor of a sentence with no
        place looks for its country (default: thresholds.toml's geocode.place_lookback_sentences,
        the same lookback that gives such a sentence's event its place)."""
        extra_files = tuple(extra_files)
        if place_lookback is None:
            from frontlines.extract import load_thresholds  # noqa: PLC0415 - the extractor's thresholds

            place_lookback = int(load_thresholds()["geocode"]["place_lookback_sentences"])
        self.place_lookback = place_lookback
        files = load_actor_data(extra_files)
        for name, d in files:
            check(d, ACTORS_SCHEMA, file=name)
        data = [d for _, d in files]
        self.country_names: dict[str, str] = {}
        self.nationalities: dict[str, str] = {}
        self.entries: list[dict[str, Any]] = []
        self.generics: list[dict[str, Any]] = []
        mil_nouns: list[str] = []
        role_nouns: list[str] = []
        own_words: list[str] = []
        air_words: set[str] = set()
        partisan_words: set[str] = set()
        for d in data:
            self.country_names.update(d.get("country_names") or {})
            self.nationalities.update({_norm(k): v for k, v in (d.get("nationalities") or {}).items()})
            self.entries.extend(d.get("actors") or [])
            self.generics.extend(d.get("generic") or [])
            mil_nouns.extend(d.get("military_nouns") or [])
            role_nouns.extend(d.get("role_nouns") or [])
            own_words.extend(str(w) for w in d.get("own_country_words") or [])
            air_words.update(_norm(w) for w in d.get("air_words") or [])
            partisan_words.update(_norm(w) for w in d.get("partisan_words") or [])
        self.air_words = air_words
        self.partisan_words = partisan_words
        # _flags splits each word set: single words are looked up in the mention's word
        # set, multi-word phrases searched for (space-delimited) in the mention key
        self._air_single = frozenset(w for w in air_words if " " not in w)
        self._air_multi = tuple(f" {w} " for w in air_words if " " in w)
        self._partisan_single = frozenset(w for w in partisan_words if " " not in w)
        self._partisan_multi = tuple(f" {w} " for w in partisan_words if " " in w)
        self._flags_cache = BoundedMemo(_FLAGS_CACHE_MAX)

        # alias -> entries, the later file's first (a user's entry wins over a packaged
        # one); among them the mention's country picks ("ADF" in Congo or in Cameroon)
        self._ci: dict[str, list[dict[str, Any]]] = {}
        self._cs: dict[str, list[dict[str, Any]]] = {}
        self._military: dict[str, dict[str, Any]] = {}  # iso3 -> the state military entry
        self._police: dict[str, dict[str, Any]] = {}  # iso3 -> the state police entry
        for e in reversed(self.entries):
            if e.get("military"):
                self._military.setdefault(e["country"], e)
            if e.get("police"):
                self._police.setdefault(e["country"], e)
            for alias in e.get("aliases") or []:
                alias = str(alias)
                table, key = (self._cs, alias) if alias.isupper() and len(alias) <= SHORT_ACRONYM_LEN else (self._ci, _norm(alias))
                same = table.setdefault(key, [])
                if not any(x is e for x in same):  # "Al Shabaab" and "al-Shabaab": one key
                    same.append(e)
        # regex patterns of entries (names aliases cannot list: "Mai-Mai Yakutumba",
        # "the Sagaing PDF"), one case-insensitive scan; group k is self._pattern_entries[k]
        self._pattern_entries: list[dict[str, Any]] = []
        alts = []
        for (fname, d) in files:
            for e in d.get("actors") or []:
                for pat in e.get("patterns") or []:
                    try:
                        re.compile(str(pat))
                    except re.error as exc:
                        raise DataFileValue(
                            f"{fname}: pattern {pat!r} of {e['name']!r} is not a valid regular expression: {exc}",
                            hint="write a Python regular expression (re module); escape . ( ) as \\. \\( \\)",
                        ) from None
                    alts.append(f"(?P<p{len(self._pattern_entries)}>{pat})")
                    self._pattern_entries.append(e)
        self._patterns = re.compile(r"(?<![\w\-])(?:" + "|".join(alts) + r")(?![\w\-])", re.I) if alts else None
        self._generic_by_key: dict[str, list[dict[str, Any]]] = {}
        for g in reversed(self.generics):
            for phrase in g.get("phrases") or []:
                self._generic_by_key.setdefault(_norm(phrase), []).append(g)

        # One pass over the lower-cased text finds aliases, generic phrases and
        # nationality words (the latter then try the "<nationality> <noun>" pattern).
        roles = phrase_pattern(_norm(r) for r in role_nouns) if role_nouns else None
        # up to two role nouns: "ISIL terrorist group", "IS militant group"
        suffix = rf"(?P<suffix>[\s\-]+(?:{roles})(?:[\s\-]+(?:{roles}))?)?" if roles else ""
        # "government shelling", "regime warplanes", "junta troops": the military of the
        # country where the mention stands, found like "<nationality> <noun>"
        for w in own_words:
            self.nationalities.setdefault(_norm(w), OWN_COUNTRY)
        keys = set(self._ci) | set(self._generic_by_key) | set(self.nationalities)
        # keys were normalised with apostrophes as word breaks ("assad s forces")
        apos_sep = r"[\s\-\u2010-\u2015'\u2019]+"
        self._scan = re.compile(
            # a possessive names the actor too ("Russia's raids", "the coalition's strikes")
            r"(?<![\w\-])(?P<a>" + phrase_pattern(keys, sep=apos_sep) + r")(?:['\u2019]s(?=\s))?" + suffix + r"(?!\w)"
        )
        self._named_cs = (
            re.compile(r"(?P<a>" + phrase_pattern(self._cs, not_after=WORD_START) + r")"
                       + (f"(?i:{suffix})" if suffix else "") + r"(?![\w\-])")
            if self._cs
            else None
        )
        self._nat = re.compile(
            r"(?P<n>"
            + phrase_pattern(self.nationalities)
            + r")(?:[\s\-]+(?:government|regime|state|military|army|air[\s\-]force|navy))?"
            + r"[\s\-]+(?P<m>"
            + phrase_pattern(_norm(n) for n in mil_nouns)
            + r")(?!\w)"
        )
        self._gap_re = re.compile(
            r"^[\s,(\-]*(?:(?:of|from|belonging\s+to|affiliated\s+(?:with|to)|linked\s+to|loyal\s+to|"
            r"known\s+as|the|so[\s\-]called)\s+)*$",
            re.I,
        )
        self._country_cache: dict[str, str] = {}

    # -- helpers ---------------------------------------------------------------------
    def country_name(self, iso3: str | None) -> str | None:
        """ACLED country name for an iso3 code (YAML table first, then pycountry)."""
        if not iso3:
            return None
        if iso3 in self._country_cache:
            return self._country_cache[iso3]
        name = self.country_names.get(iso3)
        if name is None:
            import pycountry  # noqa: PLC0415 - only needed for countries outside the table

            c = pycountry.countries.get(alpha_3=iso3)
            name = (getattr(c, "common_name", None) or c.name) if c else iso3
        self._country_cache[iso3] = name
        return name

    @staticmethod
    def _era(entry: dict[str, Any], published: dt.date | None) -> dict[str, Any]:
        """The era of the entry the publication date falls in (empty when none)."""
        if published is not None:
            for era in entry.get("eras") or []:
                start, end = era.get("from"), era.get("until")
                if (start is None or published >= start) and (end is None or published < end):
                    return era
        return {}

    @classmethod
    def _era_name(cls, entry: dict[str, Any], published: dt.date | None) -> str:
        """The entry's name, or the name of the era the publication date falls in."""
        return cls._era(entry, published).get("name") or entry["name"]

    @staticmethod
    def _pick(entries: list[dict[str, Any]], country: str | None) -> dict[str, Any]:
        """Of the entries sharing an alias, the one for the mention's country (its
        ``countries``, else its own country); elsewhere the first without ``countries``."""
        if len(entries) == 1:
            return entries[0]
        if country:
            for e in entries:
                if country in (e.get("countries") or (e.get("country"),)):
                    return e
        return next((e for e in entries if not e.get("countries")), entries[0])

    def _pick_generic(self, gens: list[dict[str, Any]], country: str | None) -> dict[str, Any] | None:
        """The generic entry for the mention's country: one limited to it, else a general one."""
        for g in gens:
            if country and country in (g.get("countries") or ()):
                return g
        return next((g for g in gens if not g.get("countries")), None)

    def _flags(self, text: str) -> tuple[bool, bool]:
        """(air, partisan) wording inside a mention: a listed single word among its words,
        or a listed phrase at word boundaries. Memoised per mention text (a pure function
        of it, in a BoundedMemo of _FLAGS_CACHE_MAX entries)."""
        hit = self._flags_cache.get(text)
        if hit is not None:
            return hit
        key = _norm(text)
        words = key.split()
        padded = f" {key} "
        air = not self._air_single.isdisjoint(words) or any(p in padded for p in self._air_multi)
        partisan = not self._partisan_single.isdisjoint(words) or any(
            p in padded for p in self._partisan_multi
        )
        return self._flags_cache.put(text, (air, partisan))

    def _nat_span(self, m: re.Match, iso: str, doc: Doc, text: str, local: str | None) -> Span:
        entry = self._military.get(iso)
        if entry is not None:
            return self._named_span(m, entry, doc, text, local)
        air, partisan = self._flags(m.group(0))
        home = local is None or iso == local
        attrs = {
            "actor": f"Military Forces of {self.country_name(iso)}",
            "inter": 1 if home else 8,
            "kind": "state" if home else "external",
            "generic": True,
            "air": air,
            "country": iso,
            "partisan": partisan,
        }
        return Span(m.start(), m.end(), "ACTOR", text[m.start() : m.end()], attrs)

    def _named_attrs(self, entry: dict[str, Any], doc: Doc, mtext: str, local: str | None) -> dict[str, Any]:
        era = self._era(entry, doc.article.published)
        name = era.get("name") or entry["name"]
        country = entry.get("country")
        if "{country}" in name:  # e.g. "Islamic State ({country})": where it acts
            country = local or country
            name = name.replace("{country}", self.country_name(country) or "")
        inter = int(era.get("inter") or entry["inter"])
        kind = era.get("kind") or entry.get("kind", "other")
        if kind == "state" and local and country and country != local:
            inter, kind = 8, "external"  # a state force abroad (ACLED: external/other forces)
        air, partisan = self._flags(mtext)
        return {
            "actor": name,
            "inter": inter,
            "kind": kind,
            "generic": False,
            "air": air or bool(entry.get("air")),
            "country": country,
            "partisan": partisan or bool(entry.get("partisan")),
        }

    def _named_span(self, m: re.Match, entry: dict[str, Any], doc: Doc, text: str, local: str | None) -> Span:
        mtext = text[m.start() : m.end()]
        return Span(m.start(), m.end(), "ACTOR", mtext, self._named_attrs(entry, doc, mtext, local))

    def _generic_attrs(self, g: dict[str, Any], text: str, doc: Doc, local: str | None) -> dict[str, Any] | None:
        """A generic mention's actor in its country: that country's military or police
        entry for "the army" or "police", else the generic name with the country's name;
        None when the name needs a country and none is known."""
        country = local or g.get("country")
        home = self._military.get(country or "") if g.get("military") else None
        if home is None and g.get("police"):
            home = self._police.get(country or "")
        if home is not None:  # "the army" in a Malian story: Mali's military
            return dict(self._named_attrs(home, doc, text, country), generic=True)
        cname = self.country_name(country) if country else None
        air, partisan = self._flags(text)
        return {
            # no place and no article country: never "Military Forces of Unknown"; the span
            # stays (its kind and inter still tell who gained ground, who attacked) but
            # names no actor
            "actor": None if cname is None and "{country}" in g["name"] else g["name"].replace("{country}", cname or ""),
            "inter": int(g["inter"]),
            "kind": g.get("kind", "other"),
            "generic": True,
            "air": air,
            "country": country,
            "partisan": partisan or bool(g.get("partisan")),
        }

    # -- main ------------------------------------------------------------------------
    def annotate(self, doc: Doc) -> list[Span]:
        """ACTOR spans of the document. The matches are chosen first (longest wins), then
        each is named for the country where it stands. A place match inside a chosen
        actor's name is no place: it is taken out of ``doc.spans``, and the article's
        country (``doc.country_hint``) corrected when it rested on such matches only."""
        text = doc.text
        low = lower_same_len(text)
        # (priority: lower wins ties, start, end, the span for a country, the actor's home country)
        cands: list[tuple[int, int, int, Callable[[str | None], Span | None], str | None]] = []
        for m in self._scan.finditer(low):
            key = _norm(m.group("a"))
            es = self._ci.get(key)
            if es is not None:
                cands.append((0, m.start(), m.end(), functools.partial(self._alias_span, m, es, doc, text), es[0].get("country")))
                continue
            iso = self.nationalities.get(key)
            if iso is not None:
                nm = self._nat.match(low, m.start())
                if nm is not None:
                    home = None if iso == OWN_COUNTRY else iso
                    cands.append((1, nm.start(), nm.end(), functools.partial(self._own_nat_span, nm, iso, doc, text), home))
                continue
            gens = self._generic_by_key.get(key)
            if gens is not None:
                st, en = m.start(), m.end("a")
                if any(g.get("military") or g.get("police") for g in gens) and _OFFICE_AFTER.match(low, en):
                    continue
                cands.append((2, st, en, functools.partial(self._generic_span, gens, st, en, doc, text), None))
        if self._named_cs is not None:
            for m in self._named_cs.finditer(text):
                es = self._cs.get(m.group("a"))
                if es is not None:
                    cands.append((0, m.start(), m.end(), functools.partial(self._alias_span, m, es, doc, text), es[0].get("country")))
        if self._patterns is not None:
            for m in self._patterns.finditer(text):
                k = next((int(g[1:]) for g, v in m.groupdict().items() if v is not None and g[:1] == "p" and g[1:].isdigit()), None)
                if m.end() > m.start() and k is not None:
                    e = self._pattern_entries[k]
                    cands.append((0, m.start(), m.end(), functools.partial(self._alias_span, m, [e], doc, text), e.get("country")))

        # longest match wins, then the more specific kind of match, then the earliest
        cands.sort(key=lambda c: (-(c[2] - c[1]), c[0], c[1]))
        taken = keep_disjoint(cands, lambda c: (c[1], c[2]))
        bounds = [(c[1], c[2]) for c in taken]
        where = _Localizer(doc, bounds, self.place_lookback)
        if where.inside:  # the places annotator masks actor names, but runs first
            doc.spans[:] = [sp for sp in doc.spans if not any(sp is x for x in where.inside)]
            doc.country_hint = where.hint
        if where.hint is None:
            # no place tells the country: the one most of the named actors belong to ("the
            # army" in a story about the Pakistani Taliban), for unnamed ones only
            homes = Counter(c[4] for c in taken if c[4])
            if homes:
                where.hint = homes.most_common(1)[0][0]
        spans = [sp for sp in (make(where.country(st)) for _, st, _, make, _ in taken) if sp is not None]
        return self._resolve_partisan(spans, text)

    def _alias_span(self, m: re.Match, entries: list[dict[str, Any]], doc: Doc, text: str, local: str | None) -> Span:
        return self._named_span(m, self._pick(entries, local), doc, text, local)

    def _own_nat_span(self, nm: re.Match, iso: str, doc: Doc, text: str, local: str | None) -> Span | None:
        iso = local if iso == OWN_COUNTRY else iso
        return self._nat_span(nm, iso, doc, text, local) if iso else None

    def _generic_span(self, gens, st: int, en: int, doc: Doc, text: str, local: str | None) -> Span | None:
        g = self._pick_generic(gens, local)
        attrs = self._generic_attrs(g, text[st:en], doc, local) if g is not None else None
        return Span(st, en, "ACTOR", text[st:en], attrs) if attrs is not None else None

    def _resolve_partisan(self, spans: list[Span], text: str) -> list[Span]:
        """"terrorists of Jabhat al-Nusra": the generic partisan phrase takes the name."""
        out = list(spans)
        for i, s in enumerate(out[:-1]):
            nxt = out[i + 1]
            if not (s.attrs["generic"] and s.attrs["partisan"]) or nxt.attrs["generic"]:
                continue
            if nxt.start - s.end > NAMED_NEARBY_CHARS or nxt.attrs["kind"] in ("civilian", "state"):
                continue
            if self._gap_re.match(text[s.end : nxt.start]):
                attrs = dict(nxt.attrs, partisan=True, air=s.attrs["air"] or nxt.attrs["air"])
                out[i] = Span(s.start, s.end, s.label, s.text, attrs)
        return out
