"""Every concern across the caseload (open ones by default), laid out in ui/challenges_view.ui.

Each row shows the stage, who holds the concern and when a response is due; a response not in by its date
says "Response overdue" in words and in the caseload's overdue colours. The rules live in
services.challenges, so this list, the child's page and the caseload's summary strip agree.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QCheckBox,
    QDateEdit,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from iro_desktop.domain.calendar import format_date
from iro_desktop.domain.timescales import Status
from iro_desktop.gui.appearance import text_colour
from iro_desktop.gui.caseload.model import STATUS_COLOURS
from iro_desktop.gui.challenges.dialog import ChallengeDialog
from iro_desktop.gui.challenges.ladder import DrpLadderDialog
from iro_desktop.gui.challenges.summary import ChallengeSummary
from iro_desktop.gui.forms import find, load_into
from iro_desktop.services import challenge_facts
from iro_desktop.store import Store

LATE_FG, LATE_BG = STATUS_COLOURS[Status.OVERDUE]
_CLOSED_FG = STATUS_COLOURS[Status.NOT_LOOKED_AFTER][0]


def _day(d: date | None) -> str:
    return format_date(d) if d else ""


class ChallengesView(QWidget):
    child_opened = Signal(int)  # Child.id
    changed = Signal()  # a concern was saved: the caseload's counts should reload

    def __init__(self, store: Store, today: date, parent=None) -> None:
        super().__init__(parent)
        load_into(self, "challenges_view.ui")
        self._store, self.today = store, today
        self.rows: list[challenge_facts.ChallengeFacts] = []
        self.dialog = None  # the dialog open now, for tests and to keep it alive
        self.table: QTableWidget = find(self, QTableWidget, "table")
        self.asOf: QDateEdit = find(self, QDateEdit, "asOf")  # noqa: N815 (form name)
        self.showClosed: QCheckBox = find(self, QCheckBox, "showClosed")  # noqa: N815 (form name)
        self.asOf.setDate(QDate(today))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.asOf.dateChanged.connect(lambda d: self.set_as_of(d.toPython()))
        self.showClosed.toggled.connect(lambda _: self.refresh())
        self.table.doubleClicked.connect(lambda _: self.progress())
        find(self, QPushButton, "openChildButton").clicked.connect(self.open_child)
        find(self, QPushButton, "progressButton").clicked.connect(self.progress)
        find(self, QPushButton, "summaryButton").clicked.connect(self.open_summary)
        find(self, QPushButton, "ladderButton").clicked.connect(self.open_ladder)
        self.refresh()

    def set_as_of(self, day: date) -> None:
        self.today = day
        if self.asOf.date().toPython() != day:
            self.asOf.setDate(QDate(day))
        self.refresh()

    def refresh(self) -> None:
        load = (
            challenge_facts.all_challenges if self.showClosed.isChecked() else challenge_facts.open_challenges
        )
        self.rows = load(self._store, self.today)
        self.table.setRowCount(len(self.rows))
        for r, row in enumerate(self.rows):
            cells = [
                f"{row.child_name} ({row.child_ref})",
                row.issue,
                _day(row.raised_on),
                row.stage,
                row.holder,
                _day(row.sent_on),
                _day(row.response_due),
                row.status,
                row.cafcass,
            ]
            for c, text in enumerate(cells):
                self.table.setItem(r, c, self._cell(text, row, c))
        self.table.resizeRowsToContents()
        overdue = sum(1 for row in self.rows if row.overdue)
        shown = "concerns" if self.showClosed.isChecked() else "open concerns"
        find(self, QLabel, "countLabel").setText(
            f"{len(self.rows)} {shown} as of {format_date(self.today)}; {overdue} with a response overdue."
        )

    def _cell(self, text: str, row: challenge_facts.ChallengeFacts, column: int) -> QTableWidgetItem:
        item = QTableWidgetItem(text)
        item.setData(Qt.ItemDataRole.UserRole, row.id)
        item.setToolTip(row.details if column == 1 else text)
        if row.overdue and column in (6, 7):
            item.setForeground(QBrush(QColor(LATE_FG)))
            item.setBackground(QBrush(QColor(LATE_BG)))
            font = QFont()
            font.setBold(True)
            item.setFont(font)
        elif not row.open:
            item.setForeground(QBrush(QColor(text_colour(_CLOSED_FG))))
        return item

    def selected(self) -> challenge_facts.ChallengeFacts | None:
        rows = self.table.selectionModel().selectedRows()
        return self.rows[rows[0].row()] if rows else None

    def select_challenge(self, challenge_id: int) -> None:
        for r, row in enumerate(self.rows):
            if row.id == challenge_id:
                self.table.selectRow(r)

    def open_child(self) -> None:
        row = self.selected()
        if row is not None:
            self.child_opened.emit(row.child_id)

    def progress(self) -> None:
        row = self.selected()
        if row is None:
            return
        self.dialog = ChallengeDialog(self._store, row.child_id, self.today, self, challenge_id=row.id)
        self.dialog.saved.connect(self._after_save)
        self.dialog.show()

    def open_summary(self) -> None:
        self.dialog = ChallengeSummary(self._store, self.today, self)
        self.dialog.show()

    def open_ladder(self) -> None:
        self.dialog = DrpLadderDialog(self._store, self)
        self.dialog.accepted.connect(self.refresh)
        self.dialog.show()

    def _after_save(self) -> None:
        self.refresh()
        self.changed.emit()
