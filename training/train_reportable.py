"""Rebuild the shipped reportable-event model from the hand labels and ../shared/data.

  PYTHONPATH=src python training/train_reportable.py            # train, score, write the model
  PYTHONPATH=src python training/train_reportable.py --dry-run  # train and score only

Reads training/labels/reportable.csv (references ``corpus,doc,field,start,end,label,reason``
into ../shared/data; see training/corpora.py), runs frontlines' own stages 2-4 (clean,
segment, annotate) on each referenced document so that the model sees exactly the
sentences and annotator spans it sees in the pipeline, splits the labels by document
(a fixed seed: all sentences of one document on one side), trains logistic regression
(``frontlines.learn``) on the training part and scores the held-out part (precision,
recall, F1 at the shipped threshold, ROC AUC). The model written to
src/frontlines/data/models/reportable.npz is the one trained on the training part, so
the held-out figures describe the shipped weights. Skips with a message when the data
folder is absent.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import sys
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from corpora import data_dir, dev_ids, documents  # noqa: E402

LABELS = HERE / "labels" / "reportable.csv"
# Share of documents held out for scoring, and the seed of the split.
HELD_OUT = 0.2
SEED = "reportable-1"
# Training settings: L2 penalty (chosen on the training part by grouped cross-validation,
# see ``--search``) and L-BFGS iterations.
L2 = 3e-4
MAX_ITER = 400


def held_out(corpus: str, doc: str) -> bool:
    """Whether a document is in the held-out part (a stable hash of its reference)."""
    h = hashlib.sha1(f"{SEED}|{corpus}|{doc}".encode()).digest()
    return int.from_bytes(h[:4], "big") / 2**32 < HELD_OUT


def read_labels(path: Path = LABELS) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as fh:
        return [dict(r, start=int(r["start"]), end=int(r["end"]), label=int(r["label"])) for r in csv.DictReader(fh)]


def examples(data: Path, labels: list[dict]):
    """(corpus, doc, text, extras, label, reason) for each label, from the pipeline's view."""
    from frontlines import clean
    from frontlines.extract import _spans_by_sentence
    from frontlines.pipeline import Pipeline
    from frontlines.reportable import features

    pipe = Pipeline()
    wanted: dict[tuple[str, str], list[dict]] = {}
    for r in labels:
        wanted.setdefault((r["corpus"], r["doc"]), []).append(r)
    corpora = tuple(sorted({c for c, _ in wanted}))
    out, missing = [], 0
    max_age = int(pipe.thresholds["extract"]["max_event_age_days"])
    for corpus, did, art, to_field in documents(data, corpora):
        rows = wanted.pop((corpus, did), None)  # a document listed twice is read once
        if not rows:
            continue
        doc = clean.clean(art)
        for name, stage in pipe.stages():
            if name == "extract":
                break
            stage(doc)
        by_sent = _spans_by_sentence(doc)  # the extractor's own grouping
        index = {}
        for k, s in enumerate(doc.sentences):
            f, a = to_field(doc.offsets.to_orig(s.start))
            index[(f, a)] = k
        for r in rows:
            k = index.get((r["field"], r["start"]))
            if k is None:
                missing += 1
                continue
            extras = features(doc, k, by_sent.get(k, []), max_age)
            out.append((corpus, did, doc.sentences[k].text, extras, r["label"], r["reason"]))
    return out, missing


def fit(train_rows, l2: float = L2):
    from frontlines.learn import Featurizer, train

    return train(
        Featurizer(n_bits=20, word_ngrams=(1, 2)),
        [r[2] for r in train_rows],
        [str(r[4]) for r in train_rows],
        extras=[r[3] for r in train_rows],
        classes=("0", "1"),
        l2=l2,
        max_iter=MAX_ITER,
    )


def score(model, rows, threshold: float):
    from frontlines.learn import binary_scores

    p = [model.proba(r[2], r[3]) for r in rows]
    return binary_scores([r[4] for r in rows], p, threshold), p


def out_of_fold(rows, l2: float, folds: int = 5) -> list[float]:
    """Each row's probability from a model trained on the other document-grouped folds."""
    fold = {}
    for r in rows:
        key = (r[0], r[1])
        if key not in fold:
            fold[key] = int(hashlib.sha1(f"cv|{key}".encode()).hexdigest(), 16) % folds
    p = [0.0] * len(rows)
    for k in range(folds):
        m = fit([r for r in rows if fold[(r[0], r[1])] != k], l2)
        for j, r in enumerate(rows):
            if fold[(r[0], r[1])] == k:
                p[j] = m.proba(r[2], r[3])
    return p


def choose_threshold(rows, p) -> float:
    """The threshold (steps of 0.05) with the best out-of-fold Youden's J (share of events
    kept minus share of non-events kept): the classes weigh alike, as in training, since
    among the pipeline's mentions non-events are about as many as events (dev precision
    0.41 before this model)."""
    pos = [q for r, q in zip(rows, p) if r[4] == 1]
    neg = [q for r, q in zip(rows, p) if r[4] == 0]

    def j(t: float) -> float:
        return sum(q >= t for q in pos) / len(pos) - sum(q >= t for q in neg) / len(neg)

    return max((round(j(x / 100), 4), -x / 100) for x in range(5, 96, 5))[1] * -1


def grouped_cv(rows, l2: float, folds: int = 5) -> float:
    """Mean held-out AUC over document-grouped folds of ``rows`` (for choosing L2)."""
    from frontlines.learn import auc

    fold = {}
    for r in rows:
        key = (r[0], r[1])
        if key not in fold:
            fold[key] = int(hashlib.sha1(f"cv|{key}".encode()).hexdigest(), 16) % folds
    aucs = []
    for k in range(folds):
        tr = [r for r in rows if fold[(r[0], r[1])] != k]
        te = [r for r in rows if fold[(r[0], r[1])] == k]
        m = fit(tr, l2)
        aucs.append(auc([r[4] for r in te], [m.proba(r[2], r[3]) for r in te]))
    return sum(aucs) / len(aucs)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dry-run", action="store_true", help="train and score, write nothing")
    ap.add_argument("--search", action="store_true", help="choose L2 by grouped cross-validation on the training part")
    ap.add_argument("--choose", action="store_true", help="choose min_probability out-of-fold on the training part")
    ap.add_argument("--errors", action="store_true", help="print the held-out errors (text shown, never stored)")
    args = ap.parse_args()
    data = data_dir()
    if data is None:
        print("skipped: ../shared/data is absent (the labels refer into it); nothing rebuilt")
        return 0
    from frontlines.extract import load_thresholds
    from frontlines.learn import model_path

    labels = read_labels()
    dev = dev_ids(data)
    bad = [r for r in labels if r["corpus"] == "fakes" and r["doc"] in dev]
    if bad:
        print(f"refused: {len(bad)} labels refer to fakes_full dev articles (the pipeline's dev set)")
        return 1
    t0 = time.time()
    rows, missing = examples(data, labels)
    if missing:
        print(f"warning: {missing} labels match no sentence of today's segmentation (skipped)")
    train_rows = [r for r in rows if not held_out(r[0], r[1])]
    test_rows = [r for r in rows if held_out(r[0], r[1])]
    print(f"{len(rows)} labelled sentences ({Counter(r[4] for r in rows)}), "
          f"train {len(train_rows)} / held-out {len(test_rows)} "
          f"({len({(r[0], r[1]) for r in test_rows})} documents), built in {time.time() - t0:.1f}s")
    l2 = L2
    if args.search:
        for cand in (3e-5, 1e-4, 3e-4, 1e-3):
            print(f"  l2={cand:g}: grouped 5-fold AUC {grouped_cv(train_rows, cand):.3f}")
        return 0
    if args.choose:
        p_oof = out_of_fold(train_rows, l2)
        t = choose_threshold(train_rows, p_oof)
        neg = [q for r, q in zip(train_rows, p_oof) if r[4] == 0]
        pos = [q for r, q in zip(train_rows, p_oof) if r[4] == 1]
        for x in (0.2, 0.3, 0.4, 0.5, 0.6, 0.7):
            print(f"    {x}: keeps {sum(1 for q in pos if q >= x)}/{len(pos)} events, drops "
                  f"{sum(1 for r, q in zip(train_rows, p_oof) if r[4] == 0 and q < x)}/{len(train_rows) - len(pos)} non-events")
        print(f"  min_probability {t}: the best out-of-fold Youden's J, drops "
              f"{sum(1 for q in neg if q < t)}/{len(neg)} non-events")
        return 0
    model = fit(train_rows, l2)
    threshold = float(load_thresholds()["reportable"]["min_probability"])
    s, p = score(model, test_rows, threshold)
    print(f"held-out at min_probability={threshold}: precision {s['precision']:.3f} recall {s['recall']:.3f} "
          f"F1 {s['f1']:.3f} AUC {s['auc']:.3f} (n={s['n']})")
    # what each threshold keeps and drops on the held-out part (for choosing min_probability)
    for t in (0.2, 0.3, 0.4, 0.5, 0.6):
        kept_neg = sum(1 for r, q in zip(test_rows, p) if r[4] == 0 and q >= t)
        lost_pos = sum(1 for r, q in zip(test_rows, p) if r[4] == 1 and q < t)
        n_neg = sum(1 for r in test_rows if r[4] == 0)
        n_pos = len(test_rows) - n_neg
        print(f"  threshold {t}: drops {n_neg - kept_neg}/{n_neg} non-events, loses {lost_pos}/{n_pos} events")
    by_reason = Counter()
    for r, q in zip(test_rows, p):
        if r[4] == 0:
            by_reason[(r[5], q < threshold)] += 1
    print("  held-out non-events dropped by reason:",
          {k: f"{by_reason[(k, True)]}/{by_reason[(k, True)] + by_reason[(k, False)]}" for k in sorted({k for k, _ in by_reason})})
    if args.errors:
        for r, q in sorted(zip(test_rows, p), key=lambda x: x[1]):
            if (q >= threshold) != bool(r[4]):
                print(f"  {q:.2f} gold={r[4]} {r[5]:10s} {r[2][:160]}")
    if args.dry_run:
        return 0
    model.meta.update(
        held_out={k: round(v, 4) for k, v in s.items() if isinstance(v, float)} | {"n": s["n"]},
        threshold=threshold,
        labels=len(rows),
        trained=time.strftime("%Y-%m-%d"),
        source="training/train_reportable.py on training/labels/reportable.csv",
    )
    path = model.save(model_path("reportable"))
    print(f"wrote {path} ({path.stat().st_size / 1024:.0f} KiB, {len(model.slots)} weights)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
