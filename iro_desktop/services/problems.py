"""The services' checks that refuse with a Problem (iro_desktop.problems) naming its field."""

from __future__ import annotations

from datetime import date

from iro_desktop.domain.calendar import format_date
from iro_desktop.problems import Problem
from iro_desktop.store.models import Child


def existing_child(s, child_id: int) -> Child:
    """The child in this session, or a plain refusal when they are no longer in the store."""
    child = s.get(Child, child_id)
    if child is None:
        raise Problem("That child is no longer in the caseload.")
    return child


def not_before_birth(child: Child, day: date, field: str) -> None:
    if day < child.dob:
        raise Problem(
            f"The date cannot be before {child.display_name} was born ({format_date(child.dob)}).", field
        )
