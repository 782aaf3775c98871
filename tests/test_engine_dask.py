"""The Dask engine: partitions read exactly what the local readers read, and a run on a
LocalCluster of 2 worker processes stores the same events as the local run."""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytest.importorskip("distributed")
pa = pytest.importorskip("pyarrow")
import pyarrow.parquet as pq  # noqa: E402

from frontlines.engine import synthetic  # noqa: E402
from frontlines.engine.partitions import iter_partitions, read_partition  # noqa: E402
from frontlines.ingest import iter_articles  # noqa: E402
from frontlines.pipeline import process_many, run  # noqa: E402
from frontlines.records import Article, Skip  # noqa: E402
from frontlines.store import Store  # noqa: E402

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
N_KILL = 128  # articles in the SIGKILL test, 8 per partition


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """The bundled examples plus a 40-line synthetic JSONL file with one broken line."""
    root = tmp_path_factory.mktemp("corpus")
    shutil.copytree(EXAMPLES, root / "examples")
    lines = [json.dumps(rec) for rec in synthetic.iter_articles(40, seed=7)]
    lines.insert(17, '{"text": "a record cut off in the mid')
    (root / "feed.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root


@pytest.fixture
def scheduler(dask_scheduler):
    return dask_scheduler


def _key(item):
    return item.source if isinstance(item, Skip) else item.article_id


def test_partitions_read_what_the_local_readers_read(corpus):
    parts = list(iter_partitions([corpus], size=8))
    shards = [p for p in parts if not isinstance(p, Skip) and p.kind == "jsonl"]
    assert len(shards) == 6  # 41 lines, 8 per shard
    got = [item for p in parts for item in read_partition(p)]
    want = list(iter_articles([corpus]))
    assert sorted(map(_key, got)) == sorted(map(_key, want))
    by_id = {a.article_id: a for a in want if isinstance(a, Article)}
    for a in got:
        if isinstance(a, Article):
            assert a == by_id[a.article_id]
    # the broken line keeps its line number in the file, whichever shard it fell in
    skips = [s for s in got if isinstance(s, Skip) and s.source.startswith(str(corpus / "feed.jsonl"))]
    assert [s.source.rsplit(":", 1)[1] for s in skips] == ["18"]


def test_partition_keys_are_stable(corpus):
    first = [p.key for p in iter_partitions([corpus], size=8) if not isinstance(p, Skip)]
    again = [p.key for p in iter_partitions([corpus], size=8) if not isinstance(p, Skip)]
    assert first == again and len(set(first)) == len(first)


def test_dask_run_equals_local_run(corpus, scheduler, tmp_path):
    from frontlines.engine.dask_run import run_dask

    local = run([corpus], tmp_path / "local.db", workers=1)
    seen = []
    summary = run_dask([corpus], tmp_path / "dask.db", scheduler=scheduler, partition_size=8, progress=lambda d, t: seen.append(d))
    assert (summary.seen, summary.added, summary.events) == (local.seen, local.added, local.events)
    assert sorted(s.source for s in summary.skips) == sorted(s.source for s in local.skips)
    assert seen == list(range(1, len(seen) + 1)) and len(seen) >= 6
    with Store(tmp_path / "local.db") as a, Store(tmp_path / "dask.db") as b:
        want, got = list(a.events()), list(b.events())
        assert len(want) > 40
        assert got == want  # same ids, same fields, same evidence
        assert a.counts() == b.counts()
        assert a.skips() == b.skips()
    again = run_dask([corpus], tmp_path / "dask.db", scheduler=scheduler, partition_size=8)
    assert (again.added, again.events, again.already) == (0, 0, local.added)


def test_out_parquet_writes_the_same_events_once(corpus, scheduler, tmp_path):
    from frontlines.engine.dask_run import run_dask

    # the Parquet dataset holds each article's events (stages 1-6), as Pipeline.process makes them
    articles = [a for a in iter_articles([corpus]) if isinstance(a, Article)]
    want = {ev.event_id: ev for r in process_many(articles, workers=1) for ev in r.events}
    out = tmp_path / "ds"
    first = run_dask([corpus], scheduler=scheduler, partition_size=8, out_parquet=out)
    events = pq.read_table(out / "events").to_pylist()
    assert sorted(e["event_id"] for e in events) == sorted(want)
    one = next(e for e in events if e["fatalities"])
    assert json.loads(one["mentions"]) == dataclasses.asdict(want[one["event_id"]])["mentions"]
    assert one["latitude"] == want[one["event_id"]].latitude
    parts = sorted(p.name for p in (out / "articles").iterdir())
    again = run_dask([corpus], scheduler=scheduler, partition_size=8, out_parquet=out)
    assert (again.added, again.already) == (0, first.added)
    assert sorted(p.name for p in (out / "articles").iterdir()) == parts


def test_parquet_dataset_of_articles_as_input(scheduler, tmp_path):
    from frontlines.engine.dask_run import run_dask

    recs = list(synthetic.iter_articles(12, seed=3))
    (tmp_path / "in").mkdir()
    pq.write_table(pa.Table.from_pylist(recs), tmp_path / "in" / "articles.parquet", row_group_size=5)
    jsonl = tmp_path / "same.jsonl"
    jsonl.write_text("".join(json.dumps(r) + "\n" for r in recs), encoding="utf-8")
    summary = run_dask([tmp_path / "in"], tmp_path / "pq.db", scheduler=scheduler)
    run([jsonl], tmp_path / "local.db", workers=1)
    assert summary.seen == 12 and not summary.skips
    with Store(tmp_path / "pq.db") as a, Store(tmp_path / "local.db") as b:
        ids = lambda s: sorted(e["event_id"] for e in s.events())  # noqa: E731
        assert ids(a) == ids(b) and ids(a)


def _articles(db: Path) -> int:
    con = sqlite3.connect(db)
    try:
        return con.execute("SELECT count(*) FROM articles").fetchone()[0]
    except sqlite3.Error:
        return 0
    finally:
        con.close()


def test_sigkill_halfway_then_rerun_loses_and_duplicates_nothing(gazetteer, tmp_path):
    """Kill the whole run (client and workers) with SIGKILL once some articles are stored,
    run again: the final ledger equals a clean local run's."""
    synthetic.write_jsonl(tmp_path / "in", N_KILL, seed=11, shards=2)
    db = tmp_path / "dask.db"
    cmd = [sys.executable, "-m", "frontlines.cli", "run", str(tmp_path / "in"), "--db", str(db),
           "--engine", "dask", "--workers", "2", "--partition-size", "8"]  # fmt: skip
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True, env=os.environ.copy())
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None and _articles(db) < N_KILL // 4:
        time.sleep(0.2)
    assert proc.poll() is None, proc.stderr.read().decode()
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    halfway = _articles(db)
    assert 0 < halfway < N_KILL
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert f"{N_KILL} articles read, {N_KILL - halfway} new, {halfway} already stored" in done.stderr
    run([tmp_path / "in"], tmp_path / "local.db", workers=1)
    with Store(db) as a, Store(tmp_path / "local.db") as b:
        assert a.counts() == b.counts()
        assert list(a.events()) == list(b.events())


def test_a_killed_worker_partitions_are_redone(corpus, scheduler, tmp_path):
    """SIGKILL one worker process while partitions are in flight: the nanny restarts it,
    Dask reschedules its partitions, and the ledger is the same as the local run's."""
    from distributed import Client

    from frontlines.engine.dask_run import run_dask

    with Client(scheduler) as client:
        victim = next(iter(client.run(os.getpid).values()))
    killed = []

    def progress(done, total):
        if not killed:
            os.kill(victim, signal.SIGKILL)
            killed.append(done)

    summary = run_dask([corpus], tmp_path / "dask.db", scheduler=scheduler, partition_size=4, progress=progress)
    local = run([corpus], tmp_path / "local.db", workers=1)
    assert killed and (summary.seen, summary.added) == (local.seen, local.added)
    with Store(tmp_path / "local.db") as a, Store(tmp_path / "dask.db") as b:
        assert list(a.events()) == list(b.events())
