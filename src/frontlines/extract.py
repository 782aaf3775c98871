"""Stage 5, extract: event mentions from annotated sentences.

For each sentence, the event lexicon (data/event_types.yaml) proposes triggers; cues for
intentions, negations and background cancel them; the highest-priority surviving trigger
becomes an ``EventMention`` whose actors, place, date, fatalities and claim markers come
from the annotation spans of that sentence (and, where the sentence lacks them, of its
paragraph). Each field has its own resolver in ``frontlines.resolve`` (trigger, actors,
toll, date, place, claim, evidence); ``Extractor._mention`` calls them in order.
Comment threads never reach this stage: cleaning removed them.
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
from .records import Doc, EventMention, Span
from .reportable import Reportable, dispute_earlier, disputed_report
from .subtype import Subtyper, context as subtype_context
from .resolve import actors, airpower, toll, trigger
from .resolve import date as dates, place as places
from .resolve.claim import claim_for
from .resolve.evidence import evidence_for


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
    # who flies combat air strikes where (data/air_operators.yaml; resolve.airpower)
    "air_operators": airpower.OPERATOR_SCHEMA,
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
    # who flies combat air strikes where: actor1 of an unattributed air strike
    air_operators: tuple[airpower.AirOperator, ...] = ()

    @classmethod
    def load(cls, extra_files: Iterable[Path] = ()) -> "Lexicon":
        raw = _read_yaml(_data_path("event_types.yaml"))
        _check_lexicon(raw, "event_types.yaml", set())
        air = _read_yaml(_data_path(airpower.DATA_FILE)).get("air_operators") or []
        airpower.check_operators(air, airpower.DATA_FILE)
        for extra in extra_files:
            more = _read_yaml(Path(extra))
            _check_lexicon(more, extra, set(raw.get("sub_events") or {}))
            _merge_lexicon(raw, more)
            if more.get("air_operators"):
                airpower.check_operators(more["air_operators"], extra)
                air = airpower.merge_operators(air, more["air_operators"])
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
        return cls(subs, cues, defaults, scope, unless, airpower.build_operators(air))


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
    # cues read right before the trigger: anchored at its start ("the man who | beheaded")
    for kind in trigger.CUES_BEFORE_TRIGGER:
        if kind in lexicon.cues:
            pat = lexicon.cues[kind]
            out[("before", kind)] = _for_lower_text(re.compile("(?:" + pat.pattern + ")$", pat.flags))
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

@dataclass
class Extractor:
    """Turns an annotated ``Doc`` into ``doc.mentions`` (one per event-bearing sentence)."""

    lexicon: Lexicon
    thresholds: dict
    # trigger scanning, built once per extractor (see ``_trigger_scanners``)
    _scan: tuple = field(default=(), init=False, repr=False)
    # non-event cues for lower-cased text (see ``_lowered_cues``), built once as well
    _cues_low: dict = field(default_factory=dict, init=False, repr=False)
    # reportable-event rules and model (``frontlines.reportable``; the model loads on the
    # first sentence it scores)
    _reportable: "Reportable | None" = field(default=None, init=False, repr=False)
    # the learned sub-event check of the trigger choice (``frontlines.subtype``; the model
    # loads on the first sentence it scores)
    subtyper: "Subtyper | None" = field(default=None, init=False, repr=False)
    # the actor dictionary's names and eras, for the operator of an unattributed air strike
    # (read on the first such strike)
    _air_names: airpower.DictionaryNames = field(default_factory=airpower.DictionaryNames, init=False, repr=False)

    def __post_init__(self) -> None:
        self._scan = _trigger_scanners(self.lexicon)
        self._cues_low = _lowered_cues(self.lexicon)
        self._reportable = Reportable.from_thresholds(self.thresholds)
        self.subtyper = Subtyper(self.thresholds)
        # the learned check's keep of a sentence the reportable model dropped applies to the
        # headline and lede only: the news comes first, background later ([subtype]
        # keep_sentences)
        self._keep_sentences = int(self.thresholds.get("subtype", {}).get("keep_sentences", 0))

    def warm(self) -> None:
        """Load the learned models (reportable events, sub-event types) now instead of on
        the first sentence they score (``Pipeline.warm``: before the workers fork)."""
        assert self._reportable is not None and self.subtyper is not None
        _ = self._reportable.model
        _ = self.subtyper.model

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
        # the event types each sentence's triggers propose: where the toll resolver may
        # borrow a following sentence's dead (only from one continuing the same report)
        subs = self.lexicon.sub_events
        trigger_types = {j: {subs[t.attrs["sub_event"]].event_type for t in ts} for j, ts in by_sentence.items()}
        mentions: list[EventMention] = []
        where = places.scene_of(doc)  # the scene country and named countries, once per document
        headline_dropped: list = []  # the headline's mention as the model alone dropped it
        for i, trig in sorted(by_sentence.items()):
            sent = doc.sentences[i]
            spans = spans_by_sentence.get(i, [])
            # the scene of the story so far: the place of the latest body mention
            scene = next((x.place_span for x in reversed(mentions) if not x.headline and x.place_span is not None), None)
            # the mentions so far: a later denial or doubt of one of them disputes it
            # (``reportable.dispute_earlier``)
            m = self._mention(
                doc, i, sent, trig, spans, spans_by_sentence, th, scene, trigger_types, mentions, headline_dropped, where=where
            )
            if m is not None:
                mentions.append(m)
        if headline_dropped and not any(x.event_type not in NON_VIOLENT_TYPES for x in mentions):
            # the headline states the article's news: with no other violent report of it,
            # its incident is reported (``[reportable] headline_min_probability``)
            spans0 = spans_by_sentence.get(0, [])
            m = self._mention(
                doc, 0, doc.sentences[0], by_sentence[0], spans0, spans_by_sentence, th, None, trigger_types, keep_headline=True, where=where
            )
            if m is not None:
                mentions.insert(0, m)
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

    def sentence_views(self, doc: Doc) -> dict[int, tuple[list[Span], list[Span], dict[str, float]]]:
        """Per sentence with triggers: its ACTOR/CASUALTY spans, its triggers and the rules'
        context for the learned check (``subtype_context``), as ``_mention`` computes them
        (without the story's earlier mentions). Training reads the classifier's features
        with it, so that they are those the pipeline gives at run time."""
        import bisect

        th = self.thresholds["extract"]
        starts = [s.start for s in doc.sentences]
        by_sentence: dict[int, list[Span]] = {}
        for t in self.find_triggers(doc):
            i = bisect.bisect_right(starts, t.start) - 1
            if i >= 0 and t.end <= doc.sentences[i].end:
                by_sentence.setdefault(i, []).append(t)
        spans_by_sentence = _spans_by_sentence(doc)
        cues, cue_scope = self._cues_low, self.lexicon.cue_scope
        out = {}
        for i, trig in sorted(by_sentence.items()):
            sent = doc.sentences[i]
            spans = spans_by_sentence.get(i, [])
            scoped: dict[str, bool] = {}
            chosen = trigger.resolve_trigger(
                doc, sent, trig, spans, self.lexicon, lambda t: trigger.cancel_reason(doc, sent, t, th, cues, cue_scope, scoped)
            )
            verdict = self._reportable.judge(doc, i, spans, chosen[0]) if chosen is not None else None
            out[i] = ([s for s in spans if s.label in ("ACTOR", "CASUALTY")], trig,
                      subtype_context(chosen[1].name if chosen else None, verdict))
        return out

    def _headline_news(self, i: int, verdict, event_type: str) -> bool:
        """Whether a dropped mention is the headline's violent incident that only the model
        doubted, at ``[reportable] headline_min_probability`` or more."""
        floor = float(self.thresholds.get("reportable", {}).get("headline_min_probability", 1.0))
        return i == 0 and verdict.reason == "model" and event_type not in NON_VIOLENT_TYPES and (verdict.probability or 0.0) >= floor

    # -- one sentence ----------------------------------------------------------------
    def _mention(
        self, doc, i, sent, trig, spans, spans_by_sentence, th, scene=None, trigger_types=None, reported=(), headline_dropped=None, keep_headline=False,
        where=None,
    ) -> EventMention | None:
        """The event mention of sentence ``i`` (triggers ``trig``), or None. The field
        resolvers run in this order: trigger and sub-event (``resolve.trigger``), whether
        the sentence reports a specific incident (``frontlines.reportable``), actor
        spans (``resolve.actors``), toll (``resolve.toll``), civilian victims as actor2,
        date and its maximum age (``resolve.date``), place or the ``scene`` it continues
        (``resolve.place``), claim (``resolve.claim``), evidence, canonical actors with
        the lexicon's defaults, and the minimum mention score."""
        scoped: dict[str, bool] = {}  # this sentence's cue_scope verdicts, for cancel_reason
        cues, cue_scope = self._cues_low, self.lexicon.cue_scope
        chosen = trigger.resolve_trigger(
            doc, sent, trig, spans, self.lexicon, lambda t: trigger.cancel_reason(doc, sent, t, th, cues, cue_scope, scoped)
        )
        if chosen is None:  # the model may bring back a trigger the rules set aside
            chosen = self.subtyper.rescue(sent.text, spans, trig, self.lexicon.sub_events)
            if chosen is None:
                return None
            rule_pick = None
        else:
            rule_pick = chosen[1].name
        t, sub = chosen
        verdict = None if keep_headline else self._reportable.judge(doc, i, spans, t)
        # what the rules found, a feature of the learned check (``subtype.context``)
        context = subtype_context(rule_pick, verdict)
        if verdict is not None and not verdict.keep and not disputed_report(doc, spans, sub.event_type, reported):
            # background, a total, a caption...: no specific incident reported, unless only
            # the reportable model doubted it, in the headline or lede, the sentence denies,
            # doubts, plans or calls for nothing, and the learned check is sure of a conflict
            # event (``[subtype] keep_p``); a denial or doubt of an incident already reported
            # disputes that incident's mention
            kept = (
                self.subtyper.keep(sent.text, spans, trig, chosen, self.lexicon.sub_events, context)
                if i < self._keep_sentences and verdict.reason == "model" and not _doubts(spans) and not _intends(spans)
                else None
            )
            if kept is None or (i == 0 and headline_dropped is not None):
                # a headline the model would keep is restored like the headline news the
                # reportable model alone doubted: only when no body sentence reports violence
                dispute_earlier(spans, sub.event_type, reported)
                if headline_dropped is not None and (kept is not None or self._headline_news(i, verdict, sub.event_type)):
                    headline_dropped.append(verdict)
                return None
            chosen = kept
        else:
            # the learned check of the rules' pick (``frontlines.subtype``), on the sentences
            # that report an incident only (the cost stays small)
            chosen = self.subtyper.refine(sent.text, spans, trig, chosen, self.lexicon.sub_events, context)
        if chosen is None:
            return None
        t, sub = chosen
        a1, assoc1, a2, assoc2, actor1_source = actors.sentence_actors(doc, i, sent, t, spans, spans_by_sentence)
        killed = toll.killed_spans(
            doc, i, sent, spans, spans_by_sentence, int(th["toll_lookahead_sentences"]), sub.event_type, trigger_types, sub.name,
            trigger=t, triggers=trig,
        )
        low, value, high, fat_text = toll.fatalities(killed)
        if not value and trigger.refers_back(doc.text, t, sub.event_type, reported):
            return None  # "Hezbollah was involved in the battle": the incident told above
        named = [s for s in spans if s.label == "ACTOR"]
        civ_victims = actors.civilian_victims(killed, named)
        a2 = actors.civilian_actor2(sub.event_type, civ_victims, named, a1, a2)
        a2 = actors.holder_actor2(doc.text, sub.event_type, named, a1, a2)
        date, precision, date_text, explicit = dates.date_for(doc, i, sent, t, spans_by_sentence)
        if dates.too_old(date, explicit, doc.news_day(), int(th["max_event_age_days"])):
            return None
        lookback = int(self.thresholds["geocode"]["place_lookback_sentences"])
        place_span = places.continue_scene(
            places.place_for(doc, i, sent, t, spans, spans_by_sentence, lookback, where, reports=trigger_types or ()), scene, i
        )
        hedges = [s for s in spans if s.label == "HEDGE"]
        attributions = [s for s in spans if s.label == "ATTRIBUTION"]
        country = actors.event_country(place_span, doc.country_hint)
        default = actors.default_actor(self.lexicon.defaults, sub.name, country)
        flown = None
        if default is None:  # an air strike no one names: who flies there (data/air_operators.yaml)
            day = date or doc.news_day()
            flown = airpower.infer_operator(
                self.lexicon.air_operators, self._air_names, doc, i, sent, t, sub.name, a1, a2, spans_by_sentence, country, place_span, day
            )
        actor1, inter1, actor2, inter2, notes = actors.actor_names(
            a1, a2, civ_victims, default, country, fat_text, sub.event_type, sub.name, flown
        )
        fields = {
            "trigger": t.text,
            "actor1": a1.text + ("" if actor1_source == "sentence" else f" ({actor1_source})") if a1 is not None else None,
            "actor2": a2.text if a2 is not None else None,
            "location": place_span.text if place_span is not None else None,
            "event_date": date_text or None,
            "fatalities": fat_text or None,
        }
        evidence = evidence_for(doc, sent, attributions, hedges, fields)
        evidence.fields.update(notes)
        part = toll.part_of_toll(killed)
        if part:
            # "Fifteen of the dead", "One civilian was also killed": not the whole toll
            evidence.fields["fatalities_part"] = part
        if killed and all(k.attrs.get("vague") for k in killed):
            # "dozens", "scores": a floor, not a figure another report's count disputes
            evidence.fields["fatalities_vague"] = "; ".join(str(k.attrs.get("count_text") or k.text) for k in killed)
        # a named actor1 counts, not the unidentified group filled in for an unnamed one
        score = 1.0 + (0.5 if a1 is not None or default is not None or flown is not None else 0) + (0.5 if place_span else 0) + (1.0 if value else 0)
        if score < float(th["min_mention_score"]):
            return None
        return EventMention(
            event_type=sub.event_type,
            sub_event_type=sub.name,
            evidence=evidence,
            actor1=actor1,
            assoc_actor_1=assoc1.attrs.get("actor") if assoc1 is not None else (flown.assoc1 if flown is not None and a1 is None else None),
            inter1=inter1,
            actor2=actor2,
            assoc_actor_2=assoc2.attrs.get("actor") if assoc2 is not None else None,
            inter2=inter2,
            civilian_targeting=actors.civilian_targeting(sub.event_type, inter2),
            place_text=place_span.text if place_span is not None else None,
            place_span=place_span,
            place_relation=place_span.attrs.get("relation") if place_span is not None else None,
            event_date=date,
            time_precision=precision,
            fatalities=value,
            fatalities_low=low,
            fatalities_high=high,
            fatality_text=fat_text,
            claim=claim_for(hedges, attributions),
            trigger=t.text,
            score=score,
            headline=i == 0,
        )


def _doubts(spans) -> bool:
    """Whether a sentence denies or doubts what it tells (a denial never becomes an event)."""
    return any(s.label == "HEDGE" and s.attrs.get("kind") in ("denial", "doubt") for s in spans)


def _intends(spans) -> bool:
    """Whether a sentence also tells a plan, threat or call ("as France and Britain called
    for sanctions"): the learned check does not overrule the reportable model there."""
    return any(s.label == "INTENTION" for s in spans)


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


def published_or_none(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None
