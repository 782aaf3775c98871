"""Geocoding: precision codes and fallbacks."""

from __future__ import annotations

from frontlines.annotate.places import annotate_places
from frontlines.geocode import geocode, resolve_place
from frontlines.records import Article, Doc, EventMention, Evidence, Sentence, Span


def _spans(gazetteer, text):
    doc = Doc(article=Article(article_id="t", text=text), text=text, sentences=[Sentence(0, len(text), 0, text)])
    doc.spans = annotate_places(doc, gazetteer)
    return doc, {s.attrs["head"]: s for s in doc.spans}


def test_precision_codes(gazetteer):
    doc, s = _spans(gazetteer, "Strikes on Idlib countryside, in Deir ez-Zor province, in Manbij, 30 km east of Raqqa and in Syria.")
    place, prec = resolve_place(s["Idlib"], "SYR", gazetteer)
    assert (place.name, place.feature, prec) == ("Idlib", "city", 2)
    place, prec = resolve_place(s["Deir ez-Zor"], "SYR", gazetteer)
    assert (place.feature, prec) == ("admin1", 3)
    assert resolve_place(s["Manbij"], "SYR", gazetteer)[1] == 1
    assert resolve_place(s["Raqqa"], "SYR", gazetteer)[1] == 2
    place, prec = resolve_place(s["Syria"], "SYR", gazetteer)
    assert prec == 3 and place.admin1


def _mention(span=None):
    ev = Evidence(article_id="t", sentence="", char_start=0, char_end=0)
    return EventMention(event_type="Battles", sub_event_type="Armed clash", evidence=ev, place_span=span)


def test_geocode_fallbacks_and_bad_places(gazetteer):
    doc, s = _spans(gazetteer, "Clashes in Manbij. More clashes in Manbij and Aleppo.")
    bad = Span(0, 3, "PLACE", "Xyzzyq", {"candidates": [], "relation": None, "head": "Xyzzyq"})
    doc.mentions = [_mention(s["Aleppo"]), _mention(None), _mention(bad)]
    geocode(doc, gazetteer)
    a, b, c = doc.mentions
    assert (a.place.name, a.geo_precision) == ("Aleppo", 1)
    assert (b.place.name, b.geo_precision) == ("Manbij", 2)
    assert c.place.name == "Manbij" and c.geo_precision == 2
    assert any("Xyzzyq" in w for w in doc.warnings)
    assert all(m.place.admin1 for m in doc.mentions)
