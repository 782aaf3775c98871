"""Casualty annotator: phrases that count people killed, wounded, missing or captured.

A figure counts only next to casualty wording ("killing 12", "12 people were killed",
"the death toll rose to 12", "12 bodies"); "30 km", "5 p.m.", "2017" or "3,000 fighters
advanced" never do. Values follow SPEC's fatality rules: the stated figure ("at least 137"
-> 137, "over 15" -> 15, as ACLED codes the stated figure), the low end of a range
("between 10 and 15" -> 10, low 10, high 15), and fixed readings of vague words from
``data/casualty_terms.yaml`` ("dozens" -> 12). "casualties", "wounded", "missing" and
"captured" figures keep their kind so they never count as deaths.

A figure is a toll only when the text ties it to one incident: a total over a period or a
whole war ("more than 330,000 killed since 2011", "so far this year", "the war has killed
400,000"; cues in ``total_cues``) gets kind "total" (its own kind kept in "total_of"), and
dates ("Jun 182016", "Oct 2016 Sixteen civilians"), counts of towns, vehicles or days never
become counts of people.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any, Iterable

import bisect

from frontlines.annotate.actors import WORD_START, load_data, lower_same_len, phrase_pattern
from frontlines.memo import BoundedMemo
from frontlines.records import Doc, Span

# Words allowed between a count (or its noun) and its verb, auxiliaries included: 7 covers
# "12 people in the town of Douma were killed" and "5 were reported to have been killed"
# without reaching into the next clause (clause words like "and", "but" stop the gap).
MAX_GAP_WORDS = 7
# Modifiers that may stand in a row before a count: "an estimated at least 50", "at least
# another 12"; more are not written.
MAX_MODIFIERS = 2
# Words allowed between "death toll" and the figure: 15 reaches over "the death toll from
# the terrorist groups rocket attacks on Salah Eddin neighborhood in Aleppo city rose to"
# (14 words; 8 did not); the words never cross punctuation, so the figure stays in the toll's clause.
MAX_TOLL_WORDS = 15
# A bare four-digit figure in this range with no victim noun is a year, not a count.
YEAR_RANGE = (1900, 2100)
# Words that open an appositive naming a subgroup of the victims, skipped between a count
# and its verb ("12 people, including five children, were killed"); the appositive is at
# most this many characters, so a comma-separated list of other clauses is never skipped.
APPOSITIVE_CUES = ("among them", "including", "among whom", "most of them", "many of them", "mostly", "most of whom")
APPOSITIVE_MAX_CHARS = 60
# Characters around a count searched for the cues that make it a total (``total_cues``):
# before it, 70 reaches from "Since the war erupted in 2011" or "the conflict in Syria which
# has lasted five years has" to the count; after it, 70 covers "were killed in Syria since
# the conflict began" within the count's clause (the window also stops at a comma, a
# semicolon, a dash or the next count).
TOTAL_LEFT_CHARS = 70
TOTAL_RIGHT_CHARS = 70
# How far before a cue a superlative makes it a comparison ("the first explosion to hit the
# heart of the western town since": 53 characters).
SUPERLATIVE_CHARS = 60
# Characters after a count (within its clause) searched for a part cue ("Fifteen of the
# dead", "six children were among those killed": 12; 30 leaves room for "were said to be").
PART_RIGHT_CHARS = 30
# "also" between a count and its verb adds its victims to a toll told before.
_ALSO_RE = re.compile(r"\balso\b")
# Month names (a count right after one is a day or a year of a date: "Jun 182016", "Oct 2016
# Sixteen civilians", "September 24 2016"); "May" only capitalised, "may" is a verb.
_MONTH_BEFORE_RE = re.compile(
    r"(?:\b(?i:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|june?|july?|aug(?:ust)?|sept?(?:ember)?|"
    r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)|\bMay|\bMAY)\.?\s+(?:\d{1,2}(?:st|nd|rd|th)?,?\s+)?$"
)
_MONTH_AFTER_RE = re.compile(
    r"\s+(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|june?|july?|aug(?:ust)?|sept?(?:ember)?|"
    r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\b\.?(?:\s+(?:19|20)\d\d)?"
)
# right after a figure, a determiner opens another noun phrase: the figure counts no one in it
_DETERMINER_AFTER_RE = re.compile(r"\s+(?:the|a|an|this|these|those|its|their)\s")
# between two counts, only a conjunction: they are one list ("12 killed and 30 wounded")
_COORDINATED_RE = re.compile(r"\s*,?\s*(?:and|as well as)\s*")
_MAY_AFTER_RE = re.compile(r"\s+(?:May|MAY)\b")  # "since 21 May have killed": a date
# Where a cue's clause stops: a comma, semicolon, colon or dash.
_CLAUSE_BREAK_RE = re.compile(r"[,;:]|\s[-\u2013\u2014]\s")
# After a count, a relative clause describes a noun, not the count ("killed two civilians in
# the city that has been divided since 2012"): the cue window after the count stops there.
_RELATIVE_RE = re.compile(r"\b(?:that|which|who|whom|whose|where)\b")
_TOTAL_WHERE = ("after", "inside", "before", "fronted")
# Priority of the pattern kinds when two candidates overlap (lower wins).
_PRIORITY = {"toll": 0, "passive": 1, "active": 1, "noun": 2, "pronoun": 3, "subset": 4, "bare": 5}

# After a killing verb, a figure that a wounding verb follows (across at most its victim noun,
# never across "and": "killed 12 and wounded 30") counts the wounded of a run-on clause whose
# comma was lost ("a man killed, three others wounded" printed as "a man killed three others
# wounded", "woman killed 6 civilians hurt in shelling"): no one "kills three others wounded".
# A wounding verb with a figure of its own opens the next clause ("killed 9 civilians wounded
# 20"): the first figure stays the dead.
_WOUNDED_AFTER_RE = re.compile(
    r"(?:\s+(?!(?:and|while|but|as|or)\b)[a-z'\-]+){0,2}?\s+(?:were\s+|was\s+|have\s+been\s+|had\s+been\s+|are\s+)?"
    r"(?:injured|wounded|hurt)(?![\w\-])"
    r"(?!\s+(?:\d|(?:at\s+least|more\s+than|about|some|nearly|over|up\s+to|dozens|scores|hundreds|tens|an?|one|two|three|four|"
    r"five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)\b))"
)
_CLAUSE_WORDS = (
    "and|but|while|when|after|before|as|since|because|or|than|where|whereas|although|though"
)


# Casualty words, in the order of the trigger alternation they stand for
# (``kill|dead|die|...|bod(?:y|ies)|...``): a sentence is read only when that alternation,
# searched through the text, finds a match starting in it (see _casualty_sentences).
_TRIGGERS = (
    "kill", "dead", "die", "death", "toll", "wound", "injur", "casualt", "body", "bodies", "corpse",
    "martyr", "fatalit", "slain", "massacr", "execut", "perish", "lives", "hurt", "missing", "captur",
    "kidnap", "abduct", "hostage", "behead", "slaughter", "shot", "murder", "victim", "gunned",
    "arrest", "detain", "captive", "prisoner",
)
_FAMILY_OF_RE = re.compile(r"^(?:an?|one)\s+family\s+of\s+(.+)$")
_HEAD_AND_KIN_RE = re.compile(r"^(?:an?|one)\s+\S+\s+and\s+(?:one\s+of\s+)?(?:his|her|their)\s+(.*)$")
_ONE_OF_KIN_RE = re.compile(r"^(?:an?|one)\s+\S+\s+and\s+one\s+of\s+")
_YEAR_LIKE_RE = re.compile(r"\d{4}")
_PAIR_RE = re.compile(r"^(?:an?|one|another)\s+(\S+)\s+and\s+(?:an?|one|another)$")
_FAMILY_WORD_RE = re.compile(r"\b(?:family|his|her)\b", re.I)
_NUMBER_SPLIT_RE = re.compile(r"[\s\-]+")
# Bound on the per-annotator memo of parsed count phrases (distinct phrases).
_PARSE_CACHE_MAX = 4096


def _opt_list(words: Iterable[str], not_after: str | None = None) -> str:
    """Trie regex of lower-cased phrases (patterns run on lower-cased text); with
    ``not_after`` the left word boundary is built in (see ``phrase_pattern``)."""
    return phrase_pattern((str(w).lower() for w in words), not_after=not_after)


class CasualtyAnnotator:
    """``annotate(doc)`` returns CASUALTY spans with parsed, conservative counts."""

    def __init__(self, extra_files: Iterable[str | Path] = (), single_incident_min_toll: int | None = None) -> None:
        """``single_incident_min_toll``: from it up, a figure needs an incident named in its
        clause (thresholds.toml ``[casualties]``, read here when not given)."""
        if single_incident_min_toll is None:
            from frontlines.extract import load_thresholds

            single_incident_min_toll = int(load_thresholds()["casualties"]["single_incident_min_toll"])
        self.single_incident_min = single_incident_min_toll
        units: dict[str, int] = {}
        teens: dict[str, int] = {}
        tens: dict[str, int] = {}
        scales: dict[str, int] = {}
        self.vague: dict[str, dict[str, Any]] = {}
        mods: list[str] = []
        passive: dict[str, str] = {}
        active: dict[str, str] = {}
        kind_nouns: dict[str, str] = {}
        victims: dict[str, str] = {}
        toll: list[str] = []
        heads: list[str] = []
        rels: list[str] = []
        not_after: list[str] = []
        subset: list[str] = []
        part: list[str] = []
        addition: list[str] = []
        not_people: list[str] = []
        total_cues: dict[str, dict[str, Any]] = {}
        not_after_cue: list[str] = []
        incident: list[str] = []
        self.max_count = 0
        for d in load_data("casualty_terms.yaml", extra_files):
            self.max_count = int(d.get("max_count", self.max_count))
            nw = d.get("number_words") or {}
            units.update(nw.get("units") or {})
            teens.update(nw.get("teens") or {})
            tens.update(nw.get("tens") or {})
            scales.update(nw.get("scales") or {})
            for k, v in (d.get("vague") or {}).items():
                self.vague[_key(k)] = v
            mods += d.get("modifiers") or []
            for table, dest in (("passive_verbs", passive), ("active_verbs", active),
                                ("kind_nouns", kind_nouns)):
                for kind, words in (d.get(table) or {}).items():
                    dest.update({_key(w): kind for w in words})
            for cat, words in (d.get("victims") or {}).items():
                victims.update({_key(w): cat for w in words})
            toll += d.get("toll_heads") or []
            heads += d.get("family_heads") or []
            rels += d.get("family_relatives") or []
            not_after += [str(w) for w in d.get("not_count_after") or []]
            subset += d.get("subset_cues") or []
            part += [str(w) for w in d.get("part_cues") or []]
            addition += [str(w) for w in d.get("addition_cues") or []]
            not_people += [str(w) for w in d.get("not_people") or []]
            total_cues.update(d.get("total_cues") or {})
            not_after_cue += [str(w) for w in d.get("total_not_after") or []]
            incident += [str(w) for w in d.get("incident_nouns") or []]
        self.units, self.teens, self.tens, self.scales = units, teens, tens, scales
        self.passive, self.active, self.kind_nouns, self.victims = passive, active, kind_nouns, victims
        # singular victim nouns ("a child was killed" -> 1)
        self.singular = {w for w in victims if not w.endswith("s")}
        # modifiers may stack ("an estimated at least 50", "at least another 12")
        self._mod_re = re.compile(r"^(?:(?:" + _opt_list(mods) + r")\s+){1,%d}" % MAX_MODIFIERS, re.I)  # on count text
        self._totals = _total_cues(total_cues)
        self._incident = re.compile(rf"(?<![\w\-])(?:{_opt_list(incident)})(?![\w\-])")
        self._superlative = re.compile(rf"\b(?:{_opt_list(not_after_cue)})\b[^,;]{{0,{SUPERLATIVE_CHARS}}}$")

        numword = _opt_list([*units, *teens, *tens, *scales, "hundred", "dozen"])
        word_num = (
            rf"(?:(?:an?|one)\s+(?=(?:hundred|thousand|million|dozen)\b))?"
            rf"(?:{numword})(?:(?:\s+and\s+|[\s\-]+)(?:{numword}))*(?![\w\-])"
        )
        digit_num = r"(?<![\d.,:/])(?:\d{1,3}(?:,\d{3})+|\d+)(?![\d:/]|[.,]\d|-[A-Za-z])"
        num = rf"(?:{digit_num}|{word_num})"
        vague = _opt_list(self.vague)
        victim_pat = _opt_list(victims)
        sg_pat = _opt_list(self.singular)
        rng = rf"(?:between\s+{num}\s+and\s+{num}|{num}(?:\s*(?:to|or|-|–)\s*{num})?)"
        family = (
            rf"(?:an?\s+family\s+of\s+{num}|(?:an?|one)\s+(?:{_opt_list(heads)})\s+and\s+"
            rf"(?:one\s+of\s+)?(?:his|her|their)\s+(?:{num}\s+)?(?:{_opt_list(rels)}))"
        )
        sg = rf"(?:an?|one|another)(?=\s+(?:[\w'\-]+\s+){{0,2}}?(?:{sg_pat})\b)"
        # two people named one by one: "a man and a woman were killed" -> 2
        pair = rf"(?:an?|one|another)\s+(?:{sg_pat})\s+and\s+(?:an?|one|another)(?=\s+(?:[\w'\-]+\s+){{0,2}}?(?:{sg_pat})\b)"
        count = (
            rf"(?P<count>{family}|{pair}|(?:(?:{_opt_list(mods)})\s+){{0,{MAX_MODIFIERS}}}(?:{rng}|{vague})|{sg})"
        )
        # words that are neither a qualifier of the victims nor part of the gap to the verb:
        # another figure ("Sep 24 2016 Ninety-two civilians", "4 towns resumes six people")
        # or a noun of things ("4 Syrian towns"); the count is then not of these victims
        not_word = rf"(?!(?:[\d,]+(?![\w\-])|(?:{numword}|{vague})(?!\w)|(?:{_opt_list(not_people)})(?![\w\-])))"
        # the victim noun, up to two qualifiers before it ("12 Syrian soldiers")
        # (never a determiner: "in 2016 the notorious fighter had been killed" counts no one)
        noun = rf"(?:\s+(?:(?!(?:the|a|an|this|that|these|those|his|her|their|its)\s){not_word}[\w'\-]+\s+){{0,2}}?(?P<noun>{victim_pat})(?![\w\-]))"
        not_after_re = rf"(?!\s*(?:{_opt_list([*not_after, *not_people])})(?![\w\-]))"
        # words between the count (or its noun) and the verb, auxiliaries included; lazy
        # and flat so a failed match costs at most MAX_GAP_WORDS steps
        gap = rf"(?:\s+(?!(?:{_CLAUSE_WORDS})\b){not_word}[a-z'\-]+){{0,{MAX_GAP_WORDS}}}?"
        # an appositive that names a subgroup between the count and its verb ("at least 35
        # civilians, among them women and children, were killed")
        apposition = rf"(?:\s*,?\s*(?:{_opt_list(APPOSITIVE_CUES)})\s+[^,.;:]{{1,{APPOSITIVE_MAX_CHARS}}}?,?)?"
        # after "a <noun> killed", a count of its own makes the verb active: in "a suicide
        # bomber killed five policemen" the bomber is the killer, not one of the dead
        # (plural counts keep the headline form "6 citizens killed, 22 injured")
        self._object_after = re.compile(rf"\s+(?:(?:{_opt_list(mods)})\s+){{0,{MAX_MODIFIERS}}}(?:{digit_num}|{word_num}|{vague})(?![\w\-])")
        verb_p = _opt_list(passive)
        verb_a = _opt_list(active)
        knoun = _opt_list(kind_nouns)
        b = r"(?<![\w\-])"
        # "12 people were killed" (verb after the count) or "12 bodies" (a noun of a kind)
        self._passive = re.compile(
            rf"{b}{count}{not_after_re}(?:{noun}?{apposition}{gap}\s+(?P<verb>{verb_p})|"
            rf"(?:\s+{not_word}[\w'\-]+){{0,2}}?\s+(?P<knoun>{knoun}))(?![\w\-])"
        )
        self._active = re.compile(
            rf"{b}(?P<verb>{verb_a})\s+{count}{not_after_re}{noun}?(?![\w\-])"
        )
        # the patterns that open with a short phrase list carry the word-start check inside
        # the list (same matches; faster search, see phrase_pattern); the verb list of
        # _active starts with too many letters for that to pay
        self._toll = re.compile(
            rf"(?P<head>{_opt_list(toll, WORD_START)})(?:\s+[\w'\-]+){{0,{MAX_TOLL_WORDS}}}?\s+"
            rf"(?:to|at|of|reached|hit|passed|exceeded|topped|is|was|stood\s+at|stands\s+at)\s+"
            rf"{count}{not_after_re}(?![\w\-])",
        )
        self._pronoun = re.compile(
            rf"(?P<count>{_opt_list(('he', 'she'), WORD_START)})\s+(?:was|has\s+been|had\s+been|is)(?:\s+(?:reportedly|allegedly|"
            rf"also|later))?\s+(?P<verb>{verb_p})(?![\w\-])",
        )
        # a headline's bare singular noun: "Journalist killed in Gaza strike", "Opposition
        # forces claim fighter killed" (never after an article: "a child was killed" is the
        # singular count, "the fighter killed in the raid" names someone already counted)
        self._bare = re.compile(
            rf"{b}(?<!\bthe\s)(?<!\ba\s)(?<!\ban\s)(?<!\bhis\s)(?<!\bher\s)(?P<count>{sg_pat})\s+"
            rf"(?P<verb>killed|dead|died|slain|executed|shot dead|gunned down|beheaded)(?![\w\-])"
        )
        self._subset = re.compile(
            rf"(?:{_opt_list(subset, WORD_START)})\s+{count}{not_after_re}{noun}(?![\w\-])"
        )
        # a count told as a part of dead counted elsewhere ("Fifteen of the dead", "six
        # children were among those killed") or as victims added to them ("was also killed",
        # "Another five people", "19 more were killed"); see ``part_of``
        self._part_after = re.compile(rf"[^,;:.]{{0,{PART_RIGHT_CHARS}}}?\b(?:{_opt_list(part)})\b") if part else None
        add_words = _opt_list(addition) if addition else "(?!)"
        self._addition_words = frozenset(w.lower() for w in addition)
        self._addition_before = re.compile(rf"\b(?:{add_words})\s+(?:[\w'\-]+\s+)?$")
        self._addition_after = re.compile(rf"\s+(?:{add_words})\b(?!\s+than)")
        self._range_split = re.compile(r"^(?:between\s+)?(.+?)\s*(?:\s(?:and|to|or)\s|-|–)\s*(.+)$", re.I)
        self._digits = re.compile(r"^\d{1,3}(?:,\d{3})+$|^\d+$")
        self._parsed = BoundedMemo(_PARSE_CACHE_MAX)  # memo of parse_count

    # -- number parsing --------------------------------------------------------------
    def parse_number(self, text: str) -> int | None:
        """An int from digits ("1,200") or English words ("a hundred and twelve"); None
        above ``max_count`` (data/casualty_terms.yaml): not a count of people."""
        n = self._parse_number(text)
        return None if n is None or n > self.max_count else n

    def _parse_number(self, text: str) -> int | None:
        t = text.strip().lower()
        if self._digits.match(t):
            digits = t.replace(",", "")
            # more digits than max_count has is never a count (and int() of thousands of
            # digits is slow, or refused: Python's int_max_str_digits)
            return int(digits) if len(digits.lstrip("0")) <= len(str(self.max_count)) else None
        toks = [w for w in _NUMBER_SPLIT_RE.split(t) if w]
        total, cur, last = 0, 0, None
        prev_scale: int | None = None
        for i, w in enumerate(toks):
            if w in ("a", "an") and i == 0:
                cur, last = 1, "unit"
            elif w == "and":
                if last not in ("hundred", "scale"):
                    return None
            elif w in self.units:
                if last not in (None, "ten", "hundred", "scale") or (last == "ten" and cur % 10):
                    return None
                cur += self.units[w]
                last = "unit"
            elif w in self.teens:
                if last not in (None, "hundred", "scale"):
                    return None
                cur += self.teens[w]
                last = "teen"
            elif w in self.tens:
                if last not in (None, "hundred", "scale"):
                    return None
                cur += self.tens[w]
                last = "ten"
            elif w == "hundred":
                if last not in ("unit", "teen") or cur >= 100:
                    return None
                cur *= 100
                last = "hundred"
            elif w == "dozen":
                cur = (cur or 1) * 12
                last = "scale"
            elif w in self.scales:
                scale = self.scales[w]
                if cur == 0 or (prev_scale is not None and prev_scale <= scale):
                    return None
                total += cur * scale
                cur, last, prev_scale = 0, "scale", scale
            else:
                return None
        if last is None or (last == "unit" and toks == ["a"]):
            return None
        return total + cur

    def parse_count(self, text: str) -> dict[str, Any] | None:
        """value/low/high/vague of a count phrase, or None when it is not a count."""
        t = " ".join(text.split())
        low_t = t.lower()
        m = _FAMILY_OF_RE.match(low_t)
        if m:
            n = self.parse_number(m.group(1))
            return None if n is None else {"value": n, "low": n, "high": n, "vague": False}
        if _ONE_OF_KIN_RE.match(low_t):  # "a woman and one of her children": two
            return {"value": 2, "low": 2, "high": 2, "vague": False}
        m = _HEAD_AND_KIN_RE.match(low_t)
        if m:
            rest = m.group(1).split()
            n = self.parse_number(" ".join(rest[:-1])) if len(rest) > 1 else None
            plural = rest[-1].endswith("s") or rest[-1] in ("children", "family")
            extra = n if n is not None else (2 if plural else 1)
            return {"value": 1 + extra, "low": 1 + extra, "high": 1 + extra,
                    "vague": n is None and plural}
        pair = _PAIR_RE.match(low_t)
        if pair and _key(pair.group(1)) in self.singular:  # "a man and a woman", not "one hundred and one"
            return {"value": 2, "low": 2, "high": 2, "vague": False}
        if low_t in ("a", "an", "one", "another", "he", "she") or _key(low_t) in self.singular:
            return {"value": 1, "low": 1, "high": 1, "vague": False}
        mm = self._mod_re.match(t)
        approx = bool(mm)
        if mm:
            t = t[mm.end():]
            low_t = t.lower()
        v = self.vague.get(_key(low_t))
        if v is not None:
            n = int(v["value"])
            return {"value": n, "low": n, "high": n, "vague": not v.get("exact", False)}
        n = self.parse_number(t)
        if n is not None:
            return {"value": n, "low": n, "high": n, "vague": False, "approx": approx}
        m = self._range_split.match(t)
        if m:
            a, b = self.parse_number(m.group(1)), self.parse_number(m.group(2))
            if a is not None and b is not None and a <= b:
                return {"value": a, "low": a, "high": b, "vague": False}
        return None

    def _parse_count_memo(self, text: str) -> dict[str, Any] | None:
        """``parse_count`` memoised per phrase for ``annotate`` (which only reads the
        result): the same few count phrases recur across articles."""
        try:
            return self._parsed[text]
        except KeyError:
            pass
        return self._parsed.put(text, self.parse_count(text))

    # -- annotation ------------------------------------------------------------------
    def annotate(self, doc: Doc) -> list[Span]:
        text = doc.text
        low = lower_same_len(text)
        sents = [(s.start, s.end) for s in doc.sentences] or [(0, len(text))]
        starts = [s0 for s0, _ in sents]
        todo: list[int] = []  # sentences holding a casualty word, found in one pass
        for at in _casualty_words(low):
            i = bisect.bisect_right(starts, at) - 1
            if i >= 0 and at < sents[i][1] and (not todo or todo[-1] != i):
                todo.append(i)
        out: list[Span] = []
        for i in todo:
            s0, s1 = sents[i]
            out.extend(self._sentence(low[s0:s1], text[s0:s1], s0))
        return out

    def _sentence(self, chunk: str, orig: str, base: int) -> list[Span]:
        """Casualty spans of one sentence (``chunk`` lower-cased, ``orig`` as written)."""
        cands: list[tuple[int, int, int, str, dict[str, Any]]] = []

        def add(m: re.Match, how: str, kind: str | None) -> None:
            if kind is None:
                return
            ctext = orig[m.start("count") : m.end("count")]
            parsed = self._parse_count_memo(ctext)
            if parsed is None:
                return
            noun = m.groupdict().get("noun")
            if how in ("passive", "noun") and noun is None and _DETERMINER_AFTER_RE.match(chunk, m.end("count")):
                return  # "0 214 The number of civilians killed": the figure is not their count
            if noun is None and _YEAR_LIKE_RE.fullmatch(ctext.strip()):
                if YEAR_RANGE[0] <= int(ctext) <= YEAR_RANGE[1]:
                    return
            if how == "bare":
                noun = m.group("count")
            victims = self.victims.get(_key(noun)) if noun else None
            if victims is None and _FAMILY_WORD_RE.search(ctext):
                victims = "civilians"
            attrs = {
                "kind": kind,
                "value": parsed["value"],
                "low": parsed["low"],
                "high": parsed["high"],
                "vague": parsed["vague"],
                "victims": victims,
                "count_text": ctext,
            }
            if how == "subset":
                attrs["subset"] = True
            if how == "toll":
                attrs["toll"] = True  # "the death toll rose to 61": the incident's whole toll
            cands.append((_PRIORITY[how], m.start(), m.end(), how, attrs))

        for m in _undated(self._toll, chunk, orig):
            add(m, "toll", "killed")
        for m in _undated(self._passive, chunk, orig):
            if m.group("verb") and m.group("count").strip() in ("a", "an", "one", "another") and self._object_after.match(chunk, m.end()):
                continue
            if m.group("verb"):
                add(m, "passive", self.passive.get(_key(m.group("verb"))))
            else:
                add(m, "noun", self.kind_nouns.get(_key(m.group("knoun"))))
        for m in _undated(self._active, chunk, orig):
            if _WOUNDED_AFTER_RE.match(chunk, m.end("count")):
                continue  # "one man killed 12 others injured": the 12 are the wounded
            add(m, "active", self.active.get(_key(m.group("verb"))))
        for m in _undated(self._pronoun, chunk, orig):
            add(m, "pronoun", self.passive.get(_key(m.group("verb"))))
        for m in _undated(self._subset, chunk, orig):
            add(m, "subset", "subset")
        for m in self._bare.finditer(chunk):
            obj = self._object_after.match(chunk, m.end())
            if obj and _WOUNDED_AFTER_RE.match(chunk, obj.end()):
                obj = None  # "boy killed three others injured": the three are the wounded, not his victims
            if not obj:  # "soldier killed 3 militants": the killer
                add(m, "bare", self.passive.get(_key(m.group("verb"))))

        cands.sort(key=lambda c: (c[0], c[1]))
        taken: list[tuple[int, int, str, dict[str, Any]]] = []
        for _, st, en, how, attrs in cands:
            if any(st < t1 and en > t0 for t0, t1, _, _ in taken):
                continue
            taken.append((st, en, how, attrs))
        taken.sort(key=lambda t: t[0])
        counts = [t for t in taken if t[3]["kind"] != "subset"]
        for k, (st, en, how, attrs) in enumerate(counts):
            # each count's clause ends where the next count (not a subgroup of it) starts
            prev_end = counts[k - 1][1] if k else 0
            next_start = counts[k + 1][0] if k + 1 < len(counts) else len(chunk)
            cue = self._total_cue(chunk, st, en, prev_end, next_start, _starts_sentence(orig, st))
            if cue is None and attrs["value"] >= self.single_incident_min and not self._names_incident(chunk, st, en, prev_end, next_start):
                cue = "(no single incident named)"
            if cue is not None:
                attrs["total_of"], attrs["kind"], attrs["total_cue"] = attrs["kind"], "total", cue
        # counts joined by "and" share the period after the last ("346 fighters were killed
        # and 170 soldiers had died since Tuesday")
        for k in range(len(counts) - 2, -1, -1):
            (st, en, _, attrs), (st2, _, _, nxt) = counts[k], counts[k + 1]
            if attrs["kind"] != "total" and nxt["kind"] == "total" and _COORDINATED_RE.fullmatch(chunk, en, st2):
                attrs["total_of"], attrs["kind"], attrs["total_cue"] = attrs["kind"], "total", nxt["total_cue"]
        spans: list[Span] = []
        for st, en, how, attrs in taken:
            if attrs["kind"] == "subset":  # part of the previous count in the sentence
                prev = [s for s in spans if not s.attrs.get("subset")]
                if not prev:
                    continue
                attrs["kind"] = prev[-1].attrs["kind"]
                if "total_of" in prev[-1].attrs:
                    attrs["total_of"] = prev[-1].attrs["total_of"]
            part = self._part_of(chunk, st, en, attrs)
            if part:
                attrs["part"] = part
            spans.append(Span(base + st, base + en, "CASUALTY", orig[st:en], attrs))
        return spans

    def _part_of(self, chunk: str, st: int, en: int, attrs: dict[str, Any]) -> str | None:
        """"part" when the count at ``chunk[st:en]`` is a part of dead counted elsewhere
        ("Fifteen of the dead came in ...", "six children were among those killed"),
        "addition" when it adds victims to a toll told before ("One civilian was also
        killed", "Another five people were killed", "19 more were killed"), else None."""
        if attrs["kind"] != "killed" or attrs.get("subset") or attrs.get("toll"):
            return None
        if self._part_after is not None and (self._part_after.match(chunk, en) or self._part_after.search(chunk, st, en)):
            return "part"
        ctext = str(attrs.get("count_text") or "").lower()
        c0 = chunk.find(ctext, st, en) if ctext else -1
        if c0 < 0:
            return None
        c1 = c0 + len(ctext)
        # opening the count ("Another five"), before it ("the other four civilians"), right after
        # it ("19 more were killed") or between it and its verb ("was also killed")
        lead = ctext.split(maxsplit=1)[0] if ctext.strip() else ""
        if (lead in self._addition_words and not ctext.startswith(("more than", "further than"))) or self._addition_before.search(chunk[max(0, c0 - 24) : c0]) or self._addition_after.match(chunk, c1):
            return "addition"
        if c1 < en and _ALSO_RE.search(chunk, c1, en):
            return "addition"
        return None

    def _names_incident(self, chunk: str, st: int, en: int, prev_end: int, next_start: int) -> bool:
        """Whether the count's clause (``_total_cue``'s windows) names one incident: an
        attack, a strike, a massacre (``incident_nouns``), in the singular."""
        left = max(prev_end, st - TOTAL_LEFT_CHARS)
        right = chunk[en : min(next_start, en + TOTAL_RIGHT_CHARS)]
        brk = _CLAUSE_BREAK_RE.search(right)
        return bool(self._incident.search(chunk[left:st] + " " + chunk[st:en] + " " + (right[: brk.start()] if brk else right)))

    def _total_cue(self, chunk: str, st: int, en: int, prev_end: int, next_start: int, new_sentence: bool = False) -> str | None:
        """The wording that makes the count at ``chunk[st:en]`` a total over a period or a
        war (see ``total_cues``), or None when it is an incident's toll. The cue must stand
        in the count's clause: after it up to a comma or the next count, inside it, right
        before it, or fronted (before it with no comma between, or opening the sentence)."""
        right = chunk[en : min(next_start, en + TOTAL_RIGHT_CHARS)]
        brk = _CLAUSE_BREAK_RE.search(right)
        right = right[: brk.start()] if brk else right
        rel = _RELATIVE_RE.search(right)
        right = right[: rel.start()] if rel else right
        left_start = max(prev_end, st - TOTAL_LEFT_CHARS)
        # a capitalised count inside the text starts a sentence of its own (feeds that drop
        # full stops: "... Syrian conflict Two children were killed"): nothing before it
        left_start = st if new_sentence else left_start
        left = chunk[left_start:st]
        # a period opening the sentence governs its first count however long the opening
        # ("Since Sept. 19 when the regime declared the end of the truce at least 359 ...")
        opening = chunk[:st] if prev_end == 0 and not new_sentence and len(chunk[:st].split()) > 0 else ""
        places = (("after", right, en), ("inside", chunk[st:en], st), ("before", left, left_start), ("fronted", left, left_start))
        if opening and len(opening) > len(left):
            places += (("opening", opening, 0),)
        for where, text, base in places:
            pat = self._totals.get("fronted" if where == "opening" else where)
            for m in pat.finditer(text) if pat is not None else ():
                at = base + m.start()
                if where == "opening" and chunk[:at].strip(" \"'(-"):
                    break  # only a cue that opens the sentence
                if where == "fronted" and _CLAUSE_BREAK_RE.search(text, m.end()) and chunk[:at].strip(" \"'(-"):
                    continue  # a comma between: another clause's period, unless it opens the sentence
                if where != "before" and self._superlative.search(chunk, max(0, at - SUPERLATIVE_CHARS), at):
                    continue  # "the deadliest attack since 2015": a comparison
                return m.group().strip()
        return None


def _undated(pattern: re.Pattern, chunk: str, orig: str) -> Iterable[re.Match]:
    """``pattern.finditer(chunk)``, except that a match whose count is part of a date
    ("Jun 182016", "September 24 2016 Ninety-two civilians") is skipped and the search
    goes on right after that figure, so the count that follows the date is still found."""
    pos = 0
    while (m := pattern.search(chunk, pos)) is not None:
        if "count" in m.re.groupindex and m.group("count") and _is_date_part(orig, m.start("count"), m.end("count")):
            pos = m.end("count")
            continue
        yield m
        pos = m.end() if m.end() > m.start() else m.end() + 1


def _total_cues(raw: dict[str, dict[str, Any]]) -> dict[str, re.Pattern]:
    """``total_cues`` of casualty_terms.yaml as one alternation per place (``_TOTAL_WHERE``:
    one search per place and count, not one per cue); a "before" cue is anchored at the end
    of the text before the count."""
    parts: dict[str, list[str]] = {w: [] for w in _TOTAL_WHERE}
    for name, cue in raw.items():
        for where in cue.get("where") or ():
            if where not in parts:
                raise ValueError(f"total_cues.{name}: unknown place {where!r} (one of {', '.join(_TOTAL_WHERE)})")
            parts[where].append(f"(?:{cue['pattern']})")
    out = {}
    for where, alts in parts.items():
        if alts:
            body = "|".join(alts)
            out[where] = re.compile(rf"(?:{body})\s*$" if where == "before" else body)
    return out


def _starts_sentence(orig: str, st: int) -> bool:
    """Whether the count at ``orig[st:]`` is capitalised after a lower-case word: a
    sentence whose full stop a feed dropped ("... Syrian conflict Two children were
    killed", "The War In Syria At least 26 people killed")."""
    before = orig[:st].rstrip()
    return bool(before) and orig[st : st + 1].isupper() and before[-1:].isalpha() and not before.endswith(("Mr", "Dr"))


def _is_date_part(text: str, start: int, end: int) -> bool:
    """Whether the figure at ``text[start:end]`` belongs to a date: right after a month
    name ("Jun 182016", "Oct 2016", "September 24") or right before one ("24 August")."""
    return bool(
        _MONTH_BEFORE_RE.search(text, max(0, start - 16), start)
        or _MONTH_AFTER_RE.match(text.lower(), end)
        or _MAY_AFTER_RE.match(text, end)
    )


@functools.lru_cache(maxsize=8192)
def _key(text: str) -> str:
    """Lookup key of a phrase: lower case, runs of spaces and hyphens as one space.

    Cached: the same verbs and nouns recur in every article.
    """
    return " ".join(_NUMBER_SPLIT_RE.split(text.lower().strip()))


def _casualty_words(low: str) -> list[int]:
    """Starts of the matches ``re.finditer("kill|dead|...", low)`` would give for the
    alternation of ``_TRIGGERS`` (in order), found with ``str.find``, about twice as fast.

    For an alternation of plain words ``re`` takes, at the leftmost position where any
    word occurs, the first word in the list occurring there, and goes on after it; this
    does the same from every word's occurrences.
    """
    first: dict[int, int] = {}  # position -> length of the first word in the list there
    for word in _TRIGGERS:
        at = low.find(word)
        while at >= 0:
            first.setdefault(at, len(word))
            at = low.find(word, at + 1)
    out: list[int] = []
    end = 0
    for at in sorted(first):
        if at >= end:
            out.append(at)
            end = at + first[at]
    return out
