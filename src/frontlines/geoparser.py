"""The geoparser on its own: every place mention of a text, with its span in the text as
given, the gazetteer entry it resolves to and the runner-up candidates.

It runs the event pipeline's own place stages (clean, segment, ``annotate_places`` with
the document geography, then ``geocode.resolve_place`` and ``resolve.place.anchored``),
so the pipeline, the ``frontlines geoparse`` command and ``benchmarks/geoparse.py`` share
one code path. Offsets of a mention are offsets into the ORIGINAL text (mapped back
through clean's offset map)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import re
from collections import Counter

from .records import Article, Doc, Place, Span

# How many runner-up candidates a mention lists: enough to see the namesakes that lost
# (Paris, France / Paris, Texas), few enough to keep a JSONL line short.
MAX_CANDIDATES = 5
# GeoNames feature class and a representative code of each frontlines feature kind
# (the index keeps the kind, not the GeoNames code).
_FEATURE_CLASS = {"country": ("A", "PCLI"), "admin1": ("A", "ADM1"), "admin2": ("A", "ADM2"), "city": ("P", "PPL"), "region": ("L", "RGN")}
# "Turkish President Erdogan", "Syrian Army": capitalised words after a nationality that
# leave it a nationality (not part of a longer name such as "French Quarter").
_DEMONYM_FOLLOWERS = frozenset("president prime minister foreign defence defense army government forces troops state".split())
_NEXT_WORD = re.compile(r" ([^\W\d_]+)")
# Features that can be a story's own area for a site named inside a longer name (a town
# or a district; a province or country is too wide to place a building).
FOCUS_FEATURES = frozenset({"city", "admin2"})
ROLES = ("place", "dateline", "border", "seat", "origin", "reference", "demonym")


@functools.lru_cache(maxsize=1)
def _region_demonyms() -> tuple[dict[str, str], re.Pattern | None]:
    """Regional adjective -> region name (``place_names.yaml``), and a pattern over them."""
    from .annotate.docgeo import words_pattern
    from .placenames import region_demonyms

    table = region_demonyms()
    return table, words_pattern(table) if table else None


@dataclasses.dataclass
class PlaceMention:
    """One place named in a text: ``start``/``end`` index the text given; ``role`` is
    "place", "dateline" (the reporting place), "border" (the neighbour in "the border
    with Turkey"), "seat" (a government or office speaking: "Moscow said"), "origin"
    ("fighters from the North Caucasus"), "reference" (a point the scene borders: "crossings
    which border the outskirts of Arsal") or "demonym" ("Syrian", "European"); ``place`` the resolved entry (``place_dict``)."""

    start: int
    end: int
    text: str
    role: str = "place"
    place: dict | None = None
    geo_precision: int | None = None
    relation: str | None = None
    distance_km: float | None = None
    candidates: list[dict] = dataclasses.field(default_factory=list)

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)


def place_dict(place: Place) -> dict:
    """A gazetteer entry as plain JSON-ready fields."""
    kind = place.feature or "city"
    fclass, fcode = _FEATURE_CLASS.get(kind, ("P", "PPL"))
    return {
        "name": place.name,
        "feature": kind,
        "feature_class": getattr(place, "feature_class", None) or fclass,
        "feature_code": getattr(place, "feature_code", None) or fcode,
        "country": place.country,
        "iso3": place.iso3,
        "admin1": place.admin1,
        "admin2": place.admin2,
        "latitude": place.latitude,
        "longitude": place.longitude,
        "geonameid": place.geonameid,
        "population": place.population,
    }


def _to_clean(doc: Doc, offset: int) -> int | None:
    """The cleaned-text offset of an original offset, None when cleaning dropped it."""
    m = doc.offsets
    if not m.clean_starts:
        return offset
    for cs, os_, n in zip(m.clean_starts, m.orig_starts, m.lengths):
        if os_ <= offset <= os_ + n:
            return cs + offset - os_
    return None


def parse_published(published) -> dt.date | None:
    """A publication date given as a date or as YYYY-MM-DD (a time after it is ignored);
    anything else is ``BadDate``."""
    if published is None or isinstance(published, dt.date):
        return published.date() if isinstance(published, dt.datetime) else published
    from .errors import BadDate

    try:
        return dt.date.fromisoformat(str(published).strip()[:10])
    except ValueError as e:
        raise BadDate(f"published: not a date (YYYY-MM-DD): {published!r}", hint="give the publication date as YYYY-MM-DD") from e


class Geoparser:
    """Place mentions of texts on one gazetteer (opened on first use when not given)."""

    def __init__(self, gazetteer=None):
        self._gaz = gazetteer

    @property
    def gazetteer(self):
        if self._gaz is None:
            from .gazetteer import Gazetteer

            self._gaz = Gazetteer.open()
        return self._gaz

    # -- the pipeline's stage
    def annotate(self, doc: Doc) -> list[Span]:
        """Add the PLACE spans of a segmented Doc to ``doc.spans`` and set
        ``doc.geography`` (and ``doc.country_hint``): stage 4's place annotation."""
        from .annotate.places import annotate_places

        spans = annotate_places(doc, self.gazetteer)
        doc.spans.extend(spans)
        return spans

    def document(self, text: str, published=None, outlet: str | None = None) -> Doc:
        """The text cleaned, segmented and place-annotated, as the pipeline does it."""
        from . import clean, segment
        from .ingest import article_id

        art = Article(article_id=article_id(text), text=text, outlet=outlet, published=parse_published(published), source_format="text")
        doc = clean.clean(art)
        segment.segment(doc)
        self.annotate(doc)
        return doc

    # -- mentions
    def parse(self, text: str, published=None, outlet: str | None = None) -> list[PlaceMention]:
        """Every place mention of ``text`` (places, datelines, border neighbours, demonyms),
        in text order."""
        return self.mentions(self.document(text, published, outlet))

    def mentions(self, doc: Doc) -> list[PlaceMention]:
        """The PlaceMentions of an annotated Doc, offsets into ``doc.article.text``."""
        from .resolve.place import anchored

        places = [s for s in doc.spans if s.label == "PLACE"]
        with_cands = [s for s in places if s.attrs.get("candidates")]
        out = []
        for sp in places:
            if sp.attrs.get("candidates"):
                sp = anchored(sp, with_cands, doc.text)
            role = next((r for r in ("dateline", "border", "seat", "origin", "reference") if sp.attrs.get(r)), "place")
            out.append(self._mention(doc, sp, role))
        out += self._demonyms(doc, places)
        out.sort(key=lambda m: (m.start, m.end))
        return out

    def _mention(self, doc: Doc, sp: Span, role: str) -> PlaceMention:
        from .annotate.docgeo import WIDE_FEATURES
        from .geocode import resolve_place

        start, end = doc.offsets.to_orig(sp.start), doc.offsets.to_orig(sp.end)
        cands = sp.attrs.get("candidates") or []
        # a town the document geography ranked first keeps its place (the country hint's
        # re-sort put London, Ohio before London and Cambridge, Massachusetts before
        # Cambridge in British stories with American places); a province first yields to
        # the hint when the text gives its country no evidence ("Virginia" in an Irish
        # story), else only to a country or region ("Georgia" in a story from Baku), not
        # to a town of the hint's country (England, Arkansas)
        hint = doc.country_hint
        if cands and cands[0].feature == "city":
            hint = None
        elif cands and hint and doc.geography is not None and doc.geography.weight(cands[0].iso3) > 0:
            ranked = sorted(cands, key=lambda p: p.feature == "city" or (p.feature not in WIDE_FEATURES and p.iso3 != hint))
            sp, hint = dataclasses.replace(sp, attrs={**sp.attrs, "candidates": ranked}), None
        place, precision = resolve_place(sp, hint, self.gazetteer)
        runners = [place_dict(c) for c in cands if place is None or c != place][:MAX_CANDIDATES]
        return PlaceMention(
            start=start,
            end=end,
            text=doc.article.text[start:end],
            role=role,
            place=place_dict(place) if place is not None else None,
            geo_precision=precision,
            relation=sp.attrs.get("relation"),
            distance_km=sp.attrs.get("distance_km"),
            candidates=runners,
        )

    def _demonyms(self, doc: Doc, places: list[Span]) -> list[PlaceMention]:
        """Nationality words ("Syrian", "Turkish") as mentions of their country, and
        regional adjectives ("European", "Middle Eastern") as mentions of their region,
        outside the place spans."""
        from .annotate.docgeo import _demonyms

        table, pat = _demonyms()
        regions, rpat = _region_demonyms()
        countries = self.gazetteer.country_names()
        out = []
        text = doc.text
        for pattern, kind in ((pat, "country"), (rpat, "region")):
            for m in pattern.finditer(text) if pattern is not None else ():
                word = m.group()
                if any(s.start < m.end() and m.start() < s.end for s in places):
                    continue
                # an adjective inside a longer name ("French Quarter", "Syrian Observatory");
                # a country's own name or abbreviation stays one ("U.S. Army", "Syria Civil Defence")
                adjective = word not in countries and not word.replace(".", "").isupper()
                nxt = _NEXT_WORD.match(text, m.end())
                if adjective and nxt and nxt.group(1)[0].isupper() and nxt.group(1).lower() not in _DEMONYM_FOLLOWERS:
                    continue
                if kind == "country":
                    place = self.gazetteer.country_place(table[word])
                else:
                    place = next((p for p in self.gazetteer.lookup(regions[word]) if p.feature == "region"), None)
                start, end = doc.offsets.to_orig(m.start()), doc.offsets.to_orig(m.end())
                out.append(PlaceMention(start, end, doc.article.text[start:end], "demonym",
                                        place_dict(place) if place else None, 3 if place else None))
        return out

    # -- an arbitrary span
    def resolve(self, text: str, start: int, end: int, published=None, outlet: str | None = None) -> PlaceMention | None:
        """``text[start:end]`` resolved as a place in its context (the document's
        geography ranks the candidates); None when the gazetteer knows no such name."""
        return self.resolve_span(self.document(text, published, outlet), start, end)

    def resolve_span(self, doc: Doc, start: int, end: int) -> PlaceMention | None:
        """``resolve`` on an annotated Doc (one annotation for many spans); ``start`` and
        ``end`` index ``doc.article.text``. In order: the mention the geoparser found at
        exactly that span, or one that holds it ("Idlib countryside" for "Idlib"); a
        nationality word as its country; the span's own gazetteer candidates ranked by
        the document's geography; else a mention found inside it ("Manila" in "Manila
        Cathedral")."""
        from .annotate import docgeo
        from .annotate.places import _relation

        found = [m for m in self.mentions_cache(doc) if m.place is not None and m.start < end and start < m.end]
        exact = next((m for m in found if m.start == start and m.end == end), None)
        holding = next((m for m in found if m.start <= start and end <= m.end and m.role != "demonym"), None)
        if exact or holding:
            return exact or holding
        surface = doc.article.text[start:end].strip()
        gaz = self.gazetteer
        table, _ = docgeo._demonyms()
        iso = table.get(surface)
        country = gaz.country_place(iso) if iso else None
        regions, _ = _region_demonyms()
        if country is None and surface in regions:
            country = next((p for p in gaz.lookup(regions[surface]) if p.feature == "region"), None)
        if country is not None:
            return PlaceMention(start, end, doc.article.text[start:end], "demonym", place_dict(country), 3)
        cands = gaz.lookup(surface) if surface else []
        for variant in _variants(surface) if not cands else ():
            cands = gaz.lookup(variant)
            if cands:
                break
        if not cands:
            if found:
                # a place word inside a longer name the gazetteer lacks (a plantation, a
                # stadium, a chapel, an avenue: "Marigny Plantation", "Rogers Centre")
                # names a site in the story's own area, not the namesake the word alone is
                focus = self._focus(doc, start, end)
                if focus is not None and _stray(found[0].place, focus.place, getattr(doc, "geography", None)):
                    return dataclasses.replace(focus, start=start, end=end, text=doc.article.text[start:end], role="place")
            return found[0] if found else None
        geo = getattr(doc, "geography", None)
        if geo is not None:
            cands = docgeo.order(docgeo.prior(surface, cands), geo, surface)
        cs, ce = _to_clean(doc, start), _to_clean(doc, end)
        if cs is not None and ce is not None:
            rel, _, _, dist = _relation(doc.text, cs, ce)
        else:
            rel, _, _, dist = _relation(doc.article.text, start, end)
        sp = Span(start, end, "PLACE", surface, {"candidates": cands, "relation": rel, "head": surface, "distance_km": dist})
        return self._mention(_Identity(doc), sp, "place")

    def _focus(self, doc: Doc, start: int, end: int) -> PlaceMention | None:
        """The story's own area: its most often named town or district (outside
        ``start``..``end``; ties to the first named), None when it names none."""
        counts: Counter = Counter()
        first: dict = {}
        for m in self.mentions_cache(doc):
            p = m.place
            if m.role != "place" or p is None or p.get("feature") not in FOCUS_FEATURES or (m.start < end and start < m.end):
                continue
            key = (p.get("name"), p.get("latitude"), p.get("longitude"))
            counts[key] += 1
            first.setdefault(key, m)
        if not counts:
            return None
        best = max(counts.values())
        return next(m for k, m in first.items() if counts[k] == best)

    def mentions_cache(self, doc: Doc) -> list[PlaceMention]:
        """``mentions(doc)``, computed once per Doc."""
        key = "_geoparser_mentions"
        got = doc.__dict__.get(key)
        if got is None:
            got = doc.__dict__[key] = self.mentions(doc)
        return got


def _stray(inner: dict, focus: dict, geo) -> bool:
    """Whether ``inner``, the town a word inside a longer name resolved to, lies outside
    the story's area: a town (a province or country inside a name, "Bank of England",
    "University of Alberta", is the name's own place) in another first-level unit than
    the story's ``focus``, one the text gives no evidence for beyond this word."""
    if inner.get("feature") not in FOCUS_FEATURES:
        return False
    from .gazetteer import normalize_name

    own = normalize_name(inner.get("name") or "")
    if own and own == normalize_name(inner.get("admin1") or ""):
        return False  # the seat of a unit of its name: "Sokoto State" is that unit's area
    unit = (inner.get("iso3"), inner.get("admin1"))
    if unit == (focus.get("iso3"), focus.get("admin1")):
        return False
    evidence = (geo.admin1.get(unit) or {}) if geo is not None and unit[1] else {}
    return not any(w > 0 and s != own for s, w in evidence.items())


class _Identity:
    """A Doc view whose offsets are already original ones (for ``resolve_span``)."""

    def __init__(self, doc: Doc):
        from .records import OffsetMap

        self.article = doc.article
        self.country_hint = doc.country_hint
        self.geography = getattr(doc, "geography", None)
        self.offsets = OffsetMap.identity(len(doc.article.text))


def _variants(surface: str) -> list[str]:
    """Forms of a span to try when it has no gazetteer entry as it stands: without a
    leading "the", a possessive or trailing dots ("the Netherlands", "Syria's", "U.S.")."""
    out = []
    s = surface
    if s.lower().startswith("the "):
        s = s[4:]
        out.append(s)
    for suffix in ("'s", "’s", "."):
        if s.endswith(suffix):
            out.append(s[: -len(suffix)])
    if "." in s:
        out.append(s.replace(".", ""))
    return out


def geoparse(text: str, published=None, outlet: str | None = None, gazetteer=None) -> list[PlaceMention]:
    """Every place mention of ``text`` (``Geoparser(gazetteer).parse``)."""
    return Geoparser(gazetteer).parse(text, published=published, outlet=outlet)


__all__ = ["Geoparser", "PlaceMention", "geoparse", "place_dict"]

