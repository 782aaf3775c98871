"""Incremental runs give the ledger of one run: same events, ids and fields, in any order."""

from __future__ import annotations

import random
import shutil
import sqlite3
from pathlib import Path

import pytest

import frontlines

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def _ledger(db: Path) -> tuple[dict, dict]:
    con = sqlite3.connect(db)
    con.row_factory = sqlite3.Row
    events = {r["event_id"]: dict(r) for r in con.execute("SELECT * FROM events WHERE corroborated = 1")}
    reports = dict(con.execute("SELECT mention_id, event_id FROM mentions"))
    left = con.execute("SELECT count(*) FROM events WHERE corroborated != 1").fetchone()[0]
    con.close()
    assert left == 0, "rows left uncorroborated"
    return events, reports


def _inputs(tmp_path: Path) -> list[Path]:
    folder = tmp_path / "articles"
    shutil.copytree(EXAMPLES, folder)
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix in {".txt", ".html", ".json", ".jsonl", ".csv"})


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_splits_give_the_one_run_ledger(tmp_path, seed):
    paths = _inputs(tmp_path)
    frontlines.run([str(p) for p in paths], db=tmp_path / "one.db", workers=1)
    ref = _ledger(tmp_path / "one.db")
    assert ref[0], "the examples give events"
    rng = random.Random(seed)
    order = paths[:]
    rng.shuffle(order)
    cuts = sorted(rng.sample(range(1, len(order)), rng.randint(1, 4)))
    for part in (order[i:j] for i, j in zip([0] + cuts, cuts + [len(order)])):
        frontlines.run([str(p) for p in part], db=tmp_path / "split.db", workers=1)
    assert _ledger(tmp_path / "split.db") == ref


def _article(folder: Path, name: str, published: str, text: str, title: str | None = None) -> Path:
    p = folder / f"{name}.json"
    import json

    p.write_text(json.dumps({"title": title or name, "published": published, "outlet": name, "text": text}), encoding="utf-8")
    return p


def test_an_event_keeps_its_id_as_later_reports_join(tmp_path):
    """News arriving in publication order never renames an event; a backfilled earlier
    report does, and the change log records the old id."""
    first = _article(tmp_path, "Aleppo Today", "2017-03-08",
                     "Government warplanes struck a market in the town of Atarib west of Aleppo on Tuesday, killing 12 civilians, the Syrian Observatory said.")
    later = _article(tmp_path, "Orient News", "2017-03-09",
                     "An air strike on a crowded market in Atarib in western Aleppo countryside killed 12 civilians on Tuesday, local activists said.")
    earlier = _article(tmp_path, "Step News", "2017-03-07",
                       "Warplanes bombed the market of Atarib, west of Aleppo, on Tuesday, killing 12 people, activists said.")  # fmt: skip
    db = tmp_path / "x.db"
    frontlines.run([str(first)], db=db, workers=1)
    (eid,) = _ledger(db)[0]
    frontlines.run([str(later)], db=db, workers=1)
    events, reports = _ledger(db)
    assert list(events) == [eid] and len(reports) == 2
    frontlines.run([str(earlier)], db=db, workers=1)
    events, reports = _ledger(db)
    assert len(events) == 1 and len(reports) == 3
    (new_id,) = events
    with frontlines.Store(db) as store:
        changes = [(c["kind"], c["event_id"], c["other_event_id"]) for c in store.event_changes()]
    assert new_id == eid or ("rename", new_id, eid) in changes


@pytest.mark.parametrize("how", ["one run, reversed", "two runs", "two runs, reversed"])
def test_copies_of_one_text_resolve_the_same_way_in_any_order(tmp_path, how):
    """The same text saved twice, with different dates and outlets, is one article: the
    earliest-published copy, whichever arrived first."""
    text = ("Two children were killed when a shell hit a school in the town of Kafr Nabl in "
            "southern Idlib on Sunday morning, the civil defence said.")  # fmt: skip
    a = _article(tmp_path, "copy_a", "2017-04-10", text, title="School shelled in Kafr Nabl")
    b = _article(tmp_path, "copy_b", "2017-04-09", text, title="School shelled in Kafr Nabl")
    frontlines.run([str(a), str(b)], db=tmp_path / "ref.db", workers=1)
    ref = _ledger(tmp_path / "ref.db")
    db = tmp_path / "x.db"
    if how == "one run, reversed":
        frontlines.run([str(b), str(a)], db=db, workers=1)
    elif how == "two runs":
        frontlines.run([str(a)], db=db, workers=1)
        frontlines.run([str(b)], db=db, workers=1)
    else:
        frontlines.run([str(b)], db=db, workers=1)
        frontlines.run([str(a)], db=db, workers=1)
    assert _ledger(db) == ref
    with frontlines.Store(db) as store:
        (row,) = store.conn.execute("SELECT published, outlet FROM articles").fetchall()
    assert tuple(row) == ("2017-04-09", "copy_b")
