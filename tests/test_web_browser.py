"""The map page in a real browser: Playwright drives Debian's chromium (never a downloaded
browser) against uvicorn serving a ledger built from examples/ plus a scraped page that
carries <script>. Takes the picture the README shows; it replaces docs/screenshot.png only
with FRONTLINES_UPDATE_SCREENSHOT=1 (a test run never changes a tracked file)."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import httpx
import pytest

from test_web_api import build_ledger

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"]
SCREENSHOT = Path(__file__).resolve().parents[1] / "docs" / "screenshot.png"

pytestmark = pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian's chromium is not installed (apt-get install chromium)")


@pytest.fixture(scope="module")
def ledger(gazetteer, tmp_path_factory) -> Path:
    return build_ledger(tmp_path_factory.mktemp("web_browser"))


@pytest.fixture(scope="module")
def base_url(ledger):
    from frontlines.web import running

    with running(ledger) as base:
        yield base


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture()
def page(browser, base_url):
    context = browser.new_context(viewport={"width": 1400, "height": 950})
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    outside: list[str] = []
    pg.on("request", lambda r: outside.append(r.url) if not r.url.startswith((base_url, "data:")) else None)
    pg.goto(base_url + "/")
    pg.wait_for_selector("body[data-ready=true]", timeout=20000)
    yield pg
    assert not errors, errors
    assert not outside, f"the page must work offline, it asked for {outside}"
    context.close()


def count(ledger: Path, where: str = "1", args: tuple = ()) -> int:
    with sqlite3.connect(ledger) as conn:
        return int(conn.execute(f"SELECT count(*) FROM events WHERE {where}", args).fetchone()[0])


def after_refresh(page, action) -> None:
    """Run ``action`` (which triggers a refresh) and wait until map, table and timeline are redrawn."""
    before = int(page.get_attribute("body", "data-refreshes") or 0)
    action()
    page.wait_for_function(
        f"() => Number(document.body.dataset.refreshes) > {before} && document.body.dataset.loading === 'false'", timeout=15000
    )


def state(page) -> dict[str, int]:
    return {
        "markers": int(page.get_attribute("#map", "data-markers")),
        "table": int(page.get_attribute("#events", "data-total")),
        "timeline": int(page.get_attribute("#timeline", "data-selected")),
    }


def test_page_loads_the_ledger_with_every_marker(page, ledger):
    page.wait_for_selector("#map[data-basemap=loaded]", timeout=20000)
    s = state(page)
    assert s["markers"] == count(ledger, "latitude IS NOT NULL AND longitude IS NOT NULL")
    assert s["table"] == count(ledger)
    assert s["timeline"] == count(ledger, "event_date IS NOT NULL")
    # clusters and single markers on the map together account for every event
    shown = page.evaluate(
        """() => [...document.querySelectorAll('.marker-cluster span')].reduce((n, s) => n + Number(s.textContent), 0)
                 + document.querySelectorAll('.ev-marker').length"""
    )
    assert shown == s["markers"]
    assert page.locator("#events tbody tr").count() == min(50, count(ledger))
    assert page.locator("path.leaflet-interactive, svg.leaflet-zoom-animated path").count() > 0, "offline outlines drawn"


def test_a_filter_changes_map_table_and_timeline_together(page, ledger):
    all_state = state(page)
    after_refresh(page, lambda: page.select_option("#f-type", "Protests"))
    protests = state(page)
    assert protests["markers"] == count(ledger, "event_type='Protests' AND latitude IS NOT NULL")
    assert protests["table"] == count(ledger, "event_type='Protests'")
    assert protests["timeline"] == count(ledger, "event_type='Protests' AND event_date IS NOT NULL")
    assert all(protests[k] < all_state[k] for k in protests)
    assert {t.strip() for t in page.locator("#events tbody td:nth-child(2)").all_inner_texts()} == {"Protests"}

    after_refresh(page, lambda: page.click("#f-reset"))
    assert state(page) == all_state

    # brushing the timeline filters by date: map, table and the timeline's selection agree
    box = page.locator("#timeline").bounding_box()
    y = box["y"] + box["height"] / 2

    def brush():
        page.mouse.move(box["x"] + 3, y)
        page.mouse.down()
        page.mouse.move(box["x"] + box["width"] * 0.3, y, steps=5)
        page.mouse.move(box["x"] + box["width"] * 0.55, y, steps=5)
        page.mouse.up()

    after_refresh(page, brush)
    since, until = page.input_value("#f-since"), page.input_value("#f-until")
    assert since and until and since < until
    in_range = count(ledger, "event_date BETWEEN ? AND ?", (since, until))
    brushed = state(page)
    assert brushed["table"] == in_range and brushed["timeline"] == in_range
    assert brushed["markers"] == count(ledger, "event_date BETWEEN ? AND ? AND latitude IS NOT NULL", (since, until))
    assert 0 < in_range < all_state["table"]
    assert page.locator("#timeline rect.bar.in").count() > 0

    after_refresh(page, lambda: page.dblclick("#timeline"))
    assert state(page) == all_state


def test_sorting_the_table(page, ledger):
    page.click("#events th[data-sort=fatalities]")
    page.wait_for_selector("#events th.asc[data-sort=fatalities]")
    page.click("#events th[data-sort=fatalities]")
    page.wait_for_selector("#events th.desc[data-sort=fatalities]")
    page.wait_for_function("() => document.querySelector('#events tbody td:nth-child(8)').textContent !== '0'")
    deaths = [int(x) for x in page.locator("#events tbody td:nth-child(8)").all_inner_texts()]
    assert deaths == sorted(deaths, reverse=True)
    with sqlite3.connect(ledger) as conn:
        assert deaths[0] == conn.execute("SELECT max(fatalities) FROM events").fetchone()[0]


def test_clicking_an_event_shows_its_evidence(page, ledger, base_url, tmp_path):
    # one event left on the map: click its marker
    after_refresh(page, lambda: (page.fill("#f-minfat", "200"), page.press("#f-minfat", "Tab")))
    assert state(page)["markers"] == 1
    page.click(".ev-marker")
    page.wait_for_selector("#evidence .mention")
    event_id = page.get_attribute("#panel", "data-event-id")
    ev = httpx.get(f"{base_url}/api/events/{event_id}").json()
    assert ev["fatalities"] >= 200
    sentences = page.locator("#evidence .sentence").all_inner_texts()
    assert [s.strip() for s in sentences] == [m["sentence"].strip() for m in ev["mentions"]]
    marks = page.locator("#evidence mark").all_inner_texts()
    assert marks, "matched spans are highlighted"
    assert all(any(m.lower() in s.lower() for s in sentences) for m in marks)
    assert page.inner_text("#event-claim") == ev["claim_status"]
    assert page.locator("#claim-reasons li").count() == len(ev["claim_reasons"]) > 0
    assert all(src in page.inner_text("#panel") for src in ev["sources"])

    # and from the table, a row with highlighted evidence, for the README's screenshot
    after_refresh(page, lambda: page.click("#f-reset"))
    page.click("#events th[data-sort=fatalities]")
    page.click("#events th[data-sort=fatalities]")
    page.wait_for_selector("#events th.desc[data-sort=fatalities]")
    row = page.locator("#events tbody tr", has_text="Chemical weapon").first
    chosen = row.get_attribute("data-event-id")
    row.click()
    # the panel still shows the event clicked above (with marks of its own) until this one loads
    page.wait_for_selector(f'#panel[data-event-id="{chosen}"] #evidence mark')
    assert "nerve agent" in page.inner_text("#evidence").lower()
    page.evaluate("() => window.frontlines.state.map.fitBounds([[31.5, 34.5], [37.6, 43.5]])")
    page.wait_for_timeout(600)
    shot = SCREENSHOT if os.environ.get("FRONTLINES_UPDATE_SCREENSHOT") == "1" else tmp_path / "screenshot.png"
    shot.parent.mkdir(exist_ok=True)
    page.screenshot(path=str(shot))
    assert shot.stat().st_size > 20000


def test_article_text_with_script_shows_as_text(page):
    page.fill("#f-q", "window.__pwned")
    page.wait_for_function("() => document.querySelector('#events').dataset.total === '1' && document.body.dataset.loading === 'false'")
    page.locator("#events tbody tr").first.click()
    page.wait_for_selector("#evidence .mention")
    evidence = page.inner_text("#evidence")
    assert "<script>window.__pwned = 1;" in evidence
    # the headline and the lead are one incident: open the article from the lead's mention
    lead = page.locator("#evidence .mention", has_text="Idlib, Tue 05 Jul 2016")
    lead.locator("button.open-article").click()
    page.wait_for_selector("#article-view:not([hidden])")
    text = page.inner_text("#article-text")
    assert "<script>window.__pwned = 1</script>" in page.inner_text("#article-title")
    assert '<img src=x onerror="window.__pwned = 2">' in text
    assert page.inner_text("#article-evidence").startswith("Idlib, Tue 05 Jul 2016")
    assert page.locator("#panel script, #article-view script, #article-view img, #panel img").count() == 0
    assert page.evaluate("() => window.__pwned === undefined") and page.title() != "pwned"
    page.keyboard.press("Escape")
    assert page.locator("#article-view").is_hidden()


def test_docs_render_offline(browser, base_url):
    """/docs draws Swagger UI's operations from files this server serves: nothing leaves
    localhost and the Content-Security-Policy blocks nothing."""
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    outside: list[str] = []
    pg.on("request", lambda r: outside.append(r.url) if not r.url.startswith((base_url, "data:")) else None)
    pg.goto(base_url + "/docs")
    pg.wait_for_selector(".opblock-summary-path", timeout=20000)
    paths = {t.strip().replace("\u200b", "") for t in pg.locator(".opblock-summary-path").all_inner_texts()}
    assert {"/api/events", "/api/events/{event_id}", "/api/summary", "/api/facets"} <= paths
    assert pg.locator(".opblock-get").count() == len(httpx.get(base_url + "/openapi.json").json()["paths"])
    pg.locator(".opblock-summary-path", has_text="/api/summary").first.click()  # an operation opens: its parameters show
    pg.wait_for_selector(".parameters-container .parameter__name")
    assert not errors, errors
    assert not outside, f"/docs must work offline, it asked for {outside}"
    context.close()


def test_only_http_links_are_links(page, ledger, base_url):
    """An article URL of another scheme (javascript:, data:) shows as text, never as a link."""
    import json

    with sqlite3.connect(ledger) as conn:
        event_id, mentions = conn.execute("SELECT event_id, mentions FROM events WHERE corroborated = 1 AND json_array_length(mentions) >= 1 LIMIT 1").fetchone()
        mentions = json.loads(mentions)
        urls = ["javascript:window.__pwned=3", "data:text/html,<script>window.__pwned=4</script>", " JavaScript:window.__pwned=5", "https://example.org/report"]
        mentions = [{**mentions[i % len(mentions)], "url": u, "char_start": i} for i, u in enumerate(urls)]
        conn.execute("UPDATE events SET mentions = ? WHERE event_id = ?", (json.dumps(mentions), event_id))
    page.evaluate("(id) => window.frontlines.showEvent(id)", event_id)
    page.wait_for_selector(f'#panel[data-event-id="{event_id}"] #evidence .mention')
    hrefs = page.locator("#evidence a").evaluate_all("(links) => links.map((a) => a.href)")
    assert hrefs == ["https://example.org/report"]
    shown = page.inner_text("#evidence")
    assert "javascript:window.__pwned=3" in shown and "data:text/html" in shown, "other schemes show as text"
    page.locator("#evidence .original.url").first.click()
    assert page.evaluate("() => window.__pwned === undefined")
