"""A child's facts as they stood on one day, and the care history the review rules read from them.

The caseload, the child's page and the minutes all build their due dates here, so they agree. For a day
in the past only what had happened by then counts: the period of care begun by that day (its end only if
it had ended), the episodes begun, the reviews held. Facts the store keeps no history of (a booking, a
decision's due date changed later) are as they are now, and the screens say so (AS_NOW_NOTE).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache, cached_property
from operator import attrgetter

from iro_desktop.domain.calendar import WorkingCalendar, add_months, format_date
from iro_desktop.domain.periods import is_short_break, series_continues
from iro_desktop.domain.review_states import ReviewState, state_of
from iro_desktop.domain.timescales import (
    CareHistory,
    Cycle,
    MinutesDue,
    ReviewDue,
    Status,
    TimescaleSettings,
    minutes_due,
    next_review_due,
    review_status,
)

APP = "app"  # Review.source of reviews minuted in the app (an imported one has no minutes to finish here)
ADULT_AGE = 18
OPEN_AFTER_18_WORDS = "Episode still open after 18th birthday"
AS_NOW_NOTE = (
    "Care, legal status, placements, reviews held, decisions made and concerns raised are as they stood "
    "that day; bookings, names, a decision's later changes and whether a review is signed are as they are "
    "now."
)


@dataclass(frozen=True)
class PeriodView:
    """A period of care as it stood on the day viewed: its end only if it had ended by then."""

    id: int | None
    start_date: date
    end_date: date | None


@dataclass(frozen=True)
class ChildFacts:
    """What was known of one child on `as_of`, before the rules are applied."""

    child: object  # a row or a Child: review_cycle, review_cycle_start, early review fields, dob
    period: PeriodView | None
    episodes: tuple = ()  # the period's episodes begun by as_of, in start order
    held: tuple[date, ...] = ()  # reviews held in this period by as_of, in date order
    planned: object | None = None  # the next review booked: planned_date, adjourned_on/_to, spoke_alone
    unfinished: date | None = None  # held date of the earliest review minuted here and not yet signed then
    correcting: bool = False  # a signed review reopened for correction (its signed version is in force)
    codes_needed: int = 0  # imported reviews with no participation code yet
    as_of: date | None = None
    first_looked_after: date | None = None  # the first period's start, when none had begun by as_of

    @property
    def episode(self):
        return self.episodes[-1] if self.episodes else None

    @cached_property  # asked two or three times for each child of the caseload
    def all_short_breaks(self) -> bool:
        return bool(self.episodes) and all(is_short_break(e) for e in self.episodes)


_START = attrgetter("start_date")


def period_on(periods: Iterable, day: date):
    """The period of care begun most recently by `day`, or None when none had begun."""
    return max((p for p in periods if p.start_date <= day), key=_START, default=None)


def facts_on(child, periods: Sequence, held: Iterable[date], day: date, **more) -> ChildFacts:
    """The child's facts on `day`. `periods` have id, start_date, end_date and episodes;
    `held` is every review the child has held, in any period; `more` fills the other ChildFacts fields."""
    period = period_on(periods, day)
    if period is None:
        first = min((p.start_date for p in periods), default=None)
        return ChildFacts(child, None, as_of=day, first_looked_after=first, **more)
    ended = period.end_date is not None and period.end_date <= day
    view = PeriodView(period.id, period.start_date, period.end_date if ended else None)
    episodes = tuple(sorted((e for e in period.episodes if e.start_date <= day), key=_START))
    last = min(day, period.end_date) if ended else day
    in_period = tuple(sorted(d for d in held if period.start_date <= d <= last))
    return ChildFacts(child, view, episodes, in_period, as_of=day, **more)


def between_breaks(facts: ChildFacts) -> date | None:
    """The day the last short break ended, when the child is between breaks of a series on as_of."""
    episode = facts.episode
    if not facts.all_short_breaks or episode is None or episode.end_date is None:
        return None
    return episode.end_date if facts.as_of is None or episode.end_date < facts.as_of else None


def care_history(facts: ChildFacts, settings: TimescaleSettings) -> CareHistory:
    child, period, planned, as_of = facts.child, facts.period, facts.planned, facts.as_of
    if period is None:
        return CareHistory(period_start=None, period_end=None)
    cycle = _cycle(child.review_cycle or Cycle.STANDARD.value)
    cycle_start = child.review_cycle_start
    end = period.end_date
    if cycle is Cycle.STANDARD and facts.all_short_breaks:
        cycle, cycle_start = Cycle.SHORT_BREAKS, period.start_date
        if as_of is not None and series_continues(end, as_of, settings.short_break_series_gap_months):
            end = None  # T8: between breaks the series stands, and its next review is due
    held = facts.held
    if cycle in (Cycle.ADOPTION_AUTHORISED, Cycle.ADOPTION_PLACED) and cycle_start:
        held = tuple(d for d in held if d >= cycle_start)
    adjourned = planned is not None and planned.adjourned_on is not None and _by(planned.adjourned_on, as_of)
    asked = child.early_review_requested_on
    early = child.early_review_by is not None and (asked is None or _by(asked, as_of))
    return CareHistory(
        period_start=period.start_date,
        period_end=end,
        cycle=cycle,
        cycle_start=cycle_start or period.start_date,
        held_reviews=held,
        early_review_by=child.early_review_by if early else None,
        early_review_requested_on=asked if early else None,
        early_review_reason=child.early_review_reason if early else None,
        # An adjourned review not yet held is due on the day it was adjourned to (I3, applied by the domain).
        adjourned_on=planned.adjourned_on if adjourned else None,
        adjourned_to=planned.adjourned_to if adjourned else None,
    )


def _by(day: date, as_of: date | None) -> bool:
    return as_of is None or day <= as_of


def not_looked_after_reason(facts: ChildFacts, settings: TimescaleSettings) -> str | None:
    """Why the child is not on the caseload on as_of, when the period's own end does not say it."""
    if facts.period is None and facts.first_looked_after is not None:
        return f"Not yet looked after: first looked after on {format_date(facts.first_looked_after)}"
    end = facts.period.end_date if facts.period else None
    if facts.all_short_breaks and end is not None:
        gap = settings.short_break_series_gap_months
        return (
            f"Short breaks ended: no break since {format_date(end)}, more than "
            f"{gap} month{'s' if gap != 1 else ''} ago (series ended {format_date(add_months(end, gap))})"
        )
    return None


def open_after_18(facts: ChildFacts, looked_after: bool) -> date | None:
    """The 18th birthday, when an episode is still open on as_of after it: the data team's to close."""
    if not looked_after or facts.as_of is None:
        return None
    birthday = add_months(facts.child.dob, 12 * ADULT_AGE)  # as age_on counts it: 29 Feb's is 28 Feb
    return birthday if birthday <= facts.as_of else None


@dataclass(frozen=True)
class Standing:
    """Where the child stands on as_of: the next review due, the status, and why."""

    history: CareHistory
    due: ReviewDue
    looked_after: bool  # on the caseload: a period of care open (or a series of short breaks standing)
    status: Status
    basis: str
    adult_on: date | None  # the 18th birthday, when an episode is still open after it
    minutes: MinutesDue | None


def standing(facts: ChildFacts, cal: WorkingCalendar, settings: TimescaleSettings) -> Standing:
    """The caseload and the child's page both ask here, so they agree on every child."""
    history = care_history(facts, settings)
    looked_after = history.period_start is not None and history.period_end is None
    due = next_review_due(history, cal, settings)
    basis = (None if looked_after else not_looked_after_reason(facts, settings)) or due.basis
    adult_on = open_after_18(facts, looked_after)
    if adult_on is not None:
        looked_after, status = False, Status.OPEN_AFTER_18
        basis = f"{OPEN_AFTER_18_WORDS} ({format_date(adult_on)}): for the council's data team to close"
    else:
        status = review_status(due.due, facts.as_of, cal, settings, looked_after=looked_after)
    status, minutes = with_minutes(status, facts.unfinished, facts.as_of, cal, settings)
    return Standing(history, due, looked_after, status, basis, adult_on, minutes)


def with_minutes(
    status: Status, held: date | None, today: date, cal: WorkingCalendar, settings: TimescaleSettings
) -> tuple[Status, MinutesDue | None]:
    """A review held in the app and not yet signed (held on `held`) is what the IRO must do next, unless
    a review is overdue: the caseload and the child's page both ask here."""
    if held is None:
        return status, None
    minutes = minutes_due(held, today, cal, settings)
    keep = status in (Status.OVERDUE, Status.OPEN_AFTER_18)
    return (status if keep else Status.MINUTES_TO_FINISH), minutes


# The caseload asks these of every review and child stored: the enums' own look-ups were the slowest step.
review_state = cache(state_of)
_cycle = cache(Cycle)


def awaits_signing(status: str, source: str) -> bool:
    """Held and minuted here, never signed (a correction under way has a signed version in force).
    When it was signed is not kept apart from the clock, so a past view shows this as it is now."""
    return review_state(status) is ReviewState.HELD and source == APP


def needs_code(state: ReviewState, code: str | None) -> bool:
    """Recorded elsewhere (903) with its PN code left out at import: the IRO must set one to export it."""
    return state is ReviewState.IMPORTED and not code


def unfinished_held(reviews, as_of: date | None = None) -> date | None:
    """The held date of the earliest review minuted in the app, held by as_of and not yet signed."""
    return min(
        (
            r.held_date
            for r in reviews
            if r.held_date is not None and _by(r.held_date, as_of) and awaits_signing(r.status, r.source)
        ),
        default=None,
    )
