"""``frontlines run --engine dask``: stages 1-6 per partition on a Dask cluster.

The client lists partitions (paths and byte ranges, never article text) and keeps only a
small window of them in flight, so memory stays bounded whatever the corpus size. Each
worker reads its partition itself, runs ``Pipeline.process`` on every article with one
Pipeline per worker process (built by a worker plugin), and hands the results to a sink:

* SQLite (the default store): the worker returns the results and the client writes them
  (a SQLite file has one writer);
* PostgreSQL: the worker writes straight into the database; unique keys make concurrent
  writers and re-runs harmless;
* ``--out-parquet DIR``: the worker writes ``events/`` and ``articles/`` part files named
  by the partition key, articles last, so a part that exists is complete.

Into a store, the articles' stage-7 profiles (``ArticleResult.source``: provenance sketch,
fingerprints, credits, made on the workers) are stored with them, and once every
partition is stored, stage 7 runs with its costly steps spread over the workers, block by
block (``stage7.ClusterSteps``), to exactly the events of a local run.

A partition whose task fails is retried (``retries``); a worker that dies has its
partitions rescheduled by Dask. A run killed halfway and restarted resumes: articles
already stored are recognised by their content-hash id and not processed again, parts
already written are skipped, and nothing is stored twice.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence

from distributed import Client, LocalCluster, as_completed, get_worker
from distributed.diagnostics.plugin import WorkerPlugin

from ..errors import EmptyInput
from ..pipeline import ArticleResult, Options, Pipeline, RunSummary
from ..records import Article, Event, Skip
from ..store import Store, is_postgres_url
from .partitions import Partition, iter_partitions, read_partition
from .stage7 import ClusterSteps

PLUGIN_NAME = "frontlines-pipeline"
# Articles per partition by default: a partition costs ~25 ms beyond its articles (the
# task's round trip, reading its byte range, writing its Parquet parts), 10% of the time
# of 64 articles, 2-3% of 256; a worker holds one partition's results, a few MB.
PARTITION_ARTICLES = 256
# Partitions in flight per worker: enough to keep every worker busy while the client
# stores the results of the last one, few enough that memory stays flat.
IN_FLIGHT_PER_WORKER = 2
# The skip a local run (``pipeline.run``) records for an article with no text left after
# cleaning; a cluster run records the same.
EMPTY_REASON = "no text left after cleaning (only comments, widgets or boilerplate)"


@dataclass(frozen=True)
class Sink:
    """Where a worker's results go: ``client`` (returned to the client), ``postgres``
    (written by the worker) or ``parquet`` (part files under ``target``). ``lookup`` is a
    store the worker may read to skip articles stored by an earlier, interrupted run."""

    kind: str
    target: str | None = None
    lookup: str | None = None


@dataclass
class PartitionResult:
    """One partition's outcome. Positions count the partition's new articles in input order."""

    key: str
    seen: int = 0
    added: int = 0
    already: int = 0
    events: int = 0
    skips: list[Skip] = field(default_factory=list)  # inputs that could not be read
    empty: list[tuple[int, Skip]] = field(default_factory=list)  # pages with no text left, by position
    results: list[ArticleResult] = field(default_factory=list)  # client sink only
    positions: list[int] = field(default_factory=list)  # client sink: each result's position
    saved: dict[str, int] = field(default_factory=dict)  # postgres sink: path -> position of its last stored article


class PipelinePlugin(WorkerPlugin):
    """One Pipeline (and at most one store connection) per worker process."""

    name = PLUGIN_NAME

    def __init__(self, options: Options):
        self.options = options
        self.pipeline: Pipeline | None = None
        self.stores: dict[str, Store] = {}

    def setup(self, worker) -> None:
        self.pipeline = Pipeline(self.options)

    def teardown(self, worker) -> None:
        for store in self.stores.values():
            store.close()
        self.stores.clear()

    def store(self, url: str) -> Store:
        """A PostgreSQL store kept open for the worker's life."""
        if url not in self.stores:
            self.stores[url] = Store(url)
        return self.stores[url]

    def stored_ids(self, url: str, ids: list[str]) -> set[str]:
        """Ids already in the store at ``url`` (a SQLite file is opened for the call only:
        its connection may not cross the worker's threads)."""
        if is_postgres_url(url):
            return self.store(url).stored_article_ids(ids)
        if not Path(url).exists():
            return set()
        with Store.open_existing(url) as store:
            return store.stored_article_ids(ids)


def process_partition(part: Partition, sink: Sink) -> PartitionResult:
    """Stages 1-6 over one partition on a worker; results to ``sink``."""
    plugin: PipelinePlugin = get_worker().plugins[PLUGIN_NAME]
    pipe = plugin.pipeline or Pipeline(plugin.options)
    out = PartitionResult(part.key)
    articles: list[Article] = []
    seen_ids: set[str] = set()
    for item in read_partition(part):
        if isinstance(item, Skip):
            out.skips.append(item)
            continue
        out.seen += 1
        if item.article_id in seen_ids:
            out.already += 1
            continue
        seen_ids.add(item.article_id)
        articles.append(item)
    lookup = sink.lookup or (sink.target if sink.kind == "postgres" else None)
    if lookup and articles:
        stored = plugin.stored_ids(lookup, [a.article_id for a in articles])
        out.already += sum(1 for a in articles if a.article_id in stored)
        articles = [a for a in articles if a.article_id not in stored]
    results = []
    for pos, a in enumerate(articles):
        r = pipe.process(a)
        if r.clean_text.strip():
            results.append(r)
            out.positions.append(pos)
        else:  # nothing but boilerplate: a skip with its reason, as in a local run
            out.empty.append((pos, Skip(a.path or a.url or a.article_id, EmptyInput.code, EMPTY_REASON)))
    if sink.kind == "client":
        out.results = results
    elif sink.kind == "postgres":
        store = plugin.store(sink.target)
        for skip in out.skips:
            store.save_skip(skip)
        profiles = []
        for r, pos in zip(results, out.positions):
            if store.save_article(r.article, r.clean_text, r.removed, r.warnings, r.events):
                out.added += 1
                out.events += len(r.events)
                if r.source is not None:
                    profiles.append(r.source)
                if r.article.path:
                    out.saved[r.article.path] = pos
            else:
                out.already += 1
        if profiles:
            store.save_article_sources(profiles)
        out.positions = []
    elif sink.kind == "parquet":
        write_parquet_part(Path(sink.target), part.key, results, out.skips + [s for _, s in out.empty])
        out.added = len(results)
        out.events = sum(len(r.events) for r in results)
    else:
        raise ValueError(f"unknown sink {sink.kind!r}")
    return out


# -- Parquet output --------------------------------------------------------------------
def _plain(v):
    """``json.dumps`` fallback: a dataclass nested in an event's lists, as ``asdict`` gives it."""
    if dataclasses.is_dataclass(v):
        return dataclasses.asdict(v)
    raise TypeError(f"not JSON serialisable: {type(v).__name__}")


def _event_rows(results: Sequence[ArticleResult]) -> list[dict]:
    """One row per event; lists and dicts as JSON text. Read straight off the fields:
    ``dataclasses.asdict`` would deep-copy every mention first (a sixth of a worker's time)."""
    names = [f.name for f in dataclasses.fields(Event)]
    rows = []
    for r in results:
        for ev in r.events:
            rec = {}
            for k in names:
                v = getattr(ev, k)
                rec[k] = json.dumps(v, default=_plain) if isinstance(v, (list, dict)) else v
            rec["article_id"] = r.article.article_id
            rows.append(rec)
    return rows


def _arrow_type(annotation: str):
    """Arrow type of an Event field from its annotation; lists and dicts are JSON text."""
    import pyarrow as pa

    t = str(annotation)
    if t.startswith(("list", "dict")):
        return pa.string()
    for name, typ in (("bool", pa.bool_()), ("float", pa.float64()), ("int", pa.int64())):
        if t.split(" |")[0] == name:
            return typ
    return pa.string()


def _article_rows(results: Sequence[ArticleResult]) -> list[dict]:
    return [
        {
            "article_id": r.article.article_id,
            "path": r.article.path,
            "url": r.article.url,
            "title": r.article.title,
            "outlet": r.article.outlet,
            "published": r.article.published.isoformat() if r.article.published else None,
            "source_format": r.article.source_format,
            "n_events": len(r.events),
        }
        for r in results
    ]


def _write_table(rows: list[dict], schema, path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    pq.write_table(pa.Table.from_pylist(rows, schema=schema), tmp)
    os.replace(tmp, path)  # a part file is whole or absent


def parquet_schemas():
    import pyarrow as pa

    s, i = pa.string(), pa.int64()
    events = pa.schema([(f.name, _arrow_type(f.type)) for f in dataclasses.fields(Event)] + [("article_id", s)])
    articles = pa.schema(
        [("article_id", s), ("path", s), ("url", s), ("title", s), ("outlet", s), ("published", s),
         ("source_format", s), ("n_events", i)]
    )  # fmt: skip
    skips = pa.schema([("source", s), ("code", s), ("reason", s)])
    return events, articles, skips


def write_parquet_part(root: Path, key: str, results: Sequence[ArticleResult], skips: Sequence[Skip]) -> None:
    """One partition's events, skips and articles as part files; the articles file is
    written last and marks the part as done."""
    ev_schema, art_schema, skip_schema = parquet_schemas()
    _write_table(_event_rows(results), ev_schema, root / "events" / f"part-{key}.parquet")
    if skips:
        _write_table([dataclasses.asdict(s) for s in skips], skip_schema, root / "skips" / f"part-{key}.parquet")
    _write_table(_article_rows(results), art_schema, root / "articles" / f"part-{key}.parquet")


def parquet_part_done(root: Path, key: str) -> bool:
    return (root / "articles" / f"part-{key}.parquet").exists()


# -- the run ---------------------------------------------------------------------------
def _connect(scheduler: str | None, workers: int | None) -> tuple[Client, LocalCluster | None]:
    if scheduler:
        return Client(scheduler), None
    n = workers or os.cpu_count() or 1
    cluster = LocalCluster(
        n_workers=n,
        threads_per_worker=1,
        processes=True,
        dashboard_address=":0",
        silence_logs=logging.ERROR,
    )
    return Client(cluster), cluster


def run_dask(
    inputs: Sequence[str | os.PathLike],
    db: str | os.PathLike = "frontlines.db",
    *,
    options: Options | None = None,
    scheduler: str | None = None,
    workers: int | None = None,
    out_parquet: str | os.PathLike | None = None,
    partition_size: int = PARTITION_ARTICLES,
    retries: int = 2,
    progress: Callable[[int, int | None], None] | None = None,
    stage7_task_reports: int | None = None,
    wait: float | None = None,
    on_wait: Callable[[dict | None], None] | None = None,
) -> RunSummary:
    """Run ``inputs`` on a Dask cluster (``scheduler`` address, or a local cluster of
    ``workers`` processes): stages 1-6 into the store at ``db`` or a Parquet dataset, then
    stage 7 in a store, with its steps on the workers (``stage7_task_reports``: reports per
    block and per task, instead of ``stage7``'s sizes). Into a store, the run is its one
    writer (``Store.writer``; ``wait`` and ``on_wait`` as in ``pipeline.run``)."""
    options = options or Options()
    summary = RunSummary()
    db = str(db)
    if out_parquet is not None:
        sink = Sink("parquet", str(Path(out_parquet).resolve()))
    elif is_postgres_url(db):
        sink = Sink("postgres", db)
    else:
        # a local cluster shares this machine's files: workers may read the SQLite store
        # to skip articles an interrupted run already stored
        sink = Sink("client", lookup=None if scheduler else str(Path(db).resolve()))
    if not scheduler:
        from ..gazetteer import Gazetteer

        Gazetteer.open(options.gazetteer_path)  # build the index once, before the workers open it
    store = Store(db) if sink.kind in ("client", "postgres") else None
    writing = contextlib.ExitStack()
    if store is not None:
        try:
            writing.enter_context(store.writer(wait=wait, on_wait=on_wait))
        except BaseException:
            store.close()
            raise
    try:
        client, cluster = _connect(scheduler, workers)
    except BaseException:
        writing.close()
        if store is not None:
            store.close()
        raise
    try:
        client.register_plugin(PipelinePlugin(options), name=PLUGIN_NAME)
        n_workers = max(1, sum(client.nthreads().values()))
        window = IN_FLIGHT_PER_WORKER * n_workers + 1
        parts = iter_partitions(inputs, size=partition_size)
        submitted: set[str] = set()
        pending = as_completed()
        in_flight: dict[str, Partition] = {}  # future key -> its partition
        listing: dict[str, int] = {}  # future key -> position of its partition in the input
        empty = EmptyPages()
        done = 0
        total: int | None = None
        listed = 0

        def submit_next() -> bool:
            nonlocal total, listed
            for item in parts:
                if isinstance(item, Skip):
                    summary.skips.append(item)
                    if store is not None:
                        store.save_skip(item)
                    continue
                if item.key in submitted:
                    continue
                submitted.add(item.key)
                listed += 1
                if sink.kind == "parquet" and parquet_part_done(Path(sink.target), item.key):
                    _count_done_part(summary, Path(sink.target), item)
                    continue
                fut = client.submit(
                    process_partition, item, sink, key=f"frontlines-{item.key}", retries=retries, pure=False
                )
                in_flight[fut.key], listing[fut.key] = item, listed
                pending.add(fut)
                return True
            total = listed
            return False

        for _ in range(window):
            if not submit_next():
                break
        for fut in pending:
            res: PartitionResult = fut.result()
            part, place = in_flight.pop(fut.key), listing.pop(fut.key)
            fut.release()
            saved = _merge(summary, res, store if sink.kind == "client" else None)
            if store is not None:
                empty.add(store, place, part.kind != "files", res.empty, saved)
            summary.skips.extend(s for _, s in res.empty)
            done += 1
            submit_next()
            if progress:
                progress(done, total)
        if store is not None:
            empty.finish(store)
            sizes = {} if stage7_task_reports is None else {"block_reports": stage7_task_reports, "task_reports": stage7_task_reports}
            _corroborate(store, summary, ClusterSteps(client, **sizes))
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
        writing.close()
        if store is not None:
            store.close()
    return summary


def _corroborate(store: Store, summary: RunSummary, steps: ClusterSteps) -> None:
    """Stage 7 once every partition is stored, as the local run does, its costly steps
    on the cluster."""
    from ..corroborate import corroborate_store

    with store.exclusive("corroborate"):  # one pass at a time on a shared PostgreSQL ledger
        summary.corroboration = corroborate_store(store, steps=steps)


def _count_done_part(summary: RunSummary, root: Path, part: Partition) -> None:
    """A part written by an earlier run: its articles count as read and already stored."""
    import pyarrow.parquet as pq

    n = pq.ParquetFile(root / "articles" / f"part-{part.key}.parquet").metadata.num_rows
    summary.seen += n
    summary.already += n


def _merge(summary: RunSummary, res: PartitionResult, store: Store | None) -> dict[str, int]:
    """Count a partition's outcome and, for the client sink, store its results; the path ->
    position of the last article stored from each file (see ``EmptyPages``)."""
    summary.seen += res.seen
    summary.already += res.already
    summary.skips.extend(res.skips)
    if store is None:
        summary.added += res.added
        summary.events += res.events
        return res.saved
    for skip in res.skips:
        store.save_skip(skip)
    profiles = []
    saved: dict[str, int] = {}
    for r, pos in zip(res.results, res.positions):
        if store.save_article(r.article, r.clean_text, r.removed, r.warnings, r.events):
            summary.added += 1
            summary.events += len(r.events)
            if r.source is not None:
                profiles.append(r.source)
            if r.article.path:
                saved[r.article.path] = pos
        else:
            summary.already += 1
    if profiles:
        store.save_article_sources(profiles)
    return saved


class EmptyPages:
    """The skips of pages with no text left after cleaning, left in the store as a local
    run leaves them.

    A local run stores articles in input order, and storing an article deletes the skips
    of its file (it reads fine now): the skip of an empty record in a JSONL file survives
    only when no later record of that file is stored. Partitions finish in any order, so
    the skip is kept or dropped by position: within its partition at once; for a file cut
    into several partitions, at the end of the run, against the last record stored from
    that file (known for cut files only, a handful, so this stays small)."""

    def __init__(self) -> None:
        self.pending: list[tuple[int, int, Skip]] = []  # (partition, position, skip) in cut files
        self.last_stored: dict[str, tuple[int, int]] = {}  # cut file -> (partition, position)

    def add(self, store: Store, place: int, cut: bool, empty: list[tuple[int, Skip]], saved: dict[str, int]) -> None:
        """One partition's empty pages (``place``: its position in the input; ``cut``: it
        is a part of a file) and the position of the last article stored from each file."""
        for pos, skip in empty:
            if saved.get(skip.source, -1) > pos:
                continue  # a later record of the same file was stored: the skip is gone
            if cut:
                self.pending.append((place, pos, skip))
            else:
                store.save_skip(skip)
        if cut:
            for path, pos in saved.items():
                self.last_stored[path] = max(self.last_stored.get(path, (-1, -1)), (place, pos))

    def finish(self, store: Store) -> None:
        for place, pos, skip in self.pending:
            if self.last_stored.get(skip.source, (-1, -1)) < (place, pos):
                store.save_skip(skip)
