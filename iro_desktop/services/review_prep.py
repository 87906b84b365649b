"""Preparing a review: the next review booked with sensible defaults, the pack the IRO reads before the
meeting, and the short edits the Prepare page autosaves (each one transaction, each refusal a plain sentence).

Due dates come from services.child (which asks domain.timescales); nothing here recomputes a rule.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from iro_desktop.domain.calendar import format_date
from iro_desktop.domain.codes import LEGAL_STATUS, PLACEMENT_TYPE, age_on
from iro_desktop.domain.review_states import AHEAD, EDITABLE, UNFINISHED, ReviewState, state_of
from iro_desktop.domain.timescales import Cycle
from iro_desktop.problems import Problem
from iro_desktop.services import text_limits
from iro_desktop.services.challenge_ladder import ladder
from iro_desktop.services.child import (
    ChallengeLine,
    ChildNotFound,
    ChildPageDecision,
    challenge_line,
    decision_line,
    load_child,
)
from iro_desktop.services.review_life import editable, editable_invitee, review_row
from iro_desktop.services.settings import working_calendar
from iro_desktop.store import Store
from iro_desktop.store.models import (
    PERSON_ROLES,
    Attendance,
    Challenge,
    Child,
    Decision,
    Episode,
    PeriodOfCare,
    Person,
    Review,
    ReviewReport,
    WishEntry,
)

REPORT_KINDS = {
    "social_worker_report": "Social worker's report",
    "care_plan": "Care plan",
    "placement_plan": "Placement plan",
    "health_assessment": "Health assessment",
    "pep": "Personal education plan (PEP)",
    "carers_report": "Carers' report",
    "child_consultation": "Child's consultation",
}

CONTRIBUTIONS = {
    "attend": "Attend",
    "written_report": "Written report",
    "phone_video": "Phone or video",
    "views_via_social_worker": "Views via the social worker",
}

NOT_ALONE_CATEGORIES = {
    "declined": "The child declined",
    "not_appropriate": "Not appropriate for age or understanding",
    "other": "Other",
}

ROLES = {"child": "Child", **PERSON_ROLES}
REVIEW_KINDS = {"standard": "Review", "short_break": "Short breaks review", "adoption": "Adoption review"}
PRIVATE_CONVERSATION = "private_conversation"
CHILD_ROLE = "child"

# Who is invited, in the order the invitation list shows them, and how each usually contributes.
_INVITE_ORDER = (
    "carer",
    "parent",
    "pr_holder",
    "social_worker",
    "team_manager",
    "designated_teacher",
    "health",
    "guardian",
    "advocate",
    "other",
)
_DEFAULT_CONTRIBUTION = {
    "team_manager": "written_report",
    "designated_teacher": "written_report",
    "health": "written_report",
    "guardian": "phone_video",
}
_KIND_OF_CYCLE = {
    Cycle.STANDARD: "standard",
    Cycle.SHORT_BREAKS: "short_break",
    Cycle.ADOPTION_AUTHORISED: "adoption",
    Cycle.ADOPTION_PLACED: "adoption",
}
_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
_VENUE_MAX = 200
DEFAULT_TIME = "10:00"  # a school-hours start the IRO changes as needed; the page always shows a time


def _problem(field: str, message: str) -> Problem:
    """A refusal naming its field (the service's parameter), so the screen shows it beside that field."""
    return Problem(message, field)


# --- the pack -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChildSummary:
    id: int
    name: str
    first_name: str  # what the page calls the child: "What Maja told us"
    dob: date
    age: int
    legal_status: str  # in words, e.g. "Full care order"
    placement: str  # in words, with the carer, e.g. "Foster placement ...: long-term, with Mr and Mrs Okafor"


@dataclass(frozen=True)
class Invitee:
    id: int  # the Attendance row
    name: str
    role: str  # plain words, e.g. "Carer (Foster carers)"
    contribution: str | None  # a key of CONTRIBUTIONS
    contribution_label: str


@dataclass(frozen=True)
class ReportLine:
    kind: str
    label: str
    expected: bool
    received_on: date | None
    note: str | None


@dataclass(frozen=True)
class WishSaid:
    recorded_on: date
    how_obtained: str  # plain words
    words: str
    shareable: bool


@dataclass(frozen=True)
class PrivateConversation:
    happened: bool | None  # None until the IRO records it
    on: date | None
    place: str | None
    words: str | None
    agreed_to_share: bool | None  # None until the IRO has asked the child
    why_not_category: str | None
    why_not: str | None


@dataclass(frozen=True)
class ReviewPack:
    review_id: int
    child: ChildSummary
    number: int | None
    kind: str  # plain words, e.g. "Review" or "Adoption review"
    due: date | None  # the statutory due date (with any early review asked for)
    late: bool  # the planned date is after the due date
    working_days_late: int  # 0 when on time
    planned_date: date | None
    planned_time: str | None
    venue: str | None
    invitees: tuple[Invitee, ...]
    reports: tuple[ReportLine, ...]
    last_review_held: date | None
    decisions: tuple[ChildPageDecision, ...]
    challenges: tuple[ChallengeLine, ...]
    wishes: tuple[WishSaid, ...]  # newest first
    conversation: PrivateConversation
    editable: bool = True  # False once signed, cancelled or recorded elsewhere

    @property
    def title(self) -> str:
        number = f" {self.number}" if self.number else ""
        return f"{self.kind}{number} for {self.child.name}"


# --- finding or booking the next review -------------------------------------------------------


def _plain(code: str | None) -> str:
    return (code or "").replace("_", " ").strip().capitalize()


def _current_episode(child: Child) -> Episode | None:
    period = child.periods[-1] if child.periods else None
    if period is None or period.end_date is not None or not period.episodes:
        return None
    return period.episodes[-1]


def default_venue(episode: Episode | None) -> str | None:
    """Where reviews usually happen: the child's placement, with its address when known."""
    if episode is None or not episode.carer_name:
        return None
    code, carer = episode.placement_type or "", episode.carer_name
    if code.startswith("U"):
        place = f"Foster home of {carer}"
    elif code.startswith("A"):
        place = f"Home of the prospective adopters, {carer}"
    elif code == "P1":
        place = f"Family home of {carer}"
    else:
        place = carer
    address = ", ".join(x for x in (episode.placement_address, episode.placement_postcode) if x)
    return (f"{place}, {address}" if address else place)[:_VENUE_MAX]


def _invite_order(person: Person) -> tuple[int, str]:
    role = "pr_holder" if person.role == "other" and person.has_parental_responsibility else person.role
    return (_INVITE_ORDER.index(role) if role in _INVITE_ORDER else len(_INVITE_ORDER), person.name)


def _role_words(role: str, relationship: str | None = None) -> str:
    words = ROLES.get(role, _plain(role))
    return f"{words} ({relationship})" if relationship else words


def _default_invitees(child: Child) -> list[Attendance]:
    rows = [Attendance(name=child.display_name, role=CHILD_ROLE, attendance="invited", contribution="attend")]
    for person in sorted(child.people, key=_invite_order):
        rows.append(
            Attendance(
                person_id=person.id,
                name=person.name,
                role=person.role,
                attendance="invited",
                contribution=_DEFAULT_CONTRIBUTION.get(person.role, "attend"),
            )
        )
    return rows


def _fill_defaults(review: Review, child: Child) -> None:
    """Give a review that was never prepared its invitation list and expected reports; keep what is there."""
    if not review.attendance:
        review.attendance.extend(_default_invitees(child))
    have = {r.kind for r in review.reports}
    review.reports.extend(ReviewReport(kind=kind, expected=True) for kind in REPORT_KINDS if kind not in have)
    if not review.venue:
        review.venue = default_venue(_current_episode(child))
    if not review.planned_time:
        review.planned_time = DEFAULT_TIME


def _in_states(child: Child, states: frozenset[ReviewState]) -> Review | None:
    found = [r for r in child.reviews if state_of(r.status) in states]
    return min(found, key=lambda r: (r.held_date or r.planned_date or date.max, r.id)) if found else None


def _agreed_date(child: Child, today: date) -> date | None:
    """The next review date set at the last review held, if it is still ahead."""
    held = [r for r in child.reviews if r.held_date is not None]
    agreed = max(held, key=lambda r: r.held_date).next_review_date if held else None
    return agreed if agreed and agreed >= today else None


def next_review_for(store: Store, child_id: int) -> int:
    """The review to work on: one held whose minutes are unfinished (or under correction) first, else the
    one planned, else a new one booked for the date agreed at the last review (else its due date)."""
    today = store.clock.today()  # a review is never booked in the past, or as if a view date had come
    with store.session() as s:
        child = _child(s, child_id)
        review = _in_states(child, UNFINISHED) or _in_states(child, AHEAD)
        if review is None:  # only now is the due date needed: read in this same transaction
            due = load_child(store, child_id, today).next_review
            period = child.periods[-1] if child.periods else None
            if period is None or period.end_date is not None or due.due is None:
                raise Problem(f"{child.display_name} is not looked after now, so no review is due.")
            review = Review(
                child_id=child.id,
                period_id=period.id,
                number=due.number,
                status=ReviewState.PLANNED.value,
                kind=_KIND_OF_CYCLE.get(Cycle(child.review_cycle or "standard"), "standard"),
                # an overdue review cannot be booked in the past
                planned_date=_agreed_date(child, today) or max(due.due, today),
            )
            child.reviews.append(review)
        if state_of(review.status) in AHEAD:
            _fill_defaults(review, child)
        s.flush()
        return review.id


def _child(s: Session, child_id: int) -> Child:
    child = s.scalars(
        select(Child)
        .where(Child.id == child_id)
        .options(
            selectinload(Child.periods).selectinload(PeriodOfCare.episodes),
            selectinload(Child.people),
            selectinload(Child.reviews).selectinload(Review.attendance),
            selectinload(Child.reviews).selectinload(Review.reports),
        )
    ).one_or_none()
    if child is None:
        raise ChildNotFound(f"No child with id {child_id}")
    return child


# --- reading the pack ---------------------------------------------------------------------------


def _summary(child: Child, today: date) -> ChildSummary:
    episode = _current_episode(child)
    legal = placement = "Not recorded"
    if episode is not None:
        legal = LEGAL_STATUS.get(episode.legal_status, episode.legal_status)
        placement = PLACEMENT_TYPE.get(episode.placement_type, episode.placement_type)
        if episode.carer_name:
            placement += f", with {episode.carer_name}"
    return ChildSummary(
        id=child.id,
        name=child.display_name,
        first_name=child.preferred_name or child.first_name,
        dob=child.dob,
        age=age_on(child.dob, today),
        legal_status=legal,
        placement=placement,
    )


def _invitee(a: Attendance, people: dict[int, Person]) -> Invitee:
    person = people.get(a.person_id) if a.person_id else None
    return Invitee(
        id=a.id,
        name=a.name,
        role=_role_words(a.role, person.relationship_to_child if person else None),
        contribution=a.contribution,
        contribution_label=CONTRIBUTIONS.get(a.contribution or "", "Not set"),
    )


def _invitee_rank(a: Attendance) -> tuple[int, int]:
    return (0 if a.role == CHILD_ROLE else 1, a.id)


def _open_challenges(s: Session, child_id: int, today: date, rungs) -> tuple[ChallengeLine, ...]:
    rows = s.scalars(
        select(Challenge)
        .where(Challenge.child_id == child_id, Challenge.outcome.is_(None), Challenge.resolved_on.is_(None))
        .order_by(Challenge.raised_on)
    )
    return tuple(challenge_line(c, today, rungs) for c in rows)


def _wishes_since(
    s: Session, review: Review, last: Review | None, since: date | None
) -> tuple[WishSaid, ...]:
    """What the child said at the last review or since; this review's private conversation is shown apart."""
    query = select(WishEntry).where(WishEntry.child_id == review.child_id)
    rows = [
        w
        for w in s.scalars(query.order_by(WishEntry.recorded_on.desc(), WishEntry.id.desc()))
        if not (w.review_id == review.id and w.how_obtained == PRIVATE_CONVERSATION)
        and ((last is not None and w.review_id == last.id) or since is None or w.recorded_on >= since)
    ]
    return tuple(WishSaid(w.recorded_on, _plain(w.how_obtained), w.words, w.agreed_to_share) for w in rows)


def _conversation_wish(s: Session, review_id: int) -> WishEntry | None:
    return s.scalars(
        select(WishEntry)
        .where(WishEntry.review_id == review_id, WishEntry.how_obtained == PRIVATE_CONVERSATION)
        .order_by(WishEntry.id)
    ).first()


def _conversation(s: Session, review: Review) -> PrivateConversation:
    wish = _conversation_wish(s, review.id)
    return PrivateConversation(
        happened=review.spoke_alone,
        on=review.spoke_alone_date,
        place=review.spoke_alone_place,
        words=wish.words if wish else None,
        agreed_to_share=wish.agreed_to_share if wish else None,
        why_not_category=review.not_alone_category,
        why_not=review.not_alone_reason,
    )


def _last_held(child: Child, review: Review) -> Review | None:
    held = [
        r
        for r in child.reviews
        if r.held_date is not None
        and r.id != review.id
        and (review.planned_date is None or r.held_date <= review.planned_date)
    ]
    return max(held, key=lambda r: (r.held_date, r.id)) if held else None


def review_pack(store: Store, review_id: int, today: date) -> ReviewPack:
    """Everything the IRO reads before the meeting, as plain values."""
    with store.reading() as s:
        child_id = review_row(s, review_id).child_id
    due = load_child(store, child_id, today).next_review.due
    cal, rungs = working_calendar(store), ladder(store)
    with store.reading() as s:
        review = review_row(s, review_id)
        child = _child(s, child_id)
        last = _last_held(child, review)
        period = next((p for p in child.periods if p.id == review.period_id), None)
        since = last.held_date if last else (period.start_date if period else None)
        decisions = []
        if last is not None:
            rows = s.scalars(
                select(Decision).where(Decision.review_id == last.id).order_by(Decision.number, Decision.id)
            )
            decisions = [decision_line(d, today) for d in rows]
        people = {p.id: p for p in child.people}
        late_by = cal.working_days_between(due, review.planned_date) if due and review.planned_date else 0
        return ReviewPack(
            review_id=review.id,
            child=_summary(child, today),
            number=review.number,
            kind=REVIEW_KINDS.get(review.kind, _plain(review.kind)),
            due=due,
            late=late_by > 0,
            working_days_late=max(late_by, 0),
            planned_date=review.planned_date,
            planned_time=review.planned_time,
            venue=review.venue,
            invitees=tuple(
                _invitee(a, people)
                for a in sorted((a for a in review.attendance if a.part_id is None), key=_invitee_rank)
            ),
            reports=tuple(
                ReportLine(
                    r.kind, REPORT_KINDS.get(r.kind, _plain(r.kind)), r.expected, r.received_on, r.note
                )
                for r in sorted(review.reports, key=_report_rank)
            ),
            last_review_held=last.held_date if last else None,
            decisions=tuple(decisions),
            challenges=_open_challenges(s, child_id, today, rungs),
            wishes=_wishes_since(s, review, last, since),
            conversation=_conversation(s, review),
            editable=state_of(review.status) in EDITABLE,
        )


def _report_rank(r: ReviewReport) -> tuple[int, str]:
    kinds = list(REPORT_KINDS)
    return (kinds.index(r.kind) if r.kind in kinds else len(kinds), r.kind)


# --- the edits the Prepare page saves ------------------------------------------------------------


def _check_not_before_birth(child: Child, day: date, what: str, field: str) -> None:
    if day < child.dob:
        raise _problem(
            field, f"{what} is before {child.display_name}'s date of birth ({format_date(child.dob)})."
        )


def set_when_where(
    store: Store, review_id: int, planned_date: date | None, planned_time: str | None, venue: str | None
) -> None:
    """Book the meeting. A date after the due date is allowed: the pack says how late it is."""
    time = (planned_time or "").strip() or None
    if time is not None and not _TIME.match(time):
        raise _problem("planned_time", "Type the time as hours and minutes, for example 15:30.")
    venue = text_limits.fits((venue or "").strip(), _VENUE_MAX, "The venue", "venue") or None
    with store.session() as s:
        review = editable(s, review_id)
        if planned_date is None:
            raise _problem("planned_date", "Choose a date for the review.")
        _check_not_before_birth(review.child, planned_date, "The review date", "planned_date")
        period = s.get(PeriodOfCare, review.period_id) if review.period_id else None
        if period is not None and planned_date < period.start_date:
            raise _problem(
                "planned_date",
                f"The review date is before {review.child.display_name} became looked after "
                f"({format_date(period.start_date)}).",
            )
        review.planned_date, review.planned_time, review.venue = planned_date, time, venue


def _check_contribution(contribution: str | None) -> str:
    if contribution not in CONTRIBUTIONS:
        raise _problem(
            "contribution",
            "Choose how this person will contribute: " + ", ".join(CONTRIBUTIONS.values()).lower() + ".",
        )
    return contribution


def set_invitee(store: Store, attendance_id: int, contribution: str) -> None:
    _check_contribution(contribution)
    with store.session() as s:
        editable_invitee(s, attendance_id).contribution = contribution


def add_invitee(store: Store, review_id: int, name: str, role: str, contribution: str) -> int:
    """Invite someone who is not in the child's network yet (an interpreter, a new teacher)."""
    name = text_limits.fits((name or "").strip(), text_limits.NAME, "The name", "name")
    if not name:
        raise _problem("name", "Type the name of the person to invite.")
    if role not in ROLES:
        raise _problem("role", "Choose the person's role.")
    _check_contribution(contribution)
    with store.session() as s:
        review = editable(s, review_id)
        text_limits.room_for(len(review.attendance), text_limits.ATTENDEES, "people in its attendance")
        row = Attendance(name=name, role=role, attendance="invited", contribution=contribution)
        review.attendance.append(row)
        s.flush()
        return row.id


def set_report(
    store: Store,
    review_id: int,
    kind: str,
    expected: bool,
    received_on: date | None,
    note: str | None,
) -> None:
    """Whether a report is expected, and the day it arrived (None for not yet)."""
    if kind not in REPORT_KINDS:
        raise _problem("kind", f"{kind} is not a report the review expects.")
    label = REPORT_KINDS[kind]
    note = text_limits.fits(note, text_limits.REASON, "The note", "note")
    today = store.clock.today()
    with store.session() as s:
        review = editable(s, review_id)
        if received_on is not None:
            _check_not_before_birth(
                review.child, received_on, f"The date the {label.lower()} arrived", "received_on"
            )
            if received_on > today:
                raise _problem(
                    "received_on",
                    f"The {label.lower()} cannot have arrived after today ({format_date(today)}).",
                )
        row = s.scalars(
            select(ReviewReport).where(ReviewReport.review_id == review_id, ReviewReport.kind == kind)
        ).one_or_none()
        if row is None:
            row = ReviewReport(review_id=review_id, kind=kind)
            s.add(row)
        row.expected, row.received_on, row.note = bool(expected), received_on, (note or "").strip() or None


def record_private_conversation(
    store: Store,
    review_id: int,
    *,
    happened: bool,
    on: date | None = None,
    place: str | None = None,
    words: str | None = None,
    agreed_to_share: bool | None = None,
    why_not_category: str | None = None,
    why_not: str | None = None,
) -> None:
    """I2: the IRO speaks to the child alone, or records why not. The child's words become a WishEntry,
    kept unshared until the IRO says the child agreed (None: not asked yet; finalising waits for it)."""
    place = text_limits.fits((place or "").strip(), text_limits.NAME, "The place", "place")
    words = text_limits.fits((words or "").strip(), text_limits.WORDS, "What was said", "words")
    why_not = text_limits.fits((why_not or "").strip(), text_limits.REASON, "The reason", "why_not")
    today = store.clock.today()
    with store.session() as s:
        review = editable(s, review_id)
        child = review.child
        if happened:
            _record_talk(s, review, child, today, on, place, words, agreed_to_share)
        else:
            _record_no_talk(review, child, why_not_category, why_not)


def _record_talk(
    s: Session,
    review: Review,
    child: Child,
    today: date,
    on: date | None,
    place: str,
    words: str,
    agreed_to_share: bool | None,
) -> None:
    who = child.preferred_name or child.first_name
    if on is None:
        raise _problem("on", f"Say when you spoke with {who} alone.")
    if on > today:
        raise _problem("on", f"The conversation cannot be after today ({format_date(today)}).")
    _check_not_before_birth(child, on, "The conversation date", "on")
    if not place:
        raise _problem("place", f"Say where you spoke with {who} alone.")
    review.spoke_alone, review.spoke_alone_date, review.spoke_alone_place = True, on, place
    review.not_alone_category = review.not_alone_reason = None
    wish = _conversation_wish(s, review.id)
    if not words:
        if wish is not None:  # the IRO cleared the words on purpose
            s.delete(wish)
        return
    if wish is None:
        wish = WishEntry(child_id=child.id, review_id=review.id, how_obtained=PRIVATE_CONVERSATION)
        s.add(wish)
    wish.recorded_on, wish.words, wish.agreed_to_share = on, words, agreed_to_share


def _record_no_talk(review: Review, child: Child, category: str | None, reason: str) -> None:
    who = child.preferred_name or child.first_name
    if category not in NOT_ALONE_CATEGORIES:
        raise _problem("why_not_category", f"Choose why you did not speak with {who} alone.")
    if not reason:
        raise _problem("why_not", f"Give your reason for not speaking with {who} alone.")
    review.spoke_alone, review.spoke_alone_date, review.spoke_alone_place = False, None, None
    review.not_alone_category, review.not_alone_reason = category, reason
