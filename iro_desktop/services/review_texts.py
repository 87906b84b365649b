"""Texts a review owns outside its minutes, kept in its own table (store.models.ReviewText).

LETTER: the IRO's edited letter to the child. WITHHELD: recipient -> passages left out of their copy.
DRAFTS: words typed in a minute's add-forms but not yet added. Each lives and goes with its review, so
the signature's guard covers it and removing a child removes it.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from iro_desktop.store import Store
from iro_desktop.store.models import ReviewText

LETTER, WITHHELD, DRAFTS = "letter", "withheld", "drafts"
KINDS = (LETTER, WITHHELD, DRAFTS)


def read(s: Session, review_id: int, kind: str):
    return s.scalar(
        select(ReviewText.value).where(ReviewText.review_id == review_id, ReviewText.kind == kind)
    )


def write(s: Session, review_id: int, kind: str, value) -> None:
    """Keep `value`; an empty one removes the row, so no stale child text lingers."""
    row = s.scalar(select(ReviewText).where(ReviewText.review_id == review_id, ReviewText.kind == kind))
    if not value:
        if row is not None:
            s.delete(row)
    elif row is None:
        s.add(ReviewText(review_id=review_id, kind=kind, value=value))
    elif row.value != value:
        row.value = value


def get(store: Store, review_id: int, kind: str):
    with store.reading() as s:
        return read(s, review_id, kind)
