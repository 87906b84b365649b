"""The caseload read model: one row per child with due dates computed by domain.timescales.

Built from a handful of bulk queries (not one query per child), so a manager-sized caseload of
thousands of children loads in one pass. Today's date is a parameter: any screen can be shown "as of".
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass
from datetime import date, timedelta

from sqlalchemy import case, func, select

from iro_desktop.domain.calendar import WorkingCalendar
from iro_desktop.domain.codes import SHORT_BREAK_LEGAL_STATUSES, age_on
from iro_desktop.domain.review_states import AHEAD, ReviewState, state_of
from iro_desktop.domain.timescales import (
    CareHistory,
    Cycle,
    MinutesDue,
    Status,
    TimescaleSettings,
    caseload_guidance,
    is_response_overdue,
    minutes_due,
    next_review_due,
    review_status,
    working_days_left,
)
from iro_desktop.services.settings import timescale_settings, working_calendar
from iro_desktop.store import Store
from iro_desktop.store.models import Challenge, Child, Decision, Episode, PeriodOfCare, Profile, Review

# Decisions still to be carried out: a changed decision (new action or date) is tracked until done.
OUTSTANDING_DECISIONS = ("open", "changed")
FLAG_NO_PRIVATE_TALK = "Private conversation not yet recorded"
FLAG_DECISIONS_OVERDUE = "Decisions overdue"
FLAG_CHALLENGE_AWAITING = "Challenge awaiting response"
FLAG_MINUTES = "Minutes to finish"
FLAG_CORRECTION = "Correction not yet signed"
APP = "app"  # Review.source of reviews minuted in the app (an imported one has no minutes to finish here)


@dataclass(frozen=True)
class CaseloadRow:
    id: int
    child: str  # the council's child id
    name: str
    dob: date
    age: int
    legal_status: str | None
    placement_type: str | None
    placement: str | None
    looked_after_since: date | None
    last_review: date | None
    next_review_due: date | None
    next_review_booked: date | None
    working_days_left: int | None
    status: Status
    review_number: int | None
    review_basis: str
    decisions_open: int
    decisions_overdue: int
    challenges_open: int
    challenges_overdue: int
    flags: tuple[str, ...]
    minutes: MinutesDue | None = None  # a review held whose record is not yet signed

    def to_json(self) -> dict:
        out = asdict(self)
        out["minutes"] = (
            {
                "held": self.minutes.held.isoformat(),
                "working_days_since": self.minutes.working_days_since,
                "late": self.minutes.late,
            }
            if self.minutes
            else None
        )
        for key, value in out.items():
            if isinstance(value, date):
                out[key] = value.isoformat()
        out["status"] = self.status.value
        out["flags"] = list(self.flags)
        return out


@dataclass(frozen=True)
class CaseloadSummary:
    allocated: int
    guidance_low: int
    guidance_high: int
    reviews_overdue: int
    due_this_week: int
    due_this_month: int
    decisions_overdue: int
    challenges_awaiting: int

    @property
    def above_guidance(self) -> bool:
        return self.allocated > self.guidance_high


@dataclass(frozen=True)
class ChildFacts:
    """What the bulk queries gathered for one child, before the rules are applied."""

    child: tuple
    period: tuple | None
    episode: tuple | None
    all_short_breaks: bool
    held: tuple[date, ...]
    planned: tuple | None
    unfinished: date | None = None  # held date of the earliest review minuted here and not yet signed
    correcting: bool = False  # a signed review reopened for correction (its signed version is in force)


def _latest_by(rows, key_index: int) -> dict:
    out = {}
    for row in rows:  # rows come ordered ascending, so the last one wins
        out[row[key_index]] = row
    return out


def _gather(store: Store, today: date) -> tuple[list[ChildFacts], dict, dict]:
    with store.session() as s:
        children = s.execute(
            select(
                Child.id,
                Child.child_ref,
                Child.first_name,
                Child.preferred_name,
                Child.last_name,
                Child.dob,
                Child.review_cycle,
                Child.review_cycle_start,
                Child.early_review_by,
                Child.early_review_requested_on,
                Child.early_review_reason,
            ).order_by(Child.id)
        ).all()
        periods = _latest_by(
            s.execute(
                select(
                    PeriodOfCare.child_id, PeriodOfCare.id, PeriodOfCare.start_date, PeriodOfCare.end_date
                ).order_by(PeriodOfCare.child_id, PeriodOfCare.start_date)
            ).all(),
            0,
        )
        episodes_by_period = defaultdict(list)
        for row in s.execute(
            select(
                Episode.period_id,
                Episode.legal_status,
                Episode.placement_type,
                Episode.carer_name,
                Episode.start_date,
            ).order_by(Episode.period_id, Episode.start_date)
        ):
            episodes_by_period[row[0]].append(row)
        held = defaultdict(list)
        planned, unfinished, correcting = {}, {}, set()
        for row in s.execute(
            select(
                Review.child_id,
                Review.period_id,
                Review.held_date,
                Review.planned_date,
                Review.spoke_alone,
                Review.adjourned_on,
                Review.adjourned_to,
                Review.status,
                Review.source,
            ).order_by(Review.child_id, Review.held_date, Review.planned_date)
        ):
            state = state_of(row.status)
            if row.held_date is not None:
                held[(row.child_id, row.period_id)].append(row.held_date)
                if awaits_signing(row.status, row.source):
                    unfinished.setdefault(row.child_id, row.held_date)
                correcting.update([row.child_id] if state is ReviewState.CORRECTING else [])
            elif state in AHEAD and row.planned_date is not None and row.child_id not in planned:
                planned[row.child_id] = row
        decisions = _decision_counts(s, today)
        challenges = _challenge_counts(s, today)
    facts = []
    for child in children:
        period = periods.get(child.id)
        eps = episodes_by_period.get(period.id, []) if period else []
        facts.append(
            ChildFacts(
                child=child,
                period=period,
                episode=eps[-1] if eps else None,
                all_short_breaks=bool(eps) and all(e.legal_status in SHORT_BREAK_LEGAL_STATUSES for e in eps),
                held=tuple(held.get((child.id, period.id), ())) if period else (),
                planned=planned.get(child.id),
                unfinished=unfinished.get(child.id),
                correcting=child.id in correcting,
            )
        )
    return facts, decisions, challenges


def _decision_counts(s, today: date) -> dict[int, tuple[int, int]]:
    tracked_due = func.coalesce(Decision.revised_due, Decision.due_date)
    overdue = func.sum(case((tracked_due < today, 1), else_=0))
    rows = s.execute(
        select(Decision.child_id, func.count(), overdue)
        .where(Decision.status.in_(OUTSTANDING_DECISIONS))
        .group_by(Decision.child_id)
    )
    return {child_id: (count, overdue or 0) for child_id, count, overdue in rows}


def _challenge_counts(s, today: date) -> dict[int, tuple[int, int]]:
    counts: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for child_id, due, response in s.execute(
        select(Challenge.child_id, Challenge.response_due, Challenge.response)
        .where(Challenge.outcome.is_(None))
        .where(Challenge.resolved_on.is_(None))
    ):
        counts[child_id][0] += 1
        if due is not None and not response and is_response_overdue(due, today):
            counts[child_id][1] += 1
    return {k: (v[0], v[1]) for k, v in counts.items()}


def care_history(facts: ChildFacts) -> CareHistory:
    child, period, planned = facts.child, facts.period, facts.planned
    if period is None:
        return CareHistory(period_start=None, period_end=None)
    cycle = Cycle(child.review_cycle or Cycle.STANDARD.value)
    cycle_start = child.review_cycle_start
    if cycle is Cycle.STANDARD and facts.all_short_breaks:
        cycle, cycle_start = Cycle.SHORT_BREAKS, period.start_date
    held = facts.held
    if cycle in (Cycle.ADOPTION_AUTHORISED, Cycle.ADOPTION_PLACED) and cycle_start:
        held = tuple(d for d in held if d >= cycle_start)
    return CareHistory(
        period_start=period.start_date,
        period_end=period.end_date,
        cycle=cycle,
        cycle_start=cycle_start or period.start_date,
        held_reviews=held,
        early_review_by=child.early_review_by,
        early_review_requested_on=child.early_review_requested_on,
        early_review_reason=child.early_review_reason,
        # An adjourned review not yet held is due on the day it was adjourned to (I3, applied by the domain).
        adjourned_on=planned.adjourned_on if planned is not None else None,
        adjourned_to=planned.adjourned_to if planned is not None else None,
    )


def with_minutes(
    status: Status, held: date | None, today: date, cal: WorkingCalendar, settings: TimescaleSettings
) -> tuple[Status, MinutesDue | None]:
    """A review held in the app and not yet signed (held on `held`) is what the IRO must do next, unless
    a review is overdue: the caseload and the child's page both ask here."""
    if held is None:
        return status, None
    minutes = minutes_due(held, today, cal, settings)
    return (status if status is Status.OVERDUE else Status.MINUTES_TO_FINISH), minutes


def awaits_signing(status: str, source: str) -> bool:
    """Held and minuted here, never signed (a correction under way has a signed version in force)."""
    return state_of(status) is ReviewState.HELD and source == APP


def unfinished_held(reviews) -> date | None:
    """The held date of the earliest review minuted in the app and not yet signed."""
    return min((r.held_date for r in reviews if awaits_signing(r.status, r.source)), default=None)


def _row(facts, decisions, challenges, today, cal, settings) -> CaseloadRow:
    child, episode, planned = facts.child, facts.episode, facts.planned
    history = care_history(facts)
    looked_after = history.period_start is not None and history.period_end is None
    due = next_review_due(history, cal, settings)
    status = review_status(due.due, today, cal, settings, looked_after=looked_after)
    status, minutes = with_minutes(status, facts.unfinished, today, cal, settings)
    d_open, d_overdue = decisions.get(child.id, (0, 0))
    c_open, c_overdue = challenges.get(child.id, (0, 0))
    flags = []
    if (
        looked_after
        and status in (Status.OVERDUE, Status.DUE_10WD, Status.DUE_20WD)
        and not (planned is not None and planned.spoke_alone is not None)
    ):
        flags.append(FLAG_NO_PRIVATE_TALK)
    if d_overdue:
        flags.append(FLAG_DECISIONS_OVERDUE)
    if c_overdue:
        flags.append(FLAG_CHALLENGE_AWAITING)
    if minutes is not None:
        flags.append(f"{FLAG_MINUTES}: {minutes.late}" if minutes.late else FLAG_MINUTES)
    if facts.correcting:
        flags.append(FLAG_CORRECTION)
    return CaseloadRow(
        id=child.id,
        child=child.child_ref,
        name=f"{child.preferred_name or child.first_name} {child.last_name}",
        dob=child.dob,
        age=age_on(child.dob, today),
        legal_status=episode.legal_status if episode else None,
        placement_type=episode.placement_type if episode else None,
        placement=episode.carer_name if episode else None,
        looked_after_since=history.period_start,
        last_review=facts.held[-1] if facts.held else None,
        next_review_due=due.due if looked_after else None,
        next_review_booked=planned.planned_date if planned is not None and looked_after else None,
        working_days_left=working_days_left(due.due, today, cal) if looked_after and due.due else None,
        status=status,
        review_number=due.number if looked_after else None,
        review_basis=due.basis,
        decisions_open=d_open,
        decisions_overdue=d_overdue,
        challenges_open=c_open,
        challenges_overdue=c_overdue,
        flags=tuple(flags),
        minutes=minutes,
    )


def load_caseload(
    store: Store, today: date, cal: WorkingCalendar | None = None, settings: TimescaleSettings | None = None
) -> list[CaseloadRow]:
    cal = cal or working_calendar(store)
    settings = settings or timescale_settings(store)
    facts, decisions, challenges = _gather(store, today)
    return [_row(f, decisions, challenges, today, cal, settings) for f in facts]


def summarise(
    rows: list[CaseloadRow], today: date, hours_per_week: float, settings: TimescaleSettings
) -> CaseloadSummary:
    low, high = caseload_guidance(hours_per_week, settings)
    active = [r for r in rows if r.status is not Status.NOT_LOOKED_AFTER]
    week_end = today + timedelta(days=6 - today.weekday())
    month_end = (today.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)

    def due_between(end: date) -> int:
        return sum(1 for r in active if r.next_review_due and today <= r.next_review_due <= end)

    return CaseloadSummary(
        allocated=len(active),
        guidance_low=low,
        guidance_high=high,
        reviews_overdue=sum(1 for r in active if r.status is Status.OVERDUE),
        due_this_week=due_between(week_end),
        due_this_month=due_between(month_end),
        decisions_overdue=sum(r.decisions_overdue for r in rows),
        challenges_awaiting=sum(r.challenges_overdue for r in rows),
    )


def caseload_summary(store: Store, rows: list[CaseloadRow], today: date) -> CaseloadSummary:
    with store.session() as s:
        hours = s.scalars(select(Profile.hours_per_week)).one()
    return summarise(rows, today, hours, timescale_settings(store))
