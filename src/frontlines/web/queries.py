"""Read-only queries behind the web API: filtered, paged, sorted events; one event with its
evidence and history; articles, sources and summary counts.

They open the SQLite ledger read-only (``mode=ro``) so the server can never change it, and
use the corroboration tables (``mentions``, ``event_history``) when the store has them,
falling back to the ``mentions`` JSON column of ``events`` when it does not.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

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


def has_table(conn: sqlite3.Connection, name: str) -> bool:
    return conn.execute("SELECT 1 FROM sqlite_master WHERE type IN ('table','view') AND name=?", (name,)).fetchone() is not None


def table_columns(conn: sqlite3.Connection, name: str) -> list[str]:
    return [r[1] for r in conn.execute(f"PRAGMA table_info({name})")]


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
        if self.actor:
            like = f"%{_escape_like(self.actor)}%"
            clauses.append(
                "(actor1 LIKE ? ESCAPE '\\' OR actor2 LIKE ? ESCAPE '\\' "
                "OR assoc_actor_1 LIKE ? ESCAPE '\\' OR assoc_actor_2 LIKE ? ESCAPE '\\')"
            )
            args.extend([like] * 4)
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
        if self.q:
            for word in self.q.split():
                like = f"%{_escape_like(word)}%"
                clauses.append(
                    "(notes LIKE ? ESCAPE '\\' OR location LIKE ? ESCAPE '\\' OR admin1 LIKE ? ESCAPE '\\' "
                    "OR actor1 LIKE ? ESCAPE '\\' OR actor2 LIKE ? ESCAPE '\\' OR sources LIKE ? ESCAPE '\\' "
                    "OR mentions LIKE ? ESCAPE '\\')"
                )
                args.extend([like] * 7)
        return (" WHERE " + " AND ".join(clauses)) if clauses else "", args


def resolve_names(conn: sqlite3.Connection, flt: EventFilter) -> EventFilter:
    """Admin names as the ledger spells them ("idlib" -> "Idlib"), so filters compare
    exactly and can use the indexes; a name the ledger lacks stays as given (no match)."""
    for col in ("admin1", "admin2"):
        wanted = getattr(flt, col)
        if wanted:
            found = {}
            for v in wanted:
                rows = conn.execute(f"SELECT DISTINCT {col} FROM events WHERE {col} = ? COLLATE NOCASE", (v,)).fetchall() if v else []
                found[v] = [r[0] for r in rows] or [v]
            setattr(flt, col, [x for v in wanted for x in found[v]])
    return flt


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
) -> Iterator[dict[str, Any]]:
    """Events matching ``flt`` as SPEC records (only ``columns`` when given)."""
    cols = columns or EVENT_COLUMNS
    where, args = flt.where()
    sql = f"SELECT {','.join(cols)} FROM events{where}{parse_sort(sort)}"
    if limit is not None:
        sql += " LIMIT ? OFFSET ?"
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


def summary(conn: sqlite3.Connection, flt: EventFilter, *, bucket: str = "auto") -> dict[str, Any]:
    """Counts for the charts: by date bucket (with fatalities), type, admin1, claim status."""
    where, args = flt.where()
    total, fat, first, last = conn.execute(f"SELECT count(*), coalesce(sum(fatalities),0), min(event_date), max(event_date) FROM events{where}", args).fetchone()
    if bucket == "auto":
        span = _days_between(first, last)
        bucket = "day" if span <= 120 else "week" if span <= 2 * 365 else "month"
    key = {
        "day": "event_date",
        "week": "date(event_date, '-' || ((cast(strftime('%w', event_date) AS integer) + 6) % 7) || ' days')",
        "month": "substr(event_date, 1, 7) || '-01'",
    }[bucket]
    dated_where = (where + " AND " if where else " WHERE ") + "event_date IS NOT NULL"
    by_date = [
        {"date": d, "events": n, "fatalities": f}
        for d, n, f in conn.execute(f"SELECT {key} AS d, count(*), coalesce(sum(fatalities),0) FROM events{dated_where} GROUP BY d ORDER BY d", args)
    ]

    def by(col: str) -> list[dict[str, Any]]:
        sql = f"SELECT {col}, count(*), coalesce(sum(fatalities),0) FROM events{where} GROUP BY {col} ORDER BY count(*) DESC, {col}"
        return [{"value": v, "events": n, "fatalities": f} for v, n, f in conn.execute(sql, args)]

    return {
        "total": total,
        "fatalities": fat,
        "first_date": first,
        "last_date": last,
        "bucket": bucket,
        "by_date": by_date,
        "by_event_type": by("event_type"),
        "by_admin1": by("admin1"),
        "by_claim_status": by("claim_status"),
    }


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
