"""Stage 7 (corroborate) on a Dask cluster, with exactly the results of a local run.

``corroborate.corroborate_store`` keeps every step that decides ids, history and what is
written; it hands its three costly steps to a ``LocalSteps`` object. ``ClusterSteps`` is
one that runs them on the cluster's workers:

* **clustering, per block.** Reports are cut into blocks: a *region* (country and
  family group: no two reports of different regions can ever be linked) times a *date
  window* (consecutive anchor days holding about ``block_reports`` reports). A block task
  gets its window's reports (the core) plus the reports of the same region within reach
  of them on either side (the margin: a pair is only a candidate when the anchors are no
  further apart than the larger of the two date slacks). It computes every link that
  touches a core report (``Clusterer.edges``: a link depends on its two reports only)
  and groups the core reports into the connected components of those links. A component
  with no margin report is complete, every link of every member being known, and is
  clustered on the worker (``Clusterer.link``). The others cross a block border: the
  worker returns their links, and the client **reconciles the borders** by joining
  those links across blocks and clustering each joined component. Clusters of different
  components never interact in ``Clusterer.link``, so the union equals
  ``Clusterer.cluster`` over all reports, report for report.
* **provenance roots.** ``provenance.reuse_roots`` compares the sketches of articles
  that share a sentence fingerprint or a sketch value; the workers make those
  comparisons, a share of the shared keys each, and the client joins the near-duplicate
  pairs they found into the same groups and picks the same root of each.
* **building events**, a batch of clusters per task.

Tasks go out in a bounded window (``map_bounded``): workers hold one block or batch at a
time, and the client, besides what a local pass holds, a few tasks' inputs.
"""

from __future__ import annotations

import dataclasses
import operator
import pickle
from typing import Any, Callable, Iterator, Sequence

from distributed import as_completed

from ..corroborate import Built, Clusterer, EventBuilder, LocalSteps, Report
from ..provenance import ArticleSource, SourceBook, reuse_roots, roots_of, shared_key_groups

# The fields a worker needs to cluster a report, sent as a plain tuple (half the cost of
# pickling the dataclass): all but the record, which stays on the client.
CLUSTER_FIELDS = tuple(f.name for f in dataclasses.fields(Report) if f.name != "record")

# Reports per event-building task: big enough that a task's work (about 0.5 ms a report)
# dwarfs Dask's per-task cost (about 1 ms), small enough that a worker holds a few MB.
TASK_REPORTS = 5_000
# Core reports per clustering block. A block also carries its margins (up to a month of
# its region on either side), and clustering a block costs somewhat more than linearly,
# so blocks stay moderate: at 5,000 the margins of a dense feed (100 reports a day) add
# a quarter, and 1,000,000 reports make 200 tasks for the workers to share.
BLOCK_REPORTS = 5_000
# Sketch comparisons per provenance task, for the same reasons (about 10 µs each).
TASK_PAIRS = 50_000
# Tasks out per worker at a time: one running, one waiting, so that a worker never idles
# while the client pickles the next input, and the client holds few inputs at once.
IN_FLIGHT_PER_WORKER = 2


def _find(parent: dict, x):
    """Root of ``x`` in a union-find forest kept in a dict (path halving)."""
    while parent.setdefault(x, x) != x:
        parent[x] = parent[parent[x]]
        x = parent[x]
    return x


# -- clustering by block ---------------------------------------------------------------
@dataclasses.dataclass
class Block:
    """A date window of one region: ``core`` report indices, then ``margin`` ones."""

    core: list[int]
    margin: list[int]


def plan_blocks(clusterer: Clusterer, reports: Sequence[Report], task_reports: int) -> list[Block]:
    """Blocks of about ``task_reports`` core reports covering every report once as core.

    A region is (country, family group): ``Clusterer.candidate_pairs`` only pairs reports
    of one region. Within a region, reports are sorted by anchor day and cut between two
    different days; a block's margin holds every other report of the region that could
    pair with a core report (distance to the core's days within the larger slack)."""
    regions: dict[tuple, list[int]] = {}
    for i, r in enumerate(reports):
        regions.setdefault((r.iso3, clusterer.groups.get(r.family, r.family)), []).append(i)
    blocks = []
    for key in sorted(regions, key=lambda k: (str(k[0]), str(k[1]))):
        idx = sorted(regions[key], key=lambda i: (reports[i].anchor, reports[i].order))
        reach = max(reports[i].slack for i in idx)  # no pair spans more days than this
        start = 0
        while start < len(idx):
            end = min(len(idx), start + task_reports)
            while end < len(idx) and reports[idx[end]].anchor == reports[idx[end - 1]].anchor:
                end += 1
            lo, hi = reports[idx[start]].anchor, reports[idx[end - 1]].anchor
            core_slack = max(reports[i].slack for i in idx[start:end])
            margin = []
            k = start - 1
            while k >= 0 and lo - reports[idx[k]].anchor <= reach:
                if lo - reports[idx[k]].anchor <= max(core_slack, reports[idx[k]].slack):
                    margin.append(idx[k])
                k -= 1
            k = end
            while k < len(idx) and reports[idx[k]].anchor - hi <= reach:
                if reports[idx[k]].anchor - hi <= max(core_slack, reports[idx[k]].slack):
                    margin.append(idx[k])
                k += 1
            blocks.append(Block(idx[start:end], margin))
            start = end
    return blocks


@dataclasses.dataclass
class BlockResult:
    """What a block task returns: finished clusters and the links of border components
    (all as indices into the reports of the whole pass)."""

    clusters: list[list[int]]
    border_edges: list[tuple]


def cluster_blocks(clusterer: Clusterer, work: list[tuple[Block, list[tuple]]]) -> BlockResult:
    """Cluster the blocks of one task on a worker (see the module docstring); each block's
    reports come as tuples of ``CLUSTER_FIELDS`` (core, then margin)."""
    out = BlockResult([], [])
    for block, rows in work:
        reps = [Report(*row) for row in rows]
        ids = block.core + block.margin  # local index -> index in the whole pass
        n_core = len(block.core)
        edges = [e for e in clusterer.edges(reps) if e[3] < n_core or e[4] < n_core]
        parent: dict[int, int] = {}
        for e in edges:
            a, b = _find(parent, e[3]), _find(parent, e[4])
            if a != b:
                parent[a] = b
        on_border = {_find(parent, m) for m in range(n_core, len(reps)) if m in parent}
        inner = []
        for e in edges:
            if _find(parent, e[3]) in on_border:
                out.border_edges.append((e[0], e[1], e[2], ids[e[3]], ids[e[4]]))
            else:
                inner.append(e)
        for c in clusterer.link(reps, inner):
            # margin reports and border-component members come back as singletons here
            if c[0] < n_core and not (c[0] in parent and _find(parent, c[0]) in on_border):
                out.clusters.append([ids[k] for k in c])
    return out


def reconcile_borders(clusterer: Clusterer, reports: Sequence[Report], edges: Iterator[tuple]) -> list[list[int]]:
    """Clusters of the components that cross block borders: their links, found by the
    blocks on both sides of a border, are joined (each once) and clustered together."""
    unique = set(edges)
    parent: dict[int, int] = {}
    for e in unique:
        a, b = _find(parent, e[3]), _find(parent, e[4])
        if a != b:
            parent[a] = b
    comps: dict[int, list[tuple]] = {}
    for e in unique:
        comps.setdefault(_find(parent, e[3]), []).append(e)
    clusters = []
    for comp in comps.values():
        members = sorted({i for e in comp for i in (e[3], e[4])})
        local = {g: k for k, g in enumerate(members)}
        sub = [reports[g] for g in members]
        for c in clusterer.link(sub, [(e[0], e[1], e[2], local[e[3]], local[e[4]]) for e in comp]):
            clusters.append([members[k] for k in c])
    return clusters


# -- provenance roots ------------------------------------------------------------------
def similar(a: frozenset[int], b: frozenset[int], size: int, threshold: float) -> bool:
    """``provenance.jaccard(a, b, size) >= threshold`` for two sketches given as sets, in a
    tenth of the time. The estimate counts the values of both among the ``size`` smallest
    of the union; that count is at most the whole intersection, so a pair whose whole
    intersection falls short is rejected without sorting (most pairs that share a key
    share little else). Otherwise the same count over the same union: the same ratio."""
    if not a or not b:
        return 0.0 >= threshold  # provenance.jaccard of an empty sketch
    inter = a & b
    k = min(size, len(a) + len(b) - len(inter))  # how many values the estimate looks at
    if len(inter) / k < threshold:
        return False
    union_k = sorted(a | b)[:size]
    return sum(1 for x in union_k if x in inter) / len(union_k) >= threshold


def near_duplicate_pairs(groups: list[list[str]], sketches: dict[str, list[int]], threshold: float, size: int) -> list[tuple[str, str]]:
    """On a worker: pairs of articles in ``groups`` whose sketches are near-duplicates,
    enough of them to connect what all such pairs connect (pairs already connected are
    not compared, as in ``reuse_roots``)."""
    sets = {a: frozenset(s) for a, s in sketches.items()}
    parent: dict[str, str] = {}
    found = []
    for ids in groups:
        for i, a in enumerate(ids):
            for b in ids[i + 1 :]:
                ra, rb = _find(parent, a), _find(parent, b)
                if ra == rb:
                    continue
                if similar(sets[a], sets[b], size, threshold):
                    parent[ra] = rb
                    found.append((a, b))
    return found


def roots_from_pairs(srcs: dict[str, ArticleSource], pairs: Iterator[tuple[str, str]]) -> dict[str, str]:
    """Article id -> root, from near-duplicate pairs: groups are connected components and
    each group's root is chosen as in ``provenance.reuse_roots``."""
    parent: dict[str, str] = {}
    for a, b in pairs:
        ra, rb = _find(parent, a), _find(parent, b)
        if ra != rb:
            parent[ra] = rb
    return roots_of(srcs, lambda a: _find(parent, a))


def _call_packed(fn: Callable, blob: bytes):
    """On a worker: ``fn`` over the arguments pickled in ``blob`` (see ``map_bounded``)."""
    return fn(*pickle.loads(blob))


def map_bounded(client, fn: Callable, arguments: Iterator[tuple], per_worker: int = IN_FLIGHT_PER_WORKER) -> Iterator:
    """``fn(*args)`` on the workers for each tuple of ``arguments``, results in order.

    At most ``per_worker`` tasks per worker (plus one) are out at a time and ``arguments``
    is drawn only as tasks finish, so the client never holds more than a window of
    pickled inputs, as in the stage 1-6 run. The arguments are pickled here: Dask would
    otherwise walk every element of the nested lists (hundreds of thousands of reports)
    looking for futures, which costs more than the task itself."""
    window = per_worker * max(1, sum(client.nthreads().values())) + 1
    todo = enumerate(arguments)
    pending = as_completed()
    position: dict[str, int] = {}
    finished: dict[int, Any] = {}
    following = 0

    def submit_next() -> None:
        item = next(todo, None)
        if item is not None:
            fut = client.submit(_call_packed, fn, pickle.dumps(item[1], protocol=pickle.HIGHEST_PROTOCOL), pure=False)
            position[fut.key] = item[0]
            pending.add(fut)

    for _ in range(window):
        submit_next()
    for fut in pending:
        finished[position.pop(fut.key)] = fut.result()
        fut.release()
        submit_next()
        while following in finished:
            yield finished.pop(following)
            following += 1


def _batches(items: Sequence, weight, limit: int) -> Iterator[list]:
    """Consecutive runs of ``items`` whose ``weight`` adds up to about ``limit``."""
    batch: list = []
    total = 0
    for it in items:
        batch.append(it)
        total += weight(it)
        if total >= limit:
            yield batch
            batch, total = [], 0
    if batch:
        yield batch


class ClusterSteps(LocalSteps):
    """``LocalSteps`` on the workers of a Dask ``client``: same results, in parallel.

    ``task_reports`` and ``task_pairs`` size the tasks; a step whose whole input is one
    task's worth runs in this process instead (shipping it would only add time)."""

    def __init__(
        self, client, *, block_reports: int = BLOCK_REPORTS, task_reports: int = TASK_REPORTS, task_pairs: int = TASK_PAIRS
    ):
        self.client = client
        self.block_reports = block_reports
        self.task_reports = task_reports
        self.task_pairs = task_pairs

    def cluster(self, clusterer: Clusterer, reports: Sequence[Report]) -> list[list[int]]:
        if len(reports) <= self.block_reports:
            return clusterer.cluster(reports)
        blocks = plan_blocks(clusterer, reports, self.block_reports)
        fields = operator.attrgetter(*CLUSTER_FIELDS)  # plain tuples pickle at half the cost
        work = (
            (clusterer, [(b, [fields(reports[i]) for i in b.core + b.margin]) for b in batch])
            for batch in _batches(blocks, lambda b: len(b.core) + len(b.margin), self.block_reports)
        )
        clusters: list[list[int]] = []
        border: list[tuple] = []
        for res in map_bounded(self.client, cluster_blocks, work):
            clusters.extend(res.clusters)
            border.extend(res.border_edges)
        clusters.extend(reconcile_borders(clusterer, reports, iter(border)))
        clusters.sort(key=lambda c: reports[c[0]].order)
        return clusters

    def roots(self, sources: dict[str, ArticleSource], settings: dict[str, Any]) -> dict[str, str]:
        groups = shared_key_groups(sources)
        pairs_of = lambda ids: len(ids) * (len(ids) - 1) // 2  # noqa: E731
        if sum(pairs_of(g) for g in groups) <= self.task_pairs:
            return reuse_roots(sources.values(), settings)
        threshold = float(settings["reuse"]["near_duplicate"])
        size = int(settings["reuse"]["sketch_size"])
        work = (
            (batch, {a: sources[a].sketch for ids in batch for a in ids}, threshold, size)
            for batch in _batches(groups, pairs_of, self.task_pairs)
        )
        pairs = [p for found in map_bounded(self.client, near_duplicate_pairs, work) for p in found]
        return roots_from_pairs(sources, iter(pairs))

    def build(
        self, builder: EventBuilder, jobs: Sequence[tuple[str, list[Report]]], sources: dict[str, ArticleSource], roots: dict[str, str]
    ) -> list[Built]:
        if sum(len(m) for _, m in jobs) <= self.task_reports or type(builder.book) is not SourceBook:
            return super().build(builder, jobs, sources, roots)  # small, or a book of the caller's own

        def work() -> Iterator[tuple]:
            for batch in _batches(jobs, lambda job: len(job[1]), self.task_reports):
                arts = {r.article_id for _, members in batch for r in members}
                arts |= {roots[a] for a in arts if a in roots}  # a reprint's origin is read too
                yield (builder.settings, batch, {a: sources[a] for a in arts if a in sources}, {a: roots[a] for a in arts if a in roots})

        return [b for part in map_bounded(self.client, _build_batch, work()) for b in part]


def _build_batch(settings: dict[str, Any], jobs, sources, roots) -> list[Built]:
    """On a worker: build the events of a batch of clusters. The builder is made here (its
    source book holds compiled patterns that do not travel; ~40 ms a task)."""
    builder = EventBuilder(settings)
    return [builder.build(event_id, members, sources, roots) for event_id, members in jobs]
