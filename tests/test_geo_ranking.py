"""Document geography ranks every candidate: an apposition decides ("Paris, Texas"), a
place in the same first-level unit as the text's other places beats one elsewhere in
the country, which beats one abroad; an explicitly introduced foreign place is kept; a
dateline and a seat that speaks ("Moscow said") are no event place and no actor's
country. Short articles written for these tests."""

from __future__ import annotations

import frontlines
from frontlines.annotate import docgeo
from frontlines.annotate.places import annotate_places
from frontlines.records import Place
from frontlines.resolve.place import event_places
from test_docgeo import _places, _top  # one sentence splitter and span helpers for both files


def test_us_story_apposition_and_same_state(gazetteer):
    doc, spans = _places(
        gazetteer,
        "A tornado tore through Paris, Texas, late on Sunday, the weather service said. "
        "Storms also flattened barns near Springfield, and roofs were torn off in Peoria and Champaign, Illinois.",
    )
    assert doc.country_hint == "USA"
    paris = _top(spans["Paris"])
    assert (paris.iso3, paris.admin1) == ("USA", "Texas")
    assert _top(spans["Texas"]).feature == "admin1"
    # Springfield, Missouri is the bigger one; the story's other places are in Illinois
    for head in ("Springfield", "Peoria", "Champaign"):
        assert (_top(spans[head]).iso3, _top(spans[head]).admin1) == ("USA", "Illinois"), head


def test_apposition_picks_the_namesake_in_that_state(gazetteer):
    _, spans = _places(
        gazetteer,
        "A man was shot dead in Alexandria, Virginia, on Friday. Police in Dublin, Ohio, arrested a suspect.",
    )
    assert (_top(spans["Alexandria"]).iso3, _top(spans["Alexandria"]).admin1) == ("USA", "Virginia")
    assert (_top(spans["Dublin"]).iso3, _top(spans["Dublin"]).admin1) == ("USA", "Ohio")
    assert _top(spans["Virginia"]).feature == "admin1"  # the state, not Virginia in Ireland


def test_without_apposition_the_big_namesake_stays(gazetteer):
    _, spans = _places(gazetteer, "Thousands marched in Paris on Saturday against the pension reform.")
    assert _top(spans["Paris"]).iso3 == "FRA"


def test_tripoli_is_lebanese_when_north_lebanon_is_named(gazetteer):
    doc, spans = _places(
        gazetteer,
        "Syrian army shells hit Homs and Tartus on Monday. "
        "Families fled across the border to Tripoli in north Lebanon, where clashes broke out.",
    )
    assert doc.country_hint == "SYR"  # Homs is Syria's, not a namesake in Libya
    assert _top(spans["Homs"]).iso3 == "SYR"
    assert _top(spans["Tripoli"]).iso3 == "LBN"


def test_beirut_dateline_gives_no_lebanese_place_or_actor(gazetteer, pipe):
    text = (
        "BEIRUT, May 3 (Reuters) - Government helicopters dropped barrel bombs on rebel-held districts of Aleppo "
        "on Saturday, killing 14 people, opposition rebels said."
    )
    doc, spans = _places(gazetteer, text)
    assert doc.country_hint == "SYR"
    assert spans["BEIRUT"].attrs.get("dateline")
    assert [s.attrs["head"] for s in event_places(list(spans.values()), text)] == ["Aleppo"]
    evs = frontlines.extract_text(text, published="2016-05-03", pipeline=pipe)
    assert evs
    for ev in evs:
        assert ev.iso3 == "SYR" or ev.country == "Syria"
        for actor in (ev.actor1, ev.actor2, ev.assoc_actor_1, ev.assoc_actor_2):
            assert "Lebanon" not in (actor or "")


def test_introduced_foreign_town_is_kept(gazetteer):
    _, spans = _places(
        gazetteer,
        "Rebels shelled government positions in Aleppo province on Monday. "
        "A stray rocket landed in the Turkish town of Kilis, wounding two.",
    )
    assert _top(spans["Kilis"]).iso3 == "TUR"
    _, spans = _places(
        gazetteer,
        "Kurdish fighters advanced near Qamishli on Monday. Wounded fighters were taken to hospitals in Erbil, Iraq.",
    )
    assert _top(spans["Erbil"]).iso3 == "IRQ"


def test_seats_are_not_scenes(gazetteer):
    doc, spans = _places(
        gazetteer,
        "Moscow said its jets struck rebel positions in Idlib on Monday, while Washington warned of escalation.",
    )
    assert doc.country_hint == "SYR"  # neither Moscow nor Washington is evidence of the scene
    assert spans["Moscow"].attrs.get("seat") and _top(spans["Moscow"]).iso3 == "RUS"
    assert spans["Washington"].attrs.get("seat")
    assert [s.attrs["head"] for s in event_places(list(spans.values()), doc.text)] == ["Idlib"]
    # a place with a locative word before it is the scene even when "said" follows
    assert not docgeo.named_as_seat("activists in Aleppo said", 13, 19)


def test_origin_is_not_a_scene():
    text = "Hundreds of fighters from the Caucasus joined the assault on the town."
    assert docgeo.named_as_origin(text, text.index("Caucasus"))
    assert not docgeo.named_as_origin("Shelling from Aleppo", 14)


def test_dateline_with_a_date():
    text = "BEIRUT, May 3 (Reuters) - Shelling resumed.\nKYIV, Ukraine, 4 June 2024 — Drones hit Odesa."
    ranges = docgeo.dateline_ranges(text, [0, text.index("KYIV")])
    assert [text[s:e] for s, e in ranges] == ["BEIRUT", "KYIV, Ukraine"]


def test_feature_prior_and_apposition_units():
    state = Place("Virginia", 37.5, -77.4, "United States", "USA", admin1="Virginia", feature="admin1")
    town = Place("Virginia", 53.8, -7.1, "Ireland", "IRL", admin1="Ulster", population=2_648)
    assert docgeo.prior("Virginia", [town, state])[0] is state
    # a province's seat of the same name stays ahead of the province
    city = Place("Aleppo", 36.2, 37.2, "Syria", "SYR", admin1="Aleppo", population=2_098_210)
    prov = Place("Aleppo", 36.2, 37.2, "Syria", "SYR", admin1="Aleppo", feature="admin1")
    assert docgeo.prior("Aleppo", [city, prov])[0] is city
    # a list is no apposition: Idlib province does not contain Aleppo city
    idlib = Place("Idlib", 35.9, 36.6, "Syria", "SYR", admin1="Idlib", feature="admin1")
    assert docgeo.apposition([city, prov], [idlib]) is None
    springfield_mo = Place("Springfield", 37.2, -93.3, "United States", "USA", admin1="Missouri", population=170_188)
    springfield_il = Place("Springfield", 39.8, -89.6, "United States", "USA", admin1="Illinois", population=114_394)
    illinois = Place("Illinois", 40.0, -89.0, "United States", "USA", admin1="Illinois", feature="admin1")
    assert docgeo.apposition([springfield_mo, springfield_il], [illinois]) == (springfield_il, illinois)


def test_unit_evidence_orders_within_a_country():
    mo = Place("Springfield", 37.2, -93.3, "United States", "USA", admin1="Missouri", population=170_188)
    il = Place("Springfield", 39.8, -89.6, "United States", "USA", admin1="Illinois", population=114_394)
    geo = docgeo.DocGeography({"USA": 3.0}, "USA", admin1={("USA", "Illinois"): {"peoria": 1.0, "illinois": 1.0}})
    assert docgeo.order([mo, il], geo)[0] is il
    assert docgeo.order([mo, il], docgeo.DocGeography({"USA": 3.0}, "USA"))[0] is mo


def test_country_name_among_a_states_towns_is_the_town(gazetteer):
    _, spans = _places(
        gazetteer,
        "The county board in Harrisburg approved the budget. Officials in Lebanon and Hershey said "
        "the Pennsylvania road plan would ease traffic.",
    )
    lebanon = _top(spans["Lebanon"])
    assert (lebanon.iso3, lebanon.admin1, lebanon.feature) == ("USA", "Pennsylvania", "city")
    assert not spans["Hershey"].attrs.get("seat")  # "in Lebanon and Hershey said": the scene


def test_georgia_the_state_or_the_country(gazetteer):
    _, spans = _places(gazetteer, "Voters in Atlanta and Savannah went to the polls as Georgia decided its runoff.")
    assert (_top(spans["Georgia"]).iso3, _top(spans["Georgia"]).feature) == ("USA", "admin1")
    _, spans = _places(gazetteer, "Troops crossed into Georgia from Russia, officials in Tbilisi said.")
    assert _top(spans["Georgia"]).iso3 == "GEO"


def test_one_big_city_does_not_outvote_a_local_story(gazetteer):
    # Paris is named three times, Lamar County's towns once each: the story is in Texas
    doc, _ = _places(
        gazetteer,
        "Paris police arrested a man on Tuesday. The Paris school board met in Paris on Monday. "
        "Deputies from Texarkana and Tyler helped in the search across Texas.",
    )
    assert doc.country_hint == "USA"


def test_ambiguous_towns_agree_on_a_state(gazetteer):
    # Athens, Tyler and Henderson all have a Texas namesake; Athens, Georgia is the biggest
    _, spans = _places(
        gazetteer,
        "The Athens school board met on Tuesday. Coaches from Tyler and Henderson attended the meeting.",
    )
    assert _top(spans["Athens"]).admin1 == "Texas"


def test_a_world_city_is_not_outranked_through_an_alternate_name():
    # Lomé's alternate name "Rome" made Rome, Italy no clear best; Fostoria, Ohio (an
    # alternate "Rome" too) then ranked among the US namesakes of a US-tinged story
    rome = Place("Rome", 41.89, 12.51, "Italy", "ITA", admin1="Latium", population=2_318_895)
    lome = Place("Lomé", 6.13, 1.22, "Togo", "TGO", admin1="Maritime", population=2_188_376)
    rome_ga = Place("Rome", 34.26, -85.16, "United States", "USA", admin1="Georgia", population=36_323)
    fostoria = Place("Fostoria", 41.16, -83.42, "United States", "USA", admin1="Ohio", population=13_167)
    geo = docgeo.DocGeography({"USA": 1.0}, "USA", by_place={"USA": 1.0})
    out = docgeo.order([rome, lome, rome_ga, fostoria], geo, "Rome")
    assert out[0] is rome
    assert out.index(rome_ga) < out.index(fostoria)  # own name before a stray alternate
    # a namesake in a unit the text's other places attest still wins
    geo = docgeo.DocGeography({"USA": 3.0}, "USA", by_place={"USA": 3.0},
                              admin1={("USA", "Georgia"): {"atlanta": 1.0, "macon": 1.0}})
    assert docgeo.order([rome, lome, rome_ga, fostoria], geo, "Rome")[0] is rome_ga


def test_country_hint_does_not_demote_a_world_city():
    from frontlines.geocode import resolve_place
    from frontlines.records import Span

    london = Place("London", 51.51, -0.13, "United Kingdom", "GBR", admin1="England", population=8_961_989)
    london_on = Place("London", 42.98, -81.23, "Canada", "CAN", admin1="Ontario", population=422_324)
    london_oh = Place("London", 39.89, -83.45, "United States", "USA", admin1="Ohio", population=10_060)
    sp = Span(0, 6, "PLACE", "London", {"candidates": [london, london_on, london_oh], "head": "London"})
    assert resolve_place(sp, "USA", None)[0].iso3 == "GBR"
    # a town of modest size still yields to the story's country
    small = Place("Cambridge", 52.2, 0.12, "United Kingdom", "GBR", admin1="England", population=145_674)
    small_ma = Place("Cambridge", 42.37, -71.11, "United States", "USA", admin1="Massachusetts", population=110_402)
    sp = Span(0, 9, "PLACE", "Cambridge", {"candidates": [small, small_ma], "head": "Cambridge"})
    assert resolve_place(sp, "USA", None)[0].iso3 == "USA"
    # a province ahead of a foreign town is no world city: the hint decides ("Virginia" in an Irish story)
    va = Place("Virginia", 37.5, -78.9, "United States", "USA", admin1="Virginia", feature="admin1", population=5_722_167)
    va_irl = Place("Virginia", 53.83, -7.08, "Ireland", "IRL", admin1="Ulster", population=2_648)
    sp = Span(0, 8, "PLACE", "Virginia", {"candidates": [va, va_irl], "head": "Virginia"})
    assert resolve_place(sp, "IRL", None)[0].iso3 == "IRL"


def test_a_stray_alternate_name_takes_no_unit_evidence():
    # Ariton, Alabama has "Charleston" among its alternate names; an Alabama town named in
    # the story made it outrank every Charleston
    sc = Place("Charleston", 32.78, -79.93, "United States", "USA", admin1="South Carolina", population=132_609)
    ariton = Place("Ariton", 31.6, -85.72, "United States", "USA", admin1="Alabama", population=746)
    wv = Place("Charleston", 38.35, -81.63, "United States", "USA", admin1="West Virginia", population=46_838)
    geo = docgeo.DocGeography({"USA": 4.5}, "USA", by_place={"USA": 4.5}, admin1={("USA", "Alabama"): {"jemison": 1.0}})
    out = docgeo.order([sc, ariton, wv], geo, "Charleston")
    assert out[0] is sc and out[-1] is ariton
    # with West Virginia attested, its Charleston goes first
    geo.admin1[("USA", "West Virginia")] = {"huntington": 1.0}
    assert docgeo.order([sc, ariton, wv], geo, "Charleston")[0] is wv


def test_a_clear_best_yields_to_no_less_attested_country():
    # a US story that quotes London: Washington, England (in the unit London attests) is
    # not Washington, D.C.
    dc = Place("Washington", 38.9, -77.04, "United States", "USA", admin1="Washington, D.C.", population=689_545)
    tyne = Place("Washington", 54.9, -1.52, "United Kingdom", "GBR", admin1="England", population=53_526)
    geo = docgeo.DocGeography({"USA": 6.0, "GBR": 1.0}, "USA", by_place={"USA": 5.5, "GBR": 1.0},
                              admin1={("GBR", "England"): {"london": 1.0}})
    assert docgeo.order([dc, tyne], geo, "Washington")[0] is dc
    # a British story: the English town's unit counts
    geo = docgeo.DocGeography({"GBR": 6.0, "USA": 1.0}, "GBR", by_place={"GBR": 6.0, "USA": 1.0},
                              admin1={("GBR", "England"): {"sunderland": 1.0}})
    assert docgeo.order([dc, tyne], geo, "Washington")[0] is tyne


def test_a_province_named_exactly_keeps_its_place_against_towns_of_attested_units():
    wales = Place("Wales", 52.5, -3.5, "United Kingdom", "GBR", admin1="Wales", feature="admin1", population=3_136_534)
    town = Place("Wales", 53.34, -1.28, "United Kingdom", "GBR", admin1="England", population=5_956)
    geo = docgeo.DocGeography({"GBR": 6.0}, "GBR", by_place={"GBR": 6.0},
                              admin1={("GBR", "England"): {"london": 2.0, "england": 1.0}})
    assert docgeo.order([wales, town], geo, "Wales")[0] is wales
    idaho = Place("Idaho", 44.5, -114.25, "United States", "USA", admin1="Idaho", feature="admin1", population=1_839_106)
    springs = Place("Idaho Springs", 39.74, -105.51, "United States", "USA", admin1="Colorado", population=1_717)
    geo = docgeo.DocGeography({"USA": 9.0}, "USA", by_place={"USA": 9.0}, admin1={("USA", "Colorado"): {"denver": 1.0}})
    assert docgeo.order([idaho, springs], geo, "Idaho")[0] is idaho


def test_apposition_needs_a_candidate_that_bears_the_name():
    dc = Place("Washington", 38.9, -77.04, "United States", "USA", admin1="Washington, D.C.", population=689_545)
    watervliet = Place("Watervliet", 42.73, -73.7, "United States", "USA", admin1="New York", population=10_000)
    ny = Place("New York", 43.0, -75.5, "United States", "USA", admin1="New York", feature="admin1")
    assert docgeo.apposition([dc, watervliet], [ny], "Washington") is None
    assert docgeo.apposition([dc, watervliet], [ny]) == (watervliet, ny)
