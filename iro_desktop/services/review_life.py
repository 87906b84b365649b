"""The one door for changing a review: every writer asks here whether the review may change, and every
move between states (held, adjourned, cancelled, finalised, under correction) goes through `move`.

The rules are domain.review_states'; this module applies them to the store, and gathers what a screen
needs to show about a review's state (the read-only banner, the correction in progress).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from iro_desktop.domain.calendar import format_date
from iro_desktop.domain.review_states import (
    EDITABLE,
    ReviewState,
    check_move,
    refusal,
    state_of,
)
from iro_desktop.problems import Problem
from iro_desktop.store import Store
from iro_desktop.store.models import Attendance, Review, SignedRecord


def review_row(s: Session, review_id: int) -> Review:
    review = s.get(Review, review_id)
    if review is None:
        raise LookupError(f"No review with id {review_id}")
    return review


def editable(s: Session, review_id: int, also: frozenset[ReviewState] = frozenset()) -> Review:
    """The review, if it may be prepared or minuted now; otherwise a plain refusal (a Problem).

    `also` names states that allow this one edit besides (an imported review's participation code).
    """
    review = review_row(s, review_id)
    state = state_of(review.status)
    if state not in also and (why := refusal(state)):
        raise Problem(why)
    return review


def editable_invitee(s: Session, attendance_id: int) -> Attendance:
    row = s.get(Attendance, attendance_id)
    if row is None:
        raise LookupError(f"No invitee with id {attendance_id}")
    editable(s, row.review_id)
    return row


def move(review: Review, to: ReviewState) -> None:
    """Change the review's state, if the rules allow it from where it is."""
    check_move(state_of(review.status), to)
    review.status = to.value


def unheld_state(review: Review) -> ReviewState:
    """Where a review goes back to when its held date is cleared."""
    return ReviewState.ADJOURNED if review.adjourned_on is not None else ReviewState.PLANNED


@dataclass(frozen=True)
class SignedVersion:
    version: int
    signed_on: date
    content_hash: str


@dataclass(frozen=True)
class ReviewHeader:
    """What the review's screens show about its state, above the tabs."""

    review_id: int
    child_id: int
    state: ReviewState
    editable: bool
    signed: SignedVersion | None  # the version in force, when there is one

    @property
    def banner(self) -> str:
        """One sentence for the top of the review, or '' when the review is simply being prepared."""
        s = self.signed
        if self.state is ReviewState.FINALISED and s:
            signed = f"Signed on {format_date(s.signed_on)}, version {s.version}."
            return f"{signed} It is read-only: use Correct... to change it."
        if self.state is ReviewState.CORRECTING and s:
            return (
                f"Correcting version {s.version}, signed on {format_date(s.signed_on)}. Version {s.version} "
                f"stays in force until you sign version {s.version + 1}."
            )
        if self.state is ReviewState.CANCELLED:
            return "Cancelled: the child left care before this review. It is read-only."
        if self.state is ReviewState.IMPORTED:
            return (
                "Recorded elsewhere (the council's 903 data): read-only here, but for its participation code."
            )
        return ""


def latest_signed(s: Session, review_id: int) -> SignedRecord | None:
    return s.scalars(
        select(SignedRecord)
        .where(SignedRecord.review_id == review_id, SignedRecord.kind == "review")
        .order_by(SignedRecord.version.desc())
    ).first()


def review_header(store: Store, review_id: int) -> ReviewHeader:
    with store.reading() as s:
        review = review_row(s, review_id)
        state = state_of(review.status)
        row = latest_signed(s, review_id)
        signed = None
        if row is not None:
            signed_on = date.fromisoformat(json.loads(row.canonical_json)["finalised_on"])
            signed = SignedVersion(row.version, signed_on, row.content_hash)
        return ReviewHeader(review.id, review.child_id, state, state in EDITABLE, signed)
