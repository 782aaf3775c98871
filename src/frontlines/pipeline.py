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
import gc
import multiprocessing as mp
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator, Sequence

from . import assemble, clean, geocode, segment
from .annotate.actors import ActorAnnotator
from .annotate.attribution import AttributionAnnotator
from .annotate.dates import DateAnnotator
from .annotate.numbers import CasualtyAnnotator
from .extract import Extractor, Lexicon, load_thresholds
from .gazetteer import Gazetteer
from .ingest import MAX_YEAR, MIN_YEAR, _describe, article_id, infer_metadata, iter_articles
from .errors import BadMetadata, EmptyInput, InputError, NotStored, ProcessingFailed
from .records import Article, Doc, Event, Skip, copy_key
from .store import Store

# Below this many new articles a run stays in one process: starting workers (each opens
# the gazetteer and compiles the lexicons, ~0.3 s) costs more than it saves.
MIN_ARTICLES_FOR_WORKERS = 32
# Processed articles are stored this many at a time, one transaction each: per article,
# the commits cost the main process 0.67 CPU s on FA-KES's 804 articles, in batches of 64
# 0.37 s (256: 0.30 s); a crash loses at most one batch, which the next run redoes.
SAVE_BATCH = 64


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
        self._geoparser: Any = None  # geoparser.Geoparser on self.gazetteer, made on first use
        self._reuse_settings: dict | None = None  # stage 7's settings, for ArticleResult.source
        self._attribution: AttributionAnnotator | None = None
        self._book: Any = None  # provenance.SourceBook, built by ``source_book``

    @property
    def gazetteer(self) -> Gazetteer:
        if self._gaz is None:
            self._gaz = Gazetteer.open(self.options.gazetteer_path)
        return self._gaz

    @property
    def geoparser(self):
        """Stage 4's place annotation (``geoparser.Geoparser``, the one code path that
        ``frontlines.geoparse`` and the geoparse benchmark use), on this pipeline's gazetteer."""
        if self._geoparser is None:
            from .geoparser import Geoparser

            self._geoparser = Geoparser(self.gazetteer)
        return self._geoparser

    def stages(self) -> list[tuple[str, Callable[[Doc], object]]]:
        """The registered stages in order, each a callable over the Doc."""
        if self._stages is None:
            # the gazetteer (a SQLite connection) opens on the first article, not here, so a
            # built pipeline can be inherited by forked workers (``process_many``)
            actors = ActorAnnotator(
                extra_files=self.options.actor_files,
                place_lookback=int(self.thresholds["geocode"]["place_lookback_sentences"]),
            )
            casualties = CasualtyAnnotator(single_incident_min_toll=int(self.thresholds["casualties"]["single_incident_min_toll"]))
            dates = DateAnnotator()
            attribution = self._attribution = AttributionAnnotator()
            extractor = Extractor(Lexicon.load(self.options.lexicon_files), self.thresholds)

            def add(annotate):
                return lambda doc: doc.spans.extend(annotate(doc))

            self._stages = [
                ("segment", segment.segment),
                ("places", lambda doc: self.geoparser.annotate(doc)),
                ("actors", add(actors.annotate)),
                ("casualties", add(casualties.annotate)),
                ("dates", add(dates.annotate)),
                ("attribution", add(attribution.annotate)),
                ("extract", extractor),
                ("geocode", lambda doc: geocode.geocode(doc, self.gazetteer)),
            ]
        return self._stages

    def warm(self) -> "Pipeline":
        """Compile the stages and load what they would otherwise load on the first article
        (the boilerplate rules, the learned models and numpy, stage 7's reuse settings).
        Called before forking the workers, so that each inherits them instead of spending
        ~0.2 s loading its own copy at the start of the run; a Pipeline used alone needs no
        call (the same things load on its first article)."""
        self.stages()
        clean.default_rules()
        extractor = next(stage for name, stage in self._stages if name == "extract")
        extractor.warm()
        # the actor dictionary's country-name table (every actor file parsed again, ~0.2 s)
        from .annotate.actors import acled_country_name

        acled_country_name("SYR")
        if self._reuse_settings is None:
            from .provenance import load_settings

            self._reuse_settings = load_settings()
        return self

    def source_book(self):
        """Stage 7's reader of citation chains (``provenance.SourceBook``), sharing this
        pipeline's compiled attribution patterns (compiling them again costs ~0.1 s)."""
        if self._book is None:
            from .provenance import SourceBook

            self.stages()
            self._book = SourceBook(annotator=self._attribution)
        return self._book

    def annotate(self, article: Article) -> Doc:
        """Stages 2-6: the Doc with spans and geocoded mentions."""
        doc = clean.clean(article)
        for name, stage in self.stages():
            stage(doc)
        return doc

    def process(self, article: Article) -> ArticleResult:
        if article.published is not None and not MIN_YEAR <= article.published.year <= MAX_YEAR:
            # what ingest refuses, refused for articles made in code too: later stages
            # do date arithmetic on it (9999-12-31 + a day overflows)
            raise BadMetadata(f"publication date {article.published.isoformat()} is outside {MIN_YEAR}-{MAX_YEAR}")
        doc = self.annotate(article)
        events = assemble.build_events(
            article.article_id, doc.mentions, float(self.thresholds["dedupe"]["same_place_km"])
        )
        source = None
        if doc.text.strip():
            from .provenance import article_source

            if self._reuse_settings is None:
                from .provenance import load_settings

                self._reuse_settings = load_settings()
            published = article.published.isoformat() if article.published else None
            source = article_source(article.article_id, article.outlet, published, doc.text, self._reuse_settings)
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
    _worker_pipeline.warm()
    # what this worker holds now (the compiled stages, inherited or its own) lives as long as
    # it does: frozen, the cyclic collector never walks it again (nor, walking it, copies
    # the pages it shares with the parent)
    gc.freeze()


def _work(article: Article) -> ArticleResult | Skip:
    assert _worker_pipeline is not None
    return process_or_skip(_worker_pipeline, article)


def source_of(article: Article) -> str:
    """What a skip of an article names: where the reader found it (path, or path:line)."""
    return article.source or article.path or article.url or article.article_id


def process_or_skip(pipe: Pipeline, article: Article) -> ArticleResult | Skip:
    """``pipe.process(article)``, or the article's Skip when anything in it fails: one
    article that trips a stage must not take its batch down (issue 11)."""
    try:
        return pipe.process(article)
    except InputError as exc:
        return Skip(source_of(article), exc.code, str(exc.args[0]))
    except Exception as exc:  # noqa: BLE001 - any failure of one article is that article's
        return Skip(source_of(article), ProcessingFailed.code, f"processing failed: {_describe(exc)}")


@dataclass
class RunSummary:
    seen: int = 0
    added: int = 0
    already: int = 0
    events: int = 0
    skips: list[Skip] = field(default_factory=list)
    corroboration: object | None = None  # corroborate.CorroborationSummary of stage 7


def process_many(
    articles: Sequence[Article], options: Options | None = None, workers: int | None = None, *, pipeline: Pipeline | None = None
) -> Iterator[ArticleResult | Skip]:
    """Stages 2-6 over many articles, in input order, in parallel when it pays.

    ``pipeline`` (built from the same ``options``) is used in this process, or compiled
    here and inherited by forked workers; None builds one. An article that fails comes
    back as its Skip (``process_or_skip``), in its place."""
    options = options or Options()
    workers = workers if workers is not None else (os.cpu_count() or 1)
    if workers <= 1 or len(articles) < MIN_ARTICLES_FOR_WORKERS:
        pipe = pipeline or Pipeline(options)
        for a in articles:
            yield process_or_skip(pipe, a)
        return
    # the gazetteer index is built once here, before the workers open it
    Gazetteer.open(options.gazetteer_path)
    fork = sys.platform.startswith("linux")
    ctx = mp.get_context("fork" if fork else "spawn")
    built = None
    if fork:  # compile the stages once; each forked worker opens its own gazetteer connection
        # (a pipeline that has already opened its gazetteer here must not be forked with it)
        built = pipeline if pipeline is not None and pipeline._gaz is None else Pipeline(options)
        built.warm()
    with ctx.Pool(workers, initializer=_init_worker, initargs=(options, built)) as pool:
        results = pool.imap(_work, articles, chunksize=8)
        for a in articles:  # imap answers in input order: the i-th answer is the i-th article's
            try:
                yield next(results)
            except StopIteration:
                return
            except Exception as exc:  # noqa: BLE001 - e.g. a result that cannot be pickled back
                yield Skip(source_of(a), ProcessingFailed.code, f"processing failed in a worker: {_describe(exc)}")


def save_results(store: Store, results: Sequence[ArticleResult]) -> tuple[list[bool], list[Skip]]:
    """Store processed articles in one transaction (``Store.save_articles``): for each,
    whether it was new. When the store refuses the batch (one article's row failed, and
    the transaction was rolled back), the articles are stored one by one and each one the
    store refuses is skipped (E113) instead of taking the batch down."""
    items = [(r.article, r.clean_text, r.removed, r.warnings, r.events, r.source) for r in results]
    try:
        return store.save_articles(items), []
    except Exception:  # noqa: BLE001 - which article failed is found below
        pass
    added: list[bool] = []
    refused: list[Skip] = []
    for r, item in zip(results, items):
        try:
            added += store.save_articles([item])
        except Exception as exc:  # noqa: BLE001 - this article's rows: its skip
            added.append(False)
            refused.append(Skip(source_of(r.article), NotStored.code, f"could not be stored: {_describe(exc)}"))
    return added, refused


def run(
    inputs: Sequence[str | os.PathLike],
    db: str | os.PathLike = "frontlines.db",
    *,
    options: Options | None = None,
    workers: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    stdin=None,
    wait: float | None = None,
    on_wait: Callable[[dict | None], None] | None = None,
) -> RunSummary:
    """Ingest ``inputs`` and run the whole pipeline into the store at ``db``. The run is
    the ledger's one writer from ingest to stage 7 (``Store.writer``): another run's
    lock is waited for up to ``wait`` seconds (``on_wait(holder)`` told), then
    ``LedgerBusy``."""
    summary = RunSummary()
    with Store(db) as store, store.writer(wait=wait, on_wait=on_wait):
        best: dict[str, Article] = {}  # article id -> the copy to keep (records.copy_key)
        replaced: set[str] = set()  # stored articles a better copy of the same text replaces
        # the store's own files when it lives inside an input folder are not inputs
        own = {os.path.realpath(db) + suffix for suffix in ("", "-wal", "-shm", "-journal", ".lock")} if "://" not in str(db) else set()
        for item in iter_articles(inputs, stdin=stdin):
            # (realpath, not Path.resolve: that raises on a symbolic link loop)
            if isinstance(item, Skip) and own and os.path.realpath(item.source) in own:
                continue
            if isinstance(item, Skip):
                summary.skips.append(item)
                store.save_skip(item)
                continue
            summary.seen += 1
            aid = item.article_id
            if aid in best:  # a second copy in this batch: the better one stays
                summary.already += 1
                if copy_key(item) < copy_key(best[aid]):
                    best[aid] = item
                continue
            stored = store.copy_key(aid)
            if stored is not None and (stored <= copy_key(item) or store.retraction(aid) is not None):
                summary.already += 1  # (a retracted article stays retracted, whatever copy comes)
                continue
            if stored is not None:
                replaced.add(aid)
            best[aid] = item
        new = list(best.values())
        # a copy that sorts before the stored one replaces it (its reports leave their events,
        # which stage 7 rebuilds), so the ledger does not depend on which copy came first
        store.remove_articles(replaced)
        done = 0
        batch: list[ArticleResult] = []
        pipe = Pipeline(options)  # compiled once: the workers' template, then stage 7's source book

        def skipped(skip: Skip) -> None:
            summary.skips.append(skip)
            store.save_skip(skip)

        def flush() -> None:
            nonlocal done
            added, refused = save_results(store, batch)
            for skip in refused:
                skipped(skip)
            for r, new_article in zip(batch, added):
                if new_article:
                    summary.added += 1
                    summary.events += len(r.events)
            done += len(batch)
            batch.clear()
            if progress:
                progress(done, len(new))

        for result in process_many(new, options, workers, pipeline=pipe):
            if isinstance(result, Skip):
                flush()  # the articles before it first (as below)
                skipped(result)
                done += 1
                continue
            if not result.clean_text.strip():
                # nothing but boilerplate: a skip with its reason, not an empty article. The
                # articles before it are stored first: saving one clears the skips of its
                # path (it reads fine now), which must not clear this later one
                flush()
                art = result.article
                skipped(Skip(art.path or art.url or art.article_id, EmptyInput.code, "no text left after cleaning (only comments, widgets or boilerplate)"))
                done += 1
                continue
            batch.append(result)
            if len(batch) >= SAVE_BATCH:
                flush()
        flush()
        # stage 7: the new articles' events join the stored events of the same incidents
        from .corroborate import corroborate_store

        with store.exclusive("corroborate"), _collector_paused():  # one pass at a time on a shared PostgreSQL ledger
            # (a re-run with nothing new leaves the stages uncompiled: stage 7 then has nothing to do)
            summary.corroboration = corroborate_store(store, book=pipe.source_book() if new else None)
    return summary


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Cyclic garbage collection off for the block, back as it was after. Stage 7 allocates
    reports, clusters and events by the hundred thousand and makes few cycles: the
    collector's passes over them were ~8% of its time (0.15 of 1.9 CPU s on FA-KES)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


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


