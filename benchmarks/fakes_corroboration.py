"""Corroboration on FA-KES: how many events remain from 804 real articles, and how the
credible (label 1) and not-credible (label 0) articles spread over claim status and
independent source count.

    .venv/bin/python benchmarks/fakes_corroboration.py [--limit N] [--no-write]

Each article goes through the whole pipeline into a fresh SQLite store (stage 7
included); every article is then placed in the event of its main report (the
article-level event ``assemble.main_event`` picks) and counted under that event's
``claim_status`` and ``independent_source_count``. FA-KES (Salem et al., ICWSM 2019,
CC BY 4.0) labels an article credible when its claims match the Violations
Documentation Center's records.
"""

from __future__ import annotations

import argparse
import collections
import json
import sys
import tempfile
import time
from pathlib import Path

from common import DATA, require, write_section

import frontlines
from frontlines.store import Store

sys.path.insert(0, str(Path(__file__).resolve().parent))
from fakes import load, parse_date  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args()
    require(DATA / "fakes" / "fakes.csv")
    rows = load()
    if args.limit:
        rows = rows[: args.limit]
    tmp = Path(tempfile.mkdtemp())
    feed = tmp / "fakes.jsonl"
    label_of = {}
    with feed.open("w", encoding="utf-8") as fh:
        for i, r in enumerate(rows):
            d = parse_date(r["date"])
            url = f"fakes://{r['unit_id']}/{i}"
            label_of[url] = r["label"].strip()
            fh.write(json.dumps({"url": url, "title": r["article_title"], "text": r["article_content"],
                                 "outlet": r["source"], "published": d.isoformat() if d else None}) + "\n")  # fmt: skip
    db = tmp / "fakes.db"
    t0 = time.perf_counter()
    summary = frontlines.run([str(feed)], db)
    elapsed = time.perf_counter() - t0
    with Store(db) as s:
        events = list(s.events())
        n_reports = int(s.conn.execute("SELECT count(*) FROM mentions").fetchone()[0])
    # main report of each article: its earliest mention among violent events, as main_event does
    article_event: dict[str, dict] = {}
    best: dict[str, tuple] = {}
    violent = {"Battles", "Explosions/Remote violence", "Violence against civilians"}
    for ev in events:
        for m in ev["mentions"]:
            url = m.get("url")
            key = (ev["event_type"] not in violent, m.get("char_start") or 0, -(ev.get("fatalities") or 0))
            if url in label_of and (url not in best or key < best[url]):
                best[url], article_event[url] = key, ev
    multi = [ev for ev in events if len({m["article_id"] for m in ev["mentions"]}) > 1]
    by_claim = collections.Counter()
    by_indep = collections.Counter()
    label_n = collections.Counter()
    for url, lab in label_of.items():
        ev = article_event.get(url)
        label_n[lab] += 1
        by_claim[(lab, ev["claim_status"] if ev else "(no event)")] += 1
        by_indep[(lab, min(ev["independent_source_count"], 3) if ev else "(no event)")] += 1

    def pct(c, lab):
        return f"{c} ({100 * c / label_n[lab]:.0f}%)" if label_n[lab] else "0"

    lines = [
        f"FA-KES: {len(rows)} real articles from {len({r['source'] for r in rows})} outlets, whole pipeline with stage 7 "
        f"({elapsed:.0f} s, {summary.added} articles stored).",
        "",
        f"- article-level reports (events before corroboration): **{n_reports}**",
        f"- events after corroboration: **{len(events)}** ({100 * (1 - len(events) / max(1, n_reports)):.1f}% fewer)",
        f"- events told by more than one article: **{len(multi)}**, holding "
        f"{sum(len({m['article_id'] for m in ev['mentions']}) for ev in multi)} articles' reports; "
        f"largest: {max((len({m['article_id'] for m in ev['mentions']}) for ev in events), default=0)} articles",
        f"- events by claim status: {dict(sorted(collections.Counter(ev['claim_status'] for ev in events).items()))}",
        "",
        "Articles by the claim status of their main event (share of the label's articles):",
        "",
        "| claim_status | label 1 (credible) | label 0 (not credible) |",
        "|---|---|---|",
    ]
    for st in ["confirmed", "reported", "claimed", "disputed", "(no event)"]:
        lines.append(f"| {st} | {pct(by_claim[('1', st)], '1')} | {pct(by_claim[('0', st)], '0')} |")
    lines += ["", "Articles by the independent source count of their main event:", "",
              "| independent_source_count | label 1 (credible) | label 0 (not credible) |", "|---|---|---|"]  # fmt: skip
    for k in [1, 2, 3, "(no event)"]:
        name = "3 or more" if k == 3 else str(k)
        lines.append(f"| {name} | {pct(by_indep[('1', k)], '1')} | {pct(by_indep[('0', k)], '0')} |")
    lines += [
        "",
        f"Articles: label 1 = {label_n['1']}, label 0 = {label_n['0']}. FA-KES's not-credible articles are mostly "
        "real reports whose figures or actors disagree with the VDC's record, so claim status is a weak, not a decisive, signal.",
    ]
    print("\n".join(lines))
    if not args.no_write and not args.limit:
        write_section("fakes_corroboration", "\n".join(lines), ".venv/bin/python benchmarks/fakes_corroboration.py")


if __name__ == "__main__":
    main()
