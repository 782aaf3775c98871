"""Place annotation on news sentences."""

from __future__ import annotations

from frontlines.annotate.places import annotate_places
from frontlines.records import Article, Doc, Sentence, Span


def _doc(text: str) -> Doc:
    return Doc(article=Article(article_id="t", text=text), text=text, sentences=[Sentence(0, len(text), 0, text)])


def _places(gazetteer, text):
    doc = _doc(text)
    return doc, {s.attrs["head"]: s for s in annotate_places(doc, gazetteer)}


def test_relations(gazetteer):
    doc, spans = _places(
        gazetteer,
        "Warplanes struck Idlib countryside. IS attacked 30 km east of Raqqa. Clashes in Deir ez-Zor province "
        "and near Khan Sheikhoun, on the outskirts of Aleppo and in the countryside of Hama.",
    )
    assert spans["Idlib"].attrs["relation"] == "countryside"
    assert spans["Idlib"].text == "Idlib countryside"
    assert spans["Raqqa"].attrs["relation"] == "direction" and spans["Raqqa"].attrs["distance_km"] == 30.0
    assert spans["Deir ez-Zor"].attrs["relation"] == "province"
    assert spans["Deir ez-Zor"].attrs["candidates"][0].feature == "admin1"
    assert spans["Khan Sheikhoun"].attrs["relation"] == "near"
    assert spans["Aleppo"].attrs["relation"] == "outskirts"
    assert spans["Hama"].attrs["relation"] == "countryside"
    assert doc.country_hint == "SYR"


def test_actors_people_and_common_words_are_not_places(gazetteer):
    _, spans = _places(
        gazetteer,
        "Islamic State fighters and the Free Syrian Army clashed with the Syrian Democratic Forces in Manbij. "
        "President Assad met Mark Lowcock in Damascus on Monday. May saw an Arab League meeting.",
    )
    assert set(spans) == {"Manbij", "Damascus"}


def test_existing_actor_spans_are_masked(gazetteer):
    text = "Fighters of Liwa Homs attacked Hama."
    doc = _doc(text)
    doc.spans.append(Span(12, 21, "ACTOR", "Liwa Homs"))
    heads = [s.attrs["head"] for s in annotate_places(doc, gazetteer)]
    assert heads == ["Hama"]


def test_longest_match_and_region(gazetteer):
    _, spans = _places(gazetteer, "Shelling hit Eastern Ghouta and Deir ez-Zor city.")
    assert spans["Eastern Ghouta"].attrs["candidates"][0].feature == "region"
    assert spans["Deir ez-Zor"].attrs["candidates"][0].feature == "city"


def test_country_hint_breaks_ties(gazetteer):
    doc, spans = _places(gazetteer, "Rebels in Aleppo and Idlib said Tripoli was shelled.")
    assert doc.country_hint == "SYR"
    _, spans2 = _places(gazetteer, "Fighting in Benghazi and Misrata spread to Tripoli.")
    assert spans2["Tripoli"].attrs["candidates"][0].iso3 == "LBY"
