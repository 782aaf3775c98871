"""Propose sentences to label for the sub-event classifier (a helper for the labeller).

Splits each document of a corpus of ../shared/data into sentences (character offsets into
the document's text field), keeps those with a word of political violence, protest or
their absence (the classifier must learn "no conflict event" too), and prints each with its
reference ``corpus doc start end``. The labeller reads the sentence, in its article when
needed, and writes ``corpus,doc,start,end,label`` into training/labels/subtype_news.csv;
this script writes nothing into the repository.

  python training/propose_subtype.py gwn --limit 400 --seed 1 > /tmp/cands.txt
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpora import data_dir, documents  # noqa: E402

# A sentence ends at . ! ? (and a closing quote) before a capital, at a line break, or at
# "word.Word" (WikiEvents lost the spaces between some sentences).
SENTENCE_END = re.compile(r"(?<=[.!?])[\"'”’]?\s+(?=[\"“(A-Z0-9])|\n+|(?<=[a-z]{2}[.!?])(?=[A-Z][a-z])")
# Words that make a sentence worth labelling: violence, protest, arrest, territory, agreements.
CUE = re.compile(
    r"\b(kill|dead|death|died|wound|injur|attack|bomb|blast|explo|shell|rocket|missile|mortar|strike|"
    r"air ?raid|drone|gun|shot|shoot|fire[ds]?\b|clash|fight|battle|troops|soldier|militant|rebel|insurgent|"
    r"police|protest|demonstrat|rall(y|ied)|march|riot|mob|lynch|tear ?gas|baton|arrest|detain|abduct|"
    r"kidnap|hostage|rape|sexual|loot|torch|set ablaze|vandal|seiz|captur|recaptur|retak|took control|"
    r"withdr|handed over|ceasefire|truce|agreement|deal|accord|surrender|defect|base|headquarters|"
    r"grenade|landmine|IED|suicide|chemical|chlorine|sarin|defus|weapons cache|ambush|raid|massacre)",
    re.I,
)
MIN_CHARS, MAX_CHARS = 30, 600
# A full stop after these is not a sentence end ("Mr. Smith", "Gen. Haftar").
ABBREVIATION = re.compile(r"\b(Mr|Mrs|Ms|Dr|Gen|Lt|Col|Maj|Capt|Sgt|Gov|Sen|Rep|Rev|Prof|St|Mt|No|U\.S|U\.N|Jr|Sr|Inc|Co)\.$")


def sentences(text: str):
    """(start, end) of each sentence of ``text``."""
    start = 0
    for m in SENTENCE_END.finditer(text):
        if "\n" not in m.group() and ABBREVIATION.search(text[start : m.start()]):
            continue
        yield start, m.start()
        start = m.end()
    yield start, len(text)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus", choices=["gwn", "trnews", "lgl", "wikievents", "ucdp", "fakes"])
    ap.add_argument("--limit", type=int, default=400)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--docs", help="only documents whose position/id is in this range, e.g. 0-99")
    ap.add_argument("--all", action="store_true", help="every sentence, not only those with a cue word")
    args = ap.parse_args()
    data = data_dir()
    if data is None:
        sys.exit("data not found: set FRONTLINES_DATA")
    lo, hi = (int(x) for x in args.docs.split("-")) if args.docs else (None, None)
    out = []
    for corpus, doc, art, _ in documents(data, (args.corpus,)):
        if lo is not None and doc.isdigit() and not lo <= int(doc) <= hi:
            continue
        for s, e in sentences(art.text):
            sent = art.text[s:e].strip()
            if MIN_CHARS <= len(sent) <= MAX_CHARS and (args.all or CUE.search(sent)):
                s += len(art.text[s:e]) - len(art.text[s:e].lstrip())
                out.append((corpus, doc, s, s + len(sent), " ".join(sent.split())))
    random.Random(args.seed).shuffle(out)
    for corpus, doc, s, e, sent in out[: args.limit]:
        print(f"{corpus} {doc} {s} {e} | {sent}")
    print(f"# {len(out)} candidate sentences, {min(len(out), args.limit)} printed", file=sys.stderr)


if __name__ == "__main__":
    main()
