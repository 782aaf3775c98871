"""ActorAnnotator: named aliases, generic patterns, eras, partisan and air wording."""

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from frontlines.annotate.actors import ActorAnnotator, phrase_pattern
from frontlines.records import Article, Doc


@pytest.fixture(scope="module")
def ann():
    return ActorAnnotator()


def doc(text, country="SYR", published=None):
    return Doc(article=Article("t", text, published=published), text=text, country_hint=country)


def actors(ann, text, **kw):
    return [(s.text, s.attrs["actor"]) for s in ann.annotate(doc(text, **kw))]


def test_state_forces_and_partisan_wording(ann):
    spans = ann.annotate(doc("Regime forces shelled Douma while the Syrian Arab Army advanced."))
    assert [s.text for s in spans] == ["Regime forces", "Syrian Arab Army"]
    assert all(s.attrs["actor"] == "Military Forces of Syria (2000-)" for s in spans)
    assert spans[0].attrs["partisan"] and not spans[1].attrs["partisan"]
    assert spans[0].attrs["inter"] == 1 and spans[0].attrs["kind"] == "state"


def test_air_actors(ann):
    spans = ann.annotate(doc("Russian warplanes and Syrian helicopters struck Khan Sheikhoun."))
    assert [(s.attrs["actor"], s.attrs["air"]) for s in spans] == [
        ("Military Forces of Russia (2000-)", True),
        ("Military Forces of Syria (2000-)", True),
    ]
    assert spans[0].attrs["inter"] == 8


def test_islamic_state_aliases_and_country(ann):
    got = actors(ann, "IS militants attacked. ISIS and Daesh and the Islamic State group retreated.")
    assert [a for _, a in got] == ["Islamic State (Syria)"] * 4
    assert got[0][0] == "IS militants"
    iraq = actors(ann, "ISIL fighters attacked Mosul.", country="IRQ")
    assert iraq == [("ISIL fighters", "Islamic State (Iraq)")]


def test_short_acronyms_are_case_sensitive(ann):
    assert actors(ann, "This is what it is.") == []
    assert actors(ann, "The SDF and the YPG took the dam.") == [
        ("SDF", "QSD: Syrian Democratic Forces"),
        ("YPG", "YPG: Peoples Protection Units"),
    ]


def test_hts_eras_by_publication_date(ann):
    text = "Nusra Front fighters stormed the checkpoint."
    assert actors(ann, text, published=dt.date(2015, 5, 1))[0][1] == "Al Nusra Front"
    assert actors(ann, text, published=dt.date(2016, 10, 1))[0][1] == "Jabhat Fateh al Sham"
    assert actors(ann, text, published=dt.date(2018, 1, 1))[0][1] == "HTS: Hayat Tahrir al Sham"


def test_generic_nationality_military(ann):
    spans = ann.annotate(doc("Belgian jets and Turkish troops joined; Syrian refugees fled."))
    got = [(s.text, s.attrs["actor"], s.attrs["generic"]) for s in spans]
    assert got[0] == ("Belgian jets", "Military Forces of Belgium", True)
    assert got[1][1] == "Military Forces of Turkey (2016-)"
    assert got[2] == ("refugees", "Civilians (Syria)", True)


def test_unidentified_and_partisan_generic(ann):
    spans = ann.annotate(doc("Unidentified gunmen killed a teacher. Takfiri terrorists shelled the city."))
    assert spans[0].attrs["actor"] == "Unidentified Armed Group (Syria)"
    assert spans[0].attrs["inter"] == 3 and not spans[0].attrs["partisan"]
    assert spans[1].attrs["actor"] == "Unidentified Armed Group (Syria)"
    assert spans[1].attrs["partisan"]


def test_partisan_generic_takes_following_name(ann):
    spans = ann.annotate(doc("Terrorists of Jabhat al-Nusra shelled the city."))
    assert spans[0].text == "Terrorists"
    assert spans[0].attrs["actor"] == "HTS: Hayat Tahrir al Sham" and spans[0].attrs["partisan"]


def test_civilians_protesters_rebels(ann):
    got = actors(ann, "Rebels fired on protesters, wounding civilians.", country="IRQ")
    assert got == [
        ("Rebels", "Unidentified Armed Group (Iraq)"),
        ("protesters", "Protesters (Iraq)"),
        ("civilians", "Civilians (Iraq)"),
    ]
    # "Opposition Rebels" is ACLED's bucket for Syria only
    assert actors(ann, "Rebels fired on the town.", country="SYR") == [("Rebels", "Opposition Rebels (Syria)")]


def test_no_country_hint_uses_entry_country(ann):
    # a generic name that needs a country and has none is a span without an actor name
    # (never "Civilians (Unknown)")
    assert actors(ann, "Civilians fled.", country=None) == [("Civilians", None)]
    assert actors(ann, "Houthi rebels fired missiles.", country=None) == [
        ("Houthi rebels", "Military Forces of Yemen (2017-) Houthi")
    ]
    houthi_2015 = actors(ann, "Houthi rebels fired missiles.", country=None, published=dt.date(2015, 6, 1))
    assert houthi_2015 == [("Houthi rebels", "Ansar Allah")]


def test_apostrophe_aliases(ann):
    got = actors(ann, "Assad's forces and Hay'at Tahrir al-Sham fought; People’s Protection Units held.")
    assert [a for _, a in got] == [
        "Military Forces of Syria (2000-)",
        "HTS: Hayat Tahrir al Sham",
        "YPG: Peoples Protection Units",
    ]


def test_barrel_bombs_is_not_an_actor(ann):
    assert actors(ann, "Barrel bombs fell on Aleppo.") == []


def test_longest_match_no_overlap(ann):
    spans = ann.annotate(doc("The Free Syrian Army and Turkish-backed rebels entered al-Bab."))
    assert [s.attrs["actor"] for s in spans] == ["Free Syrian Army", "SNA: Syrian National Army"]
    for a, b in zip(spans, spans[1:]):
        assert a.end <= b.start


def test_user_file_adds_actor(tmp_path, ann):
    extra = tmp_path / "mine.yaml"
    extra.write_text(
        "actors:\n  - name: Liwa al-Test\n    inter: 3\n    country: SYR\n    kind: militia\n"
        "    why: test\n    aliases: [Test Brigade]\n"
    )
    a = ActorAnnotator(extra_files=[extra])
    assert actors(a, "The Test Brigade attacked.") == [("Test Brigade", "Liwa al-Test")]


def test_phrase_pattern_hyphen_space_equivalence():
    import re

    rx = re.compile(phrase_pattern(["al-Nusra"]), re.I)
    assert rx.fullmatch("al Nusra") and rx.fullmatch("al-nusra")


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_never_raises(ann, text):
    for s in ann.annotate(doc(text)):
        assert text[s.start : s.end] == s.text
