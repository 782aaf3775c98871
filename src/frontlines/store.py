"""Stage 8, store: the event ledger in one SQLite file, or a PostgreSQL database.

The store is a narrow interface (``Store``) so that a PostgreSQL backend can stand beside
it: ``has_article``, ``save_article(s)``, ``save_skip``, ``events``, ``skips``, ``counts``.
Schema changes are numbered migrations recorded in ``PRAGMA user_version``; re-running
on the same input adds nothing (articles are keyed by their content hash). The SQL here is
SQLite's; a ``postgresql://`` URL gets a connection from ``store_pg`` that translates it
(placeholders, ``INSERT OR IGNORE/REPLACE``, DDL types, ``PRAGMA user_version``), so both
backends share this one schema and these queries.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import json
import re
import sqlite3
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Sequence

from .errors import LedgerNotFound, NotALedger, SchemaTooNew, StoreError
from .records import UNDATED, Article, Event, Skip

EVENT_COLUMNS = [f.name for f in dataclasses.fields(Event)]
JSON_COLUMNS = {"sources", "mentions", "origins", "fatality_sources", "corrections"}

# Each migration takes the schema from version i to i+1. Never edit a released one.
MIGRATIONS: list[str] = [
    """
    CREATE TABLE articles (
        article_id TEXT PRIMARY KEY,
        path TEXT, url TEXT, title TEXT, outlet TEXT, published TEXT,
        source_format TEXT, provenance TEXT, text TEXT, clean_text TEXT,
        removed TEXT, warnings TEXT, n_events INTEGER, ingested_at TEXT
    );
    CREATE TABLE events (
        event_id TEXT PRIMARY KEY,
        article_id TEXT REFERENCES articles(article_id),
        event_date TEXT, time_precision INTEGER, event_type TEXT, sub_event_type TEXT,
        actor1 TEXT, assoc_actor_1 TEXT, inter1 INTEGER, actor2 TEXT, assoc_actor_2 TEXT,
        inter2 INTEGER, interaction INTEGER, civilian_targeting INTEGER,
        country TEXT, iso3 TEXT, admin1 TEXT, admin2 TEXT, location TEXT,
        latitude REAL, longitude REAL, geo_precision INTEGER, geonameid INTEGER,
        fatalities INTEGER, fatalities_low INTEGER, fatalities_high INTEGER,
        claim_status TEXT, sources TEXT, source_count INTEGER,
        independent_source_count INTEGER, notes TEXT, mentions TEXT
    );
    CREATE INDEX events_date ON events(event_date);
    CREATE INDEX events_admin1 ON events(admin1);
    CREATE INDEX events_article ON events(article_id);
    CREATE TABLE skips (
        source TEXT, code TEXT, reason TEXT, at TEXT,
        PRIMARY KEY (source, code)
    );
    """,
    # 2: stage 7 (corroborate). ``events`` then holds corroborated events (corroborated = 1);
    # rows that save_article writes (one article's events, corroborated = 0) are pending
    # until corroborate_store moves them into ``mentions`` as reports of an event.
    """
    ALTER TABLE events ADD COLUMN origins TEXT;
    ALTER TABLE events ADD COLUMN fatality_sources TEXT;
    ALTER TABLE events ADD COLUMN corroborated INTEGER NOT NULL DEFAULT 0;
    CREATE TABLE mentions (
        mention_id TEXT PRIMARY KEY,
        event_id TEXT NOT NULL,
        article_id TEXT REFERENCES articles(article_id),
        published TEXT, family TEXT, sub_event_type TEXT, event_date TEXT,
        anchor_date TEXT, iso3 TEXT, admin1 TEXT, record TEXT
    );
    CREATE INDEX mentions_block ON mentions(iso3, admin1, anchor_date);
    CREATE INDEX mentions_event ON mentions(event_id);
    CREATE INDEX mentions_article ON mentions(article_id);
    CREATE TABLE article_sources (
        article_id TEXT PRIMARY KEY REFERENCES articles(article_id),
        outlet TEXT, published TEXT, sketch TEXT, fingerprints TEXT, credits TEXT
    );
    CREATE TABLE event_history (
        event_id TEXT NOT NULL, article_id TEXT, field TEXT NOT NULL,
        old_value TEXT, new_value TEXT, changed_at TEXT
    );
    CREATE INDEX event_history_event ON event_history(event_id);
    CREATE TABLE event_changes (
        kind TEXT NOT NULL, event_id TEXT NOT NULL, other_event_id TEXT NOT NULL,
        detail TEXT, changed_at TEXT
    );
    """,
    # 3: indexes for the web API (frontlines serve). A covering index over the filter
    # columns lets a filtered count read the index instead of every row, and lets pages
    # sorted by date walk it; the type and toll indexes serve the other common sorts.
    """
    CREATE INDEX events_filter ON events(event_date, event_type, sub_event_type, admin1, admin2, claim_status, fatalities, latitude, longitude);
    CREATE INDEX events_type ON events(event_type, event_date);
    CREATE INDEX events_fatalities ON events(fatalities);
    """,
    # 4: indexes for the web API's search and charts. ``q`` and ``actor`` match any part of a
    # word, ASCII case-insensitively (SQL LIKE '%word%', which reads every row); an FTS5
    # trigram index finds the same events. It holds lower() (ASCII-only, as LIKE folds case)
    # of the columns each filter reads, one per line and two newlines at the end, so that
    # every one- or two-letter word begins an indexed trigram (the web layer expands those
    # through events_search_terms). Contentless (the text is not stored twice), it is kept in
    # step by triggers with the corroborated events, which stage 7 rewrites: write events
    # with INSERT, UPDATE and DELETE (INSERT OR REPLACE fires no delete trigger unless
    # recursive triggers are on). Pending rows (corroborated = 0: one article's events until
    # stage 7 runs) are not indexed, which would nearly double a run's indexing work; the web
    # layer tests them with LIKE, found through events_pending (which also serves
    # pending_reports). On real articles the index adds about half the ledger's size again.
    # The block is SQLite's own (SQLITE_ONLY). events_admin1_counts (in place of
    # events_admin1) lets the charts count per province, type and status from the index
    # alone, in its order; events_type gains the tolls so that one type's charts read no rows.
    """
    -- begin sqlite only
    CREATE VIRTUAL TABLE events_search USING fts5(search, actors, content='', tokenize='trigram case_sensitive 1');
    CREATE VIRTUAL TABLE events_search_terms USING fts5vocab(events_search, 'col');
    CREATE TRIGGER events_search_insert AFTER INSERT ON events WHEN new.corroborated = 1 BEGIN
        INSERT INTO events_search (rowid, search, actors) VALUES (new.rowid,
            lower(coalesce(new.notes, '') || char(10) || coalesce(new.location, '') || char(10) || coalesce(new.admin1, '') || char(10)
              || coalesce(new.actor1, '') || char(10) || coalesce(new.actor2, '') || char(10) || coalesce(new.sources, '') || char(10)
              || coalesce(new.mentions, '') || char(10, 10)),
            lower(coalesce(new.actor1, '') || char(10) || coalesce(new.actor2, '') || char(10) || coalesce(new.assoc_actor_1, '') || char(10)
              || coalesce(new.assoc_actor_2, '') || char(10, 10)));
    END;
    CREATE TRIGGER events_search_delete AFTER DELETE ON events WHEN old.corroborated = 1 BEGIN
        INSERT INTO events_search (events_search, rowid, search, actors) VALUES ('delete', old.rowid,
            lower(coalesce(old.notes, '') || char(10) || coalesce(old.location, '') || char(10) || coalesce(old.admin1, '') || char(10)
              || coalesce(old.actor1, '') || char(10) || coalesce(old.actor2, '') || char(10) || coalesce(old.sources, '') || char(10)
              || coalesce(old.mentions, '') || char(10, 10)),
            lower(coalesce(old.actor1, '') || char(10) || coalesce(old.actor2, '') || char(10) || coalesce(old.assoc_actor_1, '') || char(10)
              || coalesce(old.assoc_actor_2, '') || char(10, 10)));
    END;
    CREATE TRIGGER events_search_update AFTER UPDATE ON events BEGIN
        INSERT INTO events_search (events_search, rowid, search, actors) SELECT 'delete', old.rowid,
            lower(coalesce(old.notes, '') || char(10) || coalesce(old.location, '') || char(10) || coalesce(old.admin1, '') || char(10)
              || coalesce(old.actor1, '') || char(10) || coalesce(old.actor2, '') || char(10) || coalesce(old.sources, '') || char(10)
              || coalesce(old.mentions, '') || char(10, 10)),
            lower(coalesce(old.actor1, '') || char(10) || coalesce(old.actor2, '') || char(10) || coalesce(old.assoc_actor_1, '') || char(10)
              || coalesce(old.assoc_actor_2, '') || char(10, 10))
            WHERE old.corroborated = 1;
        INSERT INTO events_search (rowid, search, actors) SELECT new.rowid,
            lower(coalesce(new.notes, '') || char(10) || coalesce(new.location, '') || char(10) || coalesce(new.admin1, '') || char(10)
              || coalesce(new.actor1, '') || char(10) || coalesce(new.actor2, '') || char(10) || coalesce(new.sources, '') || char(10)
              || coalesce(new.mentions, '') || char(10, 10)),
            lower(coalesce(new.actor1, '') || char(10) || coalesce(new.actor2, '') || char(10) || coalesce(new.assoc_actor_1, '') || char(10)
              || coalesce(new.assoc_actor_2, '') || char(10, 10))
            WHERE new.corroborated = 1;
    END;
    INSERT INTO events_search (rowid, search, actors) SELECT rowid,
            lower(coalesce(notes, '') || char(10) || coalesce(location, '') || char(10) || coalesce(admin1, '') || char(10)
              || coalesce(actor1, '') || char(10) || coalesce(actor2, '') || char(10) || coalesce(sources, '') || char(10)
              || coalesce(mentions, '') || char(10, 10)),
            lower(coalesce(actor1, '') || char(10) || coalesce(actor2, '') || char(10) || coalesce(assoc_actor_1, '') || char(10)
              || coalesce(assoc_actor_2, '') || char(10, 10))
        FROM events WHERE corroborated = 1;
    -- end sqlite only
    CREATE INDEX events_pending ON events(corroborated) WHERE corroborated = 0;
    DROP INDEX events_admin1;
    CREATE INDEX events_admin1_counts ON events(admin1, event_type, claim_status, event_date, fatalities);
    DROP INDEX events_type;
    CREATE INDEX events_type ON events(event_type, event_date, fatalities);
    """,
    # 5: the search index reads the evidence sentences of ``mentions``, not its JSON: ``q``
    # matched JSON keys and ids ("claim" and "sentence" matched every event) and never a
    # non-ASCII word (stored as \u escapes); and the JSON, three times the sentences'
    # length, made indexing a third of stage 7 (0.55 of 2.7 s on FA-KES; sentences 0.18 s).
    # The web layer's LIKE reads the same sentences (queries.EventFilter.text_where). The
    # index is rebuilt whole, so a ledger that never had one (an older SQLite) gains it.
    """
    -- begin sqlite only
    DROP TRIGGER IF EXISTS events_search_insert;
    DROP TRIGGER IF EXISTS events_search_delete;
    DROP TRIGGER IF EXISTS events_search_update;
    DROP TABLE IF EXISTS events_search_terms;
    DROP TABLE IF EXISTS events_search;
    CREATE VIRTUAL TABLE events_search USING fts5(search, actors, content='', tokenize='trigram case_sensitive 1');
    CREATE VIRTUAL TABLE events_search_terms USING fts5vocab(events_search, 'col');
    CREATE TRIGGER events_search_insert AFTER INSERT ON events WHEN new.corroborated = 1 BEGIN
        INSERT INTO events_search (rowid, search, actors) VALUES (new.rowid,
            lower(coalesce(new.notes, '') || char(10) || coalesce(new.location, '') || char(10) || coalesce(new.admin1, '') || char(10)
              || coalesce(new.actor1, '') || char(10) || coalesce(new.actor2, '') || char(10) || coalesce(new.sources, '') || char(10)
              || coalesce((SELECT group_concat(json_extract(value, '$.sentence'), char(10)) FROM json_each(CASE WHEN json_valid(new.mentions) THEN new.mentions END)), '')
              || char(10, 10)),
            lower(coalesce(new.actor1, '') || char(10) || coalesce(new.actor2, '') || char(10) || coalesce(new.assoc_actor_1, '') || char(10)
              || coalesce(new.assoc_actor_2, '') || char(10, 10)));
    END;
    CREATE TRIGGER events_search_delete AFTER DELETE ON events WHEN old.corroborated = 1 BEGIN
        INSERT INTO events_search (events_search, rowid, search, actors) VALUES ('delete', old.rowid,
            lower(coalesce(old.notes, '') || char(10) || coalesce(old.location, '') || char(10) || coalesce(old.admin1, '') || char(10)
              || coalesce(old.actor1, '') || char(10) || coalesce(old.actor2, '') || char(10) || coalesce(old.sources, '') || char(10)
              || coalesce((SELECT group_concat(json_extract(value, '$.sentence'), char(10)) FROM json_each(CASE WHEN json_valid(old.mentions) THEN old.mentions END)), '')
              || char(10, 10)),
            lower(coalesce(old.actor1, '') || char(10) || coalesce(old.actor2, '') || char(10) || coalesce(old.assoc_actor_1, '') || char(10)
              || coalesce(old.assoc_actor_2, '') || char(10, 10)));
    END;
    CREATE TRIGGER events_search_update AFTER UPDATE ON events BEGIN
        INSERT INTO events_search (events_search, rowid, search, actors) SELECT 'delete', old.rowid,
            lower(coalesce(old.notes, '') || char(10) || coalesce(old.location, '') || char(10) || coalesce(old.admin1, '') || char(10)
              || coalesce(old.actor1, '') || char(10) || coalesce(old.actor2, '') || char(10) || coalesce(old.sources, '') || char(10)
              || coalesce((SELECT group_concat(json_extract(value, '$.sentence'), char(10)) FROM json_each(CASE WHEN json_valid(old.mentions) THEN old.mentions END)), '')
              || char(10, 10)),
            lower(coalesce(old.actor1, '') || char(10) || coalesce(old.actor2, '') || char(10) || coalesce(old.assoc_actor_1, '') || char(10)
              || coalesce(old.assoc_actor_2, '') || char(10, 10))
            WHERE old.corroborated = 1;
        INSERT INTO events_search (rowid, search, actors) SELECT new.rowid,
            lower(coalesce(new.notes, '') || char(10) || coalesce(new.location, '') || char(10) || coalesce(new.admin1, '') || char(10)
              || coalesce(new.actor1, '') || char(10) || coalesce(new.actor2, '') || char(10) || coalesce(new.sources, '') || char(10)
              || coalesce((SELECT group_concat(json_extract(value, '$.sentence'), char(10)) FROM json_each(CASE WHEN json_valid(new.mentions) THEN new.mentions END)), '')
              || char(10, 10)),
            lower(coalesce(new.actor1, '') || char(10) || coalesce(new.actor2, '') || char(10) || coalesce(new.assoc_actor_1, '') || char(10)
              || coalesce(new.assoc_actor_2, '') || char(10, 10))
            WHERE new.corroborated = 1;
    END;
    INSERT INTO events_search (rowid, search, actors) SELECT rowid,
            lower(coalesce(notes, '') || char(10) || coalesce(location, '') || char(10) || coalesce(admin1, '') || char(10)
              || coalesce(actor1, '') || char(10) || coalesce(actor2, '') || char(10) || coalesce(sources, '') || char(10)
              || coalesce((SELECT group_concat(json_extract(value, '$.sentence'), char(10)) FROM json_each(CASE WHEN json_valid(mentions) THEN mentions END)), '')
              || char(10, 10)),
            lower(coalesce(actor1, '') || char(10) || coalesce(actor2, '') || char(10) || coalesce(assoc_actor_1, '') || char(10)
              || coalesce(assoc_actor_2, '') || char(10, 10))
        FROM events WHERE corroborated = 1;
    -- end sqlite only
    """,
    # 6: analysts' corrections and retractions (frontlines.corrections). A correction is
    # kept apart from the event it was made on, with the reports (mention ids) that event
    # had then, so that it can follow the event when stage 7 re-clusters or renames it;
    # stage 7 applies it every time it rebuilds the event, and the event row carries the
    # corrections applied (``corrections``, JSON). A retraction keeps the article row (a
    # later run of the same input then skips it as already stored) and, for an undo, the
    # article-level reports it took out. ``event_history`` gains who/why: ``kind``
    # (NULL: stage 7; correction, retraction, unretraction) and the analyst's ``note``.
    """
    ALTER TABLE events ADD COLUMN corrections TEXT;
    ALTER TABLE event_history ADD COLUMN kind TEXT;
    ALTER TABLE event_history ADD COLUMN note TEXT;
    CREATE TABLE corrections (
        correction_id TEXT PRIMARY KEY, event_id TEXT NOT NULL, mention_ids TEXT,
        field TEXT NOT NULL, value TEXT, note TEXT, at TEXT
    );
    CREATE INDEX corrections_event ON corrections(event_id);
    CREATE TABLE correction_anchors (
        correction_id TEXT NOT NULL, mention_id TEXT NOT NULL,
        PRIMARY KEY (correction_id, mention_id)
    );
    CREATE INDEX correction_anchors_mention ON correction_anchors(mention_id);
    CREATE TABLE retractions (
        article_id TEXT PRIMARY KEY REFERENCES articles(article_id),
        note TEXT, at TEXT, reports TEXT
    );
    """,
]
SCHEMA_VERSION = len(MIGRATIONS)
# A migration's block between these lines is SQLite's own (the FTS5 search index and its
# triggers): PostgreSQL skips it (store_pg), and so does a SQLite without FTS5's trigram
# tokenizer (before 3.34), whose web API then searches with LIKE.
SQLITE_ONLY = re.compile(r"^\s*-- begin sqlite only$.*?^\s*-- end sqlite only$", re.M | re.S)


# The search index's two texts of an events row, exactly as migration 5's triggers compute
# them (a copy on purpose: released migrations are never edited, nor built from code that
# may change; tests/test_web_api.py checks that bulk and trigger writes agree),
# for stage 7's bulk writes: FTS5 flushes its pending terms at every statement of a trigger,
# so indexing row by row cost stage 7 about three times one INSERT ... SELECT (measured on
# FA-KES: 2.2 s against 0.65 s CPU for 2,436 events).
SEARCH_VALUES_SQL = (
    "lower(coalesce(notes, '') || char(10) || coalesce(location, '') || char(10) || coalesce(admin1, '') || char(10)"
    " || coalesce(actor1, '') || char(10) || coalesce(actor2, '') || char(10) || coalesce(sources, '') || char(10)"
    " || coalesce((SELECT group_concat(json_extract(value, '$.sentence'), char(10)) FROM json_each(CASE WHEN json_valid(mentions) THEN mentions END)), '')"
    " || char(10, 10)),"
    " lower(coalesce(actor1, '') || char(10) || coalesce(actor2, '') || char(10) || coalesce(assoc_actor_1, '') || char(10)"
    " || coalesce(assoc_actor_2, '') || char(10, 10))"
)


def _event_values(ev: Event) -> list[Any]:
    """An event's column values after ``event_id``, as stored: lists as JSON, the flag as
    0/1. Read straight off the fields: the JSON columns hold plain dicts and lists already,
    and ``dataclasses.asdict`` would deep-copy every mention (most of a run's store time)."""
    out: list[Any] = []
    for c in EVENT_COLUMNS[1:]:
        v = getattr(ev, c)
        out.append(json.dumps(v) if c in JSON_COLUMNS else (int(v) if c == "civilian_targeting" else v))
    return out


def is_postgres_url(db: str | Path) -> bool:
    """True for a ``postgresql://`` (or ``postgres://``) connection URL, False for a file."""
    return str(db).startswith(("postgresql://", "postgres://"))


# A password in a database URL: after ``user:`` in the authority, or a ``password=`` query
# parameter (libpq reads both).
_URL_PASSWORD = re.compile(r"^([a-z][a-z0-9+.-]*://[^/?#:@]*:)([^/?#]*)(@[^@/?#]*)", re.I)
_QUERY_PASSWORD = re.compile(r"([?&]password=)([^&#]*)", re.I)


def redact_db(db: str | Path, text: str | None = None) -> str:
    """The ledger as messages name it: a file path as given, a database URL with its
    password shown as ``***``. With ``text`` (a driver's error, say), that text with the
    URL's password replaced wherever it occurs. Every message that names a ledger goes
    through this, so none prints a password."""
    db = str(db)
    if not is_postgres_url(db):
        return db if text is None else text
    secrets = [m.group(2) for m in (_URL_PASSWORD.match(db),) if m and m.group(2)]
    secrets += [m.group(2) for m in _QUERY_PASSWORD.finditer(db) if m.group(2)]
    if text is None:
        return _QUERY_PASSWORD.sub(r"\1***", _URL_PASSWORD.sub(r"\1***\3", db))
    from urllib.parse import unquote

    secrets += [unquote(s) for s in secrets]
    for secret in sorted(set(secrets), key=len, reverse=True):
        text = text.replace(secret, "***")
    return text


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km (mean Earth radius)."""
    import math

    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(a)))


# SQLite's page cache per connection, in KiB (its default is 2,000). Stage 7 rewrites a
# run's events, their nine indexes, the search index and the history in one transaction;
# with the default cache it spilled pages to the WAL before the commit and paid again at
# it: 64 MiB made stage 7 ~15% faster on FA-KES (2.8 -> 2.4 s, same ledger). Pages are
# allocated as used, so small ledgers never hold that much.
CACHE_KIB = 65_536


# How long a connection waits for another's write transaction before "database is locked"
# (seconds; sqlite3's default is 5). Only migrations and the one writer write (see
# ``Store.writer``), and stage 7's transaction holds the write lock for seconds on large runs.
BUSY_TIMEOUT_S = 30.0


def sql_statements(script: str) -> list[str]:
    """The statements of a SQLite script, one by one (a trigger's body holds ``;`` of its
    own: SQLite's ``complete_statement`` says where each one ends). Comment-only pieces
    are left out."""
    out, buf = [], ""
    for piece in script.split(";"):
        buf += piece + ";"
        if sqlite3.complete_statement(buf):
            if re.sub(r"--[^\n]*", "", buf).strip(" \t\r\n;"):
                out.append(buf.strip())
            buf = ""
    if re.sub(r"--[^\n]*", "", buf).strip(" \t\r\n;"):
        raise StoreError(f"incomplete SQL statement in a migration: {buf.strip()[:80]}")
    return out


# The tables the migrations create (a version-0 file holding only these is a ledger cut
# short by a frontlines whose migrations were not atomic).
LEDGER_TABLES = {
    "articles", "events", "skips", "mentions", "article_sources", "event_history", "event_changes",
    "corrections", "correction_anchors", "retractions",
}  # fmt: skip


@dataclasses.dataclass
class LedgerCheck:
    """What ``Store.check`` found: the ledger's size and every broken invariant."""

    articles: int = 0
    events: int = 0
    reports: int = 0
    pending: int = 0
    stale: int = 0
    problems: list[str] = dataclasses.field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


class Store:
    """An event ledger in a SQLite file (created and migrated on open)."""

    # the schema this class migrates to (a test may pass its own list through a subclass)
    migrations: Sequence[str] = MIGRATIONS

    def __init__(self, path: str | Path = "frontlines.db", *, postgis: bool | None = None, create: bool = True):
        """Open (creating and migrating) the ledger at ``path``: a SQLite file, or a
        ``postgresql://`` URL (``store_pg`` translates the SQL; ``postgis`` None uses
        PostGIS when the server has it, False never, True insists). ``create=False`` is
        for commands that only read: a ledger that does not exist raises
        ``LedgerNotFound`` and no file or table is created (an older schema is still
        migrated)."""
        self.path = str(path)
        self.is_postgres = is_postgres_url(self.path)
        if self.is_postgres:
            from .store_pg import connect

            self.conn = connect(self.path, postgis=postgis, create=create)
            self.migrate()
            self.conn.setup_postgis()
            return
        memory = self.path == ":memory:" or self.path.startswith("file::memory:")
        if not create and not memory and not Path(self.path).is_file():
            raise LedgerNotFound(f"no ledger at {self.path}")
        if not memory:
            self._check_header()
        try:
            if create or memory:
                self.conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S)
            else:  # mode=rw: SQLite itself never creates the file
                self.conn = sqlite3.connect(f"{Path(self.path).resolve().as_uri()}?mode=rw", uri=True, timeout=BUSY_TIMEOUT_S)
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open database {redact_db(self.path)}: {exc}") from exc
        try:
            self._check_is_ledger(create)  # before WAL mode, which writes the file's header
            self.conn.execute("PRAGMA journal_mode=WAL")
            # in WAL mode NORMAL syncs at checkpoints, not at every commit (one per article): a
            # killed process loses nothing committed; only a power cut may lose the last commits
            self.conn.execute("PRAGMA synchronous=NORMAL")
            self.conn.execute(f"PRAGMA cache_size={-CACHE_KIB}")
            self.conn.execute("PRAGMA foreign_keys=ON")
            self.migrate()
        except sqlite3.DatabaseError as exc:
            self.conn.close()
            if getattr(exc, "sqlite_errorname", "") == "SQLITE_NOTADB" or "not a database" in str(exc):
                raise NotALedger(f"{self.path} is not a frontlines ledger (not an SQLite database)") from exc
            if getattr(exc, "sqlite_errorname", "") == "SQLITE_CORRUPT":
                raise StoreError(f"{self.path} is a damaged SQLite database: {exc}", hint="restore it from a backup") from exc
            raise StoreError(f"cannot open database {self.path}: {exc}") from exc
        except BaseException:
            self.conn.close()
            raise

    @classmethod
    def open_existing(cls, path: str | Path, **kwargs: Any) -> "Store":
        """The ledger at ``path`` for reading: ``LedgerNotFound`` when there is none."""
        return cls(path, create=False, **kwargs)

    def _check_header(self) -> None:
        """A file that is there and not empty must begin as SQLite's do: SQLite would take a
        file shorter than its header for an empty database and write a ledger over it."""
        try:
            with open(self.path, "rb") as fh:
                head = fh.read(16)
        except FileNotFoundError:
            return
        except OSError as exc:
            raise StoreError(f"cannot open database {self.path}: {exc.strerror}") from exc
        if head and head != b"SQLite format 3\x00":
            raise NotALedger(f"{self.path} is not a frontlines ledger (not an SQLite database)")

    def _check_is_ledger(self, create: bool) -> None:
        """Refuse a SQLite database that frontlines did not write (another program's, the
        gazetteer index), rather than add a ledger's tables to it; and, for a read-only
        open, an empty database."""
        version = self.schema_version()
        if version > len(self.migrations):
            return  # migrate says SchemaTooNew
        tables = {r[0] for r in self.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if version == 0 and tables and tables <= LEDGER_TABLES:
            raise NotALedger(
                f"{self.path} is a ledger whose creation was cut short by an older frontlines (schema version 0 with tables)",
                hint="delete it and run again: nothing was corroborated in it",
            )
        if version == 0 and tables:
            raise NotALedger(f"{self.path} is not a frontlines ledger (an SQLite database with other tables: {', '.join(sorted(tables)[:5])})")
        if version > 0 and "articles" not in tables:
            raise NotALedger(f"{self.path} is not a frontlines ledger (an SQLite database without its tables)")
        if version == 0 and not create:
            raise NotALedger(f"{self.path} is not a frontlines ledger (an empty SQLite database)")

    # -- schema ------------------------------------------------------------------------
    def schema_version(self) -> int:
        return int(self.conn.execute("PRAGMA user_version").fetchone()[0])

    def migrate(self) -> None:
        """Bring the schema up to date, one migration per transaction: its statements and
        the version bump commit together or not at all (a killed or failed migration
        leaves the ledger at the version before it, and the next open runs it again)."""
        target = len(self.migrations)
        with self.conn.migration_lock() if self.is_postgres else contextlib.nullcontext():
            version = self.schema_version()
            while True:
                if version > target:
                    raise SchemaTooNew(f"{self.display_name} has schema version {version}; this frontlines knows {target}")
                if version == target:
                    return
                version = self._migrate_one(version)

    def _migrate_one(self, i: int) -> int:
        """Run migration ``i + 1`` (from version ``i``) in one transaction; the version after."""
        script = self._runnable(self.migrations[i])
        if self.is_postgres:  # under the migration lock: nobody else migrates meanwhile
            import psycopg

            try:
                with self.conn:
                    self.conn.executescript(script)
                    self.conn.execute(f"PRAGMA user_version = {i + 1}")
            except psycopg.Error as exc:
                raise StoreError(f"{self.display_name}: migration {i + 1} failed and was rolled back: {str(exc).strip()}") from exc
            return i + 1
        # BEGIN IMMEDIATE takes the write lock before the version is read again: of two
        # processes opening a new ledger at once, the second waits, then finds it migrated
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            now = self.schema_version()
            if now != i:
                self.conn.rollback()
                return now
            for stmt in sql_statements(script):
                self.conn.execute(stmt)
            self.conn.execute(f"PRAGMA user_version = {i + 1}")
            self.conn.commit()
        except sqlite3.Error as exc:
            self.conn.rollback()
            if getattr(exc, "sqlite_errorname", "") in ("SQLITE_NOTADB", "SQLITE_CORRUPT"):
                raise
            raise StoreError(f"{self.path}: migration {i + 1} failed and was rolled back: {exc}") from exc
        except BaseException:
            self.conn.rollback()
            raise
        return i + 1

    def _runnable(self, script: str) -> str:
        """``script`` as this database can run it: a SQLite without FTS5's trigram tokenizer
        skips the SQLite-only block (PostgreSQL's connection skips it itself)."""
        if self.is_postgres or not SQLITE_ONLY.search(script):
            return script
        try:
            self.conn.execute("CREATE VIRTUAL TABLE temp.fts5_trigram_probe USING fts5(x, tokenize='trigram case_sensitive 1')")
            self.conn.execute("DROP TABLE temp.fts5_trigram_probe")
        except sqlite3.OperationalError:
            return SQLITE_ONLY.sub("", script)
        return script

    @contextlib.contextmanager
    def writer(self, *, wait: float | None = None, on_wait: Callable[[dict | None], None] | None = None, command: str | None = None) -> Iterator[None]:
        """Be this ledger's only writer for the block (a whole run: ingest to stage 7).
        Another holder is waited for up to ``wait`` seconds (``lock.WRITER_WAIT_S`` when
        None; ``on_wait(holder)`` is told once), then ``LedgerBusy`` names it. SQLite: the
        lock file ``<ledger>.lock`` (pid, host, start, command inside; a dead holder's is
        taken over). PostgreSQL: a session advisory lock. An in-memory ledger has one
        connection and needs none."""
        if self.is_postgres:
            with self.conn.writer_lock(wait=wait, on_wait=on_wait, command=command):
                yield
            return
        if self.path == ":memory:" or self.path.startswith("file:"):
            yield
            return
        from .lock import WriterLock

        with WriterLock(self.path, command=command).acquire(wait=wait, on_wait=on_wait):
            yield

    @contextlib.contextmanager
    def exclusive(self, name: str) -> Iterator[None]:
        """One holder at a time per ledger for a read-modify-write pass over many rows
        (stage 7): an advisory lock on PostgreSQL, where several writers share a database;
        nothing on SQLite, whose single writer is the running process."""
        if not self.is_postgres:
            yield
            return
        with self.conn.advisory_lock(name):
            yield

    @property
    def display_name(self) -> str:
        """The path, or the URL without its password."""
        return redact_db(self.path)

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- writes ------------------------------------------------------------------------
    def has_article(self, article_id: str) -> bool:
        return self.conn.execute("SELECT 1 FROM articles WHERE article_id=?", (article_id,)).fetchone() is not None

    def copy_key(self, article_id: str) -> tuple | None:
        """The stored copy's ``records.copy_key`` (None when the article is not stored)."""
        row = self.conn.execute("SELECT published, url, outlet, title, path, source_format FROM articles WHERE article_id=?", (article_id,)).fetchone()
        return None if row is None else (row[0] or UNDATED,) + tuple(v or "" for v in row[1:])

    def remove_articles(self, article_ids: Iterable[str]) -> None:
        """Take articles and their reports out of the ledger in one transaction; the events
        that held their reports are marked stale for the next stage 7 to rebuild (or retire)."""
        ids = sorted(set(article_ids))
        if not ids:
            return
        with self.conn:
            affected = {r["event_id"] for r in self._mention_rows("article_id", ids)}
            self.mark_stale(affected)
            for aid in ids:
                # stale events that named it as their first article point nowhere until rebuilt
                self.conn.execute("UPDATE events SET article_id = NULL WHERE article_id = ? AND corroborated != 0", (aid,))
                self.conn.execute("DELETE FROM events WHERE article_id = ? AND corroborated = 0", (aid,))
                self.conn.execute("DELETE FROM mentions WHERE article_id = ?", (aid,))
                self.conn.execute("DELETE FROM article_sources WHERE article_id = ?", (aid,))
                self.conn.execute("DELETE FROM articles WHERE article_id = ?", (aid,))

    def stored_article_ids(self, ids: list[str]) -> set[str]:
        """The ids among ``ids`` already stored (one query per 500 ids)."""
        found: set[str] = set()
        for i in range(0, len(ids), 500):
            chunk = ids[i : i + 500]
            sql = f"SELECT article_id FROM articles WHERE article_id IN ({','.join('?' * len(chunk))})"
            found.update(r[0] for r in self.conn.execute(sql, chunk))
        return found

    def save_article(self, article: Article, clean_text: str, removed: list, warnings: list[str], events: list[Event]) -> bool:
        """Store one processed article and its events atomically; False if already stored."""
        return self.save_articles([(article, clean_text, removed, warnings, events, None)])[0]

    def save_articles(self, items: Sequence[tuple[Article, str, list, list[str], list[Event], Any]]) -> list[bool]:
        """Store processed articles ``(article, clean text, removed, warnings, events,
        provenance profile or None)`` in one transaction; for each, True if it was new,
        False if already stored (its profile is then not written either).

        One commit per batch, not per article: every commit writes the index pages that its
        rows touched, and the events table has nine indexes (a run of 800 articles spent
        twice the CPU saving them one by one: ``pipeline.SAVE_BATCH``)."""
        now = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
        cols = ["event_id", "article_id"] + EVENT_COLUMNS[1:]
        added = [False] * len(items)
        rows: list[list[Any]] = []
        sources = []
        with self.conn:
            # in id order: two writers' batches that share articles lock them in the same
            # order on PostgreSQL, so neither waits for the other in a cycle
            for i in sorted(range(len(items)), key=lambda i: items[i][0].article_id):
                article, clean_text, removed, warnings, events, source = items[i]
                cur = self.conn.execute(
                    "INSERT OR IGNORE INTO articles VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    (
                        article.article_id,
                        article.path,
                        article.url,
                        article.title,
                        article.outlet,
                        article.published.isoformat() if article.published else None,
                        article.source_format,
                        json.dumps(article.provenance),
                        article.text,
                        clean_text,
                        json.dumps([dataclasses.asdict(r) for r in removed]),
                        json.dumps(warnings),
                        len(events),
                        now,
                    ),
                )
                if cur.rowcount == 0:
                    continue
                added[i] = True
                if source is not None:
                    sources.append(source)
                rows += [[ev.event_id, article.article_id] + _event_values(ev) for ev in events]
                # an input that failed before and now reads fine is no longer a skip
                if article.path:
                    self.conn.execute("DELETE FROM skips WHERE source=?", (article.path,))
            if rows:
                self.conn.executemany(f"INSERT OR IGNORE INTO events ({','.join(cols)}) VALUES ({','.join('?' * len(cols))})", rows)
            if sources:
                self._write_sources(sources)
        return added

    def save_skip(self, skip: Skip) -> None:
        now = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
        with self.conn:
            self.conn.execute("INSERT OR REPLACE INTO skips VALUES (?,?,?,?)", (skip.source, skip.code, skip.reason, now))

    # -- reads -------------------------------------------------------------------------
    def events(self, *, since: str | None = None, until: str | None = None, admin1: str | None = None) -> Iterator[dict[str, Any]]:
        """The ledger's events (corroborated: never a run's pending or stale rows) as SPEC
        records (dicts), ordered by date then id."""
        where, args = ["corroborated = 1"], []
        if since:
            where.append("event_date >= ?")
            args.append(since)
        if until:
            where.append("event_date <= ?")
            args.append(until)
        if admin1:
            where.append("lower(admin1) = lower(?)")
            args.append(admin1)
        sql = f"SELECT {','.join(EVENT_COLUMNS)} FROM events WHERE " + " AND ".join(where)
        sql += " ORDER BY event_date IS NULL, event_date, event_id"
        for row in self.conn.execute(sql, args):
            rec = dict(zip(EVENT_COLUMNS, row))
            for c in JSON_COLUMNS:
                rec[c] = json.loads(rec[c]) if rec[c] else []
            rec["civilian_targeting"] = bool(rec["civilian_targeting"])
            yield rec

    # -- stage 7: corroboration ---------------------------------------------------------
    # Plain, portable SQL: the PostgreSQL store answers the same calls.
    def _in_chunks(self, sql: str, ids: Iterable[str], size: int = 500) -> Iterator[tuple]:
        ids = sorted(set(ids))
        for i in range(0, len(ids), size):
            chunk = ids[i : i + size]
            yield from self.conn.execute(sql.format(marks=",".join("?" * len(chunk))), chunk)

    def _event_rows(self, sql: str, args: Iterable[Any]) -> Iterator[dict[str, Any]]:
        for row in self.conn.execute(sql, list(args)):
            rec = dict(zip(["article_id"] + EVENT_COLUMNS, row))
            for c in JSON_COLUMNS:
                rec[c] = json.loads(rec[c]) if rec[c] else []
            rec["civilian_targeting"] = bool(rec["civilian_targeting"])
            yield rec

    def pending_reports(self) -> list[dict[str, Any]]:
        """Article-level events not yet corroborated: ``{"article_id", "record"}`` each."""
        sql = f"SELECT article_id, {','.join(EVENT_COLUMNS)} FROM events WHERE corroborated = 0 ORDER BY event_id"
        out = []
        for rec in self._event_rows(sql, []):
            out.append({"article_id": rec.pop("article_id"), "record": rec})
        return out

    def articles_without_source(self) -> list[tuple[str, str | None, str | None, str]]:
        """(article_id, outlet, published, clean text) of articles stage 7 has not profiled."""
        sql = (
            "SELECT a.article_id, a.outlet, a.published, a.clean_text FROM articles a "
            "LEFT JOIN article_sources s ON s.article_id = a.article_id WHERE s.article_id IS NULL"
        )
        return [tuple(r) for r in self.conn.execute(sql)]

    def save_article_sources(self, sources: Sequence) -> None:
        """Store provenance profiles (``provenance.ArticleSource``), replacing older ones."""
        with self.conn:
            self._write_sources(sources)

    def _write_sources(self, sources: Sequence) -> None:
        self.conn.executemany("DELETE FROM article_sources WHERE article_id = ?", [(s.article_id,) for s in sources])
        self.conn.executemany(
            "INSERT INTO article_sources (article_id, outlet, published, sketch, fingerprints, credits) VALUES (?,?,?,?,?,?)",
            [(s.article_id, s.outlet, s.published, json.dumps(s.sketch), json.dumps(sorted(s.fingerprints)), json.dumps(sorted(s.credits))) for s in sources],
        )

    def article_sources(self, ids: Iterable[str] | None) -> dict[str, Any]:
        """Article id -> ``provenance.ArticleSource`` (outlet, date, reuse signatures), of
        the articles ``ids`` or, with None, of every profiled article."""
        from .provenance import ArticleSource

        sql = "SELECT article_id, outlet, published, sketch, fingerprints, credits FROM article_sources"
        rows = self.conn.execute(sql) if ids is None else self._in_chunks(sql + " WHERE article_id IN ({marks})", ids)
        return {
            r[0]: ArticleSource(r[0], r[1], r[2], json.loads(r[3] or "[]"), set(json.loads(r[4] or "[]")), set(json.loads(r[5] or "[]")))
            for r in sorted(rows)  # id order on both backends: stage 7 must not depend on row order
        }

    def article_meta(self, ids: Iterable[str]) -> dict[str, tuple[str | None, str | None]]:
        """Article id -> (outlet, published)."""
        sql = "SELECT article_id, outlet, published FROM articles WHERE article_id IN ({marks})"
        return {r[0]: (r[1], r[2]) for r in self._in_chunks(sql, ids)}

    def stored_reports(self, blocks: list[tuple[str | None, str | None, str, str]]) -> list[dict[str, Any]]:
        """Stored reports in the blocks (iso3, admin1, from, to), plus every report of the
        events they belong to; a block without admin1 covers the whole country."""
        events: set[str] = set()
        for iso3, admin1, lo, hi in blocks:
            where, args = ["anchor_date >= ?", "anchor_date <= ?"], [lo, hi]
            if iso3 is None:
                where.append("iso3 IS NULL")
            else:
                where.append("iso3 = ?")
                args.append(iso3)
            if admin1 is not None:
                where.append("(admin1 = ? OR admin1 IS NULL)")
                args.append(admin1)
            events.update(r[0] for r in self.conn.execute(f"SELECT DISTINCT event_id FROM mentions WHERE {' AND '.join(where)}", args))
        return self.reports_of_events(events)

    def _mention_rows(self, column: str, ids: Iterable[str]) -> list[dict[str, Any]]:
        cols = "mention_id, event_id, article_id, record"
        rows = sorted(self._in_chunks(f"SELECT {cols} FROM mentions WHERE {column} IN ({{marks}})", ids))
        return [{"mention_id": r[0], "event_id": r[1], "article_id": r[2], "record": json.loads(r[3])} for r in rows]

    def reports_of_events(self, event_ids: Iterable[str]) -> list[dict[str, Any]]:
        """Every stored report of the events ``event_ids`` (rows as ``stored_reports``)."""
        return self._mention_rows("event_id", event_ids)

    def reports_of_articles(self, article_ids: Iterable[str]) -> list[dict[str, Any]]:
        """Every stored report of every event that holds a report of ``article_ids``."""
        return self.reports_of_events({r["event_id"] for r in self._mention_rows("article_id", article_ids)})

    def stale_events(self) -> list[str]:
        """Events marked for stage 7 to rebuild (``mark_stale``): their reports changed."""
        return [r[0] for r in self.conn.execute("SELECT event_id FROM events WHERE corroborated = 2 ORDER BY event_id")]

    def mark_stale(self, event_ids: Iterable[str]) -> None:
        """Mark corroborated events for the next stage 7 to re-cluster and rebuild, in the
        caller's transaction (a retraction, a replaced article): until then the ledger's
        readers, which read ``corroborated = 1``, leave them out."""
        self.conn.executemany("UPDATE events SET corroborated = 2 WHERE event_id = ? AND corroborated = 1", [(e,) for e in event_ids])

    def events_by_id(self, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        sql = f"SELECT {','.join(EVENT_COLUMNS)} FROM events WHERE event_id IN ({{marks}})"
        out = {}
        for row in self._in_chunks(sql, ids):
            rec = dict(zip(EVENT_COLUMNS, row))
            for c in JSON_COLUMNS:
                rec[c] = json.loads(rec[c]) if rec[c] else []
            rec["civilian_targeting"] = bool(rec["civilian_targeting"])
            out[rec["event_id"]] = rec
        return out

    def apply_corroboration(self, *, pending_ids, mentions, events, retired, history, changes) -> None:
        """Write one corroboration pass atomically: pending rows become reports (mentions),
        events are replaced by their corroborated versions, history and changes appended."""
        cols = ["event_id", "article_id"] + EVENT_COLUMNS[1:] + ["corroborated"]
        marks = ",".join("?" * len(cols))
        with self.conn:
            if not self.is_postgres and not self.conn.in_transaction:
                self.conn.execute("BEGIN")  # the trigger swap below must be inside it
            # the search index follows in two statements, not a trigger per row (SEARCH_VALUES_SQL)
            touched = json.dumps(sorted(set(retired) | {ev.event_id for ev, _ in events}))
            triggers = self._suspend_search_triggers(touched)
            # ids are unique within each list, so deleting all before inserting all is the
            # same as row by row, with one call per statement instead of one per row
            self.conn.executemany("DELETE FROM events WHERE event_id = ? AND corroborated = 0", [(eid,) for eid in pending_ids])
            self.conn.executemany("DELETE FROM mentions WHERE mention_id = ?", [(row[0],) for row in mentions])
            self.conn.executemany(
                "INSERT INTO mentions (mention_id, event_id, article_id, published, family, sub_event_type, "
                "event_date, anchor_date, iso3, admin1, record) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                mentions,
            )
            self.conn.executemany("DELETE FROM events WHERE event_id = ? AND corroborated != 0", [(eid,) for eid in retired])
            self.conn.executemany("DELETE FROM events WHERE event_id = ?", [(ev.event_id,) for ev, _ in events])
            self.conn.executemany(
                f"INSERT INTO events ({','.join(cols)}) VALUES ({marks})",
                [[ev.event_id, first_article] + _event_values(ev) + [1] for ev, first_article in events],
            )
            self.conn.executemany(
                "INSERT INTO event_history (event_id, article_id, field, old_value, new_value, changed_at) VALUES (?,?,?,?,?,?)",
                history,
            )
            self.conn.executemany(
                "INSERT INTO event_changes (kind, event_id, other_event_id, detail, changed_at) VALUES (?,?,?,?,?)",
                changes,
            )
            if triggers:
                self.conn.execute(
                    f"INSERT INTO events_search (rowid, search, actors) SELECT rowid, {SEARCH_VALUES_SQL} FROM events "
                    "WHERE corroborated = 1 AND event_id IN (SELECT value FROM json_each(?)) ORDER BY rowid",
                    (touched,),
                )
                for sql in triggers:
                    self.conn.execute(sql)

    def _suspend_search_triggers(self, event_ids: str) -> list[str]:
        """Inside the open transaction: take the stored events ``event_ids`` (a JSON list)
        out of the search index in one statement and drop the index's triggers, returning
        their SQL to re-create before the commit (DDL is transactional in SQLite: no other
        connection ever sees the ledger without them). Nothing on PostgreSQL, or without
        the index."""
        if self.is_postgres:
            return []
        triggers = self.conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'events' AND name LIKE 'events_search%'").fetchall()
        if not triggers:
            return []
        self.conn.execute(
            f"INSERT INTO events_search (events_search, rowid, search, actors) SELECT 'delete', rowid, {SEARCH_VALUES_SQL} FROM events "
            "WHERE corroborated = 1 AND event_id IN (SELECT value FROM json_each(?)) ORDER BY rowid",
            (event_ids,),
        )
        for name, _ in triggers:
            self.conn.execute(f"DROP TRIGGER {name}")
        return [sql for _, sql in triggers]

    def event_reports(self, event_id: str) -> list[dict[str, Any]]:
        """The article-level reports that make up an event."""
        rows = self.conn.execute("SELECT mention_id, article_id, record FROM mentions WHERE event_id = ? ORDER BY mention_id", (event_id,))
        return [{"mention_id": r[0], "article_id": r[1], "record": json.loads(r[2])} for r in rows]

    def event_history(self, event_id: str | None = None) -> list[dict[str, Any]]:
        """Which article changed which field of an event (all events when no id)."""
        keys = ("event_id", "article_id", "field", "old_value", "new_value", "changed_at", "kind", "note")
        sql = f"SELECT {','.join(keys)} FROM event_history"
        args: list[Any] = []
        if event_id is not None:
            sql += " WHERE event_id = ?"
            args.append(event_id)
        return [dict(zip(keys, r)) for r in self.conn.execute(sql, args)]

    # -- analysts' corrections and retractions (frontlines.corrections) ------------------
    def ledger_event(self, event_id: str) -> dict[str, Any] | None:
        """One corroborated event as a SPEC record, or None (pending rows are not events)."""
        sql = f"SELECT article_id, {','.join(EVENT_COLUMNS)} FROM events WHERE event_id = ? AND corroborated = 1"
        for rec in self._event_rows(sql, [event_id]):
            rec.pop("article_id")
            return rec
        return None

    def save_corrections(self, corrections: Sequence[dict[str, Any]], event: Event, history: Sequence[tuple]) -> None:
        """Store corrections (dicts of the ``corrections`` columns, ``mention_ids`` a list,
        ``value`` any JSON value), the event row they give and their history, atomically."""
        cols = EVENT_COLUMNS[1:]
        with self.conn:
            self.conn.executemany(
                "INSERT INTO corrections (correction_id, event_id, mention_ids, field, value, note, at) VALUES (?,?,?,?,?,?,?)",
                [(c["correction_id"], c["event_id"], json.dumps(c["mention_ids"]), c["field"], json.dumps(c["value"], ensure_ascii=False), c["note"], c["at"])
                 for c in corrections],
            )  # fmt: skip
            self.conn.executemany(
                "INSERT INTO correction_anchors (correction_id, mention_id) VALUES (?,?)",
                [(c["correction_id"], m) for c in corrections for m in sorted(set(c["mention_ids"]))],
            )
            self.conn.execute(
                f"UPDATE events SET {', '.join(c + ' = ?' for c in cols)} WHERE event_id = ? AND corroborated = 1",
                _event_values(event) + [event.event_id],
            )
            self._write_history(history)

    def _write_history(self, history: Sequence[tuple]) -> None:
        """Rows ``(event_id, article_id, field, old, new, changed_at, kind, note)``."""
        self.conn.executemany(
            "INSERT INTO event_history (event_id, article_id, field, old_value, new_value, changed_at, kind, note) VALUES (?,?,?,?,?,?,?,?)",
            history,
        )

    def corrections_for(self, event_ids: Iterable[str], report_ids: Iterable[str] = ()) -> list[dict[str, Any]]:
        """Corrections made on the events ``event_ids`` or anchored to any of the reports
        ``report_ids`` (mention ids), oldest first: dicts of the table's columns."""
        keys = ("correction_id", "event_id", "mention_ids", "field", "value", "note", "at")
        sql = f"SELECT {','.join(keys)} FROM corrections WHERE "
        found: dict[str, tuple] = {}
        for r in self._in_chunks(sql + "event_id IN ({marks})", event_ids):
            found[r[0]] = r
        anchored = {r[0] for r in self._in_chunks("SELECT correction_id FROM correction_anchors WHERE mention_id IN ({marks})", report_ids)}
        for r in self._in_chunks(sql + "correction_id IN ({marks})", anchored - set(found)):
            found[r[0]] = r
        out = [dict(zip(keys, r)) for r in found.values()]
        for c in out:
            c["mention_ids"] = json.loads(c["mention_ids"] or "[]")
            c["value"] = json.loads(c["value"]) if c["value"] is not None else None
        return sorted(out, key=lambda c: (c["at"] or "", c["correction_id"]))

    def events_of_reports(self, report_ids: Iterable[str]) -> dict[str, str]:
        """Report (mention) id -> the event it is a report of, for the stored ones."""
        return {r[0]: r[1] for r in self._in_chunks("SELECT mention_id, event_id FROM mentions WHERE mention_id IN ({marks})", report_ids)}

    def article_reports(self, article_id: str) -> list[dict[str, Any]]:
        """An article's reports: stored ones (``event_id`` the event they are in) and pending
        ones (``event_id`` None), as ``{"mention_id", "event_id", "record"}``."""
        out = [
            {"mention_id": r[0], "event_id": r[1], "record": json.loads(r[2])}
            for r in self.conn.execute("SELECT mention_id, event_id, record FROM mentions WHERE article_id = ? ORDER BY mention_id", (article_id,))
        ]
        sql = f"SELECT article_id, {','.join(EVENT_COLUMNS)} FROM events WHERE corroborated = 0 AND article_id = ? ORDER BY event_id"
        for rec in self._event_rows(sql, [article_id]):
            rec.pop("article_id")
            out.append({"mention_id": rec["event_id"], "event_id": None, "record": rec})
        return out

    def retraction(self, article_id: str) -> dict[str, Any] | None:
        """The article's retraction (``note``, ``at``, the ``reports`` it took out), or None."""
        row = self.conn.execute("SELECT note, at, reports FROM retractions WHERE article_id = ?", (article_id,)).fetchone()
        return None if row is None else {"article_id": article_id, "note": row[0], "at": row[1], "reports": json.loads(row[2] or "[]")}

    def retractions(self) -> list[dict[str, Any]]:
        """Every retracted article: ``article_id``, ``note``, ``at``."""
        return [{"article_id": r[0], "note": r[1], "at": r[2]} for r in self.conn.execute("SELECT article_id, note, at FROM retractions ORDER BY at, article_id")]

    def retract_article(self, article_id: str, note: str, at: str, *, reports: list[dict[str, Any]], retire: Iterable[str], requeue: Iterable[str], history: Sequence[tuple]) -> None:
        """Take an article's reports out of the ledger, atomically: keep them in
        ``retractions`` (for an undo), delete its reports and pending rows, delete the events
        ``retire`` (left without a report) and put the reports ``requeue`` back to pending
        (stage 7 then rebuilds their events: ``requeue_reports``)."""
        with self.conn:
            self.conn.execute("INSERT INTO retractions (article_id, note, at, reports) VALUES (?,?,?,?)", (article_id, note, at, json.dumps(reports, ensure_ascii=False)))
            self.conn.execute("DELETE FROM mentions WHERE article_id = ?", (article_id,))
            self.conn.execute("DELETE FROM events WHERE article_id = ? AND corroborated = 0", (article_id,))
            self.conn.executemany("DELETE FROM events WHERE event_id = ? AND corroborated = 1", [(e,) for e in sorted(set(retire))])
            self._requeue(requeue)
            self._write_history(history)

    def requeue_reports(self, report_ids: Iterable[str], *, drop_events: Iterable[str] = ()) -> None:
        """Move stored reports back to pending (article-level rows, corroborated = 0), so
        that the next stage 7 pass clusters them again and rebuilds the events they join;
        the events ``drop_events`` are deleted first (stage 7 then builds them anew)."""
        with self.conn:
            self.conn.executemany("DELETE FROM events WHERE event_id = ? AND corroborated = 1", [(e,) for e in sorted(set(drop_events))])
            self._requeue(report_ids)

    def add_changes(self, changes: Sequence[tuple]) -> None:
        """Append ``event_changes`` rows ``(kind, event_id, other_event_id, detail, changed_at)``."""
        with self.conn:
            self.conn.executemany("INSERT INTO event_changes (kind, event_id, other_event_id, detail, changed_at) VALUES (?,?,?,?,?)", changes)

    def has_corrections(self) -> bool:
        return self.conn.execute("SELECT 1 FROM corrections LIMIT 1").fetchone() is not None

    def add_history(self, history: Sequence[tuple]) -> None:
        """Append ``event_history`` rows ``(event_id, article_id, field, old, new, changed_at, kind, note)``."""
        with self.conn:
            self._write_history(history)

    def _requeue(self, report_ids: Iterable[str]) -> None:
        ids = sorted(set(report_ids))
        rows = list(self._in_chunks("SELECT mention_id, article_id, record FROM mentions WHERE mention_id IN ({marks})", ids))
        self._insert_pending([(aid, json.loads(rec)) for _, aid, rec in rows])
        self.conn.executemany("DELETE FROM mentions WHERE mention_id = ?", [(r[0],) for r in rows])

    def _insert_pending(self, reports: Sequence[tuple[str, dict[str, Any]]]) -> None:
        """Pending rows from ``(article_id, article-level record)`` pairs."""
        cols = ["event_id", "article_id"] + EVENT_COLUMNS[1:] + ["corroborated"]
        rows = []
        for article_id, rec in reports:
            ev = Event(**{k: (rec.get(k) or [] if k in JSON_COLUMNS else rec.get(k)) for k in EVENT_COLUMNS})
            rows.append([ev.event_id, article_id] + _event_values(ev) + [0])
        self.conn.executemany(f"INSERT OR IGNORE INTO events ({','.join(cols)}) VALUES ({','.join('?' * len(cols))})", rows)

    def unretract_article(self, article_id: str) -> None:
        """Undo a retraction: its reports come back as pending rows (stage 7 places them)."""
        got = self.retraction(article_id)
        if got is None:
            return
        with self.conn:
            self._insert_pending([(article_id, r["record"]) for r in got["reports"]])
            self.conn.execute("DELETE FROM retractions WHERE article_id = ?", (article_id,))

    def event_changes(self) -> list[dict[str, Any]]:
        """The merge and split log."""
        keys = ("kind", "event_id", "other_event_id", "detail", "changed_at")
        return [dict(zip(keys, r)) for r in self.conn.execute(f"SELECT {','.join(keys)} FROM event_changes")]

    def events_near(self, latitude: float, longitude: float, km: float) -> list[dict[str, Any]]:
        """Events within ``km`` of a point, nearest first, each with ``distance_km``. A
        PostgreSQL store with PostGIS asks its spatial index; otherwise a bounding box in SQL
        and the great-circle distance in Python (the same events either way)."""
        import math

        cols = ",".join(EVENT_COLUMNS)
        if getattr(self.conn, "postgis", False):
            sql = (
                f"SELECT {cols} FROM events WHERE ST_DWithin(geography(ST_SetSRID(ST_MakePoint(longitude, latitude), 4326)), "
                "geography(ST_SetSRID(ST_MakePoint(?, ?), 4326)), ?)"
            )
            # PostGIS measures on the spheroid: a 0.5% margin, then the same distance test as below
            args: list[Any] = [longitude, latitude, km * 1005.0]
        else:
            dlat = km / 111.0 * 1.01
            dlon = min(180.0, km / max(1e-6, 111.0 * math.cos(math.radians(min(89.9, abs(latitude) + dlat)))) * 1.01)
            sql = f"SELECT {cols} FROM events WHERE latitude BETWEEN ? AND ? AND longitude BETWEEN ? AND ?"
            args = [latitude - dlat, latitude + dlat, longitude - dlon, longitude + dlon]
        out = []
        for row in self.conn.execute(sql, args):
            rec = dict(zip(EVENT_COLUMNS, row))
            d = haversine_km(latitude, longitude, rec["latitude"], rec["longitude"])
            if d <= km:
                for c in JSON_COLUMNS:
                    rec[c] = json.loads(rec[c]) if rec.get(c) else []
                rec["civilian_targeting"] = bool(rec["civilian_targeting"])
                rec["distance_km"] = d
                out.append(rec)
        out.sort(key=lambda r: (r["distance_km"], r["event_id"]))
        return out

    def skips(self) -> list[Skip]:
        return [Skip(*r) for r in self.conn.execute("SELECT source, code, reason FROM skips ORDER BY source")]

    def counts(self) -> dict[str, int]:
        q = lambda sql: int(self.conn.execute(sql).fetchone()[0])  # noqa: E731
        return {
            "articles": q("SELECT count(*) FROM articles"),
            "events": q("SELECT count(*) FROM events"),
            "skips": q("SELECT count(*) FROM skips"),
        }

    def check(self, *, complete: bool = True) -> LedgerCheck:
        """Verify the ledger's invariants: every report (``mentions`` row) in exactly one
        stored event, the same one its event's record lists it in; every corroborated event
        with at least one report; no report both pending and corroborated; every row's
        article stored; the schema current; and with ``complete`` (after a finished run)
        no pending rows left, nor stale events (``corroborated = 2``, where a branch marks
        events for stage 7 to rebuild). Reads only; portable SQL (both backends)."""
        q = lambda sql: int(self.conn.execute(sql).fetchone()[0])  # noqa: E731
        out = LedgerCheck(
            articles=q("SELECT count(*) FROM articles"),
            events=q("SELECT count(*) FROM events WHERE corroborated = 1"),
            reports=q("SELECT count(*) FROM mentions"),
            pending=q("SELECT count(*) FROM events WHERE corroborated = 0"),
            stale=q("SELECT count(*) FROM events WHERE corroborated = 2"),
        )
        bad = out.problems.append
        if self.schema_version() != len(self.migrations):
            bad(f"schema version {self.schema_version()}, expected {len(self.migrations)}")
        if not self.is_postgres:
            result = self.conn.execute("PRAGMA quick_check").fetchone()[0]
            if result != "ok":
                bad(f"SQLite quick_check: {result}")
        n = q("SELECT count(*) FROM mentions m WHERE NOT EXISTS (SELECT 1 FROM events e WHERE e.event_id = m.event_id AND e.corroborated <> 0)")
        if n:
            bad(f"{n} reports belong to no stored event")
        n = q("SELECT count(*) FROM events e WHERE e.corroborated = 1 AND NOT EXISTS (SELECT 1 FROM mentions m WHERE m.event_id = e.event_id)")
        if n:
            bad(f"{n} events have no report")
        n = q("SELECT count(*) FROM events e JOIN mentions m ON m.mention_id = e.event_id WHERE e.corroborated = 0")
        if n:
            bad(f"{n} reports are both pending and in an event")
        # (a stale event's first article may be gone until stage 7 rebuilds it)
        for table, where in (("events", " AND t.corroborated <> 2"), ("mentions", "")):
            n = q(f"SELECT count(*) FROM {table} t WHERE NOT EXISTS (SELECT 1 FROM articles a WHERE a.article_id = t.article_id){where}")
            if n:
                bad(f"{n} {table} rows name an article that is not stored")
        if complete and out.pending:
            bad(f"{out.pending} pending reports left after the run (stage 7 did not finish)")
        if complete and out.stale:
            bad(f"{out.stale} stale events left after the run (stage 7 did not rebuild them)")
        # each event's record lists its reports' evidence under their report ids
        event_of = dict(self.conn.execute("SELECT mention_id, event_id FROM mentions"))
        listed: dict[str, set[str]] = {}
        for event_id, mentions in self.conn.execute("SELECT event_id, mentions FROM events WHERE corroborated = 1"):
            for m in json.loads(mentions) if mentions else []:
                rid = m.get("report_id") if isinstance(m, dict) else None
                if rid is not None:
                    listed.setdefault(rid, set()).add(event_id)
        twice = sum(1 for ids in listed.values() if len(ids) > 1)
        if twice:
            bad(f"{twice} reports are listed in two or more events")
        elsewhere = sum(1 for rid, ids in listed.items() if len(ids) == 1 and event_of.get(rid) not in ids)
        if elsewhere:
            bad(f"{elsewhere} reports are listed in an event that is not theirs")
        return out
