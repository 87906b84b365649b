"""The IRO's monitoring between reviews (docs/RULES.md M1): a call, a visit, a midway review, as notes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from iro_desktop.domain.calendar import format_date
from iro_desktop.problems import Problem
from iro_desktop.services import text_limits
from iro_desktop.services.problems import existing_child, not_before_birth
from iro_desktop.store import Store
from iro_desktop.store.models import MonitoringNote

KINDS = {
    "contact": "Contact with the social worker or carers",
    "visit": "Visit to the child",
    "midway_review": "Midway review",
    "other": "Other",
}


@dataclass(frozen=True)
class NoteLine:
    id: int
    noted_on: date
    kind: str  # the plain label
    text: str


def add_note(store: Store, child_id: int, noted_on: date | None, kind: str, text: str) -> int:
    text = text_limits.fits((text or "").strip(), text_limits.SECTION, "The note", "text")
    today = store.clock.today()
    if kind not in KINDS:
        raise Problem("Choose what kind of note this is.", "kind")
    if noted_on is None:
        raise Problem("Enter the date of the contact.", "noted_on")
    if noted_on > today:
        raise Problem(f"The date cannot be in the future (today is {format_date(today)}).", "noted_on")
    if not text:
        raise Problem("Write what happened: the note is empty.", "text")
    with store.session() as s:
        not_before_birth(existing_child(s, child_id), noted_on, "noted_on")
        note = MonitoringNote(child_id=child_id, noted_on=noted_on, kind=kind, text=text)
        s.add(note)
        s.flush()
        return note.id


def notes(store: Store, child_id: int) -> list[NoteLine]:
    """Newest first; notes of one day, the last written first."""
    with store.reading() as s:
        return note_lines(s, child_id)


def note_lines(s, child_id: int) -> list[NoteLine]:
    """The same, inside a session the caller already holds (the child's page reads everything in one)."""
    rows = s.scalars(
        select(MonitoringNote)
        .where(MonitoringNote.child_id == child_id)
        .order_by(MonitoringNote.noted_on.desc(), MonitoringNote.id.desc())
    ).all()
    return [NoteLine(n.id, n.noted_on, KINDS.get(n.kind, n.kind), n.text) for n in rows]
