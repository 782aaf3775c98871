"""Place names as analysts use them.

Two kinds of names the packaged GeoNames data does not give:

* names of places above or across first-level units (continents, regions, seas) and
  postal / AP abbreviations of first-level units, from ``data/place_names.yaml``, put in
  the gazetteer index when it is built (``add_to_index``);
* the spellings analysts' datasets use for first-level units (OCHA's and ACLED's
  "Idleb", "Rural Damascus"), from ``data/admin1_names.csv``: the ledger's ``admin1`` is
  that spelling where the crosswalk has one (``admin1_name``), the gazetteer's own stays
  available (``admin1_geonames``), and a filter accepts any of them
  (``admin1_matches``). ``location_name`` gives one spelling per place for ``location``.
"""

from __future__ import annotations

import csv
import functools
import re
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable

from .datafiles import load_yaml

if TYPE_CHECKING:  # the gazetteer imports this module while it builds
    from .records import Place

_DATA = Path(__file__).resolve().parent / "data"
PLACE_NAMES_FILE = "place_names.yaml"
ADMIN1_NAMES_FILE = "admin1_names.csv"

# Marks of the BGN/PCGN romanisation GeoNames uses for Arabic, Persian and Pashto names
# (macron, dot below, breve below, line below): a name with one of them, or with an ayn or
# hamza sign, is written without them in ``location`` ("Ḩamāh" -> "Hamah"), cedillas and
# commas below included ("Ţarţūs" -> "Tartus"). Other accents (é, ü, ñ) are kept.
_ROMANISATION_MARKS = frozenset("\u0304\u0323\u032e\u0331")
_CEDILLAS = frozenset("\u0327\u0326")
_AYN_HAMZA = "‘’ʿʾʻʼ`´"


def _data_file(name: str) -> Path:
    return _DATA / name


@functools.lru_cache(maxsize=1)
def place_names() -> dict[str, Any]:
    """The parsed ``place_names.yaml`` (regions, abbreviations), read once per process."""
    from .errors import GazetteerError

    path = _data_file(PLACE_NAMES_FILE)
    try:
        return load_yaml(path.read_text(encoding="utf-8")) or {}
    except Exception as e:  # noqa: BLE001 - any unreadable data file is the same error
        raise GazetteerError(f"cannot read {path}: {e}") from e


def abbreviations() -> dict[str, tuple[str, str]]:
    """Every abbreviation of ``place_names.yaml`` (with its period) -> (iso3, admin1), also
    those the index leaves out because they are English words without the period."""
    return {a: (e["country"], e["admin1"]) for e in place_names().get("abbreviations") or [] for a in e.get("aliases") or []}


def dotted_abbreviations() -> dict[str, tuple[str, str, bool]]:
    """Abbreviations written with a period ("W.Va.", "Ky.", "Ill.") -> (iso3, admin1,
    is an English word without the period): the place annotator reads them as one token,
    which the index (where punctuation is lost) cannot."""
    return {a: (e["country"], e["admin1"], bool(e.get("word")))
            for e in place_names().get("abbreviations") or [] for a in e.get("aliases") or [] if "." in a}


def region_demonyms() -> dict[str, str]:
    """Adjective -> region name from ``place_names.yaml`` ("European" -> "Europe")."""
    return {d: e["name"] for e in place_names().get("regions") or [] for d in e.get("demonyms") or []}


def add_to_index(b: Any, countries: dict, a1pid: dict[tuple[str, str], int]) -> None:
    """Put the regions and abbreviations of ``place_names.yaml`` into the index being
    built (``b`` is the gazetteer's builder). A region gets feature "region" and no
    admin units beyond those the file gives; its prominence is its population."""
    from .errors import GazetteerError
    from .gazetteer import TIER_ALIAS, TIER_NAME

    data = place_names()
    by_iso3 = {v["iso3"]: (cc, v) for cc, v in countries.items()}
    for e in data.get("regions") or []:
        iso3 = e.get("country")
        cc, ct = by_iso3.get(iso3, (None, None)) if iso3 else (None, None)
        if iso3 and ct is None:
            raise GazetteerError(f"{PLACE_NAMES_FILE}: unknown country {iso3!r} for {e['name']!r}")
        if e.get("admin1") and (iso3, e["admin1"]) not in a1pid:
            raise GazetteerError(f"{PLACE_NAMES_FILE}: no admin1 {e['admin1']!r} in {iso3}")
        pid = b.add_place({"name": e["name"], "geonameid": e.get("geonameid"), "lat": float(e["lat"]), "lon": float(e["lon"]), "cc": cc, "iso3": iso3,
                           "country": ct["name"] if ct else None, "admin1": e.get("admin1"), "feature": "region",
                           "population": int(e.get("prominence") or 0), "source": "place_names"})
        b.add_name(e["name"], pid, TIER_NAME)
        for a in e.get("aliases") or []:
            b.add_name(a, pid, TIER_NAME)
    for e in data.get("abbreviations") or []:
        pid = a1pid.get((e["country"], e["admin1"]))
        if pid is None:
            raise GazetteerError(f"{PLACE_NAMES_FILE}: no admin1 {e['admin1']!r} in {e['country']}")
        if e.get("word"):
            continue  # without its period it is an English word ("Mass", "Miss")
        for a in e.get("aliases") or []:
            b.add_name(a, pid, TIER_ALIAS)


# --------------------------------------------------------------------------- admin1 names


@functools.lru_cache(maxsize=1)
def _crosswalk() -> tuple[dict[tuple[str, str], str], dict[tuple[str, str], str]]:
    """(iso3, GeoNames admin1) -> export name, and (iso3, export name) -> GeoNames admin1."""
    from .errors import GazetteerError

    path = _data_file(ADMIN1_NAMES_FILE)
    try:
        lines = [ln for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip() and not ln.startswith("#")]
    except OSError as e:
        raise GazetteerError(f"cannot read {path}: {e}") from e
    out, back = {}, {}
    for row in csv.DictReader(lines):
        key = (row["iso3"].strip(), row["geonames_admin1"].strip())
        out[key] = row["export_name"].strip()
        back[(key[0], out[key])] = key[1]
    return out, back


def admin1_name(iso3: str | None, admin1: str | None) -> str | None:
    """The ledger's spelling of a first-level unit: the crosswalk's (OCHA/ACLED) where it
    has one, else the gazetteer's."""
    if not admin1:
        return admin1
    return _crosswalk()[0].get((iso3 or "", admin1), admin1)


def admin1_geonames(iso3: str | None, admin1: str | None) -> str | None:
    """The gazetteer's (GeoNames) spelling of a ledger admin1 (the inverse of
    ``admin1_name``; a name the crosswalk does not know is returned as it is)."""
    if not admin1:
        return admin1
    return _crosswalk()[1].get((iso3 or "", admin1), admin1)


@functools.lru_cache(maxsize=1)
def _spelling_families() -> dict[str, frozenset[str]]:
    """Normalised spelling -> the normalised spellings of the same unit: the crosswalk's
    names and the admin1 aliases of ``place_aliases.yaml`` ("Idlib", "Idleb", "Edlib")."""
    from .gazetteer import normalize_name

    groups: dict[tuple[str, str], set[str]] = {}
    for (iso3, gn), name in _crosswalk()[0].items():
        groups.setdefault((iso3, gn), set()).update({normalize_name(gn), normalize_name(name)})
    aliases = load_yaml((_DATA / "place_aliases.yaml").read_text(encoding="utf-8")) or {}
    for e in aliases.get("admin1") or []:
        key = (e["country"], e["admin1"])
        groups.setdefault(key, {normalize_name(e["admin1"])}).update(normalize_name(a) for a in e.get("aliases") or [])
    out: dict[str, set[str]] = {}
    for names in groups.values():
        for n in names:
            out.setdefault(n, set()).update(names)
    return {k: frozenset(v) for k, v in out.items()}


def admin1_matches(where: str, names: Iterable[str]) -> list[str]:
    """The names among ``names`` (a ledger's admin1 values) that ``where`` spells: the same
    name in any case or accents, or another spelling of the same unit (OCHA's, GeoNames',
    a curated alias). "Idlib", "idleb" and "Idleb" all find "Idleb"."""
    from .gazetteer import normalize_name

    want = normalize_name(where)
    if not want:
        return []
    family = _spelling_families().get(want, frozenset({want}))
    return [n for n in names if normalize_name(n) in family]


# --------------------------------------------------------------------------- location


def fold_romanisation(name: str) -> str:
    """``name`` without the marks of BGN/PCGN romanisation, when it has them ("Ma‘arrat
    an Nu‘mān" -> "Ma'arrat an Nu'man", "‘Uqayribāt" -> "Uqayribat"); any other name as it is."""
    if name.isascii():
        return name
    decomposed = unicodedata.normalize("NFD", name)
    if not (_ROMANISATION_MARKS & set(decomposed) or any(c in name for c in _AYN_HAMZA)):
        return name
    out = "".join(c for c in decomposed if c not in _ROMANISATION_MARKS and c not in _CEDILLAS)
    out = re.sub(f"[{_AYN_HAMZA}]", "'", unicodedata.normalize("NFC", out))
    return re.sub(r"(?:(?<=^)|(?<=[\s\-]))'", "", out)  # a word-initial ayn: "'Uqayribat" -> "Uqayribat"


def location_name(place: "Place") -> str:
    """The one spelling ``location`` gives a place: a first-level unit as the ledger's
    admin1 spells it; a unit's capital that bears the unit's name as the unit
    ("Ḩamāh" -> "Hama", "Dar‘ā" -> "Dar'a", as OCHA's list of admin capitals writes
    them); any other place by its gazetteer name, romanisation marks folded."""
    from .gazetteer import skeleton_key

    if place.feature == "admin1":
        return admin1_name(place.iso3, place.admin1 or place.name) or place.name
    if place.admin1 and place.feature == "city":
        export = _crosswalk()[0].get((place.iso3 or "", place.admin1))
        if export is not None and skeleton_key(place.name) == skeleton_key(place.admin1):
            return export
    return fold_romanisation(place.name)
