"""Attribution and cue annotator: who reports a claim, and words that qualify it.

ATTRIBUTION spans join a source mention to a reporting cue ("SANA reported", "according
to SOHR", "a military source told SANA"). ``source`` is who published or said it;
``via`` is whom that source cites as its origin ("SANA reported, citing a military
source" and "a military source told SANA" both give source SANA, via "military source"),
so a corroborator can see that "Reuters, citing SANA" is SANA's claim. ``party`` is true
when either belongs to a party to the conflict.

HEDGE ("allegedly", "if confirmed", "denied"), NEGATION ("no one was killed", "did not")
and INTENTION ("plans to", "vowed to", "may") spans are cue words from
``data/attribution.yaml`` that the extractor uses to qualify or drop event mentions.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any, Iterable

import bisect

from frontlines.annotate.actors import (
    SHORT_ACRONYM_LEN,
    WORD_START,
    keep_disjoint,
    load_data,
    lower_same_len,
    phrase_pattern,
)
from frontlines.records import Doc, Span

# How far (characters) a "citing X" may follow the attribution it belongs to: covers
# "SANA reported on Tuesday, citing" and "the Observatory said in a statement, quoting".
VIA_REACH = 80
# Longest appositive skipped between a source and its verb ("SOHR, a Britain-based
# monitor with a network of sources inside Syria, said"): 90 characters.
APPOSITIVE_MAX = 90


_KEY_SPLIT = re.compile(r"[\s\-\u2010-\u2015'\u2019]+")


@functools.lru_cache(maxsize=8192)
def _key(text: str) -> str:
    """Lookup key of a phrase: lower case, spaces, hyphens and apostrophes as one space.

    Cached: the same source names and cue words recur in every article.
    """
    return " ".join(_KEY_SPLIT.split(text.lower())).strip()


class AttributionAnnotator:
    """``annotate(doc)`` returns ATTRIBUTION, HEDGE, NEGATION and INTENTION spans."""

    def __init__(self, extra_files: Iterable[str | Path] = ()) -> None:
        self._ci: dict[str, dict[str, Any]] = {}
        self._cs: dict[str, dict[str, Any]] = {}
        verbs: list[str] = []
        via: list[str] = []
        channels: list[str] = []
        # phrase key -> [(label, kind, case_sensitive)]; an empty list marks an "ignore" phrase
        self._cues: dict[str, list[tuple[str, str, bool]]] = {}
        for d in load_data("attribution.yaml", extra_files):
            for e in d.get("sources") or []:
                for alias in e.get("aliases") or []:
                    alias = str(alias)
                    if alias.isupper() and len(alias) <= SHORT_ACRONYM_LEN:
                        self._cs[alias] = e
                    else:
                        self._ci[_key(alias)] = e
            verbs += d.get("report_verbs") or []
            via += d.get("via_cues") or []
            channels += d.get("social_channels") or []
            for label, table in (("HEDGE", "hedges"), ("NEGATION", "negations"), ("INTENTION", "intentions")):
                for kind, words in (d.get(table) or {}).items():
                    for w in words:
                        self._cues.setdefault(_key(w), []).append((label, kind, False))
                        if label == "NEGATION" and kind == "denial":  # "denied that" also disputes
                            self._cues[_key(w)].append(("HEDGE", "denial", False))
            for w in d.get("hedge_ignore") or []:
                self._cues[_key(w)] = []
            for kind, words in (d.get("intentions_case_sensitive") or {}).items():
                for w in words:
                    self._cues.setdefault(_key(w), []).append(("INTENTION", kind, True))

        b, e = r"(?<![\w\-])", r"(?![\w\-])"
        # lower-case patterns run on lower-cased text (2-3x faster than re.I)
        apos = r"[\s\-\u2010-\u2015'\u2019]+"  # keys hold apostrophes as word breaks
        self._src_ci = re.compile(rf"{b}(?:(?:the|a|an)\s+)?(?P<src>{phrase_pattern(self._ci, apos)}){e}")
        # capitalised acronyms: the word-start check goes inside (see phrase_pattern)
        self._src_cs = (
            re.compile(rf"(?P<src>{phrase_pattern(self._cs, not_after=WORD_START)}){e}") if self._cs else None
        )
        name_rest = r"[\w'\-]*(?:\s+(?:al-|bin\s+|de\s+)?[A-Z][\w'\-]*){0,3}"
        name = r"[A-Z]" + name_rest
        self._spokes = re.compile(
            rf"{b}(?:(?:a|the|an)\s+)?(?:(?P<org>{name})(?:'s)?\s+)?spokes(?:man|woman|person)"
            rf"(?:\s+for\s+(?:the\s+)?(?P<org2>{name}))?(?:,?\s+(?P<who>{name}))?{e}"
        )
        # the word-start check after the capital, so the search skips to capitals (exactly
        # as {b} in front: both test the character before the name)
        self._social = re.compile(
            rf"(?P<who>[A-Z](?<![\w\-][\s\S]){name_rest})\s+(?:said|wrote|posted|tweeted|announced|claimed)\s+"
            rf"(?:{phrase_pattern(channels)}){e}"
        )
        self._verb_after = re.compile(
            rf"\s*(?:,[^,.;:]{{1,{APPOSITIVE_MAX}}},\s*)?(?:(?:also|has|had|have|later|earlier|"
            rf"previously|then|further|separately|on\s+\w+|in\s+a\s+statement|late\s+on\s+\w+)\s+)*"
            rf"(?P<verb>{phrase_pattern(v.lower() for v in verbs)}){e}"
        )  # runs on lower-cased text
        # cues just before a source, checked with str.endswith (faster than a regex search)
        self._left_cues: list[tuple[str, str]] = [("acc", "according to")]
        self._left_cues += [("via", _key(v)) for v in via if _key(v) != "according to"]
        self._left_cues += [("told", c) for c in (
            "told", "quoted by", "cited by", "reported by", "carried by", "aired by", "published by",
            "in comments to", "speaking to", "in an interview with")]
        self._left_cues.sort(key=lambda c: -len(c[1]))
        # all cue phrases at once, for a quick str.endswith(tuple) before the ordered loop
        self._left_cue_words = tuple(c for _, c in self._left_cues)
        self._inverted = ("said", "reported", "says", "added", "claimed", "wrote")
        self._cue_re = re.compile(rf"{b}(?:{phrase_pattern(self._cues, apos)}){e}")
        self._social_words = ("twitter", "telegram", "facebook", "tweet", " on x", "website", "video")

    # -- sources ---------------------------------------------------------------------
    def _lookup(self, text: str) -> dict[str, Any] | None:
        if text in self._cs:
            return self._cs[text]
        k = _key(text)
        return self._ci.get(k) or self._ci.get(re.sub(r"^(?:the|a|an) ", "", k))

    def _mentions(self, text: str, low: str) -> list[tuple[int, int, dict[str, Any]]]:
        """Source mentions (start, end, entry) in the text, longest first, no overlaps."""
        found: list[tuple[int, int, dict[str, Any]]] = []
        spokes = self._spokes.finditer(text) if "spokes" in low else ()
        for m in spokes:
            org = m.group("org2") or m.group("org")
            entry = self._lookup(org) if org else None
            who = m.group("who")
            if entry is None:
                label = f"{org} spokesman" if org else (who or "spokesman")
                # a spokesman speaks for an organisation; in conflict reporting it is a
                # party far more often than not, so unknown organisations count as one
                entry = {"name": label, "kind": "official", "party": True}
            found.append((m.start(), m.end(), entry))
        social = self._social.finditer(text) if any(w in low for w in self._social_words) else ()
        for m in social:
            entry = self._lookup(m.group("who")) or {"name": m.group("who"), "kind": "official", "party": False}
            found.append((m.start(), m.start() + len(m.group("who")), entry))
        for m in self._src_ci.finditer(low):
            entry = self._ci.get(_key(m.group("src")))
            if entry is not None:
                found.append((m.start(), m.end(), entry))
        if self._src_cs is not None:
            for m in self._src_cs.finditer(text):
                entry = self._cs.get(m.group("src"))
                if entry is not None:
                    found.append((m.start(), m.end(), entry))
        found.sort(key=lambda f: (f[0] - f[1], f[0]))
        return keep_disjoint(found, lambda f: (f[0], f[1]))

    def _attributions(self, text: str, low: str, doc: Doc) -> list[Span]:
        sents = [(s.start, s.end) for s in doc.sentences] or [(0, len(text))]
        starts = [s0 for s0, _ in sents]
        by_sent: dict[int, list[tuple[int, int, dict[str, Any]]]] = {}
        for men in self._mentions(text, low):
            k = bisect.bisect_right(starts, men[0]) - 1
            if k >= 0 and men[1] <= sents[k][1]:
                by_sent.setdefault(k, []).append(men)
        out: list[Span] = []
        for k, mentions in by_sent.items():
            s0, s1 = sents[k]
            attrs_spans: list[list[Any]] = []  # [start, end, source_entry, via_entry]
            for i, (st, en, entry) in enumerate(mentions):
                cue, lst = self._left_cue(low, max(s0, st - 40), st)
                if cue == "via" and attrs_spans and st - attrs_spans[-1][1] <= VIA_REACH:
                    attrs_spans[-1][1] = en
                    attrs_spans[-1][3] = entry
                    continue
                if cue == "told":
                    prev = mentions[i - 1] if i else None
                    if prev is not None and 0 <= lst - prev[1] <= APPOSITIVE_MAX:
                        if attrs_spans and attrs_spans[-1][0] == prev[0]:
                            attrs_spans.pop()
                        attrs_spans.append([prev[0], en, entry, prev[2]])
                    else:
                        attrs_spans.append([lst, en, entry, None])
                    continue
                if cue in ("acc", "inv"):
                    attrs_spans.append([lst, en, entry, None])
                    continue
                right = self._verb_after.match(low, en, min(s1, en + APPOSITIVE_MAX + 60))
                if right:
                    attrs_spans.append([st, right.end(), entry, None])
            for st, en, src, via in attrs_spans:
                attrs = {
                    "source": src["name"],
                    "via": via["name"] if via else None,
                    "party": bool(src.get("party")) or bool(via and via.get("party")),
                    "kind": src.get("kind", "anonymous"),
                    # the armed force the source speaks for (its claims of attacks are its own)
                    "forces": src.get("forces") or (via.get("forces") if via else None),
                }
                out.append(Span(st, en, "ATTRIBUTION", text[st:en], attrs))
        return out

    # -- cue words -------------------------------------------------------------------
    def _left_cue(self, low: str, lo: int, st: int) -> tuple[str | None, int]:
        """The cue ending just before a source mention: (kind, cue start) or (None, st)."""
        tail = low[lo:st].rstrip()
        for art in (" the", " a", " an"):
            if tail.endswith(art) or tail == art.strip():
                tail = tail[: -len(art.strip())].rstrip()
                break
        tail = tail.rstrip(",").rstrip()
        # most mentions have no cue before them: one endswith over the whole tuple settles
        # that (the loops below only return for a cue or verb the tail ends with)
        if tail.endswith(self._left_cue_words):
            for kind, cue in self._left_cues:
                if tail.endswith(cue) and (len(tail) == len(cue) or not tail[-len(cue) - 1].isalnum()):
                    return kind, lo + len(tail) - len(cue)
        if not tail.endswith(self._inverted):
            return None, st
        for verb in self._inverted:  # '..., said the Observatory'
            if tail.endswith(verb):
                before = tail[: -len(verb)].rstrip()
                if before and before[-1] in ',"\u201d\'\u2019':
                    return "inv", lo + len(tail) - len(verb)
        return None, st

    def _cue_spans(self, text: str, low: str) -> list[Span]:
        out: list[Span] = []
        for m in self._cue_re.finditer(low):
            st, en = m.start(), m.end()
            for label, kind, cs in self._cues.get(_key(m.group(0)), ()):
                if cs and text[st:en] != m.group(0):
                    continue  # "May" (the month) is not the modal "may"
                out.append(Span(st, en, label, text[st:en], {"kind": kind}))
        return out

    def annotate(self, doc: Doc) -> list[Span]:
        text = doc.text
        low = lower_same_len(text)
        spans = self._attributions(text, low, doc) + self._cue_spans(text, low)
        spans.sort(key=_span_order)
        return spans

    def attributions(self, doc: Doc) -> list[Span]:
        """Only the ATTRIBUTION spans of ``annotate``, in its order (stage 7 reads citation
        chains off evidence sentences and has no use for the cue words)."""
        return sorted(self._attributions(doc.text, lower_same_len(doc.text), doc), key=_span_order)


def _span_order(span: Span) -> tuple[int, int]:
    return (span.start, -span.end)
