"""`frontlines gazetteer import` of UCDP's 1,914 Syrian places, and what it does to FA-KES.

    .venv/bin/python benchmarks/gazetteer_import.py [--write]

Imports ``gazetteer/syria_places_ucdp.csv`` into a copy of the plain index (counts and
time), imports it again (must add nothing), then scores the ledger of ``fakes_full/dev.json``
twice with ``../shared/eval/score_events.py``: with the plain index and with the imported
one (``frontlines run`` + ``export --format jsonl``, each in its own FRONTLINES_HOME).
"coordinates right" is the scorer's geo field: matched events whose point lies within
the gold tolerance. Data: UCDP GED place list (Sundberg & Melander 2013), FA-KES (Salem
et al., ICWSM 2019), CC BY 4.0; annotations ours.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import tempfile
import time
from pathlib import Path

from common import DATA, require, run_ledger, write_section
from fakes_events import scorer


def _plain_index(home: Path) -> Path:
    """A current index without imports in ``home``: a copy of the user's if it is one, else built."""
    from frontlines.gazetteer import INDEX_FILE, Gazetteer, _index_current, _index_meta, default_home

    target = home / INDEX_FILE
    mine = default_home() / INDEX_FILE
    if _index_current(mine) and not json.loads(_index_meta(mine).get("imports") or "[]"):
        home.mkdir(parents=True, exist_ok=True)
        shutil.copy(mine, target)
    else:
        Gazetteer.open(target).close()
    return target


def _score(home: Path, inp: Path, gold: Path, work: Path, score_events) -> dict:
    os.environ["FRONTLINES_HOME"] = str(home)
    work.mkdir()
    run_ledger([inp], work)
    return score_events.score(str(work / "events.jsonl"), [str(gold)])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--write", action="store_true", help="write the gazetteer-import section of BENCHMARKS.md")
    args = ap.parse_args()
    from frontlines.gazetteer import INDEX_FILE, Gazetteer

    places = require(DATA / "gazetteer" / "syria_places_ucdp.csv")
    gold = require(DATA / "fakes_full" / "dev.json")
    score_events = scorer()
    saved_home = os.environ.get("FRONTLINES_HOME")
    with tempfile.TemporaryDirectory(prefix="gazetteer_import_") as tmp:
        tmp = Path(tmp)
        plain = _plain_index(tmp / "plain")
        (tmp / "imported").mkdir()
        shutil.copy(plain, tmp / "imported" / INDEX_FILE)
        gaz = Gazetteer.open(tmp / "imported" / INDEX_FILE, build=False)
        t0 = time.perf_counter()
        first = gaz.import_file(places)
        t1 = time.perf_counter()
        again = gaz.import_file(places)
        t2 = time.perf_counter()
        gaz.close()
        with sqlite3.connect(plain) as con:
            n_plain = con.execute("SELECT count(*) FROM places").fetchone()[0]
        inp = tmp / "dev_in.jsonl"
        score_events.make_input(str(inp), [str(gold)])
        before = _score(tmp / "plain", inp, gold, tmp / "run_plain", score_events)
        after = _score(tmp / "imported", inp, gold, tmp / "run_imported", score_events)
    if saved_home is None:
        os.environ.pop("FRONTLINES_HOME", None)
    else:
        os.environ["FRONTLINES_HOME"] = saved_home

    def counts(r) -> str:
        return f"{r.added:,} added, {r.already:,} already there, {r.new_spellings:,} new spellings, {r.skipped:,} skipped"

    rows = [("coordinates right (matched events)", "geo"), ("matched events", "matched"), ("precision", "precision"),
            ("recall", "recall"), ("F1", "f1"), ("events", "events")]
    lines = [
        f"Import of `gazetteer/syria_places_ucdp.csv` ({first.rows:,} rows) into the plain index ({n_plain:,} places):",
        "",
        "| run | counts | time (s) |",
        "|---|---|---|",
        f"| first import | {counts(first)} | {t1 - t0:.1f} |",
        f"| re-import | {counts(again)} | {t2 - t1:.1f} |",
        "",
        f"Skipped rows (line numbers): {', '.join(map(str, first.skipped_lines))} "
        f"({'; '.join(f'{n} {why}' for why, n in first.skip_reasons.most_common())}).",
        "",
        f"FA-KES ledger (`fakes_full/dev.json`, {before['articles']} articles, {before['gold_required']} required gold events), "
        "scored by `../shared/eval/score_events.py`:",
        "",
        "| measure | plain index | with the import |",
        "|---|---|---|",
        *(f"| {label} | {before[key]} | **{after[key]}** |" for label, key in rows),
        "",
        "Data: UCDP GED place names (Uppsala Conflict Data Program); FA-KES (Salem, Al Feel, Elbassuoni, Jaber, Farah, "
        "ICWSM 2019), CC BY 4.0; event annotations written for frontlines.",
    ]
    print("\n".join(lines))
    if args.write:
        write_section("gazetteer-import", "\n".join(lines), ".venv/bin/python benchmarks/gazetteer_import.py --write")


if __name__ == "__main__":
    main()
