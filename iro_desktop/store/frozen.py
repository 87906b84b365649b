"""The guard below every writer: a signed review's content cannot be inserted, changed or deleted.

Two layers, so no code path is left out: an ORM `before_flush` check gives a plain sentence before
anything reaches the database, and SQLite triggers (migration 0004) refuse the same writes made as raw
SQL. Only the removal of a whole child (retention, handover) deletes a signed review: the triggers let a
delete through once the child's own row is gone, which is how a cascade from `DELETE FROM children` runs.

domain/review_states.py says which states are signed and what a review may become; this module only
knows which rows belong to a review and which of their columns stay writable after signing.
"""

from __future__ import annotations

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session, sessionmaker

from iro_desktop.domain.review_states import SIGNED, ReviewState
from iro_desktop.store.errors import StoreError
from iro_desktop.store.models import (
    Attendance,
    Decision,
    Review,
    ReviewPart,
    ReviewReport,
    ReviewSection,
    ReviewText,
    WishEntry,
)

# Rows that belong to a review, by their review_id, and the columns that stay writable after signing:
# what happened after the meeting is not part of what was signed.
OWNED: dict[type, frozenset[str]] = {
    Attendance: frozenset(),
    ReviewPart: frozenset(),
    ReviewReport: frozenset(),
    ReviewSection: frozenset(),
    ReviewText: frozenset(),
    WishEntry: frozenset(),
    Decision: frozenset({"status", "status_note", "completed_on", "revised_due"}),
}
# On the review itself only its state may move on (to a correction); updated_at follows any write.
REVIEW_WRITABLE = frozenset({"status", "updated_at"})
SIGNED_VALUES = frozenset(state.value for state in SIGNED)
TRIGGER_MARK = "signed review"  # the triggers' abort message starts with this (migration 0004)
REFUSED = (
    "This review has been signed, so its record cannot change. Use Correct... to make a new signed version."
)


class SignedReviewFrozen(StoreError):
    """A write to a signed review's content was refused; nothing was saved."""

    def __init__(self) -> None:
        super().__init__(REFUSED)


def guard(sessions: sessionmaker) -> None:
    event.listen(sessions, "before_flush", _check_flush)


def refused_by_trigger(exc: BaseException) -> bool:
    """True for the error SQLite raises when a trigger refused a write to signed content."""
    return TRIGGER_MARK in str(getattr(exc, "orig", exc))


def _committed(obj, attr: str):
    """The value as the database holds it now, before this flush."""
    history = inspect(obj).attrs[attr].history
    return history.deleted[0] if history.deleted else getattr(obj, attr)


def _signed(session: Session, review_id: int | None) -> bool:
    if review_id is None:
        return False
    review = session.get(Review, review_id)
    if review is None:
        return False
    return review.status in SIGNED_VALUES or _committed(review, "status") in SIGNED_VALUES


def _changed(obj) -> set[str]:
    state = inspect(obj)
    return {attr.key for attr in state.attrs if attr.history.has_changes()}


def _review_refused(review: Review, kind: str) -> bool:
    """A signed review may only move on to a correction; it is never deleted through the ORM."""
    if kind == "new" or _committed(review, "status") not in SIGNED_VALUES:
        return False
    if kind == "deleted":
        return True
    moves_on = review.status in (ReviewState.FINALISED, ReviewState.CORRECTING)
    return not (moves_on and _changed(review) <= REVIEW_WRITABLE)


def _owned_refused(session: Session, row, kind: str) -> bool:
    ids = {row.review_id} if kind == "new" else {row.review_id, _committed(row, "review_id")}
    if not any(_signed(session, review_id) for review_id in ids):
        return False
    return kind != "dirty" or not _changed(row) <= OWNED[type(row)]


def _check_flush(session: Session, _context, _instances) -> None:
    with session.no_autoflush:
        for kind, rows in (("new", session.new), ("dirty", session.dirty), ("deleted", session.deleted)):
            for row in rows:
                if isinstance(row, Review):
                    refused = _review_refused(row, kind)
                elif type(row) in OWNED:
                    refused = _owned_refused(session, row, kind)
                else:
                    continue
                if refused:
                    raise SignedReviewFrozen()
