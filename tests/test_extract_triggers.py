"""The trigger start scan (``extract._TriggerStarts``) against the lookahead union it
replaces: the same start positions on real articles, on generated text and for generated
patterns, so the extractor's triggers (and so its events) cannot change."""

from __future__ import annotations

import csv
import os
import re
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from frontlines.annotate.actors import lower_same_len
from frontlines.extract import (
    Lexicon,
    _alternatives,
    _lower_pattern,
    _prefixes,
    _split_top_level,
    _TriggerStarts,
)

ROOT = Path(__file__).resolve().parents[1]


def union_starts(patterns: list[str], low: str) -> list[int]:
    """The reference: every word start where the lookahead union of ``patterns`` matches."""
    union = re.compile(r"\b(?=\w)(?=" + "|".join(f"(?:{p})" for p in patterns) + ")") if patterns else re.compile("(?!)")
    return [m.start() for m in union.finditer(low)]


@pytest.fixture(scope="module")
def lexicon_patterns() -> list[str]:
    """The bundled lexicon's trigger patterns, as ``extract._trigger_scanners`` scans them."""
    lexicon = Lexicon.load()
    return [_lower_pattern(sub.pattern.pattern).replace("(?-i:", "(?:") for sub in lexicon.sub_events.values()]


@pytest.fixture(scope="module")
def scanner(lexicon_patterns) -> _TriggerStarts:
    return _TriggerStarts(lexicon_patterns)


def example_texts() -> list[str]:
    """The bundled example articles, plus FA-KES where its data is at hand."""
    texts = [p.read_text("utf-8", errors="replace") for p in sorted((ROOT / "examples").iterdir()) if p.is_file()]
    data = Path(os.environ.get("FRONTLINES_DATA", ROOT.parent / "shared" / "data"))
    fakes = data / "fakes" / "fakes.csv"
    if fakes.exists():
        with open(fakes, encoding="utf-8", errors="replace") as fh:
            texts += [row["article_content"] for row in csv.DictReader(fh)]
    return texts


def test_same_starts_as_the_union_on_articles(lexicon_patterns, scanner):
    texts = example_texts()
    assert texts
    found = 0
    for text in texts:
        low = lower_same_len(text)
        starts = scanner.starts(low)
        assert starts == union_starts(lexicon_patterns, low)
        found += len(starts)
    assert found > 0


# words that start triggers (and near misses), glue words, and characters that test the
# word boundaries and lower-casing
TRIGGER_WORDS = [
    "airstrike", "air strike", "air-raid", "warplanes struck", "planes bombed", "shelled", "shelling",
    "rocket", "rockets launchers", "rocket tests", "clashes", "fierce fighting", "battle", "gun battle",
    "killed", "killed two civilians", "executed", "car bomb", "suicide bomber", "blew himself up",
    "abducted", "kidnapped", "arrested", "detained", "protest", "protesters", "rally", "riot", "anti-riot",
    "riot police", "tear gas", "captured", "recaptured", "seized the Town", "took control", "liberation",
    "Liberation", "overran", "withdrew from", "handed over", "ceasefire", "agreement", "looted",
    "torched homes", "defected", "intercepted missiles", "us-led air strikes", "coalition air raids",
    "russian-led strikes", "sarin gas", "chemical attack", "mob", "lynched", "established a base",
    "hostages", "rape", "grenade", "landmine", "IED", "SVBIED", "build-up", "military build up",
]
GLUE_WORDS = ["the", "a", "of", "in", "and", "said", "on", "to", "that", "this", "town", "village", "were", "was"]
SEPARATORS = [" ", " ", " ", ", ", ". ", "-", "\n", "'s ", "’", " (", ") ", "_", "1", " 12 "]
ODD = ["İstanbul", "Straße", "ǅ", "é", "ß", "ﬁ", "Αθήνα", "٣", ""]


@st.composite
def articles(draw) -> str:
    pieces = draw(st.lists(st.sampled_from(TRIGGER_WORDS + GLUE_WORDS + ODD), max_size=40))
    text = ""
    for piece in pieces:
        text += draw(st.sampled_from(SEPARATORS)) + (piece.upper() if draw(st.booleans()) and len(piece) < 4 else piece)
    return text


@settings(max_examples=300, deadline=None)
@given(articles())
def test_same_starts_as_the_union_on_generated_text(lexicon_patterns, scanner, text):
    low = lower_same_len(text)
    assert scanner.starts(low) == union_starts(lexicon_patterns, low)


# -- generated patterns: the analysis must hold for any regex, not only the lexicon's --
ATOMS = ["a", "b", "ab", "ba", "A", "s", "k", "-", "'", " ", "é", r"\w", r"\d", r"\s", ".", "[ab]", "[^a]", "[a-c]",
         "[]a]", r"[\]|)]", r"\(", r"\|"]  # fmt: skip
ZERO_WIDTH = [r"\b", r"\B", "(?=a)", "(?!b)", "(?<=a)", "(?<!-)", "(?#x|)"]
QUANTIFIERS = ["", "", "", "?", "*", "+", "{0,2}", "{2}", "??", "+?", "{1,3}?"]
# groups are repeated a bounded number of times: "(?:a+)+b" would backtrack for ever
GROUP_QUANTIFIERS = ["", "", "?", "{0,2}", "{2}", "??", "{1,3}?"]


def regexes(depth: int = 2):
    """Small regexes over the atoms, with groups (plain, case-insensitive, atomic)
    nested ``depth`` deep."""
    item = st.tuples(st.sampled_from(ATOMS), st.sampled_from(QUANTIFIERS)).map("".join)
    if depth > 0:
        inner = st.lists(regexes(depth - 1), min_size=1, max_size=3).map("|".join)
        group = st.tuples(st.sampled_from(["(?:", "(?i:", "(?>"]), inner, st.sampled_from(GROUP_QUANTIFIERS))
        item = st.one_of(item, group.map(lambda t: f"{t[0]}{t[1]}){t[2]}"))
    return st.lists(st.one_of(item, st.sampled_from(ZERO_WIDTH)), min_size=1, max_size=4).map("".join)


def compiles(pattern: str) -> bool:
    try:
        re.compile(pattern)
    except re.error:
        return False
    return True


# ``_compile``'s shape (split into alternatives), bare alternatives, or any other shape
# (kept whole)
def lexicon_shape(alts: list[str]) -> str:
    return r"\b(?:" + "|".join(f"(?:{a})" for a in alts) + r")\b"


def bare_shape(alts: list[str]) -> str:
    return r"\b(?:" + "|".join(alts) + r")\b"


lexicon_like = st.lists(regexes(), min_size=1, max_size=4).map(lexicon_shape)
bare_alternatives = st.lists(regexes(), min_size=1, max_size=4).map(bare_shape)
patterns = st.lists(st.one_of(lexicon_like, bare_alternatives, regexes()).filter(compiles), min_size=1, max_size=3)
# "ſ" and "K" (Kelvin) stay as they are in lower-cased text, yet match "s" and "k" in a
# case-insensitive group
texts = st.lists(st.sampled_from(["a", "b", "ab", "ba", "bab", "s", "k", "A", "ſ", "\u212a", "é", "1", "_"]), max_size=8).flatmap(
    lambda words: st.tuples(*(st.sampled_from([" ", "", "-", "'", " - "]) for _ in words)).map(
        lambda seps: "".join(sep + word for sep, word in zip(seps, words))
    )
)


@settings(max_examples=500, deadline=None)
@given(patterns, st.lists(texts, min_size=1, max_size=5))
@example([r"\b(?:(?:(?i:A)b))\b"], ["ab"])  # case-insensitive parts start anywhere
@example([r"\b(?:(?:(?i:s)))\b"], ["ſ"])
def test_same_starts_as_the_union_for_generated_patterns(pats, samples):
    scanner = _TriggerStarts(pats)
    for text in samples:
        low = lower_same_len(text)
        assert scanner.starts(low) == union_starts(pats, low), (pats, low)


def test_empty_lexicon_finds_nothing():
    assert _TriggerStarts([]).starts("air strike") == []


# -- the pieces --------------------------------------------------------------------------
def test_split_top_level():
    assert _split_top_level("(?:a|b)|c|[|)]|\\||(?#(|)d") == ["(?:a|b)", "c", "[|)]", "\\|", "(?#(|)d"]
    assert _split_top_level("[]|]|[^]|]") == ["[]|]", "[^]|]"]
    assert _split_top_level("a)|(?:b") is None  # not a run of whole groups
    assert _split_top_level("(?:a") is None
    assert _split_top_level("(?x:a # (\n)|b") is None  # verbose: comments may hold parentheses


def test_alternatives_of_the_lexicon_shape():
    assert [a for a, _ in _alternatives(r"\b(?:(?:air ?strikes?)|(?:shelled))\b")] == [
        r"(?:(?:air ?strikes?))\b",
        r"(?:(?:shelled))\b",
    ]
    # another shape, or alternatives that do not stand alone: kept whole
    assert [a for a, _ in _alternatives(r"\bair|sea\b")] == [r"\bair|sea\b"]
    assert [a for a, _ in _alternatives(r"\b(?:(a)|(?:\1b))\b")] == [r"\b(?:(a)|(?:\1b))\b"]


def prefixes(pattern: str):
    return _prefixes(_alternatives(pattern)[0][1])


@pytest.mark.parametrize(
    "pattern, expected",
    [
        ("air ?strikes?", {"ai"}),
        ("(?:war)?planes?", {"wa", "pl"}),
        ("(?<!anti-)riot(?:s|ed)?", {"ri"}),
        (r"\bshell(?:s|ed)\b", {"sh"}),
        ("[ab]c|d", {"ac", "bc", "d"}),  # "d" is a whole match
        ("a?b", {"ab", "b"}),
        ("(?:ab)*c", {"ab", "c"}),
        ("a{0,3}b", {"aa", "ab", "b"}),
        ("(?>x|y)z", {"xz", "yz"}),
    ],
)
def test_prefixes(pattern, expected):
    assert prefixes(pattern) == expected


@pytest.mark.parametrize(
    "pattern",
    [r"[\w-]+-led", r"\d+ killed", ".a", "[^a]b", "a?", "(?:ab)*", "(?i:a)b", "(?i)ab", r"\bb*", "(a)\\1",
     "[\u0100-\u03e0]{2}"],  # too many prefixes to file
)
def test_prefixes_not_known(pattern):
    """A match that may be empty or start with a class: tried at every word start."""
    assert prefixes(pattern) is None
