"""The actor resolver: actor1 (the agent), actor2 (the other side or the victims) and
their associates, from the sentence's structure: the agent of a passive ("killed by
Russian strikes"), an actor inside the trigger ("Israeli raid"), the first armed actor
before the trigger; never the victims (the dead, the target of "an attack on X"), nor
who holds the place ("IS-held village", "a town held by rebels"). Then a party's own
report, the paragraph's actor when the sentence refers back to it ("the jets struck
again"), civilian victims and a user's default actor fill what the sentence leaves open;
a violent event whose perpetrator no one names is ACLED's "Unidentified Armed Group
(<country>)" of the event's country.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Iterable, NamedTuple

from ..records import Doc, Sentence, Span

if TYPE_CHECKING:
    from ..extract import DefaultActor
    from .airpower import Inferred

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
# "a town held by rebels since 2012": "by" names who holds the place, not the agent
CONTROLLED_BY_BEFORE = re.compile(
    r"\b(?:held|controlled|run|administered|dominated|occupied|besieged)\s+by\s+(?:the\s+|a\s+|an\s+)?$", re.I
)
# before an actor: it is the target of the attack the phrase names ("a suicide attack on
# Kurdish fighters", "air strikes targeting IS positions", "an ambush against Malian troops")
TARGET_BEFORE = re.compile(
    r"\b(?:attacks?|strikes?|air\s*strikes?|air\s+raids?|raids?|assaults?|bombings?|shelling|bombardments?|"
    r"ambush(?:es)?|offensives?|operations?|(?:car|suicide)\s+bomb(?:ing)?s?|fire)\s+"
    r"(?:on|against|targeting|upon|at)\s+(?:(?:a|an|the|two|three|several|some)\s+)?"
    r"(?:[\w'’-]+\s+){0,2}$",
    re.I,
)
TARGET_WINDOW_CHARS = 60
# a sentence refers back to an agent named before it: its subject is an anaphor just
# before (or inside) the trigger ("The jets struck again", "they shelled the town"), or
# the event happened "during the raid" the paragraph told; only then does the
# paragraph's actor become actor1
ANAPHOR = re.compile(
    r"\b(?:they|(?:the|these|those)\s+(?:same\s+)?(?:jets|warplanes|planes|aircraft|helicopters|drones|"
    r"group|militants|fighters|attackers|assailants|gunmen|rebels|insurgents|jihadists|troops|soldiers|"
    r"forces|militia|militias|militiamen|raids?|strikes|air\s*strikes|bombers|bombardment|shelling)|"
    r"(?:its|their)\s+(?:fighters|forces|troops|jets|warplanes|planes|aircraft|members|militants|gunmen))\b"
    r"(?P<gap>(?:\s+[\w'’-]+){0,2}?\s*)$",
    re.I,
)
DURING_THE_ACTION = re.compile(
    r"\b(?:during|in|amid|after)\s+(?:the|this|that)\s+(?:raid|operation|offensive|assault|campaign)\b", re.I
)
ANAPHOR_WINDOW_CHARS = 60
# an actor that only reports the event, in a closing clause (", the coalition said."):
# the source, not the other side
TRAILING_SPEAKER_BEFORE = re.compile(r",\s*(?:the\s+|a\s+)?$")
TRAILING_SPEAKER_AFTER = re.compile(r"\s+(?:said|says|told|reported|announced|stated|added|claimed)\b")
# right after an actor (or ending its mention): a post of that force, so the force is the
# target ("a blast at a Syrian army checkpoint", "attacked an army post", "IS positions")
TARGET_NOUN_AFTER = re.compile(
    r"\s+(?:checkpoints?|posts?|outposts?|bases?|positions?|barracks|headquarters|convoys?|patrols?|"
    r"vehicles?|camps?|air\s*base|compound|depots?|garrison)\b",
    re.I,
)
TARGET_NOUN_END = re.compile(r"\b(?:positions?|posts?|bases?|checkpoints?|convoys?|patrols?)$", re.I)


def refers_back(text: str, sent: Sentence, trig: Span) -> bool:
    """Whether the sentence's event is told as the act of an agent named before it."""
    head = text[max(sent.start, trig.start - ANAPHOR_WINDOW_CHARS) : trig.start]
    inside = text[trig.start : trig.end]
    return bool(
        ANAPHOR.search(head) or ANAPHOR.search(inside + " ") or DURING_THE_ACTION.search(text, sent.start, sent.end)
    )


# Event types ACLED always codes with a perpetrator: an unnamed one is an unidentified armed group
PERPETRATOR_TYPES = ("Battles", "Explosions/Remote violence", "Violence against civilians")
UNIDENTIFIED = "Unidentified Armed Group ({country})"
UNIDENTIFIED_INTER = 3  # ACLED codes unidentified armed groups as political militias
# sub-events whose actor1 ACLED codes as the crowd itself when the text names no group
# (a protest is its protesters, not a perpetrator left unnamed)
CROWD_ACTORS = {
    "Peaceful protest": ("Protesters ({country})", 6),
    "Protest with intervention": ("Protesters ({country})", 6),
    "Violent demonstration": ("Rioters ({country})", 5),
    "Mob violence": ("Rioters ({country})", 5),
}
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
    # "held by rebels": the holder of a place, as "rebel-held" above
    actors = [a for a in actors if not CONTROLLED_BY_BEFORE.search(text, max(sent.start, a.start - SUPPORT_WINDOW_CHARS), a.start)]
    armed = [a for a in actors if a.attrs.get("inter") != CIVILIAN_INTER]
    civ = [a for a in actors if a.attrs.get("inter") == CIVILIAN_INTER]
    # "an attack on Kurdish fighters", "a blast at an army checkpoint": the target, never the agent
    targets = [
        a
        for a in armed
        if TARGET_BEFORE.search(text, max(sent.start, a.start - TARGET_WINDOW_CHARS), a.start)
        or TARGET_NOUN_AFTER.match(text, a.end, sent.end)
        or TARGET_NOUN_END.search(a.text)
    ]
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
        agents = [a for a in armed if a not in victims and a not in targets]
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
    rest = [
        a
        for a in rest
        if not (TRAILING_SPEAKER_BEFORE.search(text, max(sent.start, a.start - 8), a.start) and TRAILING_SPEAKER_AFTER.match(text, a.end))
    ]
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
    doc: Doc, sent: Sentence, trig: Span, attributions: list[Span], a1: Span | None, a2: Span | None, dead: Iterable[Span] = ()
) -> tuple[Span | None, Span | None, str | None]:
    """A party's own report ("Amaq claimed that a suicide car bomb had killed 20 soldiers",
    "the ministry said its warplanes had carried out 64 strikes"): actor1 becomes the
    speaker's forces, and the actor the sentence named becomes their target. Civilian
    ``dead`` (the sentence's 'killed' spans) the speaker reports with no agent and not by
    "its" forces are no claim of its own.

    Returns ``(a1, a2, source)``; ``source`` is None when the report changes nothing."""
    forces = next((a for a in attributions if a.attrs.get("forces")), None)
    own_forces = SPEAKER_FORCES.search(doc.text, sent.start, trig.end)
    if forces is not None and not own_forces and any(c.attrs.get("victims") in CIVILIAN_VICTIMS for c in dead):
        # a party reports the civilians an unnamed strike killed: an accusation of the
        # other side, not a claim of its own attack (a party claims the enemies it killed)
        forces = None
    if forces is not None and (a1 is None or own_forces):
        own = doc_actor(doc, forces.attrs["forces"])
        if own is not None and (a1 is None or own.attrs.get("actor") != a1.attrs.get("actor")):
            if a1 is not None and a2 is None:
                a2 = a1  # the actor named in the report was the target of the speaker's forces
            a1, source = own, f"forces of {forces.attrs.get('source')}"
            if a2 is not None and a2.attrs.get("actor") == own.attrs.get("actor"):
                a2 = None
            return a1, a2, source
    return a1, a2, None


# "the insurgents", "the gunmen" told after "Boko Haram fighters attacked...": the named
# group, when it is the only non-state group named in the few sentences before
DEFINITE_BEFORE = re.compile(r"\b(?:the|these|those)\s+(?:[\w'’-]+\s+)?$", re.I)
ANTECEDENT_SENTENCES = 3  # how far back "the militants" may look for the group's name
NON_STATE_KINDS = frozenset({"rebel", "militia", "unidentified"})


def named_antecedent(doc: Doc, i: int, spans_by_sentence: dict[int, list[Span]], span: Span | None) -> Span | None:
    """``span``, or the named group a definite generic mention ("the insurgents") stands for:
    the one named non-state group of the sentence's earlier part and the few sentences
    before it in its paragraph."""
    if span is None or not span.attrs.get("generic") or span.attrs.get("kind") not in NON_STATE_KINDS:
        return span
    sent = doc.sentences[i]
    if not (span.text.lower().startswith("the ") or DEFINITE_BEFORE.search(doc.text, max(sent.start, span.start - 30), span.start)):
        return span
    named: dict[str, Span] = {}
    for j in range(i, max(-1, i - ANTECEDENT_SENTENCES - 1), -1):
        if doc.sentences[j].paragraph != sent.paragraph:
            break
        for s in spans_by_sentence.get(j, []):
            if (
                s.label == "ACTOR"
                and s.start < span.start
                and not s.attrs.get("generic")
                and s.attrs.get("kind") in ("rebel", "militia")
            ):
                named.setdefault(str(s.attrs.get("actor")), s)
    if len(named) != 1:
        return span
    group = next(iter(named.values()))
    return Span(span.start, span.end, span.label, span.text, dict(group.attrs, antecedent=group.text))


def sentence_actors(
    doc: Doc, i: int, sent: Sentence, trig: Span, spans: list[Span], spans_by_sentence: dict[int, list[Span]]
) -> SentenceActors:
    """The actor spans of the mention in sentence ``i`` triggered by ``trig``: the
    sentence's own (``assign_actors``, a definite generic one named by its antecedent,
    ``named_antecedent``), a party's own report (``own_report``), else the paragraph's
    actor (``paragraph_actor``)."""
    actors = [s for s in spans if s.label == "ACTOR"]
    dead = [s for s in spans if s.label == "CASUALTY" and s.attrs.get("kind") == "killed"]
    a1, assoc1, a2, assoc2 = assign_actors(doc.text, sent, actors, trig, dead)
    a1, a2 = named_antecedent(doc, i, spans_by_sentence, a1), named_antecedent(doc, i, spans_by_sentence, a2)
    attributions = [s for s in spans if s.label == "ATTRIBUTION"]
    a1, a2, source = own_report(doc, sent, trig, attributions, a1, a2, dead)
    source = source or "sentence"
    # actor1 from the paragraph when the sentence has none but refers back to it ("The
    # jets struck again."); a sentence that names no agent keeps actor1 open
    if a1 is None and refers_back(doc.text, sent, trig):
        a1 = paragraph_actor(doc, i, spans_by_sentence, exclude=a2)
        source = "paragraph" if a1 is not None else ""
    return SentenceActors(a1, assoc1, a2, assoc2, source)


def holder_actor2(text: str, event_type: str, actors: list[Span], a1: Span | None, a2: Span | None) -> Span | None:
    """actor2 of a battle the sentence leaves open: who holds the place fought over
    ("troops captured hilltops overlooking opposition-held areas"). The holder of a place
    struck from the air or bombed is no side (the victims are), so only battles."""
    if a2 is not None or event_type != "Battles":
        return a2
    for a in actors:
        if a.attrs.get("inter") != CIVILIAN_INTER and HELD_BY.match(text, a.end) and (
            a1 is None or a.attrs.get("actor") != a1.attrs.get("actor")
        ):
            return a
    return a2


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
    """ACLED's name of a country from its ISO 3166 alpha-3 code (the actor dictionary's
    table, else pycountry's common name)."""
    from ..annotate.actors import acled_country_name

    return acled_country_name(iso3)


def event_country(place: Span | None, hint: str | None) -> str | None:
    """The country of the event: its place's best candidate, else the article's country."""
    cands = place.attrs.get("candidates") if place is not None else None
    return cands[0].iso3 if cands else hint


def actor_names(
    a1: Span | None,
    a2: Span | None,
    civ_victims: bool,
    default: "DefaultActor | None",
    country: str | None,
    fat_text: str | None,
    event_type: str | None = None,
    sub_event: str | None = None,
    flown: "Inferred | None" = None,
) -> tuple[str | None, int | None, str | None, int | None, dict[str, str]]:
    """Canonical ``(actor1, inter1, actor2, inter2, evidence)`` from the chosen spans:
    ``default`` (``default_actor``, a user's lexicon) fills an open actor1, else a protest
    or riot (``sub_event``) its crowd ("Protesters (<country>)"), else the operator
    ``flown`` infers for an unattributed air strike (``airpower``), else a violent
    ``event_type`` gets ACLED's unidentified armed group of ``country`` (the event's);
    unnamed civilian dead ("killing five civilians") fill an open actor2. ``evidence``
    holds the evidence text of the fields so filled."""
    notes: dict[str, str] = {}
    actor1 = a1.attrs.get("actor") if a1 is not None else None
    inter1 = a1.attrs.get("inter") if a1 is not None else None
    if actor1 is None and default is not None:
        actor1, inter1 = default.actor, default.inter
        notes["actor1"] = "default for this sub-event and country (event_types.yaml)"
    if actor1 is None and sub_event in CROWD_ACTORS and country:
        name, inter = CROWD_ACTORS[sub_event]
        actor1, inter1 = name.format(country=country_name(country)), inter
        notes["actor1"] = "the crowd (no group named)"
    if actor1 is None and flown is not None:
        actor1, inter1 = flown.actor1, flown.inter1
        notes["actor1"] = flown.note
    if actor1 is None and event_type in PERPETRATOR_TYPES and country:
        actor1, inter1 = UNIDENTIFIED.format(country=country_name(country)), UNIDENTIFIED_INTER
        notes["actor1"] = "no perpetrator named"
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
