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
