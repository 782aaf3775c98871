"""Stage 2, clean: drop boilerplate and reader comments, keep a map back to the original text.

Works line by line: each line is kept, dropped with a reason (patterns in
``data/boilerplate.yaml``), or trimmed of fused furniture ("Loading the player...", a
"Related News" block run into the last paragraph). A comment-thread header, a short
username line followed by a timestamp, or a bulleted username ("• sasha_kh") followed by a
comment's marks or by another commenter, drops the rest of the text: nothing in a comment
thread may become an event. A list of other stories (after a "Related" or "More from"
header, or a run of headlines after the article's last sentence) is dropped too. Kept pieces are verbatim runs
of ``Article.text``; lines are joined into paragraphs (separated by ``"\\n\\n"``), the
separators being the only characters of ``Doc.text`` that are not in the original.
"""

from __future__ import annotations

import functools
import os
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from frontlines import errors
from frontlines.datafiles import load_yaml
from frontlines.records import Article, Doc, OffsetMap, Removed

# --- thresholds ---------------------------------------------------------------------
# A "widget" line (share bars, like/reply bars, nav) is short: 12 words covers the longest
# share bars seen in scraped pages ("Share on Facebook Share on Twitter Share via Email ...").
WIDGET_MAX_WORDS = 12
# ... and at least 60% of its non-neutral words are widget vocabulary; "the ministry
# declined to comment" scores 1/3 and stays.
WIDGET_MIN_SHARE = 0.6
# A comment thread can only start after some article text: at least one kept line of
# 8+ words (one sentence of reporting) before it. Stops a "Leave a comment" link next to
# the byline, or a "June 2, 2017 at 4:15 pm" post time, from dropping the article.
PROSE_MIN_WORDS = 8
MIN_PROSE_BEFORE_THREAD = 1
# A commenter's name line: a handle or a name of a few words, no sentence punctuation.
USERNAME_MAX_WORDS = 4
USERNAME_MAX_CHARS = 40
# A paragraph of up to this many lines is dropped whole when at least half of its lines
# are donation / disclaimer lines (hard-wrapped appeals split over several lines).
BLOCK_MAX_LINES = 6
BLOCK_REASONS = frozenset({"donation", "disclaimer", "cookie", "newsletter"})
# A headline of another story (in a related block): at most this many words and no full
# stop; 18 covers the long wire headlines ("Gunmen abduct 30 passengers on road in ...").
HEADLINE_MAX_WORDS = 18
# Headlines after the article's last sentence, with no header: at least this many in a
# row (one or two short lines can be a sign-off or a place line; three are a list).
MIN_TRAILING_HEADLINES = 3
# A bulleted username starts a thread when a comment's mark (a timestamp, "Reply",
# votes) follows within this many lines, or another bulleted username within
# THREAD_NEXT_USER_LINES with a comment between.
THREAD_MARK_LINES = 4
THREAD_NEXT_USER_LINES = 10
COMMENT_MIN_WORDS = 3
# A sentence that follows a Title Case headline starts at most this many capitalised
# words before its first lower-case word ("The Air Force shelled", "According to
# Konashenkov Russian military").
SENTENCE_START_WORDS = 3
# Hard-wrapped text: a line of at least this many characters that does not end a sentence
# continues on the next line (plain-text files wrapped at 60-80 columns).
WRAP_MIN_CHARS = 50

_TERMINAL = (".", "!", "?", '"', "”", "’", "'", ")", ":", ";", "…")
_BULLET_RE = re.compile(r"[-*•·–—▪►]\s")
_BULLET_USER_RE = re.compile(r"[•·▪►*]\s*(\S.{0,39})")
_INITIAL_END_RE = re.compile(r"\s[A-Z]\.$")
# A sentence's end in a fused line: a full stop (not of "U.S."), closing quotes, then
# space or the line's end. Not "?" or "!": headlines end with them ("... another failure?").
_STOP_RE = re.compile(r"(?<![\s.][A-Z])\.[\"”’)]*(?=\s|$)")
_SENTENCE_END = (".", "!", "?", '"', "”", "…")


@dataclass(frozen=True)
class Rules:
    """Compiled boilerplate patterns (see ``data/boilerplate.yaml``)."""

    thread_headers: re.Pattern
    thread_starts: re.Pattern
    timestamps: re.Pattern
    line_rules: tuple[tuple[str, int, re.Pattern], ...]
    cuts: tuple[tuple[str, str, re.Pattern], ...]  # (reason, needle, pattern)
    widget_words: frozenset[str]
    neutral_words: frozenset[str]
    block_headers: re.Pattern
    listing_details: re.Pattern
    fused_markers: re.Pattern  # case-sensitive
    fused_needles: tuple[str, ...]
    photo_markers: re.Pattern
    dateline: re.Pattern
    lead_openers: re.Pattern
    opener_words: frozenset[str]
    small_words: frozenset[str]
    name_particle: re.Pattern
    title_min_words: int
    html_prune: tuple[str, ...]  # XPath expressions


def _exact(patterns: list[str], where: str) -> re.Pattern:
    """Case-sensitive alternation (fused markers and openers are told apart by capitals)."""
    try:
        return re.compile("|".join(f"(?:{p})" for p in patterns) or r"(?!x)x")
    except re.error as e:
        raise errors.LexiconError(f"boilerplate.yaml: bad pattern in {where}: {e}") from e


def _alternation(patterns: list[str], where: str) -> re.Pattern:
    try:
        return re.compile("|".join(f"(?:{p})" for p in patterns) or r"(?!x)x", re.IGNORECASE)
    except re.error as e:
        raise errors.LexiconError(f"boilerplate.yaml: bad pattern in {where}: {e}") from e


def _words_pattern(words: list[str]) -> str:
    """Any of ``words`` as a whole word followed by a space (a dash or quote glued before
    it, as in "... state TV -A double bomb attack", is taken with it)."""
    return r"(?:(?<=\s)|^)[-–—\"“]?(?:" + "|".join(re.escape(str(w)) for w in words) + r")(?=\s)"


_XPATH_NAME_RE = re.compile(r"[A-Za-z_][\w.-]*")


def _prune_xpaths(spec: dict) -> tuple[str, ...]:
    """XPath expressions for the ``html_prune`` tags, ids and classes (names only, so
    that a user's entry cannot break the expression)."""
    names = {k: [str(v) for v in spec.get(k) or []] for k in ("tags", "ids", "classes")}
    for k, vals in names.items():
        for v in vals:
            if not _XPATH_NAME_RE.fullmatch(v):
                raise errors.LexiconError(f"boilerplate.yaml: html_prune {k}: not a name: {v!r}")
    out = [f"//{t}" for t in names["tags"]]
    out += [f"//*[@id='{i}']" for i in names["ids"]]
    out += [f"//*[contains(concat(' ', normalize-space(@class), ' '), ' {c} ')]" for c in names["classes"]]
    return tuple(out)


def load_rules(path: str | os.PathLike | None = None) -> Rules:
    """Read and compile ``data/boilerplate.yaml`` (or a user's file at ``path``)."""
    if path is None:
        raw = resources.files("frontlines").joinpath("data/boilerplate.yaml").read_text("utf-8")
    else:
        raw = Path(path).read_text("utf-8")
    data = load_yaml(raw) or {}
    fused = data.get("fused_related") or {}
    return Rules(
        thread_headers=_alternation(data.get("thread_headers", []), "thread_headers"),
        thread_starts=_alternation(data.get("thread_starts", []), "thread_starts"),
        timestamps=_alternation(data.get("comment_timestamps", []), "comment_timestamps"),
        line_rules=tuple(
            (r["reason"], int(r.get("max_words", WIDGET_MAX_WORDS)), _alternation(r["patterns"], r["reason"]))
            for r in data.get("lines", [])
        ),
        cuts=tuple(
            (c["reason"], str(c.get("needle", "")).lower(), _alternation([c["pattern"]], c["reason"]))
            for c in data.get("cuts", [])
        ),
        widget_words=frozenset(w.lower() for w in data.get("widget_words", [])),
        neutral_words=frozenset(str(w).lower() for w in data.get("neutral_words", [])),
        block_headers=_alternation(data.get("block_headers", []), "block_headers"),
        listing_details=_alternation(data.get("listing_details", []), "listing_details"),
        fused_markers=_exact(fused.get("markers", []), "fused_related.markers"),
        fused_needles=tuple(str(n) for n in fused.get("needles", [])),
        photo_markers=_exact(fused.get("photo_markers", []), "fused_related.photo_markers"),
        dateline=_exact([fused["dateline"]] if fused.get("dateline") else [], "fused_related.dateline"),
        opener_words=frozenset(str(w) for w in fused.get("lead_openers", [])),
        small_words=frozenset(str(w).lower() for w in fused.get("title_case_small_words", [])),
        name_particle=_alternation([fused["name_particle"]] if fused.get("name_particle") else [], "fused_related.name_particle"),
        title_min_words=int(fused.get("title_min_words", 4)),
        html_prune=_prune_xpaths(data.get("html_prune") or {}),
        lead_openers=_exact([_words_pattern(fused.get("lead_openers", []))] if fused.get("lead_openers") else [], "fused_related.lead_openers"),
    )


@functools.lru_cache(maxsize=1)
def default_rules() -> Rules:
    """The packaged rules, compiled once (read-only; reading the YAML per article would cost
    several ms, more than the whole stage)."""
    return load_rules()


@dataclass
class _Line:
    start: int  # offset of the first non-space character in Article.text
    end: int  # offset after the last non-space character
    text: str
    words: int
    blank_before: bool  # a blank line separates it from the previous line
    reason: str | None = None  # why it is dropped, None when kept


def _lines(text: str) -> list[_Line]:
    out: list[_Line] = []
    pos, blank = 0, False
    for raw in text.split("\n"):
        stripped = raw.strip()
        if stripped:
            start = pos + (len(raw) - len(raw.lstrip()))
            out.append(_Line(start, start + len(stripped), stripped, len(stripped.split()), blank))
            blank = False
        else:
            blank = True
        pos += len(raw) + 1
    return out


def _widget_share(line: _Line, rules: Rules) -> float:
    words = [w.strip(".,:;!?()[]\"'").lower() for w in line.text.split()]
    words = [w for w in words if w and w not in rules.neutral_words]
    if not words:
        return 1.0
    return sum(w in rules.widget_words for w in words) / len(words)


def _line_reason(line: _Line, rules: Rules, *, widget: bool = True) -> str | None:
    for reason, max_words, pat in rules.line_rules:
        if line.words <= max_words and pat.search(line.text):
            return reason
    if (
        widget
        and line.words <= WIDGET_MAX_WORDS
        and (not line.text.endswith((".", "!", "?")) or line.text.endswith(("...", "…")))
        and _widget_share(line, rules) >= WIDGET_MIN_SHARE
    ):
        return "widget"
    return None


def _is_username(line: _Line) -> bool:
    return (
        line.words <= USERNAME_MAX_WORDS
        and len(line.text) <= USERNAME_MAX_CHARS
        and not line.text.endswith((".", "!", "?"))
    )


def _bullet_user(line: _Line) -> bool:
    """A bulleted commenter's name: "• sasha_kh", "• Viktor P." (no sentence)."""
    m = _BULLET_USER_RE.fullmatch(line.text)
    if not m:
        return False
    name = m.group(1)
    if len(name.split()) > USERNAME_MAX_WORDS - 1 or name.endswith((":", ",", ";")):
        return False
    return not name.endswith((".", "!", "?")) or bool(_INITIAL_END_RE.search(" " + name))


def _comment_mark(line: _Line, rules: Rules) -> bool:
    """A line only a comment thread has: a timestamp, an action bar, vote counts."""
    return bool(rules.timestamps.fullmatch(line.text)) or _line_reason(line, rules, widget=False) == "comments"


def _bullet_thread(lines: list[_Line], i: int, rules: Rules) -> bool:
    """Whether the bulleted username at ``i`` opens a comment thread: a comment's mark
    follows, or another bulleted username with a comment between."""
    if not _bullet_user(lines[i]):
        return False
    ahead = lines[i + 1 : i + 1 + THREAD_MARK_LINES]
    if any(_comment_mark(ln, rules) for ln in ahead):
        return True
    said = False
    for ln in lines[i + 1 : i + 1 + THREAD_NEXT_USER_LINES]:
        if _bullet_user(ln):
            return said
        said = said or (ln.words >= COMMENT_MIN_WORDS and not _BULLET_RE.match(ln.text))
    return False


def _headline_like(line: _Line) -> bool:
    """A headline of a story in a list: short, no full stop, starts like a title."""
    text = _BULLET_RE.sub("", line.text, count=1) if _BULLET_RE.match(line.text) else line.text
    return (
        0 < line.words <= HEADLINE_MAX_WORDS
        and not text.endswith((".", "!", ",", ";"))
        and (text[:1].isupper() or text[:1].isdigit() or text[:1] in "\"“'‘")
    )


def _related_blocks(lines: list[_Line], rules: Rules) -> None:
    """Drop the headlines listed under a "Related" / "More from" header, and a run of
    headlines after the article's last sentence."""
    i = 1
    while i < len(lines):
        line = lines[i]
        if line.reason in (None, "related") and rules.block_headers.fullmatch(line.text):
            line.reason = "related"
            j = i + 1
            while j < len(lines):
                ln = lines[j]
                if ln.reason is None and (_headline_like(ln) or rules.listing_details.fullmatch(ln.text)):
                    ln.reason = "related"
                elif ln.reason is None or ln.reason == "comments":
                    break
                j += 1
            i = j
            continue
        i += 1
    kept = [k for k, ln in enumerate(lines) if ln.reason is None and k > 0]
    last = max((k for k in kept if lines[k].text.endswith(_SENTENCE_END)), default=None)
    if last is None:
        return
    tail = [k for k in kept if k > last]
    if len(tail) >= MIN_TRAILING_HEADLINES and all(_headline_like(lines[k]) for k in tail):
        for k in tail:
            lines[k].reason = "related"


def _classify(lines: list[_Line], rules: Rules) -> None:
    """Set ``reason`` on every dropped line."""
    prose = 0
    thread_at: int | None = None
    for i, line in enumerate(lines):
        if i == 0:  # the title: short and unpunctuated, so only explicit rules drop it
            line.reason = _line_reason(line, rules, widget=False)
            prose += line.reason is None and line.words >= PROSE_MIN_WORDS
            continue
        if prose >= MIN_PROSE_BEFORE_THREAD:
            if rules.thread_headers.fullmatch(line.text) or rules.thread_starts.fullmatch(line.text):
                thread_at = i
                break
            if rules.timestamps.fullmatch(line.text) and i >= 2 and _is_username(lines[i - 1]):
                thread_at = i - 1
                break
            if _bullet_thread(lines, i, rules):
                thread_at = i
                break
        line.reason = _line_reason(line, rules)
        if line.reason is None and line.words >= PROSE_MIN_WORDS:
            prose += 1
    if thread_at is not None:
        for line in lines[thread_at:]:
            line.reason = "comments"
    _related_blocks(lines, rules)
    # Whole short paragraphs that are mostly appeal / disclaimer.
    block: list[_Line] = []
    for line in [*lines, None]:
        if line is None or (line.blank_before and block):
            reasons = [ln.reason for ln in block if ln.reason in BLOCK_REASONS]
            if 1 < len(block) <= BLOCK_MAX_LINES and 2 * len(reasons) >= len(block) and block[0] is not lines[0]:
                for ln in block:
                    ln.reason = ln.reason or reasons[0]
            block = []
        if line is not None:
            block.append(line)


# Cuts after which the rest of the line starts a new sentence (a block of other stories
# or a credit sat between two pieces of the article, not inside a sentence).
BREAKING_CUTS = frozenset({"related", "credit"})


_WORD_RE = re.compile(r"\S+")
_WORD_STRIP = "\"“”'‘’()[],:;|-–—"


def _title_run_end(text: str, start: int, rules: Rules) -> int | None:
    """Where a Title Case headline (or a run of them) starting at ``start`` ends: at the
    first lower-case word that Title Case does not keep in lower case the next sentence
    has begun, at a lead opener among the last few capitalised words before it ("... Hama
    The Air Force shelled"), else at the last one ("... Governor Earlier conflicting").
    The line's end when no such word comes; None when the text is not Title Case."""
    caps: list[tuple[int, str]] = []
    for m in _WORD_RE.finditer(text, start):
        core = m.group(0).strip(_WORD_STRIP)
        if not core:
            continue
        if core[0].isupper() or core[0].isdigit() or rules.name_particle.match(core):
            caps.append((m.start(), core))  # (a quote or dash before the word stays with it)
            continue
        if core.lower() in rules.small_words:
            continue
        if len(caps) < rules.title_min_words:
            return None
        tail = caps[-SENTENCE_START_WORDS:]
        openers = [pos for pos, word in tail if word in rules.opener_words]
        return openers[-1] if openers else tail[-1][0]
    return len(text) if len(caps) >= rules.title_min_words else None


def _fused_cuts(text: str, rules: Rules) -> list[tuple[int, int, str]]:
    """Related-story blocks and photo-linked headlines fused into one line of text
    (see ``fused_related`` in ``data/boilerplate.yaml``)."""
    cuts: list[tuple[int, int, str]] = []
    if rules.fused_needles and not any(n in text for n in rules.fused_needles):
        return cuts
    pos = 0
    for m in rules.fused_markers.finditer(text):
        if m.start() < pos:
            continue
        stop = _STOP_RE.search(text, m.end())
        end = _title_run_end(text, m.end(), rules)
        if end is None and stop is not None:
            openers = list(rules.lead_openers.finditer(text, m.end(), stop.start()))
            end = openers[-1].start() if openers else m.end()
        if end is None or not _STOP_RE.search(text, end):
            end = len(text)  # no sentence after the block: the rest is furniture (tags ...)
        cuts.append((m.start(), end, "related"))
        pos = end
    for m in rules.photo_markers.finditer(text):
        stop = _STOP_RE.search(text, m.end())
        limit = stop.start() if stop else len(text)
        dateline = rules.dateline.search(text, m.end(), limit)
        end = dateline.start() if dateline else _title_run_end(text, m.end(), rules)
        if end is not None and not _STOP_RE.search(text, end):
            end = len(text)
        cuts.append((m.start(), end or m.end(), "credit"))
    return cuts


def _pieces(line: _Line, rules: Rules, removed: list[Removed]) -> list[tuple[int, int, bool]]:
    """Kept (start, end, breaks) pieces of a kept line after cutting fused furniture;
    ``breaks``: the piece starts a new sentence (a block of other stories was cut before it)."""
    cuts: list[tuple[int, int, str]] = _fused_cuts(line.text, rules)
    low = line.text.lower()
    for reason, needle, pat in rules.cuts:
        if needle not in low:
            continue
        for m in pat.finditer(line.text):
            if m.end() > m.start():
                cuts.append((m.start(), m.end(), reason))
    if not cuts:
        return [(line.start, line.end, False)]
    cuts.sort()
    pieces, pos, brk = [], 0, False
    for s, e, reason in cuts:
        if s < pos:
            s = pos
        if e <= s:
            continue
        pieces.append((pos, s, brk))
        removed.append(Removed(line.start + s, line.start + e, reason))
        # a break carries over an empty piece between two cuts
        brk = reason in BREAKING_CUTS or (brk and not line.text[pos:s].strip())
        pos = e
    pieces.append((pos, len(line.text), brk))
    out = []
    for s, e, b in pieces:
        chunk = line.text[s:e]
        if chunk.strip():
            lead = len(chunk) - len(chunk.lstrip())
            out.append((line.start + s + lead, line.start + s + lead + len(chunk.strip()), b))
    return out


def _continues(prev: _Line, line: _Line, first: bool) -> bool:
    """Whether ``line`` continues the paragraph of ``prev`` (hard-wrapped text).

    Only asked for texts that separate paragraphs with blank lines: in the others
    (extracted HTML, one paragraph per line) every line is a paragraph.
    """
    if first or line.blank_before or _BULLET_RE.match(line.text):
        return False
    if prev.text.endswith(_TERMINAL):
        return False
    return line.text[0].islower() or len(prev.text) >= WRAP_MIN_CHARS


def clean(article: Article, rules: Rules | None = None) -> Doc:
    """Cleaned text of an article with its offset map and the list of removed blocks."""
    rules = rules or default_rules()
    text = article.text
    lines = _lines(text)
    _classify(lines, rules)

    removed: list[Removed] = []
    for line in lines:
        if line.reason:
            last = removed[-1] if removed else None
            if last and last.reason == line.reason and not text[last.orig_end : line.start].strip():
                removed[-1] = Removed(last.orig_start, line.end, line.reason)
            else:
                removed.append(Removed(line.start, line.end, line.reason))

    wrapped = any(line.blank_before for line in lines)
    out: list[str] = []
    offsets = OffsetMap()
    n = 0
    prev = -1  # index of the last kept line
    for i, line in enumerate(lines):
        if line.reason:
            continue
        pieces = _pieces(line, rules, removed)
        if not pieces:
            continue
        joined = wrapped and prev == i - 1 and prev >= 0 and _continues(lines[prev], line, prev == 0)
        for j, (s, e, brk) in enumerate(pieces):
            if n:
                sep = ("\n" if brk else " ") if j or joined else "\n\n"
                out.append(sep)
                n += len(sep)
            out.append(text[s:e])
            offsets.add(n, s, e - s)
            n += e - s
        prev = i
    removed.sort(key=lambda r: r.orig_start)
    return Doc(article=article, text="".join(out), offsets=offsets, removed=removed)
