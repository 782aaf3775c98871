"""The ledger survives what users do to it: migrations that fail half way, a --db that is
no ledger, read-only opens of a missing file, two runs at once, and runs killed at any
moment (each followed by a clean re-run)."""

from __future__ import annotations

import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from frontlines.engine import synthetic
from frontlines.errors import LedgerBusy, LedgerNotFound, NotALedger, StoreError
from frontlines.lock import WriterLock, lock_path
from frontlines.store import MIGRATIONS, SCHEMA_VERSION, Store, sql_statements

ROOT = Path(__file__).resolve().parents[1]
# a statement that really fails: the table exists by then
FAIL = "CREATE TABLE articles (article_id TEXT);"


def broken_store(at: int, after: str) -> type[Store]:
    """A Store whose migration ``at`` (0-based) fails right after the statement containing
    ``after``: its earlier statements have run inside the migration's transaction."""
    script = MIGRATIONS[at]
    cut = script.index(after)
    cut = script.index(";", cut) + 1
    migrations = list(MIGRATIONS)
    migrations[at] = script[:cut] + "\n" + FAIL + "\n" + script[cut:]

    class Broken(Store):
        pass

    Broken.migrations = migrations
    return Broken


def tables(path: Path) -> set[str]:
    conn = sqlite3.connect(path)
    try:
        return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger')")}
    finally:
        conn.close()


def version(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("PRAGMA user_version").fetchone()[0])
    finally:
        conn.close()


# -- migrations ----------------------------------------------------------------------------
def test_statements_split_keeps_trigger_bodies_whole():
    stmts = sql_statements(MIGRATIONS[4])
    triggers = [s for s in stmts if "CREATE TRIGGER" in s]
    assert len(triggers) == 3 and all(s.rstrip().endswith("END;") for s in triggers)
    assert sum(len(sql_statements(m)) for m in MIGRATIONS) > 40


def test_failed_first_migration_leaves_an_empty_file_that_opens(tmp_path):
    path = tmp_path / "a.db"
    with pytest.raises(StoreError, match="migration 1 failed and was rolled back"):
        broken_store(0, "CREATE INDEX events_article")(path)
    assert version(path) == 0 and tables(path) == set()
    with Store(path) as s:
        assert s.schema_version() == SCHEMA_VERSION and s.check().ok


def test_failed_search_index_migration_rolls_back_whole(tmp_path):
    """Migration 4 fails after it created the search index and its triggers: none of them
    stays (the audit's bricked ledger: "table events_search already exists" on every open),
    the stored events stay, and the next open migrates."""
    path = tmp_path / "a.db"

    class Older(Store):  # a schema-3 ledger with one event, as an older frontlines left it
        migrations = list(MIGRATIONS[:3])

    with Older(path):
        pass
    conn = sqlite3.connect(path)
    conn.execute("INSERT INTO articles (article_id) VALUES ('a1')")
    conn.execute("INSERT INTO events (event_id, article_id, notes, corroborated) VALUES ('e1', 'a1', 'shelling', 1)")
    conn.execute("INSERT INTO mentions (mention_id, event_id, article_id, record) VALUES ('r1', 'e1', 'a1', '{}')")
    conn.execute("PRAGMA user_version = 3")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="migration 4 failed"):
        broken_store(3, "CREATE INDEX events_pending")(path)
    assert version(path) == 3
    assert not {"events_search", "events_search_insert", "events_pending"} & tables(path)
    with Store(path) as s:
        assert s.schema_version() == SCHEMA_VERSION
        assert [e["event_id"] for e in s.events()] == ["e1"]
        found = s.conn.execute("SELECT count(*) FROM events_search WHERE events_search MATCH 'search : \"shelling\"'").fetchone()[0]
        assert found == 1
        assert s.check().ok


def test_failed_migration_on_postgres_rolls_back(postgres_db):
    import psycopg

    with pytest.raises(StoreError, match="migration 2 failed"):
        broken_store(1, "CREATE TABLE mentions")(postgres_db)
    with psycopg.connect(postgres_db) as conn:
        assert conn.execute("SELECT version FROM frontlines_schema").fetchone()[0] == 1
        assert conn.execute("SELECT to_regclass('mentions')").fetchone()[0] is None
    with Store(postgres_db) as s:
        assert s.schema_version() == SCHEMA_VERSION and s.check().ok


# -- what --db points at ---------------------------------------------------------------------
@pytest.mark.parametrize("content", [b"event_id,date\n1,2020-01-01\n" * 40, b"x"])
def test_a_file_that_is_not_sqlite_is_refused_by_name(tmp_path, content):
    path = tmp_path / "events.csv"
    path.write_bytes(content)
    with pytest.raises(NotALedger, match="events.csv is not a frontlines ledger \\(not an SQLite database\\)") as err:
        Store(path)
    assert err.value.code == "E402"
    assert path.read_bytes() == content


def test_another_programs_database_is_left_alone(tmp_path):
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE places (name TEXT)")
    conn.commit()
    conn.close()
    with pytest.raises(NotALedger, match="other tables: places"):
        Store(path)
    assert tables(path) == {"places"} and version(path) == 0


def test_read_only_open_creates_nothing(tmp_path):
    missing = tmp_path / "typo.db"
    with pytest.raises(LedgerNotFound, match="no ledger at .*typo.db") as err:
        Store.open_existing(missing)
    assert err.value.code == "E403"
    assert list(tmp_path.iterdir()) == []
    empty = tmp_path / "empty.db"
    empty.touch()
    with pytest.raises(NotALedger, match="empty SQLite database"):
        Store(empty, create=False)
    assert empty.stat().st_size == 0
    with Store(tmp_path / "real.db"):
        pass
    with Store.open_existing(tmp_path / "real.db") as s:
        assert s.schema_version() == SCHEMA_VERSION


def test_read_only_open_of_postgres_without_ledger(postgres_db):
    import psycopg

    with pytest.raises(LedgerNotFound):
        Store.open_existing(postgres_db)
    with psycopg.connect(postgres_db) as conn:
        assert conn.execute("SELECT to_regclass('frontlines_schema')").fetchone()[0] is None
    Store(postgres_db).close()
    with Store.open_existing(postgres_db) as s:
        assert s.schema_version() == SCHEMA_VERSION


# -- one writer ------------------------------------------------------------------------------
def test_second_writer_stops_naming_the_first(tmp_path):
    db = tmp_path / "a.db"
    told = []
    with Store(db) as s, s.writer(command="frontlines run feeds/ --db a.db"):
        with pytest.raises(LedgerBusy) as err:
            WriterLock(db).acquire(wait=0.3, on_wait=told.append)
    msg = str(err.value)
    assert err.value.code == "E404" and f"pid {os.getpid()}" in msg and "`frontlines run feeds/ --db a.db`" in msg
    assert told and told[0]["pid"] == os.getpid()
    with WriterLock(db).acquire(wait=0):  # free again
        pass


def test_second_writer_on_postgres_stops_naming_the_first(postgres_db):
    told = []
    with Store(postgres_db) as a, Store(postgres_db) as b:
        with a.writer():
            with pytest.raises(LedgerBusy) as err:
                with b.writer(wait=0.3, on_wait=told.append):
                    pass
        assert f"pid {os.getpid()} on " in str(err.value) and told and told[0]["pid"] == str(os.getpid())
        with b.writer(wait=0):  # free again once the first lets go
            pass


def test_dead_writers_lock_is_taken_over(tmp_path):
    db = tmp_path / "a.db"
    code = f"import sys, time; from frontlines.lock import WriterLock; WriterLock({str(db)!r}, command='doomed').acquire(); print('held', flush=True); time.sleep(120)"
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "held"
        with pytest.raises(LedgerBusy, match=f"pid {proc.pid}.*doomed"):
            WriterLock(db).acquire(wait=0)
    finally:
        proc.kill()
        proc.wait()
    assert f'"pid": {proc.pid}' in lock_path(db).read_text()  # the dead holder's name is still there
    with WriterLock(db, command="next").acquire(wait=0):
        assert '"command": "next"' in lock_path(db).read_text()


def cli(*args: str, wait: float | None = None) -> list[str]:
    cmd = [sys.executable, "-m", "frontlines.cli", "run", *args, "--workers", "1"]
    return cmd + (["--wait", str(wait)] if wait is not None else [])


def snapshot(db: Path) -> tuple:
    """What must equal between two ledgers of the same input: articles, events, and which
    event each report is in."""
    with Store.open_existing(db) as s:
        arts = sorted(r[0] for r in s.conn.execute("SELECT article_id FROM articles"))
        events = sorted(r[0] for r in s.conn.execute("SELECT event_id FROM events WHERE corroborated = 1"))
        reports = sorted(s.conn.execute("SELECT mention_id, event_id FROM mentions").fetchall())
    return arts, events, reports


@pytest.fixture(scope="module")
def feed(tmp_path_factory, gazetteer):
    """Articles whose events join across outlets (the corroboration gold sets and the
    examples) plus a synthetic feed; the ledger of one run of them."""
    root = tmp_path_factory.mktemp("feed")
    shutil.copytree(ROOT / "examples", root / "in" / "examples")
    shutil.copytree(ROOT / "tests" / "corroboration", root / "in" / "corroboration", ignore=shutil.ignore_patterns("*.yaml"))
    synthetic.write_jsonl(root / "in" / "feed", 40, seed=11)
    ref = root / "ref.db"
    subprocess.run(cli(str(root / "in"), "--db", str(ref)), check=True, capture_output=True)
    with Store.open_existing(ref) as s:
        assert s.check().ok and s.counts()["articles"] > 40
    return root / "in", ref


def test_run_stops_when_another_holds_the_ledger(feed, tmp_path):
    inputs, _ = feed
    db = tmp_path / "a.db"
    with Store(db) as s, s.writer(command="frontlines run elsewhere/"):
        out = subprocess.run(cli(str(inputs), "--db", str(db), wait=0.5), capture_output=True, text=True)
    assert out.returncode == 1
    assert "[E404] another frontlines run is writing to" in out.stderr and "`frontlines run elsewhere/`" in out.stderr
    assert "Traceback" not in out.stderr
    with Store.open_existing(db) as s:
        assert s.counts()["articles"] == 0


def test_two_runs_at_once_equal_one_run(feed, tmp_path):
    """Two `frontlines run` processes on one ledger: the second waits for the first (or
    stops with E404 when it has waited long enough); the ledger is a single run's."""
    inputs, ref = feed
    db = tmp_path / "a.db"
    procs = [subprocess.Popen(cli(str(inputs), "--db", str(db)), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    errs = [p.communicate(timeout=600)[1] for p in procs]
    for p, err in zip(procs, errs):
        assert p.returncode == 0 or (p.returncode == 1 and "[E404]" in err), err
    assert any(p.returncode == 0 for p in procs)
    assert any("waiting up to 60 s for the run writing to" in err for err in errs), errs  # one waited
    with Store.open_existing(db) as s:
        assert s.check().ok, s.check().problems
    assert snapshot(db) == snapshot(ref)


# -- kills -----------------------------------------------------------------------------------
def test_killed_runs_then_a_clean_rerun_equal_one_run(feed, tmp_path):
    """A few SIGKILLs at random moments of a run (benchmarks/kills.py does fifty): each
    killed ledger opens and holds its invariants, and a clean re-run makes it a single
    run's ledger."""
    inputs, ref = feed
    rng = random.Random(7)
    for trial in range(4):
        db = tmp_path / f"k{trial}.db"
        proc = subprocess.Popen(cli(str(inputs), "--db", str(db)), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if trial == 0:  # during schema creation: as soon as the file appears
            while not db.exists() and proc.poll() is None:
                time.sleep(0.001)
            time.sleep(rng.uniform(0, 0.03))
        else:
            time.sleep(rng.uniform(0.5, 4.0))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        if db.exists():
            with Store(db) as s:
                found = s.check(complete=False)
                assert found.ok, (trial, found.problems)
        subprocess.run(cli(str(inputs), "--db", str(db), wait=30), check=True, capture_output=True)
        with Store.open_existing(db) as s:
            assert s.check().ok
        assert snapshot(db) == snapshot(ref), trial


def test_check_finds_each_broken_invariant(tmp_path):
    """What two interleaved writers left in the audit: a report listed in two events, an
    event without reports; plus a report both pending and placed, and pending rows."""
    with Store(tmp_path / "a.db") as s:
        c = s.conn
        c.execute("INSERT INTO articles (article_id) VALUES ('a1')")
        c.execute("""INSERT INTO events (event_id, article_id, mentions, corroborated) VALUES ('e1', 'a1', '[{"report_id": "r1"}]', 1)""")
        c.execute("INSERT INTO mentions (mention_id, event_id, article_id, record) VALUES ('r1', 'e1', 'a1', '{}')")
        c.commit()
        assert s.check().ok
        c.execute("PRAGMA foreign_keys = OFF")  # a report of an article that is gone, as a bug could leave it
        c.execute("""INSERT INTO events (event_id, article_id, mentions, corroborated) VALUES ('e2', 'a1', '[{"report_id": "r1"}]', 1)""")
        c.execute("INSERT INTO events (event_id, article_id, corroborated) VALUES ('r1', 'a1', 0)")
        c.execute("INSERT INTO mentions (mention_id, event_id, article_id, record) VALUES ('r9', 'gone', 'a9', '{}')")
        c.commit()
        found = s.check()
        assert not found.ok and found.pending == 1
        text = "\n".join(found.problems)
        for want in ("1 reports belong to no stored event", "1 events have no report", "1 reports are both pending and in an event",
                     "1 mentions rows name an article that is not stored", "1 pending reports left", "1 reports are listed in two or more events"):  # fmt: skip
            assert want in text, (want, text)
        assert "pending reports left" not in "\n".join(s.check(complete=False).problems)
