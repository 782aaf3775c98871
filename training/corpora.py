"""Reading the labelled corpora of ../shared/data as frontlines articles, for training.

A label is a reference ``(corpus, doc, field, start, end)`` into one of the data files,
never a copy of its text. ``documents`` yields, per corpus document, the Article that the
pipeline reads and a function mapping an offset of that article's text back to
``(field, offset in that field)``, so that the sentences the pipeline makes can be named
by reference, and a reference found again in the pipeline's sentences.

Corpora: ``fakes`` (fakes/fakes.csv by unit_id: article_title, article_content), ``case``
(case2021/dev.tsv by id: EventSnippet; CASE test is never read), ``ucdp``
(ucdp/ged_syria_2016_2019.csv by id: source_headline, its ``;``-separated headlines one
per line), ``wikievents`` (wikievents/dev.jsonl by doc_id: text), and the geoparsing corpora's news
articles ``gwn``, ``trnews``, ``lgl`` (geoparse/{GWN,TR-News,lgl}.xml by the article's
position in its file, from 0: the <text> element). The 50 articles of
fakes_full/dev.json (the pipeline's dev set) are never yielded.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
# The data folder: $FRONTLINES_DATA, else ../shared/data beside the repository (the
# worktrees of this project sit one level deeper, so /work/shared/data is tried too).
CANDIDATES = [REPO.parent / "shared" / "data", REPO.parent.parent / "shared" / "data", Path("/work/shared/data")]


def data_dir() -> Path | None:
    """The shared data folder, or None when it is absent."""
    env = os.environ.get("FRONTLINES_DATA")
    for p in ([Path(env)] if env else []) + CANDIDATES:
        if (p / "fakes" / "fakes.csv").exists():
            return p
    return None


def dev_ids(data: Path) -> set[str]:
    """unit_ids of the fakes_full dev articles (kept out of training)."""
    with open(data / "fakes_full" / "dev.json", encoding="utf-8") as fh:
        return {a["id"] for a in json.load(fh)["articles"]}


def _fakes_date(value: str) -> dt.date | None:
    try:
        return dt.datetime.strptime(value.strip(), "%m/%d/%y").date()
    except ValueError:
        return None


Doc = tuple[str, str, "object", Callable[[int], tuple[str, int]]]


def documents(data: Path, corpora: tuple[str, ...] = ("fakes", "case", "ucdp", "wikievents")) -> Iterator[Doc]:
    """(corpus, doc id, Article, to_field) for every document of the named corpora."""
    from frontlines.records import Article

    if "fakes" in corpora:
        skip = dev_ids(data)
        csv.field_size_limit(sys.maxsize)
        with open(data / "fakes" / "fakes.csv", encoding="utf-8", errors="replace", newline="") as fh:
            for row in csv.DictReader(fh):
                uid = row["unit_id"].strip()
                if uid in skip:
                    continue
                title = " ".join((row["article_title"] or "").split())
                content = row["article_content"] or ""
                head = len(title) + 2
                text = f"{title}\n\n{content}" if title else content

                def to_field(off: int, head: int = head, has_title: bool = bool(title)) -> tuple[str, int]:
                    if has_title and off < head:
                        return "article_title", off
                    return "article_content", off - (head if has_title else 0)

                yield "fakes", uid, Article(article_id=f"fakes-{uid}", text=text, title=title or None,
                                            published=_fakes_date(row["date"])), to_field
    if "case" in corpora:
        with open(data / "case2021" / "dev.tsv", encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh, delimiter="\t"):
                yield "case", row["id"], Article(article_id=f"case-{row['id']}", text=row["EventSnippet"]), (
                    lambda off: ("EventSnippet", off)
                )
    if "ucdp" in corpora:
        with open(data / "ucdp" / "ged_syria_2016_2019.csv", encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                head = row["source_headline"] or ""
                if len(head) < 20:
                    continue
                pub = dt.date.fromisoformat(row["date_start"][:10]) if row["date_start"] else None
                # one headline per line: ';' -> '\n' keeps every offset
                yield "ucdp", row["id"], Article(article_id=f"ucdp-{row['id']}", text=head.replace(";", "\n"),
                                                 published=pub), (lambda off: ("source_headline", off))
    if "wikievents" in corpora:
        with open(data / "wikievents" / "dev.jsonl", encoding="utf-8") as fh:
            for line in fh:
                d = json.loads(line)
                yield "wikievents", d["doc_id"], Article(article_id=f"wiki-{d['doc_id']}", text=d["text"]), (
                    lambda off: ("text", off)
                )
    for corpus in GEONEWS:
        if corpus in corpora:
            for doc, text, day in geonews(data, corpus):
                try:
                    pub = dt.date.fromisoformat(day) if day else None
                except ValueError:
                    pub = None
                yield corpus, doc, Article(article_id=f"{corpus}-{doc}", text=text, published=pub), (
                    lambda off: ("text", off)
                )


GEONEWS = {"gwn": "GWN.xml", "trnews": "TR-News.xml", "lgl": "lgl.xml"}


def geonews(data: Path, corpus: str) -> Iterator[tuple[str, str, str | None]]:
    """(position in the file, article text, download date) of a geoparsing corpus's articles."""
    import xml.etree.ElementTree as ET

    root = ET.parse(data / "geoparse" / GEONEWS[corpus]).getroot()
    for i, art in enumerate(root.findall("article")):
        dl = art.find("dltime")
        yield str(i), art.find("text").text or "", (dl.text or "").strip()[:10] if dl is not None else None


def field_text(data: Path, corpus: str, doc: str, field: str) -> str | None:
    """The text of one field of one document (tests check references with it)."""
    for c, d, art, to_field in documents(data, (corpus,)):
        if d == doc:
            if corpus == "fakes":
                head_len = len(art.title) + 2 if art.title else 0
                return art.text[:head_len - 2] if field == "article_title" else art.text[head_len:]
            return art.text
    return None
