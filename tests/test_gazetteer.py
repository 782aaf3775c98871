"""Gazetteer: name keys, lookups, imports."""

from __future__ import annotations

import pickle

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from frontlines.errors import GazetteerImportError
from frontlines.gazetteer import Gazetteer, normalize_name, skeleton_key


@pytest.mark.parametrize(
    "variants",
    [
        ["Deir ez-Zor", "Deir Ezzor", "Dayr az Zawr", "Deir Ezzur", "Deir al-Zour"],
        ["al-Shadadi", "Ash Shaddadah", "Shaddadi"],
        ["Raqqa", "Raqqah", "Ar-Raqqah", "al-Raqqa"],
        ["Khan Sheikhoun", "Khan Shaykhun"],
        ["Abu Kamal", "Albu Kamal", "Al-Bukamal"],
        ["Kobani", "Ayn al Arab", "Ain al-Arab"],
        ["Palmyra", "Tadmur"],
        ["Qamishli", "Al-Qamishli", "Kamishli"],
    ],
)
def test_transliteration_variants_meet(gazetteer, variants):
    ids = {gazetteer.lookup(v, "SYR")[0].geonameid for v in variants}
    assert len(ids) == 1 and None not in ids, ids


def test_keys():
    assert normalize_name("Deir ez-Zor") == normalize_name("deir  EZ zor") == "deir zor"
    assert normalize_name("Ḩamāh") == "hamah"
    assert skeleton_key("Raqqah") == skeleton_key("Raqqa")
    assert skeleton_key("Deir Ezzor") == skeleton_key("Dayr az Zawr")


def test_lookup_ranks_and_entries(gazetteer):
    top = gazetteer.lookup("Damascus")[0]
    assert (top.iso3, top.feature, top.admin1) == ("SYR", "city", "Dimashq")
    assert gazetteer.lookup("Lebanon", "SYR")[0].feature == "country"
    a1 = gazetteer.admin1_place("SYR", "Deir ez-Zor")
    assert a1 is not None and a1.feature == "admin1"
    assert gazetteer.lookup("Rural Damascus")[0].admin1 == "Rif-dimashq"
    syr = gazetteer.country_place("SYR")
    assert syr is not None and syr.country == "Syria" and syr.admin1
    assert gazetteer.lookup("Islamic State") == []
    assert gazetteer.lookup("Eastern Ghouta")[0].feature == "region"
    assert gazetteer.max_words() >= 3


def test_lookup_many_matches_lookup(gazetteer):
    names = ["Aleppo", "Homs", "Nowhere Land Xq", "Idlib"]
    many = gazetteer.lookup_many(names)
    assert set(many) == set(names)
    assert many["Nowhere Land Xq"] == []
    assert many["Aleppo"][0] == gazetteer.lookup("Aleppo")[0]


def test_pickle_reopens(gazetteer):
    g2 = pickle.loads(pickle.dumps(gazetteer))
    assert g2.lookup("Aleppo")[0] == gazetteer.lookup("Aleppo")[0]


GEONAMES_ROW = "\t".join(
    ["990000001", "Ithriyah", "Ithriyah", "Athriya,Ithriya", "35.3550", "37.6800", "P", "PPL", "SY", "", "10", "", "", "", "0",
     "", "400", "Asia/Damascus", "2020-01-01"]
)


@pytest.fixture()
def private_gazetteer(gazetteer, tmp_path):
    """A copy of the session index that a test may write to."""
    import shutil

    path = tmp_path / "gazetteer.sqlite"
    shutil.copy(gazetteer.path, path)
    return Gazetteer.open(path, build=False)


def test_import_geonames_dump(private_gazetteer, tmp_path):
    dump = tmp_path / "SY.txt"
    dump.write_text(GEONAMES_ROW + "\n", encoding="utf-8")
    assert private_gazetteer.lookup("Ithriyah", "SYR") == [] or private_gazetteer.lookup("Ithriyah", "SYR")[0].geonameid != 990000001
    assert private_gazetteer.import_file(dump).added == 1
    p = private_gazetteer.lookup("Athriya", "SYR")[0]
    assert p.geonameid == 990000001 and p.admin1 == "Hama"
    assert private_gazetteer.import_file(dump).added == 0


def test_import_csv(private_gazetteer, tmp_path):
    f = tmp_path / "villages.csv"
    f.write_text("name,lat,lon,admin1\nKhirbet Testiyeh,35.10,36.70,Hama\n", encoding="utf-8")
    assert private_gazetteer.import_file(f).added == 1
    p = private_gazetteer.lookup("Khirbet Testiyeh")[0]
    assert (p.iso3, p.admin1) == ("SYR", "Hama")
    assert private_gazetteer.import_file(f).added == 0


@pytest.mark.parametrize(
    "content,line",
    [
        ("name,lat,lon,admin1\nA,35.1,36.7,Hama\nB,north,36.7,Hama\n", 3),
        ("name,lat,lon\nA,95.0,36.7\n", 2),
        (GEONAMES_ROW + "\n" + "1\t2\t3\n", 2),
    ],
)
def test_bad_import_names_the_line(private_gazetteer, tmp_path, content, line):
    """A bad row is skipped and reported by its line (the rest imports); a file without
    the needed columns is an error naming line 1."""
    f = tmp_path / "bad.txt"
    f.write_text(content, encoding="utf-8")
    assert private_gazetteer.import_file(f).skipped_lines == [line]
    f.write_text("foo,bar\n1,2\n", encoding="utf-8")
    with pytest.raises(GazetteerImportError, match=":1:"):
        private_gazetteer.import_file(f)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=40))
def test_normalize_idempotent(s):
    n = normalize_name(s)
    assert normalize_name(n) == n
    assert skeleton_key(n) == skeleton_key(s)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=40))
def test_lookup_never_raises(gazetteer, s):
    assert isinstance(gazetteer.lookup(s), list)
    assert isinstance(gazetteer.lookup_many([s, s + " x"]), dict)
