"""An air strike no one names: actor1 is the party that flies there (data/air_operators.yaml),
said so in the evidence; a named actor, a strike on the operator's own forces, a country
with no entry, or several unnamed candidates keep it unidentified."""

from __future__ import annotations

import pytest

import frontlines
from frontlines.errors import DataFileValue
from frontlines.extract import Lexicon


def strike(pipe, text, published):
    evs = [e for e in frontlines.extract_text(text, published=published, pipeline=pipe) if e.sub_event_type == "Air/drone strike"]
    assert evs, "no air strike found"
    return evs[0]


def note(ev) -> str:
    """The event's evidence, as text."""
    return repr(ev)


def test_syria_unnamed_strike_is_the_regime_with_russia(pipe):
    ev = strike(pipe, "Air strikes killed seven people, including two children, in Khan Sheikhun in Idlib province on Tuesday, a monitor said.", "2017-05-24")
    assert ev.actor1 == "Military Forces of Syria (2000-)"
    assert ev.assoc_actor_1 == "Military Forces of Russia (2000-)"
    assert "actor1 inferred: unattributed air strike in Syria" in note(ev)


def test_syria_before_russia_came_is_the_regime_alone(pipe):
    ev = strike(pipe, "Barrel bombs killed 11 people in the Aleppo district of Sukkari on Sunday, activists said.", "2014-02-03")
    assert ev.actor1 == "Military Forces of Syria (2000-)"
    assert ev.assoc_actor_1 is None


def test_syria_the_operator_the_article_names_wins(pipe):
    text = (
        "Russian jets have pounded the south of Idlib province for a week, rescuers said.\n\n"
        "On Monday air strikes killed nine civilians in the town of Maarat al-Numan, the rescuers said."
    )
    ev = strike(pipe, text, "2019-05-14")
    assert ev.actor1 == "Military Forces of Russia (2000-)"


def test_ukraine_strike_on_a_held_city_is_russia(pipe):
    ev = strike(pipe, "An air strike on a residential block in Kharkiv killed four people overnight, the governor said.", "2023-06-10")
    assert ev.actor1 == "Military Forces of Russia (2000-)"
    assert "data/air_operators.yaml" in note(ev)


def test_sudan_aircraft_is_the_saf_but_a_drone_stays_open(pipe):
    ev = strike(pipe, "Warplanes bombed a market in Nyala in South Darfur on Friday, killing 13 people, witnesses said.", "2024-02-10")
    assert ev.actor1 == "Military Forces of Sudan (2019-)"
    ev = strike(pipe, "A drone strike hit a fuel depot in Kosti in White Nile state on Friday, killing three guards, witnesses said.", "2025-03-08")
    assert not (ev.actor1 or "").startswith("Military Forces of Sudan")


def test_myanmar_is_the_junta(pipe):
    ev = strike(pipe, "An air strike killed 11 villagers in Sagaing region on Thursday, a local resident said.", "2023-04-14")
    assert ev.actor1 == "Military Forces of Myanmar (2021-)"


def test_yemen_houthi_area_is_the_coalition(pipe):
    ev = strike(pipe, "Air raids struck a wedding hall in Saada province on Saturday, killing 20 guests, medics said.", "2018-04-22")
    assert ev.actor1 == "Operation Restoring Hope"


def test_gaza_is_israel(pipe):
    ev = strike(pipe, "An air strike on a house in Khan Younis in the southern Gaza Strip killed six people on Wednesday, medics said.", "2024-01-10")
    assert ev.actor1 == "Military Forces of Israel (2022-)"


def test_a_named_actor_is_kept(pipe):
    ev = strike(pipe, "Turkish warplanes struck villages near Qamishli on Tuesday, killing five people, a monitor said.", "2022-11-22")
    assert "Turkey" in (ev.actor1 or "")
    assert "inferred" not in note(ev)


def test_another_flying_party_named_in_the_paragraph_blocks_the_rule(pipe):
    text = (
        "Turkish jets pounded Kurdish positions near Kobani on Sunday, the monitor said. "
        "On Wednesday air strikes killed four people in the city of Hasakah, the monitor said."
    )
    evs = [e for e in frontlines.extract_text(text, published="2022-11-24", pipeline=pipe) if e.sub_event_type == "Air/drone strike"]
    assert len(evs) == 2 and not any(e.actor1 == "Military Forces of Syria (2000-)" for e in evs)


def test_a_strike_on_the_operators_own_forces_stays_unidentified(pipe):
    ev = strike(pipe, "Unidentified warplanes struck Syrian army positions near Albu Kamal on Sunday, killing 12 soldiers, a monitor said.", "2018-06-18")
    assert ev.actor1 not in ("Military Forces of Syria (2000-)", "Military Forces of Russia (2000-)")


def test_a_strike_on_islamic_state_in_the_east_has_several_candidates(pipe):
    ev = strike(pipe, "Air strikes hit Islamic State positions near Mayadin on Friday, killing 14 militants, the monitor said.", "2017-09-01")
    assert ev.actor1 not in ("Military Forces of Syria (2000-)", "Military Forces of Russia (2000-)", "Global Coalition Against Daesh")


def test_a_country_with_no_entry_stays_unidentified(pipe):
    ev = strike(pipe, "An air strike killed eight al-Shabaab fighters near Jilib in Somalia on Monday, officials said.", "2023-03-06")
    assert "inferred" not in note(ev)
    assert not (ev.actor1 or "").startswith("Military Forces of")


def test_every_packaged_operator_is_in_the_actor_dictionary():
    from frontlines.resolve.airpower import DictionaryNames

    names = DictionaryNames()
    for op in Lexicon.load().air_operators:
        assert names.entry(op.actor) is not None, op.actor
        assert op.partner_of is None or names.entry(op.partner_of) is not None
        assert op.reason


def test_a_users_file_overrides_and_removes(tmp_path):
    f = tmp_path / "mine.yaml"
    f.write_text(
        "air_operators:\n"
        "  - {country: PSE, actor1: Military Forces of Israel (2022-), remove: true}\n"
        "  - {country: SOM, from: 2020-01-01, actor1: Military Forces of the United States (2021-2025), reason: my coding rule}\n"
    )
    ops = Lexicon.load([f]).air_operators
    assert not any(op.country == "PSE" for op in ops)
    assert any(op.country == "SOM" and op.reason == "my coding rule" for op in ops)
    bad = tmp_path / "bad.yaml"
    bad.write_text("air_operators:\n  - {country: SOM, actor1: Someone}\n")
    with pytest.raises(DataFileValue):
        Lexicon.load([bad])
