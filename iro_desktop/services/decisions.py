"""Tracking a review's decisions between reviews: done, not done (and why), changed, or reopened.

Open and changed decisions are outstanding (services.caseload.OUTSTANDING_DECISIONS): the caseload's overdue
count and the child's page both read the status set here, so marking one done takes it off both at once,
and a changed decision stays tracked against its new due date.
"""

from __future__ import annotations

from datetime import date

from iro_desktop.domain.calendar import format_date
from iro_desktop.problems import Problem
from iro_desktop.services import text_limits
from iro_desktop.store import Store
from iro_desktop.store.models import Decision

OPEN, DONE, NOT_DONE, CHANGED = "open", "done", "not_done", "changed"


def _decision(s, decision_id: int) -> Decision:
    decision = s.get(Decision, decision_id)
    if decision is None:
        raise Problem("That decision is no longer in the record.")
    return decision


def _check_closed_on(decision: Decision, on: date | None, today: date) -> None:
    """`today` is the real date (store.clock), never the date the caseload is viewed as of."""
    if on is None:
        raise Problem("Enter the date.", "on")
    if on > today:
        raise Problem(f"The date cannot be in the future (today is {format_date(today)}).", "on")
    made = decision.review.held_date if decision.review is not None else None
    if made is not None and on < made:
        raise Problem(
            f"The date cannot be before the review that made the decision, on {format_date(made)}.", "on"
        )


def mark_done(store: Store, decision_id: int, on: date) -> None:
    with store.session() as s:
        decision = _decision(s, decision_id)
        _check_closed_on(decision, on, store.clock.today())
        decision.status, decision.completed_on, decision.status_note = DONE, on, None


def mark_not_done(store: Store, decision_id: int, reason: str, on: date) -> None:
    """Not done, with the reason the next review must consider (Schedule 7: if not, why)."""
    reason = text_limits.fits((reason or "").strip(), text_limits.REASON, "The reason", "reason")
    with store.session() as s:
        decision = _decision(s, decision_id)
        if not reason:
            raise Problem("Say why the decision was not done.", "reason")
        _check_closed_on(decision, on, store.clock.today())
        decision.status, decision.completed_on, decision.status_note = NOT_DONE, on, reason


def mark_changed(
    store: Store, decision_id: int, new_action_or_note: str, new_due: date | None = None
) -> None:
    """The decision was changed: the note says what changed; a new due date is tracked beside the one agreed
    (which the signed record keeps)."""
    change = text_limits.fits((new_action_or_note or "").strip(), text_limits.REASON, "The change")
    if not change:
        raise Problem("Say what changed.", "new_action_or_note")
    with store.session() as s:
        decision = _decision(s, decision_id)
        made = decision.review.held_date if decision.review is not None else None
        if new_due is not None and made is not None and new_due < made:
            raise Problem(
                "The new due date cannot be before the review that made the decision, "
                f"on {format_date(made)}.",
                "new_due",
            )
        note = change
        if new_due is not None and new_due != decision.tracked_due:
            was = f" (was {format_date(decision.tracked_due)})" if decision.tracked_due else ""
            note += f". Now due {format_date(new_due)}{was}"
            decision.revised_due = new_due
        decision.status, decision.status_note = CHANGED, note
        decision.completed_on = store.clock.today()


def reopen(store: Store, decision_id: int) -> None:
    """Back to open, for a decision marked by mistake; it counts as outstanding (and overdue) again."""
    with store.session() as s:
        decision = _decision(s, decision_id)
        decision.status, decision.completed_on, decision.status_note = OPEN, None, None


def outcome(status: str, completed_on: date | None, note: str | None) -> str:
    """What happened to a decision, in a sentence for the child's page."""
    when = f" on {format_date(completed_on)}" if completed_on else ""
    if status == DONE:
        return f"Done{when}"
    if status == NOT_DONE:
        return f"Not done (recorded{when}): {note}" if when else f"Not done: {note}"
    if status == CHANGED:
        return f"Changed{when}: {note}"
    return ""
