"""Propose sentences to label for the reportable-event model (a helper for the labeller).

Runs the pipeline's stages 2-5 on documents of ../shared/data (never the fakes_full dev
articles, never CASE test), keeps the sentences with an event trigger, and prints them with
their reference (corpus, doc, field, start, end), the article's date and title, and whether
today's extractor makes a mention of them. The labeller reads each sentence in its context
and writes the label into training/labels/reportable.csv by reference; this script writes
nothing into the repository.

  python training/propose_reportable.py fakes 40 --seed 1 > /tmp/cands.txt
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpora import data_dir, documents  # noqa: E402


def trigger_sentences(pipe, article):
    """(Doc, [(sentence index, triggers, has mention)]) of one article."""
    from frontlines import clean

    doc = clean.clean(article)
    extractor = None
    for name, stage in pipe.stages():
        if name == "extract":
            extractor = stage
            break
        stage(doc)
    stage(doc)
    mentioned = {m.evidence.char_start for m in doc.mentions}
    starts = [s.start for s in doc.sentences]
    import bisect

    by_sent: dict[int, list] = {}
    for t in extractor.find_triggers(doc):
        i = bisect.bisect_right(starts, t.start) - 1
        if i >= 0 and t.end <= doc.sentences[i].end:
            by_sent.setdefault(i, []).append(t.text)
    out = []
    for i, trig in sorted(by_sent.items()):
        s = doc.sentences[i]
        out.append((i, trig, doc.offsets.to_orig(s.start) in mentioned))
    return doc, out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus")
    ap.add_argument("n", type=int)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--skip", default="", help="file of doc ids already labelled")
    ap.add_argument("--jsonl", default=None, help="also write the candidates here (outside the repository)")
    ap.add_argument("--first", type=int, default=1, help="number of the first candidate shown")
    args = ap.parse_args()
    data = data_dir()
    if data is None:
        print("no ../shared/data: nothing to propose", file=sys.stderr)
        return 0
    from frontlines.pipeline import Pipeline

    pipe = Pipeline()
    docs = list(documents(data, (args.corpus,)))
    done = set(Path(args.skip).read_text().split()) if args.skip else set()
    docs = [d for d in docs if d[1] not in done]
    random.Random(args.seed).shuffle(docs)
    out = open(args.jsonl, "a", encoding="utf-8") if args.jsonl else None
    shown, n = 0, args.first
    for corpus, did, art, to_field in docs:
        if shown >= args.n:
            break
        doc, sents = trigger_sentences(pipe, art)
        if not sents:
            continue
        shown += 1
        print(f"=== {corpus} {did} published={art.published} title={art.title!r}")
        for i, trig, mention in sents:
            s = doc.sentences[i]
            o0, o1 = doc.offsets.to_orig(s.start), doc.offsets.to_orig(s.end)
            f0, a = to_field(o0)
            _, b = to_field(o1)
            key = f"{corpus}|{did}|{f0}|{a}|{b}"
            print(f"{n} s{i}{' M' if mention else ''} {s.text}")
            if out:
                out.write(json.dumps({"n": n, "key": key, "i": i, "mention": mention, "n_sent": len(doc.sentences)}) + "\n")
            n += 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
