"""The web application behind ``frontlines serve``: a read-only JSON/CSV/GeoJSON API over
the ledger (with an OpenAPI description at ``/openapi.json`` and ``/docs``) and the map page.

Everything is served from this process and installed packages (Leaflet and its cluster
plugin come from the ``xstatic-*`` PyPI packages, Swagger UI for ``/docs`` from
``fastapi-offline``, the basemap ships with frontlines), so the page and the docs work with
no network. Only GET routes exist and the database is opened read-only.

Every parameter is checked before a query runs, and each failure is a 422 in FastAPI's own
shape (``{"detail": [{"loc", "msg", "type"}]}``, as the OpenAPI description declares): a
parameter the route does not take (named, with those it does), a date that is no date, a
range the wrong way round, a number past what SQLite's and PostgreSQL's 64-bit integers
hold, or a ``q`` past its limits. The schema states each bound, so a client can know them.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import re
from pathlib import Path
from typing import Annotated, Any, AsyncIterator, Literal

from fastapi import Depends, FastAPI, HTTPException, Path as PathParam, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, Field, StringConstraints
from starlette.concurrency import run_in_threadpool
from starlette.middleware.gzip import GZipMiddleware

from .. import __version__
from . import queries
from .geojson import feature_collection

STATIC = Path(__file__).with_name("static")
MAX_PAGE = 1000  # rows per JSON page
MAX_DOWNLOAD = 200_000  # rows per CSV / GeoJSON download

# -- bounds of the parameters (each is in the OpenAPI description) ------------------------
# SQLite's INTEGER and PostgreSQL's BIGINT are signed 64-bit: a larger number cannot be
# compared or skipped to, and it failed with a 500 before this bound.
MAX_INT = 2**63 - 1
# Words of ``q``. Each word is one more index lookup AND-ed with the others, and a one- or
# two-letter word stands for every indexed trigram it begins: on the 100,000-event benchmark
# ledger (benchmarks/api_speed.py) ten one-letter words cost 0.7 s of CPU, twenty 1.6 s,
# 300 took 3.5 s and 999 failed after 11 s. Ten words is more than a search needs.
MAX_Q_WORDS = 10
# Characters of ``q`` and of ``actor`` (a long word costs little: it is one phrase query),
# and of a name a filter compares whole (event type, province, outlet, id).
MAX_TEXT = 200
# Values of one repeatable filter (``event_type=A&event_type=B``...): every value is one
# bound SQL parameter, and SQLite takes at most 32,766 in a statement.
MAX_VALUES = 50
# The characters that separate the words of ``q`` (Python's str.split(), which the search
# uses), spelled out: a schema's \s is ECMAScript's, which differs (\x1c-\x1f, \x85, \ufeff).
SPACES = r"\t\n\u000b\u000c\r\u001c-\u001f \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
# ``q``: at most MAX_Q_WORDS words (runs of non-space characters), as a pattern in the schema.
Q_PATTERN = f"^[{SPACES}]*(?:[^{SPACES}]+[{SPACES}]+){{0,{MAX_Q_WORDS - 1}}}[^{SPACES}]*[{SPACES}]*$"
# A date: the pattern (ASCII digits), and a real day of the calendar (checked in ``_day``).
DATE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
# bbox: four decimal numbers, longitudes within +-180 and latitudes within +-90 degrees.
_LON = r"-?(?:180(?:\.0+)?|(?:1[0-7][0-9]|[0-9]{1,2})(?:\.[0-9]+)?)"
_LAT = r"-?(?:90(?:\.0+)?|[0-8]?[0-9](?:\.[0-9]+)?)"
BBOX_PATTERN = f"^(?:{_LON},{_LAT},{_LON},{_LAT})?$"  # empty: no box
# sort: comma-separated fields, each with an optional '-' (descending) or '+'.
_SORT_KEY = "[-+]?(?:" + "|".join(sorted(queries.SORTABLE, key=lambda k: (-len(k), k))) + ")"
SORT_PATTERN = f"^{_SORT_KEY}(?:,{_SORT_KEY})*$"

Name = Annotated[str, StringConstraints(max_length=MAX_TEXT)]


# -- response models (they are the OpenAPI description) -----------------------------------
URL_NOTE = "the article's URL as ingested: any scheme (javascript:, data:...); make it a link only when it is http or https"


class Mention(BaseModel, extra="allow"):
    """One piece of evidence: the sentence in one article that reports the event."""

    article_id: str | None = None
    path: str | None = None
    url: str | None = Field(None, description=URL_NOTE)
    outlet: str | None = None
    published: str | None = None
    sentence: str | None = None
    char_start: int | None = None
    char_end: int | None = None
    attributed_to: str | None = None
    hedges: list[str] = []
    fields: dict[str, Any] = Field(default_factory=dict, description="field name -> the text it was read from")


class Event(BaseModel):
    """A row of the ledger: the SPEC event record (``mentions`` only where asked for)."""

    event_id: str
    event_date: str | None = None
    time_precision: int | None = None
    event_type: str
    sub_event_type: str
    actor1: str | None = None
    assoc_actor_1: str | None = None
    inter1: int | None = None
    actor2: str | None = None
    assoc_actor_2: str | None = None
    inter2: int | None = None
    interaction: int | None = None
    civilian_targeting: bool = False
    country: str | None = None
    iso3: str | None = None
    admin1: str | None = None
    admin2: str | None = None
    location: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    geo_precision: int | None = None
    geonameid: int | None = None
    fatalities: int = 0
    fatalities_low: int = 0
    fatalities_high: int = 0
    claim_status: str
    sources: list[str] = []
    source_count: int = 0
    independent_source_count: int = 0
    notes: str | None = None
    mentions: list[Mention] | None = None


class EventPage(BaseModel):
    total: int = Field(description="events matching the filters")
    limit: int
    offset: int
    sort: str
    events: list[Event]


class ArticleRef(BaseModel):
    article_id: str
    path: str | None = None
    url: str | None = Field(None, description=URL_NOTE)
    title: str | None = None
    outlet: str | None = None
    published: str | None = None
    source_format: str | None = None
    n_events: int | None = None
    ingested_at: str | None = None


class Article(ArticleRef):
    text: str | None = Field(None, description="the article's original text (plain text: escape it before display)")
    warnings: list[str] = []
    provenance: dict[str, Any] = {}


class ArticlePage(BaseModel):
    total: int
    limit: int
    offset: int
    articles: list[ArticleRef]


class EventDetail(Event, extra="allow"):
    """An event with everything behind it; columns a newer store adds pass through."""

    mentions: list[Mention] = []
    reports: list[dict[str, Any]] = Field([], description="the article-level reports merged into the event (when the store keeps them)")
    history: list[dict[str, Any]] = Field([], description="changes to the event across runs (empty when the store keeps none)")
    articles: list[ArticleRef] = []
    claim_reasons: list[str] = Field([], description="why the event has its claim status")


class Source(BaseModel):
    outlet: str
    articles: int = Field(description="articles stored from this outlet")
    reports: int = Field(description="events extracted from those articles, before corroboration")
    events: int = Field(description="ledger events that list this outlet among their sources")
    first_published: str | None = None
    last_published: str | None = None


class Count(BaseModel):
    value: str | None
    events: int
    fatalities: int


class DateCount(BaseModel):
    date: str
    events: int
    fatalities: int


class Summary(BaseModel):
    total: int
    fatalities: int
    first_date: str | None
    last_date: str | None
    bucket: str = Field(description="day, week (Monday) or month")
    by_date: list[DateCount]
    by_event_type: list[Count]
    by_admin1: list[Count]
    by_claim_status: list[Count]


class SubType(BaseModel):
    event_type: str
    sub_event_type: str


class Facets(BaseModel):
    event_types: list[str]
    sub_event_types: list[SubType]
    admin1: list[str]
    admin2: list[str]
    claim_statuses: list[str]
    actors: list[str]
    first_date: str | None
    last_date: str | None


class Config(BaseModel):
    tiles: str | None = Field(None, description="online tile layer URL template, when one is configured")
    tiles_attribution: str | None = None
    version: str


# -- parameters --------------------------------------------------------------------------
def invalid(name: str, msg: str, value: Any = None, *, kind: str = "value_error") -> RequestValidationError:
    """A 422 about query parameter ``name``, in the shape of FastAPI's own validation errors."""
    return RequestValidationError([{"type": kind, "loc": ("query", name), "msg": msg, "input": value}])


_ACCEPTED: dict[int, list[str]] = {}


def accepted_parameters(route: APIRoute) -> list[str]:
    """The query parameters a route takes, its own and its dependencies' (the filters)."""
    if id(route) not in _ACCEPTED:
        names: set[str] = set()
        todo = [route.dependant]
        while todo:
            dep = todo.pop()
            names.update(p.alias for p in dep.query_params)
            todo.extend(dep.dependencies)
        _ACCEPTED[id(route)] = sorted(names)
    return _ACCEPTED[id(route)]


async def known_parameters(request: Request) -> None:
    """Refuse a query parameter the API route does not take: ``country=Syria`` is no filter
    here, and answering with every event as if it were one would mislead."""
    route = request.scope.get("route")
    if not isinstance(route, APIRoute) or not route.path.startswith("/api/"):
        return
    accepted = accepted_parameters(route)
    unknown = [name for name in dict.fromkeys(request.query_params.keys()) if name not in accepted]
    if unknown:
        takes = f"it takes {', '.join(accepted)}" if accepted else "it takes none"
        raise RequestValidationError(
            [
                {"type": "unknown_parameter", "loc": ("query", name), "input": request.query_params.get(name),
                 "msg": f"unknown query parameter {name!r} for {route.path}; {takes}"}
                for name in unknown
            ]
        )  # fmt: skip


def _day(name: str, value: str | None) -> str | None:
    """A YYYY-MM-DD parameter that names a real day (2017-13-45 matches the pattern only)."""
    if value is None:
        return None
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        raise invalid(name, f"{name} must be a date YYYY-MM-DD that exists; got {value!r}", value) from None
    return value


def _bbox(value: str | None) -> tuple[float, float, float, float] | None:
    if not value:
        return None
    if not re.fullmatch(BBOX_PATTERN, value):
        raise invalid("bbox", "bbox is min_lon,min_lat,max_lon,max_lat: four decimal numbers, longitudes within ±180 and latitudes within ±90", value)
    w, s, e, n = (float(x) for x in value.split(","))
    if s > n:
        raise invalid("bbox", f"bbox's min_lat ({s:g}) is north of its max_lat ({n:g})", value)
    return (w, s, e, n)


def _words(q: str | None) -> str | None:
    """``q`` within MAX_Q_WORDS words, refused before any query runs (its length is bound by the schema)."""
    if q is None or not q.strip():
        return None
    n = len(q.split())
    if n > MAX_Q_WORDS:
        raise invalid("q", f"q has {n} words; at most {MAX_Q_WORDS} are searched for at once", q[:80], kind="too_many_words")
    return q.strip()


def _text(description: str, **extra: Any) -> Any:
    return Query(description=description, max_length=MAX_TEXT, **extra)


def _names(description: str) -> Any:
    return Query(description=f"{description}; repeat for several (at most {MAX_VALUES})", max_length=MAX_VALUES)


ClaimStatus = Literal["confirmed", "reported", "claimed", "disputed"]


async def event_filter(
    since: Annotated[str, Query(pattern=DATE, description="events on or after this date (YYYY-MM-DD)", json_schema_extra={"format": "date"})] = None,  # type: ignore[assignment]
    until: Annotated[str, Query(pattern=DATE, description="events on or before this date (YYYY-MM-DD; not before since)", json_schema_extra={"format": "date"})] = None,  # type: ignore[assignment]
    event_type: Annotated[list[Name], _names("ACLED event type")] = [],  # noqa: B006
    sub_event_type: Annotated[list[Name], _names("ACLED sub-event type")] = [],  # noqa: B006
    admin1: Annotated[list[Name], _names("province / governorate (case-insensitive)")] = [],  # noqa: B006
    admin2: Annotated[list[Name], _names("district (case-insensitive)")] = [],  # noqa: B006
    actor: Annotated[str, _text("part of an actor or associated actor name")] = None,  # type: ignore[assignment]
    claim_status: Annotated[list[ClaimStatus], _names("claim status")] = [],  # noqa: B006
    min_fatalities: Annotated[int, Query(ge=0, le=MAX_INT, description="at least this many fatalities")] = None,  # type: ignore[assignment]
    bbox: Annotated[str, Query(description="min_lon,min_lat,max_lon,max_lat in degrees (min_lat not north of max_lat; min_lon east of max_lon crosses the antimeridian)",
                               json_schema_extra={"pattern": BBOX_PATTERN})] = None,  # type: ignore[assignment]  # fmt: skip
    q: Annotated[str, _text(f"free text: every word (at most {MAX_Q_WORDS}) must occur in the notes, place, actors, sources or evidence",
                            json_schema_extra={"pattern": Q_PATTERN})] = None,  # type: ignore[assignment]  # fmt: skip
) -> queries.EventFilter:
    since, until = _day("since", since), _day("until", until)
    if since and until and since > until:
        raise invalid("until", f"until ({until}) is before since ({since})", until)
    return queries.EventFilter(
        since=since, until=until, event_type=event_type, sub_event_type=sub_event_type, admin1=admin1, admin2=admin2,
        actor=actor or None, claim_status=list(claim_status), min_fatalities=min_fatalities, bbox=_bbox(bbox), q=_words(q),
    )  # fmt: skip


SortParam = Annotated[
    str,
    Query(
        description="comma-separated fields, '-' before one for descending: " + ", ".join(sorted(queries.SORTABLE)),
        max_length=MAX_TEXT,
        json_schema_extra={"pattern": SORT_PATTERN},
    ),
]


def _order(sort: str) -> str:
    """The sort parameter, checked as its pattern says (``parse_sort`` names a bad field)."""
    if not re.fullmatch(SORT_PATTERN, sort):
        try:
            queries.parse_sort(sort)
            msg = "sort is comma-separated fields, each with an optional '-' (descending): no spaces or empty fields"
        except ValueError as exc:
            msg = str(exc)
        raise invalid("sort", msg, sort)
    return sort


Offset = Annotated[int, Query(ge=0, le=MAX_INT, description="matches to skip")]
Id = Annotated[str, PathParam(max_length=MAX_TEXT)]


class Problem(BaseModel):
    """One thing wrong with a request (FastAPI's validation error)."""

    loc: list[str | int] = Field(description='where: ["query", name] or ["path", name]')
    msg: str
    type: str
    input: Any = None
    ctx: dict[str, Any] | None = None


class Problems(BaseModel):
    detail: list[Problem]


class Message(BaseModel):
    detail: str


# every API route may answer 422 (a parameter it does not take, or a bad value) and 503
ERRORS: dict[int | str, dict[str, Any]] = {
    422: {"description": "a parameter the route does not take, or a value out of its bounds", "model": Problems},
    503: {"description": "the ledger cannot be read now", "model": Message},
}


async def connection(request: Request) -> AsyncIterator[Any]:
    """A read-only connection for one request, from the application's pool. Taking it and
    giving it back is quick, so that happens on the event loop; the routes with filters run
    their queries in one worker thread (``run_in_threadpool``): every hop between threads
    waits for a core, which costs more than the work on a busy two-core machine."""
    with request.app.state.ledger.snapshot() as c:
        yield c


Conn = Annotated[Any, Depends(connection)]
# the filters as given; the routes resolve them against the ledger (``queries.resolve``)
Filter = Annotated[queries.EventFilter, Depends(event_filter)]


# -- the application -------------------------------------------------------------------
def create_app(db: str | Path, *, tiles: str | None = None, tiles_attribution: str | None = None) -> FastAPI:
    """The ASGI application serving the ledger at ``db`` read-only."""
    import xstatic.pkg.leaflet as xs_leaflet
    import xstatic.pkg.leaflet_markercluster as xs_cluster

    ledger = queries.ReadPool(db)  # fails now, with a friendly error, if the ledger is unreadable

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        ledger.close()

    app = FastAPI(
        lifespan=lifespan,
        docs_url=None,  # served below from installed files: the CSP blocks Swagger UI's CDN
        redoc_url=None,
        dependencies=[Depends(known_parameters)],
        title="frontlines",
        version=__version__,
        description="Read-only API over a frontlines event ledger: ACLED-compatible events with "
        "the evidence sentences behind them, the articles and outlets they came from, and counts for charts.",
        openapi_tags=[
            {"name": "events", "description": "the event ledger"},
            {"name": "articles", "description": "the articles and outlets behind the events"},
            {"name": "charts", "description": "counts and filter values"},
        ],
    )
    app.add_middleware(GZipMiddleware, minimum_size=2048)

    @app.middleware("http")
    async def security_headers(request: Request, call_next):
        response = await call_next(request)
        img = "'self' data:" + (f" {_origin(tiles)}" if tiles else "")
        response.headers.setdefault(
            "Content-Security-Policy",
            f"default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src {img}; "
            "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
        )
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        return response

    app.state.db = db
    app.state.ledger = ledger

    @app.get("/api/events", response_model=EventPage, response_model_exclude_none=False, tags=["events"], responses=ERRORS)
    async def list_events(
        c: Conn,
        flt: Filter,
        sort: SortParam = "-event_date",
        limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 100,
        offset: Offset = 0,
        mentions: Annotated[bool, Query(description="include each event's evidence")] = False,
    ) -> dict[str, Any]:
        """Events matching the filters, one page at a time."""
        order = _order(sort)
        cols = queries.EVENT_COLUMNS if mentions else queries.LIST_COLUMNS

        def page() -> dict[str, Any]:
            queries.resolve(c, flt)
            total = queries.count_events(c, flt)  # first: it tells iter_events how to read the page
            rows = list(queries.iter_events(c, flt, sort=order, limit=limit, offset=offset, columns=cols, total=total))
            return {"total": total, "limit": limit, "offset": offset, "sort": sort, "events": rows}

        return await run_in_threadpool(page)

    @app.get(
        "/api/events.csv",
        tags=["events"],
        response_class=Response,
        responses={200: {"content": {"text/csv": {}}, "description": "the SPEC record as CSV, evidence in one column"}, **ERRORS},
    )
    async def events_csv(c: Conn, flt: Filter, sort: SortParam = "-event_date", limit: Annotated[int, Query(ge=1, le=MAX_DOWNLOAD)] = MAX_DOWNLOAD) -> Response:
        """Events matching the filters as a CSV download (the same columns as ``export --format csv``)."""
        from ..export import write_csv

        order = _order(sort)

        def table() -> str:
            buf = io.StringIO()
            write_csv(queries.iter_events(c, queries.resolve(c, flt), sort=order, limit=limit), buf)
            return buf.getvalue()

        body = await run_in_threadpool(table)
        return Response(body, media_type="text/csv; charset=utf-8", headers={"Content-Disposition": 'attachment; filename="events.csv"'})

    @app.get(
        "/api/events.geojson",
        tags=["events"],
        response_class=Response,
        responses={200: {"content": {"application/geo+json": {}}, "description": "a GeoJSON FeatureCollection of points"}, **ERRORS},
    )
    async def events_geojson(
        c: Conn,
        flt: Filter,
        sort: SortParam = "-event_date",
        limit: Annotated[int, Query(ge=1, le=MAX_DOWNLOAD)] = MAX_DOWNLOAD,
        compact: Annotated[bool, Query(description="only the properties a map needs (no evidence)")] = False,
        download: Annotated[bool, Query(description="send as an attachment")] = False,
    ) -> Response:
        """Events matching the filters as GeoJSON points (the SPEC record as properties)."""
        order = _order(sort)
        cols = queries.MAP_COLUMNS if compact else queries.EVENT_COLUMNS

        def collection() -> str:
            fc = feature_collection(queries.iter_events(c, queries.resolve(c, flt), sort=order, limit=limit, columns=cols))
            return json.dumps(fc, ensure_ascii=False, separators=(",", ":"))

        headers = {"Content-Disposition": 'attachment; filename="events.geojson"'} if download else {}
        return Response(await run_in_threadpool(collection), media_type="application/geo+json", headers=headers)

    @app.get("/api/events/{event_id}", response_model=EventDetail, tags=["events"], responses={404: {"description": "no such event", "model": Message}, **ERRORS})
    def one_event(c: Conn, event_id: Id) -> dict[str, Any]:
        """One event with all its mentions, its history, the articles behind it and why it has its claim status."""
        ev = queries.get_event(c, event_id)
        if ev is None:
            raise HTTPException(404, f"no event {event_id}")
        return ev

    @app.get("/api/articles", response_model=ArticlePage, tags=["articles"], responses=ERRORS)
    def articles(
        c: Conn,
        q: Annotated[str, _text("text in the title or body")] = None,  # type: ignore[assignment]
        outlet: Annotated[str, _text("outlet name (case-insensitive)")] = None,  # type: ignore[assignment]
        limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 100,
        offset: Offset = 0,
    ) -> dict[str, Any]:
        """The stored articles, newest first."""
        total, rows = queries.list_articles(c, q=q, outlet=outlet, limit=limit, offset=offset)
        return {"total": total, "limit": limit, "offset": offset, "articles": rows}

    @app.get("/api/articles/{article_id}", response_model=Article, tags=["articles"], responses={404: {"description": "no such article", "model": Message}, **ERRORS})
    def article(c: Conn, article_id: Id) -> dict[str, Any]:
        """One article with its text (plain text, never HTML)."""
        a = queries.get_article(c, article_id)
        if a is None:
            raise HTTPException(404, f"no article {article_id}")
        return a

    @app.get("/api/sources", response_model=list[Source], tags=["articles"], responses=ERRORS)
    def sources(c: Conn) -> list[dict[str, Any]]:
        """Outlets, with how many articles and events each contributed."""
        return queries.list_sources(c)

    @app.get("/api/summary", response_model=Summary, tags=["charts"], responses=ERRORS)
    async def summary(
        c: Conn,
        flt: Filter,
        bucket: Annotated[Literal["auto", "day", "week", "month"], Query(description="date bucket of by_date")] = "auto",
    ) -> dict[str, Any]:
        """Counts of the filtered events for charts: over time, by type, province and claim status."""
        return await run_in_threadpool(lambda: queries.summary(c, queries.resolve(c, flt), bucket=bucket))

    @app.get("/api/facets", response_model=Facets, tags=["charts"], responses=ERRORS)
    def facets(c: Conn) -> dict[str, Any]:
        """The values the filter controls offer."""
        return queries.facets(c)

    @app.get("/api/config", response_model=Config, tags=["charts"], responses=ERRORS)
    def config() -> dict[str, Any]:
        """How the page should draw its map (an online tile layer only when configured)."""
        return {"tiles": tiles, "tiles_attribution": tiles_attribution, "version": __version__}

    @app.get("/", include_in_schema=False)
    def index() -> FileResponse:
        return FileResponse(STATIC / "index.html", media_type="text/html; charset=utf-8")

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        """Swagger UI over /openapi.json, from installed files and a script of ours (the CSP
        allows no inline script and no other origin)."""
        return HTMLResponse(DOCS_PAGE)

    @app.exception_handler(queries.StoreError)
    async def store_error(request: Request, exc: Exception) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=503)

    for error in _database_errors():
        # a ledger locked, moved or down mid-request: say so (without naming the URL)
        app.add_exception_handler(error, _unavailable)

    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.mount("/vendor/swagger-ui", StaticFiles(directory=_swagger_ui()), name="swagger-ui")
    app.mount("/vendor/leaflet", StaticFiles(directory=xs_leaflet.BASE_DIR), name="leaflet")
    app.mount("/vendor/markercluster", StaticFiles(directory=xs_cluster.BASE_DIR), name="markercluster")
    return app


DOCS_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>frontlines API</title>
<link rel="icon" href="/vendor/swagger-ui/favicon.png">
<link rel="stylesheet" href="/vendor/swagger-ui/swagger-ui.css">
<script src="/vendor/swagger-ui/swagger-ui-bundle.js" defer></script>
<script src="/static/docs.js" defer></script>
</head>
<body><div id="swagger-ui"></div></body>
</html>
"""


def _swagger_ui() -> Path:
    """The folder of Swagger UI's files that the ``fastapi-offline`` package installs."""
    import fastapi_offline

    return Path(fastapi_offline.__file__).with_name("static")


def _database_errors() -> list[type[Exception]]:
    import sqlite3

    errors: list[type[Exception]] = [sqlite3.Error]
    try:
        import psycopg

        errors.append(psycopg.Error)
    except ImportError:  # pragma: no cover - the postgres extra is optional
        pass
    return errors


async def _unavailable(request: Request, exc: Exception) -> JSONResponse:
    return JSONResponse({"detail": f"the ledger cannot be read now ({type(exc).__name__})"}, status_code=503)


def _origin(url: str) -> str:
    """The scheme://host part of a tile URL template, for the Content-Security-Policy."""
    from urllib.parse import urlsplit

    parts = urlsplit(url.replace("{s}", "*"))
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else "*"
