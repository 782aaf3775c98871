"""Hostile inputs (issue 11): one poison input never kills the batch, costs stay bounded,
and nothing vanishes without a skip. Small inputs written here; the bounded hostile
corpus of benchmarks/hostile.py at the end."""

from __future__ import annotations

import datetime as dt
import importlib.util
import io
import json
import os
import socket
import string
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from frontlines import ingest
from frontlines.annotate.dates import DateAnnotator
from frontlines.annotate.numbers import CasualtyAnnotator
from frontlines.ingest import MAX_ARTICLE_CHARS, iter_articles, parse_date
from frontlines.pipeline import Pipeline, make_article, process_or_skip, save_results
from frontlines.records import Article, Doc, Skip
from frontlines.store import Store

BODY = (
    "Syrian government forces shelled the town of Douma on Monday, killing 7 civilians, a "
    "monitoring group said. There was no immediate comment from the government on the reports, "
    "and residents said the attack came without warning in the early hours of the morning."
)


def _one(path) -> Article | Skip:
    (item,) = list(iter_articles([path]))
    return item


def _codes(items) -> list[tuple[str, str]]:
    return [((i.source if isinstance(i, Skip) else i.path).rsplit("/", 1)[-1], i.code if isinstance(i, Skip) else "stored") for i in items]


# --- files that are not files ----------------------------------------------------------------


def test_fifo_is_skipped_without_opening(tmp_path):
    p = tmp_path / "x.txt"
    os.mkfifo(p)  # opening it for reading would block forever: no writer
    skip = _one(p)
    assert isinstance(skip, Skip) and skip.code == "E108" and "FIFO" in skip.reason


def test_fifo_given_as_an_argument_is_skipped(tmp_path):
    p = tmp_path / "feed.jsonl"
    os.mkfifo(p)
    assert _one(str(p)).code == "E108"


def test_link_to_a_device_is_skipped(tmp_path):
    p = tmp_path / "zero.txt"
    p.symlink_to("/dev/zero")  # read, it never ends
    skip = _one(p)
    assert skip.code == "E108" and "character device" in skip.reason


def test_device_without_extension_is_a_device_not_a_file_type(tmp_path):
    assert _one("/dev/null").code == "E108"


def test_socket_is_skipped(tmp_path):
    short = Path(tempfile.mkdtemp(dir="/tmp")) / "s"
    s = socket.socket(socket.AF_UNIX)
    s.bind(str(short))
    s.close()
    assert _one(short).code == "E108"
    short.unlink()
    short.parent.rmdir()


def test_symlink_loops_and_dangling_links_are_skipped(tmp_path):
    (tmp_path / "self.txt").symlink_to("self.txt")
    (tmp_path / "a.txt").symlink_to("b.txt")
    (tmp_path / "b.txt").symlink_to("a.txt")
    (tmp_path / "gone.txt").symlink_to("/nonexistent/gone.txt")
    out = {i.source.rsplit("/", 1)[-1]: i for i in iter_articles([tmp_path])}
    assert {k: v.code for k, v in out.items()} == {"a.txt": "E109", "b.txt": "E109", "gone.txt": "E109", "self.txt": "E109"}
    assert out["self.txt"].reason == "symbolic link loop" and "broken" in out["gone.txt"].reason


def test_link_to_a_folder_is_not_followed(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "up").symlink_to("..")  # a loop through a folder
    (tmp_path / "root").symlink_to("/")
    (tmp_path / "a.txt").write_text(f"Title\n\n{BODY}", "utf-8")
    assert sorted(_codes(iter_articles([tmp_path]))) == [("a.txt", "stored"), ("root", "E109"), ("up", "E109")]


def test_link_to_a_regular_file_is_read(tmp_path):
    target = tmp_path / "elsewhere.txt"
    target.write_text(f"Title\n\n{BODY}", "utf-8")
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "link.txt").symlink_to(target)
    (art,) = iter_articles([tmp_path / "in"])
    assert isinstance(art, Article) and art.path.endswith("link.txt")


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads unreadable files (benchmarks/hostile.py drops the capability)")
def test_unreadable_file_and_folder_are_skipped(tmp_path):
    (tmp_path / "secret.txt").write_text("Title\nbody", "utf-8")
    (tmp_path / "secret.txt").chmod(0)
    (tmp_path / "locked").mkdir()
    (tmp_path / "locked" / "in.txt").write_text("Title\nbody", "utf-8")
    (tmp_path / "locked").chmod(0)
    try:
        assert sorted(_codes(iter_articles([tmp_path]))) == [("locked", "E110"), ("secret.txt", "E110")]
    finally:
        (tmp_path / "locked").chmod(0o755)


# --- sizes -------------------------------------------------------------------------------------


def test_file_over_the_size_bound_is_skipped_by_its_size(tmp_path):
    p = tmp_path / "big.txt"
    with open(p, "wb") as fh:
        fh.truncate(ingest.MAX_FILE_BYTES + 1)  # sparse: nothing is written, nothing must be read
    skip = _one(p)
    assert skip.code == "E107" and f"{ingest.MAX_FILE_BYTES:,}" in skip.reason


def test_article_over_the_length_bound_is_skipped_not_truncated(tmp_path):
    p = tmp_path / "long.txt"
    p.write_text("Title\n\n" + (BODY + " ") * (MAX_ARTICLE_CHARS // len(BODY) + 1), "utf-8")
    assert _one(p).code == "E107"
    rec = tmp_path / "feed.jsonl"
    rec.write_text(json.dumps({"text": BODY}) + "\n" + json.dumps({"text": BODY * (MAX_ARTICLE_CHARS // len(BODY) + 1)}) + "\n", "utf-8")
    assert _codes(iter_articles([rec])) == [("feed.jsonl", "stored"), ("feed.jsonl:2", "E107")]


# --- encodings and text ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data, expect",
    [
        (b"\xff\xfe\x00\x00" + f"Title\n\n{BODY}".encode("utf-32-le"), "stored"),
        (b"\x00\x00\xfe\xff" + f"Title\n\n{BODY}".encode("utf-32-be"), "stored"),
        (b"\xfe\xff" + f"Title\n\n{BODY}".encode("utf-16-be"), "stored"),
        (f"Title\n\n{BODY}".encode("utf-32-le"), "E103"),  # no byte-order mark
        (f"Title\n\n{BODY}".encode("utf-16-le"), "E103"),
        (b"\x00" * 1000, "E102"),
        (b"\xef\xbb\xbf", "E101"),  # a BOM and nothing
        ("\u3000\u00a0\u2003\n".encode("utf-8"), "E101"),  # Unicode white space only
        ("\u200b\u200c\u200d\u2060".encode("utf-8") * 10, "E101"),  # zero-width only
        ("\u202e\u200f".encode("utf-8") * 10, "E101"),
    ],
)
def test_encodings(tmp_path, data, expect):
    p = tmp_path / "f.txt"
    p.write_bytes(data)
    item = _one(p)
    assert (item.code if isinstance(item, Skip) else "stored") == expect
    if isinstance(item, Article):
        assert "\x00" not in item.text and item.title == "Title"


@pytest.mark.parametrize("ext", [".json", ".jsonl", ".csv", ".html"])
def test_unicode_white_space_only_is_empty_in_every_format(tmp_path, ext):
    p = tmp_path / f"f{ext}"
    p.write_text("\u3000 \u00a0\n", "utf-8")
    assert _one(p).code == "E101"


def test_non_utf8_file_name_is_read_and_shown_escaped(tmp_path):
    raw = os.fsencode(tmp_path) + b"/caf\xe9.txt"
    with open(raw, "wb") as fh:
        fh.write(f"Title\n\n{BODY}".encode("utf-8"))
    art = _one(os.fsdecode(raw))
    assert isinstance(art, Article) and art.path.endswith("caf\\xe9.txt")
    art.path.encode("utf-8")  # storable


def test_control_characters_in_a_name_are_escaped(tmp_path):
    (tmp_path / "a\nb.txt").write_text(f"Title\n\n{BODY}", "utf-8")
    (art,) = iter_articles([tmp_path])
    assert art.path.endswith("a\\x0ab.txt")


@pytest.mark.parametrize(
    "lang, text",
    [
        ("Arabic", "قصفت القوات الحكومية مدينة دوما يوم الاثنين مما أسفر عن مقتل اثني عشر مدنيا على الأقل"),
        ("French", "Les forces du régime ont bombardé la ville de Douma lundi, tuant au moins douze civils selon "
                   "l'Observatoire. Les frappes aériennes ont visé un marché et une école dans la banlieue de Damas, "
                   "a indiqué l'organisation, et le gouvernement n'a pas commenté ces informations."),
        ("Cyrillic", "В понедельник войска обстреляли город Дума, погибли двенадцать мирных жителей."),
    ],
)  # fmt: skip
def test_non_english_articles_are_skipped_with_the_reason(tmp_path, lang, text):
    p = tmp_path / "a.txt"
    p.write_text(text, "utf-8")
    skip = _one(p)
    assert skip.code == "E111" and skip.reason.startswith("not English")
    if lang != "French":
        assert lang in skip.reason


def test_english_with_a_foreign_quote_and_marks_is_read(tmp_path):
    p = tmp_path / "a.txt"
    p.write_text(f"\u200fTitle\n\n{BODY} A banner read \u0644\u0627 \u0644\u0644\u062d\u0631\u0628.\u200b", "utf-8")
    assert isinstance(_one(p), Article)


def test_short_texts_are_not_judged_by_language(tmp_path):
    assert ingest.language_problem("Bonjour") is None and ingest.language_problem("Army shells Douma") is None


def test_the_latin_share_counts_letters_only():
    # 24 Cyrillic letters and 20 Latin ones: under the Latin share, whatever the signs around
    # them (× and ÷ lie in the Latin ranges but are no letters, so they count as neither)
    text = "Обстрел города Дума ночью " + "× ÷ " * 30 + "Douma shelled"
    assert ingest.language_problem(text) == "not English: written in Cyrillic script (12 of 34 letters Latin)"
    # ASCII text: every letter is Latin, counted without looking at each one in Python
    assert ingest.language_problem("Los combates continuaron durante toda la noche cerca del mercado " * 4) == (
        "not English: 0% of its words are common English words (English news: 18% or more)"
    )


# --- records -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "rec, code",
    [
        ({"title": ["a"], "text": BODY}, "E114"),
        ({"title": 12345, "text": BODY}, "E114"),
        ({"outlet": {"name": "x"}, "text": BODY}, "E114"),
        ({"url": 42, "text": BODY}, "E114"),
        ({"published": 20170405, "text": BODY}, "E114"),
        ({"text": 12345}, "E104"),
        ({"text": ["a"]}, "E104"),
        ({"html": {"a": 1}}, "E104"),
        ({"text": "x\ud800 " + BODY}, "E103"),
        ({"title": "\udfff", "text": BODY}, "E103"),
        ({"published": "9999-12-31", "text": BODY}, "E114"),
        ({"published": "0001-01-01", "text": BODY + " It happened yesterday."}, "E114"),
        ({"published": "2017-02-30", "text": BODY}, "E114"),
        ({"published": "not a date", "text": BODY}, "E114"),
        ({"published": "2100-12-31", "text": BODY}, "stored"),
    ],
)
def test_record_fields_of_the_wrong_type_or_range_are_the_records_skip(tmp_path, rec, code):
    p = tmp_path / "feed.jsonl"
    p.write_text(json.dumps({"text": "A good first record. " + BODY}) + "\n" + json.dumps(rec) + "\n", "utf-8")
    first, second = iter_articles([p])
    assert isinstance(first, Article)
    assert (second.code if isinstance(second, Skip) else "stored") == code
    if isinstance(second, Skip):
        assert second.source == f"{p}:2" and second.reason


def test_json_nested_too_deep_is_skipped(tmp_path):
    (tmp_path / "deep.json").write_text("[" * 100_000 + "]" * 100_000, "utf-8")
    (tmp_path / "deep.jsonl").write_text(json.dumps({"text": BODY}) + "\n" + '{"text": ' + "[" * 100_000 + "]" * 100_000 + "}\n", "utf-8")
    assert _codes(iter_articles([tmp_path])) == [("deep.json", "E104"), ("deep.jsonl", "stored"), ("deep.jsonl:2", "E104")]


def test_header_only_csv_and_empty_json_list_are_skips(tmp_path):
    (tmp_path / "h.csv").write_text("title,text,date\n", "utf-8")
    (tmp_path / "e.json").write_text("[]", "utf-8")
    assert sorted(_codes(iter_articles([tmp_path]))) == [("e.json", "E101"), ("h.csv", "E101")]


def test_csv_field_over_the_csv_limit_is_a_skip(tmp_path):
    p = tmp_path / "big.csv"
    p.write_text('title,text\nx,"' + "w" * (ingest.MAX_HTML_CHARS + 1) + '"\n', "utf-8")
    skip = _one(p)
    assert skip.code == "E104" and "field larger than field limit" in skip.reason
    long = tmp_path / "long.csv"  # over the csv module's default limit, under the article bound
    long.write_text(f'title,text\nx,"{BODY * (200_000 // len(BODY))}"\n', "utf-8")
    assert isinstance(_one(long), Article)


def test_one_date_rule_for_csv_and_jsonl(tmp_path):
    """The file's first numeric date of certain order decides the ambiguous ones, in CSV and JSONL alike."""
    rows = [("A", "4/25/17"), ("B", "3/5/17")]
    (tmp_path / "a.csv").write_text("title,text,date\n" + "".join(f'{t},"{t} {BODY}",{d}\n' for t, d in rows), "utf-8")
    (tmp_path / "b.jsonl").write_text("".join(json.dumps({"title": t, "text": f"{t}2 {BODY}", "published": d}) + "\n" for t, d in rows), "utf-8")
    dates = [a.published for a in iter_articles([tmp_path])]
    assert dates == [dt.date(2017, 4, 25), dt.date(2017, 3, 5)] * 2
    (tmp_path / "c.jsonl").write_text(json.dumps({"text": BODY, "published": "4/5/17"}) + "\n", "utf-8")
    (art,) = iter_articles([tmp_path / "c.jsonl"])
    assert art.published == dt.date(2017, 5, 4)  # nothing says otherwise: day-first


# --- stdin -------------------------------------------------------------------------------------


class _Stdin(io.TextIOWrapper):
    """A text stream over bytes, like sys.stdin (``.buffer`` holds the bytes)."""

    def __init__(self, data: bytes):
        super().__init__(io.BytesIO(data), encoding="utf-8")


@pytest.mark.parametrize(
    "data, code",
    [(bytes(range(1, 256)) * 8, "E103"), (bytes(range(256)) * 8, "E102"), (b"\x00" * 5000, "E102"), (b"", "E101"), (b"\xff\xfe" + f"Title\n\n{BODY}".encode("utf-16-le"), "stored")],
)
def test_stdin_is_read_as_bytes(data, code):
    (item,) = iter_articles(["-"], stdin=_Stdin(data))
    assert (item.code if isinstance(item, Skip) else "stored") == code


# --- pipeline and store ------------------------------------------------------------------------


def test_an_article_that_fails_a_stage_is_its_skip(gazetteer):
    pipe = Pipeline()
    bad = Article(article_id="x", text=None, path="broken.txt", source="broken.txt")  # type: ignore[arg-type]
    skip = process_or_skip(pipe, bad)
    assert isinstance(skip, Skip) and skip.code == "E112" and skip.source == "broken.txt" and skip.reason.startswith("processing failed: ")
    late = make_article(BODY, title="Title", published="9999-12-31")
    assert process_or_skip(pipe, late).code == "E114"
    good = process_or_skip(pipe, make_article(BODY, title="Title", published="2017-05-01"))
    assert not isinstance(good, Skip) and good.events


def test_relative_dates_near_the_ends_of_the_calendar_do_not_overflow():
    ann = DateAnnotator()
    for pub in (dt.date.min, dt.date.max, dt.date(1, 1, 3), dt.date(9999, 12, 30)):
        art = Article("x", "It happened yesterday, the day before yesterday, last week, last month and on Monday.", published=pub)
        doc = Doc(article=art, text=art.text)
        assert all(s.attrs["date"] is None for s in ann.annotate(doc))


def test_a_batch_the_store_refuses_is_stored_one_by_one(tmp_path, gazetteer):
    pipe = Pipeline()
    good = pipe.process(make_article(BODY, title="Title", published="2017-05-01"))
    other = pipe.process(make_article(BODY + " More.", title="Other", published="2017-05-01"))
    # a lone surrogate cannot be encoded for SQLite: that article's row fails
    bad = pipe.process(make_article(BODY + " Bad.", title="Bad", published="2017-05-01"))
    bad.article.title, bad.article.source = "Bad \ud800", "bad.jsonl:3"
    with Store(tmp_path / "l.db") as store:
        added, refused = save_results(store, [good, bad, other])
        assert added == [True, False, True]
        assert [(s.source, s.code) for s in refused] == [("bad.jsonl:3", "E113")]
        assert store.counts()["articles"] == 2


# --- parsers under property tests --------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(), st.from_regex(r"\d{1,6}[-/.]\d{1,3}[-/.]\d{1,6}", fullmatch=True), st.integers(), st.none()))
def test_parse_date_never_raises_and_stays_in_range(value):
    d = parse_date(value)
    assert d is None or ingest.MIN_YEAR <= d.year <= ingest.MAX_YEAR


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=400))
def test_decode_never_raises(data):
    out = ingest._decode(data, "x")
    assert isinstance(out, (str, Skip))


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda kids: st.lists(kids, max_size=4) | st.dictionaries(st.sampled_from(["text", "title", "url", "outlet", "published", "html", "x"]), kids, max_size=5),
    max_leaves=12,
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_json, min_size=1, max_size=4))
def test_any_json_lines_give_articles_or_skips(recs):
    text = "\n".join(json.dumps(r) for r in recs)
    out = list(ingest._read_jsonl(text, "f.jsonl", "jsonl", "f.jsonl", ingest.default_outlet_index()))
    assert len(out) == len(recs) and all(isinstance(i, (Article, Skip)) for i in out)
    for i in out:
        if isinstance(i, Article):
            assert isinstance(i.text, str) and (i.title is None or isinstance(i.title, str))
            assert i.published is None or ingest.MIN_YEAR <= i.published.year <= ingest.MAX_YEAR


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=string.digits + ",", min_size=1, max_size=60))
def test_no_count_above_the_bound(digits):
    ann = CasualtyAnnotator()
    n = ann.parse_number(digits)
    assert n is None or 0 <= n <= ann.max_count


def test_huge_tolls_are_not_tolls():
    ann = CasualtyAnnotator()
    for n in ("99999999999999999999", "9223372036854775807", "1" * 5000, f"{ann.max_count + 1}"):
        text = f"Officials said {n} people were killed in Douma."
        doc = Doc(article=Article("x", text), text=text)
        from frontlines import segment

        segment.segment(doc)
        assert not [s for s in ann.annotate(doc) if s.attrs["value"] > ann.max_count]
    assert ann.parse_number(f"{ann.max_count}") == ann.max_count


# --- the bounded hostile corpus ------------------------------------------------------------------


def _hostile():
    path = Path(__file__).resolve().parents[1] / "benchmarks" / "hostile.py"
    spec = importlib.util.spec_from_file_location("hostile_bench", path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules["hostile_bench"] = mod
    spec.loader.exec_module(mod)
    return mod


def test_bounded_hostile_corpus(tmp_path, gazetteer):
    """One of every class and a few hundred inputs in all, through ``frontlines run``:
    the batch finishes (exit 1: one named input is missing), every bad input skipped with
    its code, every good one stored."""
    hostile = _hostile()
    corpus = hostile.build(tmp_path, 200, full=False, privileged=not hostile.can_drop_root_reading())
    assert len({c.cls for c in corpus.cases}) >= 40
    try:
        rep = hostile.check(tmp_path, corpus, solo=False, stdin=False, workers=2)
    finally:
        hostile.cleanup(tmp_path / "corpus")
    assert rep.batch.rc == 1  # the batch finished; one named input does not exist (E106)
    assert rep.failures == []
    assert rep.stored >= rep.good // 2 and rep.skipped >= rep.bad // 2
