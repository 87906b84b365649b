"""A refused input that knows which field it is about, so a dialog can show the sentence at that field.

It is a ValueError, so anything that already shows a ValueError's sentence (the Autosaver) still works.
"""

from __future__ import annotations

from datetime import date

from iro_desktop.domain.calendar import format_date
from iro_desktop.store.models import Child


class FieldProblem(ValueError):
    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field  # the service's parameter name, e.g. "on" or "reason"


def existing_child(s, child_id: int) -> Child:
    """The child in this session, or a plain refusal when they are no longer in the store."""
    child = s.get(Child, child_id)
    if child is None:
        raise FieldProblem("That child is no longer in the caseload.")
    return child


def not_before_birth(child: Child, day: date, field: str) -> None:
    if day < child.dob:
        raise FieldProblem(
            f"The date cannot be before {child.display_name} was born ({format_date(child.dob)}).", field
        )
