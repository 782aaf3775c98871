"""Typed records that flow between the pipeline stages.

Every stage reads and writes these dataclasses; nothing else crosses a stage boundary.
Offsets are character offsets into ``Doc.text`` (the cleaned text) unless a name says
``orig``; ``OffsetMap`` turns a cleaned offset back into an offset of ``Article.text``.
"""

from __future__ import annotations

import bisect
import datetime as dt
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Article:
    """One input document as read from disk, stdin or a feed (stage 1: ingest)."""

    article_id: str
    text: str  # the original text (for HTML: the extracted main text)
    title: str | None = None
    url: str | None = None
    path: str | None = None
    outlet: str | None = None
    published: dt.date | None = None
    source_format: str = "txt"  # txt | html | json | jsonl | csv | stdin
    # where each inferred field came from, e.g. {"outlet": "byline", "published": "dateline"}
    provenance: dict[str, str] = field(default_factory=dict)
    # where the reader found it, as a skip of it would name it: the path, or path:line for
    # a record inside a file (None: made in code). Not part of what the article is (two
    # readers of one file may count its lines from different places): not compared
    source: str | None = field(default=None, compare=False)


# how an undated copy sorts in ``copy_key``: after every dated one
UNDATED = "9999-99-99"


def copy_key(article: Article) -> tuple[str, ...]:
    """Which of several copies of one text (one article id) the ledger keeps: the earliest
    published, then the smallest url, outlet, title, path and format. A total order on
    the copies, so the same copies give the same ledger whatever order they come in."""
    published = article.published.isoformat() if article.published else UNDATED
    return (published, article.url or "", article.outlet or "", article.title or "", article.path or "", article.source_format or "")


@dataclass(frozen=True)
class Skip:
    """An input that could not be read: the batch goes on, the reason is kept."""

    source: str  # path, or path:line for a record inside a file
    code: str  # error code from frontlines.errors
    reason: str


@dataclass
class OffsetMap:
    """Maps offsets of cleaned text back to the original text.

    Stored as runs: cleaned text ``[clean_starts[i], clean_starts[i] + lengths[i])`` is a
    verbatim copy of original text starting at ``orig_starts[i]``.
    """

    clean_starts: list[int] = field(default_factory=list)
    orig_starts: list[int] = field(default_factory=list)
    lengths: list[int] = field(default_factory=list)

    def add(self, clean_start: int, orig_start: int, length: int) -> None:
        self.clean_starts.append(clean_start)
        self.orig_starts.append(orig_start)
        self.lengths.append(length)

    def to_orig(self, offset: int) -> int:
        """Original offset of a cleaned offset (an end offset maps to the run it ends)."""
        if not self.clean_starts:
            return offset
        i = bisect.bisect_right(self.clean_starts, offset) - 1
        if i < 0:
            return self.orig_starts[0]
        delta = min(offset - self.clean_starts[i], self.lengths[i])
        return self.orig_starts[i] + delta

    @classmethod
    def identity(cls, length: int) -> "OffsetMap":
        m = cls()
        m.add(0, 0, length)
        return m


@dataclass(frozen=True)
class Removed:
    """A block that cleaning dropped, with why (kept for audit and for the tests)."""

    orig_start: int
    orig_end: int
    reason: str  # comments | donation | disclaimer | share | player | captcha | ...


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    paragraph: int
    text: str


@dataclass(frozen=True)
class Span:
    """An annotation over cleaned text. ``label`` is one of PLACE, ACTOR, NUMBER,
    CASUALTY, DATE, ATTRIBUTION, HEDGE, TRIGGER, NEGATION, INTENTION; ``attrs`` holds
    the label-specific payload (resolved actor, parsed number, resolved date, ...)."""

    start: int
    end: int
    label: str
    text: str
    attrs: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class Place:
    """A gazetteer entry."""

    name: str
    latitude: float
    longitude: float
    country: str
    iso3: str
    admin1: str | None = None
    admin2: str | None = None
    geonameid: int | None = None
    feature: str = "city"  # city | region | admin2 | admin1 | country
    population: int = 0


@dataclass
class Doc:
    """The document object that flows through stages 2-6 (one per article)."""

    article: Article
    text: str = ""  # cleaned text
    offsets: OffsetMap = field(default_factory=OffsetMap)
    removed: list[Removed] = field(default_factory=list)
    paragraphs: list[tuple[int, int]] = field(default_factory=list)
    sentences: list[Sentence] = field(default_factory=list)
    spans: list[Span] = field(default_factory=list)
    mentions: list["EventMention"] = field(default_factory=list)
    country_hint: str | None = None  # iso3 of the article's dominant country
    # what the text says about where the story is (annotate.docgeo.DocGeography), set by
    # the place annotation (stage 4); None before it
    geography: Any = None
    warnings: list[str] = field(default_factory=list)
    # the day the text itself dates its report (a dateline at its head: "AFP Wednesday 29
    # Oct 2014", "Published July 27 2016"), set by the date annotator; None when it prints none
    news_date: dt.date | None = None

    def news_day(self) -> dt.date | None:
        """The day of the report: the text's own dateline, else the publication date (the
        metadata's date is not always the article's: feeds and archives re-date copy)."""
        return self.news_date or self.article.published

    def spans_of(self, label: str) -> list[Span]:
        return [s for s in self.spans if s.label == label]

    def in_sentence(self, sent: Sentence, label: str | None = None) -> list[Span]:
        return [
            s
            for s in self.spans
            if s.start >= sent.start and s.end <= sent.end and (label is None or s.label == label)
        ]


@dataclass
class Evidence:
    """One mention of an event in one article: the sentence that supports it."""

    article_id: str
    sentence: str
    char_start: int  # offsets into the ORIGINAL article text
    char_end: int
    path: str | None = None
    url: str | None = None
    outlet: str | None = None
    published: str | None = None
    attributed_to: str | None = None
    hedges: list[str] = field(default_factory=list)
    # evidence for individual fields: field name -> matched text
    fields: dict[str, str] = field(default_factory=dict)


@dataclass
class EventMention:
    """An event as one article reports it (stage 5: extract, stage 6: geocode)."""

    event_type: str
    sub_event_type: str
    evidence: Evidence
    actor1: str | None = None
    assoc_actor_1: str | None = None
    inter1: int | None = None
    actor2: str | None = None
    assoc_actor_2: str | None = None
    inter2: int | None = None
    civilian_targeting: bool = False
    place_text: str | None = None
    place_span: Span | None = None  # the PLACE span the event happened at
    place_relation: str | None = None  # None | near | countryside | province | direction
    place: Place | None = None
    geo_precision: int | None = None
    event_date: dt.date | None = None
    time_precision: int | None = None
    fatalities: int = 0
    fatalities_low: int = 0
    fatalities_high: int = 0
    fatality_text: str | None = None
    claim: str = "reported"  # reported | claimed | disputed (per mention)
    trigger: str = ""
    score: float = 0.0  # how central the mention is to the article (for main-event picks)
    headline: bool = False  # from the article's first sentence (its title or lede)


# ACLED interaction code from the two inter codes (ACLED codebook: inter1*10+inter2,
# smaller code first; one-sided events are inter1*10).
def interaction_code(inter1: int | None, inter2: int | None) -> int | None:
    if inter1 is None:
        return None
    if not inter2:
        return inter1 * 10
    a, b = sorted((inter1, inter2))
    return a * 10 + b


@dataclass
class Event:
    """A row of the ledger (SPEC 'Event record')."""

    event_id: str
    event_date: str | None
    time_precision: int | None
    event_type: str
    sub_event_type: str
    actor1: str | None
    assoc_actor_1: str | None
    inter1: int | None
    actor2: str | None
    assoc_actor_2: str | None
    inter2: int | None
    interaction: int | None
    civilian_targeting: bool
    country: str | None
    iso3: str | None
    admin1: str | None
    admin2: str | None
    location: str | None
    latitude: float | None
    longitude: float | None
    geo_precision: int | None
    geonameid: int | None
    fatalities: int
    fatalities_low: int
    fatalities_high: int
    claim_status: str
    sources: list[str]
    source_count: int
    independent_source_count: int
    notes: str
    mentions: list[dict[str, Any]]
    # stage 7 (corroborate): the distinct origins behind the sources (after removing reprints
    # and relays), and which report gave which fatality figure
    origins: list[dict[str, Any]] = field(default_factory=list)
    fatality_sources: list[dict[str, Any]] = field(default_factory=list)
    # analysts' corrections applied to the event (``corrections.apply_corrections``): each
    # field set, its value, the value stage 7 computed, the note and when
    corrections: list[dict[str, Any]] = field(default_factory=list)
