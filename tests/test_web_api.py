"""The web API (``frontlines serve``) against a real ledger built from examples/ plus a
hostile article, served by uvicorn on a free port: every filter is checked against the same
filter computed in Python over ``Store.events()``; the OpenAPI description is validated and
the responses are checked against the schemas it declares."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import shutil
import sqlite3
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[1]

HOSTILE = """Gunmen kill three civilians at checkpoint near Saraqib <script>window.__pwned = 1</script>

Idlib, Tue 05 Jul 2016 (Northern Monitor) - Unidentified gunmen killed three civilians at a checkpoint near Saraqib on Monday <script>window.__pwned = 1; document.title = "pwned"</script> according to local activists.

The checkpoint on the road to Maarat al-Numan had been set up last week. <img src=x onerror="window.__pwned = 2"> Residents said the attackers fled east.

Share this: Facebook Twitter
"""


# a village-level import (name, lat, lon, admin1, admin2, country) so that some events carry
# an admin2 district: the packaged cities500 gazetteer names provinces only
VILLAGES = """name,lat,lon,admin1,admin2,country
Mulai,11.905,13.096,Borno,Konduga,Nigeria
"""


def build_ledger(tmp: Path, gazetteer=None) -> Path:
    """examples/ plus one scraped page carrying <script>, run through the real pipeline
    (with ``gazetteer``, a copy of it that also knows the villages above)."""
    import frontlines

    hostile = tmp / "hostile"
    hostile.mkdir()
    (hostile / "checkpoint_attack_script.txt").write_text(HOSTILE, encoding="utf-8")
    options = None
    if gazetteer is not None:
        from frontlines.gazetteer import Gazetteer

        copy = tmp / "gazetteer.sqlite"
        shutil.copyfile(gazetteer.path, copy)
        (tmp / "villages.csv").write_text(VILLAGES, encoding="utf-8")
        gz = Gazetteer.open(copy)
        try:
            gz.import_file(tmp / "villages.csv")
        finally:
            gz.close()
        options = frontlines.Options(gazetteer_path=copy)
    db = tmp / "ledger.db"
    frontlines.run([str(ROOT / "examples"), str(hostile)], db=str(db), workers=1, options=options)
    return db


@pytest.fixture(scope="module")
def ledger(gazetteer, tmp_path_factory) -> Path:
    return build_ledger(tmp_path_factory.mktemp("web_api"), gazetteer)


@pytest.fixture(scope="module")
def all_events(ledger) -> list[dict]:
    from frontlines.store import Store

    with Store(ledger) as store:
        return list(store.events())


@pytest.fixture(scope="module")
def api(ledger):
    from frontlines.web import running

    with running(ledger) as base, httpx.Client(base_url=base, timeout=30) as client:
        yield client


def ids(resp: httpx.Response) -> set[str]:
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert body["total"] == len(body["events"]), "a test page must hold every match"
    return {e["event_id"] for e in body["events"]}


def expect(events, pred) -> set[str]:
    return {e["event_id"] for e in events if pred(e)}


def get(api, **params) -> httpx.Response:
    return api.get("/api/events", params={"limit": 1000, **params})


def test_ledger_is_big_enough_to_test_filters(all_events):
    assert len(all_events) >= 40
    assert len({e["event_type"] for e in all_events}) >= 5
    assert len({e["admin1"] for e in all_events}) >= 5


def test_no_filter_returns_everything(api, all_events):
    assert ids(get(api)) == {e["event_id"] for e in all_events}


def test_date_range(api, all_events):
    got = ids(get(api, since="2017-04-01", until="2017-06-30"))
    want = expect(all_events, lambda e: e["event_date"] and "2017-04-01" <= e["event_date"] <= "2017-06-30")
    assert got == want and 0 < len(want) < len(all_events)
    assert ids(get(api, since="2017-08-01")) == expect(all_events, lambda e: e["event_date"] and e["event_date"] >= "2017-08-01")


def test_event_type_and_sub_type(api, all_events):
    assert ids(get(api, event_type="Protests")) == expect(all_events, lambda e: e["event_type"] == "Protests")
    both = ids(api.get("/api/events", params=[("event_type", "Protests"), ("event_type", "Battles"), ("limit", 1000)]))
    assert both == expect(all_events, lambda e: e["event_type"] in ("Protests", "Battles"))
    sub = ids(get(api, sub_event_type="Air/drone strike"))
    assert sub == expect(all_events, lambda e: e["sub_event_type"] == "Air/drone strike") and sub


def test_admin1_and_admin2(api, all_events):
    want = expect(all_events, lambda e: (e["admin1"] or "").lower() == "idleb")  # OCHA's spelling
    assert want and ids(get(api, admin1="Idleb")) == want
    assert ids(get(api, admin1="idleb")) == want, "province names match case-insensitively"
    assert ids(get(api, admin1="Idlib")) == want, "and in any spelling of the governorate (GeoNames')"
    admin2 = next((e["admin2"] for e in all_events if e["admin2"]), None)
    assert admin2 == "Konduga", "the imported village gives one event its district"
    assert ids(get(api, admin2=admin2)) == expect(all_events, lambda e: e["admin2"] == admin2)


def test_actor(api, all_events):
    def has(e, part):
        return any(part.lower() in (e[k] or "").lower() for k in ("actor1", "actor2", "assoc_actor_1", "assoc_actor_2"))

    for part in ("Islamic State", "Military Forces of Syria", "civilians"):
        want = expect(all_events, lambda e: has(e, part))
        assert want and ids(get(api, actor=part)) == want, part
    assert ids(get(api, actor="100%_no_such")) == set()


def test_claim_status(api, all_events):
    for status in ("reported", "claimed", "disputed"):
        want = expect(all_events, lambda e: e["claim_status"] == status)
        assert want and ids(get(api, claim_status=status)) == want
    assert get(api, claim_status="rumoured").status_code == 422


def test_min_fatalities(api, all_events):
    want = expect(all_events, lambda e: (e["fatalities"] or 0) >= 12)
    assert want and ids(get(api, min_fatalities=12)) == want
    assert get(api, min_fatalities=-1).status_code == 422


def test_bbox(api, all_events):
    box = (35.5, 34.0, 38.0, 36.5)  # north-west Syria: Idlib, Hama, Aleppo

    def inside(e):
        return e["latitude"] is not None and box[1] <= e["latitude"] <= box[3] and box[0] <= e["longitude"] <= box[2]

    want = expect(all_events, inside)
    assert 0 < len(want) < len(all_events)
    assert ids(get(api, bbox=",".join(map(str, box)))) == want
    assert get(api, bbox="1,2,3").status_code == 422
    assert get(api, bbox="0,95,1,96").status_code == 422


def test_free_text(api, all_events):
    got = ids(get(api, q="Saraqib"))
    assert got == expect(all_events, lambda e: "saraqib" in json.dumps(e, ensure_ascii=False).lower())
    # every word must match, anywhere in notes, place, actors, sources or evidence
    both = ids(get(api, q="nerve agent"))
    assert both and both == expect(all_events, lambda e: all(w in json.dumps(e["mentions"]).lower() for w in ("nerve", "agent")))
    assert ids(get(api, q="zzzunmatched")) == set()


def test_filters_combine(api, all_events):
    got = ids(get(api, event_type="Explosions/Remote violence", admin1="Idlib", min_fatalities=1))
    want = expect(all_events, lambda e: e["event_type"] == "Explosions/Remote violence" and e["admin1"] == "Idleb" and e["fatalities"] >= 1)
    assert want and got == want


def test_paging_and_sorting(api, all_events):
    first = api.get("/api/events", params={"limit": 10, "sort": "-fatalities"}).json()
    assert first["total"] == len(all_events) and len(first["events"]) == 10
    tolls = [e["fatalities"] for e in first["events"]]
    assert tolls == sorted(tolls, reverse=True) and tolls[0] == max(e["fatalities"] for e in all_events)
    seen = []
    for offset in range(0, len(all_events), 10):
        page = api.get("/api/events", params={"limit": 10, "offset": offset, "sort": "event_date"}).json()
        assert page["total"] == len(all_events)
        seen += page["events"]
    assert [e["event_id"] for e in seen] == sorted(
        (e["event_id"] for e in all_events), key=lambda i: next((e["event_date"] is None, e["event_date"] or "", i) for e in all_events if e["event_id"] == i)
    )
    by_place = [e["location"] for e in api.get("/api/events", params={"limit": 1000, "sort": "location"}).json()["events"]]
    assert by_place == sorted(by_place, key=lambda x: (x is not None, x or ""))  # SQL sorts NULL first
    assert api.get("/api/events", params={"sort": "password"}).status_code == 422
    assert api.get("/api/events", params={"limit": 0}).status_code == 422
    assert "mentions" not in first["events"][0] or first["events"][0]["mentions"] is None
    assert api.get("/api/events", params={"limit": 1, "mentions": True}).json()["events"][0]["mentions"]


def test_one_event_with_evidence(api, all_events):
    ev = max(all_events, key=lambda e: e["fatalities"])
    body = api.get(f"/api/events/{ev['event_id']}").json()
    assert body["event_id"] == ev["event_id"] and body["fatalities"] == ev["fatalities"]
    assert body["mentions"] and body["mentions"][0]["sentence"] == ev["mentions"][0]["sentence"]
    assert isinstance(body["history"], list) and isinstance(body["reports"], list)
    assert {a["article_id"] for a in body["articles"]} == {m["article_id"] for m in ev["mentions"]}
    assert body["claim_reasons"] and "source" in body["claim_reasons"][0]
    assert api.get("/api/events/nope").status_code == 404


def test_event_uses_corroboration_tables_when_present(ledger, all_events, tmp_path):
    """With the corroboration tables (``mentions`` of article-level reports, ``event_history``
    of field changes) the event carries its reports and history; the store's own tables are
    used when it has them, otherwise they are made here in the same shape."""
    from frontlines.web import running

    db = tmp_path / "corroborated.db"
    shutil.copy(ledger, db)
    ev = all_events[0]
    with sqlite3.connect(db) as conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if "mentions" not in tables:
            conn.execute("CREATE TABLE mentions (mention_id TEXT PRIMARY KEY, event_id TEXT, article_id TEXT, published TEXT, record TEXT)")
        if "event_history" not in tables:
            conn.execute("CREATE TABLE event_history (event_id TEXT, article_id TEXT, field TEXT, old_value TEXT, new_value TEXT, changed_at TEXT)")
        conn.execute("DELETE FROM mentions WHERE event_id=?", (ev["event_id"],))
        conn.execute("DELETE FROM event_history WHERE event_id=?", (ev["event_id"],))
        record = json.dumps({"event_type": ev["event_type"], "location": "Wire-copy place", "fatalities": 4})
        conn.execute("INSERT INTO mentions (mention_id, event_id, article_id, published, record) VALUES (?,?,?,?,?)", ("r1", ev["event_id"], ev["mentions"][0]["article_id"], "2020-01-01", record))
        conn.execute(
            "INSERT INTO event_history (event_id, article_id, field, old_value, new_value, changed_at) VALUES (?,?,?,?,?,?)",
            (ev["event_id"], ev["mentions"][0]["article_id"], "fatalities", "2", "4", "2024-01-02T00:00:00"),
        )
    with running(db) as base:
        body = httpx.get(f"{base}/api/events/{ev['event_id']}").json()
    assert [m["sentence"] for m in body["mentions"]] == [m["sentence"] for m in ev["mentions"]]
    assert len(body["reports"]) == 1 and body["reports"][0]["location"] == "Wire-copy place" and body["reports"][0]["fatalities"] == 4
    assert [(h["field"], h["old_value"], h["new_value"]) for h in body["history"]] == [("fatalities", "2", "4")]


def test_articles_and_sources(api, all_events):
    page = api.get("/api/articles").json()
    assert page["total"] == len(page["articles"]) >= 14
    hostile = api.get("/api/articles", params={"q": "checkpoint near Saraqib"}).json()["articles"]
    assert len(hostile) == 1
    art = api.get(f"/api/articles/{hostile[0]['article_id']}").json()
    assert "<script>window.__pwned" in art["text"], "the API returns text as it is; the page escapes it"
    assert api.get("/api/articles/nope").status_code == 404
    outlet = page["articles"][0]["outlet"]
    assert all(a["outlet"] == outlet for a in api.get("/api/articles", params={"outlet": outlet}).json()["articles"])
    sources = api.get("/api/sources").json()
    assert sum(s["articles"] for s in sources) == page["total"]
    cited = {s["outlet"]: s["events"] for s in sources}
    for outlet in {o for e in all_events for o in e["sources"]}:
        assert cited[outlet] == sum(1 for e in all_events if outlet in e["sources"]), outlet


def test_summary_counts(api, all_events):
    s = api.get("/api/summary").json()
    assert s["total"] == len(all_events)
    assert s["fatalities"] == sum(e["fatalities"] for e in all_events)
    assert sum(d["events"] for d in s["by_date"]) == sum(1 for e in all_events if e["event_date"])
    assert {c["value"]: c["events"] for c in s["by_event_type"]} == {
        t: sum(1 for e in all_events if e["event_type"] == t) for t in {e["event_type"] for e in all_events}
    }
    month = api.get("/api/summary", params={"bucket": "month", "admin1": "Idlib"}).json()
    assert month["bucket"] == "month" and all(d["date"].endswith("-01") for d in month["by_date"])
    assert month["total"] == sum(1 for e in all_events if e["admin1"] == "Idleb")
    week = api.get("/api/summary", params={"bucket": "week"}).json()
    import datetime as dt

    assert all(dt.date.fromisoformat(d["date"]).weekday() == 0 for d in week["by_date"])
    facets = api.get("/api/facets").json()
    assert set(facets["event_types"]) == {e["event_type"] for e in all_events}
    assert "Idleb" in facets["admin1"] and facets["claim_statuses"]


def test_csv_download(api, all_events):
    r = api.get("/api/events.csv", params={"event_type": "Battles"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert "attachment" in r.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert {row["event_id"] for row in rows} == expect(all_events, lambda e: e["event_type"] == "Battles")
    assert all(row["evidence"] for row in rows)


def test_geojson_download(api, all_events):
    r = api.get("/api/events.geojson", params={"admin1": "Idlib", "download": True})
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/geo+json")
    fc = r.json()
    idlib = [e for e in all_events if e["admin1"] == "Idleb"]
    assert fc["type"] == "FeatureCollection" and len(fc["features"]) == len(idlib)
    f = next(f for f in fc["features"] if f["id"] == idlib[0]["event_id"])
    assert f["geometry"]["coordinates"] == [idlib[0]["longitude"], idlib[0]["latitude"]]  # lon, lat
    assert f["properties"]["mentions"], "the full download carries the evidence"
    compact = api.get("/api/events.geojson", params={"compact": True}).json()
    assert len(compact["features"]) == len(all_events) and "mentions" not in compact["features"][0]["properties"]


def test_read_only(ledger, api):
    before = hashlib.sha256(ledger.read_bytes()).hexdigest()
    for method in ("post", "put", "delete", "patch"):
        assert getattr(api, method)("/api/events").status_code == 405
    api.get("/api/events", params={"q": "x'); DROP TABLE events; --"})
    assert api.get("/api/events").json()["total"] > 0
    assert hashlib.sha256(ledger.read_bytes()).hexdigest() == before
    headers = api.get("/").headers
    assert "script-src 'self'" in headers["content-security-policy"]


def test_missing_ledger_is_a_friendly_error(tmp_path):
    from frontlines.errors import StoreError
    from frontlines.web import create_app

    with pytest.raises(StoreError, match="no ledger"):
        create_app(tmp_path / "absent.db")


def test_serve_command_refuses_missing_ledger(tmp_path):
    from click.testing import CliRunner

    from frontlines.cli import main

    result = CliRunner().invoke(main, ["serve", "--db", str(tmp_path / "absent.db")])
    assert result.exit_code == 2 and "no ledger" in result.output
    help_text = CliRunner().invoke(main, ["serve", "--help"]).output
    assert "127.0.0.1" in help_text and "--port" in help_text


def test_static_assets_are_served_locally(api):
    page = api.get("/").text
    assert "unpkg" not in page and "cdn" not in page.lower()
    for path in ("/vendor/leaflet/leaflet.js", "/vendor/markercluster/leaflet.markercluster.js", "/static/app.js", "/static/basemap.geojson"):
        assert api.get(path).status_code == 200, path
    basemap = api.get("/static/basemap.geojson").json()
    layers = {f["properties"]["layer"] for f in basemap["features"]}
    assert {"country", "admin1", "coast", "land"} <= layers


# -- the OpenAPI description ---------------------------------------------------------------
@pytest.fixture(scope="module")
def openapi(api) -> dict:
    return api.get("/openapi.json").json()


def test_openapi_document_is_valid(openapi):
    from openapi_spec_validator import validate

    validate(openapi)
    assert openapi["info"]["title"] == "frontlines"


def test_openapi_documents_every_endpoint_and_filter(openapi):
    paths = openapi["paths"]
    for p in ("/api/events", "/api/events.csv", "/api/events.geojson", "/api/events/{event_id}", "/api/articles",
              "/api/articles/{article_id}", "/api/sources", "/api/summary", "/api/facets", "/api/config"):  # fmt: skip
        assert set(paths[p]) == {"get"}, f"{p} is read-only"
    params = {p["name"] for p in paths["/api/events"]["get"]["parameters"]}
    assert params >= {"since", "until", "event_type", "sub_event_type", "admin1", "admin2", "actor", "claim_status",
                      "min_fatalities", "bbox", "q", "sort", "limit", "offset"}  # fmt: skip
    for p in ("/api/events.csv", "/api/events.geojson", "/api/summary"):
        assert {"since", "bbox", "q"} <= {x["name"] for x in paths[p]["get"]["parameters"]}
    assert "text/csv" in paths["/api/events.csv"]["get"]["responses"]["200"]["content"]
    assert all(x.get("description") for x in paths["/api/events"]["get"]["parameters"] if x["name"] not in ("limit", "offset"))


def test_responses_match_the_openapi_schemas(api, openapi, all_events):
    """Each JSON answer validates against the schema the description declares for it."""
    from jsonschema import Draft202012Validator
    from referencing import Registry, Resource

    registry = Registry().with_resource("urn:openapi", Resource.from_contents({**openapi, "$schema": "https://json-schema.org/draft/2020-12/schema"}))

    def check(path: str, url: str) -> None:
        schema = openapi["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
        schema = json.loads(json.dumps(schema).replace('"#/components', '"urn:openapi#/components'))
        errors = list(Draft202012Validator(schema, registry=registry).iter_errors(api.get(url).json()))
        assert not errors, f"{url}: {errors[0].message}"

    check("/api/events", "/api/events?limit=1000&mentions=true")
    check("/api/events/{event_id}", f"/api/events/{all_events[0]['event_id']}")
    check("/api/articles", "/api/articles")
    check("/api/sources", "/api/sources")
    check("/api/summary", "/api/summary")
    check("/api/facets", "/api/facets")
    check("/api/config", "/api/config")


# -- the search index (store migration 5) ---------------------------------------------------
TEXT_COLUMNS = ("notes", "location", "admin1", "actor1", "actor2", "sources", "sentences")
ACTOR_COLUMNS = ("actor1", "actor2", "assoc_actor_1", "assoc_actor_2")
# partial words, other cases, one and two letters, digits, punctuation, the mentions' JSON
# keys (which q does not read), quotes and LIKE's wildcards (literal here), and words nothing holds
SEARCH_WORDS = ["Saraqib", "saraq", "RAQI", "aRaQ", "a", "Z", "ib", "17", "2017-0", "'s", '"sentence":', "al-", "%", "_",
                "100%", "nerve agent", "KILLED civilians", "zzzunmatched", "q zzzunmatched", "é"]  # fmt: skip
SEARCH_ACTORS = ["Islamic State", "islamic state (syria)", "Military Forces of Syria", "civilians", "of", "Fo", "s", ")", "zzz"]


def _fold(text) -> str:
    """ASCII-only lower case, as SQLite's LIKE compares."""
    return str(text).encode().lower().decode() if text is not None else ""


def raw_rows(db: Path) -> list[dict]:
    """Every corroborated event row as stored (JSON columns as their text; pending rows are
    never shown), with ``sentences``: the evidence sentences of its mentions, one per line."""
    with sqlite3.connect(db) as conn:
        conn.row_factory = sqlite3.Row
        rows = [dict(r) for r in conn.execute("SELECT * FROM events WHERE corroborated = 1")]
    for r in rows:
        mentions = json.loads(r["mentions"]) if r["mentions"] else []
        r["sentences"] = "\n".join(str(m["sentence"]) for m in mentions if isinstance(m, dict) and m.get("sentence") is not None)
    return rows


def text_oracle(rows: list[dict], q: str | None = None, actor: str | None = None) -> set[str]:
    """The free-text and actor filters computed in Python over the stored text."""

    def ok(r) -> bool:
        words = (q or "").split()
        if not all(any(_fold(w) in _fold(r[c]) for c in TEXT_COLUMNS) for w in words):
            return False
        return not actor or any(_fold(actor) in _fold(r[c]) for c in ACTOR_COLUMNS)

    return {r["event_id"] for r in rows if ok(r)}


def drop_search_index(db: Path) -> None:
    with sqlite3.connect(db) as conn:
        for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'events_search%'").fetchall():
            conn.execute(f"DROP TRIGGER {name}")
        conn.execute("DROP TABLE events_search_terms")
        conn.execute("DROP TABLE events_search")


def test_ledger_has_the_search_index(ledger):
    from frontlines.web import queries

    conn = queries.connect(ledger)
    try:
        assert queries.search_index_ready(conn)
        flt = queries.resolve(conn, queries.EventFilter(q="Saraqib", actor="forces"))
        assert flt.matches is not None, "the text filters are answered from the index"
    finally:
        conn.close()


def test_search_index_gives_like_results(api, ledger):
    """Every word and actor, through the index, matches what LIKE matches: any part of a
    word, ASCII case-insensitively, in the same columns."""
    rows = raw_rows(ledger)
    for q in SEARCH_WORDS:
        want = text_oracle(rows, q=q)
        assert ids(get(api, q=q)) == want, q
    for actor in SEARCH_ACTORS:
        assert ids(get(api, actor=actor)) == text_oracle(rows, actor=actor), actor
    combined = ids(get(api, q="killed", actor="forces", admin1="Idlib"))
    assert combined == {i for i in text_oracle(rows, q="killed", actor="forces") if next(r for r in rows if r["event_id"] == i)["admin1"] == "Idleb"}
    assert any(text_oracle(rows, q=w) for w in ("a", "17", "ib")), "the short words must match something"
    # q reads the evidence sentences, not the JSON around them: keys and ids match nothing
    assert ids(get(api, q='"sentence":')) == set() and ids(get(api, q="report_id")) == set()
    sentence = json.loads(rows[0]["mentions"])[0]["sentence"]
    assert rows[0]["event_id"] in ids(get(api, q=sentence.split()[-1]))


def test_search_without_index_is_the_same(ledger, tmp_path):
    """A ledger without the index (older ones) answers with LIKE, the same events."""
    from frontlines.web import running

    db = tmp_path / "no_index.db"
    shutil.copy(ledger, db)
    drop_search_index(db)
    rows = raw_rows(db)
    with running(db) as base, httpx.Client(base_url=base, timeout=30) as client:
        for q in ("Saraqib", "aRaQ", "17", "zzzunmatched"):
            assert ids(get(client, q=q)) == text_oracle(rows, q=q), q
        assert ids(get(client, actor="Islamic State")) == text_oracle(rows, actor="Islamic State")
        summary = client.get("/api/summary", params={"q": "killed"}).json()
        assert summary["total"] == len(text_oracle(rows, q="killed"))


def test_search_index_follows_writes(ledger, tmp_path):
    """Triggers keep the index in step when events are deleted, rewritten (as stage 7 does),
    updated or added; pending rows (before stage 7) are never found; an index that missed
    a write is not used."""
    from frontlines.web import queries, running

    db = tmp_path / "written.db"
    shutil.copy(ledger, db)
    with sqlite3.connect(db) as conn:
        conn.row_factory = sqlite3.Row
        first, second, third = (dict(r) for r in conn.execute("SELECT * FROM events ORDER BY event_id LIMIT 3"))
        conn.execute("DELETE FROM events WHERE event_id = ?", (first["event_id"],))
        conn.execute("DELETE FROM events WHERE event_id = ?", (second["event_id"],))
        cols = [c for c in second if c != "notes"]
        conn.execute(
            f"INSERT INTO events ({','.join(cols)}, notes) VALUES ({','.join('?' * len(cols))}, ?)", [second[c] for c in cols] + ["Rewritten Qwertyville"]
        )
        conn.execute("UPDATE events SET location = 'Updated Asdfton' WHERE event_id = ?", (third["event_id"],))
        pending = {**first, "event_id": "pending-1", "notes": "Pending Zxcvburg", "corroborated": 0}
        conn.execute(f"INSERT INTO events ({','.join(pending)}) VALUES ({','.join('?' * len(pending))})", list(pending.values()))
    rows = raw_rows(db)
    with running(db) as base, httpx.Client(base_url=base, timeout=30) as client:
        assert ids(get(client, q="qwertyville")) == {second["event_id"]}
        assert ids(get(client, q="ASDFTON")) == {third["event_id"]}
        assert ids(get(client, q="zxcvburg")) == set(), "a pending row is not an event yet"
        assert first["event_id"] not in ids(get(client, q=(first["notes"] or "").split()[0]))
        for q in ("Saraqib", "17", "killed"):
            assert ids(get(client, q=q)) == text_oracle(rows, q=q), q
    conn = queries.connect(db)
    try:
        assert queries.search_index_ready(conn)
    finally:
        conn.close()
    with sqlite3.connect(db) as conn:  # a write the triggers do not see
        conn.execute("DROP TRIGGER events_search_insert")
        conn.execute("UPDATE events SET event_id = 'copied' WHERE event_id = 'pending-1'")
        conn.execute("UPDATE events SET corroborated = 1 WHERE event_id = 'copied'")
        conn.execute(f"INSERT INTO events ({','.join(pending)}) VALUES ({','.join('?' * len(pending))})", [*{**pending, "event_id": "unseen", "corroborated": 1}.values()])
    conn = queries.connect(db)
    try:
        assert not queries.search_index_ready(conn)
        assert queries.resolve(conn, queries.EventFilter(q="zxcvburg")).matches is None
    finally:
        conn.close()
    with running(db) as base, httpx.Client(base_url=base, timeout=30) as client:
        assert ids(get(client, q="zxcvburg")) == {"copied", "unseen"}, "LIKE, when the index missed a write"


def test_stage7_rewrites_keep_the_search_index(tmp_path, gazetteer):
    """Stage 7 indexes in bulk, its triggers set aside inside its own transaction: after a
    second run that rewrites stored events (new reports join them), the index holds exactly
    the corroborated events, answers as LIKE does, and the triggers are back."""
    import frontlines
    from frontlines.store import Store
    from frontlines.web import queries

    files = sorted(p for p in (ROOT / "examples").iterdir() if p.name != "README.md")
    first, second = tmp_path / "first", tmp_path / "second"
    for folder, part in ((first, files[::2]), (second, files[1::2])):
        folder.mkdir()
        for f in part:
            shutil.copy(f, folder / f.name)
    db = tmp_path / "two_runs.db"
    frontlines.run([str(first)], db=str(db), workers=1)
    with sqlite3.connect(db) as conn:
        before = {r[0]: r[1] for r in conn.execute("SELECT event_id, mentions FROM events")}
    frontlines.run([str(second)], db=str(db), workers=1)
    with Store(db) as store:
        rewritten = {h["event_id"] for h in store.event_history() if h["event_id"] in before and h["field"] == "source_count"}
    assert rewritten, "the second run must add reports to stored events"
    with sqlite3.connect(db) as conn:
        triggers = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    assert triggers == {"events_search_insert", "events_search_delete", "events_search_update"}
    rows = raw_rows(db)
    conn = queries.connect(db)
    try:
        assert queries.search_index_ready(conn)
        for q in ("Saraqib", "killed", "17", "al-", '"sentence":', "zzzunmatched"):
            flt = queries.resolve(conn, queries.EventFilter(q=q))
            assert flt.matches is not None
            assert {e["event_id"] for e in queries.iter_events(conn, flt)} == text_oracle(rows, q=q), q
        flt = queries.resolve(conn, queries.EventFilter(actor="forces"))
        assert {e["event_id"] for e in queries.iter_events(conn, flt)} == text_oracle(rows, actor="forces")
    finally:
        conn.close()


def test_migration_indexes_an_existing_ledger(tmp_path):
    """Opening a ledger of schema 3 builds the index from the events already stored (the
    pending row e3 is in no answer)."""
    from frontlines.store import MIGRATIONS, Store
    from frontlines.web import queries

    db = tmp_path / "old.db"
    with sqlite3.connect(db) as conn:
        for i, script in enumerate(MIGRATIONS[:3]):
            conn.executescript(script)
            conn.execute(f"PRAGMA user_version = {i + 1}")
        conn.executemany(
            "INSERT INTO events (event_id, event_type, sub_event_type, claim_status, notes, actor1, corroborated) VALUES (?, 'Battles', 'Armed clash', 'reported', ?, ?, ?)",
            [("e1", "Clashes near Kafr Nabl", "Opposition Rebels (Syria)", 1), ("e2", "Shelling of Kafr Zita", "Military Forces of Syria", 1), ("e3", "Pending Kafr", None, 0)],
        )
    with Store(db) as store:
        assert store.schema_version() == len(MIGRATIONS)
    conn = queries.connect(db)
    try:
        assert queries.search_index_ready(conn)
        for q, want in (("kafr", {"e1", "e2"}), ("KAFR NABL", {"e1"}), ("kafr Z", {"e2"}), ("zita", {"e2"}), ("fr", {"e1", "e2"}), ("nabl", {"e1"})):
            flt = queries.resolve(conn, queries.EventFilter(q=q))
            assert flt.matches is not None
            assert {e["event_id"] for e in queries.iter_events(conn, flt)} == want, q
        flt = queries.resolve(conn, queries.EventFilter(actor="REBELS"))
        assert [e["event_id"] for e in queries.iter_events(conn, flt)] == ["e1"] and queries.count_events(conn, flt) == 1
    finally:
        conn.close()


def _sql_order(value) -> tuple:
    return (0,) if value is None else (1, value)


def test_summary_matches_python(api, all_events, ledger):
    """Every count of /api/summary, for several filters and buckets, against Python."""
    import datetime as dt

    rows = {r["event_id"]: r for r in raw_rows(ledger)}
    cases = [({}, None), ({"admin1": "Idlib"}, lambda e: e["admin1"] == "Idleb"), ({"q": "killed"}, "q"), ({"actor": "forces", "event_type": "Battles"}, "actor")]
    for params, pred in cases:
        if pred == "q":
            keep = text_oracle(list(rows.values()), q="killed")
            pred = lambda e, keep=keep: e["event_id"] in keep  # noqa: E731
        elif pred == "actor":
            keep = text_oracle(list(rows.values()), actor="forces")
            pred = lambda e, keep=keep: e["event_id"] in keep and e["event_type"] == "Battles"  # noqa: E731
        events = [e for e in all_events if pred is None or pred(e)]
        assert events, params
        for bucket in ("auto", "day", "week", "month"):
            s = api.get("/api/summary", params={**params, "bucket": bucket}).json()
            dated = [e for e in events if e["event_date"]]
            assert (s["total"], s["fatalities"]) == (len(events), sum(e["fatalities"] for e in events)), params
            assert (s["first_date"], s["last_date"]) == (min(e["event_date"] for e in dated), max(e["event_date"] for e in dated))
            if bucket == "auto":
                span = (dt.date.fromisoformat(s["last_date"]) - dt.date.fromisoformat(s["first_date"])).days
                assert s["bucket"] == ("day" if span <= 120 else "week" if span <= 730 else "month")

            def key(d: str, b=s["bucket"]) -> str:
                day = dt.date.fromisoformat(d)
                return d if b == "day" else (day - dt.timedelta(days=day.weekday())).isoformat() if b == "week" else d[:7] + "-01"

            by_date: dict[str, list[int]] = {}
            for e in dated:
                acc = by_date.setdefault(key(e["event_date"]), [0, 0])
                acc[0] += 1
                acc[1] += e["fatalities"]
            assert s["by_date"] == [{"date": d, "events": n, "fatalities": f} for d, (n, f) in sorted(by_date.items())], (params, bucket)
            for col in ("event_type", "admin1", "claim_status"):
                counts: dict = {}
                for e in events:
                    acc = counts.setdefault(e[col], [0, 0])
                    acc[0] += 1
                    acc[1] += e["fatalities"]
                want = [{"value": v, "events": n, "fatalities": f} for v, (n, f) in sorted(counts.items(), key=lambda kv: (-kv[1][0], _sql_order(kv[0])))]
                assert s[f"by_{col}"] == want, (params, col)


def test_every_way_of_reading_a_page_gives_the_same_page(ledger, all_events):
    """A page read by selecting its matches first, by walking the sort order, or past an
    offset by rowid first holds the same events in the same order; the text filters give
    the same events from the index as with LIKE."""
    from frontlines.web import queries

    conn = queries.connect(ledger)
    try:
        filters = [queries.EventFilter(), queries.EventFilter(event_type=["Battles"]), queries.EventFilter(min_fatalities=2),
                   queries.EventFilter(q="killed"), queries.EventFilter(actor="forces", admin1=["Idlib"])]  # fmt: skip
        for flt in filters:
            like = queries.resolve_names(conn, queries.EventFilter(**{k: v for k, v in vars(flt).items() if k != "matches"}))
            flt = queries.resolve(conn, flt)
            total = queries.count_events(conn, flt)
            assert total == queries.count_events(conn, like)
            for sort in ("-event_date", "-fatalities,location", "event_id", "admin1"):
                whole = [e["event_id"] for e in queries.iter_events(conn, like, sort=sort)]
                for offset in (0, 3):
                    want = whole[offset : offset + 5]
                    for hint in (None, total):
                        page = [e["event_id"] for e in queries.iter_events(conn, flt, sort=sort, limit=5, offset=offset, total=hint)]
                        assert page == want, (flt, sort, offset, hint)
        few = queries.resolve(conn, queries.EventFilter(q="killed", admin1=["Idlib"]))
        assert few.matches is None, "a text filter over a few events tests them with LIKE"
    finally:
        conn.close()


def test_server_sees_writes_made_while_it_runs(ledger, tmp_path):
    """Pooled connections read in a fresh transaction per request: a run's commits show."""
    from frontlines.web import running

    db = tmp_path / "live.db"
    shutil.copy(ledger, db)
    with running(db) as base, httpx.Client(base_url=base, timeout=30) as client:
        before = get(client).json()["total"]
        assert ids(get(client, q="Plughton")) == set()
        with sqlite3.connect(db) as conn:
            conn.row_factory = sqlite3.Row
            row = dict(conn.execute("SELECT * FROM events LIMIT 1").fetchone())
            row.update(event_id="live-1", notes="Shelling of Plughton", corroborated=1)
            conn.execute(f"INSERT INTO events ({','.join(row)}) VALUES ({','.join('?' * len(row))})", list(row.values()))
        for _ in range(3):  # every pooled connection
            assert ids(get(client, q="plughton")) == {"live-1"}
            assert get(client).json()["total"] == before + 1


def test_sqlite_without_trigram_search_skips_the_index(tmp_path, monkeypatch, gazetteer):
    """Where SQLite has no FTS5 trigram tokenizer (before 3.34) the store skips the index
    and the API answers the text filters with LIKE; where it has one, the script is whole."""
    import frontlines
    from frontlines.store import MIGRATIONS, SQLITE_ONLY, Store

    with Store(tmp_path / "full.db") as store:
        assert store._runnable(MIGRATIONS[-1]) == MIGRATIONS[-1]
    monkeypatch.setattr(Store, "_runnable", lambda self, script: SQLITE_ONLY.sub("", script))
    db = tmp_path / "plain.db"
    frontlines.run([str(ROOT / "examples")], db=str(db), workers=1)
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM sqlite_master WHERE name LIKE 'events_search%'").fetchone()[0] == 0
    from frontlines.web import running

    rows = raw_rows(db)
    with running(db) as base, httpx.Client(base_url=base, timeout=30) as client:
        for q in ("Saraqib", "17"):
            assert ids(get(client, q=q)) == text_oracle(rows, q=q)


# -- what the API refuses, and what it never shows ---------------------------------------------
def problems(resp: httpx.Response) -> list[dict]:
    """The 422's list of problems (FastAPI's shape, as the OpenAPI description declares)."""
    assert resp.status_code == 422, resp.text
    detail = resp.json()["detail"]
    assert isinstance(detail, list) and all({"loc", "msg", "type"} <= set(d) for d in detail)
    return detail


def test_unknown_parameters_are_refused_by_name(api):
    (p,) = problems(api.get("/api/events", params={"country": "Syria"}))
    assert p["loc"] == ["query", "country"] and "'country'" in p["msg"]
    for name in ("since", "event_type", "bbox", "q", "sort", "limit", "offset"):
        assert name in p["msg"], "the message lists the parameters the route takes"
    assert [d["loc"][1] for d in problems(api.get("/api/summary", params={"limit": 5, "colour": "red"}))] == ["limit", "colour"]
    assert "takes none" in problems(api.get("/api/facets", params={"x": "1"}))[0]["msg"]
    assert api.get("/api/events", params={"limit": 1, "q": "", "actor": ""}).status_code == 200, "empty values are no filter"
    assert api.get("/", params={"utm_source": "mail"}).status_code == 200, "the page itself takes any parameter"


def test_bad_values_are_422_never_500(api):
    from frontlines.web.app import MAX_INT

    cases = [
        {"since": "2017-13-45"}, {"until": "2017-02-30"}, {"since": "17-01-01"}, {"since": "٢٠١٧-٠١-٠١"},
        {"since": "2017-06-01", "until": "2017-01-01"},
        {"offset": MAX_INT + 1}, {"min_fatalities": MAX_INT + 1}, {"min_fatalities": 2**64}, {"offset": -1}, {"limit": 1001},
        {"bbox": "0,95,1,96"}, {"bbox": "1,2,0,1"}, {"bbox": "nan,1,2,3"}, {"bbox": "1e1,2,3,4"}, {"bbox": "181,0,1,1"},
        {"sort": "password"}, {"sort": "-fatalities,"}, {"sort": "--fatalities"}, {"sort": " event_date"},
        {"claim_status": "rumoured"}, {"event_type": ["x"] * 51}, {"admin1": "x" * 201}, {"actor": "x" * 201},
    ]  # fmt: skip
    for params in cases:
        for path in ("/api/events", "/api/events.csv", "/api/events.geojson", "/api/summary"):
            if path != "/api/events" and ({"offset", "limit"} & set(params)):
                continue
            assert problems(api.get(path, params=params)), (path, params)
    assert api.get("/api/events", params={"offset": MAX_INT, "min_fatalities": MAX_INT, "limit": 1}).json()["events"] == []
    assert problems(api.get("/api/articles", params={"offset": MAX_INT + 1}))
    assert problems(api.get("/api/events/" + "x" * 201))
    msg = problems(api.get("/api/events", params={"since": "2017-13-45"}))[0]["msg"]
    assert "2017-13-45" in msg and "date" in msg


def test_oversized_q_is_refused_at_once(api):
    from frontlines.web.app import MAX_Q_WORDS, MAX_TEXT

    (p,) = problems(api.get("/api/events", params={"q": " ".join("abcdefghijk"[: MAX_Q_WORDS + 1])}))
    assert p["type"] == "too_many_words" and str(MAX_Q_WORDS) in p["msg"]
    assert problems(api.get("/api/events", params={"q": " ".join("a" * 999)}))[0]["type"] == "string_too_long"
    assert problems(api.get("/api/events", params={"q": "\x1d".join("abcdefghijk")})), "any separator str.split() knows counts"
    assert problems(api.get("/api/articles", params={"q": "x" * (MAX_TEXT + 1)}))
    words = " ".join(["killed"] * MAX_Q_WORDS)  # at the limit: answered, the repeated word searched once
    assert api.get("/api/events", params={"q": words}).json()["total"] == api.get("/api/events", params={"q": "killed"}).json()["total"]


def test_pending_rows_are_shown_nowhere(ledger, tmp_path):
    """A row that one article's save wrote and stage 7 has not corroborated yet (as when a
    run is killed between the two) is in no list, count, chart, facet, source count or
    download, and is no event of its own."""
    from frontlines.web import running

    db = tmp_path / "pending.db"
    shutil.copy(ledger, db)
    with sqlite3.connect(db) as conn:
        conn.row_factory = sqlite3.Row
        row = dict(conn.execute("SELECT * FROM events WHERE corroborated = 1 ORDER BY fatalities DESC LIMIT 1").fetchone())
        row.update(event_id="pending-1", corroborated=0, notes="Pending Zxcvburg", event_type="Riots", sub_event_type="Pendingtype",
                   admin1="Pendingshire", actor1="Pending Militia", claim_status="disputed", fatalities=999, sources='["Pending Wire"]')  # fmt: skip
        conn.execute(f"INSERT INTO events ({','.join(row)}) VALUES ({','.join('?' * len(row))})", list(row.values()))
        shown = conn.execute("SELECT count(*), sum(fatalities) FROM events WHERE corroborated = 1").fetchone()
    with running(db) as base, httpx.Client(base_url=base, timeout=30) as client:
        page = get(client).json()
        assert page["total"] == shown[0] and "pending-1" not in {e["event_id"] for e in page["events"]}
        for params in ({"q": "zxcvburg"}, {"admin1": "Pendingshire"}, {"sub_event_type": "Pendingtype"}, {"actor": "pending militia"}, {"min_fatalities": 999}):
            assert ids(get(client, **params)) == set(), params
        assert client.get("/api/events/pending-1").status_code == 404
        s = client.get("/api/summary").json()
        assert (s["total"], s["fatalities"]) == tuple(shown)
        facets = client.get("/api/facets").json()
        assert "Pendingshire" not in facets["admin1"] and "Pending Militia" not in facets["actors"]
        assert all(t["sub_event_type"] != "Pendingtype" for t in facets["sub_event_types"])
        assert "Pending Wire" not in {x["outlet"] for x in client.get("/api/sources").json()}
        assert "pending-1" not in client.get("/api/events.csv").text
        assert "pending-1" not in client.get("/api/events.geojson").text


def test_redact_db_hides_every_password():
    from frontlines.store import redact_db

    assert redact_db("postgresql://analyst:s3cret@host/db") == "postgresql://analyst:***@host/db"
    assert redact_db("postgres://a:p@ss@h:5432/d?sslmode=require") == "postgres://a:***@h:5432/d?sslmode=require"
    assert redact_db("postgresql://h/d?user=a&password=s3cret&x=1") == "postgresql://h/d?user=a&password=***&x=1"
    assert redact_db("postgresql://analyst@host/db") == "postgresql://analyst@host/db"
    assert redact_db("ledger.db") == "ledger.db"
    said = redact_db("postgresql://a:p%40ss@h/d", 'password for "a" (p@ss) or p%40ss refused')
    assert "p@ss" not in said and "p%40ss" not in said
