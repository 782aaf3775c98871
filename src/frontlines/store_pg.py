"""The PostgreSQL side of the store: one connection class that speaks the slice of
sqlite3's interface ``store.Store`` uses, so both backends share one schema definition
(``store.MIGRATIONS``) and one set of queries.

Dialect differences live here and only here:

* ``?`` placeholders become ``%s`` (and a literal ``%`` becomes ``%%``);
* ``INSERT OR IGNORE`` becomes ``INSERT ... ON CONFLICT DO NOTHING``, ``INSERT OR REPLACE``
  an upsert on the table's primary key (read from the catalogue);
* DDL types: ``REAL`` is ``DOUBLE PRECISION``, ``INTEGER`` is ``BIGINT`` (SQLite integers
  are 64-bit), ``INTEGER PRIMARY KEY AUTOINCREMENT`` is ``BIGSERIAL PRIMARY KEY``;
* ``PRAGMA user_version`` reads and writes the table ``frontlines_schema``; other PRAGMAs
  are SQLite tuning and do nothing;
* ``with conn:`` is a transaction (nested ones are savepoints), as in sqlite3;
* a migration's ``-- begin sqlite only`` ... ``-- end sqlite only`` block is skipped.

Unique keys plus ``ON CONFLICT`` make concurrent writers safe: two processes storing the
same article store it once. Migrations run under an advisory lock. PostGIS, when the
server has it, adds a spatial index used by ``Store.events_near``.
"""

from __future__ import annotations

import contextlib
import re
from typing import Any, Iterator, Sequence

from .errors import LedgerNotFound, MissingExtra, StoreError
from .store import SQLITE_ONLY, redact_db

# Any constant: the advisory lock key that serialises frontlines migrations on a server.
MIGRATION_LOCK_KEY = 0x66726F6E  # "fron"

_INSERT_OR = re.compile(r"^\s*INSERT\s+OR\s+(IGNORE|REPLACE)\s+INTO\s+(\w+)\s*(\(([^)]*)\))?", re.I | re.S)
_PRAGMA = re.compile(r"^\s*PRAGMA\s+(\w+)\s*(?:=\s*(\S+))?\s*;?\s*$", re.I)
_DDL_TYPES = [
    (re.compile(r"\bINTEGER\s+PRIMARY\s+KEY\s+AUTOINCREMENT\b", re.I), "BIGSERIAL PRIMARY KEY"),
    (re.compile(r"\bREAL\b", re.I), "DOUBLE PRECISION"),
    (re.compile(r"\bINTEGER\b", re.I), "BIGINT"),
]
_DDL = re.compile(r"^\s*(CREATE|ALTER)\b", re.I)


# the URL without its password, for messages (one helper for every message: store.redact_db)
redact = redact_db


def _placeholders(sql: str) -> str:
    """``?`` outside string literals to ``%s``; ``%`` to ``%%``."""
    out, quoted = [], False
    for ch in sql:
        if ch == "'":
            quoted = not quoted
            out.append(ch)
        elif ch == "%":
            out.append("%%")
        elif ch == "?" and not quoted:
            out.append("%s")
        else:
            out.append(ch)
    return "".join(out)


def split_script(script: str) -> list[str]:
    """Statements of a migration script (no ``;`` inside literals in our migrations), less
    its SQLite-only block (whose trigger bodies hold ``;`` of their own)."""
    return [s.strip() for s in SQLITE_ONLY.sub("", script).split(";") if s.strip()]


class _EmptyCursor:
    rowcount = 0

    def fetchone(self):
        return None

    def fetchall(self):
        return []

    def __iter__(self) -> Iterator[tuple]:
        return iter(())


class PgConnection:
    """A psycopg 3 connection with sqlite3's ``execute``/``executemany``/``executescript``
    and ``with conn:`` transactions, translating SQLite's dialect on the way."""

    def __init__(self, url: str, *, postgis: bool | None = None, create: bool = True):
        try:
            import psycopg
        except ImportError as exc:
            raise MissingExtra("a PostgreSQL store needs psycopg", hint="pip install 'frontlines[postgres]'") from exc
        self.url = url
        try:
            self.raw = psycopg.connect(url, autocommit=True)
        except psycopg.Error as exc:
            raise StoreError(f"cannot connect to {redact_db(url)}: {redact_db(url, str(exc).strip())}") from exc
        self._tx: list[Any] = []
        self._cache: dict[str, str] = {}
        self._keys: dict[str, tuple[list[str], list[str]]] = {}
        self.want_postgis = postgis
        self.postgis = False
        if not create:  # a reader: a database without frontlines' schema is no ledger, left as it is
            found = self.raw.execute("SELECT to_regclass('frontlines_schema') IS NOT NULL").fetchone()[0]
            if not found:
                self.raw.close()
                raise LedgerNotFound(f"no ledger in {redact(url)} (the database has no frontlines schema)")
            return
        # under the migration lock: two processes running CREATE TABLE IF NOT EXISTS on a
        # new database at once can both try to create it (PostgreSQL's IF NOT EXISTS is
        # not atomic), and one fails on the catalogue's unique index
        with self.migration_lock():
            self.raw.execute(
                "CREATE TABLE IF NOT EXISTS frontlines_schema (id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL)"
            )
            self.raw.execute("INSERT INTO frontlines_schema VALUES (1, 0) ON CONFLICT DO NOTHING")

    # -- sqlite3's interface ---------------------------------------------------------------
    def execute(self, sql: str, args: Sequence[Any] = ()):
        pragma = _PRAGMA.match(sql)
        if pragma:
            return self._pragma(pragma.group(1).lower(), pragma.group(2))
        return self.raw.execute(self.translate(sql), list(args))

    def executemany(self, sql: str, rows):
        cur = self.raw.cursor()
        cur.executemany(self.translate(sql), [list(r) for r in rows])
        return cur

    def executescript(self, script: str) -> None:
        for stmt in split_script(script):
            self.execute(stmt)

    def __enter__(self) -> "PgConnection":
        tx = self.raw.transaction()
        tx.__enter__()
        self._tx.append(tx)
        return self

    def __exit__(self, *exc) -> None:
        self._tx.pop().__exit__(*exc)

    def close(self) -> None:
        self.raw.close()

    # -- dialect ---------------------------------------------------------------------------
    def translate(self, sql: str) -> str:
        """SQLite-flavoured SQL to PostgreSQL (cached per statement text)."""
        done = self._cache.get(sql)
        if done is not None:
            return done
        out = sql
        if _DDL.match(out):
            for pat, repl in _DDL_TYPES:
                out = pat.sub(repl, out)
        m = _INSERT_OR.match(out)
        if m:
            verb, table, _, cols = m.groups()
            out = f"INSERT INTO {table} " + (f"({cols})" if cols else "") + out[m.end():]
            out = out.rstrip().rstrip(";")
            if verb.upper() == "IGNORE":
                out += " ON CONFLICT DO NOTHING"
            else:
                pk, columns = self._table_keys(table)
                names = [c.strip() for c in cols.split(",")] if cols else columns
                rest = [c for c in names if c not in pk]
                if rest:
                    sets = ", ".join(f"{c} = EXCLUDED.{c}" for c in rest)
                    out += f" ON CONFLICT ({', '.join(pk)}) DO UPDATE SET {sets}"
                else:
                    out += " ON CONFLICT DO NOTHING"
        out = _placeholders(out)
        self._cache[sql] = out
        return out

    def _table_keys(self, table: str) -> tuple[list[str], list[str]]:
        """(primary key columns, all columns in order) of a table."""
        if table not in self._keys:
            cols = [r[0] for r in self.raw.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() "
                "AND table_name = %s ORDER BY ordinal_position", [table.lower()])]  # fmt: skip
            pk = [r[0] for r in self.raw.execute(
                "SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid "
                "AND a.attnum = ANY(i.indkey) WHERE i.indrelid = %s::regclass AND i.indisprimary", [table.lower()])]  # fmt: skip
            if not pk:
                raise StoreError(f"INSERT OR REPLACE into {table}, which has no primary key")
            self._keys[table] = (pk, cols)
        return self._keys[table]

    def _pragma(self, name: str, value: str | None):
        if name != "user_version":
            return _EmptyCursor()  # journal_mode, foreign_keys, ...: SQLite tuning
        if value is None:
            return self.raw.execute("SELECT version FROM frontlines_schema WHERE id = 1")
        self.raw.execute("UPDATE frontlines_schema SET version = %s WHERE id = 1", [int(value)])
        self._keys.clear()  # a migration may have changed tables
        return _EmptyCursor()

    @contextlib.contextmanager
    def migration_lock(self) -> Iterator[None]:
        """One migrating process per server at a time (others wait, then find it done)."""
        self.raw.execute("SELECT pg_advisory_lock(%s)", [MIGRATION_LOCK_KEY])
        try:
            yield
        finally:
            self.raw.execute("SELECT pg_advisory_unlock(%s)", [MIGRATION_LOCK_KEY])

    @contextlib.contextmanager
    def advisory_lock(self, name: str) -> Iterator[None]:
        """A session-level advisory lock named ``name`` (waits for other holders)."""
        self.raw.execute("SELECT pg_advisory_lock(hashtext(%s))", [f"frontlines:{name}"])
        try:
            yield
        finally:
            self.raw.execute("SELECT pg_advisory_unlock(hashtext(%s))", [f"frontlines:{name}"])

    @contextlib.contextmanager
    def writer_lock(self, *, wait: float | None = None, on_wait=None, command: str | None = None) -> Iterator[None]:
        """The ledger's writer lock (``Store.writer``): a session advisory lock, tried
        every ``lock.POLL_S`` for up to ``wait`` seconds, then ``LedgerBusy`` naming the
        holder. The holder's pid and host are in its ``application_name``, which others
        read from ``pg_stat_activity`` (with its connection time)."""
        import os
        import socket
        import time

        from .lock import POLL_S, WRITER_WAIT_S, busy_error

        wait = WRITER_WAIT_S if wait is None else max(0.0, float(wait))
        key = "frontlines:writer"
        start, told = time.monotonic(), False
        while not self.raw.execute("SELECT pg_try_advisory_lock(hashtext(%s))", [key]).fetchone()[0]:
            holder = self._lock_holder(key)
            if time.monotonic() - start >= wait:
                raise busy_error(redact(self.url), holder, wait)
            if not told and on_wait is not None:
                on_wait(holder)
                told = True
            time.sleep(POLL_S)
        try:
            # NAMEDATALEN: PostgreSQL keeps the first 63 bytes
            self.raw.execute("SELECT set_config('application_name', %s, false)", [f"frontlines pid={os.getpid()} host={socket.gethostname()}"[:63]])
            yield
        finally:
            self.raw.execute("SELECT pg_advisory_unlock(hashtext(%s))", [key])

    def _lock_holder(self, key: str) -> dict[str, Any] | None:
        """pid, host and start of the session holding advisory lock ``key`` (None if gone)."""
        row = self.raw.execute(
            "SELECT a.application_name, a.backend_start, a.pid FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
            "WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1 "
            "AND ((l.classid::bigint << 32) | l.objid::bigint) = hashtext(%s)::bigint",
            [key],
        ).fetchone()
        if row is None:
            return None
        fields = dict(p.split("=", 1) for p in (row[0] or "").split() if "=" in p)
        return {
            "pid": fields.get("pid", f"? (server backend {row[2]})"),
            "host": fields.get("host", "?"),
            "started": row[1].isoformat(timespec="seconds") if row[1] else None,
        }

    # -- PostGIS ---------------------------------------------------------------------------
    def setup_postgis(self) -> bool:
        """Use PostGIS when the server has it (and it was not turned off): the extension and
        a spatial index on the events' points. False means the plain-SQL fallback."""
        if self.want_postgis is False:
            return False
        import psycopg

        available = self.raw.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'postgis'").fetchone()
        if not available:
            if self.want_postgis:
                raise StoreError("PostGIS was asked for but the server does not have it", hint="install postgis on the server")
            return False
        try:
            with self.raw.transaction():
                self.raw.execute("SELECT pg_advisory_xact_lock(%s)", [MIGRATION_LOCK_KEY + 1])
                self.raw.execute("CREATE EXTENSION IF NOT EXISTS postgis")
                self.raw.execute(
                    "CREATE INDEX IF NOT EXISTS events_geog ON events USING gist "
                    "((geography(ST_SetSRID(ST_MakePoint(longitude, latitude), 4326))))"
                )
        except psycopg.Error:
            if self.want_postgis:
                raise
            return False  # e.g. no right to create extensions: fall back quietly
        self.postgis = True
        return True


def connect(url: str, *, postgis: bool | None = None, create: bool = True) -> PgConnection:
    return PgConnection(url, postgis=postgis, create=create)
