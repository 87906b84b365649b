"""One field for a date that may be empty: typed the way people write dates, or picked from a calendar.

Empty shows a placeholder (never a stand-in date such as 1 Jan 1900). Typing `7/12/26`, `7 Dec 2026`,
`07-12-2026`, `2026-12-07` or `t` (today) works; a field may offer more one-letter days (`p`, the planned
date). The value is committed when the IRO presses Enter or leaves the field, never keystroke by keystroke:
`committed` fires then, and `date()` gives the value (or raises a Problem with a sentence for text that
is not a date, so an autosave shows it at the field). Esc puts back the last committed value. Alt+Down or
F4 opens the calendar, on the current value, else the field's starting date, else today. Tab leaves.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from PySide6.QtCore import QDate, QEvent, Qt, Signal
from PySide6.QtGui import QAction, QIcon, QKeyEvent
from PySide6.QtWidgets import QCalendarWidget, QLineEdit, QMenu, QStyle, QToolButton, QWidget, QWidgetAction

from iro_desktop.clock import system_clock
from iro_desktop.domain.calendar import format_date
from iro_desktop.problems import Problem

HINT = "Type a date such as 7 Dec 2026 or 7/12/26 (t for today)"
_NUMERIC = re.compile(r"^(\d{1,2})\s*[/.\-\s]\s*(\d{1,2})\s*[/.\-\s]\s*(\d{2}|\d{4})$")
_WORDS = ("%d %b %Y", "%d %B %Y", "%d %b %y", "%d %B %y", "%Y-%m-%d")


def parse_typed_date(text: str, days: dict[str, date]) -> date | None:
    """The date typed, None for nothing typed; a Problem with a sentence for anything else.

    `days` maps one-letter words ("t", "p") to the days they stand for.
    """
    text = " ".join(text.split()).strip(" ,")
    if not text:
        return None
    word = text.casefold()
    if word in days or (word == "today" and "t" in days):
        return days["t" if word == "today" else word]
    if match := _NUMERIC.match(text):
        day, month, year = (int(g) for g in match.groups())
        year += 2000 if year < 100 else 0
        try:
            return date(year, month, day)
        except ValueError:
            raise Problem(f"There is no {text}: check the day and month. {HINT}.") from None
    for pattern in _WORDS:
        try:
            return datetime.strptime(text.title(), pattern).date()  # "7 dec 2026" as "7 Dec 2026"
        except ValueError:
            continue
    raise Problem(f"“{text}” is not a date. {HINT}.")


class OptionalDateEdit(QLineEdit):
    committed = Signal(object)  # the date (or None), once the IRO presses Enter or leaves the field

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setPlaceholderText("Not set")
        self.setToolTip(f"{HINT}. Alt+Down opens a calendar.")
        self._days: dict[str, date] = {"t": system_clock().today()}
        self._start: date | None = None
        self._committed_text = ""
        self._calendar_action = QAction(self._calendar_icon(), "Choose from a calendar", self)
        self._calendar_action.triggered.connect(self.open_calendar)
        self.addAction(self._calendar_action, QLineEdit.ActionPosition.TrailingPosition)
        for button in self.findChildren(QToolButton):  # the action's button, for the mouse only
            button.setAccessibleName("Choose from a calendar")
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.editingFinished.connect(self._commit)

    # --- the value ------------------------------------------------------------------------------

    def date(self) -> date | None:
        """The date in the field; a Problem (a sentence to show) when the text is not a date, naming this
        field (its object name) so the form can show it here."""
        try:
            return parse_typed_date(self.text(), self._days)
        except Problem as problem:
            raise Problem(str(problem), self.objectName()) from None

    def set_date(self, day: date | None) -> None:
        """Show a stored value; this is not an edit, so nothing is committed."""
        self._committed_text = format_date(day) if day else ""
        self.setText(self._committed_text)

    def set_today(self, today: date) -> None:
        """The real date `t` stands for (the store's clock, never a date the screen is viewed as of)."""
        self._days["t"] = today

    def set_day_word(self, letter: str, day: date | None) -> None:
        """Another one-letter day for this field, such as `p` for the planned date."""
        if day is None:
            self._days.pop(letter, None)
        else:
            self._days[letter] = day

    def set_calendar_start(self, day: date | None) -> None:
        """Where the calendar opens while the field is empty (the planned date, say)."""
        self._start = day

    def commit_date(self, day: date | None) -> None:
        """Put a date in as if typed and committed (a button that fills the field)."""
        self.setText(format_date(day) if day else "")
        self._commit(force=True)

    # --- keys and the calendar --------------------------------------------------------------------

    @staticmethod
    def _opens_calendar(event: QKeyEvent) -> bool:
        down = event.key() == Qt.Key.Key_Down and event.modifiers() & Qt.KeyboardModifier.AltModifier
        return bool(down) or event.key() == Qt.Key.Key_F4

    def event(self, event: QEvent) -> bool:
        """Alt+Down and F4 belong to the field while it has focus, before any shortcut of the page."""
        if event.type() == QEvent.Type.ShortcutOverride and self._opens_calendar(event):
            event.accept()
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt override)
        if self._opens_calendar(event):
            self.open_calendar()
            return
        if event.key() == Qt.Key.Key_Escape and self.text() != self._committed_text:
            self.setText(self._committed_text)  # back to what was saved, as Esc does elsewhere
            return
        super().keyPressEvent(event)

    def open_calendar(self) -> None:
        if self.isReadOnly() or not self.isEnabled():
            return
        menu = QMenu(self)
        calendar = QCalendarWidget(menu)
        calendar.setAccessibleName(f"Calendar for {self.accessibleName() or 'the date'}")
        calendar.setGridVisible(True)
        calendar.setSelectedDate(QDate(self._opening_day()))
        calendar.clicked.connect(lambda q: (menu.close(), self.commit_date(q.toPython())))
        calendar.activated.connect(lambda q: (menu.close(), self.commit_date(q.toPython())))
        holder = QWidgetAction(menu)
        holder.setDefaultWidget(calendar)
        menu.addAction(holder)
        calendar.setFocus()
        menu.exec(self.mapToGlobal(self.rect().bottomLeft()))
        menu.deleteLater()

    def _opening_day(self) -> date:
        try:
            typed = self.date()
        except Problem:
            typed = None
        return typed or self._start or self._days["t"]

    def _commit(self, force: bool = False) -> None:
        """Tidy a valid date into its usual form; announce it if it changed since the last commit."""
        try:
            day = self.date()
        except Problem:
            self.committed.emit(None)  # the page asks date(), which gives the sentence to show
            return
        text = format_date(day) if day else ""
        if text != self.text():
            self.setText(text)
        if force or text != self._committed_text:
            self._committed_text = text
            self.committed.emit(day)

    def _calendar_icon(self) -> QIcon:
        return self.style().standardIcon(QStyle.StandardPixmap.SP_FileDialogDetailedView)
