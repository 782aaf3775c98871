"""Rebuild the learned sub-event classifier (src/frontlines/data/models/subtype.json.gz).

    PYTHONPATH=src python training/train_subtype.py            # train on every label, write the model
    PYTHONPATH=src python training/train_subtype.py --cv 5     # CASE dev cross-validation + grid
    PYTHONPATH=src python training/train_subtype.py --heldout  # score on the held-out part of our labels

Labels are references into ../shared/data (never its text): training/labels/subtype_*.csv.
  subtype_case2021_dev.csv  id,label   - CASE 2021 dev's own labels (the dataset's annotators)
  subtype_ucdp.csv          id,label   - UCDP GED rows' source_headline, labelled by us
  subtype_fakes.csv         unit_id,start,end,label - FA-KES article sentences, labelled by us
A label is a CASE 2021 code (AIR_STRIKE, ...) or NON_CONFLICT; "-" rows are read and skipped
(a total over days, a headline with no single incident). Without the data the script says so
and exits 0. Needs numpy (training only; the package reads the weights in pure Python).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import os
import random
import sys
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("FRONTLINES_DATA", ROOT.parent / "shared" / "data"))
LABELS = Path(__file__).resolve().parent / "labels"
sys.path.insert(0, str(ROOT / "benchmarks"))

from case2021 import CODES  # noqa: E402  (CASE codes -> ACLED sub-event names)

from frontlines.subtype import NC_PREFIX, NON_CONFLICT, SubtypeModel, features  # noqa: E402

MIN_COUNT = 2  # a feature seen in fewer training examples gets no weight
L2 = 1e-3  # per-example L2 penalty; chosen by CV on CASE dev (see --cv)
EPOCHS = 300
OWN_WEIGHT = 0.3  # weight of one of our own labels relative to a CASE dev label (chosen by CV)
BALANCE = 1.25  # class weight = count^-BALANCE (chosen by CV)


def sub_name(code: str) -> str:
    """The training class of a label: an ACLED sub-event name, or NON_CONFLICT for every
    non-conflict code (DIPLO, NATURAL_DISASTER, ...: kept apart they scored lower in CV)."""
    return CODES.get(code, NON_CONFLICT)


def read_labels(name: str) -> list[dict]:
    path = LABELS / name
    if not path.exists():
        return []
    with open(path, encoding="utf-8") as fh:
        return [r for r in csv.DictReader(line for line in fh if not line.startswith("#")) if r["label"] != "-"]


def case_texts(split: str = "dev") -> dict[str, tuple[str, str]]:
    csv.field_size_limit(10**7)
    with open(DATA / "case2021" / f"{split}.tsv", encoding="utf-8") as fh:
        return {r["id"]: (r["EventSnippet"], r["SubType"]) for r in csv.DictReader(fh, delimiter="\t")}


def ucdp_headlines() -> dict[str, str]:
    with open(DATA / "ucdp" / "ged_syria_2016_2019.csv", encoding="utf-8") as fh:
        return {str(int(float(r["id"]))): r["source_headline"] for r in csv.DictReader(fh)}


def fakes_texts() -> dict[str, str]:
    csv.field_size_limit(10**7)
    with open(DATA / "fakes" / "fakes.csv", encoding="utf-8", errors="replace") as fh:
        return {r["unit_id"]: r["article_content"] for r in csv.DictReader(fh)}


def examples() -> tuple[list[tuple[str, str, str]], list[tuple[str, str, str]]]:
    """(CASE dev examples, our own examples): (key, text, ACLED sub-event name or NON_CONFLICT)."""
    case = case_texts("dev")
    dev = []
    for r in read_labels("subtype_case2021_dev.csv"):
        text, code = case[r["id"]]
        assert code == r["label"], r
        dev.append((f"case:{r['id']}", text, sub_name(code)))
    own = []
    rows = read_labels("subtype_ucdp.csv")
    if rows:
        heads = ucdp_headlines()
        own += [(f"ucdp:{r['id']}", heads[r["id"]], sub_name(r["label"])) for r in rows]
    rows = read_labels("subtype_fakes.csv")
    if rows:
        arts = fakes_texts()
        own += [
            (f"fakes:{r['unit_id']}:{r['start']}", arts[r["unit_id"]][int(r["start"]) : int(r["end"])], sub_name(r["label"]))
            for r in rows
        ]
    return dev, own


def featurize(pipe, texts: list[str]) -> list[tuple[list[str], object]]:
    """(features, the annotated Doc without the learned step) of each text."""
    from frontlines.pipeline import make_article

    ex = next(st for name, st in pipe.stages() if name == "extract")
    out = []
    for text in texts:
        doc = annotate_without_subtype(pipe, make_article(text))
        spans = [s for s in doc.spans if s.label in ("ACTOR", "CASUALTY")]
        out.append((features(doc.text, spans, ex.find_triggers(doc)), doc))
    return out


def annotate_without_subtype(pipe, article):
    from frontlines import clean

    doc = clean.clean(article)
    for name, stage in pipe.stages():
        if name != "subtype":
            stage(doc)
    return doc


def train(feats: list[list[str]], labels: list[str], l2: float = L2, epochs: int = EPOCHS, classes=None, weights=None, balance: float = BALANCE) -> SubtypeModel:
    """Multinomial logistic regression, full-batch gradient descent with Adam; example
    ``weights`` (our own labels count less than CASE's), classes weighted by
    (count)^-``balance`` (macro-F1 rewards the rare types)."""
    import numpy as np

    counts: dict[str, int] = {}
    for fs in feats:
        for f in fs:
            counts[f] = counts.get(f, 0) + 1
    vocab = sorted(f for f, c in counts.items() if c >= MIN_COUNT or f == "bias")
    index = {f: j for j, f in enumerate(vocab)}
    classes = classes or sorted(set(labels))
    cidx = {c: k for k, c in enumerate(classes)}
    n, d, K = len(feats), len(vocab), len(classes)
    X = np.zeros((n, d), dtype=np.float32)
    for i, fs in enumerate(feats):
        for f in fs:
            j = index.get(f)
            if j is not None:
                X[i, j] = 1.0
    Y = np.zeros((n, K), dtype=np.float32)
    for i, lab in enumerate(labels):
        Y[i, cidx[lab]] = 1.0
    w = np.ones(n, dtype=np.float32) if weights is None else np.asarray(weights, dtype=np.float32)
    freq = Y.sum(axis=0) + 1.0
    w = w * (Y @ (freq ** -balance)) * (n / (Y @ (freq ** -balance)).sum())
    Y = Y * w[:, None]
    W = np.zeros((d, K), dtype=np.float32)
    m = np.zeros_like(W)
    v = np.zeros_like(W)
    lr, b1, b2 = 0.05, 0.9, 0.999
    for t in range(1, epochs + 1):
        Z = X @ W
        Z -= Z.max(axis=1, keepdims=True)
        P = np.exp(Z)
        P /= P.sum(axis=1, keepdims=True)
        G = X.T @ (P * w[:, None] - Y) / n + l2 * W
        m = b1 * m + (1 - b1) * G
        v = b2 * v + (1 - b2) * G * G
        W -= lr * (m / (1 - b1**t)) / (np.sqrt(v / (1 - b2**t)) + 1e-8)
    return SubtypeModel(classes, {f: [float(x) for x in W[j]] for f, j in index.items()})


def fold_of(key: str, k: int) -> int:
    return zlib.crc32(key.encode()) % k


def heldout(key: str) -> bool:
    """One in five of our own labels is held out (by a hash of its reference)."""
    return int(hashlib.sha1(key.encode()).hexdigest(), 16) % 5 == 0


def predict_snippets(pipe, docs, model, th) -> list[str]:
    """The benchmark's answer (main event's sub-event type) for each annotated doc, with
    ``model`` and thresholds ``th`` applied to copies of its mentions."""
    import copy

    from frontlines.assemble import build_events, main_event
    from frontlines.subtype import Subtyper

    ex = next(st for name, st in pipe.stages() if name == "extract")
    sub = Subtyper(ex, {"subtype": th}, model)
    out = []
    for doc in docs:
        d = copy.copy(doc)
        d.mentions = [copy.copy(m) for m in doc.mentions]
        if model is not None:
            sub(d)
        ev = main_event(build_events(doc.article.article_id, d.mentions, float(pipe.thresholds["dedupe"]["same_place_km"])))
        out.append(ev.sub_event_type if ev else NON_CONFLICT)
    return out


def grid():
    for margin in (1.1, 0.0, 0.1, 0.2, 0.3):
        for over in (1.1, 0.5, 0.6, 0.7, 0.8, 0.9):
            for drop in (1.1, 0.6, 0.7, 0.8, 0.9):
                yield {"rerank_margin": margin, "override_p": over, "drop_p": drop}


def cross_validate(k: int, l2: float, use_own: bool, quick: bool = False, own_weight: float = OWN_WEIGHT, balance: float = BALANCE) -> None:
    """k-fold CV by snippet on CASE dev, our own labels folded the same way: each fold's
    model is trained on the other folds of both, and the rule+model combinations of
    ``grid`` are scored on the held-out fold of each. The rules were tuned on CASE dev (its
    figure flatters them); our own labels were not used to tune them, so the combination
    is chosen on the mean of the two."""
    import frontlines
    from common import macro_f1

    dev, own = examples()
    if not use_own:
        own = []
    pipe = frontlines.Pipeline()
    fd = featurize(pipe, [t for _, t, _ in dev])
    fo = featurize(pipe, [t for _, t, _ in own])
    gold = [lab for _, _, lab in dev]
    ogold = [lab for _, _, lab in own]
    labels = sorted(CODES.values())
    classes = sorted({lab for _, _, lab in dev + own})
    settings = list(grid())
    preds = {i: [None] * len(dev) for i in range(len(settings))}
    opreds = {i: [None] * len(own) for i in range(len(settings))}
    clf_only, oclf = [None] * len(dev), [None] * len(own)
    for f in range(k):
        tr = [i for i, (key, _, _) in enumerate(dev) if fold_of(key, k) != f]
        te = [i for i, (key, _, _) in enumerate(dev) if fold_of(key, k) == f]
        otr = [i for i, (key, _, _) in enumerate(own) if fold_of(key, k) != f]
        ote = [i for i, (key, _, _) in enumerate(own) if fold_of(key, k) == f]
        X = [fd[i][0] for i in tr] + [fo[i][0] for i in otr]
        Y = [gold[i] for i in tr] + [ogold[i] for i in otr]
        model = train(X, Y, l2, classes=classes, weights=[1.0] * len(tr) + [own_weight] * len(otr), balance=balance)
        for idx, feats, out in ((te, fd, clf_only), (ote, fo, oclf)):
            for i in idx:
                p = model.proba(feats[i][0])
                out[i] = max(p, key=p.get)
        if quick:
            continue
        for s, th in enumerate(settings):
            for i, pr in zip(te, predict_snippets(pipe, [fd[i][1] for i in te], model, th)):
                preds[s][i] = pr
            for i, pr in zip(ote, predict_snippets(pipe, [fo[i][1] for i in ote], model, th)):
                opreds[s][i] = pr
    base = macro_f1(gold, predict_snippets(pipe, [d for _, d in fd], None, {}), labels)[0]
    print(f"CASE dev: rules alone (tuned on dev: optimistic) {base:.3f}; classifier alone, {k}-fold CV {macro_f1(gold, clf_only, labels)[0]:.3f}")
    if own:
        obase = macro_f1(ogold, predict_snippets(pipe, [d for _, d in fo], None, {}), labels)[0]
        print(f"own labels ({len(own)}): rules alone {obase:.3f}; classifier alone, {k}-fold CV {macro_f1(ogold, oclf, labels)[0]:.3f}")
    if quick:
        return
    scored = []
    for s in range(len(settings)):
        a = macro_f1(gold, preds[s], labels)[0]
        b = macro_f1(ogold, opreds[s], labels)[0] if own else a
        scored.append(((a + b) / 2, a, b, s))
    scored.sort(reverse=True)
    print("mean  case-dev-cv  own-cv  setting")
    for m, a, b, s in scored[:15]:
        print(f"{m:.3f} {a:.3f} {b:.3f} {settings[s]}")


def score_heldout(l2: float) -> None:
    import frontlines

    dev, own = examples()
    pipe = frontlines.Pipeline()
    tr = [e for e in own if not heldout(e[0])]
    te = [e for e in own if heldout(e[0])]
    fd = featurize(pipe, [t for _, t, _ in dev + tr])
    ft = featurize(pipe, [t for _, t, _ in te])
    model = train([f for f, _ in fd], [lab for _, _, lab in dev + tr], l2)
    hits = 0
    for (fs, _), (_, _, lab) in zip(ft, te):
        p = model.proba(fs)
        hits += max(p, key=p.get) == (NON_CONFLICT if lab.startswith(NC_PREFIX) else lab)
    print(f"held-out own labels: {hits}/{len(te)} = {hits / max(1, len(te)):.3f} (classifier alone)")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cv", type=int, default=0)
    ap.add_argument("--heldout", action="store_true")
    ap.add_argument("--l2", type=float, default=L2)
    ap.add_argument("--no-own", action="store_true", help="CV on CASE dev labels only")
    ap.add_argument("--quick", action="store_true", help="CV of the classifier alone")
    ap.add_argument("--own-weight", type=float, default=OWN_WEIGHT)
    ap.add_argument("--balance", type=float, default=BALANCE)
    args = ap.parse_args()
    if not (DATA / "case2021" / "dev.tsv").exists():
        print(f"training data not found under {DATA} (set FRONTLINES_DATA); nothing rebuilt", file=sys.stderr)
        return
    random.seed(0)
    if args.cv:
        cross_validate(args.cv, args.l2, not args.no_own, args.quick, args.own_weight, args.balance)
        return
    if args.heldout:
        score_heldout(args.l2)
        return
    import frontlines

    dev, own = examples()
    pipe = frontlines.Pipeline()
    fx = featurize(pipe, [t for _, t, _ in dev + own])
    model = train([f for f, _ in fx], [lab for _, _, lab in dev + own], args.l2)
    model.save()
    print(f"trained on {len(dev)} CASE dev + {len(own)} own labels, {len(model.weights)} features -> {SubtypeModel.__module__}")


if __name__ == "__main__":
    main()
