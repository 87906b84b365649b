"""The inbox of the council's notices (a proposed end of placement, a significant change to the care plan, a
complaint by the child, a request for an early review), each with the date the council needs the IRO's
answer by, counted in working days; and the IRO's answer, queued to go back signed at the next sync."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from iro_desktop.domain.calendar import format_date
from iro_desktop.services.settings import working_calendar
from iro_desktop.store import Store, audit
from iro_desktop.store.models import Child, CouncilNotice
from iro_desktop.sync.protocol import ANSWERS, NOTICE_KINDS

QUEUED, DELIVERED, ELSEWHERE = "queued", "delivered", "elsewhere"
MAX_NOTE = 4000  # the receiver's limit


class AnswerProblem(Exception):
    """An answer that cannot be kept: a plain sentence; nothing was changed."""


@dataclass(frozen=True)
class NoticeLine:
    id: str
    child_id: int
    child_ref: str
    child_name: str
    kind: str  # NOTICE_KINDS' words
    summary: str
    details: str
    raised_on: date
    raised_by: str
    answer_by: date
    working_days_left: int  # to the answer-by date; negative when past it
    answer: str | None  # ANSWERS' words
    answer_note: str
    answered_on: date | None
    state: str  # "open", or QUEUED, DELIVERED, ELSEWHERE
    problem: str | None  # why the answer has not gone yet

    @property
    def is_open(self) -> bool:
        return self.state == "open"

    @property
    def due_words(self) -> str:
        """When the answer is needed, as the IRO reads it."""
        if not self.is_open:
            return (
                f"{self.answer} on {format_date(self.answered_on)}" if self.answered_on else self.answer or ""
            )
        days = self.working_days_left
        when = f"answer by {format_date(self.answer_by)}"
        if days < 0:
            return f"{when}: {-days} working day{'s' if days != -1 else ''} late"
        if days == 0:
            return f"{when}: today"
        return f"{when}: {days} working day{'s' if days != 1 else ''} left"

    @property
    def state_words(self) -> str:
        return {
            "open": "Open",
            QUEUED: "Answered: waiting for the next sync",
            DELIVERED: "Answered: the council has it",
            ELSEWHERE: "Answered from another of your devices",
        }[self.state]


def inbox(
    store: Store, today: date, child_id: int | None = None, open_only: bool = False
) -> list[NoticeLine]:
    """Notices, open ones first by answer-by date, then answered ones newest first."""
    calendar = working_calendar(store)
    with store.reading() as s:
        query = select(CouncilNotice, Child).join(Child, Child.id == CouncilNotice.child_id)
        if child_id is not None:
            query = query.where(CouncilNotice.child_id == child_id)
        if open_only:
            query = query.where(CouncilNotice.answer_state.is_(None))
        rows = s.execute(query).all()
    lines = [_line(n, c, today, calendar) for n, c in rows]
    open_lines = sorted((n for n in lines if n.is_open), key=lambda n: (n.answer_by, n.raised_on, n.id))
    answered = sorted(
        (n for n in lines if not n.is_open), key=lambda n: n.answered_on or n.raised_on, reverse=True
    )
    return open_lines + answered


def _line(n: CouncilNotice, child: Child, today: date, calendar) -> NoticeLine:
    return NoticeLine(
        n.id,
        child.id,
        child.child_ref,
        child.display_name,
        NOTICE_KINDS.get(n.kind, n.kind),
        n.summary,
        n.details or "",
        n.raised_on,
        n.raised_by or "",
        n.answer_by,
        calendar.working_days_between(today, n.answer_by),
        ANSWERS.get(n.answer or "", n.answer),
        n.answer_note or "",
        n.answered_on,
        n.answer_state or "open",
        n.answer_problem,
    )


def open_counts(store: Store) -> Counter:
    """Open notices by child id: the caseload's "what is outstanding"."""
    with store.reading() as s:
        query = select(CouncilNotice.child_id).where(CouncilNotice.answer_state.is_(None))
        return Counter(s.scalars(query))


def answer(store: Store, notice_id: str, kind: str, note: str, today: date) -> None:
    """Keep the IRO's answer and queue it for the council; AnswerProblem if it cannot be."""
    note = note.strip()
    if kind not in ANSWERS:
        raise AnswerProblem("Choose an answer: " + ", ".join(a.lower() for a in ANSWERS.values()) + ".")
    if kind == "concern" and not note:
        raise AnswerProblem("Say what your concern is in the note: the council needs it to act.")
    if len(note) > MAX_NOTE:
        raise AnswerProblem(f"The note is {len(note):,} characters; the council takes at most {MAX_NOTE:,}.")
    with store.session() as s:
        notice = s.get(CouncilNotice, notice_id)
        if notice is None:
            raise AnswerProblem("This notice is no longer on this laptop.")
        if notice.answer_state is not None:
            raise AnswerProblem("This notice has been answered already.")
        notice.answer, notice.answer_note, notice.answered_on = kind, note, today
        notice.answer_state, notice.answer_problem = QUEUED, None
        ref = s.get(Child, notice.child_id).child_ref
    audit.record(store, "notice answered", subject=ref, detail=ANSWERS[kind])


def queued(store: Store) -> list[tuple[str, dict]]:
    """Answers waiting to go: (notice id, the body the receiver takes)."""
    with store.reading() as s:
        rows = s.scalars(select(CouncilNotice).where(CouncilNotice.answer_state == QUEUED))
        return [
            (
                n.id,
                {"answer": n.answer, "note": n.answer_note or "", "answered_on": n.answered_on.isoformat()},
            )
            for n in rows
        ]


def delivered(store: Store, notice_id: str, receipt: bytes) -> None:
    with store.session() as s:
        notice = s.get(CouncilNotice, notice_id)
        if notice is not None:
            notice.answer_state, notice.answer_receipt, notice.answer_problem = DELIVERED, receipt, None


def not_delivered(store: Store, notice_id: str, why: str) -> None:
    with store.session() as s:
        notice = s.get(CouncilNotice, notice_id)
        if notice is not None:
            notice.answer_problem = why
