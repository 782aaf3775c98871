"""DateAnnotator: relative dates against publication, absolute dates, false dates."""

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from frontlines.annotate.dates import DateAnnotator
from frontlines.records import Article, Doc

PUB = dt.date(2017, 5, 25)  # a Thursday


@pytest.fixture(scope="module")
def ann():
    return DateAnnotator()


def dates(ann, text, published=PUB):
    d = Doc(article=Article("t", text, published=published), text=text)
    return [(s.text, s.attrs["date"], s.attrs["precision"], s.attrs["relative"]) for s in ann.annotate(d)]


@pytest.mark.parametrize(
    "text,span,date,precision",
    [
        ("Warplanes struck the town on Wednesday, killing 12.", "on Wednesday", dt.date(2017, 5, 24), 1),
        ("Officials said on Thursday that the road reopened.", "on Thursday", PUB, 1),
        ("Clashes erupted Wednesday night near Hama.", "Wednesday night", dt.date(2017, 5, 24), 1),
        ("Fighting resumed late on Monday.", "late on Monday", dt.date(2017, 5, 22), 1),
        ("The convoy was hit last Thursday.", "last Thursday", dt.date(2017, 5, 18), 1),
        ("Yesterday, jets bombed Idlib.", "Yesterday", dt.date(2017, 5, 24), 1),
        ("Shelling continued today.", "today", PUB, 1),
        ("Explosions were heard last night.", "last night", dt.date(2017, 5, 24), 1),
        ("The attack took place two days ago.", "two days ago", dt.date(2017, 5, 23), 1),
        ("Troops entered the town earlier this week.", "earlier this week", dt.date(2017, 5, 22), 2),
        ("Rebels withdrew last week.", "last week", dt.date(2017, 5, 18), 2),
        ("The siege began last month.", "last month", dt.date(2017, 4, 1), 3),
        ("The offensive started in May.", "in May", dt.date(2017, 5, 1), 3),
        ("The town fell in December.", "in December", dt.date(2016, 12, 1), 3),
        ("Clashes on Friday and Saturday killed 20.", "on Friday and Saturday", dt.date(2017, 5, 19), 1),
        ("The attack on May 24th killed five.", "on May 24th", dt.date(2017, 5, 24), 1),
        ("The attack on 24 May 2017 killed five.", "on 24 May 2017", dt.date(2017, 5, 24), 1),
        ("Date: 2017-05-24.", "2017-05-24", dt.date(2017, 5, 24), 1),
        ("The strike happened on the 24th, activists said.", "on the 24th", dt.date(2017, 5, 24), 1),
        ("On 28 December rebels attacked.", "On 28 December", dt.date(2016, 12, 28), 1),
        ("Tue 05 Jul 2016 Syria attack", "Tue 05 Jul 2016", dt.date(2016, 7, 5), 1),
        ("Clashes in March 2015 killed many.", "in March 2015", dt.date(2015, 3, 1), 3),
    ],
)
def test_resolution(ann, text, span, date, precision):
    got = dates(ann, text)
    assert len(got) == 1, got
    assert got[0][:3] == (span, date, precision)


@pytest.mark.parametrize(
    "text",
    [
        "It may be two hours before help arrives.",
        "Fighters march on Raqqa.",
        "The hotline is open 24/7.",
        "Resolution 2254 calls for a ceasefire.",
        "Talks resume next Monday.",
        "The 5th Division attacked.",
    ],
)
def test_false_dates(ann, text):
    assert dates(ann, text) == []


def test_no_publication_date(ann):
    got = dates(ann, "On Wednesday jets struck; on 24 May 2017 and again on 26 May.", published=None)
    assert got[0] == ("On Wednesday", None, 1, True)  # relative: no guess
    assert got[1][1] == dt.date(2017, 5, 24)
    assert got[2][1] == dt.date(2017, 5, 26)  # year from the full date before it


_REL = ["on Monday", "on Tuesday", "on Wednesday", "on Thursday", "on Friday", "on Saturday",
        "on Sunday", "last Sunday", "Friday night", "yesterday", "today", "last night", "last week",
        "earlier this week", "last month", "this month", "three days ago", "a week ago",
        "two months ago", "in January", "in December", "on the 3rd", "on the 31st", "last weekend"]


@settings(max_examples=400, deadline=None)
@given(st.dates(dt.date(1990, 1, 1), dt.date(2030, 12, 31)), st.sampled_from(_REL))
def test_relative_never_after_publication(ann, pub, expr):
    for _, date, _, rel in dates(ann, f"Jets struck the town {expr}.", published=pub):
        if date is not None and rel:
            assert date <= pub


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300), st.none() | st.dates())
def test_never_raises(ann, text, pub):
    d = Doc(article=Article("t", text, published=pub), text=text)
    for s in ann.annotate(d):
        assert text[s.start : s.end] == s.text


def _annotated(ann, text, published=PUB):
    d = Doc(article=Article("t", text, published=published), text=text)
    spans = {s.text: s.attrs["date"] for s in ann.annotate(d)}
    return d, spans


@pytest.mark.parametrize(
    "text,news",
    [
        # an agency byline run into the headline, a "Published" line, a date line of its own
        ("Drone strike kills 7 in Sumy Monitor AFP Wednesday 29 Oct 2014 A drone hit a bus on Monday.", dt.date(2014, 10, 29)),
        ("Shelling in Kherson\n\nPublished July 27 2016 Shells hit the market on Monday.", dt.date(2016, 7, 27)),
        ("RSF attack on El Fasher\n\n16-11-2014 The RSF attacked the city on Monday.", dt.date(2014, 11, 16)),
        ("Date of publication 12 June 2016 Jets struck the market on Monday.", dt.date(2016, 6, 12)),
    ],
)
def test_a_dateline_is_the_day_relative_dates_are_read_against(ann, text, news):
    # the metadata's date (25 May 2017) is not the article's: the text's own dateline wins
    d, spans = _annotated(ann, text)
    assert d.news_date == news and d.news_day() == news
    monday = news - dt.timedelta(days=news.weekday())
    assert [v for k, v in spans.items() if k == "on Monday"] == [monday]


@pytest.mark.parametrize(
    "text",
    [
        "The attack on 24 May 2017 killed five, officials said on Monday.",  # a date in a sentence
        "Jets struck Idlib on Monday. " * 12 + "AFP 24 May 2015",  # past the head of the text
        "Troops said the siege of 24 May 2015 was lifted on Monday.",
    ],
)
def test_no_dateline_keeps_the_publication_date(ann, text):
    d, spans = _annotated(ann, text)
    assert d.news_date is None and d.news_day() == PUB
    assert spans["on Monday"] == dt.date(2017, 5, 22)
