"""The council inbox (View > Council inbox, Ctrl+2), laid out in ui/council_inbox.ui.

Notices: every notice the council's feed brought, open ones first by the date the answer is needed by, with
the selected one's details beneath and Answer... to answer it. Differences: each detail of a child the
council holds differently from the IRO's record, with the council's value and the IRO's, to take the
council's or keep their own. In both lists Enter or a double-click opens the child's page, as on the
caseload. The rules live in services.notices and services.council_details; this only shows and asks.
"""

from __future__ import annotations

from datetime import date
from html import escape

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QTextBrowser,
    QWidget,
)

from iro_desktop.domain.calendar import format_date
from iro_desktop.domain.timescales import Status
from iro_desktop.gui.appearance import table_cell
from iro_desktop.gui.caseload.model import STATUS_COLOURS
from iro_desktop.gui.council.answer import NoticeAnswerDialog
from iro_desktop.gui.forms import find, load_into
from iro_desktop.services import council_details, notices
from iro_desktop.services.council_details import DifferenceLine, SettleProblem
from iro_desktop.services.notices import NoticeLine
from iro_desktop.store import Store

LATE_FG, LATE_BG = STATUS_COLOURS[Status.OVERDUE]
SOON_FG, SOON_BG = STATUS_COLOURS[Status.DUE_10WD]
DONE_FG = STATUS_COLOURS[Status.NOT_LOOKED_AFTER][0]
_OPEN_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


def due_cell(n: NoticeLine) -> QTableWidgetItem:
    """When the answer is needed, in words; late in the overdue colours, due within 3 working days amber."""
    if not n.is_open:
        return table_cell(n.due_words, fg=DONE_FG)
    if n.working_days_left < 0:
        return table_cell(n.due_words, fg=LATE_FG, bg=LATE_BG, bold=True)
    if n.working_days_left <= 3:
        return table_cell(n.due_words, fg=SOON_FG, bg=SOON_BG, bold=True)
    return table_cell(n.due_words)


def notice_cells(n: NoticeLine, with_child: bool = True) -> list[QTableWidgetItem]:
    cells = [table_cell(f"{n.child_name} ({n.child_ref})")] if with_child else []
    state = table_cell(n.state_words, n.problem or n.state_words, fg=None if n.is_open else DONE_FG)
    return [*cells, table_cell(n.kind), table_cell(n.summary, n.details or n.summary), due_cell(n), state]


def difference_cells(d: DifferenceLine, with_child: bool = True) -> list[QTableWidgetItem]:
    cells = [table_cell(f"{d.child_name} ({d.child_ref})")] if with_child else []
    return [
        *cells,
        table_cell(d.about),
        table_cell(d.field),
        table_cell(d.council_value),
        table_cell(d.your_value),
    ]


def notice_details(n: NoticeLine) -> str:
    """The selected notice in full, as rich text: what, about whom, from whom, by when, and any answer."""
    parts = [
        f"<p><b>{escape(n.kind)}</b> · {escape(n.child_name)} ({escape(n.child_ref)})</p>",
        f"<p>{escape(n.summary)}</p>",
    ]
    if n.details:
        parts.append(f"<p>{escape(n.details)}</p>")
    by = f" by {escape(n.raised_by)}" if n.raised_by else ""
    parts.append(f"<p>Raised on {format_date(n.raised_on)}{by}; {escape(n.due_words)}.</p>")
    if not n.is_open:
        note = f" Your note: “{escape(n.answer_note)}”" if n.answer_note else ""
        parts.append(f"<p><b>{escape(n.state_words)}.</b>{note}</p>")
    if n.problem:
        parts.append(f"<p>Not sent yet: {escape(n.problem)}</p>")
    return "".join(parts)


def fill(table: QTableWidget, rows: list[list[QTableWidgetItem]], empty: str) -> None:
    """The rows, or one line saying there are none (selecting it does nothing)."""
    table.clearContents()
    table.clearSpans()
    table.setRowCount(max(len(rows), 1))
    if not rows:
        table.setItem(0, 0, table_cell(empty, fg=DONE_FG))
        table.setSpan(0, 0, 1, table.columnCount())
    for r, cells in enumerate(rows):
        for c, cell in enumerate(cells):
            table.setItem(r, c, cell)
    table.resizeRowsToContents()


class CouncilInbox(QWidget):
    child_opened = Signal(int)  # Child.id
    changed = Signal()  # an answer or a settled difference: the caseload's counts should reload

    def __init__(self, store: Store, today: date, parent=None) -> None:
        super().__init__(parent)
        load_into(self, "council_inbox.ui")
        self._store, self.today = store, today
        self.notices: list[NoticeLine] = []
        self.differences: list[DifferenceLine] = []
        self.dialog: NoticeAnswerDialog | None = None  # the dialog open now, for tests
        self.tabs: QTabWidget = find(self, QTabWidget, "tabs")
        self.notices_table: QTableWidget = find(self, QTableWidget, "noticesTable")
        self.differences_table: QTableWidget = find(self, QTableWidget, "differencesTable")
        self.details: QTextBrowser = find(self, QTextBrowser, "detailsText")
        self._refit = QTimer(self, singleShot=True, interval=0)
        self._refit.timeout.connect(self._fit_rows)
        for table in (self.notices_table, self.differences_table):
            header = table.horizontalHeader()
            header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
            header.sectionResized.connect(self._refit.start)  # wrapped summaries: heights follow widths
            table.installEventFilter(self)  # Enter opens the child, as on the caseload
            table.itemDoubleClicked.connect(lambda *_: self.open_child())
            table.itemSelectionChanged.connect(self._selected)
        summary = self.notices_table.horizontalHeader()
        summary.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        summary.setStretchLastSection(False)
        self._button("answerButton").clicked.connect(self.answer)
        self._button("noticeChildButton").clicked.connect(self.open_child)
        self._button("differenceChildButton").clicked.connect(self.open_child)
        self._button("useCouncilButton").clicked.connect(lambda: self.settle(council_details.TAKE_COUNCIL))
        self._button("keepMineButton").clicked.connect(lambda: self.settle(council_details.KEEP_YOURS))
        self.refresh()

    def _fit_rows(self) -> None:
        for table in (self.notices_table, self.differences_table):
            table.resizeRowsToContents()

    def _button(self, name: str) -> QPushButton:
        return find(self, QPushButton, name)

    # --- showing ---------------------------------------------------------------------------------

    def refresh(self, notice_id: str | None = None) -> None:
        """Reload both lists, keeping (or choosing) the notice `notice_id` selected."""
        kept = notice_id or (n.id if (n := self.selected_notice()) else None)
        self.notices = notices.inbox(self._store, self.today)
        self.differences = council_details.open_differences(self._store)
        fill(self.notices_table, [notice_cells(n) for n in self.notices], "No notices from the council.")
        fill(
            self.differences_table,
            [difference_cells(d) for d in self.differences],
            "Nothing differs: your record agrees with the council's details.",
        )
        opened = sum(1 for n in self.notices if n.is_open)
        late = sum(1 for n in self.notices if n.is_open and n.working_days_left < 0)
        find(self, QLabel, "noticesCount").setText(
            f"{opened} open, {late} late, as of {format_date(self.today)}; "
            f"{len(self.notices) - opened} answered."
        )
        find(self, QLabel, "differencesCount").setText(
            f"{len(self.differences)} to settle. Use the council's puts their value in your record; "
            "Keep mine leaves your record as it is. Either way the line goes."
        )
        self.tabs.setTabText(0, f"&Notices ({opened} open)")
        self.tabs.setTabText(1, f"&Differences ({len(self.differences)})")
        ids = [n.id for n in self.notices]
        if ids:  # the notice kept, else the most urgent: its details show and Answer... acts on it at once
            self.notices_table.selectRow(ids.index(kept) if kept in ids else 0)
        if self.differences:
            self.differences_table.selectRow(0)
        self._selected()

    def selected_notice(self) -> NoticeLine | None:
        rows = self.notices_table.selectionModel().selectedRows()
        return self.notices[rows[0].row()] if rows and rows[0].row() < len(self.notices) else None

    def selected_difference(self) -> DifferenceLine | None:
        rows = self.differences_table.selectionModel().selectedRows()
        found = self.differences
        return found[rows[0].row()] if rows and rows[0].row() < len(found) else None

    def _selected(self) -> None:
        n, d = self.selected_notice(), self.selected_difference()
        self.details.setHtml(notice_details(n) if n else "<p>Choose a notice to read it in full.</p>")
        answer = self._button("answerButton")
        answer.setEnabled(n is not None and n.is_open)
        answer.setToolTip(
            "This notice has been answered" if n and not n.is_open else "Answer the selected notice"
        )
        self._button("noticeChildButton").setEnabled(n is not None)
        for name in ("useCouncilButton", "keepMineButton", "differenceChildButton"):
            self._button(name).setEnabled(d is not None)

    # --- acting ----------------------------------------------------------------------------------

    def _current(self) -> NoticeLine | DifferenceLine | None:
        on_notices = self.tabs.currentIndex() == 0
        return self.selected_notice() if on_notices else self.selected_difference()

    def open_child(self) -> None:
        line = self._current()
        if line is not None:
            self.child_opened.emit(line.child_id)

    def answer(self) -> None:
        n = self.selected_notice()
        if n is None or not n.is_open:
            return
        self.dialog = NoticeAnswerDialog(self._store, n, self)
        self.dialog.accepted.connect(lambda: self._answered(n.id))
        self.dialog.finished.connect(lambda *_: self.notices_table.setFocus(Qt.FocusReason.OtherFocusReason))
        self.dialog.open()

    def _answered(self, notice_id: str) -> None:
        self.refresh(notice_id)
        self.changed.emit()

    def settle(self, take: str) -> None:
        d = self.selected_difference()
        if d is None:
            return
        row = self.differences_table.currentRow()
        try:
            council_details.settle(self._store, d.id, take)
        except SettleProblem as exc:
            find(self, QLabel, "differencesCount").setText(str(exc))
            return
        self.refresh()
        if self.differences:  # the line that took its place, so several can be settled in a row
            self.differences_table.selectRow(min(row, len(self.differences) - 1))
        self.differences_table.setFocus(Qt.FocusReason.OtherFocusReason)
        self.changed.emit()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        if event.type() == QEvent.Type.KeyPress and event.key() in _OPEN_KEYS:
            if watched in (self.notices_table, self.differences_table):
                table = watched
                if not table.selectionModel().hasSelection() and table.currentRow() >= 0:
                    table.selectRow(table.currentRow())
                self.open_child()
                return True
        return super().eventFilter(watched, event)
