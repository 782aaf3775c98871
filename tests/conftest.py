"""Shared fixtures."""

from __future__ import annotations

import pytest

import frontlines


@pytest.fixture(scope="session")
def gazetteer(tmp_path_factory):
    """The gazetteer index, built once per test session in a temporary FRONTLINES_HOME."""
    from frontlines.gazetteer import Gazetteer

    home = tmp_path_factory.mktemp("frontlines_home")
    mp = pytest.MonkeyPatch()
    mp.setenv("FRONTLINES_HOME", str(home))
    yield Gazetteer.open()
    mp.undo()


@pytest.fixture(scope="module")
def pipe(gazetteer):
    """A pipeline on the test gazetteer, one per test module (files that need another
    pipeline define their own ``pipe``)."""
    return frontlines.Pipeline(frontlines.Options(gazetteer_path=gazetteer.path))


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


def _pg_bindir():
    """Directory of PostgreSQL's server binaries (initdb, pg_ctl), newest version first."""
    import glob
    import os
    import shutil

    if os.environ.get("FRONTLINES_PG_BIN"):
        return os.environ["FRONTLINES_PG_BIN"]
    for d in sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[-2]), reverse=True):
        if os.path.exists(os.path.join(d, "initdb")):
            return d
    found = shutil.which("initdb")
    return os.path.dirname(found) if found else None


@pytest.fixture(scope="session")
def postgres_server():
    """A throwaway PostgreSQL server for the session: initdb in a temporary folder, started
    on a free localhost port, stopped and removed after. PostgreSQL refuses to run as root,
    so under root (CI) it runs as the ``postgres`` user in a folder that user owns.
    Yields the base URL ``postgresql://postgres@127.0.0.1:PORT``."""
    import os
    import shutil
    import socket
    import subprocess
    import tempfile

    bindir = _pg_bindir()
    if bindir is None:
        pytest.skip("PostgreSQL server binaries not installed (Debian: postgresql)")
    root = tempfile.mkdtemp(prefix="frontlines-pg-")
    prefix: list[str] = []
    if os.geteuid() == 0:
        import pwd

        pw = pwd.getpwnam("postgres")
        os.chown(root, pw.pw_uid, pw.pw_gid)
        prefix = ["runuser", "-u", "postgres", "--"]
    data = os.path.join(root, "data")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    run = lambda *cmd: subprocess.run(prefix + list(cmd), check=True, capture_output=True, cwd=root)  # noqa: E731
    run(f"{bindir}/initdb", "-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-locale", "--no-sync")
    opts = f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    try:
        run(f"{bindir}/pg_ctl", "-D", data, "-o", opts, "-l", os.path.join(root, "server.log"), "-w", "-t", "60", "start")
    except subprocess.CalledProcessError as exc:
        log = open(os.path.join(root, "server.log")).read() if os.path.exists(os.path.join(root, "server.log")) else ""
        shutil.rmtree(root, ignore_errors=True)
        raise RuntimeError(f"PostgreSQL did not start: {exc.stderr.decode()} {log}") from exc
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}"
    finally:
        subprocess.run(prefix + [f"{bindir}/pg_ctl", "-D", data, "-m", "immediate", "-w", "stop"], capture_output=True, cwd=root)
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def postgres_db(postgres_server):
    """A fresh, empty database on the session's server; its URL. Dropped after the test."""
    import uuid

    psycopg = pytest.importorskip("psycopg")
    name = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(f"{postgres_server}/postgres", autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    yield f"{postgres_server}/{name}"
    with psycopg.connect(f"{postgres_server}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture(scope="session")
def dask_scheduler(gazetteer):
    """A Dask LocalCluster of 2 worker processes for the session (the workers inherit
    FRONTLINES_HOME, so they open the session's gazetteer); its scheduler address."""
    import logging

    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0", silence_logs=logging.ERROR
    ) as cluster:
        yield cluster.scheduler_address
