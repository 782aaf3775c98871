"""Stage 3, segment: paragraphs and sentences of the cleaned text.

Rule-based and fast (no model): a sentence ends at ``.``, ``!``, ``?`` or an ellipsis
(plus closing quotes) before a capital, a digit or an opening quote, unless the word before
is an abbreviation ("Gen.", "U.S.", "a.m."), an initial ("George W. Bush") or a number.
Line breaks inside a paragraph (headlines, bullets) always end a sentence.
"""

from __future__ import annotations

import re

from frontlines.records import Doc, Sentence

# Abbreviations that never end a sentence (titles, ranks, "No. 5", "approx.").
NO_SPLIT = frozenset(
    """mr mrs ms dr gen lt col brig maj capt cpt sgt cpl pvt adm cmdr cdr gov sen rep rev
    prof st mt ft no nos approx vs v e.g i.e cf fig est dept sr jr ave rd messrs sheikh
    lt.-gen lt.-col maj.-gen brig.-gen""".split()
)
# Month abbreviations: no split before a day number ("Aug. 12"), else ambiguous.
MONTH_ABBR = frozenset("jan feb mar apr jun jul aug sep sept oct nov dec".split())
# Dotted abbreviations ("U.S.", "U.N.", "a.m.") and company suffixes end a sentence only
# when a typical sentence opener follows ("... by the U.S. The strikes ...").
AMBIGUOUS = frozenset("inc ltd co corp etc".split())
OPENERS = frozenset(
    """the a an he she it they we i in on at but and however this that these those there
    meanwhile earlier later according its his her their after before on when while since
    also some several many more most no one two three four five six seven eight nine ten
    other another both all if as""".split()
)

# A paragraph: from a non-space to a blank line. ``[^\n]+`` takes a line's run of
# characters in one step, not one repeat per character (~10x faster); the matches are
# the same, as the greedy repeat ends the pattern, so nothing after it can backtrack.
_PARA_RE = re.compile(r"\S(?:[^\n]+|\n(?![ \t]*\n))*")
_LINE_RE = re.compile(r"[^\n]+")
# Sentence-final punctuation, closing quotes/brackets, then space or a glued capital
# ("killed.The").
_CAND_RE = re.compile(r"([.!?…]+)([\"'”’)\]]*)(?:\s+|(?=[A-Z\"“]))")
_WORD_BEFORE_RE = re.compile(r"[\w.\-']+$")
_DOTTED_RE = re.compile(r"(?:[A-Za-z]\.)+[A-Za-z]")
_NEXT_WORD_RE = re.compile(r"[\"“']?([\w']+)")
# How far back to look for the word before a full stop: longer than any abbreviation.
WORD_WINDOW = 32


def _ends_sentence(line: str, m: re.Match, start: int) -> bool:
    """Whether the candidate boundary ``m`` in ``line`` ends the sentence begun at ``start``."""
    after = m.end()
    if after >= len(line):
        return True
    nxt = line[after]
    if nxt.islower() or nxt in ",;:":
        return False
    punct = m.group(1)
    if after == m.end(2):  # nothing after the stop: split "killed.The", not "U.S.Army"
        prev = line[m.start() - 1] if m.start() else ""
        if not (prev.islower() or prev.isdigit()):
            return False
    if punct != ".":
        return True
    w = _WORD_BEFORE_RE.search(line, max(0, m.start() - WORD_WINDOW), m.start())
    word = w.group(0).lstrip(".-'") if w else ""
    low = word.lower()
    if not word:
        return True
    if low in ("no", "nos"):
        return not nxt.isdigit()  # "No. 5" but "... said no. The"
    if low in NO_SPLIT:
        return False
    next_word = _NEXT_WORD_RE.match(line, after)
    next_low = next_word.group(1).lower() if next_word else ""
    if low in MONTH_ABBR:
        return not nxt.isdigit() and next_low in OPENERS
    if len(word) == 1 and word.isupper():  # an initial
        return False
    if word.isdigit() and w is not None and not line[start : w.start()].strip():
        return False  # "1. The army ..." numbered item
    if _DOTTED_RE.fullmatch(word) or low in AMBIGUOUS:
        return next_low in OPENERS
    return True


def segment(doc: Doc) -> None:
    """Fill ``doc.paragraphs`` and ``doc.sentences`` (offsets into ``doc.text``)."""
    text = doc.text
    paragraphs: list[tuple[int, int]] = []
    sentences: list[Sentence] = []
    for pm in _PARA_RE.finditer(text):
        pstart, pend = pm.start(), pm.start() + len(pm.group(0).rstrip())
        pi = len(paragraphs)
        paragraphs.append((pstart, pend))
        for lm in _LINE_RE.finditer(text, pstart, pend):
            line = lm.group(0)
            base, start = lm.start(), 0
            for m in _CAND_RE.finditer(line):
                if m.end(2) <= start or not _ends_sentence(line, m, start):
                    continue
                _add(sentences, text, base + start, base + m.end(2), pi)
                start = m.end(2)
            _add(sentences, text, base + start, base + len(line), pi)
    doc.paragraphs = paragraphs
    doc.sentences = sentences


def _add(out: list[Sentence], text: str, start: int, end: int, para: int) -> None:
    """Append the sentence ``text[start:end]`` trimmed of whitespace (nothing if empty)."""
    chunk = text[start:end]
    s = chunk.strip()
    if not s:
        return
    start += len(chunk) - len(chunk.lstrip())
    out.append(Sentence(start, start + len(s), para, s))
