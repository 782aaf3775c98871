"""FA-KES with every event annotated: the whole ledger of 50 articles scored event by event.

    .venv/bin/python benchmarks/fakes_events.py [--errors] [--write]

Runs ``../shared/eval/score_events.py``'s protocol on ``fakes_full/dev.json``: the gold's
articles as JSONL, ``frontlines run`` into a temporary ledger (stage 7 included),
``frontlines export --format jsonl``, then the scorer (strict one-to-one matching; a second
match is a duplicate). Reports precision, recall, F1, duplicates, field accuracy on the
matched pairs, leaks (events built from sentences that must not be events) and tolls of
1,000 or more. Data: FA-KES (Salem et al., ICWSM 2019), CC BY 4.0; annotations ours.
"""

from __future__ import annotations

import argparse
import importlib.util
import tempfile
from pathlib import Path

from common import DATA, require, run_ledger, write_section

# Issue 12's targets for this set ("Done when").
TARGETS = {"precision": 0.75, "recall": 0.75, "f1": 0.75, "fatalities": 0.75, "leaks": 0}


def scorer():
    """``score_events.py`` from the eval folder beside the data folder (not a package)."""
    path = require(DATA.parent / "eval" / "score_events.py")
    spec = importlib.util.spec_from_file_location("score_events", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _ratio(cell: str) -> str:
    if cell == "-" or "/" not in cell:
        return cell
    a, b = map(int, cell.split("/"))
    return f"{a}/{b} ({a / b:.2f})" if b else cell


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--errors", action="store_true", help="print false positives, misses and leaks to stderr")
    ap.add_argument("--write", action="store_true", help="write the fakes_events section of BENCHMARKS.md")
    args = ap.parse_args()
    gold = require(DATA / "fakes_full" / "dev.json")
    score_events = scorer()
    with tempfile.TemporaryDirectory(prefix="fakes_events_") as tmp:
        tmp = Path(tmp)
        inp = tmp / "dev_in.jsonl"
        score_events.make_input(str(inp), [str(gold)])
        events = run_ledger([inp], tmp)
        res = score_events.score(str(tmp / "events.jsonl"), [str(gold)], show_errors=args.errors)
    lines = [
        f"fakes_full dev: {res['articles']} FA-KES articles, every event annotated ({res['gold_required']} required gold events); "
        f"{res['events']} events in the ledger after stage 7 ({len(events)} exported).",
        "",
        "| measure | value | target |",
        "|---|---|---|",
        f"| precision (strict, duplicates count against) | **{res['precision']:.3f}** | {TARGETS['precision']} |",
        f"| recall (required events) | **{res['recall']:.3f}** | {TARGETS['recall']} |",
        f"| F1 | **{res['f1']:.3f}** | {TARGETS['f1']} |",
        f"| matched / duplicates | {res['matched']} / {res['duplicates']} | - |",
        f"| sub-event type right | {_ratio(res['sub'])} | - |",
        f"| fatalities in the gold range | {_ratio(res['fatalities'])} | {TARGETS['fatalities']} |",
        f"| coordinates within tolerance | {_ratio(res['geo'])} | - |",
        f"| date right (where the text fixes the day) | {_ratio(res['date'])} | - |",
        f"| claim status right | {_ratio(res['claim'])} | - |",
        f"| leaks (events from not-event sentences) | **{res['leaks']}** | {TARGETS['leaks']} |",
        f"| events with 1,000+ deaths | {res['big_tolls']} | - |",
        "",
        "Scorer: `../shared/eval/score_events.py` (matching: same article, event type, province or point, actor families). "
        "Data: FA-KES (Salem, Al Feel, Elbassuoni, Jaber, Farah, ICWSM 2019), CC BY 4.0; event annotations written for frontlines.",
    ]
    print("\n".join(lines))
    if args.write:
        write_section("fakes_events", "\n".join(lines), ".venv/bin/python benchmarks/fakes_events.py --write")


if __name__ == "__main__":
    main()
