"""Reportable-event detection: does a trigger sentence report a specific incident?

A trigger word ("air strike", "clashes", "killed") makes a candidate event, but much of
news text that holds one reports no incident: background and history ("the 2013 sarin
attack", "four years ago"), totals over periods ("330,000 killed since 2011", "in the past
week"), habitual and generic statements ("is regularly bombarded"), plans, threats, calls,
denials, condemnations, captions and related-story headlines. Two layers decide:

- explicit rules (``rule_reason``) for the clear cases, each one a sentence a coder would
  state for reporting in general: a period total, an old relative time next to the
  trigger ("four years ago"), a photo caption, a related-story or tag line;
- a learned linear model (``learn.LinearModel`` named ``reportable``, trained by
  ``training/train_reportable.py`` from hand labels kept as references into
  ../shared/data) over the sentence's word 1-2-grams and the annotators' features
  (``features``): explicit old dates, periods, modal and future verbs, attribution,
  hedges, quotes, headline and position. A mention whose probability is below
  ``[reportable] min_probability`` (data/thresholds.toml) is dropped.

The model loads on first use (``Reportable.model``), never at import.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from frontlines.records import Doc, Span

MODEL_NAME = "reportable"

# -- wording the rules and features read -------------------------------------------------
# A total over a period of a week or more: "since 2011", "since the war began", "so far this
# year", "in the past week", "over the last three months", "in five years of war". Periods
# of hours or a day or two ("since yesterday", "in the past 24 hours", "in two days of
# clashes") are one episode, not a total.
_NUM = r"(?:\d+|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|several|a\s+few|few|many|\w+teen|twenty|thirty|forty|fifty|sixty)"
_LONG_UNIT = r"(?:weeks?|months?|years?|decades?)"
PERIOD_TOTAL = re.compile(
    r"\bsince\s+(?:(?:early|late|mid|mid-|the\s+(?:start|beginning|outbreak|onset|end)\s+of(?:\s+the)?)\s*)?(?:(?:January|February|March|April|May|June|July|August|September|October|November|December)\s+)?(?:19|20)\d\d\b"
    r"|\bsince\s+the\s+(?:start|beginning|outbreak|onset)\s+of\s+(?:the\s+|this\s+|last\s+)?(?:war|conflict|crisis|uprising|revolution|year|month|fighting|offensive|campaign|operation|intervention|unrest|protests?)\b"
    r"|\bsince\s+(?:the|its|their|Syria's|Syrias|Moscow|Russia|Turkey)\s*(?:\w+\s+){0,3}?(?:war|conflict|crisis|uprising|revolution|intervention|campaign|offensive|operation)\s+(?:began|started|erupted|broke\s+out|was\s+launched|first\s+erupted)\b"
    r"|\bsince\s+(?:the\s+)?(?:war|conflict|crisis|uprising|revolution)\s+(?:began|started|erupted|broke\s+out)\b"
    r"|\bso\s+far\s+(?:this|in|in\s+the)\s+(?:year|month|war|conflict)\b"
    r"|\b(?:in|over|during|throughout)\s+the\s+(?:past|last|previous)\s+(?:" + _NUM + r"\s+)?" + _LONG_UNIT + r"\b"
    r"|\b(?:in|over|during|after)\s+(?:the\s+)?(?:past\s+|last\s+)?" + _NUM + r"\s+" + _LONG_UNIT + r"\s+of\s+(?:the\s+)?(?:war|conflict|fighting|clashes|bombing|bombardment|violence|protests?|unrest|air\s*strikes|strikes|raids|shelling|campaign|operations?|battles?)\b"
    r"|\b(?:war|conflict|crisis|uprising|violence)\s+(?:that|which)\s+has\s+(?:killed|claimed|left)\b"
    # a campaign's toll: "killed at least 175 militants in an offensive", "hundreds of
    # civilians killed in operations against Daesh" (many incidents over days or weeks)
    r"|\b(?:killed|kills|killing|dead|deaths)\b[^.;]{0,80}?\bin\s+(?:an|the|its|their|a\s+\w+-long|(?:an|the|its|their)\s+\w+)\s+(?:offensive|campaign)\b"
    r"|\b(?:killed|kills|killing)\b[^.;]{0,60}?\bin\s+(?:\w+\s+)?operations\s+against\b"
    r"|\bhas\s+(?:killed|claimed\s+the\s+lives\s+of|left)\s+(?:more\s+than|over|at\s+least|nearly|some|about|around)?\s*[\d,.]+\s*(?:million|thousand|hundred)?\s*(?:people|lives|civilians)?\s*(?:since|in\s+the\s+(?:past|last))\b",
    re.I,
)
DATA_FILE = "reportable.yaml"  # the rules' word lists (cumulative tolls)


@functools.lru_cache(maxsize=1)
def _word_lists() -> dict[str, list[str]]:
    from importlib import resources

    from frontlines.datafiles import read_yaml_file

    return read_yaml_file(str(resources.files("frontlines") / "data" / DATA_FILE)) or {}


def _alternation(key: str) -> str:
    return "|".join(f"(?:{w})" for w in _word_lists()[key])


@functools.lru_cache(maxsize=1)
def cumulative_toll() -> re.Pattern:
    """A campaign's toll in the present perfect ("Severe bombardment of the city has killed
    at least 84", "the siege has claimed 200 lives"): a subject of data/reportable.yaml's
    ``cumulative_subjects`` and one of its ``cumulative_verbs`` in the same clause."""
    subjects, verbs = _alternation("cumulative_subjects"), _alternation("cumulative_verbs")
    return re.compile(rf"\b(?:{subjects})\b[^.;:]{{0,80}}?\b(?:{verbs})\b", re.I)


@functools.lru_cache(maxsize=1)
def ongoing_campaign() -> re.Pattern:
    """A campaign described as going on ("campaigns are being fought"): ``ongoing_verbs``."""
    return re.compile(rf"\b(?:{_alternation('ongoing_verbs')})\b", re.I)


@functools.lru_cache(maxsize=1)
def across_places() -> re.Pattern:
    """"across" a whole country or many places (``across_places``); the match ends where
    a country's name would start ("across |Syria")."""
    return re.compile(rf"\bacross\s+(?:(?P<listed>{_alternation('across_places')})\b|(?=[A-Z]))")


def _across_country(doc: Doc, sent, text: str, spans: Sequence[Span] | None) -> bool:
    """Whether the sentence counts over a whole country or many places ("attacks across
    Syria", "across the country", "across several provinces")."""
    for m in across_places().finditer(text):
        if m.group("listed"):
            return True
        at = sent.start + m.end()
        if any(s.label == "PLACE" and s.start == at and _is_country(s) for s in spans or ()):
            return True
    return False


def _protest(trigger: Span | None) -> bool:
    """Whether the trigger is a protest's (``across_not_for``: waves of protests are coded)."""
    return trigger is not None and trigger.attrs.get("sub_event") in _word_lists()["across_not_for"]


def _is_country(place: Span) -> bool:
    cands = place.attrs.get("candidates") or []
    return bool(cands) and getattr(cands[0], "feature", None) == "country"


# Relative time far back, next to the trigger: "four years ago", "last year", "late last
# year", "months ago", "in the 1980s".
OLD_RELATIVE = re.compile(
    r"\b(?:" + _NUM + r"|a|one)\s+(?:years?|decades?)\s+ago\b"
    r"|\b(?:two|three|four|five|six|seven|eight|nine|ten|several|many|\d+)\s+months\s+ago\b"
    r"|\b(?:early|late|earlier|later)?\s*last\s+year\b|\bthe\s+previous\s+year\b|\byears\s+ago\b"
    r"|\bin\s+the\s+(?:19|20)\d0s\b",
    re.I,
)
# A bare year ("in 2013", "the 2013 attack", "2014-2015").
BARE_YEAR = re.compile(r"(?<![\d/.-])((?:19|20)\d\d)(?![\d/])")
# Habitual adverbs ("often", "regularly", "near-daily"): what happens often is a habit.
HABITUAL = re.compile(
    r"\b(?:often|regularly|repeatedly|frequently|routinely|usually|typically|commonly|constantly|"
    r"daily|near-daily|almost\s+daily|every\s+(?:day|week|night)|on\s+a\s+daily\s+basis)\b",
    re.I,
)
# Ongoing states ("have been battling", "continue to", "in recent weeks"): a model feature.
ONGOING = re.compile(
    r"\b(?:continues?\s+to|continued\s+to|have\s+been|has\s+been|had\s+been|ongoing|lately|"
    r"in\s+recent\s+(?:weeks|months|years|days)|recently|for\s+years|for\s+months)\b",
    re.I,
)
# How close to the trigger a habitual adverb must be to make it a habit ("regularly fire
# rockets", "is targeted regularly by air strikes"): its own verb phrase, not the sentence.
HABIT_BEFORE_CHARS, HABIT_AFTER_CHARS = 25, 20
# Modal and future verbs ("will", "would", "could", "may", "plans to", "is expected to");
# searched in lower case, so not the month ("May 23", "in May").
MODAL = re.compile(
    r"\b(?:will|would|could|might|(?<!in\s)(?<!early\s)(?<!late\s)(?<!since\s)(?<!of\s)(?<!until\s)may(?!\s+\d)|shall|should|must|going\s+to|expected\s+to|likely\s+to|"
    r"plans?\s+to|planning\s+to|aims?\s+to|intends?\s+to|prepar(?:es|ing)\s+to|threat(?:en|ens|ened)\s+to|vow(?:s|ed)?\s+to|warn(?:s|ed)?)\b",
    )
STATEMENT = re.compile(
    r"\b(?:condemn(?:s|ed|ing)?|denounc(?:es|ed|ing)|deplor(?:es|ed)|(?<!being )(?<!were )(?<!was )accus(?:es|ed|ing)|blam(?:es|ed|ing)|"
    r"call(?:s|ed)?\s+(?:for|on)|urg(?:es|ed)|demand(?:s|ed)|den(?:y|ies|ied)|reject(?:s|ed)|welcom(?:es|ed)|"
    r"investigat(?:e|es|ed|ion|ing)|inquiry|responsib(?:le|ility)|war\s+crimes?|crimes?\s+against\s+humanity)\b",
    )
# Photo captions: a present-tense scene ("A man inspects ...", "People walk past ...")
# ending in a date ("... Syria June 12 2016."), or a caption/file marker.
CAPTION_MARK = re.compile(r"^\s*(?:FILE\s*(?:PHOTO)?\s*[-:–—]|Photo\s*:|Picture\s*:|Image\s*:|Caption\b|\(?(?:Photo|Picture)\s+(?:by|credit)\b)", re.I)
CAPTION_VERB = re.compile(
    r"\b(?:inspects?|walks?|reacts?|carr(?:y|ies)|stands?|looks?\s+(?:at|on)|gathers?|sits?|rides?|holds?|mourns?|"
    r"searches|search\s+for|comforts?|flees|flee|wait|waits|pray|prays|shout|shouts|chant|chants|"
    r"salvage|salvages|are\s+seen|is\s+seen|pictured|poses?|drives?|pass\s+by|passes\s+by)\b",
    re.I,
)
CAPTION_END_DATE = re.compile(
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December|"
    r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.?\s+\d{1,2},?\s+(?:19|20)\d\d\s*\.?\s*$"
    r"|\b\d{1,2}\s+(?:January|February|March|April|May|June|July|August|September|October|November|December)\s+(?:19|20)\d\d\s*\.?\s*$"
)
# Words of a reported, past-tense sentence (a caption has none of them).
NEWS_TENSE = re.compile(r"\b(?:said|says|told|reported|reports|was|were|had|has|have|killed|died|according)\b", re.I)
# Related-story, tag and "read more" lines.
RELATED_MARK = re.compile(
    r"^\s*(?:\d{1,4}\s+)?(?:Related(?:\s+(?:News|Stories|Articles|Posts|Content|Coverage))?(?:\s*[:\-–]\s|\s+(?=[A-Z0-9\x22\u201c]))|READ\s+(?:MORE|ALSO|NEXT)\b|Read\s+(?:more|also|next)\b|"
    r"See\s+also\b|Also\s+read\b|More\s+on\s+this\b|Tags?\s*:|Topics?\s*:|WATCH\s*:|VIDEO\s*:|Video\s*:|Watch\s*:)",
)
QUOTE_CHARS = ('"', "“", "”", "«", "»")
CLAIM_OWN = re.compile(r"\bclaim(?:s|ed|ing)?\s+responsibility\b|\btook\s+responsibility\b|\btakes?\s+credit\b", re.I)

# Short periods that stay one episode ("in the past 24 hours", "in two days").
_DAYS_WORDS = {"one": 1, "a": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7}


@dataclass(frozen=True)
class Verdict:
    """Whether a trigger sentence reports an incident, and why not."""

    keep: bool
    reason: str | None = None  # rule name, or "model" when the model's probability is low
    probability: float | None = None


def _old_days(published: dt.date | None, date: dt.date | None) -> int | None:
    if published is None or date is None:
        return None
    return (published - date).days


def features(doc: Doc, i: int, spans: Sequence[Span], max_age_days: int = 45, text: str | None = None) -> dict[str, float]:
    """Named features of sentence ``i`` (its annotator spans ``spans``) for the model;
    ``text``: the part of the sentence scored when not all of it (``trigger_clause``)."""
    sent = doc.sentences[i]
    text = sent.text if text is None else text
    pub = doc.news_day()
    n = len(doc.sentences)
    f: dict[str, float] = {}
    if i == 0:
        f["headline"] = 1.0
    elif i <= 2:
        f["lede"] = 1.0
    elif n > 4 and i >= 0.75 * n:
        f["late"] = 1.0
    if pub is None:
        f["no_pub"] = 1.0
    words = len(text.split())
    if words < 8:
        f["short"] = 1.0
    elif words > 45:
        f["long"] = 1.0
    n_dates = 0
    for s in spans:
        lab = s.label
        if lab == "DATE":
            d = s.attrs.get("date")
            if d is None:
                continue
            n_dates += 1
            age = _old_days(pub, d)
            if age is None:
                continue
            if age > max_age_days:
                f["date_old"] = 1.0
                if age > 365:
                    f["date_very_old"] = 1.0
            elif age < -1:
                f["date_future"] = 1.0
            elif age <= 14:
                f["date_recent"] = 1.0
            else:
                f["date_weeks"] = 1.0
        elif lab == "CASUALTY":
            kind = s.attrs.get("kind")
            f["cas_" + str(kind)] = 1.0
            v = s.attrs.get("value") or 0
            if v >= 1000:
                f["cas_thousands"] = 1.0
        elif lab == "ATTRIBUTION":
            f["attributed"] = 1.0
            f["attr_" + str(s.attrs.get("kind"))] = 1.0
            if s.attrs.get("party"):
                f["attr_party"] = 1.0
        elif lab in ("HEDGE", "INTENTION", "NEGATION"):
            f[lab.lower() + "_" + str(s.attrs.get("kind"))] = 1.0
        elif lab == "ACTOR":
            f["actor_" + str(s.attrs.get("kind"))] = 1.0
    if n_dates == 0:
        f["no_date"] = 1.0
    cues = sentence_cues(text)
    f.update(dict.fromkeys(cues, 1.0))
    if pub is not None and cues.get("year"):
        for m in BARE_YEAR.finditer(text):
            y = int(m.group(1))
            if y < pub.year - 1 or (y == pub.year - 1 and pub.month > 2):
                f["year_old"] = 1.0
            elif y > pub.year:
                f["year_future"] = 1.0
    f.pop("year", None)
    return f


def caption_like(text: str) -> bool:
    """A photo caption: a caption/file marker, or a present-tense scene ending in a date."""
    if CAPTION_MARK.match(text):
        return True
    if not text.rstrip(" .")[-4:].isdigit():  # cheap: no date at the end
        return False
    if not CAPTION_END_DATE.search(text):
        return False
    # a present-tense scene: a caption verb, or no reporting or past-tense auxiliary at all
    # ("A fighter shoots his weapon ... Syria October 11 2016.")
    return bool(CAPTION_VERB.search(text) or not NEWS_TENSE.search(text))


# Words one of which a sentence must hold for each pattern to be tried (most sentences hold
# none: the cue patterns are the costly part of scoring a sentence).
_GATES = {
    "period_total": ("since", "so far", "week", "month", "year", "decade", " has ", " have "),
    "old_relative": ("ago", "last year", "previous year", "0s"),
    "habitual": ("often", "regular", "repeated", "frequent", "routine", "usual", "typical", "common",
                 "constant", "daily", "every "),
    "ongoing": ("continu", "been", "ongoing", "lately", "recent", "for years", "for months"),
    "claim_own": ("responsib", "credit"),
}


@functools.lru_cache(maxsize=2048)
def sentence_cues(text: str) -> dict[str, bool]:
    """The wording cues of a sentence (memoised: the rules and the model both read them)."""
    low = text.lower()
    cues: dict[str, bool] = {}

    def gate(name: str) -> bool:
        return any(w in low for w in _GATES[name])

    if gate("period_total") and PERIOD_TOTAL.search(text):
        cues["period_total"] = True
    if gate("old_relative") and OLD_RELATIVE.search(text):
        cues["old_relative"] = True
    if gate("habitual") and HABITUAL.search(text):
        cues["habitual"] = True
    if gate("ongoing") and ONGOING.search(text):
        cues["ongoing"] = True
    if MODAL.search(low):
        cues["modal"] = True
    if STATEMENT.search(low):
        cues["statement_verb"] = True
    if gate("claim_own") and CLAIM_OWN.search(text):
        cues["claim_own"] = True
    if text[:1] in QUOTE_CHARS:
        cues["quote_start"] = True
    elif any(q in text for q in QUOTE_CHARS):
        cues["quote_inside"] = True
    if caption_like(text):
        cues["caption"] = True
    if RELATED_MARK.match(text):
        cues["related"] = True
    if "19" in text or "20" in text:
        cues["year"] = True
    return cues


def _dated_to_a_recent_day(doc: Doc, spans: Sequence[Span], days: int = 14) -> bool:
    """Whether the sentence dates something to a day within ``days`` before publication."""
    pub = doc.news_day()
    for s in spans:
        if s.label == "DATE" and s.attrs.get("date") is not None and int(s.attrs.get("precision") or 9) == 1:
            if _is_since(doc, s):
                continue  # "since Sept. 19" starts a period, it dates no incident
            age = _old_days(pub, s.attrs["date"])
            if age is not None and -1 <= age <= days:
                return True
    return False


# "since" a date at least this many days before publication counts as a period total
# ("Since Sept. 19 ... at least 359 civilians have been killed"): a week, as for the
# period words of PERIOD_TOTAL.
SINCE_TOTAL_MIN_DAYS = 7
_SINCE_BEFORE = re.compile(r"\b(?:since|from)\s+(?:early\s+|late\s+|mid-?)?$", re.I)  # searched up to the date


def _since_old_date(doc: Doc, sent, spans: Sequence[Span] | None) -> bool:
    """Whether the sentence counts "since" a date a week or more before publication."""
    pub = doc.news_day()
    if pub is None or not spans:
        return False
    for s in spans:
        if s.label != "DATE" or s.attrs.get("date") is None:
            continue
        age = _old_days(pub, s.attrs["date"])
        if age is not None and age >= SINCE_TOTAL_MIN_DAYS and _is_since(doc, s):
            return True
    return False


def _is_since(doc: Doc, date: Span) -> bool:
    """Whether a DATE span starts a period ("since Sept. 19", "from early May")."""
    return bool(re.match(r"(?i)since\b", date.text) or _SINCE_BEFORE.search(doc.text, max(0, date.start - 12), date.start))


def rule_reason(doc: Doc, i: int, trigger: Span | None = None, spans: Sequence[Span] | None = None) -> str | None:
    """The explicit rule that makes sentence ``i`` non-reportable, or None.

    ``total``: a period total ("since 2011", "in the past week", "the war that has killed"),
    or a campaign's toll ("the bombardment of the city has killed at least 84"), or one
    across a whole country ("attacks across Syria killing at least 12");
    ``caption``: a photo caption; ``related``: a related-story, tag or "read more" line;
    ``generic``: a campaign described as going on ("two campaigns are being fought"), or
    a habitual adverb on the trigger's own verb phrase ("regularly fire rockets", "is
    targeted regularly by air strikes"); ``background``: an old relative time
    ("four years ago", "last year"), or a month that ended more than two weeks before
    publication ("in early October" in a November story), within the trigger's clause (60
    characters either side of it), or an incident told by its name ("the Ghouta
    Massacre", ``named_incident``); these need ``trigger``.
    A sentence that dates an incident to a recent day (``spans`` given) keeps the last two
    to the model.
    """
    sent = doc.sentences[i]
    text = sent.text
    cues = sentence_cues(text)
    if i > 0 and cues.get("related"):
        return "related"
    if i > 0 and cues.get("caption"):
        return "caption"
    if trigger is not None and i > 0 and named_incident(doc.text, trigger, text):
        # before the recent-day check: "who on Monday blamed France for the Ghouta
        # Massacre that claimed ..." dates the statement, not the massacre
        return "background"
    if spans is not None and _dated_to_a_recent_day(doc, spans):
        # "killed 12 on Tuesday, bringing to 300 the toll since the offensive began": the
        # day's incident is reported; the total is the model's (and the toll's) concern
        return None
    if cues.get("period_total") or _since_old_date(doc, sent, spans):
        return "total"
    if (" has " in text or " have " in text) and cumulative_toll().search(text):
        return "total"
    if "across " in text and _across_country(doc, sent, text, spans) and not _protest(trigger):
        return "total"
    if " being " in text or "way" in text or "ongoing" in text:
        if ongoing_campaign().search(text):
            return "generic"
    if trigger is not None:
        lo = max(0, trigger.start - sent.start - HABIT_BEFORE_CHARS)
        hi = min(len(text), trigger.end - sent.start + HABIT_AFTER_CHARS)
        if cues.get("habitual") and HABITUAL.search(text, lo, hi):
            return "generic"
    if trigger is not None and doc.news_day() is not None:
        lo = max(0, trigger.start - sent.start - 60)
        hi = min(len(text), trigger.end - sent.start + 60)
        if cues.get("old_relative") and OLD_RELATIVE.search(text, lo, hi):
            return "background"
        for sp in spans or ():
            if sp.label == "DATE" and lo <= sp.start - sent.start < hi and _old_month(doc.news_day(), sp):
                return "background"
    return None


# Incident nouns that, capitalised after a capitalised word inside a sentence that is not
# in title case, are part of an incident's name ("the Ghouta Massacre", "the Tal Afar
# Bombings"): a named incident is one the reader already knows, told as background.
NAMED_INCIDENT = re.compile(r"(?:Massacres?|Attacks?|Bombings?|Raids?|Siege|Uprising|Shelling|Strikes?)\b")
TITLE_CASE_SHARE = 0.5  # above this share of capitalised long words, a line is title case


def named_incident(text: str, trigger: Span, sentence: str) -> bool:
    """Whether ``trigger`` begins with the incident noun of a name ("blamed France for the
    Ghouta Massacre that claimed ...") in a sentence not written in title case."""
    word = text[trigger.start : trigger.end]
    if not NAMED_INCIDENT.match(word):
        return False
    before = text[max(0, trigger.start - 40) : trigger.start].split()
    if not before or not before[-1][:1].isupper():
        return False
    long_words = [w for w in sentence.split() if len(w) > 3 and w[:1].isalpha()]
    return bool(long_words) and sum(w[:1].isupper() for w in long_words) / len(long_words) <= TITLE_CASE_SHARE


# A month-precision date ("in early October", "last month") is background when even its
# latest day lies this many days before publication: the two weeks of the coding rule.
OLD_MONTH_DAYS = 14


def _old_month(published: dt.date, date: Span) -> bool:
    """Whether a month-precision DATE ends more than OLD_MONTH_DAYS before publication."""
    d = date.attrs.get("date")
    if d is None or int(date.attrs.get("precision") or 0) != 3:
        return False
    low = date.text.lower()
    if "early" in low:
        last = d.replace(day=10)
    elif "mid" in low:
        last = d.replace(day=20)
    else:
        nxt = (d.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        last = nxt - dt.timedelta(days=1)
    return (published - last).days > OLD_MONTH_DAYS


def dispute_earlier(spans: Sequence[Span], event_type: str, earlier: Sequence[Any]) -> Any:
    """A dropped sentence that doubts or denies ("the ministry denied its jets struck the
    town") an incident of a type the article has already reported disputes that incident:
    the latest earlier mention of ``event_type`` gets claim "disputed" and the hedge words.
    The denial itself never becomes an event. Returns the mention changed, or None."""
    doubts = [s for s in spans if s.label == "HEDGE" and s.attrs.get("kind") in ("denial", "doubt")]
    if not doubts:
        return None
    target = next((m for m in reversed(earlier) if m.event_type == event_type), None)
    if target is not None:
        target.claim = "disputed"
        target.evidence.hedges.extend(h.text for h in doubts if h.text not in target.evidence.hedges)
    return target


def disputed_report(doc: Doc, spans: Sequence[Span], event_type: str, earlier: Sequence[Any]) -> bool:
    """Whether a dropped sentence is a party's denial of one dated incident that this
    article has not itself reported ("the faction denied the regime's claims, saying the air
    strikes on Kafr Zita on Sunday hit empty farmland"). Such a sentence reports the
    incident as disputed: it stays a mention (claim "disputed"), so that stage 7 can join it
    to the reports it disputes. A generic denial ("the government denied using chemical
    weapons") names no day and no place and stays dropped."""
    if any(m.event_type == event_type for m in earlier):
        return False  # ``dispute_earlier`` marks the article's own mention instead
    if not any(s.label == "HEDGE" and s.attrs.get("kind") in ("denial", "doubt") for s in spans):
        return False
    return _dated_to_a_recent_day(doc, spans, days=7) and any(s.label == "PLACE" for s in spans)


def trigger_clause(doc: Doc, spans: Sequence[Span], trigger: Span | None) -> int | None:
    """Where the trigger's own clause starts when an intention, threat or call before it
    ends at a clause of its own ("Commanders vowed to push on, as heavy clashes raged
    around the dam on Monday": the clashes are reported, the vow is not); else None. The
    trigger resolver keeps such triggers; the model then scores that clause only."""
    if trigger is None:
        return None
    from frontlines.resolve.trigger import NEW_CLAUSE

    ends = [s.end for s in spans if s.label == "INTENTION" and s.end <= trigger.start]
    if not ends:
        return None
    m = None
    for m in NEW_CLAUSE.finditer(doc.text, max(ends), trigger.start):
        pass
    return m.end() if m is not None else None


@dataclass
class Reportable:
    """Rules, then the shipped model; ``min_probability`` from thresholds.toml."""

    min_probability: float
    max_age_days: int = 45
    _model: Any = field(default=None, repr=False)

    @classmethod
    def from_thresholds(cls, th: dict) -> Reportable:
        sect = th.get("reportable", {})
        return cls(
            min_probability=float(sect.get("min_probability", 0.5)),
            max_age_days=int(th.get("extract", {}).get("max_event_age_days", 45)),
        )

    @property
    def model(self):
        """The shipped model (loaded on first use)."""
        if self._model is None:
            from frontlines.learn import load_model

            self._model = load_model(MODEL_NAME)
        return self._model

    def probability(self, doc: Doc, i: int, spans: Sequence[Span], start: int | None = None) -> float:
        """P(sentence ``i`` reports a specific incident) by the model; from ``start`` (an
        offset into ``doc.text``) to the sentence's end when only that clause is scored."""
        sent = doc.sentences[i]
        if start is None or start <= sent.start:
            return float(self.model.proba(sent.text, features(doc, i, spans, self.max_age_days)))
        text = doc.text[start : sent.end]
        part = [s for s in spans if s.start >= start]
        return float(self.model.proba(text, features(doc, i, part, self.max_age_days, text)))

    def judge(self, doc: Doc, i: int, spans: Sequence[Span], trigger: Span | None = None) -> Verdict:
        """Keep or drop a mention made from sentence ``i``: the rules first, then the model."""
        why = rule_reason(doc, i, trigger, spans)
        if why is not None:
            return Verdict(False, why)
        p = self.probability(doc, i, spans, trigger_clause(doc, spans, trigger))
        if p < self.min_probability:
            return Verdict(False, "model", p)
        return Verdict(True, None, p)
