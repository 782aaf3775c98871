"""One writer per SQLite ledger: a lock file beside it, held for a whole run.

SQLite lets one connection write at a time but a run commits many times (a batch of
articles per commit, then stage 7), so two runs interleave their commits: both read the
same pending reports and corroborate them into different events. A run therefore holds
``<ledger>.lock`` (an ``flock`` on it) from ingest to the end of stage 7. The file holds
the holder's pid, host, start time and command, so a second run can name the first. The
kernel drops an ``flock`` when its holder dies, so a killed run's lock (the file still
naming the dead pid) is simply taken over by the next run; the file itself stays.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shlex
import socket
import sys
import time
from pathlib import Path
from typing import Any, Callable

from .errors import LedgerBusy, StoreError

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no flock
    fcntl = None  # type: ignore[assignment]

# How long a second writer waits for the running one, by default, before it stops with
# LedgerBusy (seconds). About four FA-KES-sized runs on a laptop: a run started by a
# scheduler while the previous one finishes goes on; a run left going for hours does not
# keep the next one hanging.
WRITER_WAIT_S = 60.0
# How often a waiting writer tries the lock again (seconds).
POLL_S = 0.1

# Lock files held by this process: a forked child (the pipeline's worker pool) closes its
# copies, so that a killed run's orphaned workers do not keep its lock alive. Process-local
# on purpose (fork duplicates descriptors process-wide).
_HELD: set[int] = set()


def _close_held_in_child() -> None:
    for fd in list(_HELD):
        try:
            os.close(fd)
        except OSError:
            pass
    _HELD.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_close_held_in_child)


def lock_path(ledger: str | os.PathLike) -> Path:
    """The lock file of a SQLite ledger: ``<ledger>.lock`` beside it."""
    return Path(str(ledger) + ".lock")


def command_line() -> str:
    """This process's command line, as a user would type it."""
    argv = list(sys.argv) or ["python"]
    argv[0] = Path(argv[0]).name or argv[0]
    if argv[0] in ("__main__.py", "cli.py"):
        argv[0] = "frontlines"
    return shlex.join(argv)


def holder_info(command: str | None = None) -> dict[str, Any]:
    """Who holds a lock: pid, host, start time (UTC) and command."""
    return {
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "started": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "command": command or command_line(),
    }


def describe(holder: dict[str, Any] | None) -> str:
    """A holder as a message shows it."""
    if not holder:
        return "a run that did not say who it is"
    parts = [f"pid {holder.get('pid', '?')} on {holder.get('host', '?')}"]
    if holder.get("started"):
        parts.append(f"since {holder['started']}")
    if holder.get("command"):
        parts.append(f"`{holder['command']}`")
    return ", ".join(parts)


def busy_error(name: str, holder: dict[str, Any] | None, waited: float) -> LedgerBusy:
    return LedgerBusy(
        f"another frontlines run is writing to {name} ({describe(holder)}); waited {waited:g} s",
        hint="let it finish and run again, or give --wait SECONDS to wait longer",
    )


class WriterLock:
    """The exclusive lock of one SQLite ledger, held while the context is open."""

    def __init__(self, ledger: str | os.PathLike, *, command: str | None = None):
        self.ledger = str(ledger)
        self.path = lock_path(ledger)
        self.command = command
        self.fd: int | None = None

    def read_holder(self) -> dict[str, Any] | None:
        """The holder the lock file names (None when empty or unreadable)."""
        try:
            text = self.path.read_text(encoding="utf-8")
            info = json.loads(text) if text.strip() else None
        except (OSError, ValueError):
            return None
        return info if isinstance(info, dict) else None

    def acquire(self, wait: float | None = None, on_wait: Callable[[dict[str, Any] | None], None] | None = None) -> "WriterLock":
        """Take the lock, waiting up to ``wait`` seconds (``WRITER_WAIT_S`` when None) for
        the current holder; ``on_wait(holder)`` is called once if it has to wait. Raises
        ``LedgerBusy`` naming the holder when the time is up."""
        wait = WRITER_WAIT_S if wait is None else max(0.0, float(wait))
        if fcntl is None:  # pragma: no cover
            return self
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise StoreError(f"cannot create the writer lock {self.path}: {exc.strerror}") from exc
        start = time.monotonic()
        told = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                holder = self.read_holder()
                if time.monotonic() - start >= wait:
                    os.close(fd)
                    raise busy_error(self.ledger, holder, wait) from None
                if not told and on_wait is not None:
                    on_wait(holder)
                    told = True
                time.sleep(POLL_S)
        # ours now; a dead holder's details (if any) are overwritten
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(holder_info(self.command)).encode(), 0)
        self.fd = fd
        _HELD.add(fd)
        return self

    def release(self) -> None:
        if self.fd is None:
            return
        fd, self.fd = self.fd, None
        _HELD.discard(fd)
        try:
            os.ftruncate(fd, 0)  # nobody holds it: no name in the file
        finally:
            os.close(fd)  # closing the last descriptor drops the flock

    def __enter__(self) -> "WriterLock":
        return self.acquire() if self.fd is None else self

    def __exit__(self, *exc) -> None:
        self.release()
