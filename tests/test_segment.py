"""Stage 3: paragraphs and sentences, plus properties of the clean offset map."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from frontlines.clean import clean
from frontlines.ingest import article_id
from frontlines.records import Article, Doc
from frontlines.segment import segment


def _sents(text: str) -> list[str]:
    doc = Doc(Article("x", text), text=text)
    segment(doc)
    return [s.text for s in doc.sentences]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Lt. Gen. Ali Hassan said 12 were killed. The army denied it.",
         ["Lt. Gen. Ali Hassan said 12 were killed.", "The army denied it."]),
        ("Brig. Gen. Issam Zahreddine and Col. Suheil al-Hassan led the assault.",
         ["Brig. Gen. Issam Zahreddine and Col. Suheil al-Hassan led the assault."]),
        ("U.S. forces struck at 10 a.m. on Sunday. U.N. officials said 3.5 million fled.",
         ["U.S. forces struck at 10 a.m. on Sunday.", "U.N. officials said 3.5 million fled."]),
        ("The strikes were carried out by the U.S. The Pentagon confirmed them.",
         ["The strikes were carried out by the U.S.", "The Pentagon confirmed them."]),
        ("It happened on Aug. 12 and again in Sept. 2016 near St. Simeon.",
         ["It happened on Aug. 12 and again in Sept. 2016 near St. Simeon."]),
        ("Mr. Smith lives at No. 5 Baghdad St. in Raqqa, approx. 2 km away, e.g. near the dam, i.e. north.",
         ["Mr. Smith lives at No. 5 Baghdad St. in Raqqa, approx. 2 km away, e.g. near the dam, i.e. north."]),
        ("Former president George W. Bush spoke. He left.", ["Former president George W. Bush spoke.", "He left."]),
        ('"We will retake Palmyra." The general smiled.', ['"We will retake Palmyra."', "The general smiled."]),
        ("He said the war would end... Nobody believed him.", ["He said the war would end...", "Nobody believed him."]),
        ("He paused... and then continued.", ["He paused... and then continued."]),
        ("Five civilians were killed.The monitor said so.", ["Five civilians were killed.", "The monitor said so."]),
        ("Is this the end? No! The siege goes on.", ["Is this the end?", "No!", "The siege goes on."]),
        ("The budget was 2.5 billion dollars in 2016.", ["The budget was 2.5 billion dollars in 2016."]),
        ("Visit sana.sy for more.", ["Visit sana.sy for more."]),
        ("Army advances in Deir Ezzor\nThe army advanced on Sunday.",
         ["Army advances in Deir Ezzor", "The army advanced on Sunday."]),
        ("- Three fighters were wounded\n- Two tanks destroyed", ["- Three fighters were wounded", "- Two tanks destroyed"]),
        ("1. The army entered the town. 2. Rebels withdrew.", ["1. The army entered the town.", "2. Rebels withdrew."]),
    ],
)
def test_sentences(text, expected):
    assert _sents(text) == expected


def test_paragraphs_and_sentence_paragraph_index():
    text = "Headline\n\nFirst one. Second one.\n\nThird one."
    doc = Doc(Article("x", text), text=text)
    segment(doc)
    assert [text[a:b] for a, b in doc.paragraphs] == ["Headline", "First one. Second one.", "Third one."]
    assert [(s.text, s.paragraph) for s in doc.sentences] == [
        ("Headline", 0), ("First one.", 1), ("Second one.", 1), ("Third one.", 2)
    ]


def test_empty_text():
    doc = Doc(Article("x", ""), text="")
    segment(doc)
    assert doc.paragraphs == [] and doc.sentences == []


_ALPHABET = st.sampled_from(list("aZ .!?\n\n\"'”)…3,-•") + ["Mr.", "U.S.", " The", "e.g.", "...", "\t", "\r"])


@given(st.lists(_ALPHABET, max_size=80).map("".join))
@settings(max_examples=400, deadline=None)
def test_sentence_properties(text):
    doc = Doc(Article("x", text), text=text)
    segment(doc)
    prev_end = 0
    covered = set()
    for s in doc.sentences:
        assert text[s.start : s.end] == s.text and s.text == s.text.strip() and s.text
        assert s.start >= prev_end  # in order, no overlap
        prev_end = s.end
        a, b = doc.paragraphs[s.paragraph]
        assert a <= s.start and s.end <= b  # inside its paragraph
        covered.update(range(s.start, s.end))
    for i, ch in enumerate(text):
        if not ch.isspace():
            assert i in covered, (i, ch)
    ends = [b for _, b in doc.paragraphs]
    assert ends == sorted(ends)


_LINES = st.sampled_from(
    [
        "Syrian troops entered the town of Rastan on Sunday, residents said.",
        "Share this:",
        "Facebook Twitter WhatsApp",
        "Loading the player... Rebels shelled the district of Hamdaniya on Friday.",
        "3 comments",
        "Abu Omar",
        "2 hours ago",
        "Support our work! Please donate via PayPal.",
        "All rights reserved.",
        "The ministry declined to comment.",
        "and the clashes went on until dawn, a monitor said",
        "- Two fighters were wounded",
        "",
        "   ",
    ]
)


@given(st.lists(st.one_of(_LINES, st.text(max_size=30)), max_size=20), st.sampled_from(["\n", "\n\n", "\r\n"]))
@settings(max_examples=300, deadline=None)
def test_clean_offset_map_round_trip(lines, newline):
    text = newline.join(lines)
    article = Article(article_id(text), text)
    doc = clean(article)
    in_run = set()
    m = doc.offsets
    for cs, os_, n in zip(m.clean_starts, m.orig_starts, m.lengths):
        assert doc.text[cs : cs + n] == text[os_ : os_ + n]
        in_run.update(range(cs, cs + n))
    for i, ch in enumerate(doc.text):
        if i in in_run:
            assert text[m.to_orig(i)] == ch
        else:
            assert ch in " \n"  # only the paragraph / line separators are new
    segment(doc)
    for s in doc.sentences:
        assert doc.text[s.start : s.end] == s.text
