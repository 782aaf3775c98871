"""A synthetic corpus of conflict reporting for cluster smoke tests and the scale benchmark.

Articles are assembled from templates (written for frontlines) with the noise real pages
carry: share widgets, donation appeals, reader comments, hedges and vague tolls. Article
``i`` of a given seed is always the same text, so a corpus of any size can be regenerated
shard by shard without holding it.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from pathlib import Path
from typing import Iterator

PLACES = [
    ("Maskanah", "Aleppo"), ("Darayya", "Rif Dimashq"), ("Albu Kamal", "Deir ez-Zor"), ("Khan Shaykhun", "Idlib"),
    ("Maarat al-Numan", "Idlib"), ("Al-Mayadin", "Deir ez-Zor"), ("Ash Shaddadah", "Al-Hasakah"), ("Manbij", "Aleppo"),
    ("Tabqa", "Raqqa"), ("Douma", "Rif Dimashq"), ("Jisr al-Shughur", "Idlib"), ("Palmyra", "Homs"),
    ("Al-Bab", "Aleppo"), ("Saraqib", "Idlib"), ("Deir Ezzor", "Deir ez-Zor"), ("Raqqa", "Raqqa"),
    ("Mosul", "Nineveh"), ("Tal Afar", "Nineveh"), ("Maiduguri", "Borno"), ("Dayr Hafir", "Aleppo"),
]  # fmt: skip
OUTLETS = ["SANA", "ARA News", "Enab Baladi", "Syrian Observatory for Human Rights", "Reuters", "Al-Masdar News", "Iraqi News"]

ATTACKS = [
    "{actor} warplanes struck {place} on {day}, killing {toll} civilians, {source} said.",
    "At least {n} people were killed when {actor} warplanes bombed a market in {place} on {day}.",
    "Heavy clashes broke out between {army} and {group} fighters near {place} on {day}; {source} reported {n} dead.",
    "An improvised explosive device killed {n} soldiers of the {army} on the road outside {place} on {day}, according to {source}.",
    "{group} militants shelled residential areas of {place} on {day}, wounding {n} people.",
    "Unidentified gunmen kidnapped {n} aid workers in {place} on {day}, local sources said.",
    "A suicide car bomb exploded at a checkpoint in {place} on {day}, killing {toll} people, if confirmed.",
    "Hundreds of residents protested in {place} on {day} against the presence of {group} fighters.",
]
ACTORS = ["Russian", "Syrian", "coalition", "Turkish"]
ARMIES = ["Syrian army", "regime forces", "Iraqi army", "government forces"]
GROUPS = ["Islamic State", "Daesh", "Jabhat al-Nusra", "Hayat Tahrir al-Sham", "Boko Haram"]
TOLLS = ["{n}", "at least {n}", "some {n}", "over {n}", "dozens of", "scores of"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
FILLER = [
    "Residents said the area had been quiet for weeks before the attack.",
    "The claims could not be independently verified.",
    "Medical sources at the local hospital said several of the wounded were in critical condition.",
    "The offensive is part of a wider campaign to retake the province.",
    "Humanitarian agencies warned that thousands of families had fled towards the border.",
]
NOISE = [
    "Share this article: Facebook Twitter WhatsApp Email",
    "Support independent journalism: donate today to keep our reporters in the field.",
    "Loading the player...",
    "Copyright 2017. All rights reserved. No part of this article may be reproduced.",
]
COMMENTS = [
    "Comments\n\nAbu Khalid: This is lies, the army liberated {place} last week.\n\nMaria: Pray for the people of {place}.",
    "Reader comments (2)\n\nguest123: The rebels shelled {place} too, why no report?",
]


def article(i: int, seed: int = 0) -> dict:
    """The ``i``-th synthetic article as a JSONL record (text, title, outlet, published, url)."""
    rnd = random.Random(seed * 1_000_003 + i)
    place, _ = rnd.choice(PLACES)
    published = dt.date(2016, 1, 1) + dt.timedelta(days=rnd.randrange(1400))
    day = DAYS[(published.weekday() - rnd.randrange(1, 4)) % 7]
    outlet = rnd.choice(OUTLETS)
    n = rnd.randrange(2, 60)
    fill = {
        "actor": rnd.choice(ACTORS), "army": rnd.choice(ARMIES), "group": rnd.choice(GROUPS), "place": place,
        "day": day, "n": n, "toll": rnd.choice(TOLLS).format(n=n), "source": rnd.choice(OUTLETS),
    }  # fmt: skip
    lead = rnd.choice(ATTACKS).format(**fill)
    body = [lead, *rnd.sample(FILLER, 2)]
    if rnd.random() < 0.5:
        other, _ = rnd.choice(PLACES)
        body.append(rnd.choice(ATTACKS).format(**{**fill, "place": other, "n": rnd.randrange(1, 30)}))
    body.append(f"(Report no. {i} from the {outlet} desk.)")  # every article is distinct
    parts = [rnd.choice(NOISE), *body, rnd.choice(NOISE)]
    if rnd.random() < 0.3:
        parts.append(rnd.choice(COMMENTS).format(place=place))
    title = lead.split(",")[0].split(";")[0][:90]
    return {
        "title": title,
        "text": "\n\n".join(parts),
        "outlet": outlet,
        "published": published.isoformat(),
        "url": f"https://example.org/{outlet.lower().replace(' ', '-')}/{published:%Y/%m}/{i}",
    }


def iter_articles(n: int, seed: int = 0, start: int = 0) -> Iterator[dict]:
    for i in range(start, start + n):
        yield article(i, seed)


def write_jsonl(path: str | Path, n: int, *, seed: int = 0, shards: int = 1) -> list[Path]:
    """Write ``n`` articles as ``shards`` JSONL files under ``path`` (a folder); the files."""
    root = Path(path)
    root.mkdir(parents=True, exist_ok=True)
    out = []
    per = -(-n // shards)
    for s in range(shards):
        f = root / f"shard-{s:05d}.jsonl"
        with f.open("w", encoding="utf-8") as fh:
            for rec in iter_articles(min(per, n - s * per), seed, s * per):
                fh.write(json.dumps(rec) + "\n")
        out.append(f)
    return out
