"""Learned sub-event classifier beside the trigger rules (issue 12).

A linear model over a sentence's words, word pairs and the annotators' own findings
(trigger sub-types, actor kinds and inter codes, casualty kinds) gives a probability for
each ACLED sub-event type and for "no conflict event". ``refine`` uses it after the
extractor: among the sub-events whose triggers the sentence holds it may prefer another
to the rules' pick, or replace the pick when it is confident (thresholds.toml [subtype]).
Only sentences that became mentions are scored, so the cost stays small.

The weights ship in data/models/subtype.json.gz (rebuilt by training/train_subtype.py) and
are read on first use, never at import.
"""

from __future__ import annotations

import gzip
import json
import math
import re
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Iterable

NON_CONFLICT = "NON_CONFLICT"
NC_PREFIX = "NC:"  # the model's non-conflict kinds (NC:DIPLO, NC:NATURAL_DISASTER, ...), summed up
MODEL_PATH = Path(__file__).parent / "data" / "models" / "subtype.json.gz"

_WORD = re.compile(r"[a-z]+(?:['-][a-z]+)*|\d+")


def words(text: str) -> list[str]:
    """Lower-cased word tokens, every number as one token (counts carry no sub-type)."""
    return ["<num>" if w[0].isdigit() else w for w in _WORD.findall(text.lower())]


def features(text: str, spans: Iterable = (), triggers: Iterable = ()) -> list[str]:
    """The model's features of ``text``: words, word pairs, 5-letter word stems, and what
    the annotators found in it (``spans``: ACTOR/CASUALTY spans; ``triggers``: TRIGGER spans
    with their ``sub_event``)."""
    ws = words(text)
    out = {"w=" + w for w in ws}
    out.update("s=" + w[:5] for w in ws if len(w) > 5)
    out.update(f"b={a}_{b}" for a, b in zip(ws, ws[1:]))
    for t in triggers:
        out.add("t=" + t.attrs["sub_event"])
    for s in spans:
        if s.label == "ACTOR":
            out.add(f"a={s.attrs.get('kind')}")
            out.add(f"i={s.attrs.get('inter')}")
        elif s.label == "CASUALTY":
            out.add(f"c={s.attrs.get('kind')}")
    out.add("bias")
    return sorted(out)


@dataclass
class SubtypeModel:
    """Multinomial logistic regression: ``weights[feature][k]`` for class ``classes[k]``."""

    classes: list[str]
    weights: dict[str, list[float]]

    @classmethod
    def load(cls, path: Path = MODEL_PATH) -> "SubtypeModel":
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            raw = json.load(fh)
        return cls(raw["classes"], raw["weights"])

    def save(self, path: Path = MODEL_PATH) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        raw = {"classes": self.classes, "weights": {f: [round(x, 3) for x in w] for f, w in sorted(self.weights.items())}}
        with gzip.GzipFile(path, "wb", mtime=0) as fh:  # mtime 0: the same weights give the same bytes
            fh.write(json.dumps(raw, separators=(",", ":")).encode("utf-8"))

    def proba(self, feats: Iterable[str]) -> dict[str, float]:
        """P(class | features), softmax of the summed weights; the non-conflict kinds
        summed into one NON_CONFLICT."""
        z = [0.0] * len(self.classes)
        for f in feats:
            w = self.weights.get(f)
            if w is not None:
                for k, x in enumerate(w):
                    z[k] += x
        top = max(z)
        e = [math.exp(x - top) for x in z]
        s = sum(e)
        out: dict[str, float] = {}
        for c, v in zip(self.classes, e):
            key = NON_CONFLICT if c.startswith(NC_PREFIX) else c
            out[key] = out.get(key, 0.0) + v / s
        return out


class Subtyper:
    """Holds the model (loaded on first use) and applies it to a Doc's mentions."""

    def __init__(self, extractor, thresholds: dict, model: SubtypeModel | None = None):
        self.extractor = extractor
        self.lexicon = extractor.lexicon
        self.th = thresholds.get("subtype", {})
        self._model = model

    @property
    def model(self) -> SubtypeModel | None:
        if self._model is None and MODEL_PATH.exists():
            self._model = SubtypeModel.load()
        return self._model

    @model.setter
    def model(self, value: SubtypeModel | None) -> None:
        self._model = value

    def __call__(self, doc) -> None:
        """Re-decide each mention's sub-event type (stage 5b), in place."""
        if not doc.mentions or not self.th.get("enabled", True):
            return
        model = self.model
        if model is None:
            return
        kept = []
        for m in doc.mentions:
            start, end = m.evidence.char_start, m.evidence.char_end
            sentence = doc.text[start:end]
            # the sentence's triggers before cancellation (offsets within the sentence)
            trig = self.extractor.find_triggers(SimpleNamespace(text=sentence))
            spans = [s for s in doc.spans if start <= s.start and s.end <= end and s.label in ("ACTOR", "CASUALTY")]
            p = model.proba(features(sentence, spans, trig))
            new = choose(m.sub_event_type, {t.attrs["sub_event"] for t in trig}, p, self.th)
            if new == NON_CONFLICT:
                continue
            if new != m.sub_event_type and new in self.lexicon.sub_events:
                m.sub_event_type = new
                m.event_type = self.lexicon.sub_events[new].event_type
            kept.append(m)
        doc.mentions = kept


def choose(rule: str, candidates: set[str], p: dict[str, float], th: dict) -> str:
    """The sub-event type given the rules' pick, the sub-events whose triggers the sentence
    holds, and the classifier's probabilities: the best-scored candidate when it beats the
    pick by ``rerank_margin``; any type (or no event) when the classifier gives it at least
    ``override_p`` (``drop_p`` for no event)."""
    best = max(p, key=p.get)
    if best == NON_CONFLICT:
        return NON_CONFLICT if p[best] >= th.get("drop_p", 1.1) else rule
    if best != rule and p[best] >= th.get("override_p", 1.1):
        return best
    cands = [c for c in candidates if c in p]
    if cands:
        top = max(cands, key=p.get)
        if top != rule and p[top] - p.get(rule, 0.0) >= th.get("rerank_margin", 1.1):
            return top
    return rule
