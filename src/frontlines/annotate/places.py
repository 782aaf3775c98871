"""Place annotation: gazetteer-first toponym spotting.

Statistical NER misses many Middle-East names, so capitalised word n-grams are looked up
in the gazetteer (one batch query per article), the longest match wins, and false
positives (actors, people, common words) are filtered with ``data/place_stoplist.yaml``
and context. Relations ("Idlib countryside", "30 km east of Raqqa", "Deir ez-Zor
province") are read around each toponym.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections import Counter
from pathlib import Path

from ..datafiles import load_yaml
from ..errors import GazetteerError
from ..gazetteer import TIER_SKELETON, Gazetteer, normalize_name
from ..records import Doc, Place, Span
from .actors import lower_same_len

# Longest n-gram scanned, whatever the gazetteer's longest name: names of 7+ words are
# rare official forms ("Sant Julià de Lòria" has 4) and cost lookups on every article.
MAX_NGRAM = 6
# A one-word match to a town smaller than this needs supporting context (a locative
# preposition, a relation word, or the article's dominant country). 50,000 keeps Syrian
# district towns (Manbij 99k, Afrin 49k pass only with context) and rejects small
# foreign homonyms of English words (Mark, BEL, 3,327).
BIG_TOWN = 50_000
# 1 mile in km, for "10 miles north of X".
MILE_KM = 1.609344

_TOKEN = re.compile(r"[^\W\d_]+(?:['’‘`ʼ\-][^\W\d_]+)*", re.UNICODE)
# lowercase words allowed inside a name ("Deir ez-Zor", "Ras al Ain", "Bay of Pigs")
_CONNECTORS = frozenset("al el il ul ad ed ar as ash az at an ez es et of de du la le les des di del da do dos das van von bin ibn bani and".split())
_ARTICLE_PREFIX = re.compile(r"^(?:al|el|ad|ar|as|ash|az|at|an|ez|es|ed|et)[-‐‑'’]", re.I)
_LOCATIVE = re.compile(
    r"\b(?:in|near|at|from|outside|around|towards?|into|of|on|across|through|to|via|between|and|"
    r"village|town|city|district|area|province|governorate|neighbourhood|neighborhood)\s+(?:the\s+)?$",
    re.I,
)
_DIRECTION = r"(?:north|south|east|west)(?:[-\s]?(?:east|west))?(?:ern)?"
_NUM = r"(\d+(?:[.,]\d+)?)"
_UNIT = r"(km|kms|kilometers|kilometres|kilometer|kilometre|miles|mile|mi)\b"
_OPT_THE = r"(?:the\s+)?"
_OPT_KIND = r"(?:(?:town|city|village|district|area|region|governorate|province)\s+of\s+)?"
_BEFORE = [
    ("direction", re.compile(rf"(?:about|some|around|roughly|nearly|almost|approximately|over|less\s+than|more\s+than)?\s*{_NUM}\s*-?\s*{_UNIT}\s*(?:\([^)]{{0,40}}\)\s*)?(?:to\s+the\s+)?({_DIRECTION})\s+of\s+{_OPT_THE}{_OPT_KIND}$", re.I)),
    ("countryside", re.compile(rf"\b(?:the\s+)?(?:{_DIRECTION}\s+)?countryside\s+(?:of|around)\s+{_OPT_THE}$", re.I)),
    ("countryside", re.compile(r"\brural\s+$", re.I)),
    ("province", re.compile(rf"\b(?:the\s+)?(?:province|governorate)\s+of\s+{_OPT_THE}$", re.I)),
    ("outskirts", re.compile(rf"\b(?:the\s+)?(?:outskirts|suburbs|edges?|environs|vicinity|periphery)\s+of\s+{_OPT_THE}{_OPT_KIND}$", re.I)),
    ("near", re.compile(rf"\b(?:near|nearby|close\s+to|outside|around|next\s+to)\s+{_OPT_THE}{_OPT_KIND}$", re.I)),
    ("direction", re.compile(rf"\b(?:to\s+the\s+)?({_DIRECTION})\s+of\s+{_OPT_THE}{_OPT_KIND}$", re.I)),
    ("direction", re.compile(rf"\b({_DIRECTION}ern)\s+$", re.I)),
]
_AFTER = [
    ("countryside", re.compile(r"^(?:'s|’s)?\s+(?:countryside|rural\s+areas?|hinterland)\b", re.I)),
    ("province", re.compile(r"^(?:'s|’s)?\s+(?:province|governorate|provinces|wilayat|muhafazat)\b", re.I)),
    ("outskirts", re.compile(r"^(?:'s|’s)?\s+(?:outskirts|suburbs|periphery)\b", re.I)),
    ("near", re.compile(r"^\s+(?:area|region|environs|vicinity)\b", re.I)),
]
_POSSESSIVE = re.compile(r"['’]s$")
_BEFORE_TAIL = re.compile(r"(?:\bof|\bto|\bnear|\bnearby|\boutside|\baround|\brural|ern|\bthe)\s+$", re.I)
# a leading English or Arabic article that name normalisation drops ("An SDF", "Al-Bab")
_ARTICLE_WORD = re.compile(r"^(?:an?|the|al|el)[\s\-]+", re.I)
_RELATION_WORD = re.compile(r"^(?:Province|Governorate|Countryside|City|Town|Desert|Region|Area|Outskirts|District)\b")


@dataclasses.dataclass(frozen=True)
class _Stoplist:
    words: frozenset[str]
    phrases: re.Pattern | None
    titles: frozenset[str]


@functools.lru_cache(maxsize=1)
def _stoplist() -> _Stoplist:
    """The stoplist data file, read once per process (immutable)."""
    import yaml

    path = Path(__file__).resolve().parent.parent / "data" / "place_stoplist.yaml"
    try:
        with open(path, encoding="utf-8") as f:
            data = load_yaml(f) or {}
    except (OSError, yaml.YAMLError) as e:
        raise GazetteerError(f"cannot read {path}: {e}") from e
    words = frozenset(normalize_name(str(w)) for w in data.get("words") or [] if isinstance(w, str) and normalize_name(w))
    phrases = [p for p in data.get("phrases") or [] if isinstance(p, str) and p]
    pat = None
    if phrases:
        # matched against lower-cased text: case-insensitive matching is several times slower
        alts = sorted((r"[\s\-‐‑]+".join(re.escape(w.lower()) for w in re.split(r"[\s\-]+", p)) for p in phrases), key=len, reverse=True)
        pat = re.compile(r"(?<![\w])(?:" + "|".join(alts) + r")(?![\w])")
    titles = frozenset(t.lower() for t in data.get("titles") or [] if isinstance(t, str))
    return _Stoplist(words, pat, titles)


def _is_cap(tok: str) -> bool:
    if tok[0].isupper():
        return True
    m = _ARTICLE_PREFIX.match(tok)
    return bool(m) and len(tok) > m.end() and tok[m.end()].isupper()


def _tokens(text: str) -> list[tuple[int, int, str]]:
    out = []
    for m in _TOKEN.finditer(text):
        s, e, t = m.start(), m.end(), m.group()
        pm = _POSSESSIVE.search(t)
        if pm and pm.start() >= 3:  # "Aleppo's" -> "Aleppo", but keep "Ra's"
            e, t = s + pm.start(), t[: pm.start()]
        out.append((s, e, t))
    return out


def _ngrams(text: str, toks: list[tuple[int, int, str]], masked: list[bool], n_max: int) -> dict[int, list[int]]:
    """Start token -> end token indexes (inclusive) of plausible name n-grams."""
    out: dict[int, list[int]] = {}
    for i, (s, e, t) in enumerate(toks):
        if masked[i] or not _is_cap(t):
            continue
        ends = [i]
        for j in range(i + 1, min(len(toks), i + n_max)):
            gap = text[toks[j - 1][1] : toks[j][0]]
            if masked[j] or gap not in (" ", "-", " - "):
                break
            tj = toks[j][2]
            if _is_cap(tj):
                ends.append(j)
            elif tj.lower() not in _CONNECTORS:
                break
        out[i] = ends
    return out


def _relation(text: str, start: int, end: int) -> tuple[str | None, int, int, float | None]:
    """Relation words around a toponym: (relation, span start, span end, distance km)."""
    before = text[max(0, start - 80) : start]
    after = text[end : end + 40]
    for rel, pat in _AFTER:
        m = pat.match(after)
        if m:
            s2 = start
            for rel_b, pat_b in _BEFORE:  # "northern Hama countryside": keep the wider start
                mb = pat_b.search(before)
                if mb and rel_b == "direction" and mb.lastindex and not mb.group(1)[0].isdigit():
                    s2 = start - (len(before) - mb.start())
                    break
            return rel, s2, end + m.end(), None
    # every _BEFORE pattern ends in one of these words: a cheap test spares 8 searches. It
    # looks only at the last word and its trailing space (the words are at most 7 letters,
    # so one more character keeps \b exact); searching all 80 characters cost more
    gap = len(before) - len(before.rstrip())
    if not gap or not _BEFORE_TAIL.search(before[-(gap + 8) :]):
        return None, start, end, None
    for rel, pat in _BEFORE:
        m = pat.search(before)
        if not m:
            continue
        s2 = start - (len(before) - m.start())
        s2 += len(text[s2:start]) - len(text[s2:start].lstrip())
        dist = None
        if rel == "direction" and m.lastindex and m.lastindex >= 2 and m.group(1) and m.group(1)[0].isdigit():
            dist = float(m.group(1).replace(",", "."))
            if m.group(2).lower().startswith("mi"):
                dist *= MILE_KM
        if m.group(0)[:4].lower() == "the ":
            s2 += 4
        return rel, s2, end, dist
    return None, start, end, None


def _strong(cands: list[Place], n_words: int, tier: int | None) -> bool:
    """A match that stands on its own: a known name (not only a skeleton) of several
    words, of a province/country/region, or of a big town."""
    top = cands[0]
    if tier is None or tier >= TIER_SKELETON:
        return False
    return n_words > 1 or top.feature in ("admin1", "country", "region") or top.population >= BIG_TOWN


def _order(cands: list[Place], country: str | None, relation: str | None, gaz: Gazetteer) -> list[Place]:
    """Candidates in the dominant country first; for 'province', the admin1 entry first."""
    if country:
        cands = sorted(cands, key=lambda p: p.feature != "country" and p.iso3 != country)
    if relation == "province" and cands and cands[0].feature != "admin1":
        top = cands[0]
        a1 = next((p for p in cands if p.feature == "admin1" and p.iso3 == top.iso3), None)
        if a1 is None and top.admin1:
            a1 = gaz.admin1_place(top.iso3, top.admin1)
        if a1 is not None:
            cands = [a1] + [p for p in cands if p != a1]
    return cands


def annotate_places(doc: Doc, gaz: Gazetteer) -> list[Span]:
    """PLACE spans over ``doc.text`` (candidates, relation, head, distance_km) and the
    article's dominant country in ``doc.country_hint``."""
    text = doc.text or ""
    if not text:
        return []
    stop = _stoplist()
    toks = _tokens(text)
    masked = [False] * len(toks)
    blocked: list[tuple[int, int]] = [(s.start, s.end) for s in doc.spans if s.label == "ACTOR"]
    if stop.phrases is not None:
        blocked += [(m.start(), m.end()) for m in stop.phrases.finditer(lower_same_len(text))]
    if blocked:
        cover = bytearray(len(text) + 1)  # 1 where an actor or stoplist phrase lies
        for bs, be in blocked:
            cover[bs:be] = b"\x01" * (be - bs)
        for i, (s, e, _) in enumerate(toks):
            masked[i] = cover.find(1, s, e) != -1
    n_max = max(1, min(MAX_NGRAM, gaz.max_words()))
    grams = _ngrams(text, toks, masked, n_max)
    surfaces = {text[toks[i][0] : toks[j][1]] for i, ends in grams.items() for j in ends}
    try:
        found = gaz.lookup_many(surfaces)
    except Exception as e:  # noqa: BLE001 - one bad lookup must not fail the article
        doc.warnings.append(f"place lookup failed: {e}")
        return []
    sent_starts = {s.start for s in doc.sentences} or {0}

    # longest match per start, left to right
    matches = []  # (start tok, end tok, surface, cands)
    i = 0
    while i < len(toks):
        best = None
        for j in reversed(grams.get(i, [])):
            surface = text[toks[i][0] : toks[j][1]]
            cands = found.get(surface) or []
            if cands and not (i == j and normalize_name(surface) in stop.words):
                best = (i, j, surface, cands)
                break
        if best:
            matches.append(best)
            i = best[1] + 1
        else:
            i += 1

    # pass 1: context filters and the dominant country from confident matches
    kept = []
    votes: Counter = Counter()
    for i, j, surface, cands in matches:
        s, e = toks[i][0], toks[j][1]
        single = i == j
        prev_tok = toks[i - 1][2] if i > 0 else ""
        gap_prev = text[toks[i - 1][1] : s] if i > 0 else ""
        if prev_tok.lower().rstrip(".") in stop.titles and gap_prev.strip(" .") == "":
            continue  # "President Assad", "Gen. Mark"
        rel, rs, re_, dist = _relation(text, s, e)
        sentence_start = s in sent_starts or text[max(0, s - 2) : s].strip() in (".", "\"", "“")
        nxt = toks[j + 1] if j + 1 < len(toks) else None
        name_like = (
            nxt is not None and text[e : nxt[0]] == " " and nxt[2][0].isupper() and not _RELATION_WORD.match(nxt[2])
        ) or (i > 0 and gap_prev == " " and prev_tok[0].isupper() and not sentence_start)
        strong = _strong(cands, j - i + 1, gaz.match_tier(surface))
        if single and name_like and not (cands[0].feature in ("admin1", "country") or cands[0].population >= BIG_TOWN):
            continue  # part of a longer capitalised name ("Mark Lowcock", "Hassan Aden")
        locative = bool(_LOCATIVE.search(text[max(0, s - 40) : s])) or rel is not None
        kept.append((i, j, surface, cands, rel, rs, re_, dist, strong, locative, sentence_start))
        if strong or locative:
            top = cands[0]
            votes[top.iso3] += 1 if top.feature != "country" else 2  # a named country weighs double

    hint = votes.most_common(1)[0][0] if votes else None
    if hint:
        doc.country_hint = hint

    spans = []
    for i, j, surface, cands, rel, rs, re_, dist, strong, locative, sentence_start in kept:
        cands = _order(cands, hint, rel, gaz)
        top = cands[0]
        foreign = hint is not None and top.iso3 != hint and top.feature not in ("country", "admin1")
        if i == j and foreign and (sentence_start or not locative):
            # a capitalised sentence opener or headline word that happens to name a
            # far-away town ("Fighting for Key Aleppo Road"): abroad needs "in/near X"
            continue
        core = _ARTICLE_WORD.sub("", surface)
        if core.isupper() and len(core) <= 4 and top.feature != "country":
            continue  # acronyms match airport codes among alternate names (NGO, "an SDF")
        if not strong:
            # a small one-word place needs context: a preposition/relation or the article's country
            in_hint = hint is not None and top.iso3 == hint
            if not (locative and (in_hint or hint is None)) and not (in_hint and not sentence_start):
                continue
        attrs = {"candidates": cands, "relation": rel, "head": surface, "distance_km": dist}
        spans.append(Span(start=rs, end=re_, label="PLACE", text=text[rs:re_], attrs=attrs))
    return spans
