"""`frontlines gazetteer import` at real sizes: one writing connection, idempotent counts,
header synonyms, headerless files with --columns, bad rows skipped and reported."""

from __future__ import annotations

import itertools
import shutil

import pytest
from click.testing import CliRunner

import frontlines
from frontlines.cli import main
from frontlines.errors import ImportBadColumns, ImportMissingColumn, ImportUnreadable
from frontlines.gazetteer import IMPORT_PRIOR_POPULATION, Gazetteer

# Syllables of made-up village names: none of their combinations is a place in the index.
_SYLLABLES = ["qar", "zun", "bel", "mish", "tuk", "ruz", "fel", "dab"]


def _synthetic_rows(n: int) -> list[tuple[str, float, float]]:
    """``n`` distinct made-up villages on a 0.1-degree grid over northern Syria (~11 km apart)."""
    names = (f"Khirbet {a.title()}{b}{c}iyah" for a, b, c in itertools.product(_SYLLABLES, repeat=3))
    cells = ((35.0 + 0.1 * (k // 20), 37.0 + 0.1 * (k % 20)) for k in itertools.count())
    return [(name, round(lat, 4), round(lon, 4)) for name, (lat, lon) in zip(itertools.islice(names, n), cells)]


@pytest.fixture()
def private_gazetteer(gazetteer, tmp_path):
    """A copy of the session index that a test may write to."""
    path = tmp_path / "gazetteer.sqlite"
    shutil.copy(gazetteer.path, path)
    gaz = Gazetteer.open(path, build=False)
    yield gaz
    gaz.close()


def test_400_rows_import_once_and_reimport_adds_nothing(private_gazetteer, tmp_path):
    rows = _synthetic_rows(400)
    f = tmp_path / "villages.csv"
    f.write_text("name,lat,lon,admin1\n" + "".join(f"{n},{lat},{lon},Aleppo\n" for n, lat, lon in rows), encoding="utf-8")
    private_gazetteer.lookup("Aleppo")  # the object's own read connection is in use
    report = private_gazetteer.import_file(f)  # failed with "database is locked" from ~300 rows
    assert (report.rows, report.added, report.already, report.skipped) == (400, 400, 0, 0)
    name, lat, lon = rows[-1]
    p = private_gazetteer.lookup(name)[0]
    assert (p.latitude, p.longitude, p.iso3) == (lat, lon, "SYR")
    again = private_gazetteer.import_file(f)
    assert (again.added, again.already, again.new_spellings) == (0, 400, 0)


def test_new_spelling_attaches_to_the_existing_place(private_gazetteer, tmp_path):
    f = tmp_path / "a.csv"
    f.write_text("name,lat,lon\nTall Qarzuniyah,35.41,37.62\n", encoding="utf-8")
    assert private_gazetteer.import_file(f).added == 1
    # the same village 300 m away, under its old name and a second spelling
    g = tmp_path / "b.csv"
    g.write_text("name,lat,lon\nTall Qarzuniyah / Tell Qarzouniyeh,35.413,37.62\n", encoding="utf-8")
    report = private_gazetteer.import_file(g)
    assert (report.added, report.already, report.new_spellings) == (0, 1, 1)
    assert private_gazetteer.lookup("Tell Qarzouniyeh")[0].name == "Tall Qarzuniyah"


@pytest.mark.parametrize(
    "content",
    [
        "place;latitude;longitude;governorate\nKafr Zunbeliyah;35,62;36,71;Idlib Governorate\n",  # decimal commas
        "toponym\ty\tx\tadm_1\nKafr Zunbeliyah\t35.62\t36.71\tIdlib\n",
        "where_coordinates,latitude,longitude,adm_1,adm_2\nKafr Zunbeliyah village,35.62,36.71,Idlib Governorate,Ariha district\n",
        "Location,Lat,Lng,Province,Country\nKafr Zunbeliyah,35.62,36.71,Idleb,Syria\n",
    ],
)
def test_header_synonyms(private_gazetteer, tmp_path, content):
    f = tmp_path / "list.txt"
    f.write_text(content, encoding="utf-8")
    assert private_gazetteer.import_file(f).added == 1
    p = private_gazetteer.lookup("Kafr Zunbeliyah")[0]
    assert (p.name, p.iso3, p.admin1, p.latitude, p.longitude) == ("Kafr Zunbeliyah", "SYR", "Idlib", 35.62, 36.71)


def test_ucdp_style_names_and_admin_units(private_gazetteer, tmp_path):
    """UCDP's place column carries a type word and second spellings; its admin units an
    affix ("Hamah Governorate", "Mintaqat Markaz Hamah district")."""
    f = tmp_path / "ucdp.csv"
    f.write_text(
        "where_coordinates,latitude,longitude,adm_1,adm_2,n_events\n"
        "Abu Fulaysiyah (Qarmishah) village,35.27,36.55,Hamah Governorate,Mintaqat Markaz Hamah district,3\n"
        "Idlib Governorate,35.75,36.63,Idlib Governorate,,1\n"
        "area between Ariha and Saraqib,35.8,36.7,Idlib Governorate,,1\n",
        encoding="utf-8",
    )
    report = private_gazetteer.import_file(f)
    assert (report.added, report.already, report.skipped, report.skipped_lines) == (1, 1, 1, [4])
    p = private_gazetteer.lookup("Qarmishah")[0]
    assert (p.name, p.admin1, p.admin2, p.iso3, p.feature) == ("Abu Fulaysiyah", "Hama", "Hamah", "SYR", "city")
    assert private_gazetteer.lookup("Abu Fulaysiyah village") == []  # the type word is no part of the name


def test_ucdp_style_parts_of_provinces_and_border_villages(private_gazetteer, tmp_path):
    f = tmp_path / "ucdp.csv"
    f.write_text(
        "where_coordinates,latitude,longitude,adm_1,adm_2\n"
        "Northern Hamah Governorate,35.45,36.80,Hamah Governorate,\n"
        # south of the Turkish border, where the indexed towns within 25 km are all Turkish
        "Tall Qarbeldabiyah village,36.589,39.638,Al Hasakah Governorate,Ras al Ayn district\n",
        encoding="utf-8",
    )
    assert private_gazetteer.import_file(f).added == 2
    part = private_gazetteer.lookup("Northern Hamah")[0]
    assert (part.feature, part.admin1) == ("region", "Hama")
    assert private_gazetteer.admin1_place("SYR", "Hama").name == "Hama"
    border = private_gazetteer.lookup("Tall Qarbeldabiyah")[0]
    assert (border.iso3, border.admin1, border.admin2) == ("SYR", "Al-Hasakah", "Ras al Ayn")


def test_headerless_file_with_columns(private_gazetteer, tmp_path):
    f = tmp_path / "plain.csv"
    f.write_text("Tall Belmishiyah,36.05,37.95,Aleppo,SY\nRuzfeliyah,36.12,38.02,Aleppo,SY\n", encoding="utf-8")
    with pytest.raises(ImportMissingColumn, match=r":1:.*--columns"):
        private_gazetteer.import_file(f)
    report = private_gazetteer.import_file(f, columns=["name", "lat", "lon", "admin1", "country"])
    assert (report.rows, report.added) == (2, 2)
    assert private_gazetteer.lookup("Ruzfeliyah")[0].latitude == 36.12
    with pytest.raises(ImportBadColumns, match="unknown field 'elevation'"):
        private_gazetteer.import_file(f, columns=["name", "lat", "lon", "elevation"])
    with pytest.raises(ImportBadColumns, match="needs lon"):
        private_gazetteer.import_file(f, columns=["name", "lat", "skip", "admin1"])


def test_bad_rows_are_skipped_with_their_line_numbers(private_gazetteer, tmp_path):
    f = tmp_path / "bad.csv"
    f.write_text(
        "name,lat,lon,admin1\n"
        "Tall Dabtukiyah,35.31,37.11,Aleppo\n"
        "Tall Feldabiyah,north,37.2,Aleppo\n"  # line 3: no number
        "Tall Ruzqariyah,95.0,37.3,Aleppo\n"  # line 4: out of range
        "Tall Mishbeliyah\n"  # line 5: too few columns
        "Tall Zunruziyah,35.52,37.41,Aleppo\n",
        encoding="utf-8",
    )
    report = private_gazetteer.import_file(f)
    assert (report.rows, report.added, report.skipped, report.skipped_lines) == (5, 2, 3, [3, 4, 5])
    assert "lines 3, 4, 5" in report.summary() and "2 bad coordinates" in report.summary()
    assert private_gazetteer.lookup("Tall Zunruziyah")[0].latitude == 35.52


def test_unreadable_and_missing_header(private_gazetteer, tmp_path):
    f = tmp_path / "latin1.csv"
    f.write_bytes("name,lat,lon\nQal\xe2at,35.1,36.7\n".encode("latin-1"))
    with pytest.raises(ImportUnreadable, match="not UTF-8"):
        private_gazetteer.import_file(f)
    g = tmp_path / "nolat.csv"
    g.write_text("name,height\nX,3\n", encoding="utf-8")
    with pytest.raises(ImportMissingColumn, match="no lat/lon column"):
        private_gazetteer.import_file(g)


def test_namesake_village_does_not_take_over_the_city(private_gazetteer, tmp_path):
    """A village "Aleppo" 40 km from the city is another place: added, ranked after it."""
    f = tmp_path / "namesake.csv"
    f.write_text("name,lat,lon,feature\nAleppo,36.55,37.35,village\nTall Fabeliyah,36.40,37.30,village\n", encoding="utf-8")
    assert private_gazetteer.import_file(f).added == 2
    cands = private_gazetteer.lookup("Aleppo", "SYR")
    assert cands[0].population > 100_000 and cands[0].latitude != 36.55
    village = next(p for p in cands if p.latitude == 36.55)
    assert village.population == 0  # a same-named place exists: no prior
    assert private_gazetteer.lookup("Tall Fabeliyah")[0].population == IMPORT_PRIOR_POPULATION


def test_geonames_dump_with_a_bad_line(private_gazetteer, tmp_path):
    row = ["990000002", "Mazraat Qarbel", "Mazraat Qarbel", "Mezraat Qarbil", "35.3550", "37.6800", "P", "PPL", "SY",
           "", "10", "", "", "", "0", "", "400", "Asia/Damascus", "2020-01-01"]
    f = tmp_path / "SY.txt"
    f.write_text("\t".join(row) + "\n" + "1\t2\t3\n", encoding="utf-8")
    report = private_gazetteer.import_file(f)
    assert (report.added, report.skipped, report.skipped_lines) == (1, 1, [2])
    p = private_gazetteer.lookup("Mezraat Qarbil")[0]
    assert (p.geonameid, p.admin1) == (990000002, "Hama")
    assert private_gazetteer.import_file(f).already == 1


def test_cli_prints_the_counts(private_gazetteer, tmp_path):
    f = tmp_path / "v.tsv"
    f.write_text("Tall Tukfeliyah\t35.71\t37.05\n", encoding="utf-8")
    args = ["gazetteer", "import", str(f), "--gazetteer", str(private_gazetteer.path), "--columns", "name,lat,lon"]
    first = CliRunner().invoke(main, args)
    assert first.exit_code == 0, first.output
    assert "1 rows, 1 added, 0 already there, 0 new spellings, 0 skipped" in first.output
    second = CliRunner().invoke(main, args)
    assert "0 added, 1 already there" in second.output
    bad = CliRunner().invoke(main, ["gazetteer", "import", str(f), "--gazetteer", str(private_gazetteer.path)])
    assert bad.exit_code == 1 and "E203" in bad.output


def test_imported_village_resolves_in_the_pipeline(private_gazetteer, tmp_path):
    f = tmp_path / "v.csv"
    f.write_text("name,lat,lon,admin1\nKafr Dabruziyah,35.66,36.58,Idlib\n", encoding="utf-8")
    private_gazetteer.import_file(f)
    pipe = frontlines.Pipeline(frontlines.Options(gazetteer_path=private_gazetteer.path))
    text = "Government airstrikes killed four civilians in Kafr Dabruziyah on Monday, local activists said."
    doc = pipe.annotate(frontlines.Article("t", text))
    places = [m.place for m in doc.mentions if m.place is not None]
    assert places and (places[0].name, places[0].latitude, places[0].longitude) == ("Kafr Dabruziyah", 35.66, 36.58)
    assert places[0].admin1 == "Idlib"


def test_an_imported_village_named_like_a_city_quarter_stays_out_of_it(private_gazetteer, tmp_path):
    # UCDP lists a village Hamadaniye 40 km west of Aleppo; "al-Hamadaniye neighbourhood" in
    # an Aleppo story is the city's quarter, so the event is in Aleppo, not at the village
    f = tmp_path / "v.csv"
    f.write_text("name,lat,lon,admin1\nal-Hamadaniye,36.05,36.75,Idlib\n", encoding="utf-8")
    private_gazetteer.import_file(f)
    pipe = frontlines.Pipeline(frontlines.Options(gazetteer_path=private_gazetteer.path))
    text = "Rebels fired rocket shells at al-Hamadaniye neighbourhood in Aleppo on Monday, killing a girl."
    evs = pipe.process(frontlines.Article("t", text)).events
    assert [(e.location, e.admin1) for e in evs] == [("Aleppo", "Aleppo")]
    # the village itself, named as a village, is still found
    doc = pipe.annotate(frontlines.Article("t2", "Airstrikes hit the village of al-Hamadaniye in Idlib on Monday."))
    assert any(m.place is not None and m.place.latitude == 36.05 for m in doc.mentions)
