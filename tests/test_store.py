"""The SQLite store: migrations, idempotent saves, schema guard."""

from __future__ import annotations

import sqlite3

import pytest

from frontlines.errors import SchemaTooNew
from frontlines.records import Article, Skip
from frontlines.store import SCHEMA_VERSION, Store


def test_new_store_is_migrated(tmp_path):
    with Store(tmp_path / "a.db") as s:
        assert s.schema_version() == SCHEMA_VERSION
        assert s.counts() == {"articles": 0, "events": 0, "skips": 0}


def test_save_article_once(tmp_path):
    art = Article(article_id="abc", text="Some text", title="t", path="x.txt")
    with Store(tmp_path / "a.db") as s:
        assert s.save_article(art, "Some text", [], [], []) is True
        assert s.save_article(art, "Some text", [], [], []) is False
        assert s.counts()["articles"] == 1


def test_save_articles_in_one_batch(tmp_path):
    """A batch answers per article in input order (it is written in id order), and stores
    the provenance profiles of the new articles only."""
    from frontlines.provenance import ArticleSource

    arts = [Article(article_id=i, text=f"text {i}", path=f"{i}.txt") for i in ("c", "a", "b")]
    items = [(a, a.text, [], [], [], ArticleSource(a.article_id, "Outlet", None, [1, 2], set(), set())) for a in arts]
    with Store(tmp_path / "a.db") as s:
        assert s.save_article(arts[1], "text a", [], [], []) is True
        assert s.save_articles(items) == [True, False, True]
        assert s.counts()["articles"] == 3
        assert set(s.article_sources(["a", "b", "c"])) == {"b", "c"}
        assert s.save_articles([]) == []


def test_skip_is_recorded_once_and_cleared_when_file_reads(tmp_path):
    with Store(tmp_path / "a.db") as s:
        s.save_skip(Skip("x.txt", "E101", "empty"))
        s.save_skip(Skip("x.txt", "E101", "empty"))
        assert len(s.skips()) == 1
        s.save_article(Article(article_id="abc", text="t", path="x.txt"), "t", [], [], [])
        assert s.skips() == []


def test_newer_schema_is_refused(tmp_path):
    path = tmp_path / "a.db"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    conn.close()
    with pytest.raises(SchemaTooNew):
        Store(path)


def test_migration_5_indexes_evidence_sentences_of_older_ledgers(tmp_path):
    """A ledger written at schema 4 (its search index over the mentions' JSON) is re-indexed
    on open: its events are found by their evidence sentences, not by JSON keys."""
    from frontlines.store import MIGRATIONS

    path = tmp_path / "v4.db"
    conn = sqlite3.connect(path)
    for i, script in enumerate(MIGRATIONS[:4]):
        conn.executescript(script)
        conn.execute(f"PRAGMA user_version = {i + 1}")
    mentions = '[{"sentence": "Shelling hit Qwertyville at dawn.", "report_id": "r1"}, {"sentence": "Two died in Zxcvburg."}]'
    conn.execute("INSERT INTO events (event_id, notes, mentions, corroborated) VALUES ('e1', 'shelling', ?, 1)", (mentions,))
    conn.execute("INSERT INTO events (event_id, notes, mentions, corroborated) VALUES ('e2', 'no evidence', 'not json', 1)")
    conn.commit()

    def found(word: str) -> set[str]:
        sql = "SELECT e.event_id FROM events_search s JOIN events e ON e.rowid = s.rowid WHERE events_search MATCH ?"
        return {r[0] for r in conn.execute(sql, (f'search : "{word}"',))}

    assert found("report_id") == {"e1"}  # schema 4 indexed the JSON as stored
    conn.close()
    with Store(path) as s:
        assert s.schema_version() == SCHEMA_VERSION
    conn = sqlite3.connect(path)
    assert found("qwertyville") == found("zxcvburg") == {"e1"}
    assert found("report_id") == found("sentence") == set()
    assert found("no evidence") == {"e2"}  # a row whose mentions are not JSON keeps its other text
    conn.close()
