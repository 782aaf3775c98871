"""The command line as a user drives it: run, export, skips, gazetteer; exit codes; docs."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from frontlines.cli import main
from frontlines.export import ACLED_COLUMNS

ROOT = Path(__file__).resolve().parents[1]

REPORT = """Regime warplanes kill five in Idlib countryside

Syrian government warplanes bombed the town of Saraqib in Idlib province on Tuesday, killing
five civilians, the Syrian Observatory for Human Rights said.
"""


@pytest.fixture
def runner(gazetteer, monkeypatch):
    return CliRunner()


def invoke(runner, *args, **kw):
    return runner.invoke(main, [str(a) for a in args], catch_exceptions=False, **kw)


def test_run_export_and_rerun_adds_nothing(runner, tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text(REPORT, encoding="utf-8")
    (src / "copy.txt").write_text(REPORT, encoding="utf-8")  # same article twice
    (src / "broken.bin").write_bytes(b"\x00\x01\x02binary")
    (src / "empty.txt").write_text("", encoding="utf-8")
    db = tmp_path / "f.db"
    r = invoke(runner, "run", src, "--db", db, "--workers", "1")
    assert r.exit_code == 0, r.output
    assert "skipped" in r.stderr and "empty.txt" in r.stderr and "broken.bin" in r.stderr
    out = invoke(runner, "export", "--db", db, "--format", "jsonl")
    lines = [json.loads(x) for x in out.stdout.splitlines() if x.strip()]
    assert len(lines) == 1
    assert lines[0]["sub_event_type"] == "Air/drone strike"
    assert lines[0]["mentions"][0]["sentence"]
    # a re-run changes nothing
    again = invoke(runner, "run", src, "--db", db, "--workers", "1")
    assert again.exit_code == 0
    out2 = invoke(runner, "export", "--db", db, "--format", "jsonl")
    assert out2.stdout == out.stdout
    skips = invoke(runner, "skips", "--db", db)
    assert "broken.bin" in skips.stdout and "E10" in skips.stdout


def test_page_of_only_widgets_is_skipped_with_e101_and_store_files_are_not_inputs(runner, tmp_path):
    (tmp_path / "widgets.txt").write_text("Share this:\nFacebook\nTwitter\n\nDonate now!\n", encoding="utf-8")
    (tmp_path / "a.txt").write_text(REPORT, encoding="utf-8")
    db = tmp_path / "f.db"  # the store lives inside the input folder
    for _ in range(2):  # the second run finds f.db (and its -wal) in the folder
        r = invoke(runner, "run", tmp_path, "--db", db, "--workers", "1")
        assert r.exit_code == 0, r.output
        assert not [line for line in r.stderr.splitlines() if line.startswith("skipped") and "f.db" in line]
    skips = invoke(runner, "skips", "--db", db).stdout
    assert "widgets.txt\tE101" in skips
    assert "f.db" not in skips


def test_acled_export_has_acled_columns_in_order(runner, tmp_path):
    (tmp_path / "a.txt").write_text(REPORT, encoding="utf-8")
    db = tmp_path / "f.db"
    invoke(runner, "run", tmp_path / "a.txt", "--db", db)
    out = tmp_path / "events.csv"
    r = invoke(runner, "export", "--db", db, "--format", "acled", "-o", out)
    assert r.exit_code == 0
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert rows[0][: len(ACLED_COLUMNS)] == ACLED_COLUMNS
    rec = dict(zip(rows[0], rows[1]))
    assert rec["event_type"] == "Explosions/Remote violence"
    assert rec["country"] == "Syria" and rec["admin1"] == "Idleb" and rec["admin1_geonames"] == "Idlib"
    assert rec["civilian_targeting"] == "Civilian targeting"
    assert rec["fatalities"] == "5"


def test_usage_errors_exit_2(runner, tmp_path):
    assert runner.invoke(main, ["export", "--db", str(tmp_path / "none.db"), "--format", "jsonl"]).exit_code == 2
    assert runner.invoke(main, ["export", "--format", "xml"]).exit_code == 2
    assert runner.invoke(main, ["run"]).exit_code == 2


def test_stdin_input(runner, tmp_path):
    r = invoke(runner, "run", "-", "--db", tmp_path / "f.db", input=REPORT)
    assert r.exit_code == 0, r.stderr
    assert "1 new" in r.stderr


def test_every_command_is_documented_in_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    names = []
    for name, cmd in main.commands.items():
        names.append(name)
        for sub in getattr(cmd, "commands", {}):
            names.append(f"{name} {sub}")
    for n in names:
        assert re.search(rf"frontlines {n}\b", readme), f"`frontlines {n}` is not documented in README.md"


def _commands(group, prefix=()):
    """(name words, command) for every command under ``group``, sub-groups walked."""
    for name, cmd in group.commands.items():
        if hasattr(cmd, "commands"):
            yield from _commands(cmd, prefix + (name,))
        else:
            yield " ".join(prefix + (name,)), cmd


def test_every_command_option_is_documented_in_the_readme_reference():
    """Each command has a `### frontlines CMD` section under "Command reference" that names
    every one of its options (missing ones are listed, so adding an option without its
    documentation fails here)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    reference = readme.split("\n## Command reference\n", 1)[1].split("\n## ", 1)[0]
    sections = dict(re.findall(r"^### frontlines ([a-z ]+)\n(.*?)(?=^### |\Z)", reference, re.M | re.S))
    missing = []
    for name, cmd in _commands(main):
        if name not in sections:
            missing.append(f"section ### frontlines {name}")
            continue
        for param in cmd.params:
            flags = [o for o in param.opts if o.startswith("--")] if param.param_type_name == "option" else []
            if flags and not any(re.search(rf"(?<![\w-]){re.escape(f)}(?![\w-])", sections[name]) for f in flags):
                missing.append(f"{name}: {flags[0]}")
    assert not missing, "README.md's Command reference lacks: " + "; ".join(missing)
    assert "`frontlines --version`" in reference

