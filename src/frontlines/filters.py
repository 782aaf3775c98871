"""The ledger filters ``export`` and ``report`` share: a period and an admin1.

One parser for the date arguments (``date_bound``) and one check of the admin1 against the
ledger (``Filter.for_store``), so that a date compared as text or a province the ledger
never heard of is an error with the accepted forms, never a silently empty (or full) result.
"""

from __future__ import annotations

import calendar
import datetime as dt
import difflib
import re
from dataclasses import dataclass
from typing import Any, Iterator

from .errors import BadCountry, BadDate, UnknownFilterValue

DATE_FORMS = "YYYY-MM-DD, YYYY-MM or YYYY"
_DATE = re.compile(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")
# --where's error lists the ledger's admin1 names when there are at most this many
MAX_NAMES_SHOWN = 15


def date_bound(value: str | dt.date, *, end: bool = False, label: str | None = None) -> str:
    """The ISO day a period bound stands for: the first day of a month or year for a start
    (``end`` False), the last for an end. ``label`` (``--since``) prefixes the message."""
    if isinstance(value, dt.date):
        return value.isoformat()
    m = _DATE.fullmatch(str(value).strip())
    if m:
        year, month, day = int(m.group(1)), m.group(2), m.group(3)
        try:
            if day is not None:
                return dt.date(year, int(month), int(day)).isoformat()
            if month is not None:
                last = calendar.monthrange(year, int(month))[1] if 1 <= int(month) <= 12 else 0
                return dt.date(year, int(month), last if end else 1).isoformat()
            return dt.date(year, 12, 31).isoformat() if end else dt.date(year, 1, 1).isoformat()
        except ValueError:
            pass
    prefix = f"{label}: " if label else ""
    raise BadDate(f"{prefix}expected {DATE_FORMS} (got {str(value)!r})", hint="")


def check_period(since: str | None, until: str | None) -> None:
    """A period whose start is after its end is an error, not an empty result."""
    if since and until and since > until:
        raise BadDate(f"--since {since} is after --until {until}", hint="swap them")


def admin1_names(store: Any) -> list[str]:
    """The distinct admin1 names of the ledger's events, sorted."""
    rows = store.conn.execute("SELECT DISTINCT admin1 FROM events WHERE admin1 IS NOT NULL")
    return sorted({r[0] for r in rows if r[0]})


def resolve_admin1(store: Any, where: str) -> str:
    """The ledger's spelling of the admin1 ``where`` names: any case, accents or not, and
    any spelling of the same unit (OCHA's "Idleb", GeoNames' "Idlib", a curated alias:
    ``placenames.admin1_matches``); an UnknownFilterValue listing the closest names (or
    all, when few) when no event has it."""
    from .placenames import admin1_matches

    names = admin1_names(store)
    by_lower = {n.lower(): n for n in names}
    hit = by_lower.get(where.strip().lower())
    if hit is not None:
        return hit
    same = admin1_matches(where, names)
    if same:
        return same[0]
    if not names:
        raise UnknownFilterValue(f"--where {where!r}: no event in the ledger has an admin1", hint="drop --where")
    near = [by_lower[n] for n in difflib.get_close_matches(where.strip().lower(), list(by_lower), n=3, cutoff=0.6)]
    if near:
        hint = "did you mean " + " or ".join(repr(n) for n in near) + "?"
    elif len(names) <= MAX_NAMES_SHOWN:
        hint = "the ledger's admin1 names: " + ", ".join(names)
    else:
        hint = f"the ledger has {len(names)} admin1 names, e.g. " + ", ".join(names[:MAX_NAMES_SHOWN])
    raise UnknownFilterValue(f"--where {where!r}: no event in the ledger has this admin1", hint=hint)


@dataclass(frozen=True)
class Filter:
    """A checked selection of the ledger: ISO bounds and the ledger's admin1 spelling."""

    since: str | None = None
    until: str | None = None
    admin1: str | None = None

    @classmethod
    def for_store(cls, store: Any, *, since: str | dt.date | None = None, until: str | dt.date | None = None,
                  where: str | None = None) -> "Filter":  # fmt: skip
        """Parse the bounds (``YYYY-MM-DD``, ``YYYY-MM``, ``YYYY``) and check ``where``
        against the ledger's admin1 names; raises BadDate / UnknownFilterValue."""
        lo = date_bound(since, label="--since") if since else None
        hi = date_bound(until, end=True, label="--until") if until else None
        check_period(lo, hi)
        admin1 = resolve_admin1(store, where) if where else None
        return cls(lo, hi, admin1)

    def events(self, store: Any) -> Iterator[dict[str, Any]]:
        return store.events(since=self.since, until=self.until, admin1=self.admin1)

    @property
    def active(self) -> bool:
        return bool(self.since or self.until or self.admin1)

    def describe(self) -> str:
        """The selection in words: "between 2017-04-01 and 2017-06-30 in Idlib"."""
        parts = []
        if self.since and self.until:
            parts.append(f"between {self.since} and {self.until}")
        elif self.since:
            parts.append(f"on or after {self.since}")
        elif self.until:
            parts.append(f"on or before {self.until}")
        if self.admin1:
            parts.append(f"in {self.admin1}")
        return " ".join(parts) or "in the ledger"


def empty_note(store: Any, flt: Filter) -> str:
    """Why a selection came out empty: the filter in words and the ledger's own date range."""
    sql, args, whose = "SELECT min(event_date), max(event_date) FROM events", [], "the ledger's"
    if flt.admin1:
        sql, args, whose = sql + " WHERE lower(admin1) = lower(?)", [flt.admin1], f"{flt.admin1}'s"
    first, last = store.conn.execute(sql, args).fetchone()
    if first is None:
        return f"no events {flt.describe()}: {whose} events have no dates"
    return f"no events {flt.describe()} ({whose} events run from {first} to {last})"


# GeoNames' code for Kosovo, which ISO 3166 has not assigned (the gazetteer keeps it)
_EXTRA_COUNTRIES = {"XK": "XKX", "XKX": "XKX"}


def country_code(value: str) -> str:
    """The ISO 3166 alpha-3 code for an alpha-3 or alpha-2 code (any case); a BadCountry
    naming the code a country name stands for when given one."""
    import pycountry

    code = value.strip().upper()
    if code in _EXTRA_COUNTRIES:
        return _EXTRA_COUNTRIES[code]
    c = None
    if len(code) == 3:
        c = pycountry.countries.get(alpha_3=code)
    elif len(code) == 2:
        c = pycountry.countries.get(alpha_2=code)
    if c is not None:
        return c.alpha_3
    try:
        named = pycountry.countries.lookup(value.strip())
    except LookupError:
        named = None
    extra = f"; {value.strip()} is {named.alpha_3}" if named is not None else ""
    raise BadCountry(f"--country: expected an ISO 3166 country code such as SYR (got {value!r}{extra})", hint="")
