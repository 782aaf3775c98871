"""Stage 1: readers, skips, ids and metadata inference."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest

from frontlines.ingest import (
    OutletIndex,
    article_id,
    infer_metadata,
    iter_articles,
    load_outlets,
    outlet_from_url,
    parse_date,
)
from frontlines.records import Article, Skip

CORPUS = Path(__file__).parent / "fixtures" / "ingest" / "corpus"


@pytest.fixture(scope="module")
def outlets():
    return load_outlets()


@pytest.fixture(scope="module")
def corpus():
    return list(iter_articles([CORPUS]))


def _infer(text: str, outlets, **kw) -> Article:
    return infer_metadata(Article(article_id(text), text, **kw), outlets)


# --- readers ------------------------------------------------------------------------


def test_directory_is_read_recursively_in_sorted_order(corpus):
    sources = [a.path if isinstance(a, Article) else a.source for a in corpus]
    names = [Path(s.split(":")[0]).name for s in sources]
    assert names == sorted(names, key=lambda n: (n == "c_feed.jsonl", n))  # sub/ after files
    assert not any(".hidden" in s for s in sources)


def test_txt_title_and_dateline(corpus):
    a = next(a for a in corpus if isinstance(a, Article) and a.path.endswith("a_dateline.txt"))
    assert a.source_format == "txt"
    assert a.title == "Washington ignores civilian toll of coalition raids on Raqqa"
    assert a.outlet == "Global Research" and a.published == dt.date(2017, 5, 26)
    assert a.provenance == {"outlet": "dateline", "published": "dateline", "author": "Tom Ashdown"}
    assert a.text == (CORPUS / "a_dateline.txt").read_text("utf-8")


def test_html_main_text_and_metadata(corpus):
    a = next(a for a in corpus if isinstance(a, Article) and a.source_format == "html")
    assert a.title == "Army units restore security to villages in Hama countryside"
    assert "villages of Kawkab and Maan" in a.text
    assert "Home | Politics" not in a.text and "© SANA" not in a.text
    assert a.outlet == "SANA" and a.published == dt.date(2017, 4, 2)


def test_jsonl_bad_lines_skip_and_others_yield(corpus):
    feed = [a for a in corpus if (a.path if isinstance(a, Article) else a.source).count("c_feed")]
    skips = [a for a in feed if isinstance(a, Skip)]
    arts = [a for a in feed if isinstance(a, Article)]
    assert [(s.source.rsplit(":", 1)[1], s.code) for s in skips] == [("2", "E104"), ("3", "E104")]
    assert len(arts) == 3 and all(a.source_format == "jsonl" for a in arts)
    first, html, last = arts
    assert first.outlet == "Enab Baladi" and first.provenance["outlet"] == "url"
    assert first.published == dt.date(2017, 3, 6)
    assert html.title == "Mortars hit Damascus" and html.text.startswith("Mortars hit Damascus\n\n")
    assert html.outlet == "Reuters" and html.provenance["outlet"] == "wire_dateline"
    assert last.published == dt.date(2017, 5, 26)


def test_csv_columns_and_month_first_dates(corpus):
    rows = [a for a in corpus if isinstance(a, Article) and a.source_format == "csv"]
    assert [r.title for r in rows] == ["Strikes on Idlib market", "Truce holds in Homs"]
    assert rows[0].outlet == "Ahram Online"  # short code canonicalised
    # the column holds 4/16/17, so 3/5/17 is read month-first as well
    assert rows[0].published == dt.date(2017, 4, 16) and rows[1].published == dt.date(2017, 3, 5)
    assert rows[1].outlet == "Al Araby" and rows[1].provenance["outlet"] == "url"
    assert rows[0].text.startswith("Strikes on Idlib market\n\n")


def test_json_list(corpus):
    js = [a for a in corpus if (a.path if isinstance(a, Article) else a.source).count("e_list")]
    assert isinstance(js[0], Article) and js[0].outlet == "ARA News"
    assert [(s.code, s.source.endswith(f":{i}")) for i, s in enumerate(js[1:], 2)] == [("E104", True), ("E104", True)]


def test_unsupported_extension(corpus):
    assert any(isinstance(a, Skip) and a.code == "E105" and a.source.endswith(".pdf") for a in corpus)


def test_hidden_files_are_skipped(tmp_path):
    (tmp_path / ".hidden.txt").write_text("Secret\nnot read", "utf-8")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "x.txt").write_text("Secret\nnot read", "utf-8")
    (tmp_path / "seen.txt").write_text("Seen\nread", "utf-8")
    assert [a.title for a in iter_articles([tmp_path])] == ["Seen"]


@pytest.mark.parametrize(
    "data, code",
    [
        (b"", "E101"),
        (b"  \n\n ", "E101"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "E102"),
        (b"Title\nSome \x81\x8d text", "E103"),  # bytes undefined in UTF-8 and Windows-1252
        (b"Title\nSome \x01\x02 text \xe9", "E103"),  # cp1252 decodes, but not to text
    ],
)
def test_unreadable_files_skip(tmp_path, data, code):
    p = tmp_path / "f.txt"
    p.write_bytes(data)
    (skip,) = list(iter_articles([p]))
    assert isinstance(skip, Skip) and skip.code == code and skip.source == str(p)


def test_windows_1252_file_is_read(tmp_path):
    p = tmp_path / "f.txt"
    p.write_bytes("Title\nThe army\x92s \x93offensive\x94 continued.".encode("latin-1"))
    (a,) = list(iter_articles([p]))
    assert a.text == "Title\nThe army’s “offensive” continued."


def test_utf8_bom_is_dropped(tmp_path):
    p = tmp_path / "f.txt"
    p.write_bytes("\ufeffTitle\nText".encode("utf-8"))
    (a,) = list(iter_articles([p]))
    assert a.title == "Title" and not a.text.startswith("\ufeff")


def test_missing_path():
    (skip,) = list(iter_articles(["/no/such/file.txt"]))
    assert skip.code == "E106"


def test_stdin_text_and_jsonl():
    (a,) = list(iter_articles(["-"], stdin=io.StringIO("Headline\nDAMASCUS (AFP) - Text.")))
    assert a.source_format == "stdin" and a.path == "-" and a.outlet == "AFP"
    lines = '{"text": "One\\nbody"}\n{"text": "Two\\nbody"}\nnot json\n'
    out = list(iter_articles(["-"], stdin=io.StringIO(lines)))
    assert [a.title for a in out[:2]] == ["One", "Two"] and out[2].source == "-:3"
    (skip,) = list(iter_articles(["-"], stdin=io.StringIO("  ")))
    assert skip.code == "E101"


# --- ids and dates ------------------------------------------------------------------


def test_article_id_ignores_case_and_whitespace():
    a = article_id("Army enters Palmyra\n\nThe army entered Palmyra on Thursday.")
    b = article_id("  army ENTERS palmyra  the army entered\tPalmyra on Thursday. ")
    assert a == b and len(a) == 16 and int(a, 16) >= 0
    assert a != article_id("Army enters Homs")


def test_same_article_twice_is_one_id(tmp_path):
    (tmp_path / "a.txt").write_text("Title\nBody text.", "utf-8")
    (tmp_path / "b.txt").write_text("title\r\nbody  text.\n", "utf-8")
    ids = {a.article_id for a in iter_articles([tmp_path])}
    assert len(ids) == 1


@pytest.mark.parametrize(
    "value, expected",
    [
        ("2017-05-26", dt.date(2017, 5, 26)),
        ("2017-05-26T09:30:00+03:00", dt.date(2017, 5, 26)),
        ("2017-05-26T09:30:00Z", dt.date(2017, 5, 26)),
        ("May 26, 2017", dt.date(2017, 5, 26)),
        ("26 May 2017", dt.date(2017, 5, 26)),
        ("26/05/2017", dt.date(2017, 5, 26)),
        ("05/04/2017", dt.date(2017, 4, 5)),  # day-first by default
        ("24.08.2013", dt.date(2013, 8, 24)),
        ("Wed 05 Apr 2017", dt.date(2017, 4, 5)),
        ("Sept. 3, 2016", dt.date(2016, 9, 3)),
        ("31/02/2017", None),
        ("yesterday", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_date(value, expected):
    assert parse_date(value) == expected


# --- metadata inference -------------------------------------------------------------


@pytest.mark.parametrize(
    "text, outlet, how",
    [
        ("Headline\nBy South Front\nThe army advanced.", "South Front", "byline"),
        ("Headline\nBy Reuters Staff\nThe army advanced.", "Reuters", "byline"),
        ("Headline\nBy Leith Fadel, Al-Masdar News\nThe army advanced.", "Al-Masdar News", "byline"),
        ("Headline\nThe army advanced.\n\nSource: ARA News", "ARA News", "source_line"),
        ("Headline\nThe army advanced.\n(Source: Syrian Coalition's Media Office) Twitter", "Syrian National Coalition", "source_line"),
        ("Headline\n(AFP) - The army advanced.", "AFP", "wire_dateline"),
        ("Headline\nDAMASCUS (Reuters) - The army advanced.", "Reuters", "wire_dateline"),
        ("Headline\nSANA - The army advanced.", "SANA", "wire_dateline"),
        ("Rockets hit Aleppo 6 October 2016 Aleppo SANA-Terrorists fired rockets.", "SANA", "wire_dateline"),
        ("Headline\nThe army advanced. - REUTERS", "Reuters", "wire_credit"),
    ],
)
def test_outlet_inference(outlets, text, outlet, how):
    a = _infer(text, outlets)
    assert (a.outlet, a.provenance.get("outlet")) == (outlet, how)


def test_byline_person_goes_to_provenance_only(outlets):
    a = _infer("Headline\nBy Leith Fadel\nSyrian troops advanced.", outlets)
    assert a.outlet is None and a.provenance == {"author": "Leith Fadel"}


def test_sentence_starting_with_by_is_not_a_byline(outlets):
    a = _infer("Headline\nBy Sunday, SANA said, the army had withdrawn.\nBody.", outlets)
    assert a.outlet is None and "author" not in a.provenance


def test_updated_in_a_body_sentence_is_not_a_post_date(outlets):
    a = _infer("Headline\nThe toll was updated on May 3, 2017 by the monitor.", outlets)
    assert a.published is None


def test_outlet_mentioned_in_body_is_not_the_outlet(outlets):
    a = _infer("Headline\nThe army advanced, the Syrian Observatory for Human Rights (SOHR) said.", outlets)
    assert a.outlet is None


@pytest.mark.parametrize(
    "text, date",
    [
        ("Title\n\nGlobal Research, May 26, 2017\n\nBody.", dt.date(2017, 5, 26)),
        ("Tue 05 Jul 2016 Twelve killed in shelling of Aleppo.", dt.date(2016, 7, 5)),
        ("Headline\nPosted on June 3, 2017 by admin\nBody.", dt.date(2017, 6, 3)),
        ("Headline\nPublished: 12/03/2016\nBody.", dt.date(2016, 3, 12)),
        ("Headline\nLast updated 2 June 2017 14:05 GMT\nBody.", dt.date(2017, 6, 2)),
        ("Headline\nBEIRUT, May 26, 2017 (AFP) - Body.", dt.date(2017, 5, 26)),
    ],
)
def test_published_from_header(outlets, text, date):
    assert _infer(text, outlets).published == date


def test_event_date_in_body_is_not_publication_date(outlets):
    text = "Headline\nThe attack on 26 May 2017 killed ten people in the town of Tadef, residents said."
    assert _infer(text, outlets).published is None
    late = "Headline\n" + "Filler sentence of reporting. " * 20 + "\nMay 26, 2017\n"
    assert _infer(late, outlets).published is None


def test_metadata_wins_over_text(outlets):
    a = _infer("Headline\nBy South Front\nBody.", outlets, outlet="Sputnik News", published=dt.date(2017, 1, 1))
    assert a.outlet == "Sputnik" and a.published == dt.date(2017, 1, 1)
    assert a.provenance["outlet"] == "metadata"


def test_unknown_outlet_kept_as_given(outlets):
    assert _infer("Headline\nBody.", outlets, outlet="Small Town Gazette").outlet == "Small Town Gazette"


@pytest.mark.parametrize(
    "url, outlet",
    [
        ("https://www.almasdarnews.com/article/x", "Al-Masdar News"),
        ("http://english.alaraby.co.uk/news/1", "Al Araby"),
        ("https://sana.sy/en/?p=1", "SANA"),
        ("southfront.org/x", "South Front"),
        ("https://example.org/x", None),
        ("", None),
        (None, None),
    ],
)
def test_outlet_from_url(outlets, url, outlet):
    assert outlet_from_url(url, outlets) == outlet


def test_outlets_file_shape(outlets):
    names = [o["name"] for o in outlets]
    assert len(names) == len(set(names))
    idx = OutletIndex.build(outlets)
    for alias, name in [("Syrian Arab News Agency", "SANA"), ("Syrian Observatory for Human Rights", "SOHR"),
                        ("Amaq", "Amaq"), ("Sputnik", "Sputnik"), ("TASS", "TASS")]:
        assert idx.canonical(alias) == name
    party = {o["name"]: o["party"] for o in outlets}
    assert party["SANA"] and party["Amaq"] and not party["Reuters"] and not party["SOHR"]
    assert {o["kind"] for o in outlets} <= {"agency", "monitor", "newspaper", "tv", "blog"}
