"""Geocoding (stage 6): each event mention's PLACE span to a gazetteer entry with an
ACLED geo-precision code (1 named town; 2 part of a region, a district or county, or
near/countryside/direction of a town, coded to that town; 3 a province or larger, coded
to its capital)."""

from __future__ import annotations

import dataclasses
from collections import Counter

from .annotate.docgeo import UNATTESTED_TOWN_MIN, WIDE_FEATURES, clear_country, own_named
from .gazetteer import Gazetteer
from .records import Doc, Place, Span
from .resolve.place import scene_country, scene_places

# Relations that place an event around, not in, the named town (SPEC precision 2).
_AROUND = frozenset({"near", "countryside", "outskirts", "direction"})
# Radius within which the nearest indexed town lends its admin units to a place that has
# none (imported points, regions): 50 km is about a Syrian district's width.
ADMIN_FILL_KM = 50.0


def wide_region(place: Place) -> bool:
    """A region in no single first-level unit (a continent, a sea, the Levant, Iraq's
    Kurdistan region): coded at its centroid with precision 3, like a province."""
    return place.feature == "region" and not place.admin1


def _with_admin(place: Place, gaz: Gazetteer) -> Place:
    """Fill admin1/admin2 from the nearest town when the entry lacks them (not for a
    region wider than a first-level unit: the town nearest its centre is not in it)."""
    if place.admin1 or place.feature == "admin1" or wide_region(place):
        return place
    near = gaz.nearest(place.latitude, place.longitude, place.iso3, radius_km=ADMIN_FILL_KM)
    if near is None or not near.admin1:
        return place
    return dataclasses.replace(place, admin1=near.admin1, admin2=place.admin2 or near.admin2)


def world_city(surface: str, cands: list[Place]) -> bool:
    """Whether the best candidate is a big city (``UNATTESTED_TOWN_MIN``) the surface names
    by its own name, far more populous (``CLEAR_POPULATION_RATIO``) than any namesake
    elsewhere: London, Toronto and Rome stay themselves in a story whose main country has
    a small town of that name (the document geography, which ranked them, already let a
    namesake in a unit the text attests go first)."""
    top = cands[0]
    if top.feature != "city" or top.population < UNATTESTED_TOWN_MIN:
        return False
    named = own_named(surface, cands)
    return named[0] is top and clear_country(named) == top.iso3


def resolve_place(span: Span, country_hint: str | None, gaz: Gazetteer) -> tuple[Place | None, int | None]:
    """The gazetteer entry and precision code for one PLACE span (None, None if unknown)."""
    attrs = span.attrs or {}
    cands = list(attrs.get("candidates") or [])
    if not cands:
        cands = gaz.lookup(attrs.get("head") or span.text, country_hint)
    if not cands:
        return None, None
    if country_hint and not world_city(attrs.get("head") or span.text, cands):
        cands.sort(key=lambda p: p.feature not in WIDE_FEATURES and p.iso3 != country_hint)
    top = cands[0]
    relation = attrs.get("relation")
    if relation == "province" and top.feature not in ("admin1", "country"):
        a1 = next((p for p in cands if p.feature == "admin1" and p.iso3 == top.iso3), None)
        if a1 is None and top.admin1:
            a1 = gaz.admin1_place(top.iso3, top.admin1)
        if a1 is not None:
            return _with_admin(a1, gaz), 3
    if top.feature in ("admin1", "country") or wide_region(top):
        return _with_admin(top, gaz), 3
    if top.feature in ("region", "admin2") or relation in _AROUND:
        return _with_admin(top, gaz), 2
    return _with_admin(top, gaz), 1


def _article_place(doc: Doc, gaz: Gazetteer, hint: str | None) -> tuple[Place | None, int | None]:
    """The article's most frequent resolvable place below country level in the document's
    country (a town at precision 2, a province at 3), else that country at precision 3:
    a Syrian story whose event names no place is coded to Syria, not to the Washington or
    Moscow it quotes. Datelines, seats, parties, border neighbours, origins and the ends
    of a route are left out (``resolve.place.scene_places``). With no document country,
    the most frequent place of any country."""
    counts: Counter = Counter()
    first: dict[tuple, Place] = {}
    # the reporting place, a border's other side and a route's ends are not the story's
    for sp in scene_places(list(doc.spans_of("PLACE")), doc, hint=hint):
        try:
            place, _ = resolve_place(sp, hint, gaz)
        except Exception as e:  # noqa: BLE001 - never fail the article on one place
            doc.warnings.append(f"geocode: cannot resolve {sp.text!r}: {e}")
            continue
        if place is None:
            continue
        key = (place.name, place.iso3, place.feature, place.geonameid)
        counts[key] += 1
        first.setdefault(key, place)
    if hint is not None:
        counts = Counter({k: v for k, v in counts.items() if k[1] == hint})
        if not counts:
            country = gaz.country_place(hint)
            return (country, 3) if country is not None else (None, None)
    if not counts:
        return None, None
    # ties: the earliest (insertion order); a country only when nothing narrower is named
    best = max(counts, key=lambda k: (k[2] != "country", counts[k]))
    place = first[best]
    return place, 2 if place.feature in ("city", "region", "admin2") and not wide_region(place) else 3


def geocode(doc: Doc, gaz: Gazetteer) -> None:
    """Set ``place`` and ``geo_precision`` on every mention of ``doc`` (the candidates of a
    place ranked by the country its events happen in, ``resolve.place.scene_country``)."""
    fallback: tuple[Place | None, int | None] | None = None
    hint = scene_country(doc) if doc.mentions else None
    for m in doc.mentions:
        place, precision = None, None
        if m.place_span is not None:
            try:
                place, precision = resolve_place(m.place_span, hint, gaz)
            except Exception as e:  # noqa: BLE001 - one bad place never fails the article
                doc.warnings.append(f"geocode: cannot resolve {m.place_span.text!r}: {e}")
            if place is None:
                doc.warnings.append(f"geocode: no gazetteer entry for {m.place_span.text!r}")
            elif m.place_relation is None:
                m.place_relation = (m.place_span.attrs or {}).get("relation")
        if place is None or place.feature == "country":
            # No place, or only "in Syria" (typical of headlines): the article's own focus
            # place is the better guess when it lies in the same country.
            if fallback is None:
                fallback = _article_place(doc, gaz, hint)
            alt, alt_precision = fallback
            if alt is not None and (place is None or (alt.feature != "country" and alt.iso3 == place.iso3)):
                place, precision = alt, alt_precision
                if precision is not None and m.place_span is not None:
                    precision = max(precision, 2)
        m.place, m.geo_precision = place, precision
