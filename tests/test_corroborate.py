"""Stage 7, corroboration: the gold article sets (tests/corroboration/gold.yaml), stable ids
across re-runs, input orders and incremental additions, history and the merge/split log."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
import yaml

import frontlines
from frontlines.corroborate import Clusterer, Report, assign_ids, new_event_id
from frontlines.store import Store

HERE = Path(__file__).resolve().parent / "corroboration"
GOLD = yaml.safe_load((HERE / "gold.yaml").read_text(encoding="utf-8"))["sets"]
ALL_FILES = sorted(HERE.glob("*.jsonl"))


def _records() -> list[dict]:
    return [json.loads(line) for f in ALL_FILES for line in f.read_text(encoding="utf-8").splitlines() if line.strip()]


def _write(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def _events(db) -> list[dict]:
    with Store(db) as s:
        return list(s.events())


def _articles(ev: dict) -> set[str]:
    return {m["url"] for m in ev["mentions"]}


def _partition(events: list[dict]) -> set[frozenset]:
    return {frozenset((m["article_id"], m["char_start"]) for m in ev["mentions"]) for ev in events}


@pytest.fixture(scope="module")
def batch(gazetteer, tmp_path_factory):
    db = tmp_path_factory.mktemp("corr") / "batch.db"
    frontlines.run([str(f) for f in ALL_FILES], db, workers=1, options=frontlines.Options(gazetteer_path=gazetteer.path))
    return db, _events(db)


def _find(events: list[dict], spec: dict) -> dict:
    first = spec["articles"][0]
    cands = [e for e in events if e["sub_event_type"] == spec["sub_event_type"] and first in _articles(e)]
    assert cands, f"no {spec['sub_event_type']} event holds {first}"
    return max(cands, key=lambda e: len(_articles(e) & set(spec["articles"])))


CASES = [(name, ev) for name, s in GOLD.items() for ev in s["events"]]


@pytest.mark.parametrize("set_name,spec", CASES, ids=[f"{n}:{e['name']}" for n, e in CASES])
def test_gold_event(batch, set_name, spec):
    _, events = batch
    ev = _find(events, spec)
    assert _articles(ev) == set(spec["articles"]), ev["notes"]
    for key, want in spec.items():
        if key in ("name", "articles", "sub_event_type"):
            continue
        assert ev[key] == want, f"{spec['name']}: {key} is {ev[key]!r}, gold {want!r} ({ev['notes']})"


@pytest.mark.parametrize("set_name", [n for n, s in GOLD.items() if s.get("apart")])
def test_gold_apart(batch, set_name):
    _, events = batch
    by_name = {e["name"]: _find(events, e) for e in GOLD[set_name]["events"]}
    for a, b in GOLD[set_name]["apart"]:
        assert by_name[a]["event_id"] != by_name[b]["event_id"]


def test_reprint_never_counts_as_a_witness(batch):
    _, events = batch
    ev = _find(events, GOLD["four_outlets"]["events"][0])
    origins = {o["origin"] for o in ev["origins"]}
    assert "Qasioun News" not in origins and "Al Araby" not in origins
    reprint = [m for m in ev["mentions"] if "qasioun" in m["url"]]
    assert reprint and all(m["reprint_of"] and not m["independent"] for m in reprint)
    relay = [m for m in ev["mentions"] if "alaraby" in m["url"]]
    assert relay and all(m["origin"] == "AFP" for m in relay)


def test_disputed_toll_is_in_notes_with_who_said_what(batch):
    _, events = batch
    ev = _find(events, GOLD["four_outlets"]["events"][0])
    assert "disputed" in ev["notes"].lower() and "12" in ev["notes"] and "19" in ev["notes"]
    used = {tuple(f["used_for"]): f["outlet"] for f in ev["fatality_sources"] if f["used_for"]}
    assert any("fatalities_high" in k and v == "Enab Baladi" for k, v in used.items())
    toll = _find(events, GOLD["toll_update"]["events"][0])
    assert "rose" in toll["notes"] and "disputed" not in toll["notes"].lower()


def test_same_input_in_another_order_gives_the_same_ids(batch, gazetteer, tmp_path):
    _, events = batch
    recs = _records()
    random.Random(7).shuffle(recs)
    db = tmp_path / "shuffled.db"
    frontlines.run([str(_write(tmp_path / "shuffled.jsonl", recs))], db, workers=1, options=frontlines.Options(gazetteer_path=gazetteer.path))
    again = _events(db)
    assert {e["event_id"]: _articles(e) for e in again} == {e["event_id"]: _articles(e) for e in events}


def test_rerun_changes_nothing(batch, gazetteer):
    db, events = batch
    with Store(db) as s:
        history = len(s.event_history())
    summary = frontlines.run([str(f) for f in ALL_FILES], db, workers=1, options=frontlines.Options(gazetteer_path=gazetteer.path))
    assert summary.added == 0
    assert _events(db) == events
    with Store(db) as s:
        assert len(s.event_history()) == history


def test_articles_added_later_join_the_same_events(batch, gazetteer, tmp_path):
    _, events = batch
    opts = frontlines.Options(gazetteer_path=gazetteer.path)
    recs = sorted(_records(), key=lambda r: (r["published"], r["url"]))
    days = sorted({r["published"] for r in recs})
    chrono = tmp_path / "chrono.db"
    for day in days:  # a daily feed: each day's articles in one run
        frontlines.run([str(_write(tmp_path / f"{day}.jsonl", [r for r in recs if r["published"] == day]))], chrono, workers=1, options=opts)
    # in publication order the ids are those of a single run
    assert {e["event_id"]: _articles(e) for e in _events(chrono)} == {e["event_id"]: _articles(e) for e in events}
    backwards = tmp_path / "backwards.db"
    for i, r in enumerate(reversed(recs)):
        frontlines.run([str(_write(tmp_path / f"b{i}.jsonl", [r]))], backwards, workers=1, options=opts)
    # in any order the same reports end up together
    assert _partition(_events(backwards)) == _partition(events)


def test_claim_stays_claimed_until_an_independent_origin_reports_it(gazetteer, tmp_path):
    opts = frontlines.Options(gazetteer_path=gazetteer.path)
    recs = {r["url"]: r for r in _records()}
    spec = GOLD["claim_denied"]["events"][1]
    claim, confirmation = (recs[u] for u in spec["articles"])
    db = tmp_path / "claim.db"
    frontlines.run([str(_write(tmp_path / "a.jsonl", [claim]))], db, workers=1, options=opts)
    ev = _find(_events(db), {**spec, "articles": spec["articles"][:1]})
    assert ev["claim_status"] == "claimed"
    frontlines.run([str(_write(tmp_path / "b.jsonl", [confirmation]))], db, workers=1, options=opts)
    after = _find(_events(db), spec)
    assert after["event_id"] == ev["event_id"] and after["claim_status"] == "reported"
    with Store(db) as s:
        hist = s.event_history(ev["event_id"])
        reuters = next(r["article_id"] for r in s.event_reports(ev["event_id"]) if r["record"]["mentions"][0]["url"] == confirmation["url"])
    changed = {(h["field"], h["old_value"], h["new_value"], h["article_id"]) for h in hist}
    assert ("claim_status", "claimed", "reported", reuters) in changed
    assert ("source_count", "1", "2", reuters) in changed


def test_export_carries_the_new_fields(batch):
    from io import StringIO

    from frontlines.export import write

    _, events = batch
    out = StringIO()
    write(events, "jsonl", out)
    rec = json.loads(out.getvalue().splitlines()[0])
    for key in ("origins", "fatality_sources", "independent_source_count", "claim_status"):
        assert key in rec
    assert {"origin", "reprint_of", "citation_chain", "independent"} <= set(rec["mentions"][0])
    out = StringIO()
    write(events, "acled", out)
    assert "independent_origins" in out.getvalue().splitlines()[0]


# -- the clustering and id rules on hand-made reports -----------------------------------
def _report(rid, article, day, lat=35.0, lon=36.0, admin1="Idlib", sub="Air/drone strike", actor1=None, published="2017-03-07"):
    return Report(
        report_id=rid, article_id=article, family="explosion", sub_event_type=sub, day=day, precision=1,
        anchor=day, slack=1, iso3="SYR", admin1=admin1, lat=lat, lon=lon, geonameid=None, precise=True,
        actor1=actor1, order=(published, rid),
    )  # fmt: skip


def test_clusterer_is_order_independent_and_respects_hard_limits():
    c = Clusterer()
    reps = [
        _report("a1", "A", 100), _report("b1", "B", 100, lat=35.01), _report("c1", "C", 100, lat=35.05),
        _report("d1", "D", 100, lat=35.6),  # 66 km north: another incident
        _report("a2", "A", 100, lat=35.0),  # the same article's second event never joins its first
        _report("e1", "E", 100, admin1="Hama"),
    ]  # fmt: skip
    groups = {frozenset(reps[i].report_id for i in g) for g in c.cluster(reps)}
    for seed in range(5):
        shuffled = reps[:]
        random.Random(seed).shuffle(shuffled)
        assert {frozenset(shuffled[i].report_id for i in g) for g in c.cluster(shuffled)} == groups
    together = next(g for g in groups if "a1" in g)
    assert {"b1", "c1"} <= together and "a2" not in together and "d1" not in together and "e1" not in together


def test_assign_ids_names_events_after_their_earliest_report_and_logs_changes():
    r = {k: _report(k, k.upper(), 100) for k in "abcd"}
    ea, eb, ec = new_event_id("a"), new_event_id("b"), new_event_id("c")
    # E(a) and E(c) merge: the merged event is named after its earliest report, a
    old = {"a": ea, "b": ea, "c": ec, "d": ec}
    out, changes, retired = assign_ids([[r["a"], r["b"], r["c"], r["d"]]], old)
    assert out[0].event_id == ea and retired == {ec}
    assert [(c.kind, c.event_id, c.other_event_id) for c in changes] == [("merge", ea, ec)]
    # E(a) splits: the part holding a keeps the id, the other is named after c
    old = {"a": ea, "b": ea, "c": ea}
    out, changes, retired = assign_ids([[r["a"], r["b"]], [r["c"]]], old)
    assert [o.event_id for o in out] == [ea, ec] and not retired
    assert [(c.kind, c.event_id, c.other_event_id) for c in changes] == [("split", ea, ec)]
    # an earlier report joins E(b): the event takes a's name, and the log says so
    old = {"b": eb, "c": eb}
    out, changes, retired = assign_ids([[r["a"], r["b"], r["c"]]], old)
    assert out[0].event_id == ea and retired == {eb}
    assert [(c.kind, c.event_id, c.other_event_id) for c in changes] == [("rename", ea, eb)]
    # the ids are those of one pass over everything, whatever was stored before
    assert [o.event_id for o in assign_ids([[r["a"], r["b"], r["c"]]], {})[0]] == [ea]


def test_disputed_toll_keeps_the_lowest_figure_that_two_origins_give():
    """Three origins agree on 31 dead, one gives 8 (an early or partial count): the lowest
    corroborated figure is kept, the lone one stays in the range; with no figure
    corroborated the lowest is kept (ACLED's conservative estimate)."""
    from frontlines.corroborate import EventBuilder
    from frontlines.provenance import Origin

    def run(figures):
        members, recs, origins, outlets = [], {}, {}, {}
        for k, (fig, origin, day) in enumerate(figures):
            r = _report(f"r{k}", f"a{k}", 736000, published=day)
            members.append(r)
            recs[r.report_id] = {"fatalities": fig, "mentions": [{"fields": {"fatalities": f"{fig} killed"}}]}
            origins[r.report_id] = [Origin(origin, False, "attributed")]
            outlets[r.report_id] = f"outlet{k}"
        return EventBuilder()._fatalities(members, recs, origins, outlets)

    toll = run([(31, "SOHR", "2016-06-03"), (8, "Civil Defence", "2016-06-03"), (31, "AFP", "2016-06-03"), (31, "Reuters", "2016-06-04")])
    assert toll["disputed"] and (toll["value"], toll["low"], toll["high"]) == (31, 8, 31)
    toll = run([(22, "SOHR", "2016-10-03"), (32, "Medical source", "2016-10-03"), (14, "Kurdish Red Crescent", "2016-10-03")])
    assert toll["disputed"] and toll["value"] == 14


# -- evidence of distinct incidents ([distinct] in corroboration.toml) ---------------------
def _distinct(reports) -> set[frozenset]:
    return {frozenset(reports[i].report_id for i in g) for g in Clusterer().cluster(reports)}


def _rep(rid, article, day, fat, *, sub="Air/drone strike", actor1=None, actor2=None, geonameid=None, lat=15.35, lon=44.2,
         vague=False, published=None, iso3="YEM", admin1="Amanat al Asimah"):  # fmt: skip
    r = _report(rid, article, day, lat=lat, lon=lon, admin1=admin1, sub=sub, actor1=actor1, published=published or "2015-09-0" + str(day % 9 + 1))
    r.iso3, r.fatalities, r.toll_vague, r.geonameid, r.actor2 = iso3, fat, vague, geonameid, actor2
    r.family = "explosion"
    return r


def test_true_duplicates_across_outlets_still_merge():
    """One strike on a Sanaa market told by three outlets on the day (18, 20, 21 dead), and a
    toll that rose from 12 to 30 by the next day's report, dated to the day after: one event each."""
    same_day = [_rep("a", "A", 736000, 18, actor1="Saudi-led Coalition"), _rep("b", "B", 736000, 20, actor1="Saudi-led Coalition"),
                _rep("c", "C", 736000, 21, actor1="Saudi-led Coalition", lat=15.36)]  # fmt: skip
    assert frozenset("abc") in _distinct(same_day)
    rising = [_rep("d", "D", 736000, 12, actor1="Saudi-led Coalition", published="2015-09-01"),
              _rep("e", "E", 736001, 30, actor1="Saudi-led Coalition", published="2015-09-02")]  # fmt: skip
    assert Clusterer().compatible(*rising) and frozenset("de") in _distinct(rising)


def test_another_day_and_another_toll_is_another_incident():
    """Shelling of Donetsk: 70 dead on one day, 4 the next (a toll never falls that far in an
    update); with 'dozens' (a vague toll) the next day's report may still be the same incident."""
    kw = dict(sub="Shelling/artillery/missile attack", iso3="UKR", admin1="Donetsk", lat=48.0, lon=37.8, actor1="Military Forces of Russia")
    c = Clusterer()
    assert _distinct([_rep("a", "A", 736000, 70, **kw), _rep("b", "B", 736001, 4, **kw)]) == {frozenset("a"), frozenset("b")}
    assert _distinct([_rep("a", "A", 736000, 70, **kw), _rep("b", "B", 736001, 30, vague=True, **kw)]) == {frozenset("ab")}
    # the same day: one incident whose counts disagree (a dispute, not two events)
    assert c.compatible(_rep("a", "A", 736000, 70, **kw), _rep("b", "B", 736000, 4, **kw))
    # a later day's higher figure: an update up to other_day_rising_ratio (12 -> 30), beyond it another incident
    assert c.compatible(_rep("a", "A", 736000, 12, **kw), _rep("b", "B", 736001, 30, **kw))
    assert not c.compatible(_rep("a", "A", 736000, 5, **kw), _rep("b", "B", 736001, 22, **kw))
    # a falling one: 12 then 5 a day later is another incident, 12 then 9 a correction
    assert not c.compatible(_rep("a", "A", 736000, 12, **kw), _rep("b", "B", 736001, 5, **kw))
    assert c.compatible(_rep("a", "A", 736000, 12, **kw), _rep("b", "B", 736001, 9, **kw))


def test_one_sides_shelling_and_the_others_air_raids_are_two_incidents():
    """El Fasher on one day: the RSF shells a market, the army's aircraft bomb an RSF position;
    their reports share the city and the day but not the attack nor the attacker."""
    kw = dict(iso3="SDN", admin1="North Darfur", lat=13.63, lon=25.35, geonameid=379252)
    shelling = _rep("a", "A", 736000, 9, sub="Shelling/artillery/missile attack", actor1="Rapid Support Forces", actor2="Civilians (Sudan)", **kw)
    raid = _rep("b", "B", 736000, 9, actor1="Military Forces of Sudan", actor2="Civilians (Sudan)", **kw)
    assert _distinct([shelling, raid]) == {frozenset("a"), frozenset("b")}
    # the other side's account of the same strike (each blames the other) is not kept apart by this rule
    other = _rep("c", "C", 736000, 9, actor1="Civilians (Sudan)", actor2="Rapid Support Forces", **kw)
    assert not Clusterer()._other_attack_other_side(shelling, other)


def test_other_sub_event_with_other_toll_and_other_town_with_other_toll():
    """Two outlets calling one strike shelling and an air raid with close counts stay one
    incident; with counts 3 and 18 they are two. Two towns 15 km apart with 2 and 11 dead: two."""
    kw = dict(iso3="MMR", admin1="Sagaing", lat=22.0, lon=95.1)
    c = Clusterer()
    a = _rep("a", "A", 736000, 30, geonameid=1, **kw)
    b = _rep("b", "B", 736000, 31, sub="Shelling/artillery/missile attack", geonameid=1, **kw)
    assert c.compatible(a, b)
    b.fatalities = 3
    assert not c.compatible(a, b) and c._other_kind_other_toll(a, b)
    town1 = _rep("t1", "T1", 736000, 2, geonameid=1298824, **kw)
    town2 = _rep("t2", "T2", 736000, 11, geonameid=1308465, **dict(kw, lat=22.12))
    assert c._other_place_other_toll(town1, town2) and not c.compatible(town1, town2)
    town2.fatalities = 3  # close counts: one incident told at two nearby towns may still join
    assert c.compatible(town1, town2)
