"""A bounded memo for pure lookups that recur across articles (gazetteer candidates, an
actor mention's flags, a parsed count phrase), kept per object."""

from __future__ import annotations

from typing import Any, Hashable


class BoundedMemo(dict):
    """A dict that empties itself when full instead of growing without end: cheaper than
    LRU bookkeeping on every hit, and a worker's working set fills it again within a few
    articles."""

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit

    def put(self, key: Hashable, value: Any) -> Any:
        """Remember ``value`` for ``key`` (emptying the memo first when it is full); returns ``value``."""
        if len(self) >= self.limit:
            self.clear()
        self[key] = value
        return value
