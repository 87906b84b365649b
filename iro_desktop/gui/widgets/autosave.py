"""Autosave: every edit reaches the store within about a second, with no Save button.

Watch a field with `autosaver.watch(widget, save)`: each change restarts a short timer for that field,
and when the IRO pauses, `save(value)` runs (one short transaction in the service). `flush()` saves
whatever is pending at once: call it before closing, locking or moving to another page. A date field
(OptionalDateEdit) saves when the IRO commits it (Enter, or leaving it), never half-typed. A refused save
says why through `failed`: a Problem's own sentence, or for any other error a plain one (gui.problems).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QDate, QObject, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QDateEdit,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QTextEdit,
    QTimeEdit,
    QWidget,
)

from iro_desktop.gui.problems import sentence_for
from iro_desktop.gui.widgets.optional_date import OptionalDateEdit

DEBOUNCE_MS = 700  # long enough to batch a burst of typing, short enough to lose at most a second


def value_of(widget: QWidget):
    """The field's value as the services take it: text, a date, a bool, or a combo's data.

    A date field with text that is not a date raises a Problem with the sentence to show.
    """
    if isinstance(widget, OptionalDateEdit):
        return widget.date()
    if isinstance(widget, QPlainTextEdit):
        return widget.toPlainText()
    if isinstance(widget, QTextEdit):
        return widget.toPlainText()
    if isinstance(widget, QLineEdit):
        return widget.text()
    if isinstance(widget, QDateEdit):
        qd: QDate = widget.date()
        return None if qd == widget.minimumDate() else qd.toPython()  # minimum date stands for "not set"
    if isinstance(widget, QTimeEdit):
        return widget.time().toString("HH:mm")
    if isinstance(widget, QComboBox):
        data = widget.currentData()
        return widget.currentText() if data is None else data
    if isinstance(widget, QSpinBox):
        return widget.value()
    if isinstance(widget, QAbstractButton):
        return widget.isChecked()
    raise TypeError(f"Autosave cannot read a {type(widget).__name__}")


def _changed_signal(widget: QWidget):
    if isinstance(widget, OptionalDateEdit):
        return widget.committed
    if isinstance(widget, QPlainTextEdit | QTextEdit):
        return widget.textChanged
    if isinstance(widget, QLineEdit):
        return widget.textEdited
    if isinstance(widget, QDateEdit | QTimeEdit):
        return widget.dateChanged if isinstance(widget, QDateEdit) else widget.timeChanged
    if isinstance(widget, QComboBox):
        return widget.currentIndexChanged
    if isinstance(widget, QSpinBox):
        return widget.valueChanged
    if isinstance(widget, QAbstractButton):
        return widget.toggled
    raise TypeError(f"Autosave cannot watch a {type(widget).__name__}")


class Autosaver(QObject):
    saved = Signal(QWidget)  # after a field's value reached the store
    failed = Signal(QWidget, str)  # the value was not saved: the sentence says why; the text stays

    def __init__(self, parent: QObject | None = None, delay_ms: int = DEBOUNCE_MS) -> None:
        super().__init__(parent)
        self._delay = delay_ms
        self._timers: dict[QWidget, QTimer] = {}
        self._savers: dict[QWidget, Callable] = {}

    def watch(self, widget: QWidget, save: Callable[[object], None]) -> None:
        timer = QTimer(self)
        timer.setSingleShot(True)
        timer.setInterval(self._delay)
        timer.timeout.connect(lambda w=widget: self._save(w))
        self._timers[widget] = timer
        self._savers[widget] = save
        if isinstance(widget, OptionalDateEdit):  # committed already: no typing pause to wait for
            widget.committed.connect(lambda *_: (timer.stop(), self._save(widget)))
            return
        _changed_signal(widget).connect(lambda *_: timer.start())

    def pending(self) -> bool:
        return any(t.isActive() for t in self._timers.values())

    def flush(self) -> None:
        for widget, timer in list(self._timers.items()):
            if timer.isActive():
                timer.stop()
                self._save(widget)

    def _save(self, widget: QWidget) -> None:
        try:
            self._savers[widget](value_of(widget))  # a date field's bad text refuses here, too
        except Exception as exc:  # whatever failed, the IRO must hear that it was not saved
            self.failed.emit(
                widget, sentence_for(exc)
            )  # the text stays in the field; the next edit tries again
            return
        self.saved.emit(widget)
