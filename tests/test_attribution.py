"""AttributionAnnotator: sources with via/party, hedges, negations and intentions."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from frontlines.annotate.attribution import AttributionAnnotator
from frontlines.records import Article, Doc


@pytest.fixture(scope="module")
def ann():
    return AttributionAnnotator()


def spans(ann, text, label=None):
    d = Doc(article=Article("t", text), text=text)
    return [s for s in ann.annotate(d) if label is None or s.label == label]


def attribution(ann, text):
    got = spans(ann, text, "ATTRIBUTION")
    assert len(got) == 1, got
    return got[0]


@pytest.mark.parametrize(
    "text,span,source,via,party,kind",
    [
        ("SANA reported, citing a military source, that 12 terrorists were killed.",
         "SANA reported, citing a military source", "SANA", "military source", True, "agency"),
        ("A military source told SANA that army units destroyed a tunnel.",
         "A military source told SANA", "SANA", "military source", True, "agency"),
        ("According to SOHR, 20 civilians died.", "According to SOHR", "SOHR", None, False, "monitor"),
        ("The Observatory said the raids killed five.", "The Observatory said", "SOHR", None, False, "monitor"),
        ("Local sources said the town was shelled.", "Local sources said", "local sources", None, False, "local"),
        ("Activists said the market was hit.", "Activists said", "activists", None, False, "local"),
        ("Syria's state news agency said jets hit the base.", "Syria's state news agency said", "SANA", None,
         True, "agency"),
        ("State media reported the attack.", "State media reported", "Syrian state media", None, True, "agency"),
        ("Amaq claimed the attack on the checkpoint.", "Amaq claimed", "Amaq", None, True, "party"),
        ("The Russian Defence Ministry said its jets hit 30 targets.",
         "The Russian Defence Ministry said", "Russian Defence Ministry", None, True, "official"),
        ("Reuters, citing SANA, said five were killed.", "Reuters, citing SANA", "Reuters", "SANA", True, "agency"),
        ("The Syrian Observatory for Human Rights, a Britain-based monitor, said 30 people died.",
         "The Syrian Observatory for Human Rights, a Britain-based monitor, said", "SOHR", None, False, "monitor"),
        ("A spokesman for the SDF said the town was taken.", "A spokesman for the SDF said", "SDF", None, True,
         "party"),
        ("Trump said on Twitter that the strike was a success.", "Trump said on Twitter", "Trump", None, False,
         "official"),
    ],
)
def test_attribution(ann, text, span, source, via, party, kind):
    s = attribution(ann, text)
    assert (s.text, s.attrs["source"], s.attrs["via"], s.attrs["party"], s.attrs["kind"]) == (
        span, source, via, party, kind,
    )


def test_source_without_reporting_verb_is_not_attribution(ann):
    assert spans(ann, "Jets struck near the SANA building in Damascus.", "ATTRIBUTION") == []


@pytest.mark.parametrize(
    "text,cue,kind",
    [
        ("Regime jets allegedly dropped chlorine.", "allegedly", "hedge"),
        ("Ten people were reportedly killed.", "reportedly", "hedge"),
        ("If confirmed, it would be the deadliest attack.", "If confirmed", "doubt"),
        ("The figures could not be independently verified.", "could not be independently verified", "doubt"),
        ("These numbers seem overestimated.", "seem overestimated", "doubt"),
        ("The ministry denied the reports.", "denied the reports", "denial"),
        ("Damascus has always denied using chemical weapons.", "denied", "denial"),
        ("IS claimed responsibility for the bombing.", "claimed responsibility", "claim"),
        ("Unconfirmed reports spoke of 40 dead.", "Unconfirmed reports", "doubt"),
    ],
)
def test_hedges(ann, text, cue, kind):
    got = [(s.text, s.attrs["kind"]) for s in spans(ann, text, "HEDGE")]
    assert (cue, kind) in got


def test_claimed_the_lives_is_no_hedge(ann):
    assert spans(ann, "The strike claimed the lives of 20 people.", "HEDGE") == []


@pytest.mark.parametrize(
    "text,cue,kind",
    [
        ("No one was killed in the blast.", "No one was killed", "no_casualties"),
        ("The strike caused no casualties.", "caused no casualties", "no_casualties"),
        ("Moscow denied that its jets were involved.", "denied that", "denial"),
        ("The army did not enter the town.", "did not", "negation"),
        ("The army didn't enter the town.", "didn't", "negation"),
    ],
)
def test_negations(ann, text, cue, kind):
    got = [(s.text, s.attrs["kind"]) for s in spans(ann, text, "NEGATION")]
    assert (cue, kind) in got


@pytest.mark.parametrize(
    "text,cue,kind",
    [
        ("The army is preparing to storm the town.", "is preparing to", "plan"),
        ("The SDF will launch an offensive on Raqqa.", "will launch", "future"),
        ("IS threatened to attack the city.", "threatened to", "threat"),
        ("Rebels vowed to retake the hill.", "vowed to", "threat"),
        ("Turkey plans to expand the operation.", "plans to", "plan"),
        ("The UN calls for a ceasefire.", "calls for", "call"),
        ("Fighting may spread to Idlib.", "may", "future"),
    ],
)
def test_intentions(ann, text, cue, kind):
    got = [(s.text, s.attrs["kind"]) for s in spans(ann, text, "INTENTION")]
    assert (cue, kind) in got


def test_month_may_is_not_intention(ann):
    assert spans(ann, "Clashes in May killed dozens.", "INTENTION") == []


def test_user_source_file(tmp_path):
    extra = tmp_path / "src.yaml"
    extra.write_text(
        "sources:\n  - {name: Deir Ezzor 24, kind: local, party: false, why: test,"
        " aliases: [Deir Ezzor 24, DZ24]}\n"
    )
    a = AttributionAnnotator(extra_files=[extra])
    s = attribution(a, "Deir Ezzor 24 reported heavy shelling.")
    assert s.attrs["source"] == "Deir Ezzor 24" and s.attrs["kind"] == "local"


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_never_raises(ann, text):
    for s in spans(ann, text):
        assert text[s.start : s.end] == s.text
