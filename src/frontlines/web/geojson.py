"""GeoJSON for the API: the export's feature builder when the export module has one
(``export.geojson_feature``), else a small one of our own with the same shape."""

from __future__ import annotations

from typing import Any, Iterable


def feature(event: dict[str, Any]) -> dict[str, Any]:
    """One event as a GeoJSON Point feature (lon, lat order; null geometry when unplaced)."""
    try:
        from ..export import geojson_feature
    except ImportError:  # an older export module without GeoJSON
        geojson_feature = None
    if geojson_feature is not None and "mentions" in event:
        return geojson_feature(event)
    lat, lon = event.get("latitude"), event.get("longitude")
    return {
        "type": "Feature",
        "id": event.get("event_id"),
        "geometry": {"type": "Point", "coordinates": [lon, lat]} if lat is not None and lon is not None else None,
        "properties": dict(event),
    }


def feature_collection(events: Iterable[dict[str, Any]]) -> dict[str, Any]:
    return {"type": "FeatureCollection", "features": [feature(e) for e in events]}
