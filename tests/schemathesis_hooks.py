"""Schemathesis hooks for tests/test_web_contract.py (loaded by the CLI through
SCHEMATHESIS_HOOKS): the constraints between parameters that an OpenAPI description cannot
state, one schema per parameter. A date range (since after until) or a box (its south
north of its north) the wrong way round is refused with a 422 like any other bad value, so
such requests are not "valid data" for the positive checks."""

from __future__ import annotations

import datetime as dt

import schemathesis


def _day(value: str) -> bool:
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


@schemathesis.hook
def filter_query(ctx, query) -> bool:
    if not query:
        return True
    since, until = query.get("since"), query.get("until")
    if isinstance(since, str) and isinstance(until, str) and _day(since) and _day(until) and since > until:
        return False
    bbox = query.get("bbox")
    if isinstance(bbox, str) and bbox.count(",") == 3:
        try:
            _, south, _, north = (float(x) for x in bbox.split(","))
        except ValueError:
            return True
        return south <= north
    return True
