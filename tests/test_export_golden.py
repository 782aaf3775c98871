"""Golden files for the GeoJSON and ACLED exports of the bundled examples.

The goldens in tests/golden/ are the exact bytes the exporters write for a store built from
examples/. When the pipeline changes what it extracts (or the record gains fields), review
the diff and regenerate them with one command:

    FRONTLINES_UPDATE_GOLDEN=1 .venv/bin/python -m pytest -q -p no:cacheprovider tests/test_export_golden.py
"""

from __future__ import annotations

import difflib
import io
import os
from pathlib import Path

import pytest

from frontlines import export
from frontlines.pipeline import run
from frontlines.store import Store

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "golden"
REGEN = "FRONTLINES_UPDATE_GOLDEN=1 .venv/bin/python -m pytest -q -p no:cacheprovider tests/test_export_golden.py"


@pytest.fixture(scope="module")
def examples_events(gazetteer, tmp_path_factory):
    """The examples store's events; built from the repository root so mention paths read
    ``examples/...`` whatever the machine."""
    db = tmp_path_factory.mktemp("golden") / "examples.db"
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        run(["examples/"], db, workers=1)
    finally:
        os.chdir(cwd)
    with Store(db) as store:
        return list(store.events())


def _check(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("FRONTLINES_UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8", newline="")
        return
    assert path.exists(), f"missing golden {path}; create it with: {REGEN}"
    want = path.read_text(encoding="utf-8")
    if text != want:
        diff = "".join(list(difflib.unified_diff(want.splitlines(True), text.splitlines(True), "golden", "now"))[:60])
        pytest.fail(f"{name} differs from its golden (review, then regenerate with: {REGEN})\n{diff}")


def _export(events, fmt: str) -> str:
    buf = io.StringIO(newline="")
    export.write(events, fmt, buf)
    return buf.getvalue()


def test_geojson_export_matches_golden(examples_events):
    _check("examples.geojson", _export(examples_events, "geojson"))


def test_acled_export_matches_golden(examples_events):
    _check("examples_acled.csv", _export(examples_events, "acled"))


def test_exports_are_deterministic(examples_events, gazetteer, tmp_path):
    """The same input gives byte-identical exports: a second store built elsewhere agrees."""
    db = tmp_path / "again.db"
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        run(["examples/"], db, workers=2)
    finally:
        os.chdir(cwd)
    with Store(db) as store:
        again = list(store.events())
    for fmt in ("geojson", "acled"):
        assert _export(again, fmt) == _export(examples_events, fmt)
