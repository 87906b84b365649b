"""The one exception type for a sentence meant for the IRO, importable from every layer (no Qt).

Only a Problem's text reaches the screen: any other exception is a fault in iro-desktop or a library, whose
text may hold anything (a path, an SQL statement, a child's name), so the GUI shows a plain sentence instead.
"""

from __future__ import annotations


class Problem(Exception):
    """A refusal or failure worded for the IRO: str(problem) is shown as it is.

    `field` names the input it is about (the service's parameter name, e.g. "on" or "reason"), so a dialog
    can show the sentence beside that field; "" when it is about no one field.
    """

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field
