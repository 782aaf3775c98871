"""The evidence of a mention: its sentence, where it stands in the original article, who
it is attributed to, and the text each field was read from."""

from __future__ import annotations

from ..records import Doc, Evidence, Sentence, Span


def evidence_for(
    doc: Doc, sent: Sentence, attributions: list[Span], hedges: list[Span], fields: dict[str, str | None]
) -> Evidence:
    """The ``Evidence`` of a mention in ``sent``; ``fields`` maps field names to the text
    they were read from, in order (None values are left out)."""
    published = doc.article.published
    return Evidence(
        article_id=doc.article.article_id,
        sentence=sent.text,
        char_start=doc.offsets.to_orig(sent.start),
        char_end=doc.offsets.to_orig(sent.end),
        path=doc.article.path,
        url=doc.article.url,
        outlet=doc.article.outlet,
        published=published.isoformat() if published else None,
        attributed_to=(attributions[0].attrs.get("source") if attributions else None),
        hedges=[h.text for h in hedges],
        fields={k: v for k, v in fields.items() if v is not None},
    )
