"""A refused input that knows which field it is about, so a dialog can show the sentence at that field.

It is a ValueError, so anything that already shows a ValueError's sentence (the Autosaver) still works.
"""

from __future__ import annotations


class FieldProblem(ValueError):
    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field  # the service's parameter name, e.g. "on" or "reason"
