"""Shared helpers for the benchmarks: where the real data lives, and BENCHMARKS.md updates.

The data sets stay in ../shared/data (never copied here); a benchmark whose data is absent
says so and exits 0.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("FRONTLINES_DATA", ROOT.parent / "shared" / "data"))
BENCHMARKS_MD = ROOT / "BENCHMARKS.md"


def require(path: Path) -> Path:
    if not path.exists():
        print(f"benchmark data not found: {path} (set FRONTLINES_DATA); skipping", file=sys.stderr)
        raise SystemExit(0)
    return path


def machine() -> str:
    return f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"


def write_section(name: str, body: str, command: str) -> None:
    """Replace (or append) the section ``name`` of BENCHMARKS.md."""
    text = BENCHMARKS_MD.read_text(encoding="utf-8") if BENCHMARKS_MD.exists() else "# Benchmarks\n\nFigures measured by the scripts in `benchmarks/`; each section names the command that produced it.\n"
    stamp = dt.date.today().isoformat()
    section = f"<!-- {name}:start -->\n## {name}\n\nCommand: `{command}`  \nMeasured {stamp} on {machine()}.\n\n{body.strip()}\n<!-- {name}:end -->"
    pat = re.compile(rf"<!-- {re.escape(name)}:start -->.*?<!-- {re.escape(name)}:end -->", re.S)
    if pat.search(text):
        text = pat.sub(lambda _: section, text)
    else:
        text = text.rstrip() + "\n\n" + section + "\n"
    BENCHMARKS_MD.write_text(text, encoding="utf-8")


def macro_f1(gold: list[str], pred: list[str], labels: list[str]) -> tuple[float, dict[str, tuple[float, float, float, int]]]:
    per = {}
    for lab in labels:
        tp = sum(1 for g, p in zip(gold, pred) if g == lab and p == lab)
        fp = sum(1 for g, p in zip(gold, pred) if g != lab and p == lab)
        fn = sum(1 for g, p in zip(gold, pred) if g == lab and p != lab)
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        per[lab] = (prec, rec, f1, tp + fn)
    present = [lab for lab in labels if per[lab][3] > 0]
    return (sum(per[lab][2] for lab in present) / len(present) if present else 0.0), per


def run_ledger(inputs: list[Path], workdir: Path) -> list[dict]:
    """Run ``frontlines run`` on ``inputs`` into a fresh ledger in ``workdir`` (every stage,
    stage 7 included) and return ``frontlines export --format jsonl``'s events: what a
    user gets. The CLI runs in a subprocess with this interpreter and environment."""
    import json
    import subprocess

    db, out = workdir / "ledger.db", workdir / "events.jsonl"
    cli = [sys.executable, "-m", "frontlines.cli"]
    for args in (["run", *map(str, inputs), "--db", str(db)], ["export", "--db", str(db), "--format", "jsonl", "-o", str(out)]):
        done = subprocess.run([*cli, *args], capture_output=True, text=True)
        if done.returncode:
            sys.exit(f"frontlines {args[0]} failed ({done.returncode}):\n{done.stderr[-2000:]}")
    return [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines() if line.strip()]
