"""Each field resolver of ``frontlines.resolve`` on its own, on short hand-made sentences
whose annotation spans are written out here (no annotation stage runs)."""

from __future__ import annotations

import datetime as dt
import re
from types import SimpleNamespace

from frontlines.records import Article, Doc, OffsetMap, Sentence, Span
from frontlines.resolve import actors, claim, evidence, place, toll, trigger
from frontlines.resolve import date as dates

ARMY, RSF, CIVILIANS = 1, 2, 7  # inter codes: state forces, rebels, civilians


def make_doc(*paragraphs: list[str], published: dt.date | None = dt.date(2023, 5, 20), country: str | None = None) -> Doc:
    """A cleaned Doc whose sentences are the given strings, one list per paragraph."""
    text, sentences = "", []
    for p, sents in enumerate(paragraphs):
        for s in sents:
            if text:
                text += " " if sentences and sentences[-1].paragraph == p else "\n\n"
            sentences.append(Sentence(len(text), len(text) + len(s), p, s))
            text += s
    article = Article(article_id="a1", text=text, published=published, outlet="Test Wire")
    return Doc(article=article, text=text, offsets=OffsetMap.identity(len(text)), sentences=sentences, country_hint=country)


def span(doc: Doc, words: str, label: str, nth: int = 0, **attrs) -> Span:
    """The span of the ``nth`` occurrence of ``words`` in the doc, added to ``doc.spans``."""
    start = -1
    for _ in range(nth + 1):
        start = doc.text.index(words, start + 1)
    sp = Span(start, start + len(words), label, words, attrs)
    doc.spans.append(sp)
    return sp


def by_sentence(doc: Doc) -> dict[int, list[Span]]:
    out: dict[int, list[Span]] = {}
    for sp in sorted(doc.spans, key=lambda s: s.start):
        i = next(k for k, s in enumerate(doc.sentences) if s.start <= sp.start < s.end)
        out.setdefault(i, []).append(sp)
    return out


def sub_event(name: str, family: str = "battle", priority: int = 1, needs: str | None = None, event_type: str = "Battles"):
    return SimpleNamespace(name=name, event_type=event_type, family=family, priority=priority, needs=needs)


# -- trigger ------------------------------------------------------------------------------


def test_a_plan_governs_the_triggers_after_it_unless_dead_are_counted():
    doc = make_doc(["The army will soon launch an offensive to retake Bakhmut."])
    plan = span(doc, "will soon launch", "INTENTION", kind="plan")
    assert trigger.governing_intention([plan]) == plan.start
    killed = span(doc, "offensive", "CASUALTY", kind="killed")  # a toll: something happened
    assert trigger.governing_intention([plan, killed]) is None
    could = Span(0, 5, "INTENTION", "could", {"kind": "future"})
    assert trigger.governing_intention([could]) is None


CUES = {
    "intention": (re.compile(r"\bvowed to\b"), True),
    "negation": (re.compile(r"\b(?:did not|denied)\b"), True),
    "background": (re.compile(r"\bin 2013\b"), True),
    "accident": (re.compile(r"\baccident(?:al|ally)?\b"), True),
}
SCOPE = {"accident": frozenset({"Remote explosive/landmine/IED"})}
TH = {"cue_window_chars": 60}


def _why(sentence: str, trig: str, sub: str = "Armed clash") -> str | None:
    doc = make_doc([sentence])
    t = span(doc, trig, "TRIGGER", sub_event=sub)
    return trigger.cancel_reason(doc, doc.sentences[0], t, TH, CUES, SCOPE, {})


def test_cancel_reason_names_intention_negation_description_background_and_scoped_cues():
    assert _why("RSF commanders vowed to storm the base in El Fasher.", "storm") == "intention"
    assert _why("RSF commanders vowed to hold, as heavy clashes raged in El Fasher.", "clashes") is None
    assert _why("The ministry said its jets did not bomb the market in Idlib.", "bomb") == "negation"
    assert _why("The jets bombed, the ministry denied it, and more followed.", "bombed") == "negation"
    assert _why("Ahrar al-Sham, one of the groups that signed the truce, left.", "truce") == "description"
    assert _why("In 2013, a sarin attack hit Ghouta.", "attack") == "background"
    assert _why("A mine exploded accidentally in a depot near Kharkiv.", "mine", "Remote explosive/landmine/IED") == "accident"
    assert _why("A mine exploded accidentally in a depot near Kharkiv.", "exploded", "Armed clash") is None
    assert _why("Fighters clashed with soldiers near Kharkiv on Monday.", "clashed") is None


def test_candidates_skip_protest_words_without_protest_and_rank_the_backdrop_last():
    doc = make_doc(["Government forces retook Palmyra despite Russian air strikes.", "Supporters gathered outside.", "Hundreds marched."])
    retook = span(doc, "retook", "TRIGGER", sub_event="Government regains territory")
    strikes = span(doc, "air strikes", "TRIGGER", sub_event="Air/drone strike")
    subs = {
        "Government regains territory": sub_event("Government regains territory", "territory", 3, "state_actor1"),
        "Air/drone strike": sub_event("Air/drone strike", "explosion", 5),
        "Peaceful protest": sub_event("Peaceful protest", "protest", 2, "protest_context"),
    }
    got = trigger.candidate_triggers(doc, doc.sentences[0], [retook, strikes], doc.spans, subs, lambda t: None)
    assert {c.trigger.text: c.event_rank for c in got} == {"retook": 1, "air strikes": 0}
    # nothing in this sentence speaks of protest: a protest-context trigger is dropped
    gathered = span(doc, "gathered", "TRIGGER", sub_event="Peaceful protest")
    assert trigger.candidate_triggers(doc, doc.sentences[1], [gathered], doc.spans, subs, lambda t: None) == []
    marched = span(doc, "marched", "TRIGGER", sub_event="Peaceful protest")
    assert len(trigger.candidate_triggers(doc, doc.sentences[2], [marched], doc.spans, subs, lambda t: None)) == 1
    # a cancelled trigger is not a candidate
    assert trigger.candidate_triggers(doc, doc.sentences[0], [retook], doc.spans, subs, lambda t: "negation") == []


def test_a_trigger_nested_in_a_longer_one_of_another_sub_event_is_dropped():
    clash = sub_event("Armed clash")
    protest = sub_event("Protest with intervention", "protest")
    long = trigger.Candidate(1, 1, -10, Span(10, 30, "TRIGGER", "clashed with police"), protest)
    short = trigger.Candidate(1, 2, -10, Span(10, 17, "TRIGGER", "clashed"), clash)
    assert trigger.drop_nested([long, short]) == [long]
    same_sub = trigger.Candidate(1, 2, -10, Span(10, 17, "TRIGGER", "clashed"), protest)
    assert trigger.drop_nested([long, same_sub]) == [long, same_sub]


def test_ground_taken_under_strikes_is_not_a_peaceful_transfer():
    transfer = trigger.Candidate(1, 1, -5, Span(5, 10, "TRIGGER", "took"), sub_event(trigger.NON_VIOLENT_TRANSFER, "territory"))
    strike = trigger.Candidate(1, 5, -20, Span(20, 30, "TRIGGER", "airstrikes"), sub_event("Air/drone strike", "explosion"))
    clash = trigger.Candidate(1, 2, -20, Span(20, 28, "TRIGGER", "fighting"), sub_event("Armed clash"))
    assert trigger.drop_peaceful_transfer([transfer, strike]) == [strike]
    assert trigger.drop_peaceful_transfer([transfer, clash]) == [transfer, clash]


def test_the_gainer_of_ground_is_the_first_actor_or_state_noun_before_the_trigger():
    doc = make_doc(["The Sudanese army recaptured Omdurman from the RSF on Tuesday."])
    sent, t = doc.sentences[0], span(doc, "recaptured", "TRIGGER")
    rsf = span(doc, "RSF", "ACTOR", actor="Rapid Support Forces", inter=RSF)
    assert trigger.gainer_is_state(doc.text, sent, [rsf], t) is True  # "army" before, RSF after
    doc = make_doc(["RSF fighters seized the town of Bara after heavy fighting."])
    sent, t = doc.sentences[0], span(doc, "seized", "TRIGGER")
    rsf = span(doc, "RSF", "ACTOR", actor="Rapid Support Forces", inter=RSF)
    assert trigger.gainer_is_state(doc.text, sent, [rsf], t) is False
    doc = make_doc(["The town was recaptured overnight."])
    assert trigger.gainer_is_state(doc.text, doc.sentences[0], [], span(doc, "recaptured", "TRIGGER")) is None


def test_choose_trigger_matches_a_territory_entry_to_its_gainer():
    doc = make_doc(["The town of Bara was recaptured overnight."])
    t = span(doc, "recaptured", "TRIGGER")
    gov = sub_event("Government regains territory", "territory", 3, "state_actor1")
    nonstate = sub_event("Non-state actor overtakes territory", "territory", 3, "nonstate_actor1")
    cands = [trigger.Candidate(1, 3, -t.start, t, nonstate), trigger.Candidate(1, 3, -t.start, t, gov)]
    # nobody named: "recaptured" is the state's wording
    assert trigger.choose_trigger(doc.text, doc.sentences[0], [], cands) == (t, gov)
    # the higher-priority event wins over a backdrop
    backdrop = trigger.Candidate(0, 9, -1, Span(0, 3, "TRIGGER", "The"), sub_event("Air/drone strike"))
    assert trigger.choose_trigger(doc.text, doc.sentences[0], [], [backdrop] + cands)[1] is gov


# -- actors -------------------------------------------------------------------------------


def test_the_agent_of_a_passive_is_actor1():
    doc = make_doc(["Ukrainian positions near Avdiivka were shelled by Russian forces overnight."])
    ua = span(doc, "Ukrainian", "ACTOR", actor="Military Forces of Ukraine", inter=ARMY)
    ru = span(doc, "Russian forces", "ACTOR", actor="Military Forces of Russia", inter=ARMY)
    a1, assoc1, a2, assoc2 = actors.assign_actors(doc.text, doc.sentences[0], [ua, ru], span(doc, "shelled", "TRIGGER"))
    assert (a1, a2, assoc1, assoc2) == (ru, ua, None, None)


def test_the_dead_of_a_passive_report_are_not_the_agent():
    doc = make_doc(["Twenty-nine rebels were killed in clashes with regime troops in Daraa."])
    rebels = span(doc, "rebels", "ACTOR", actor="Opposition Rebels (Syria)", inter=RSF)
    troops = span(doc, "regime troops", "ACTOR", actor="Military Forces of Syria", inter=ARMY)
    dead = [span(doc, "Twenty-nine rebels were killed", "CASUALTY", kind="killed", value=29)]
    a1, _, a2, _ = actors.assign_actors(doc.text, doc.sentences[0], [rebels, troops], span(doc, "clashes", "TRIGGER"), dead)
    assert (a1, a2) == (troops, rebels)


def test_who_holds_a_place_is_not_an_actor_and_a_backer_is_an_associate():
    doc = make_doc(["SAF troops, backed by allied militias, stormed the RSF-held town of Bara."])
    saf = span(doc, "SAF troops", "ACTOR", actor="Military Forces of Sudan", inter=ARMY)
    mil = span(doc, "allied militias", "ACTOR", actor="Allied militias (Sudan)", inter=4)
    rsf = span(doc, "RSF", "ACTOR", actor="Rapid Support Forces", inter=RSF)
    a1, assoc1, a2, _ = actors.assign_actors(doc.text, doc.sentences[0], [saf, mil, rsf], span(doc, "stormed", "TRIGGER"))
    assert (a1, assoc1, a2) == (saf, mil, None)


def test_a_partys_own_report_makes_its_forces_actor1():
    doc = make_doc(["The Russian Defence Ministry said its jets struck a Ukrainian depot in Kramatorsk."])
    ministry = span(doc, "The Russian Defence Ministry said", "ATTRIBUTION", source="Russian Defence Ministry", forces="Military Forces of Russia", party=True)
    ru = span(doc, "Russian", "ACTOR", actor="Military Forces of Russia", inter=ARMY)
    ua = span(doc, "Ukrainian", "ACTOR", actor="Military Forces of Ukraine", inter=ARMY)
    t = span(doc, "struck", "TRIGGER")
    a1, a2, source = actors.own_report(doc, doc.sentences[0], t, [ministry], ua, None)
    assert (a1, a2, source) == (ru, ua, "forces of Russian Defence Ministry")
    assert actors.own_report(doc, doc.sentences[0], t, [], ua, None) == (ua, None, None)


def test_actor1_comes_from_the_paragraph_when_the_sentence_names_none():
    doc = make_doc(["Israeli jets hit a house in Rafah.", "The jets struck again at dawn."], ["Hamas said nothing."])
    idf = span(doc, "Israeli", "ACTOR", actor="Military Forces of Israel", inter=8)
    span(doc, "Hamas", "ACTOR", actor="Hamas", inter=RSF)
    sbs = by_sentence(doc)
    got = actors.sentence_actors(doc, 1, doc.sentences[1], span(doc, "struck", "TRIGGER"), sbs.get(1, []), sbs)
    assert (got.a1, got.source) == (idf, "paragraph")
    assert actors.paragraph_actor(doc, 2, sbs, None) is None  # a new paragraph starts over
    assert actors.paragraph_actor(doc, 1, sbs, exclude=idf) is None


def test_violence_against_civilians_targets_the_civilians_it_names():
    doc = make_doc(["Militants executed eight civilians accused of spying for the SDF."])
    isis = span(doc, "Militants", "ACTOR", actor="Islamic State", inter=RSF)
    civ = span(doc, "civilians", "ACTOR", actor="Civilians (Syria)", inter=CIVILIANS)
    sdf = span(doc, "SDF", "ACTOR", actor="SDF", inter=RSF)
    killed = [span(doc, "eight civilians", "CASUALTY", kind="killed", value=8, victims="civilians")]
    assert actors.civilian_victims(killed, [isis, civ, sdf])
    assert actors.civilian_actor2("Violence against civilians", True, [isis, civ, sdf], isis, sdf) is civ
    assert actors.civilian_actor2("Battles", True, [isis, civ, sdf], isis, sdf) is sdf
    assert actors.civilian_actor2("Battles", True, [isis, civ], isis, None) is civ
    assert not actors.civilian_victims([], [isis, sdf])


def test_actor_names_fill_defaults_and_unnamed_civilian_dead():
    default = SimpleNamespace(sub_event="Air/drone strike", country="SYR", actor="Military Forces of Syria", inter=ARMY)
    assert actors.default_actor([default], "Air/drone strike", "SYR") is default
    assert actors.default_actor([default], "Air/drone strike", "UKR") is None
    got = actors.actor_names(None, None, True, default, "SYR", "killing five civilians")
    assert got[:4] == ("Military Forces of Syria", ARMY, "Civilians (Syria)", CIVILIANS)
    assert got[4] == {"actor1": "default for this sub-event and country (event_types.yaml)", "actor2": "killing five civilians"}
    same = Span(0, 3, "ACTOR", "SAA", {"actor": "Military Forces of Syria", "inter": ARMY})
    assert actors.actor_names(same, same, False, None, "SYR", None) == ("Military Forces of Syria", ARMY, None, None, {})
    assert actors.civilian_targeting("Explosions/Remote violence", CIVILIANS)
    assert not actors.civilian_targeting("Battles", CIVILIANS)


# -- toll ---------------------------------------------------------------------------------


def _killed(text: str, value: int, victims: str | None = None, **kw) -> Span:
    return Span(0, len(text), "CASUALTY", text, {"kind": "killed", "value": value, "victims": victims, **kw})


def test_victim_groups_add_up_and_repeated_figures_keep_the_lowest():
    assert toll.fatalities([]) == (0, 0, 0, None)
    five, three = _killed("5 civilians", 5, "civilians"), _killed("3 fighters", 3, "fighters")
    assert toll.fatalities([five, three])[:3] == (5, 5, 5)  # the general toll already includes subgroups
    soldiers, fighters = _killed("4 soldiers", 4, "soldiers"), _killed("3 fighters", 3, "fighters")
    assert toll.fatalities([soldiers, fighters]) == (7, 7, 7, "4 soldiers; 3 fighters")
    twelve, fifteen = _killed("at least 12 people", 12, "people", high=12), _killed("up to 15 people", 15, "people", low=12, high=15)
    assert toll.fatalities([twelve, fifteen])[:3] == (12, 12, 15)


def test_the_toll_may_follow_in_the_next_sentence_of_the_paragraph():
    doc = make_doc(["A drone hit a bus in Kherson.", "Six passengers died.", "Shelling later hit Nikopol, killing two."])
    six = span(doc, "Six passengers died", "CASUALTY", kind="killed", value=6)
    span(doc, "Shelling", "TRIGGER")
    two = span(doc, "killing two", "CASUALTY", kind="killed", value=2)
    sbs = by_sentence(doc)
    assert toll.killed_spans(doc, 0, doc.sentences[0], sbs.get(0, []), sbs, 2) == [six]
    assert toll.killed_spans(doc, 0, doc.sentences[0], sbs.get(0, []), sbs, 0) == []
    # the sentence after is a report of its own (it has a trigger): its dead are not ours
    assert toll.killed_spans(doc, 1, doc.sentences[1], [], sbs, 2) == []
    assert toll.killed_spans(doc, 2, doc.sentences[2], sbs[2], sbs, 2) == [two]


# -- date ---------------------------------------------------------------------------------


def _date(doc: Doc, words: str, day: dt.date, nth: int = 0) -> Span:
    return span(doc, words, "DATE", nth, date=day, precision=1)


def test_the_date_nearest_the_trigger_then_the_paragraph_then_the_lede():
    doc = make_doc(
        ["Posted on 20 May 2023", "On Tuesday, RSF fighters shelled El Obeid, a week after a raid on Monday."],
        ["The shelling went on.", "More troops arrived."],
        ["Residents fled."],
    )
    tue, mon = _date(doc, "Tuesday", dt.date(2023, 5, 16)), _date(doc, "Monday", dt.date(2023, 5, 8))
    _date(doc, "20 May 2023", dt.date(2023, 5, 20))
    sbs = by_sentence(doc)
    assert dates.date_for(doc, 1, doc.sentences[1], span(doc, "raid", "TRIGGER"), sbs) == (mon.attrs["date"], 1, "Monday", True)
    assert dates.date_for(doc, 1, doc.sentences[1], span(doc, "shelled", "TRIGGER"), sbs)[2] == "Tuesday"
    # another paragraph: the lede's date (the dateline line is skipped), not explicit
    assert dates.date_for(doc, 3, doc.sentences[3], span(doc, "arrived", "TRIGGER"), sbs) == (tue.attrs["date"], 1, "Tuesday", False)


def test_an_undated_story_takes_the_publication_week_and_old_events_are_history():
    doc = make_doc(["Shelling hit Kharkiv.", "Two people died."], published=dt.date(2023, 5, 20))
    t = span(doc, "Shelling", "TRIGGER")
    assert dates.date_for(doc, 0, doc.sentences[0], t, {}) == (dt.date(2023, 5, 20), 2, "publication date", False)
    undated = make_doc(["Shelling hit Kharkiv."], published=None)
    assert dates.date_for(undated, 0, undated.sentences[0], t, {}) == (None, None, None, False)
    assert dates.too_old(dt.date(2013, 8, 21), True, dt.date(2023, 5, 20), 30)
    assert not dates.too_old(dt.date(2013, 8, 21), False, dt.date(2023, 5, 20), 30)
    assert not dates.too_old(dt.date(2023, 5, 18), True, dt.date(2023, 5, 20), 30)


# -- place --------------------------------------------------------------------------------


def _gaz(feature: str, lat: float | None = None, lon: float | None = None):
    return SimpleNamespace(feature=feature, latitude=lat, longitude=lon)


def _place(doc: Doc, words: str, feature: str = "city", nth: int = 0, relation: str | None = None, cands=None) -> Span:
    return span(doc, words, "PLACE", nth, candidates=cands or [_gaz(feature)], relation=relation)


def test_the_most_precise_locative_place_of_the_sentence_wins_and_route_ends_do_not_count():
    doc = make_doc(["In Idlib province, jets struck Sarmin on the road between Saraqib and Binnish."])
    idlib = _place(doc, "Idlib", "admin1")
    sarmin = _place(doc, "Sarmin")
    saraqib = _place(doc, "Saraqib")
    t = span(doc, "struck", "TRIGGER")
    assert place.event_places(doc.spans, doc.text) == [idlib, sarmin]  # Saraqib ends a route
    assert min([idlib, sarmin], key=lambda s: place.place_rank(s, doc.text, t)) is sarmin
    assert place.place_for(doc, 0, doc.sentences[0], t, doc.spans, by_sentence(doc), 2) is sarmin
    assert saraqib not in place.event_places([saraqib], doc.text)


def test_a_place_a_sentence_back_is_the_scene_and_the_town_ranks_above_near_it():
    doc = make_doc(["Artillery hit the outskirts of Bakhmut and the town of Chasiv Yar.", "The shelling also destroyed a school."])
    near = _place(doc, "Bakhmut", relation="outskirts")
    town = _place(doc, "Chasiv Yar")
    t = span(doc, "shelling", "TRIGGER")
    sbs = by_sentence(doc)
    assert place.around(near) == 1 and place.around(town) == 0
    assert place.place_for(doc, 1, doc.sentences[1], t, [], sbs, 1) is town
    assert place.place_for(doc, 1, doc.sentences[1], t, [], sbs, 0) is None
    # no place at all: a body sentence continues the scene of the story so far
    assert place.continue_scene(None, town, 2) is town
    assert place.continue_scene(None, town, 1) is None
    assert place.continue_scene(near, town, 2) is near


def test_an_anchor_town_picks_the_nearest_namesake_or_stands_in_for_a_far_one():
    doc = make_doc(["Jets struck the village of Safsafah, east of Tabqa, on Sunday."])
    far, near = _gaz("city", 33.0, 36.0), _gaz("city", 35.85, 38.6)
    village = _place(doc, "Safsafah", cands=[far, near])
    tabqa = _place(doc, "east of Tabqa", relation="direction", cands=[_gaz("city", 35.84, 38.55)])
    got = place.anchored(village, [village, tabqa], doc.text)
    assert got.attrs["candidates"][0] is near and got.text == "Safsafah"
    only_far = Span(village.start, village.end, "PLACE", "Safsafah", {"candidates": [far]})
    assert place.anchored(only_far, [only_far, tabqa], doc.text) is tabqa
    assert place.anchored(village, [village], doc.text) is village  # no anchor


# -- claim and evidence -------------------------------------------------------------------


def test_claim_status_from_hedges_and_party_sources():
    doubt = Span(0, 7, "HEDGE", "denied", {"kind": "denial"})
    alleged = Span(0, 9, "HEDGE", "allegedly", {"kind": "hedge"})
    party = Span(0, 10, "ATTRIBUTION", "Amaq said", {"party": True, "source": "Amaq"})
    monitor = Span(0, 10, "ATTRIBUTION", "the Observatory said", {"source": "SOHR"})
    assert claim.claim_for([], []) == "reported"
    assert claim.claim_for([], [monitor]) == "reported"
    assert claim.claim_for([alleged], []) == "claimed"
    assert claim.claim_for([], [party]) == "claimed"
    assert claim.claim_for([alleged, doubt], [party]) == "disputed"


def test_evidence_keeps_the_field_texts_in_order_and_drops_missing_ones():
    doc = make_doc(["Headline here", "Amaq said a car bomb killed 20 soldiers in Deir ez-Zor."])
    sent = doc.sentences[1]
    amaq = span(doc, "Amaq said", "ATTRIBUTION", source="Amaq", party=True)
    ev = evidence.evidence_for(doc, sent, [amaq], [], {"trigger": "car bomb", "actor1": None, "location": "Deir ez-Zor"})
    assert ev.fields == {"trigger": "car bomb", "location": "Deir ez-Zor"}
    assert list(ev.fields) == ["trigger", "location"]
    assert (ev.char_start, ev.char_end, ev.sentence) == (sent.start, sent.end, sent.text)
    assert (ev.attributed_to, ev.published, ev.outlet) == ("Amaq", "2023-05-20", "Test Wire")


def test_a_definite_back_reference_adds_no_second_incident():
    from frontlines.pipeline import Pipeline, make_article

    text = ("Fighting rages south of Bakhmut\n\nUkrainian troops clashed with Russian forces near the village of "
            "Klishchiivka on Tuesday, the general staff said.\nThe general staff said Wagner fighters were involved "
            "in the battle.\n")
    doc = Pipeline().annotate(make_article(text, published="2023-05-17"))
    assert [m.evidence.sentence for m in doc.mentions if "involved in the battle" in m.evidence.sentence] == []
    assert any("clashed" in m.evidence.sentence for m in doc.mentions)
    from frontlines.resolve.trigger import refers_back
    from frontlines.records import Span

    class M:  # an earlier mention of the same type
        event_type = "Battles"

    t = "They fought off the second attack at dawn."
    sp = Span(t.index("attack"), t.index("attack") + 6, "TRIGGER", t[t.index("attack"):t.index("attack") + 6])
    assert not refers_back(t, sp, "Battles", [M()])  # "the second attack" is another one
    t2 = "The warplanes targeted the market."
    sp2 = Span(4, 22, "TRIGGER", "warplanes targeted")
    assert not refers_back(t2, sp2, "Battles", [M()])
