"""Coverage and one event per incident (issue 12, points 4 and 5), on short reports written
here in the style of wire copy from several conflicts: killings of named people with no
count, strikes whose actor is an adjective, events told only in a headline, a headline and
its lead told as one event, and incidents that must stay apart (other dates, other tolls,
"Separately, ...")."""

from __future__ import annotations

import datetime as dt
import json

import pytest


import frontlines
from frontlines.assemble import dates_compatible, report_day_only
from frontlines.corroborate import Clusterer, report_from_record
from frontlines.records import EventMention, Evidence
from frontlines.store import Store


def events(pipe, text, title=None, published="2019-06-20"):
    return frontlines.extract_text(text, published=published, title=title, pipeline=pipe)


def only(evs, sub_event_type):
    got = [e for e in evs if e.sub_event_type == sub_event_type]
    assert len(got) == 1, [(e.sub_event_type, e.mentions[0]["sentence"]) for e in evs]
    return got[0]


# -- killings of named people, no count, no battle word ----------------------------------
def test_commander_killed_in_an_operation_is_a_clash(pipe):
    evs = events(
        pipe,
        "Iraqi troops killed the group's military chief, Abu Khattab al-Rawi, during operations "
        "near Rutba on Tuesday, the Joint Operations Command said.",
    )
    ev = only(evs, "Armed clash")
    assert ev.event_date == "2019-06-18"
    assert ev.mentions[0]["fields"]["trigger"].startswith("killed the group's military chief")


def test_senior_leader_killed_in_a_raid(pipe):
    evs = events(pipe, "Somali special forces killed a senior al-Shabaab leader, Ahmed Yusuf, in a raid near Jilib on Monday, the army said.")
    ev = only(evs, "Armed clash")
    assert ev.actor2 and "Shabaab" in ev.actor2


def test_named_civilian_killed_without_a_count(pipe):
    evs = events(
        pipe,
        "Suspected jihadists shot dead the chief of the village of Diallassagou in the Mopti region on Saturday, local officials said.",
        title="Gunmen kill village chief in central Mali",
    )
    ev = only(evs, "Attack")
    assert ev.admin1 == "Mopti"
    assert len(ev.mentions) == 2  # the headline tells the same killing


def test_execution_of_a_hostage_is_the_killing_not_the_kidnapping(pipe):
    evs = events(
        pipe,
        "The Islamic State group on Sunday claimed to have executed a US aid worker kidnapped in Syria last year, in a video posted online.",
    )
    assert [e.sub_event_type for e in evs] == ["Attack"]
    # the kidnapping alone is still an abduction
    evs = events(pipe, "Gunmen kidnapped a US aid worker near the town of Azaz on Sunday, his employer said.")
    assert [e.sub_event_type for e in evs] == ["Abduction/forced disappearance"]


# -- strikes whose actor is an adjective ---------------------------------------------------
def test_adjective_actor_strikes_are_events(pipe):
    ev = only(events(pipe, "Russian missile strikes on the city of Kharkiv killed 11 people on Thursday, the regional governor said."), "Shelling/artillery/missile attack")
    assert ev.fatalities == 11 and ev.admin1 == "Kharkiv"
    ev = only(events(pipe, "A Turkish drone strike killed four fighters near Qamishli on Friday, a war monitor said."), "Air/drone strike")
    assert ev.fatalities == 4
    ev = only(
        events(pipe, "An airstrike by Russian warplanes killed 18 people in the town of Maaret al-Numan in Idlib province on Saturday, the Observatory said."),
        "Air/drone strike",
    )
    assert "Russia" in (ev.actor1 or "") and ev.fatalities == 18


def test_chlorine_attack_and_chemical_barrels_are_one_chemical_weapon_event(pipe):
    evs = events(
        pipe,
        "A regime helicopter dropped barrel bombs containing chlorine on the town of Saraqib in Idlib province on Monday, "
        "killing two civilians, rescuers said. The barrel bombs fell on a residential street.",
        title="Regime chlorine attack kills two in Saraqib",
    )
    assert [e.sub_event_type for e in evs] == ["Chemical weapon"]


# -- events told in a headline only; other wording of territory and clashes ----------------
def test_headline_only_event(pipe):
    evs = events(
        pipe,
        "The coalition has backed the government against the Houthis for years. Aid groups have long warned of famine in the country.",
        title="Saudi-led air strikes kill 14 in Yemen's Saada",
    )
    ev = only(evs, "Air/drone strike")
    assert ev.fatalities == 14 and ev.admin1 == "Sa'dah"


def test_capture_announced_by_a_group(pipe):
    evs = events(pipe, "The capture of Tel Hamis was announced by the Kurdish YPG militia on Friday and confirmed by the Syrian Observatory.")
    ev = only(evs, "Non-state actor overtakes territory")
    assert "YPG" in (ev.actor1 or "")


@pytest.mark.parametrize(
    "title, sub_event_type",
    [
        ("Al-Shabaab fighters seize Somali army base near Afgoye", "Non-state actor overtakes territory"),
        ("Malian troops take control of Kidal after rebels pull out", "Government regains territory"),
        ("M23 rebels capture two villages in North Kivu's Rutshuru territory", "Non-state actor overtakes territory"),
        ("Sudan's army enters Wad Madani city, drives RSF out of Gezira capital", "Government regains territory"),
        ("Insurgents control 12 more villages in Cabo Delgado province", "Non-state actor overtakes territory"),
        ("Syrian government forces seized a rebel-held neighbourhood of Aleppo on Tuesday", "Government regains territory"),
    ],
)
def test_territory_told_in_the_headline_present_tense(pipe, title, sub_event_type):
    """Headlines tell the day's gains in the present tense ("seize", "take control of",
    "control 12 more villages"), and a held place may be hyphenated ("rebel-held")."""
    evs = events(pipe, "Residents said the front line had been quiet for weeks before the fighting.", title=title)
    assert [e.sub_event_type for e in evs] == [sub_event_type]


def test_control_of_a_place_as_a_state_is_no_gain(pipe):
    """Holding a place ("the group controls most of the province") is a situation, not the
    news of a gain."""
    evs = events(pipe, "The group controls most of the province and levies taxes on traders, residents say.")
    assert not [e for e in evs if e.event_type == "Battles"]


def test_foiled_attack_by_a_group_is_a_clash_a_foiled_plot_is_not(pipe):
    ev = only(
        events(pipe, "The Syrian army foiled an attack by Islamic State militants on military posts near Deir ez-Zor on Sunday, state media said."),
        "Armed clash",
    )
    assert "Islamic State" in (ev.actor1 or "") + (ev.actor2 or "")
    evs = events(pipe, "Police in Kano foiled a bomb plot on Sunday and defused two explosive devices near a market, a spokesman said.")
    assert [e.sub_event_type for e in evs] == ["Disrupted weapons use"]


# -- one event per incident within an article ---------------------------------------------
def test_headline_and_lead_are_one_event(pipe):
    evs = events(
        pipe,
        "A twin bombing struck a crowd in the Kurdish town of Qamishli in northern Syria on Wednesday, killing at least 44 people, "
        "state media said. Rescue teams searched the rubble for survivors.",
        title="At least 44 killed as twin bombing targets Qamishli",
    )
    assert len(evs) == 1
    assert len(evs[0].mentions) == 2 and evs[0].fatalities == 44


def test_coarse_headline_joins_the_lead_by_its_toll(pipe):
    # the headline names the capital, the lead a town 30 km north of it
    evs = events(
        pipe,
        "At least 60 people were killed on Friday when a car bomb exploded near a mosque in the town of Rankus, north of Damascus, "
        "a monitoring group said.",
        title="Bomb blast kills 60 in Damascus suburb",
        published="2013-09-27",
    )
    assert len(evs) == 1 and evs[0].fatalities == 60


def test_a_headline_toll_in_a_far_city_is_another_incident(pipe):
    evs = events(
        pipe,
        "A bomb killed five people at a crowded market in Maiduguri in Borno state on Friday, police said.",
        title="Gunmen kill five in Kano",
        published="2019-06-22",
    )
    assert len(evs) == 2


def test_dateline_day_and_weekday_are_one_strike(pipe):
    # "14 Nov 2017" is the day of the report; "Monday" the day of the strike
    evs = events(
        pipe,
        "14 Nov 2017 Air strikes ripped through a market in the town of Atareb in Aleppo province, killing at least 12 people, "
        "a war monitor said. The air strikes hit the crowded market on Monday morning, the monitor said.",
        title="Monitor: air strikes on Atareb market",
        published="2017-11-14",
    )
    assert [e.sub_event_type for e in evs] == ["Air/drone strike"]


def _mention(sentence, date_text, day, published="2016-10-13", headline=False):
    ev = Evidence("a", sentence, 0, len(sentence), published=published, fields={"event_date": date_text})
    return EventMention("Explosions/Remote violence", "Air/drone strike", ev, event_date=dt.date.fromisoformat(day), time_precision=1, headline=headline)


def test_only_a_dateline_or_the_report_day_bounds_the_incident():
    assert report_day_only(_mention("13 Oct 2016 In fresh strikes, jets pounded Aleppo.", "13 Oct 2016", "2016-10-13"))
    assert report_day_only(_mention("Date of publication 13 October 2016 Jets pounded Aleppo.", "13 October 2016", "2016-10-13"))
    assert report_day_only(_mention("Jets pounded Aleppo.", "publication date", "2016-10-13"))
    # a headline dated from its lede
    assert report_day_only(_mention("Jets pound Aleppo", "13 Oct 2016", "2016-10-13", headline=True))
    # a weekday near the start is the incident's day; so is a date other than the report's
    assert not report_day_only(_mention("Air strikes killed 13 people on Thursday in Aleppo.", "on Thursday", "2016-10-13"))
    assert not report_day_only(_mention("13 Oct 2016 In fresh strikes, jets pounded Aleppo.", "13 Oct 2016", "2016-10-13", published="2016-10-20"))
    weekday = _mention("Air strikes hit Aleppo on Tuesday.", "on Tuesday", "2016-10-11")
    assert dates_compatible(_mention("13 Oct 2016 Jets pounded Aleppo.", "13 Oct 2016", "2016-10-13"), weekday)
    assert not dates_compatible(_mention("Jets pounded Aleppo on Thursday.", "on Thursday", "2016-10-13"), weekday)


def test_a_separate_incident_stays_apart(pipe):
    evs = events(
        pipe,
        "Government helicopters dropped barrel bombs on the town of Saraqib in Idlib province on Monday, rescuers said. "
        "Separately, Russian jets raided the nearby village of Abu al-Duhur on Monday, killing 12 civilians.",
    )
    assert len([e for e in evs if e.sub_event_type == "Air/drone strike"]) == 2


def test_a_part_of_the_dead_stays_in_the_incident(pipe):
    evs = events(
        pipe,
        "US-led air strikes killed at least 20 Islamic State fighters near the town of Shaddadi in Hasaka province on Thursday, "
        "a monitor said. One civilian was also killed in the air strikes, the monitor said.",
        published="2015-02-13",
    )
    # one incident (its toll, 20 or a disputed 1-20, is the toll resolver's)
    assert [e.sub_event_type for e in evs] == ["Air/drone strike"]
    assert evs[0].fatalities_high == 20


# -- one event per incident across articles (stage 7) --------------------------------------
def _report(article_id, published, event_date, fatalities, precision=1):
    rec = {
        "event_id": f"{article_id}-e",
        "event_date": event_date,
        "time_precision": precision,
        "sub_event_type": "Remote explosive/landmine/IED",
        "iso3": "SYR",
        "admin1": "Aleppo",
        "latitude": 36.2,
        "longitude": 37.15,
        "geonameid": 170063,
        "geo_precision": 1,
        "location": "Aleppo",
        "fatalities": fatalities,
        "mentions": [{"sentence": "A bomb exploded near buses in Aleppo.", "fields": {}}],
    }
    clusterer = Clusterer()
    return clusterer, report_from_record(rec, article_id, published, clusterer.families, clusterer.settings)


def test_incident_dated_after_the_other_report_was_published_is_another():
    c, saturday = _report("a1", "2017-04-09", "2017-04-08", 18)
    # an article of 2 April dated only by its publication (week precision) cannot tell of
    # the 8 April strike, although its week reaches it
    _, earlier = _report("a2", "2017-04-02", "2017-04-02", 0, precision=2)
    assert not c.compatible(saturday, earlier)
    # published on the 8th, its week may hold the strike
    _, same_week = _report("a3", "2017-04-08", "2017-04-08", 0, precision=2)
    assert c.compatible(saturday, same_week)
    # a report dated the day after its source's article: a day of slack (outlets' time
    # zones, a source quoted "on Tuesday" of Monday's bomb)
    _, next_day = _report("a4", "2017-04-10", "2017-04-09", 18)
    assert c.compatible(saturday, next_day)
    # an article whose own incident is dated after its "publication" has a wrong
    # publication date (a fifth of FA-KES): it bounds nothing
    _, misdated = _report("a5", "2017-04-02", "2017-04-08", 18)
    assert c.compatible(saturday, misdated)


def test_a_toll_beyond_belief_keeps_no_reports_apart():
    c, war_total = _report("w1", "2017-04-15", "2017-04-15", 210000)
    _, later = _report("w2", "2017-04-16", "2017-04-15", 12)
    assert c.compatible(war_total, later)


def test_a_later_report_with_a_tenth_of_the_toll_is_another_incident():
    c, first = _report("b1", "2017-04-15", "2017-04-15", 120)
    _, later = _report("b2", "2017-04-16", "2017-04-15", 4)
    assert not c.compatible(first, later)
    # falling a little is a correction of the same toll
    _, corrected = _report("b3", "2017-04-16", "2017-04-15", 100)
    assert c.compatible(first, corrected)


def test_bus_bombing_and_a_blast_days_later_stay_two_events(gazetteer, tmp_path):
    # a feature dated by its dateline tells of the weekend's bus bombing; the next day's
    # news is a small blast elsewhere in the city (the dates are a day apart)
    arts = [
        {
            "title": "Bus bombing ends a long wait for evacuees",
            "text": "April 18 2017 For two mothers the evacuation was supposed to end two years of siege. "
            "As they waited at a transit point outside Aleppo a bomb attack hit the bus convoy, killing more than 120 people.",
            "published": "2017-04-18",
            "url": "https://example.org/feature/bus-bombing",
        },
        {
            "title": "Six killed in Aleppo blast",
            "text": "An explosive device went off near a mosque in the Salaheddin district of Aleppo on Wednesday, killing six people "
            "and wounding 30 others, state TV said.",
            "published": "2017-04-19",
            "url": "https://example.org/daily/aleppo-blast",
        },
    ]
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps(a) + "\n" for a in arts), encoding="utf-8")
    db = tmp_path / "l.db"
    frontlines.run([str(src)], db, workers=1, options=frontlines.Options(gazetteer_path=gazetteer.path))
    with Store(db) as s:
        evs = [e for e in s.events() if e["event_type"] == "Explosions/Remote violence" and e["fatalities"]]
    assert sorted(e["fatalities"] for e in evs) == [6, 120], [(e["event_date"], e["fatalities"], e["notes"]) for e in evs]
