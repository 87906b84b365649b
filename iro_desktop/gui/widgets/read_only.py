"""A form shown read-only (a signed review): its text can still be read, scrolled and copied, but nothing
offers to change it, and fields that cannot be typed in look it (the window's colour, not a white box)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QAbstractButton, QAbstractSpinBox, QComboBox, QLineEdit, QPlainTextEdit, QWidget


def show_editable(
    root: QWidget, editable: bool, skip: Callable[[QWidget], bool], allowed: Callable[[QWidget], bool]
) -> None:
    """Every control under `root` but those `skip` names: editable when `editable`, or when `allowed` says
    this one may change anyway (an imported review's participation code)."""
    for widget in root.findChildren(QWidget):
        if skip(widget):
            continue
        may = editable or allowed(widget)
        if isinstance(widget, QPlainTextEdit | QLineEdit):
            widget.setReadOnly(not may)
            widget.setPalette(QPalette() if may else _greyed(widget))
        elif isinstance(widget, QComboBox | QAbstractButton | QAbstractSpinBox):
            widget.setEnabled(may)


def _greyed(widget: QWidget) -> QPalette:
    palette = QPalette(widget.palette())
    palette.setColor(QPalette.ColorRole.Base, palette.color(QPalette.ColorRole.Window))
    return palette
