"""Wrong arguments and broken data files, as a user meets them on the command line: each
is an error with the accepted forms (usage errors exit 2), never a silently empty or
full result, never a traceback, and a read-only command never creates a ledger."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from frontlines import filters, report
from frontlines.cli import main
from frontlines.errors import BadDate, DataFileSyntax, UnknownDataKey, UnknownFilterValue
from frontlines.extract import Lexicon, load_thresholds

ARTICLES = [
    {"title": "Warplanes kill five in Idlib countryside", "published": "2017-04-05", "outlet": "Test Wire",
     "text": "Syrian government warplanes bombed the town of Saraqib in Idlib province on Tuesday, killing five civilians, local medics said."},
    {"title": "Shelling kills three in Aleppo", "published": "2017-06-11", "outlet": "Test Wire",
     "text": "Government forces shelled the Aleppo neighbourhood of Salaheddine on Saturday, killing three civilians, residents said."},
]  # fmt: skip


def invoke(*args, **kw):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False, **kw)


def no_traceback(r) -> None:
    assert "Traceback" not in r.output, r.output
    assert r.exception is None or isinstance(r.exception, SystemExit), r.output


def error_lines(r) -> list[str]:
    return [line for line in r.stderr.splitlines() if line.startswith("Error:")]


@pytest.fixture(scope="module")
def ledger(gazetteer, tmp_path_factory):
    """Two events: Idlib (the ledger spells it as OCHA does: Idleb) on 2017-04-04, Aleppo on 2017-06-10."""
    folder = tmp_path_factory.mktemp("ledger")
    src = folder / "in.jsonl"
    src.write_text("".join(json.dumps(a) + "\n" for a in ARTICLES), encoding="utf-8")
    db = folder / "l.db"
    r = invoke("run", src, "--db", db, "--workers", "1")
    assert r.exit_code == 0, r.output
    rows = [json.loads(x) for x in invoke("export", "--db", db, "--format", "jsonl").stdout.splitlines()]
    assert [(e["event_date"], e["admin1"]) for e in rows] == [("2017-04-04", "Idleb"), ("2017-06-10", "Aleppo")]
    return db


def exported(db, *args) -> list[dict]:
    r = invoke("export", "--db", db, "--format", "jsonl", *args)
    assert r.exit_code == 0, r.output
    return [json.loads(x) for x in r.stdout.splitlines()]


# -- dates ---------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["2017-13-45", "yesterday", "05/04/2017", "2017-02-30", "17-04-01", "2017-00"])
@pytest.mark.parametrize("command", ["export", "report"])
@pytest.mark.parametrize("option", ["--since", "--until"])
def test_a_date_that_is_not_one_is_a_usage_error_listing_the_forms(ledger, tmp_path, command, option, value):
    args = ["--format", "jsonl"] if command == "export" else ["-o", tmp_path / "r.html"]
    r = invoke(command, "--db", ledger, *args, option, value)
    assert r.exit_code == 2, r.output
    assert f"expected YYYY-MM-DD, YYYY-MM or YYYY (got '{value}')" in r.stderr and option in r.stderr
    assert r.stdout == "" and not (tmp_path / "r.html").exists()


def test_month_and_year_bounds_cover_the_whole_month_or_year(ledger):
    assert [e["admin1"] for e in exported(ledger, "--since", "2017-04", "--until", "2017-04")] == ["Idleb"]
    assert [e["admin1"] for e in exported(ledger, "--since", "2017-06")] == ["Aleppo"]
    assert [e["admin1"] for e in exported(ledger, "--until", "2017-06")] == ["Idleb", "Aleppo"]
    assert len(exported(ledger, "--since", "2017", "--until", "2017")) == 2
    # a day bound is inclusive at both ends
    assert [e["admin1"] for e in exported(ledger, "--since", "2017-06-10", "--until", "2017-06-10")] == ["Aleppo"]


def test_date_bound_is_the_one_parser():
    assert filters.date_bound("2016-02", end=True) == "2016-02-29"
    assert filters.date_bound("2017-02", end=True) == "2017-02-28"
    assert filters.date_bound("2017", end=True) == "2017-12-31"
    assert filters.date_bound("2017") == "2017-01-01"
    assert filters.date_bound("2017-4-5") == "2017-04-05"
    with pytest.raises(BadDate, match="--until: expected"):
        filters.date_bound("2017-04-31", end=True, label="--until")


def test_since_after_until_is_a_usage_error(ledger):
    r = invoke("export", "--db", ledger, "--format", "jsonl", "--since", "2017-06", "--until", "2017-04")
    assert r.exit_code == 2 and "--since 2017-06-01 is after --until 2017-04-30" in r.stderr


def test_a_valid_filter_with_no_events_is_empty_and_says_so(ledger, tmp_path):
    r = invoke("export", "--db", ledger, "--format", "jsonl", "--since", "2030")
    assert r.exit_code == 0 and r.stdout == ""
    assert "no events on or after 2030-01-01 (the ledger's events run from 2017-04-04 to 2017-06-10)" in r.stderr
    r = invoke("export", "--db", ledger, "--format", "jsonl", "--where", "idlib", "--since", "2017-05")
    assert r.exit_code == 0 and r.stdout == ""
    assert "no events on or after 2017-05-01 in Idleb (Idleb's events run from 2017-04-04 to 2017-04-04)" in r.stderr
    out = tmp_path / "empty.md"
    r = invoke("report", "--db", ledger, "--until", "2016", "-o", out)
    assert r.exit_code == 0 and out.exists()
    assert "no events on or before 2016-12-31" in r.stderr


# -- --where ---------------------------------------------------------------------------


def test_an_unknown_admin1_is_a_usage_error_with_the_nearest_names(ledger, tmp_path):
    r = invoke("export", "--db", ledger, "--format", "csv", "--where", "Idleeb")
    assert r.exit_code == 2 and r.stdout == ""
    assert "[E902] --where 'Idleeb'" in r.stderr and "did you mean 'Idleb'?" in r.stderr
    r = invoke("export", "--db", ledger, "--format", "csv", "--where", "Nowhere")
    assert r.exit_code == 2 and "the ledger's admin1 names: Aleppo, Idleb" in r.stderr
    out = tmp_path / "atlantis.html"
    r = invoke("report", "--db", ledger, "--where", "Atlantis", "-o", out)
    assert r.exit_code == 2 and "--where 'Atlantis'" in r.stderr and "Aleppo, Idleb" in r.stderr
    assert not out.exists()


def test_where_takes_any_case_and_the_report_uses_the_ledgers_spelling(ledger, tmp_path):
    assert [e["admin1"] for e in exported(ledger, "--where", "ALEPPO")] == ["Aleppo"]
    rep = report.report_from_store(ledger, where="idlib", since="2017-04")
    assert rep.n_events == 1 and rep.area.startswith("Idleb")
    # any spelling of the governorate: GeoNames', OCHA's, a curated alias; --admin1 is --where
    for spelling in ("Idlib", "idleb", "Edlib"):
        assert [e["admin1"] for e in exported(ledger, "--admin1", spelling)] == ["Idleb"]
    with pytest.raises(UnknownFilterValue, match="did you mean 'Aleppo'"):
        report.report_from_store(ledger, where="Alepo")
    with pytest.raises(BadDate):
        report.report_from_store(ledger, since="2017-13")


# -- run's inputs ----------------------------------------------------------------------


def test_run_with_no_existing_input_is_a_usage_error_naming_it(gazetteer, tmp_path):
    db = tmp_path / "f.db"
    r = invoke("run", tmp_path / "typo", tmp_path / "nope.txt", "--db", db)
    assert r.exit_code == 2
    assert "no such file or folder" in r.stderr and "typo" in r.stderr and "nope.txt" in r.stderr
    assert not db.exists()


def test_run_with_some_missing_inputs_reads_the_rest_and_exits_1(gazetteer, tmp_path):
    good = tmp_path / "in.jsonl"
    good.write_text(json.dumps(ARTICLES[0]) + "\n", encoding="utf-8")
    db = tmp_path / "f.db"
    r = invoke("run", good, tmp_path / "typo.txt", "--db", db, "--workers", "1")
    assert r.exit_code == 1, r.output
    assert "1 new" in r.stderr
    assert error_lines(r) == [f"Error: [E106] 1 named input(s) do not exist: {tmp_path / 'typo.txt'} (the other inputs were read; check the path)"]
    assert f"{tmp_path / 'typo.txt'}\tE106" in invoke("skips", "--db", db).stdout


@pytest.mark.parametrize("url", ["http://example.org/news/a.html", "https://example.org/feed.jsonl", "file:///tmp/a.txt"])
def test_a_url_input_is_refused(gazetteer, tmp_path, url):
    good = tmp_path / "a.txt"
    good.write_text(ARTICLES[0]["text"], encoding="utf-8")
    db = tmp_path / "f.db"
    r = invoke("run", good, url, "--db", db)
    assert r.exit_code == 2 and "[E904]" in r.stderr and url in r.stderr and "not URLs" in r.stderr
    assert not db.exists()


@pytest.mark.parametrize("n", ["0", "-3", "two"])
def test_workers_must_be_a_positive_number(tmp_path, n):
    (tmp_path / "a.txt").write_text("x", encoding="utf-8")
    r = invoke("run", tmp_path / "a.txt", "--db", tmp_path / "f.db", "--workers", n)
    assert r.exit_code == 2 and "--workers" in r.stderr
    assert not (tmp_path / "f.db").exists()


# -- data files --------------------------------------------------------------------------


def run_with(tmp_path, option, name, content):
    (tmp_path / "a.txt").write_text(ARTICLES[0]["text"], encoding="utf-8")
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    return invoke("run", tmp_path / "a.txt", "--db", tmp_path / "f.db", "--workers", "1", option, path), path


@pytest.mark.parametrize(
    "option, name, content, expected",
    [
        ("--thresholds", "th.toml", "[extract]\nmin_mention_scor = 2.0\n",
         "[E302] {path}: unknown key 'min_mention_scor' in extract (did you mean 'min_mention_score'?)"),
        ("--thresholds", "th.toml", "[extrakt]\nmin_mention_score = 2.0\n",
         "[E302] {path}: unknown key 'extrakt' (did you mean 'extract'?)"),
        ("--thresholds", "th.toml", "[extract]\ncue_window_chars = 'sixty'\n",
         "[E303] {path}: expected a whole number in extract.cue_window_chars, got 'sixty'"),
        ("--actors", "mine.yaml", "actors:\n  - name: Test Brigade\n    inter: 2\n    alias: [Test Brigade]\n",
         "[E302] {path}: unknown key 'alias' in actors[0] ('Test Brigade') (did you mean 'aliases'?)"),
        ("--actors", "mine.yaml", "actor:\n  - name: Test Brigade\n    inter: 2\n",
         "[E302] {path}: unknown key 'actor' (did you mean 'actors'?)"),
        ("--actors", "mine.yaml", "actors:\n  - name: Test Brigade\n    inter: 9\n",
         "[E303] {path}: unknown value 9 in actors[0] ('Test Brigade').inter"),
        ("--lexicon", "ev.yaml", "sub_events:\n  Attack:\n    trigers: [mowed down]\n",
         "[E302] {path}: unknown key 'trigers' in sub_events['Attack'] (did you mean 'triggers'?)"),
        ("--lexicon", "ev.yaml", "sub_events:\n  Atack:\n    triggers: [mowed down]\n",
         "[E303] {path}: new sub-event 'Atack' has no 'type' (to extend 'Attack', spell it so)"),
        ("--lexicon", "ev.yaml", "sub_events:\n  Ambush:\n    type: Battle\n    triggers: [ambushed]\n",
         "[E303] {path}: unknown value 'Battle' in sub_events['Ambush'].type (did you mean 'Battles'?"),
    ],
)  # fmt: skip
def test_a_misspelled_data_file_key_or_value_is_an_error_naming_file_key_and_nearest(tmp_path, option, name, content, expected):
    r, path = run_with(tmp_path, option, name, content)
    no_traceback(r)
    assert r.exit_code == 1, r.output
    (line,) = error_lines(r)
    assert expected.format(path=path) in line
    assert not (tmp_path / "f.db").exists()  # checked before any input is read


@pytest.mark.parametrize(
    "option, name, content, at",
    [
        ("--thresholds", "th.toml", "[extract]\ncue_window_chars = = 80\n", ":2:20: not valid TOML"),
        ("--actors", "mine.yaml", "actors:\n  - name: Test Brigade\n   inter: 2\n", ":3:4: not valid YAML"),
        ("--lexicon", "ev.yaml", "sub_events: [unclosed\nnon_event_cues: {}\n", ":2:15: not valid YAML"),
    ],
)  # fmt: skip
def test_broken_yaml_or_toml_is_one_coded_line_with_file_and_line(tmp_path, option, name, content, at):
    r, path = run_with(tmp_path, option, name, content)
    no_traceback(r)
    assert r.exit_code == 1
    assert error_lines(r) == [line for line in r.stderr.splitlines() if line.strip()]  # nothing but the one line
    (line,) = error_lines(r)
    assert line.startswith(f"Error: [E301] {path}{at}")


def test_valid_user_data_files_still_run(tmp_path):
    (tmp_path / "th.toml").write_text("[extract]\nmin_mention_score = 1\n[dedupe]\nsame_place_km = 10\n", encoding="utf-8")
    (tmp_path / "ev.yaml").write_text(
        "sub_events:\n  Attack:\n    triggers: [mowed down]\nnon_event_cues:\n"
        "  rumour:\n    applies_to: [Attack]\n    unless: [confirmed]\n    patterns: [rumou?rs? (?:of|that)]\n",
        encoding="utf-8",
    )
    (tmp_path / "act.yaml").write_text("actors:\n  - name: Test Brigade\n    inter: 3\n    kind: militia\n    aliases: [Test Brigade]\n", encoding="utf-8")
    r, _ = run_with(tmp_path, "--thresholds", "th2.toml", "[extract]\nmin_mention_score = 1\n")
    assert r.exit_code == 0, r.output
    r = invoke("run", tmp_path / "a.txt", "--db", tmp_path / "g.db", "--workers", "1",
               "--lexicon", tmp_path / "ev.yaml", "--actors", tmp_path / "act.yaml", "--thresholds", tmp_path / "th.toml")  # fmt: skip
    assert r.exit_code == 0, r.output
    assert load_thresholds(tmp_path / "th.toml")["dedupe"]["same_place_km"] == 10
    # a new cue of a user's lexicon keeps its scope and exceptions
    lex = Lexicon.load([tmp_path / "ev.yaml"])
    assert lex.cue_scope["rumour"] == {"Attack"} and "rumour" in lex.cue_unless
    assert lex.sub_events["Attack"].pattern.search("gunmen mowed down villagers")


def test_library_readers_raise_the_coded_errors(tmp_path):
    (tmp_path / "th.toml").write_text("[geocode]\nplace_lookback = 2\n", encoding="utf-8")
    with pytest.raises(UnknownDataKey, match="place_lookback_sentences"):
        load_thresholds(tmp_path / "th.toml")
    (tmp_path / "ev.yaml").write_text("sub_events:\n  - not a mapping\n", encoding="utf-8")
    with pytest.raises(Exception, match="expected a mapping") as exc:
        Lexicon.load([tmp_path / "ev.yaml"])
    assert exc.value.code == "E303"
    with pytest.raises(DataFileSyntax, match="cannot read"):
        Lexicon.load([tmp_path / "missing.yaml"])


# -- read-only commands and outputs --------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [["skips"], ["export", "--format", "csv"], ["report", "-o", "{tmp}/r.html"], ["serve", "--host", "nosuch.invalid", "--port", "0"]],
)
def test_read_only_commands_never_create_a_ledger(tmp_path, args):
    db = tmp_path / "typo.db"
    r = invoke(*[a.format(tmp=tmp_path) for a in args], "--db", db)
    assert r.exit_code == 2
    assert f"no ledger at {db}" in r.stderr
    assert not db.exists() and list(tmp_path.iterdir()) == []


def test_a_file_that_is_not_a_ledger_is_one_coded_line(tmp_path):
    db = tmp_path / "notes.db"
    db.write_text("not a database\n" * 100, encoding="utf-8")
    for args in (["skips"], ["export", "--format", "csv"]):
        r = invoke(*args, "--db", db)
        no_traceback(r)
        assert r.exit_code == 1
        (line,) = error_lines(r)
        assert line.startswith(f"Error: [E402] {db} is not a frontlines ledger (not an SQLite database)")


@pytest.mark.parametrize("command", ["report", "export"])
def test_an_output_in_a_missing_folder_is_a_usage_error(ledger, tmp_path, command):
    out = tmp_path / "no" / "such" / ("r.html" if command == "report" else "e.csv")
    args = ["--format", "csv"] if command == "export" else []
    r = invoke(command, "--db", ledger, *args, "-o", out)
    no_traceback(r)
    assert r.exit_code == 2 and f"no folder '{out.parent}'" in r.stderr
    assert not (tmp_path / "no").exists()


# -- gazetteer lookup --------------------------------------------------------------------


@pytest.mark.parametrize("code, message", [("ZZZ", "(got 'ZZZ')"), ("Syria", "(got 'Syria'; Syria is SYR)"), ("S", "(got 'S')")])
def test_lookup_country_must_be_an_iso_code(gazetteer, code, message):
    r = invoke("gazetteer", "lookup", "Idlib", "--country", code)
    assert r.exit_code == 2 and "--country" in r.stderr and message in r.stderr


@pytest.mark.parametrize("code", ["SYR", "syr", "SY"])
def test_lookup_country_takes_alpha3_or_alpha2_in_any_case(gazetteer, code):
    r = invoke("gazetteer", "lookup", "Idlib", "--country", code)
    assert r.exit_code == 0 and "\tSyria\t" in r.stdout


def test_lookup_reads_an_existing_index_only_and_says_when_nothing_matches(gazetteer, tmp_path):
    typo = tmp_path / "gazeteer.sqlite"
    r = invoke("gazetteer", "lookup", "Idlib", "--gazetteer", typo)
    assert r.exit_code == 2 and "does not exist" in r.stderr and not typo.exists()
    r = invoke("gazetteer", "lookup", "Qwxzvillezz")
    assert r.exit_code == 0 and r.stdout == "" and "no place named 'Qwxzvillezz' in the gazetteer" in r.stderr
    r = invoke("gazetteer", "lookup", "  ")
    assert r.exit_code == 2 and "NAME" in r.stderr


def test_run_option_values_are_checked_before_any_work(tmp_path):
    (tmp_path / "a.txt").write_text(ARTICLES[0]["text"], encoding="utf-8")
    db = tmp_path / "f.db"
    r = invoke("run", tmp_path / "a.txt", "--db", db, "--gazetteer", tmp_path / "typo.sqlite")
    assert r.exit_code == 2 and "--gazetteer" in r.stderr and "does not exist" in r.stderr
    r = invoke("run", tmp_path / "a.txt", "--db", db, "--engine", "dask", "--scheduler", "tcp://a b")
    assert r.exit_code == 2 and "expected a scheduler address such as tcp://host:8786 (got 'tcp://a b')" in r.stderr
    assert not db.exists() and not (tmp_path / "typo.sqlite").exists()


@pytest.mark.parametrize(
    "args, message",
    [
        (["--tiles", "http://tiles.example/{z}.png"], "expected an http(s) URL template with {z}, {x} and {y}"),
        (["--tiles", "tiles.example/{z}/{x}/{y}.png"], "expected an http(s) URL template"),
        (["--tiles-attribution", "(c) Someone"], "--tiles-attribution needs --tiles"),
        ([], "cannot listen on 'nosuch.invalid'"),
    ],
)
def test_serve_options_are_checked_before_serving(ledger, args, message):
    # --host nosuch.invalid too: were a check to miss, the server could not start either
    r = invoke("serve", "--db", ledger, "--host", "nosuch.invalid", "--port", "0", *args)
    assert r.exit_code == 2 and message in r.stderr


def test_skips_says_when_there_are_none(ledger):
    r = invoke("skips", "--db", ledger)
    assert r.exit_code == 0 and r.stdout == "" and f"no skipped inputs in {ledger}" in r.stderr
