"""The one way a screen shows a problem beside its field, and the one rule for what an error may say.

`show_problem(label, message, field)`: the sentence in the label under the field, coloured as a problem
(and bold, so colour is never the only sign); the field carries the sentence as its accessible description,
so a screen reader reads it with the field, and takes the focus. `clear_problem` undoes all three.

`sentence_for(exc)`: only a Problem's text reaches the screen. Any other exception's text may hold anything
(a path, an SQL statement, a child's name), so it is logged (the log keeps type and frames, never the text)
and the IRO reads a plain sentence instead.
"""

from __future__ import annotations

import logging

from PySide6.QtWidgets import QLabel, QWidget

from iro_desktop.gui.appearance import set_tone
from iro_desktop.problems import Problem

SAVE_FAULT = (
    "This could not be saved because of an error in iro-desktop. Nothing was changed: what you typed is "
    "still here. If it happens again, use Help > Report a problem."
)
_FIELD_KINDS = ("Edit", "Combo", "Check", "Spin", "List")
_OWN_DESCRIPTION = "descriptionWithoutProblem"  # the field's description from before the problem, to restore


def sentence_for(exc: BaseException, fault: str = SAVE_FAULT) -> str:
    """A Problem's own sentence; for anything else `fault`, with the error logged."""
    if isinstance(exc, Problem) and str(exc):
        return str(exc)
    logging.getLogger("iro_desktop.gui").error(
        "An unexpected error was shown as a plain sentence", exc_info=(type(exc), exc, exc.__traceback__)
    )
    return fault


def field_under(form: QWidget, label: QLabel) -> QWidget | None:
    """The field a problem label belongs to, by the forms' naming: "kindProblem" is under "kindCombo"."""
    stem = label.objectName().removesuffix("Problem")
    for kind in _FIELD_KINDS:
        if field := form.findChild(QWidget, stem + kind):
            return field
    return None


def show_problem(label: QLabel, message: str, field: QWidget | None = None, focus: bool = True) -> None:
    """Show `message` in `label` (under `field`); the field describes it to screen readers and, unless
    `focus` is False (a second problem on the same form), takes the focus."""
    label.setText(message)
    set_tone(label, "problem")
    label.show()
    if field is None:
        return
    if field.property(_OWN_DESCRIPTION) is None:
        field.setProperty(_OWN_DESCRIPTION, field.accessibleDescription())
    field.setAccessibleDescription(message)
    if focus:
        field.setFocus()


def clear_problem(label: QLabel, field: QWidget | None = None, hide: bool = True) -> None:
    """Take a shown problem away: the label emptied (and hidden unless `hide` is False), the field's own
    description back."""
    label.clear()
    if hide:
        label.hide()
    if field is not None:
        restore_description(field)


def restore_description(field: QWidget) -> None:
    """The field's own accessible description back, where a problem had taken its place."""
    if (own := field.property(_OWN_DESCRIPTION)) is not None:
        field.setAccessibleDescription(own)
        field.setProperty(_OWN_DESCRIPTION, None)
