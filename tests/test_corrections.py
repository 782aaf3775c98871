"""Analysts' corrections and retractions (frontlines.corrections): kept through later runs
and new articles, recorded in the event's history, exported, shown by the API."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import frontlines
from frontlines import export
from frontlines.cli import main
from frontlines.corrections import FIELDS, apply_corrections, correct, locate, parse_assignments, retract, unretract
from frontlines.errors import BadCorrection, RetractionState, UnknownArticle, UnknownEvent
from frontlines.records import Event
from frontlines.store import Store

# A market strike told by a wire and a local outlet (58 dead), an attack told by one
# article (which also yields a second, claimed clash), and a later agency report of the
# market strike with a lower toll. Written for these tests.
MARKET_WIRE = {
    "url": "https://example.org/wire/idlib-market-strike", "outlet": "Reuters", "published": "2017-05-10",
    "text": "Air strikes kill 58 at market in Syria's Maarat al-Numan\n\nBEIRUT (Reuters) - Air strikes hit a crowded "
    "vegetable market in the town of Maarat al-Numan in Idlib province on Tuesday, killing 58 people, the Syrian "
    "Observatory for Human Rights said.\n\nRescue workers were still pulling bodies from the rubble in the evening, "
    "the Britain-based monitor said.\n\n(Reporting by Beirut newsroom)",
}  # fmt: skip
MARKET_LOCAL = {
    "url": "https://example.org/local/maarat-market", "outlet": "Enab Baladi", "published": "2017-05-10",
    "text": "Warplanes strike Maarat al-Numan market\n\nEnab Baladi's correspondent in Maarat al-Numan said warplanes "
    "struck the town's vegetable market on Tuesday, killing 58 civilians, among them children.\n\nThe local council "
    "called on aid groups to send blood and medicine to the town's only hospital.",
}  # fmt: skip
AIRPORT = {
    "url": "https://example.org/wire/deir-airport-attack", "outlet": "Reuters", "published": "2017-05-12",
    "text": "Islamic State attacks army positions near Deir ez-Zor airport\n\nBEIRUT (Reuters) - Islamic State fighters "
    "attacked army positions near the military airport of Deir ez-Zor on Thursday, killing 12 soldiers, the Syrian "
    "Observatory for Human Rights said.\n\nThe army said it repelled the assault.\n\n(Reporting by Beirut newsroom)",
}  # fmt: skip
MARKET_LATER = {
    "url": "https://example.org/agency/maarat-civil-defence", "outlet": "Anadolu Agency", "published": "2017-05-11",
    "text": "Civil defence counts dead after market strike in Idlib\n\nAn air strike on the vegetable market of Maarat "
    "al-Numan in Idlib province on Tuesday killed at least 40 people, according to the civil defence.\n\nVolunteers "
    "said the search for survivors ended on Wednesday.",
}  # fmt: skip
NOTE = "Idlib health directorate list of 13 May names 86 dead"


def _write(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


@pytest.fixture
def ledger(gazetteer, tmp_path):
    """A ledger of the first three articles; ``run(records)`` adds more."""
    db = tmp_path / "ledger.db"
    opts = frontlines.Options(gazetteer_path=gazetteer.path)
    n = [0]

    def run(records):
        n[0] += 1
        return frontlines.run([str(_write(tmp_path / f"in{n[0]}.jsonl", records))], db, workers=1, options=opts)

    run([MARKET_WIRE, MARKET_LOCAL, AIRPORT])
    return db, run


def _events(db) -> list[dict]:
    with Store(db) as s:
        return list(s.events())


def _market(db) -> dict:
    found = [e for e in _events(db) if any("market" in m["sentence"] for m in e["mentions"])]
    assert len(found) == 1, [(e["event_id"], e["sub_event_type"]) for e in found]
    return found[0]


def _article(db, url: str) -> str:
    with Store(db) as s:
        return s.conn.execute("SELECT article_id FROM articles WHERE url = ?", (url,)).fetchone()[0]


def _urls(ev: dict) -> set[str]:
    return {m["url"] for m in ev["mentions"]}


def test_a_correction_is_kept_when_a_new_article_joins_the_event(ledger):
    db, run = ledger
    ev = _market(db)
    assert ev["fatalities"] == 58 and ev["source_count"] == 2
    with Store(db) as s:
        got = correct(s, ev["event_id"], ["fatalities=86"], NOTE)
    assert got.fatalities == 86 and got.fatalities_high == 86  # the range widens to hold it
    # a lower toll from one more origin: stage 7 alone keeps 58, the lowest figure that two
    # origins give, and widens the range to 40
    run([MARKET_LATER])
    after = _market(db)
    assert after["event_id"] == ev["event_id"] and _urls(after) == {MARKET_WIRE["url"], MARKET_LOCAL["url"], MARKET_LATER["url"]}
    assert after["fatalities"] == 86 and after["source_count"] == 3
    fat = next(c for c in after["corrections"] if c["field"] == "fatalities")
    assert (fat["value"], fat["computed"], fat["note"], fat["implied_by"]) == (86, 58, NOTE, None)
    assert after["fatalities_low"] == 40 and after["fatalities_high"] == 86
    assert "Corrected by an analyst: fatalities 86 (computed 58)" in after["notes"]
    # the history has the correction with its time and note, and the new article's changes
    with Store(db) as s:
        hist = s.event_history(ev["event_id"])
    row = next(h for h in hist if h["kind"] == "correction" and h["field"] == "fatalities")
    assert (row["old_value"], row["new_value"], row["note"]) == ("58", "86", NOTE) and row["changed_at"]
    assert any(h["field"] == "source_count" and h["new_value"] == "3" and h["kind"] is None for h in hist)
    # a re-run of the same input changes nothing, the correction included
    again = run([MARKET_WIRE, MARKET_LOCAL, AIRPORT, MARKET_LATER])
    assert again.added == 0 and _market(db) == after


def test_later_corrections_win_and_several_fields_go_at_once(ledger):
    db, _ = ledger
    ev = _market(db)
    with Store(db) as s:
        correct(s, ev["event_id"], ["fatalities=86"], NOTE)
        got = correct(s, ev["event_id"], ["fatalities=90", "sub_event_type=shelling/artillery/missile attack", "civilian_targeting=yes"], "artillery craters; 4 more bodies")
    after = _market(db)
    assert after["fatalities"] == 90 and after["sub_event_type"] == "Shelling/artillery/missile attack"
    assert after["event_type"] == "Explosions/Remote violence" and after["civilian_targeting"] is True
    assert {c["field"]: c["computed"] for c in after["corrections"] if c["field"] != "notes"}["fatalities"] == 58
    assert [c["field"] for c in after["corrections"]].count("fatalities") == 1
    assert got.fatalities == 90


def test_bad_corrections_are_usage_errors_that_list_the_accepted_forms(ledger):
    db, _ = ledger
    eid = _market(db)["event_id"]
    cli = CliRunner()
    bad = [
        ["--set", "fatality=86"],  # unknown field
        ["--set", "fatalities=eighty"],  # not a number
        ["--set", "fatalities=-3"],
        ["--set", "event_date=13/05/2017"],
        ["--set", "claim_status=probable"],
        ["--set", "fatalities"],  # no value
        ["--set", "fatalities_high=10"],  # below the count
        ["--set", "event_type=Protests"],  # the sub-event type is an explosion
        ["--set", "mentions=[]"],  # the evidence is not edited by hand
    ]
    for args in bad:
        res = cli.invoke(main, ["correct", eid, *args, "--note", "x", "--db", str(db)])
        assert res.exit_code == 2, (args, res.output)
        assert "E802" in res.output, res.output
    res = cli.invoke(main, ["correct", eid, "--set", "fatality=86", "--note", "x", "--db", str(db)])
    assert all(name in res.output for name in ("fatalities", "event_date", "claim_status", "sub_event_type"))
    res = cli.invoke(main, ["correct", "0000000000000000", "--set", "fatalities=86", "--note", "x", "--db", str(db)])
    assert res.exit_code == 1 and "E801" in res.output
    assert _market(db)["corrections"] == []  # nothing half-done
    res = cli.invoke(main, ["correct", eid, "--set", "fatalities=86", "--note", NOTE, "--db", str(db)])
    assert res.exit_code == 0, res.output
    assert _market(db)["fatalities"] == 86
    with Store(db) as s, pytest.raises(BadCorrection):
        correct(s, eid, ["fatalities=87"], "  ")  # a correction says why
    with Store(db) as s, pytest.raises(UnknownEvent):
        correct(s, "no-such-event", {"fatalities": 3}, NOTE)


def test_every_field_parses_its_own_forms():
    vals = parse_assignments([
        "event_date=2017-05-09", "time_precision=2", "inter2=null", "latitude=35.65", "geonameid=none",
        "civilian_targeting=false", "iso3=syr", "sources=Reuters; Enab Baladi;", "claim_status=Disputed",
    ])  # fmt: skip
    assert vals == {
        "event_date": "2017-05-09", "time_precision": 2, "inter2": None, "latitude": 35.65, "geonameid": None,
        "civilian_targeting": False, "iso3": "SYR", "sources": ["Enab Baladi", "Reuters"], "claim_status": "disputed",
    }  # fmt: skip
    for bad in (["time_precision=4"], ["latitude=91"], ["event_date=2017-02-30"], ["actor1="], ["fatalities=1.5"], ["x=1"],
                ["fatalities=3", "fatalities=4"]):  # fmt: skip
        with pytest.raises(BadCorrection):
            parse_assignments(bad)
    assert "event_id" not in FIELDS and "mentions" not in FIELDS


def _event(**kw) -> Event:
    base = dict(
        event_id="e1", event_date="2017-05-09", time_precision=1, event_type="Explosions/Remote violence",
        sub_event_type="Air/drone strike", actor1="Military Forces of Syria (2000-)", assoc_actor_1=None, inter1=1,
        actor2="Civilians (Syria)", assoc_actor_2=None, inter2=7, interaction=17, civilian_targeting=True,
        country="Syria", iso3="SYR", admin1="Idlib", admin2=None, location="Maarat al-Numan", latitude=35.65,
        longitude=36.67, geo_precision=1, geonameid=None, fatalities=58, fatalities_low=40, fatalities_high=58,
        claim_status="confirmed", sources=["Reuters"], source_count=1, independent_source_count=1, notes="58 killed.",
        mentions=[],
    )  # fmt: skip
    base.update(kw)
    return Event(**base)


def test_apply_corrections_is_pure_idempotent_and_undoable():
    ev = _event()
    c1 = {"correction_id": "a", "field": "fatalities", "value": 86, "note": NOTE, "at": "2017-05-13T10:00:00+00:00"}
    c2 = {"correction_id": "b", "field": "inter2", "value": 2, "note": "rebels, not civilians", "at": "2017-05-14T10:00:00+00:00"}
    out = apply_corrections(ev, [c2, c1])
    assert ev.fatalities == 58 and ev.corrections == []  # the input is untouched
    assert (out.fatalities, out.fatalities_high, out.fatalities_low, out.inter2, out.interaction) == (86, 86, 40, 2, 12)
    assert apply_corrections(out, [c1, c2]) == out  # applying again changes nothing
    assert apply_corrections(out, []).fatalities == 58  # no corrections: stage 7's values back
    later = {**c1, "correction_id": "c", "value": 50, "at": "2017-05-15T10:00:00+00:00"}
    again = apply_corrections(out, [c1, c2, later])
    assert again.fatalities == 50 and again.fatalities_high == 58  # the latest wins; 50 fits the range
    assert {e["field"] for e in again.corrections} == {"fatalities", "inter2", "interaction", "notes"}


def test_locate_follows_the_reports_a_correction_was_anchored_to():
    c = {"correction_id": "a", "event_id": "old", "mention_ids": ["r1", "r2", "r3"]}
    # the event was re-clustered: two of its three reports are now in "new", one in "other"
    assert locate([c], {"new": {"r1", "r2", "r9"}, "other": {"r3"}}, {}) == {"new": [c]}
    # most of them sit in an event not rebuilt now: nothing to apply in this pass
    assert locate([c], {"new": {"r1"}}, {"r2": "kept", "r3": "kept"}) == {}
    # a tie goes to the event the correction was made on
    assert locate([c], {"x": {"r1"}, "old": {"r2"}}, {}) == {"old": [c]}
    # every anchored report gone (retracted): it stays with its own event id
    assert locate([c], {"old": {"r7"}}, {}) == {"old": [c]}


def test_a_correction_follows_its_reports_when_stage_7_renames_the_event(ledger):
    db, run = ledger
    ev = _market(db)
    with Store(db) as s:
        correct(s, ev["event_id"], ["fatalities=86"], NOTE)
        # what a re-clustering that renames the event leaves in the ledger: the same reports
        # under another event id, the correction still filed under the old one
        with s.conn:
            s.conn.execute("UPDATE events SET event_id = 'renamed0000000000' WHERE event_id = ?", (ev["event_id"],))
            s.conn.execute("UPDATE mentions SET event_id = 'renamed0000000000' WHERE event_id = ?", (ev["event_id"],))
    run([MARKET_LATER])
    after = _market(db)
    # stage 7 names the event after its earliest report again; the correction went with it
    assert after["event_id"] == ev["event_id"] and after["source_count"] == 3
    assert after["fatalities"] == 86 and any(c["field"] == "fatalities" and c["computed"] == 58 for c in after["corrections"])


def test_retracting_an_article_rebuilds_its_events_and_later_runs_keep_it_out(ledger):
    db, run = ledger
    run([MARKET_LATER])
    ev = _market(db)
    # the civil defence's lone 40 disputes the 58 that two origins give: 58 kept, range 40-58
    assert (ev["fatalities"], ev["fatalities_low"]) == (58, 40) and ev["claim_status"] == "disputed" and ev["source_count"] == 3
    later = _article(db, MARKET_LATER["url"])
    airport = _article(db, AIRPORT["url"])
    airport_events = [e["event_id"] for e in _events(db) if _urls(e) == {AIRPORT["url"]}]
    assert airport_events
    with Store(db) as s:
        summary = retract(s, later, "Anadolu corrected its story: the 40 were counted at one hospital only")
    assert summary.events == [ev["event_id"]] and summary.retired == [] and summary.rebuilt == [ev["event_id"]]
    after = _market(db)
    assert after["event_id"] == ev["event_id"] and _urls(after) == {MARKET_WIRE["url"], MARKET_LOCAL["url"]}
    assert (after["fatalities"], after["source_count"], after["claim_status"]) == (58, 2, "confirmed")
    with Store(db) as s:
        hist = s.event_history(ev["event_id"])
        assert s.retraction(later)["note"].startswith("Anadolu corrected")
    row = next(h for h in hist if h["kind"] == "retraction")
    assert (row["article_id"], row["field"], row["old_value"], row["new_value"]) == (later, "reports", "3", "2")
    assert row["note"].startswith("Anadolu corrected") and row["changed_at"]
    assert any(h["field"] == "fatalities_low" and (h["old_value"], h["new_value"]) == ("40", "58") for h in hist)
    # an event held by that article alone is retired
    with Store(db) as s:
        gone = retract(s, airport, "wrong town: the attack was in Mayadin")
        with pytest.raises(RetractionState):
            retract(s, airport, "twice")
        with pytest.raises(UnknownArticle):
            retract(s, "0" * 16, "no such article")
    assert sorted(gone.retired) == sorted(airport_events)
    assert not {e["event_id"] for e in _events(db)} & set(airport_events)
    # the same input again: the retracted articles stay out
    again = run([MARKET_WIRE, MARKET_LOCAL, AIRPORT, MARKET_LATER])
    assert again.added == 0
    assert _market(db) == after and not {e["event_id"] for e in _events(db)} & set(airport_events)
    # and an undo brings them back where they were
    with Store(db) as s:
        assert unretract(s, later, "retracted by mistake") == [ev["event_id"]]
        unretract(s, airport, "retracted by mistake")
        with pytest.raises(RetractionState):
            unretract(s, airport, "not retracted now")
        assert s.retractions() == []
    back = _market(db)
    assert (back["fatalities"], back["fatalities_low"]) == (58, 40) and back["source_count"] == 3
    assert set(airport_events) <= {e["event_id"] for e in _events(db)}


def test_a_correction_survives_the_retraction_of_an_article_of_its_event(ledger):
    db, run = ledger
    run([MARKET_LATER])
    ev = _market(db)
    with Store(db) as s:
        correct(s, ev["event_id"], ["fatalities=86"], NOTE)
        retract(s, _article(db, MARKET_WIRE["url"]), "the wire withdrew the story")
    after = _market(db)
    assert after["event_id"] == ev["event_id"] and after["source_count"] == 2
    assert after["fatalities"] == 86


def test_the_cli_retracts_and_undoes(ledger):
    db, _ = ledger
    aid = _article(db, MARKET_LOCAL["url"])
    before = _market(db)
    cli = CliRunner()
    res = cli.invoke(main, ["retract", aid, "--note", "the outlet removed the page", "--db", str(db)])
    assert res.exit_code == 0, res.output
    after = _market(db)
    assert after["source_count"] == 1 and _urls(after) == {MARKET_WIRE["url"]}
    if after["event_id"] != before["event_id"]:  # its id was the retracted report's: the change is logged
        with Store(db) as s:
            assert ("merge", after["event_id"], before["event_id"]) in {(c["kind"], c["event_id"], c["other_event_id"]) for c in s.event_changes()}
    res = cli.invoke(main, ["retract", aid, "--note", "again", "--db", str(db)])
    assert res.exit_code == 1 and "E804" in res.output
    res = cli.invoke(main, ["retract", aid, "--db", str(db)])
    assert res.exit_code == 2  # the note is required
    res = cli.invoke(main, ["retract", aid, "--undo", "--note", "page restored", "--db", str(db)])
    assert res.exit_code == 0, res.output
    assert _market(db)["source_count"] == 2


def test_exports_carry_the_corrections(ledger):
    db, _ = ledger
    ev = _market(db)
    with Store(db) as s:
        correct(s, ev["event_id"], ["fatalities=86"], NOTE)
    events = _events(db)

    def text(fmt):
        buf = io.StringIO(newline="")
        export.write(events, fmt, buf)
        return buf.getvalue()

    recs = {r["event_id"]: r for r in map(json.loads, text("jsonl").splitlines())}
    assert list(recs[ev["event_id"]])[-1] == "corrections"
    assert [(c["field"], c["value"], c["computed"]) for c in recs[ev["event_id"]]["corrections"] if c["field"] != "notes"] == [("fatalities", 86, 58), ("fatalities_high", 86, 58)]
    assert all(r["corrections"] == [] for k, r in recs.items() if k != ev["event_id"])
    for fmt, key in (("csv", "event_id"), ("acled", "frontlines_event_id")):
        rows = list(csv.DictReader(io.StringIO(text(fmt))))
        assert list(rows[0])[-1] == "corrections"
        row = next(r for r in rows if r[key] == ev["event_id"])
        assert row["fatalities"] == "86" and f"fatalities=86 (computed 58; {NOTE};" in row["corrections"]
    feats = {f["id"]: f for f in json.loads(text("geojson"))["features"]}
    assert list(feats[ev["event_id"]]["properties"])[-1] == "corrections"
    assert feats[ev["event_id"]]["properties"]["corrections"][0]["note"] == NOTE


def test_the_event_api_shows_corrections_and_their_history(ledger):
    import httpx

    from frontlines.web import running

    db, _ = ledger
    ev = _market(db)
    with Store(db) as s:
        correct(s, ev["event_id"], ["fatalities=86"], NOTE)
    with running(db) as base, httpx.Client(base_url=base, timeout=30) as client:
        body = client.get(f"/api/events/{ev['event_id']}").json()
    assert body["fatalities"] == 86
    assert any(c["field"] == "fatalities" and c["note"] == NOTE for c in body["corrections"])
    assert any(h.get("kind") == "correction" and h.get("note") == NOTE for h in body["history"])


def test_corrections_and_retractions_on_postgresql(gazetteer, tmp_path, postgres_db):
    opts = frontlines.Options(gazetteer_path=gazetteer.path)
    frontlines.run([str(_write(tmp_path / "a.jsonl", [MARKET_WIRE, MARKET_LOCAL, AIRPORT]))], postgres_db, workers=1, options=opts)
    ev = _market(postgres_db)
    with Store(postgres_db) as s:
        correct(s, ev["event_id"], ["fatalities=86"], NOTE)
    frontlines.run([str(_write(tmp_path / "b.jsonl", [MARKET_LATER]))], postgres_db, workers=1, options=opts)
    assert _market(postgres_db)["fatalities"] == 86
    with Store(postgres_db) as s:
        later = s.conn.execute("SELECT article_id FROM articles WHERE url = ?", (MARKET_LATER["url"],)).fetchone()[0]
        retract(s, later, "withdrawn")
        hist = s.event_history(ev["event_id"])
    after = _market(postgres_db)
    assert after["source_count"] == 2 and after["fatalities"] == 86
    assert {h["kind"] for h in hist} >= {"correction", "retraction"}


@pytest.mark.skipif(not Path("/usr/bin/chromium").exists(), reason="Debian's chromium is not installed (apt-get install chromium)")
def test_the_map_panel_shows_corrections_and_history(ledger):
    from playwright.sync_api import sync_playwright

    from frontlines.web import running

    db, _ = ledger
    ev = _market(db)
    with Store(db) as s:
        correct(s, ev["event_id"], ["fatalities=86"], NOTE)
    with running(db) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu", "--no-first-run"])
        try:
            page = browser.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(base + "/")
            page.wait_for_selector("body[data-ready=true]", timeout=20000)
            page.click(f'#events tbody tr[data-event-id="{ev["event_id"]}"]')
            page.wait_for_selector(f'#panel[data-event-id="{ev["event_id"]}"] #corrections li')
            items = page.locator("#corrections li").all_inner_texts()
            history = page.inner_text("#history")
        finally:
            browser.close()
    assert not errors, errors
    assert any(t.startswith("fatalities: 86 (computed 58)") and NOTE in t for t in items), items
    assert f"fatalities: 58 → 86 [correction: {NOTE}]" in history


def test_a_new_cluster_never_takes_an_id_in_use():
    """The report that first named an event comes back on its own (an undone retraction)
    while the event's other reports held its id: the two never share it."""
    from frontlines.corroborate import Report, assign_ids, new_event_id

    def rep(rid: str) -> Report:
        return Report(rid, "article-" + rid, "explosion", "Air/drone strike", 1, 1, 1, 1, order=("2017-05-10", rid))

    named = new_event_id("r1")
    for clusters in ([[rep("r1")], [rep("r2"), rep("r3")]], [[rep("r2"), rep("r3")], [rep("r1")]]):
        out, changes, retired = assign_ids(clusters, {"r2": named, "r3": named})
        ids = {tuple(m.report_id for m in a.members): a.event_id for a in out}
        # events are named after their earliest report: r1 takes its name back, the others
        # are renamed after r2, and the log says so
        assert ids[("r1",)] == named and ids[("r2", "r3")] == new_event_id("r2") and not retired
        assert [(c.kind, c.event_id, c.other_event_id) for c in changes] == [("rename", new_event_id("r2"), named)]
