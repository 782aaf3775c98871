"""The claim resolver: how firmly the article reports a mention."""

from __future__ import annotations

from ..records import Span


def claim_for(hedges: list[Span], attributions: list[Span]) -> str:
    """"disputed" when a hedge doubts or denies it, "claimed" when it is hedged or a party
    to the conflict reports it, else "reported" (SPEC claim status)."""
    if any(h.attrs.get("kind") in ("doubt", "denial") for h in hedges):
        return "disputed"
    if hedges or any(a.attrs.get("party") for a in attributions):
        return "claimed"
    return "reported"
