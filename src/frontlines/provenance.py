"""Provenance for stage 7: who reported what, who copied whom, and whom they cite.

Three questions decide how much a report is worth as a witness:

* its **outlet** (metadata, URL domain, byline, "Source:" line; inferred at ingest);
* whether its text is **reused** from another article: a bottom-k MinHash sketch over word
  shingles finds republications, fingerprints of long sentences find shared passages, so a
  reprint never counts as a second witness;
* its **citation chain** ("Reuters, citing SANA, citing a military source"), read from the
  ATTRIBUTION spans of ``annotate.attribution``: the chain's first named source is the
  report's *origin*; reports with the same origin are one witness, however many outlets
  relay it.
"""

from __future__ import annotations

import functools
import hashlib
import re
import struct
import tomllib
import unicodedata
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Callable, Iterable

# Source kinds of unnamed sources: "local sources told Enab Baladi" is Enab Baladi's own
# network, not an origin another outlet can share.
GENERIC_KINDS = frozenset({"local", "anonymous"})
GENERIC_NAMES = frozenset({"officials", "sources"})

_WORD_RE = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+)?")
_SENT_RE = re.compile(r"(?<=[.!?])[\"'\u201d\u2019)]*\s+|\n+")


def load_settings(path: str | Path | None = None) -> dict[str, Any]:
    """The corroboration thresholds (``data/corroboration.toml`` or a user file)."""
    if path is None:
        raw = resources.files("frontlines").joinpath("data/corroboration.toml").read_text("utf-8")
    else:
        raw = Path(path).read_text("utf-8")
    return tomllib.loads(raw)


# -- text reuse ------------------------------------------------------------------------
def words(text: str) -> list[str]:
    """Lower-cased words with accents folded (the unit of shingles and fingerprints)."""
    if not text.isascii():  # most reporting is ASCII but for its quotes: skip the fold then
        text = unicodedata.normalize("NFKD", text).translate(_combining_marks())
    return _WORD_RE.findall(text.casefold())


class _CombiningMarks(dict):
    """A ``str.translate`` table deleting combining marks, filled as characters are met:
    ``translate`` asks the table for each character and a miss lands in ``__missing__``
    (the whole table up front took ~0.3 s of every process; testing each character of
    each article in Python costs more than a lookup)."""

    def __missing__(self, cp: int) -> int | None:
        value = None if unicodedata.combining(chr(cp)) else cp
        self[cp] = value
        return value


@functools.cache
def _combining_marks() -> _CombiningMarks:
    return _CombiningMarks()


def _h64(s: str) -> int:
    """A stable 64-bit hash of ``s`` (BLAKE2b with an 8-byte digest, read big-endian).
    Sketches and fingerprints are stored in ledgers and compared across runs: the value
    must never change."""
    return int.from_bytes(hashlib.blake2b(s.encode("utf-8"), digest_size=8).digest(), "big")


def _h64_all(strings: Iterable[str]) -> list[int]:
    """``[_h64(s) for s in strings]`` at about half the cost (a sketch hashes ~300
    shingles per article): copying a hasher set up once skips the keyword parsing and
    setup of each ``blake2b(..., digest_size=8)`` call, and one ``struct.unpack`` reads
    all the digests as big-endian integers."""
    fresh = hashlib.blake2b(digest_size=8)
    digests = []
    for s in strings:
        h = fresh.copy()
        h.update(s.encode("utf-8"))
        digests.append(h.digest())
    return list(struct.unpack(f">{len(digests)}Q", b"".join(digests)))


def sketch(text: str, shingle_words: int = 4, size: int = 64) -> list[int]:
    """Bottom-k MinHash: the ``size`` smallest 64-bit hashes of the text's word shingles."""
    w = words(text)
    if len(w) > shingle_words >= 1:
        # shingle i joins w[i], w[i + 1], ...: zip walks the shifted word lists in step
        shingles = set(map(" ".join, zip(*(w[i:] for i in range(shingle_words)))))
    else:  # a text of at most ``shingle_words`` words is one shingle
        n = max(1, len(w) - shingle_words + 1)
        shingles = {" ".join(w[i : i + shingle_words]) for i in range(n)} if w else set()
    # sorting ~300 integers in C beats ``heapq.nsmallest``'s Python loop
    return sorted(set(_h64_all(shingles)))[: max(size, 0)]


def jaccard(a: list[int], b: list[int], size: int = 64) -> float:
    """Jaccard similarity of two texts estimated from their bottom-k sketches."""
    if not a or not b:
        return 0.0
    sa, sb = set(a), set(b)
    # sorting the <= 2 * size values of the union in C beats ``heapq.nsmallest``'s Python
    # loop (the same ``size`` smallest, in the same order)
    union_k = sorted(sa | sb)[: max(size, 0)]
    return len((sa & sb).intersection(union_k)) / len(union_k)


def fingerprints(text: str, min_words: int = 8) -> set[str]:
    """Hashes of the text's long sentences: two articles sharing one share a passage."""
    out = set()
    for sent in _SENT_RE.split(text):
        w = words(sent)
        if len(w) >= min_words:
            out.add(f"{_h64(' '.join(w)):016x}")
    return out


@dataclass
class ArticleSource:
    """What stage 7 knows of one article: outlet, date and its text-reuse signatures."""

    article_id: str
    outlet: str | None
    published: str | None
    sketch: list[int] = field(default_factory=list)
    fingerprints: set[str] = field(default_factory=set)
    credits: set[str] = field(default_factory=set)  # known outlets the text names ("Source: AFP")

    @property
    def outlet_name(self) -> str:
        """The outlet, or a stand-in unique to the article when no outlet is known."""
        return self.outlet or f"unknown outlet ({self.article_id[:8]})"

    @property
    def order(self) -> tuple[str, str]:
        """Canonical order: earlier publication first, then article id (never input order)."""
        return (self.published or "9999-99-99", self.article_id)


def credits(text: str) -> set[str]:
    """Known outlets named in a text: a reprint credits its original ("Source: AFP", "(AFP) -")."""
    from .ingest import default_outlet_index

    idx = default_outlet_index()
    return {name for m in idx.alias_re.finditer(text) if (name := idx.canonical(m.group(0)))}


def article_source(article_id: str, outlet: str | None, published: str | None, text: str, settings: dict[str, Any]) -> ArticleSource:
    r = settings["reuse"]
    return ArticleSource(
        article_id,
        outlet,
        published,
        sketch(text, int(r["shingle_words"]), int(r["sketch_size"])),
        fingerprints(text, int(r["fingerprint_min_words"])),
        credits(text),
    )


# A key (a sentence fingerprint or a sketch value) that more articles share than this is a
# boilerplate line every article of an outlet carries, not a republication: ignored.
REUSE_KEY_MAX_ARTICLES = 200


def shared_key_groups(srcs: dict[str, ArticleSource]) -> list[list[str]]:
    """Article ids that share a sentence fingerprint or one of the smallest sketch values
    (near-duplicates share most of those): the only pairs ``reuse_roots`` compares."""
    by_key: dict[Any, list[str]] = {}
    for s in srcs.values():
        for fp in s.fingerprints:
            by_key.setdefault(("f", fp), []).append(s.article_id)
        for h in s.sketch[:8]:
            by_key.setdefault(("h", h), []).append(s.article_id)
    return [ids for ids in by_key.values() if 2 <= len(ids) <= REUSE_KEY_MAX_ARTICLES]


def roots_of(srcs: dict[str, ArticleSource], find: Callable[[str], str]) -> dict[str, str]:
    """Article id -> the root of its group, the groups given by ``find`` (a union-find's
    root of an article): the earliest; on the same day, the one the others credit
    ("Source: AFP"); then the smallest id."""
    groups: dict[str, list[str]] = {}
    for a in srcs:
        groups.setdefault(find(a), []).append(a)
    out = {}
    for members in groups.values():

        def key(a: str) -> tuple:
            credited = sum(1 for b in members if b != a and srcs[a].outlet and srcs[a].outlet in srcs[b].credits)
            return (srcs[a].order[0], -credited, srcs[a].article_id)

        root = min(members, key=key)
        for a in members:
            out[a] = root
    return out


def reuse_roots(sources: Iterable[ArticleSource], settings: dict[str, Any]) -> dict[str, str]:
    """Article id -> the article it republishes (the earliest of its near-duplicate group).

    Near-duplicates (estimated Jaccard >= ``near_duplicate``) are found among articles that
    share a sentence fingerprint or a sketch value; groups are connected components, so the
    result does not depend on the order articles arrived in. Articles that are nobody's
    copy map to themselves.
    """
    srcs = {s.article_id: s for s in sources}
    threshold = float(settings["reuse"]["near_duplicate"])
    size = int(settings["reuse"]["sketch_size"])
    parent = {a: a for a in srcs}

    def find(a: str) -> str:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    checked: set[tuple[str, str]] = set()
    for ids in shared_key_groups(srcs):
        for i, a in enumerate(ids):
            for b in ids[i + 1 :]:
                pair = (a, b) if a < b else (b, a)
                if pair in checked or find(a) == find(b):
                    continue
                checked.add(pair)
                if jaccard(srcs[a].sketch, srcs[b].sketch, size) >= threshold:
                    parent[find(a)] = find(b)
    return roots_of(srcs, find)


def shares_passage(a: ArticleSource, b: ArticleSource) -> bool:
    return bool(a.fingerprints & b.fingerprints)


# -- citation chains -------------------------------------------------------------------
@dataclass(frozen=True)
class Chain:
    """One attribution in a sentence: ``source`` said it, citing ``via``."""

    source: str
    via: str | None
    party: bool
    kind: str

    def text(self) -> str:
        return self.source + (f" <- {self.via}" if self.via else "")


@dataclass(frozen=True)
class Origin:
    """A distinct origin of a report: reports sharing one are a single witness."""

    name: str
    party: bool
    how: str  # attributed | relayed | own network | own reporting | reprint


class SourceBook:
    """Outlets and attribution sources with their party flags; reads citation chains."""

    def __init__(self, annotator=None) -> None:
        """``annotator``: an ``AttributionAnnotator`` already compiled (the pipeline's), or
        None for a new one."""
        from .annotate.attribution import AttributionAnnotator
        from .ingest import default_outlet_index, load_outlets

        self._annotator = annotator or AttributionAnnotator()
        self._outlets = default_outlet_index()
        self._outlet_party = {o["name"]: bool(o["party"]) for o in load_outlets()}
        self._cache: dict[str, list[Chain]] = {}

    def canonical(self, name: str) -> str:
        return self._outlets.canonical(name) or name

    def outlet_is_party(self, outlet: str | None) -> bool:
        return bool(outlet and self._outlet_party.get(self.canonical(outlet), False))

    def chains(self, sentence: str) -> list[Chain]:
        """Attribution chains of an evidence sentence, in reading order."""
        if sentence in self._cache:
            return self._cache[sentence]
        from .records import Article, Doc, Sentence

        doc = Doc(article=Article(article_id="", text=sentence), text=sentence)
        doc.sentences = [Sentence(0, len(sentence), 0, sentence)]
        out = []
        for sp in self._annotator.attributions(doc):
            a = sp.attrs
            out.append(Chain(a["source"], a.get("via"), bool(a.get("party")), a.get("kind", "anonymous")))
        if len(self._cache) < 100_000:
            self._cache[sentence] = out
        return out

    def _generic(self, chain: Chain, name: str) -> bool:
        return (chain.kind in GENERIC_KINDS and name == chain.source) or name in GENERIC_NAMES

    def origins(self, sentences: Iterable[str], outlet: str, root_outlet: str, reprint: bool) -> list[Origin]:
        """The origins of one report from its evidence sentences.

        Named sources win ("Reuters, citing SANA" -> SANA); a report that names only
        unnamed sources ("local sources said") is its outlet's own network; a report with
        no attribution is its outlet's own reporting. A reprint's origin is the original's.
        """
        named: dict[str, Origin] = {}
        own: dict[str, Origin] = {}
        base = root_outlet if reprint else outlet
        for sent in sentences:
            for ch in self.chains(sent):
                src_generic = ch.kind in GENERIC_KINDS or ch.source in GENERIC_NAMES
                if not src_generic:
                    name = self.canonical(ch.source)
                    named.setdefault(name, Origin(name, ch.party, "reprint" if reprint else ("relayed" if name != outlet else "attributed")))
                elif ch.via and ch.via not in GENERIC_NAMES and ch.via != ch.source:
                    name = self.canonical(ch.via)
                    named.setdefault(name, Origin(name, ch.party, "reprint" if reprint else "relayed"))
                else:
                    name = f"{base} ({ch.source})"
                    own.setdefault(name, Origin(name, ch.party, "reprint" if reprint else "own network"))
        if named:
            return sorted(named.values(), key=lambda o: o.name)
        if own:
            return sorted(own.values(), key=lambda o: o.name)
        return [Origin(base, self.outlet_is_party(base), "reprint" if reprint else "own reporting")]
