"""Provenance: text reuse (MinHash sketches, shared passages), credits, citation chains
and origins, so that reprints and relays never count as independent witnesses."""

from __future__ import annotations

from frontlines.provenance import (
    ArticleSource,
    SourceBook,
    article_source,
    credits,
    fingerprints,
    jaccard,
    load_settings,
    reuse_roots,
    sketch,
)

BODY = (
    "Air strikes hit a crowded vegetable market in the town of Kafr Nabl in Idlib province on Tuesday, "
    "killing at least 12 civilians, an AFP correspondent at the scene said. Rescue workers pulled bodies "
    "from the rubble of shops and stalls as residents searched for relatives among the wounded. It was not "
    "immediately clear whether Syrian or Russian aircraft carried out the raids on the rebel-held town."
)
OTHER = (
    "Local sources told Enab Baladi that 19 civilians were killed when Russian warplanes bombed the "
    "vegetable market of Kafr Nabl on Tuesday morning, while dozens of others were wounded. Residents said "
    "two aircraft circled over the town before the first missile hit the market at the busiest hour."
)


def test_reprint_is_a_near_duplicate_and_a_rewrite_is_not():
    st = load_settings()
    reprint = "Qasioun News\n\n" + BODY + "\n\nSource: AFP\nShare this: Facebook Twitter"
    a, b, c = sketch(BODY), sketch(reprint), sketch(OTHER)
    assert jaccard(a, b) >= st["reuse"]["near_duplicate"]
    assert jaccard(a, c) < 0.2
    assert jaccard(a, a) == 1.0 and jaccard(a, []) == 0.0


def test_shared_passage_fingerprints():
    relay = "Activists said the toll could rise. " + BODY.split(". ")[1] + "."
    assert fingerprints(BODY) & fingerprints(relay)
    assert not fingerprints(BODY) & fingerprints(OTHER)
    assert fingerprints("Too short to count.") == set()


def test_reuse_root_is_the_credited_original_whatever_the_ids():
    st = load_settings()
    orig = article_source("zzz", "AFP", "2017-03-07", "KAFR NABL (AFP) - " + BODY, st)
    copy = article_source("aaa", "Qasioun News", "2017-03-07", BODY + "\nSource: AFP", st)
    other = article_source("mmm", "Enab Baladi", "2017-03-07", OTHER, st)
    assert "AFP" in credits(copy_text := BODY + "\nSource: AFP") and copy_text
    roots = reuse_roots([copy, other, orig], st)
    assert roots == {"zzz": "zzz", "aaa": "zzz", "mmm": "mmm"}
    # an earlier publication is the original even when uncredited
    early = ArticleSource("aaa", "Qasioun News", "2017-03-06", copy.sketch, copy.fingerprints)
    assert reuse_roots([early, orig], st)["zzz"] == "aaa"


def test_citation_chains_and_origins():
    book = SourceBook()
    chains = book.chains("Three civilians were killed, SANA reported, citing a military source.")
    assert chains and chains[0].source == "SANA" and chains[0].via == "military source" and chains[0].party
    # a relay's origin is the agency it cites, not the relaying outlet
    relay = book.origins(["At least 12 civilians were killed in Kafr Nabl, according to AFP."], "Al Araby", "Al Araby", False)
    assert [o.name for o in relay] == ["AFP"] and relay[0].how == "relayed"
    # unnamed sources are the outlet's own network
    local = book.origins(["Local sources said 19 civilians were killed in Kafr Nabl."], "Enab Baladi", "Enab Baladi", False)
    assert [o.name for o in local] == ["Enab Baladi (local sources)"] and not local[0].party
    # no attribution: the outlet's own reporting; a reprint's is the original outlet's
    own = book.origins(["Air strikes killed 12 civilians in Kafr Nabl."], "AFP", "AFP", False)
    assert [(o.name, o.how) for o in own] == [("AFP", "own reporting")]
    copy = book.origins(["Air strikes killed 12 civilians in Kafr Nabl."], "Qasioun News", "AFP", True)
    assert [(o.name, o.how) for o in copy] == [("AFP", "reprint")]
    # a party's own outlet stays a party origin
    state = book.origins(["Army units destroyed a terrorist headquarters in Kafr Zita."], "SANA", "SANA", False)
    assert state[0].party


# -- hashing: sketches are stored in ledgers, so their values must never change ------------
from hypothesis import given, strategies as st  # noqa: E402

from frontlines.provenance import _h64, _h64_all  # noqa: E402


@given(st.lists(st.text(max_size=40), max_size=20))
def test_batch_hash_equals_single_hash(strings):
    assert _h64_all(strings) == [_h64(s) for s in strings]


def test_sketch_is_the_bottom_k_of_shingle_hashes():
    # the definition, written the slow way: the smallest ``size`` hashes of the 4-word shingles
    from frontlines.provenance import words

    w = words(BODY)
    shingles = {" ".join(w[i : i + 4]) for i in range(len(w) - 3)}
    assert sketch(BODY, 4, 8) == sorted(_h64(x) for x in shingles)[:8]
    assert sketch("two words", 4, 8) == [_h64("two words")]
    assert sketch("", 4, 8) == []
