"""frontlines: raw conflict news in, a geocoded, deduplicated, ACLED-compatible ledger out.

The public API::

    import frontlines
    frontlines.run(["examples/"], db="frontlines.db")        # whole pipeline into SQLite
    events = frontlines.extract_text(text, published="2017-05-26")  # one article, no store
    places = frontlines.geoparse(text)  # every place mention, with its span and candidates

Nothing heavy is imported here: submodules load on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = [
    "Article",
    "Event",
    "EventMention",
    "FrontlinesError",
    "Geoparser",
    "Options",
    "PlaceMention",
    "Pipeline",
    "Store",
    "extract_text",
    "geoparse",
    "run",
]

_LAZY = {
    "Article": "records",
    "Event": "records",
    "EventMention": "records",
    "FrontlinesError": "errors",
    "Geoparser": "geoparser",
    "Options": "pipeline",
    "PlaceMention": "geoparser",
    "Pipeline": "pipeline",
    "Store": "store",
    "extract_text": "pipeline",
    "geoparse": "geoparser",
    "run": "pipeline",
}

if TYPE_CHECKING:  # pragma: no cover
    from .errors import FrontlinesError
    from .geoparser import Geoparser, PlaceMention, geoparse
    from .pipeline import Options, Pipeline, extract_text, run
    from .records import Article, Event, EventMention
    from .store import Store


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module 'frontlines' has no attribute {name!r}")
