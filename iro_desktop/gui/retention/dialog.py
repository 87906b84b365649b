"""Tools > Retention and handover: children whose retention date has come, and receiving a handover."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
)

from iro_desktop.domain.calendar import format_date
from iro_desktop.gui.appearance import set_tone
from iro_desktop.gui.forms import find, load_into
from iro_desktop.gui.retention.confirm import confirm_removal
from iro_desktop.services import retention
from iro_desktop.store import Store


def _fill(table: QTableWidget, lines: list[retention.RetentionLine], empty: str) -> None:
    table.setRowCount(max(len(lines), 1))
    table.clearSpans()
    if not lines:
        table.setItem(0, 0, QTableWidgetItem(empty))
        table.setSpan(0, 0, 1, table.columnCount())
    for row, line in enumerate(lines):
        cells = (line.child_ref, line.name, format_date(line.dob), line.until_text)
        for col, text in enumerate(cells):
            table.setItem(row, col, QTableWidgetItem(text))


class RetentionDialog(QDialog):
    def __init__(self, store: Store, as_of: date, parent=None) -> None:
        """Lists the children due as of `as_of`, the day the window shows; removes only on a real today."""
        super().__init__(parent)
        load_into(self, "retention_dialog.ui")
        self._store, self.as_of = store, as_of
        self.due: list[retention.RetentionLine] = []
        self.due_table = find(self, QTableWidget, "dueTable")
        self.next_table = find(self, QTableWidget, "nextTable")
        self.remove_button = find(self, QPushButton, "removeButton")
        self.message = find(self, QLabel, "messageLabel")
        self.years = find(self, QSpinBox, "yearsSpin")
        self.after_death = find(self, QSpinBox, "afterDeathSpin")
        for table in (self.due_table, self.next_table):
            table.verticalHeader().hide()
            table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
            table.horizontalHeader().setStretchLastSection(True)
        self.due_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.years.setValue(retention.retention_years(store))
        self.years.valueChanged.connect(self._years_changed)
        self.after_death.setValue(retention.years_after_death(store))
        self.after_death.valueChanged.connect(self._after_death_changed)
        self.due_table.itemSelectionChanged.connect(self._selection_changed)
        self.remove_button.clicked.connect(self.remove_selected)
        find(self, QPushButton, "receiveButton").clicked.connect(self.receive)
        find(self, QDialogButtonBox, "buttons").rejected.connect(self.reject)
        self.refresh()

    def refresh(self) -> None:
        self.due = retention.children_past_retention(self._store, self.as_of)
        _fill(self.due_table, self.due, "No child has reached their retention date.")
        upcoming = retention.next_due(self._store, self.as_of)
        _fill(self.next_table, upcoming, "No children in this store.")
        self._selection_changed()

    def _years_changed(self, years: int) -> None:
        retention.set_retention_years(self._store, years)  # the spin box keeps it within the allowed ages
        self.refresh()

    def _after_death_changed(self, years: int) -> None:
        retention.set_years_after_death(self._store, years)
        self.refresh()

    def selected(self) -> retention.RetentionLine | None:
        rows = self.due_table.selectionModel().selectedRows()
        return self.due[rows[0].row()] if rows and rows[0].row() < len(self.due) else None

    def _selection_changed(self) -> None:
        self.remove_button.setEnabled(self.selected() is not None)

    def _say(self, text: str, problem: bool = False) -> None:
        set_tone(self.message, "problem" if problem else None)
        self.message.setText(text)

    def remove_selected(self) -> None:
        line = self.selected()
        why = f"Their retention date, {format_date(line.until) if line else ''}, has come."
        if line is None or not confirm_removal(self, line.first_name, line.child_ref, why):
            return
        try:
            retention.remove_child(self._store, line.child_id, "retention date reached", as_of=self.as_of)
        except retention.RemovalRefused as exc:
            self._say(str(exc), problem=True)
            return
        self._say(f"{line.child_ref} was removed from this store.")
        self.refresh()

    def receive(self) -> None:
        from iro_desktop.gui.retention.handover import ReceiveHandoverDialog

        dialog = ReceiveHandoverDialog(self._store, self)
        dialog.exec()
        if dialog.received_ref:
            self._say(f"{dialog.received_ref} was added to your caseload.")
            self.refresh()
