"""Stage 9 (files): write the ledger as JSONL (the SPEC record), CSV, ACLED's layout,
GeoJSON, a GeoPackage or Parquet.

``export --format acled`` writes ACLED's column names in ACLED's order, so an ACLED
workflow reads it unchanged; frontlines' own fields follow as extra columns. GeoPackage
and Parquet are binary and need a file path (``write_file``); the text formats can stream.
"""

from __future__ import annotations

import csv
import json
import os
import struct
from importlib import resources
from typing import IO, Any, Iterable

from .datafiles import load_yaml
from .errors import ExportError, MissingExtra
from .placenames import admin1_geonames

SPEC_FIELDS = [
    "event_id", "event_date", "time_precision", "event_type", "sub_event_type",
    "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2", "interaction",
    "civilian_targeting", "country", "iso3", "admin1", "admin2", "location",
    "latitude", "longitude", "geo_precision", "geonameid",
    "fatalities", "fatalities_low", "fatalities_high", "claim_status",
    "sources", "source_count", "independent_source_count", "notes", "mentions",
]  # fmt: skip
# Stage 7 (corroborate) fields beyond the SPEC record: the independent origins behind the
# sources and which report gave which fatality figure (JSONL carries them whole).
CORROBORATION_FIELDS = ["origins", "fatality_sources"]
# Names beyond the contract's: the gazetteer's (GeoNames) spelling of admin1 beside the
# OCHA/ACLED one in ``admin1`` (``frontlines.placenames``), for joins with GeoNames data.
# After the contract's and ACLED's columns, before the corrections (always last).
NAME_FIELDS = ["admin1_geonames"]
# Analysts' corrections applied to the event (``frontlines.corrections``): the field, the
# value set, the value stage 7 computed, the note and when. Last, after every other field.
CORRECTION_FIELDS = ["corrections"]


def _origins_text(ev: dict[str, Any]) -> str:
    return "; ".join(o.get("origin", "") + (" (party)" if o.get("party") else "") for o in ev.get("origins") or [])


def _fatality_sources_text(ev: dict[str, Any]) -> str:
    return "; ".join(f"{f.get('figure')} {f.get('outlet')}" + (f" via {f.get('origin')}" if f.get("origin") != f.get("outlet") else "") for f in ev.get("fatality_sources") or [])

def _corrections_text(ev: dict[str, Any]) -> str:
    """The corrections as one cell: ``field=value (computed X; note; date)`` each."""
    out = []
    for c in ev.get("corrections") or []:
        if c.get("implied_by") and c.get("field") == "notes":
            continue  # the notes column holds it
        why = f"follows {c['implied_by']}" if c.get("implied_by") else (c.get("note") or "")
        out.append(f"{c.get('field')}={_cell(c.get('value'))} (computed {_cell(c.get('computed'))}; {why}; {(c.get('at') or '')[:10]})")
    return " | ".join(out)


def _names(ev: dict[str, Any]) -> dict[str, Any]:
    """The NAME_FIELDS of an event (computed from its record)."""
    return {"admin1_geonames": admin1_geonames(ev.get("iso3"), ev.get("admin1"))}


def _cell(v: Any) -> str:
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    return "; ".join(map(str, v)) if isinstance(v, list) else str(v)


# ACLED's export columns, in ACLED's order (ACLED codebook / data export tool).
ACLED_COLUMNS = [
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type",
    "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2",
    "interaction", "civilian_targeting", "iso", "region", "country", "admin1", "admin2",
    "admin3", "location", "latitude", "longitude", "geo_precision", "source", "source_scale",
    "notes", "fatalities", "tags", "timestamp",
]  # fmt: skip
ACLED_EXTRA = [
    "fatalities_low", "fatalities_high", "claim_status", "source_count",
    "independent_source_count", "geonameid", "frontlines_event_id", "evidence",
    "independent_origins", "fatality_sources", "admin1_geonames", "corrections",
]  # fmt: skip

# ACLED's disorder types by event type (codebook 2023); two sub-events are both.
DISORDER = {
    "Battles": "Political violence",
    "Explosions/Remote violence": "Political violence",
    "Violence against civilians": "Political violence",
    "Riots": "Political violence",
    "Protests": "Demonstrations",
    "Strategic developments": "Strategic developments",
}
DISORDER_SUB = {
    "Excessive force against protesters": "Political violence; Demonstrations",
    "Mob violence": "Political violence",
    "Violent demonstration": "Political violence; Demonstrations",
}

TEXT_FORMATS = ("jsonl", "csv", "acled", "geojson")
FILE_FORMATS = ("gpkg", "parquet")  # binary: need a real file, not stdout
FORMATS = TEXT_FORMATS + FILE_FORMATS


def write(events: Iterable[dict[str, Any]], fmt: str, out: IO[str]) -> int:
    """Write events in a text format ``fmt`` to ``out``; returns the number written."""
    if fmt == "jsonl":
        return write_jsonl(events, out)
    if fmt == "csv":
        return write_csv(events, out)
    if fmt == "acled":
        return write_acled(events, out)
    if fmt == "geojson":
        return write_geojson(events, out)
    if fmt in FILE_FORMATS:
        raise ExportError(f"{fmt} is a binary format and needs a file", hint=f"give -o FILE.{fmt}")
    raise ExportError(f"unknown export format {fmt!r}", hint=f"choose one of {', '.join(FORMATS)}")


def write_file(events: Iterable[dict[str, Any]], fmt: str, path: str | os.PathLike) -> int:
    """Write events in any format ``fmt`` to the file at ``path``; returns the number written."""
    if fmt == "gpkg":
        return write_gpkg(events, path)
    if fmt == "parquet":
        return write_parquet(events, path)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        return write(events, fmt, fh)


def write_jsonl(events: Iterable[dict[str, Any]], out: IO[str]) -> int:
    n = 0
    for ev in events:
        rec = {k: ev.get(k) for k in SPEC_FIELDS}
        rec.update(_names(ev))
        rec.update({k: ev.get(k) or [] for k in CORROBORATION_FIELDS + CORRECTION_FIELDS})
        out.write(json.dumps(rec, ensure_ascii=False) + "\n")
        n += 1
    return n


def write_csv(events: Iterable[dict[str, Any]], out: IO[str]) -> int:
    cols = [c for c in SPEC_FIELDS if c != "mentions"] + ["evidence", "evidence_articles", "independent_origins", "fatality_sources"] + NAME_FIELDS + ["corrections"]
    w = csv.DictWriter(out, fieldnames=cols, lineterminator="\n")
    w.writeheader()
    n = 0
    for ev in events:
        row = {c: ev.get(c) for c in cols if c in ev}
        row["sources"] = "; ".join(ev.get("sources") or [])
        row["civilian_targeting"] = "true" if ev.get("civilian_targeting") else "false"
        ms = ev.get("mentions") or []
        row["evidence"] = " | ".join(m.get("sentence", "") for m in ms)
        row["evidence_articles"] = "; ".join(sorted({m.get("article_id", "") for m in ms}))
        row["independent_origins"] = _origins_text(ev)
        row["fatality_sources"] = _fatality_sources_text(ev)
        row["corrections"] = _corrections_text(ev)
        row.update(_names(ev))
        w.writerow(row)
        n += 1
    return n


def acled_regions() -> dict[str, str]:
    path = resources.files("frontlines") / "data" / "acled_regions.yaml"
    raw = load_yaml(path.read_text(encoding="utf-8"))
    return {iso3: region for region, codes in raw.items() for iso3 in codes}


def _iso_numeric(iso3: str | None) -> str:
    if not iso3:
        return ""
    import pycountry

    c = pycountry.countries.get(alpha_3=iso3)
    return str(int(c.numeric)) if c is not None else ""


def write_acled(events: Iterable[dict[str, Any]], out: IO[str]) -> int:
    regions = acled_regions()
    w = csv.DictWriter(out, fieldnames=ACLED_COLUMNS + ACLED_EXTRA, lineterminator="\n")
    w.writeheader()
    n = 0
    for ev in events:
        date = ev.get("event_date") or ""
        ms = ev.get("mentions") or []
        w.writerow(
            {
                "event_id_cnty": f"{ev.get('iso3') or 'XXX'}{ev['event_id']}",
                "event_date": date,
                "year": date[:4],
                "time_precision": ev.get("time_precision") or "",
                "disorder_type": DISORDER_SUB.get(ev["sub_event_type"], DISORDER.get(ev["event_type"], "")),
                "event_type": ev["event_type"],
                "sub_event_type": ev["sub_event_type"],
                "actor1": ev.get("actor1") or "",
                "assoc_actor_1": ev.get("assoc_actor_1") or "",
                "inter1": ev.get("inter1") or "",
                "actor2": ev.get("actor2") or "",
                "assoc_actor_2": ev.get("assoc_actor_2") or "",
                "inter2": ev.get("inter2") or "",
                "interaction": ev.get("interaction") or "",
                "civilian_targeting": "Civilian targeting" if ev.get("civilian_targeting") else "",
                "iso": _iso_numeric(ev.get("iso3")),
                "region": regions.get(ev.get("iso3") or "", ""),
                "country": ev.get("country") or "",
                "admin1": ev.get("admin1") or "",
                "admin2": ev.get("admin2") or "",
                "admin3": "",
                "location": ev.get("location") or "",
                "latitude": ev.get("latitude") if ev.get("latitude") is not None else "",
                "longitude": ev.get("longitude") if ev.get("longitude") is not None else "",
                "geo_precision": ev.get("geo_precision") or "",
                "source": "; ".join(ev.get("sources") or []),
                "source_scale": "",
                "notes": ev.get("notes") or "",
                "fatalities": ev.get("fatalities") or 0,
                "tags": "",
                "timestamp": "",
                "fatalities_low": ev.get("fatalities_low") or 0,
                "fatalities_high": ev.get("fatalities_high") or 0,
                "claim_status": ev.get("claim_status") or "",
                "source_count": ev.get("source_count") or 0,
                "independent_source_count": ev.get("independent_source_count") or 0,
                "geonameid": ev.get("geonameid") or "",
                "frontlines_event_id": ev["event_id"],
                "evidence": ms[0].get("sentence", "") if ms else "",
                "independent_origins": _origins_text(ev),
                "fatality_sources": _fatality_sources_text(ev),
                "corrections": _corrections_text(ev),
                **_names(ev),
            }
        )
        n += 1
    return n


# -- GeoJSON ----------------------------------------------------------------------------
def geojson_feature(event: dict[str, Any]) -> dict[str, Any]:
    """One event as a GeoJSON Point feature (RFC 7946: lon, lat) with the SPEC record as
    properties; an event without coordinates gets a null geometry rather than a fake one."""
    lat, lon = event.get("latitude"), event.get("longitude")
    geometry = {"type": "Point", "coordinates": [lon, lat]} if lat is not None and lon is not None else None
    return {
        "type": "Feature",
        "id": event.get("event_id"),
        "geometry": geometry,
        "properties": {**{k: event.get(k) for k in SPEC_FIELDS}, **_names(event), **{k: event.get(k) or [] for k in CORRECTION_FIELDS}},
    }


def write_geojson(events: Iterable[dict[str, Any]], out: IO[str]) -> int:
    """A FeatureCollection, one feature per line (streams, and diffs line by line)."""
    out.write('{"type": "FeatureCollection", "features": [\n')
    n = 0
    for ev in events:
        if n:
            out.write(",\n")
        out.write(json.dumps(geojson_feature(ev), ensure_ascii=False))
        n += 1
    out.write("\n]}\n")
    return n


# -- GeoPackage -------------------------------------------------------------------------
# Column name -> OGR kind. Lists become text ("; "-joined sources, JSON mentions) so that
# QGIS shows them; the full record stays one JSON column away.
GPKG_INT = (
    "time_precision", "inter1", "inter2", "interaction", "geo_precision", "geonameid",
    "fatalities", "fatalities_low", "fatalities_high", "source_count", "independent_source_count",
)  # fmt: skip
GPKG_FLOAT = ("latitude", "longitude")
GPKG_BOOL = ("civilian_targeting",)
GPKG_LAYER = "events"


def _wkb_point(lon: float, lat: float) -> bytes:
    return struct.pack("<BIdd", 1, 1, float(lon), float(lat))  # little-endian WKB Point


def _gpkg_value(ev: dict[str, Any], col: str) -> Any:
    if col == "sources":
        return "; ".join(ev.get("sources") or [])
    if col == "mentions":
        return json.dumps(ev.get("mentions") or [], ensure_ascii=False)
    if col == "evidence":
        ms = ev.get("mentions") or []
        return ms[0].get("sentence", "") if ms else None
    if col == "independent_origins":
        return _origins_text(ev)
    if col == "fatality_sources":
        return _fatality_sources_text(ev)
    if col == "corrections":
        return _corrections_text(ev)
    if col in NAME_FIELDS:
        return _names(ev)[col]
    return ev.get(col)


def write_gpkg(events: Iterable[dict[str, Any]], path: str | os.PathLike) -> int:
    """A GeoPackage (one Point layer ``events``, EPSG:4326) written by GDAL through pyogrio,
    so QGIS, ArcGIS and ogr2ogr open it as they open any other."""
    try:
        import numpy as np
        from pyogrio.raw import write as ogr_write
    except ImportError as exc:
        raise MissingExtra("GeoPackage export needs pyogrio", hint="pip install 'frontlines[gis]'") from exc
    rows = list(events)
    cols = [c for c in SPEC_FIELDS if c != "event_id"] + ["evidence", "independent_origins", "fatality_sources"] + NAME_FIELDS + ["corrections"]
    cols = ["event_id"] + cols
    data, masks = [], []
    for col in cols:
        values = [_gpkg_value(ev, col) for ev in rows]
        mask = np.array([v is None for v in values], dtype=bool)
        if col in GPKG_INT:
            arr = np.array([0 if v is None else int(v) for v in values], dtype=np.int64)
        elif col in GPKG_FLOAT:
            arr = np.array([np.nan if v is None else float(v) for v in values], dtype=np.float64)
        elif col in GPKG_BOOL:
            arr = np.array([bool(v) for v in values], dtype=bool)
        else:
            arr = np.array(["" if v is None else str(v) for v in values], dtype=object)
        data.append(arr)
        masks.append(mask if mask.any() else None)
    geometry = np.array(
        [
            _wkb_point(ev["longitude"], ev["latitude"])
            if ev.get("latitude") is not None and ev.get("longitude") is not None
            else None
            for ev in rows
        ],
        dtype=object,
    )
    path = os.fspath(path)
    if os.path.exists(path):
        os.remove(path)  # GDAL appends layers to an existing GeoPackage; an export replaces it
    ogr_write(
        path, geometry, data, cols, field_mask=masks, layer=GPKG_LAYER, driver="GPKG",
        geometry_type="Point", crs="EPSG:4326",
        dataset_options={"VERSION": "1.2"},  # readable by the GDAL 3.x that distributions ship
        layer_options={"FID": "fid", "IDENTIFIER": "frontlines events", "DESCRIPTION": "frontlines event ledger"},
    )  # fmt: skip
    return len(rows)


# -- Parquet ----------------------------------------------------------------------------
def parquet_schema():
    """The Arrow schema of the Parquet export: SPEC fields with native types; ``mentions``
    is a list of structs so DuckDB/pandas can unnest the evidence without parsing JSON."""
    import pyarrow as pa

    s, i64 = pa.string(), pa.int64()
    mention = pa.struct(
        [
            ("article_id", s), ("path", s), ("url", s), ("outlet", s), ("published", s),
            ("sentence", s), ("char_start", i64), ("char_end", i64), ("attributed_to", s),
            ("hedges", pa.list_(s)), ("fields", pa.map_(s, s)), ("claim", s),
            ("sub_event_type", s), ("fatalities", i64), ("extra", s),
        ]
    )  # fmt: skip
    types = {c: i64 for c in GPKG_INT}
    types.update({"latitude": pa.float64(), "longitude": pa.float64(), "civilian_targeting": pa.bool_()})
    types.update({"sources": pa.list_(s), "mentions": pa.list_(mention)})
    # stage 7's origins and fatality sources: JSON text, their shape is still growing
    return pa.schema([(c, types.get(c, s)) for c in SPEC_FIELDS + NAME_FIELDS + CORROBORATION_FIELDS + CORRECTION_FIELDS])


MENTION_KEYS = (
    "article_id", "path", "url", "outlet", "published", "sentence", "char_start", "char_end",
    "attributed_to", "hedges", "fields", "claim", "sub_event_type", "fatalities",
)  # fmt: skip


def _parquet_row(ev: dict[str, Any]) -> dict[str, Any]:
    row = {k: ev.get(k) for k in SPEC_FIELDS}
    row.update(_names(ev))
    for k in CORROBORATION_FIELDS + CORRECTION_FIELDS:
        row[k] = json.dumps(ev.get(k) or [], ensure_ascii=False, sort_keys=True)
    row["sources"] = list(ev.get("sources") or [])
    row["mentions"] = [
        {**{k: m.get(k) for k in MENTION_KEYS}, "hedges": list(m.get("hedges") or []),
         "fields": [(str(k), None if v is None else str(v)) for k, v in (m.get("fields") or {}).items()],
         # keys a later pipeline adds to a mention travel as JSON rather than being dropped
         "extra": json.dumps({k: v for k, v in m.items() if k not in MENTION_KEYS}, ensure_ascii=False, sort_keys=True)
         if set(m) - set(MENTION_KEYS) else None}
        for m in ev.get("mentions") or []
    ]  # fmt: skip
    return row


def write_parquet(events: Iterable[dict[str, Any]], path: str | os.PathLike) -> int:
    """A Parquet file (pyarrow, zstd) with the SPEC record's fields as typed columns."""
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError as exc:
        raise MissingExtra("Parquet export needs pyarrow", hint="pip install 'frontlines[gis]'") from exc
    schema = parquet_schema()
    rows = [_parquet_row(ev) for ev in events]
    table = pa.Table.from_pylist(rows, schema=schema)
    pq.write_table(table, os.fspath(path), compression="zstd")
    return len(rows)


def read_parquet(path: str | os.PathLike) -> list[dict[str, Any]]:
    """Events back from a Parquet export, as SPEC records (the inverse of write_parquet)."""
    import pyarrow.parquet as pq

    out = []
    for row in pq.read_table(os.fspath(path)).to_pylist():
        mentions = []
        for m in row.get("mentions") or []:
            extra = m.pop("extra", None)
            m["fields"] = dict(m.get("fields") or [])
            mentions.append({**m, **(json.loads(extra) if extra else {})})
        row["mentions"] = mentions
        for k in CORROBORATION_FIELDS + CORRECTION_FIELDS:
            row[k] = json.loads(row[k]) if row.get(k) else []
        out.append(row)
    return out
