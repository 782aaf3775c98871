"""Date annotator: absolute and relative date expressions resolved to ``datetime.date``.

Relative expressions are read against the day of the report as news past tense: the
text's own dateline when its head prints one ("AFP Wednesday 29 Oct 2014", "Published July
27 2016"; ``doc.news_date``), else ``doc.article.published``:
"on Wednesday" is the most recent Wednesday on or before the publication day (the same
day when the article is published on a Wednesday: agencies file same-day reports "on
Wednesday"; in an article published Thursday it is the day before), "last Wednesday"
is strictly before. Week-precision expressions ("last week", "earlier this week") get a
representative day that is never after publication; month-precision ones the first of
the month. Without a publication date relative expressions keep ``date=None`` (never a
guess); absolute dates still resolve, taking a missing year from the last full date
before them in the text.

Only capitalised month and weekday names count, and a bare month needs a preposition
("in May"), so "may be" / "march on" / "24/7" / "2254" are never dates.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re

from frontlines.annotate.actors import keep_disjoint, lower_same_len, phrase_pattern
from frontlines.records import Doc, Span

# An absolute day-and-month without a year more than this many days after publication
# is read as last year's ("on December 28" in a 3 January article): events are
# reported after they happen; a week allows for announced dates in the same story.
FUTURE_SLACK_DAYS = 7
# Window around an anchor word in which the full patterns run: the longest prefix before
# an anchor is "before dawn on Tuesday, 24 " (~30 chars), the longest tail "24th, 2017".
WINDOW_BEFORE = 40
WINDOW_AFTER = 40
# "a few days ago" -> this many days before publication (the smallest plural).
FEW_DAYS = 2
# Publication years relative expressions are resolved against (ingest's window for
# publication dates): outside it a publication date is not trusted, and "yesterday" of
# 0001-01-01 would overflow ``datetime.date``.
MIN_PUB_YEAR, MAX_PUB_YEAR = 1980, 2100

_MONTHS = {
    "January": 1, "February": 2, "March": 3, "April": 4, "May": 5, "June": 6, "July": 7,
    "August": 8, "September": 9, "October": 10, "November": 11, "December": 12,
    "Jan": 1, "Feb": 2, "Mar": 3, "Apr": 4, "Jun": 6, "Jul": 7, "Aug": 8, "Sep": 9,
    "Sept": 9, "Oct": 10, "Nov": 11, "Dec": 12,
}
_WEEKDAYS = {
    "Monday": 0, "Tuesday": 1, "Wednesday": 2, "Thursday": 3, "Friday": 4, "Saturday": 5,
    "Sunday": 6, "Mon": 0, "Tue": 1, "Tues": 1, "Wed": 2, "Thu": 3, "Thur": 3, "Thurs": 3,
    "Fri": 4, "Sat": 5, "Sun": 6,
}
_SMALL = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
}
# A dateline: a full date within the first characters of the text (a headline, an agency
# byline and the date fit in 300 on every outlet of the FA-KES set, as for ingest's header),
# at the start of its line or after the words that announce the report's day or an agency
# ("AFP Wednesday 29 Oct 2014", "Date of publication 12 June 2016", "Last updated").
DATELINE_HEAD_CHARS = 300
DATELINE_LEAD = re.compile(
    r"\W*(?:(?:(?i:date\s+of\s+publication|published(?:\s+on)?|posted(?:\s+on)?|(?:last\s+)?updated(?:\s+at|\s+on)?))"
    r"|[A-Z]{2,6})?\W*$"
)
# ... or after a headline run into the agency's byline ("Twin car bombs kill 25 in Homs AFP
# Wednesday 9 Apr 2014 ..."): the date follows an all-capitals agency name.
DATELINE_AGENCY = re.compile(r"(?<![\w-])[A-Z]{2,6}\W*$")
_ANY_DAY = dt.date(2001, 1, 15)  # stands in for a missing publication date (precision only)
_PARTS = r"(?:\s+(?:night|morning|evening|afternoon|midnight|night-time|nighttime))?"
# Anchor kinds every match of a pattern contains: a pattern that names a month holds an
# "M" anchor (its month name starts a word and is the whole capitalised run: spaces, a
# hyphen, or a non-word character before it, no letter after it), and one with a year
# holds a "Y" anchor (a four-digit 19xx/20xx run between whitespace and a non-word
# character). A pattern runs in an anchor's window only when the window holds an anchor
# of each kind it needs; without one it could not match there, so skipping it changes
# nothing. (E.g. "on Monday" needs no "dmy" pass unless a month name is near.)
_NEEDS = {"dmy": "MY", "mdy": "MY", "my": "MY", "dm": "M", "md": "M", "month": "M"}


def _month_pat(full_only: bool = False) -> str:
    names = [m for m in _MONTHS if not full_only or len(m) > 4 or m in ("May", "June", "July")]
    names.sort(key=len, reverse=True)
    alts = "(?:" + "|".join(n.upper() + "|" + n for n in names) + ")"
    return alts if full_only else alts + r"\.?"  # "Sept." / "Jan." take a dot


def _weekday_pat(full_only: bool) -> str:
    names = [w for w in _WEEKDAYS if not full_only or w.endswith("day")]
    names.sort(key=len, reverse=True)
    return "(?:" + "|".join(names) + ")"


def _month_num(name: str) -> int:
    return _MONTHS[name.rstrip(".").capitalize() if name.isupper() else name.rstrip(".")]


class DateAnnotator:
    """``annotate(doc)`` returns DATE spans with ``{"date", "precision", "relative"}``."""

    def __init__(self) -> None:
        mon = rf"(?P<mon>{_month_pat()})"
        day = r"(?P<day>3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?"
        year = r"(?P<year>(?:19|20)\d\d)"
        wd_any = rf"(?:{_weekday_pat(False)}\.?,?\s+)?"
        wd = _weekday_pat(True)
        b, e = r"(?<![\w/.\-])", r"(?![\w/\-]|\.\d)"
        self._patterns: list[tuple[str, re.Pattern[str]]] = [
            ("iso", re.compile(rf"{b}{year}-(?P<m>0[1-9]|1[0-2])-(?P<d>0[1-9]|[12]\d|3[01]){e}")),
            ("num", re.compile(rf"{b}(?P<a>[0-3]?\d)(?P<sep>[/.-])(?P<c>[01]?\d)(?P=sep){year}{e}")),
            ("dmy", re.compile(rf"{b}(?:(?i:on)\s+)?{wd_any}{day}(?:\s+of)?\s+{mon},?\s+{year}{e}")),
            ("mdy", re.compile(rf"{b}(?:(?i:on)\s+)?{wd_any}{mon}\s+{day},?\s+{year}{e}")),
            ("dm", re.compile(rf"{b}(?:(?i:on)\s+)?{wd_any}{day}(?:\s+of)?\s+{mon}(?![\w])")),
            ("md", re.compile(rf"{b}(?:(?i:on)\s+)?{wd_any}{mon}\s+{day}(?![\w:]|[.,]\d|\s*(?:%|percent))")),
            ("my", re.compile(rf"{b}(?:(?i:in|during|since|until|by|of|early|late|mid|mid-)\s+)?{mon}\s+(?:of\s+)?{year}{e}")),
            ("month", re.compile(
                rf"{b}(?P<pre>(?i:in|during|since|until|by|throughout|early|late|mid|mid-|earlier\s+in|"
                rf"later\s+in|last|this|in\s+early|in\s+late|in\s+mid-?))(?:\s+|(?<=-))(?P<mon>{_month_pat(True)})"
                rf"(?![\w])(?!\s+(?:\d|of\s+\d))"
            )),
            ("weekday", re.compile(
                rf"{b}(?P<pre>(?i:on|late|early|late\s+on|early\s+on|last|this\s+past|past|overnight|"
                rf"from|since|before\s+dawn\s+on|at\s+dawn\s+on)\s+)?(?P<wd>{wd})(?:'s)?{_PARTS}"
                rf"(?:\s+(?:and|or|to|through|into)\s+(?:early\s+|late\s+)?(?:{wd}){_PARTS})?(?![\w])"
            )),
            ("rel", re.compile(
                r"(?<![\w\-])(?P<rel>the\s+day\s+before\s+yesterday|yesterday|today|tonight|"
                r"last\s+night|this\s+morning|this\s+afternoon|this\s+evening|earlier\s+today|"
                r"earlier\s+this\s+week|this\s+week|last\s+week|last\s+weekend|this\s+weekend|"
                r"earlier\s+this\s+month|this\s+month|last\s+month|overnight)(?![\w])",
                re.I,
            )),
            ("ago", re.compile(
                r"(?<![\w\-])(?P<n>\d{1,2}|a\s+few|few|a|an|one|two|three|four|five|six|seven|eight|"
                r"nine|ten|eleven|twelve)\s+(?P<unit>days?|weeks?|months?)\s+ago(?![\w])",
                re.I,
            )),
            ("nth", re.compile(
                r"(?<![\w\-])(?i:on)\s+the\s+(?P<day>3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)"
                r"(?=\s*(?:[.,;:)]|$|of\s+(?:this|the|last)\s+month|and|when|in\s+[A-Z]|at\s+))"
            )),
        ]
        # One cheap pass finds anchors (a month or weekday name, a year, a relative word);
        # the full patterns then run only in a window around each anchor.
        # (regexes that start with a character class scan fast; see _anchors)
        self._year4 = re.compile(r"[12]\d\d\d")
        self._names = {**{k: "M" for k in _MONTHS}, **{k.upper(): "M" for k in _MONTHS},
                       **{k: "W" for k in _WEEKDAYS}}
        # A name anchor is a capitalised run of letters, cut at 9 like [A-Z][A-Za-z]{2,8},
        # that is a month or weekday name and starts a word (no letter or digit before:
        # [^\W_] is exactly str.isalnum). The name must be the whole run: no letter
        # after it, unless it already has the 9 letters the run is cut at.
        names = phrase_pattern(self._names, not_after=r"[^\W_]")
        self._name_re = re.compile(rf"(?:{names})(?:(?![A-Za-z])|(?<=[A-Za-z]{{9}}))")
        self._keywords = ("yesterday", "today", "tonight", "night", "morning", "afternoon",
                          "evening", "week", "month", " ago", "overnight", "on the ")
        by_name = dict(self._patterns)
        runs = {
            "M": ("dmy", "mdy", "dm", "md", "my", "month"),
            "W": ("weekday", "dmy", "mdy", "dm", "md"),
            "Y": ("iso", "num"),
            "R": ("rel", "ago", "nth"),
        }
        # kind -> [(pattern name, pattern, other anchor kinds its matches contain)]
        self._by_anchor = {
            kind: [(n, by_name[n], tuple(k for k in _NEEDS.get(n, "") if k != kind)) for n in names]
            for kind, names in runs.items()
        }
        self._future = re.compile(r"(?:next|coming|upcoming|following|until|till|by)\s*$", re.I)

    def annotate(self, doc: Doc) -> list[Span]:
        text = doc.text
        pub = doc.article.published
        if pub is not None and not MIN_PUB_YEAR <= pub.year <= MAX_PUB_YEAR:
            pub = None  # relative dates then stay unresolved, as without a publication date
        cands: list[tuple[int, int, str, re.Match[str]]] = []
        seen: set[tuple[int, int, str]] = set()
        n = len(text)
        anchors = self._anchors(text)
        # anchor starts of each kind (see _NEEDS); those of M and Y, the kinds looked up
        # by bisection, are in text order, each found by one left-to-right scan
        starts: dict[str, list[int]] = {"M": [], "W": [], "Y": [], "R": []}
        for kind, a0, _ in anchors:
            starts[kind].append(a0)
        for kind, a0, a1 in anchors:
            lo, hi = max(0, a0 - WINDOW_BEFORE), min(n, a1 + WINDOW_AFTER)
            for name, pat, needs in self._by_anchor[kind]:
                for need in needs:
                    at = starts[need]
                    if bisect.bisect_left(at, lo) == bisect.bisect_left(at, hi):
                        break  # no anchor it needs in the window: it cannot match there
                else:
                    for m in pat.finditer(text, lo, hi):
                        if m.start() <= a0 < m.end() and (m.start(), m.end(), name) not in seen:
                            seen.add((m.start(), m.end(), name))
                            cands.append((m.start(), m.end(), name, m))
        cands.sort(key=lambda c: (c[0] - c[1], c[0]))
        taken = keep_disjoint(cands, lambda c: (c[0], c[1]))
        head = self._dateline(text, taken)
        doc.news_date = head
        if head is not None:
            pub = head  # the report's own day: "on Wednesday" is the Wednesday before it
        spans: list[Span] = []
        context_year: int | None = None
        for st, en, name, m in taken:
            try:
                res = self._resolve(name, m, pub, context_year, text)
            except OverflowError:  # date arithmetic past date.min / date.max: no date
                res = None
            if res is None:
                continue
            date, prec, rel = res
            if date is None and not rel:
                continue  # an impossible absolute date ("31 February 2017")
            if name in ("iso", "num", "dmy", "mdy", "my") and date is not None:
                context_year = date.year
            spans.append(Span(st, en, "DATE", text[st:en],
                              {"date": date, "precision": prec, "relative": rel}))
        return spans

    def _dateline(self, text: str, taken) -> dt.date | None:
        """The full date (day, month and year) a dateline at the head of the text prints:
        within its first ``DATELINE_HEAD_CHARS`` characters, alone at the start of its line,
        after the words that announce the day of the report, or after a news agency's name."""
        for st, en, name, m in sorted(taken, key=lambda c: c[0]):
            if st >= DATELINE_HEAD_CHARS:
                break
            if name not in ("iso", "num", "dmy", "mdy"):
                continue
            line = text.rfind("\n", 0, st) + 1
            if DATELINE_LEAD.match(text, line, st) or DATELINE_AGENCY.search(text, line, st):
                res = self._resolve(name, m, None, None, text)
                if res is not None and res[0] is not None:
                    return res[0]
        return None

    def _anchors(self, text: str) -> list[tuple[str, int, int]]:
        """Words a date expression must contain: (kind, start, end), kind M/W/Y/R."""
        out = [(self._names[m.group(0)], m.start(), m.end()) for m in self._name_re.finditer(text)]
        for m in self._year4.finditer(text):
            st, en = m.start(), m.end()
            if (st == 0 or not text[st - 1].isdigit()) and (en == len(text) or not text[en].isdigit()):
                if text[st:st + 2] in ("19", "20"):
                    out.append(("Y", st, en))
        low = lower_same_len(text)
        for kw in self._keywords:
            i = low.find(kw)
            while i >= 0:
                out.append(("R", i, i + len(kw)))
                i = low.find(kw, i + 1)
        return out

    # -- resolution ------------------------------------------------------------------
    def _resolve(self, name: str, m: re.Match[str], pub: dt.date | None,
                 ctx_year: int | None, text: str) -> tuple[dt.date | None, int, bool] | None:
        g = m.groupdict()
        if name == "iso":
            return _safe(int(g["year"]), int(g["m"]), int(g["d"])), 1, False
        if name == "num":  # day first (the form used outside the US) unless impossible
            a, c = int(g["a"]), int(g["c"])
            d, mo = (a, c) if c <= 12 else (c, a)
            date = _safe(int(g["year"]), mo, d)
            return (date, 1, False) if date else None
        if name in ("dmy", "mdy"):
            return _safe(int(g["year"]), _month_num(g["mon"]), int(g["day"])), 1, False
        if name == "my":
            return _safe(int(g["year"]), _month_num(g["mon"]), 1), 3, False
        if name in ("dm", "md"):
            mon, day = _month_num(g["mon"]), int(g["day"])
            if pub is not None:
                date = _safe(pub.year, mon, day)
                if date and date > pub + dt.timedelta(days=FUTURE_SLACK_DAYS):
                    date = _safe(pub.year - 1, mon, day)
                return date, 1, True
            if ctx_year is not None:
                return _safe(ctx_year, mon, day), 1, False
            return None, 1, True
        if self._future.search(text[max(0, m.start() - 14) : m.start()]):
            return None  # "next Monday", "until Friday": not a reported past date
        if name == "month":
            if g["pre"].lower() == "this" or pub is None:
                return (None if pub is None else _safe(pub.year, _month_num(g["mon"]), 1)), 3, True
            mon = _month_num(g["mon"])
            year = pub.year if mon <= pub.month else pub.year - 1
            if g["pre"].lower() == "last" and mon == pub.month:
                year = pub.year - 1
            return _safe(year, mon, 1), 3, True
        if pub is None:  # resolve against any day only to learn the precision
            res = self._resolve(name, m, _ANY_DAY, ctx_year, text)
            return None if res is None else (None, res[1], True)
        if name == "weekday":
            wd = _WEEKDAYS[g["wd"]]
            delta = (pub.weekday() - wd) % 7
            pre = (g["pre"] or "").lower()
            if delta == 0 and ("last" in pre or "past" in pre):
                delta = 7
            return pub - dt.timedelta(days=delta), 1, True
        if name == "nth":
            day = int(g["day"])
            y, mo = (pub.year, pub.month) if day <= pub.day else _prev_month(pub.year, pub.month)
            date = _safe(y, mo, day)
            return (date, 1, True) if date else None
        if name == "ago":
            n_txt, unit = g["n"].lower(), g["unit"].lower().rstrip("s")
            n = FEW_DAYS if "few" in n_txt else int(n_txt) if n_txt.isdigit() else _SMALL[n_txt]
            if unit == "day":
                return pub - dt.timedelta(days=n), 1 if "few" not in n_txt else 2, True
            if unit == "week":
                return pub - dt.timedelta(days=7 * n), 2, True
            y, mo = pub.year, pub.month
            for _ in range(n):
                y, mo = _prev_month(y, mo)
            return dt.date(y, mo, 1), 3, True
        rel = " ".join(g["rel"].lower().split())
        if rel == "the day before yesterday":
            return pub - dt.timedelta(days=2), 1, True
        if rel in ("yesterday", "last night", "overnight"):
            return pub - dt.timedelta(days=1), 1, True
        if rel in ("today", "tonight", "this morning", "this afternoon", "this evening", "earlier today"):
            return pub, 1, True
        if rel in ("this week", "earlier this week"):
            return pub - dt.timedelta(days=pub.weekday()), 2, True  # Monday of that week
        if rel == "last week":
            return pub - dt.timedelta(days=7), 2, True
        if rel in ("last weekend", "this weekend"):
            return pub - dt.timedelta(days=(pub.weekday() - 5) % 7 or 7), 2, True  # Saturday
        if rel in ("this month", "earlier this month"):
            return dt.date(pub.year, pub.month, 1), 3, True
        if rel == "last month":
            y, mo = _prev_month(pub.year, pub.month)
            return dt.date(y, mo, 1), 3, True
        return None


def _prev_month(year: int, month: int) -> tuple[int, int]:
    return (year - 1, 12) if month == 1 else (year, month - 1)


def _safe(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None
