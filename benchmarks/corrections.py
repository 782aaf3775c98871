"""Corrections and retractions on a real ledger (FA-KES): how long each takes, and whether
the ledger stays whole (every event row lists exactly the reports the ledger holds for it,
corrections survive retractions and re-runs, an undo puts every report back).

    .venv/bin/python benchmarks/corrections.py [--n 20] [--limit N] [--no-write]

The N events with most reports get a toll correction; then N articles whose reports sit in
events of several reports are retracted one by one (each retraction runs a stage 7 pass),
the same input is run again, and every retraction is undone.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

from common import DATA, require, write_section

import frontlines
from frontlines.corrections import correct, retract, unretract
from frontlines.store import Store

sys.path.insert(0, str(Path(__file__).resolve().parent))
from fakes import load, parse_date  # noqa: E402


def whole(store: Store) -> int:
    """Events whose row does not list exactly their reports in ``mentions`` (0 when whole)."""
    held: dict[str, set[str]] = {}
    for mid, eid in store.conn.execute("SELECT mention_id, event_id FROM mentions"):
        held.setdefault(eid, set()).add(mid)
    bad = []
    for ev in store.events():
        listed = {m.get("report_id") for m in ev["mentions"] if m.get("report_id")}
        if listed != held.get(ev["event_id"], set()):
            bad.append((ev["event_id"], sorted(listed), sorted(held.get(ev["event_id"], set()))))
    bad += [(eid, None, sorted(held[eid])) for eid in sorted(set(held) - {e["event_id"] for e in store.events()})]
    for b in bad:
        print("not whole:", b, file=sys.stderr)
    return len(bad)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=20)
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args()
    require(DATA / "fakes" / "fakes.csv")
    rows = load()[: args.limit or None]
    tmp = Path(tempfile.mkdtemp())
    feed = tmp / "fakes.jsonl"
    with feed.open("w", encoding="utf-8") as fh:
        for i, r in enumerate(rows):
            d = parse_date(r["date"])
            fh.write(json.dumps({"url": f"fakes://{r['unit_id']}/{i}", "title": r["article_title"], "text": r["article_content"],
                                 "outlet": r["source"], "published": d.isoformat() if d else None}) + "\n")  # fmt: skip
    db = tmp / "fakes.db"
    frontlines.run([str(feed)], db)
    out: dict[str, object] = {}
    with Store(db) as s:
        events = list(s.events())
        out["events"] = len(events)
        out["events_not_whole_before"] = whole(s)
        biggest = sorted(events, key=lambda e: (-len({m["article_id"] for m in e["mentions"]}), e["event_id"]))[: args.n]
        t_corr = []
        wanted = {}
        for ev in biggest:
            t0 = time.perf_counter()
            got = correct(s, ev["event_id"], [f"fatalities={ev['fatalities'] + 1}"], "benchmark: one more name on the hospital list")
            t_corr.append(time.perf_counter() - t0)
            wanted[ev["event_id"]] = got.fatalities
        # articles to retract: one from each of the next multi-report events
        picks = []
        for ev in sorted(events, key=lambda e: (-len(e["mentions"]), e["event_id"])):
            arts = sorted({m["article_id"] for m in ev["mentions"]})
            if len(arts) >= 2 and not set(arts) & set(picks):
                picks.append(arts[-1])
            if len(picks) >= args.n:
                break
        t_ret, retired = [], 0
        for aid in picks:
            t0 = time.perf_counter()
            summary = retract(s, aid, "benchmark: the outlet withdrew it")
            t_ret.append(time.perf_counter() - t0)
            retired += len(summary.retired)
        out["events_not_whole_after_retractions"] = whole(s)
        kept = {e["event_id"]: e["fatalities"] for e in s.events() if e["event_id"] in wanted}
        out["corrections_kept"] = f"{sum(kept.get(k) == v for k, v in wanted.items())}/{len(wanted)}"
        gone = {m["article_id"] for e in s.events() for m in e["mentions"]} & set(picks)
        out["retracted_still_in_ledger"] = len(gone)
    again = frontlines.run([str(feed)], db)
    with Store(db) as s:
        out["rerun_added"] = again.added
        out["events_not_whole_after_rerun"] = whole(s)
        t_undo = []
        for aid in picks:
            t0 = time.perf_counter()
            unretract(s, aid, "benchmark: undo")
            t_undo.append(time.perf_counter() - t0)
        out["events_not_whole_after_undo"] = whole(s)
        back = {m["article_id"] for e in s.events() for m in e["mentions"]}
        out["undone_back_in_ledger"] = f"{len(set(picks) & back)}/{len(picks)}"
        n_reports = int(s.conn.execute("SELECT count(*) FROM mentions").fetchone()[0])
        out["reports_before_after"] = f"{sum(len({m['report_id'] for m in e['mentions']}) for e in events)} -> {n_reports}"
    ms = lambda xs: f"median {statistics.median(xs) * 1000:.0f} ms, max {max(xs) * 1000:.0f} ms"  # noqa: E731
    out["correct"] = ms(t_corr)
    out["retract"] = ms(t_ret) + f" ({retired} events retired)"
    out["undo"] = ms(t_undo)
    for k, v in out.items():
        print(f"{k}: {v}")
    if not args.no_write:
        body = "\n".join(f"- {k.replace('_', ' ')}: {v}" for k, v in out.items())
        write_section("Corrections and retractions", f"FA-KES ledger, {len(rows)} articles; {args.n} corrections, {len(picks)} retractions.\n\n{body}",
                      f"python benchmarks/corrections.py --n {args.n}" + (f" --limit {args.limit}" if args.limit else ""))  # fmt: skip


if __name__ == "__main__":
    main()
