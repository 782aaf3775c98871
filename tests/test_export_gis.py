"""GIS exports as their users open them: GeoJSON (structure), a GeoPackage read by GDAL's
own ``ogrinfo`` (Debian gdal-bin), Parquet read back by pyarrow; binary formats refuse stdout."""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess

import pytest
from click.testing import CliRunner

from frontlines import export
from frontlines.cli import main
from frontlines.pipeline import run
from frontlines.store import Store

REPORT = """Regime warplanes kill five in Idlib countryside

Syrian government warplanes bombed the town of Saraqib in Idlib province on Tuesday, killing
five civilians, the Syrian Observatory for Human Rights said. Activists posted a video; a
reader wrote <script>alert("x")</script> below it.

Separately, ISIS militants attacked an army checkpoint near Palmyra on Wednesday, killing
three soldiers, state media reported.
"""


@pytest.fixture(scope="module")
def store_db(gazetteer, tmp_path_factory):
    """A small real store: one article through the real pipeline, plus an event without
    coordinates (geocoding can leave one unresolved) to check null geometries."""
    d = tmp_path_factory.mktemp("gis")
    (d / "a.txt").write_text(REPORT, encoding="utf-8")
    db = d / "f.db"
    run([str(d / "a.txt")], db, workers=1)
    with Store(db) as store:
        n = store.counts()["events"]
        store.conn.execute(
            "INSERT INTO events (event_id, event_type, sub_event_type, civilian_targeting, fatalities, "
            "fatalities_low, fatalities_high, claim_status, sources, source_count, independent_source_count, notes, mentions, corroborated) "
            "VALUES ('nogeo0000000000', 'Battles', 'Armed clash', 0, 2, 2, 4, 'claimed', '[\"X\"]', 1, 1, 'no place', '[]', 1)"
        )
        store.conn.commit()
    assert n >= 1
    return db


def events_of(db):
    with Store(db) as store:
        return list(store.events())


def test_geojson_is_a_feature_collection_of_points(store_db):
    evs = events_of(store_db)
    buf = io.StringIO()
    assert export.write(evs, "geojson", buf) == len(evs)
    fc = json.loads(buf.getvalue())
    assert fc["type"] == "FeatureCollection" and len(fc["features"]) == len(evs)
    for ev, feat in zip(evs, fc["features"]):
        assert feat["type"] == "Feature" and feat["id"] == ev["event_id"]
        assert list(feat["properties"]) == export.SPEC_FIELDS + export.NAME_FIELDS + export.CORRECTION_FIELDS
        if ev["latitude"] is None:
            assert feat["geometry"] is None
        else:  # RFC 7946 order: longitude first
            assert feat["geometry"] == {"type": "Point", "coordinates": [ev["longitude"], ev["latitude"]]}
    assert export.geojson_feature(evs[0]) == fc["features"][0]


def test_empty_geojson_is_valid(tmp_path):
    buf = io.StringIO()
    assert export.write([], "geojson", buf) == 0
    assert json.loads(buf.getvalue()) == {"type": "FeatureCollection", "features": []}


@pytest.mark.skipif(shutil.which("ogrinfo") is None, reason="ogrinfo (Debian gdal-bin) not installed")
def test_ogrinfo_reads_the_geopackage(store_db, tmp_path):
    evs = events_of(store_db)
    out = tmp_path / "events.gpkg"
    r = CliRunner().invoke(main, ["export", "--db", str(store_db), "--format", "gpkg", "-o", str(out)], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    info = subprocess.run(["ogrinfo", "-ro", "-so", "-al", str(out)], capture_output=True, text=True, check=True).stdout
    assert "using driver `GPKG' successful" in info or "GPKG" in info
    assert re.search(r"Geometry: Point", info)
    assert re.search(rf"Feature Count: {len(evs)}\b", info)
    assert "ID[\"EPSG\",4326]" in info or "WGS 84" in info
    fields = dict(re.findall(r"^(\w+): (\w+)", info, flags=re.M))
    for name in ("event_id", "event_date", "event_type", "sub_event_type", "actor1", "admin1", "location", "notes", "claim_status", "sources", "mentions", "evidence", "independent_origins", "fatality_sources"):
        assert fields.get(name) == "String", (name, fields.get(name))
    for name in ("fatalities", "fatalities_low", "fatalities_high", "geo_precision", "inter1", "source_count"):
        assert fields.get(name, "").startswith("Integer"), name
    assert fields["latitude"] == "Real" and fields["longitude"] == "Real"
    # the attribute values survive: one feature read back in full
    ev = next(e for e in evs if e["latitude"] is not None)
    feat = subprocess.run(
        ["ogrinfo", "-ro", "-q", str(out), "events", "-where", f"event_id = '{ev['event_id']}'"],
        capture_output=True, text=True, check=True,
    ).stdout
    assert f"sub_event_type (String) = {ev['sub_event_type']}" in feat
    assert f"fatalities (Integer64) = {ev['fatalities']}" in feat
    lon, lat = map(float, re.search(r"POINT \(([-\d.]+) ([-\d.]+)\)", feat).groups())
    assert (lon, lat) == pytest.approx((ev["longitude"], ev["latitude"]), abs=1e-9)
    # the event with no place has an empty geometry, not a fake (0, 0)
    nogeo = subprocess.run(
        ["ogrinfo", "-ro", "-q", str(out), "events", "-where", "event_id = 'nogeo0000000000'"],
        capture_output=True, text=True, check=True,
    ).stdout
    assert "POINT" not in nogeo and "fatalities_high (Integer64) = 4" in nogeo
    # exporting again replaces the file rather than adding a second layer or duplicate rows
    CliRunner().invoke(main, ["export", "--db", str(store_db), "--format", "gpkg", "-o", str(out)], catch_exceptions=False)
    again = subprocess.run(["ogrinfo", "-ro", "-so", "-al", str(out)], capture_output=True, text=True, check=True).stdout
    assert re.search(rf"Feature Count: {len(evs)}\b", again) and again.count("Layer name:") == 1


def test_parquet_round_trip(store_db, tmp_path):
    evs = events_of(store_db)
    evs[0]["mentions"][0]["added_later"] = {"k": [1, 2]}  # a key a later stage may add
    out = tmp_path / "events.parquet"
    assert export.write_file(evs, "parquet", out) == len(evs)
    back = export.read_parquet(out)

    def norm(ev):  # absent and null mention keys are the same thing
        return {**ev, "mentions": [{k: v for k, v in m.items() if v is not None} for m in ev["mentions"]]}

    assert [norm({k: e.get(k) for k in export.SPEC_FIELDS}) for e in evs] == [norm({k: b[k] for k in export.SPEC_FIELDS}) for b in back]
    # stage 7's fields travel too
    assert [{k: e.get(k) or [] for k in export.CORROBORATION_FIELDS} for e in evs] == [{k: b[k] for k in export.CORROBORATION_FIELDS} for b in back]
    assert any(b["origins"] for b in back)
    import pyarrow.parquet as pq

    schema = pq.read_schema(out)
    assert str(schema.field("fatalities").type) == "int64"
    assert str(schema.field("mentions").type).startswith("list<")


@pytest.mark.parametrize("fmt", ["gpkg", "parquet"])
def test_binary_formats_need_a_file(store_db, fmt):
    r = CliRunner().invoke(main, ["export", "--db", str(store_db), "--format", fmt])
    assert r.exit_code == 2
    assert "-o FILE" in r.output


def test_cli_geojson_to_stdout(store_db):
    r = CliRunner().invoke(main, ["export", "--db", str(store_db), "--format", "geojson"], catch_exceptions=False)
    assert r.exit_code == 0
    assert json.loads(r.stdout)["type"] == "FeatureCollection"
