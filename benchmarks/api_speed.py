"""API speed: how long the web API takes to answer a filtered page of 100 events from a
100,000-event ledger (issue 4: under 200 ms), through uvicorn and HTTP on this machine.

    .venv/bin/python benchmarks/api_speed.py [--events 100000] [--repeat 15]

The ledger is synthetic (made here, seeded, through the store so that its migrations,
indexes and search triggers apply): Syrian-style events spread over six years and 14
provinces, with actors, tolls, claim statuses and an evidence sentence each, so every
filter has realistic selectivity; they are corroborated events, as stage 7 leaves a ledger.
Each query runs ``--repeat`` times after one warm-up; the median and the 95th percentile
are reported, with the machine's load average over the measurement (it is shared).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from common import write_section

TYPES = {
    "Battles": ["Armed clash", "Government regains territory", "Non-state actor overtakes territory"],
    "Explosions/Remote violence": ["Air/drone strike", "Shelling/artillery/missile attack", "Remote explosive/landmine/IED", "Suicide bomb"],
    "Violence against civilians": ["Attack", "Abduction/forced disappearance"],
    "Protests": ["Peaceful protest"],
    "Riots": ["Mob violence"],
    "Strategic developments": ["Agreement", "Arrests", "Looting/property destruction"],
}
PROVINCES = {  # name: (lat, lon)
    "Aleppo": (36.2, 37.15), "Idlib": (35.93, 36.63), "Hama": (35.13, 36.75), "Homs": (34.73, 36.72),
    "Deir ez-Zor": (35.33, 40.14), "Ar-Raqqah": (35.95, 39.01), "Al-Hasakah": (36.5, 40.75), "Daraa": (32.62, 36.1),
    "Damascus": (33.51, 36.29), "Rif-dimashq": (33.6, 36.5), "Latakia": (35.52, 35.78), "Tartus": (34.89, 35.89),
    "Quneitra": (33.13, 35.82), "As-Sweida": (32.71, 36.57),
}  # fmt: skip
ACTORS = [
    "Military Forces of Syria (2000-)", "Islamic State (Syria)", "QSD: Syrian Democratic Forces", "Opposition Rebels (Syria)",
    "HTS: Hayat Tahrir al Sham", "Military Forces of Russia (2000-)", "Military Forces of Turkey (2016-)", "Civilians (Syria)",
    "Global Coalition Against Daesh", "Unidentified Armed Group (Syria)", "Ahrar al Sham", "YPG: Peoples Protection Units",
]  # fmt: skip
OUTLETS = ["SANA", "SOHR", "Enab Baladi", "ARA News", "Al-Masdar News", "AFP", "Reuters", "Orient News", "South Front", "Middle East Eye"]
CLAIMS = ["reported"] * 6 + ["claimed"] * 2 + ["confirmed", "disputed"]


def make_ledger(path: Path, n: int, seed: int = 7) -> None:
    """A ledger of ``n`` synthetic corroborated events (and one article per 10 events) at ``path``."""
    from frontlines.store import Store

    rng = random.Random(seed)
    start = dt.date(2014, 1, 1)
    with Store(path) as store:
        conn = store.conn
        articles = []
        for i in range(n // 10):
            outlet = rng.choice(OUTLETS)
            published = (start + dt.timedelta(days=rng.randrange(6 * 365))).isoformat()
            articles.append((f"a{i:07d}", f"synthetic/{i}.txt", None, f"Report {i}", outlet, published, "txt", "{}", "text", "text", "[]", "[]", 10, published))
        conn.executemany("INSERT INTO articles (article_id, path, url, title, outlet, published, source_format, provenance, text, clean_text, removed, warnings, n_events, ingested_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)", articles)
        cols = ["event_id", "article_id", "event_date", "time_precision", "event_type", "sub_event_type", "actor1", "inter1", "actor2", "inter2",
                "interaction", "civilian_targeting", "country", "iso3", "admin1", "location", "latitude", "longitude", "geo_precision",
                "fatalities", "fatalities_low", "fatalities_high", "claim_status", "sources", "source_count", "independent_source_count", "notes", "mentions",
                "corroborated"]  # fmt: skip
        rows = []
        for i in range(n):
            etype = rng.choice(list(TYPES))
            sub = rng.choice(TYPES[etype])
            prov = rng.choice(list(PROVINCES))
            lat, lon = PROVINCES[prov]
            lat, lon = round(lat + rng.uniform(-0.4, 0.4), 5), round(lon + rng.uniform(-0.4, 0.4), 5)
            a1, a2 = rng.sample(ACTORS, 2)
            deaths = int(rng.paretovariate(1.6)) - 1 if etype in ("Battles", "Explosions/Remote violence", "Violence against civilians") else 0
            date = (start + dt.timedelta(days=rng.randrange(6 * 365))).isoformat()
            article = f"a{rng.randrange(n // 10):07d}"
            outlets = rng.sample(OUTLETS, rng.choice([1, 1, 1, 2, 3]))
            place = f"{prov} village {rng.randrange(300)}"
            sentence = f"{a1} forces struck positions near {place} on Tuesday, killing {deaths} people, {outlets[0]} reported."
            mention = {"article_id": article, "path": f"synthetic/{article}.txt", "outlet": outlets[0], "published": date, "sentence": sentence,
                       "char_start": 120, "char_end": 120 + len(sentence), "attributed_to": None, "hedges": [], "fields": {"trigger": "struck", "location": place}}  # fmt: skip
            notes = f"On {date}, {a1}: {sub.lower()} against {a2} in {place} ({prov}); {deaths} killed."
            rows.append((f"e{i:08d}", article, date, 1, etype, sub, a1, 1, a2, 2, 12, 0, "Syria", "SYR", prov, place, lat, lon, 1,
                         deaths, deaths, deaths + rng.randrange(3), rng.choice(CLAIMS), json.dumps(outlets), len(outlets), len(outlets),
                         notes, json.dumps([mention]), 1))  # fmt: skip
        conn.executemany(f"INSERT INTO events ({','.join(cols)}) VALUES ({','.join('?' * len(cols))})", rows)
        conn.commit()
        conn.execute("ANALYZE")


def search_index_mib(path: Path) -> float | None:
    """MiB that the search index (store migration 4) takes in the ledger; None when this
    SQLite has no dbstat table to tell."""
    import sqlite3

    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return conn.execute("SELECT coalesce(sum(pgsize), 0) FROM dbstat WHERE name LIKE 'events_search%'").fetchone()[0] / 2**20
    except sqlite3.Error:
        return None
    finally:
        conn.close()


QUERIES = [
    ("no filter, newest first", "/api/events", {"limit": 100}),
    ("one month", "/api/events", {"since": "2016-03-01", "until": "2016-03-31", "limit": 100}),
    ("type + province", "/api/events", {"event_type": "Battles", "admin1": "Idlib", "limit": 100}),
    ("sub-type, most deaths first", "/api/events", {"sub_event_type": "Air/drone strike", "sort": "-fatalities", "limit": 100}),
    ("actor (part of a name)", "/api/events", {"actor": "Islamic State", "limit": 100}),
    ("claim status disputed", "/api/events", {"claim_status": "disputed", "limit": 100}),
    ("min. 10 deaths", "/api/events", {"min_fatalities": 10, "limit": 100}),
    ("bounding box", "/api/events", {"bbox": "36.3,35.5,37.0,36.2", "limit": 100}),
    ("free text", "/api/events", {"q": "village 17", "limit": 100}),
    ("everything combined", "/api/events", {"since": "2015-01-01", "until": "2017-12-31", "event_type": "Explosions/Remote violence", "admin1": "Aleppo",
                                            "actor": "Russia", "min_fatalities": 1, "q": "struck", "limit": 100}),  # fmt: skip
    ("page 50 (offset 4,900)", "/api/events", {"event_type": "Battles", "offset": 4900, "limit": 100}),
    ("summary (charts), one province", "/api/summary", {"admin1": "Hama"}),
    ("one event with evidence", "/api/events/e00054321", {}),
]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--events", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=15)
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args()

    import httpx

    from frontlines.web import running

    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "ledger.db"
        t0 = time.perf_counter()
        make_ledger(db, args.events)
        built, size, index = time.perf_counter() - t0, db.stat().st_size / 2**20, search_index_mib(db)
        print(f"built a {args.events:,}-event ledger in {built:.1f} s ({size:.0f} MiB)", file=sys.stderr)
        results = []
        loads = [os.getloadavg()[0]]
        with running(db) as base, httpx.Client(base_url=base, timeout=60) as client:
            for name, path, params in QUERIES:
                r = client.get(path, params=params)
                r.raise_for_status()
                body = r.json()
                matched = body.get("total", 1)
                times = []
                for _ in range(args.repeat):
                    t = time.perf_counter()
                    client.get(path, params=params).raise_for_status()
                    times.append((time.perf_counter() - t) * 1000)
                times.sort()
                med, p95 = statistics.median(times), times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))]
                results.append((name, matched, med, p95))
                loads.append(os.getloadavg()[0])
                print(f"{name:34s} {matched:>7} matches  median {med:6.1f} ms  p95 {p95:6.1f} ms", file=sys.stderr)
    worst = max(r[3] for r in results)
    body = (
        f"A synthetic ledger of {args.events:,} events ({size:.0f} MiB"
        + (f", {index:.0f} of them the search index" if index is not None else "")
        + f", written through the store in {built:.0f} s); "
        "each answer is a page of 100 events (or the summary, or one event) "
        f"over HTTP from uvicorn on 127.0.0.1, {args.repeat} runs after a warm-up. Target: under 200 ms. "
        f"Load average (1 min) during the measurement: {min(loads):.1f}-{max(loads):.1f} on {os.cpu_count()} cores.\n\n"
        "| query | matching events | median ms | p95 ms |\n|---|---:|---:|---:|\n"
        + "\n".join(f"| {n} | {m:,} | {md:.1f} | {p:.1f} |" for n, m, md, p in results)
        + f"\n\nSlowest p95: {worst:.1f} ms ({'meets' if worst < 200 else 'misses'} the 200 ms target)."
    )
    print(body)
    if not args.no_write:
        write_section("API speed", body, "python benchmarks/api_speed.py")


if __name__ == "__main__":
    main()
