"""Stage 1, ingest: read articles from files, folders and stdin into ``Article`` records.

Readers never raise for one bad input: they yield a ``Skip`` with an error code from
``frontlines.errors`` and the batch goes on. Missing metadata (outlet, publication date) is
inferred from the header of the text (bylines, datelines, "Source:" lines) or the URL, and
``Article.provenance`` records where each inferred field came from.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import hashlib
import io
import json
import os
import re
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
    otherwise.
    """
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    s = str(value).strip()
    if not s:
        return None
    try:
        return dt.datetime.fromisoformat(s.replace("Z", "+00:00")).date()
    except ValueError:
        pass
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
    """Whether a column of numeric dates is day-first ("26/05/2017") or month-first ("4/25/17")."""
    for v in values:
        m = _DATE_RE.fullmatch(str(v or "").strip())
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


# --- readers --------------------------------------------------------------------------


def _decode(data: bytes, source: str) -> str | Skip:
    """Text of a file's bytes, or a Skip saying why it cannot be read."""
    if not data.strip():
        return Skip(source, errors.EmptyInput.code, "empty file")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            return Skip(source, errors.EncodingError.code, "broken UTF-16")
    if b"\x00" in data:
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


def _from_html(html: str, *, url: str | None = None) -> dict[str, Any] | None:
    """Main text and metadata of an HTML page via trafilatura (comments excluded)."""
    import trafilatura  # heavy: imported on first HTML input only

    doc = trafilatura.bare_extraction(
        html,
        url=url,
        include_comments=False,
        favor_recall=True,
        with_metadata=True,
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
) -> Article:
    """An Article with id and inferred metadata; a title missing from the head of the text
    is put in front of it (headlines report events too, and .txt files carry theirs)."""
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

    text, html = get("text"), get("html")
    meta: dict[str, Any] = {}
    if text is None and html is not None:
        meta = _from_html(str(html), url=get("url")) or {}
        text = meta.get("text")
        if text is None:
            return Skip(source, errors.EmptyInput.code, "no main text in the HTML")
    if text is None:
        return Skip(source, errors.BadRecord.code, "no 'text' or 'html' field")
    if not isinstance(text, str) or not text.strip():
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
        published=parse_date(get("published"), dayfirst=dayfirst) or meta.get("published"),
        provenance=prov,
    )


def _read_jsonl(text: str, source: str, fmt: str, path: str | None, idx: OutletIndex) -> Iterator[Article | Skip]:
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        where = f"{source}:{lineno}"
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as e:
            yield Skip(where, errors.BadRecord.code, f"broken JSON: {e.msg}")
            continue
        yield _from_record(rec, where, fmt, path, idx, True)


def _read_json(text: str, source: str, path: str, idx: OutletIndex) -> Iterator[Article | Skip]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        yield Skip(source, errors.BadRecord.code, f"broken JSON: {e.msg} at line {e.lineno}")
        return
    if isinstance(data, dict) and isinstance(data.get("articles"), list):
        data = data["articles"]
    if isinstance(data, list):
        for i, rec in enumerate(data, 1):
            yield _from_record(rec, f"{source}:{i}", "json", path, idx, True)
    else:
        yield _from_record(data, source, "json", path, idx, True)


def _read_csv(text: str, source: str, path: str, idx: OutletIndex) -> Iterator[Article | Skip]:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        rows = [(reader.line_num, row) for row in reader]
    except csv.Error as e:
        yield Skip(source, errors.BadRecord.code, f"broken CSV: {e}")
        return
    cols = {c.strip().lower(): c for c in reader.fieldnames or []}
    date_col = next((cols[k] for k in FIELD_ALIASES["published"] if k in cols), None)
    dayfirst = _numeric_order(r.get(date_col) for _, r in rows) if date_col else True
    for line, row in rows:
        row = {k: v for k, v in row.items() if k is not None}
        yield _from_record(row, f"{source}:{line}", "csv", path, idx, dayfirst)


def _read_file(p: Path, idx: OutletIndex) -> Iterator[Article | Skip]:
    source = str(p)
    ext = p.suffix.lower()
    if ext not in READ_EXTENSIONS:
        yield Skip(source, errors.UnsupportedFormat.code, f"unsupported file type {ext or '(none)'}")
        return
    try:
        data = p.read_bytes()
    except OSError as e:
        yield Skip(source, errors.MissingInput.code, f"cannot read: {e.strerror or e}")
        return
    text = _decode(data, source)
    if isinstance(text, Skip):
        yield text
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


def _walk(root: Path) -> Iterator[Path]:
    """Files under a folder, recursively, sorted, hidden files and folders left out."""
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if not name.startswith("."):
                yield Path(dirpath, name)


def _read_stdin(stream: TextIO, idx: OutletIndex) -> Iterator[Article | Skip]:
    text = stream.read()
    if not text.strip():
        yield Skip("-", errors.EmptyInput.code, "empty stdin")
        return
    first = text.lstrip().split("\n", 1)[0].strip()
    if first.startswith("{"):
        try:
            json.loads(first)
        except json.JSONDecodeError:
            pass
        else:
            yield from _read_jsonl(text, "-", "stdin", None, idx)
            return
    yield _article(text, source_format="stdin", path="-", idx=idx)


def iter_articles(
    inputs: Sequence[str | os.PathLike], *, stdin: TextIO | None = None, outlets: Sequence[dict] | None = None
) -> Iterator[Article | Skip]:
    """Articles (or Skips) from files, folders (recursive) and ``-`` (stdin), in input order."""
    idx = _index(outlets)
    for item in inputs:
        if str(item) == "-":
            yield from _read_stdin(stdin if stdin is not None else sys.stdin, idx)
            continue
        p = Path(item)
        if p.is_dir():
            for f in _walk(p):
                yield from _read_file(f, idx)
        elif p.is_file():
            yield from _read_file(p, idx)
        else:
            yield Skip(str(item), errors.MissingInput.code, "no such file or folder")
