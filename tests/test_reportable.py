"""Reportable-event detection (frontlines.reportable, frontlines.learn): only specific,
reported incidents become event mentions. Short articles written for these tests, in the
style of wire copy from several conflicts; the shipped model is loaded as the pipeline
loads it."""

from __future__ import annotations

import csv
import datetime as dt
import sys
from pathlib import Path

import pytest

from frontlines import learn
from frontlines.extract import _spans_by_sentence
from frontlines.pipeline import Pipeline
from frontlines.records import Article
from frontlines.reportable import MODEL_NAME, Reportable, caption_like, rule_reason, sentence_cues

ROOT = Path(__file__).resolve().parents[1]
LABELS = ROOT / "training" / "labels" / "reportable.csv"


@pytest.fixture(scope="module")
def pipe(gazetteer):
    return Pipeline()


def events_of(pipe, text: str, published: str) -> set[str]:
    """The evidence sentences of the article's event mentions."""
    doc = pipe.annotate(Article("t", text, published=dt.date.fromisoformat(published)))
    return {m.evidence.sentence for m in doc.mentions}


def has(sentences: set[str], start: str) -> bool:
    return any(s.startswith(start) for s in sentences)


UKRAINE = """Russian missiles kill 11 in Kharkiv

KYIV, March 8 (Reuters) - Russian missile strikes killed 11 people in the city of Kharkiv on Tuesday, regional governor Oleh Synehubov said.
The missiles hit a residential block and a school in the Saltivka district, he said.
Kharkiv was also heavily shelled four years ago, when Russian troops reached its outskirts.
Russia often targets energy infrastructure with drones and missiles.
More than 8,000 civilians have been killed in Ukraine since February 2022, according to the United Nations.
Moscow denied that its forces had struck civilian targets.
Ukraine's foreign minister called for new UN sanctions against Russia.
"""

SAHEL = """Gunmen kill 20 villagers in northern Burkina Faso

Gunmen on motorbikes attacked the village of Seytenga on Saturday night, killing at least 20 civilians, a local official said.
So far this year more than 1,000 people have been killed in attacks across the Sahel.
The junta has vowed to launch a major offensive against the militants.
Residents walk past burned houses in Seytenga, Burkina Faso, June 13, 2022.
"""

YEMEN = """Saudi-led air strike hits Yemen market

An air strike by the Saudi-led coalition hit a crowded market in Hajjah province on Monday, killing 14 civilians, medics said.
The coalition condemned what it called Houthi propaganda and said it would investigate.
Houthi rebels have fired hundreds of missiles at Saudi Arabia since the war began in 2015.
In the past week, fighting around Hodeidah has killed dozens of fighters, according to military sources.
"""

MYANMAR = """Myanmar troops kill 80 protesters in Bago

Security forces opened fire on protesters in the town of Bago on Friday, killing at least 80 people, a monitoring group said.
The army threatened to use more force if the protests continued.
Soldiers also arrested dozens of young men in the town on Saturday, residents said.
"""

SYRIA = """Air strikes kill 12 in Idlib

Air strikes killed 12 people in the town of Saraqeb on Monday, the Syrian Observatory for Human Rights said.
Since Sept. 19, at least 359 civilians have been killed in the province.
The town is regularly bombarded by government warplanes.
A man inspects a damaged building in Saraqeb, Syria, October 2, 2016.
"""


def test_real_incidents_stay(pipe):
    ev = events_of(pipe, UKRAINE, "2023-03-08")
    assert has(ev, "KYIV, March 8 (Reuters) - Russian missile strikes killed 11")
    assert has(ev, "The missiles hit a residential block")
    assert has(events_of(pipe, SAHEL, "2022-06-14"), "Gunmen on motorbikes attacked the village")
    assert has(events_of(pipe, YEMEN, "2019-04-02"), "An air strike by the Saudi-led coalition hit")
    ev = events_of(pipe, MYANMAR, "2021-04-11")
    assert has(ev, "Security forces opened fire on protesters")
    assert has(ev, "Soldiers also arrested dozens")
    assert has(events_of(pipe, SYRIA, "2016-10-03"), "Air strikes killed 12 people in the town of Saraqeb")


YEMEN_BACKGROUND = """Air strike kills 14 at Yemen market

HODEIDAH, April 2 (Reuters) -
An air strike hit a crowded market in Hajjah province on Monday, killing 14 civilians, medics said.
Last month, a similar strike on the same market killed 20 people.
Late last year, Houthi fighters shelled the town for a week.
In 2015, coalition jets bombed a wedding in the province, killing 30.
"""


def test_background_history_is_not_an_event(pipe):
    assert not has(events_of(pipe, UKRAINE, "2023-03-08"), "Kharkiv was also heavily shelled four years ago")
    ev = events_of(pipe, YEMEN_BACKGROUND, "2019-04-02")
    assert has(ev, "An air strike hit a crowded market")
    for old in ("Last month", "Late last year", "In 2015", "HODEIDAH"):
        assert not has(ev, old), old


def test_period_totals_are_not_events(pipe):
    assert not has(events_of(pipe, UKRAINE, "2023-03-08"), "More than 8,000 civilians")
    assert not has(events_of(pipe, SAHEL, "2022-06-14"), "So far this year")
    ev = events_of(pipe, YEMEN, "2019-04-02")
    assert not has(ev, "Houthi rebels have fired hundreds")
    assert not has(ev, "In the past week")
    assert not has(events_of(pipe, SYRIA, "2016-10-03"), "Since Sept. 19")


def test_habitual_and_generic_statements_are_not_events(pipe):
    assert not has(events_of(pipe, UKRAINE, "2023-03-08"), "Russia often targets")
    assert not has(events_of(pipe, SYRIA, "2016-10-03"), "The town is regularly bombarded")


def test_plans_threats_calls_denials_condemnations_are_not_events(pipe):
    ev = events_of(pipe, UKRAINE, "2023-03-08")
    assert not has(ev, "Moscow denied")
    assert not has(ev, "Ukraine's foreign minister called for")
    assert not has(events_of(pipe, SAHEL, "2022-06-14"), "The junta has vowed")
    assert not has(events_of(pipe, YEMEN, "2019-04-02"), "The coalition condemned")
    assert not has(events_of(pipe, MYANMAR, "2021-04-11"), "The army threatened")


def test_captions_are_not_events(pipe):
    assert not has(events_of(pipe, SAHEL, "2022-06-14"), "Residents walk past burned houses")
    assert not has(events_of(pipe, SYRIA, "2016-10-03"), "A man inspects a damaged building")
    assert caption_like("FILE PHOTO: Smoke rises over the city after an air strike.")
    assert caption_like("A Houthi fighter fires his rifle during clashes near Marib, Yemen February 21, 2021.")
    assert not caption_like("A man was killed when a shell hit his house in Douma on Monday.")
    assert not caption_like("Two soldiers were killed in the ambush, the army said on March 3, 2021.")


def _doc(pipe, text: str, published: str = "2016-10-03"):
    doc = pipe.annotate(Article("t", text, published=dt.date.fromisoformat(published)))
    return doc, _spans_by_sentence(doc)


def test_related_headlines_and_datelined_totals(pipe):
    doc, sbs = _doc(pipe, "Clashes in Aleppo\n\nClashes killed 5 fighters in Aleppo on Monday.\n"
                          "Related: Car bomb kills 9 in Azaz\n"
                          "014 Related Blast Rocks Damascus Suburb Tags bombing Syria")
    reasons = [rule_reason(doc, i, None, sbs.get(i, [])) for i in range(len(doc.sentences))]
    assert reasons[0] is None and reasons[1] is None
    # cleaning may cut the related lines first; whatever reaches the rules is "related"
    for i, sent in enumerate(doc.sentences[2:], start=2):
        if "Related" in sent.text:
            assert reasons[i] == "related", sent.text
    assert sentence_cues("Related: Car bomb kills 9 in Azaz").get("related")
    assert sentence_cues("014 Related Blast Rocks Damascus Suburb Tags bombing Syria").get("related")
    assert not sentence_cues("Related attacks killed 9 people in Azaz on Monday.").get("related")


def test_a_month_well_before_publication_is_background(pipe):
    from frontlines.records import Span

    doc, sbs = _doc(pipe, "Port attack\n\nIn early February, rebels shelled the port of Hodeidah, killing five.\n"
                          "Earlier this month, rebels shelled the port again.", "2019-04-02")
    s1 = doc.sentences[1]
    j = s1.text.index("shelled")
    trig = Span(s1.start + j, s1.start + j + 7, "TRIGGER", "shelled")
    assert rule_reason(doc, 1, trig, sbs.get(1, [])) == "background"
    s2 = doc.sentences[2]
    j = s2.text.index("shelled")
    trig = Span(s2.start + j, s2.start + j + 7, "TRIGGER", "shelled")
    assert rule_reason(doc, 2, trig, sbs.get(2, [])) is None


def test_a_day_dated_incident_beside_a_total_is_left_to_the_model(pipe):
    # "bringing to 300 the toll since the offensive began" does not unmake Tuesday's strike
    doc, sbs = _doc(pipe, "Strikes kill 12\n\nAir strikes killed 12 people in Douma on Saturday, bringing to 300 "
                          "the number killed since the offensive began.")
    assert rule_reason(doc, 1, None, sbs.get(1, [])) is None


def test_denial_of_a_reported_incident_disputes_it_and_is_no_event(pipe):
    text = ("Air strike kills 9 in Saraqeb\n\nWarplanes struck a market in Saraqeb on Monday, killing nine "
            "civilians, activists said.\nThe Russian defence ministry denied that its aircraft had carried out any "
            "strikes on Saraqeb, saying that its warplanes only target militants in the area.")
    doc = pipe.annotate(Article("t", text, published=dt.date(2018, 1, 30)))
    by_sentence = {m.evidence.sentence[:20]: m.claim for m in doc.mentions}
    assert not any(s.startswith("The Russian defence") for s in by_sentence)
    assert by_sentence["Warplanes struck a m"] == "disputed"


def test_shipped_model_loads_lazily_and_scores_clear_cases(pipe):
    rep = Reportable.from_thresholds(pipe.thresholds)
    assert rep._model is None  # nothing loaded until the first score
    assert learn.model_path(MODEL_NAME).stat().st_size < 2_000_000
    clear = [
        ("Gunmen attacked a police checkpoint in Mir Ali on Monday, killing four officers.", True),
        ("Two suicide bombers killed at least 22 worshippers at a mosque in Maiduguri on Friday.", True),
        ("The conflict has killed more than 300,000 people since it began in 2011.", False),
        ("The minister called on the international community to impose sanctions.", False),
        ("Rebels have been fighting the government for years.", False),
    ]
    for text, want in clear:
        doc, sbs = _doc(pipe, "Headline\n\n" + text)
        p = rep.probability(doc, 1, sbs.get(1, []))
        assert (p >= rep.min_probability) == want, (text, p)
    assert rep._model is not None


def test_learn_roundtrip_keeps_scores(tmp_path):
    f = learn.Featurizer(n_bits=16)
    texts = ["air strike killed civilians", "shelling killed five", "the war began in 2011", "talks will resume"] * 10
    labels = ["1", "1", "0", "0"] * 10
    m = learn.train(f, texts, labels, extras=[{"dated": i % 2} for i in range(40)], classes=("0", "1"))
    path = m.save(tmp_path / "m.npz")
    m2 = learn.LinearModel.load(path)
    for t in ("air strike killed civilians", "talks will resume"):
        assert abs(m.proba(t) - m2.proba(t)) < 0.02
    assert m2.proba("shelling killed five") > 0.5 > m2.proba("the war began in 2011")
    multi = learn.train(f, texts, ["a", "b", "c", "c"] * 10)
    assert multi.predict("shelling killed five") == "b"
    assert learn.auc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]) == 0.75


def _data_dir():
    sys.path.insert(0, str(ROOT / "training"))
    try:
        from corpora import data_dir

        return data_dir()
    finally:
        sys.path.pop(0)


def test_labels_reference_existing_rows_and_no_dev_article():
    rows = list(csv.DictReader(open(LABELS, encoding="utf-8", newline="")))
    assert len(rows) >= 1000
    assert set(rows[0]) == {"corpus", "doc", "field", "start", "end", "label", "reason"}
    assert {r["label"] for r in rows} == {"0", "1"}
    data = _data_dir()
    if data is None:
        pytest.skip("../shared/data is absent: references not checked")
    sys.path.insert(0, str(ROOT / "training"))
    try:
        from corpora import dev_ids, documents
    finally:
        sys.path.pop(0)
    dev = dev_ids(data)
    assert not [r for r in rows if r["corpus"] == "fakes" and r["doc"] in dev]
    assert not [r for r in rows if r["corpus"] == "case" and "test" in r["field"].lower()]
    wanted: dict[tuple[str, str], list[dict]] = {}
    for r in rows:
        wanted.setdefault((r["corpus"], r["doc"]), []).append(r)
    seen = set()
    for corpus, did, art, _ in documents(data, tuple(sorted({c for c, _ in wanted}))):
        for r in wanted.get((corpus, did), ()):
            if corpus == "fakes":
                head = len(art.title) + 2 if art.title else 0
                field = art.text[: head - 2] if r["field"] == "article_title" else art.text[head:]
            else:
                field = art.text
            st, en = int(r["start"]), int(r["end"])
            assert 0 <= st < en <= len(field), r
            assert field[st:en].strip() == field[st:en], r  # a whole sentence, trimmed
        seen.add((corpus, did))
    assert set(wanted) <= seen, set(wanted) - seen


def test_a_partys_denial_of_one_dated_incident_is_a_disputed_report(pipe):
    # the article reports no strike of its own: the denial is the only report it gives of
    # the incident, kept as disputed so that stage 7 can join it to the claim it disputes
    text = ("RSF denies army claims on El Fasher\n\nThe Rapid Support Forces denied the army's claims on "
            "Tuesday, saying the air strikes on El Fasher on Monday hit an empty market and that none of its "
            "fighters were killed.")
    doc = pipe.annotate(Article("t", text, published=dt.date(2024, 5, 14)))
    assert [m.claim for m in doc.mentions if m.evidence.sentence.startswith("The Rapid")] == ["disputed"]
    generic = "The government denied using chemical weapons against its own people.\n"
    doc = pipe.annotate(Article("g", generic, published=dt.date(2024, 5, 14)))
    assert doc.mentions == []


def test_a_campaigns_toll_is_a_total(pipe):
    text = ("Army pushes into Bakhmut outskirts\n\nUkraine's general staff said its forces had killed more than 300 "
            "Wagner fighters in a week-long offensive around the town.\nThe monitor has reported hundreds of civilians "
            "killed in operations against the militants.\nA drone strike hit a bus in the town of Kostiantynivka on "
            "Monday, killing four people.")
    doc = pipe.annotate(Article("t", text, published=dt.date(2023, 2, 14)))
    sentences = [m.evidence.sentence for m in doc.mentions]
    assert not any("week-long offensive" in s or "operations against" in s for s in sentences)
    assert any("Kostiantynivka" in s for s in sentences)


SUDAN_DATELINED = """RSF shelling kills 9 in El Obeid AFP Thursday 28 Nov 2024 Shelling by the Rapid Support Forces killed nine civilians in the city of El Obeid on Thursday, a medical source said.
The shells hit a crowded bus station in the east of the city.
The attack is the latest in a series on the city.
In early November a drone strike on a market in the city killed 30 people.
"""


def test_background_is_read_against_the_articles_own_dateline(pipe):
    # the metadata's date (2 November) is not the article's: its dateline (28 November)
    # makes "in early November" three weeks old, background to Thursday's shelling
    ev = events_of(pipe, SUDAN_DATELINED, "2024-11-02")
    assert has(ev, "RSF shelling kills 9 in El Obeid")
    assert not has(ev, "In early November a drone strike")
    doc, _ = _doc(pipe, SUDAN_DATELINED, "2024-11-02")
    assert doc.news_date == dt.date(2024, 11, 28)
    assert {m.event_date for m in doc.mentions} == {dt.date(2024, 11, 28)}


UKRAINE_CAMPAIGN = """Russian strikes kill 6 in Kharkiv

KHARKIV, May 23 (Reuters) - Russian missile strikes hit a printing house in Kharkiv on Thursday, killing six workers, the regional governor said.
Relentless bombardment of the city has killed at least 120 civilians, local officials said.
The Russian offensive in the region has left hundreds of soldiers dead on both sides.
A Russian missile strike on a supermarket in Kharkiv has killed at least 12 people, the governor said on Thursday.
"""


def test_a_campaigns_present_perfect_toll_is_a_total(pipe):
    ev = events_of(pipe, UKRAINE_CAMPAIGN, "2024-05-23")
    assert has(ev, "KHARKIV, May 23 (Reuters) - Russian missile strikes hit a printing house")
    assert not has(ev, "Relentless bombardment of the city has killed")
    assert not has(ev, "The Russian offensive in the region has left")
    # one strike's toll in the present perfect is an incident, not a total (for the rules;
    # the model weighs the sentence)
    doc, sbs = _doc(pipe, UKRAINE_CAMPAIGN, "2024-05-23")
    i = next(k for k, s in enumerate(doc.sentences) if s.text.startswith("A Russian missile strike"))
    assert rule_reason(doc, i, None, sbs.get(i, [])) is None
    assert rule_reason(doc, i - 2, None, sbs.get(i - 2, [])) == "total"
    # "May 23" in a dateline is the month, not a modal verb that makes the strike a forecast
    assert not sentence_cues("KHARKIV, May 23 (Reuters) - Missiles hit the city.").get("modal")
    assert sentence_cues("Missiles may hit the city again.").get("modal")


SAHEL_IDENTIFIED = """Jihadists kill 12 soldiers in central Mali

Jihadists attacked an army post in the town of Boni on Sunday, killing 12 soldiers, the army said.
The army said it had identified the commander of the attack as Amadou Diallo, the man who kidnapped two aid workers in Menaka and who ordered the bombing of a bus station in Gao.
A boy who was wounded in an air strike on the market is being treated in Mopti.
Police arrested a man who shot dead two guards at a bank in Sevare on Saturday, police said.
"""


def test_a_person_identified_by_a_past_act_is_no_event(pipe):
    ev = events_of(pipe, SAHEL_IDENTIFIED, "2024-03-12")
    assert has(ev, "Jihadists attacked an army post in the town of Boni")
    assert not has(ev, "The army said it had identified the commander")
    assert not has(ev, "A boy who was wounded in an air strike")
    # a clause that dates its act to a recent day still reports it
    assert has(ev, "Police arrested a man who shot dead two guards")
    # a group's relative clause reports its incident ("the army and allies who repelled")
    myanmar = ("Junta troops repel attack in Sagaing\n\nMore than 30 resistance fighters were killed by junta "
               "troops and allied militias who repelled a major attack on a base near Monywa, state media said.")
    assert has(events_of(pipe, myanmar, "2023-11-20"), "More than 30 resistance fighters")


SUDAN_OVERVIEW = """RSF drone hits Port Sudan depot

A drone launched by the Rapid Support Forces struck a fuel depot in Port Sudan on Tuesday, killing two guards, the army said.
Two campaigns are being fought in Darfur, one by the army around El Fasher and one by allied militias to the west.
Militias have launched fresh attacks on villages across Sudan, killing at least 40 people, aid groups said.
Attacks across several provinces have displaced thousands of families.
"""


def test_campaigns_going_on_and_tolls_across_a_country_are_not_events(pipe):
    ev = events_of(pipe, SUDAN_OVERVIEW, "2025-05-07")
    assert has(ev, "A drone launched by the Rapid Support Forces struck a fuel depot")
    assert not has(ev, "Two campaigns are being fought")
    assert not has(ev, "Militias have launched fresh attacks on villages across Sudan")
    assert not has(ev, "Attacks across several provinces")
    # a day's incident across a country's border region is still reported
    doc, sbs = _doc(pipe, "Strikes\n\nJets struck villages across the border region on Monday, killing six.", "2025-05-07")
    assert rule_reason(doc, 1, None, sbs.get(1, [])) is None
    # a wave of protests across a country is coded as protests; "ongoing" of an inquiry is
    # no campaign going on
    protests = ("Protests in Sudan\n\nThousands of protesters rallied across the country to demand civilian rule, "
                "witnesses said.\nRockets struck an army base near Kassala, and the operation is ongoing.")
    ev = events_of(pipe, protests, "2025-05-07")
    assert has(ev, "Thousands of protesters rallied across the country")
    doc, sbs = _doc(pipe, protests, "2025-05-07")
    assert rule_reason(doc, 2, None, sbs.get(2, [])) is None


def test_an_incident_told_by_its_name_is_background(pipe):
    """A capitalised incident noun after a name ("the Houla Massacre") names an incident the
    reader knows: background, even when the sentence dates the statement to a recent day."""
    text = (
        "Envoy's remarks draw anger\n\n"
        "Opposition leaders on Monday rejected remarks by the government's envoy, who blamed foreign "
        "fighters for the Houla Massacre that claimed the lives of 108 villagers.\n"
        "Gunmen killed four farmers in an attack on a village near Houla on Sunday, activists said."
    )
    sentences = events_of(pipe, text, "2016-08-24")
    assert not has(sentences, "Opposition leaders on Monday")
    assert has(sentences, "Gunmen killed four farmers")


@pytest.mark.parametrize(
    "sentence, word, named",
    [
        ("who blamed France for the Ghouta Massacre that claimed the lives of hundreds.", "Massacre", True),
        ("Gunmen carried out a massacre in the village on Sunday, killing 20.", "massacre", False),
        ("Rebels Claim Deadly Attack On Army Convoy Near Hama", "Attack", False),  # a title-case line
        ("Attack on a convoy near Hama killed six soldiers on Sunday.", "Attack", False),  # no name before it
    ],
)
def test_named_incident(sentence, word, named):
    from frontlines.records import Span
    from frontlines.reportable import named_incident

    j = sentence.index(word)
    assert named_incident(sentence, Span(j, j + len(word), "TRIGGER", "x"), sentence) is named
