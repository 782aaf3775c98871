"""`frontlines report` on the examples store: the sections an analyst expects, prose written
from the data, charts and a map inline, article text escaped, nothing fetched from a network
(checked in Debian's chromium), and the Markdown variant."""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from frontlines import report
from frontlines.cli import main
from frontlines.pipeline import run
from frontlines.store import Store

ROOT = Path(__file__).resolve().parents[1]
EVIL = 'Witnesses said <script>alert("owned")</script> and <img src=x onerror="alert(2)"> fled <b>Saraqib</b> & the *villages* [1](http://bad.example/x).'
SECTIONS = ["summary", "map", "by-type", "by-province", "timeline", "key-events", "disputed"]


@pytest.fixture(scope="module")
def db(gazetteer, tmp_path_factory):
    """The examples store, plus one event whose evidence sentence carries markup, as a
    scraped page can."""
    path = tmp_path_factory.mktemp("report") / "examples.db"
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        run(["examples/"], path, workers=1)
    finally:
        os.chdir(cwd)
    mention = {"article_id": "evil", "outlet": "Comment <b>Outlet</b>", "published": "2017-04-02", "sentence": EVIL,
               "char_start": 0, "char_end": len(EVIL), "attributed_to": "<i>activists</i>", "hedges": ["reportedly"],
               "url": "https://news.example/evil?<script>"}  # fmt: skip
    with Store(path) as store:
        store.conn.execute(
            "INSERT INTO events (event_id, event_date, time_precision, event_type, sub_event_type, actor1, civilian_targeting, "
            "country, iso3, admin1, location, latitude, longitude, geo_precision, fatalities, fatalities_low, fatalities_high, "
            "claim_status, sources, source_count, independent_source_count, notes, mentions, corroborated) VALUES "
            "('evil00000000000', '2017-04-02', 1, 'Violence against civilians', 'Attack', 'Unidentified <Armed> Group', 1, "
            "'Syria', 'SYR', 'Idlib', 'Saraqib', 35.86, 36.8, 1, 999, 999, 1200, 'disputed', ?, 1, 1, 'x', ?, 1)",
            (json.dumps(["Comment <b>Outlet</b>"]), json.dumps([mention])),
        )
        store.conn.commit()
    return path


@pytest.fixture(scope="module")
def html(db, tmp_path_factory):
    out = tmp_path_factory.mktemp("html") / "sitrep.html"
    r = CliRunner().invoke(main, ["report", "--db", str(db), "-o", str(out)], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    return out


def test_html_has_the_sections_of_a_situation_report(html, db):
    text = html.read_text(encoding="utf-8")
    for sid in SECTIONS:
        assert f'<section id="{sid}">' in text, sid
    for heading in ("Summary", "Where events happened", "Events by type", "Events by province", "Fatalities over time",
                    "Most significant events", "Disputed or single-source reporting"):  # fmt: skip
        assert f"<h2>{heading}</h2>" in text
    with Store(db) as store:
        n = store.counts()["events"]
    # prose written from the data, with the store's own numbers
    assert re.search(rf"frontlines recorded {n} events in \d+ countries, drawn from \d+ articles by \d+ outlets", text)
    assert "made up the largest share of activity" in text and "Activity was concentrated in" in text
    assert "The deadliest incident: On 2 April 2017" in text  # the 999-death test event leads
    assert "Confidence is limited:" in text and "rest on a single source" in text
    # charts and the map, inline
    imgs = re.findall(r'<img src="data:image/png;base64,([A-Za-z0-9+/=]+)"', text)
    assert len(imgs) == 4
    assert "Natural Earth" in text or "outlines are not drawn" in text
    # citations: outlet, date and the evidence sentence
    assert "&mdash; AFP, 11 December 2016" in text
    # every key event quotes its evidence sentences (escaped), whichever events lead
    from markupsafe import escape  # the escaping the Jinja template applies

    rep = report.report_from_store(db)
    quoted = [c.sentence for k in rep.key_events for c in k.citations]
    assert quoted and all(str(escape(q)) in text for q in quoted), [q for q in quoted if str(escape(q)) not in text]


def test_article_text_is_escaped(html):
    text = html.read_text(encoding="utf-8")
    assert "<script" not in text.lower()  # the report itself needs no script, and no article text may add one
    assert "&lt;script&gt;alert(&#34;owned&#34;)&lt;/script&gt;" in text
    assert "<img src=x" not in text and "&lt;img src=x onerror=" in text
    assert "<b>Saraqib</b>" not in text and "<b>Outlet</b>" not in text and "<i>activists</i>" not in text
    assert "Unidentified &lt;Armed&gt; Group" in text


def test_no_external_resources(html):
    text = html.read_text(encoding="utf-8")
    from html.parser import HTMLParser

    tags, refs = [], []

    class Collect(HTMLParser):
        def handle_starttag(self, tag, attrs):
            tags.append(tag)
            refs.extend(v or "" for k, v in attrs if k in ("src", "href", "srcset", "action", "poster", "data", "background"))

    Collect().feed(text)
    assert refs and all(r.startswith("data:") for r in refs), [r[:40] for r in refs if not r.startswith("data:")]
    assert not {"script", "link", "iframe", "object", "embed", "base"} & set(tags)
    assert not re.search(r"url\(|@import", text, flags=re.I)
    assert "default-src 'none'" in text  # and the page says so to the browser


@pytest.mark.skipif(not Path("/usr/bin/chromium").exists() or shutil.which("chromium") is None, reason="Debian chromium not installed")
def test_opens_in_chromium_without_network(html, tmp_path):
    pw = pytest.importorskip("playwright.sync_api")
    requests: list[str] = []
    with pw.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
        )
        try:
            ctx = browser.new_context(offline=True, viewport={"width": 1100, "height": 900})
            page = ctx.new_page()
            page.on("request", lambda req: requests.append(req.url))
            dialogs: list[str] = []
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            page.goto(html.as_uri())
            page.wait_for_load_state("load")
            loaded = page.eval_on_selector_all("img", "els => els.map(e => e.complete && e.naturalWidth > 0)")
            assert loaded and all(loaded)
            assert page.locator("h1").inner_text().startswith("Situation report")
            assert 'alert("owned")' in page.locator("#disputed").inner_text()  # shown as text
            assert not dialogs
            page.screenshot(path=str(tmp_path / "sitrep.png"), full_page=True)
        finally:
            browser.close()
    assert all(u.startswith(("file:", "data:")) for u in requests), [u for u in requests if not u.startswith(("file:", "data:"))]


def test_markdown_variant(db, tmp_path):
    out = tmp_path / "sitrep.md"
    r = CliRunner().invoke(main, ["report", "--db", str(db), "-o", str(out)], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    text = out.read_text(encoding="utf-8")
    for heading in ("## Summary", "## Where events happened", "## Events by type", "## Events by province",
                    "## Fatalities over time", "## Most significant events", "## Disputed or single-source reporting"):  # fmt: skip
        assert heading in text
    for name in ("map", "by_type", "by_province", "timeline"):
        assert f"](sitrep_files/{name}.png)" in text
        assert (tmp_path / "sitrep_files" / f"{name}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "| Event type | Events | Share | Fatalities |" in text
    assert "frontlines recorded" in text
    assert "<script" not in text.lower() and "&lt;script&gt;" in text
    assert "\\[1\\](http://bad.example/x)" in text  # a link in article text stays inert text
    assert "<b>" not in text


def test_period_and_area_filters(db, tmp_path):
    out = tmp_path / "idlib.html"
    r = CliRunner().invoke(main, ["report", "--db", str(db), "--where", "idlib", "--since", "2017-01-01", "--until", "2017-12-31", "-o", str(out)], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    rep = report.report_from_store(db, since="2017-01-01", until="2017-12-31", where="idlib")
    assert rep.area == "Idlib (Syria)" and rep.period == "1 January 2017 to 31 December 2017"
    assert {p["admin1"] for p in rep.by_province} == {"Idlib"}
    assert all("2017" in k.date for k in rep.key_events)
    assert "Situation report: Idlib (Syria)" in out.read_text(encoding="utf-8")


def test_empty_period_still_reads(db, tmp_path):
    rep = report.report_from_store(db, since="2030-01-01")
    assert rep.n_events == 0 and not rep.charts
    assert rep.summary == ["No events were recorded for all areas in the period from 1 January 2030."]
    report.write(rep, tmp_path / "empty.html")
    report.write(rep, tmp_path / "empty.md")
    assert "No events were recorded" in (tmp_path / "empty.md").read_text(encoding="utf-8")


def test_usage_errors(db, tmp_path):
    runner = CliRunner()
    r = runner.invoke(main, ["report", "--db", str(db), "-o", str(tmp_path / "x.pdf")])
    assert r.exit_code == 2 and "FILE.html or FILE.md" in r.output
    r = runner.invoke(main, ["report", "--db", str(tmp_path / "none.db"), "-o", str(tmp_path / "x.html")])
    assert r.exit_code == 2 and "no ledger" in r.output
    r = runner.invoke(main, ["report", "--db", str(db), "--since", "last tuesday", "-o", str(tmp_path / "x.html")])
    assert r.exit_code == 2 and "YYYY-MM-DD" in r.output  # a bad date is a usage error (SPEC)


def test_sentences_come_from_the_record():
    ev = {"event_date": "2017-04-04", "sub_event_type": "Chemical weapon", "actor1": "Military Forces of Syria (2000-)",
          "actor2": "Civilians (Syria)", "location": "Khan Shaykhun", "admin1": "Idlib", "country": "Syria",
          "fatalities": 58, "fatalities_low": 58, "fatalities_high": 100, "claim_status": "confirmed",
          "sources": ["AFP", "Reuters"], "source_count": 2, "independent_source_count": 2, "mentions": []}  # fmt: skip
    assert report.describe(ev, report.phrases()) == (
        "On 4 April 2017, a chemical weapon attack by Military Forces of Syria (2000-) against Civilians (Syria) in "
        "Khan Shaykhun, Idlib, Syria, killing at least 58 people (reports range from 58 to 100); "
        "confirmed by 2 independent sources (AFP, Reuters)."
    )
    quiet = {**ev, "fatalities": 0, "fatalities_low": 0, "fatalities_high": 0, "claim_status": "claimed", "actor2": None,
             "sources": ["SANA"], "mentions": [{"attributed_to": "a military source"}]}  # fmt: skip
    assert report.describe(quiet).endswith(
        "with no deaths reported; a claim carried by SANA, attributing it to a military source, not independently verified."
    )
