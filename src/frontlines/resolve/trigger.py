"""The trigger resolver: which of a sentence's trigger matches is its event.

Candidates are the triggers that survive the protest-context check, a governing plan,
the non-event cues (intention, negation, description, identification, background,
sentence-wide cues) and are not nested in a longer trigger; a concessive backdrop ranks
below any event, and territory sub-events are resolved by who gained ground.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Callable, NamedTuple

from ..annotate.actors import lower_same_len
from ..records import Doc, Sentence, Span
from ..reportable import OLD_MONTH_DAYS
from .actors import CIVILIAN_INTER, STATE_INTERS

if TYPE_CHECKING:
    from ..extract import Lexicon, SubEvent

PROTEST_RE = re.compile(r"\b(?:protest|demonstrat|rall(?:y|ies)|march(?:ed|es)?\b|sit-in|crowd|riot)", re.I)
# state forces named without a proper name ("the army", "security forces"): the gainer of
# ground when no actor span stands before a territory trigger
STATE_NOUNS = re.compile(
    r"\b(?:army|armed forces|troops|soldiers|security forces|government forces|pro-government forces|"
    r"regime forces|military|police|federal forces|national army|SAA|state forces)\b",
    re.I,
)
GOV_TERRITORY_WORDS = re.compile(r"\b(?:liberat|regain|recaptur|retook|retaken|restored)", re.I)
# INTENTION cue words (data/attribution.yaml) that do not make a sentence a plan: modal
# verbs of reported speech and conditionals ("could", "would"), "soon" ("soon after the
# strike"), and attempts, which are actions that happened ("attempted to storm the base")
NOT_GOVERNING_INTENTION = frozenset(
    {"would", "could", "might", "may", "soon", "tried to", "attempted to", "attempting to", "trying to"}
)
# a clause of its own after a plan reports what is happening: "protesters vowed to
# continue, as deadly violence surged in Baghdad"
NEW_CLAUSE = re.compile(r"[,;]\s+(?:as|while|whereas|but|meanwhile)\s", re.I)
# a concessive or circumstantial phrase ("despite Russian air strikes", "amid heavy
# shelling") names the backdrop of the sentence's event, not the event itself
CONCESSIVE_BEFORE = re.compile(r"\b(?:despite|amid|amidst|in spite of|in the face of)\s+(?:[\w'’-]+\s+){0,3}$", re.I)
DESCRIPTIVE_CLAUSE_BEFORE = re.compile(
    r",\s*(?:(?:which|that|who)\s+(?:is|are|was|were)\s+(?:also\s+)?(?:part|one|among|home|located|known)\b"
    r"|one\s+of\s+the\b)[^,;]*$",
    re.I,
)
NON_VIOLENT_TRANSFER = "Non-violent transfer of territory"
# how far after a trigger a negation still cancels it ("its jets did not bomb")
NEGATION_AFTER_CHARS = 25
# how far before a trigger a concessive phrase makes it the backdrop
BACKDROP_WINDOW_CHARS = 40
# how far before a trigger a descriptive clause makes it a standing fact
DESCRIPTION_WINDOW_CHARS = 80
# non-event cues read right before the trigger (``extract._lowered_cues`` anchors them at
# its start): a relative clause that identifies a person by a past act
CUES_BEFORE_TRIGGER = ("identification",)
# an identifying clause that dates its act to a day this recent (before the report) still
# reports it ("the gunmen who attacked the village on Saturday"): the two weeks of the
# coding rule for background, one setting with the reportable rules'
IDENTIFICATION_RECENT_DAYS = OLD_MONTH_DAYS
# where an identifying clause ends: a comma, a semicolon or a dash after the trigger
_CLAUSE_END = re.compile(r"[,;:\u2013\u2014]|\s-\s")


class Candidate(NamedTuple):
    """A surviving trigger and how it ranks: events before backdrops, then the
    sub-event's priority, then the earlier trigger (``neg_start`` is ``-start``)."""

    event_rank: int  # 0 for a concessive backdrop, else 1
    priority: int
    neg_start: int
    trigger: Span
    sub: "SubEvent"


def governing_intention(spans: list[Span]) -> int | None:
    """Where a plan, forecast or threat starts in a sentence that reports no casualties, or None.

    "Army units will soon launch a wide-scale operation to break the siege" and "Iraqi
    forces will soon launch an offensive ..., after the battle for the Old City ends" are
    plans, however far the event noun stands from the cue: every trigger after the cue is
    part of what is planned. A sentence that counts dead or wounded reports something that
    happened ("vowed to respond after the strike killed 12") and keeps its triggers."""
    start = None
    for sp in spans:
        if sp.label == "CASUALTY" and sp.attrs.get("kind") in ("killed", "wounded"):
            return None
        if (
            sp.label == "INTENTION"
            and sp.attrs.get("kind") in ("plan", "future", "threat")
            and sp.text.lower() not in NOT_GOVERNING_INTENTION
            and (start is None or sp.start < start)
        ):
            start = sp.start
    return start


def scoped_cue(cues: dict, kind: str, sentence: str) -> bool:
    """Whether the sentence-wide cue ``kind`` (an accident, a disaster) holds in
    ``sentence``: its pattern matches and its ``unless`` wording does not. ``cues`` is
    ``extract._lowered_cues`` of the lexicon."""
    pat, on_low = cues.get(kind, (None, False))
    if pat is None or not pat.search(lower_same_len(sentence) if on_low else sentence):
        return False
    keep, on_low = cues.get(("unless", kind), (None, False))
    return keep is None or not keep.search(lower_same_len(sentence) if on_low else sentence)


def cancel_reason(
    doc: Doc,
    sent: Sentence,
    trig: Span,
    th: dict,
    cues: dict,
    cue_scope: dict[str, frozenset[str]],
    scoped: dict[str, bool] | None = None,
) -> str | None:
    """Why a trigger is not an event (intention, negation, description, identification,
    background, a sentence-wide cue), or None.

    ``cues`` holds the cue patterns for lower-cased text (``extract._lowered_cues``: the
    same matches, found ~2x faster). ``scoped`` memoises, for one sentence, the
    sentence-wide cues of ``cue_scope`` (they depend on the sentence only, and a
    sentence often holds several triggers)."""
    low = lower_same_len(doc.text)  # cached: find_triggers lowered the same text
    window_start = max(sent.start, trig.start - int(th["cue_window_chars"]))
    before = doc.text[window_start : trig.start]
    for kind in ("intention", "negation"):
        pat, on_low = cues.get(kind, (None, False))
        last = None
        # a slice, not pos/endpos: ``\b`` at the window start sees no character before it
        for last in pat.finditer((low if on_low else doc.text)[window_start : trig.start]) if pat is not None else ():
            pass
        # ... unless a clause of its own starts after the cue ("vowed to push on, as
        # heavy clashes raged")
        if last is not None and not (kind == "intention" and NEW_CLAUSE.search(before, last.end())):
            return kind
    # a negation right after the trigger also cancels it ("its jets did not bomb")
    neg, on_low = cues.get("negation", (None, False))
    if neg is not None:
        text = low if on_low else doc.text
        after_end = min(sent.end, trig.end + NEGATION_AFTER_CHARS)
        if neg.match(text, trig.end, after_end) is None and neg.search(text[trig.end : after_end]):
            return "negation"
    # a description of what something is ("The evacuation, which is part of a deal
    # that also covers Madaya, ...", "Ahrar al-Sham, one of the groups that negotiated
    # the deal") names the event noun as a standing fact, not as news
    if DESCRIPTIVE_CLAUSE_BEFORE.search(doc.text, max(sent.start, trig.start - DESCRIPTION_WINDOW_CHARS), trig.start):
        return "description"
    # a relative clause identifying a person by a past act ("the man who beheaded two
    # journalists"), unless the clause dates the act to a recent day
    ident, on_low = cues.get(("before", "identification"), (None, False))
    if ident is not None:
        m = ident.search(low if on_low else doc.text, window_start, trig.start)
        if m is not None and not _recent_day_in_clause(doc, sent, m.start(), trig.end):
            return "identification"
    # background wording near the trigger ("In 2013, a sarin attack"); farther away it
    # belongs to another clause ("captured two villages near the scene of a 2017 attack")
    bg, on_low = cues.get("background", (None, False))
    window = int(th["cue_window_chars"])
    if bg is not None and bg.search(low if on_low else doc.text, window_start, min(sent.end, trig.end + window)):
        return "background"
    scoped = {} if scoped is None else scoped
    for kind, subs in cue_scope.items():
        if trig.attrs["sub_event"] in subs:
            if kind not in scoped:
                scoped[kind] = scoped_cue(cues, kind, sent.text)
            if scoped[kind]:
                return kind
    return None


def _recent_day_in_clause(doc: Doc, sent: Sentence, start: int, trig_end: int) -> bool:
    """Whether the clause from ``start`` (its relative pronoun) to the next comma, semicolon
    or dash after the trigger holds a DATE of a day within ``IDENTIFICATION_RECENT_DAYS``
    before the report."""
    end = _CLAUSE_END.search(doc.text, trig_end, sent.end)
    stop = end.start() if end is not None else sent.end
    day = doc.news_day()
    for sp in doc.spans:
        if sp.label == "DATE" and start <= sp.start < stop and sp.attrs.get("date") is not None:
            if int(sp.attrs.get("precision") or 9) == 1 and day is not None and 0 <= (day - sp.attrs["date"]).days <= IDENTIFICATION_RECENT_DAYS:
                return True
    return False


def candidate_triggers(
    doc: Doc,
    sent: Sentence,
    triggers: list[Span],
    spans: list[Span],
    sub_events: dict[str, "SubEvent"],
    cancelled: Callable[[Span], str | None],
) -> list[Candidate]:
    """The sentence's triggers that can be its event, ranked (see ``Candidate``).

    ``cancelled(t)`` says why a trigger is not an event (``cancel_reason``)."""
    protest = None  # whether the sentence speaks of protest: looked up on first need
    plan_at = governing_intention(spans)
    candidates = []
    for t in triggers:
        sub = sub_events[t.attrs["sub_event"]]
        if sub.needs == "protest_context":
            if protest is None:
                protest = bool(PROTEST_RE.search(sent.text))
            if not protest:
                continue
        if plan_at is not None and plan_at < t.start and not NEW_CLAUSE.search(doc.text, plan_at, t.start):
            continue  # the sentence reports a plan: "will soon launch an offensive ... the battle"
        if cancelled(t):
            continue
        # "retakes Palmyra despite Russian air strikes": the backdrop ranks below any event
        backdrop = bool(CONCESSIVE_BEFORE.search(doc.text, max(sent.start, t.start - BACKDROP_WINDOW_CHARS), t.start))
        candidates.append(Candidate(0 if backdrop else 1, sub.priority, -t.start, t, sub))
    return drop_nested(candidates)


def drop_nested(candidates: list[Candidate]) -> list[Candidate]:
    """A trigger inside a longer trigger of another sub-event is part of that phrase
    ("clashed" in "clashed with police", "grenades" in "grenades were seized")."""
    return [
        c
        for c in candidates
        if not any(
            o.sub.name != c.sub.name
            and o.trigger.start <= c.trigger.start
            and c.trigger.end <= o.trigger.end
            and (o.trigger.end - o.trigger.start) > (c.trigger.end - c.trigger.start)
            for o in candidates
        )
    ]


def drop_peaceful_transfer(candidates: list[Candidate]) -> list[Candidate]:
    """Ground that changed hands under strikes, shelling or blasts named in the same
    sentence ("recaptured Palmyra after government forces withdrew despite intense air
    strikes") did not change hands without violence; "fighting" is left out, as a
    handover often ends it ("a peace deal ending eight weeks of fighting")."""
    if any(c.sub.family == "explosion" for c in candidates):
        return [c for c in candidates if c.sub.name != NON_VIOLENT_TRANSFER] or candidates
    return candidates


def gainer_is_state(text: str, sent: Sentence, actors: list[Span], trig: Span) -> bool | None:
    """Whether the side that gained ground is a state force: the first armed actor (or
    unnamed state force, "the army") before the territory trigger is its subject; actors
    after it are usually the losers ("recaptured X from ISIS"). None when nobody is named."""
    armed = [a for a in actors if a.attrs.get("inter") != CIVILIAN_INTER and sent.start <= a.start < trig.start]
    first = min(armed, key=lambda a: a.start) if armed else None
    noun = STATE_NOUNS.search(text, sent.start, trig.start)
    if noun is not None and (first is None or noun.start() < first.start):
        return True
    if first is not None:
        return first.attrs.get("inter") in STATE_INTERS
    return None


def choose_trigger(
    text: str, sent: Sentence, actors: list[Span], candidates: list[Candidate]
) -> tuple[Span, "SubEvent"] | None:
    """The best-ranked candidate, where a territory sub-event (``needs`` state or
    non-state actor1) must agree with who gained ground (``gainer_is_state``; unnamed
    gainers follow the trigger's wording: "recaptured" is the state's)."""
    for _, _, _, t, sub in sorted(candidates, key=lambda c: (c[0], c[1], c[2]), reverse=True):
        if sub.needs in ("state_actor1", "nonstate_actor1"):
            state = gainer_is_state(text, sent, actors, t)
            if state is None:
                state = bool(GOV_TERRITORY_WORDS.search(t.text))
            if state != (sub.needs == "state_actor1"):
                continue
        return t, sub
    return None


def resolve_trigger(
    doc: Doc,
    sent: Sentence,
    triggers: list[Span],
    spans: list[Span],
    lexicon: "Lexicon",
    cancelled: Callable[[Span], str | None],
) -> tuple[Span, "SubEvent"] | None:
    """The sentence's event trigger and sub-event, or None when no trigger is an event."""
    candidates = candidate_triggers(doc, sent, triggers, spans, lexicon.sub_events, cancelled)
    if not candidates:
        return None
    actors = [s for s in spans if s.label == "ACTOR"]
    return choose_trigger(doc.text, sent, actors, drop_peaceful_transfer(candidates))


# A definite noun phrase that points back ("the battle", "this attack", "the same
# offensive") names an incident the article has already told, not a new one.
_BACK_REFERENCE = re.compile(r"(?:\b(?:the|this|that|these|those|its|their)\s+(?:same\s+|recent\s+)?)$", re.I)
# ... unless a word marks it as another one ("the first attack", "the second blast", "the
# next battle", "the other raid", "the latest attack")
_ANOTHER = re.compile(r"\b(?:first|second|third|next|other|earlier|previous|last|new|latest)\s+$", re.I)


# how far before the trigger its determiner is looked for ("in the same offensive")
BACK_REFERENCE_CHARS = 30
_INCIDENT_NOUN = re.compile(
    r"(?:battles?|attacks?|offensive|assault|blasts?|explosions?|bombings?|raids?|strikes?|air ?strikes?"
    r"|clashes|fighting|operation|massacre|shelling|bombardment|ambush)\b",
    re.I,
)


def refers_back(text: str, trig: Span, event_type: str, earlier) -> bool:
    """Whether the trigger is a definite back-reference ("was involved in the battle") to an
    incident of the same event type that an earlier mention of the article reports. Such a
    sentence adds detail to that incident; on its own it would be a second event."""
    if not any(m.event_type == event_type for m in earlier):
        return False
    if not _INCIDENT_NOUN.match(trig.text):
        return False  # "the warplanes targeted ...": the definite article names the aircraft
    before = text[max(0, trig.start - BACK_REFERENCE_CHARS) : trig.start]
    return bool(_BACK_REFERENCE.search(before)) and not _ANOTHER.search(before)
