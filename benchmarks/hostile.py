"""Hostile inputs: a corpus of every kind of bad input issue 11's audit found, mixed with
good articles, run through ``frontlines run`` as a user would, then checked.

    .venv/bin/python benchmarks/hostile.py [--n 10000] [--no-write] [--keep DIR]

Classes (``CLASSES``): random bytes; encodings (UTF-16/32 with and without byte-order
marks, Latin-1, broken UTF-8, BOM only); control characters; deep HTML, script-only pages;
RTL and zero-width text; non-English articles; huge numbers; calendar edges; JSON of the
wrong types, nested 100,000 deep, lone surrogates; broken and header-only CSVs; odd file
names (not UTF-8, newlines, very long, no extension); symbolic links (loops, dangling, to
devices, to folders); FIFOs; sockets; unreadable files and folders; huge and sparse files,
huge articles; stdin (binary, NUL-filled, UTF-16, JSON lines). Good articles (text, HTML,
JSONL, CSV, JSON, written here from templates) make up about a third of the inputs.

Checks: the run exits 0 without a traceback (no batch crash); every bad input is listed
by ``frontlines skips`` with a reason and the code its class expects; every good input is
stored (and nothing else is); no stored toll above casualty_terms.yaml's max_count, no
stored text with NULs, no stored publication date outside 1980-2100; the worst input of
each class, run alone, takes at most ``MAX_INPUT_SECONDS`` of CPU time, start-up included
(wall time is reported beside it: on a shared machine it measures the other work too); peak RSS of
every run (the largest process, workers included: ``wait4``'s ``ru_maxrss``) under
``MAX_RSS_MB``. Run as root, the runs drop the capabilities that let root read any file
(CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH) so that unreadable files are unreadable.

``build`` and ``check`` are also what tests/test_hostile.py runs, on a few hundred inputs.
"""

from __future__ import annotations

import argparse
import ctypes
import json
import os
import random
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import ROOT, write_section  # noqa: E402

MAX_INPUT_SECONDS = 30.0  # issue 11: no input over 30 s
MAX_RSS_MB = 1024.0  # issue 11: peak memory under 1 GB
MAX_COUNT = 100_000_000  # data/casualty_terms.yaml max_count


@dataclass
class Case:
    """One input and what must become of it: ``expect`` is "stored", or the error codes
    (any of them) its skip may carry."""

    cls: str
    source: str  # as the ledger names it: the path shown (ingest.shown), or path:line
    expect: tuple[str, ...]
    file: str | None = None  # the file holding it (for solo runs and stored counts)
    stdin: bytes | None = None  # an input given on stdin instead of a file
    arg: bool = False  # given on the command line itself, not found in the corpus folder

    @property
    def good(self) -> bool:
        return self.expect == ("stored",)


@dataclass
class Corpus:
    root: Path  # the corpus folder given to frontlines run
    outside: Path  # files the corpus links to, never given as inputs
    cases: list[Case] = field(default_factory=list)
    rng: random.Random = field(default_factory=lambda: random.Random(11))
    serial: int = 0
    full: bool = True  # the full benchmark (huge files on disk) or the test's bounded one
    privileged: bool = False  # runs keep root's file access (unreadable files are readable)
    made_big_csv: int = 0

    def name(self, stem: str, ext: str) -> Path:
        self.serial += 1
        sub = self.root / f"d{self.serial % 50:02d}"
        sub.mkdir(exist_ok=True)
        return sub / f"{stem}-{self.serial:05d}{ext}"

    def add(self, cls: str, path: Path | str, expect: str | tuple[str, ...], *, source: str | None = None, arg: bool = False) -> None:
        from frontlines.ingest import shown

        exp = (expect,) if isinstance(expect, str) else tuple(expect)
        self.cases.append(Case(cls, source or shown(path), exp, file=os.fsdecode(path), arg=arg))

    def write(self, cls: str, stem: str, ext: str, data: bytes | str, expect: str | tuple[str, ...]) -> Path:
        p = self.name(stem, ext)
        p.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        self.add(cls, p, expect)
        return p


# --- good articles, from templates ---------------------------------------------------------

ACTORS = ["Syrian government forces", "Islamic State fighters", "Turkish warplanes", "Kurdish YPG fighters",
          "Russian jets", "Rebel groups", "Boko Haram militants", "Iraqi security forces"]  # fmt: skip
PLACES = ["Aleppo", "Idlib", "Douma", "Raqqa", "Homs", "Hama", "Daraa", "Mosul", "Maiduguri", "Deir ez-Zor"]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
LEADS = [
    "{actor} shelled the town of {place} on {day}, killing {n} civilians, a monitoring group said.",
    "An air strike by {actor} hit a crowded market in {place} on {day}, killing at least {n} people.",
    "Clashes between {actor} and {actor2} near {place} on {day} left {n} fighters dead, the group said.",
    "A car bomb exploded at a checkpoint in {place} on {day}, killing {n} people and wounding dozens.",
    "{actor} attacked a village outside {place} on {day} and killed {n} residents, witnesses said.",
]
FILLER = [
    "The group said the toll was likely to rise as rescue workers searched the rubble.",
    "Residents said the attack came without warning in the early hours of the morning.",
    "There was no immediate comment from the government on the reports.",
    "The area has seen heavy fighting for weeks as the two sides battle for control of the roads.",
    "Medical sources said that several of the wounded were in a critical condition.",
    "Aid agencies have warned that thousands of families have fled the area since the start of the month.",
]


def good_text(c: Corpus) -> tuple[str, str]:
    """A (title, body) of a short English conflict report, unique by its serial number."""
    r = c.rng
    c.serial += 1
    actor, actor2 = r.sample(ACTORS, 2)
    place = r.choice(PLACES)
    lead = r.choice(LEADS).format(actor=actor, actor2=actor2, place=place, day=r.choice(WEEKDAYS), n=r.randint(2, 40))
    title = f"{actor} strike on {place} reported in dispatch {c.serial}"
    body = " ".join([lead, *r.sample(FILLER, 3), f"This was dispatch number {c.serial} from the region."])
    return title, body


def good_txt(c: Corpus) -> None:
    title, body = good_text(c)
    c.write("good txt", "report", ".txt", f"{title}\n\n{body}\n", "stored")


def good_html(c: Corpus) -> None:
    title, body = good_text(c)
    paras = "".join(f"<p>{s}.</p>" for s in body.split(". ") if s)
    html = (f"<!DOCTYPE html><html><head><title>{title}</title></head><body><nav><a href='/'>Home</a></nav>"
            f"<article><h1>{title}</h1>{paras}</article><footer>Copyright</footer></body></html>")  # fmt: skip
    c.write("good html", "page", ".html", html, "stored")


def _records(c: Corpus, cls: str, ext: str, bad: list[tuple[dict | str, str]], n_good: int) -> None:
    """A JSONL file of ``n_good`` good records and the ``bad`` ones (record or raw line, code), shuffled."""
    lines: list[tuple[str, str]] = []
    for _ in range(n_good):
        title, body = good_text(c)
        lines.append((json.dumps({"title": title, "text": body, "published": "2017-05-%02d" % c.rng.randint(1, 28)}), "stored"))
    for rec, code in bad:
        lines.append((rec if isinstance(rec, str) else json.dumps(rec), code))
    c.rng.shuffle(lines)
    p = c.name(cls.replace(" ", "_"), ext)
    p.write_text("\n".join(line for line, _ in lines) + "\n", "utf-8")
    from frontlines.ingest import shown

    for i, (_, code) in enumerate(lines, 1):
        c.cases.append(Case(cls, shown(p) if code == "stored" else f"{shown(p)}:{i}", (code,) if isinstance(code, str) else code, file=str(p)))


def good_jsonl(c: Corpus) -> None:
    _records(c, "good jsonl", ".jsonl", [], 5)


def good_csv(c: Corpus) -> None:
    import csv
    import io

    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["title", "text", "date"])
    for _ in range(3):
        title, body = good_text(c)
        w.writerow([title, body, f"4/{c.rng.randint(13, 28)}/17"])
    p = c.write("good csv", "digest", ".csv", buf.getvalue(), "stored")
    c.cases += [Case("good csv", c.cases[-1].source, ("stored",), file=str(p)) for _ in range(2)]


def good_json(c: Corpus) -> None:
    recs = []
    for _ in range(2):
        title, body = good_text(c)
        recs.append({"title": title, "text": body, "outlet": "Reuters"})
    p = c.write("good json", "list", ".json", json.dumps(recs), "stored")
    c.cases.append(Case("good json", c.cases[-1].source, ("stored",), file=str(p)))


# --- hostile classes -------------------------------------------------------------------------


def random_bytes(c: Corpus) -> None:
    data = bytes(c.rng.getrandbits(8) for _ in range(c.rng.randint(64, 4096)))
    c.write("random bytes", "noise", c.rng.choice([".txt", ".html", ".json", ".jsonl", ".csv"]), data, ("E102", "E103"))


def encodings(c: Corpus) -> None:
    title, body = good_text(c)
    text = f"{title}\n\n{body}\n"
    v = c.rng.randrange(9)
    if v == 0:
        c.write("encoding: UTF-16 with BOM", "u16", ".txt", "\ufeff".encode("utf-16-le") + text.encode("utf-16-le"), "stored")
    elif v == 1:
        c.write("encoding: UTF-16-BE with BOM", "u16be", ".txt", b"\xfe\xff" + text.encode("utf-16-be"), "stored")
    elif v == 2:
        c.write("encoding: UTF-32 with BOM", "u32", ".txt", b"\xff\xfe\x00\x00" + text.encode("utf-32-le"), "stored")
    elif v == 3:
        c.write("encoding: UTF-16 without BOM", "u16nobom", ".txt", text.encode("utf-16-le"), "E103")
    elif v == 4:
        c.write("encoding: UTF-32 without BOM", "u32nobom", ".txt", text.encode("utf-32-le"), "E103")
    elif v == 5:
        c.write("encoding: Latin-1", "latin1", ".txt", (text + " Caf\u00e9 d\u00e9j\u00e0 vu.").encode("latin-1"), "stored")
    elif v == 6:  # a cut multi-byte sequence: read as Windows-1252
        c.write("encoding: broken UTF-8", "broken", ".txt", text.encode("utf-8") + b" \xe2\x80 end", "stored")
    elif v == 7:
        c.write("encoding: BOM only", "bomonly", ".txt", c.rng.choice([b"\xef\xbb\xbf", b"\xff\xfe", b"\xff\xfe\x00\x00"]), "E101")
    else:
        c.write("encoding: UTF-8 BOM", "u8bom", ".txt", b"\xef\xbb\xbf" + text.encode("utf-8"), "stored")


def control_chars(c: Corpus) -> None:
    title, body = good_text(c)
    noisy = "".join(ch + ("\x01\x02\x1b" if i % 3 == 0 else "") for i, ch in enumerate(body))
    c.write("control characters", "ctrl", ".txt", f"{title}\n{noisy}", ("E102", "E103"))


def deep_html(c: Corpus) -> None:
    for depth in [5_000, 100_000] if c.full else [5_000]:
        c.write("deep HTML", "deep", ".html", "<html><body>" + "<div>" * depth + "Text" + "</div>" * depth + "</body></html>", ("E101", "E104"))


def script_only(c: Corpus) -> None:
    js = "var x = 1;" * c.rng.randint(10, 2000)
    c.write("script-only page", "script", ".html", f"<html><head><script>{js}</script></head><body><script>{js}</script></body></html>", "E101")


def rtl_zero_width(c: Corpus) -> None:
    title, body = good_text(c)
    v = c.rng.randrange(4)
    if v == 0:  # English with marks and zero-width spaces here and there: still read
        marked = body.replace(" the ", " the\u200b ").replace(". ", ".\u200f ")
        c.write("RTL/zero-width marks in English", "marks", ".txt", f"\u200f{title}\n\n{marked}", "stored")
    elif v == 1:
        c.write("zero-width only", "zw", ".txt", "\u200b\u200c\u200d\u2060\ufeff" * c.rng.randint(1, 500), "E101")
    elif v == 2:
        c.write("RTL override only", "rlo", ".txt", "\u202e\u202d\u200f\u200e" * 50, "E101")
    else:  # an English article quoting a line of Arabic: still English
        c.write("English with an Arabic quote", "quote", ".txt", f"{title}\n\n{body} A banner read \u0644\u0627 \u0644\u0644\u062d\u0631\u0628.", "stored")


FOREIGN = {
    "French": "Les forces du r\u00e9gime ont bombard\u00e9 la ville de Douma lundi, tuant au moins douze civils selon l'Observatoire. "
              "Les frappes a\u00e9riennes ont vis\u00e9 un march\u00e9 et une \u00e9cole dans la banlieue de Damas, a indiqu\u00e9 l'organisation. "
              "Le gouvernement n'a pas comment\u00e9 ces informations, et les rebelles accusent l'arm\u00e9e de viser les quartiers r\u00e9sidentiels.",
    "Spanish": "Las fuerzas del gobierno bombardearon el lunes la ciudad de Duma y mataron al menos a doce civiles, seg\u00fan el Observatorio. "
               "Los ataques a\u00e9reos alcanzaron un mercado y una escuela en las afueras de Damasco, inform\u00f3 la organizaci\u00f3n. "
               "El gobierno no coment\u00f3 los informes y los rebeldes acusan al ej\u00e9rcito de atacar los barrios.",
    "German": "Die Armee hat am Montag die Stadt Duma bombardiert und dabei mindestens zw\u00f6lf Zivilisten get\u00f6tet, wie die Beobachtungsstelle mitteilte. "
              "Die Luftangriffe trafen einen Markt und eine Schule in einem Vorort von Damaskus. Die Regierung \u00e4u\u00dferte sich nicht zu den Berichten, "
              "und die Rebellen werfen der Armee vor, gezielt Wohnviertel anzugreifen.",
    "Arabic": "\u0642\u0635\u0641\u062a \u0627\u0644\u0642\u0648\u0627\u062a \u0627\u0644\u062d\u0643\u0648\u0645\u064a\u0629 \u0645\u062f\u064a\u0646\u0629 \u062f\u0648\u0645\u0627 "
              "\u064a\u0648\u0645 \u0627\u0644\u0627\u062b\u0646\u064a\u0646 \u0645\u0645\u0627 \u0623\u0633\u0641\u0631 \u0639\u0646 \u0645\u0642\u062a\u0644 "
              "\u0627\u062b\u0646\u064a \u0639\u0634\u0631 \u0645\u062f\u0646\u064a\u0627 \u0639\u0644\u0649 \u0627\u0644\u0623\u0642\u0644.",
    "Russian": "\u0412 \u043f\u043e\u043d\u0435\u0434\u0435\u043b\u044c\u043d\u0438\u043a \u0432\u043e\u0439\u0441\u043a\u0430 \u043e\u0431\u0441\u0442\u0440\u0435\u043b\u044f\u043b\u0438 "
               "\u0433\u043e\u0440\u043e\u0434 \u0414\u0443\u043c\u0430, \u043f\u043e\u0433\u0438\u0431\u043b\u0438 \u0434\u0432\u0435\u043d\u0430\u0434\u0446\u0430\u0442\u044c "
               "\u043c\u0438\u0440\u043d\u044b\u0445 \u0436\u0438\u0442\u0435\u043b\u0435\u0439.",
    "Chinese": "\u653f\u5e9c\u519b\u5468\u4e00\u70ae\u51fb\u4e86\u675c\u9a6c\u9547\uff0c\u81f3\u5c11\u5341\u4e8c\u540d\u5e73\u6c11\u6b7b\u4ea1\uff0c\u76d1\u6d4b\u7ec4\u7ec7\u8868\u793a\u3002"
               "\u7a7a\u88ad\u51fb\u4e2d\u4e86\u4e00\u4e2a\u5e02\u573a\u548c\u4e00\u6240\u5b66\u6821\u3002",
    "Hebrew": "\u05db\u05d5\u05d7\u05d5\u05ea \u05d4\u05de\u05de\u05e9\u05dc \u05d4\u05e4\u05d2\u05d9\u05d6\u05d5 \u05d0\u05ea \u05d4\u05e2\u05d9\u05e8 \u05d1\u05d9\u05d5\u05dd \u05e9\u05e0\u05d9 "
              "\u05d5\u05d4\u05e8\u05d2\u05d5 \u05dc\u05e4\u05d7\u05d5\u05ea \u05e9\u05e0\u05d9\u05dd \u05e2\u05e9\u05e8 \u05d0\u05d6\u05e8\u05d7\u05d9\u05dd.",
}  # fmt: skip


def foreign(c: Corpus) -> None:
    lang = c.rng.choice(sorted(FOREIGN))
    c.serial += 1
    text = f"{FOREIGN[lang]} ({c.serial})"
    if c.rng.random() < 0.5:
        c.write(f"language: {lang}", lang.lower(), ".txt", text, "E111")
    else:
        _records(c, f"language: {lang} (JSONL)", ".jsonl", [({"text": text}, "E111")], 1)


def huge_numbers(c: Corpus) -> None:
    title, body = good_text(c)
    n = c.rng.choice(["99999999999999999999", "9223372036854775807", "18446744073709551616", "1" * 5000, "100000001"])
    c.write("huge numbers", "toll", ".txt", f"{title}\n\n{body} Officials said {n} people were killed in {c.rng.choice(PLACES)}.", "stored")


def calendar(c: Corpus) -> None:
    bad = ["9999-12-31", "0001-01-01", "2017-02-30", "1979-12-31", "2101-01-01", "31/31/2017", "not a date", "99999-01-01"]
    good = ["2100-12-31", "1980-01-01", "2016-02-29", "May 4, 2017", "4/5/2017"]
    recs: list[tuple[dict, str]] = []
    for d in c.rng.sample(bad, 3):
        title, body = good_text(c)
        recs.append(({"title": title, "text": f"{body} It happened yesterday.", "published": d}, "E114"))
    _records(c, "calendar edges", ".jsonl", recs, 0)
    title, body = good_text(c)
    _records(c, "calendar edges (good)", ".jsonl", [({"title": title, "text": f"{body} Yesterday too.", "published": c.rng.choice(good)}, "stored")], 0)


def wrong_json_types(c: Corpus) -> None:
    title, body = good_text(c)
    variants = [
        ({"title": ["a"], "text": body}, "E114"), ({"title": 12345, "text": body}, "E114"),
        ({"outlet": {"name": "x"}, "text": body}, "E114"), ({"url": 42, "text": body}, "E114"),
        ({"published": 20170405, "text": body}, "E114"), ({"published": ["2017-04-05"], "text": body}, "E114"),
        ({"text": 12345}, "E104"), ({"text": ["a", "b"]}, "E104"), ({"text": {"body": body}}, "E104"),
        ({"html": 7}, "E104"), ([1, 2, 3], "E104"), ("just a string", "E104"), (None, "E104"), (3.5, "E104"),
        ({"title": title}, "E104"), ({"text": ""}, "E104"), ({"text": "   "}, "E101"),
        ({"text": f"x\ud800 {body}"}, "E103"), ({"title": "\udfff", "text": body}, "E103"),
    ]  # fmt: skip
    picked = c.rng.sample(variants, 4)
    _records(c, "wrong JSON types", ".jsonl", [(json.dumps(r) if not isinstance(r, dict) else r, code) for r, code in picked], 1)


def deep_json(c: Corpus) -> None:
    depth = c.rng.choice([100_000, 1_000_000]) if c.full else 100_000
    if c.rng.random() < 0.5:
        c.write("JSON nested deep", "deep", ".json", "[" * depth + "]" * depth, "E104")
    else:
        _records(c, "JSON nested deep (JSONL)", ".jsonl", [('{"text": ' + "[" * depth + "]" * depth + "}", "E104")], 1)


def broken_json(c: Corpus) -> None:
    v = c.rng.randrange(4)
    if v == 0:
        c.write("broken JSON", "broken", ".json", '{"text": "unterminated', "E104")
    elif v == 1:
        c.write("empty JSON list", "empty", ".json", "[]", "E101")
    elif v == 2:
        c.write("JSON top-level number", "num", ".json", "12345", "E104")
    else:
        _records(c, "broken JSONL line", ".jsonl", [('{"text": "a', "E104"), ("{}", "E104"), ('{"text": NaN}', "E104")], 2)


def broken_csv(c: Corpus) -> None:
    v = c.rng.randrange(5)
    if v == 0:
        c.write("CSV header only", "header", ".csv", "title,text,date\n", "E101")
    elif v == 1 and c.made_big_csv < 2:  # a field over the bound of one page (ingest.MAX_HTML_CHARS): 10 MB, twice at most
        c.made_big_csv += 1
        c.write("CSV field too large", "bigfield", ".csv", 'title,text\nx,"' + "w" * 10_000_001 + '"\n', "E104")
    elif v == 1:
        c.write("CSV header only", "header", ".csv", "title,text,date\n", "E101")
    elif v == 2:
        c.write("CSV with NUL bytes", "nul", ".csv", b"title,text\nx,\x00\x00\x00y\n", "E102")
    elif v == 3:
        p = c.write("CSV rows without text", "notext", ".csv", "title,summary\nOne,two\n", "E104")
        c.cases[-1].source = f"{c.cases[-1].source}:2"
        del p
    else:
        title, body = good_text(c)
        p = c.name("ragged", ".csv")
        p.write_text(f'title,text\n"{title}","{body}",extra,fields\nshort\n', "utf-8")
        c.add("CSV ragged rows", p, "stored")
        c.add("CSV ragged rows", p, "E104", source=f"{c.cases[-1].source}:3")


def odd_names(c: Corpus) -> None:
    title, body = good_text(c)
    text = f"{title}\n\n{body}\n".encode("utf-8")
    v = c.rng.randrange(6)
    folder = c.name("x", "").parent
    c.serial += 1
    if v == 0:
        p = Path(os.fsdecode(bytes(folder) + b"/bad\xff\xfename-%d.txt" % c.serial))
    elif v == 1:
        p = folder / f"new\nline\ttab-{c.serial}.txt"
    elif v == 2:
        p = folder / (f"{c.serial}-" + "l" * 240 + ".txt")
    elif v == 3:
        p = folder / f"\u0645\u0642\u0627\u0644 {c.serial} \u2014 \U0001f4f0.TXT"
    elif v == 4:
        p = folder / f"-dash {c.serial}.txt"
    else:
        p = folder / f"noextension-{c.serial}"
        p.write_bytes(text)
        c.add("odd names: no extension", p, "E105")
        return
    p.write_bytes(text)
    c.add("odd names", p, "stored")


def symlinks(c: Corpus) -> None:
    v = c.rng.randrange(7)
    p = c.name("link", ".txt")
    if v == 0:
        os.symlink(p.name, p)
        c.add("symlink: self loop", p, "E109")
    elif v == 1:
        q = p.with_name(p.stem + "-b.txt")
        os.symlink(q.name, p)
        os.symlink(p.name, q)
        c.add("symlink: loop of two", p, "E109")
        c.add("symlink: loop of two", q, "E109")
    elif v == 2:
        os.symlink("/nonexistent/target.txt", p)
        c.add("symlink: dangling", p, "E109")
    elif v == 3:
        os.symlink(c.rng.choice(["/dev/zero", "/dev/urandom", "/dev/null"]), p)
        c.add("symlink: to a device", p, "E108")
    elif v == 4:
        os.symlink(str(c.outside), p.with_suffix(""))
        c.add("symlink: to a folder", p.with_suffix(""), "E109")
    elif v == 5:
        os.symlink("/", p.with_suffix(".dir"))
        c.add("symlink: to /", p.with_suffix(".dir"), "E109")
    else:  # to a good file outside the corpus: read under the link's name
        title, body = good_text(c)
        target = c.outside / f"target-{c.serial}.txt"
        target.write_text(f"{title}\n\n{body}\n", "utf-8")
        os.symlink(target, p)
        c.add("symlink: to a good file", p, "stored")


def fifos(c: Corpus) -> None:
    p = c.name("pipe", c.rng.choice([".txt", ".jsonl", ".html"]))
    os.mkfifo(p)
    c.add("FIFO", p, "E108")


def sockets(c: Corpus) -> None:
    p = c.name("sock", ".txt")
    short = Path(tempfile.mkdtemp(prefix="s", dir="/tmp")) / "s"  # AF_UNIX paths are short
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.bind(str(short))
    s.close()
    shutil.move(str(short), p)
    short.parent.rmdir()
    c.add("socket", p, "E108")


def permissions(c: Corpus) -> None:
    title, body = good_text(c)
    if c.rng.random() < 0.6:
        p = c.name("secret", ".txt")
        p.write_text(f"{title}\n\n{body}\n", "utf-8")
        p.chmod(0)
        c.add("unreadable file", p, "stored" if c.privileged else "E110")
    else:
        d = c.name("locked", "")
        d.mkdir()
        (d / "inside.txt").write_text(f"{title}\n\n{body}\n", "utf-8")
        d.chmod(0)
        if c.privileged:
            c.add("unreadable folder", d / "inside.txt", "stored")
        else:
            c.add("unreadable folder", d, "E110")


def empties(c: Corpus) -> None:
    data = c.rng.choice([b"", b"   \n\t\n", "\u3000\u00a0\u2003\n".encode("utf-8"), b"\r\n" * 100])
    c.write("empty or white space", "blank", c.rng.choice([".txt", ".html", ".json", ".jsonl", ".csv"]), data, ("E101",))


def unsupported(c: Corpus) -> None:
    c.write("unsupported type", "doc", c.rng.choice([".pdf", ".docx", ".png", ".xml"]), b"%PDF-1.4 whatever", "E105")


def huge(c: Corpus) -> None:
    """Every variant once (the 50 MB file only in the full run)."""
    for v in range(4 if c.full else 3):
        _huge(c, v)


def _huge(c: Corpus, v: int) -> None:
    if v == 0:  # sparse: looks like 100 GB, costs nothing on disk
        p = c.name("sparse", ".txt")
        with open(p, "wb") as fh:
            fh.truncate(100 * 2**30)
        c.add("huge file (sparse, 100 GB)", p, "E107")
    elif v == 1:
        title, body = good_text(c)
        words = (body + " ") * (1_000_001 // len(body) + 2)
        c.write("huge article (over MAX_ARTICLE_CHARS)", "long", ".txt", f"{title}\n\n{words}", "E107")
    elif v == 2:
        title, body = good_text(c)
        _records(c, "huge JSONL record", ".jsonl", [({"title": title, "text": (body + " ") * (1_000_001 // len(body) + 2)}, "E107")], 1)
    else:  # a 50 MB text file: read, then refused by its length (issue 11: was 600 s and 2.9 GB)
        title, body = good_text(c)
        p = c.name("fifty", ".txt")
        with open(p, "w", encoding="utf-8") as fh:
            fh.write(title + "\n\n")
            for _ in range(50 * 2**20 // len(body)):
                fh.write(body + " ")
        c.add("huge file (50 MB text)", p, "E107")


def long_good(c: Corpus) -> None:
    """A long but admissible article (500,000 characters in the full run): stored, within the time bound."""
    title, body = good_text(c)
    size = 500_000 if c.full else 50_000
    parts, n = [], 0
    while n < size:
        t2, b2 = good_text(c)
        parts.append(b2)
        n += len(b2) + 2
    c.write("long article", "long", ".txt", f"{title}\n\n{body}\n\n" + "\n\n".join(parts), "stored")


CLASSES = [
    # (generator, weight in the mix)
    (good_txt, 14), (good_html, 4), (good_jsonl, 4), (good_csv, 3), (good_json, 3),
    (random_bytes, 6), (encodings, 9), (control_chars, 2), (deep_html, 1), (script_only, 2),
    (rtl_zero_width, 4), (foreign, 4), (huge_numbers, 3), (calendar, 3), (wrong_json_types, 4),
    (deep_json, 1), (broken_json, 3), (broken_csv, 3), (odd_names, 4), (symlinks, 5), (fifos, 2),
    (sockets, 1), (permissions, 2), (empties, 3), (unsupported, 2), (huge, 1), (long_good, 1),
]  # fmt: skip

# the classes whose inputs are costly (time or disk): at most this many of each in a corpus
CAPPED = {deep_html: 1, deep_json: 4, huge: 1, long_good: 2}


def stdin_cases() -> list[Case]:
    """Inputs given on stdin (one run each)."""
    title, body = "Stdin strike reported", "Syrian government forces shelled the town of Douma on Monday, killing 7 civilians, a monitoring group said. There was no immediate comment from the government on the reports."
    rng = random.Random(3)
    return [
        Case("stdin: binary", "-", ("E102", "E103"), stdin=bytes(rng.getrandbits(8) for _ in range(4096))),
        Case("stdin: NUL-filled", "-", ("E102",), stdin=b"\x00" * 10_000),
        Case("stdin: empty", "-", ("E101",), stdin=b""),
        Case("stdin: UTF-16 text", "-", ("stored",), stdin=b"\xff\xfe" + f"{title}\n\n{body}".encode("utf-16-le")),
        Case("stdin: text", "-", ("stored",), stdin=f"{title} again\n\n{body}".encode("utf-8")),
        Case("stdin: JSON lines, one bad", "-:2", ("E114",), stdin=(json.dumps({"text": body + " One."}) + "\n" + json.dumps({"text": body, "title": [1]}) + "\n").encode()),
    ]


def build(root: Path, n: int, *, full: bool = True, privileged: bool = False, seed: int = 11) -> Corpus:
    """Write a corpus of about ``n`` inputs (every class at least once) under ``root``."""
    corpus_dir, outside = root / "corpus", root / "outside"
    corpus_dir.mkdir(parents=True)
    outside.mkdir()
    (outside / "note.txt").write_text("A file in a linked folder, never read.\n", "utf-8")
    c = Corpus(corpus_dir, outside, rng=random.Random(seed), full=full, privileged=privileged)
    made = {g: 0 for g, _ in CLASSES}
    for g, _ in CLASSES:  # one of each first
        g(c)
        made[g] += 1
    gens = [g for g, w in CLASSES for _ in range(w)]
    while len(c.cases) < n:
        g = c.rng.choice(gens)
        if made[g] >= CAPPED.get(g, 10**9):
            continue
        g(c)
        made[g] += 1
    # inputs named on the command line itself
    fifo = root / "arg-pipe.txt"
    os.mkfifo(fifo)
    loop = root / "arg-loop.txt"
    os.symlink(loop.name, loop)
    c.add("argument: FIFO", fifo, "E108", arg=True)
    c.add("argument: link loop", loop, "E109", arg=True)
    c.add("argument: device", "/dev/null", "E108", arg=True)
    c.add("argument: missing", root / "no-such-file.txt", "E106", arg=True)
    return c


# --- running ---------------------------------------------------------------------------------

_CAP_DAC_OVERRIDE, _CAP_DAC_READ_SEARCH, _PR_CAPBSET_DROP = 1, 2, 24


def can_drop_root_reading() -> bool:
    """Whether a child can run as root without reading every file (not root: nothing to drop)."""
    if os.geteuid() != 0:
        return True
    try:
        out = subprocess.run([sys.executable, "-c", "print(1)"], preexec_fn=_drop_dac, capture_output=True, timeout=30)
        return out.returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False


def _drop_dac() -> None:
    """In a child before exec: root loses the capabilities that bypass file permissions."""
    if os.geteuid() != 0:
        return
    libc = ctypes.CDLL(None, use_errno=True)
    for cap in (_CAP_DAC_OVERRIDE, _CAP_DAC_READ_SEARCH):
        if libc.prctl(_PR_CAPBSET_DROP, cap, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


@dataclass
class RunResult:
    rc: int
    seconds: float
    cpu_seconds: float  # user + system, of the run and its workers
    maxrss_mb: float
    stdout: str
    stderr: str
    timed_out: bool


def frontlines_cmd() -> list[str]:
    exe = Path(sys.executable).with_name("frontlines")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "frontlines.cli"]


def run_cli(args: list[str], *, cwd: Path, stdin: bytes | None = None, timeout: float = 1800, drop: bool = True) -> RunResult:
    """``frontlines ARGS`` in a child; wall time and the peak RSS of it and its workers
    (``wait4``'s rusage covers the child and the children it waited for)."""
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src") + os.pathsep + os.environ.get("PYTHONPATH", ""))
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, tempfile.TemporaryFile() as inp:
        if stdin is not None:
            inp.write(stdin)
            inp.seek(0)
        t0 = time.perf_counter()
        p = subprocess.Popen(frontlines_cmd() + args, cwd=cwd, env=env, stdin=inp if stdin is not None else subprocess.DEVNULL,
                             stdout=out, stderr=err, preexec_fn=_drop_dac if drop else None)  # fmt: skip
        timed_out = threading.Event()

        def kill() -> None:
            timed_out.set()
            p.kill()

        timer = threading.Timer(timeout, kill)
        timer.start()
        try:
            _, status, usage = os.wait4(p.pid, 0)
        finally:
            timer.cancel()
        p.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.perf_counter() - t0
        out.seek(0)
        err.seek(0)
        return RunResult(p.returncode, seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, out.read().decode("utf-8", "replace"),
                         err.read().decode("utf-8", "replace"), timed_out.is_set())  # fmt: skip


def skips_of(db: Path, cwd: Path) -> dict[str, dict[str, str]]:
    """``frontlines skips``: source -> {code: reason}."""
    r = run_cli(["skips", "--db", str(db)], cwd=cwd, drop=False)
    out: dict[str, dict[str, str]] = {}
    for line in r.stdout.splitlines():
        source, code, reason = line.split("\t", 2)
        out.setdefault(source, {})[code] = reason
    return out


@dataclass
class Report:
    inputs: int = 0
    bad: int = 0
    good: int = 0
    classes: int = 0
    batch: RunResult | None = None
    failures: list[str] = field(default_factory=list)
    solo: list[tuple[str, float, float, int, float]] = field(default_factory=list)  # class, seconds, MB, rc, CPU s
    stdin: list[tuple[str, float, float, int]] = field(default_factory=list)
    stored: int = 0
    skipped: int = 0


def check(root: Path, corpus: Corpus, *, solo: bool = True, stdin: bool = True, workers: int | None = None) -> Report:
    """Run the corpus as a user would and check every input's fate (see the module doc)."""
    rep = Report(inputs=len(corpus.cases), classes=len({c.cls for c in corpus.cases}))
    rep.good = sum(c.good for c in corpus.cases)
    rep.bad = rep.inputs - rep.good
    db = root / "ledger.db"
    wargs = ["--workers", str(workers)] if workers else []
    args = ["run", str(corpus.root), *[c.file for c in corpus.cases if c.arg], "--db", str(db), *wargs]
    rep.batch = r = run_cli(args, cwd=root)
    # a named input that does not exist makes the finished run exit 1 (README: run), else 0
    want_rc = 1 if any(c.arg and "E106" in c.expect for c in corpus.cases) else 0
    if r.rc != want_rc or "Traceback" in r.stderr or r.timed_out:
        rep.failures.append(f"batch run: exit {r.rc}{' (timed out)' if r.timed_out else ''}: {r.stderr[-2000:]}")
    skips = skips_of(db, root)
    rep.skipped = sum(len(v) for v in skips.values())
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    stored: dict[str, int] = {}
    for (path,) in con.execute("SELECT path FROM articles"):
        stored[path] = stored.get(path, 0) + 1
    rep.stored = sum(stored.values())
    want: dict[str, int] = {}
    known = set()
    for c in corpus.cases:
        known.add(c.source)
        if c.good:
            want[c.source] = want.get(c.source, 0) + 1
            continue
        got = skips.get(c.source)
        if not got:
            rep.failures.append(f"{c.cls}: {c.source!r} not listed by `frontlines skips` (expected {'/'.join(c.expect)})")
        elif not set(got) & set(c.expect):
            rep.failures.append(f"{c.cls}: {c.source!r} skipped with {got}, expected {'/'.join(c.expect)}")
        elif not all(got[k].strip() for k in got):
            rep.failures.append(f"{c.cls}: {c.source!r} skipped without a reason")
    for source, n in want.items():
        if stored.get(source, 0) != n:
            why = skips.get(source, {})
            rep.failures.append(f"good input {source!r}: {stored.get(source, 0)} of {n} stored {why or ''}")
    for source in stored:
        if source not in want:
            rep.failures.append(f"stored an input that should have been skipped: {source!r}")
    for source, codes in skips.items():
        if source not in known:
            rep.failures.append(f"skip of an unknown source {source!r}: {codes}")
    (top,) = con.execute("SELECT max(fatalities) FROM events").fetchone()
    if (top or 0) > MAX_COUNT:
        rep.failures.append(f"a stored toll of {top} (above max_count {MAX_COUNT})")
    (nuls,) = con.execute("SELECT count(*) FROM articles WHERE instr(text, char(0)) > 0").fetchone()
    if nuls:
        rep.failures.append(f"{nuls} stored articles hold NUL characters")
    (odd,) = con.execute("SELECT count(*) FROM articles WHERE published IS NOT NULL AND (published < '1980' OR published > '2101')").fetchone()
    if odd:
        rep.failures.append(f"{odd} stored articles dated outside 1980-2100")
    con.close()
    if r.maxrss_mb > MAX_RSS_MB:
        rep.failures.append(f"batch run peak RSS {r.maxrss_mb:.0f} MB (over {MAX_RSS_MB:.0f})")
    for sc in stdin_cases() if stdin else []:
        sdb = root / "stdin.db"
        for f in root.glob("stdin.db*"):
            f.unlink()
        sr = run_cli(["run", "-", "--db", str(sdb), *wargs], cwd=root, stdin=sc.stdin, timeout=120)
        rep.stdin.append((sc.cls, sr.seconds, sr.maxrss_mb, sr.rc))
        if sr.rc != 0 or "Traceback" in sr.stderr:
            rep.failures.append(f"{sc.cls}: exit {sr.rc}: {sr.stderr[-1000:]}")
            continue
        if sc.good:
            (n,) = sqlite3.connect(sdb).execute("SELECT count(*) FROM articles").fetchone()
            if n != 1:
                rep.failures.append(f"{sc.cls}: {n} articles stored, expected 1")
        else:
            got = skips_of(sdb, root).get(sc.source, {})
            if not set(got) & set(sc.expect):
                rep.failures.append(f"{sc.cls}: skips {got}, expected {'/'.join(sc.expect)}")
    if solo:
        # the costliest input of each class, alone: time and memory, start-up included
        worst: dict[str, Case] = {}
        for c in corpus.cases:
            if c.file is None or os.path.isdir(c.file):
                continue  # a link to a folder, given alone, is followed (the user named it): not solo
            size = _size(c.file)
            if c.cls not in worst or size > _size(worst[c.cls].file):
                worst[c.cls] = c
        for cls, c in sorted(worst.items()):
            sdb = root / "solo.db"
            for f in root.glob("solo.db*"):
                f.unlink()
            sr = run_cli(["run", c.file, "--db", str(sdb), *wargs], cwd=root, timeout=MAX_INPUT_SECONDS * 4)
            rep.solo.append((cls, sr.seconds, sr.maxrss_mb, sr.rc, sr.cpu_seconds))
            # a command line whose only input does not exist (missing, a dangling link or a
            # link loop) is a usage error that names it (exit 2), not a run (README: run)
            want = 2 if not os.path.exists(c.file) else 0
            if sr.rc != want or "Traceback" in sr.stderr or (want == 2 and "no such file or folder" not in sr.stderr):
                rep.failures.append(f"solo {cls}: exit {sr.rc}: {sr.stderr[-1000:]}")
            # CPU time, not wall time: the wall time of a shared machine says more about the
            # other work on it than about frontlines (both are reported)
            if sr.cpu_seconds > MAX_INPUT_SECONDS or sr.timed_out:
                rep.failures.append(f"solo {cls}: {sr.cpu_seconds:.1f} CPU s, {sr.seconds:.1f} s wall (bound {MAX_INPUT_SECONDS:.0f} s)")
            if sr.maxrss_mb > MAX_RSS_MB:
                rep.failures.append(f"solo {cls}: peak RSS {sr.maxrss_mb:.0f} MB (over {MAX_RSS_MB:.0f})")
    return rep


def _size(path: str | None) -> int:
    try:
        st = os.lstat(path) if path else None
        return st.st_blocks * 512 if st else 0  # blocks, not st_size: a sparse file costs nothing
    except OSError:
        return 0


def cleanup(root: Path) -> None:
    """Remove a corpus (its unreadable folders first made readable again)."""
    for dirpath, dirnames, _ in os.walk(root):
        for d in dirnames:
            p = Path(dirpath, d)
            if not p.is_symlink():
                try:
                    p.chmod(0o755)
                except OSError:
                    pass
    shutil.rmtree(root, ignore_errors=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=10_000, help="inputs in the corpus (every class at least once)")
    ap.add_argument("--workers", type=int, default=None)
    ap.add_argument("--no-solo", action="store_true", help="skip the per-class solo runs")
    ap.add_argument("--no-write", action="store_true")
    ap.add_argument("--keep", help="build the corpus in this (new) folder and leave it there")
    args = ap.parse_args()
    root = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="frontlines-hostile-"))
    root.mkdir(parents=True, exist_ok=True)
    privileged = not can_drop_root_reading()
    sys.path.insert(0, str(ROOT / "src"))
    try:
        t0 = time.perf_counter()
        corpus = build(root, args.n, privileged=privileged)
        built = time.perf_counter() - t0
        rep = check(root, corpus, solo=not args.no_solo, workers=args.workers)
    finally:
        if not args.keep:
            cleanup(root)
    b = rep.batch
    slowest = max(rep.solo, key=lambda s: s[4], default=("-", 0.0, 0.0, 0, 0.0))
    per_class: dict[str, list[int]] = {}
    for c in corpus.cases:
        per_class.setdefault(c.cls, [0, 0])[0 if c.good else 1] += 1
    lines = [
        f"{rep.inputs:,} inputs in {rep.classes} classes ({rep.good:,} good, {rep.bad:,} bad; built in {built:.0f} s), "
        f"one `frontlines run` over the corpus folder and {sum(c.arg for c in corpus.cases)} odd paths on its command line, "
        f"plus {len(rep.stdin)} stdin runs and {len(rep.solo)} solo runs (the costliest input of each class alone).",
        "",
        "| check | result |",
        "|---|---|",
        f"| batch run | exit {b.rc}, {b.seconds:.1f} s wall, {b.cpu_seconds:.1f} CPU s, peak RSS {b.maxrss_mb:.0f} MB |",
        f"| stored / skipped (ledger) | {rep.stored:,} articles / {rep.skipped:,} skips |",
        f"| costliest solo run (start-up included) | {slowest[0]}: {slowest[4]:.1f} CPU s, {slowest[1]:.1f} s wall (bound {MAX_INPUT_SECONDS:.0f} CPU s) |",
        f"| largest peak RSS of any run | {max([b.maxrss_mb] + [s[2] for s in rep.solo + rep.stdin]):.0f} MB (bound {MAX_RSS_MB:.0f} MB) |",
        f"| failures | **{len(rep.failures)}** |",
    ]
    if privileged:
        lines += ["", "Unreadable files could not be made unreadable (root, capabilities not droppable): they were expected stored."]
    if rep.failures:
        lines += ["", "Failures (first 30):", ""] + [f"- {f}" for f in rep.failures[:30]]
    lines += ["", "<details><summary>inputs per class (good / bad) and solo runs</summary>", "",
              "| class | good | bad | solo CPU s | solo wall s | solo MB |", "|---|---|---|---|---|---|"]  # fmt: skip
    solo = {s[0]: s for s in rep.solo}
    for cls in sorted(per_class):
        g, bad = per_class[cls]
        s = solo.get(cls)
        lines.append(f"| {cls} | {g} | {bad} | {s[4]:.1f} | {s[1]:.1f} | {s[2]:.0f} |" if s else f"| {cls} | {g} | {bad} | | | |")
    lines += ["", "</details>", "", f"Load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (other work shares this machine)."]
    text = "\n".join(lines)
    print(text)
    if not args.no_write:
        write_section("hostile", text, f".venv/bin/python benchmarks/hostile.py --n {args.n}")
    raise SystemExit(1 if rep.failures else 0)


if __name__ == "__main__":
    main()
