"""Kills: `frontlines run` on FA-KES's 804 articles, SIGKILLed at random moments, each
killed ledger then finished by a clean re-run; nothing may be lost or duplicated.

    .venv/bin/python benchmarks/kills.py [--kills 50] [--limit N] [--seed 1] [--no-write]

A reference ledger comes from one uninterrupted run. Each trial starts a fresh ledger,
kills the run (SIGKILL, no clean-up) at a moment drawn from one of three windows, checks
that the killed ledger opens and holds its invariants (``Store.check(complete=False)``),
re-runs to completion and compares with the reference: the same articles, the same event
ids, every report in the same single event (so none lost, none duplicated), and
``Store.check()`` clean (no pending report left, no event without reports).

Windows: *schema* (within 60 ms of the ledger file appearing: its creation and
migrations), *stage 7* (after the last article is stored, within the reference run's
stage-7 time), *anywhere* (uniform over the reference run's wall time). Data: FA-KES
(Salem et al., ICWSM 2019, CC BY 4.0), fed as one JSONL file as
``fakes_corroboration.py`` does.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import DATA, require, write_section

from frontlines.errors import FrontlinesError
from frontlines.store import SCHEMA_VERSION, Store

sys.path.insert(0, str(Path(__file__).resolve().parent))
from fakes import load, parse_date  # noqa: E402

SCHEMA_WINDOW_S = 0.06


def write_feed(path: Path, limit: int) -> None:
    rows = load()
    if limit:
        rows = rows[:limit]
    with path.open("w", encoding="utf-8") as fh:
        for i, r in enumerate(rows):
            d = parse_date(r["date"])
            fh.write(json.dumps({"url": f"fakes://{r['unit_id']}/{i}", "title": r["article_title"], "text": r["article_content"],
                                 "outlet": r["source"], "published": d.isoformat() if d else None}) + "\n")  # fmt: skip


def command(feed: Path, db: Path) -> list[str]:
    return [sys.executable, "-m", "frontlines.cli", "run", str(feed), "--db", str(db), "--wait", "0"]


def stored_articles(db: Path) -> int:
    """Articles stored so far, read without disturbing the writer (-1 before the table exists)."""
    try:
        conn = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True, timeout=0.05)
        try:
            return int(conn.execute("SELECT count(*) FROM articles").fetchone()[0])
        finally:
            conn.close()
    except sqlite3.Error:
        return -1


def snapshot(db: Path) -> tuple[list, list, list]:
    with Store.open_existing(db) as s:
        arts = sorted(r[0] for r in s.conn.execute("SELECT article_id FROM articles"))
        events = sorted(r[0] for r in s.conn.execute("SELECT event_id FROM events WHERE corroborated = 1"))
        reports = sorted(tuple(r) for r in s.conn.execute("SELECT mention_id, event_id FROM mentions"))
    return arts, events, reports


def reference(feed: Path, db: Path) -> tuple[float, float, int]:
    """One uninterrupted run: (wall s, stage-7 s, articles stored). Stage 7 starts when the
    last article is stored (polled every 10 ms)."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(command(feed, db), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    final, t_all = None, None
    while proc.poll() is None:
        n = stored_articles(db) if db.exists() else -1
        if final is None:
            final = n
        if n > final:
            final, t_all = n, time.perf_counter()
        time.sleep(0.01)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"reference run failed: {proc.stderr.read()}")
    n = stored_articles(db)
    if t_all is None or n != final:
        t_all = t0 + wall
    return wall, t0 + wall - t_all, n


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--kills", type=int, default=50)
    ap.add_argument("--limit", type=int, default=0, help="first N FA-KES articles only")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args()
    require(DATA / "fakes" / "fakes.csv")
    tmp = Path(tempfile.mkdtemp(prefix="frontlines-kills-"))
    feed = tmp / "fakes.jsonl"
    write_feed(feed, args.limit)
    ref_db = tmp / "reference.db"
    wall, stage7, n_articles = reference(feed, ref_db)
    ref = snapshot(ref_db)
    with Store.open_existing(ref_db) as s:
        assert s.check().ok, s.check().problems
    print(f"reference: {n_articles} articles, {len(ref[1])} events, {len(ref[2])} reports; run {wall:.1f} s, stage 7 {stage7:.1f} s", flush=True)

    rng = random.Random(args.seed)
    n_schema = max(1, args.kills // 5)
    n_stage7 = max(1, (args.kills * 3) // 10)
    windows = ["schema"] * n_schema + ["stage 7"] * n_stage7 + ["anywhere"] * (args.kills - n_schema - n_stage7)
    rng.shuffle(windows)
    stats: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    rerun_s: list[float] = []
    failures: list[str] = []
    for trial, window in enumerate(windows):
        db = tmp / f"trial{trial}.db"
        st = stats[window]
        st["kills"] += 1
        proc = subprocess.Popen(command(feed, db), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        start = time.perf_counter()
        if window == "schema":
            while not db.exists() and proc.poll() is None:
                time.sleep(0.0005)
            time.sleep(rng.uniform(0, SCHEMA_WINDOW_S))
        elif window == "stage 7":
            while proc.poll() is None and stored_articles(db) < n_articles:
                time.sleep(0.01)
            time.sleep(rng.uniform(0, stage7))
        else:
            time.sleep(rng.uniform(0, wall))
        alive = proc.poll() is None
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        killed_at = time.perf_counter() - start
        st["killed before the end"] += alive
        # the killed ledger: it opens (read-only first: nothing is repaired behind our back)
        if db.exists():
            try:
                conn = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)
                v = int(conn.execute("PRAGMA user_version").fetchone()[0])
                conn.close()
            except sqlite3.Error:
                v = -1
            st["left mid-schema (version < %d)" % SCHEMA_VERSION] += 0 <= v < SCHEMA_VERSION
            try:
                with Store(db) as s:
                    found = s.check(complete=False)
                    st["left pending reports"] += found.pending > 0
                st["killed ledger opens"] += 1
                st["killed ledger check ok"] += found.ok
                if not found.ok:
                    failures.append(f"trial {trial} ({window}, {killed_at:.2f} s): {found.problems}")
            except FrontlinesError as exc:
                failures.append(f"trial {trial} ({window}, {killed_at:.2f} s): killed ledger does not open: {exc}")
        else:
            st["killed ledger opens"] += 1  # nothing written yet: the re-run creates it
            st["killed ledger check ok"] += 1
        t0 = time.perf_counter()
        done = subprocess.run(command(feed, db), capture_output=True, text=True)
        rerun_s.append(time.perf_counter() - t0)
        if done.returncode != 0:
            failures.append(f"trial {trial} ({window}): re-run failed: {done.stderr[-500:]}")
            continue
        with Store.open_existing(db) as s:
            final = s.check()
        arts, events, reports = snapshot(db)
        lost = len(set(ref[0]) - set(arts)) + len(set(ref[2]) - set(reports))
        dup = len(set(reports) - set(ref[2])) + (len(reports) - len({r for r, _ in reports}))
        st["lost (articles + reports)"] += lost
        st["duplicated or moved reports"] += dup
        st["re-run ledger check ok"] += final.ok
        same = (arts, events, reports) == ref
        st["re-run equals one run"] += same
        if not final.ok or not same:
            failures.append(f"trial {trial} ({window}, {killed_at:.2f} s): after re-run check={final.problems} "
                            f"articles {len(arts)}/{len(ref[0])} events {len(events)}/{len(ref[1])} reports {len(reports)}/{len(ref[2])}")  # fmt: skip
        db.unlink(missing_ok=True)
        print(f"trial {trial:2d} {window:8s} killed at {killed_at:5.2f} s{' (already done)' if not alive else ''}: "
              f"{'ok' if same and final.ok else 'DIFFERENT'}", flush=True)  # fmt: skip

    keys = ["kills", "killed before the end", f"left mid-schema (version < {SCHEMA_VERSION})", "left pending reports",
            "killed ledger opens", "killed ledger check ok", "re-run ledger check ok", "re-run equals one run",
            "lost (articles + reports)", "duplicated or moved reports"]  # fmt: skip
    order = [w for w in ("schema", "anywhere", "stage 7") if w in stats]
    total = collections.Counter()
    for w in order:
        total.update(stats[w])
    lines = [
        f"FA-KES: {n_articles} real articles{f' (the first {args.limit})' if args.limit else ''} as one JSONL feed; reference run {wall:.1f} s wall (stage 7 {stage7:.1f} s), "
        f"{len(ref[1])} events from {len(ref[2])} reports. {args.kills} SIGKILLs of `frontlines run` (seed {args.seed}), each on a "
        f"fresh ledger, then a clean re-run (mean {sum(rerun_s) / max(1, len(rerun_s)):.1f} s) compared with the reference.",
        "",
        "Kill windows: *schema* = within 60 ms of the ledger file appearing; *anywhere* = uniform over the reference run's "
        "wall time; *stage 7* = after the last article is stored, within the reference run's stage-7 time.",
        "",
        "| | " + " | ".join(order) + " | all |",
        "|---|" + "---|" * (len(order) + 1),
    ]
    for k in keys:
        lines.append(f"| {k} | " + " | ".join(str(stats[w][k]) for w in order) + f" | **{total[k]}** |")
    lines += [
        "",
        f"A killed ledger left below schema {SCHEMA_VERSION} had its last migration rolled back (one transaction each); "
        "the re-run migrates it. Pending reports are a killed run's stored articles that stage 7 had not corroborated; "
        "the re-run corroborates them in its own stage 7.",
        "",
        f"Failures: {len(failures)}",
        *[f"- {f}" for f in failures[:20]],
    ]
    if args.limit:
        lines += ["", f"The first {args.limit} of FA-KES's articles, not all (a shared machine's time); `--limit 0` runs the whole set."]
    print("\n".join(lines))
    if not args.no_write and args.kills >= 50:
        cmd = ".venv/bin/python benchmarks/kills.py" + (f" --limit {args.limit}" if args.limit else "") + (f" --seed {args.seed}" if args.seed != 1 else "")
        write_section("kills", "\n".join(lines), cmd)
    for p in tmp.glob("*"):
        p.unlink()
    tmp.rmdir()
    raise SystemExit(1 if failures else 0)


if __name__ == "__main__":
    main()
