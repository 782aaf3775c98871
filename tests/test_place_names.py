"""Place names as analysts use them: continents, regions and seas, country aliases and
abbreviations in the gazetteer; OCHA/ACLED admin1 names in the ledger and its exports, one
location spelling per place, and filters that take any spelling of a province."""

from __future__ import annotations

import csv
import io
import json

import pytest

import frontlines
from frontlines import export, placenames
from frontlines.records import Place


def events(pipe, text, published="2017-04-05"):
    return frontlines.extract_text(text, published=published, pipeline=pipe)


# --- the gazetteer: names GeoNames lacks -------------------------------------------------


@pytest.mark.parametrize(
    "surface, name, iso3",
    [
        ("Europe", "Europe", None),  # was Erpe (Belgium)
        ("Africa", "Africa", None),  # was Mahdia (Tunisia), whose alternate name it is
        ("Middle East", "Middle East", None),  # was a hamlet in Maryland
        ("Levant", "Levant", None),  # was a town in Maine
        ("the Levant", "Levant", None),
        ("Latin America", "Latin America", None),
        ("Mediterranean", "Mediterranean", None),
        ("Red Sea", "Red Sea", None),  # the sea before Egypt's governorate of that name
        ("Horn of Africa", "Horn of Africa", None),
        ("Balkans", "Balkans", None),
        ("Golan Heights", "Golan Heights", "SYR"),
        ("Golan", "Golan Heights", "SYR"),  # was a village in Iran
        ("Mount Hermon", "Mount Hermon", "SYR"),  # was a hamlet in Virginia
        ("Kurdistan Region", "Kurdistan Region", "IRQ"),
        ("North Caucasus", "North Caucasus", "RUS"),
    ],
)
def test_regions_and_continents(gazetteer, surface, name, iso3):
    top = gazetteer.lookup(surface)[0]
    assert (top.name, top.iso3, top.feature) == (name, iso3, "region")


def test_golan_heights_is_coded_to_syria_in_quneitra(gazetteer):
    top = gazetteer.lookup("Golan Heights")[0]
    assert (top.country, top.admin1) == ("Syria", "Quneitra")
    assert 32.5 < top.latitude < 33.5 and 35.5 < top.longitude < 36.0


@pytest.mark.parametrize(
    "surface, iso3",
    [("US", "USA"), ("U.S.", "USA"), ("America", "USA"), ("USA", "USA"), ("UK", "GBR"), ("Britain", "GBR"),
     ("Great Britain", "GBR"), ("UAE", "ARE"), ("KSA", "SAU"), ("DRC", "COD"), ("DR Congo", "COD"),
     ("Russian Federation", "RUS"), ("Burma", "MMR"), ("Holland", "NLD")],
)
def test_country_aliases(gazetteer, surface, iso3):
    top = gazetteer.lookup(surface)[0]
    assert (top.iso3, top.feature) == (iso3, "country")


@pytest.mark.parametrize("surface, admin1", [("Calif.", "California"), ("Ky.", "Kentucky"), ("N.Y.", "New York"),
                                             ("Tenn.", "Tennessee")])
def test_state_abbreviations(gazetteer, surface, admin1):
    top = gazetteer.lookup(surface)[0]
    assert (top.iso3, top.feature, top.admin1) == ("USA", "admin1", admin1)


def test_abbreviations_that_are_english_words_stay_out_of_the_index(gazetteer):
    # without its period "Mass." is the word: "Mass graves were found" is no Massachusetts
    assert all(p.admin1 != "Massachusetts" for p in gazetteer.lookup("Mass"))
    assert all(p.admin1 != "Mississippi" for p in gazetteer.lookup("Miss"))
    assert placenames.abbreviations()["Mass."] == ("USA", "Massachusetts")


def test_dc_is_washington(gazetteer):
    for s in ("D.C.", "Washington, D.C."):
        top = gazetteer.lookup(s)[0]
        assert (top.name, top.iso3, top.feature) == ("Washington", "USA", "city")
        assert abs(top.latitude - 38.9) < 0.1


def test_region_events_keep_the_centroid_at_precision_3(pipe):
    evs = events(pipe, "Migrants drowned in the Mediterranean on Sunday when their boat capsized, killing 30 people, the UN said.")
    assert evs
    ev = evs[0]
    assert (ev.location, ev.country, ev.admin1, ev.geo_precision) == ("Mediterranean", None, None, 3)
    assert (ev.latitude, ev.longitude) == (35.0, 20.0)  # GeoNames' point for the sea, never a town near it


def test_region_in_one_country_gets_that_country(pipe):
    evs = events(pipe, "Islamic State fighters attacked a checkpoint in the Kurdistan Region on Monday, killing three Peshmerga, officials said.")
    assert evs
    assert (evs[0].location, evs[0].country, evs[0].admin1, evs[0].geo_precision) == ("Kurdistan Region", "Iraq", None, 3)


# --- admin1 as OCHA and ACLED spell it ---------------------------------------------------


def test_crosswalk_covers_the_14_syrian_governorates(gazetteer):
    ocha = ["Aleppo", "Idleb", "Rural Damascus", "Damascus", "Deir-ez-Zor", "Ar-Raqqa", "Al-Hasakeh", "Hama", "Homs",
            "Lattakia", "Tartous", "Quneitra", "Dar'a", "As-Sweida"]  # fmt: skip
    names = [placenames.admin1_name("SYR", p.admin1) for p in _syrian_admin1(gazetteer)]
    assert sorted(names) == sorted(ocha)
    for name in ocha:  # and back to the index's spelling, which the index has
        assert gazetteer.admin1_place("SYR", placenames.admin1_geonames("SYR", name)) is not None


def _syrian_admin1(gazetteer):
    rows = gazetteer._con.execute("SELECT name FROM places WHERE feature='admin1' AND iso3='SYR'").fetchall()
    return [gazetteer.admin1_place("SYR", r[0]) for r in rows]


def test_crosswalk_leaves_other_countries_and_unknown_names_alone():
    assert placenames.admin1_name("IRQ", "Ninawa") == "Ninawa"
    assert placenames.admin1_name("SYR", None) is None
    assert placenames.admin1_geonames("SYR", "Idleb") == "Idlib"
    assert placenames.admin1_geonames("SYR", "Somewhere") == "Somewhere"


def test_event_admin1_and_location_in_ocha_spelling(pipe):
    ev = events(pipe, "Syrian government warplanes bombed the town of Saraqib in Idlib province on Tuesday, killing five civilians, local medics said.")[0]
    assert (ev.admin1, ev.location) == ("Idleb", "Saraqib")
    ev = events(pipe, "Shelling killed three civilians in the city of Hama on Monday, the Observatory said.")[0]
    assert (ev.admin1, ev.location) == ("Hama", "Hama")  # not "Ḩamāh"
    ev = events(pipe, "Government forces shelled Daraa on Friday, killing two people, activists said.")[0]
    assert (ev.admin1, ev.location) == ("Dar'a", "Dar'a")


def test_rural_damascus(pipe):
    ev = events(pipe, "Government shelling killed four civilians in Douma in Eastern Ghouta on Sunday, rescuers said.")[0]
    assert ev.admin1 == "Rural Damascus"


@pytest.mark.parametrize(
    "place, want",
    [
        (Place("Ḩamāh", 35.13, 36.76, "Syria", "SYR", admin1="Hama"), "Hama"),  # a capital as its governorate
        (Place("Al Ḩasakah", 36.5, 40.7, "Syria", "SYR", admin1="Al-Hasakah"), "Al-Hasakeh"),
        (Place("Ţarţūs", 34.9, 35.9, "Syria", "SYR", admin1="Tartus"), "Tartous"),
        (Place("Ma‘arrat an Nu‘mān", 35.6, 36.7, "Syria", "SYR", admin1="Idlib"), "Ma'arrat an Nu'man"),
        (Place("‘Uqayribāt", 35.0, 37.4, "Syria", "SYR", admin1="Hama"), "Uqayribat"),
        (Place("Idlib", 35.9, 36.6, "Syria", "SYR", admin1="Idlib", feature="admin1"), "Idleb"),
        (Place("Rif-dimashq", 33.5, 36.3, "Syria", "SYR", admin1="Rif-dimashq", feature="admin1"), "Rural Damascus"),
        (Place("Zürich", 47.4, 8.5, "Switzerland", "CHE", admin1="Zurich"), "Zürich"),  # other accents stay
        (Place("Mosul", 36.3, 43.1, "Iraq", "IRQ", admin1="Ninawa"), "Mosul"),
    ],
)
def test_location_name_one_spelling(place, want):
    assert placenames.location_name(place) == want


# --- exports -----------------------------------------------------------------------------


def _event(**kw):
    ev = {"event_id": "e1", "event_date": "2017-04-04", "event_type": "Explosions/Remote violence",
          "sub_event_type": "Air/drone strike", "country": "Syria", "iso3": "SYR", "admin1": "Idleb",
          "location": "Saraqib", "latitude": 35.86, "longitude": 36.8, "geo_precision": 1, "mentions": [], "sources": []}  # fmt: skip
    ev.update(kw)
    return ev


def test_exports_carry_admin1_geonames():
    buf = io.StringIO()
    export.write_jsonl([_event()], buf)
    rec = json.loads(buf.getvalue())
    assert (rec["admin1"], rec["admin1_geonames"]) == ("Idleb", "Idlib")
    assert list(rec)[: len(export.SPEC_FIELDS)] == export.SPEC_FIELDS  # the contract's order stays
    for writer in (export.write_csv, export.write_acled):
        buf = io.StringIO()
        writer([_event()], buf)
        row = next(csv.DictReader(io.StringIO(buf.getvalue())))
        assert (row["admin1"], row["admin1_geonames"]) == ("Idleb", "Idlib")
    buf = io.StringIO()
    export.write_acled([_event()], buf)
    header = buf.getvalue().splitlines()[0].split(",")
    assert header[: len(export.ACLED_COLUMNS)] == export.ACLED_COLUMNS
    feat = export.geojson_feature(_event())
    assert feat["properties"]["admin1_geonames"] == "Idlib"


def test_admin1_geonames_outside_the_crosswalk_is_admin1():
    buf = io.StringIO()
    export.write_jsonl([_event(iso3="IRQ", country="Iraq", admin1="Ninawa")], buf)
    assert json.loads(buf.getvalue())["admin1_geonames"] == "Ninawa"


# --- filters -----------------------------------------------------------------------------


@pytest.mark.parametrize("where", ["Idleb", "idleb", "Idlib", "IDLIB", "Edlib"])
def test_any_spelling_finds_the_ledgers_admin1(where):
    assert placenames.admin1_matches(where, ["Aleppo", "Idleb", "Rural Damascus"]) == ["Idleb"]


def test_any_spelling_finds_an_old_ledgers_admin1():
    # a ledger written before the crosswalk holds GeoNames' names
    assert placenames.admin1_matches("Rural Damascus", ["Rif-dimashq", "Idlib"]) == ["Rif-dimashq"]
    assert placenames.admin1_matches("Deir ez-Zor", ["Deir-ez-Zor"]) == ["Deir-ez-Zor"]
    assert placenames.admin1_matches("Dara", ["Dar'a"]) == ["Dar'a"]  # apostrophes folded
    assert placenames.admin1_matches("Darayya", ["Dar'a"]) == []  # a town near by is not the province


def test_filter_for_store_takes_any_spelling(tmp_path):
    from frontlines import filters
    from frontlines.store import Store

    store = Store(tmp_path / "l.db")
    store.conn.execute(
        "INSERT INTO events (event_id, admin1, event_date, corroborated) VALUES ('a', 'Idleb', '2017-04-04', 1), ('b', 'Aleppo', '2017-04-05', 1)"
    )
    store.conn.commit()
    for where in ("Idlib", "idleb", "Idlib province"):
        flt = filters.Filter.for_store(store, where=where)
        assert flt.admin1 == "Idleb"
        assert [e["event_id"] for e in flt.events(store)] == ["a"]


def test_a_named_region_beats_a_namesake_in_the_articles_other_country(pipe):
    # the US is named (a party), yet "the Levant" is no town in Maine, Mount Hermon none in Virginia
    ev = events(pipe, "US-led coalition jets struck Islamic State targets in the Levant on Monday, killing 20 militants, the Pentagon said.")[0]
    assert (ev.location, ev.country, ev.geo_precision) == ("Levant", None, 3)
    ev = events(pipe, "Israeli aircraft struck a convoy on Mount Hermon on Monday, killing two Hezbollah fighters, US officials said.")[0]
    assert (ev.location, ev.country, ev.admin1) == ("Mount Hermon", "Syria", "Quneitra")


def test_a_region_in_a_groups_name_is_no_place(pipe):
    evs = events(pipe, "Al-Nusra Front (Qaeda branch in the Levant) shelled al-Baath city in Quneitra province on Monday, killing two civilians, SANA said.")
    assert evs and all(e.location != "Levant" for e in evs)
    assert evs[0].admin1 == "Quneitra"


def test_a_region_named_as_an_origin_is_no_place(pipe):
    ev = events(pipe, "Russian jets destroyed a camp of 40 militants from the North Caucasus near Palmyra in Homs province on Friday, the ministry said.")[0]
    assert ev.location != "North Caucasus" and ev.country == "Syria"


def test_a_province_beats_the_sea_on_its_coast(pipe):
    ev = events(pipe, "Fighting raged on Sunday in Latakia province on the Mediterranean coastline, killing 11 soldiers, the Observatory said.")[0]
    assert ev.admin1 == "Lattakia" and ev.location != "Mediterranean"


def test_us_as_a_party_lends_no_evidence_to_us_towns(pipe):
    # "Tomahawk" is a town in Wisconsin; the US here is the party that fired
    ev = events(pipe, "Fifty-nine US cruise missiles struck the Shayrat airbase in Homs province on Friday, killing six soldiers. "
                      "The Tomahawk missiles were launched by two US destroyers, the US military said.")[0]
    assert ev.country == "Syria" and ev.location != "Tomahawk"
