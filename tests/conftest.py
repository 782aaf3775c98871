"""Shared fixtures."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def gazetteer(tmp_path_factory):
    """The gazetteer index, built once per test session in a temporary FRONTLINES_HOME."""
    from frontlines.gazetteer import Gazetteer

    home = tmp_path_factory.mktemp("frontlines_home")
    mp = pytest.MonkeyPatch()
    mp.setenv("FRONTLINES_HOME", str(home))
    yield Gazetteer.open()
    mp.undo()


def pytest_collection_modifyitems(config, items):
    """Tests listed in tests/known_failures.txt are gold cases the extractor does not meet
    yet (issue 2 is open): they run and report as xfail until fixed, then XPASS shows it."""
    import pathlib

    import pytest

    listed = pathlib.Path(__file__).with_name("known_failures.txt")
    known = {line.strip() for line in listed.read_text(encoding="utf-8").splitlines() if line.strip()} if listed.exists() else set()
    for item in items:
        if item.nodeid in known:
            item.add_marker(pytest.mark.xfail(reason="known gap, listed in tests/known_failures.txt", strict=False))
