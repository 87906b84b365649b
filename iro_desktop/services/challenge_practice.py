"""The IRO's notes of positive practice, for the annual report. Caseload-wide and about practice, not
about a child, so they stay one setting."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from iro_desktop.problems import Problem
from iro_desktop.services.challenges import check_day, concern_text
from iro_desktop.store import Store

PRACTICE_KEY = "challenges.positive_practice"


@dataclass(frozen=True)
class PracticeNote:
    on: date
    text: str


def practice_notes(store: Store) -> list[PracticeNote]:
    return [
        PracticeNote(date.fromisoformat(n["on"]), n["text"])
        for n in store.get_setting(PRACTICE_KEY, []) or []
    ]


def add_practice_note(store: Store, on: date | None, text: str) -> None:
    """Positive practice the IRO chose to note, for the annual report."""
    check_day(on, "practice_on", store.clock.today(), "of the good practice")
    if not concern_text(text):
        raise Problem("Write what went well: the note is empty.", "practice")
    notes = store.get_setting(PRACTICE_KEY, []) or []
    store.set_setting(PRACTICE_KEY, [*notes, {"on": on.isoformat(), "text": concern_text(text)}])
