"""Learned sub-event classifier beside the trigger rules (issue 12).

A linear model (``learn``: hashed word 1-2-grams) plus named extras gives a probability for
each ACLED sub-event type and for "no conflict event". The extras: what the annotators found
(trigger sub-types, actor kinds and inter codes, casualty kinds), word stems, the cue groups
of data/subtype_cues.yaml and their pairs (protest + lethal force, who gained ground), and
what the rules decided about the sentence (``context``: the trigger resolver's pick and the
reportable-event verdict). The extractor asks it about each sentence that holds triggers
(only those: the cost stays small): ``refine`` keeps the rules' pick unless the model is
confident of another type or of no conflict event, ``keep`` brings back a sentence the
reportable check dropped when the model is sure of a conflict type, ``rescue`` one whose
triggers the rules all set aside (thresholds.toml [subtype]).

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


def context(rule_pick: str | None, verdict=None) -> dict[str, float]:
    """The rules' findings on a sentence, as features: the sub-event type the trigger
    resolver picked ("none": it set every trigger aside) and, when it picked one, the
    reportable-event verdict ("keep", or the rule or "model" that dropped it)."""
    if rule_pick is None:
        return {"r=none": 1.0}
    out = {"r=" + rule_pick: 1.0}
    if verdict is not None:
        out["rep=" + ("keep" if verdict.keep else str(verdict.reason))] = 1.0
    return out


class _Cues:
    """The cue groups of data/subtype_cues.yaml, compiled once (``cue_features``)."""

    def __init__(self) -> None:
        import re
        from pathlib import Path

        from .datafiles import read_yaml_file

        data = read_yaml_file(Path(__file__).parent / "data" / "subtype_cues.yaml")
        self.groups = [(g, re.compile(r"\b(?:" + "|".join(ps) + r")\b")) for g, ps in data["groups"].items()]
        # every position where some group's cue starts, in one pass (zero-width, so cues
        # that overlap are all found); each group is then tried at those positions only
        every = [p for ps in data["groups"].values() for p in ps]
        self.starts = re.compile(r"(?=\b(?:" + "|".join(every) + r")\b)")
        self.pairs = [tuple(p) for p in data.get("pairs", [])]
        self.agent_of = set(data.get("agent_of", []))


_CUES: _Cues | None = None


def cue_features(text: str, spans: Iterable = ()) -> dict[str, float]:
    """The cue groups a sentence holds ("q=protest"), the listed pairs of them it holds
    ("q=protest+lethal"), and for ``agent_of`` groups the kind of the actor named last
    before the cue ("q=gain@state"; "@none" when none is)."""
    global _CUES
    if _CUES is None:
        _CUES = _Cues()
    low = text.lower()
    hits: dict[str, int] = {}
    for m in _CUES.starts.finditer(low):
        q = m.start()
        for g, pat in _CUES.groups:  # the first position a group matches at: its search()
            if g not in hits and pat.match(low, q):
                hits[g] = q
    out = {"q=" + g: 1.0 for g in hits}
    for a, b in _CUES.pairs:
        if a in hits and b in hits:
            out[f"q={a}+{b}"] = 1.0
    if hits.keys() & _CUES.agent_of:
        actors = [s for s in spans if s.label == "ACTOR"]
        for g in _CUES.agent_of & hits.keys():
            before = [s for s in actors if s.end <= hits[g]]
            out[f"q={g}@{before[-1].attrs.get('kind') if before else 'none'}"] = 1.0
    return out


def sentence_extras(text: str, spans: Iterable = (), triggers: Iterable = (), ctx: dict | None = None) -> dict[str, float]:
    """Every named feature of a sentence (or a short text): ``extras``, ``cue_features``
    and the rules' ``context`` when given."""
    from .learn import tokens

    spans = list(spans)
    out = extras(tokens(text), spans, triggers)
    out.update(cue_features(text, spans))
    if ctx:
        out.update(ctx)
    return out


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

    def proba(self, sentence: str, spans: Iterable, triggers: Iterable, ctx: dict | None = None) -> dict[str, float]:
        """P(type) of a sentence, from its text, ACTOR/CASUALTY spans, trigger spans and
        the rules' ``context``."""
        key = (sentence, tuple(ctx or ()))
        p = self._memo.get(key)
        if p is None:
            if len(self._memo) > 512:  # one article's sentences, a few articles back
                self._memo.clear()
            model = self.model
            spans = [x for x in spans if x.label in ("ACTOR", "CASUALTY")]
            p = dict(zip(model.classes, model.proba(sentence, sentence_extras(sentence, spans, triggers, ctx)).tolist()))
            self._memo[key] = p
        return p

    def rescue(self, sentence: str, spans: list, triggers: list, sub_events: dict):
        """A sentence whose triggers the rules all set aside (a cue, a nesting): the
        trigger of the model's type when the model gives it ``rescue_p``, else None. Not
        scored at all while ``rescue_p`` is above 1."""
        if self.th.get("rescue_p", 1.1) > 1.0 or not self.active:
            return None
        p = self.proba(sentence, spans, triggers, context(None))
        best = max(p, key=p.get)
        for t in triggers:
            if t.attrs["sub_event"] == best and p[best] >= self.th["rescue_p"]:
                return t, sub_events[best]
        return None

    def keep(self, sentence: str, spans: list, triggers: list, chosen, sub_events: dict, ctx: dict | None = None):
        """A sentence the reportable-event check dropped: kept, with the model's type, when
        the model gives a conflict type ``keep_p`` or more; else None. Not scored while
        ``keep_p`` is above 1."""
        if self.th.get("keep_p", 1.1) > 1.0 or not self.active:
            return None
        p = self.proba(sentence, spans, triggers, ctx)
        best = max(p, key=p.get)
        if best == NON_CONFLICT or best not in sub_events or p[best] < self.th["keep_p"]:
            return None
        t, sub = chosen
        if best == sub.name:
            return chosen
        by_sub = {x.attrs["sub_event"]: x for x in reversed(triggers)}
        return by_sub.get(best, t), sub_events[best]

    def refine(self, sentence: str, spans: list, triggers: list, chosen, sub_events: dict, ctx: dict | None = None):
        """The rules' ``chosen`` (trigger, sub-event) of a sentence after the model's check:
        the same, another type (with its trigger when the sentence holds one), or None (no
        conflict event)."""
        if not self.active:
            return chosen
        p = self.proba(sentence, spans, triggers, ctx)
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
