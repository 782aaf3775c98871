"""CASE 2021 task 2: classify each snippet through the extractor; macro-F1 over ACLED's
conflict sub-event types (no event, or a non-conflict reading, is the non-conflict class).

    .venv/bin/python benchmarks/case2021.py [--split dev|test] [--errors N]

Tune on dev only; report test.
"""

from __future__ import annotations

import argparse
import collections
import csv
import sys

from common import DATA, macro_f1, require, write_section

import frontlines
from frontlines.assemble import main_event
from frontlines.pipeline import make_article

# CASE 2021 codes for ACLED's sub-event types (the shared task's label set).
CODES = {
    "ABDUCT_DISSAP": "Abduction/forced disappearance",
    "AGREEMENT": "Agreement",
    "AIR_STRIKE": "Air/drone strike",
    "ARMED_CLASH": "Armed clash",
    "ARREST": "Arrests",
    "ART_MISS_ATTACK": "Shelling/artillery/missile attack",
    "ATTACK": "Attack",
    "CHANGE_TO_GROUP_ACT": "Change to group/activity",
    "CHEM_WEAP": "Chemical weapon",
    "DISR_WEAP": "Disrupted weapons use",
    "FORCE_AGAINST_PROTEST": "Excessive force against protesters",
    "GOV_REGAINS_TERIT": "Government regains territory",
    "GRENADE": "Grenade",
    "HQ_ESTABLISHED": "Headquarters or base established",
    "MOB_VIOL": "Mob violence",
    "NON_STATE_ACTOR_OVERTAKES_TER": "Non-state actor overtakes territory",
    "NON_VIOL_TERRIT_TRANSFER": "Non-violent transfer of territory",
    "PEACE_PROTEST": "Peaceful protest",
    "PROPERTY_DISTRUCT": "Looting/property destruction",
    "PROTEST_WITH_INTER": "Protest with intervention",
    "REM_EXPLOS": "Remote explosive/landmine/IED",
    "SEX_VIOL": "Sexual violence",
    "SUIC_BOMB": "Suicide bomb",
    "VIOL_DEMONSTR": "Violent demonstration",
}
NON_CONFLICT = "NON_CONFLICT"


def load(split: str) -> list[tuple[str, str]]:
    path = require(DATA / "case2021" / f"{split}.tsv")
    csv.field_size_limit(10**7)
    with open(path, encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    return [(r["EventSnippet"], r["SubType"]) for r in rows]


def predict(pipe, snippet: str) -> tuple[str, list]:
    events = pipe.process(make_article(snippet)).events
    ev = main_event(events)
    return (ev.sub_event_type if ev else NON_CONFLICT), events


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--split", default="test", choices=["dev", "test"])
    ap.add_argument("--errors", type=int, default=0, help="print N misclassified snippets")
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args()
    rows = load(args.split)
    pipe = frontlines.Pipeline()
    gold, pred, errors = [], [], []
    for text, code in rows:
        g = CODES.get(code, NON_CONFLICT)
        p, _ = predict(pipe, text)
        gold.append(g)
        pred.append(p)
        if g != p:
            errors.append((g, p, text))
    labels = sorted(CODES.values())
    f1, per = macro_f1(gold, pred, labels)
    acc = sum(g == p for g, p in zip(gold, pred)) / len(gold)
    lines = [
        f"CASE 2021 task 2, `{args.split}` split ({len(rows)} snippets): macro-F1 over the "
        f"{len([lab for lab in labels if per[lab][3]])} ACLED conflict sub-event types present = **{f1:.3f}**; accuracy (all classes) {acc:.3f}.",
        "",
        "| sub-event type | precision | recall | F1 | gold |",
        "|---|---|---|---|---|",
    ]
    for lab in labels:
        p_, r_, f_, n_ = per[lab]
        lines.append(f"| {lab} | {p_:.2f} | {r_:.2f} | {f_:.2f} | {n_} |")
    print("\n".join(lines))
    confusion = collections.Counter((g, p) for g, p, _ in errors)
    print("\nmost common confusions:", confusion.most_common(12), file=sys.stderr)
    for g, p, t in errors[: args.errors]:
        print(f"\n[{g}] -> [{p}] {t[:300]}", file=sys.stderr)
    if not args.no_write:
        write_section(f"case2021-{args.split}", "\n".join(lines), f".venv/bin/python benchmarks/case2021.py --split {args.split}")


if __name__ == "__main__":
    main()
