"""Incremental runs = one run: FA-KES cut at random into 2-8 runs gives the one-run ledger.

The 804 FA-KES articles are written as text files (title line, blank line, body), as a
user with a folder of saved articles would have them. One ledger is built in one run; then,
``--splits`` times, the files are shuffled, cut at random into 2-8 parts and run one part
after the other into a fresh ledger. Every final ledger must equal the one-run ledger:
the same events with the same ids and the same fields (evidence included), every report in
the same event. Also: the ids of events that existed after a run and still hold their
earliest report are kept by every later run (``kept`` below).

    python benchmarks/incremental.py --splits 20 [--seed 7] [--no-write]
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

from common import DATA, require, write_section

# fields compared between ledgers: the whole event row as stored (SPEC record)
IGNORED = {"notes"}  # notes are compared too; kept here as the one place to relax if ever needed


def write_articles(folder: Path, limit: int | None = None) -> list[Path]:
    """FA-KES as one text file per article: title, blank line, body."""
    src = require(DATA / "fakes" / "fakes.csv")
    csv.field_size_limit(1 << 24)
    paths = []
    with open(src, encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            p = folder / f"{row['unit_id']}.txt"
            p.write_text(f"{row['article_title']}\n\n{row['article_content']}\n", encoding="utf-8")
            paths.append(p)
            if limit and len(paths) >= limit:
                break
    return sorted(paths)


def ledger(db: Path) -> tuple[dict[str, dict], dict[str, str]]:
    """Corroborated events by id (every stored column but bookkeeping), and report -> event."""
    con = sqlite3.connect(db)
    con.row_factory = sqlite3.Row
    events = {}
    for r in con.execute("SELECT * FROM events WHERE corroborated = 1"):
        d = {k: r[k] for k in r.keys() if k not in IGNORED and k != "rowid"}
        events[d["event_id"]] = d
    reports = {m: e for m, e in con.execute("SELECT mention_id, event_id FROM mentions")}
    pending = con.execute("SELECT count(*) FROM events WHERE corroborated != 1").fetchone()[0]
    con.close()
    if pending:
        raise AssertionError(f"{db}: {pending} rows not corroborated after the run")
    return events, reports


def diff(a: dict[str, dict], b: dict[str, dict]) -> list[str]:
    """What differs between two ledgers, one line per event (empty when identical)."""
    out = []
    for eid in sorted(set(a) | set(b)):
        if eid not in a or eid not in b:
            out.append(f"{eid}: only in {'one-run' if eid in a else 'incremental'}")
            continue
        fields = [k for k in a[eid] if a[eid][k] != b[eid].get(k)]
        if fields:
            out.append(f"{eid}: {', '.join(fields)}")
    return out


def run_parts(parts: list[list[Path]], db: Path) -> tuple[int, list[str]]:
    """Each part in its own ``frontlines.run`` into ``db``; crashes counted, ids tracked."""
    import frontlines

    crashes = 0
    lost_ids: list[str] = []
    before: dict[str, str] = {}  # event id -> its earliest report, after the previous run
    for part in parts:
        try:
            frontlines.run([str(p) for p in part], db=str(db), workers=2)
        except Exception as exc:  # a crash is a finding, not the end of the benchmark
            crashes += 1
            print(f"  crash: {type(exc).__name__}: {exc}", file=sys.stderr)
        con = sqlite3.connect(db)
        now = {}
        for eid, rid in con.execute("SELECT event_id, min(coalesce(published, '9999-99-99') || '|' || mention_id) FROM mentions GROUP BY event_id"):
            now[eid] = rid
        con.close()
        first_of = {rid: eid for eid, rid in now.items()}
        for eid, rid in before.items():
            # an event whose earliest report is still the earliest of an event keeps its id
            if rid in first_of and first_of[rid] != eid:
                lost_ids.append(eid)
        before = now
    return crashes, lost_ids


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--splits", type=int, default=20)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--limit", type=int, default=None, help="first N articles only (quick checks)")
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        folder = tmp / "fakes"
        folder.mkdir()
        paths = write_articles(folder, args.limit)
        one = tmp / "one.db"
        t0 = time.perf_counter()
        run_parts([paths], one)
        one_s = time.perf_counter() - t0
        ref_events, ref_reports = ledger(one)
        rows = []
        total_runs = total_crashes = identical = 0
        all_lost = 0
        for k in range(args.splits):
            order = paths[:]
            rng.shuffle(order)
            n = rng.randint(2, 8)
            cuts = sorted(rng.sample(range(1, len(order)), n - 1))
            parts = [order[i:j] for i, j in zip([0] + cuts, cuts + [len(order)])]
            db = tmp / f"split{k}.db"
            t0 = time.perf_counter()
            crashes, lost = run_parts(parts, db)
            secs = time.perf_counter() - t0
            try:
                events, reports = ledger(db)
                d = diff(ref_events, events)
                moved = sum(1 for m, e in ref_reports.items() if reports.get(m) != e)
            except AssertionError as exc:
                d, moved = [str(exc)], -1
            same = not d and moved == 0 and not crashes
            identical += same
            total_runs += n
            total_crashes += crashes
            all_lost += len(lost)
            rows.append((k, n, [len(p) for p in parts], crashes, len(d), moved, len(lost), secs))
            print(f"split {k}: {n} runs {[len(p) for p in parts]}: crashes {crashes}, events differing {len(d)}, "
                  f"reports moved {moved}, ids lost {len(lost)}, {secs:.1f} s", flush=True)  # fmt: skip
            for line in d[:5]:
                print("   ", line)
    summary = (
        f"{args.splits} random splits of {len(paths)} FA-KES articles into 2-8 runs ({total_runs} runs): "
        f"**{identical} of {args.splits} final ledgers identical** to the one-run ledger "
        f"({len(ref_events)} events, {len(ref_reports)} reports; one run {one_s:.1f} s); "
        f"{total_crashes} runs crashed; {all_lost} event ids lost while their earliest report stayed earliest."
    )
    print(summary)
    if not args.no_write:
        table = "| split | runs | articles per run | crashes | events differing | reports moved | ids lost | s |\n|---|---|---|---|---|---|---|---|\n"
        table += "\n".join(f"| {k} | {n} | {' '.join(map(str, sizes))} | {c} | {d} | {m} | {lo} | {s:.1f} |" for k, n, sizes, c, d, m, lo, s in rows)
        write_section("incremental", summary + "\n\n" + table, f"python benchmarks/incremental.py --splits {args.splits} --seed {args.seed}")
    raise SystemExit(0 if identical == args.splits else 1)


if __name__ == "__main__":
    main()
