"""Everything the child's page shows about one child, as plain values: no Qt, no decisions left to the GUI.

Due dates, lateness and "overdue" are worked out here from domain.timescales, with today as a parameter,
so the page can be shown "as of" any date exactly like the caseload.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from iro_desktop.domain import codes
from iro_desktop.domain.calendar import format_date
from iro_desktop.domain.codes import (
    LEGAL_STATUS,
    PARTICIPATION_PLAIN,
    PLACEMENT_TYPE,
)
from iro_desktop.domain.review_states import AHEAD, ReviewState, state_of
from iro_desktop.domain.timescales import (
    HeldReview,
    MinutesDue,
    Status,
    early_review_in_effect,
    review_timeliness,
    working_days_left,
)
from iro_desktop.services.care_facts import (
    between_breaks,
    care_history,
    facts_on,
    needs_code,
    period_on,
    standing,
    unfinished_held,
)
from iro_desktop.services.caseload import OUTSTANDING_DECISIONS
from iro_desktop.services.challenge_facts import ISSUES, is_open, response_overdue
from iro_desktop.services.challenge_ladder import ORDER, ladder, stage_label
from iro_desktop.services.decisions import outcome
from iro_desktop.services.monitoring import NoteLine, note_lines
from iro_desktop.services.settings import timescale_settings, working_calendar
from iro_desktop.services.sync import record_states_for_child
from iro_desktop.store import Store
from iro_desktop.store.models import (
    PERSON_ROLES,
    Challenge,
    Child,
    Decision,
    PeriodOfCare,
    Person,
    Review,
)

DECISION_STATUS = {"open": "Open", "done": "Done", "not_done": "Not done", "changed": "Changed"}


def _plain(code: str | None) -> str:
    """A stored key such as "private_conversation" read as "Private conversation"."""
    return (code or "").replace("_", " ").strip().capitalize()


@dataclass(frozen=True)
class Identity:
    name: str
    first_name: str
    last_name: str
    preferred_name: str | None
    child_ref: str
    dob: date
    age: int
    sex: str
    ethnicity: str
    first_language: str | None
    communication_needs: str | None
    disability: str | None


@dataclass(frozen=True)
class EpisodeLine:
    start: date
    end: date | None
    legal_status: str  # code and meaning, e.g. "C2 Full care order"
    placement_type: str
    carer: str | None


@dataclass(frozen=True)
class CarePeriod:
    start: date
    end: date | None
    current: bool
    episodes: tuple[EpisodeLine, ...]  # newest first


@dataclass(frozen=True)
class PersonLine:
    role: str
    name: str
    contact: tuple[str, ...]  # organisation, phone, e-mail: whichever are known


@dataclass(frozen=True)
class ReviewLine:
    """One review in any state: held ones are judged on time or late; the rest say where they stand."""

    number: int | None
    held: date | None  # None until the meeting has happened
    due: date | None
    on_time: bool | None  # None when not held, or its cycle's start date is unknown
    days_late: int
    participation: str  # "PN1 Came and spoke for themselves", or "" when not recorded
    record: str = ""  # the signed record's state: "Signed; delivered to the council", or "" when not signed
    id: int = 0
    state: ReviewState = ReviewState.HELD
    planned: date | None = None
    period: str = ""  # '' in the current period of care; else "Earlier period of care (...)"

    @property
    def when(self) -> date | None:
        return self.held or self.planned

    @property
    def needs_code(self) -> bool:
        """Recorded elsewhere with no PN code: it cannot go back to the council until one is set."""
        return needs_code(self.state, self.participation)

    @property
    def state_words(self) -> str:
        """The state as the child's page names it: "Adjourned", "Signed; delivered to the council"."""
        if self.state in (ReviewState.FINALISED, ReviewState.CORRECTING) and self.record:
            prefix = "Under correction; " if self.state is ReviewState.CORRECTING else ""
            return prefix + self.record
        return self.state.label


@dataclass(frozen=True)
class NextReview:
    due: date | None
    number: int | None
    basis: str
    booked: date | None
    working_days_left: int | None
    status: Status
    open_review_id: int | None = None  # the next review not yet held: the one an adjournment applies to
    adjourned: bool = False  # that review has used its one adjournment (I3)
    early_review_by: date | None = None  # an early review request still in effect (T4)
    minutes: MinutesDue | None = None  # a review held here whose record is not yet signed
    between_breaks: date | None = None  # short breaks: the day the last break ended, between breaks


@dataclass(frozen=True)
class ChildPageDecision:
    number: int | None
    action: str
    person: str | None
    due: date | None
    status: str
    overdue: bool
    id: int = 0
    open: bool = True
    outcome: str = ""  # "Done on 3 Dec 2026", "Not done (recorded ...): why", "Changed ...: what"


@dataclass(frozen=True)
class ChildPageWish:
    recorded_on: date
    how_obtained: str
    words: str
    shareable: bool


@dataclass(frozen=True)
class ChallengeLine:
    issue: str
    stage: str
    raised_on: date
    response_due: date | None
    open: bool
    overdue: bool


@dataclass(frozen=True)
class ChildRecord:
    id: int
    identity: Identity
    periods: tuple[CarePeriod, ...]  # newest first
    people: tuple[PersonLine, ...]
    reviews: tuple[ReviewLine, ...]  # newest first
    next_review: NextReview
    decisions: tuple[ChildPageDecision, ...]
    wishes: tuple[ChildPageWish, ...]  # newest first
    challenges: tuple[ChallengeLine, ...]
    monitoring: tuple[NoteLine, ...] = ()  # newest first


class ChildNotFound(LookupError):
    pass


def _coded(code: str | None, meanings: dict[str, str]) -> str:
    if not code:
        return ""
    meaning = meanings.get(code)
    return f"{code} {meaning}" if meaning else code


def _identity(child: Child, today: date) -> Identity:
    return Identity(
        name=child.display_name,
        first_name=child.first_name,
        last_name=child.last_name,
        preferred_name=child.preferred_name,
        child_ref=child.child_ref,
        dob=child.dob,
        age=codes.age_on(child.dob, today),
        sex=codes.SEX.get(child.sex or "", child.sex or ""),
        ethnicity=_coded(child.ethnicity, codes.ETHNICITY),
        first_language=child.first_language,
        communication_needs=child.communication_needs,
        disability=child.disability,
    )


def _period(period: PeriodOfCare, current: bool) -> CarePeriod:
    lines = tuple(
        EpisodeLine(
            start=e.start_date,
            end=e.end_date,
            legal_status=_coded(e.legal_status, LEGAL_STATUS),
            placement_type=_coded(e.placement_type, PLACEMENT_TYPE),
            carer=e.carer_name,
        )
        for e in reversed(period.episodes)
    )
    return CarePeriod(start=period.start_date, end=period.end_date, current=current, episodes=lines)


def _person(p: Person) -> PersonLine:
    role = PERSON_ROLES.get(p.role, _plain(p.role))
    if p.relationship_to_child:
        role += f" ({p.relationship_to_child})"
    contact = tuple(x for x in (p.organisation, p.phone, p.email) if x)
    return PersonLine(role=role, name=p.name, contact=contact)


def _newest_first(items, attr: str) -> list:
    return sorted(items, key=lambda x: getattr(x, attr), reverse=True)


def _role_order(p: Person) -> tuple[int, str]:
    roles = list(PERSON_ROLES)
    return (roles.index(p.role) if p.role in roles else len(roles), p.name)


def _reviews(
    child: Child, today: date, cal, settings, records: dict[int, str] | None = None
) -> list[ReviewLine]:
    """Every review, newest first; held ones judged on time or late against their own period's schedule,
    and labelled when they belong to an earlier period of care (or to none)."""
    held = [r.held_date for r in child.reviews if r.held_date is not None]
    judged: dict[date, HeldReview] = {}
    for period in child.periods:  # as of the end of time: every review of the period counts
        history = care_history(facts_on(child, [period], held, date.max), settings)
        judged.update((j.held, j) for j in review_timeliness(history, cal, settings))
    current = period_on(child.periods, today)
    lines = []
    for r in sorted(
        child.reviews, key=lambda r: (r.held_date or r.planned_date or date.min, r.id), reverse=True
    ):
        j = judged.get(r.held_date) if r.held_date else None
        lines.append(
            ReviewLine(
                number=j.number if j else r.number,
                held=r.held_date,
                due=j.due if j else None,
                on_time=j.on_time if j else None,
                days_late=j.days_late if j else 0,
                participation=_coded(r.participation_code, PARTICIPATION_PLAIN),
                record=(records or {}).get(r.id, ""),
                id=r.id,
                state=state_of(r.status),
                planned=r.planned_date,
                period=_period_words(child.periods, current, r.held_date),
            )
        )
    return lines


def _period_words(periods, current, held: date | None) -> str:
    """'' for a review of the current period (or not yet held); else which period it belongs to."""
    if held is None:
        return ""
    period = period_on(periods, held)
    if period is None or (period.end_date is not None and held > period.end_date):
        return "Outside any period of care"
    if period is current:
        return ""
    end = format_date(period.end_date) if period.end_date else "its end"
    return f"Earlier period of care ({format_date(period.start_date)} to {end})"


def _next_review(child: Child, today: date, cal, settings) -> NextReview:
    held = [r.held_date for r in child.reviews if r.held_date is not None]
    open_review = _open_review(child)
    facts = facts_on(
        child,
        child.periods,
        held,
        today,
        planned=open_review,
        unfinished=unfinished_held(child.reviews, today),
    )
    now = standing(facts, cal, settings)
    looked_after, due = now.looked_after, now.due
    booked = open_review.planned_date if open_review is not None and looked_after else None
    return NextReview(
        due=due.due if looked_after else None,
        number=due.number if looked_after else None,
        basis=now.basis,
        booked=booked,
        working_days_left=working_days_left(due.due, today, cal) if looked_after else None,
        status=now.status,
        minutes=now.minutes,
        open_review_id=open_review.id if open_review is not None else None,
        adjourned=open_review is not None and open_review.adjourned_on is not None,
        early_review_by=early_review_in_effect(now.history),
        between_breaks=between_breaks(facts) if looked_after else None,
    )


def _open_review(child: Child) -> Review | None:
    """The next review not yet held (planned or adjourned), soonest first, as the caseload picks it."""
    waiting = [r for r in child.reviews if state_of(r.status) in AHEAD and r.planned_date is not None]
    return min(waiting, key=lambda r: (r.planned_date, r.id), default=None)


def decision_line(d: Decision, today: date) -> ChildPageDecision:
    """A decision as the child's page and the review pack show it: overdue by word when it is."""
    due = d.tracked_due
    overdue = d.status in OUTSTANDING_DECISIONS and due is not None and due < today
    return ChildPageDecision(
        number=d.number,
        action=d.action,
        person=d.person_responsible,
        due=due,
        status="Overdue" if overdue else DECISION_STATUS.get(d.status, _plain(d.status)),
        overdue=overdue,
        id=d.id,
        open=d.status in OUTSTANDING_DECISIONS,
        outcome=outcome(d.status, d.completed_on, d.status_note),
    )


def challenge_line(c: Challenge, today: date, rungs) -> ChallengeLine:
    """A concern as the Challenges view names it: the issue's label and the council's stage title."""
    return ChallengeLine(
        issue=ISSUES.get(c.issue, _plain(c.issue)),
        stage=stage_label(rungs, c.stage) if c.stage in ORDER else _plain(c.stage),
        raised_on=c.raised_on,
        response_due=c.response_due,
        open=is_open(c),
        overdue=response_overdue(c, today),
    )


def load_child(store: Store, child_id: int, today: date) -> ChildRecord:
    """One child's record as the page shows it on `today`."""
    cal, settings, rungs = working_calendar(store), timescale_settings(store), ladder(store)
    records = record_states_for_child(store, child_id)
    with store.reading() as s:
        child = s.scalars(
            select(Child)
            .where(Child.id == child_id)
            .options(
                selectinload(Child.periods).selectinload(PeriodOfCare.episodes),
                selectinload(Child.people),
                selectinload(Child.reviews),
                selectinload(Child.decisions),
                selectinload(Child.wishes),
                selectinload(Child.challenges),
            )
        ).one_or_none()
        if child is None:
            raise ChildNotFound(f"No child with id {child_id}")
        periods = list(child.periods)
        # Open decisions first, soonest due first; closed ones after, for the record.
        decisions = sorted(
            child.decisions,
            key=lambda d: (d.status not in OUTSTANDING_DECISIONS, d.tracked_due or date.max, d.number or 0),
        )
        return ChildRecord(
            id=child.id,
            identity=_identity(child, today),
            periods=tuple(_period(p, p is periods[-1] and p.end_date is None) for p in reversed(periods)),
            people=tuple(_person(p) for p in sorted(child.people, key=_role_order)),
            reviews=tuple(_reviews(child, today, cal, settings, records)),
            next_review=_next_review(child, today, cal, settings),
            decisions=tuple(decision_line(d, today) for d in decisions),
            wishes=tuple(
                ChildPageWish(w.recorded_on, _plain(w.how_obtained), w.words, w.agreed_to_share)
                for w in _newest_first(child.wishes, "recorded_on")
            ),
            challenges=tuple(
                challenge_line(c, today, rungs) for c in _newest_first(child.challenges, "raised_on")
            ),
            monitoring=tuple(note_lines(s, child_id)),
        )
