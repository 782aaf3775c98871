"""The orchestrator: one article in, its events out; many articles into the store.

Stage order (SPEC):

1. ingest      ``ingest.iter_articles``  - readers, metadata inference, content-hash ids
2. clean       ``clean.clean``           - boilerplate and comment threads out, offset map kept
3. segment     ``segment.segment``       - paragraphs and sentences
4. annotate    places (gazetteer), actors, casualties, dates, attribution and hedges
5. extract     ``extract.Extractor``     - event mentions with type, actors, date, toll, claim
6. geocode     ``geocode.geocode``       - places to gazetteer entries with precision
   assemble    ``assemble.build_events`` - mentions of one article merged into events
8. store       ``store.Store``           - SQLite, idempotent

Stages 2-6 are a pure function of the article (``Pipeline.process``) so a worker process,
or a cluster worker later, can run them; only the main process writes to the store.
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Sequence

from . import assemble, clean, geocode, segment
from .annotate.actors import ActorAnnotator
from .annotate.attribution import AttributionAnnotator
from .annotate.dates import DateAnnotator
from .annotate.numbers import CasualtyAnnotator
from .annotate.places import annotate_places
from .extract import Extractor, Lexicon, load_thresholds
from .gazetteer import Gazetteer
from .ingest import article_id, infer_metadata, iter_articles
from .errors import EmptyInput
from .records import Article, Doc, Event, Skip
from .store import Store

# Below this many new articles a run stays in one process: starting workers (each opens
# the gazetteer and compiles the lexicons, ~0.3 s) costs more than it saves.
MIN_ARTICLES_FOR_WORKERS = 32
# Provenance profiles from the workers are written this many at a time (one transaction).
SOURCE_BATCH = 200
# Stage 7 builds its events on the worker pool when a pass builds at least this many: on
# FA-KES (2,436 events) building takes ~0.9 s in one process and shipping the clusters
# there and back ~0.15 s, so a few hundred events are where the second core starts to pay.
MIN_EVENTS_FOR_POOL = 300
# Batches per worker for stage 7's event building: more than one, so that a worker that
# drew the big incidents does not hold up the others.
BUILD_BATCHES_PER_WORKER = 4


@dataclass
class Options:
    """What a user can change without touching code."""

    gazetteer_path: Path | None = None
    lexicon_files: tuple[Path, ...] = ()
    actor_files: tuple[Path, ...] = ()
    thresholds_file: Path | None = None


@dataclass
class ArticleResult:
    article: Article
    clean_text: str
    removed: list
    warnings: list[str]
    events: list[Event]
    # stage 7's per-article profile (reuse sketch, sentence fingerprints, credit lines),
    # computed here in the worker so the single corroboration pass does not have to
    source: Any = None  # provenance.ArticleSource


class Pipeline:
    """Stages 2-6 for one article; resources load on first use, not at import."""

    def __init__(self, options: Options | None = None):
        self.options = options or Options()
        self._stages: list[tuple[str, Callable[[Doc], object]]] | None = None
        self.thresholds = load_thresholds(self.options.thresholds_file)
        self._gaz: Gazetteer | None = None
        self._stage7_settings: dict | None = None
        self._builder: Any = None  # corroborate.EventBuilder, made on first use

    @property
    def gazetteer(self) -> Gazetteer:
        if self._gaz is None:
            self._gaz = Gazetteer.open(self.options.gazetteer_path)
        return self._gaz

    @property
    def stage7_settings(self) -> dict:
        """Stage 7's settings (``data/corroboration.toml``): the workers profile each
        article for it (``ArticleResult.source``) and build its events."""
        if self._stage7_settings is None:
            from .provenance import load_settings

            self._stage7_settings = load_settings()
        return self._stage7_settings

    def event_builder(self):
        """Stage 7's ``corroborate.EventBuilder`` (its source book compiles the attribution
        patterns: made once, before the workers fork, like the stages)."""
        if self._builder is None:
            from .corroborate import EventBuilder

            self._builder = EventBuilder(self.stage7_settings)
        return self._builder

    def stages(self) -> list[tuple[str, Callable[[Doc], object]]]:
        """The registered stages in order, each a callable over the Doc."""
        if self._stages is None:
            # the gazetteer (a SQLite connection) opens on the first article, not here, so a
            # built pipeline can be inherited by forked workers (``process_many``)
            actors = ActorAnnotator(extra_files=self.options.actor_files)
            casualties = CasualtyAnnotator()
            dates = DateAnnotator()
            attribution = AttributionAnnotator()
            extractor = Extractor(Lexicon.load(self.options.lexicon_files), self.thresholds)

            def add(annotate):
                return lambda doc: doc.spans.extend(annotate(doc))

            self._stages = [
                ("segment", segment.segment),
                ("places", add(lambda doc: annotate_places(doc, self.gazetteer))),
                ("actors", add(actors.annotate)),
                ("casualties", add(casualties.annotate)),
                ("dates", add(dates.annotate)),
                ("attribution", add(attribution.annotate)),
                ("extract", extractor),
                ("geocode", lambda doc: geocode.geocode(doc, self.gazetteer)),
            ]
        return self._stages

    def annotate(self, article: Article) -> Doc:
        """Stages 2-6: the Doc with spans and geocoded mentions."""
        doc = clean.clean(article)
        for name, stage in self.stages():
            stage(doc)
        return doc

    def process(self, article: Article) -> ArticleResult:
        doc = self.annotate(article)
        events = assemble.build_events(
            article.article_id, doc.mentions, float(self.thresholds["dedupe"]["same_place_km"])
        )
        source = None
        if doc.text.strip():
            from .provenance import article_source

            published = article.published.isoformat() if article.published else None
            source = article_source(article.article_id, article.outlet, published, doc.text, self.stage7_settings)
        return ArticleResult(article, doc.text, doc.removed, doc.warnings, events, source)


# -- worker processes ----------------------------------------------------------------------
# One Pipeline per worker process, built by the pool initializer (process-local, never
# shared: this is the standard multiprocessing pattern, not module state of the library).
_worker_pipeline: Pipeline | None = None


def _init_worker(options: Options, built: Pipeline | None = None) -> None:
    """Give this worker its pipeline: ``built`` (compiled once in the parent and inherited
    by fork, ~1 s of regexes and dictionaries saved per worker) or a new one."""
    global _worker_pipeline
    _worker_pipeline = built if built is not None else Pipeline(options)
    _worker_pipeline.stages()


def _work(article: Article) -> ArticleResult:
    assert _worker_pipeline is not None
    return _worker_pipeline.process(article)


def _build_events(task: tuple) -> list:
    """Stage 7 on a worker: build one batch of events (``PoolSteps``)."""
    assert _worker_pipeline is not None
    jobs, sources, roots = task
    builder = _worker_pipeline.event_builder()
    return [builder.build(event_id, members, sources, roots) for event_id, members in jobs]


class PoolSteps:
    """Stage 7's event building (``corroborate.LocalSteps.build``) on the run's worker
    pool; the other steps stay in this process. Each event is built from its own cluster
    alone, so the events are the same wherever they are built."""

    def __init__(self, pool, workers: int):
        from .corroborate import LocalSteps

        self._local = LocalSteps()
        self.pool, self.workers = pool, workers
        self.roots, self.cluster = self._local.roots, self._local.cluster

    def build(self, builder, jobs, sources, roots) -> list:
        if len(jobs) < MIN_EVENTS_FOR_POOL:
            return self._local.build(builder, jobs, sources, roots)
        from .corroborate import build_inputs

        size = -(-len(jobs) // (self.workers * BUILD_BATCHES_PER_WORKER))
        tasks = [build_inputs(jobs[i : i + size], sources, roots) for i in range(0, len(jobs), size)]
        return [built for part in self.pool.imap(_build_events, tasks) for built in part]


@dataclass
class RunSummary:
    seen: int = 0
    added: int = 0
    already: int = 0
    events: int = 0
    skips: list[Skip] = field(default_factory=list)
    corroboration: object | None = None  # corroborate.CorroborationSummary of stage 7


def process_many(
    articles: Sequence[Article], options: Options | None = None, workers: int | None = None
) -> Iterator[ArticleResult]:
    """Stages 2-6 over many articles, in input order, in parallel when it pays."""
    options = options or Options()
    with _worker_pool(options, workers, len(articles)) as (pool, pipe, _):
        if pool is None:
            yield from map(pipe.process, articles)
        else:
            yield from pool.imap(_work, articles, chunksize=8)


@contextlib.contextmanager
def _worker_pool(options: Options, workers: int | None, n: int) -> Iterator[tuple[Any, Pipeline, int]]:
    """``(pool, pipeline, workers)`` for ``n`` articles: a pool of worker processes, or None
    when one process is quicker (then the pipeline runs here). Forked workers inherit the
    pipeline compiled here, stage 7's event builder included."""
    workers = workers if workers is not None else (os.cpu_count() or 1)
    if workers <= 1 or n < MIN_ARTICLES_FOR_WORKERS:
        yield None, Pipeline(options), 1
        return
    # the gazetteer index is built once here, before the workers open it
    Gazetteer.open(options.gazetteer_path)
    fork = sys.platform.startswith("linux")
    ctx = mp.get_context("fork" if fork else "spawn")
    built = Pipeline(options)
    if fork:  # compile once; each forked worker opens its own gazetteer connection
        built.stages()
        built.event_builder()
    with ctx.Pool(workers, initializer=_init_worker, initargs=(options, built if fork else None)) as pool:
        yield pool, built, workers


def run(
    inputs: Sequence[str | os.PathLike],
    db: str | os.PathLike = "frontlines.db",
    *,
    options: Options | None = None,
    workers: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    stdin=None,
) -> RunSummary:
    """Ingest ``inputs`` and run the whole pipeline into the store at ``db``."""
    summary = RunSummary()
    with Store(db) as store:
        new: list[Article] = []
        seen_ids: set[str] = set()
        # the store's own files when it lives inside an input folder are not inputs
        own = {str(Path(db).resolve()) + suffix for suffix in ("", "-wal", "-shm", "-journal")} if "://" not in str(db) else set()
        for item in iter_articles(inputs, stdin=stdin):
            if isinstance(item, Skip) and str(Path(item.source).resolve()) in own:
                continue
            if isinstance(item, Skip):
                summary.skips.append(item)
                store.save_skip(item)
                continue
            summary.seen += 1
            if item.article_id in seen_ids or store.has_article(item.article_id):
                summary.already += 1
                continue
            seen_ids.add(item.article_id)
            new.append(item)
        with _worker_pool(options or Options(), workers, len(new)) as (pool, pipe, n_workers):
            _store_results(store, new, pool, pipe, summary, progress)
            # stage 7: the new articles' events join the stored events of the same incidents;
            # forked workers hold the same event builder, so they can build the events
            from .corroborate import corroborate_store

            forked = pool is not None and sys.platform.startswith("linux")
            steps, book = (PoolSteps(pool, n_workers), pipe.event_builder().book) if forked else (None, None)
            with store.exclusive("corroborate"):  # one pass at a time on a shared PostgreSQL ledger
                summary.corroboration = corroborate_store(store, settings=pipe.stage7_settings, book=book, steps=steps)
    return summary


def _store_results(store: Store, new: list[Article], pool, pipe: Pipeline, summary: RunSummary, progress) -> None:
    """Stages 2-6 over ``new`` (on ``pool`` or with ``pipe``), each result stored as it comes."""
    done = 0
    profiles: list = []  # the workers' provenance profiles, saved in batches
    results = pool.imap(_work, new, chunksize=8) if pool is not None else map(pipe.process, new)
    for result in results:
        if not result.clean_text.strip():
            # nothing but boilerplate: a skip with its reason, not an empty article
            art = result.article
            skip = Skip(art.path or art.url or art.article_id, EmptyInput.code, "no text left after cleaning (only comments, widgets or boilerplate)")
            summary.skips.append(skip)
            store.save_skip(skip)
        elif store.save_article(result.article, result.clean_text, result.removed, result.warnings, result.events):
            summary.added += 1
            summary.events += len(result.events)
            if result.source is not None:
                profiles.append(result.source)
        if len(profiles) >= SOURCE_BATCH:
            store.save_article_sources(profiles)
            profiles = []
        done += 1
        if progress:
            progress(done, len(new))
    if profiles:
        store.save_article_sources(profiles)


def make_article(
    text: str,
    *,
    title: str | None = None,
    published=None,
    outlet: str | None = None,
    url: str | None = None,
) -> Article:
    """An Article from a string, with metadata inferred from the text where not given."""
    import datetime as dt

    if isinstance(published, str):
        published = dt.date.fromisoformat(published[:10])
    body = f"{title}\n\n{text}" if title and not text.lstrip().startswith(title) else text
    art = Article(
        article_id=article_id(body),
        text=body,
        title=title,
        url=url,
        outlet=outlet,
        published=published,
        source_format="text",
    )
    return infer_metadata(art)


def extract_text(
    text: str,
    *,
    published=None,
    title: str | None = None,
    outlet: str | None = None,
    pipeline: Pipeline | None = None,
) -> list[Event]:
    """The events of one article given as a string (library entry point)."""
    pipe = pipeline or Pipeline()
    return pipe.process(make_article(text, title=title, published=published, outlet=outlet)).events


