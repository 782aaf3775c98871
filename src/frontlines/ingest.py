"""Stage 1, ingest: read articles from files, folders and stdin into ``Article`` records.

Readers never raise for one bad input: they yield a ``Skip`` with an error code from
``frontlines.errors`` and the batch goes on. That holds for hostile inputs too: any error
while reading one file or record becomes its skip (E112); only regular files are opened
(FIFOs, devices and sockets are skipped by ``stat`` before any ``open``, and the open is
non-blocking); a file reads at most ``MAX_FILE_BYTES``, an article at most
``MAX_ARTICLE_CHARS`` characters (larger ones are skipped, E107, never truncated: half an
article would give half its events without a word); symbolic links that loop or dangle are
skipped, links to folders are not followed (E109); text that is not valid Unicode, mostly
control characters, or has no letters or digits is skipped; so is text that is not English
(E111, ``language_problem``), as the lexicons are English only.

Dates, one rule for every reader: ISO 8601 (``2017-05-04``) first; then month names
("May 4, 2017", "4 May 2017"); then numeric dates ("4/5/2017"), read day-first unless a
part above 12 says otherwise. In a file of records (CSV, JSON, JSONL, JSON lines on stdin)
the first numeric date of the file's publication dates whose order is certain ("4/25/17")
decides the order of the file's ambiguous ones ("3/5/17" is then 5 March). A given
publication date that cannot be read, or is outside ``MIN_YEAR``-``MAX_YEAR``, makes the
record a skip (E114), never a silently missing or impossible date. Missing metadata (outlet, publication date) is
inferred from the header of the text (bylines, datelines, "Source:" lines) or the URL, and
``Article.provenance`` records where each inferred field came from.
"""

from __future__ import annotations

import csv
import datetime as dt
import errno
import functools
import hashlib
import io
import json
import os
import re
import stat
import string
import sys
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any, TextIO
from urllib.parse import urlsplit

from frontlines import errors
from frontlines.datafiles import load_yaml
from frontlines.records import Article, Skip

# --- thresholds ---------------------------------------------------------------------
# Publication dates and bylines are only trusted in the header: the first ~300 characters
# (a dateline plus a headline and a byline fit in that on every outlet in the FA-KES set)
# or one of the first few non-empty lines. Dates further down are usually event dates.
HEAD_CHARS = 300
HEAD_LINES = 6
# A header line must start within this many characters (title + standfirst + byline).
HEAD_LINE_START = 500
# "Source: X" and wire credits ("- REUTERS") sit at the end of the text.
TAIL_CHARS = 300
# A header line that is only a date ("Tue 05 Jul 2016", "Posted on June 3, 2017") is short.
MAX_DATE_LINE = 60
# Longest outlet name in front of a dateline ("Syrian Observatory for Human Rights, ...").
MAX_OUTLET_NAME = 40
# A byline names at most a few people or one outlet; longer "By ..." lines are prose.
MAX_BYLINE_WORDS = 8
# Years outside this window are typos or not publication dates.
MIN_YEAR, MAX_YEAR = 1980, 2100
# Share of control characters above which a decoded text is treated as binary.
MAX_CONTROL_SHARE = 0.01

# Size bounds (E107 above them: skipped, not truncated). A file is read up to
# MAX_FILE_BYTES: a feed of 10,000 articles in JSONL is ~40 MB (FA-KES: 804 articles, 3.2
# MB); 64 MiB bounds the memory a file can take (bytes, text and records: ~4x). An article
# is at most MAX_ARTICLE_CHARS characters: the longest FA-KES article has 37,000; a
# 1,000,000-character article runs the whole pipeline in ~12 s on one core (issue 11).
MAX_FILE_BYTES = 64 * 2**20
MAX_ARTICLE_CHARS = 1_000_000
# The HTML of one page, before its main text is extracted (pages carry ~10x their text).
MAX_HTML_CHARS = 10 * MAX_ARTICLE_CHARS

READ_EXTENSIONS = (".txt", ".text", ".html", ".htm", ".jsonl", ".ndjson", ".json", ".csv")

# Column / field names accepted for each Article field (first present wins).
FIELD_ALIASES = MappingProxyType(
    {
        "text": ("text", "content", "article_content", "body", "article_text"),
        "html": ("html", "raw_html", "page"),
        "title": ("title", "article_title", "headline"),
        "url": ("url", "link", "source_url"),
        "outlet": ("outlet", "source", "sitename", "publisher"),
        "published": ("published", "date", "published_at", "pubdate", "publish_date"),
    }
)

MONTHS = MappingProxyType(
    {
        name: i + 1
        for i, names in enumerate(
            [
                ("january", "jan"),
                ("february", "feb"),
                ("march", "mar"),
                ("april", "apr"),
                ("may",),
                ("june", "jun"),
                ("july", "jul"),
                ("august", "aug"),
                ("september", "sep", "sept"),
                ("october", "oct"),
                ("november", "nov"),
                ("december", "dec"),
            ]
        )
        for name in names
    }
)
_MONTH = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
_WEEKDAY = r"(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+)"
# One date, in the spellings seen in news headers. Named groups say which parts matched.
DATE_PATTERN = (
    rf"(?:{_WEEKDAY})?(?:"
    r"(?P<iy>\d{4})-(?P<im>\d{1,2})-(?P<id>\d{1,2})(?:[T ][\d:.+\-Z]+)?"
    rf"|(?P<mdm>{_MONTH})\.?\s+(?P<mdd>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<mdy>\d{{4}})"
    rf"|(?P<dmd>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<dmm>{_MONTH})\.?,?\s+(?P<dmy>\d{{4}})"
    r"|(?P<na>\d{1,2})(?P<sep>[/.\-])(?P<nb>\d{1,2})(?P=sep)(?P<ny>\d{4}|\d{2})(?!\d)"
    r")"
)
_DATE_RE = re.compile(DATE_PATTERN, re.IGNORECASE)
_TIME = r"(?:\s*(?:at\s+|,\s*|-\s*)?\d{1,2}[:.]?\d{2}(?:\s*[ap]\.?m\.?)?(?:\s*(?:GMT|UTC|[+-]\d{2}:?\d{2}))?)?"
# A header line that is a date and nothing else (optionally "Posted on", a time).
_DATE_LINE_RE = re.compile(
    rf"(?:(?:posted|published|updated|last updated|date)(?:\s+(?:on|at))?\s*:?\s*)?(?P<date>{DATE_PATTERN}){_TIME}\.?",
    re.IGNORECASE,
)
# "Posted on June 3, 2017" / "Published: 12/03/2016" anywhere in the header.
_POSTED_RE = re.compile(
    rf"(?:^|[|•·]\s*)[ \t]*(?:posted|published|updated|last updated)(?:\s+(?:on|at))?\s*:?\s*(?P<date>{DATE_PATTERN})",
    re.IGNORECASE | re.MULTILINE,
)
# "BEIRUT, May 26, 2017 (Reuters) -" : city in capitals, a date.
_WIRE_DATE_RE = re.compile(rf"^[A-Z][A-Z .'\-]{{2,30}},\s*(?P<date>(?i:{DATE_PATTERN}))")
_BYLINE_RE = re.compile(r"^(?i:written\s+)?(?i:by)[:\s]\s*(?P<who>[A-Z@][^\n]{1,119}?)(?<![.!?])\s*$")
_SOURCE_RE = re.compile(
    r"(?:^|\()[ \t]*Source[ \t]*(?::|-|[ \t])[ \t]*(?P<src>[^\n()]{2,80})",
    re.MULTILINE,
)
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


# --- outlets --------------------------------------------------------------------------


def load_outlets(path: str | os.PathLike | None = None) -> list[dict]:
    """Known outlets from ``data/outlets.yaml`` (or ``path``); the caller keeps the result."""
    if path is None:
        raw = resources.files("frontlines").joinpath("data/outlets.yaml").read_text("utf-8")
    else:
        raw = Path(path).read_text("utf-8")
    data = load_yaml(raw) or []
    if not isinstance(data, list):
        raise errors.LexiconError(f"{path or 'outlets.yaml'}: expected a list of outlets")
    out = []
    for entry in data:
        if not isinstance(entry, dict) or not entry.get("name"):
            raise errors.LexiconError(f"outlets: entry without a name: {entry!r}")
        out.append(
            {
                "name": str(entry["name"]),
                "aliases": [str(a) for a in entry.get("aliases") or []],
                "domains": [str(d).lower() for d in entry.get("domains") or []],
                "kind": entry.get("kind", "newspaper"),
                "party": bool(entry.get("party", False)),
                "country": entry.get("country"),
            }
        )
    return out


@dataclass(frozen=True)
class OutletIndex:
    """Lookups over the outlet list: by alias (case-insensitive) and by domain."""

    by_alias: Mapping[str, str]
    by_domain: Mapping[str, str]
    alias_re: re.Pattern  # any alias as a whole word, exact case (for datelines)
    alias_re_ci: re.Pattern  # any alias as a whole word, any case (for bylines)

    @classmethod
    def build(cls, outlets: Sequence[dict]) -> "OutletIndex":
        by_alias: dict[str, str] = {}
        by_domain: dict[str, str] = {}
        for o in outlets:
            for alias in [o["name"], *o.get("aliases", [])]:
                by_alias.setdefault(_alias_key(alias), o["name"])
            for d in o.get("domains", []):
                by_domain.setdefault(d.lower(), o["name"])
        names = sorted(
            {a for o in outlets for a in [o["name"], *o.get("aliases", [])]}, key=len, reverse=True
        )
        alt = "|".join(re.escape(n) for n in names) or r"(?!x)x"
        pattern = rf"(?<![\w-])(?:{alt})(?!\w)"
        return cls(
            MappingProxyType(by_alias),
            MappingProxyType(by_domain),
            re.compile(pattern),
            re.compile(pattern, re.IGNORECASE),
        )

    def canonical(self, name: str | None) -> str | None:
        """Canonical outlet name for an alias, or None when unknown."""
        return self.by_alias.get(_alias_key(name)) if name else None

    def find(self, text: str, *, exact_case: bool = False) -> str | None:
        """First known outlet named in ``text``."""
        m = (self.alias_re if exact_case else self.alias_re_ci).search(text)
        return self.canonical(m.group(0)) if m else None


def _alias_key(name: str) -> str:
    return re.sub(r"[\s\-_'’]+", " ", name.casefold()).strip()


@functools.lru_cache(maxsize=1)
def default_outlet_index() -> OutletIndex:
    """Index of the packaged outlets, built once (read-only; reading the YAML costs ~10 ms,
    too much per article for callers that pass no outlet list)."""
    return OutletIndex.build(load_outlets())


def _index(outlets: Sequence[dict] | OutletIndex | None) -> OutletIndex:
    if isinstance(outlets, OutletIndex):
        return outlets
    return default_outlet_index() if outlets is None else OutletIndex.build(outlets)


def outlet_from_url(url: str | None, outlets: Sequence[dict] | OutletIndex | None = None) -> str | None:
    """Canonical outlet of a URL by its domain (subdomains match), or None."""
    if not url:
        return None
    host = urlsplit(url if "//" in url else f"//{url}").hostname or ""
    host = host.lower().removeprefix("www.")
    if not host:
        return None
    by_domain = _index(outlets).by_domain
    parts = host.split(".")
    for i in range(len(parts) - 1):
        name = by_domain.get(".".join(parts[i:]))
        if name:
            return name
    return None


# --- ids and dates --------------------------------------------------------------------


def article_id(text: str) -> str:
    """16 hex chars of a hash of the text, ignoring case, accents of form and whitespace."""
    norm = " ".join(unicodedata.normalize("NFKC", text).casefold().split())
    return hashlib.sha256(norm.encode("utf-8")).hexdigest()[:16]


def parse_date(value: Any, *, dayfirst: bool = True) -> dt.date | None:
    """A date from an ISO string, "May 26, 2017", "26 May 2017", "26/05/2017", a date or datetime.

    Numeric dates are read day-first unless ``dayfirst`` is False or a part above 12 says
    otherwise. Years outside ``MIN_YEAR``-``MAX_YEAR`` give None (a typo, or not a
    publication date: "9999-12-31" would overflow the date arithmetic of later stages).
    """
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value if MIN_YEAR <= value.year <= MAX_YEAR else None
    s = str(value).strip()
    if not s:
        return None
    try:
        d = dt.datetime.fromisoformat(s.replace("Z", "+00:00")).date()
    except (ValueError, OverflowError):
        pass
    else:
        return d if MIN_YEAR <= d.year <= MAX_YEAR else None
    m = _DATE_RE.search(s)
    return _date_from_match(m, dayfirst=dayfirst) if m else None


def _date_from_match(m: re.Match, *, dayfirst: bool = True) -> dt.date | None:
    g = m.groupdict()
    try:
        if g["iy"]:
            y, mo, d = int(g["iy"]), int(g["im"]), int(g["id"])
        elif g["mdm"]:
            y, mo, d = int(g["mdy"]), MONTHS[g["mdm"].lower()], int(g["mdd"])
        elif g["dmm"]:
            y, mo, d = int(g["dmy"]), MONTHS[g["dmm"].lower()], int(g["dmd"])
        else:
            a, b, y = int(g["na"]), int(g["nb"]), int(g["ny"])
            if y < 100:
                y += 2000 if y < 70 else 1900
            if a > 12 or (dayfirst and b <= 12):
                d, mo = a, b
            else:
                mo, d = a, b
        if not MIN_YEAR <= y <= MAX_YEAR:
            return None
        return dt.date(y, mo, d)
    except (ValueError, KeyError):
        return None


def _numeric_order(values: Iterable[Any]) -> bool:
    """Whether a file's numeric dates are day-first ("26/05/2017") or month-first ("4/25/17"):
    the first one whose order is certain decides; day-first when none is."""
    for v in values:
        if not isinstance(v, str):
            continue
        m = _DATE_RE.fullmatch(v.strip())
        if m and m.group("na"):
            a, b = int(m.group("na")), int(m.group("nb"))
            if a > 12:
                return True
            if b > 12:
                return False
    return True


# --- metadata inference ---------------------------------------------------------------


def infer_metadata(article: Article, outlets: Sequence[dict] | OutletIndex | None = None) -> Article:
    """Fill a missing outlet / publication date from the text's header or the URL.

    Metadata given with the article wins; a given outlet is renamed to its canonical
    spelling when known. ``provenance`` says where each field came from.
    """
    idx = _index(outlets)
    prov = dict(article.provenance)
    outlet, published = article.outlet, article.published
    if outlet:
        outlet = idx.canonical(outlet) or outlet.strip()
        prov.setdefault("outlet", "metadata")
    if published:
        prov.setdefault("published", "metadata")

    text = article.text
    head = text[:HEAD_CHARS]
    lines = _head_lines(text)

    def found(field: str, value: Any, how: str) -> None:
        nonlocal outlet, published
        if value is None:
            return
        if field == "outlet" and not outlet:
            outlet = value
            prov["outlet"] = how
        elif field == "published" and not published:
            published = value
            prov["published"] = how

    for line in lines:
        # "Global Research, May 26, 2017": outlet and date on a line of their own.
        m = _DATE_RE.search(line) if len(line) <= MAX_DATE_LINE + MAX_OUTLET_NAME else None
        if m and m.start() > 0:
            prefix = line[: m.start()].strip(" ,-–—|")
            name = idx.canonical(prefix)
            rest = line[m.end() :].strip(" .")
            if name and re.fullmatch(_TIME, rest, re.IGNORECASE):
                found("outlet", name, "dateline")
                found("published", _date_from_match(m), "dateline")
        # A line that is only a date ("Tue 05 Jul 2016", "Posted on June 3, 2017").
        if len(line) <= MAX_DATE_LINE:
            m = _DATE_LINE_RE.fullmatch(line)
            if m:
                found("published", parse_date(m.group("date")), "dateline")
        # Bylines.
        m = _BYLINE_RE.match(line)
        if m and len(m.group("who").split()) <= MAX_BYLINE_WORDS:
            who = m.group("who").strip(" .,")
            name = idx.canonical(who) or _byline_outlet(who, idx)
            if name:
                found("outlet", name, "byline")
            else:
                prov.setdefault("author", who)

    # A date at the very start of the text ("Wed 05 Apr 2017 Syria attack ...").
    m = _DATE_RE.match(text.lstrip())
    if m:
        found("published", _date_from_match(m), "dateline")
    # "Posted on ..." / "Published: ..." anywhere in the header.
    m = _POSTED_RE.search(head)
    if m:
        found("published", parse_date(m.group("date")), "dateline")
    # "BEIRUT, May 26, 2017 (Reuters) -"
    for line in lines:
        m = _WIRE_DATE_RE.match(line)
        if m:
            found("published", parse_date(m.group("date")), "dateline")
            break

    # Wire datelines: "DAMASCUS (Reuters) -", "(AFP) -", "Aleppo, SANA -".
    if not outlet:
        for m in re.finditer(r"\(([^()\n]{2,40})\)\s*[-–—:]", head):
            name = idx.canonical(m.group(1))
            if name:
                found("outlet", name, "wire_dateline")
                break
    if not outlet:
        for m in idx.alias_re.finditer(head):
            alias, before = m.group(0), head[: m.start()]
            at_start = not before.strip() or before.endswith("\n") or before.rstrip(" ").endswith(",")
            if re.match(r"\s?[-–—]", head[m.end() : m.end() + 2]) and (at_start or alias.isupper()):
                found("outlet", idx.canonical(alias), "wire_dateline")
                break
    # "Source: ARA News" at the top or the bottom.
    if not outlet:
        tail = text[-TAIL_CHARS:]
        for chunk in (head, tail):
            for m in _SOURCE_RE.finditer(chunk):
                found("outlet", idx.find(m.group("src")), "source_line")
            if outlet:
                break
    # A wire credit at the very end: "... - REUTERS", "(AFP)".
    if not outlet:
        m = re.search(r"(?:\s[-–—]\s*|^\s*\()([A-Za-z][\w .\-]{1,30}?)\)?\.?\s*\Z", text[-60:], re.MULTILINE)
        if m:
            found("outlet", idx.canonical(m.group(1)), "wire_credit")
    if not outlet and article.url:
        found("outlet", outlet_from_url(article.url, idx), "url")

    return replace(article, outlet=outlet, published=published, provenance=prov)


def _head_lines(text: str) -> list[str]:
    """The first non-empty lines that start within ``HEAD_LINE_START`` characters, stripped."""
    out, pos = [], 0
    while pos < min(len(text), HEAD_LINE_START) and len(out) < HEAD_LINES:
        end = text.find("\n", pos)
        end = len(text) if end < 0 else end
        line = text[pos:end].strip()
        if line:
            out.append(line)
        pos = end + 1
    return out


def _byline_outlet(who: str, idx: OutletIndex) -> str | None:
    """An outlet named in a byline ("Reuters Staff", "Leith Fadel, Al-Masdar News")."""
    for part in re.split(r"\s*(?:,|\band\b|&|\||/|-\s)\s*", who):
        name = idx.canonical(part)
        if name:
            return name
    return None


# --- hostile-input checks ---------------------------------------------------------------


_NAME_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f]")


def shown(path: str | bytes | os.PathLike) -> str:
    """A path as text that can be stored and printed on one line: a file name's bytes that
    are not UTF-8 (surrogate escapes in a Python str) and control characters (a newline in
    a name) are written ``\\xNN``."""
    p = os.fspath(path)
    if isinstance(p, bytes):
        p = p.decode("utf-8", "backslashreplace")
    else:
        try:
            p.encode("utf-8")
        except UnicodeEncodeError:
            try:
                p = p.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
            except UnicodeEncodeError:
                p = p.encode("utf-8", "backslashreplace").decode("utf-8")
    return _NAME_CONTROL_RE.sub(lambda m: f"\\x{ord(m.group()):02x}", p)


def _describe(exc: BaseException) -> str:
    """An exception in one line, printable and storable whatever its message holds."""
    msg = str(exc).encode("utf-8", "backslashreplace").decode("utf-8")
    msg = " ".join(msg.split())
    return f"{type(exc).__name__}: {msg[:200]}" if msg else type(exc).__name__


def _clip(value: Any, n: int = 40) -> str:
    """A value as a short ASCII repr for a skip's reason."""
    r = ascii(value)
    return r if len(r) <= n else r[: n - 3] + "..."


@functools.lru_cache(maxsize=1)
def _language_settings() -> dict[str, Any]:
    raw = resources.files("frontlines").joinpath("data/language.yaml").read_text("utf-8")
    d = load_yaml(raw)
    d["function_words"] = frozenset(str(w).lower() for w in d["function_words"])
    return d


_LETTERS_RE = re.compile(r"[^\W\d_]")
_LATIN_RE = re.compile(r"[A-Za-z\u00C0-\u024F\u1E00-\u1EFF]")
_WORD_RE = re.compile(r"[^\W\d_]+")
# a letter that _LATIN_RE matches (x and / signs in its ranges are no letters): counted by
# one findall instead of a Python test of each letter (~0.5 ms an article, in the reader)
_ASCII_LETTERS = string.ascii_letters.encode("ascii")  # what _LETTERS_RE matches in ASCII text
_LATIN_LETTER_RE = re.compile(r"(?=[^\W\d_])[A-Za-z\u00C0-\u024F\u1E00-\u1EFF]")


def language_problem(text: str) -> str | None:
    """Why ``text`` is not read as English (its script, or too few English function words,
    ``data/language.yaml``), or None. Short texts are not judged."""
    cfg = _language_settings()
    sample = text[: cfg["sample_chars"]]
    if sample.isascii():  # most texts: every letter is Latin, and counting them needs no list
        n_letters = len(sample) - len(sample.encode("ascii").translate(None, _ASCII_LETTERS))
        latin = n_letters
    else:
        n_letters = len(_LETTERS_RE.findall(sample))
        latin = len(_LATIN_LETTER_RE.findall(sample))
    if n_letters >= cfg["min_letters"]:
        if latin < cfg["min_latin_share"] * n_letters:
            letters = _LETTERS_RE.findall(sample)
            scripts: dict[str, int] = {}
            for c in letters[:2000]:
                if not _LATIN_RE.match(c):
                    name = unicodedata.name(c, "UNKNOWN").split(" ")[0]
                    scripts[name] = scripts.get(name, 0) + 1
            script = max(scripts, key=scripts.get).capitalize() if scripts else "non-Latin"
            return f"not English: written in {script} script ({latin} of {n_letters} letters Latin)"
    words = _WORD_RE.findall(sample.lower())
    if len(words) >= cfg["min_words"]:
        fw = cfg["function_words"]
        share = sum(map(fw.__contains__, words)) / len(words)
        if share < cfg["min_english_share"]:
            return f"not English: {share:.0%} of its words are common English words (English news: 18% or more)"
    return None


_SURROGATE_RE = re.compile("[\ud800-\udfff]")


def _text_problem(text: str, source: str) -> Skip | None:
    """A Skip when an article's text cannot or should not go through the pipeline."""
    if len(text) > MAX_ARTICLE_CHARS:
        return Skip(source, errors.InputTooLarge.code, f"article of {len(text):,} characters (at most {MAX_ARTICLE_CHARS:,} are read)")
    m = _SURROGATE_RE.search(text)
    if m:
        return Skip(source, errors.EncodingError.code, f"not valid Unicode: lone surrogate {ascii(m.group())} at character {m.start()}")
    if not text.strip():
        return Skip(source, errors.EmptyInput.code, "no text (only white space)")
    controls = len(_CONTROL_RE.findall(text))
    if controls > MAX_CONTROL_SHARE * len(text):
        return Skip(source, errors.BinaryInput.code, f"binary content ({controls} control characters in {len(text)})")
    if not _LETTERS_RE.search(text) and not re.search(r"\d", text):
        return Skip(source, errors.EmptyInput.code, "no letters or digits (only symbols, marks or invisible characters)")
    why = language_problem(text)
    if why:
        return Skip(source, errors.UnsupportedLanguage.code, why)
    return None


# --- readers --------------------------------------------------------------------------

# Byte-order marks, longest first (UTF-32-LE's starts with UTF-16-LE's).
_BOMS = (
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\xfe\xff", "utf-16-be"),
    (b"\xff\xfe", "utf-16-le"),
)


def _decode(data: bytes, source: str) -> str | Skip:
    """Text of a file's bytes, or a Skip saying why it cannot be read."""
    if not data.strip():
        return Skip(source, errors.EmptyInput.code, "empty file")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                text = data[len(bom) :].decode(encoding)
            except UnicodeDecodeError:
                return Skip(source, errors.EncodingError.code, f"broken {encoding.upper()} (byte-order mark, then bytes that are not {encoding.upper()})")
            controls = len(_CONTROL_RE.findall(text))
            if controls > MAX_CONTROL_SHARE * len(text):
                return Skip(source, errors.BinaryInput.code, f"binary file ({controls} control characters after a {encoding.upper()} byte-order mark)")
            return text
    if b"\x00" in data:
        nuls = data.count(b"\x00")
        if len(data) >= 8 and 0.3 * len(data) <= nuls <= 0.8 * len(data) and data[:64].count(b"\x00") >= 16:
            return Skip(source, errors.EncodingError.code, "UTF-16 or UTF-32 without a byte-order mark (save the file as UTF-8)")
        return Skip(source, errors.BinaryInput.code, "binary file (NUL bytes)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            return Skip(source, errors.EncodingError.code, "not UTF-8 and not Windows-1252")
        if _CONTROL_RE.search(text):
            return Skip(source, errors.EncodingError.code, "not UTF-8 (control characters as Windows-1252)")
        return text
    controls = len(_CONTROL_RE.findall(text))
    if controls > MAX_CONTROL_SHARE * len(text):
        return Skip(source, errors.BinaryInput.code, f"binary file ({controls} control characters)")
    return text


def _first_line(text: str) -> str | None:
    for line in text.splitlines():
        if line.strip():
            return line.strip()
    return None


class _TooLarge(Exception):
    """Raised inside a reader for an input over a size bound; becomes an E107 skip."""


def _from_html(html: str, *, url: str | None = None) -> dict[str, Any] | None:
    """Main text and metadata of an HTML page via trafilatura (comments excluded, and the
    elements named in ``html_prune`` of ``data/boilerplate.yaml``)."""
    import trafilatura  # heavy: imported on first HTML input only

    from frontlines.clean import default_rules

    if len(html) > MAX_HTML_CHARS:
        raise _TooLarge(f"HTML of {len(html):,} characters (at most {MAX_HTML_CHARS:,} are read)")
    doc = trafilatura.bare_extraction(
        html,
        url=url,
        include_comments=False,
        favor_recall=True,
        with_metadata=True,
        # captions, comment lists, related and share widgets (data/boilerplate.yaml)
        prune_xpath=list(default_rules().html_prune) or None,
    )
    doc = doc.as_dict() if doc is not None else None
    if not doc or not (doc.get("text") or "").strip():
        return None
    return {
        "text": doc["text"],
        "title": (doc.get("title") or "").strip() or None,
        "url": doc.get("url") or url,
        "outlet": doc.get("sitename") or None,
        "published": parse_date(doc.get("date")),
        "author": doc.get("author") or None,
    }


def _article(
    text: str,
    *,
    source_format: str,
    path: str | None,
    idx: OutletIndex,
    title: str | None = None,
    url: str | None = None,
    outlet: str | None = None,
    published: dt.date | None = None,
    provenance: dict[str, str] | None = None,
    source: str | None = None,
) -> Article | Skip:
    """An Article with id and inferred metadata; a title missing from the head of the text
    is put in front of it (headlines report events too, and .txt files carry theirs). A
    Skip when the text cannot go through the pipeline (``_text_problem``)."""
    source = source or path or "-"
    for value in (title, url, outlet):
        if value is not None and _SURROGATE_RE.search(value):
            return Skip(source, errors.EncodingError.code, f"not valid Unicode: lone surrogate in the metadata {_clip(value)}")
    problem = _text_problem(text, source)
    if problem is not None:
        return problem
    if title and " ".join(title.split()).casefold() not in " ".join(text[: HEAD_CHARS + len(title)].split()).casefold():
        text = f"{title.strip()}\n\n{text}"
    art = Article(
        article_id=article_id(text),
        text=text,
        title=title or _first_line(text),
        url=url or None,
        path=path,
        outlet=outlet or None,
        published=published,
        source_format=source_format,
        provenance=dict(provenance or {}),
        source=source,
    )
    return infer_metadata(art, idx)


def _from_record(rec: Any, source: str, fmt: str, path: str | None, idx: OutletIndex, dayfirst: bool) -> Article | Skip:
    """One JSON/CSV record to an Article, or a Skip."""
    if not isinstance(rec, dict):
        return Skip(source, errors.BadRecord.code, f"expected an object, got {type(rec).__name__}")
    low = {str(k).strip().lower(): v for k, v in rec.items()}

    def get(field: str) -> Any:
        for key in FIELD_ALIASES[field]:
            v = low.get(key)
            if v not in (None, ""):
                return v
        return None

    # every field read is text; a field of another type is the record's skip, not a crash
    # further on (``"title": ["a"]``) nor a silently dropped value
    for field in ("text", "html", "title", "url", "outlet", "published"):
        v = get(field)
        if v is not None and not isinstance(v, str) and not (field == "published" and isinstance(v, dt.date)):
            code = errors.BadRecord.code if field in ("text", "html") else errors.BadMetadata.code
            return Skip(source, code, f"field {field!r} must be text, got {type(v).__name__} {_clip(v, 30)}")
    given_date = get("published")
    published = parse_date(given_date, dayfirst=dayfirst) if given_date is not None else None
    if given_date is not None and published is None:
        return Skip(
            source, errors.BadMetadata.code,
            f"'published' {_clip(given_date)} is not a date between {MIN_YEAR} and {MAX_YEAR} (YYYY-MM-DD, 'May 4, 2017', '4/5/2017')",
        )  # fmt: skip
    text, html = get("text"), get("html")
    meta: dict[str, Any] = {}
    if text is None and html is not None:
        meta = _from_html(html, url=get("url")) or {}
        text = meta.get("text")
        if text is None:
            return Skip(source, errors.EmptyInput.code, "no main text in the HTML")
    if text is None:
        return Skip(source, errors.BadRecord.code, "no 'text' or 'html' field")
    if not text.strip():
        return Skip(source, errors.EmptyInput.code, "empty 'text' field")
    prov = {"author": meta["author"]} if meta.get("author") else {}
    return _article(
        text,
        source_format=fmt,
        path=path,
        idx=idx,
        title=get("title") or meta.get("title"),
        url=get("url") or meta.get("url"),
        outlet=get("outlet") or meta.get("outlet"),
        published=published or meta.get("published"),
        provenance=prov,
        source=source,
    )


def _record(rec: Any, source: str, fmt: str, path: str | None, idx: OutletIndex, dayfirst: bool) -> Article | Skip:
    """``_from_record``, with any error in it as the record's skip (the file goes on)."""
    try:
        return _from_record(rec, source, fmt, path, idx, dayfirst)
    except _TooLarge as exc:
        return Skip(source, errors.InputTooLarge.code, str(exc))
    except RecursionError:
        return Skip(source, errors.BadRecord.code, "nested too deep to read")
    except Exception as exc:  # noqa: BLE001 - one bad record must not end the batch
        return Skip(source, errors.ProcessingFailed.code, f"reading failed: {_describe(exc)}")


def _published_values(recs: Iterable[Any]) -> Iterator[Any]:
    """The publication-date fields of a file's records (for ``_numeric_order``)."""
    for rec in recs:
        if isinstance(rec, dict):
            low = {str(k).strip().lower(): v for k, v in rec.items()}
            yield next((low[k] for k in FIELD_ALIASES["published"] if low.get(k) not in (None, "")), None)


def _loads(text: str) -> Any:
    """``json.loads``; a document nested too deep for the parser raises ValueError."""
    try:
        return json.loads(text)
    except RecursionError:
        raise ValueError("nested too deep to read") from None


def _read_jsonl(text: str, source: str, fmt: str, path: str | None, idx: OutletIndex) -> Iterator[Article | Skip]:
    parsed: list[tuple[str, Any]] = []
    for lineno, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        where = f"{source}:{lineno}"
        try:
            parsed.append((where, _loads(line)))
        except json.JSONDecodeError as e:
            parsed.append((where, Skip(where, errors.BadRecord.code, f"broken JSON: {e.msg}")))
        except ValueError as e:
            parsed.append((where, Skip(where, errors.BadRecord.code, f"broken JSON: {e}")))
    if not parsed:
        yield Skip(source, errors.EmptyInput.code, "no JSON lines")
        return
    dayfirst = _numeric_order(_published_values(r for _, r in parsed))
    for where, rec in parsed:
        yield rec if isinstance(rec, Skip) else _record(rec, where, fmt, path, idx, dayfirst)


def _read_json(text: str, source: str, path: str, idx: OutletIndex) -> Iterator[Article | Skip]:
    try:
        data = _loads(text)
    except json.JSONDecodeError as e:
        yield Skip(source, errors.BadRecord.code, f"broken JSON: {e.msg} at line {e.lineno}")
        return
    except ValueError as e:
        yield Skip(source, errors.BadRecord.code, f"broken JSON: {e}")
        return
    if isinstance(data, dict) and isinstance(data.get("articles"), list):
        data = data["articles"]
    if isinstance(data, list):
        if not data:
            yield Skip(source, errors.EmptyInput.code, "empty JSON list (no records)")
            return
        dayfirst = _numeric_order(_published_values(data))
        for i, rec in enumerate(data, 1):
            yield _record(rec, f"{source}:{i}", "json", path, idx, dayfirst)
    else:
        yield _record(data, source, "json", path, idx, True)


def _read_csv(text: str, source: str, path: str, idx: OutletIndex) -> Iterator[Article | Skip]:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    # a field holds at most one page's HTML: the csv module's own limit (131,072 by
    # default, and process-wide: other libraries change it) is set for the read and restored
    limit = csv.field_size_limit(MAX_HTML_CHARS)
    try:
        rows = [(reader.line_num, row) for row in reader]
    except csv.Error as e:
        yield Skip(source, errors.BadRecord.code, f"broken CSV: {e}")
        return
    finally:
        csv.field_size_limit(limit)
    if not rows:
        yield Skip(source, errors.EmptyInput.code, "CSV without rows (a header only)")
        return
    cols = {c.strip().lower(): c for c in reader.fieldnames or []}
    date_col = next((cols[k] for k in FIELD_ALIASES["published"] if k in cols), None)
    dayfirst = _numeric_order(r.get(date_col) for _, r in rows) if date_col else True
    for line, row in rows:
        row = {k: v for k, v in row.items() if k is not None}
        yield _record(row, f"{source}:{line}", "csv", path, idx, dayfirst)


_FILE_KINDS = ((stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISCHR, "a character device"),
               (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"))


def _kind(mode: int) -> str:
    return next((name for test, name in _FILE_KINDS if test(mode)), "not a regular file")


def _stat_skip(p: Path, source: str, exc: OSError) -> Skip:
    """The skip for a path that ``stat`` cannot follow."""
    if exc.errno == errno.ELOOP:
        return Skip(source, errors.BadLink.code, "symbolic link loop")
    if exc.errno in (errno.EACCES, errno.EPERM):
        return Skip(source, errors.PermissionDenied.code, f"permission denied: {exc.strerror}")
    if exc.errno == errno.ENOENT and os.path.islink(p):
        return Skip(source, errors.BadLink.code, f"broken symbolic link (to {shown(os.readlink(p))})")
    if exc.errno == errno.ENAMETOOLONG:
        return Skip(source, errors.MissingInput.code, "file name too long")
    if exc.errno == errno.ENOENT:
        return Skip(source, errors.MissingInput.code, "no such file or folder")
    return Skip(source, errors.MissingInput.code, f"cannot read: {exc.strerror or exc}")


def _read_bytes(p: Path, source: str) -> bytes | Skip:
    """A regular file's bytes (at most ``MAX_FILE_BYTES``), or why they are not read. Only a
    regular file is opened, and without blocking: a FIFO, device or socket named x.txt
    (which would block, or never end) is skipped on ``stat`` alone, and a file swapped for
    one between the two calls is caught by ``fstat`` before a byte is read."""
    try:
        st = os.stat(p)
    except OSError as exc:
        return _stat_skip(p, source, exc)
    if not stat.S_ISREG(st.st_mode):
        return Skip(source, errors.NotAFile.code, f"{_kind(st.st_mode)}, not a regular file: not opened")
    if st.st_size > MAX_FILE_BYTES:
        return Skip(source, errors.InputTooLarge.code, f"file of {st.st_size:,} bytes (at most {MAX_FILE_BYTES:,} are read)")
    try:
        fd = os.open(p, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        return _stat_skip(p, source, exc)
    with os.fdopen(fd, "rb") as fh:
        mode = os.fstat(fh.fileno()).st_mode
        if not stat.S_ISREG(mode):
            return Skip(source, errors.NotAFile.code, f"{_kind(mode)}, not a regular file: not read")
        try:
            data = fh.read(MAX_FILE_BYTES + 1)
        except OSError as exc:
            return Skip(source, errors.MissingInput.code, f"cannot read: {exc.strerror or exc}")
    if len(data) > MAX_FILE_BYTES:
        return Skip(source, errors.InputTooLarge.code, f"file of more than {MAX_FILE_BYTES:,} bytes (grew while read)")
    return data


def _read_file(p: Path, idx: OutletIndex) -> Iterator[Article | Skip]:
    source = shown(p)
    try:
        st = os.stat(p)
    except OSError as exc:
        yield _stat_skip(p, source, exc)
        return
    except ValueError as exc:  # a NUL in the name
        yield Skip(source, errors.MissingInput.code, f"invalid path: {exc}")
        return
    if not stat.S_ISREG(st.st_mode):  # whatever its name says
        yield Skip(source, errors.NotAFile.code, f"{_kind(st.st_mode)}, not a regular file: not opened")
        return
    ext = p.suffix.lower()
    if ext not in READ_EXTENSIONS:
        yield Skip(source, errors.UnsupportedFormat.code, f"unsupported file type {shown(ext) or '(none)'}")
        return
    data = _read_bytes(p, source)
    if isinstance(data, Skip):
        yield data
        return
    text = _decode(data, source)
    del data
    if isinstance(text, Skip):
        yield text
        return
    if not text.strip():  # Unicode white space only (the bytes test sees only ASCII's)
        yield Skip(source, errors.EmptyInput.code, "empty file (white space only)")
        return
    if ext in (".txt", ".text"):
        yield _article(text, source_format="txt", path=source, idx=idx)
    elif ext in (".html", ".htm"):
        meta = _from_html(text)
        if meta is None:
            yield Skip(source, errors.EmptyInput.code, "no main text in the HTML")
            return
        author = meta.pop("author")
        yield _article(
            source_format="html", path=source, idx=idx, provenance={"author": author} if author else None, **meta
        )
    elif ext in (".jsonl", ".ndjson"):
        yield from _read_jsonl(text, source, "jsonl", source, idx)
    elif ext == ".json":
        yield from _read_json(text, source, source, idx)
    else:
        yield from _read_csv(text, source, source, idx)


def _guarded(source: str, items: Iterator[Article | Skip]) -> Iterator[Article | Skip]:
    """The items of one input; an error while reading it becomes its skip (after the
    items it gave before), never the end of the batch."""
    try:
        yield from items
    except _TooLarge as exc:
        yield Skip(source, errors.InputTooLarge.code, str(exc))
    except RecursionError:
        yield Skip(source, errors.BadRecord.code, "nested too deep to read")
    except Exception as exc:  # noqa: BLE001 - one bad input must not end the batch
        yield Skip(source, errors.ProcessingFailed.code, f"reading failed: {_describe(exc)}")


def _walk(root: Path) -> Iterator[Path | Skip]:
    """Files under a folder, recursively (a folder's files, sorted, then its subfolders),
    hidden files and folders left out. A folder that cannot be listed, and a symbolic link
    to a folder (not followed: it may loop, or lead anywhere on the disk), is a Skip."""
    stack = [root]
    while stack:
        folder = stack.pop()
        try:
            with os.scandir(folder) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            if exc.errno in (errno.EACCES, errno.EPERM):
                yield Skip(shown(folder), errors.PermissionDenied.code, f"folder cannot be listed: {exc.strerror}")
            else:
                yield Skip(shown(folder), errors.MissingInput.code, f"folder cannot be listed: {exc.strerror or exc}")
            continue
        subfolders = []
        for e in entries:
            if e.name.startswith("."):
                continue
            try:
                is_dir = e.is_dir()  # follows a link; a loop or dangling link is not a folder
            except OSError:
                is_dir = False
            if not is_dir:
                yield Path(e.path)
            elif e.is_symlink():
                yield Skip(shown(e.path), errors.BadLink.code, "symbolic link to a folder: not followed (give the folder itself)")
            else:
                subfolders.append(Path(e.path))
        stack.extend(reversed(subfolders))


def _read_stdin(stream: Any, idx: OutletIndex) -> Iterator[Article | Skip]:
    """Stdin: JSON lines when its first line is a JSON object, else one text article. Read
    as bytes when it has them (binary or NUL-filled input is then a skip like a file's),
    at most ``MAX_FILE_BYTES``."""
    buffer = getattr(stream, "buffer", None)
    if buffer is not None:
        data = buffer.read(MAX_FILE_BYTES + 1)
        if len(data) > MAX_FILE_BYTES:
            yield Skip("-", errors.InputTooLarge.code, f"stdin of more than {MAX_FILE_BYTES:,} bytes")
            return
        if not data.strip():
            yield Skip("-", errors.EmptyInput.code, "empty stdin")
            return
        text = _decode(data, "-")
        if isinstance(text, Skip):
            yield text
            return
    else:
        text = stream.read(MAX_FILE_BYTES + 1)
        if len(text) > MAX_FILE_BYTES:
            yield Skip("-", errors.InputTooLarge.code, f"stdin of more than {MAX_FILE_BYTES:,} characters")
            return
    if not text.strip():
        yield Skip("-", errors.EmptyInput.code, "empty stdin")
        return
    first = text.lstrip().split("\n", 1)[0].strip()
    if first.startswith("{"):
        try:
            _loads(first)
        except ValueError:
            pass
        else:
            yield from _read_jsonl(text, "-", "stdin", None, idx)
            return
    yield _article(text, source_format="stdin", path="-", idx=idx)


def iter_articles(
    inputs: Sequence[str | os.PathLike], *, stdin: TextIO | None = None, outlets: Sequence[dict] | None = None
) -> Iterator[Article | Skip]:
    """Articles (or Skips) from files, folders (recursive) and ``-`` (stdin), in input order.

    Never raises for an input: whatever goes wrong reading one is its Skip."""
    idx = _index(outlets)
    for item in inputs:
        if str(item) == "-":
            yield from _guarded("-", _read_stdin(stdin if stdin is not None else sys.stdin, idx))
            continue
        p = Path(item)
        try:
            is_dir = stat.S_ISDIR(os.stat(p).st_mode)
        except (OSError, ValueError):
            is_dir = False
        if not is_dir:
            yield from _guarded(shown(p), _read_file(p, idx))
            continue
        for f in _walk(p):
            if isinstance(f, Skip):
                yield f
            else:
                yield from _guarded(shown(f), _read_file(f, idx))
