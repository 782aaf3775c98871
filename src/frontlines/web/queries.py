"""Read-only queries behind the web API: filtered, paged, sorted events; one event with its
evidence and history; articles, sources and summary counts.

They open the SQLite ledger read-only (``mode=ro``) so the server can never change it, and
use the corroboration tables (``mentions``, ``event_history``) when the store has them,
falling back to the ``mentions`` JSON column of ``events`` when it does not.

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
from typing import Any, Iterable, Iterator

from ..errors import StoreError

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


def connect(db: str | Path) -> sqlite3.Connection:
    """A read-only connection to the ledger at ``db`` (a missing file is an error, not a new ledger)."""
    path = Path(db)
    if not path.is_file():
        raise StoreError(f"no ledger at {db}", hint="run `frontlines run INPUT --db PATH` first")
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, check_same_thread=False)
        conn.execute("SELECT 1 FROM events LIMIT 1")
    except sqlite3.Error as exc:
        raise StoreError(f"cannot read ledger {db}: {exc}") from exc
    conn.row_factory = sqlite3.Row
    return conn


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

    def _open(self) -> sqlite3.Connection:
        conn = connect(self.db)
        conn.execute(f"PRAGMA cache_size = -{POOL_CACHE_KIB}")
        return conn

    @contextlib.contextmanager
    def snapshot(self) -> Iterator[sqlite3.Connection]:
        """A connection inside one read transaction, returned to the pool afterwards."""
        with self._lock:
            conn = self._idle.pop() if self._idle else None
        conn = conn or self._open()
        conn.execute("BEGIN")
        try:
            yield conn
        finally:
            try:
                conn.execute("ROLLBACK")
            except sqlite3.Error:  # a broken connection is not lent again
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


def has_table(conn: sqlite3.Connection, name: str) -> bool:
    return conn.execute("SELECT 1 FROM sqlite_master WHERE type IN ('table','view') AND name=?", (name,)).fetchone() is not None


def table_columns(conn: sqlite3.Connection, name: str) -> list[str]:
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

    def text_where(self) -> tuple[list[str], list[Any]]:
        """The LIKE clauses of ``actor`` and ``q`` and their arguments."""
        clauses: list[str] = []
        args: list[Any] = []
        if self.actor:
            like = f"%{_escape_like(self.actor)}%"
            clauses.append(
                "(actor1 LIKE ? ESCAPE '\\' OR actor2 LIKE ? ESCAPE '\\' "
                "OR assoc_actor_1 LIKE ? ESCAPE '\\' OR assoc_actor_2 LIKE ? ESCAPE '\\')"
            )
            args.extend([like] * 4)
        if self.q:
            for word in self.q.split():
                like = f"%{_escape_like(word)}%"
                # the evidence sentences of ``mentions``, as the search index reads them
                clauses.append(
                    "(notes LIKE ? ESCAPE '\\' OR location LIKE ? ESCAPE '\\' OR admin1 LIKE ? ESCAPE '\\' "
                    "OR actor1 LIKE ? ESCAPE '\\' OR actor2 LIKE ? ESCAPE '\\' OR sources LIKE ? ESCAPE '\\' "
                    "OR EXISTS (SELECT 1 FROM json_each(CASE WHEN json_valid(mentions) THEN mentions END) "
                    "WHERE json_extract(value, '$.sentence') LIKE ? ESCAPE '\\'))"
                )
                args.extend([like] * 7)
        return clauses, args

    def where(self) -> tuple[str, list[Any]]:
        """SQL WHERE clause (or '') and its arguments."""
        clauses: list[str] = []
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
        if self.matches is not None:
            # "+rowid" keeps the matches from leading the query when there are many of them
            lead = "rowid" if self.matches.count <= SELECT_FIRST_MAX else "+rowid"
            clauses.append(f"{lead} IN (SELECT value FROM json_each(?))")
            args.append(self.matches.rowids)
        else:
            text, text_args = self.text_where()
            clauses += text
            args += text_args
        return (" WHERE " + " AND ".join(clauses)) if clauses else "", args


def resolve_names(conn: sqlite3.Connection, flt: EventFilter) -> EventFilter:
    """Admin names as the ledger spells them ("idlib" -> "Idlib"), so filters compare
    exactly and can use the indexes; a name the ledger lacks stays as given (no match)."""
    for col in ("admin1", "admin2"):
        wanted = getattr(flt, col)
        if wanted:
            found = {}
            names = _distinct_admin1(conn) if col == "admin1" else None
            for v in wanted:
                if not v:
                    rows = []
                elif names is not None:  # the same test as COLLATE NOCASE: ASCII case folded
                    rows = [n for n in names if _ascii_lower(n) == _ascii_lower(v)]
                else:
                    rows = [r[0] for r in conn.execute(f"SELECT DISTINCT {col} FROM events WHERE {col} = ? COLLATE NOCASE", (v,))]
                found[v] = rows or [v]
            setattr(flt, col, [x for v in wanted for x in found[v]])
    return flt


def _distinct_admin1(conn: sqlite3.Connection) -> list[str]:
    """The province names in the ledger, one seek of the admin1 index each (a few dozen),
    where SELECT DISTINCT reads the whole index."""
    names: list[str] = []
    row = conn.execute("SELECT min(admin1) FROM events").fetchone()
    while row[0] is not None:
        names.append(row[0])
        row = conn.execute("SELECT min(admin1) FROM events WHERE admin1 > ?", (row[0],)).fetchone()
    return [n for n in names if isinstance(n, str)]


def resolve(conn: sqlite3.Connection, flt: EventFilter) -> EventFilter:
    """The filter made ready for the ledger: admin names as the ledger spells them
    (``resolve_names``) and the text filters looked up in the search index (``text_matches``)
    unless the other filters leave so few events that LIKE reads them sooner."""
    resolve_names(conn, flt)
    if flt.matches is None and (flt.q or flt.actor):
        others = replace(flt, q=None, actor=None)
        if not others.has_filters or count_events(conn, others) > LIKE_CANDIDATES_MAX:
            flt.matches = text_matches(conn, flt)
    return flt


def search_index_ready(conn: sqlite3.Connection) -> bool:
    """True when the ledger has the search index of this text (store migration 5 on) and it
    holds every corroborated event (a ledger written past its triggers, e.g. by INSERT OR
    REPLACE, falls back to LIKE)."""
    if not has_table(conn, SEARCH_INDEX) or conn.execute("PRAGMA user_version").fetchone()[0] < SEARCH_INDEX_VERSION:
        return False
    indexed = conn.execute(f"SELECT count(*) FROM {SEARCH_INDEX}_docsize").fetchone()[0]
    events = conn.execute("SELECT count(*) FROM events").fetchone()[0]
    pending = conn.execute("SELECT count(*) FROM events WHERE corroborated = 0").fetchone()[0]
    return indexed == events - pending


def text_matches(conn: sqlite3.Connection, flt: EventFilter) -> TextMatches | None:
    """The events matching ``flt.q`` and ``flt.actor`` exactly as the LIKE clauses
    of ``EventFilter.text_where`` would, from the search index; None when there is no text
    filter, the ledger has no (complete) index, or the text is one the index cannot answer
    (an actor spanning lines, a NUL character).

    The index holds the corroborated events; pending rows (one article's events before stage
    7 runs, normally none) are tested with LIKE."""
    if not (flt.q or flt.actor):
        return None
    parts = ([("actors", flt.actor)] if flt.actor else []) + [("search", w) for w in (flt.q or "").split()]
    if not parts or any("\n" in text or "\x00" in text for _, text in parts) or not search_index_ready(conn):
        return None
    # short words first: their alternatives narrow the AND fastest (measured)
    parts.sort(key=lambda part: len(part[1]) >= TRIGRAM)
    terms = [_match_term(conn, column, _ascii_lower(text)) for column, text in parts]
    count, rowids = 0, "[]"
    if all(terms):  # a word that begins no indexed trigram matches nothing
        sql = f"SELECT count(*), json_group_array(rowid) FROM {SEARCH_INDEX} WHERE {SEARCH_INDEX} MATCH ?"
        count, rowids = conn.execute(sql, (" AND ".join(terms),)).fetchone()  # type: ignore[misc]
    clauses, args = flt.text_where()
    pending = [r[0] for r in conn.execute(f"SELECT rowid FROM events WHERE corroborated = 0 AND {' AND '.join(clauses)}", args)]
    if pending:
        merged = sorted(set(json.loads(rowids)) | set(pending))
        count, rowids = len(merged), json.dumps(merged)
    return TextMatches(count, rowids)


def _ascii_lower(text: str) -> str:
    """Lower case for A-Z only, as SQLite's LIKE and lower() fold case."""
    return text.encode("utf-8", "surrogatepass").lower().decode("utf-8", "surrogatepass")


def _fts_string(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _match_term(conn: sqlite3.Connection, column: str, text: str) -> str | None:
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


def parse_sort(sort: str | None) -> str:
    """``-fatalities,event_date`` -> an ORDER BY clause; unknown fields are a ValueError."""
    parts = []
    for key in (sort or "-event_date").split(","):
        key = key.strip()
        if not key:
            continue
        desc = key.startswith("-")
        name = key.lstrip("-+")
        if name not in SORTABLE:
            raise ValueError(f"cannot sort by {name!r}; choose from {', '.join(sorted(SORTABLE))}")
        if name == "event_date" and not desc:  # undated events last (DESC puts NULL last already)
            parts.append("event_date IS NULL")
        parts.append(f"{name} {'DESC' if desc else 'ASC'}")
    if not any(p.startswith("event_id") for p in parts):
        parts.append("event_id ASC")  # stable pages
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


def count_events(conn: sqlite3.Connection, flt: EventFilter) -> int:
    """How many events match ``flt``."""
    if flt.matches is not None and flt.text_only:
        return flt.matches.count
    where, args = flt.where()
    return int(conn.execute(f"SELECT count(*) FROM events{where}", args).fetchone()[0])


def iter_events(
    conn: sqlite3.Connection,
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
    where, args = flt.where()
    order = parse_sort(sort)
    select = f"SELECT {','.join(cols)} FROM events"
    if limit is None:
        sql = f"{select}{where}{order}"
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


def get_event(conn: sqlite3.Connection, event_id: str) -> dict[str, Any] | None:
    """One event with all its evidence, the article-level reports it was built from and its
    history (when the store keeps the corroboration tables), the articles behind it and why
    it has its claim status."""
    row = conn.execute("SELECT * FROM events WHERE event_id=?", (event_id,)).fetchone()
    if row is None:
        return None
    ev = _decode(row, EVENT_COLUMNS)
    for extra in (k for k in row.keys() if k not in EVENT_COLUMNS and k != "article_id"):
        ev[extra] = _plain_value(row[extra])  # columns a later store adds (origins, fatality_sources, ...)
    ev["reports"] = []
    if has_table(conn, "mentions") and "event_id" in (cols := table_columns(conn, "mentions")):
        rows = [_plain(r) for r in conn.execute(f"SELECT * FROM mentions WHERE event_id=? ORDER BY {'published, ' if 'published' in cols else ''}rowid", (event_id,))]
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
        order = next((c for c in ("changed_at", "at", "created_at") if c in cols), "rowid")
        ev["history"] = [_plain(r) for r in conn.execute(f"SELECT * FROM event_history WHERE event_id=? ORDER BY {order}, rowid", (event_id,))]
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
        reasons.append(f"fatality reports range {lo}\u2013{hi}; the lowest is kept")
    if status == "confirmed" and not hedges:
        reasons.append("independent sources agree and none hedges")
    elif status == "reported" and not hedges and not attributed:
        reasons.append("stated plainly by the reporting outlet")
    elif status == "disputed" and not hedges:
        reasons.append("the reporting doubts or contradicts it")
    return reasons


def get_article(conn: sqlite3.Connection, article_id: str, *, text: bool = True) -> dict[str, Any] | None:
    cols = ARTICLE_LIST_COLUMNS + (["text", "warnings", "provenance"] if text else [])
    row = conn.execute(f"SELECT {','.join(cols)} FROM articles WHERE article_id=?", (article_id,)).fetchone()
    if row is None:
        return None
    rec = {c: row[c] for c in cols}
    for c in ("warnings", "provenance"):
        if c in rec:
            rec[c] = json.loads(rec[c]) if rec[c] else ({} if c == "provenance" else [])
    return rec


def list_articles(conn: sqlite3.Connection, *, q: str | None = None, outlet: str | None = None, limit: int = 100, offset: int = 0) -> tuple[int, list[dict[str, Any]]]:
    clauses, args = [], []
    if q:
        clauses.append("(title LIKE ? ESCAPE '\\' OR text LIKE ? ESCAPE '\\')")
        args += [f"%{_escape_like(q)}%"] * 2
    if outlet:
        clauses.append("outlet = ? COLLATE NOCASE")
        args.append(outlet)
    where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
    total = int(conn.execute(f"SELECT count(*) FROM articles{where}", args).fetchone()[0])
    sql = f"SELECT {','.join(ARTICLE_LIST_COLUMNS)} FROM articles{where} ORDER BY published IS NULL, published DESC, article_id LIMIT ? OFFSET ?"
    rows = [{c: r[c] for c in ARTICLE_LIST_COLUMNS} for r in conn.execute(sql, [*args, limit, offset])]
    return total, rows


def list_sources(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    """Outlets with how many articles they gave and how many ledger events cite them."""
    cited = dict(conn.execute("SELECT j.value, count(DISTINCT e.event_id) FROM events e, json_each(e.sources) j GROUP BY j.value").fetchall())
    rows = conn.execute(
        "SELECT coalesce(outlet, '(unknown)') AS outlet, count(*) AS articles, sum(n_events) AS reports, "
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


# Date buckets of the charts: SQL over a date ``{d}`` (weeks begin on Monday).
BUCKET_KEYS = {
    "day": "{d}",
    "week": "date({d}, '-' || ((cast(strftime('%w', {d}) AS integer) + 6) % 7) || ' days')",
    "month": "substr({d}, 1, 7) || '-01'",
}


def summary(conn: sqlite3.Connection, flt: EventFilter, *, bucket: str = "auto") -> dict[str, Any]:
    """Counts for the charts: by date bucket (with fatalities), type, admin1, claim status.

    Two passes over the matching events (per date; per province, type and status), which
    the covering indexes answer without reading rows, rolled up here: a pass per chart
    would read the matches five times."""
    where, args = flt.where()
    # filtered, the matches come from their filter's index and are sorted by date ("+" keeps
    # the date index from leading); unfiltered, the date index is read in order
    date = "+event_date" if where else "event_date"
    per_date = conn.execute(f"SELECT event_date, count(*), coalesce(sum(fatalities), 0) FROM events{where} GROUP BY {date}", args).fetchall()
    groups = conn.execute(  # in the order of the index events_admin1_counts, which covers it
        f"SELECT admin1, event_type, claim_status, count(*), coalesce(sum(fatalities), 0) FROM events{where} "
        "GROUP BY admin1, event_type, claim_status",
        args,
    ).fetchall()
    dated = [(d, n, f) for d, n, f in per_date if d is not None]
    first = min((d for d, _, _ in dated), key=_sql_order, default=None)
    last = max((d for d, _, _ in dated), key=_sql_order, default=None)
    if bucket == "auto":
        span = _days_between(first, last)
        bucket = "day" if span <= 120 else "week" if span <= 2 * 365 else "month"
    key = BUCKET_KEYS[bucket].format(d="value")
    keys = dict(conn.execute(f"SELECT value, {key} FROM json_each(?)", (json.dumps([d for d, _, _ in dated]),)).fetchall()) if dated else {}
    by_date = _roll_up((keys[d], n, f) for d, n, f in dated)

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


def facets(conn: sqlite3.Connection) -> dict[str, list[Any]]:
    """Distinct values for the filter controls."""

    def distinct(col: str) -> list[Any]:
        return [r[0] for r in conn.execute(f"SELECT DISTINCT {col} FROM events WHERE {col} IS NOT NULL AND {col} != '' ORDER BY {col}")]

    actors = sorted(set(distinct("actor1")) | set(distinct("actor2")))
    sub = [{"event_type": t, "sub_event_type": s} for t, s in conn.execute("SELECT DISTINCT event_type, sub_event_type FROM events ORDER BY 1, 2")]
    dates = conn.execute("SELECT min(event_date), max(event_date) FROM events").fetchone()
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
