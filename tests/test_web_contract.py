"""The web API against its own OpenAPI description, by schemathesis: requests generated from
the description (valid ones, invalid ones and unexpected parameters), sent over HTTP to a
local server over a real ledger (examples/ plus a hostile page, with one pending row), each
answer checked by every schemathesis check: no 5xx, every status and content type
declared, every body as its schema says, valid data accepted and invalid data refused.
(schemathesis' pytest loader does not run under pytest 9, hence its CLI.)

Bounded: a fixed number of examples per operation, the coverage and fuzzing phases, no
shrinking."""

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
PHASES = "coverage,fuzzing"


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


def test_api_meets_its_openapi_description(contract_ledger, tmp_path):
    """schemathesis' CLI, every check, against a local server this test starts."""
    from frontlines.web import running

    env = {**os.environ, "SCHEMATHESIS_HOOKS": "schemathesis_hooks", "PYTHONPATH": os.pathsep.join([str(HERE), os.environ.get("PYTHONPATH", "")])}
    with running(contract_ledger) as base:
        cmd = [sys.executable, "-c", "import sys; from schemathesis.cli import schemathesis; sys.exit(schemathesis())", "run", f"{base}/openapi.json",
               "--checks", "all", "--mode", "all", "--phases", PHASES, "-n", str(EXAMPLES), "--no-shrink", "--generation-deterministic",
               "--workers", "1", "--request-timeout", "20", "--report", "junit", "--report-dir", str(tmp_path)]  # fmt: skip
        done = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=tmp_path, timeout=300)
    tail = done.stdout[-6000:]
    assert done.returncode == 0, tail
    assert re.search(r"Tested: 10\b", done.stdout), tail
