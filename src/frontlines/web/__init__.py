"""Stage 9 (serve): the web map and read-only API over the ledger (``frontlines serve``).

``create_app(db)`` builds the FastAPI application; ``serve(db, host, port)`` runs it with
uvicorn. FastAPI is imported only when one of them is called.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from fastapi import FastAPI


def create_app(db: str | Path, **kwargs: Any) -> "FastAPI":
    """The web application over the ledger at ``db`` (see ``frontlines.web.app``)."""
    try:
        from .app import create_app as _create
    except ImportError as exc:  # pragma: no cover - the dependencies are part of the install
        from ..errors import MissingExtra

        raise MissingExtra(f"the web map needs {exc.name}", hint="pip install -e . (fastapi, uvicorn, xstatic-leaflet)") from exc
    return _create(db, **kwargs)


def serve(db: "str | Path | FastAPI", host: str = "127.0.0.1", port: int = 8000, *, tiles: str | None = None, tiles_attribution: str | None = None, log_level: str = "warning") -> None:
    """Serve the map and API over the ledger ``db`` (a SQLite file, a ``postgresql://`` URL,
    or an application ``create_app`` made already) until interrupted."""
    import uvicorn

    app = db if hasattr(db, "router") else create_app(db, tiles=tiles, tiles_attribution=tiles_attribution)  # type: ignore[arg-type]
    uvicorn.run(app, host=host, port=port, log_level=log_level)


def running(db: str | Path, host: str = "127.0.0.1", port: int = 0, **kwargs: Any):
    """A context manager that serves the ledger from a background thread and yields its base
    URL (a free port by default): for tests, benchmarks and notebooks."""
    import contextlib
    import socket
    import threading
    import time

    import uvicorn

    @contextlib.contextmanager
    def _run():
        app = create_app(db, **kwargs)
        # IPPROTO_TCP, as uvicorn's own sockets are: asyncio turns Nagle's algorithm off
        # (TCP_NODELAY) only for those, and without it every keep-alive answer waited
        # about 40 ms for a delayed ACK
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False))
        thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True, name="frontlines-web")
        thread.start()
        deadline = time.monotonic() + 15
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the web server did not start")
            time.sleep(0.02)
        try:
            yield f"http://{host}:{sock.getsockname()[1]}"
        finally:
            server.should_exit = True
            thread.join(10)
            sock.close()

    return _run()
