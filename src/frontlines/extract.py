"""Stage 5, extract: event mentions from annotated sentences.

For each sentence, the event lexicon (data/event_types.yaml) proposes triggers; cues for
intentions, negations and background cancel them; the highest-priority surviving trigger
becomes an ``EventMention`` whose actors, place, date, fatalities and claim markers come
from the annotation spans of that sentence (and, where the sentence lacks them, of its
paragraph). Comment threads never reach this stage: cleaning removed them.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from re import _constants as _sre, _parser as _sre_parser
from typing import Iterable

from .datafiles import Keys, ListOf, MapOf, OneOf, check, closest, read_toml_file, read_yaml_file
from .errors import DataFileValue, LexiconError
from .annotate.actors import lower_same_len
from .records import Doc, Evidence, EventMention, Sentence, Span


def _data_path(name: str) -> Path:
    return Path(str(resources.files("frontlines") / "data" / name))


def load_thresholds(extra: Path | None = None) -> dict:
    """Thresholds from data/thresholds.toml, overridden section by section by ``extra``,
    whose sections and keys must be ones the packaged file has (a misspelled key would
    otherwise be ignored), with values of the same type."""
    th = read_toml_file(_data_path("thresholds.toml"))
    if extra:
        user = read_toml_file(extra)
        schema = Keys({
            section: Keys({k: (int, float) if isinstance(v, float) else (type(v),) for k, v in values.items()})
            for section, values in th.items()
        })  # fmt: skip
        check(user, schema, file=extra)
        for section, values in user.items():
            th[section].update(values)
    return th


# The keys event_types.yaml (and a user's --lexicon file) may hold; see that file's header.
EVENT_TYPES = ("Battles", "Explosions/Remote violence", "Violence against civilians", "Protests", "Riots", "Strategic developments")
_PATTERNS = ListOf((str,))
LEXICON_SCHEMA = Keys({
    "sub_events": MapOf(Keys({
        "type": OneOf(EVENT_TYPES), "family": (str,), "priority": (int,),
        "needs": OneOf(("state_actor1", "nonstate_actor1", "protest_context")),
        "triggers": _PATTERNS, "why": (str,),
    })),
    "non_event_cues": MapOf(Keys({"patterns": _PATTERNS, "applies_to": ListOf((str,)), "unless": _PATTERNS, "why": (str,)})),
    "default_actors": ListOf(Keys({
        "sub_event": (str,), "country": (str,), "actor1": (str,), "inter1": OneOf(tuple(range(1, 9))), "why": (str,),
    }, required=("sub_event", "country", "actor1", "inter1"))),
})  # fmt: skip


def _check_lexicon(raw: dict, path: Path | str, known: set[str]) -> None:
    """``raw`` (one lexicon file) against the schema; a new sub-event needs its type and
    triggers, and the sub-events that cues and default actors name must exist."""
    check(raw, LEXICON_SCHEMA, file=path)
    subs = raw.get("sub_events") or {}
    for name, entry in subs.items():
        if name not in known:
            for key in ("type", "triggers"):
                if key not in (entry or {}):
                    near = closest(name, known)
                    hint = f"to extend {near!r}, spell it so" if near else "a new sub-event needs type and triggers"
                    raise DataFileValue(f"{path}: new sub-event {name!r} has no {key!r}", hint=hint)
    names = known | set(subs)
    refs = [(f"non_event_cues.{k}.applies_to", n) for k, e in (raw.get("non_event_cues") or {}).items() for n in (e or {}).get("applies_to") or []]
    refs += [(f"default_actors[{i}].sub_event", d["sub_event"]) for i, d in enumerate(raw.get("default_actors") or [])]
    for where, name in refs:
        if name not in names:
            near = closest(name, names)
            raise DataFileValue(f"{path}: unknown sub-event {name!r} in {where}", hint=f"did you mean {near!r}?" if near else "name a sub-event of the lexicon")


@dataclass(frozen=True)
class SubEvent:
    name: str
    event_type: str
    family: str
    priority: int
    needs: str | None
    pattern: re.Pattern


@dataclass(frozen=True)
class DefaultActor:
    sub_event: str
    country: str
    actor: str
    inter: int


@dataclass
class Lexicon:
    """The event lexicon: sub-event triggers, non-event cues and default actors."""

    sub_events: dict[str, SubEvent]
    cues: dict[str, re.Pattern]
    defaults: list[DefaultActor] = field(default_factory=list)
    # cue kind -> the sub-events it cancels (kinds not listed cancel every trigger)
    cue_scope: dict[str, frozenset[str]] = field(default_factory=dict)
    # cue kind -> wording that keeps the triggers alive even when the cue matches
    cue_unless: dict[str, re.Pattern] = field(default_factory=dict)

    @classmethod
    def load(cls, extra_files: Iterable[Path] = ()) -> "Lexicon":
        raw = _read_yaml(_data_path("event_types.yaml"))
        _check_lexicon(raw, "event_types.yaml", set())
        for extra in extra_files:
            more = _read_yaml(Path(extra))
            _check_lexicon(more, extra, set(raw.get("sub_events") or {}))
            _merge_lexicon(raw, more)
        subs: dict[str, SubEvent] = {}
        for name, entry in raw.get("sub_events", {}).items():
            try:
                triggers = list(entry["triggers"])
                subs[name] = SubEvent(
                    name=name,
                    event_type=entry["type"],
                    family=entry.get("family", "other"),
                    priority=int(entry.get("priority", 10)),
                    needs=entry.get("needs"),
                    pattern=_compile(triggers),
                )
            except (KeyError, TypeError, re.error) as exc:
                raise LexiconError(f"event lexicon entry {name!r} is malformed: {exc}") from exc
        cues: dict[str, re.Pattern] = {}
        scope: dict[str, frozenset[str]] = {}
        unless: dict[str, re.Pattern] = {}
        for kind, entry in raw.get("non_event_cues", {}).items():
            try:
                cues[kind] = _compile(entry["patterns"], word_end=False)
                if entry.get("unless"):
                    unless[kind] = _compile(entry["unless"], word_end=True)
            except re.error as exc:
                raise LexiconError(f"non-event cue {kind!r} has a broken pattern: {exc}") from exc
            if entry.get("applies_to"):
                scope[kind] = frozenset(entry["applies_to"])
        defaults = [
            DefaultActor(d["sub_event"], d["country"], d["actor1"], int(d["inter1"]))
            for d in raw.get("default_actors", [])
        ]
        return cls(subs, cues, defaults, scope, unless)


def _read_yaml(path: Path) -> dict:
    return read_yaml_file(path) or {}


def _merge_lexicon(base: dict, extra: dict) -> None:
    for name, entry in (extra.get("sub_events") or {}).items():
        if name in base.setdefault("sub_events", {}):
            base["sub_events"][name]["triggers"] = list(base["sub_events"][name]["triggers"]) + list(
                entry.get("triggers") or []
            )
            for key in ("priority", "needs", "family"):
                if key in entry:
                    base["sub_events"][name][key] = entry[key]
        else:
            base["sub_events"][name] = entry
    for kind, entry in (extra.get("non_event_cues") or {}).items():
        cues = base.setdefault("non_event_cues", {})
        if kind not in cues:
            cues[kind] = dict(entry, patterns=list(entry.get("patterns") or []))
            continue
        cue = cues[kind]  # an existing cue: patterns and exceptions added, scope replaced
        cue["patterns"] = list(cue.get("patterns") or []) + list(entry.get("patterns") or [])
        if entry.get("unless"):
            cue["unless"] = list(cue.get("unless") or []) + list(entry["unless"])
        if entry.get("applies_to"):
            cue["applies_to"] = list(entry["applies_to"])
    base.setdefault("default_actors", []).extend(extra.get("default_actors") or [])


_ESCAPED_OR_CHAR = re.compile(r"\\.|.", re.S)


def _lower_pattern(pattern: str) -> str:
    """A regex for lower-cased text: letters lower-cased, escapes (\\b, \\D, \\S...) kept."""
    return "".join(t if t.startswith("\\") else t.lower() for t in _ESCAPED_OR_CHAR.findall(pattern))


def _for_lower_text(pat: re.Pattern) -> tuple[re.Pattern, bool]:
    """(pattern, runs on lower-cased text?): a case-insensitive pattern becomes its
    lower-cased, case-sensitive form (``_lower_pattern``), which finds the same matches in
    ``lower_same_len`` text (same length, so the same offsets) as the original does in the
    text, 2-3x faster; one with case-sensitive parts ("(?-i:liberation)"), or none that
    ignores case, runs as written on the original text."""
    if "(?-i" in pat.pattern or not pat.flags & re.IGNORECASE:
        return pat, False
    return re.compile(_lower_pattern(pat.pattern)), True


def _trigger_scanners(lexicon: "Lexicon") -> tuple["_TriggerStarts", list[tuple["SubEvent", re.Pattern, bool]]]:
    """(where any trigger starts, [(sub-event, its pattern, for lower-cased text?)])."""
    subs = list(lexicon.sub_events.values())
    # the start scan drops case-sensitivity, so it finds a superset of the start positions
    starts = _TriggerStarts([_lower_pattern(sub.pattern.pattern).replace("(?-i:", "(?:") for sub in subs])
    return starts, [(sub, *_for_lower_text(sub.pattern)) for sub in subs]


def _lowered_cues(lexicon: "Lexicon") -> dict:
    """The lexicon's non-event cues as ``_for_lower_text`` gives them: kind -> its cue,
    ("unless", kind) -> its ``unless`` wording."""
    out: dict = {kind: _for_lower_text(pat) for kind, pat in lexicon.cues.items()}
    out.update({("unless", kind): _for_lower_text(pat) for kind, pat in lexicon.cue_unless.items()})
    return out


_WORD_START = re.compile(r"\b\w")


class _TriggerStarts:
    """The word starts of lower-cased text where at least one of ``patterns`` matches.

    The same positions as ``finditer`` of the union ``\\b(?=\\w)(?=p1|p2|...)``, found
    ~3x faster: trying ~350 trigger alternatives at each of ~300 word starts of an article
    was the extractor's main cost, yet most alternatives can only start with a few
    letter pairs. So each pattern is split into its alternatives (``_alternatives``), each
    is filed under every prefix it can start with (``_prefixes``), and at a word start
    only the alternatives filed under its first two letters are tried, as one regex per
    prefix. Alternatives whose start is not known are tried at every word start.
    """

    def __init__(self, patterns: list[str]) -> None:
        filed: dict[str, list[str]] = {}
        anywhere: list[str] = []
        for pattern in patterns:
            for alt, parsed in _alternatives(pattern):
                prefixes = _prefixes(parsed)
                if prefixes is None:
                    anywhere.append(alt)
                for prefix in prefixes or ():
                    filed.setdefault(prefix, []).append(alt)
        # a match of one character (prefix "a") may start where any "a?" does
        for prefix, alts in filed.items():
            if len(prefix) == 2 and prefix[0] in filed:
                alts.extend(filed[prefix[0]])
        self._by_prefix = {prefix: _any_of(alts) for prefix, alts in filed.items()}
        self._anywhere = _any_of(anywhere) if anywhere else None

    def starts(self, low: str) -> list[int]:
        """The positions of ``low``, ascending, where some pattern matches."""
        by_prefix, anywhere = self._by_prefix, self._anywhere
        out = []
        for m in _WORD_START.finditer(low):
            q = m.start()
            scan = by_prefix.get(low[q : q + 2]) or by_prefix.get(low[q])
            if (scan is not None and scan.match(low, q)) or (anywhere is not None and anywhere.match(low, q)):
                out.append(q)
        return out


def _any_of(alternatives: list[str]) -> re.Pattern:
    return re.compile("|".join(f"(?:{a})" for a in dict.fromkeys(alternatives)))


def _alternatives(pattern: str) -> list[tuple[str, "_sre_parser.SubPattern"]]:
    """[(regex, its parse)] that, tried at a word start, match where ``pattern`` does:
    one for each of its alternatives.

    ``_compile``'s shape ``\\b(?:A|B|...)\\b`` gives ``(?:A)\\b``, ``(?:B)\\b``...: the
    leading ``\\b`` always holds at a word start, and without it an alternative begins
    with its first letter, on which the regex engine skips it in one comparison. A
    pattern of another shape, or whose alternatives do not stand alone (a reference to
    a group of another alternative), is kept whole."""
    prefix, suffix = r"\b(?:", r")\b"
    if pattern.startswith(prefix) and pattern.endswith(suffix):
        alts = _split_top_level(pattern[len(prefix) : -len(suffix)])
        if alts is not None:
            alts = [f"(?:{a})" + r"\b" for a in alts]
            try:
                return [(a, _sre_parser.parse(a)) for a in alts]
            except re.error:
                pass
    return [(pattern, _sre_parser.parse(pattern))]


# what may nest or split a regex: escapes, sets ("]" first is a member), comments,
# parentheses and bars; the other characters are skipped over
_REGEX_STRUCTURE = re.compile(r"\\.|\[\^?\]?(?:\\.|[^\]\\])*\]|\(\?#[^)]*\)|[()|]", re.S)
_VERBOSE_FLAG = re.compile(r"\(\?[a-zA-Z]*x")


def _split_top_level(body: str) -> list[str] | None:
    """``body`` split at each ``|`` outside groups and sets, or None where the split
    could change the regex: ``body`` is not a run of whole groups (``a)|(?:b``) or has
    verbose parts (whose ``#`` comments may hold parentheses)."""
    if _VERBOSE_FLAG.search(body):
        return None
    parts, depth, start = [], 0, 0
    for m in _REGEX_STRUCTURE.finditer(body):
        token = m.group()
        if token == "(":
            depth += 1
        elif token == ")":
            depth -= 1
            if depth < 0:
                return None
        elif token == "|" and depth == 0:
            parts.append(body[start : m.start()])
            start = m.end()
    parts.append(body[start:])
    return parts if depth == 0 else None


# ``_prefixes`` looks at this many first characters of a match (``starts`` assumes 2)
_PREFIX_LEN = 2
# more prefixes than this ("[a-z][a-z]") are not worth filing: the start is "not known"
_MAX_PREFIXES = 1000


def _prefixes(parsed) -> frozenset[str] | None:
    """Strings one of which begins every match of the parsed case-sensitive regex: its
    first two characters, or the whole match where it has one character. None where
    that is not known: a match may be empty, or start with a class such as ``\\w``."""
    if parsed.state.flags & re.IGNORECASE:
        return None
    prefixes = _sequence_prefixes(parsed)
    return None if prefixes is None or "" in prefixes else frozenset(prefixes)


def _sequence_prefixes(items) -> set[str] | None:
    """The prefixes (``_prefixes``) of the parsed sequence ``items``: each item's
    prefixes appended to the prefixes of the items before it, as far as needed."""
    prefixes = {""}
    for op, arg in items:
        if all(len(p) == _PREFIX_LEN for p in prefixes):
            break
        item = _item_prefixes(op, arg)
        prefixes = _concat(prefixes, item) if item is not None else None
        if prefixes is None:
            return None
    return prefixes


def _item_prefixes(op, arg) -> set[str] | None:
    """The prefixes (``_prefixes``) of one parsed regex item."""
    if op in (_sre.AT, _sre.ASSERT, _sre.ASSERT_NOT):
        return {""}  # zero-width: it consumes nothing
    if op is _sre.LITERAL:
        return {chr(arg)}
    if op is _sre.IN:
        return _set_members(arg)
    if op is _sre.BRANCH:
        out: set[str] = set()
        for branch in arg[1]:
            prefixes = _sequence_prefixes(branch)
            if prefixes is None:
                return None
            out |= prefixes
        return out
    if op is _sre.SUBPATTERN:
        _group, add_flags, _del_flags, sub = arg
        return None if add_flags & re.IGNORECASE else _sequence_prefixes(sub)
    if op is _sre.ATOMIC_GROUP:
        return _sequence_prefixes(arg)
    if op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT, _sre.POSSESSIVE_REPEAT):
        low, high, sub = arg
        once = _sequence_prefixes(sub)
        if once is None:
            return None
        # prefixes of n repetitions for n = 0, 1, ...: they stop changing once every
        # prefix is full (or, where ``sub`` may be empty, once no new one appears)
        out, n_times, n = set(), {""}, 0
        while True:
            if n >= low:
                out |= n_times
            more = _concat(n_times, once)
            if more is None:
                return None
            if n == high or more == n_times:
                return out | n_times if more == n_times else out
            n_times, n = more, n + 1
    return None  # ANY, NOT_LITERAL, group references...


def _concat(heads: set[str], tails: set[str]) -> set[str] | None:
    """Prefixes of a match of ``heads`` followed by one of ``tails`` (None: too many)."""
    full = {h for h in heads if len(h) == _PREFIX_LEN}
    short = heads - full
    if len(short) * len(tails) > _MAX_PREFIXES:
        return None
    return full | {(h + t)[:_PREFIX_LEN] for h in short for t in tails}


def _set_members(items) -> set[str] | None:
    """The members of a parsed set ``[...]``, or None for a negated set, a category
    (``\\w``, ``\\d``) or a wide range."""
    members: set[str] = set()
    for op, arg in items:
        if op is _sre.LITERAL:
            members.add(chr(arg))
        elif op is _sre.RANGE and arg[1] - arg[0] < _MAX_PREFIXES:
            members.update(map(chr, range(arg[0], arg[1] + 1)))
        else:
            return None
    return members


def _compile(patterns: list[str], word_end: bool = True) -> re.Pattern:
    end = r"\b" if word_end else ""
    return re.compile(r"\b(?:" + "|".join(f"(?:{p})" for p in patterns) + ")" + end, re.IGNORECASE)


# ---------------------------------------------------------------------------------------
# extraction

STATE_INTERS = {1, 8}  # state forces, at home (1) or abroad (8)
CIVILIAN_INTER = 7
PROTEST_RE = re.compile(r"\b(?:protest|demonstrat|rall(?:y|ies)|march(?:ed|es)?\b|sit-in|crowd|riot)", re.I)
# state forces named without a proper name ("the army", "security forces"): the gainer of
# ground when no actor span stands before a territory trigger
STATE_NOUNS = re.compile(
    r"\b(?:army|armed forces|troops|soldiers|security forces|government forces|pro-government forces|"
    r"regime forces|military|police|federal forces|national army|SAA|state forces)\b",
    re.I,
)
GOV_TERRITORY_WORDS = re.compile(r"\b(?:liberat|regain|recaptur|retook|retaken|restored)", re.I)
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
CIVILIAN_VICTIMS = {"civilians", "children", "women", "people", "residents", "family"}
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
# "supported by the Russian Aerospace Forces": an associate, not the agent of a passive
SUPPORT_BEFORE = re.compile(r"\b(?:backed|supported|aided|assisted|covered|accompanied|joined)\s+by\s+(?:the\s+|a\s+|an\s+)?$", re.I)
# between actor1 and an associate: "X and Y", "X, Y", "X, supported by Y", "X backed by the Y"
ASSOCIATE_BETWEEN = re.compile(
    r"\s*(?:,\s*)?(?:(?:and|backed by|supported by|aided by|assisted by|alongside|allied with|allied|together with|with)\s+)?(?:the\s+)?",
    re.I,
)
# "Militants of the Islamic State": the generic noun is the named group's members
GENERIC_OF = re.compile(r"\s+of\s+(?:the\s+)?", re.I)
DESCRIPTIVE_CLAUSE_BEFORE = re.compile(
    r",\s*(?:(?:which|that|who)\s+(?:is|are|was|were)\s+(?:also\s+)?(?:part|one|among|home|located|known)\b"
    r"|one\s+of\s+the\b)[^,;]*$",
    re.I,
)
NON_VIOLENT_TRANSFER = "Non-violent transfer of territory"
# the speaker's own forces ("its warplanes", "their fighters"): actor1 is the attributed party
SPEAKER_FORCES = re.compile(
    r"\b(?:its|their|our)\s+(?:own\s+)?(?:war)?(?:planes?|jets|aircraft|helicopters|drones|forces|troops|fighters|"
    r"units|artillery|aviation|air force|bombers)\b",
    re.I,
)


@dataclass
class Extractor:
    """Turns an annotated ``Doc`` into ``doc.mentions`` (one per event-bearing sentence)."""

    lexicon: Lexicon
    thresholds: dict
    # trigger scanning, built once per extractor (see ``_trigger_scanners``)
    _scan: tuple = field(default=(), init=False, repr=False)
    # non-event cues for lower-cased text (see ``_lowered_cues``), built once as well
    _cues_low: dict = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        self._scan = _trigger_scanners(self.lexicon)
        self._cues_low = _lowered_cues(self.lexicon)

    def __call__(self, doc: Doc) -> list[EventMention]:
        th = self.thresholds["extract"]
        triggers = self.find_triggers(doc)
        by_sentence: dict[int, list[Span]] = {}
        starts = [s.start for s in doc.sentences]
        import bisect

        for t in triggers:
            i = bisect.bisect_right(starts, t.start) - 1
            if i >= 0 and t.end <= doc.sentences[i].end:
                by_sentence.setdefault(i, []).append(t)
        spans_by_sentence = _spans_by_sentence(doc)
        mentions: list[EventMention] = []
        for i, trig in sorted(by_sentence.items()):
            sent = doc.sentences[i]
            spans = spans_by_sentence.get(i, [])
            # the scene of the story so far: the place of the latest body mention
            scene = next((x.place_span for x in reversed(mentions) if not x.headline and x.place_span is not None), None)
            m = self._mention(doc, i, sent, trig, spans, spans_by_sentence, th, scene)
            if m is not None:
                mentions.append(m)
        _headline_weapon_from_lede(mentions)
        doc.mentions = mentions
        return mentions

    # -- triggers ------------------------------------------------------------------
    def find_triggers(self, doc: Doc) -> list[Span]:
        """Every sub-event's trigger matches (what ``finditer`` of each pattern gives).

        Case-insensitive matching of ~25 large alternations at every word is the
        extractor's main cost; instead one scan (``_TriggerStarts``) finds the positions
        where any trigger starts, and each sub-event's pattern is tried only there, on
        lower-cased text with case-sensitive patterns (much faster, same matches)."""
        trigger_starts, per_sub = self._scan
        low = lower_same_len(doc.text)
        starts = trigger_starts.starts(low)
        out = []
        for sub, pat, on_low in per_sub:
            text = low if on_low else doc.text
            last_end = -1
            for q in starts:
                if q < last_end:
                    continue  # finditer's matches never overlap
                m = pat.match(text, q)
                if m is not None and m.end() > q:
                    last_end = m.end()
                    out.append(
                        Span(q, m.end(), "TRIGGER", doc.text[q : m.end()], {"sub_event": sub.name, "priority": sub.priority})
                    )
        return out

    def _cancelled(
        self, doc: Doc, sent: Sentence, trig: Span, th: dict, scoped: dict[str, bool] | None = None
    ) -> str | None:
        """Why a trigger is not an event (intention, negation, background), or None.

        The cue patterns run case-sensitively on lower-cased text (``_lowered_cues``:
        the same matches, found ~2x faster). ``scoped`` memoises, for one sentence, the
        sentence-wide cues of ``cue_scope`` (they depend on the sentence only, and a
        sentence often holds several triggers)."""
        cues = self._cues_low
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
            after_end = min(sent.end, trig.end + 25)
            if neg.match(text, trig.end, after_end) is None and neg.search(text[trig.end : after_end]):
                return "negation"
        # a description of what something is ("The evacuation, which is part of a deal
        # that also covers Madaya, ...", "Ahrar al-Sham, one of the groups that negotiated
        # the deal") names the event noun as a standing fact, not as news
        if DESCRIPTIVE_CLAUSE_BEFORE.search(doc.text, max(sent.start, trig.start - 80), trig.start):
            return "description"
        # background wording near the trigger ("In 2013, a sarin attack"); farther away it
        # belongs to another clause ("captured two villages near the scene of a 2017 attack")
        bg, on_low = cues.get("background", (None, False))
        window = int(th["cue_window_chars"])
        if bg is not None and bg.search(low if on_low else doc.text, window_start, min(sent.end, trig.end + window)):
            return "background"
        scoped = {} if scoped is None else scoped
        for kind, subs in self.lexicon.cue_scope.items():
            if trig.attrs["sub_event"] in subs:
                if kind not in scoped:
                    scoped[kind] = self._scoped_cue(kind, sent.text)
                if scoped[kind]:
                    return kind
        return None

    def _scoped_cue(self, kind: str, sentence: str) -> bool:
        """Whether the sentence-wide cue ``kind`` (an accident, a disaster) holds in
        ``sentence``: its pattern matches and its ``unless`` wording does not."""
        pat, on_low = self._cues_low.get(kind, (None, False))
        if pat is None or not pat.search(lower_same_len(sentence) if on_low else sentence):
            return False
        keep, on_low = self._cues_low.get(("unless", kind), (None, False))
        return keep is None or not keep.search(lower_same_len(sentence) if on_low else sentence)

    # -- one sentence ----------------------------------------------------------------
    def _mention(self, doc, i, sent, trig, spans, spans_by_sentence, th, scene=None) -> EventMention | None:
        actors = [s for s in spans if s.label == "ACTOR"]
        protest = None  # whether the sentence speaks of protest: looked up on first need
        plan_at = _governing_intention(spans)
        scoped: dict[str, bool] = {}  # this sentence's cue_scope verdicts, for _cancelled
        candidates = []
        for t in trig:
            sub = self.lexicon.sub_events[t.attrs["sub_event"]]
            if sub.needs == "protest_context":
                if protest is None:
                    protest = bool(PROTEST_RE.search(sent.text))
                if not protest:
                    continue
            if plan_at is not None and plan_at < t.start and not NEW_CLAUSE.search(doc.text, plan_at, t.start):
                continue  # the sentence reports a plan: "will soon launch an offensive ... the battle"
            why = self._cancelled(doc, sent, t, th, scoped)
            if why:
                continue
            # "retakes Palmyra despite Russian air strikes": the backdrop ranks below any event
            backdrop = bool(CONCESSIVE_BEFORE.search(doc.text, max(sent.start, t.start - 40), t.start))
            candidates.append((0 if backdrop else 1, sub.priority, -t.start, t, sub))
        # a trigger inside a longer trigger of another sub-event is part of that phrase
        # ("clashed" in "clashed with police", "grenades" in "grenades were seized")
        candidates = [
            c
            for c in candidates
            if not any(
                o[4].name != c[4].name
                and o[3].start <= c[3].start
                and c[3].end <= o[3].end
                and (o[3].end - o[3].start) > (c[3].end - c[3].start)
                for o in candidates
            )
        ]
        if not candidates:
            return None
        # ground that changed hands under strikes, shelling or blasts named in the same
        # sentence ("recaptured Palmyra after government forces withdrew despite intense
        # air strikes") did not change hands without violence; "fighting" is left out, as a
        # handover often ends it ("a peace deal ending eight weeks of fighting")
        if any(c[4].family == "explosion" for c in candidates):
            candidates = [c for c in candidates if c[4].name != NON_VIOLENT_TRANSFER] or candidates
        # territory entries share wording; resolve them by who gained ground
        candidates.sort(key=lambda c: (c[0], c[1], c[2]), reverse=True)
        chosen = None
        for _, _, _, t, sub in candidates:
            if sub.needs in ("state_actor1", "nonstate_actor1"):
                state = _gainer_is_state(doc.text, sent, actors, t)
                if state is None:
                    state = bool(GOV_TERRITORY_WORDS.search(t.text))
                if state != (sub.needs == "state_actor1"):
                    continue
            chosen = (t, sub)
            break
        if chosen is None:
            return None
        t, sub = chosen
        dead = [s for s in spans if s.label == "CASUALTY" and s.attrs.get("kind") == "killed"]
        a1, assoc1, a2, assoc2 = _assign_actors(doc.text, sent, actors, t, dead)

        # a party's own report: "Amaq claimed that a suicide car bomb had killed 20 soldiers",
        # "the ministry said its warplanes had carried out 64 strikes"
        actor1_source = "sentence"
        attributions = [s for s in spans if s.label == "ATTRIBUTION"]
        forces = next((a for a in attributions if a.attrs.get("forces")), None)
        if forces is not None and (a1 is None or SPEAKER_FORCES.search(doc.text, sent.start, t.end)):
            own = _doc_actor(doc, forces.attrs["forces"])
            if own is not None and (a1 is None or own.attrs.get("actor") != a1.attrs.get("actor")):
                if a1 is not None and a2 is None:
                    a2 = a1  # the actor named in the report was the target of the speaker's forces
                a1, actor1_source = own, f"forces of {forces.attrs.get('source')}"
                if a2 is not None and a2.attrs.get("actor") == own.attrs.get("actor"):
                    a2 = None
        # actor1 from the paragraph when the sentence has none ("The jets struck again.")
        if a1 is None:
            a1 = _paragraph_actor(doc, i, spans_by_sentence, exclude=a2)
            actor1_source = "paragraph" if a1 is not None else ""

        casualties = [s for s in spans if s.label == "CASUALTY"]
        killed = [c for c in casualties if c.attrs.get("kind") == "killed"]
        if not killed:
            for j in range(i + 1, min(i + 1 + int(th["toll_lookahead_sentences"]), len(doc.sentences))):
                if doc.sentences[j].paragraph != sent.paragraph:
                    break
                nxt = spans_by_sentence.get(j, [])
                if any(s.label == "TRIGGER" for s in nxt):
                    break
                killed = [c for c in nxt if c.label == "CASUALTY" and c.attrs.get("kind") == "killed"]
                if killed:
                    break
        low, value, high, fat_text = _fatalities(killed)

        civ_victims = any(c.attrs.get("victims") in CIVILIAN_VICTIMS for c in killed) or any(
            s.attrs.get("inter") == CIVILIAN_INTER for s in actors
        )
        civ_span = next((s for s in actors if s.attrs.get("inter") == CIVILIAN_INTER), None)
        if a2 is None and civ_span is not None and civ_span is not a1:
            a2 = civ_span
        elif sub.event_type == "Violence against civilians" and civ_victims and (a2 is None or a2.attrs.get("inter") != CIVILIAN_INTER):
            # violence against civilians targets the civilians it names, not a group the
            # reporting mentions in passing ("executed eight civilians on charges of
            # collaborating with the SDF")
            a2 = civ_span if civ_span is not None and civ_span is not a1 else None

        # date
        date, precision, date_text, explicit = _date_for(doc, i, sent, t, spans_by_sentence)
        published = doc.article.published
        if explicit and date and published and (published - date).days > int(th["max_event_age_days"]):
            return None

        # place
        place_span = _place_for(doc, i, sent, t, spans, spans_by_sentence, int(self.thresholds["geocode"]["place_lookback_sentences"]))
        if place_span is None and scene is not None and i > 1:
            # a sentence that names no place continues the scene of the previous report
            # ("ISIS militants launched the assault at dawn ...")
            place_span = scene

        hedges = [s for s in spans if s.label == "HEDGE"]
        claim = "reported"
        if any(h.attrs.get("kind") in ("doubt", "denial") for h in hedges):
            claim = "disputed"
        elif hedges or any(a.attrs.get("party") for a in attributions):
            claim = "claimed"

        evidence = Evidence(
            article_id=doc.article.article_id,
            sentence=sent.text,
            char_start=doc.offsets.to_orig(sent.start),
            char_end=doc.offsets.to_orig(sent.end),
            path=doc.article.path,
            url=doc.article.url,
            outlet=doc.article.outlet,
            published=published.isoformat() if published else None,
            attributed_to=(attributions[0].attrs.get("source") if attributions else None),
            hedges=[h.text for h in hedges],
            fields={"trigger": t.text},
        )
        if a1 is not None:
            evidence.fields["actor1"] = a1.text + ("" if actor1_source == "sentence" else f" ({actor1_source})")
        if a2 is not None:
            evidence.fields["actor2"] = a2.text
        if place_span is not None:
            evidence.fields["location"] = place_span.text
        if date_text:
            evidence.fields["event_date"] = date_text
        if fat_text:
            evidence.fields["fatalities"] = fat_text

        actor1 = a1.attrs.get("actor") if a1 is not None else None
        inter1 = a1.attrs.get("inter") if a1 is not None else None
        if actor1 is None:
            d = self._default_actor(sub.name, doc.country_hint)
            if d is not None:
                actor1, inter1 = d.actor, d.inter
                evidence.fields["actor1"] = "default for this sub-event and country (event_types.yaml)"
        actor2 = a2.attrs.get("actor") if a2 is not None else None
        inter2 = a2.attrs.get("inter") if a2 is not None else None
        if actor2 is None and civ_victims and doc.country_hint:
            # the dead are civilians but no actor span names them ("killing five civilians")
            actor2, inter2 = f"Civilians ({_country_name(doc.country_hint)})", CIVILIAN_INTER
            evidence.fields["actor2"] = fat_text or "civilian victims"
        if actor2 == actor1:
            actor2, inter2 = None, None

        event_type = sub.event_type
        sub_name = sub.name
        civilian_targeting = inter2 == CIVILIAN_INTER and event_type in (
            "Violence against civilians",
            "Explosions/Remote violence",
        )
        score = 1.0 + (0.5 if actor1 else 0) + (0.5 if place_span else 0) + (1.0 if value else 0)
        if score < float(th["min_mention_score"]):
            return None
        return EventMention(
            event_type=event_type,
            sub_event_type=sub_name,
            evidence=evidence,
            actor1=actor1,
            assoc_actor_1=assoc1.attrs.get("actor") if assoc1 is not None else None,
            inter1=inter1,
            actor2=actor2,
            assoc_actor_2=assoc2.attrs.get("actor") if assoc2 is not None else None,
            inter2=inter2,
            civilian_targeting=civilian_targeting,
            place_text=place_span.text if place_span is not None else None,
            place_span=place_span,
            place_relation=place_span.attrs.get("relation") if place_span is not None else None,
            event_date=date,
            time_precision=precision,
            fatalities=value,
            fatalities_low=low,
            fatalities_high=high,
            fatality_text=fat_text,
            claim=claim,
            trigger=t.text,
            score=score,
            headline=i == 0,
        )

    def _default_actor(self, sub_event: str, country: str | None) -> "DefaultActor | None":
        for d in self.lexicon.defaults:
            if d.sub_event == sub_event and d.country == country:
                return d
        return None


def _country_name(iso3: str) -> str:
    import pycountry

    c = pycountry.countries.get(alpha_3=iso3)
    return getattr(c, "common_name", None) or (c.name if c else iso3)


def _spans_by_sentence(doc: Doc) -> dict[int, list[Span]]:
    import bisect

    starts = [s.start for s in doc.sentences]
    out: dict[int, list[Span]] = {}
    for sp in doc.spans:
        i = bisect.bisect_right(starts, sp.start) - 1
        if i >= 0 and sp.start < doc.sentences[i].end:
            out.setdefault(i, []).append(sp)
    return out


# trigger text of a headline that reports a toll and no weapon ("Syrian Army Kills 70 IS Militants")
TOLL_ONLY = re.compile(r"(?:kill|eliminat)", re.I)
REMOTE_VIOLENCE = "Explosions/Remote violence"
NON_VIOLENT_TYPES = {"Strategic developments", "Protests"}


def _headline_weapon_from_lede(mentions: list[EventMention]) -> None:
    """A toll-only headline names no weapon; when the lede's first violent mention names
    one (air strikes, shelling, a bomb), the headline reports that event, not a clash."""
    if len(mentions) < 2 or not mentions[0].headline or not TOLL_ONLY.match(mentions[0].trigger or ""):
        return
    # the lede: the first violent body mention that says more than the toll (wire copy often
    # repeats the headline as the first line)
    body = [m for m in mentions[1:5] if m.event_type not in NON_VIOLENT_TYPES and not TOLL_ONLY.match(m.trigger or "")]
    lede = body[0] if body else None
    if lede is not None and lede.event_type == REMOTE_VIOLENCE:
        mentions[0].event_type, mentions[0].sub_event_type = lede.event_type, lede.sub_event_type


def _governing_intention(spans: list[Span]) -> int | None:
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


def _gainer_is_state(text: str, sent: Sentence, actors: list[Span], trig: Span) -> bool | None:
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


def _assign_actors(text: str, sent: Sentence, actors: list[Span], trig: Span, dead: list[Span] = ()):
    """actor1 = the agent (a 'by X' phrase, else the first armed actor before the trigger,
    else after it); actor2 = the other side or the civilian victims."""
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
        if PASSIVE_AGENT.search(text[max(sent.start, a.start - 12) : a.start]) and not SUPPORT_BEFORE.search(
            text, max(sent.start, a.start - 30), a.start
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


def _doc_actor(doc: Doc, name_prefix: str) -> Span | None:
    """The first ACTOR span of the article whose canonical name starts with ``name_prefix``
    (the force an attributed source speaks for, named as the article names it)."""
    for s in doc.spans:
        if s.label == "ACTOR" and str(s.attrs.get("actor") or "").startswith(name_prefix):
            return s
    return None


def _paragraph_actor(doc: Doc, i: int, spans_by_sentence, exclude: Span | None) -> Span | None:
    para = doc.sentences[i].paragraph
    for j in range(i - 1, -1, -1):
        if doc.sentences[j].paragraph != para:
            break
        for s in spans_by_sentence.get(j, []):
            if s.label == "ACTOR" and s.attrs.get("inter") != CIVILIAN_INTER and s is not exclude:
                return s
    return None


def _fatalities(killed: list[Span]) -> tuple[int, int, int, str | None]:
    """Conservative figure and range from the 'killed' phrases of one sentence: different
    victim groups add up ("5 civilians and 3 fighters"), repeated figures for the same
    group are a range and the lowest is kept (SPEC fatality rules)."""
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


# A "sentence" of fewer words than this is a dateline or byline line, not reporting.
DATELINE_MAX_WORDS = 7


def _date_for(doc: Doc, i: int, sent: Sentence, trig: Span, spans_by_sentence):
    """(date, precision, evidence text, explicit?) for the mention in sentence ``i``."""
    dates = [s for s in spans_by_sentence.get(i, []) if s.label == "DATE" and s.attrs.get("date")]
    if dates:
        d = min(dates, key=lambda s: abs(s.start - trig.start))
        return d.attrs["date"], int(d.attrs.get("precision", 1)), d.text, True
    para = sent.paragraph
    for j in range(i - 1, -1, -1):
        if doc.sentences[j].paragraph != para:
            break
        ds = [s for s in spans_by_sentence.get(j, []) if s.label == "DATE" and s.attrs.get("date")]
        if ds:
            return ds[-1].attrs["date"], int(ds[-1].attrs.get("precision", 1)), ds[-1].text, True
    # the lede's date covers the story ("On Wednesday, ... . Later, ..."); a dateline line
    # ("Thu 25 May 2017", "Posted on June 24, 2017") is the publication day, not the lede's
    for j in range(0, min(len(doc.sentences), 4)):
        if len(doc.sentences[j].text.split()) < DATELINE_MAX_WORDS:
            continue
        ds = [s for s in spans_by_sentence.get(j, []) if s.label == "DATE" and s.attrs.get("date")]
        if ds:
            return ds[0].attrs["date"], max(int(ds[0].attrs.get("precision", 1)), 1), ds[0].text, False
    pub = doc.article.published
    if pub is not None:
        # no date in the text: the report date, at week precision (ACLED practice)
        return pub, 2, "publication date", False
    return None, None, None, False


PLACE_PREP = re.compile(r"\b(?:in|on|at|near|of|into|from|outside|around|across|targeting|hit|struck)\s+(?:the\s+)?$", re.I)
FEATURE_RANK = {"city": 0, "region": 1, "admin1": 2, "country": 3}


def _place_rank(sp: Span, text: str, trig: Span) -> tuple:
    cands = sp.attrs.get("candidates") or []
    feature = cands[0].feature if cands else "country"
    # a span that already took its relation word ("near the village of X") is locative too
    prep = bool(sp.attrs.get("relation")) or bool(PLACE_PREP.search(text[max(0, sp.start - 14) : sp.start]))
    return (FEATURE_RANK.get(feature, 3), 0 if prep else 1, abs(sp.start - trig.end))


def _lookback_rank(sp: Span, text: str, trig: Span) -> tuple:
    """``_place_rank`` with ``_around`` after the feature rank: a place "near" a town
    ranks below the town itself (``_place_rank`` computed once, not per element)."""
    feature, prep, dist = _place_rank(sp, text, trig)
    return (feature, _around(sp), prep, dist)


# "the road between Salamiyah and Ithriya", "the Aleppo-Raqqa highway": a route's ends
# name where the road runs, not where the event happened
ROUTE_END_BEFORE = re.compile(r"\b(?:road|highway|route|motorway|supply lines?)\s+(?:between|from|linking|connecting)\s+(?:the\s+)?(?:towns?\s+of\s+)?$", re.I)


def _event_places(spans: list[Span], text: str) -> list[Span]:
    """The PLACE spans of a sentence that can be an event's place."""
    return [
        s
        for s in spans
        if s.label == "PLACE"
        and s.attrs.get("candidates")
        and not ROUTE_END_BEFORE.search(text, max(0, s.start - 40), s.start)
    ]


AROUND_RELATIONS = frozenset({"near", "countryside", "outskirts", "direction"})
# "the village of al-Safsafah, east of Tabqa": the anchor town locates the village; a
# candidate of the village farther than this from the anchor is a namesake elsewhere
ANCHOR_MAX_KM = 60.0
APPOSITION = re.compile(r"\s*,\s*")


def _around(sp: Span) -> int:
    """1 for a place named as around a town ("near X", "countryside of X"), else 0."""
    return 1 if sp.attrs.get("relation") in AROUND_RELATIONS else 0


def _anchored(sp: Span, places: list[Span], text: str) -> Span:
    """``sp`` with its namesakes ordered by distance to an anchor that follows it ("X,
    east of Y"); the anchor itself (precision 2) when no namesake lies near it."""
    anchor = next(
        (
            a
            for a in places
            if a.start > sp.end
            and a.attrs.get("relation") in AROUND_RELATIONS
            and APPOSITION.fullmatch(text, sp.end, a.start)
        ),
        None,
    )
    if anchor is None or _around(sp):
        return sp
    ref = anchor.attrs["candidates"][0]
    cands = [c for c in sp.attrs["candidates"] if c.latitude is not None]
    if not cands or ref.latitude is None:
        return sp
    from .assemble import haversine_km

    dist = {id(c): haversine_km(c, ref) for c in cands}
    best = min(cands, key=lambda c: dist[id(c)])
    if dist[id(best)] > ANCHOR_MAX_KM:
        return anchor
    if best is sp.attrs["candidates"][0]:
        return sp
    ordered = [best] + [c for c in sp.attrs["candidates"] if c is not best]
    return Span(sp.start, sp.end, sp.label, sp.text, {**sp.attrs, "candidates": ordered})


def _place_for(doc, i, sent, trig, spans, spans_by_sentence, lookback: int) -> Span | None:
    places = _event_places(spans, doc.text)
    if places:
        return _anchored(min(places, key=lambda s: _place_rank(s, doc.text, trig)), places, doc.text)
    para = sent.paragraph
    for j in range(i - 1, max(-1, i - 1 - lookback), -1):
        if doc.sentences[j].paragraph != para:
            break
        ps = _event_places(spans_by_sentence.get(j, []), doc.text)
        if ps:
            # a sentence back, the most precise place is the scene ("shelled the village of
            # Kafr Zita in the northern countryside of Hama ... The shelling also destroyed")
            return _anchored(min(ps, key=lambda s: _lookback_rank(s, doc.text, trig)), ps, doc.text)
    return None


def published_or_none(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None
