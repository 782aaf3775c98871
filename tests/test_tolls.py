"""Tolls tied to their incident (issue 12): war and period totals, dates, counts of things
and figures too large for an unnamed incident never become an incident's fatalities, while
real incident tolls still count. Short articles written for these tests, in the style of
wire reporting from several conflicts (apostrophes and commas dropped as some feeds do)."""

import pytest

import frontlines
from frontlines.annotate.numbers import CasualtyAnnotator
from frontlines.pipeline import make_article
from frontlines.records import Article, Doc, Sentence


@pytest.fixture(scope="module")
def ann():
    return CasualtyAnnotator(single_incident_min_toll=1000)


def spans(ann, text):
    d = Doc(article=Article("t", text), text=text, sentences=[Sentence(0, len(text), 0, text)])
    return ann.annotate(d)


def killed(ann, text):
    """The figures of the sentence that can be an incident's dead."""
    return [s.attrs["value"] for s in spans(ann, text) if s.attrs["kind"] == "killed"]


def totals(ann, text):
    return [(s.attrs["value"], s.attrs["total_of"]) for s in spans(ann, text) if s.attrs["kind"] == "total"]


# -- war tolls and totals over periods -----------------------------------------------------


@pytest.mark.parametrize(
    "text,value",
    [
        # war tolls
        ("More than 330,000 people have been killed since the war began in 2011.", 330000),
        ("The war in Yemen has killed more than 150,000 people and displaced millions.", 150000),
        ("Sudans conflict which erupted in April 2023 has killed at least 15,000 people.", 15000),
        ("Since then more than a quarter of a million people have been killed.", 250000),
        ("At least 40,000 people have died in the war according to the health ministry.", 40000),
        ("The death toll from the nine-year-old conflict stood at more than 380,000.", 380000),
        ("The Sahel insurgency which has so far claimed thousands of lives spread south.", 1000),
        ("More than 200,000 people have been killed and nearly half of the population has fled.", 200000),
        # totals over periods
        ("At least 3,400 civilians have been killed so far this year the UN mission said.", 3400),
        ("In the past week 87 people were killed in Russian shelling of the region.", 87),
        ("Since Thursday, bombardment has killed 44 civilians in the province.", 44),
        ("Since Sept. 19 when the army declared the end of the week-long ceasefire at least 359 civilians have been killed.", 359),
        ("Air strikes have killed 61 civilians in the past two days in the north.", 61),
        ("At least 79 civilians were killed in Deir Ezzor over the last 48 hours by air strikes.", 79),
        ("Gaza health officials said 43 people were killed in the past 24 hours.", 43),
        ("Russian attacks killed five civilians and wounded 20 over the past day, regional officials said.", 5),
        ("Militants killed 120 soldiers in the last 10 days of fighting near the border.", 120),
        ("The offensive has killed 300 fighters in less than one month.", 300),
        ("Drone attacks killed 270 civilians during April according to the monitor.", 270),
        ("Gunmen have killed 15 people a day across the country.", 15),
        ("Armed groups killed 800 civilians in Ituri province in the first half of the year.", 800),
        ("Jihadist violence has killed hundreds across the Sahel over the past decade.", 100),
        ("The junta's air campaign has killed more than 900 civilians since the 2021 coup.", 900),
    ],
)
def test_war_and_period_totals_are_not_tolls(ann, text, value):
    assert killed(ann, text) == []
    assert value in [v for v, kind in totals(ann, text)]


def test_counts_joined_by_and_share_the_period():
    ann = CasualtyAnnotator(single_incident_min_toll=1000)
    text = "The monitor said 346 militants were killed and more than 170 soldiers had died since Tuesday in the fight for the base."
    assert killed(ann, text) == [] and [v for v, _ in totals(ann, text)] == [346, 170]
    # a count in another clause keeps its own reading
    text = "Five soldiers were killed on Monday while 300 people have died since the offensive began."
    assert killed(ann, text) == [5]


def test_total_keeps_its_kind():
    ann = CasualtyAnnotator(single_incident_min_toll=1000)
    assert totals(ann, "More than 1.9 million people have been injured and 12,000 wounded since 2011.") == [(12000, "wounded")]
    # a subgroup of a total is a total too
    assert totals(ann, "The war has claimed more than 300000 lives including some 87000 civilians.") == [
        (300000, "killed"), (87000, "killed")
    ]


# -- incident tolls still count ---------------------------------------------------------------


@pytest.mark.parametrize(
    "text,value",
    [
        ("A Russian missile strike on the city killed at least 12 people on Tuesday.", 12),
        ("Israeli air strikes on a school in Gaza City killed 22 people, the deadliest attack since March.", 22),
        ("RSF fighters stormed the village on Sunday, killing at least 12 civilians.", 12),
        ("Twelve soldiers were killed when jihadists ambushed a convoy near Djibo.", 12),
        ("Houthi shelling killed five children in Taiz since dawn, medics said.", 5),
        ("300 men were executed in one day in the town when the militants stormed it.", 300),
        ("A poison gas attack that killed more than 1,400 people was carried out before dawn.", 1400),
        ("Another man and a woman were killed in rocket fire on the village.", 2),
        ("The strikes killed one hundred and one civilians in Marib.", 101),  # not a pair of people
        ("The strikes hit on Sunday days after the truce that had held since March, killing 12.", 12),
        ("A car bomb killed nine people in Mogadishu on Saturday, the deadliest blast in the capital since October.", 9),
        ("A suicide bomber killed 15 police officers in Quetta on Monday, the worst attack in the province this year.", 15),
        ("Clashes that erupted on Friday between rival militias in Tripoli have killed 55 people.", 55),
        ("Fighting between the army and RSF in El Fasher killed at least 30 people on Sunday, medics said.", 30),
        # a comparison, a relative clause or a name that mentions a period or the war
        ("The blast, the first explosion to hit the heart of the port town since the war began, killed a nurse.", 1),
        ("Shelling killed two civilians in the city that has been divided since 2014.", 2),
        ("Car bomb kills at least 26 in Syria war monitor says", 26),
        ("Soldiers launched a counter-offensive killing 29 militants and foiling the attack.", 29),
        ("Tags Donbas shelling war crimes Ukraine conflict Two children were killed in the strike on Avdiivka.", 2),
    ],
)
def test_incident_tolls_count(ann, text, value):
    assert killed(ann, text) == [value]


# -- dates, headline and thing counts ---------------------------------------------------------


@pytest.mark.parametrize(
    "text,value",
    [
        ("Last updated at Jun 182016 BEIRUT At least seven people died in rebel shelling.", 7),
        ("Published September 24 2023 Ninety-two civilians were killed in Khartoum.", 92),
        ("Monday 24 Oct 2016 Sixteen civilians including three children were killed.", 16),
        ("Sun 24 Aug 2014 Syrian troops killed 32 rebels in an ambush.", 32),
        ("Last updated at Oct 042017 KYIV A Russian drone strike killed 3 civilians on Wednesday.", 3),
        ("Air strikes on 21 May killed between 29 and 42 civilians in the city.", 29),
        ("Six killed in Aden blast as evacuation of 4 towns resumes Six people were killed.", 6),
        ("Clashes in Darfur displaced 5,000 people and 12 were killed, the UN said.", 12),
        ("The militants torched 40 houses in 3 villages and 9 residents were killed.", 9),
    ],
)
def test_dates_and_headline_counts_are_not_tolls(ann, text, value):
    assert killed(ann, text) == [value] * len(killed(ann, text)) and value in killed(ann, text)


@pytest.mark.parametrize(
    "text",
    [
        "Evacuation of 4 towns resumes under the deal.",
        "Fighters destroyed 30 tanks and 12 vehicles were captured.",
        "The army said 12 villages were retaken in two days.",
        "More than 10 million displaced across the war-battered country.",
        "In 2016 the notorious commander had been killed by American troops.",
        "Get short URL 0 214 The Kurdish-led forces killed",
    ],
)
def test_counts_of_things_are_not_people(ann, text):
    assert killed(ann, text) == []


def test_big_toll_needs_an_incident(ann):
    """From the threshold up, a figure is a toll only where its clause names one incident."""
    assert killed(ann, "He said more than 20,000 of them had died at the prison near the capital.") == []
    assert killed(ann, "Warplanes have killed thousands of children and women.") == []
    assert killed(ann, "Leading opposition figures said the chemical attack had killed 1,300 people.") == [1300]
    assert killed(ann, "Gunmen killed 900 villagers in the region.") == [900]  # under the threshold


# -- the whole pipeline: the ledger's tolls -------------------------------------------------


@pytest.fixture(scope="module")
def pipe():
    return frontlines.Pipeline()


def tolls(pipe, title, text):
    art = make_article(text, title=title, outlet="Wire")
    return sorted((e.sub_event_type, e.fatalities) for e in pipe.process(art).events)


def test_war_total_does_not_reach_the_ledger(pipe):
    text = (
        "An air strike on a market in Marib killed 9 civilians on Monday, medics said. "
        "The war in Yemen has killed more than 150,000 people since 2014 and displaced millions. "
        "Peace talks in Muscat collapsed last month."
    )
    got = tolls(pipe, "Air strike kills 9 in Marib market", text)
    assert all(f < 1000 for _, f in got), got
    assert 9 in [f for _, f in got]


def test_period_total_is_not_one_days_toll(pipe):
    text = (
        "Russian shelling killed three civilians in Kherson on Saturday, the governor said. "
        "Since Thursday bombardment of the city has killed 44 people."
    )
    got = tolls(pipe, "Shelling kills three in Kherson", text)
    assert 44 not in [f for _, f in got], got
    assert 3 in [f for _, f in got]


def test_real_toll_with_killing_at_least(pipe):
    text = "Jihadists attacked an army post near Djibo on Sunday, killing at least 12 soldiers, the army said."
    got = tolls(pipe, "Attack on army post in Burkina Faso", text)
    assert 12 in [f for _, f in got], got


# -- the toll resolver: a toll from another sentence ------------------------------------------

from frontlines.records import OffsetMap, Span  # noqa: E402
from frontlines.resolve import toll  # noqa: E402


def _doc(*sents: str) -> Doc:
    text, out = "", []
    for s in sents:
        if text:
            text += " "
        out.append(Sentence(len(text), len(text) + len(s), 0, s))
        text += s
    return Doc(article=Article("a1", text), text=text, offsets=OffsetMap.identity(len(text)), sentences=out)


def _dead(doc: Doc, words: str, value: int, kind: str = "killed", victims: str | None = "people") -> Span:
    at = doc.text.index(words)
    sp = Span(at, at + len(words), "CASUALTY", words, {"kind": kind, "value": value, "low": value, "high": value, "victims": victims})
    doc.spans.append(sp)
    return sp


def _by_sentence(doc: Doc) -> dict[int, list[Span]]:
    out: dict[int, list[Span]] = {}
    for sp in doc.spans:
        i = next(k for k, s in enumerate(doc.sentences) if s.start <= sp.start < s.end)
        out.setdefault(i, []).append(sp)
    return out


def _borrowed(doc, event_type, trigger_types=None):
    sbs = _by_sentence(doc)
    return toll.killed_spans(doc, 0, doc.sentences[0], sbs.get(0, []), sbs, 1, event_type, trigger_types)


def test_a_violent_event_takes_the_next_sentences_toll():
    doc = _doc("A drone struck a minibus near Kherson on Sunday.", "Six passengers died.")
    six = _dead(doc, "Six passengers died", 6)
    assert _borrowed(doc, "Explosions/Remote violence", {0: {"Explosions/Remote violence"}}) == [six]


def test_an_agreement_never_carries_another_sentences_dead():
    doc = _doc("The two sides signed a truce agreement in Jeddah on Monday.", "More than 120 people died in the capital on Saturday.")
    _dead(doc, "More than 120 people died", 120)
    assert _borrowed(doc, "Strategic developments", {0: {"Strategic developments"}}) == []


def test_a_sentence_of_another_report_lends_no_toll():
    doc = _doc("Protesters marched through Khartoum on Thursday.", "Security forces shot dead nine people in Omdurman.")
    _dead(doc, "shot dead nine people", 9)
    types = {0: {"Protests"}, 1: {"Violence against civilians"}}
    assert _borrowed(doc, "Riots", types) == []
    # "Separately, ..." opens another incident even without a trigger
    doc = _doc("Jets hit a fuel depot near Hodeidah.", "Separately, 12 civilians died in Taiz.")
    _dead(doc, "12 civilians died", 12, victims="civilians")
    assert _borrowed(doc, "Explosions/Remote violence", {0: {"Explosions/Remote violence"}}) == []


def test_a_sentence_that_counts_a_total_borrows_nothing():
    doc = _doc("The war has killed more than 400,000 people since 2011 as air strikes continue.", "Four people died in Idlib.")
    _dead(doc, "killed more than 400,000 people", 400000, kind="total")
    _dead(doc, "Four people died", 4)
    assert _borrowed(doc, "Explosions/Remote violence", {0: {"Explosions/Remote violence"}}) == []


def test_one_toll_told_twice_is_not_doubled():
    doc = _doc("SDF kills 23 IS militants in Tabqa REUTERS The Kurdish-led forces killed 23 IS members on Friday.")
    a = _dead(doc, "kills 23 IS militants", 23, victims="militants")
    b = _dead(doc, "killed 23 IS members", 23, victims="fighters")
    assert toll.fatalities([a, b])[:3] == (23, 23, 23)
    # two groups in one list still add up, even with equal figures
    doc = _doc("The ambush killed 5 soldiers and 5 militiamen near Gao.")
    a = _dead(doc, "killed 5 soldiers", 5, victims="soldiers")
    b = _dead(doc, "5 militiamen", 5, victims="fighters")
    assert toll.fatalities([a, b])[:3] == (10, 10, 10)


def test_the_ledger_agreement_has_no_borrowed_dead(pipe):
    text = (
        "Government and rebel delegates signed a ceasefire agreement in Juba on Monday, mediators said. "
        "More than 120 people died on Saturday in the capital."
    )
    got = tolls(pipe, "Ceasefire signed in Juba", text)
    assert all(f == 0 for sub, f in got if sub == "Agreement"), got


def test_a_stated_death_toll_outranks_the_other_figures():
    doc = _doc("A number of people died of their wounds bringing the toll to 61 people including five children, medics in Atareb said.")
    part = _dead(doc, "A number of people died", 3)
    part.attrs["vague"] = True
    whole = _dead(doc, "toll to 61", 61, victims=None)
    whole.attrs["toll"] = True
    kids = _dead(doc, "including five children", 5, victims="children")
    assert toll.fatalities([part, whole, kids])[:3] == (61, 61, 61)
    # a vague word gives way to a figure for the same victims
    doc = _doc("Dozens were killed in the strike on the market; at least 44 people died, rescuers said.")
    dozens = _dead(doc, "Dozens were killed", 12, victims=None)
    dozens.attrs["vague"] = True
    exact = _dead(doc, "at least 44 people died", 44)
    assert toll.fatalities([dozens, exact])[:3] == (44, 44, 44)


def test_the_annotator_marks_death_toll_phrases(ann):
    got = spans(ann, "The death toll from the strike on the Kramatorsk station rose to 61 on Saturday.")
    assert [(s.attrs["value"], s.attrs.get("toll")) for s in got] == [(61, True)]


def test_two_general_counts_never_add_up():
    """'people' already counts the civilians named beside it (a related headline fused
    with the story: "tunnel blast killed 38 ... 43 civilians dead in bombardment")."""
    doc = _doc("A rebel tunnel blast killed 38 people in the old city Related 43 civilians dead in bombardment of Idlib.")
    a = _dead(doc, "killed 38 people", 38)
    b = _dead(doc, "43 civilians dead", 43, victims="civilians")
    assert toll.fatalities([a, b])[:3] == (38, 38, 38)


def test_a_named_period_is_a_total(ann):
    assert killed(ann, "But in that three-week period the militants executed 128 residents of the town.") == []


@pytest.mark.parametrize(
    "text,value",
    [
        ("Journalist killed in Gaza strike", [1]),
        ("Opposition forces claim fighter killed others injured by Russian airstrikes", [1]),
        ("Rebel commander killed in Idlib, monitor says", [1]),
        ("The fighter killed in the raid was a commander.", []),  # someone already counted
        ("Army officer killed 3 militants in an ambush.", [3]),  # the officer is the killer
    ],
)
def test_a_headlines_bare_noun_counts_one(ann, text, value):
    assert killed(ann, text) == value


def test_an_event_without_fatalities_takes_none_of_its_sentences_dead():
    doc = _doc("The evacuation deal resumed on Wednesday days after a bombing killed more than 120 evacuees.")
    _dead(doc, "killed more than 120 evacuees", 120)
    sbs = _by_sentence(doc)
    assert toll.killed_spans(doc, 0, doc.sentences[0], sbs[0], sbs, 1, "Strategic developments", None, "Agreement") == []
    assert toll.killed_spans(doc, 0, doc.sentences[0], sbs[0], sbs, 1, "Explosions/Remote violence", None, "Remote explosive/landmine/IED") != []


def test_lethal_force_on_protesters_takes_the_next_sentences_toll():
    doc = _doc("Police opened fire on demonstrators in Omdurman on Thursday.", "Nine people died.")
    nine = _dead(doc, "Nine people died", 9)
    types = {0: {"Protests"}}
    assert _borrowed(doc, "Protests", types) == []  # a protest: not borrowed
    sbs = _by_sentence(doc)
    assert toll.killed_spans(doc, 0, doc.sentences[0], [], sbs, 1, "Protests", types, "Excessive force against protesters") == [nine]


# -- parts of a toll and added victims (issue 12) ------------------------------------------


@pytest.mark.parametrize(
    "text,part",
    [
        ("Fifteen of the dead came in a single barrel bomb strike on the Shaar district.", "part"),
        ("At least six children were among those killed in the strike, medics said.", "part"),
        ("Nine of those killed were members of the same family.", "part"),
        ("Eleven militiamen made up the rest of the dead, the monitor said.", "part"),
        ("One civilian was also killed in the air strikes, the monitor said.", "addition"),
        ("Another five people were killed in an air raid on Sheikh Said.", "addition"),
        ("19 more were killed in a double suicide attack on the base.", "addition"),
        ("The other four civilians were killed by rocket fire on Midane.", "addition"),
        # a toll of its own
        ("At least 12 people were killed in the drone strike on the market.", None),
        ("More than 20 soldiers were killed when militants overran the post near Menaka.", None),
        ("Shelling killed three civilians including a child in Kherson.", None),
    ],
)
def test_a_part_of_the_dead_or_added_victims_are_marked(ann, text, part):
    first = next(s for s in spans(ann, text) if s.attrs["kind"] == "killed")
    assert first.attrs.get("part") == part


def _article_toll(pipe, text, title, published):
    from frontlines.assemble import main_event

    return main_event(pipe.process(make_article(text, title=title, published=published, outlet="AFP")).events)


def test_a_part_of_the_dead_told_by_another_source_is_no_dispute_of_the_toll(pipe):
    text = (
        "At least 19 civilians including five children were killed by barrel bombs on Thursday in the "
        "rebel-held east of Aleppo, a monitor said. Fifteen of the dead came in a barrel bomb strike on the "
        "Shaar district, the Syrian Observatory for Human Rights said."
    )
    ev = _article_toll(pipe, text, "Barrel bombs kill 19 civilians in Aleppo", "2016-07-08")
    assert ev.fatalities == 19


def test_victims_added_by_also_do_not_lower_the_toll(pipe):
    text = (
        "US-led air strikes killed at least 20 Islamic State fighters near al-Shadadi in Hasaka province on "
        "Thursday, a monitor said. One civilian was also killed in the air strikes, the Syrian Observatory "
        "for Human Rights said."
    )
    ev = _article_toll(pipe, text, "Air strikes kill 20 Islamic State fighters in Syria", "2015-02-13")
    assert ev.fatalities == 20


def test_another_opens_another_incident_unless_it_ties_back(pipe):
    text = (
        "A drone strike killed at least 16 civilians on Friday in the Hay al-Wahda district of Omdurman, "
        "a rights group said. Another five people were killed in shelling on the Karari district, "
        "activists said."
    )
    evs = pipe.process(make_article(text, title="Drone strike kills 16 in Omdurman", published="2024-02-10", outlet="AFP")).events
    assert sorted(e.fatalities for e in evs if e.fatalities) == [5, 16]
    tied = (
        "A car bomb killed at least 12 people at a checkpoint in Mogadishu on Sunday, police said. "
        "Another three people died in the blast at a nearby market, witnesses said."
    )
    evs = pipe.process(make_article(tied, title="Car bomb kills 12 in Mogadishu", published="2019-12-29", outlet="AFP")).events
    assert len([e for e in evs if e.event_type == "Explosions/Remote violence"]) == 1


# -- a sentence that lists several incidents' tolls ---------------------------------------------


def _trig(doc: Doc, words: str, sub: str) -> Span:
    at = doc.text.index(words)
    return Span(at, at + len(words), "TRIGGER", words, {"sub_event": sub})


def test_each_figure_of_a_list_of_incidents_belongs_to_its_clause():
    doc = _doc(
        "The monitor said more than 30 prisoners were executed, 11 more were killed in a car bomb attack "
        "and at least 7 others died in the assault on the base."
    )
    executed = _dead(doc, "more than 30 prisoners were executed", 30, victims="prisoners")
    executed.attrs["count_text"] = "more than 30"
    more = _dead(doc, "11 more were killed", 11, victims=None)
    more.attrs.update(count_text="11", part="addition")
    others = _dead(doc, "at least 7 others died", 7)
    others.attrs["count_text"] = "at least 7"
    trigs = [_trig(doc, "executed", "Attack"), _trig(doc, "car bomb", "Remote explosive/landmine/IED"), _trig(doc, "assault", "Armed clash")]
    sbs = _by_sentence(doc)

    def clause_toll(t):
        got = toll.killed_spans(doc, 0, doc.sentences[0], sbs[0], sbs, 1, None, None, None, trigger=t, triggers=trigs)
        return [k.attrs["value"] for k in got], toll.part_of_toll(got)

    # the car bomb's own dead are its whole toll, not victims added to another's
    assert clause_toll(trigs[1]) == ([11], None)
    assert clause_toll(trigs[0]) == ([30], None)
    assert clause_toll(trigs[2]) == ([7], None)


def test_verb_first_clauses_split_after_their_figure():
    doc = _doc("Gunmen killed 12 villagers in Mopti on Sunday while a roadside bomb killed four soldiers near Gao.")
    villagers = _dead(doc, "killed 12 villagers", 12, victims="civilians")
    soldiers = _dead(doc, "killed four soldiers", 4, victims="soldiers")
    for k, c in ((villagers, "12"), (soldiers, "four")):
        k.attrs["count_text"] = c
    trigs = [_trig(doc, "Gunmen killed", "Attack"), _trig(doc, "roadside bomb", "Remote explosive/landmine/IED")]
    assert toll.incident_clause(doc.text, [villagers, soldiers], trigs[1], trigs) == [soldiers]
    assert toll.incident_clause(doc.text, [villagers, soldiers], trigs[0], trigs) == [villagers]


def test_one_incidents_figures_are_no_list_of_incidents():
    # a clause without a trigger of its own: the figures are one incident's victim groups
    doc = _doc("Five soldiers were killed and three civilians died when shells hit the market in Kharkiv.")
    a = _dead(doc, "Five soldiers were killed", 5, victims="soldiers")
    b = _dead(doc, "three civilians died", 3, victims="civilians")
    a.attrs["count_text"], b.attrs["count_text"] = "Five", "three"
    shells = _trig(doc, "shells", "Shelling/artillery/missile attack")
    assert toll.incident_clause(doc.text, [a, b], shells, [shells]) is None


def test_the_ledger_keeps_each_listed_incidents_toll(pipe):
    text = (
        "Gunmen killed 12 villagers in Mopti on Sunday while a roadside bomb killed four soldiers near Gao, "
        "the army said."
    )
    got = tolls(pipe, "Violence in central Mali", text)
    assert ("Remote explosive/landmine/IED", 4) in got, got


@pytest.mark.parametrize(
    "text,value",
    [
        ("The army said it killed an estimated at least 50 militants near Palmyra on Sunday.", 50),
        ("At least an estimated 30 civilians were killed when drones hit the market in Sumy.", 30),
        ("Troops killed more than an estimated 20 fighters in the hills outside Gao.", 20),
    ],
)
def test_stacked_modifiers_still_count(ann, text, value):
    # "an estimated at least 50": two modifiers before one count
    assert killed(ann, text) == [value]


@pytest.mark.parametrize(
    "text, value",
    [
        # a run-on headline whose comma was lost: the "others" are the wounded
        ("One man killed 12 others injured as rockets hit a Homs district", [1]),
        ("Boy killed three others injured by sniper fire in Deir ez-Zor", [1]),
        ("A mortar round killed a woman three others were wounded", [1]),
        ("Woman killed 6 civilians injured in mortar attack on Latakia port", [1]),
        # "others" that the verb kills are dead
        ("The bomb killed 16 others in the market on Monday.", [16]),
        ("The blast killed a soldier and wounded 3 others.", [1]),
        # a wounding verb with its own figure, or after "and", opens the next clause
        ("The strike killed 9 civilians wounded 20 others", [9]),
        ("Rebel fire killed 14 people wounded dozens", [14]),
        ("The strike killed 12 people and injured others", [12]),
    ],
)
def test_a_figure_a_wounding_verb_follows_is_not_killed(ann, text, value):
    assert killed(ann, text) == value
