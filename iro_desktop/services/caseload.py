"""The caseload read model: one row per child with due dates computed by domain.timescales.

Built from a handful of bulk queries (not one query per child), so a manager-sized caseload of
thousands of children loads in one pass. Today's date is a parameter: any screen can be shown "as of".
"""

from __future__ import annotations

import gc
from collections import Counter, defaultdict, namedtuple
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, fields
from datetime import date, timedelta
from functools import cache

from sqlalchemy import case, func, select

from iro_desktop.domain.calendar import WorkingCalendar, format_date
from iro_desktop.domain.codes import age_on
from iro_desktop.domain.review_states import AHEAD, ReviewState
from iro_desktop.domain.timescales import (
    MinutesDue,
    Status,
    TimescaleSettings,
    caseload_guidance,
    is_response_overdue,
    working_days_left,
)
from iro_desktop.services.care_facts import (
    OPEN_AFTER_18_WORDS,
    ChildFacts,
    Standing,
    awaits_signing,
    between_breaks,
    facts_on,
    needs_code,
    review_state,
    standing,
)
from iro_desktop.services.settings import timescale_settings, working_calendar
from iro_desktop.store import Store
from iro_desktop.store.models import (
    Challenge,
    Child,
    CouncilNotice,
    Decision,
    Difference,
    Episode,
    PeriodOfCare,
    Profile,
    Review,
)
from iro_desktop.sync.protocol import DEALLOCATED

# Decisions still to be carried out: a changed decision (new action or date) is tracked until done.
OUTSTANDING_DECISIONS = ("open", "changed")
FLAG_NO_PRIVATE_TALK = "Private conversation not yet recorded"
FLAG_DECISIONS_OVERDUE = "Decisions overdue"
FLAG_CHALLENGE_AWAITING = "Challenge awaiting response"
FLAG_MINUTES = "Minutes to finish"
FLAG_CORRECTION = "Correction not yet signed"
FLAG_CODE_NEEDED = "Participation code needed"
FLAG_OPEN_AFTER_18 = OPEN_AFTER_18_WORDS
FLAG_BETWEEN_BREAKS = "Short breaks: between breaks"
FLAG_NOTICES = "Council notice to answer"
FLAG_DIFFERENCES = "Council's record differs from yours"
FLAG_DEALLOCATED = "Deallocated by the council: hand over, then remove"


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
    codes_needed: int = 0  # reviews recorded elsewhere (903) with no PN code: the export must leave them out
    challenges_awaiting: int = 0  # open challenges with a response due and none received, overdue or not
    notices_open: int = 0  # the council's notices not yet answered
    differences_open: int = 0  # the council's details that differ from what the IRO recorded
    deallocated: bool = False  # the council ended the allocation: hand over, then remove

    def to_json(self) -> dict:
        # A shallow copy, field by field: asdict's deep copies cost more than the rest of the export.
        out = {name: getattr(self, name) for name in _row_fields()}
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


@cache
def _row_fields() -> tuple[str, ...]:
    return tuple(f.name for f in fields(CaseloadRow))


@dataclass(frozen=True)
class CaseloadSummary:
    """The figures of the summary strip. Each tile counts the rows TILE_FILTERS[key] keeps (decisions and
    challenges count what those rows hold), so a tile and the filter it sets always agree."""

    allocated: int
    guidance_low: int
    guidance_high: int
    reviews_overdue: int
    due_this_week: int
    due_this_month: int
    decisions_overdue: int
    responses_overdue: int  # challenges whose response was due and has not come, the day after it was due
    open_after_18: int = 0  # episodes the council's data team should close: not counted as overdue
    responses_awaiting: int = 0  # challenges with a response due and none received, overdue or not
    children_decisions_overdue: int = 0  # the children those overdue decisions belong to
    children_responses_overdue: int = 0
    not_looked_after: int = 0  # children listed who are no longer looked after: not allocated
    notices_open: int = 0  # the council's notices waiting for an answer
    children_notices_open: int = 0
    as_of: date | None = None  # the day the figures are for

    @property
    def above_guidance(self) -> bool:
        return self.allocated > self.guidance_high

    @property
    def week_end(self) -> date | None:
        """ "This week" runs from the day viewed to this Sunday."""
        return end_of_week(self.as_of) if self.as_of else None

    @property
    def month_end(self) -> date | None:
        """ "This month" runs to the last day of the month viewed."""
        return end_of_month(self.as_of) if self.as_of else None


# The summary's tiles, in the order shown; each names the rows it counts (and the caseload's filter shows).
TILES = ("allocated", "overdue", "week", "month", "decisions", "challenges", "notices")


def is_allocated(r: CaseloadRow) -> bool:
    """On the IRO's caseload: looked after on the day (not left care, not an episode open after 18)."""
    return r.status not in (Status.NOT_LOOKED_AFTER, Status.OPEN_AFTER_18)


def end_of_week(today: date) -> date:
    return today + timedelta(days=6 - today.weekday())


def end_of_month(today: date) -> date:
    return (today.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def _due_by(end: date, today: date) -> Callable[[CaseloadRow], bool]:
    return lambda r: is_allocated(r) and r.next_review_due is not None and today <= r.next_review_due <= end


def tile_filter(key: str, today: date) -> Callable[[CaseloadRow], bool]:
    """The rows a summary tile counts, as of `today`: the same test the tile's figure and its filter use."""
    filters: dict[str, Callable[[CaseloadRow], bool]] = {
        "allocated": is_allocated,
        "overdue": lambda r: is_allocated(r) and r.status is Status.OVERDUE,
        "week": _due_by(end_of_week(today), today),
        "month": _due_by(end_of_month(today), today),
        "decisions": lambda r: r.decisions_overdue > 0,
        "challenges": lambda r: r.challenges_overdue > 0,
        "notices": lambda r: r.notices_open > 0,
    }
    return filters[key]


class _Period:
    """A stored period of care with its episodes, as the bulk queries read them."""

    __slots__ = ("id", "start_date", "end_date", "episodes")

    def __init__(self, period_id: int, start_date: date, end_date: date | None) -> None:
        self.id, self.start_date, self.end_date = period_id, start_date, end_date
        self.episodes: list = []


def _gather(store: Store, as_of: date) -> tuple[list[ChildFacts], dict, dict, dict]:
    with store.reading() as s:
        conn = s.connection()  # Core, not the ORM: plain columns need none of its result machinery
        children = _records(
            conn,
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
            ).order_by(Child.id),
        )
        periods = _periods(conn)
        reviews = _reviews(conn, as_of)
        decisions = _decision_counts(conn, as_of)
        challenges = _challenge_counts(conn, as_of)
        council = _council_counts(conn)
    facts = [
        facts_on(child, periods.get(child.id, ()), reviews.held[child.id], as_of, **reviews.more(child.id))
        for child in children
    ]
    return facts, decisions, challenges, council


def _council_counts(conn) -> dict[int, tuple[int, int, bool]]:
    """What the council's feed left for the IRO, by child: open notices, open differences, deallocated.
    As they are now: a notice or a difference has no history of when it was open."""
    counts: dict[int, list] = defaultdict(lambda: [0, 0, False])
    notices = select(CouncilNotice.child_id, func.count()).where(CouncilNotice.answer_state.is_(None))
    for child_id, n in conn.execute(notices.group_by(CouncilNotice.child_id)):
        counts[child_id][0] = n
    differences = select(Difference.child_id, func.count()).where(Difference.settled_at.is_(None))
    for child_id, n in conn.execute(differences.group_by(Difference.child_id)):
        counts[child_id][1] = n
    for child_id in conn.execute(select(Child.id).where(Child.council_status == DEALLOCATED)).scalars():
        counts[child_id][2] = True
    return {k: (v[0], v[1], v[2]) for k, v in counts.items()}


def _periods(conn) -> dict[int, list[_Period]]:
    by_child: dict[int, list[_Period]] = defaultdict(list)
    by_id: dict[int, _Period] = {}
    query = select(
        PeriodOfCare.child_id,
        PeriodOfCare.id,
        PeriodOfCare.start_date,
        PeriodOfCare.end_date,
    )
    for child_id, period_id, start, end in conn.execute(query):
        by_id[period_id] = period = _Period(period_id, start, end)
        by_child[child_id].append(period)
    episodes = select(
        Episode.period_id,
        Episode.legal_status,
        Episode.placement_type,
        Episode.carer_name,
        Episode.start_date,
        Episode.end_date,
    ).order_by(Episode.period_id, Episode.start_date)
    for episode in _records(conn, episodes):
        by_id[episode.period_id].episodes.append(episode)
    return by_child


def _records(conn, query) -> list:
    """The query's rows as named tuples: a SQLAlchemy row looks a name up ten times slower than a tuple,
    and the rules read each child's facts some twenty times."""
    result = conn.execute(query)
    return list(map(_record_type(tuple(result.keys()))._make, result))


@cache
def _record_type(names: tuple[str, ...]) -> type:
    return namedtuple("Record", names)


class _Reviews:
    """Each child's reviews as the caseload needs them, on the day viewed."""

    def __init__(self) -> None:
        self.held: dict[int, list[date]] = defaultdict(list)
        self.planned: dict[int, object] = {}
        self.unfinished: dict[int, date] = {}
        self.correcting: set[int] = set()
        self.codes_needed: Counter = Counter()

    def more(self, child_id: int) -> dict:
        return {
            "planned": self.planned.get(child_id),
            "unfinished": self.unfinished.get(child_id),
            "correcting": child_id in self.correcting,
            "codes_needed": self.codes_needed[child_id],
        }


def _reviews(conn, as_of: date) -> _Reviews:
    out = _Reviews()
    query = select(
        Review.child_id,
        Review.held_date,
        Review.planned_date,
        Review.spoke_alone,
        Review.adjourned_on,
        Review.adjourned_to,
        Review.status,
        Review.source,
        Review.participation_code,
    ).order_by(Review.child_id, Review.held_date, Review.planned_date)
    for row in _records(conn, query):
        child_id, held, planned_date, _, _, _, status, source, code = row
        state = review_state(status)
        if held is not None and held <= as_of:  # a review held later had not happened
            out.held[child_id].append(held)
            if awaits_signing(status, source):
                out.unfinished.setdefault(child_id, held)
            if needs_code(state, code):  # rare: counting only these spares a Counter update per review
                out.codes_needed[child_id] += 1
        if state is ReviewState.CORRECTING:
            out.correcting.add(child_id)  # no history kept of when: as it is now
        if state in AHEAD and planned_date is not None and child_id not in out.planned:
            out.planned[child_id] = row
    return out


def _decision_counts(conn, as_of: date) -> dict[int, tuple[int, int]]:
    """Decisions made by as_of and not yet carried out then, and how many were past their due date."""
    tracked_due = func.coalesce(Decision.revised_due, Decision.due_date)
    made = Review.held_date.is_(None) | (Review.held_date <= as_of)
    still_open = Decision.status.in_(OUTSTANDING_DECISIONS) | (Decision.completed_on > as_of)
    overdue = func.sum(case((tracked_due < as_of, 1), else_=0))
    rows = conn.execute(
        select(Decision.child_id, func.count(), overdue)
        .outerjoin(Review, Review.id == Decision.review_id)
        .where(made, still_open)
        .group_by(Decision.child_id)
    )
    return {child_id: (count, overdue or 0) for child_id, count, overdue in rows}


def _challenge_counts(conn, as_of: date) -> dict[int, tuple[int, int, int]]:
    """Concerns raised by as_of and not resolved then; those whose response was due and is still awaited;
    those awaiting a response at all (due or not yet due)."""
    counts: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
    unresolved = (Challenge.outcome.is_(None) & Challenge.resolved_on.is_(None)) | (
        Challenge.resolved_on > as_of
    )
    for child_id, due, response in conn.execute(
        select(Challenge.child_id, Challenge.response_due, Challenge.response).where(
            Challenge.raised_on <= as_of, unresolved
        )
    ):
        counts[child_id][0] += 1
        if due is not None and not response:  # awaited, and overdue once its day has passed
            counts[child_id][1] += is_response_overdue(due, as_of)
            counts[child_id][2] += 1
    return {k: (v[0], v[1], v[2]) for k, v in counts.items()}


def _row(facts: ChildFacts, decisions, challenges, council, cal, settings) -> CaseloadRow:
    child, episode, planned, today = facts.child, facts.episode, facts.planned, facts.as_of
    now = standing(facts, cal, settings)
    looked_after, due = now.looked_after, now.due
    d_open, d_overdue = decisions.get(child.id, (0, 0))
    c_open, c_overdue, c_awaiting = challenges.get(child.id, (0, 0, 0))
    notices, differences, deallocated = council.get(child.id, (0, 0, False))
    return CaseloadRow(
        id=child.id,
        child=child.child_ref,
        name=f"{child.preferred_name or child.first_name} {child.last_name}",
        dob=child.dob,
        age=age_on(child.dob, today),
        legal_status=episode.legal_status if episode else None,
        placement_type=episode.placement_type if episode else None,
        placement=episode.carer_name if episode else None,
        looked_after_since=now.history.period_start,
        last_review=facts.held[-1] if facts.held else None,
        next_review_due=due.due if looked_after else None,
        next_review_booked=planned.planned_date if planned is not None and looked_after else None,
        working_days_left=working_days_left(due.due, today, cal) if looked_after and due.due else None,
        status=now.status,
        review_number=due.number if looked_after else None,
        review_basis=now.basis,
        decisions_open=d_open,
        decisions_overdue=d_overdue,
        challenges_open=c_open,
        challenges_overdue=c_overdue,
        flags=_flags(facts, now, d_overdue, c_overdue) + _council_flags(notices, differences, deallocated),
        minutes=now.minutes,
        codes_needed=facts.codes_needed,
        challenges_awaiting=c_awaiting,
        notices_open=notices,
        differences_open=differences,
        deallocated=deallocated,
    )


def _council_flags(notices: int, differences: int, deallocated: bool) -> tuple[str, ...]:
    flags = [f"{FLAG_NOTICES} ({notices})"] if notices else []
    flags += [f"{FLAG_DIFFERENCES} ({differences})"] if differences else []
    return (*flags, FLAG_DEALLOCATED) if deallocated else tuple(flags)


def _flags(facts: ChildFacts, now: Standing, d_overdue: int, c_overdue: int) -> tuple[str, ...]:
    planned, flags, looked_after, minutes = facts.planned, [], now.looked_after, now.minutes
    if now.adult_on is not None:
        flags.append(f"{FLAG_OPEN_AFTER_18} on {format_date(now.adult_on)}: for the council's data team")
    if (
        looked_after
        and now.status in (Status.OVERDUE, Status.DUE_10WD, Status.DUE_20WD)
        and not (planned is not None and planned.spoke_alone is not None)
    ):
        flags.append(FLAG_NO_PRIVATE_TALK)
    if looked_after and (last_break := between_breaks(facts)) is not None:
        flags.append(f"{FLAG_BETWEEN_BREAKS}: the last break ended on {format_date(last_break)}")
    if d_overdue:
        flags.append(FLAG_DECISIONS_OVERDUE)
    if c_overdue:
        flags.append(FLAG_CHALLENGE_AWAITING)
    if minutes is not None:
        flags.append(f"{FLAG_MINUTES}: {minutes.late}" if minutes.late else FLAG_MINUTES)
    if facts.correcting:
        flags.append(FLAG_CORRECTION)
    if facts.codes_needed:
        flags.append(f"{FLAG_CODE_NEEDED} ({facts.codes_needed})")
    return tuple(flags)


def load_caseload(
    store: Store, today: date, cal: WorkingCalendar | None = None, settings: TimescaleSettings | None = None
) -> list[CaseloadRow]:
    cal = cal or working_calendar(store)
    settings = settings or timescale_settings(store)
    with _collector_paused():
        facts, decisions, challenges, council = _gather(store, today)
        return [_row(f, decisions, challenges, council, cal, settings) for f in facts]


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cycle collector off while the rows are built: they hold no cycles, and at 10,000 children
    its passes over every new object took a seventh of the load."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def summarise(
    rows: list[CaseloadRow], today: date, hours_per_week: float, settings: TimescaleSettings
) -> CaseloadSummary:
    low, high = caseload_guidance(hours_per_week, settings)
    tests = {key: tile_filter(key, today) for key in TILES}  # made once each, not once per child
    kept = {key: [r for r in rows if keeps(r)] for key, keeps in tests.items()}
    return CaseloadSummary(
        allocated=len(kept["allocated"]),
        guidance_low=low,
        guidance_high=high,
        reviews_overdue=len(kept["overdue"]),
        due_this_week=len(kept["week"]),
        due_this_month=len(kept["month"]),
        decisions_overdue=sum(r.decisions_overdue for r in kept["decisions"]),
        responses_overdue=sum(r.challenges_overdue for r in kept["challenges"]),
        open_after_18=sum(1 for r in rows if r.status is Status.OPEN_AFTER_18),
        responses_awaiting=sum(r.challenges_awaiting for r in rows),
        children_decisions_overdue=len(kept["decisions"]),
        children_responses_overdue=len(kept["challenges"]),
        not_looked_after=sum(1 for r in rows if r.status is Status.NOT_LOOKED_AFTER),
        notices_open=sum(r.notices_open for r in kept["notices"]),
        children_notices_open=len(kept["notices"]),
        as_of=today,
    )


def caseload_summary(store: Store, rows: list[CaseloadRow], today: date) -> CaseloadSummary:
    with store.reading() as s:
        hours = s.scalars(select(Profile.hours_per_week)).one()
    return summarise(rows, today, hours, timescale_settings(store))
