"""The decisions of a review, circulated within 5 working days: who, what, by when, and the next review."""

from __future__ import annotations

from reportlab.platypus import Flowable

from iro_desktop.documents import layout, review_record
from iro_desktop.documents.content import ReviewContent
from iro_desktop.documents.templates import Wording, load_wording


def _story(content: ReviewContent, wording: Wording, withheld: frozenset[str]) -> list[Flowable]:
    st = layout.styles()
    story: list[Flowable] = [
        layout.para(wording.say("titles", "decisions", child=content.child_name), st["title"])
    ]
    story += review_record.details(content, wording, withheld)
    story += review_record.attendance(content, wording)
    story += review_record.decisions(content, wording, withheld)
    story += review_record.next_review(content, wording)
    story.append(layout.signature_block(content.head, wording))
    story += review_record.distribution(content.distribution, wording, withheld)
    return story


def render(
    content: ReviewContent,
    withheld: frozenset[str] = frozenset(),
    recipient: str | None = None,
    wording: Wording | None = None,
) -> bytes:
    wording = wording or load_wording()
    return review_record.build(content, "decisions", _story(content, wording, withheld), wording, recipient)
