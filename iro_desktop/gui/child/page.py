"""One child's page, laid out in ui/child_page.ui and filled from services.child.load_child.

It shows what the store holds as of a date; anything late says so in words as well as colour. Between
reviews the IRO records here what happened to decisions, monitoring notes, an early review or an
adjournment, and gives a review from the council's 903 data the participation code it lacks: each through a
small dialog (gui/child/dialogs.py) whose service does the work.
"""

from __future__ import annotations

from datetime import date
from html import escape

from PySide6.QtCore import QEvent, QObject, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QDialog,
    QFrame,
    QGroupBox,
    QHeaderView,
    QLabel,
    QMenu,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from iro_desktop.domain.calendar import format_date
from iro_desktop.domain.review_states import ReviewState
from iro_desktop.domain.timescales import Status, timing_words
from iro_desktop.gui.appearance import set_tone, table_cell
from iro_desktop.gui.caseload.model import STATUS_COLOURS
from iro_desktop.gui.child.dialogs import (
    AdjournReviewDialog,
    DecisionStatusDialog,
    EarlyReviewDialog,
    MonitoringNoteDialog,
    ParticipationCodeDialog,
)
from iro_desktop.gui.council.answer import NoticeAnswerDialog
from iro_desktop.gui.council.inbox import difference_cells, notice_cells
from iro_desktop.gui.forms import find, load_into
from iro_desktop.gui.retention.confirm import confirm_removal
from iro_desktop.services import deallocation, decisions, notices, review_dates
from iro_desktop.services.child import ChildPageDecision, ChildRecord, ReviewLine, load_child
from iro_desktop.services.council_details import (
    KEEP_YOURS,
    TAKE_COUNCIL,
    SettleProblem,
    open_differences,
    settle,
)
from iro_desktop.services.notices import QUEUED
from iro_desktop.services.retention import RemovalRefused
from iro_desktop.store import Store

_LATE_FG, _LATE_BG = STATUS_COLOURS[Status.OVERDUE]
_OK_FG = STATUS_COLOURS[Status.ON_TRACK][0]
_NONE = "None recorded"
# Columns of free text that share the spare width and wrap; the rest fit their contents.
_WRAPPED = {
    "peopleTable": (0, 1, 2),
    "placementsTable": (2, 3, 4),
    "reviewsTable": (2, 5),
    "decisionsTable": (1, 5),
    "challengesTable": (0,),
    "councilNoticesTable": (1,),
    "councilDifferencesTable": (0,),
}

CODE_NEEDED = "Code needed"  # an imported review whose PN code was left out: it cannot go back to the council
_CODE_NEEDED_TIP = (
    "Taken from the council's 903 data without a participation code, so the 903 export leaves it out. "
    "Select it and choose Set participation code."
)
_SET_CODE_TIPS = (
    "Select a review from the council's 903 data first; a review minuted here takes its code in the review",
    "Give this review from the council's 903 data its participation code (PN0 to PN7), so it goes back to "
    "the council",
)

_DECISION_BUTTONS = {"doneButton": "done", "notDoneButton": "not_done", "changedButton": "changed"}
_OPEN_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


def _day(d: date | None) -> str:
    return format_date(d) if d else ""


def _fit(table: QTableWidget) -> None:
    """Make a table exactly as tall as its rows: the page scrolls, not each table."""
    table.resizeRowsToContents()
    height = table.horizontalHeader().sizeHint().height() + 2 * table.frameWidth()
    height += sum(table.rowHeight(r) for r in range(table.rowCount()))
    table.setFixedHeight(height)


def _fill(table: QTableWidget, rows: list[list[QTableWidgetItem]]) -> None:
    table.clearContents()
    table.clearSpans()
    table.setRowCount(max(len(rows), 1))
    if not rows:
        table.setItem(0, 0, table_cell(_NONE, fg="#555555"))
        table.setSpan(0, 0, 1, table.columnCount())
    for r, cells in enumerate(rows):
        for c, item in enumerate(cells):
            table.setItem(r, c, item)
    _fit(table)


def _review_date(r: ReviewLine) -> str:
    if r.held:
        return format_date(r.held)
    return f"{format_date(r.planned)} (planned)" if r.planned else "Not booked yet"


def _participation(r: ReviewLine) -> QTableWidgetItem:
    """The code and its meaning; an imported review without one says so in words, and in bold."""
    if r.needs_code:
        return table_cell(CODE_NEEDED, _CODE_NEEDED_TIP, fg=_LATE_FG, bold=True)
    return table_cell(r.participation or ("Not recorded" if r.held else ""), r.participation)


def _state(r: ReviewLine) -> QTableWidgetItem:
    """Where the review stands; one from an earlier period of care says so, the period in its tooltip."""
    if not r.period:
        return table_cell(r.state_words, r.state_words)
    short = r.period.split(" (")[0].lower()  # "earlier period of care", "outside any period of care"
    return table_cell(f"{r.state_words} ({short})", f"{r.state_words}. {r.period}.")


def can_set_code(r: ReviewLine | None) -> bool:
    """Only a review recorded elsewhere (903 data) takes its participation code from the child's page."""
    return r is not None and r.state is ReviewState.IMPORTED


def _timing(r: ReviewLine) -> QTableWidgetItem:
    """On time or late, for a review that has met; nothing for one still ahead or cancelled."""
    if r.held is None:
        return table_cell("")
    if r.on_time is None:
        return table_cell("Not judged", "The start of this review cycle is not recorded")
    if r.on_time:
        return table_cell("On time", fg=_OK_FG)
    days = "day" if r.days_late == 1 else "days"
    return table_cell(f"Late by {r.days_late} {days}", fg=_LATE_FG, bold=True)


class ChildPage(QWidget):
    back_requested = Signal()
    prepare_review_requested = Signal(int)  # the child's id: the lead opens the review pack
    record_changed = Signal()  # something was saved here: the caseload should reload
    raise_concern_requested = Signal(int)  # the child's id: the lead opens the challenge dialog
    concern_about_requested = Signal(int, str)  # the child's id and what it is about ("decision 3 of ...")
    child_removed = Signal(int)  # the child's id: handed over or removed from this store
    open_review_requested = Signal(int)  # a Review id from the Reviews table: the window shows that review

    def __init__(self, store: Store, child_id: int, today: date, parent=None) -> None:
        super().__init__(parent)
        load_into(self, "child_page.ui")
        self._store, self.child_id, self.today = store, child_id, today
        self.record: ChildRecord | None = None
        self.backButton: QPushButton = find(self, QPushButton, "backButton")  # noqa: N815 (form name)
        self.backButton.clicked.connect(self.back_requested)
        self._shortcuts_installed = False
        self._refit = QTimer(self, singleShot=True, interval=0)
        self._refit.timeout.connect(self._fit_tables)
        self.dialog: QDialog | None = None  # the dialog open now, if any
        self._setup_tables()
        self._connect_actions()
        self.refresh()

    def refresh(self) -> None:
        kept = self.selected_review() if self.record else None  # still selected afterwards: keys keep working
        self.record = load_child(self._store, self.child_id, self.today)
        self._show_identity()
        self._show_next_review()
        self._show_care()
        self._show_people()
        self._show_reviews(kept.id if kept else None)
        self._show_decisions()
        self._show_wishes()
        self._show_monitoring()
        self._show_challenges()
        self._show_council()

    # --- between reviews ---------------------------------------------------------------------

    def _button(self, name: str) -> QPushButton:
        return find(self, QPushButton, name)

    def _connect_actions(self) -> None:
        prepare = self._button("prepareButton")
        prepare.clicked.connect(lambda: self.prepare_review_requested.emit(self.child_id))
        for name, mode in _DECISION_BUTTONS.items():
            self._button(name).clicked.connect(lambda _=False, m=mode: self.change_decision(m))
        self._button("reopenButton").clicked.connect(self.reopen_decision)
        self._button("decisionConcernButton").clicked.connect(self._concern_about_decision)
        self._button("addNoteButton").clicked.connect(self.add_note)
        self._button("earlyReviewButton").clicked.connect(self.request_early_review)
        self._button("cancelEarlyButton").clicked.connect(self.cancel_early_review)
        self._button("adjournButton").clicked.connect(self.adjourn_review)
        self._button("handoverButton").clicked.connect(self.hand_over)
        raise_concern = self._button("raiseConcernButton")
        raise_concern.clicked.connect(lambda: self.raise_concern_requested.emit(self.child_id))
        table = find(self, QTableWidget, "decisionsTable")
        table.itemSelectionChanged.connect(self._decision_selected)
        table.itemDoubleClicked.connect(lambda *_: self._open_default_decision_action())
        self._connect_reviews()
        self._connect_council()

    def selected_decision(self) -> ChildPageDecision | None:
        rows = find(self, QTableWidget, "decisionsTable").selectionModel().selectedRows()
        decisions = self.record.decisions if self.record else ()
        return decisions[rows[0].row()] if rows and rows[0].row() < len(decisions) else None

    def _decision_selected(self) -> None:
        d = self.selected_decision()
        for name in _DECISION_BUTTONS:
            self._button(name).setEnabled(d is not None and d.open)
        self._button("reopenButton").setEnabled(d is not None and not d.open)
        self._button("decisionConcernButton").setEnabled(d is not None)

    def _concern_about_decision(self) -> None:
        d = self.selected_decision()
        if d is not None:
            self.concern_about_requested.emit(self.child_id, f"decision {d.number}: {d.action}")

    def _open_default_decision_action(self) -> None:
        d = self.selected_decision()
        if d is not None and d.open:
            self.change_decision("done")

    def _show_dialog(self, dialog: QDialog) -> None:
        """Open it without blocking; a save refreshes the page and tells the window."""
        self.dialog = dialog
        dialog.accepted.connect(self._saved)
        dialog.finished.connect(lambda *_: dialog.deleteLater())
        dialog.open()

    def _saved(self) -> None:
        self.refresh()
        self.record_changed.emit()

    def change_decision(self, mode: str) -> None:
        d = self.selected_decision()
        if d is not None:
            self._show_dialog(DecisionStatusDialog(self._store, d, mode, self.today, self))

    def reopen_decision(self) -> None:
        d = self.selected_decision()
        if d is not None:
            decisions.reopen(self._store, d.id)
            self._saved()

    def add_note(self) -> None:
        self._show_dialog(MonitoringNoteDialog(self._store, self.child_id, self.today, self))

    def request_early_review(self) -> None:
        self._show_dialog(EarlyReviewDialog(self._store, self.child_id, self.today, self))

    def cancel_early_review(self) -> None:
        review_dates.cancel_early_review(self._store, self.child_id)
        self._saved()

    def adjourn_review(self) -> None:
        n = self.record.next_review
        if n.open_review_id is not None:
            self._show_dialog(AdjournReviewDialog(self._store, n.open_review_id, n.booked, self.today, self))

    def hand_over(self) -> None:
        from iro_desktop.gui.retention.handover import HandoverDialog

        dialog = HandoverDialog(self._store, self.child_id, self)
        dialog.removed.connect(self.child_removed)  # the window drops this page and reloads the caseload
        dialog.rejected.connect(self._show_standing)  # closed, child kept: a handover file may now exist
        self.dialog = dialog
        dialog.finished.connect(lambda *_: dialog.deleteLater())
        dialog.open()

    # --- from the council: notices to answer, differences to settle, a deallocation ---------------------

    def _connect_council(self) -> None:
        self._button("councilAnswerButton").clicked.connect(self.answer_notice)
        self._button("councilUseButton").clicked.connect(lambda: self.settle_difference(TAKE_COUNCIL))
        self._button("councilKeepButton").clicked.connect(lambda: self.settle_difference(KEEP_YOURS))
        self._button("deallocHandoverButton").clicked.connect(self.hand_over)
        self._button("removeButton").clicked.connect(self.remove_deallocated)
        for name in ("councilNoticesTable", "councilDifferencesTable"):
            find(self, QTableWidget, name).itemSelectionChanged.connect(self._council_selected)

    def _show_council(self) -> None:
        """This child's notices not yet with the council and open differences; hidden when there are none."""
        self.council_notices = [
            n for n in notices.inbox(self._store, self.today, self.child_id) if n.state in ("open", QUEUED)
        ]
        self.council_differences = open_differences(self._store, self.child_id)
        parts = (
            (self.council_notices, "councilNoticesTable", ("councilAnswerButton",), notice_cells),
            (
                self.council_differences,
                "councilDifferencesTable",
                ("councilUseButton", "councilKeepButton"),
                difference_cells,
            ),
        )
        for lines, table_name, buttons, cells in parts:  # each list with its buttons, or neither
            table = find(self, QTableWidget, table_name)
            _fill(table, [cells(line, with_child=False) for line in lines])
            if lines:  # the first chosen, so its buttons act at once
                table.selectRow(0)
            table.setVisible(bool(lines))
            for name in buttons:
                self._button(name).setVisible(bool(lines))
        find(self, QGroupBox, "councilBox").setVisible(bool(self.council_notices or self.council_differences))
        self._council_selected()
        self._show_standing()

    def _selected_line(self, table_name: str, lines: list):
        rows = find(self, QTableWidget, table_name).selectionModel().selectedRows()
        return lines[rows[0].row()] if rows and rows[0].row() < len(lines) else None

    def _council_selected(self) -> None:
        n = self._selected_line("councilNoticesTable", self.council_notices)
        self._button("councilAnswerButton").setEnabled(n is not None and n.is_open)
        d = self._selected_line("councilDifferencesTable", self.council_differences)
        for name in ("councilUseButton", "councilKeepButton"):
            self._button(name).setEnabled(d is not None)

    def answer_notice(self) -> None:
        n = self._selected_line("councilNoticesTable", self.council_notices)
        if n is not None and n.is_open:
            dialog = NoticeAnswerDialog(self._store, n, self)
            dialog.finished.connect(lambda *_: self._button("councilAnswerButton").setFocus())
            self._show_dialog(dialog)

    def settle_difference(self, take: str) -> None:
        d = self._selected_line("councilDifferencesTable", self.council_differences)
        if d is None:
            return
        try:
            settle(self._store, d.id, take)
        except SettleProblem as exc:
            self._label("deallocLabel").setText(str(exc))
            return
        self._saved()
        table = find(self, QTableWidget, "councilDifferencesTable")
        (table if table.isVisible() else find(self, QScrollArea, "scroll")).setFocus()

    def _show_standing(self) -> None:
        """A child the council deallocated: a banner saying what still keeps them here, and the way out."""
        self.standing = deallocation.standing(self._store, self.child_id)
        banner = find(self, QFrame, "deallocBanner")
        banner.setVisible(self.standing is not None)
        if self.standing is not None:
            self._label("deallocLabel").setText(self.standing.words)
            set_tone(self._label("deallocLabel"), "warning")

    def remove_deallocated(self) -> None:
        """Ask, then remove; a refusal is said in the banner in the service's own words."""
        i = self.record.identity
        why = "The council has deallocated this child from you."
        if not confirm_removal(self, i.name, i.child_ref, why):
            return
        try:
            deallocation.remove(self._store, self.child_id, self.today)
        except RemovalRefused as exc:
            label = self._label("deallocLabel")
            label.setText(str(exc))
            set_tone(label, "problem")
            return
        self.child_removed.emit(self.child_id)

    # --- reviews: any of them opens, in whatever state -------------------------------------------

    def _connect_reviews(self) -> None:
        # Kept: the event filter below sees every event the table receives.
        self._reviews = table = find(self, QTableWidget, "reviewsTable")
        table.itemSelectionChanged.connect(self._review_selected)
        table.itemDoubleClicked.connect(lambda *_: self.open_selected_review())
        # Enter is caught here, not left to `activated`, which macOS does not emit for it.
        table.installEventFilter(self)
        table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        table.customContextMenuRequested.connect(self._show_review_menu)
        self._button("openReviewButton").clicked.connect(self.open_selected_review)
        self._button("setCodeButton").clicked.connect(self.set_participation_code)

    def selected_review(self) -> ReviewLine | None:
        rows = self._reviews.selectionModel().selectedRows()
        reviews = self.record.reviews if self.record else ()
        return reviews[rows[0].row()] if rows and rows[0].row() < len(reviews) else None

    def _review_selected(self) -> None:
        review = self.selected_review()
        self._button("openReviewButton").setEnabled(review is not None)
        set_code = self._button("setCodeButton")
        set_code.setEnabled(can_set_code(review))
        set_code.setToolTip(_SET_CODE_TIPS[can_set_code(review)])

    def set_participation_code(self) -> None:
        """A review from the 903 data gets its PN code in a small dialog; OK saves and refreshes the page."""
        review = self.selected_review()
        if can_set_code(review):
            self._show_dialog(ParticipationCodeDialog(self._store, review.id, self.today, self))

    def open_selected_review(self) -> None:
        review = self.selected_review()
        if review is not None:  # the "None recorded" row opens nothing
            self.open_review_requested.emit(review.id)

    def review_menu(self, at: QPoint) -> QMenu | None:
        """The right-click menu for the review at `at` (viewport coordinates), or None off any review."""
        table = self._reviews
        index = table.indexAt(at)
        if index.isValid():
            table.selectRow(index.row())
        if self.selected_review() is None:
            return None
        menu = QMenu(table)
        menu.setAccessibleName("Review choices")
        menu.addAction("&Open review", self.open_selected_review)
        set_code = menu.addAction("Set participation &code…", self.set_participation_code)
        set_code.setEnabled(can_set_code(self.selected_review()))
        return menu

    def _show_review_menu(self, at: QPoint) -> None:
        menu = self.review_menu(at)
        if menu is not None:
            menu.exec(self._reviews.viewport().mapToGlobal(at))
            menu.deleteLater()

    def _select_current_review(self) -> None:
        """Tab lands on a row without selecting it: select it, so its buttons (and their keys) work."""
        table = self._reviews
        row = table.currentIndex().row()
        if self.selected_review() is None and 0 <= row < len(self.record.reviews if self.record else ()):
            table.selectRow(row)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        table = self._reviews
        if watched is table and event.type() == QEvent.Type.FocusIn:
            QTimer.singleShot(0, self, self._select_current_review)  # once the table has its current row
        if watched is table and event.type() == QEvent.Type.KeyPress and event.key() in _OPEN_KEYS:
            self._select_current_review()
            if self.selected_review() is not None:
                self.open_selected_review()
                return True
        return super().eventFilter(watched, event)

    # --- keys -------------------------------------------------------------------------------

    def showEvent(self, event) -> None:  # noqa: N802 (Qt override)
        super().showEvent(event)
        if not self._shortcuts_installed:
            self._install_back_shortcuts()
        # Land keyboard users on the record (arrows and Page Down scroll it; Esc goes back), not nowhere.
        if not self.isAncestorOf(QApplication.focusWidget()):
            find(self, QScrollArea, "scroll").setFocus(Qt.FocusReason.OtherFocusReason)

    def _install_back_shortcuts(self) -> None:
        """Esc and Alt+Left go back. A window that already binds one of them (the main window's
        "Back to caseload" action) keeps it: two bindings for one key would make Qt fire neither."""
        taken = {seq.toString() for a in self.window().findChildren(QAction) for seq in a.shortcuts()}
        for key in ("Esc", "Alt+Left"):
            if QKeySequence(key).toString() not in taken:
                shortcut = QShortcut(QKeySequence(key), self, self.back_requested.emit)
                shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self._shortcuts_installed = True

    # --- sections ---------------------------------------------------------------------------

    def _setup_tables(self) -> None:
        for table in self._tables():
            table.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
            table.verticalHeader().setMinimumSectionSize(table.fontMetrics().height() + 8)
            header = table.horizontalHeader()
            header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
            header.setStretchLastSection(True)
            # Wrapped text needs new row heights whenever the columns change width; wait until the
            # layout has settled, or rows keep the heights of some narrower, intermediate width.
            header.sectionResized.connect(self._refit.start)
        # Long free text wraps in its own column instead of widening the table.
        for name, columns in _WRAPPED.items():
            header = find(self, QTableWidget, name).horizontalHeader()
            for col in columns:
                header.setSectionResizeMode(col, QHeaderView.ResizeMode.Stretch)

    def _tables(self) -> list[QTableWidget]:
        return self.findChildren(QTableWidget)

    def _fit_tables(self) -> None:
        for table in self._tables():
            _fit(table)

    def _label(self, name: str) -> QLabel:
        return find(self, QLabel, name)

    def _show_identity(self) -> None:
        i = self.record.identity
        self._label("nameLabel").setText(i.name)
        self._label("subtitleLabel").setText(
            f"{i.child_ref} · {i.age} years old · as of {format_date(self.today)}"
        )
        values = {
            "fullNameValue": f"{i.first_name} {i.last_name}",
            "preferredValue": i.preferred_name or "Not recorded",
            "childIdValue": i.child_ref,
            "dobValue": f"{format_date(i.dob)} (age {i.age})",
            "sexValue": i.sex or "Not recorded",
            "ethnicityValue": i.ethnicity or "Not recorded",
            "languageValue": i.first_language or "Not recorded",
            "communicationValue": i.communication_needs or "None recorded",
        }
        for name, text in values.items():
            self._label(name).setText(text)

    def _show_next_review(self) -> None:
        n = self.record.next_review
        fg, bg = STATUS_COLOURS[n.status]
        style = f"color: {fg}; background: {bg}; border-radius: 4px; padding: 3px 8px;"
        no_review = n.status in (Status.NOT_LOOKED_AFTER, Status.OPEN_AFTER_18)
        heading = n.status.label if no_review else f"Next review: {n.status.label}"
        self._label("statusLabel").setText(heading)
        self._label("nextReviewStatus").setText(n.status.label)
        for name in ("statusLabel", "nextReviewStatus"):
            self._label(name).setStyleSheet(style)
        if n.due is None:
            text = "No review is due."
        else:
            timing = timing_words(n.working_days_left)
            booked = f"Booked for {format_date(n.booked)}." if n.booked else "Not booked yet."
            text = f"<b>Review {n.number} due {format_date(n.due)}</b> ({timing}). {booked}"
        self._label("nextReviewText").setText(text)
        last_break = format_date(n.between_breaks) if n.between_breaks else ""
        breaks = f" Between short breaks: the last ended on {last_break}." if last_break else ""
        self._label("nextReviewBasis").setText(n.basis + breaks)
        looked_after = n.status not in (Status.NOT_LOOKED_AFTER, Status.OPEN_AFTER_18)
        self._button("earlyReviewButton").setEnabled(looked_after)
        self._button("cancelEarlyButton").setVisible(n.early_review_by is not None)
        adjourn = self._button("adjournButton")
        adjourn.setEnabled(looked_after and n.open_review_id is not None)
        adjourn.setToolTip(
            "Adjourn the next review once, for up to 20 working days"
            if n.open_review_id is not None
            else "Book the next review first: there is no review waiting to be adjourned"
        )

    def _show_care(self) -> None:
        periods = self.record.periods
        parts = []
        for p in periods:
            if p.current:
                parts.append(f"Looked after since {format_date(p.start)} (current period of care).")
            else:
                end = _day(p.end) or "an end date not recorded"
                parts.append(f"Looked after from {format_date(p.start)} to {end}.")
        self._label("periodText").setText(" ".join(parts) or "No period of care recorded.")
        rows = [
            [
                table_cell(_day(e.start)),
                table_cell(_day(e.end) or ("Now" if p.current else "")),
                table_cell(e.legal_status, e.legal_status),
                table_cell(e.placement_type, e.placement_type),
                table_cell(e.carer or ""),
            ]
            for p in periods
            for e in p.episodes
        ]
        _fill(find(self, QTableWidget, "placementsTable"), rows)

    def _show_people(self) -> None:
        rows = [
            [table_cell(p.role), table_cell(p.name), table_cell("\n".join(p.contact))]
            for p in self.record.people
        ]
        _fill(find(self, QTableWidget, "peopleTable"), rows)

    def _show_reviews(self, selected_id: int | None = None) -> None:
        rows = [
            [
                table_cell(str(r.number or "")),
                table_cell(_review_date(r)),
                _state(r),
                table_cell(_day(r.due)),
                _timing(r),
                _participation(r),
            ]
            for r in self.record.reviews
        ]
        _fill(self._reviews, rows)
        ids = [r.id for r in self.record.reviews]
        if selected_id in ids:
            self._reviews.selectRow(ids.index(selected_id))
        self._review_selected()

    def _show_decisions(self) -> None:
        rows = []
        for d in self.record.decisions:
            status = (
                table_cell(d.status, fg=_LATE_FG, bg=_LATE_BG, bold=True)
                if d.overdue
                else table_cell(d.status)
            )
            rows.append(
                [
                    table_cell(str(d.number or "")),
                    table_cell(d.action),
                    table_cell(d.person or ""),
                    table_cell(_day(d.due)),
                    status,
                    table_cell(d.outcome, d.outcome),
                ]
            )
        _fill(find(self, QTableWidget, "decisionsTable"), rows)
        self._decision_selected()

    def _show_wishes(self) -> None:
        if not self.record.wishes:
            self._label("wishesText").setText(_NONE)
            return
        blocks = []
        for w in self.record.wishes:
            private = " · <i>not to be shared</i>" if not w.shareable else ""
            blocks.append(
                f"<p><b>{format_date(w.recorded_on)}</b> · {escape(w.how_obtained)}{private}<br>"
                f"“{escape(w.words)}”</p>"
            )
        self._label("wishesText").setText("".join(blocks))

    def _show_monitoring(self) -> None:
        blocks = [
            f"<p><b>{format_date(n.noted_on)}</b> · {escape(n.kind)}<br>{escape(n.text)}</p>"
            for n in self.record.monitoring
        ]
        self._label("monitoringText").setText("".join(blocks) or _NONE)

    def _show_challenges(self) -> None:
        rows = []
        for c in self.record.challenges:
            if c.overdue:
                status = table_cell("Response overdue", fg=_LATE_FG, bg=_LATE_BG, bold=True)
            else:
                status = table_cell("Open" if c.open else "Closed")
            rows.append(
                [
                    table_cell(c.issue),
                    table_cell(c.stage),
                    table_cell(_day(c.raised_on)),
                    table_cell(_day(c.response_due)),
                    status,
                ]
            )
        _fill(find(self, QTableWidget, "challengesTable"), rows)
