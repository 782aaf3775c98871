"""Read-only queries behind the web API: filtered, paged, sorted events; one event with its
evidence and history; articles, sources and summary counts.

They open the ledger read-only (SQLite's ``mode=ro``; a PostgreSQL session in read-only
transactions) so the server can never change it, and use the corroboration tables
(``mentions``, ``event_history``) when the store has them, falling back to the ``mentions``
JSON column of ``events`` when it does not.

Only committed, corroborated events are shown: rows that one article's ``save_article``
wrote (``corroborated = 0``) wait for stage 7 and appear nowhere, not in a page, a count,
a chart, the sources' counts, the filter values nor as one event (``Dialect.committed``).

The SQL is SQLite's; a ``postgresql://`` ledger is read through ``PgReader``, and the few
statements that differ (case-insensitive LIKE, the evidence sentences inside the mentions'
JSON, sort order of NULLs and text, the catalogue) take their PostgreSQL form from
``Dialect``. The trigram search index is SQLite's own: PostgreSQL answers ``q`` with ILIKE.

Speed (a page of a 100,000-event ledger well under 200 ms, ``benchmarks/api_speed.py``):

* the free-text (``q``) and ``actor`` filters match any part of a word, ASCII
  case-insensitively (SQL ``LIKE '%word%'``, which reads every row); ``q`` reads the notes,
  location, province, actors, sources and evidence sentences. A ledger from store migration 5
  on has a trigram index of that text (``events_search``): ``resolve`` looks the filters up
  there once per request, and the queries take the matching rows by id, with the same
  results as LIKE. Older ledgers, text the index cannot answer, and filters that leave few
  events anyway use LIKE;
* a page counts its matches first and reads few of them by selecting then sorting, many by
  walking the sort order's index (``SELECT_FIRST_MAX``); the charts make two passes that the
  covering indexes answer;
* ``ReadPool`` keeps connections, and their page caches, from one request to the next.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import threading
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence

from .. import placenames
from ..errors import MissingExtra, StoreError
from ..store import is_postgres_url, redact_db

# The SPEC record's columns in the events table, in SPEC order.
EVENT_COLUMNS = [
    "event_id", "event_date", "time_precision", "event_type", "sub_event_type",
    "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2", "interaction",
    "civilian_targeting", "country", "iso3", "admin1", "admin2", "location",
    "latitude", "longitude", "geo_precision", "geonameid",
    "fatalities", "fatalities_low", "fatalities_high", "claim_status",
    "sources", "source_count", "independent_source_count", "notes", "mentions",
]  # fmt: skip
LIST_COLUMNS = [c for c in EVENT_COLUMNS if c != "mentions"]
MAP_COLUMNS = ["event_id", "event_date", "event_type", "sub_event_type", "location", "admin1", "latitude", "longitude", "fatalities", "claim_status"]
SORTABLE = {
    "event_date", "event_type", "sub_event_type", "actor1", "actor2", "admin1", "admin2",
    "location", "fatalities", "claim_status", "source_count", "independent_source_count", "event_id",
}  # fmt: skip
CLAIM_STATUSES = ("confirmed", "reported", "claimed", "disputed")
ARTICLE_LIST_COLUMNS = ["article_id", "path", "url", "title", "outlet", "published", "source_format", "n_events", "ingested_at"]

# The search index (store migration 5), its vocabulary and its columns: ``search`` holds the
# text ``q`` reads, ``actors`` the four actor columns; both are lower-cased (ASCII only).
SEARCH_INDEX = "events_search"
# The store version whose index holds that text (migration 4's indexed the mentions' JSON).
SEARCH_INDEX_VERSION = 5
SEARCH_TERMS = "events_search_terms"
# Characters per indexed token (trigrams). A shorter word is looked up as the trigrams it
# begins, read from the vocabulary (the indexed text ends in two newlines, so every
# occurrence of a word begins one).
TRIGRAM = 3
# Up to this many matching events, a page selects them first and then sorts them; beyond it,
# it walks the sort order's index until the page is full. Fetching 25,000 rows to keep the
# newest 100 costs more than walking the date index past 400 rows, and walking it past
# 99,000 rows to find 100 of 1,085 costs more than fetching the 1,085 (SQLite cannot tell
# which from its statistics: it knows neither how many rows a toll range holds nor how
# many the text filters match). The same bound decides whether the text matches lead a
# query or are only probed.
SELECT_FIRST_MAX = 2_000
# When the other filters leave at most this many events, the text filters test them with
# LIKE (a few milliseconds) rather than look the text up in the whole index (tens of
# milliseconds when the words are common).
LIKE_CANDIDATES_MAX = 5_000


@dataclass(frozen=True)
class Dialect:
    """The SQL that differs between the SQLite and the PostgreSQL ledger."""

    pg: bool
    # case-insensitive LIKE: SQLite's folds ASCII letters; PostgreSQL's LIKE folds none
    like: str
    # keeps committed, corroborated events only. On SQLite as the rowids the partial index
    # events_pending lists (normally none): every index of events holds the rowid, so a
    # count or a chart still reads its covering index alone, where ``corroborated = 1``
    # would read every row for that column.
    committed: str
    # the evidence sentences of the ``mentions`` JSON column, as rows of one column ``sentence``
    sentences: str


SQLITE = Dialect(
    pg=False,
    like="LIKE",
    committed="rowid NOT IN (SELECT rowid FROM events WHERE corroborated = 0)",
    sentences="SELECT json_extract(value, '$.sentence') AS sentence FROM json_each(CASE WHEN json_valid(mentions) THEN mentions END)",
)
POSTGRES = Dialect(
    pg=True,
    like="ILIKE",
    committed="corroborated = 1",
    sentences="SELECT m.value ->> 'sentence' AS sentence FROM jsonb_array_elements(CASE WHEN jsonb_typeof(NULLIF(mentions, '')::jsonb) = 'array' "
    "THEN NULLIF(mentions, '')::jsonb END) AS m(value)",
)


def dialect(conn: Any) -> Dialect:
    return POSTGRES if getattr(conn, "is_postgres", False) else SQLITE


def connect(db: str | Path) -> Any:
    """A read-only connection to the ledger at ``db``, a SQLite file or a ``postgresql://``
    URL (a missing file, or a database without a ledger, is an error, not a new ledger)."""
    if is_postgres_url(db):
        return PgReader(str(db))
    path = Path(db)
    if not path.is_file():
        raise StoreError(f"no ledger at {redact_db(db)}", hint="run `frontlines run INPUT --db PATH` first")
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, check_same_thread=False)
        conn.execute("SELECT 1 FROM events LIMIT 1")
    except sqlite3.Error as exc:
        raise StoreError(f"cannot read ledger {redact_db(db)}: {exc}") from exc
    conn.row_factory = sqlite3.Row
    _check_schema(conn, db)
    return conn


def _check_schema(conn: Any, db: str | Path) -> None:
    """A ledger from before stage 7 (store migration 2) cannot tell corroborated events from
    pending ones: refuse it rather than show article-level rows as events."""
    if "corroborated" not in table_columns(conn, "events"):
        conn.close()
        raise StoreError(
            f"the ledger at {redact_db(db)} predates corroboration (store migration 2)",
            hint="run `frontlines run INPUT --db ...` once with this version to migrate it",
        )


class _PgRow(tuple):
    """A PostgreSQL row readable by position and by column name, as ``sqlite3.Row`` is."""

    def __new__(cls, values: Sequence[Any], index: dict[str, int]) -> "_PgRow":
        row = super().__new__(cls, values)
        row._index = index  # type: ignore[attr-defined]
        return row

    def __getitem__(self, key):  # type: ignore[override]
        return tuple.__getitem__(self, self._index[key] if isinstance(key, str) else key)  # type: ignore[attr-defined]

    def keys(self) -> list[str]:
        return list(self._index)  # type: ignore[attr-defined]


def _pg_rows(cursor: Any):
    index = {c.name: i for i, c in enumerate(cursor.description or [])}
    return lambda values: _PgRow(values, index)


class PgReader:
    """A read-only connection to a PostgreSQL ledger with the slice of sqlite3's interface
    the queries use: ``execute(sql, args)`` with ``?`` placeholders, rows by position and
    name. The session is read-only (``default_transaction_read_only``)."""

    is_postgres = True

    def __init__(self, url: str):
        try:
            import psycopg
        except ImportError as exc:
            raise MissingExtra("a PostgreSQL ledger needs psycopg", hint="pip install 'frontlines[postgres]'") from exc
        self.url = url
        try:
            self.raw = psycopg.connect(url, autocommit=True, row_factory=_pg_rows)
        except psycopg.Error as exc:
            raise StoreError(f"cannot connect to {redact_db(url)}: {redact_db(url, str(exc).strip())}") from exc
        try:
            self.raw.execute("SET default_transaction_read_only = on")
            if not has_table(self, "events"):
                raise StoreError(f"no ledger at {redact_db(url)}", hint="run `frontlines run INPUT --db URL` first")
            _check_schema(self, url)
        except BaseException:
            self.raw.close()
            raise

    def execute(self, sql: str, args: Sequence[Any] = ()) -> Any:
        from ..store_pg import _placeholders

        # PostgreSQL text holds no NUL character, and refuses one in a parameter: a value
        # with one matches no stored text, and neither does U+FFFD in its place
        args = [a.replace("\x00", "\ufffd") if isinstance(a, str) else a for a in args]
        return self.raw.execute(_placeholders(sql), args)

    def close(self) -> None:
        self.raw.close()


# Page cache of each pooled connection (negative: KiB, as SQLite reads it): room for the
# covering indexes a count or a chart walks, which the default 2 MiB is not.
POOL_CACHE_KIB = 32 * 1024
# Idle connections a pool keeps; more are opened under load and closed when returned.
POOL_IDLE_MAX = 4


class ReadPool:
    """Read-only connections to one ledger, kept from one request to the next so that each
    starts with SQLite's page cache warm and the schema parsed (a fresh connection reads
    every page it needs from the file again). A connection is lent for one read
    transaction: the matches of the text filters, a page and its count then come from one
    state of the ledger, even while a run writes to it, and the next transaction sees the
    run's commits."""

    def __init__(self, db: str | Path):
        """Opens the first connection now: a missing or unreadable ledger fails here."""
        self.db = db
        self._idle = [self._open()]
        self._lock = threading.Lock()

    def _open(self) -> Any:
        conn = connect(self.db)
        if not dialect(conn).pg:
            conn.execute(f"PRAGMA cache_size = -{POOL_CACHE_KIB}")
        return conn

    @contextlib.contextmanager
    def snapshot(self) -> Iterator[Any]:
        """A connection inside one read transaction (on PostgreSQL a repeatable-read one:
        one snapshot for all its statements, as SQLite's), returned to the pool afterwards."""
        with self._lock:
            conn = self._idle.pop() if self._idle else None
        conn = conn or self._open()
        conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY" if dialect(conn).pg else "BEGIN")
        try:
            yield conn
        finally:
            try:
                conn.execute("ROLLBACK")
            except Exception:  # a broken connection (either driver's error) is not lent again
                conn.close()
            else:
                with self._lock:
                    keep = len(self._idle) < POOL_IDLE_MAX
                    if keep:
                        self._idle.append(conn)
                if not keep:
                    conn.close()

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for conn in idle:
            conn.close()


def has_table(conn: Any, name: str) -> bool:
    if dialect(conn).pg:
        sql = "SELECT 1 FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = ?"
    else:
        sql = "SELECT 1 FROM sqlite_master WHERE type IN ('table','view') AND name=?"
    return conn.execute(sql, (name,)).fetchone() is not None


def table_columns(conn: Any, name: str) -> list[str]:
    if dialect(conn).pg:
        sql = "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ? ORDER BY ordinal_position"
        return [r[0] for r in conn.execute(sql, (name,))]
    return [r[1] for r in conn.execute(f"PRAGMA table_info({name})")]


@dataclass(frozen=True)
class TextMatches:
    """The events whose text matches the ``q`` and ``actor`` filters."""

    count: int
    rowids: str  # their rowids as a JSON array, for json_each()


@dataclass
class EventFilter:
    """What a user can narrow the ledger by; every field is optional and they combine (AND)."""

    since: str | None = None
    until: str | None = None
    event_type: list[str] = field(default_factory=list)
    sub_event_type: list[str] = field(default_factory=list)
    admin1: list[str] = field(default_factory=list)
    admin2: list[str] = field(default_factory=list)
    actor: str | None = None
    claim_status: list[str] = field(default_factory=list)
    min_fatalities: int | None = None
    bbox: tuple[float, float, float, float] | None = None  # min lon, min lat, max lon, max lat
    q: str | None = None
    # the events whose text matches ``q`` and ``actor``, looked up in the search index by
    # ``resolve``; None when not looked up (``where`` then tests the text with LIKE)
    matches: TextMatches | None = field(default=None, repr=False)
    # whether the ledger holds pending rows, as ``resolve`` found in this transaction; None
    # when not looked (``where`` then keeps them out). Normally there are none, and a count
    # of everything reads the table's size without a clause to test on every row.
    pending: bool | None = field(default=None, repr=False)

    @property
    def has_filters(self) -> bool:
        """True when a filter other than ``q`` and ``actor`` is set."""
        return bool(
            self.since or self.until or self.event_type or self.sub_event_type or self.admin1 or self.admin2
            or self.claim_status or self.min_fatalities is not None or self.bbox is not None
        )  # fmt: skip

    @property
    def text_only(self) -> bool:
        """True when ``q`` and ``actor`` are the only filters set."""
        return bool(self.q or self.actor) and not self.has_filters

    def text_where(self, sql: Dialect = None) -> tuple[list[str], list[Any]]:  # type: ignore[assignment]
        """The LIKE clauses of ``actor`` and ``q`` and their arguments."""
        sql = sql or SQLITE
        like_op = f"{sql.like} ? ESCAPE '\\'"
        clauses: list[str] = []
        args: list[Any] = []
        if self.actor:
            like = f"%{_escape_like(self.actor)}%"
            clauses.append(f"(actor1 {like_op} OR actor2 {like_op} OR assoc_actor_1 {like_op} OR assoc_actor_2 {like_op})")
            args.extend([like] * 4)
        if self.q:
            for word in dict.fromkeys(self.q.split()):  # a word said twice is tested once
                like = f"%{_escape_like(word)}%"
                # the evidence sentences of ``mentions``, as the search index reads them
                clauses.append(
                    f"(notes {like_op} OR location {like_op} OR admin1 {like_op} OR actor1 {like_op} OR actor2 {like_op} "
                    f"OR sources {like_op} OR EXISTS (SELECT 1 FROM ({sql.sentences}) AS s WHERE s.sentence {like_op}))"
                )
                args.extend([like] * 7)
        return clauses, args

    def where(self, sql: Dialect = None) -> tuple[str, list[Any]]:  # type: ignore[assignment]
        """SQL WHERE clause and its arguments: the filters, and committed events only."""
        sql = sql or SQLITE
        clauses: list[str] = [] if self.pending is False else [sql.committed]
        args: list[Any] = []

        def one_of(col: str, values: list[str], nocase: bool = False) -> None:
            values = [v for v in values if v not in (None, "")]
            if values:
                coll = " COLLATE NOCASE" if nocase else ""
                clauses.append(f"{col}{coll} IN ({','.join('?' * len(values))})")
                args.extend(values)

        if self.since:
            clauses.append("event_date >= ?")
            args.append(self.since)
        if self.until:
            clauses.append("event_date <= ?")
            args.append(self.until)
        one_of("event_type", self.event_type)
        one_of("sub_event_type", self.sub_event_type)
        one_of("admin1", self.admin1)
        one_of("admin2", self.admin2)
        one_of("claim_status", [c.lower() for c in self.claim_status])
        if self.min_fatalities is not None:
            clauses.append("fatalities >= ?")
            args.append(self.min_fatalities)
        if self.bbox is not None:
            w, s, e, n = self.bbox
            clauses.append("latitude BETWEEN ? AND ?")
            args.extend([s, n])
            if w <= e:
                clauses.append("longitude BETWEEN ? AND ?")
                args.extend([w, e])
            else:  # a box across the antimeridian
                clauses.append("(longitude >= ? OR longitude <= ?)")
                args.extend([w, e])
        if self.matches is not None and not sql.pg:
            # "+rowid" keeps the matches from leading the query when there are many of them
            lead = "rowid" if self.matches.count <= SELECT_FIRST_MAX else "+rowid"
            clauses.append(f"{lead} IN (SELECT value FROM json_each(?))")
            args.append(self.matches.rowids)
        else:
            text, text_args = self.text_where(sql)
            clauses += text
            args += text_args
        return (" WHERE " + " AND ".join(clauses)) if clauses else "", args


def resolve_names(conn: Any, flt: EventFilter) -> EventFilter:
    """Admin names as the ledger spells them ("idlib" -> "Idlib"), so filters compare
    exactly and can use the indexes; a name the ledger lacks stays as given (no match).
    Also notes whether the ledger holds pending rows now (``EventFilter.pending``)."""
    flt.pending = conn.execute("SELECT 1 FROM events WHERE corroborated = 0 LIMIT 1").fetchone() is not None
    for col in ("admin1", "admin2"):
        wanted = getattr(flt, col)
        if wanted:
            found = {}
            names = _distinct_admin1(conn) if col == "admin1" else None
            for v in wanted:
                if not v:
                    rows = []
                elif names is not None:  # the same test as COLLATE NOCASE: ASCII case folded
                    # or another spelling of the unit ("Idlib" finds "Idleb": placenames)
                    rows = [n for n in names if _ascii_lower(n) == _ascii_lower(v)] or placenames.admin1_matches(v, names)
                else:
                    same = f"lower({col}) = lower(?)" if dialect(conn).pg else f"{col} = ? COLLATE NOCASE"
                    rows = [r[0] for r in conn.execute(f"SELECT DISTINCT {col} FROM events WHERE {same}", (v,))]
                found[v] = rows or [v]
            setattr(flt, col, [x for v in wanted for x in found[v]])
    return flt


def _distinct_admin1(conn: Any) -> list[str]:
    """The province names in the ledger, one seek of the admin1 index each (a few dozen),
    where SELECT DISTINCT reads the whole index."""
    names: list[str] = []
    row = conn.execute("SELECT min(admin1) FROM events").fetchone()
    while row[0] is not None:
        names.append(row[0])
        row = conn.execute("SELECT min(admin1) FROM events WHERE admin1 > ?", (row[0],)).fetchone()
    return [n for n in names if isinstance(n, str)]


def resolve(conn: Any, flt: EventFilter) -> EventFilter:
    """The filter made ready for the ledger: admin names as the ledger spells them
    (``resolve_names``) and the text filters looked up in the search index (``text_matches``)
    unless the other filters leave so few events that LIKE reads them sooner."""
    resolve_names(conn, flt)
    if flt.matches is None and (flt.q or flt.actor) and not dialect(conn).pg:
        others = replace(flt, q=None, actor=None)
        if not others.has_filters or count_events(conn, others) > LIKE_CANDIDATES_MAX:
            flt.matches = text_matches(conn, flt)
    return flt


def search_index_ready(conn: Any) -> bool:
    """True when the ledger has the search index of this text (store migration 5 on) and it
    holds every corroborated event (a ledger written past its triggers, e.g. by INSERT OR
    REPLACE, falls back to LIKE)."""
    if dialect(conn).pg or not has_table(conn, SEARCH_INDEX) or conn.execute("PRAGMA user_version").fetchone()[0] < SEARCH_INDEX_VERSION:
        return False
    indexed = conn.execute(f"SELECT count(*) FROM {SEARCH_INDEX}_docsize").fetchone()[0]
    events = conn.execute("SELECT count(*) FROM events").fetchone()[0]
    pending = conn.execute("SELECT count(*) FROM events WHERE corroborated = 0").fetchone()[0]
    return indexed == events - pending


def text_matches(conn: Any, flt: EventFilter) -> TextMatches | None:
    """The events matching ``flt.q`` and ``flt.actor`` exactly as the LIKE clauses
    of ``EventFilter.text_where`` would, from the search index; None when there is no text
    filter, the ledger has no (complete) index, or the text is one the index cannot answer
    (an actor spanning lines, a NUL character).

    The index holds the corroborated events, the only ones shown (``where`` keeps pending rows
    out of every answer)."""
    if not (flt.q or flt.actor):
        return None
    parts = ([("actors", flt.actor)] if flt.actor else []) + [("search", w) for w in dict.fromkeys((flt.q or "").split())]
    if not parts or any("\n" in text or "\x00" in text for _, text in parts) or not search_index_ready(conn):
        return None
    # short words first: their alternatives narrow the AND fastest (measured)
    parts.sort(key=lambda part: len(part[1]) >= TRIGRAM)
    terms = [_match_term(conn, column, _ascii_lower(text)) for column, text in parts]
    count, rowids = 0, "[]"
    if all(terms):  # a word that begins no indexed trigram matches nothing
        sql = f"SELECT count(*), json_group_array(rowid) FROM {SEARCH_INDEX} WHERE {SEARCH_INDEX} MATCH ?"
        count, rowids = conn.execute(sql, (" AND ".join(terms),)).fetchone()  # type: ignore[misc]
    return TextMatches(count, rowids)


def _ascii_lower(text: str) -> str:
    """Lower case for A-Z only, as SQLite's LIKE and lower() fold case."""
    return text.encode("utf-8", "surrogatepass").lower().decode("utf-8", "surrogatepass")


def _fts_string(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _match_term(conn: Any, column: str, text: str) -> str | None:
    """An FTS5 query for "``column`` contains ``text``": the phrase of its trigrams, or for a
    shorter text every indexed trigram it begins (None when there is none)."""
    if len(text) >= TRIGRAM:
        return f"{column} : {_fts_string(text)}"
    bounds, args = "term >= ?", [text]
    last = ord(text[-1])
    if last < 0x10FFFF:  # the first string after every string that begins with ``text``
        nxt = last + 1 if not 0xD7FF <= last < 0xE000 else 0xE000  # no surrogates
        bounds += " AND term < ?"
        args.append(text[:-1] + chr(nxt))
    sql = f"SELECT term FROM {SEARCH_TERMS} WHERE {bounds} AND col = ?"
    found = [t for (t,) in conn.execute(sql, [*args, column]) if t.startswith(text)]
    if not found:
        return None
    return f"{column} : (" + " OR ".join(_fts_string(t) for t in found) + ")"


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


# The sort fields that hold numbers (the others are text).
NUMERIC_SORT = {"fatalities", "source_count", "independent_source_count"}


def parse_sort(sort: str | None, sql: Dialect = None) -> str:  # type: ignore[assignment]
    """``-fatalities,event_date`` -> an ORDER BY clause; unknown fields are a ValueError.
    PostgreSQL is told SQLite's order: NULL before any value, text by code point."""
    parts = []
    for key in (sort or "-event_date").split(","):
        key = key.strip()
        if not key:
            continue
        desc = key[0] == "-"
        name = key[1:] if key[0] in "-+" else key
        if name not in SORTABLE:
            raise ValueError(f"cannot sort by {name!r}; choose from {', '.join(sorted(SORTABLE))}")
        if name == "event_date" and not desc:  # undated events last (DESC puts NULL last already)
            parts.append("event_date IS NULL")
        if sql is not None and sql.pg:
            collate = "" if name in NUMERIC_SORT else ' COLLATE "C"'
            parts.append(f"{name}{collate} {'DESC NULLS LAST' if desc else 'ASC NULLS FIRST'}")
        else:
            parts.append(f"{name} {'DESC' if desc else 'ASC'}")
    if not any(p.startswith("event_id") for p in parts):
        parts.append('event_id COLLATE "C" ASC' if sql is not None and sql.pg else "event_id ASC")  # stable pages
    return " ORDER BY " + ", ".join(parts)


def _decode(row: sqlite3.Row, columns: list[str]) -> dict[str, Any]:
    rec = {c: row[c] for c in columns}
    if "sources" in rec:
        rec["sources"] = json.loads(rec["sources"]) if rec["sources"] else []
    if "mentions" in rec:
        rec["mentions"] = json.loads(rec["mentions"]) if rec["mentions"] else []
    if "civilian_targeting" in rec:
        rec["civilian_targeting"] = bool(rec["civilian_targeting"])
    return rec


def count_events(conn: Any, flt: EventFilter) -> int:
    """How many events match ``flt``."""
    sql = dialect(conn)
    if flt.matches is not None and flt.text_only and not sql.pg:
        return flt.matches.count
    where, args = flt.where(sql)
    return int(conn.execute(f"SELECT count(*) FROM events{where}", args).fetchone()[0])


def iter_events(
    conn: Any,
    flt: EventFilter,
    *,
    sort: str | None = None,
    limit: int | None = None,
    offset: int = 0,
    columns: list[str] | None = None,
    total: int | None = None,
) -> Iterator[dict[str, Any]]:
    """Events matching ``flt`` as SPEC records (only ``columns`` when given).

    ``total``, how many events match when the caller has counted them, picks how a page is
    read (``SELECT_FIRST_MAX``). A page past the first picks its rows by rowid first, so
    that the rows the offset skips are read for their sort keys only, not decoded whole."""
    cols = columns or EVENT_COLUMNS
    dia = dialect(conn)
    where, args = flt.where(dia)
    order = parse_sort(sort, dia)
    select = f"SELECT {','.join(cols)} FROM events"
    if limit is None:
        sql = f"{select}{where}{order}"
    elif dia.pg:  # no rowid; PostgreSQL's planner picks its own way to the page
        sql = f"{select}{where}{order} LIMIT ? OFFSET ?"
        args = [*args, limit, offset]
    elif total is not None and total <= SELECT_FIRST_MAX:
        sql = f"{select} WHERE rowid IN (SELECT rowid FROM events{where}){order} LIMIT ? OFFSET ?"
        args = [*args, limit, offset]
    elif offset:
        sql = f"{select} WHERE rowid IN (SELECT rowid FROM events{where}{order} LIMIT ? OFFSET ?){order}"
        args = [*args, limit, offset]
    else:
        sql = f"{select}{where}{order} LIMIT ? OFFSET ?"
        args = [*args, limit, offset]
    for row in conn.execute(sql, args):
        yield _decode(row, cols)


def get_event(conn: Any, event_id: str) -> dict[str, Any] | None:
    """One event with all its evidence, the article-level reports it was built from and its
    history (when the store keeps the corroboration tables), the articles behind it and why
    it has its claim status."""
    sql = dialect(conn)
    row = conn.execute(f"SELECT * FROM events WHERE event_id=? AND {sql.committed}", (event_id,)).fetchone()
    if row is None:
        return None
    ev = _decode(row, EVENT_COLUMNS)
    for extra in (k for k in row.keys() if k not in EVENT_COLUMNS and k not in ("article_id", "corroborated")):
        ev[extra] = _plain_value(row[extra])  # columns a later store adds (origins, fatality_sources, ...)
    ev["reports"] = []
    if has_table(conn, "mentions") and "event_id" in (cols := table_columns(conn, "mentions")):
        # in the order they were written: SQLite's rowid, PostgreSQL's id order
        tie = "mention_id" if sql.pg and "mention_id" in cols else "ctid" if sql.pg else "rowid"
        by_date = ("published NULLS FIRST, " if sql.pg else "published, ") if "published" in cols else ""
        rows = [_plain(r) for r in conn.execute(f"SELECT * FROM mentions WHERE event_id=? ORDER BY {by_date}{tie}", (event_id,))]
        if "sentence" in cols:  # one row per evidence sentence
            ev["mentions"] = _merge_mentions(rows, ev["mentions"])
        else:  # one row per article-level report; its record carries its own evidence
            for r in rows:
                rec = r.pop("record", None)
                if isinstance(rec, dict):
                    r.update({k: rec.get(k) for k in ("event_type", "location", "fatalities", "claim_status", "actor1", "actor2") if k in rec})
                ev["reports"].append(r)
    ev["history"] = []
    if has_table(conn, "event_history") and "event_id" in (cols := table_columns(conn, "event_history")):
        rowid = "ctid" if sql.pg else "rowid"
        order = next((c for c in ("changed_at", "at", "created_at") if c in cols), rowid)
        ev["history"] = [_plain(r) for r in conn.execute(f"SELECT * FROM event_history WHERE event_id=? ORDER BY {order}, {rowid}", (event_id,))]
    ids = sorted({m.get("article_id") for m in ev["mentions"] if m.get("article_id")} | {r.get("article_id") for r in ev["reports"] if r.get("article_id")})
    ev["articles"] = [a for a in (get_article(conn, i, text=False) for i in ids) if a]
    ev["claim_reasons"] = claim_reasons(ev)
    return ev


def _plain_value(v: Any) -> Any:
    if isinstance(v, str) and v[:1] in "[{":
        try:
            return json.loads(v)
        except ValueError:
            return v
    return v


def _plain(row: sqlite3.Row) -> dict[str, Any]:
    """A row as a dict, with JSON-looking text columns decoded."""
    return {k: _plain_value(row[k]) for k in row.keys()}


def _merge_mentions(table_rows: list[dict[str, Any]], embedded: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows of the mentions table, completed by the embedded record of the same sentence
    (the table may hold fewer columns than the JSON record, e.g. no ``fields``)."""
    by_key = {(m.get("article_id"), m.get("char_start")): m for m in embedded}
    merged = []
    for r in table_rows:
        base = dict(by_key.get((r.get("article_id"), r.get("char_start")), {}))
        base.update({k: v for k, v in r.items() if v is not None})
        merged.append(base)
    return merged


def claim_reasons(ev: dict[str, Any]) -> list[str]:
    """Plain-language reasons for the event's claim status, from its evidence."""
    status = ev.get("claim_status") or "reported"
    mentions = ev.get("mentions") or []
    n, ind = ev.get("source_count") or 0, ev.get("independent_source_count") or 0
    reasons = [f"{n} source{'s' if n != 1 else ''} ({ind} independent)"]
    attributed = sorted({m["attributed_to"] for m in mentions if m.get("attributed_to")})
    if attributed:
        reasons.append("attributed to " + ", ".join(attributed))
    hedges = sorted({h for m in mentions for h in (m.get("hedges") or [])})
    if hedges:
        reasons.append("hedged: " + ", ".join(f"\u201c{h}\u201d" for h in hedges))
    per = sorted({m.get("claim") for m in mentions if m.get("claim")})
    if len(per) > 1:
        reasons.append("mentions differ: " + ", ".join(per))
    origins = ev.get("origins") if isinstance(ev.get("origins"), list) else []
    for o in origins:
        if isinstance(o, dict) and o.get("origin"):
            party = " (a party to the conflict)" if o.get("party") else ""
            via = [x for x in o.get("outlets") or [] if x != o["origin"]]
            reasons.append(f"origin {o['origin']}{party}" + (f", relayed by {', '.join(via)}" if via else ""))
    lo, hi = ev.get("fatalities_low") or 0, ev.get("fatalities_high") or 0
    if hi > lo:
        kept = "the lowest is kept" if (ev.get("fatalities") or 0) == lo else f"{ev.get('fatalities')} is kept (see the notes)"
        reasons.append(f"fatality reports range {lo}\u2013{hi}; {kept}")
    if status == "confirmed" and not hedges:
        reasons.append("independent sources agree and none hedges")
    elif status == "reported" and not hedges and not attributed:
        reasons.append("stated plainly by the reporting outlet")
    elif status == "disputed" and not hedges:
        reasons.append("the reporting doubts or contradicts it")
    return reasons


def get_article(conn: Any, article_id: str, *, text: bool = True) -> dict[str, Any] | None:
    cols = ARTICLE_LIST_COLUMNS + (["text", "warnings", "provenance"] if text else [])
    row = conn.execute(f"SELECT {','.join(cols)} FROM articles WHERE article_id=?", (article_id,)).fetchone()
    if row is None:
        return None
    rec = {c: row[c] for c in cols}
    for c in ("warnings", "provenance"):
        if c in rec:
            rec[c] = json.loads(rec[c]) if rec[c] else ({} if c == "provenance" else [])
    return rec


def list_articles(conn: Any, *, q: str | None = None, outlet: str | None = None, limit: int = 100, offset: int = 0) -> tuple[int, list[dict[str, Any]]]:
    sql = dialect(conn)
    clauses, args = [], []
    if q:
        clauses.append(f"(title {sql.like} ? ESCAPE '\\' OR text {sql.like} ? ESCAPE '\\')")
        args += [f"%{_escape_like(q)}%"] * 2
    if outlet:
        clauses.append("lower(outlet) = lower(?)" if sql.pg else "outlet = ? COLLATE NOCASE")
        args.append(outlet)
    where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
    total = int(conn.execute(f"SELECT count(*) FROM articles{where}", args).fetchone()[0])
    sql = f"SELECT {','.join(ARTICLE_LIST_COLUMNS)} FROM articles{where} ORDER BY published IS NULL, published DESC, article_id LIMIT ? OFFSET ?"
    rows = [{c: r[c] for c in ARTICLE_LIST_COLUMNS} for r in conn.execute(sql, [*args, limit, offset])]
    return total, rows


def list_sources(conn: Any) -> list[dict[str, Any]]:
    """Outlets with how many articles they gave and how many ledger events cite them."""
    sql = dialect(conn)
    each = "jsonb_array_elements_text(NULLIF(e.sources, '')::jsonb) AS j(value)" if sql.pg else "json_each(e.sources) j"
    committed = sql.committed.replace("rowid", "e.rowid", 1) if not sql.pg else "e.corroborated = 1"
    cited = dict(conn.execute(f"SELECT j.value, count(DISTINCT e.event_id) FROM events e, {each} WHERE {committed} GROUP BY j.value").fetchall())
    rows = conn.execute(
        "SELECT coalesce(outlet, '(unknown)') AS outlet, count(*) AS articles, CAST(sum(n_events) AS BIGINT) AS reports, "
        "min(published) AS first, max(published) AS last FROM articles GROUP BY 1 ORDER BY articles DESC, outlet"
    ).fetchall()
    out = [
        {"outlet": r["outlet"], "articles": r["articles"], "reports": r["reports"] or 0, "events": cited.pop(r["outlet"], 0),
         "first_published": r["first"], "last_published": r["last"]}
        for r in rows
    ]  # fmt: skip
    # outlets known only as cited sources (e.g. named inside another outlet's article)
    out += [{"outlet": o, "articles": 0, "reports": 0, "events": n, "first_published": None, "last_published": None} for o, n in sorted(cited.items())]
    return out


BUCKETS = ("day", "week", "month")


def bucket_key(day: str, bucket: str) -> str:
    """The chart bucket of a date: the day, its week's Monday, or its month's first day. A
    date the ledger holds in another form is its own bucket (it still counts)."""
    import datetime as dt

    if bucket == "day":
        return day
    try:
        d = dt.date.fromisoformat(day[:10])
    except ValueError:
        return day
    return (d - dt.timedelta(days=d.weekday())).isoformat() if bucket == "week" else d.replace(day=1).isoformat()


def summary(conn: Any, flt: EventFilter, *, bucket: str = "auto") -> dict[str, Any]:
    """Counts for the charts: by date bucket (with fatalities), type, admin1, claim status.

    Two passes over the matching events (per date; per province, type and status), which
    the covering indexes answer without reading rows, rolled up here: a pass per chart
    would read the matches five times."""
    sql = dialect(conn)
    where, args = flt.where(sql)
    # filtered, the matches come from their filter's index and are sorted by date ("+" keeps
    # the date index from leading); unfiltered, the date index is read in order
    date = "event_date" if sql.pg or not (flt.has_filters or flt.q or flt.actor) else "+event_date"
    tolls = "CAST(coalesce(sum(fatalities), 0) AS BIGINT)"  # PostgreSQL's sum of bigints is numeric
    per_date = conn.execute(f"SELECT event_date, count(*), {tolls} FROM events{where} GROUP BY {date}", args).fetchall()
    groups = conn.execute(  # in the order of the index events_admin1_counts, which covers it
        f"SELECT admin1, event_type, claim_status, count(*), {tolls} FROM events{where} GROUP BY admin1, event_type, claim_status",
        args,
    ).fetchall()
    dated = [(d, n, f) for d, n, f in per_date if d is not None]
    first = min((d for d, _, _ in dated), key=_sql_order, default=None)
    last = max((d for d, _, _ in dated), key=_sql_order, default=None)
    if bucket == "auto":
        span = _days_between(first, last)
        bucket = "day" if span <= 120 else "week" if span <= 2 * 365 else "month"
    by_date = _roll_up((bucket_key(d, bucket), n, f) for d, n, f in dated)

    def by(i: int) -> list[dict[str, Any]]:
        counts = _roll_up((g[i], g[3], g[4]) for g in groups)
        counts.sort(key=lambda c: (-c[1], _sql_order(c[0])))
        return [{"value": v, "events": n, "fatalities": f} for v, n, f in counts]

    return {
        "total": sum(g[3] for g in groups),
        "fatalities": sum(g[4] for g in groups),
        "first_date": first,
        "last_date": last,
        "bucket": bucket,
        "by_date": [{"date": d, "events": n, "fatalities": f} for d, n, f in by_date],
        "by_event_type": by(1),
        "by_admin1": by(0),
        "by_claim_status": by(2),
    }


def _roll_up(rows: Iterable[tuple[Any, int, int]]) -> list[tuple[Any, int, int]]:
    """(key, events, fatalities) summed per key, in SQL's order of the keys."""
    sums: dict[Any, list[int]] = {}
    for k, n, f in rows:
        acc = sums.setdefault(k, [0, 0])
        acc[0] += n
        acc[1] += f
    return sorted(((k, n, f) for k, (n, f) in sums.items()), key=lambda r: _sql_order(r[0]))


def _sql_order(value: Any) -> tuple:
    """A sort key that orders values as SQLite does: NULL, numbers, text, blobs."""
    if value is None:
        return (0,)
    if isinstance(value, (int, float)):
        return (1, value)
    return (2, value) if isinstance(value, str) else (3, value)


def _days_between(a: str | None, b: str | None) -> int:
    import datetime as dt

    try:
        return (dt.date.fromisoformat(b) - dt.date.fromisoformat(a)).days  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return 0


def facets(conn: Any) -> dict[str, list[Any]]:
    """Distinct values for the filter controls (of the committed events), in code point
    order on both backends."""
    committed = dialect(conn).committed

    def distinct(col: str) -> list[Any]:
        return sorted((r[0] for r in conn.execute(f"SELECT DISTINCT {col} FROM events WHERE {col} IS NOT NULL AND {col} != '' AND {committed}")), key=_sql_order)

    actors = sorted(set(distinct("actor1")) | set(distinct("actor2")), key=_sql_order)
    pairs = conn.execute(f"SELECT DISTINCT event_type, sub_event_type FROM events WHERE {committed}").fetchall()
    sub = [{"event_type": t, "sub_event_type": s} for t, s in sorted(pairs, key=lambda p: (_sql_order(p[0]), _sql_order(p[1])))]
    dates = conn.execute(f"SELECT min(event_date), max(event_date) FROM events WHERE {committed}").fetchone()
    return {
        "event_types": distinct("event_type"),
        "sub_event_types": sub,
        "admin1": distinct("admin1"),
        "admin2": distinct("admin2"),
        "claim_statuses": [c for c in CLAIM_STATUSES if c in set(distinct("claim_status"))],
        "actors": actors,
        "first_date": dates[0],
        "last_date": dates[1],
    }
