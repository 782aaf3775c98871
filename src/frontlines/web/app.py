"""The web application behind ``frontlines serve``: a read-only JSON/CSV/GeoJSON API over
the ledger (with an OpenAPI description at ``/openapi.json`` and ``/docs``) and the map page.

Everything is served from this process and installed packages (Leaflet and its cluster
plugin come from the ``xstatic-*`` PyPI packages, the basemap ships with frontlines), so
the page works with no network. Only GET routes exist and the database is opened read-only.
"""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path
from typing import Annotated, Any, AsyncIterator

from fastapi import Depends, FastAPI, HTTPException, Query, Request
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool
from starlette.middleware.gzip import GZipMiddleware

from .. import __version__
from . import queries
from .geojson import feature_collection

STATIC = Path(__file__).with_name("static")
MAX_PAGE = 1000  # rows per JSON page
MAX_DOWNLOAD = 200_000  # rows per CSV / GeoJSON download


# -- response models (they are the OpenAPI description) -----------------------------------
class Mention(BaseModel, extra="allow"):
    """One piece of evidence: the sentence in one article that reports the event."""

    article_id: str | None = None
    path: str | None = None
    url: str | None = None
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
    url: str | None = None
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


# -- filters ---------------------------------------------------------------------------
def _bbox(value: str | None) -> tuple[float, float, float, float] | None:
    if not value:
        return None
    try:
        w, s, e, n = (float(x) for x in value.split(","))
    except ValueError:
        raise HTTPException(422, "bbox is min_lon,min_lat,max_lon,max_lat (four numbers)") from None
    if not (-90 <= s <= n <= 90 and -180 <= w <= 180 and -180 <= e <= 180):
        raise HTTPException(422, "bbox out of range: min_lon,min_lat,max_lon,max_lat in degrees")
    return (w, s, e, n)


DATE = r"^\d{4}-\d{2}-\d{2}$"


async def event_filter(
    since: Annotated[str | None, Query(pattern=DATE, description="events on or after this date (YYYY-MM-DD)")] = None,
    until: Annotated[str | None, Query(pattern=DATE, description="events on or before this date (YYYY-MM-DD)")] = None,
    event_type: Annotated[list[str], Query(description="ACLED event type; repeat for several")] = [],  # noqa: B006
    sub_event_type: Annotated[list[str], Query(description="ACLED sub-event type; repeat for several")] = [],  # noqa: B006
    admin1: Annotated[list[str], Query(description="province / governorate (case-insensitive); repeat for several")] = [],  # noqa: B006
    admin2: Annotated[list[str], Query(description="district (case-insensitive); repeat for several")] = [],  # noqa: B006
    actor: Annotated[str | None, Query(description="part of an actor or associated actor name")] = None,
    claim_status: Annotated[list[str], Query(description="confirmed, reported, claimed or disputed; repeat for several")] = [],  # noqa: B006
    min_fatalities: Annotated[int | None, Query(ge=0, description="at least this many fatalities")] = None,
    bbox: Annotated[str | None, Query(description="min_lon,min_lat,max_lon,max_lat")] = None,
    q: Annotated[str | None, Query(description="free text: every word must occur in the notes, place, actors, sources or evidence")] = None,
) -> queries.EventFilter:
    bad = [c for c in claim_status if c.lower() not in queries.CLAIM_STATUSES]
    if bad:
        raise HTTPException(422, f"unknown claim_status {bad[0]!r}: choose from {', '.join(queries.CLAIM_STATUSES)}")
    return queries.EventFilter(
        since=since, until=until, event_type=event_type, sub_event_type=sub_event_type, admin1=admin1, admin2=admin2,
        actor=actor or None, claim_status=claim_status, min_fatalities=min_fatalities, bbox=_bbox(bbox), q=(q or "").strip() or None,
    )  # fmt: skip


SortParam = Annotated[
    str,
    Query(description="comma-separated fields, '-' for descending: " + ", ".join(sorted(queries.SORTABLE))),
]


def _order(sort: str) -> str:
    try:
        queries.parse_sort(sort)
    except ValueError as exc:
        raise HTTPException(422, str(exc)) from None
    return sort


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

    @app.get("/api/events", response_model=EventPage, response_model_exclude_none=False, tags=["events"])
    async def list_events(
        c: Conn,
        flt: Filter,
        sort: SortParam = "-event_date",
        limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 100,
        offset: Annotated[int, Query(ge=0)] = 0,
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
        responses={200: {"content": {"text/csv": {}}, "description": "the SPEC record as CSV, evidence in one column"}},
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
        responses={200: {"content": {"application/geo+json": {}}, "description": "a GeoJSON FeatureCollection of points"}},
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

    @app.get("/api/events/{event_id}", response_model=EventDetail, tags=["events"], responses={404: {"description": "no such event"}})
    def one_event(c: Conn, event_id: str) -> dict[str, Any]:
        """One event with all its mentions, its history, the articles behind it and why it has its claim status."""
        ev = queries.get_event(c, event_id)
        if ev is None:
            raise HTTPException(404, f"no event {event_id}")
        return ev

    @app.get("/api/articles", response_model=ArticlePage, tags=["articles"])
    def articles(
        c: Conn,
        q: Annotated[str | None, Query(description="text in the title or body")] = None,
        outlet: Annotated[str | None, Query(description="outlet name (case-insensitive)")] = None,
        limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 100,
        offset: Annotated[int, Query(ge=0)] = 0,
    ) -> dict[str, Any]:
        """The stored articles, newest first."""
        total, rows = queries.list_articles(c, q=q, outlet=outlet, limit=limit, offset=offset)
        return {"total": total, "limit": limit, "offset": offset, "articles": rows}

    @app.get("/api/articles/{article_id}", response_model=Article, tags=["articles"], responses={404: {"description": "no such article"}})
    def article(c: Conn, article_id: str) -> dict[str, Any]:
        """One article with its text (plain text, never HTML)."""
        a = queries.get_article(c, article_id)
        if a is None:
            raise HTTPException(404, f"no article {article_id}")
        return a

    @app.get("/api/sources", response_model=list[Source], tags=["articles"])
    def sources(c: Conn) -> list[dict[str, Any]]:
        """Outlets, with how many articles and events each contributed."""
        return queries.list_sources(c)

    @app.get("/api/summary", response_model=Summary, tags=["charts"])
    async def summary(
        c: Conn,
        flt: Filter,
        bucket: Annotated[str, Query(pattern="^(auto|day|week|month)$", description="date bucket of by_date")] = "auto",
    ) -> dict[str, Any]:
        """Counts of the filtered events for charts: over time, by type, province and claim status."""
        return await run_in_threadpool(lambda: queries.summary(c, queries.resolve(c, flt), bucket=bucket))

    @app.get("/api/facets", response_model=Facets, tags=["charts"])
    def facets(c: Conn) -> dict[str, Any]:
        """The values the filter controls offer."""
        return queries.facets(c)

    @app.get("/api/config", response_model=Config, tags=["charts"])
    def config() -> dict[str, Any]:
        """How the page should draw its map (an online tile layer only when configured)."""
        return {"tiles": tiles, "tiles_attribution": tiles_attribution, "version": __version__}

    @app.get("/", include_in_schema=False)
    def index() -> FileResponse:
        return FileResponse(STATIC / "index.html", media_type="text/html; charset=utf-8")

    @app.exception_handler(queries.StoreError)
    async def store_error(request: Request, exc: Exception) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=503)

    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.mount("/vendor/leaflet", StaticFiles(directory=xs_leaflet.BASE_DIR), name="leaflet")
    app.mount("/vendor/markercluster", StaticFiles(directory=xs_cluster.BASE_DIR), name="markercluster")
    return app


def _origin(url: str) -> str:
    """The scheme://host part of a tile URL template, for the Content-Security-Policy."""
    from urllib.parse import urlsplit

    parts = urlsplit(url.replace("{s}", "*"))
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else "*"
