"""Stage 8, store: the event ledger in one SQLite file.

The store is a narrow interface (``Store``) so that a PostgreSQL backend can stand beside
it: ``has_article``, ``save_article``, ``save_skip``, ``events``, ``skips``, ``counts``.
Schema changes are numbered migrations recorded in ``PRAGMA user_version``; re-running
on the same input adds nothing (articles are keyed by their content hash).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import sqlite3
from pathlib import Path
from typing import Any, Iterator

from .errors import SchemaTooNew, StoreError
from .records import Article, Event, Skip

EVENT_COLUMNS = [f.name for f in dataclasses.fields(Event)]
JSON_COLUMNS = {"sources", "mentions"}

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
]
SCHEMA_VERSION = len(MIGRATIONS)


class Store:
    """An event ledger in a SQLite file (created and migrated on open)."""

    def __init__(self, path: str | Path = "frontlines.db"):
        self.path = str(path)
        try:
            self.conn = sqlite3.connect(self.path)
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open database {self.path}: {exc}") from exc
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute("PRAGMA foreign_keys=ON")
        self.migrate()

    # -- schema ------------------------------------------------------------------------
    def schema_version(self) -> int:
        return int(self.conn.execute("PRAGMA user_version").fetchone()[0])

    def migrate(self) -> None:
        version = self.schema_version()
        if version > SCHEMA_VERSION:
            raise SchemaTooNew(f"{self.path} has schema version {version}; this frontlines knows {SCHEMA_VERSION}")
        for i in range(version, SCHEMA_VERSION):
            with self.conn:
                self.conn.executescript(MIGRATIONS[i])
                self.conn.execute(f"PRAGMA user_version = {i + 1}")

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- writes ------------------------------------------------------------------------
    def has_article(self, article_id: str) -> bool:
        return self.conn.execute("SELECT 1 FROM articles WHERE article_id=?", (article_id,)).fetchone() is not None

    def save_article(self, article: Article, clean_text: str, removed: list, warnings: list[str], events: list[Event]) -> bool:
        """Store one processed article and its events atomically; False if already stored."""
        now = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
        with self.conn:
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
                return False
            cols = ["event_id", "article_id"] + EVENT_COLUMNS[1:]
            placeholders = ",".join("?" * len(cols))
            for ev in events:
                row = dataclasses.asdict(ev)
                values = [ev.event_id, article.article_id] + [
                    json.dumps(row[c]) if c in JSON_COLUMNS else (int(row[c]) if c == "civilian_targeting" else row[c])
                    for c in EVENT_COLUMNS[1:]
                ]
                self.conn.execute(f"INSERT OR IGNORE INTO events ({','.join(cols)}) VALUES ({placeholders})", values)
            # an input that failed before and now reads fine is no longer a skip
            if article.path:
                self.conn.execute("DELETE FROM skips WHERE source=?", (article.path,))
        return True

    def save_skip(self, skip: Skip) -> None:
        now = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
        with self.conn:
            self.conn.execute("INSERT OR REPLACE INTO skips VALUES (?,?,?,?)", (skip.source, skip.code, skip.reason, now))

    # -- reads -------------------------------------------------------------------------
    def events(self, *, since: str | None = None, until: str | None = None, admin1: str | None = None) -> Iterator[dict[str, Any]]:
        """Events as SPEC records (dicts), ordered by date then id."""
        where, args = [], []
        if since:
            where.append("event_date >= ?")
            args.append(since)
        if until:
            where.append("event_date <= ?")
            args.append(until)
        if admin1:
            where.append("lower(admin1) = lower(?)")
            args.append(admin1)
        sql = f"SELECT {','.join(EVENT_COLUMNS)} FROM events"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY event_date IS NULL, event_date, event_id"
        for row in self.conn.execute(sql, args):
            rec = dict(zip(EVENT_COLUMNS, row))
            for c in JSON_COLUMNS:
                rec[c] = json.loads(rec[c]) if rec[c] else []
            rec["civilian_targeting"] = bool(rec["civilian_targeting"])
            yield rec

    def skips(self) -> list[Skip]:
        return [Skip(*r) for r in self.conn.execute("SELECT source, code, reason FROM skips ORDER BY source")]

    def counts(self) -> dict[str, int]:
        q = lambda sql: int(self.conn.execute(sql).fetchone()[0])  # noqa: E731
        return {
            "articles": q("SELECT count(*) FROM articles"),
            "events": q("SELECT count(*) FROM events"),
            "skips": q("SELECT count(*) FROM skips"),
        }
