"""The actor resolver: actor1 (the agent), actor2 (the other side or the victims) and
their associates, from the sentence's ACTOR spans; then a party's own report, the
paragraph's actor, civilian victims and the lexicon's default actor fill what the
sentence leaves open.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Iterable, NamedTuple

from ..records import Doc, Sentence, Span

if TYPE_CHECKING:
    from ..extract import DefaultActor

STATE_INTERS = frozenset({1, 8})  # state forces, at home (1) or abroad (8)
CIVILIAN_INTER = 7
PASSIVE_AGENT = re.compile(r"\bby\s+(?:the\s+|a\s+|an\s+)?$", re.I)
# right after an actor span: the actor names who holds a place ("rebel-held", "IS-run")
HELD_BY = re.compile(
    r"(?:[-\s]?(?:held|controlled|run|dominated|besieged|occupied|administered)\b"
    r"|(?:['’]?s)?\s+(?:group\s+)?(?:town|village|city|stronghold|bastion|territory|areas?|capital|enclave|pocket|zone)\b)",
    re.I,
)
# right after an actor span: the actor is the subject of a passive killing or death
PASSIVE_VICTIM = re.compile(
    r"(?:\s+(?:fighters|militants|members|soldiers|troops|jihadists|personnel))?"
    r"(?:\s+(?:(?:were|was|have\s+been|had\s+been|are|being)\s+)?(?:killed|dead|died|slain|executed)\b"
    # "120 ISIS fighters and 60 foreign mercenaries were killed": a few words, then the verb
    r"|(?:\s+[\w'’-]+){1,6}?\s+(?:were|was|have\s+been|had\s+been)\s+(?:killed|slain|executed)\b)",
    re.I,
)
CIVILIAN_VICTIMS = frozenset({"civilians", "children", "women", "people", "residents", "family"})
# "supported by the Russian Aerospace Forces": an associate, not the agent of a passive
SUPPORT_BEFORE = re.compile(r"\b(?:backed|supported|aided|assisted|covered|accompanied|joined)\s+by\s+(?:the\s+|a\s+|an\s+)?$", re.I)
# between actor1 and an associate: "X and Y", "X, Y", "X, supported by Y", "X backed by the Y"
ASSOCIATE_BETWEEN = re.compile(
    r"\s*(?:,\s*)?(?:(?:and|backed by|supported by|aided by|assisted by|alongside|allied with|allied|together with|with)\s+)?(?:the\s+)?",
    re.I,
)
# "Militants of the Islamic State": the generic noun is the named group's members
GENERIC_OF = re.compile(r"\s+of\s+(?:the\s+)?", re.I)
# the speaker's own forces ("its warplanes", "their fighters"): actor1 is the attributed party
SPEAKER_FORCES = re.compile(
    r"\b(?:its|their|our)\s+(?:own\s+)?(?:war)?(?:planes?|jets|aircraft|helicopters|drones|forces|troops|fighters|"
    r"units|artillery|aviation|air force|bombers)\b",
    re.I,
)
# how far before an actor a "by" makes it the agent of a passive, and a "backed by" its associate
PASSIVE_AGENT_WINDOW_CHARS = 12
SUPPORT_WINDOW_CHARS = 30
VIOLENCE_AGAINST_CIVILIANS = "Violence against civilians"
CIVILIAN_TARGET_TYPES = ("Violence against civilians", "Explosions/Remote violence")


class SentenceActors(NamedTuple):
    """The ACTOR spans chosen for a mention; ``source`` says where actor1 came from:
    "sentence", "paragraph", "forces of <speaker>", or "" when there is none."""

    a1: Span | None
    assoc1: Span | None
    a2: Span | None
    assoc2: Span | None
    source: str


def assign_actors(text: str, sent: Sentence, actors: list[Span], trig: Span, dead: Iterable[Span] = ()):
    """actor1 = the agent (a 'by X' phrase, else the first armed actor before the trigger,
    else after it); actor2 = the other side or the civilian victims.

    Returns ``(actor1, assoc1, actor2, assoc2)`` spans (each may be None); ``dead`` are the
    sentence's 'killed' CASUALTY spans."""
    # "rebel-held Aleppo", "IS-controlled town": who holds the place, not who acted
    actors = [a for a in actors if not HELD_BY.match(text, a.end)]
    # "Militants of the Islamic State": the generic noun stands for the named group
    actors = [
        a
        for a in actors
        if not (
            a.attrs.get("generic")
            and any(b.start > a.end and GENERIC_OF.fullmatch(text, a.end, b.start) for b in actors)
        )
    ]
    armed = [a for a in actors if a.attrs.get("inter") != CIVILIAN_INTER]
    civ = [a for a in actors if a.attrs.get("inter") == CIVILIAN_INTER]
    a1 = None
    for a in armed:
        if PASSIVE_AGENT.search(text[max(sent.start, a.start - PASSIVE_AGENT_WINDOW_CHARS) : a.start]) and not SUPPORT_BEFORE.search(
            text, max(sent.start, a.start - SUPPORT_WINDOW_CHARS), a.start
        ):
            a1 = a
            break
    if a1 is None:
        # an actor named inside the trigger phrase acts ("coalition air strikes hit",
        # "Russian warplanes struck"): whoever else the sentence names
        a1 = next((a for a in armed if a.start <= trig.start < a.end), None)
    if a1 is None:
        # the dead of a passive report are victims, not agents ("29 rebels were killed in
        # clashes with regime troops"): prefer an actor that is not their subject
        # ... and so is an actor inside a toll phrase ("kill 35 ISIL fighters")
        # ... unless a toll of its own follows the actor: "IS executed five civilians" is active
        victims = [
            a
            for a in armed
            if (PASSIVE_VICTIM.match(text, a.end) and not any(d.start > a.end and not text[a.end : d.start].strip() for d in dead))
            or any(d.start <= a.start and a.end <= d.end for d in dead)
        ]
        # when every armed actor is among the dead ("a car bomb killed 20 SAA soldiers",
        # "scores of terrorists were killed"), none is the agent: actor1 stays open
        agents = [a for a in armed if a not in victims]
        before = [a for a in agents if a.start < trig.start]
        after = [a for a in agents if a.start >= trig.end]
        if before:
            a1 = before[0]
        elif after:
            a1 = after[0]
    others = [a for a in armed if a1 is None or a.attrs.get("actor") != a1.attrs.get("actor")]
    assoc1 = None
    if a1 is not None:
        for a in others:
            between = text[a1.end : a.start] if a.start >= a1.end else ""
            if between.strip() and ASSOCIATE_BETWEEN.fullmatch(between):
                assoc1 = a
                break
    rest = [a for a in others if assoc1 is None or a.attrs.get("actor") != assoc1.attrs.get("actor")]
    # the other side: a named group before a generic noun for it ("clashed with the
    # militants, killing over 15 ISIS fighters")
    a2 = next((a for a in rest if not a.attrs.get("generic")), rest[0]) if rest else (civ[0] if civ else None)
    assoc2 = None
    if a2 is not None and len(rest) > 1:
        assoc2 = next((a for a in rest if a.attrs.get("actor") != a2.attrs.get("actor")), None)
    return a1, assoc1, a2, assoc2


def doc_actor(doc: Doc, name_prefix: str) -> Span | None:
    """The first ACTOR span of the article whose canonical name starts with ``name_prefix``
    (the force an attributed source speaks for, named as the article names it)."""
    for s in doc.spans:
        if s.label == "ACTOR" and str(s.attrs.get("actor") or "").startswith(name_prefix):
            return s
    return None


def paragraph_actor(doc: Doc, i: int, spans_by_sentence: dict[int, list[Span]], exclude: Span | None) -> Span | None:
    """The first armed ACTOR span of the nearest earlier sentence of sentence ``i``'s
    paragraph that names one (other than ``exclude``): "The jets struck again." acts for
    the force named before it."""
    para = doc.sentences[i].paragraph
    for j in range(i - 1, -1, -1):
        if doc.sentences[j].paragraph != para:
            break
        for s in spans_by_sentence.get(j, []):
            if s.label == "ACTOR" and s.attrs.get("inter") != CIVILIAN_INTER and s is not exclude:
                return s
    return None


def own_report(
    doc: Doc, sent: Sentence, trig: Span, attributions: list[Span], a1: Span | None, a2: Span | None
) -> tuple[Span | None, Span | None, str | None]:
    """A party's own report ("Amaq claimed that a suicide car bomb had killed 20 soldiers",
    "the ministry said its warplanes had carried out 64 strikes"): actor1 becomes the
    speaker's forces, and the actor the sentence named becomes their target.

    Returns ``(a1, a2, source)``; ``source`` is None when the report changes nothing."""
    forces = next((a for a in attributions if a.attrs.get("forces")), None)
    if forces is not None and (a1 is None or SPEAKER_FORCES.search(doc.text, sent.start, trig.end)):
        own = doc_actor(doc, forces.attrs["forces"])
        if own is not None and (a1 is None or own.attrs.get("actor") != a1.attrs.get("actor")):
            if a1 is not None and a2 is None:
                a2 = a1  # the actor named in the report was the target of the speaker's forces
            a1, source = own, f"forces of {forces.attrs.get('source')}"
            if a2 is not None and a2.attrs.get("actor") == own.attrs.get("actor"):
                a2 = None
            return a1, a2, source
    return a1, a2, None


def sentence_actors(
    doc: Doc, i: int, sent: Sentence, trig: Span, spans: list[Span], spans_by_sentence: dict[int, list[Span]]
) -> SentenceActors:
    """The actor spans of the mention in sentence ``i`` triggered by ``trig``: the
    sentence's own (``assign_actors``), a party's own report (``own_report``), else the
    paragraph's actor (``paragraph_actor``)."""
    actors = [s for s in spans if s.label == "ACTOR"]
    dead = [s for s in spans if s.label == "CASUALTY" and s.attrs.get("kind") == "killed"]
    a1, assoc1, a2, assoc2 = assign_actors(doc.text, sent, actors, trig, dead)
    attributions = [s for s in spans if s.label == "ATTRIBUTION"]
    a1, a2, source = own_report(doc, sent, trig, attributions, a1, a2)
    source = source or "sentence"
    # actor1 from the paragraph when the sentence has none ("The jets struck again.")
    if a1 is None:
        a1 = paragraph_actor(doc, i, spans_by_sentence, exclude=a2)
        source = "paragraph" if a1 is not None else ""
    return SentenceActors(a1, assoc1, a2, assoc2, source)


def civilian_victims(killed: list[Span], actors: list[Span]) -> bool:
    """Whether the mention's victims include civilians: a 'killed' phrase counts civilian
    victims, or the sentence names a civilian actor."""
    return any(c.attrs.get("victims") in CIVILIAN_VICTIMS for c in killed) or any(
        s.attrs.get("inter") == CIVILIAN_INTER for s in actors
    )


def civilian_actor2(event_type: str, civ_victims: bool, actors: list[Span], a1: Span | None, a2: Span | None) -> Span | None:
    """actor2 once civilians are considered: a civilian actor the sentence names fills an
    open actor2; violence against civilians targets the civilians it names, not a group
    the reporting mentions in passing ("executed eight civilians on charges of
    collaborating with the SDF")."""
    civ_span = next((s for s in actors if s.attrs.get("inter") == CIVILIAN_INTER), None)
    if a2 is None and civ_span is not None and civ_span is not a1:
        return civ_span
    if event_type == VIOLENCE_AGAINST_CIVILIANS and civ_victims and (a2 is None or a2.attrs.get("inter") != CIVILIAN_INTER):
        return civ_span if civ_span is not None and civ_span is not a1 else None
    return a2


def default_actor(defaults: Iterable["DefaultActor"], sub_event: str, country: str | None) -> "DefaultActor | None":
    """The lexicon's default actor1 for ``sub_event`` in ``country`` (event_types.yaml), or None."""
    for d in defaults:
        if d.sub_event == sub_event and d.country == country:
            return d
    return None


def country_name(iso3: str) -> str:
    """The common English name of a country from its ISO 3166 alpha-3 code."""
    import pycountry

    c = pycountry.countries.get(alpha_3=iso3)
    return getattr(c, "common_name", None) or (c.name if c else iso3)


def actor_names(
    a1: Span | None,
    a2: Span | None,
    civ_victims: bool,
    default: "DefaultActor | None",
    country: str | None,
    fat_text: str | None,
) -> tuple[str | None, int | None, str | None, int | None, dict[str, str]]:
    """Canonical ``(actor1, inter1, actor2, inter2, evidence)`` from the chosen spans:
    ``default`` (``default_actor``) fills an open actor1, unnamed civilian dead
    ("killing five civilians") an open actor2. ``evidence`` holds the evidence text of
    the fields so filled."""
    notes: dict[str, str] = {}
    actor1 = a1.attrs.get("actor") if a1 is not None else None
    inter1 = a1.attrs.get("inter") if a1 is not None else None
    if actor1 is None and default is not None:
        actor1, inter1 = default.actor, default.inter
        notes["actor1"] = "default for this sub-event and country (event_types.yaml)"
    actor2 = a2.attrs.get("actor") if a2 is not None else None
    inter2 = a2.attrs.get("inter") if a2 is not None else None
    if actor2 is None and civ_victims and country:
        # the dead are civilians but no actor span names them ("killing five civilians")
        actor2, inter2 = f"Civilians ({country_name(country)})", CIVILIAN_INTER
        notes["actor2"] = fat_text or "civilian victims"
    if actor2 == actor1:
        actor2, inter2 = None, None
    return actor1, inter1, actor2, inter2, notes


def civilian_targeting(event_type: str, inter2: int | None) -> bool:
    """Whether a violent event targets civilians (its actor2 is civilian)."""
    return inter2 == CIVILIAN_INTER and event_type in CIVILIAN_TARGET_TYPES
