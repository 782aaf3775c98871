"""Learned sub-event classifier beside the trigger rules (issue 12).

A linear model (``learn``: hashed word 1-2-grams) plus the annotators' own findings as named
extras (trigger sub-types, actor kinds and inter codes, casualty kinds, word stems) gives a
probability for each ACLED sub-event type and for "no conflict event". The extractor asks
``Subtyper.refine`` about each sentence that holds triggers (only those: the cost stays
small): it keeps the rules' pick unless the model is confident of another type or of no
conflict event, and may bring back a trigger the rules set aside (thresholds.toml
[subtype]).

The weights ship in data/models/subtype.npz (rebuilt by training/train_subtype.py) and are
read on first use, never at import.
"""

from __future__ import annotations

from typing import Iterable

NON_CONFLICT = "NON_CONFLICT"
MODEL_NAME = "subtype"
STEM_CHARS = 5  # a word's first letters as a crude stem ("shelled", "shelling" -> "shell")


def extras(text_words: Iterable[str], spans: Iterable = (), triggers: Iterable = ()) -> dict[str, float]:
    """Named features beside the hashed n-grams: 5-letter stems of long words, and what the
    annotators found (``spans``: ACTOR/CASUALTY spans; ``triggers``: TRIGGER spans)."""
    out = {"s=" + w[:STEM_CHARS]: 1.0 for w in text_words if len(w) > STEM_CHARS}
    for t in triggers:
        out["t=" + t.attrs["sub_event"]] = 1.0
    for s in spans:
        if s.label == "ACTOR":
            out[f"a={s.attrs.get('kind')}"] = 1.0
            out[f"i={s.attrs.get('inter')}"] = 1.0
        elif s.label == "CASUALTY":
            out[f"c={s.attrs.get('kind')}"] = 1.0
    return out


def sentence_extras(text: str, spans: Iterable = (), triggers: Iterable = ()) -> dict[str, float]:
    from .learn import tokens

    return extras(tokens(text), spans, triggers)


class Subtyper:
    """The model (loaded on first use) and its thresholds, applied by the extractor to each
    sentence with triggers (``refine``); scores are memoised per sentence text."""

    def __init__(self, thresholds: dict, model=None):
        self.th = dict(thresholds.get("subtype", {}))
        self._model = model
        self._loaded = model is not None
        self._memo: dict[str, dict[str, float]] = {}

    @property
    def model(self):
        if not self._loaded:
            from .learn import load_model, model_path

            self._model = load_model(MODEL_NAME) if model_path(MODEL_NAME).exists() else None
            self._loaded = True
        return self._model

    @model.setter
    def model(self, value) -> None:
        self._model, self._loaded, self._memo = value, True, {}

    @property
    def active(self) -> bool:
        return bool(self.th.get("enabled", True)) and self.model is not None

    def proba(self, sentence: str, spans: Iterable, triggers: Iterable) -> dict[str, float]:
        """P(type) of a sentence, from its text, ACTOR/CASUALTY spans and trigger spans."""
        p = self._memo.get(sentence)
        if p is None:
            if len(self._memo) > 512:  # one article's sentences, a few articles back
                self._memo.clear()
            model = self.model
            spans = [x for x in spans if x.label in ("ACTOR", "CASUALTY")]
            p = dict(zip(model.classes, model.proba(sentence, sentence_extras(sentence, spans, triggers)).tolist()))
            self._memo[sentence] = p
        return p

    def rescue(self, sentence: str, spans: list, triggers: list, sub_events: dict):
        """A sentence whose triggers the rules all set aside (a cue, a nesting): the
        trigger of the model's type when the model gives it ``rescue_p``, else None. Not
        scored at all while ``rescue_p`` is above 1 (the shipped setting)."""
        if self.th.get("rescue_p", 1.1) > 1.0 or not self.active:
            return None
        p = self.proba(sentence, spans, triggers)
        best = max(p, key=p.get)
        for t in triggers:
            if t.attrs["sub_event"] == best and p[best] >= self.th["rescue_p"]:
                return t, sub_events[best]
        return None

    def refine(self, sentence: str, spans: list, triggers: list, chosen, sub_events: dict):
        """The rules' ``chosen`` (trigger, sub-event) of a sentence after the model's check:
        the same, another type (with its trigger when the sentence holds one), or None (no
        conflict event)."""
        if not self.active:
            return chosen
        p = self.proba(sentence, spans, triggers)
        t, sub = chosen
        by_sub = {}
        for x in triggers:
            by_sub.setdefault(x.attrs["sub_event"], x)
        new = choose(sub.name, set(by_sub), p, self.th)
        if new == NON_CONFLICT:
            return None
        if new == sub.name or new not in sub_events:
            return chosen
        return by_sub.get(new, t), sub_events[new]


def choose(rule: str, candidates: set[str], p: dict[str, float], th: dict) -> str:
    """The sub-event type given the rules' pick, the sub-events whose triggers the sentence
    holds, and the model's probabilities: no event when the model gives that ``drop_p`` or
    more; another type when the model gives it ``override_p`` or more (``candidate_p`` when
    the sentence holds a trigger of it); else the rules' pick."""
    best = max(p, key=p.get)
    if best == rule:
        return rule
    if best == NON_CONFLICT:
        return NON_CONFLICT if p[best] >= th.get("drop_p", 1.1) else rule
    need = th.get("candidate_p", 1.1) if best in candidates else th.get("override_p", 1.1)
    return best if p[best] >= need else rule
