"""Realistic pages (plain-text copies and HTML) with comment threads and page furniture:
cleaning keeps the article and drops the rest, scored trafilatura-style on must-have and
must-not-have snippets; and no reader's comment, caption or related headline becomes an
event when the page goes through the whole pipeline."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from frontlines.clean import clean
from frontlines.ingest import iter_articles
from frontlines.records import Article

FIXTURES = Path(__file__).parent / "fixtures" / "pages"
PAGES = sorted(p for p in FIXTURES.iterdir() if p.suffix in (".txt", ".html"))
# The share of snippets right (must-have kept, must-not-have gone) over all pages. Set
# when these pages were written: the cleaning before them scored 0.71 (100 of 140); the misses
# allowed are snippets that a page's shape makes ambiguous.
MIN_SCORE = 0.95


def _norm(s: str) -> str:
    return " ".join(s.split())


def _expect(path: Path) -> dict:
    return yaml.safe_load(path.with_suffix(".expect.yaml").read_text("utf-8"))


def _article(path: Path) -> Article:
    (article,) = list(iter_articles([path]))
    assert isinstance(article, Article), article
    return article


def page_score(path: Path) -> tuple[int, int, list[str], list[str]]:
    """(snippets right, snippets in all, must-haves lost, must-not-haves kept)."""
    expect = _expect(path)
    text = _norm(clean(_article(path)).text)
    lost = [k for k in expect["must_have"] if _norm(k) not in text]
    kept = [d for d in expect["must_not_have"] if _norm(d) in text]
    total = len(expect["must_have"]) + len(expect["must_not_have"])
    return total - len(lost) - len(kept), total, lost, kept


def test_pages_are_varied():
    assert len(PAGES) >= 8
    assert {p.suffix for p in PAGES} == {".txt", ".html"}
    for p in PAGES:
        expect = _expect(p)
        assert expect["must_have"] and expect["must_not_have"], p


def test_score_over_all_pages(capsys):
    right = total = 0
    for path in PAGES:
        r, t, _, _ = page_score(path)
        right, total = right + r, total + t
    with capsys.disabled():
        print(f"\npages: {len(PAGES)}, must-have/must-not-have score {right}/{total} = {right / total:.3f}")
    assert right / total >= MIN_SCORE


@pytest.mark.parametrize("path", PAGES, ids=[p.name for p in PAGES])
def test_article_body_is_kept(path):
    _, _, lost, _ = page_score(path)
    assert not lost, f"article text dropped: {lost}"


@pytest.mark.parametrize("path", PAGES, ids=[p.name for p in PAGES])
def test_furniture_is_dropped(path):
    _, _, _, kept = page_score(path)
    assert not kept, f"furniture kept: {kept}"


@pytest.fixture(scope="module")
def pipe():
    import frontlines

    return frontlines.Pipeline()


@pytest.mark.parametrize("path", PAGES, ids=[p.name for p in PAGES])
def test_no_comment_caption_or_related_headline_becomes_an_event(path, pipe):
    expect = _expect(path)
    events = pipe.process(_article(path)).events
    assert events, "the article's own incident gives no event"
    forbidden = [*(expect.get("comments") or []), *(expect.get("not_events") or [])]
    for ev in events:
        for m in ev.mentions:
            for text in forbidden:
                assert _norm(text) not in _norm(m["sentence"]), (text, ev.sub_event_type)
