"""Removing an item entered by mistake from the minute: a decision, the child's words, a part, a person.

A mixin for MinutePage (it supplies the tables, the model and _refresh). Each removal names the item and asks
first, with No the default; the service refuses on a finalised review or a decision with an outcome.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QLabel, QMessageBox, QPushButton, QTableWidget

from iro_desktop.gui.forms import find
from iro_desktop.problems import Problem
from iro_desktop.services import minutes as svc


def short(text: str, n: int = 60) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


class RemovalMixin:
    def _build_removal(self) -> None:
        """A Remove button beside each list, and the Delete key on the list, both asking first."""
        for table, button, remove in (
            (self.parts_table, "removePartButton", self.remove_part),
            (self.attendance_table, "removeAttendeeButton", self.remove_attendee),
            (self.wishes_table, "removeWishButton", self.remove_wish),
            (self.decisions_table, "removeDecisionButton", self.remove_decision),
        ):
            find(self, QPushButton, button).clicked.connect(remove)
            table.itemSelectionChanged.connect(self._enable_removal)
            shortcut = QShortcut(QKeySequence(Qt.Key.Key_Delete), table)
            shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)  # not while a cell is being edited
            shortcut.activated.connect(remove)

    @staticmethod
    def _selected_row(table: QTableWidget) -> int | None:
        rows = table.selectionModel().selectedRows()
        return rows[0].row() if rows else None

    def _selected_attendee(self) -> int | None:
        """The attendance id of the selected person, if they were added by hand (the child's people stay)."""
        r = self._selected_row(self.attendance_table)
        item = self.attendance_table.item(r, 0) if r is not None else None
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None

    def _enable_removal(self) -> None:
        editable = self.model.editable
        for table, button in (
            (self.parts_table, "removePartButton"),
            (self.wishes_table, "removeWishButton"),
            (self.decisions_table, "removeDecisionButton"),
        ):
            find(self, QPushButton, button).setEnabled(editable and self._selected_row(table) is not None)
        find(self, QPushButton, "removeAttendeeButton").setEnabled(
            editable and self._selected_attendee() is not None
        )

    def _confirm(self, title: str, question: str) -> bool:
        """Yes or No, with No the default: Enter alone never removes anything."""
        box = QMessageBox(QMessageBox.Icon.Question, title, question, parent=self)
        box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
        box.setDefaultButton(QMessageBox.StandardButton.No)
        box.setEscapeButton(QMessageBox.StandardButton.No)
        answer = box.exec()
        box.deleteLater()
        return answer == QMessageBox.StandardButton.Yes

    def _remove(self, title: str, question: str, remove, message: str) -> None:
        if not self._confirm(title, question):
            return
        label = find(self, QLabel, message)
        try:
            remove()
        except Problem as exc:
            label.setText(str(exc))
            return
        label.clear()
        self._refresh()

    def remove_decision(self) -> None:
        r = self._selected_row(self.decisions_table)
        if r is None:
            return
        d = self.model.decisions[r]
        question = f"Remove decision {d.number}: {short(d.action)}?" if d.number else f"Remove {d.action}?"
        remove = lambda: svc.remove_decision(self.store, self.review_id, d.id)  # noqa: E731
        self._remove("Remove decision", question, remove, "decisionMessage")

    def remove_wish(self) -> None:
        r = self._selected_row(self.wishes_table)
        if r is None:
            return
        w = self.model.wishes[r]
        question = f"Remove these words: \u201c{short(w.words)}\u201d?"
        linked = [str(d.number) for d in self.model.decisions if d.wish_id == w.id]
        if linked:
            which = "Decision " + " and ".join(linked)
            question += f"\n\n{which} answered them; it stays, without the link."
        remove = lambda: svc.remove_wish(self.store, self.review_id, w.id)  # noqa: E731
        self._remove("Remove the child's words", question, remove, "wishMessage")

    def remove_part(self) -> None:
        r = self._selected_row(self.parts_table)
        if r is None:
            return
        p = self.model.parts[r]
        question = f"Remove the part \u201c{short(p.label)}\u201d?"
        people = sum(1 for a in self.model.attendance if a.part_id == p.id)
        if people:
            noun = "person" if people == 1 else "people"
            question += f"\n\nThe attendance recorded for it ({people} {noun}) goes with it."
        remove = lambda: svc.remove_part(self.store, self.review_id, p.id)  # noqa: E731
        self._remove("Remove part", question, remove, "partMessage")

    def remove_attendee(self) -> None:
        attendance_id = self._selected_attendee()
        if attendance_id is None:
            return
        name = self.attendance_table.item(self._selected_row(self.attendance_table), 0).text()
        question = f"Remove {name} from the attendance?"
        remove = lambda: svc.remove_attendance(self.store, self.review_id, attendance_id)  # noqa: E731
        self._remove("Remove person", question, remove, "attendanceMessage")
