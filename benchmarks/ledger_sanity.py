"""Ledger sanity on FA-KES: do all 804 real articles give a ledger whose tolls are believable?

    .venv/bin/python benchmarks/ledger_sanity.py [--write] [--top N] [--keep DIR]

Runs every FA-KES article through the whole pipeline as a user would (``frontlines run`` of
a JSONL file into a fresh SQLite ledger, stage 7 included), reads the ledger back and
reports: total fatalities, the largest event with the sentence its toll comes from, every
event over 1,000 deaths, the share of events outside Syria with their countries, and events
per article. Targets (issue 12): total fatalities <= 60,000 (the crowd annotations of the
804 articles add up to 57,995 deaths) and no event over 1,500 deaths.
Data: FA-KES (Salem et al., ICWSM 2019), CC BY 4.0.
"""

from __future__ import annotations

import argparse
import collections
import csv
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import DATA, require, write_section

# Targets from issue 12 ("Done when"): the ledger's total and its largest single event.
TARGET_TOTAL = 60_000
TARGET_MAX_EVENT = 1_500
# The issue's own bar for a toll that needs a sentence stating it for one incident.
BIG_EVENT = 1_000


def load_rows() -> list[dict]:
    path = require(DATA / "fakes" / "fakes.csv")
    with open(path, encoding="utf-8", errors="replace") as fh:
        return list(csv.DictReader(fh))


def published(s: str) -> str | None:
    """FA-KES dates (m/d/yy) as ISO dates, None when unreadable."""
    try:
        return dt.datetime.strptime(s.strip(), "%m/%d/%y").date().isoformat()
    except ValueError:
        return None


def write_input(rows: list[dict], path: Path) -> None:
    """The articles as the JSONL input ``frontlines run`` reads (one article per line)."""
    with open(path, "w", encoding="utf-8") as fh:
        for r in rows:
            fh.write(json.dumps({
                "text": r["article_content"], "title": r["article_title"], "outlet": r["source"],
                "published": published(r["date"]), "url": f"https://fakes.example/{r['unit_id']}",
            }) + "\n")  # fmt: skip


def run_pipeline(inp: Path, db: Path) -> float:
    """``frontlines run`` in a child process with this interpreter (and its PYTHONPATH);
    returns its wall time."""
    t0 = time.perf_counter()
    cmd = [sys.executable, "-m", "frontlines.cli", "run", str(inp), "--db", str(db)]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=dict(os.environ))
    if proc.returncode not in (0, 1):  # 1: some inputs failed, the ledger is still written
        sys.exit(f"frontlines run failed ({proc.returncode}): {proc.stderr[-2000:]}")
    return time.perf_counter() - t0


def read_ledger(db: Path) -> list[dict]:
    from frontlines.store import Store

    store = Store(db, create=False)
    try:
        return list(store.events())
    finally:
        store.conn.close()


def toll_evidence(ev: dict, n: int = 200, quote: bool = True) -> str:
    """The evidence of the event's toll: the phrase read (which may stand in a following
    sentence) and the sentence of the mention whose figure is the event's; with ``quote``
    False, where that sentence is (FA-KES unit id, characters) instead of its text, as
    article text is not copied into the repository."""
    ms = ev.get("mentions") or []
    best = [m for m in ms if (m.get("fatalities") or 0) == ev.get("fatalities")] or ms
    if not best:
        return ""
    m = best[0]
    phrase = (m.get("fields") or {}).get("fatalities")
    where = f'"{short(str(m.get("sentence") or ""), n)}"' if quote else (
        f"FA-KES {str(m.get('url') or '').rsplit('/', 1)[-1]}, characters {m.get('char_start')}-{m.get('char_end')}"
    )
    return (f'toll "{phrase}" in ' if phrase else "sentence ") + where


def annotated_deaths(rows: list[dict]) -> int:
    """The crowd annotation's deaths (civilians + non-civilians) over the articles."""
    return sum(int(r["nb_civilians"] or 0) + int(r["nb_noncivilians"] or 0) for r in rows)


def figures(events: list[dict], n_articles: int) -> dict:
    total = sum(int(e.get("fatalities") or 0) for e in events)
    big = sorted((e for e in events if (e.get("fatalities") or 0) > BIG_EVENT), key=lambda e: -e["fatalities"])
    countries = collections.Counter(e.get("country") or "(none)" for e in events)
    outside = sum(c for k, c in countries.items() if k != "Syria")
    largest = max(events, key=lambda e: e.get("fatalities") or 0) if events else None
    return {
        "articles": n_articles, "events": len(events), "total": total, "big": big, "largest": largest,
        "countries": countries, "outside": outside,
        "per_article": len(events) / n_articles if n_articles else 0.0,
    }  # fmt: skip


def short(text: str, n: int = 220) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


def describe(ev: dict) -> str:
    return f"{ev.get('fatalities')} killed, {ev.get('sub_event_type')}, {ev.get('event_date')}, {ev.get('location')}"


def report(f: dict, top: int, seconds: float, annotated: int, quote: bool = True) -> str:
    """The figures as markdown; ``quote`` False names where evidence sentences are
    instead of quoting them (for BENCHMARKS.md)."""
    ok_total = f["total"] <= TARGET_TOTAL
    max_f = f["largest"]["fatalities"] if f["largest"] else 0
    ok_max = max_f <= TARGET_MAX_EVENT
    n = f["events"] or 1
    lines = [
        f"FA-KES, {f['articles']} real articles through `frontlines run` (stages 1-7) into a fresh ledger "
        f"({seconds:.0f} s wall).",
        "",
        "| figure | value | target |",
        "|---|---|---|",
        f"| total fatalities in the ledger | **{f['total']:,}** | <= {TARGET_TOTAL:,} ({'met' if ok_total else 'not met'}) |",
        f"| largest event | **{max_f:,}** | <= {TARGET_MAX_EVENT:,} ({'met' if ok_max else 'not met'}) |",
        f"| events over {BIG_EVENT:,} deaths | **{len(f['big'])}** | each with a sentence stating that toll for one incident (listed below) |",
        f"| events | {f['events']:,} | - |",
        f"| events per article | {f['per_article']:.2f} | - |",
        f"| events outside Syria | {f['outside']} ({f['outside'] / n:.1%}) | - |",
        "",
        "Countries: " + ", ".join(f"{k} {v}" for k, v in f["countries"].most_common()),
        "",
    ]
    if f["largest"]:
        lines += [f"Largest event: {describe(f['largest'])}; {toll_evidence(f['largest'], quote=quote)}", ""]
    if f["big"]:
        lines.append(f"Events over {BIG_EVENT:,} deaths (largest {top}):")
        lines.append("")
        for e in f["big"][:top]:
            lines.append(f"- {describe(e)}; {toll_evidence(e, 160, quote=quote)}")
        lines.append("")
    lines.append("Data: FA-KES (Salem, Al Feel, Elbassuoni, Jaber, Farah, ICWSM 2019), CC BY 4.0; "
                 f"the crowd annotations of these articles add up to {annotated:,} deaths (one main event per article).")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--write", action="store_true", help="write the ledger_sanity section of BENCHMARKS.md")
    ap.add_argument("--top", type=int, default=10, help="how many events over 1,000 deaths to list")
    ap.add_argument("--limit", type=int, default=0, help="only the first N articles (never written)")
    ap.add_argument("--keep", type=Path, help="keep the input and ledger in this folder")
    args = ap.parse_args()
    rows = load_rows()
    if args.limit:
        rows = rows[: args.limit]
    with tempfile.TemporaryDirectory(prefix="ledger_sanity_") as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        inp, db = folder / "fakes.jsonl", folder / "fakes.db"
        for p in (db, Path(f"{db}-wal"), Path(f"{db}-shm")):
            p.unlink(missing_ok=True)
        write_input(rows, inp)
        seconds = run_pipeline(inp, db)
        events = read_ledger(db)
    fig = figures(events, len(rows))
    print(report(fig, args.top, seconds, annotated_deaths(rows)))
    if args.write and not args.limit:
        text = report(fig, args.top, seconds, annotated_deaths(rows), quote=False)
        write_section("ledger_sanity", text, ".venv/bin/python benchmarks/ledger_sanity.py --write")


if __name__ == "__main__":
    main()
