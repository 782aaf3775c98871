"""The PostgreSQL store against a real PostgreSQL 15 server started for the session:
same schema and results as SQLite, safe concurrent writers, PostGIS with a fallback."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

psycopg = pytest.importorskip("psycopg")

from click.testing import CliRunner  # noqa: E402

from frontlines.cli import main  # noqa: E402
from frontlines.engine import synthetic  # noqa: E402
from frontlines.pipeline import run  # noqa: E402
from frontlines.records import Skip  # noqa: E402
from frontlines.store import SCHEMA_VERSION, Store  # noqa: E402

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
CORROBORATION = Path(__file__).resolve().parent / "corroboration"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    root = tmp_path_factory.mktemp("pgcorpus")
    shutil.copytree(EXAMPLES, root / "examples")
    # stage 7's gold sets: incidents told by several outlets, so events join across articles
    shutil.copytree(CORROBORATION, root / "corroboration", ignore=shutil.ignore_patterns("*.yaml"))
    synthetic.write_jsonl(root / "feed", 30, seed=5)
    return root


@pytest.fixture(scope="module")
def sqlite_ledger(corpus, gazetteer, tmp_path_factory):
    db = tmp_path_factory.mktemp("sqlite") / "ledger.db"
    run([corpus], db, workers=1)
    return db


def test_sqlite_and_postgres_hold_the_same_ledger(corpus, sqlite_ledger, postgres_db):
    summary = run([corpus], postgres_db, workers=1)
    assert summary.added > 40
    with Store(sqlite_ledger) as lite, Store(postgres_db) as pg:
        assert pg.is_postgres and pg.schema_version() == SCHEMA_VERSION
        assert pg.counts() == lite.counts()
        assert list(pg.events()) == list(lite.events())
        for kw in ({"since": "2017-01-01"}, {"until": "2016-06-30"}, {"admin1": "idlib"}):
            assert list(pg.events(**kw)) == list(lite.events(**kw))
        assert pg.skips() == lite.skips()
    again = run([corpus], postgres_db, workers=1)
    assert (again.added, again.events) == (0, 0)
    with Store(postgres_db) as pg, Store(sqlite_ledger) as lite:
        assert pg.counts() == lite.counts()


def test_export_and_skips_commands_read_postgres(corpus, sqlite_ledger, postgres_db):
    run([corpus], postgres_db, workers=1)
    runner = CliRunner()
    a = runner.invoke(main, ["export", "--db", postgres_db, "--format", "jsonl"])
    b = runner.invoke(main, ["export", "--db", str(sqlite_ledger), "--format", "jsonl"])
    assert a.exit_code == 0, a.output
    assert a.stdout == b.stdout and a.stdout.count("\n") > 40
    skips = runner.invoke(main, ["skips", "--db", postgres_db])
    assert "README.md" in skips.stdout


def test_dialect_translation(postgres_db):
    with Store(postgres_db) as pg:
        conn = pg.conn
        assert conn.translate("SELECT 1 FROM t WHERE a = ? AND b LIKE 'x?%'") == "SELECT 1 FROM t WHERE a = %s AND b LIKE 'x?%%'"
        assert conn.translate("INSERT OR IGNORE INTO articles (article_id) VALUES (?)").endswith("ON CONFLICT DO NOTHING")
        up = conn.translate("INSERT OR REPLACE INTO skips VALUES (?,?,?,?)")
        assert "ON CONFLICT (source, code) DO UPDATE SET reason = EXCLUDED.reason, at = EXCLUDED.at" in up
        pg.save_skip(Skip("a.txt", "E101", "empty file"))
        pg.save_skip(Skip("a.txt", "E101", "empty again"))
        assert pg.skips() == [Skip("a.txt", "E101", "empty again")]
        # REAL columns are double precision: coordinates keep every digit
        kinds = dict(conn.execute("SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'events'").fetchall())
        assert kinds["latitude"] == "double precision" and kinds["geonameid"] == "bigint"


def test_url_password_is_not_shown_in_errors(postgres_server):
    from frontlines.errors import StoreError

    bad = postgres_server.replace("postgres@", "postgres:s3cret@") + "/no_such_db"
    with pytest.raises(StoreError) as err:
        Store(bad)
    assert "s3cret" not in str(err.value) and "***" in str(err.value)


def test_concurrent_writers_never_duplicate(corpus, sqlite_ledger, postgres_db):
    """Three `frontlines run` processes on the same input at once: one copy of everything."""
    cmd = [sys.executable, "-m", "frontlines.cli", "run", str(corpus), "--db", postgres_db, "--workers", "1"]
    procs = [subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True) for _ in range(3)]
    outs = [p.communicate(timeout=300)[1] for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0], "\n".join(outs)
    with Store(postgres_db) as pg, Store(sqlite_ledger) as lite:
        assert pg.counts()["articles"] == lite.counts()["articles"]
        n = pg.conn.execute("SELECT count(*), count(DISTINCT article_id) FROM articles").fetchone()
        assert n[0] == n[1]
        ids = [e["event_id"] for e in pg.events()]
        assert len(ids) == len(set(ids))
        # every article's reports are stored once (which event each joins may differ from a
        # single run: three runs corroborating in turn is incremental corroboration)
        count = "SELECT count(*), count(DISTINCT mention_id) FROM mentions"
        assert tuple(pg.conn.execute(count).fetchone()) == tuple(lite.conn.execute(count).fetchone())


def test_events_near_with_postgis_and_without(corpus, sqlite_ledger, postgres_db):
    run([corpus], postgres_db, workers=1)
    idlib = (35.93, 36.63)
    with Store(postgres_db) as gis, Store(postgres_db, postgis=False) as plain, Store(sqlite_ledger) as lite:
        assert gis.conn.postgis and not plain.conn.postgis
        plan = gis.conn.execute(
            "EXPLAIN SELECT event_id FROM events WHERE ST_DWithin(geography(ST_SetSRID(ST_MakePoint(longitude, latitude), 4326)), "
            "geography(ST_SetSRID(ST_MakePoint(36.6, 35.9), 4326)), 50000)"
        ).fetchall()
        assert "events_geog" in json.dumps(plan) or "Seq Scan" in json.dumps(plan)  # the planner may skip an index on a tiny table
        near = [e["event_id"] for e in gis.events_near(*idlib, 60)]
        assert near and near == [e["event_id"] for e in plain.events_near(*idlib, 60)]
        assert near == [e["event_id"] for e in lite.events_near(*idlib, 60)]
        assert all(e["distance_km"] <= 60 for e in gis.events_near(*idlib, 60))


def test_dask_run_into_postgres_equals_local_sqlite(corpus, sqlite_ledger, postgres_db, dask_scheduler):
    """Workers write the articles into PostgreSQL, stage 7 runs in small blocks on them:
    the corroborated ledger equals a local run's in SQLite, field for field."""
    from frontlines.engine.dask_run import run_dask

    summary = run_dask([corpus], postgres_db, scheduler=dask_scheduler, partition_size=8, stage7_task_reports=6)
    with Store(postgres_db) as pg, Store(sqlite_ledger) as lite:
        assert summary.added == lite.counts()["articles"]
        want = list(lite.events())
        assert any(e["source_count"] > 1 for e in want)  # corroborated across outlets
        assert list(pg.events()) == want
        q = "SELECT mention_id, event_id, article_id, record FROM mentions ORDER BY mention_id"
        assert [tuple(r) for r in pg.conn.execute(q)] == [tuple(r) for r in lite.conn.execute(q)]
        assert pg.skips() == lite.skips()
    again = run_dask([corpus], postgres_db, scheduler=dask_scheduler, partition_size=8)
    assert again.added == 0 and again.already == summary.added
