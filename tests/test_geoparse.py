"""The geoparser on its own (issue 13): frontlines.geoparse, Geoparser.resolve, the
``frontlines geoparse`` command, and stage 4 running through the same code."""

from __future__ import annotations

import json
import sys

import pytest
from click.testing import CliRunner

import frontlines
from frontlines.cli import main
from frontlines.errors import BadDate
from frontlines.geoparser import Geoparser, PlaceMention, place_dict


@pytest.fixture(scope="module")
def gp(gazetteer):
    return Geoparser(gazetteer)


def _by_text(mentions):
    return {m.text: m for m in mentions}


def test_spans_index_the_original_text_through_cleaning(gp):
    # leading blank lines and two boilerplate lines that clean drops shift the cleaned text
    text = (
        "\n\n   Rebels shelled Aleppo on Monday.\n\n\n\nShare this article\nFollow us on Twitter\n\n"
        "   Government forces later retook Palmyra in Homs province.\n"
    )
    mentions = gp.parse(text)
    assert [m.text for m in mentions] == ["Aleppo", "Palmyra", "Homs province"]
    for m in mentions:
        assert text[m.start : m.end] == m.text
    assert mentions[0].start == text.index("Aleppo")
    homs = mentions[2]
    assert homs.relation == "province" and homs.place["feature"] == "admin1" and homs.geo_precision == 3


def test_resolved_place_fields_and_runner_ups(gp):
    m = _by_text(gp.parse("Government forces later retook Palmyra in Homs province on Sunday."))["Palmyra"]
    assert m.role == "place"
    assert m.place["iso3"] == "SYR" and m.place["admin1"] == "Homs"
    assert m.place["feature_class"] == "P" and m.place["geonameid"]
    assert abs(m.place["latitude"] - 34.56) < 0.2 and abs(m.place["longitude"] - 38.28) < 0.2
    # the namesakes that lost are listed, none of them the chosen place
    assert m.candidates and all(c != m.place for c in m.candidates)
    assert all(set(c) == set(m.place) for c in m.candidates)


def test_dateline_has_its_role(gp):
    text = "DAMASCUS (Reuters) - Government shelling killed seven people in the Syrian city of Aleppo on Tuesday."
    got = _by_text(gp.parse(text))
    assert got["DAMASCUS"].role == "dateline" and got["DAMASCUS"].place["name"] == "Damascus"
    assert got["Aleppo"].role == "place"
    assert got["Syrian"].role == "demonym" and got["Syrian"].place["iso3"] == "SYR"


def test_dateline_with_a_date_in_front_of_a_story_elsewhere(gp):
    text = "BEIRUT, May 3 (Reuters) - Government shelling killed seven people in Aleppo on Tuesday, a monitor said."
    got = _by_text(gp.parse(text))
    assert got["BEIRUT"].role == "dateline"
    assert got["Aleppo"].place["iso3"] == "SYR"


def test_border_neighbour_has_its_role(gp):
    text = "Syrian government forces shelled Idlib province on Tuesday, near the border with Turkey, activists said."
    got = _by_text(gp.parse(text))
    assert got["Turkey"].role == "border" and got["Turkey"].place["iso3"] == "TUR"
    assert got["Idlib province"].role == "place"


def test_demonym_inside_a_longer_name_is_no_mention(gp):
    text = "The Syrian Observatory for Human Rights said Russian jets struck Aleppo."
    got = _by_text(gp.parse(text))
    assert "Syrian" not in got
    assert got["Russian"].role == "demonym" and got["Russian"].place["iso3"] == "RUS"


def test_resolve_an_arbitrary_span_in_its_context(gp):
    text = "Rebels shelled Aleppo on Monday; later they moved on towards Saraqib in the south."
    s = text.index("Saraqib")
    m = gp.resolve(text, s, s + len("Saraqib"))
    assert isinstance(m, PlaceMention) and (m.start, m.end) == (s, s + 7)
    assert m.place["name"] == "Saraqib" and m.place["iso3"] == "SYR"
    # a word that names no place resolves to None
    s = text.index("Rebels")
    assert gp.resolve(text, s, s + 6) is None


def test_resolve_a_nationality_word_and_a_name_around_a_place(gp):
    text = "Syrian troops shelled the Aleppo Citadel on Monday, a monitor said."
    m = gp.resolve(text, 0, 6)
    assert m.role == "demonym" and m.place["iso3"] == "SYR"
    s = text.index("Aleppo Citadel")
    m = gp.resolve(text, s, s + len("Aleppo Citadel"))
    assert m.place["name"] == "Aleppo" and m.place["iso3"] == "SYR"


def test_bad_published_is_an_argument_error(gp):
    with pytest.raises(BadDate):
        gp.parse("Rebels shelled Aleppo.", published="3 May 2017")
    assert gp.parse("Rebels shelled Aleppo.", published="2017-05-03")[0].text == "Aleppo"


def test_public_function_is_lazy_and_shares_the_gazetteer(gazetteer):
    code = "import sys, frontlines; assert 'frontlines.geoparser' not in sys.modules; frontlines.geoparse"
    import subprocess

    assert subprocess.run([sys.executable, "-c", code]).returncode == 0
    mentions = frontlines.geoparse("Clashes broke out in Raqqa on Friday.", gazetteer=gazetteer)
    assert [m.text for m in mentions] == ["Raqqa"] and mentions[0].place["iso3"] == "SYR"
    assert place_dict(gazetteer.lookup("Raqqa")[0])["name"] == mentions[0].place["name"]


def test_pipeline_places_come_from_the_geoparser(pipe):
    """Stage 4's place spans are the Geoparser's, and the Doc carries the geography."""
    from frontlines.pipeline import make_article

    doc = pipe.annotate(make_article("Government forces shelled the town of Maarat al-Numan in Idlib province on Monday, killing four."))
    assert doc.geography is not None and doc.geography.primary == "SYR"
    places = [s.text for s in doc.spans_of("PLACE")]
    assert places == [m.text for m in Geoparser(pipe.gazetteer).mentions(doc) if m.role != "demonym"]


# -- the command ------------------------------------------------------------------------

TEXT = "DAMASCUS (Reuters) - Government forces retook Palmyra in Homs province on Sunday, the Syrian army said.\n"


def _cli(gazetteer, *args, input=None):
    runner = CliRunner()
    return runner.invoke(main, ["geoparse", *args, "--gazetteer", str(gazetteer.path)], input=input)


def test_cli_writes_one_json_line_per_mention(gazetteer, tmp_path):
    f = tmp_path / "a.txt"
    f.write_text(TEXT, encoding="utf-8")
    out = tmp_path / "places.jsonl"
    r = _cli(gazetteer, str(f), "--published", "2017-03-02", "-o", str(out))
    assert r.exit_code == 0, r.output
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [row["text"] for row in rows] == ["DAMASCUS", "Palmyra", "Homs province", "Syrian"]
    assert [row["role"] for row in rows] == ["dateline", "place", "place", "demonym"]
    assert all(TEXT[row["start"] : row["end"]] == row["text"] for row in rows)
    assert rows[1]["place"]["iso3"] == "SYR" and isinstance(rows[1]["candidates"], list)


def test_cli_reads_stdin(gazetteer):
    r = _cli(gazetteer, "-", input=TEXT)
    assert r.exit_code == 0
    lines = [json.loads(line) for line in r.stdout.splitlines() if line.strip()]
    assert len(lines) == 4 and lines[1]["text"] == "Palmyra"


def test_cli_bad_published_is_a_usage_error(gazetteer):
    r = _cli(gazetteer, "-", "--published", "2017-13-45", input=TEXT)
    assert r.exit_code == 2
    assert "not a date" in r.output and "YYYY-MM-DD" in r.output


def test_cli_missing_file_is_a_usage_error(gazetteer, tmp_path):
    r = _cli(gazetteer, str(tmp_path / "nope.txt"))
    assert r.exit_code == 2 and "no such file" in r.output


# -- the benchmark's scoring rule -----------------------------------------------------------


@pytest.fixture(scope="module")
def bench():
    import importlib
    import pathlib

    folder = str(pathlib.Path(__file__).resolve().parents[1] / "benchmarks")
    sys.path.insert(0, folder)
    try:
        yield importlib.import_module("geoparse")
    finally:
        sys.path.remove(folder)


def test_benchmark_counts_a_country_as_that_country_not_its_centroid(bench, gazetteer):
    # gold Turkey at its centroid (39, 35), frontlines codes the country to Ankara (~250 km)
    gold = bench.Gold(0, 6, "Turkey", 39.0, 35.0, 298795, "PCLI", 298795)
    turkey = place_dict(gazetteer.country_place("TUR"))
    assert bench.distance(gold, turkey) > bench.ACC_KM
    assert bench.right(gold, turkey)
    assert not bench.right(gold, place_dict(gazetteer.country_place("SYR")))


def test_benchmark_first_level_unit_known_by_its_geonames_id(bench):
    # GeoWebNews gives Karnataka's GeoNames id and centroid, no feature code
    gold = bench.Gold(0, 9, "Karnataka", 14.5, 75.8, 1267701)
    unit = {"name": "Karnataka", "feature": "admin1", "iso3": "IND", "latitude": 12.97, "longitude": 77.59, "geonameid": None}
    town = {**unit, "feature": "city"}
    assert bench.right(gold, unit)
    assert not bench.right(gold, town)  # a town 270 km off is no match for the state


def test_benchmark_within_161_km_and_same_id(bench):
    gold = bench.Gold(0, 10, "Alexandria", 31.3113, -92.4451, 4314550, "PPL")
    near = {"name": "Pineville", "feature": "city", "latitude": 31.32, "longitude": -92.43, "geonameid": 1}
    far = {"name": "Alexandria", "feature": "city", "latitude": 38.80, "longitude": -77.05, "geonameid": 4744091}
    same = {**far, "geonameid": 4314550}
    assert bench.right(gold, near) and not bench.right(gold, far) and bench.right(gold, same)
    assert not bench.right(gold, None)


def test_benchmark_split_is_first_70_and_last_30_percent(bench):
    docs = list(range(10))
    assert bench.split(docs, "dev") == list(range(7)) and bench.split(docs, "test") == [7, 8, 9]


def test_seats_and_reference_points_keep_their_role():
    text = (
        "Clashes reached the crossings which border the outskirts of the Lebanese town of Arsal, "
        "near Qara in Syria's Qalamoun, on Tuesday. Moscow said its jets were not involved."
    )
    roles = {m.text: m.role for m in frontlines.geoparse(text)}
    assert roles.get("Arsal") == "reference" and roles.get("Moscow") == "seat"
    assert roles.get("near Qara") == "place"  # the span holds its relation word


def test_a_province_of_an_attested_country_keeps_its_place_against_the_hint(gp):
    # a US story with British towns: England the nation, not England, Arkansas; the
    # towns keep the ranking the document geography gave them
    text = ("Farmers across Iowa and Nebraska say prices fell again. Buyers in Cambridge and "
            "Oxford, England, were unmoved, traders in Lincoln said.")
    got = {m.text: m.place for m in gp.parse(text) if m.place}
    assert (got["England"]["iso3"], got["England"]["feature"]) == ("GBR", "admin1")
    assert got["Cambridge"]["iso3"] == "GBR"
    # a country's name stays the country against a US state of that name in a story from Baku
    text = "Talks in Baku between Armenia and Azerbaijan resumed as Georgia offered to host the next round."
    got = {m.text: m.place for m in gp.parse(text) if m.place}
    assert got["Georgia"]["feature"] == "country"


def test_a_place_word_inside_a_longer_name_is_in_the_storys_area(gp):
    text = ("Police in St. Louis closed part of Hampton Avenue on Monday after a water main broke. "
            "St. Louis crews expect repairs to take two days, a St. Louis spokesman said.")
    doc = gp.document(text)
    i = text.index("Hampton Avenue")
    got = gp.resolve_span(doc, i, i + len("Hampton Avenue"))
    # the avenue is in St. Louis, not in Hampton, Virginia
    assert (got.place["name"], got.place["admin1"]) == ("St. Louis", "Missouri")
    assert (got.start, got.end, got.text) == (i, i + len("Hampton Avenue"), "Hampton Avenue")
    # a province or country inside a name is the name's own place
    text = "Traders in London watched the Bank of England on Thursday, London brokers said."
    doc = gp.document(text)
    i = text.index("Bank of England")
    got = gp.resolve_span(doc, i, i + len("Bank of England"))
    assert (got.place["iso3"], got.place["feature"]) == ("GBR", "admin1")


def test_a_nationality_word_is_its_country_not_a_town(gp):
    # Canadian, Texas is a town; "Canadian" in running text is the nationality
    text = ("The Pittsburgh firm moved $500 million in Canadian pension obligations to insurers, "
            "officials in Pittsburgh, Pennsylvania, said.")
    got = [m for m in gp.parse(text) if m.text == "Canadian"]
    assert got and all(m.role == "demonym" and m.place["iso3"] == "CAN" for m in got)


def test_a_town_inside_a_name_is_stray_only_outside_the_storys_units():
    from frontlines.annotate.docgeo import DocGeography
    from frontlines.geoparser import _stray

    focus = {"name": "St. Louis", "feature": "city", "iso3": "USA", "admin1": "Missouri"}
    geo = DocGeography({"USA": 3.0}, "USA", admin1={("USA", "Missouri"): {"st louis": 2.0}})
    hampton = {"name": "Hampton", "feature": "city", "iso3": "USA", "admin1": "Virginia"}
    assert _stray(hampton, focus, geo)
    geo.admin1[("USA", "Virginia")] = {"norfolk": 1.0}  # Virginia attested: the town may be right
    assert not _stray(hampton, focus, geo)
    # the seat of a unit of its name ("Sokoto State") and a province are the name's own place
    assert not _stray({"name": "Sokoto", "feature": "city", "iso3": "NGA", "admin1": "Sokoto"}, focus, geo)
    assert not _stray({"name": "Alberta", "feature": "admin1", "iso3": "CAN", "admin1": "Alberta"}, focus, geo)
