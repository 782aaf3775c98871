"""Stage 9 (files): write the ledger as JSONL (the SPEC record), CSV, or ACLED's layout.

``export --format acled`` writes ACLED's column names in ACLED's order, so an ACLED
workflow reads it unchanged; frontlines' own fields follow as extra columns.
"""

from __future__ import annotations

import csv
import json
from importlib import resources
from typing import IO, Any, Iterable

import yaml

from .errors import ExportError

SPEC_FIELDS = [
    "event_id", "event_date", "time_precision", "event_type", "sub_event_type",
    "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2", "interaction",
    "civilian_targeting", "country", "iso3", "admin1", "admin2", "location",
    "latitude", "longitude", "geo_precision", "geonameid",
    "fatalities", "fatalities_low", "fatalities_high", "claim_status",
    "sources", "source_count", "independent_source_count", "notes", "mentions",
]  # fmt: skip

# Stage 7 (corroborate) fields beyond the SPEC record: the independent origins behind the
# sources and which report gave which fatality figure (JSONL carries them whole).
CORROBORATION_FIELDS = ["origins", "fatality_sources"]


def _origins_text(ev: dict[str, Any]) -> str:
    return "; ".join(o.get("origin", "") + (" (party)" if o.get("party") else "") for o in ev.get("origins") or [])


def _fatality_sources_text(ev: dict[str, Any]) -> str:
    return "; ".join(f"{f.get('figure')} {f.get('outlet')}" + (f" via {f.get('origin')}" if f.get("origin") != f.get("outlet") else "") for f in ev.get("fatality_sources") or [])


# ACLED's export columns, in ACLED's order (ACLED codebook / data export tool).
ACLED_COLUMNS = [
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type",
    "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2",
    "interaction", "civilian_targeting", "iso", "region", "country", "admin1", "admin2",
    "admin3", "location", "latitude", "longitude", "geo_precision", "source", "source_scale",
    "notes", "fatalities", "tags", "timestamp",
]  # fmt: skip
ACLED_EXTRA = [
    "fatalities_low", "fatalities_high", "claim_status", "source_count",
    "independent_source_count", "geonameid", "frontlines_event_id", "evidence",
    "independent_origins", "fatality_sources",
]  # fmt: skip

# ACLED's disorder types by event type (codebook 2023); two sub-events are both.
DISORDER = {
    "Battles": "Political violence",
    "Explosions/Remote violence": "Political violence",
    "Violence against civilians": "Political violence",
    "Riots": "Political violence",
    "Protests": "Demonstrations",
    "Strategic developments": "Strategic developments",
}
DISORDER_SUB = {
    "Excessive force against protesters": "Political violence; Demonstrations",
    "Mob violence": "Political violence",
    "Violent demonstration": "Political violence; Demonstrations",
}

FORMATS = ("jsonl", "csv", "acled")


def write(events: Iterable[dict[str, Any]], fmt: str, out: IO[str]) -> int:
    """Write events in ``fmt`` to ``out``; returns the number written."""
    if fmt == "jsonl":
        return write_jsonl(events, out)
    if fmt == "csv":
        return write_csv(events, out)
    if fmt == "acled":
        return write_acled(events, out)
    raise ExportError(f"unknown export format {fmt!r}", hint=f"choose one of {', '.join(FORMATS)}")


def write_jsonl(events: Iterable[dict[str, Any]], out: IO[str]) -> int:
    n = 0
    for ev in events:
        rec = {k: ev.get(k) for k in SPEC_FIELDS}
        rec.update({k: ev.get(k) or [] for k in CORROBORATION_FIELDS})
        out.write(json.dumps(rec, ensure_ascii=False) + "\n")
        n += 1
    return n


def write_csv(events: Iterable[dict[str, Any]], out: IO[str]) -> int:
    cols = [c for c in SPEC_FIELDS if c != "mentions"] + ["evidence", "evidence_articles", "independent_origins", "fatality_sources"]
    w = csv.DictWriter(out, fieldnames=cols, lineterminator="\n")
    w.writeheader()
    n = 0
    for ev in events:
        row = {c: ev.get(c) for c in cols if c in ev}
        row["sources"] = "; ".join(ev.get("sources") or [])
        row["civilian_targeting"] = "true" if ev.get("civilian_targeting") else "false"
        ms = ev.get("mentions") or []
        row["evidence"] = " | ".join(m.get("sentence", "") for m in ms)
        row["evidence_articles"] = "; ".join(sorted({m.get("article_id", "") for m in ms}))
        row["independent_origins"] = _origins_text(ev)
        row["fatality_sources"] = _fatality_sources_text(ev)
        w.writerow(row)
        n += 1
    return n


def acled_regions() -> dict[str, str]:
    path = resources.files("frontlines") / "data" / "acled_regions.yaml"
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {iso3: region for region, codes in raw.items() for iso3 in codes}


def _iso_numeric(iso3: str | None) -> str:
    if not iso3:
        return ""
    import pycountry

    c = pycountry.countries.get(alpha_3=iso3)
    return str(int(c.numeric)) if c is not None else ""


def write_acled(events: Iterable[dict[str, Any]], out: IO[str]) -> int:
    regions = acled_regions()
    w = csv.DictWriter(out, fieldnames=ACLED_COLUMNS + ACLED_EXTRA, lineterminator="\n")
    w.writeheader()
    n = 0
    for ev in events:
        date = ev.get("event_date") or ""
        ms = ev.get("mentions") or []
        w.writerow(
            {
                "event_id_cnty": f"{ev.get('iso3') or 'XXX'}{ev['event_id']}",
                "event_date": date,
                "year": date[:4],
                "time_precision": ev.get("time_precision") or "",
                "disorder_type": DISORDER_SUB.get(ev["sub_event_type"], DISORDER.get(ev["event_type"], "")),
                "event_type": ev["event_type"],
                "sub_event_type": ev["sub_event_type"],
                "actor1": ev.get("actor1") or "",
                "assoc_actor_1": ev.get("assoc_actor_1") or "",
                "inter1": ev.get("inter1") or "",
                "actor2": ev.get("actor2") or "",
                "assoc_actor_2": ev.get("assoc_actor_2") or "",
                "inter2": ev.get("inter2") or "",
                "interaction": ev.get("interaction") or "",
                "civilian_targeting": "Civilian targeting" if ev.get("civilian_targeting") else "",
                "iso": _iso_numeric(ev.get("iso3")),
                "region": regions.get(ev.get("iso3") or "", ""),
                "country": ev.get("country") or "",
                "admin1": ev.get("admin1") or "",
                "admin2": ev.get("admin2") or "",
                "admin3": "",
                "location": ev.get("location") or "",
                "latitude": ev.get("latitude") if ev.get("latitude") is not None else "",
                "longitude": ev.get("longitude") if ev.get("longitude") is not None else "",
                "geo_precision": ev.get("geo_precision") or "",
                "source": "; ".join(ev.get("sources") or []),
                "source_scale": "",
                "notes": ev.get("notes") or "",
                "fatalities": ev.get("fatalities") or 0,
                "tags": "",
                "timestamp": "",
                "fatalities_low": ev.get("fatalities_low") or 0,
                "fatalities_high": ev.get("fatalities_high") or 0,
                "claim_status": ev.get("claim_status") or "",
                "source_count": ev.get("source_count") or 0,
                "independent_source_count": ev.get("independent_source_count") or 0,
                "geonameid": ev.get("geonameid") or "",
                "frontlines_event_id": ev["event_id"],
                "evidence": ms[0].get("sentence", "") if ms else "",
                "independent_origins": _origins_text(ev),
                "fatality_sources": _fatality_sources_text(ev),
            }
        )
        n += 1
    return n
