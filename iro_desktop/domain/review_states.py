"""A review's life, from planned to signed: its states, the moves between them, and what may change in each.

    planned ──adjourn──> adjourned ──hold──> held ──finalise──> finalised ──correct──> correcting
       │  └──────────────hold─────────────────^ │ <──unhold──                     <──finalise──┘
       └──cancel (the child left care first)──> cancelled
    imported: recorded elsewhere (the council's 903 data); the app reads it and may correct its PN code.

What the signature covers (the content: sections, parts, attendance, participation, the child's words,
decisions as agreed, the private conversation, reports, invitees, document texts, dates) is frozen once
a review is finalised, and the store refuses any change to it (store/frozen.py). What happens after the
meeting is not signed content and stays writable: a decision's progress, monitoring notes, outcomes.
"""

from __future__ import annotations

from enum import StrEnum

from iro_desktop.problems import Problem


class ReviewState(StrEnum):
    PLANNED = "planned"
    ADJOURNED = "adjourned"
    CANCELLED = "cancelled"
    HELD = "held"
    FINALISED = "finalised"
    CORRECTING = "correcting"
    IMPORTED = "imported"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    ReviewState.PLANNED: "Planned",
    ReviewState.ADJOURNED: "Adjourned",
    ReviewState.CANCELLED: "Cancelled",
    ReviewState.HELD: "Minutes to finish",
    ReviewState.FINALISED: "Signed",
    ReviewState.CORRECTING: "Under correction",
    ReviewState.IMPORTED: "Recorded elsewhere",
}

# Content frozen by a signature: the store refuses every change to it.
SIGNED = frozenset({ReviewState.FINALISED})
# The IRO may prepare and minute the review.
EDITABLE = frozenset({ReviewState.PLANNED, ReviewState.ADJOURNED, ReviewState.HELD, ReviewState.CORRECTING})
# The meeting has happened (its minutes may still be unfinished).
MET = frozenset({ReviewState.HELD, ReviewState.FINALISED, ReviewState.CORRECTING, ReviewState.IMPORTED})
# Held, not yet signed: the minutes are still to finish.
UNFINISHED = frozenset({ReviewState.HELD, ReviewState.CORRECTING})
# Not yet met: the review the caseload books and counts down to.
AHEAD = frozenset({ReviewState.PLANNED, ReviewState.ADJOURNED})

MOVES: dict[ReviewState, frozenset[ReviewState]] = {
    ReviewState.PLANNED: frozenset({ReviewState.ADJOURNED, ReviewState.HELD, ReviewState.CANCELLED}),
    ReviewState.ADJOURNED: frozenset({ReviewState.HELD, ReviewState.CANCELLED}),
    ReviewState.HELD: frozenset({ReviewState.FINALISED, ReviewState.PLANNED, ReviewState.ADJOURNED}),
    ReviewState.FINALISED: frozenset({ReviewState.CORRECTING}),
    ReviewState.CORRECTING: frozenset({ReviewState.FINALISED}),
    ReviewState.CANCELLED: frozenset(),
    ReviewState.IMPORTED: frozenset(),
}

_WHY_NOT = {
    ReviewState.FINALISED: "This review has been signed, so its record cannot change. Use Correct... to make "
    "a new signed version.",
    ReviewState.CANCELLED: "This review was cancelled because the child left care before it, so it cannot "
    "be changed.",
    ReviewState.IMPORTED: "This review was recorded elsewhere (the council's 903 data), so it is read-only "
    "here.",
}


def state_of(value: str | None) -> ReviewState:
    return ReviewState(value or ReviewState.PLANNED)


def refusal(state: ReviewState) -> str | None:
    """Why a review in this state cannot be prepared or minuted, or None when it can."""
    if state in EDITABLE:
        return None
    return _WHY_NOT[state]


def check_move(current: ReviewState, to: ReviewState) -> None:
    """Raise a Problem with a plain sentence unless a review may go from `current` to `to`."""
    if to is current or to in MOVES[current]:
        return
    if current in _WHY_NOT:
        raise Problem(_WHY_NOT[current])
    raise Problem(f"A review that is {current.label.lower()} cannot become {to.label.lower()}.")
