"""The toll resolver: the fatalities of a mention, from the 'killed' CASUALTY spans of its
sentence or, when it counts none, of the next sentences that continue the same incident.

Only what the text ties to the incident counts: totals over a period or a war are kind
"total" (``annotate.numbers``) and never count; a toll from another sentence attaches only
to a violent sub-event, and only from a sentence that continues its report (no trigger of
its own, no "Separately, ..." opening a new incident)."""

from __future__ import annotations

import dataclasses
import functools
import re

from ..annotate.actors import load_data
from ..records import Doc, Sentence, Span

# ACLED's political-violence event types: only these take a toll from a following sentence
# ("The strike hit a market. Twelve people died."), and a protest met with lethal force
# ("Excessive force against protesters", under Protests); an agreement or a transfer of
# territory has no dead of its own unless its own sentence counts them.
VIOLENT_TYPES = frozenset({"Battles", "Explosions/Remote violence", "Violence against civilians", "Riots"})
VIOLENT_SUB_EVENTS = frozenset({"Excessive force against protesters"})
# Sub-events that ACLED's codebook defines without fatalities (a peaceful protest, an
# agreement, arrests, a base set up, a handover of ground, a group's change of activity):
# the dead named in their sentence belong to another incident ("the evacuation deal resumed
# days after a bombing killed more than 120 evacuees"), so they take no toll at all.
NO_FATALITY_SUB_EVENTS = frozenset({
    "Peaceful protest", "Agreement", "Arrests", "Headquarters or base established",
    "Non-violent transfer of territory", "Change to group/activity",
})
# Two figures of different victim groups this many characters apart or closer are one list
# ("12 soldiers, 9 militiamen"); farther apart, equal figures are one toll told twice (a
# headline fused with its lead: "SDF kills 23 Daesh militants ... killed 23 Daesh members").
LIST_GAP_CHARS = 30


@functools.lru_cache(maxsize=1)
def _new_incident_opener() -> re.Pattern:
    """The openers of a sentence that reports another incident (casualty_terms.yaml
    ``new_incident_openers``), loaded on first use."""
    words = [str(w) for d in load_data("casualty_terms.yaml") for w in d.get("new_incident_openers") or []]
    alts = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"^\W*(?:{alts})\b", re.I) if alts else re.compile(r"(?!)")


def opens_new_incident(sentence: str) -> bool:
    """Whether the sentence opens another incident ("Separately, 12 civilians were killed")."""
    return bool(_new_incident_opener().match(sentence))


def killed_spans(
    doc: Doc,
    i: int,
    sent: Sentence,
    spans: list[Span],
    spans_by_sentence: dict[int, list[Span]],
    lookahead: int,
    event_type: str | None = None,
    trigger_types: dict[int, set[str]] | None = None,
    sub_event: str | None = None,
    trigger: Span | None = None,
    triggers: list[Span] | None = None,
) -> list[Span]:
    """The 'killed' CASUALTY spans of sentence ``i``; when it has none, those of the first
    of the next ``lookahead`` sentences of its paragraph that has some ("The strike hit a
    market. Twelve people died.").

    A sub-event without fatalities (``NO_FATALITY_SUB_EVENTS``) takes none. Nothing is
    borrowed for a non-violent ``event_type`` (None: not known, borrowed), nor
    by a sentence that already counts a total ("the war has killed 400,000"), and the
    search stops at a sentence that reports something else: one with a trigger of another
    event type (``trigger_types``: sentence -> the event types of its triggers; or a TRIGGER
    span) or one that opens another incident ("Separately, ..."). A trigger of the same
    type continues the report ("Blast kills 40 in depot. The explosion ripped through...").

    A sentence that lists several incidents, each figure with its own (``triggers``), gives
    the mention of ``trigger`` only the figure of its clause (``incident_clause``)."""
    if sub_event in NO_FATALITY_SUB_EVENTS:
        return []
    own = [c for c in spans if c.label == "CASUALTY"]
    killed = [c for c in own if c.attrs.get("kind") == "killed"]
    if killed:
        clause = incident_clause(doc.text, killed, trigger, triggers or ())
        return clause if clause is not None else killed
    violent = event_type is None or event_type in VIOLENT_TYPES or sub_event in VIOLENT_SUB_EVENTS
    if not violent or any(c.attrs.get("kind") == "total" for c in own):
        return []
    for j in range(i + 1, min(i + 1 + lookahead, len(doc.sentences))):
        if doc.sentences[j].paragraph != sent.paragraph:
            break
        nxt = spans_by_sentence.get(j, [])
        types = (trigger_types or {}).get(j)
        other_report = (types is not None and event_type not in types) or any(s.label == "TRIGGER" for s in nxt)
        if other_report or opens_new_incident(doc.sentences[j].text):
            break
        casualties = [c for c in nxt if c.label == "CASUALTY"]
        killed = [c for c in casualties if c.attrs.get("kind") == "killed"]
        if killed:
            return killed
        if any(c.attrs.get("kind") == "total" for c in casualties):
            break  # the report moved on to totals
    return []


# Words between two figures that end the first one's clause ("..., 19 more were killed in
# a suicide attack while shelling killed 16"): a comma, a semicolon, "and", "while", "as".
CLAUSE_BREAK = re.compile(r"[,;]|\b(?:and|while|as|whereas|but)\b", re.I)


def _figure_first(k: Span) -> bool:
    """Whether a 'killed' phrase opens with its count ("19 more were killed", "at least 16
    others had died"), so that the incident it counts is told after it; a verb-first
    phrase ("killing five civilians", "killed 12 villagers") follows its incident."""
    count = str(k.attrs.get("count_text") or "").lower()
    return bool(count) and k.text.lower().startswith(count)


def incident_clause(text: str, killed: list[Span], trigger: Span | None, triggers) -> list[Span] | None:
    """The 'killed' phrase of ``trigger``'s clause when the sentence lists several
    incidents with a toll each ("more than 50 troops were summarily executed, 19 more were
    killed in a double suicide attack and at least 16 others had died in the assault"):
    each figure belongs to the incident its clause tells, not to the sentence's chosen
    one. The sentence is cut between consecutive figures (before a figure-first phrase,
    after a verb-first one, else at a comma or conjunction between them); only when every
    clause holds a trigger of its own is it such a list. The phrase is returned as the
    whole toll of its incident ("19 more" adds to the list, not to this incident's dead).
    None when the sentence is no such list (one incident's figures add up as before)."""
    if trigger is None or len(killed) < 2:
        return None
    ks = sorted(killed, key=lambda k: k.start)
    cuts = []
    for a, b in zip(ks, ks[1:]):
        if _figure_first(b):
            cuts.append(b.start)
        elif not _figure_first(a):
            cuts.append(a.end)
        else:
            breaks = list(CLAUSE_BREAK.finditer(text, a.end, b.start))
            if not breaks:
                return None
            cuts.append(breaks[-1].start())
    bounds = [ks[0].start if _figure_first(ks[0]) else -1, *cuts, 1 << 62]
    # an incident ahead of a figure-first first phrase ("In the suicide attack 19 died")
    # is no clause of this cut
    def clause_of(t: Span) -> int | None:
        for n in range(len(ks)):
            if bounds[n] <= t.start < bounds[n + 1]:
                return n
        return None

    held: dict[int, set[tuple[int, int]]] = {}
    for t in triggers:
        n = clause_of(t)
        if n is not None:
            held.setdefault(n, set()).add((t.start, t.end))
    if len(held) < len(ks):
        return None
    n = clause_of(trigger)
    if n is None:
        return None
    k = ks[n]
    if k.attrs.get("part"):
        k = dataclasses.replace(k, attrs={key: v for key, v in k.attrs.items() if key != "part"})
    return [k]


def fatalities(killed: list[Span]) -> tuple[int, int, int, str | None]:
    """Conservative figure and range from the 'killed' phrases of one sentence: different
    victim groups add up ("5 civilians and 3 fighters"), repeated figures for the same
    group are a range and the lowest is kept (SPEC fatality rules), an equal figure told
    again for another name of the group further on is the same toll (``LIST_GAP_CHARS``),
    and a stated death toll outranks the sentence's other figures (``_best_stated``).

    Returns ``(low, value, high, evidence text)``; ``(0, 0, 0, None)`` without a phrase."""
    if not killed:
        return 0, 0, 0, None
    text = "; ".join(k.text for k in killed)
    killed = _best_stated(killed)
    groups: dict[str, list[Span]] = {}
    for k in killed:
        groups.setdefault(_group(k), []).append(k)
    general = {"people", "None", "civilians"}
    # a general toll ("12 people, including 5 children") already includes the subgroups
    if len(groups) > 1 and any(g in general for g in groups):
        subsets = [g for g in groups if g not in general]
        totals = [g for g in groups if g in general]
        if len(totals) == 1 or subsets:
            groups = {g: v for g, v in groups.items() if g in totals} or groups
    # "people" already counts the civilians of the same sentence ("some 865 people killed
    # ... including 50 civilians"); two general counts never add up
    if "people" in groups and "civilians" in groups:
        groups = {g: v for g, v in groups.items() if g != "civilians"}
    groups = _same_toll_once(groups)
    low = value = high = 0
    for spans in groups.values():
        low += min(int(s.attrs.get("low", s.attrs.get("value", 0))) for s in spans)
        value += min(int(s.attrs.get("value", 0)) for s in spans)
        high += max(int(s.attrs.get("high", s.attrs.get("value", 0))) for s in spans)
    return low, value, max(high, value), text


def part_of_toll(killed: list[Span]) -> str | None:
    """"part" or "addition" when every 'killed' phrase of a mention counts a part of dead
    told elsewhere ("Fifteen of the dead came in ...") or victims added to them ("One
    civilian was also killed"): such a figure is no account of the incident's whole toll,
    so it never disputes one (``assemble``). None otherwise."""
    parts = {k.attrs.get("part") for k in killed}
    if not killed or None in parts:
        return None
    return "part" if "part" in parts else "addition"


def _best_stated(killed: list[Span]) -> list[Span]:
    """The phrases that state the toll best: a death toll ("bringing the toll to 61
    people") is the incident's whole toll, so the other figures of its sentence ("a
    number of people died of their wounds") are parts of it; without one, a vague word
    ("dozens") gives way to a figure for the same victims ("at least 61 people")."""
    tolls = [k for k in killed if k.attrs.get("toll")]
    if tolls:
        return tolls
    exact = {_group(k) for k in killed if not k.attrs.get("vague")}
    return [k for k in killed if not k.attrs.get("vague") or _group(k) not in exact]


def _group(k: Span) -> str:
    """The victim group a 'killed' phrase counts (``fatalities`` adds groups up)."""
    return str(k.attrs.get("victims") or "people")


def _same_toll_once(groups: dict[str, list[Span]]) -> dict[str, list[Span]]:
    """``groups`` without a group whose figure equals an earlier group's and that stands
    apart from it (not in one list with it): "16 dead ... Sixteen civilians were killed"
    is one toll of 16, "12 soldiers, 12 militiamen" two of 12."""
    kept: dict[str, list[Span]] = {}
    for name, spans in groups.items():
        fig = min(int(s.attrs.get("value", 0)) for s in spans)
        twin = next(
            (
                other
                for other in kept.values()
                if min(int(s.attrs.get("value", 0)) for s in other) == fig
                and all(abs(a.start - b.end) > LIST_GAP_CHARS and abs(b.start - a.end) > LIST_GAP_CHARS for a in spans for b in other)
            ),
            None,
        )
        if twin is None:
            kept[name] = spans
    return kept
