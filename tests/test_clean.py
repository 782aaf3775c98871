"""Stage 2: boilerplate and comment removal, checked on self-written noisy pages."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from frontlines.clean import clean, load_rules
from frontlines.ingest import article_id, iter_articles
from frontlines.records import Article

FIXTURES = Path(__file__).parent / "fixtures" / "clean"
PAGES = sorted(p for p in FIXTURES.iterdir() if p.suffix in (".txt", ".html"))


def _norm(s: str) -> str:
    return " ".join(s.split())


def _doc(path: Path):
    (article,) = list(iter_articles([path]))
    assert isinstance(article, Article), article
    return article, clean(article)


def _score(path: Path) -> tuple[int, int, int, list[str], list[str]]:
    """(kept must_keep, dropped must_keep, kept must_drop, missed keeps, leaked drops)."""
    expect = yaml.safe_load(path.with_suffix(".expect.yaml").read_text("utf-8"))
    _, doc = _doc(path)
    text = _norm(doc.text)
    lost = [k for k in expect["must_keep"] if _norm(k) not in text]
    leaked = [d for d in expect["must_drop"] if _norm(d) in text]
    tp = len(expect["must_keep"]) - len(lost)
    return tp, len(lost), len(leaked), lost, leaked


def test_fixture_count():
    assert len(PAGES) >= 8
    assert {p.suffix for p in PAGES} == {".txt", ".html"}
    for p in PAGES:
        assert p.with_suffix(".expect.yaml").exists(), p


@pytest.mark.parametrize("path", PAGES, ids=[p.name for p in PAGES])
def test_fixture(path):
    _, _, _, lost, leaked = _score(path)
    assert not lost, f"real reporting dropped: {lost}"
    assert not leaked, f"boilerplate kept: {leaked}"


def test_overall_f1(capsys):
    tp = fn = fp = 0
    for path in PAGES:
        a, b, c, _, _ = _score(path)
        tp, fn, fp = tp + a, fn + b, fp + c
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    with capsys.disabled():
        print(f"\nclean fixtures: {len(PAGES)} pages, precision {precision:.3f} recall {recall:.3f} F1 {f1:.3f}")
    assert f1 >= 0.95


@pytest.mark.parametrize("path", PAGES, ids=[p.name for p in PAGES])
def test_offsets_point_at_the_same_characters(path):
    article, doc = _doc(path)
    for i, ch in enumerate(doc.text):
        if ch not in " \n":
            assert article.text[doc.offsets.to_orig(i)] == ch


def test_comment_claim_never_survives():
    """A commenter's fake breaking news must not reach the events stage."""
    _, doc = _doc(FIXTURES / "progov_blog_comments.txt")
    assert "Homs" not in doc.text
    assert any(r.reason == "comments" for r in doc.removed)


def _clean_text(text: str) -> str:
    return clean(Article(article_id(text), text)).text


@pytest.mark.parametrize(
    "line",
    [
        "The ministry declined to comment on the report.",
        "Turkey shares a border of more than 800 km with Syria.",
        "Share prices in Damascus fell.",
        "The group said it would support the work of the UN monitors.",
        "Donations of food reached the town on Friday.",
        "Reply from the governor came a day later.",
        "Follow-up strikes hit the same area.",
        "Home to 40,000 people, the town fell on Monday.",
    ],
)
def test_real_reporting_with_widget_words_is_kept(line):
    text = f"Headline about the war\n\nA first sentence of reporting with enough words in it.\n\n{line}\n"
    assert line in _clean_text(text)


@pytest.mark.parametrize(
    "line",
    [
        "Facebook Twitter WhatsApp Email",
        "Like Reply Flag",
        "Share this:",
        "Loading the player...",
        "Subscribe to our newsletter",
        "Follow us on Telegram",
        "Click to share on Twitter (Opens in new window)",
        "All rights reserved.",
        "Please help us keep reporting.",
        "Advertisement",
    ],
)
def test_widget_lines_are_dropped(line):
    text = f"Headline about the war\n\nA first sentence of reporting with enough words in it.\n\n{line}\n"
    assert line not in _clean_text(text)


def test_leave_a_comment_near_the_byline_does_not_eat_the_article():
    text = "Headline\nLeave a comment\n\nSyrian troops entered the town of Rastan on Sunday, residents said.\n"
    assert "Rastan" in _clean_text(text)


def test_post_time_in_header_is_not_a_comment_timestamp():
    text = "Headline\nBy admin\nJune 2, 2017 at 4:15 pm\n\nSyrian troops entered the town of Rastan on Sunday, residents said.\n"
    assert "Rastan" in _clean_text(text)


def test_comment_header_drops_everything_after():
    text = (
        "Headline\n\nSyrian troops entered the town of Rastan on Sunday, residents said.\n\n"
        "3 comments\n\nJohn\nThe army killed 40 people in Rastan.\n\nMore text after.\n"
    )
    out = _clean_text(text)
    assert "Rastan on Sunday" in out and "40 people" not in out and "More text" not in out


def test_wrapped_lines_join_into_one_paragraph():
    text = "Headline\n\nSyrian troops entered the town of Rastan on Sunday after\na week of clashes, residents said.\n"
    assert _clean_text(text) == "Headline\n\nSyrian troops entered the town of Rastan on Sunday after a week of clashes, residents said."


def test_paragraphs_are_separated_by_blank_lines():
    text = "Headline\nFirst paragraph of the story here.\nSecond paragraph of the story here.\n"
    assert _clean_text(text) == "Headline\n\nFirst paragraph of the story here.\n\nSecond paragraph of the story here."


def test_removed_blocks_cover_the_dropped_text():
    text = "Headline\n\nSyrian troops entered Rastan on Sunday, residents said today.\n\nShare this:\nTweet\n"
    doc = clean(Article(article_id(text), text))
    dropped = "".join(text[r.orig_start : r.orig_end] for r in doc.removed)
    assert "Share this:" in dropped and "Tweet" in dropped


def test_user_rules_file(tmp_path):
    extra = tmp_path / "rules.yaml"
    extra.write_text("lines:\n  - reason: promo\n    max_words: 10\n    patterns: ['^buy our book']\n", "utf-8")
    rules = load_rules(extra)
    text = "Headline\n\nSyrian troops entered Rastan on Sunday, residents said today.\n\nBuy our book now\n"
    doc = clean(Article(article_id(text), text), rules)
    assert "Buy our book" not in doc.text and doc.removed[0].reason == "promo"


def test_empty_and_whitespace_text():
    assert clean(Article("x", "")).text == ""
    assert clean(Article("x", " \n\n \n")).text == ""


def test_crlf_text():
    text = "Headline\r\n\r\nSyrian troops entered Rastan on Sunday, residents said.\r\n\r\nShare this:\r\n"
    doc = clean(Article(article_id(text), text))
    assert doc.text == "Headline\n\nSyrian troops entered Rastan on Sunday, residents said."
    assert not re.search(r"\r", doc.text)


LEAD = "Headline about the war\n\nTroops shelled the town of Kupiansk on Monday, killing three civilians, officials said.\n\n"


def test_bulleted_username_thread_without_header_is_dropped():
    text = LEAD + "• oleg_k\n\n  Troops shelled Izium too, ten dead.\n\n    • marta\n\n      Not true, Izium was quiet.\n"
    out = _clean_text(text)
    assert "Kupiansk" in out and "Izium" not in out


def test_bulleted_username_with_reply_bar_starts_a_thread():
    text = LEAD + "• Viktor P.\n  3 hours ago\n  Russian drones hit Balakliia at night.\n  Reply  Like  4\n"
    assert "Balakliia" not in _clean_text(text)


def test_bulleted_list_in_an_article_is_kept():
    text = LEAD + "The strikes hit three districts:\n\n• Saltivka\n• Kholodna Hora\n• Industrialnyi\n\nRescuers worked through the night in all three, the mayor said.\n"
    out = _clean_text(text)
    assert "Kholodna Hora" in out and "Rescuers worked" in out


@pytest.mark.parametrize(
    "line",
    [
        "By Tiemoko Diallo and Fadimata Kontao",
        "By Iryna Kovalenko | Kyiv",
        "(Reporting by Aidan Lewis; Editing by Frances Kerry)",
        "(Reuters)",
        "This photo captured from a video released by the Sudanese army shows smoke over Omdurman.",
        "Residents inspect a destroyed house in Khan Younis on Tuesday. (AP Photo/Fatima Shbair)",
        "Watch: Drone footage shows the ruined centre of Bakhmut",
        "More from Africa",
        "Newsletter: the best of our Sahel coverage in your inbox every Friday.",
    ],
)
def test_bylines_credits_and_captions_are_dropped(line):
    assert line not in _clean_text(LEAD + line + "\n")


@pytest.mark.parametrize(
    "line",
    [
        "By nightfall the army had retaken the village, a commander said.",
        "The photo, which shows a destroyed bridge, could not be verified.",
        "Officials said the killings were related to a land dispute.",
    ],
)
def test_reporting_that_looks_like_a_credit_is_kept(line):
    assert line in _clean_text(LEAD + line + "\n")


def test_headlines_under_a_related_header_are_dropped_until_the_text_resumes():
    text = LEAD + "Related\nArmy retakes bridge in Omdurman\nJune 2, 2024\nDrone strike on Nyala market kills 20\n\nThe governor said the town had been without power for a week.\n"
    out = _clean_text(text)
    assert "Omdurman" not in out and "Nyala" not in out and "without power for a week" in out


def test_a_trailing_run_of_headlines_is_dropped_but_a_short_sign_off_stays():
    heads = "Niger: army convoy ambushed near Tillaberi\nMali: army takes control of Kidal\nChad: clashes leave 12 dead\n"
    assert "Kidal" not in _clean_text(LEAD + heads)
    assert "Sahel Watch correspondent" in _clean_text(LEAD + "Sahel Watch correspondent\nOuagadougou\n")


def test_related_block_fused_before_the_lead_keeps_the_lead_sentence():
    text = (
        "Views 930 Related Aid convoy reaches Douma after delays 12 killed in Idlib market strike monitor "
        "Nearly 30 fighters were killed when rebels attacked army posts near Hama on Thursday a monitor said. "
        "The fighting continued into Friday."
    )
    out = _clean_text("Rebels attack army posts near Hama\n\n" + text)
    assert "Nearly 30 fighters were killed" in out and "Idlib market strike" not in out
    assert "Aid convoy" not in out


def test_related_block_fused_at_the_end_is_cut_to_the_end_of_the_line():
    text = (
        "Shelling killed four people in Aleppo on Saturday, state media said. Related Syrian Army Repels Attack "
        "Near Hama Russian Jets Strike Militant Depots in Idlib Tags Aleppo Syria Comment via Facebook"
    )
    out = _clean_text("Shelling kills four in Aleppo\n\n" + text)
    assert "killed four people in Aleppo" in out and "Russian Jets" not in out and "Tags" not in out


def test_photo_linked_headline_is_cut_up_to_the_dateline():
    text = (
        "Kurdish forces took two villages near Raqqa on Friday, a spokesman said. AP Photo Syrian Army Liberates "
        "Three Villages in Eastern Hama Province MOSCOW (Sputnik) According to the spokesman, 12 militants were killed."
    )
    out = _clean_text("Kurdish forces take two villages\n\n" + text)
    assert "Liberates" not in out and "According to the spokesman, 12 militants were killed." in out


def test_a_fused_cut_ends_the_sentence_before_it():
    text = "Shelling killed four people in Aleppo on Saturday, state media said. Views 12 Related Strikes hit Idlib market Nearly 30 fighters were killed near Hama, a monitor said."
    out = _clean_text("Shelling kills four\n\n" + text)
    assert "Views 12\nNearly 30 fighters" in out


@pytest.mark.parametrize(
    "thread",
    [
        "Most relevant\n\nJean-Paul M. · 2h\nThe army bombed Kibumba and killed 8 people.\nLike · Reply · 12\n",
        "amani_k • 3 hours ago\nThe army bombed Kibumba and killed 8 people.\nReply • Share ›\n",
        "Sort by: Newest\n\nThe army bombed Kibumba and killed 8 people.\n",
    ],
)
def test_social_and_disqus_thread_shapes_are_dropped(thread):
    out = _clean_text(LEAD + thread)
    assert "Kupiansk" in out and "Kibumba" not in out
