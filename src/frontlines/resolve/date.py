"""The date resolver: the event date of a mention, from the DATE spans of its sentence,
its paragraph, the lede, else the publication date; and the maximum-age check."""

from __future__ import annotations

import datetime as dt

from ..records import Doc, Sentence, Span

# A "sentence" of fewer words than this is a dateline or byline line, not reporting.
DATELINE_MAX_WORDS = 7
# how many first sentences of the article count as its lede
LEDE_SENTENCES = 4


def _dated(spans: list[Span]) -> list[Span]:
    return [s for s in spans if s.label == "DATE" and s.attrs.get("date")]


def date_for(doc: Doc, i: int, sent: Sentence, trig: Span, spans_by_sentence: dict[int, list[Span]]):
    """(date, precision, evidence text, explicit?) for the mention in sentence ``i``.

    The sentence's date nearest the trigger; else the latest date of an earlier sentence
    of the paragraph; else the lede's (not counting dateline lines); else the publication
    date at week precision (not explicit)."""
    dates = _dated(spans_by_sentence.get(i, []))
    if dates:
        d = min(dates, key=lambda s: abs(s.start - trig.start))
        return d.attrs["date"], int(d.attrs.get("precision", 1)), d.text, True
    para = sent.paragraph
    for j in range(i - 1, -1, -1):
        if doc.sentences[j].paragraph != para:
            break
        ds = _dated(spans_by_sentence.get(j, []))
        if ds:
            return ds[-1].attrs["date"], int(ds[-1].attrs.get("precision", 1)), ds[-1].text, True
    # the lede's date covers the story ("On Wednesday, ... . Later, ..."); a dateline line
    # ("Thu 25 May 2017", "Posted on June 24, 2017") is the publication day, not the lede's
    for j in range(0, min(len(doc.sentences), LEDE_SENTENCES)):
        if len(doc.sentences[j].text.split()) < DATELINE_MAX_WORDS:
            continue
        ds = _dated(spans_by_sentence.get(j, []))
        if ds:
            return ds[0].attrs["date"], max(int(ds[0].attrs.get("precision", 1)), 1), ds[0].text, False
    pub = doc.news_day()
    if pub is not None:
        # no date in the text: the report date, at week precision (ACLED practice)
        return pub, 2, "publication date", False
    return None, None, None, False


def too_old(date: dt.date | None, explicit: bool, published: dt.date | None, max_age_days: int) -> bool:
    """Whether an explicitly dated event lies more than ``max_age_days`` before the
    article's publication (a look back at history, not news)."""
    return bool(explicit and date and published and (published - date).days > max_age_days)
