"""The concerns as the screens, letters and reports read them: one ChallengeFacts per concern, its history
told from its events (services/challenge_events.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from iro_desktop.domain.calendar import format_date
from iro_desktop.domain.timescales import drp_final_due, is_response_overdue
from iro_desktop.problems import Problem
from iro_desktop.services.challenge_events import OUTCOMES, describe, events_of, signed_stages, told_sentence
from iro_desktop.services.challenge_ladder import FORMAL_STAGES, ORDER, ladder, stage_label
from iro_desktop.services.settings import timescale_settings, working_calendar
from iro_desktop.store import Store
from iro_desktop.store.models import Challenge, ChallengeEvent, Child

ISSUES = {
    "drift": "Drift in the plan",
    "no_social_worker": "No allocated social worker",
    "placement": "Placement",
    "contact": "Contact with family",
    "education": "Education or PEP",
    "health": "Health",
    "care_plan": "Care plan not updated",
    "participation": "The child's participation",
    "transport": "Transport",
    "other": "Other",
}
RESPONSE_OVERDUE = "Response overdue"


@dataclass(frozen=True)
class Event:
    on: date | None
    kind: str  # one of store.models.CHALLENGE_EVENT_KINDS
    text: str  # one plain sentence for the concern's history list


@dataclass(frozen=True)
class ChallengeFacts:
    id: int
    child_id: int
    child_ref: str
    child_name: str
    issue_key: str
    issue: str
    details: str
    raised_on: date
    stage_key: str
    stage: str
    holder: str  # who holds it now: the addressee of the current stage
    sent_on: date | None
    response_due: date | None
    response: str
    outcome: str  # plain label, "" while open
    resolved_on: date | None
    open: bool
    overdue: bool
    status: str
    expected: str
    expected_by: date | None
    child_view: str
    cafcass: str  # "", "Considered", "Referred on 3 Dec 2026"
    child_told: str  # "", or what the child was told
    formal_started: date | None
    final_due: date | None  # the 20 working days of the whole formal process (D2)
    furthest_stage: str  # the key of the furthest stage reached: "informal", "stage_1" ...
    events: tuple[Event, ...]
    signed_letters: tuple[str, ...] = ()  # the stages whose letter is signed, so can no longer change

    @property
    def letter_signed(self) -> bool:
        """Whether the current stage's letter is signed."""
        return self.stage_key in self.signed_letters

    def to_json(self) -> dict:
        """As `iro-desktop concerns --json` prints it: keys, not labels, for councils' scripts."""
        return {
            "id": self.id,
            "child_ref": self.child_ref,
            "child": self.child_name,
            "issue": self.issue_key,
            "stage": self.stage_key,
            "status": self.status,
            "open": self.open,
            "response_due": self.response_due.isoformat() if self.response_due else None,
            "letters_signed": list(self.signed_letters),
        }


def is_open(c: Challenge) -> bool:
    return c.outcome is None and c.resolved_on is None


def response_overdue(c: Challenge, today: date) -> bool:
    """Open, a response due, none received, and the due date past (D2): the same rule everywhere."""
    awaited = is_open(c) and c.response_due is not None and not c.response
    return bool(awaited and is_response_overdue(c.response_due, today))


def _status(c: Challenge, overdue: bool) -> str:
    if c.outcome:
        return OUTCOMES.get(c.outcome, c.outcome)
    if overdue:
        return RESPONSE_OVERDUE
    if c.response:
        return "Response received"
    if c.response_due:
        return "Awaiting response"
    return "Informal"


def _cafcass(c: Challenge) -> str:
    referred = events_of(c, "cafcass_referred")
    if referred:
        return f"Referred on {format_date(referred[-1].on_date)}"
    return "Considered" if events_of(c, "cafcass_considered") else ""


def _stages_reached(c: Challenge) -> list[ChallengeEvent]:
    return [e for e in events_of(c, "stage_reached") if e.stage in FORMAL_STAGES]


def _furthest(c: Challenge) -> str:
    reached = ["informal", *(e.stage for e in _stages_reached(c))]
    if c.stage in ORDER:
        reached.append(c.stage)
    return max(reached, key=ORDER.index)


def _facts(c: Challenge, child: Child, today: date, rungs, cal, settings) -> ChallengeFacts:
    still_open, overdue = is_open(c), response_overdue(c, today)
    raised = (events_of(c, "raised") or [ChallengeEvent()])[-1]
    formal = _stages_reached(c)
    started = formal[0].on_date if formal else None
    told = events_of(c, "child_told")
    return ChallengeFacts(
        id=c.id,
        child_id=child.id,
        child_ref=child.child_ref,
        child_name=child.display_name,
        issue_key=c.issue,
        issue=ISSUES.get(c.issue, c.issue.replace("_", " ").capitalize()),
        details=c.details or "",
        raised_on=c.raised_on,
        stage_key=c.stage,
        stage=stage_label(rungs, c.stage),
        holder=c.addressee or "",
        sent_on=c.sent_on,
        response_due=c.response_due,
        response=c.response or "",
        outcome=OUTCOMES.get(c.outcome or "", c.outcome or ""),
        resolved_on=c.resolved_on,
        open=still_open,
        overdue=overdue,
        status=_status(c, overdue),
        expected=raised.expected or "",
        expected_by=raised.expected_by,
        child_view=raised.child_view or "",
        cafcass=_cafcass(c),
        child_told=told_sentence(told[-1]) if told else "",
        formal_started=started,
        furthest_stage=_furthest(c),
        final_due=drp_final_due(started, cal, settings) if started else None,
        events=tuple(Event(e.on_date, e.kind, describe(e, rungs)) for e in c.events),
        signed_letters=signed_stages(c),
    )


def _load(store: Store, today: date, where) -> list[ChallengeFacts]:
    rungs, cal, settings = ladder(store), working_calendar(store), timescale_settings(store)
    with store.reading() as s:
        rows = s.execute(
            select(Challenge, Child)
            .join(Child, Challenge.child_id == Child.id)
            .where(*where)
            .options(selectinload(Challenge.events))
            .order_by(Challenge.response_due.is_(None), Challenge.response_due, Challenge.raised_on)
        )
        return [_facts(c, child, today, rungs, cal, settings) for c, child in rows]


def open_challenges(store: Store, today: date) -> list[ChallengeFacts]:
    """Every open concern across the caseload, the soonest response first."""
    return _load(store, today, (Challenge.outcome.is_(None), Challenge.resolved_on.is_(None)))


def all_challenges(store: Store, today: date) -> list[ChallengeFacts]:
    return _load(store, today, ())


def challenges_for_child(store: Store, child_id: int, today: date) -> list[ChallengeFacts]:
    return _load(store, today, (Challenge.child_id == child_id,))


def get_challenge(store: Store, challenge_id: int, today: date) -> ChallengeFacts:
    found = _load(store, today, (Challenge.id == challenge_id,))
    if not found:
        raise Problem("That concern is no longer in the store.")
    return found[0]
