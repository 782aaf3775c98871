"""Rebuild the learned sub-event classifier (src/frontlines/data/models/subtype.json.gz).

    PYTHONPATH=src python training/train_subtype.py            # train on every label, write the model
    PYTHONPATH=src python training/train_subtype.py --cv 5     # CASE dev cross-validation + grid
    PYTHONPATH=src python training/train_subtype.py --heldout  # score on the held-out part of our labels

Labels are references into ../shared/data (never its text): training/labels/subtype_*.csv.
  subtype_case2021_dev.csv  id,label   - CASE 2021 dev's own labels (the dataset's annotators)
  subtype_ucdp.csv          id,label   - UCDP GED rows' source_headline, labelled by us
  subtype_fakes.csv         unit_id,start,end,label - FA-KES article sentences, labelled by us
  subtype_news_*.csv        corpus,doc,start,end,label - news sentences labelled by us: offsets
                            into the text that corpora.documents yields for the doc (corpora
                            gwn, trnews, lgl, wikievents, fakes, ucdp)
A label is a CASE 2021 code (AIR_STRIKE, ...) or NON_CONFLICT; "-" rows are read and skipped
(a total over days, a headline with no single incident). Without the data the script says so
and exits 0. Needs numpy (training only; the package reads the weights in pure Python).
"""

from __future__ import annotations

import argparse
import collections
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

from frontlines import learn  # noqa: E402
from frontlines.subtype import MODEL_NAME, NON_CONFLICT, sentence_extras  # noqa: E402

L2 = 3e-4  # per-example L2 penalty; chosen by CV (see --cv, BENCHMARKS.md subtype)
SETTINGS: list[dict] = []  # --settings: combinations to score instead of ``grid``
OWN_WEIGHT = 0.2  # weight of one of our own labels relative to a CASE dev label (chosen by CV)


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


NEWS_CORPORA = ("gwn", "trnews", "lgl", "wikievents", "fakes", "ucdp")


def news_labels() -> list[dict]:
    """The rows of every training/labels/subtype_news_*.csv."""
    rows = []
    for path in sorted(LABELS.glob("subtype_news_*.csv")):
        rows += read_labels(path.name)
    return rows


def news_texts(rows: list[dict]) -> dict[tuple[str, str], str]:
    """(corpus, doc) -> the text corpora.documents yields for it, for the docs ``rows`` name."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from corpora import documents

    want: dict[str, set[str]] = {}
    for r in rows:
        want.setdefault(r["corpus"], set()).add(r["doc"])
    out = {}
    for corpus, docs in want.items():
        assert corpus in NEWS_CORPORA, corpus
        for _, doc, art, _ in documents(DATA, (corpus,)):
            if doc in docs:
                out[corpus, doc] = art.text
    return out


def group_of(key: str) -> str:
    """The unit kept whole in one fold: a document (its labelled sentences together)."""
    if key.startswith("news:"):
        return key.rsplit(":", 1)[0]
    return key


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
    rows = news_labels()
    if rows:
        texts = news_texts(rows)
        own += [
            (f"news:{r['corpus']}:{r['doc']}:{r['start']}", texts[r["corpus"], r["doc"]][int(r["start"]) : int(r["end"])], sub_name(r["label"]))
            for r in rows
        ]
    return dev, own


def featurize(pipe, texts: list[str]) -> list[tuple[str, dict, object]]:
    """(cleaned text, named extras, the Doc annotated up to the extractor) of each text."""
    from frontlines.pipeline import make_article

    ex = extractor(pipe)
    out = []
    for text in texts:
        doc = before_extract(pipe, make_article(text))
        spans = [s for s in doc.spans if s.label in ("ACTOR", "CASUALTY")]
        ctx: dict[str, float] = {}  # the rules' findings on each trigger sentence, as at run time
        for _, _, c in ex.sentence_views(doc).values():
            ctx.update(c)
        out.append((doc.text, sentence_extras(doc.text, spans, ex.find_triggers(doc), ctx), doc))
    return out


def extractor(pipe):
    return next(st for name, st in pipe.stages() if name == "extract")


def before_extract(pipe, article):
    """The Doc after the stages before the extractor (cleaned, segmented, annotated)."""
    from frontlines import clean

    doc = clean.clean(article)
    for name, stage in pipe.stages():
        if name == "extract":
            break
        stage(doc)
    return doc


FEATURIZER = learn.Featurizer(n_bits=18, word_ngrams=(1, 2))


def train(rows: list[tuple[str, dict, object]], labels: list[str], weights: list[float], l2: float = L2, classes=None):
    """learn.train over the texts and extras, classes balanced, our own labels weighted."""
    return learn.train(
        FEATURIZER, [r[0] for r in rows], labels, extras=[r[1] for r in rows], classes=classes, l2=l2,
        class_weight="balanced", sample_weight=weights, meta={"model": MODEL_NAME},
    )


def fold_of(key: str, k: int) -> int:
    return zlib.crc32(group_of(key).encode()) % k


def heldout(key: str) -> bool:
    """One in five of our own labels is held out (by a hash of its reference)."""
    return int(hashlib.sha1(group_of(key).encode()).hexdigest(), 16) % 5 == 0


def predict_snippets(pipe, docs, model, th) -> list[str]:
    """The benchmark's answer (main event's sub-event type) for each Doc annotated up to
    the extractor, running the extractor (with ``model`` and thresholds ``th``; model None:
    the rules alone) and the rest of the pipeline's stages on a copy."""
    import copy

    from frontlines.assemble import build_events, main_event

    ex = extractor(pipe)
    saved = ex.subtyper.model, ex.subtyper.th
    ex.subtyper.model, ex.subtyper.th = model, dict(th, enabled=model is not None)
    after = [st for name, st in pipe.stages()][[name for name, _ in pipe.stages()].index("extract") :]
    out = []
    try:
        for doc in docs:
            d = copy.copy(doc)
            d.mentions = []
            for stage in after:
                stage(d)
            ev = main_event(build_events(d.article.article_id, d.mentions, float(pipe.thresholds["dedupe"]["same_place_km"])))
            out.append(ev.sub_event_type if ev else NON_CONFLICT)
    finally:
        ex.subtyper.model, ex.subtyper.th = saved
    return out


def grid():
    """The combinations scored by --cv: how far the model's pick replaces the rules'
    (candidate_p / override_p; 0: the model's pick always), when it drops a sentence
    (drop_p), keeps one the reportable check dropped (keep_p) and brings back one whose
    triggers the rules set aside (rescue_p); above 1: never."""
    for cand, over in ((0.0, 0.0), (0.3, 0.4), (0.5, 0.7), (0.8, 0.8), (1.1, 1.1)):
        for keep in (0.3, 0.6, 1.1):
            yield {"candidate_p": cand, "override_p": over, "drop_p": 0.7, "keep_p": keep, "rescue_p": 0.6}
    for drop in (0.5, 1.1):
        for rescue in (0.6, 1.1):
            for cand, over in ((0.0, 0.0), (0.5, 0.7)):
                yield {"candidate_p": cand, "override_p": over, "drop_p": drop, "keep_p": 0.6, "rescue_p": rescue}


def cross_validate(k: int, l2: float, use_own: bool, quick: bool = False, own_weight: float = OWN_WEIGHT) -> None:
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
    settings = list(grid()) if not SETTINGS else SETTINGS
    preds = {i: [None] * len(dev) for i in range(len(settings))}
    opreds = {i: [None] * len(own) for i in range(len(settings))}
    clf_only, oclf = [None] * len(dev), [None] * len(own)
    for f in range(k):
        tr = [i for i, (key, _, _) in enumerate(dev) if fold_of(key, k) != f]
        te = [i for i, (key, _, _) in enumerate(dev) if fold_of(key, k) == f]
        otr = [i for i, (key, _, _) in enumerate(own) if fold_of(key, k) != f]
        ote = [i for i, (key, _, _) in enumerate(own) if fold_of(key, k) == f]
        X = [fd[i] for i in tr] + [fo[i] for i in otr]
        Y = [gold[i] for i in tr] + [ogold[i] for i in otr]
        model = train(X, Y, [1.0] * len(tr) + [own_weight] * len(otr), l2, classes=classes)
        for idx, feats, out in ((te, fd, clf_only), (ote, fo, oclf)):
            for i in idx:
                out[i] = model.predict(feats[i][0], feats[i][1])
        if quick:
            continue
        for idx, feats, out in ((te, fd, preds), (ote, fo, opreds)):
            docs = [feats[i][2] for i in idx]
            for s, th in enumerate(settings):
                for i, pr in zip(idx, predict_snippets(pipe, docs, model, th)):
                    out[s][i] = pr
    base = macro_f1(gold, predict_snippets(pipe, [r[2] for r in fd], None, {}), labels)[0]
    print(f"CASE dev: rules alone (tuned on dev: optimistic) {base:.3f}; classifier alone, {k}-fold CV {macro_f1(gold, clf_only, labels)[0]:.3f}")
    if own:
        obase = macro_f1(ogold, predict_snippets(pipe, [r[2] for r in fo], None, {}), labels)[0]
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
    for m, a, b, s in scored[:40]:
        print(f"{m:.3f} {a:.3f} {b:.3f} {settings[s]}")
    best = scored[0][3]
    rules = predict_snippets(pipe, [r[2] for r in fd], None, {})
    orules = predict_snippets(pipe, [r[2] for r in fo], None, {}) if own else []
    for name, g, c, q in (("CASE dev", gold, clf_only, preds[best]), ("own", ogold, oclf, opreds[best])):
        if not g:
            continue
        lost = collections.Counter("none" if y == NON_CONFLICT else "other type" for x, y, z in zip(g, q, c) if z == x != y)
        won = sum(1 for x, y, z in zip(g, q, c) if y == x != z)
        print(f"{name}: best setting wrong where the classifier alone is right: {dict(lost)}; right where it is wrong: {won}")
    print(f"per type F1 (CASE dev: rules / classifier CV / best setting CV; own: the same) [n CASE, n own]")
    tables = [macro_f1(gold, p, labels)[1] for p in (rules, clf_only, preds[best])]
    otables = [macro_f1(ogold, p, labels)[1] for p in (orules, oclf, opreds[best])] if own else tables
    for lab in labels:
        print(f"  {lab[:34]:34s} " + " ".join(f"{t[lab][2]:.2f}" for t in tables) + "  |  "
              + " ".join(f"{t[lab][2]:.2f}" for t in otables) + f"  [{tables[0][lab][3]}, {otables[0][lab][3]}]")


def score_heldout(l2: float, own_weight: float) -> None:
    """Train on CASE dev and four fifths of our own labels; score the held-out fifth."""
    import frontlines
    from common import macro_f1

    dev, own = examples()
    pipe = frontlines.Pipeline()
    tr = [e for e in own if not heldout(e[0])]
    te = [e for e in own if heldout(e[0])]
    fx = featurize(pipe, [t for _, t, _ in dev + tr])
    ft = featurize(pipe, [t for _, t, _ in te])
    model = train(fx, [lab for _, _, lab in dev + tr], [1.0] * len(dev) + [own_weight] * len(tr), l2)
    gold = [lab for _, _, lab in te]
    pred = [model.predict(r[0], r[1]) for r in ft]
    rules = predict_snippets(pipe, [r[2] for r in ft], None, {})
    th = thresholds()
    comb = predict_snippets(pipe, [r[2] for r in ft], model, th)
    labels = sorted(CODES.values())
    acc = lambda p: sum(g == q for g, q in zip(gold, p)) / len(gold)  # noqa: E731
    print(f"held-out fifth of our own labels ({len(te)}): accuracy / macro-F1 over the types present")
    for name, p in (("classifier alone", pred), ("rules alone", rules), ("rules + classifier (shipped thresholds)", comb)):
        print(f"  {name}: {acc(p):.3f} / {macro_f1(gold, p, labels)[0]:.3f}")


def thresholds() -> dict:
    from frontlines.extract import load_thresholds

    return load_thresholds().get("subtype", {})


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cv", type=int, default=0)
    ap.add_argument("--heldout", action="store_true")
    ap.add_argument("--l2", type=float, default=L2)
    ap.add_argument("--no-own", action="store_true", help="CV on CASE dev labels only")
    ap.add_argument("--quick", action="store_true", help="CV of the classifier alone")
    ap.add_argument("--own-weight", type=float, default=OWN_WEIGHT)
    ap.add_argument("--settings", help="JSON list of [subtype] settings to score instead of the grid")
    args = ap.parse_args()
    if not (DATA / "case2021" / "dev.tsv").exists():
        print(f"training data not found under {DATA} (set FRONTLINES_DATA); nothing rebuilt", file=sys.stderr)
        return
    random.seed(0)
    if args.settings:
        import json

        SETTINGS.extend(json.loads(args.settings))
    if args.cv:
        cross_validate(args.cv, args.l2, not args.no_own, args.quick, args.own_weight)
        return
    if args.heldout:
        score_heldout(args.l2, args.own_weight)
        return
    import frontlines

    dev, own = examples()
    pipe = frontlines.Pipeline()
    fx = featurize(pipe, [t for _, t, _ in dev + own])
    model = train(fx, [lab for _, _, lab in dev + own], [1.0] * len(dev) + [args.own_weight] * len(own), args.l2)
    path = model.save(learn.model_path(MODEL_NAME))
    print(f"trained on {len(dev)} CASE dev + {len(own)} own labels: {path} ({path.stat().st_size // 1024} KB)")


if __name__ == "__main__":
    main()
