"""Moving the next review's date: an early review asked for (T4) and a review adjourned once (I3).

Both are facts kept on the child and the review; domain.timescales turns them into the due date the
caseload and the child's page show, with a sentence saying why.
"""

from __future__ import annotations

from datetime import date

from iro_desktop.domain.calendar import WorkingCalendar, format_date
from iro_desktop.domain.review_states import MET, ReviewState, state_of
from iro_desktop.domain.timescales import TimescaleSettings
from iro_desktop.problems import Problem
from iro_desktop.services import text_limits
from iro_desktop.services.problems import existing_child, not_before_birth
from iro_desktop.services.review_life import move
from iro_desktop.services.settings import timescale_settings, working_calendar
from iro_desktop.store import Store
from iro_desktop.store.models import Child, Review

EARLY_REASONS = {  # reg 33(3): the usual reasons an early review is needed
    "iro_request": "IRO request",
    "placement_change": "Placement change",
    "end_accommodation": "Plan to end accommodation",
    "other": "Other",
}


def early_reason_text(reason: str, detail: str = "") -> str:
    """The reason as stored and shown: its plain label, then any detail the IRO gave."""
    label = EARLY_REASONS[reason]
    detail = (detail or "").strip()
    if reason == "other":
        return detail
    return f"{label}: {detail}" if detail else label


def request_early_review(store: Store, child_id: int, by: date | None, reason: str, detail: str = "") -> None:
    today = store.clock.today()
    text_limits.fits(detail, text_limits.REASON, "The reason", "detail")
    if by is None:
        raise Problem("Enter the date the early review is needed by.", "by")
    if by < today:
        raise Problem(f"The date cannot be in the past (today is {format_date(today)}).", "by")
    if reason not in EARLY_REASONS:
        raise Problem("Choose why an early review is needed.", "reason")
    if reason == "other" and not (detail or "").strip():
        raise Problem("Say why an early review is needed.", "detail")
    with store.session() as s:
        child = existing_child(s, child_id)
        child.early_review_by, child.early_review_requested_on = by, today
        child.early_review_reason = early_reason_text(reason, detail)


def cancel_early_review(store: Store, child_id: int) -> None:
    with store.session() as s:
        child = existing_child(s, child_id)
        child.early_review_by = child.early_review_reason = child.early_review_requested_on = None


def adjourn_review(
    store: Store,
    review_id: int,
    on: date | None,
    to: date | None,
    reason: str,
    cal: WorkingCalendar | None = None,
    settings: TimescaleSettings | None = None,
) -> None:
    """I3: adjourn a review once, for at most adjournment_max_wd working days; it is due again on `to`."""
    cal = cal or working_calendar(store)
    settings = settings or timescale_settings(store)
    text_limits.fits(reason, text_limits.REASON, "The reason", "reason")
    with store.session() as s:
        review = s.get(Review, review_id)
        if review is None:
            raise Problem("That review is no longer in the record.")
        _check_can_adjourn(review)
        _check_adjourned_on(review.child, on, store.clock.today())
        _check_adjourned_to(on, to, cal, settings)
        if not (reason or "").strip():
            raise Problem(
                "Say why the review was adjourned (for example, information missing).", "reason"
            )
        move(review, ReviewState.ADJOURNED)
        review.adjourned_on, review.adjourned_to, review.adjourn_reason = on, to, reason.strip()
        review.planned_date = to  # it meets again that day


def latest_adjourned_to(store: Store, on: date) -> date:
    """I3: the last day an adjourned review may meet again, for the dialog to say before it is refused."""
    return working_calendar(store).add_working_days(on, timescale_settings(store).adjournment_max_wd)


def _check_can_adjourn(review: Review) -> None:
    if review.held_date is not None or state_of(review.status) in MET:
        raise Problem("This review has already been held, so it cannot be adjourned.")
    if review.adjourned_on is not None:
        raise Problem(
            "A review can be adjourned only once: this one was adjourned on "
            f"{format_date(review.adjourned_on)} to {format_date(review.adjourned_to)}."
        )


def _check_adjourned_on(child: Child, on: date | None, today: date) -> None:
    if on is None:
        raise Problem("Enter the date the review was adjourned.", "on")
    if on > today:
        raise Problem(f"The date cannot be in the future (today is {format_date(today)}).", "on")
    not_before_birth(child, on, "on")


def _check_adjourned_to(on: date, to: date | None, cal: WorkingCalendar, settings: TimescaleSettings) -> None:
    if to is None:
        raise Problem("Enter the date the review will meet again.", "to")
    if to <= on:
        raise Problem(
            f"The review must meet again after {format_date(on)}, the day it was adjourned.", "to"
        )
    latest = cal.add_working_days(on, settings.adjournment_max_wd)
    if to > latest:
        raise Problem(
            f"A review can be adjourned for at most {settings.adjournment_max_wd} working days: "
            f"meet again by {format_date(latest)}.",
            "to",
        )
