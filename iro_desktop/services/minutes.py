"""Minuting a review live: the read model the minute screen shows, and every edit it saves.

Each mutation is one short transaction. Bad input raises ValueError with a plain sentence for the IRO
and writes nothing, so the screen can show the sentence at the field while the typed text stays.
Dates are checked here, and the statutory due date comes from domain.timescales, never from the GUI.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, selectinload

from iro_desktop.domain.calendar import format_date
from iro_desktop.domain.codes import (
    ABSENT_CODES,
    ATTENDED_CODES,
    PARTICIPATION_PLAIN,
    age_on,
    participation_allowed,
    participation_problem,
)
from iro_desktop.domain.review_states import AHEAD, EDITABLE, ReviewState, state_of
from iro_desktop.domain.timescales import next_review_due
from iro_desktop.problems import Problem
from iro_desktop.services import review_texts, text_limits
from iro_desktop.services.care_facts import care_history, facts_on
from iro_desktop.services.review_life import editable, move, unheld_state
from iro_desktop.services.settings import timescale_settings, working_calendar
from iro_desktop.store import Store
from iro_desktop.store.models import (
    PERSON_ROLES,
    Attendance,
    Child,
    Decision,
    PeriodOfCare,
    Review,
    ReviewPart,
    ReviewSection,
    WishEntry,
)

# The Schedule 7 matters (docs/RULES.md I5), in the order a meeting usually takes them.
SECTIONS: tuple[tuple[str, str, str], ...] = (
    (
        "changes",
        "Changes since the last review",
        "What has changed since the last review? Were its decisions carried out, and if not, why not?",
    ),
    ("legal_status", "Legal status", "Is a change in legal status needed? Any court proceedings?"),
    ("permanence", "Permanence plan", "Is there a plan for permanence, and is it on track?"),
    ("contact", "Contact with family", "Contact with parents, brothers and sisters and others: any changes?"),
    (
        "placement",
        "Placement",
        "Is the placement still the right one, and does it keep the child safe and well?",
    ),
    ("education", "Education", "School, attendance, progress, the PEP and any special educational needs."),
    ("health", "Health", "Latest health assessment, dental, immunisations, emotional health."),
    ("identity", "Identity", "Religion, ethnicity, culture, language; life-story work."),
    ("leisure", "Leisure", "Hobbies, clubs, friends and what the child enjoys."),
    ("leaving_care", "Leaving care arrangements", "Plans for when the child stops being looked after."),
    ("wishes_feelings", "The child's wishes and feelings", "What the child wants the review to know."),
    ("iro_view", "The IRO's view", "Your view on the care plan, and whether anything needs challenging."),
)
SECTION_KEYS = tuple(key for key, _, _ in SECTIONS)
SECTION_LABELS = {key: label for key, label, _ in SECTIONS}

HOW_OBTAINED = {
    "private_conversation": "Private conversation",
    "consultation_form": "Consultation form",
    "advocate": "Through an advocate",
    "app": "App",
    "drawing": "Drawing",
    "observation": "Observation",
}
ATTENDANCE = {"present": "Present", "sent_views": "Sent views", "absent": "Absent", "invited": "Invited"}
DRAFT_FIELDS = ("wish", "decision", "part")  # the add-forms whose typing is kept across a lock
OUTCOME_PLAIN = {"done": "done", "not_done": "not done", "changed": "changed"}


@dataclass(frozen=True)
class AttendanceLine:
    id: int
    part_id: int | None
    person_id: int | None
    name: str
    role: str
    attendance: str


@dataclass(frozen=True)
class PartLine:
    id: int
    label: str
    held_on: date | None
    place: str | None


@dataclass(frozen=True)
class SectionLine:
    key: str
    label: str
    prompt: str
    text: str
    last_time: str  # what the previous held review recorded here, '' when nothing


@dataclass(frozen=True)
class MinuteWish:
    id: int
    words: str
    how_obtained: str
    how_label: str
    agreed_to_share: bool | None  # None until the IRO has asked the child
    recorded_on: date


@dataclass(frozen=True)
class MinuteDecision:
    id: int
    number: int | None
    action: str
    person: str | None
    due: date | None
    section_key: str | None
    wish_id: int | None
    problems: tuple[str, ...]


@dataclass(frozen=True)
class PersonChoice:
    id: int
    name: str
    role: str  # a key of PERSON_ROLES
    role_label: str


@dataclass(frozen=True)
class Warning:
    """A finalising check the IRO may sign past, giving a reason that travels in the signed record."""

    key: str
    text: str


@dataclass(frozen=True)
class Minutes:
    review_id: int
    child_id: int
    child_name: str
    first_name: str
    dob: date
    age: int  # on the review date
    review_date: date | None  # held date, or the planned date until it is held
    held_date: date | None
    planned_date: date | None
    status: str  # a domain.review_states.ReviewState value
    editable: bool  # False once signed, cancelled or recorded elsewhere
    number: int | None
    participation_code: str | None
    participation_label: str
    allowed_codes: tuple[tuple[str, str], ...]  # (code, plain label) fitting the child's age that day
    parts: tuple[PartLine, ...]
    attendance: tuple[AttendanceLine, ...]  # part_id None: the whole review
    people: tuple[PersonChoice, ...]
    sections: tuple[SectionLine, ...]
    wishes: tuple[MinuteWish, ...]
    decisions: tuple[MinuteDecision, ...]
    next_review_date: date | None
    statutory_due: date | None
    next_review_warning: str | None
    problems: tuple[str, ...]  # what stops the record being finalised
    warnings: tuple[Warning, ...] = ()  # what the IRO may sign past, with a reason


# --- reading ------------------------------------------------------------------------------------


def _review_date(review: Review) -> date | None:
    return review.held_date or review.planned_date


def _first_name(child: Child) -> str:
    """How sentences name the child: their first name, or "Child 123456" while the 903 gave them none."""
    if child.preferred_name:
        return child.preferred_name
    return child.display_name if child.last_name == child.child_ref else child.first_name


def _previous_review(s: Session, review: Review) -> Review | None:
    """The last review held before this one, for the 'last time' glance and carry forward."""
    when = _review_date(review) or date.max
    return s.scalars(
        select(Review)
        .where(Review.child_id == review.child_id, Review.id != review.id, Review.held_date.is_not(None))
        .where(Review.held_date <= when)
        .order_by(Review.held_date.desc(), Review.id.desc())
        .limit(1)
    ).first()


def _section_texts(s: Session, review: Review | None) -> dict[str, str]:
    if review is None:
        return {}
    rows = s.execute(
        select(ReviewSection.key, ReviewSection.text).where(ReviewSection.review_id == review.id)
    )
    texts = {key: text or "" for key, text in rows}
    if review.iro_view and not texts.get("iro_view"):
        texts["iro_view"] = review.iro_view  # imported or older reviews keep the view on the review row
    return texts


def statutory_due_after(s: Session, review: Review, rules: tuple) -> tuple[date | None, str]:
    """When the review after this one is due by law (T1-T3, T8-T10), counting this one as held.

    `rules` is (working calendar, timescale settings), read before the transaction opens: reading
    settings inside it would wait on the write lock this transaction holds.
    """
    child = s.get(Child, review.child_id)
    this_date = _review_date(review)
    if this_date is None:
        return None, ""
    earlier = s.scalars(
        select(Review.held_date).where(
            Review.child_id == child.id,
            Review.id != review.id,
            Review.held_date.is_not(None),
            Review.held_date <= this_date,
        )
    ).all()
    facts = facts_on(child, child.periods, [*earlier, this_date], this_date)
    if facts.period is None:
        return None, ""
    cal, settings = rules
    due = next_review_due(care_history(facts, settings), cal, settings)
    return due.statutory_due, due.basis


def _next_review_warning(next_date: date | None, statutory: date | None, basis: str) -> str | None:
    if next_date is None or statutory is None or next_date <= statutory:
        return None
    return (
        f"The next review on {format_date(next_date)} is later than the statutory due date, "
        f"{format_date(statutory)} ({basis})."
    )


def _decision_problems(d: Decision) -> tuple[str, ...]:
    label = f"Decision {d.number}" if d.number else "A decision"
    problems = []
    if not (d.person_responsible or "").strip():
        problems.append(f"{label} has no named person responsible.")
    if d.due_date is None:
        problems.append(f"{label} has no due date.")
    return tuple(problems)


def _allowed_codes(dob: date, when: date | None) -> tuple[tuple[str, str], ...]:
    if when is None:
        return tuple(PARTICIPATION_PLAIN.items())
    return tuple(
        (c, label) for c, label in PARTICIPATION_PLAIN.items() if participation_allowed(c, dob, when)
    )


def _finalising_problems(review: Review, child: Child, decisions: list[MinuteDecision]) -> tuple[str, ...]:
    name = _first_name(child)
    problems = []
    if review.held_date is None:
        problems.append("Enter the date the review was held.")
    if not review.participation_code:
        problems.append(f"Choose how {name} took part in the review (participation code).")
    elif review.held_date and (
        p := participation_problem(review.participation_code, child.dob, review.held_date, name)
    ):
        problems.append(p)
    if review.spoke_alone is None:
        problems.append(f"Record whether you spoke to {name} alone before or at the review.")
    for d in decisions:
        problems.extend(d.problems)
    return tuple(problems)


def _consent_problems(wishes, name: str) -> tuple[str, ...]:
    """The child's words cannot be signed until the IRO has said whether the child agreed to share them."""
    unasked = sum(1 for w in wishes if w.agreed_to_share is None)
    if not unasked:
        return ()
    which = "these words" if unasked == 1 else f"{unasked} of the entries of their words"
    return (f"Say whether {name} agreed to share {which} (the private conversation included).",)


def _finalising_warnings(
    review: Review, child: Child, sections: dict[str, str], attendance: list[Attendance]
) -> tuple[Warning, ...]:
    """What a signed record should not usually lack; the IRO may sign past each with a reason."""
    name, warnings = _first_name(child), []
    matters = [key for key in SECTION_KEYS if key != "iro_view"]
    empty = [SECTION_LABELS[key] for key in matters if not sections.get(key, "").strip()]
    if empty:
        listed = ", ".join(empty)
        warnings.append(
            Warning("empty_sections", f"{len(empty)} of {len(matters)} sections are empty: {listed}.")
        )
    if not sections.get("iro_view", "").strip():
        warnings.append(Warning("no_iro_view", "The IRO's view is empty."))
    whole = [a for a in attendance if a.part_id is None]
    unrecorded = [a.name for a in whole if a.attendance == "invited"]
    if not whole or len(unrecorded) == len(whole):
        warnings.append(Warning("attendance", "Nobody's attendance is recorded."))
    elif unrecorded:
        warnings.append(Warning("attendance", f"Attendance is not recorded for {', '.join(unrecorded)}."))
    if contradiction := _code_against_attendance(review.participation_code, whole, name):
        warnings.append(Warning("participation_attendance", contradiction))
    return tuple(warnings)


def _code_against_attendance(code: str | None, whole: list[Attendance], name: str) -> str | None:
    child = next((a for a in whole if a.role == "child"), None)
    came = child is not None and child.attendance == "present"
    recorded = ATTENDANCE.get(child.attendance, "not recorded").lower() if child else "not recorded"
    if code in ATTENDED_CODES and not came:
        return f"The participation code {code} says {name} came, but the attendance says {recorded}."
    if code in ABSENT_CODES and came:
        return f"The participation code {code} says {name} did not come, but the attendance says present."
    return None


def _rules(store: Store) -> tuple:
    return working_calendar(store), timescale_settings(store)


def minutes(store: Store, review_id: int, today: date) -> Minutes:
    """Everything the minute screen shows for one review, as plain values."""
    rules = _rules(store)
    with store.reading() as s:
        saved_drafts = review_texts.read(s, review_id, review_texts.DRAFTS)
        review = s.scalars(
            select(Review)
            .where(Review.id == review_id)
            .options(
                selectinload(Review.parts),
                selectinload(Review.attendance),
                selectinload(Review.decisions),
            )
        ).one_or_none()
        if review is None:
            raise LookupError(f"No review with id {review_id}")
        child = s.scalars(
            select(Child)
            .where(Child.id == review.child_id)
            .options(
                selectinload(Child.people),
                selectinload(Child.periods).selectinload(PeriodOfCare.episodes),
            )
        ).one()
        when = _review_date(review)
        current, previous = _section_texts(s, review), _section_texts(s, _previous_review(s, review))
        wishes = s.scalars(
            select(WishEntry).where(WishEntry.review_id == review_id).order_by(WishEntry.id)
        ).all()
        decisions = [
            MinuteDecision(
                d.id,
                d.number,
                d.action,
                d.person_responsible,
                d.due_date,
                d.section_key,
                d.wish_id,
                _decision_problems(d),
            )
            for d in sorted(review.decisions, key=lambda d: (d.number or 0, d.id))
        ]
        statutory, basis = statutory_due_after(s, review, rules)
        code = review.participation_code
        return Minutes(
            review_id=review.id,
            child_id=child.id,
            child_name=child.display_name,
            first_name=_first_name(child),
            dob=child.dob,
            age=age_on(child.dob, when or today),
            review_date=when,
            held_date=review.held_date,
            planned_date=review.planned_date,
            status=review.status,
            editable=state_of(review.status) in EDITABLE,
            number=review.number,
            participation_code=code,
            participation_label=PARTICIPATION_PLAIN.get(code or "", ""),
            allowed_codes=_allowed_codes(child.dob, when),
            parts=tuple(PartLine(p.id, p.label, p.held_on, p.place) for p in review.parts),
            attendance=tuple(
                AttendanceLine(a.id, a.part_id, a.person_id, a.name, a.role, a.attendance)
                for a in sorted(review.attendance, key=lambda a: a.id)
            ),
            people=tuple(
                PersonChoice(p.id, p.name, p.role, PERSON_ROLES.get(p.role, p.role))
                for p in sorted(
                    child.people,
                    key=lambda p: (
                        list(PERSON_ROLES).index(p.role) if p.role in PERSON_ROLES else 99,
                        p.name,
                    ),
                )
            ),
            sections=tuple(
                SectionLine(key, label, prompt, current.get(key, ""), previous.get(key, ""))
                for key, label, prompt in SECTIONS
            ),
            wishes=tuple(
                MinuteWish(
                    w.id,
                    w.words,
                    w.how_obtained,
                    HOW_OBTAINED.get(w.how_obtained, w.how_obtained),
                    w.agreed_to_share,
                    w.recorded_on,
                )
                for w in wishes
            ),
            decisions=tuple(decisions),
            next_review_date=review.next_review_date,
            statutory_due=statutory,
            next_review_warning=_next_review_warning(review.next_review_date, statutory, basis),
            problems=_finalising_problems(review, child, decisions)
            + _consent_problems(wishes, _first_name(child))
            + _draft_problems(_draft_texts(saved_drafts)),
            warnings=_finalising_warnings(review, child, current, list(review.attendance)),
        )


DRAFT_NAMES = {"wish": "the child's words", "decision": "a new decision", "part": "a new part of the review"}


def _draft_problems(texts: dict[str, str]) -> tuple[str, ...]:
    """Words typed in an add-form but never added would be lost by finalising: say so first."""
    typed = [DRAFT_NAMES[f] for f, text in texts.items() if text.strip()]
    return tuple(f"You typed {what} but did not add it: add it, or clear the field." for what in typed)


# --- sections -----------------------------------------------------------------------------------


def _check_section_key(key: str) -> None:
    if key not in SECTION_KEYS:
        raise ValueError(f"There is no section called {key!r} in the review record.")


def _write_section(s: Session, review: Review, key: str, text: str) -> None:
    row = s.scalars(
        select(ReviewSection).where(ReviewSection.review_id == review.id, ReviewSection.key == key)
    ).first()
    if row is None:
        s.add(ReviewSection(review_id=review.id, key=key, text=text))
    elif row.text != text:
        row.text = text
    if key == "iro_view" and review.iro_view != text:
        review.iro_view = text  # the review row carries the view too, for the record and the 903 export


def save_section(store: Store, review_id: int, key: str, text: str) -> None:
    """What autosave calls as the IRO types: the whole text of one section, in one short transaction."""
    _check_section_key(key)
    text_limits.fits(text, text_limits.SECTION, f"The section '{SECTION_LABELS[key]}'")
    with store.session() as s:
        _write_section(s, editable(s, review_id), key, text or "")


def carry_forward(store: Store, review_id: int, key: str) -> str:
    """Copy last review's text into an empty section as a starting point; typed text is never overwritten."""
    _check_section_key(key)
    with store.session() as s:
        review = editable(s, review_id)
        if _section_texts(s, review).get(key, "").strip():
            raise Problem("This section already has text; carry forward only fills an empty section.", "key")
        previous = _section_texts(s, _previous_review(s, review)).get(key, "")
        if not previous.strip():
            raise Problem(f"Nothing was recorded under '{SECTION_LABELS[key]}' at the last review.", "key")
        _write_section(s, review, key, previous)
        return previous


# --- dates, parts and attendance ----------------------------------------------------------------


def _check_day(child: Child, day: date, today: date, what: str, field: str) -> None:
    """`today` is the real date (store.clock): a view date never decides what may be saved."""
    name = _first_name(child)
    if day > today:
        raise Problem(f"{what} cannot be in the future: {format_date(day)} is after today.", field)
    if day < child.dob:
        raise Problem(f"{what} cannot be before {name}'s date of birth ({format_date(child.dob)}).", field)


def set_held_date(store: Store, review_id: int, held: date | None) -> None:
    """The day the review was held, which makes it held; clearing it returns it to planned (or adjourned)."""
    today = store.clock.today()
    with store.session() as s:
        review = editable(s, review_id)
        child = s.get(Child, review.child_id)
        if held is not None:
            _check_day(child, held, today, "The review date", "held")
            period = s.get(PeriodOfCare, review.period_id) if review.period_id else None
            if period is not None and held < period.start_date:
                raise Problem(
                    f"The review date cannot be before {_first_name(child)} became looked after "
                    f"on {format_date(period.start_date)}.",
                    "held",
                )
            code = review.participation_code
            if code and (problem := participation_problem(code, child.dob, held, _first_name(child))):
                raise Problem(f"{problem} Change the participation code first.", "held")
            if state_of(review.status) in AHEAD:
                move(review, ReviewState.HELD)
        elif state_of(review.status) is ReviewState.CORRECTING:
            raise Problem("A signed review was held: its date can be corrected, but not cleared.", "held")
        elif state_of(review.status) is ReviewState.HELD:
            move(review, unheld_state(review))
        review.held_date = held


def _check_part(s: Session, review: Review, label: str, held_on: date | None, today: date) -> str:
    label = text_limits.fits((label or "").strip(), text_limits.PART_LABEL, "The part's name")
    if not label:
        raise Problem("Give the part a short name, such as 'With Maja and her carers'.", "label")
    if held_on is not None:
        _check_day(s.get(Child, review.child_id), held_on, today, "A part's date", "held_on")
    return label


def add_part(store: Store, review_id: int, label: str, held_on: date | None, place: str | None) -> int:
    """A review held in parts (docs/RULES.md I6): each part has its own date, place and attendance."""
    with store.session() as s:
        review = editable(s, review_id)
        label = _check_part(s, review, label, held_on, store.clock.today())
        place = text_limits.fits(place, text_limits.NAME, "The place")
        text_limits.room_for(len(review.parts), text_limits.PARTS, "parts")
        position = (
            s.scalar(select(func.max(ReviewPart.position)).where(ReviewPart.review_id == review_id)) or 0
        ) + 1
        part = ReviewPart(
            review_id=review_id,
            position=position,
            label=label,
            held_on=held_on,
            place=(place or "").strip() or None,
        )
        s.add(part)
        s.flush()
        return part.id


def update_part(
    store: Store, review_id: int, part_id: int, label: str, held_on: date | None, place: str | None
) -> None:
    with store.session() as s:
        review = editable(s, review_id)
        part = s.get(ReviewPart, part_id)
        if part is None or part.review_id != review_id:
            raise Problem("That part does not belong to this review.")
        part.label = _check_part(s, review, label, held_on, store.clock.today())
        place = text_limits.fits(place, text_limits.NAME, "The place")
        part.held_on, part.place = held_on, (place or "").strip() or None


def set_attendance(
    store: Store,
    review_id: int,
    part_id: int | None,
    name: str,
    role: str,
    attendance: str,
    person_id: int | None = None,
) -> int:
    """Who was present, sent views or was absent, for the whole review (part_id None) or one part."""
    name = text_limits.fits((name or "").strip(), text_limits.NAME, "The name")
    if not name:
        raise Problem("Enter the name of the person attending.", "name")
    if attendance not in ATTENDANCE:
        raise Problem("Choose present, sent views or absent.", "attendance")
    with store.session() as s:
        review = editable(s, review_id)
        if part_id is not None and (s.get(ReviewPart, part_id) or ReviewPart()).review_id != review_id:
            raise Problem("That part does not belong to this review.")
        in_part = Attendance.part_id.is_(None) if part_id is None else Attendance.part_id == part_id
        same = select(Attendance).where(Attendance.review_id == review_id, in_part)
        same = (
            same.where(Attendance.person_id == person_id)
            if person_id
            else same.where(Attendance.name == name)
        )
        row = s.scalars(same).first()
        if row is None:
            text_limits.room_for(len(review.attendance), text_limits.ATTENDEES, "people in its attendance")
            row = Attendance(review_id=review_id, part_id=part_id, person_id=person_id, name=name, role=role)
            s.add(row)
        row.name, row.role, row.attendance = name, role or "other", attendance
        s.flush()
        return row.id


def set_participation(store: Store, review_id: int, code: str | None) -> None:
    """The PN code (903 rules 440/441): a code that contradicts the child's age that day is refused."""
    code = (code or "").strip().upper() or None
    with store.session() as s:
        review = editable(s, review_id, also=frozenset({ReviewState.IMPORTED}))  # 903 codes may be wrong
        when = _review_date(review)
        if code is not None:
            child = s.get(Child, review.child_id)
            if when is None:
                raise Problem("Enter the review date before choosing a participation code.", "code")
            if problem := participation_problem(code, child.dob, when, _first_name(child)):
                raise Problem(problem, "code")
        review.participation_code = code


# --- wishes and decisions -----------------------------------------------------------------------


def add_wish(
    store: Store, review_id: int, words: str, how_obtained: str, agreed_to_share: bool | None
) -> int:
    """The child's own words, kept as a record of their own (not a paragraph of the minutes)."""
    words = text_limits.fits((words or "").strip(), text_limits.WORDS, "The child's words")
    if not words:
        raise Problem("Write what the child said, in their own words.", "words")
    if how_obtained not in HOW_OBTAINED:
        raise Problem("Choose how the child's words were obtained.", "how_obtained")
    if agreed_to_share is None:
        raise Problem(
            "Say whether the child agreed to share these words: choose yes or no.", "agreed_to_share"
        )
    with store.session() as s:
        review = editable(s, review_id)
        text_limits.room_for(
            s.scalar(select(func.count()).where(WishEntry.review_id == review_id)),
            text_limits.WISHES,
            "entries of the child's words",
        )
        when = _review_date(review) or review.spoke_alone_date
        if when is None:
            raise Problem("Enter the review date before adding the child's words.")
        wish = WishEntry(
            child_id=review.child_id,
            review_id=review_id,
            recorded_on=when,
            words=words,
            how_obtained=how_obtained,
            agreed_to_share=bool(agreed_to_share),
        )
        s.add(wish)
        s.flush()
        return wish.id


def due_in_working_days(store: Store, from_date: date, n: int) -> date:
    """The n-th working day after from_date, on the IRO's working calendar (for 'in 10 working days')."""
    return working_calendar(store).add_working_days(from_date, n)


def _checked_decision(
    s: Session,
    review: Review,
    action: str,
    person: str | None,
    due: date | None,
    section_key: str | None,
    wish_id: int | None,
) -> tuple[str, str]:
    action, person = (action or "").strip(), (person or "").strip()
    text_limits.fits(action, text_limits.ACTION, "The action")
    text_limits.fits(person, text_limits.NAME, "The name of the person responsible")
    if not action:
        raise Problem("Write the action that has been decided.", "action")
    if not person:
        raise Problem("Name the person responsible for this decision.", "person_responsible")
    if due is None:
        raise Problem("Give a due date for this decision.", "due_date")
    when = _review_date(review)
    if when is not None and due < when:
        raise Problem(f"The due date cannot be before the review ({format_date(when)}).", "due_date")
    if section_key is not None:
        _check_section_key(section_key)
    if wish_id is not None:
        wish = s.get(WishEntry, wish_id)
        if wish is None or wish.child_id != review.child_id:
            raise Problem("That wish is not one of this child's.", "wish_id")
    return action, person


def add_decision(
    store: Store,
    review_id: int,
    action: str,
    person_responsible: str | None,
    due_date: date | None,
    section_key: str | None = None,
    wish_id: int | None = None,
) -> int:
    """A SMART decision: an action, a named person and a due date, linked to a section and a wish."""
    with store.session() as s:
        review = editable(s, review_id)
        action, person = _checked_decision(
            s, review, action, person_responsible, due_date, section_key, wish_id
        )
        count = s.scalar(select(func.count()).where(Decision.review_id == review_id))
        text_limits.room_for(count, text_limits.DECISIONS, "decisions")
        number = (s.scalar(select(func.max(Decision.number)).where(Decision.review_id == review_id)) or 0) + 1
        decision = Decision(
            child_id=review.child_id,
            review_id=review_id,
            number=number,
            action=action,
            person_responsible=person,
            due_date=due_date,
            section_key=section_key,
            wish_id=wish_id,
        )
        s.add(decision)
        s.flush()
        return decision.id


def update_decision(
    store: Store,
    decision_id: int,
    action: str,
    person_responsible: str | None,
    due_date: date | None,
    section_key: str | None = None,
    wish_id: int | None = None,
) -> None:
    with store.session() as s:
        decision = s.get(Decision, decision_id)
        if decision is None or decision.review_id is None:
            raise Problem("That decision no longer exists.")
        review = editable(s, decision.review_id)
        action, person = _checked_decision(
            s, review, action, person_responsible, due_date, section_key, wish_id
        )
        decision.action, decision.person_responsible, decision.due_date = action, person, due_date
        decision.section_key, decision.wish_id = section_key, wish_id


def set_next_review_date(store: Store, review_id: int, day: date | None) -> str | None:
    """The next review's date, set at the meeting; returns a warning when it is later than the law allows."""
    rules = _rules(store)
    with store.session() as s:
        review = editable(s, review_id)
        when = _review_date(review)
        if day is not None and when is not None and day <= when:
            raise Problem(f"The next review must come after this one ({format_date(when)}).", "day")
        review.next_review_date = day
        statutory, basis = statutory_due_after(s, review, rules)
        return _next_review_warning(day, statutory, basis)


# --- removing an item entered by mistake --------------------------------------------------------


def _renumber(s: Session, review_id: int) -> None:
    """Number the decisions 1..n again; only unfinalised (so unsigned) reviews ever get here."""
    rows = s.scalars(
        select(Decision).where(Decision.review_id == review_id).order_by(Decision.number, Decision.id)
    ).all()
    for number, decision in enumerate(rows, start=1):
        if decision.number != number:
            decision.number = number


def _own_row(s: Session, model: type, row_id: int, review_id: int, missing: str):
    """The row to remove, checked to belong to this review, which must still be editable."""
    editable(s, review_id)
    row = s.get(model, row_id)
    if row is None or row.review_id != review_id:
        raise Problem(missing)
    return row


def remove_decision(store: Store, review_id: int, decision_id: int) -> None:
    """A decision entered by mistake; one whose outcome is already recorded is history and stays."""
    with store.session() as s:
        decision = _own_row(s, Decision, decision_id, review_id, "That decision is not one of this review's.")
        if decision.status in OUTCOME_PLAIN:
            raise Problem(
                f"Decision {decision.number} is already recorded as {OUTCOME_PLAIN[decision.status]}, "
                "so it stays in the record. Record it as changed if it no longer applies."
            )
        s.delete(decision)
        s.flush()
        _renumber(s, review_id)


def remove_wish(store: Store, review_id: int, wish_id: int) -> None:
    """The child's words entered by mistake; a decision that answered them stays, without the link."""
    with store.session() as s:
        s.delete(_own_row(s, WishEntry, wish_id, review_id, "Those words are not recorded at this review."))


def remove_part(store: Store, review_id: int, part_id: int) -> None:
    """A part entered by mistake, with the attendance recorded for it (it means nothing without the part)."""
    with store.session() as s:
        part = _own_row(s, ReviewPart, part_id, review_id, "That part does not belong to this review.")
        s.execute(delete(Attendance).where(Attendance.part_id == part_id))
        s.delete(part)


def remove_attendance(store: Store, review_id: int, attendance_id: int) -> None:
    """Someone added to the attendance by mistake."""
    with store.session() as s:
        missing = "That person is not in this review's attendance."
        s.delete(_own_row(s, Attendance, attendance_id, review_id, missing))


# --- drafts in the add-forms --------------------------------------------------------------------


def drafts(store: Store, review_id: int) -> dict[str, str]:
    """What was typed in the add-forms but not yet added, kept (encrypted) across a lock or a close."""
    return _draft_texts(review_texts.get(store, review_id, review_texts.DRAFTS))


def _draft_texts(saved) -> dict[str, str]:
    saved = saved if isinstance(saved, dict) else {}
    return {f: str(saved.get(f) or "") for f in DRAFT_FIELDS}


def save_drafts(store: Store, review_id: int, texts: dict[str, str]) -> None:
    """Keep the non-empty drafts; with none left the row goes, so no stale child text lingers."""
    kept = {f: texts[f] for f in DRAFT_FIELDS if (texts.get(f) or "").strip()}
    with store.session() as s:
        editable(s, review_id)
        review_texts.write(s, review_id, review_texts.DRAFTS, kept)
