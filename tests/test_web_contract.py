"""The web API against its own OpenAPI description, by schemathesis: requests generated from
the description (valid ones, invalid ones and unexpected parameters), sent over HTTP to a
local server over a real ledger (examples/ plus a hostile page, with one pending row), each
answer checked by every schemathesis check: no 5xx, every status and content type
declared, every body as its schema says, valid data accepted and invalid data refused.
(schemathesis' pytest loader does not run under pytest 9, hence its CLI.)

Bounded (about 40 s on this two-core machine under a load average of 13; less when idle):
the coverage phase on 8 of the 10 operations, a fixed number of fuzzing examples per
operation, no shrinking."""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("schemathesis")

from test_web_api import build_ledger  # noqa: E402

HERE = Path(__file__).resolve().parent
# examples per operation in the fuzzing phase (the coverage phase adds every parameter's
# bounds itself): few enough to stay well under a minute on a two-core machine
EXAMPLES = 5


@pytest.fixture(scope="module")
def contract_ledger(gazetteer, tmp_path_factory) -> Path:
    """The test ledger plus a pending row (one article's event before stage 7)."""
    db = build_ledger(tmp_path_factory.mktemp("web_contract"))
    with sqlite3.connect(db) as conn:
        conn.row_factory = sqlite3.Row
        row = dict(conn.execute("SELECT * FROM events WHERE corroborated = 1 LIMIT 1").fetchone())
        row.update(event_id="pending-contract", corroborated=0, notes="pending, never shown")
        conn.execute(f"INSERT INTO events ({','.join(row)}) VALUES ({','.join('?' * len(row))})", list(row.values()))
    return db


def schemathesis_run(base: str, cwd: Path, *args: str) -> str:
    """One run of schemathesis' CLI, every check, valid and invalid data; its report."""
    env = {**os.environ, "SCHEMATHESIS_HOOKS": "schemathesis_hooks", "PYTHONPATH": os.pathsep.join([str(HERE), os.environ.get("PYTHONPATH", "")])}
    cmd = [sys.executable, "-c", "import sys; from schemathesis.cli import schemathesis; sys.exit(schemathesis())", "run", f"{base}/openapi.json",
           "--checks", "all", "--mode", "all", "--no-shrink", "--generation-deterministic", "--workers", "1", "--request-timeout", "20", *args]  # fmt: skip
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=cwd, timeout=300)
    assert done.returncode == 0, done.stdout[-6000:]
    return done.stdout


def test_api_meets_its_openapi_description(contract_ledger, tmp_path):
    """Against a local server this test starts: the coverage phase (every parameter's bounds,
    wrong types, missing and unexpected parameters, other methods) on every operation but
    the two downloads, which take the very same filters through the same code as
    /api/events; then random valid and invalid requests to every operation."""
    from frontlines.web import running

    with running(contract_ledger) as base:
        covered = schemathesis_run(base, tmp_path, "--phases", "coverage", "--exclude-path-regex", r"^/api/events\.(csv|geojson)$")
        fuzzed = schemathesis_run(base, tmp_path, "--phases", "fuzzing", "-n", str(EXAMPLES))
    assert re.search(r"Tested: 8\b", covered), covered[-3000:]
    assert re.search(r"Tested: 10\b", fuzzed), fuzzed[-3000:]
