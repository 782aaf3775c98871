"""Corroboration at scale on synthetic corpora: clustering time against the number of
mentions, and pairwise precision / recall / F1 against the synthetic gold.

    .venv/bin/python benchmarks/cluster_synth.py [--sizes 10000,20000,50000,100000] [--no-write]

The corpus is written from templates here (no real text): incidents happen at a fixed
rate (40 a day over 3 countries and 42 provinces, about the reported violence of Syria,
Iraq and Yemen together), so a larger corpus covers a longer period, as a growing feed
does. Each incident is told by 1-8 outlets; each report carries the noise real reports
have: a date a day off or only the week, the province instead of the town or a nearby
village, a missing or partisan perpetrator, another sub-event of the family, a different
toll, and its own wording. Reports become the article-level records the store keeps and
go through ``corroborate.report_from_record`` and ``Clusterer.cluster`` as in a run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import os
import random
import sys
import time
import zlib
from collections import Counter

from common import write_section

from frontlines.corroborate import Clusterer, report_from_record
from frontlines.provenance import load_settings

INCIDENTS_PER_DAY = 40
COUNTRIES = {"SYR": 14, "IRQ": 18, "YEM": 10}
TOWNS_PER_PROVINCE = 40
START = 736330  # 2017-01-01 as a date ordinal

SUBS = {
    "explosion": ["Air/drone strike", "Shelling/artillery/missile attack", "Remote explosive/landmine/IED", "Suicide bomb"],
    "battle": ["Armed clash", "Government regains territory", "Non-state actor overtakes territory"],
    "civilians": ["Attack", "Abduction/forced disappearance"],
    "protest": ["Peaceful protest", "Protest with intervention"],
}
TYPE = {
    "Air/drone strike": "Explosions/Remote violence", "Shelling/artillery/missile attack": "Explosions/Remote violence",
    "Remote explosive/landmine/IED": "Explosions/Remote violence", "Suicide bomb": "Explosions/Remote violence",
    "Armed clash": "Battles", "Government regains territory": "Battles", "Non-state actor overtakes territory": "Battles",
    "Attack": "Violence against civilians", "Abduction/forced disappearance": "Violence against civilians",
    "Peaceful protest": "Protests", "Protest with intervention": "Protests",
}  # fmt: skip
FAMILY_WEIGHTS = [("explosion", 0.5), ("battle", 0.3), ("civilians", 0.15), ("protest", 0.05)]
ACTORS = [
    "Military Forces of Syria (2000-)", "Islamic State (Syria)", "QSD: Syrian Democratic Forces",
    "Military Forces of Russia (2000-)", "HTS: Hayat Tahrir al Sham", "Opposition Rebels (Syria)",
    "Military Forces of Iraq (2014-)", "Islamic State (Iraq)", "Houthi Movement", "Military Forces of Yemen (2016-)",
]  # fmt: skip
VERBS = {
    "explosion": ["struck", "bombed", "pounded", "hit", "targeted"],
    "battle": ["clashed with", "fought", "attacked positions of", "advanced against", "repelled"],
    "civilians": ["attacked", "abducted", "opened fire on", "raided"],
    "protest": ["protested against", "rallied against", "marched against"],
}
PLACES_WORDS = ["market", "hospital", "school", "mosque", "bakery", "checkpoint", "bridge", "farm", "village", "neighbourhood", "camp", "road", "factory", "square"]
VICTIMS = ["civilians", "people", "fighters", "children", "soldiers", "militants"]
SOURCES = ["the Observatory said", "local sources said", "activists reported", "a military source said", "residents said", "the agency reported", "medics said", ""]
FILLER = ["heavy", "overnight", "dawn", "repeated", "fierce", "deadly", "several", "early", "eastern", "western", "northern", "southern", "outskirts", "countryside"]


def world(rng: random.Random):
    provinces = []
    for iso3, n in COUNTRIES.items():
        for p in range(n):
            lat0, lon0 = rng.uniform(30, 37), rng.uniform(36, 48)
            towns = [(f"{iso3}-{p}-{t}", lat0 + rng.uniform(-1.0, 1.0), lon0 + rng.uniform(-1.0, 1.0)) for t in range(TOWNS_PER_PROVINCE)]
            provinces.append((iso3, f"{iso3} province {p}", (lat0, lon0), towns))
    return provinces


def corpus(n_mentions: int, seed: int = 1):
    """(records, gold incident of each record): article-level event records from templates."""
    rng = random.Random(seed)
    provinces = world(rng)
    records, gold, published = [], [], []
    inc = 0
    while len(records) < n_mentions:
        day = START + inc // INCIDENTS_PER_DAY
        iso3, admin1, centre, towns = rng.choice(provinces)
        gid, lat, lon = rng.choice(towns)
        fam = rng.choices([f for f, _ in FAMILY_WEIGHTS], [w for _, w in FAMILY_WEIGHTS])[0]
        sub = rng.choice(SUBS[fam])
        a1, a2 = rng.sample(ACTORS, 2)
        toll = rng.choice([0, 0, 1, 2, 3, 4, 5, 7, 8, 12, 15, 20, 30])
        obj = rng.choice(PLACES_WORDS)
        k = min(8, 1 + int(rng.expovariate(1 / 2.3)))
        for r in range(k):
            if len(records) >= n_mentions:
                break
            rid = f"{inc:07d}{r}"
            d, prec = day, 1
            x = rng.random()
            if x < 0.12:
                d = day + rng.choice([-1, 1])
            elif x < 0.20:
                prec = 2
            place = {"location": gid, "latitude": lat, "longitude": lon, "geonameid": zlib.crc32(gid.encode()), "geo_precision": 1}
            y = rng.random()
            if y < 0.12:  # only the province
                place = {"location": admin1, "latitude": centre[0], "longitude": centre[1], "geonameid": zlib.crc32(admin1.encode()), "geo_precision": 3}
            elif y < 0.22:  # a village nearby
                dlat, dlon = rng.uniform(-0.08, 0.08), rng.uniform(-0.08, 0.08)
                place = {"location": gid + "-near", "latitude": lat + dlat, "longitude": lon + dlon, "geonameid": zlib.crc32((gid + "n").encode()), "geo_precision": 2}
            actor1 = a1 if rng.random() > 0.3 else None
            if actor1 and rng.random() < 0.08:
                actor1 = rng.choice(ACTORS)  # a partisan account blames someone else
            actor2 = a2 if rng.random() > 0.4 else None
            s = sub if rng.random() > 0.15 else rng.choice(SUBS[fam])
            f = toll
            if toll and rng.random() < 0.25:
                f = max(1, toll + rng.choice([-2, -1, 1, 3, 5]))
            sentence = " ".join(
                w for w in [rng.choice(FILLER).capitalize(), (actor1 or "Unknown gunmen").split(" (")[0], rng.choice(VERBS[fam]), "a", obj, "in", place["location"],
                            rng.choice(FILLER), f"killing {f} {rng.choice(VICTIMS)}," if f else "", rng.choice(SOURCES)] if w
            ) + "."  # fmt: skip
            records.append({
                "event_id": rid, "event_date": dt.date.fromordinal(d).isoformat(), "time_precision": prec,
                "event_type": TYPE[s], "sub_event_type": s, "actor1": actor1, "actor2": actor2, "iso3": iso3, "admin1": admin1,
                "country": iso3, **place, "fatalities": f, "fatalities_low": f, "fatalities_high": f,
                "mentions": [{"sentence": sentence, "fields": {}}],
            })  # fmt: skip
            gold.append(inc)
            published.append(dt.date.fromordinal(day + rng.choice([0, 0, 0, 1])).isoformat())
        inc += 1
    return records, gold, published


def pairwise(pred: list[int], gold: list[int]) -> tuple[float, float, float]:
    c2 = lambda n: n * (n - 1) // 2  # noqa: E731
    tp = sum(c2(n) for n in Counter(zip(pred, gold)).values())
    pp = sum(c2(n) for n in Counter(pred).values())
    gp = sum(c2(n) for n in Counter(gold).values())
    p = tp / pp if pp else 1.0
    r = tp / gp if gp else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="10000,20000,50000,100000")
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args()
    settings = load_settings()
    clusterer = Clusterer(settings)
    rows = []
    for n in [int(s) for s in args.sizes.split(",")]:
        records, gold, published = corpus(n)
        t0 = time.perf_counter()
        reports = [report_from_record(rec, f"art{rec['event_id']}", pub, clusterer.families, settings) for rec, pub in zip(records, published)]
        t1, c1 = time.perf_counter(), time.process_time()
        clusters = clusterer.cluster(reports)
        t2, c2 = time.perf_counter(), time.process_time()
        pred = [0] * len(reports)
        for k, c in enumerate(clusters):
            for i in c:
                pred[i] = k
        p, r, f1 = pairwise(pred, gold)
        rows.append((n, len(set(gold)), len(clusters), t1 - t0, t2 - t1, p, r, f1, c2 - c1))
        print(f"{n:>7} mentions  {len(set(gold)):>6} incidents  {len(clusters):>6} events  features {t1 - t0:6.2f}s  clustering {t2 - t1:6.2f}s  P {p:.3f} R {r:.3f} F1 {f1:.3f}", file=sys.stderr)
    base = rows[0]
    load = os.getloadavg()[0]
    lines = [
        f"Synthetic corpora from templates: {INCIDENTS_PER_DAY} incidents a day over {sum(COUNTRIES.values())} provinces in 3 countries, "
        "each told by 1-8 outlets with noisy dates, places, actors, sub-events and tolls (see the script's docstring).",
        "A larger corpus covers a longer period at the same density, as a growing feed does.",
        "",
        f"The machine is shared (load average {load:.1f} at the end on 2 cores): wall-clock times are noisy, so growth is "
        "computed from the process's CPU time, which other jobs disturb far less.",
        "",
        "| mentions | incidents (gold) | events | features (s) | clustering wall (s) | clustering CPU (s) | CPU µs / mention | growth vs linear (CPU) | pairwise P | R | F1 |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for n, g, e, tf, tc, p, r, f1, cc in rows:
        growth = (cc / base[8]) / (n / base[0])
        lines.append(f"| {n:,} | {g:,} | {e:,} | {tf:.2f} | **{tc:.2f}** | {cc:.2f} | {1e6 * cc / n:.1f} | {growth:.2f}x | {p:.3f} | {r:.3f} | **{f1:.3f}** |")
    if len(rows) > 1:
        slope = math.log(rows[-1][8] / rows[0][8]) / math.log(rows[-1][0] / rows[0][0])
        lines += ["", f"Growth exponent of clustering CPU time from {rows[0][0]:,} to {rows[-1][0]:,} mentions: **{slope:.2f}** (1.00 is linear, 2.00 quadratic)."]
    lines += ["", "Targets (issue 3): 100,000 mentions clustered in under 60 s; near-linear growth; pairwise F1 >= 0.9."]
    print("\n".join(lines))
    if not args.no_write:
        write_section("cluster_synth", "\n".join(lines), ".venv/bin/python benchmarks/cluster_synth.py")


if __name__ == "__main__":
    main()
