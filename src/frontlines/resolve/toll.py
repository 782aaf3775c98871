"""The toll resolver: the fatalities of a mention, from the 'killed' CASUALTY spans of its
sentence or, when it counts none, of the next sentences that continue its report."""

from __future__ import annotations

from ..records import Doc, Sentence, Span


def killed_spans(doc: Doc, i: int, sent: Sentence, spans: list[Span], spans_by_sentence: dict[int, list[Span]], lookahead: int) -> list[Span]:
    """The 'killed' CASUALTY spans of sentence ``i``; when it has none, those of the first
    of the next ``lookahead`` sentences of its paragraph that has some ("The strike hit a
    market. Twelve people died."), stopping at a sentence with a trigger of its own."""
    killed = [c for c in spans if c.label == "CASUALTY" and c.attrs.get("kind") == "killed"]
    if killed:
        return killed
    for j in range(i + 1, min(i + 1 + lookahead, len(doc.sentences))):
        if doc.sentences[j].paragraph != sent.paragraph:
            break
        nxt = spans_by_sentence.get(j, [])
        if any(s.label == "TRIGGER" for s in nxt):
            break
        killed = [c for c in nxt if c.label == "CASUALTY" and c.attrs.get("kind") == "killed"]
        if killed:
            break
    return killed


def fatalities(killed: list[Span]) -> tuple[int, int, int, str | None]:
    """Conservative figure and range from the 'killed' phrases of one sentence: different
    victim groups add up ("5 civilians and 3 fighters"), repeated figures for the same
    group are a range and the lowest is kept (SPEC fatality rules).

    Returns ``(low, value, high, evidence text)``; ``(0, 0, 0, None)`` without a phrase."""
    if not killed:
        return 0, 0, 0, None
    groups: dict[str, list[Span]] = {}
    for k in killed:
        groups.setdefault(str(k.attrs.get("victims") or "people"), []).append(k)
    general = {"people", "None", "civilians"}
    # a general toll ("12 people, including 5 children") already includes the subgroups
    if len(groups) > 1 and any(g in general for g in groups):
        subsets = [g for g in groups if g not in general]
        totals = [g for g in groups if g in general]
        if len(totals) == 1 or subsets:
            groups = {g: v for g, v in groups.items() if g in totals} or groups
    low = value = high = 0
    for spans in groups.values():
        low += min(int(s.attrs.get("low", s.attrs.get("value", 0))) for s in spans)
        value += min(int(s.attrs.get("value", 0)) for s in spans)
        high += max(int(s.attrs.get("high", s.attrs.get("value", 0))) for s in spans)
    text = "; ".join(k.text for k in killed)
    return low, value, max(high, value), text
