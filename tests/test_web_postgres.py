"""``frontlines serve`` over a PostgreSQL ledger (a real server, started from Debian's
packages by conftest's ``postgres_server``): the API answers as it does over the same
corpus in SQLite, hides pending rows, and no message shows the URL's password."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

pytest.importorskip("psycopg")

ROOT = Path(__file__).resolve().parents[1]
SECRET = "s3cret-Pw"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    import shutil

    root = tmp_path_factory.mktemp("web_pg_corpus")
    shutil.copytree(ROOT / "examples", root / "examples")
    return root


@pytest.fixture(scope="module")
def sqlite_ledger(corpus, gazetteer, tmp_path_factory) -> Path:
    import frontlines

    db = tmp_path_factory.mktemp("web_pg_sqlite") / "ledger.db"
    frontlines.run([str(corpus)], db=str(db), workers=1)
    return db


@pytest.fixture
def pg_ledger(corpus, gazetteer, postgres_db) -> str:
    """The corpus run into a fresh PostgreSQL database, plus one pending row; its URL."""
    import frontlines
    from frontlines.store import Store

    frontlines.run([str(corpus)], db=postgres_db, workers=1)
    with Store(postgres_db) as store:
        cols = [r[0] for r in store.conn.execute("SELECT column_name FROM information_schema.columns WHERE table_name = 'events' ORDER BY ordinal_position")]
        row = dict(zip(cols, store.conn.execute(f"SELECT {','.join(cols)} FROM events WHERE corroborated = 1 LIMIT 1").fetchone()))
        row.update(event_id="pending-pg", corroborated=0, notes="Pending Zxcvburg")
        with store.conn:
            store.conn.execute(f"INSERT INTO events ({','.join(row)}) VALUES ({','.join('?' * len(row))})", list(row.values()))
    return postgres_db


def same(body):
    """An answer less what differs between two runs of one corpus: when each stored an article."""
    if isinstance(body, dict):
        return {k: same(v) for k, v in body.items() if k != "ingested_at"}
    if isinstance(body, list):
        return [same(v) for v in body]
    return body


def with_password(url: str) -> str:
    """The URL with a password (the test server trusts local connections and ignores it)."""
    return url.replace("postgres@", f"postgres:{SECRET}@", 1)


QUERIES = [
    ("/api/events", {"limit": 1000}),
    ("/api/events", {"limit": 1000, "sort": "-fatalities,location"}),
    ("/api/events", {"limit": 1000, "sort": "location"}),
    ("/api/events", {"limit": 7, "offset": 5, "sort": "event_date"}),
    ("/api/events", {"limit": 1000, "admin1": "idlib"}),
    ("/api/events", {"limit": 1000, "q": "killed", "event_type": "Battles"}),
    ("/api/events", {"limit": 1000, "q": "Zxcvburg"}),
    ("/api/events", {"limit": 1000, "actor": "islamic state"}),
    ("/api/events", {"limit": 1000, "since": "2017-01-01", "until": "2017-06-30", "min_fatalities": 1}),
    ("/api/events", {"limit": 1000, "bbox": "35.5,34,38,36.5", "claim_status": "reported"}),
    ("/api/events", {"limit": 1000, "mentions": "true"}),
    ("/api/summary", {}),
    ("/api/summary", {"bucket": "month", "q": "civilians"}),
    ("/api/facets", {}),
    ("/api/sources", {}),
    ("/api/articles", {"q": "Saraqib"}),
]


def test_serve_answers_from_postgres_as_from_sqlite(sqlite_ledger, pg_ledger):
    from frontlines.web import running

    with running(sqlite_ledger) as lite, running(with_password(pg_ledger)) as pg:
        for path, params in QUERIES:
            a, b = httpx.get(lite + path, params=params, timeout=30), httpx.get(pg + path, params=params, timeout=30)
            assert a.status_code == b.status_code == 200, (path, params, b.text)
            assert same(b.json()) == same(a.json()), (path, params)
        events = httpx.get(pg + "/api/events", params={"limit": 1000}).json()
        assert events["total"] > 20 and "pending-pg" not in {e["event_id"] for e in events["events"]}
        assert httpx.get(pg + "/api/events/pending-pg").status_code == 404
        one = events["events"][0]["event_id"]
        a, b = httpx.get(f"{lite}/api/events/{one}").json(), httpx.get(f"{pg}/api/events/{one}").json()
        assert b["mentions"] == a["mentions"] and b["claim_reasons"] == a["claim_reasons"] and same(b["articles"]) == same(a["articles"])
        assert sorted(map(str, b["reports"])) == sorted(map(str, a["reports"]))
        assert httpx.get(pg + "/api/events", params={"q": "nul\x00byte"}).json()["total"] == 0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_command_serves_postgres(pg_ledger):
    """`frontlines serve --db postgresql://...` starts, answers /api/events, and its banner
    names the database without the password."""
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")])}
    proc = subprocess.Popen(
        [sys.executable, "-m", "frontlines.cli", "serve", "--db", with_password(pg_ledger), "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                r = httpx.get(f"http://127.0.0.1:{port}/api/events", params={"limit": 5}, timeout=5)
                break
            except httpx.TransportError:
                assert proc.poll() is None, proc.communicate()[1]
                assert time.monotonic() < deadline, "serve did not start"
                time.sleep(0.3)
        assert r.status_code == 200 and r.json()["total"] > 20 and len(r.json()["events"]) == 5
    finally:
        proc.terminate()
        out, err = proc.communicate(timeout=30)
    assert SECRET not in out + err
    assert "postgres:***@127.0.0.1" in err


def test_serve_errors_never_show_the_password(postgres_server, postgres_db):
    from click.testing import CliRunner

    from frontlines.cli import main

    runner = CliRunner()
    missing = runner.invoke(main, ["serve", "--db", with_password(postgres_server) + "/no_such_db"])
    assert missing.exit_code == 1 and SECRET not in missing.output and "***" in missing.output and "no_such_db" in missing.output
    empty = runner.invoke(main, ["serve", "--db", with_password(postgres_db)])  # a database with no ledger in it
    assert empty.exit_code == 1 and "no ledger at" in empty.output and SECRET not in empty.output
    query = runner.invoke(main, ["serve", "--db", f"{postgres_server}/no_such_db?password={SECRET}"])
    assert query.exit_code == 1 and SECRET not in query.output and "password=***" in query.output
