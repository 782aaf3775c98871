"""The Dask engine: partitions read exactly what the local readers read, a run on a
LocalCluster of 2 worker processes stores the same corroborated events as the local run,
and stage 7's block-by-block steps give exactly the results of one pass."""

from __future__ import annotations

import dataclasses
import json
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

pytest.importorskip("distributed")
pa = pytest.importorskip("pyarrow")
import pyarrow.parquet as pq  # noqa: E402

from frontlines.corroborate import Clusterer, Report  # noqa: E402
from frontlines.engine import stage7, synthetic  # noqa: E402
from frontlines.engine.partitions import iter_partitions, read_partition  # noqa: E402
from frontlines.provenance import article_source, jaccard, load_settings, reuse_roots, shared_key_groups  # noqa: E402
from frontlines.ingest import iter_articles  # noqa: E402
from frontlines.pipeline import process_many, run  # noqa: E402
from frontlines.records import Article, Skip  # noqa: E402
from frontlines.store import Store  # noqa: E402

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
CORROBORATION = Path(__file__).resolve().parent / "corroboration"
N_KILL = 128  # articles in the SIGKILL test, 8 per partition
# Reports per stage-7 task in the cluster runs here: tiny, so that the test corpus (about
# 100 reports) is cut into many blocks and most clusters meet a block border.
TINY_TASK = 6


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """The bundled examples, stage 7's gold article sets (one incident told by several
    outlets, reprints, a toll update, a denial) and a 42-line synthetic JSONL file with one
    broken line and one page of nothing but widgets."""
    root = tmp_path_factory.mktemp("corpus")
    shutil.copytree(EXAMPLES, root / "examples")
    (root / "corroboration").mkdir()
    for f in CORROBORATION.glob("*.jsonl"):
        shutil.copy(f, root / "corroboration" / f.name)
    lines = [json.dumps(rec) for rec in synthetic.iter_articles(40, seed=7)]
    lines.insert(17, '{"text": "a record cut off in the mid')
    # a page of nothing but widgets: a skip after cleaning, in both runs
    lines.append(json.dumps({"text": "Share this article: Facebook Twitter WhatsApp Email\n\nLoading the player...", "url": "https://example.org/empty"}))
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
    assert len(shards) == 6  # 42 lines, 8 per shard
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


def _ledger(store: Store) -> dict:
    """Everything stage 7 writes, less the clock: events, their reports, the field history
    and the merge/split log, and the articles' provenance profiles."""
    q = lambda sql: sorted(tuple(r) for r in store.conn.execute(sql))  # noqa: E731
    return {
        "events": list(store.events()),
        "mentions": q("SELECT mention_id, event_id, article_id, anchor_date, record FROM mentions"),
        "history": q("SELECT event_id, article_id, field, old_value, new_value FROM event_history"),
        "changes": q("SELECT kind, event_id, other_event_id FROM event_changes"),
        "profiles": q("SELECT article_id, outlet, published, sketch, fingerprints, credits FROM article_sources"),
    }


class PartitionsInFlight:
    """A scheduler plugin: the most partition tasks the scheduler held at once."""

    name = "test-partitions-in-flight"

    def __init__(self):
        self.live: set = set()
        self.most = 0

    def transition(self, key, start, finish, *args, **kwargs):
        if not str(key).startswith("frontlines-"):
            return
        if finish == "forgotten":
            self.live.discard(key)
        else:
            self.live.add(key)
            self.most = max(self.most, len(self.live))


def test_dask_run_equals_local_run(corpus, scheduler, tmp_path):
    """Local run vs cluster run, stage 7 included: the cluster's blocks are tiny, so most
    events are put together across block borders, and the ledgers are equal all the same.
    The client never has more than its window of partitions in flight."""
    from distributed import Client
    from distributed.diagnostics.plugin import SchedulerPlugin

    from frontlines.engine.dask_run import IN_FLIGHT_PER_WORKER, run_dask

    local = run([corpus], tmp_path / "local.db", workers=1)
    seen = []
    with Client(scheduler) as client:
        client.register_plugin(type("InFlight", (PartitionsInFlight, SchedulerPlugin), {})())
        summary = run_dask([corpus], tmp_path / "dask.db", scheduler=scheduler, partition_size=8, progress=lambda d, t: seen.append(d),
                           stage7_task_reports=TINY_TASK)  # fmt: skip
        most = client.run_on_scheduler(lambda dask_scheduler: dask_scheduler.plugins[PartitionsInFlight.name].most)
    # 2 workers: a window of partitions (plus the one just gathered, forgotten as the next
    # goes out), however many partitions there are; and more than one at a time
    window = IN_FLIGHT_PER_WORKER * 2 + 1
    assert len(seen) > window + 1 >= most > 1
    assert (summary.seen, summary.added, summary.events) == (local.seen, local.added, local.events)
    assert sorted(s.source for s in summary.skips) == sorted(s.source for s in local.skips)
    assert any(s.code == "E101" for s in summary.skips)  # the widgets-only page
    assert summary.corroboration == local.corroboration
    assert seen == list(range(1, len(seen) + 1)) and len(seen) >= 6
    with Store(tmp_path / "local.db") as a, Store(tmp_path / "dask.db") as b:
        want, got = _ledger(a), _ledger(b)
        assert len(want["events"]) > 40
        # corroborated events: several articles' reports joined into one event
        assert any(len({m["article_id"] for m in e["mentions"]}) > 1 for e in want["events"])
        assert got == want  # same ids, same fields, same evidence, same history
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


# -- stage 7, block by block ------------------------------------------------------------
SUBS = ["Air/drone strike", "Shelling/artillery/missile attack", "Attack", "Armed clash"]


def _reports(n: int, seed: int, clusterer: Clusterer) -> list[Report]:
    """Reports dense enough to link often: two months, three provinces (and some with only
    a country or nothing), dates of every precision, a small vocabulary."""
    rnd = random.Random(seed)
    vocab = [f"word{i}" for i in range(12)]
    out = []
    for i in range(n):
        sub = rnd.choice(SUBS)
        precision = rnd.choice([1, 1, 1, 1, 2, 3])
        dated = rnd.random() > 0.1
        day = 736330 + rnd.randrange(60)
        iso3 = rnd.choice(["SYR", "SYR", "SYR", "IRQ", None])
        out.append(Report(
            report_id=f"r{i:04d}", article_id=f"a{rnd.randrange(n)}", family=clusterer.families[sub], sub_event_type=sub,
            day=day if dated else None, precision=precision, anchor=day, slack={1: 1, 2: 7, 3: 31}[precision] if dated else 3,
            iso3=iso3, admin1=rnd.choice(["Idlib", "Aleppo", "Homs", None]), lat=35 + rnd.random() / 2, lon=36 + rnd.random() / 2,
            geonameid=rnd.randrange(4), precise=rnd.random() < 0.7, actor1=rnd.choice([None, "A", "B"]), actor2=rnd.choice([None, "C"]),
            fatalities=rnd.choice([0, 2, 3]), words=frozenset(rnd.sample(vocab, 4)), order=(f"2017-01-{1 + rnd.randrange(28):02d}", f"r{i:04d}"),
        ))  # fmt: skip
    return out


def _blockwise(clusterer: Clusterer, reports: list[Report], task: int) -> tuple[list[list[int]], int]:
    """stage7's cluster step without a cluster: blocks one by one, then the borders."""
    clusters, border = [], []
    for block in stage7.plan_blocks(clusterer, reports, task):
        fields = [tuple(getattr(reports[i], f) for f in stage7.CLUSTER_FIELDS) for i in block.core + block.margin]
        res = stage7.cluster_blocks(clusterer, [(block, fields)])
        clusters += res.clusters
        border += res.border_edges
    clusters += stage7.reconcile_borders(clusterer, reports, iter(border))
    clusters.sort(key=lambda c: reports[c[0]].order)
    return clusters, len(border)


@pytest.mark.parametrize("seed", range(4))
def test_blocks_and_borders_cluster_like_one_pass(seed):
    clusterer = Clusterer()
    reports = _reports(400, seed, clusterer)
    want = clusterer.cluster(reports)
    assert sum(len(c) > 1 for c in want) > 40
    for task in (5, 23, 120):
        blocks = stage7.plan_blocks(clusterer, reports, task)
        assert sorted(i for b in blocks for i in b.core) == list(range(len(reports)))  # each report core once
        got, border = _blockwise(clusterer, reports, task)
        assert border > 0  # clusters really were put together across block borders
        assert got == want


def _profiles(n: int) -> dict:
    """Provenance profiles of synthetic articles plus reprints of some of them (a later
    copy with a new outlet and a credit line): near-duplicate groups, and sentences that
    more than ``provenance.REUSE_KEY_MAX_ARTICLES`` articles share."""
    settings = load_settings()
    recs = list(synthetic.iter_articles(n, seed=9))
    out = []
    for i, r in enumerate(recs):
        out.append(article_source(f"a{i:04d}", r["outlet"], r["published"], r["text"], settings))
    for i in range(0, n, 20):
        r = recs[i]
        out.append(article_source(f"b{i:04d}", "Reprint Daily", r["published"], r["text"] + "\n\nSource: " + r["outlet"], settings))
    return {s.article_id: s for s in sorted(out, key=lambda s: s.article_id)}


def test_provenance_roots_from_shared_pairs_equal_reuse_roots():
    srcs = _profiles(500)
    settings = load_settings()
    groups = shared_key_groups(srcs)
    sketches = {a: s.sketch for a, s in srcs.items()}
    threshold, size = float(settings["reuse"]["near_duplicate"]), int(settings["reuse"]["sketch_size"])
    # in any number of shares of the shared keys
    pairs = [p for k in range(3) for p in stage7.near_duplicate_pairs(groups[k::3], sketches, threshold, size)]
    want = reuse_roots(srcs.values(), settings)
    assert stage7.roots_from_pairs(srcs, iter(pairs)) == want
    assert sum(a != r for a, r in want.items()) >= 25  # the reprints found their originals
    # the quick comparison is provenance.jaccard's, pair for pair
    rnd = random.Random(1)
    ids = list(srcs)
    for _ in range(300):
        a, b = rnd.sample(ids, 2)
        if rnd.random() < 0.3:
            b = "b" + a[1:] if "b" + a[1:] in srcs else b
        assert stage7.similar(frozenset(srcs[a].sketch), frozenset(srcs[b].sketch), size, threshold) == (
            jaccard(srcs[a].sketch, srcs[b].sketch, size) >= threshold
        )


def test_cluster_steps_on_workers_equal_local_steps(scheduler):
    """ClusterSteps on the LocalCluster: clustering, provenance roots and event building,
    each cut into many small tasks, give what LocalSteps gives."""
    from distributed import Client

    from frontlines.corroborate import EventBuilder, LocalSteps

    clusterer = Clusterer()
    reports = _reports(300, 11, clusterer)
    srcs = _profiles(200)
    settings = load_settings()
    builder = EventBuilder(settings)
    local = LocalSteps()
    with Client(scheduler) as client:
        steps = stage7.ClusterSteps(client, block_reports=20, task_reports=20, task_pairs=200)
        assert steps.cluster(clusterer, reports) == local.cluster(clusterer, reports)
        roots = local.roots(srcs, settings)
        assert steps.roots(srcs, settings) == roots
        ids = sorted(srcs)
        for i, r in enumerate(reports):
            r.article_id = ids[i % len(ids)]
            r.record = {"event_id": r.report_id, "event_type": "Battles", "sub_event_type": r.sub_event_type, "fatalities": r.fatalities,
                        "mentions": [{"sentence": f"Report {i}.", "claim": "reported"}]}  # fmt: skip
        clusters = local.cluster(clusterer, reports)
        jobs = [(f"e{k}", [reports[i] for i in c]) for k, c in enumerate(clusters)]
        got = steps.build(builder, jobs, srcs, roots)
        want = local.build(builder, jobs, srcs, roots)
        assert [dataclasses.asdict(b.event) for b in got] == [dataclasses.asdict(b.event) for b in want]
        assert [(b.field_reports, b.first_article) for b in got] == [(b.field_reports, b.first_article) for b in want]
