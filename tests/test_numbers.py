"""CasualtyAnnotator: casualty phrases, SPEC fatality rules, non-counts, number parsing."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from frontlines.annotate.numbers import CasualtyAnnotator
from frontlines.records import Article, Doc, Sentence


@pytest.fixture(scope="module")
def ann():
    return CasualtyAnnotator()


def cas(ann, text):
    d = Doc(article=Article("t", text), text=text, sentences=[Sentence(0, len(text), 0, text)])
    return ann.annotate(d)


def one(ann, text):
    spans = cas(ann, text)
    assert len(spans) == 1, spans
    return spans[0].attrs


@pytest.mark.parametrize(
    "text,kind,value,low,high,vague,victims",
    [
        ("At least 137 people were killed in the chemical attack.", "killed", 137, 137, 137, False, "people"),
        ("Over 15 civilians were killed in the raid.", "killed", 15, 15, 15, False, "civilians"),
        ("Between 10 and 15 soldiers died.", "killed", 10, 10, 15, False, "soldiers"),
        ("Ten to fifteen people were injured.", "wounded", 10, 10, 15, False, "people"),
        ("Scores of people were wounded.", "wounded", 20, 20, 20, True, "people"),
        ("Dozens were killed when barrel bombs hit.", "killed", 12, 12, 12, True, None),
        ("Hundreds of people died in the siege.", "killed", 100, 100, 100, True, "people"),
        ("Tens of fighters were killed.", "killed", 10, 10, 10, True, "fighters"),
        ("Some 3,000 people were killed in the massacre.", "killed", 3000, 3000, 3000, False, "people"),
        # the same figure with no incident named is a total (test_tolls.py)
        ("The death toll rose to 45 on Tuesday.", "killed", 45, 45, 45, False, None),
        ("The raid claimed the lives of twenty-five people.", "killed", 25, 25, 25, False, "people"),
        ("Rescuers pulled 12 bodies from the rubble.", "killed", 12, 12, 12, False, None),
        ("SOHR counted 20 martyrs in Ghouta.", "killed", 20, 20, 20, False, None),
        ("The blast caused 30 casualties.", "casualties", 30, 30, 30, False, None),
        ("A hundred and twelve people were killed.", "killed", 112, 112, 112, False, "people"),
        ("Government forces killed a civilian in Daraa.", "killed", 1, 1, 1, False, "civilians"),
        ("A child was killed by sniper fire.", "killed", 1, 1, 1, False, "children"),
        ("A 12-year-old boy was killed.", "killed", 1, 1, 1, False, "children"),
        ("He was killed in an ambush.", "killed", 1, 1, 1, False, None),
        ("A man and his two sons were killed.", "killed", 3, 3, 3, False, "civilians"),
        ("A family of five was killed in the strike.", "killed", 5, 5, 5, False, "civilians"),
        ("Gunmen kidnapped a journalist in Idlib.", "captured", 1, 1, 1, False, "civilians"),
        ("Three fighters remain missing after the battle.", "missing", 3, 3, 3, False, "fighters"),
    ],
)
def test_casualty_phrases(ann, text, kind, value, low, high, vague, victims):
    a = one(ann, text)
    assert (a["kind"], a["value"], a["low"], a["high"], a["vague"], a["victims"]) == (
        kind, value, low, high, vague, victims,
    )


def test_killed_and_wounded_stay_apart(ann):
    spans = cas(ann, "The strike killed 3 and wounded 12 in Douma.")
    assert [(s.text, s.attrs["kind"], s.attrs["value"]) for s in spans] == [
        ("killed 3", "killed", 3),
        ("wounded 12", "wounded", 12),
    ]
    spans = cas(ann, "The shelling left 12 dead and 40 wounded.")
    assert [(s.attrs["kind"], s.attrs["value"]) for s in spans] == [("killed", 12), ("wounded", 40)]


def test_subset_counts(ann):
    spans = cas(ann, "Airstrikes killed 23 people, including nine women.")
    assert [(s.attrs["value"], s.attrs.get("subset", False)) for s in spans] == [(23, False), (9, True)]
    assert spans[1].attrs["kind"] == "killed" and spans[1].attrs["victims"] == "women"


@pytest.mark.parametrize(
    "text",
    [
        "3,000 fighters advanced 30 km toward Raqqa at 5 p.m. in 2017.",
        "The Security Council adopted Resolution 2254 in 2015.",
        "Families fled after the commander was killed in 2015.",
        "The convoy carried 40 tonnes of aid to 12 villages.",
    ],
)
def test_non_casualty_numbers(ann, text):
    assert cas(ann, text) == []


def test_parse_number_examples(ann):
    assert ann.parse_number("two thousand three hundred and four") == 2304
    assert ann.parse_number("twenty-five") == 25
    assert ann.parse_number("a dozen") == 12
    assert ann.parse_number("five three") is None
    assert ann.parse_count("between 10 and 15") == {"value": 10, "low": 10, "high": 15, "vague": False}


_UNITS = "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen " \
    "fifteen sixteen seventeen eighteen nineteen".split()
_TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()


def words(n: int) -> str:
    """English words for 0-999 (test oracle, British 'and')."""
    if n < 20:
        return _UNITS[n]
    if n < 100:
        return _TENS[n // 10] + ("-" + _UNITS[n % 10] if n % 10 else "")
    rest = n % 100
    return _UNITS[n // 100] + " hundred" + (" and " + words(rest) if rest else "")


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 999_999), st.booleans())
def test_digits_round_trip(ann, n, sep):
    text = f"{n:,}" if sep else str(n)
    assert ann.parse_number(text) == n


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 999))
def test_words_round_trip(ann, n):
    assert ann.parse_number(words(n)) == n


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 999))
def test_words_in_sentence(ann, n):
    a = one(ann, f"The strikes killed {words(n)} civilians.")
    assert a["value"] == n and a["kind"] == "killed"


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_never_raises(ann, text):
    for s in cas(ann, text):
        assert text[s.start : s.end] == s.text and s.attrs["value"] >= 0
