"""The extractor on small self-written reports: what must and must not become an event."""

from __future__ import annotations

import pytest

import frontlines


@pytest.fixture(scope="module")
def pipe(gazetteer):
    return frontlines.Pipeline(frontlines.Options(gazetteer_path=gazetteer.path))


def events(pipe, text, published="2017-05-26", title=None):
    return frontlines.extract_text(text, published=published, title=title, pipeline=pipe)


def test_airstrike_with_actor_place_toll_date(pipe):
    evs = events(
        pipe,
        "Russian warplanes struck the town of Khan Sheikhoun in Idlib province on Wednesday, "
        "killing at least 12 civilians, including four children, local sources said.",
    )
    assert len(evs) == 1
    ev = evs[0]
    assert ev.event_type == "Explosions/Remote violence"
    assert ev.sub_event_type == "Air/drone strike"
    assert "Russia" in (ev.actor1 or "")
    assert ev.actor2 and ev.actor2.startswith("Civilians")
    assert ev.civilian_targeting is True
    assert ev.fatalities == 12
    assert ev.event_date == "2017-05-24"
    assert ev.time_precision == 1
    assert ev.admin1 == "Idlib"
    assert ev.geo_precision == 1
    assert ev.mentions[0]["sentence"].startswith("Russian warplanes")


def test_intention_is_not_an_event(pipe):
    assert events(pipe, "The Syrian army is preparing to launch an offensive to capture Raqqa from Daesh.") == []
    assert events(pipe, "Turkey threatened to bomb Kurdish positions near Manbij.") == []


def test_negation_is_not_an_event(pipe):
    evs = events(pipe, "The ministry said its jets did not bomb the hospital in Idlib.")
    assert all(e.sub_event_type != "Air/drone strike" for e in evs)


def test_hedged_claim_is_claimed_never_confirmed(pipe):
    evs = events(
        pipe,
        "Amaq claimed that Islamic State fighters killed 30 soldiers in clashes near Palmyra on Tuesday, "
        "a claim that could not be independently verified.",
    )
    assert evs, "the clash is still an event"
    assert all(e.claim_status in ("claimed", "disputed") for e in evs)


def test_wounded_are_not_fatalities(pipe):
    evs = events(pipe, "Shelling by regime forces on the Douma area wounded 15 people on Monday.")
    assert len(evs) == 1
    assert evs[0].sub_event_type == "Shelling/artillery/missile attack"
    assert evs[0].fatalities == 0


def test_vague_numbers_follow_spec(pipe):
    evs = events(pipe, "Dozens of civilians were killed when a car bomb exploded in a market in Azaz on Friday.")
    assert len(evs) == 1
    assert evs[0].sub_event_type == "Remote explosive/landmine/IED"
    assert evs[0].fatalities == 12


def test_headline_and_body_are_one_event(pipe):
    evs = events(
        pipe,
        "Government forces shelled the village of Kafr Zita in the northern countryside of Hama on Thursday, "
        "killing three civilians. The shelling also destroyed two homes, activists said.",
        title="Three civilians killed in regime shelling on Hama countryside",
    )
    shelling = [e for e in evs if e.sub_event_type == "Shelling/artillery/missile attack"]
    assert len(shelling) == 1
    assert shelling[0].fatalities == 3
    assert len(shelling[0].mentions) >= 2


def test_territory_by_state_and_by_non_state(pipe):
    gov = events(pipe, "The Syrian army recaptured the town of Maskanah from ISIS on Sunday, SANA said.")
    assert [e.sub_event_type for e in gov] == ["Government regains territory"]
    nsa = events(pipe, "Islamic State militants seized the village of Tal Hamis from the SDF on Sunday.")
    assert [e.sub_event_type for e in nsa] == ["Non-state actor overtakes territory"]


def test_unresolvable_place_never_fails(pipe):
    evs = events(pipe, "Gunmen abducted two aid workers near the village of Qwertzuiop on Saturday.")
    assert [e.sub_event_type for e in evs] == ["Abduction/forced disappearance"]


def test_background_history_is_not_an_event(pipe):
    evs = events(pipe, "In 2013, a sarin attack on Ghouta killed hundreds of people.", published="2017-05-26")
    assert evs == []


# -- sub-event choice rules (CASE 2021 tuning; each sentence pins one lexicon rule) ------


@pytest.mark.parametrize(
    "text, expected",
    [
        # a trigger inside a longer one of another type is part of that phrase
        ("Protesters clashed with police in central Beirut on Saturday night.", "Violent demonstration"),
        ("Police seized 12 rifles, grenades and 300 rounds of ammunition in a raid in Homs on Monday.", "Disrupted weapons use"),
        ("Air defences intercepted two rockets fired at Hama airport on Tuesday.", "Disrupted weapons use"),
        # attacks on bases and posts are battles
        ("Al-Shabab fighters attacked a military base in Gedo region on Tuesday.", "Armed clash"),
        # who gained ground: the subject before the trigger, an unnamed army included
        ("The army drove Islamic State militants out of the village of Tal Hamis on Sunday.", "Government regains territory"),
        # background wording far from the trigger belongs to another clause
        (
            "Government forces captured five villages in the Idlib countryside on Wednesday, inching closer "
            "to a town that was the scene of a deadly 2017 chemical weapons attack.",
            "Government regains territory",
        ),
        # protests: arrests are an intervention, violent dispersal is excessive force,
        # demonstrators' own violence is a riot, "riot police" alone is not
        ("Police arrested 40 demonstrators during a protest in Cairo on Friday.", "Protest with intervention"),
        ("Security forces violently dispersed a protest in Baghdad on Friday.", "Excessive force against protesters"),
        ("Protesters threw stones at police and set tyres ablaze in Beirut on Saturday.", "Violent demonstration"),
        ("Riot police watched as hundreds of protesters marched peacefully through Tunis on Saturday.", "Peaceful protest"),
        ("Dozens of shops were looted and burned in Kaduna on Sunday.", "Looting/property destruction"),
        (
            "Dozens were arrested in Bristol after projectiles were thrown at police during a demonstration on Sunday.",
            "Violent demonstration",
        ),
        ("Gunmen on motorcycles opened fire in the market of Kukawa on Thursday, scattering residents.", "Attack"),
        # strategic developments
        (
            "Rebel fighters entered the town of Tal Rifaat on Sunday and took control of it after Kurdish forces pulled out.",
            "Non-violent transfer of territory",
        ),
        ("The army dispatched hundreds of troops and tanks to the border with Iraq on Tuesday.", "Change to group/activity"),
        (
            "More than 70 armed opposition fighters have surrendered to government forces in Yambio, officials said on Monday.",
            "Agreement",
        ),
        ("The Turkish army set up a new observation point in the Idlib countryside on Thursday.", "Headquarters or base established"),
    ],
)
def test_sub_event_choice(pipe, text, expected):
    assert [e.sub_event_type for e in events(pipe, text)] == [expected]


@pytest.mark.parametrize(
    "text",
    [
        "Two workers were killed when a gas tank exploded at a fertilizer plant in Homs on Monday.",
        "North Korea carried out a new missile test on Sunday, state media said.",
        "A powerful earthquake struck the province on Monday, killing 12 people.",
        "The gathering outside the church in Homs took place on Saturday as police officers stood by.",
    ],
)
def test_accidents_tests_disasters_are_not_events(pipe, text):
    assert events(pipe, text) == []


def test_toll_only_headline_takes_the_ledes_weapon(pipe):
    evs = events(
        pipe,
        "Syrian warplanes struck Islamic State positions near Palmyra on Monday, killing 70 militants.",
        title="Syrian army kills 70 IS militants near Palmyra",
    )
    assert [e.sub_event_type for e in evs] == ["Air/drone strike"]
