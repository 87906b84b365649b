"""Review schedules and deadlines for looked after children (docs/RULES.md T1-T3, T8-T10, R1-R4, D2, K1).

Every date here is computed from facts passed in; today's date is always a parameter.
Due dates count from when the previous review was actually held, never from when it was due,
so a late review is reported late and the cycle restarts from the day it was held.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, fields
from datetime import date, timedelta
from enum import StrEnum

from .calendar import WorkingCalendar, add_months, format_date


@dataclass(frozen=True)
class TimescaleSettings:
    """Configurable timescales; the defaults are the statutory or best-evidenced figures."""

    first_review_working_days: int = 20  # T1 reg 33(1)
    second_review_months: int = 3  # T2 reg 33(2)
    subsequent_review_months: int = 6  # T3 reg 33(2)
    short_break_first_review_months: int = 3  # T8 reg 48
    short_break_subsequent_months: int = 6
    short_break_series_gap_months: int = 6  # T8: a series of breaks ends after a longer gap (UNCERTAIN)
    adoption_authorised_first_months: int = 3  # T9 AAR 2005 reg 36(1)
    adoption_placed_first_weeks: int = 4  # T10 AAR 2005 reg 36(3)
    adoption_placed_second_months: int = 3
    adoption_subsequent_months: int = 6
    decisions_circulation_wd: int = 5  # R1
    record_completion_wd: int = 15  # R2
    record_distribution_wd: int = 20  # R2
    objection_window_wd: int = 5  # R3 (unconfirmed figure)
    care_plan_update_wd: int = 10  # R4 (local practice)
    drp_stage_response_wd: int = 5  # D2 (local practice)
    drp_total_wd: int = 20  # D2
    due_soon_wd: int = 10
    due_later_wd: int = 20
    adjournment_max_wd: int = 20  # I3: a review may be adjourned once, for at most this many working days
    caseload_min: int = 50  # K1
    caseload_max: int = 70
    full_time_hours: float = 37.0

    @classmethod
    def from_dict(cls, d: Mapping[str, object]) -> TimescaleSettings:
        """Build from stored settings; unknown keys (e.g. from a newer version) are ignored."""
        # Coerce to each default's type so values stored as text or floats still work.
        known = {f.name: type(f.default) for f in fields(cls)}
        return cls(**{name: known[name](value) for name, value in d.items() if name in known})

    def to_dict(self) -> dict[str, int | float]:
        return asdict(self)


class Cycle(StrEnum):
    STANDARD = "standard"
    SHORT_BREAKS = "short_breaks"
    ADOPTION_AUTHORISED = "adoption_authorised"
    ADOPTION_PLACED = "adoption_placed"

    @property
    def label(self) -> str:
        return _CYCLE_LABELS[self]


_CYCLE_LABELS = {
    Cycle.STANDARD: "Standard reviews",
    Cycle.SHORT_BREAKS: "Short breaks",
    Cycle.ADOPTION_AUTHORISED: "Adoption: authorised to place, not yet placed",
    Cycle.ADOPTION_PLACED: "Adoption: placed for adoption",
}

# What the date in CareHistory.cycle_start means for each cycle that needs one.
_CYCLE_START_MEANING = {
    Cycle.SHORT_BREAKS: "the date of the first short break",
    Cycle.ADOPTION_AUTHORISED: "the date the authority to place for adoption was given",
    Cycle.ADOPTION_PLACED: "the date the child was placed for adoption",
}


@dataclass(frozen=True)
class CareHistory:
    """The facts that decide when a child's next review is due.

    period_start is the start of the current period of care: a child who leaves care and comes back
    starts again at the first review. held_reviews holds the reviews in this period (for adoption cycles,
    those since cycle_start); reviews before the cycle's start date are ignored. An early review request
    lapses once a review is held (or adjourned) on or after the day it was made (T4); an adjourned review
    not yet held is due on the date it was adjourned to (I3).
    """

    period_start: date | None
    period_end: date | None = None
    cycle: Cycle = Cycle.STANDARD
    cycle_start: date | None = None
    held_reviews: tuple[date, ...] = ()
    early_review_by: date | None = None
    early_review_requested_on: date | None = None  # None: when it was asked for is unknown, so it stands
    early_review_reason: str | None = None
    adjourned_on: date | None = None  # the next review, convened and adjourned (I3), not yet held
    adjourned_to: date | None = None


@dataclass(frozen=True)
class ReviewDue:
    due: date | None
    number: int  # 1-based number of the next review in this period (or adoption cycle)
    basis: str
    statutory_due: date | None  # the due date before any early review request


@dataclass(frozen=True)
class HeldReview:
    number: int
    held: date
    due: date
    on_time: bool
    days_late: int  # calendar days after the due date; 0 when on time


class Status(StrEnum):
    OVERDUE = "overdue"
    MINUTES_TO_FINISH = "minutes_to_finish"  # a review held whose record is not yet signed
    DUE_10WD = "due_10wd"
    DUE_20WD = "due_20wd"
    ON_TRACK = "on_track"
    OPEN_AFTER_18 = "open_after_18"  # an episode still open after the 18th birthday: a data error
    NOT_LOOKED_AFTER = "not_looked_after"

    @property
    def label(self) -> str:
        return _STATUS_LABELS[self]


_STATUS_LABELS = {
    Status.OVERDUE: "Overdue",
    Status.MINUTES_TO_FINISH: "Minutes to finish",
    Status.DUE_10WD: "Due soon",  # within TimescaleSettings.due_soon_wd (a setting)
    Status.DUE_20WD: "Coming up",  # within due_later_wd
    Status.ON_TRACK: "On track",
    Status.OPEN_AFTER_18: "Open after 18",
    Status.NOT_LOOKED_AFTER: "Not looked after",
}


@dataclass(frozen=True)
class PostReviewDeadlines:
    decisions_circulated: date  # R1
    record_completed: date  # R2
    record_distributed: date  # R2
    objection_window_ends: date  # R3
    care_plan_updated: date  # R4


# --- review schedule -------------------------------------------------------------------------

Due = tuple[date, str]  # a due date and the plain-English reason for it
_CycleRule = Callable[[date, Sequence[date], WorkingCalendar, TimescaleSettings], Due]


def _plural(n: int, unit: str) -> str:
    return f"{n} {unit}" if n == 1 else f"{n} {unit}s"


def _after_previous(held: Sequence[date], months: int, kind: str) -> Due:
    """T3 and its equivalents: each later review within N months of the previous one held."""
    previous = held[-1]
    basis = f"{kind} {len(held) + 1}: within {_plural(months, 'month')} of the previous review on "
    return add_months(previous, months), basis + format_date(previous)


def _standard_due(start: date, held: Sequence[date], cal: WorkingCalendar, s: TimescaleSettings) -> Due:
    if not held:  # T1 reg 33(1)
        wd = s.first_review_working_days
        due = cal.add_working_days(start, wd)
        return due, f"First review: within {wd} working days of becoming looked after on {format_date(start)}"
    if len(held) == 1:  # T2 reg 33(2)
        months = s.second_review_months
        basis = f"Second review: within {_plural(months, 'month')} of the first review on "
        return add_months(held[0], months), basis + format_date(held[0])
    return _after_previous(held, s.subsequent_review_months, "Review")


def _short_breaks_due(start: date, held: Sequence[date], cal: WorkingCalendar, s: TimescaleSettings) -> Due:
    if not held:  # T8 reg 48
        months = s.short_break_first_review_months
        basis = f"First short-break review: within {_plural(months, 'month')} of the first short break on "
        return add_months(start, months), basis + format_date(start)
    return _after_previous(held, s.short_break_subsequent_months, "Short-break review")


def _adoption_authorised_due(
    start: date, held: Sequence[date], cal: WorkingCalendar, s: TimescaleSettings
) -> Due:
    if not held:  # T9 AAR 2005 reg 36(1)
        months = s.adoption_authorised_first_months
        basis = f"First adoption review: within {_plural(months, 'month')} of the authority to place on "
        return add_months(start, months), basis + format_date(start)
    return _after_previous(held, s.adoption_subsequent_months, "Adoption review")


def _adoption_placed_due(
    start: date, held: Sequence[date], cal: WorkingCalendar, s: TimescaleSettings
) -> Due:
    if not held:  # T10 AAR 2005 reg 36(3)
        weeks = s.adoption_placed_first_weeks
        basis = f"First review after placement for adoption: within {_plural(weeks, 'week')} of placement on "
        return start + timedelta(weeks=weeks), basis + format_date(start)
    if len(held) == 1:
        months = s.adoption_placed_second_months
        within, first = _plural(months, "month"), format_date(held[0])
        basis = f"Second review after placement for adoption: within {within} of the first review on {first}"
        return add_months(held[0], months), basis
    return _after_previous(held, s.adoption_subsequent_months, "Adoption review")


_CYCLE_RULES: dict[Cycle, _CycleRule] = {
    Cycle.STANDARD: _standard_due,
    Cycle.SHORT_BREAKS: _short_breaks_due,
    Cycle.ADOPTION_AUTHORISED: _adoption_authorised_due,
    Cycle.ADOPTION_PLACED: _adoption_placed_due,
}


def _cycle_anchor(history: CareHistory) -> date | None:
    """The date the cycle counts from: becoming looked after, or the cycle's own start date."""
    return history.period_start if history.cycle is Cycle.STANDARD else history.cycle_start


def _reviews_in_cycle(history: CareHistory) -> list[date]:
    anchor = _cycle_anchor(history)
    return sorted(d for d in history.held_reviews if anchor is None or d >= anchor)


def _statutory_due(
    history: CareHistory, held: Sequence[date], cal: WorkingCalendar, s: TimescaleSettings
) -> tuple[date | None, str]:
    anchor = _cycle_anchor(history)
    if anchor is None:
        needed = _CYCLE_START_MEANING[history.cycle]
        return None, f"{history.cycle.label}: enter {needed} to work out when the review is due"
    return _CYCLE_RULES[history.cycle](anchor, held, cal, s)


def _not_looked_after_basis(history: CareHistory) -> str:
    if history.period_end is not None:
        return f"Not looked after: left care on {format_date(history.period_end)}"
    return "Not looked after: no current period of care"


def early_review_in_effect(history: CareHistory) -> date | None:
    """T4: the early review asked for, unless a review has since been held or convened and adjourned."""
    asked = history.early_review_requested_on
    if history.early_review_by is None or asked is None:
        return history.early_review_by
    since = [d for d in (*history.held_reviews, history.adjourned_on) if d is not None and d >= asked]
    return None if since else history.early_review_by


def _adjourned_due(history: CareHistory, settings: TimescaleSettings) -> Due:
    """I3: the adjourned review is due on the day it was adjourned to."""
    on, to = format_date(history.adjourned_on), format_date(history.adjourned_to)
    return history.adjourned_to, (
        f"Adjourned on {on} to {to} (once, up to {settings.adjournment_max_wd} working days)"
    )


def next_review_due(history: CareHistory, cal: WorkingCalendar, settings: TimescaleSettings) -> ReviewDue:
    """When the next review is due (T1-T3, T8-T10); an adjourned review is due on the day it was adjourned
    to (I3); an early review request can only bring the date forward (T4)."""
    held = _reviews_in_cycle(history)
    number = len(held) + 1
    if history.period_start is None or history.period_end is not None:
        return ReviewDue(None, number, _not_looked_after_basis(history), None)
    statutory, basis = _statutory_due(history, held, cal, settings)
    due = statutory
    if history.adjourned_to is not None and history.adjourned_on is not None:
        due, basis = _adjourned_due(history, settings)
    early = early_review_in_effect(history)
    if early is None or (due is not None and early >= due):
        return ReviewDue(due, number, basis, statutory)
    early_basis = f"Early review requested by {format_date(early)}"
    if due is not None:
        early_basis += f" (otherwise due {format_date(due)})"
    if history.early_review_reason:
        early_basis += f". Reason: {history.early_review_reason}"
    return ReviewDue(early, number, early_basis, statutory)


def review_timeliness(
    history: CareHistory, cal: WorkingCalendar, settings: TimescaleSettings
) -> list[HeldReview]:
    """Each held review with the date it was due; empty when the cycle's start date is unknown."""
    if _cycle_anchor(history) is None:
        return []
    held = _reviews_in_cycle(history)
    return [
        _judge(i + 1, when, _statutory_due(history, held[:i], cal, settings)[0])
        for i, when in enumerate(held)
    ]


def _judge(number: int, held: date, due: date) -> HeldReview:
    days_late = max((held - due).days, 0)
    return HeldReview(number=number, held=held, due=due, on_time=days_late == 0, days_late=days_late)


# --- status and deadlines --------------------------------------------------------------------


def working_days_left(due: date | None, today: date, cal: WorkingCalendar) -> int | None:
    """Working days from today to the due date; when overdue, minus the working days since it was due
    (at least one: a review due on a Saturday is 1 overdue on the Monday, never 0 left); None if none due."""
    if due is None:
        return None
    if today > due:
        return -max(cal.working_days_between(due, today), 1)
    return cal.working_days_between(today, due)


def left_words(left: int | None) -> str:
    """Working days left, or overdue said as overdue: "3 overdue", never a minus sign or "0 left"."""
    if left is None:
        return ""
    return f"{-left} overdue" if left < 0 else str(left)


def timing_words(left: int) -> str:
    """The same in a phrase: "1 working day overdue", "5 working days left"."""
    days = "day" if abs(left) == 1 else "days"
    return f"{-left} working {days} overdue" if left < 0 else f"{left} working {days} left"


def review_status(
    due: date | None,
    today: date,
    cal: WorkingCalendar,
    settings: TimescaleSettings,
    looked_after: bool = True,
) -> Status:
    if not looked_after or due is None:
        return Status.NOT_LOOKED_AFTER
    if today > due:
        return Status.OVERDUE
    left = cal.working_days_between(today, due)
    if left <= settings.due_soon_wd:
        return Status.DUE_10WD
    if left <= settings.due_later_wd:
        return Status.DUE_20WD
    return Status.ON_TRACK


def post_review_deadlines(
    held: date, cal: WorkingCalendar, settings: TimescaleSettings
) -> PostReviewDeadlines:
    """R1-R4: deadlines that run from the day a review was held."""

    def after(wd: int) -> date:
        return cal.add_working_days(held, wd)

    return PostReviewDeadlines(
        decisions_circulated=after(settings.decisions_circulation_wd),
        record_completed=after(settings.record_completion_wd),
        record_distributed=after(settings.record_distribution_wd),
        objection_window_ends=after(settings.objection_window_wd),
        care_plan_updated=after(settings.care_plan_update_wd),
    )


@dataclass(frozen=True)
class MinutesDue:
    """A review held but not yet signed, counted against R1 and R2 from the day it was held."""

    held: date
    working_days_since: int
    deadlines: PostReviewDeadlines
    late: str = ""  # the latest deadline already missed, in words; '' while all are ahead
    as_of: date | None = None

    def sentence(self) -> str:
        """When it was held, then each deadline, said as missed once its day has passed."""
        d, days = self.deadlines, "day" if self.working_days_since == 1 else "days"
        parts = [
            self._by("decisions sent", d.decisions_circulated),
            self._by("record completed", d.record_completed),
            self._by("record sent", d.record_distributed),
        ]
        since = f"{self.working_days_since} working {days} ago"
        return f"Held {format_date(self.held)}, {since}: {'; '.join(parts)}."

    def _by(self, what: str, when: date) -> str:
        missed = self.as_of is not None and self.as_of > when
        return f"{what} by {format_date(when)}" + (" (missed)" if missed else "")


def minutes_due(held: date, today: date, cal: WorkingCalendar, settings: TimescaleSettings) -> MinutesDue:
    """R1, R2: how far the record of a review held on `held` is behind its deadlines, as of `today`."""
    d = post_review_deadlines(held, cal, settings)
    late = ""
    for when, what in (
        (d.record_distributed, "record not sent"),
        (d.record_completed, "record not completed"),
        (d.decisions_circulated, "decisions not sent"),
    ):
        if today > when:
            late = f"{what} by {format_date(when)}"
            break
    return MinutesDue(held, max(cal.working_days_between(held, today), 0), d, late, today)


def drp_response_due(
    sent: date, cal: WorkingCalendar, settings: TimescaleSettings, stage_wd: int | None = None
) -> date:
    """D2: the response to one stage of a formal dispute is due this many working days after it was sent."""
    return cal.add_working_days(sent, settings.drp_stage_response_wd if stage_wd is None else stage_wd)


def drp_final_due(started: date, cal: WorkingCalendar, settings: TimescaleSettings) -> date:
    """D2: the whole formal dispute process should end within drp_total_wd working days of its start."""
    return cal.add_working_days(started, settings.drp_total_wd)


def is_response_overdue(due: date, today: date) -> bool:
    """A response becomes overdue the day after it was due."""
    return today > due


def caseload_guidance(hours_per_week: float, settings: TimescaleSettings) -> tuple[int, int]:
    """K1: the 50-70 children per full-time IRO, pro rata for the hours worked (halves round up)."""
    if hours_per_week < 0:
        raise ValueError("Hours per week cannot be negative.")
    share = hours_per_week / settings.full_time_hours

    def pro_rata(n: int) -> int:
        return math.floor(n * share + 0.5)

    return pro_rata(settings.caseload_min), pro_rata(settings.caseload_max)
