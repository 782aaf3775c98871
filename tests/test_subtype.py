"""The learned sub-event classifier (frontlines.subtype): the shipped model loads lazily and
types clear sentences from several conflicts; the combination rule; the training labels
reference existing rows of the shared data and hold no CASE 2021 test id."""

from __future__ import annotations

import csv
import os
import sys
from pathlib import Path

import pytest

import frontlines
from frontlines import subtype
from frontlines.learn import model_path
from frontlines.pipeline import make_article

ROOT = Path(__file__).resolve().parents[1]
LABELS = ROOT / "training" / "labels"
DATA = Path(os.environ.get("FRONTLINES_DATA", ROOT.parent / "shared" / "data"))


def _rows(name: str) -> list[dict]:
    with open(LABELS / name, encoding="utf-8") as fh:
        return list(csv.DictReader(line for line in fh if not line.startswith("#")))


def _extractor(pipe):
    return next(stage for name, stage in pipe.stages() if name == "extract")


def test_model_is_read_on_first_use_not_at_construction():
    ex = _extractor(frontlines.Pipeline())
    assert ex.subtyper._loaded is False and ex.subtyper._model is None
    if model_path("subtype").exists():
        ex(frontlines.Pipeline().annotate(make_article("Gunmen attacked a police post in Zamfara, killing four officers.")))
        assert ex.subtyper._loaded is True


@pytest.mark.skipif(not model_path("subtype").exists(), reason="no shipped subtype model")
@pytest.mark.parametrize(
    "text, expected",
    [
        ("Russian warplanes struck the market in Maarat al-Numan on Sunday, killing nine civilians.", "Air/drone strike"),
        ("Thousands of teachers marched peacefully through Lagos on Monday to demand unpaid salaries.", "Peaceful protest"),
        ("Police in Mandalay arrested three student activists at their homes overnight, relatives said.", "Arrests"),
        ("A suicide bomber blew himself up at a checkpoint in Mogadishu, killing six soldiers.", "Suicide bomb"),
        ("The foreign ministers of both countries met in Geneva to discuss trade and visas.", subtype.NON_CONFLICT),
    ],
)
def test_shipped_model_types_clear_sentences(text, expected):
    pipe = frontlines.Pipeline()
    ex = _extractor(pipe)
    doc = pipe.annotate(make_article(text))
    p = ex.subtyper.proba(doc.text, doc.spans, ex.find_triggers(doc))
    assert max(p, key=p.get) == expected, {k: round(v, 2) for k, v in p.items() if v > 0.05}


def test_choose_keeps_the_rules_unless_the_model_is_confident():
    th = {"candidate_p": 0.5, "override_p": 0.8, "drop_p": 0.9}
    p = {"Armed clash": 0.2, "Air/drone strike": 0.6, subtype.NON_CONFLICT: 0.2}
    # a trigger of the model's type is in the sentence: the lower bar
    assert subtype.choose("Armed clash", {"Armed clash", "Air/drone strike"}, p, th) == "Air/drone strike"
    # no trigger of it: the higher bar, not met
    assert subtype.choose("Armed clash", {"Armed clash"}, p, th) == "Armed clash"
    # no event only when the model is very sure
    assert subtype.choose("Attack", {"Attack"}, {"Attack": 0.15, subtype.NON_CONFLICT: 0.85}, th) == "Attack"
    assert subtype.choose("Attack", {"Attack"}, {"Attack": 0.05, subtype.NON_CONFLICT: 0.95}, th) == subtype.NON_CONFLICT


def test_labels_hold_no_case_test_id_and_known_codes():
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from case2021 import CODES

    known = set(CODES) | {"NON_CONFLICT", "-", "DIPLO", "NATURAL_DISASTER", "MAN_MADE_DISASTER", "ORG_CRIME", "ATTRIB", "OTHER"}
    for name in ("subtype_case2021_dev.csv", "subtype_ucdp.csv", "subtype_fakes.csv"):
        assert {r["label"] for r in _rows(name)} <= known, name
    test = DATA / "case2021" / "test.tsv"
    if not test.exists():
        pytest.skip("CASE 2021 data not found")
    with open(test, encoding="utf-8") as fh:
        test_ids = {r["id"] for r in csv.DictReader(fh, delimiter="\t")}
    with open(DATA / "case2021" / "dev.tsv", encoding="utf-8") as fh:
        dev = {r["id"]: r["SubType"] for r in csv.DictReader(fh, delimiter="\t")}
    ids = [r["id"] for r in _rows("subtype_case2021_dev.csv")]
    assert not set(ids) & (test_ids - set(dev))
    assert all(dev[r["id"]] == r["label"] for r in _rows("subtype_case2021_dev.csv"))


def test_labels_reference_existing_rows():
    ucdp = DATA / "ucdp" / "ged_syria_2016_2019.csv"
    fakes = DATA / "fakes" / "fakes.csv"
    if not (ucdp.exists() and fakes.exists()):
        pytest.skip("shared data not found")
    with open(ucdp, encoding="utf-8") as fh:
        ids = {str(int(float(r["id"]))) for r in csv.DictReader(fh)}
    assert all(r["id"] in ids for r in _rows("subtype_ucdp.csv"))
    csv.field_size_limit(10**7)
    with open(fakes, encoding="utf-8", errors="replace") as fh:
        arts = {r["unit_id"]: r["article_content"] for r in csv.DictReader(fh)}
    import json

    dev = {a["id"] for a in json.loads((DATA / "fakes_full" / "dev.json").read_text())["articles"]}
    for r in _rows("subtype_fakes.csv"):
        assert r["unit_id"] in arts and r["unit_id"] not in dev
        start, end = int(r["start"]), int(r["end"])
        assert 0 <= start < end <= len(arts[r["unit_id"]])


NEWS_CORPORA = {"gwn", "trnews", "lgl", "wikievents", "fakes", "ucdp"}


def _news_rows() -> list[tuple[str, dict]]:
    return [(p.name, r) for p in sorted(LABELS.glob("subtype_news_*.csv")) for r in _rows(p.name)]


def test_news_labels_are_references_with_known_codes():
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from case2021 import CODES

    known = set(CODES) | {"NON_CONFLICT", "-", "DIPLO", "NATURAL_DISASTER", "MAN_MADE_DISASTER", "ORG_CRIME", "ATTRIB", "OTHER"}
    for name, r in _news_rows():
        # no CASE 2021 snippet at all (its test split least of all): other corpora only
        assert r["corpus"] in NEWS_CORPORA, (name, r)
        assert r["label"] in known, (name, r)
        assert int(r["start"]) < int(r["end"]), (name, r)


def test_news_label_references_resolve_to_sentences():
    """Each (corpus, doc, start, end) names a non-empty stretch of the text that
    training/corpora.py yields for that document (FA-KES dev articles are never yielded)."""
    rows = _news_rows()
    if not rows:
        pytest.skip("no news labels")
    sys.path.insert(0, str(ROOT / "training"))
    from corpora import data_dir, documents

    data = data_dir()
    if data is None:
        pytest.skip("shared data not found")
    want: dict[str, set[str]] = {}
    for _, r in rows:
        want.setdefault(r["corpus"], set()).add(r["doc"])
    texts = {}
    for corpus, docs in want.items():
        for _, doc, art, _ in documents(data, (corpus,)):
            if doc in docs:
                texts[corpus, doc] = art.text
    for name, r in rows:
        text = texts.get((r["corpus"], r["doc"]))
        assert text is not None, (name, r)
        start, end = int(r["start"]), int(r["end"])
        assert 0 <= start < end <= len(text), (name, r, len(text))
        assert text[start:end].strip(), (name, r)


def test_context_names_the_rules_pick_and_the_reportable_verdict():
    from frontlines.reportable import Verdict

    assert subtype.context(None) == {"r=none": 1.0}
    assert subtype.context("Armed clash", Verdict(True, None, 0.9)) == {"r=Armed clash": 1.0, "rep=keep": 1.0}
    assert subtype.context("Attack", Verdict(False, "model", 0.2)) == {"r=Attack": 1.0, "rep=model": 1.0}


def test_cue_features_pair_protest_with_lethal_force():
    pipe = frontlines.Pipeline()
    doc = pipe.annotate(make_article("Soldiers opened fire on protesters in Omdurman on Thursday, killing three."))
    q = subtype.cue_features(doc.text, doc.spans)
    assert {"q=protest", "q=lethal", "q=protest+lethal", "q=police+lethal"} <= set(q)
    calm = subtype.cue_features("Hundreds of nurses marched through Nairobi demanding better pay.")
    assert "q=protest" in calm and "q=protest+lethal" not in calm and "q=lethal" not in calm


def test_cue_features_name_who_gained_ground():
    pipe = frontlines.Pipeline()
    doc = pipe.annotate(make_article("The Myanmar army recaptured the town of Lashio from the rebels on Monday."))
    q = subtype.cue_features(doc.text, doc.spans)
    assert "q=gain" in q
    assert "q=gain@state" in q, q


class _FixedModel:
    """A stand-in model giving the same probabilities to every sentence."""

    def __init__(self, probs: dict):
        self.classes = tuple(probs)
        self.probs = list(probs.values())
        self.seen: list[dict] = []

    def proba(self, text, extras):
        import numpy as np

        self.seen.append(extras)
        return np.array(self.probs)


def _subs(pipe):
    return _extractor(pipe).lexicon.sub_events


def test_keep_brings_back_a_dropped_sentence_only_when_sure_of_a_conflict_type():
    pipe = frontlines.Pipeline()
    subs = _subs(pipe)
    from frontlines.records import Span

    trig = [Span(0, 6, "TRIGGER", "killed", {"sub_event": "Attack", "priority": 1})]
    chosen = (trig[0], subs["Attack"])
    sure = _FixedModel({"Attack": 0.1, "Arrests": 0.8, subtype.NON_CONFLICT: 0.1})
    st = subtype.Subtyper({"subtype": {"keep_p": 0.6}}, model=sure)
    kept = st.keep("killed ...", [], trig, chosen, subs, subtype.context("Attack"))
    assert kept is not None and kept[1].name == "Arrests"
    assert sure.seen[-1]["r=Attack"] == 1.0  # the rules' pick reached the model's features
    unsure = subtype.Subtyper({"subtype": {"keep_p": 0.9}}, model=sure)
    assert unsure.keep("killed ...", [], trig, chosen, subs) is None
    no_event = subtype.Subtyper({"subtype": {"keep_p": 0.5}}, model=_FixedModel({"Attack": 0.3, subtype.NON_CONFLICT: 0.7}))
    assert no_event.keep("killed ...", [], trig, chosen, subs) is None
    off = subtype.Subtyper({"subtype": {"keep_p": 1.1}}, model=sure)
    assert off.keep("killed ...", [], trig, chosen, subs) is None
