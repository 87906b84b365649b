"""The Prepare page: when and where, who is invited, reports, last review's decisions, what the child
said, and the private conversation (I2). Laid out in ui/review_prepare.ui; every field autosaves.

A refused value shows the service's sentence beside its field and the typed value stays; the sentence
goes once an accepted value is saved. Tab follows the page as it reads, the left column then the right, each
table's controls straight after it; Enter in the new-invitee form adds the invitee.
"""

from __future__ import annotations

from datetime import date
from html import escape
from pathlib import Path

from PySide6.QtCore import Qt, QTime, QTimer
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractButton,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QTableWidget,
    QTableWidgetItem,
    QTimeEdit,
    QWidget,
)

from iro_desktop.documents.agenda import render_agenda
from iro_desktop.domain.calendar import format_date
from iro_desktop.gui import operations
from iro_desktop.gui.appearance import set_tone, text_colour
from iro_desktop.gui.forms import find, load_into
from iro_desktop.gui.problems import clear_problem, show_problem
from iro_desktop.gui.review.minute import EnterAdds, fill_share_choices
from iro_desktop.gui.saving import save_file
from iro_desktop.gui.widgets.autosave import Autosaver, value_of
from iro_desktop.gui.widgets.optional_date import OptionalDateEdit
from iro_desktop.gui.widgets.read_only import show_editable
from iro_desktop.gui.widgets.text_limit import limit_text
from iro_desktop.problems import Problem
from iro_desktop.services import review_prep, text_limits
from iro_desktop.services.review_prep import (
    CONTRIBUTIONS,
    NOT_ALONE_CATEGORIES,
    ROLES,
    ReportLine,
    ReviewPack,
)
from iro_desktop.store import Store

_LATE = "#a4141c"  # chosen for a light background; text_colour() lightens it on a dark one
# Which error label shows a refusal, by the field the service names.
_CONVERSATION_ERRORS = {
    "on": "talkDateError",
    "place": "talkPlaceError",
    "why_not_category": "whyNotError",
    "why_not": "reasonError",
}


def _date_edit(accessible: str, placeholder: str, description: str, today: date) -> OptionalDateEdit:
    edit = OptionalDateEdit()
    edit.setAccessibleName(accessible)
    edit.setAccessibleDescription(description)
    edit.setPlaceholderText(placeholder)
    edit.set_today(today)
    return edit


def _cell(text: str, bold: bool = False, colour: str | None = None) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    if len(text) > 40:
        item.setToolTip(text)
    if bold:
        font = item.font()
        font.setBold(True)
        item.setFont(font)
    if colour:
        item.setForeground(QBrush(QColor(text_colour(colour))))
    return item


class PreparePage(QWidget):
    def __init__(self, store: Store, review_id: int, today: date, parent=None) -> None:
        """`today` is the date the screens are viewed as of; what is saved is dated by the store's clock."""
        super().__init__(parent)
        load_into(self, "review_prepare.ui", custom=(OptionalDateEdit,))
        self._store, self.review_id, self.today = store, review_id, today
        self._saving_agenda: operations.Operation | None = None
        self.pack: ReviewPack = review_prep.review_pack(store, review_id, today)
        self._problem_field: str | None = None
        self._autosaver = Autosaver(self)
        self._autosaver.failed.connect(self._refused)
        self._table_saver: Autosaver | None = None
        self._error_of: dict[QWidget, str] = {}
        # Wrapped text needs new row heights once the columns have their final widths.
        self._refit = QTimer(self, singleShot=True, interval=0)
        self._refit.timeout.connect(self._fit_tables)
        self._setup_fields()
        self._watch_fields()
        self._limit_texts()
        find(self, QPushButton, "printButton").clicked.connect(self._ask_where_to_save)
        find(self, QPushButton, "addInviteeButton").clicked.connect(self._add_invitee)
        enter = EnterAdds(self._add_invitee, self)
        for name in self._INVITEE_FORM:
            self._w(QWidget, name).installEventFilter(enter)
        self._show_pack()  # the pack just read: reading it again cost a second stall on opening

    # --- public ---------------------------------------------------------------------------------

    def flush(self) -> None:
        """Save anything still waiting for the typing pause (before leaving the page or locking)."""
        self._autosaver.flush()
        if self._table_saver is not None:
            self._table_saver.flush()

    def refresh(self) -> None:
        """Show the review as the store holds it now (the Minute tab may have changed it)."""
        self.flush()
        self.pack = review_prep.review_pack(self._store, self.review_id, self.today)
        self._show_pack()

    def _show_pack(self) -> None:
        self._show_header()
        self._show_when_where()
        self._show_late()
        self._rebuild_tables()
        self._show_decisions()
        self._show_challenges()
        self._show_wishes()
        self._show_conversation()
        self._show_editable()
        self._tab_order()

    def save_agenda(self, path: str | Path) -> operations.Operation | None:
        """Write the one-page agenda PDF to `path`, and nowhere else, off the UI thread (drawing it takes a
        moment); a message if it failed. None while one is being saved already."""
        if self._saving_agenda is not None and self._saving_agenda.running:
            return None
        self.flush()
        store, review_id, today, path = self._store, self.review_id, self.today, Path(path)

        def work() -> str | None:  # the problem, or None once it is written
            pack = review_prep.review_pack(store, review_id, today)
            profile = store.profile()
            return save_file(path, render_agenda(pack, profile.council_name, profile.iro_name, today))

        button = find(self, QPushButton, "printButton")
        label, shortcut = button.text(), button.shortcut()  # setText would replace Ctrl+P by its mnemonic
        button.setEnabled(False)
        button.setText("Saving the agenda…")

        def ended() -> None:
            button.setText(label)
            button.setShortcut(shortcut)
            button.setEnabled(True)

        def saved(problem: str | None) -> None:
            ended()
            if problem:
                QMessageBox.warning(self, "Agenda not saved", problem)
            elif isinstance(self.window(), QMainWindow):
                self.window().statusBar().showMessage(f"Agenda saved to {path.name}.")

        def failed(exc: Exception) -> None:
            ended()
            QMessageBox.warning(self, "Agenda not saved", operations.explain(exc))

        self._saving_agenda = operations.run_in_background(work, saved, failed)
        return self._saving_agenda

    # --- a review that can no longer change is shown read-only ----------------------------------

    def _show_editable(self) -> None:
        """Once signed (or cancelled, or recorded elsewhere) nothing here offers to change it; the pack
        can still be read and the agenda printed."""
        show_editable(
            self, self.pack.editable, skip=lambda w: w.objectName() == "printButton", allowed=lambda _w: False
        )

    def _limit_texts(self) -> None:
        """Each field refuses text past what the store, the PDF and one sync request hold together."""
        for name, limit, error in (
            ("venueEdit", text_limits.NAME, "venueError"),
            ("talkPlaceEdit", text_limits.NAME, "talkPlaceError"),
            ("talkWordsEdit", text_limits.WORDS, "talkPlaceError"),
            ("reasonEdit", text_limits.REASON, "reasonError"),
            ("newNameEdit", text_limits.NAME, "inviteesError"),
        ):
            widget = self.findChild(QPlainTextEdit, name) or self._w(QLineEdit, name)
            limit_text(widget, limit, self._w(QLabel, error))

    # --- set-up ---------------------------------------------------------------------------------

    def _w(self, cls: type, name: str):
        return find(self, cls, name)

    def _setup_fields(self) -> None:
        for name in ("dateEdit", "talkDateEdit"):
            self._w(OptionalDateEdit, name).set_today(self._store.clock.today())
        self._w(OptionalDateEdit, "dateEdit").set_calendar_start(self.pack.due)
        for combo_name in ("newContributionCombo",):
            combo = self._w(QComboBox, combo_name)
            for key, label in CONTRIBUTIONS.items():
                combo.addItem(label, key)
        roles = self._w(QComboBox, "newRoleCombo")
        for key, label in ROLES.items():
            if key != review_prep.CHILD_ROLE:
                roles.addItem(label, key)
        why = self._w(QComboBox, "whyNotCombo")
        why.addItem("Choose why…", None)
        for key, label in NOT_ALONE_CATEGORIES.items():
            why.addItem(label, key)
        for radio in ("happenedYes", "happenedNo"):
            self._w(QRadioButton, radio).toggled.connect(self._show_conversation_parts)
        for name in ("inviteesTable", "reportsTable", "decisionsTable"):
            table = self._w(QTableWidget, name)
            table.verticalHeader().setVisible(False)
            header = table.horizontalHeader()
            header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
            header.setStretchLastSection(True)
            header.sectionResized.connect(self._refit.start)
        self._w(QTableWidget, "decisionsTable").horizontalHeader().setSectionResizeMode(
            1, QHeaderView.ResizeMode.Stretch
        )

    def _watch_fields(self) -> None:
        watch = self._autosaver.watch
        for name, cls, error in (
            ("dateEdit", OptionalDateEdit, "dateError"),
            ("timeEdit", QTimeEdit, "timeError"),
            ("venueEdit", QLineEdit, "venueError"),
        ):
            widget = self._w(cls, name)
            self._error_of[widget] = error
            watch(widget, lambda _v, n=name: self._save_when_where(n))
        for name, cls in (
            ("happenedYes", QRadioButton),
            ("happenedNo", QRadioButton),
            ("talkDateEdit", OptionalDateEdit),
            ("talkPlaceEdit", QLineEdit),
            ("talkWordsEdit", QPlainTextEdit),
            ("shareCombo", QComboBox),
            ("whyNotCombo", QComboBox),
            ("reasonEdit", QPlainTextEdit),
        ):
            watch(self._w(cls, name), lambda _v: self._save_conversation())
        self._autosaver.saved.connect(self._accepted)

    # --- showing --------------------------------------------------------------------------------

    def _show_header(self) -> None:
        p, c = self.pack, self.pack.child
        self._w(QLabel, "summaryLabel").setText(
            f"<b>{escape(p.title)}</b> · aged {c.age} · {escape(c.legal_status)} · {escape(c.placement)}"
        )
        self._w(QGroupBox, "wishesBox").setTitle(f"What {c.first_name} told us last time")
        self._w(QGroupBox, "talkBox").setTitle(f"Private conversation with {c.first_name}")
        self._w(QLabel, "happenedLabel").setText(f"Did you speak with {c.first_name} alone?")

    def _show_when_where(self) -> None:
        p = self.pack
        self._quietly(self._w(OptionalDateEdit, "dateEdit"), lambda w: w.set_date(p.planned_date))
        time = QTime.fromString(p.planned_time or "", "HH:mm")
        self._quietly(
            self._w(QTimeEdit, "timeEdit"),
            lambda w: w.setTime(
                time if time.isValid() else QTime.fromString(review_prep.DEFAULT_TIME, "HH:mm")
            ),
        )
        self._quietly(self._w(QLineEdit, "venueEdit"), lambda w: w.setText(p.venue or ""))

    def _show_late(self) -> None:
        p, label = self.pack, self._w(QLabel, "lateLabel")
        if p.due is None:
            label.setText("")
        elif p.late:
            days = "day" if p.working_days_late == 1 else "days"
            label.setText(
                f"Due by {format_date(p.due)}: this date is {p.working_days_late} working {days} late."
            )
        else:
            label.setText(f"Due by {format_date(p.due)}.")
        set_tone(label, "problem" if p.late else None)

    def _rebuild_tables(self) -> None:
        """Cell widgets are made afresh, so their autosave is too (the old one has nothing pending)."""
        if self._table_saver is not None:
            self._table_saver.deleteLater()
        self._table_saver = Autosaver(self)
        self._table_saver.failed.connect(self._refused)
        self._table_saver.saved.connect(self._accepted)
        self._show_invitees()
        self._show_reports()

    def _show_invitees(self) -> None:
        table = self._w(QTableWidget, "inviteesTable")
        table.setRowCount(len(self.pack.invitees))
        for row, person in enumerate(self.pack.invitees):
            table.setItem(row, 0, _cell(person.name, bold=person.role == ROLES[review_prep.CHILD_ROLE]))
            table.setItem(row, 1, _cell(person.role))
            combo = QComboBox()
            combo.setAccessibleName(f"How {person.name} will contribute")
            combo.setAccessibleDescription(
                "In person, in writing, by phone or video, or via the social worker"
            )
            for key, label in CONTRIBUTIONS.items():
                combo.addItem(label, key)
            if person.contribution in CONTRIBUTIONS:
                combo.setCurrentIndex(list(CONTRIBUTIONS).index(person.contribution))
            table.setCellWidget(row, 2, combo)
            self._error_of[combo] = "inviteesError"
            self._table_saver.watch(
                combo, lambda value, i=person.id: review_prep.set_invitee(self._store, i, value)
            )
        self._fit(table)

    def _show_reports(self) -> None:
        table = self._w(QTableWidget, "reportsTable")
        table.setRowCount(len(self.pack.reports))
        for row, report in enumerate(self.pack.reports):
            table.setItem(row, 0, _cell(report.label))
            expected = QCheckBox()
            expected.setChecked(report.expected)
            expected.setAccessibleName(f"{report.label} expected")
            received = QCheckBox("Received")
            received.setChecked(report.received_on is not None)
            received.setAccessibleName(f"{report.label} received")
            on = _date_edit(
                f"Date the {report.label.lower()} arrived",
                "Not yet",
                "Empty until it comes",
                self._store.clock.today(),
            )
            on.set_date(report.received_on)
            on.setEnabled(report.received_on is not None)
            received.toggled.connect(lambda checked, e=on: self._received_toggled(e, checked))
            table.setCellWidget(row, 1, self._centred(expected))
            table.setCellWidget(row, 2, received)
            table.setCellWidget(row, 3, on)
            for widget in (expected, received, on):
                self._error_of[widget] = "reportsError"
                self._table_saver.watch(
                    widget, lambda _v, r=report, x=expected, e=on: self._save_report(r, x, e)
                )
        self._fit(table)

    def _show_decisions(self) -> None:
        p = self.pack
        held = (
            f"Held on {format_date(p.last_review_held)}."
            if p.last_review_held
            else "This is the first review."
        )
        self._w(QLabel, "lastReviewLabel").setText(held)
        table = self._w(QTableWidget, "decisionsTable")
        table.setRowCount(len(p.decisions))
        for row, d in enumerate(p.decisions):
            due = format_date(d.due) if d.due else ""
            cells = [
                _cell(str(d.number or "")),
                _cell(d.action),
                _cell(d.person or ""),
                _cell(due),
                _cell(d.status, bold=d.overdue, colour=_LATE if d.overdue else None),
            ]
            for col, item in enumerate(cells):
                table.setItem(row, col, item)
        table.setVisible(bool(p.decisions))
        self._fit(table)

    def _show_challenges(self) -> None:
        lines = []
        for c in self.pack.challenges:
            due = f", reply due {format_date(c.response_due)}" if c.response_due else ""
            late = f" <b style='color:{text_colour(_LATE)}'>reply overdue</b>" if c.overdue else ""
            lines.append(
                f"{escape(c.issue)}: {escape(c.stage.lower())}, raised {format_date(c.raised_on)}{due}{late}"
            )
        self._w(QLabel, "challengesText").setText("<br>".join(lines) or "None open.")

    def _show_wishes(self) -> None:
        blocks = []
        for w in self.pack.wishes:
            private = " · <i>not to be shared</i>" if not w.shareable else ""
            blocks.append(
                f"<p>“{escape(w.words, quote=False)}”<br><small>{format_date(w.recorded_on)} · "
                f"{escape(w.how_obtained)}{private}</small></p>"
            )
        self._w(QLabel, "wishesText").setText(
            "".join(blocks) or "Nothing recorded at or since the last review."
        )

    def _show_conversation(self) -> None:
        c = self.pack.conversation
        self._quietly(self._w(QRadioButton, "happenedYes"), lambda w: w.setChecked(c.happened is True))
        self._quietly(self._w(QRadioButton, "happenedNo"), lambda w: w.setChecked(c.happened is False))
        talk_on = c.on or self._store.clock.today()  # most conversations are logged the day they happen
        self._quietly(self._w(OptionalDateEdit, "talkDateEdit"), lambda w: w.set_date(talk_on))
        self._quietly(self._w(QLineEdit, "talkPlaceEdit"), lambda w: w.setText(c.place or ""))
        self._quietly(self._w(QPlainTextEdit, "talkWordsEdit"), lambda w: w.setPlainText(c.words or ""))
        fill_share_choices(self._w(QComboBox, "shareCombo"), c.agreed_to_share)
        why = self._w(QComboBox, "whyNotCombo")
        self._quietly(why, lambda w: w.setCurrentIndex(max(w.findData(c.why_not_category), 0)))
        self._quietly(self._w(QPlainTextEdit, "reasonEdit"), lambda w: w.setPlainText(c.why_not or ""))
        self._show_conversation_parts()

    def _show_conversation_parts(self, *_args) -> None:
        self._w(QWidget, "talkDetails").setVisible(self._w(QRadioButton, "happenedYes").isChecked())
        self._w(QWidget, "whyNotDetails").setVisible(self._w(QRadioButton, "happenedNo").isChecked())

    # --- saving ---------------------------------------------------------------------------------

    def _save_when_where(self, changed: str) -> None:
        """Each field saves with the others as last accepted, so one refused field blocks no other."""
        p = self.pack
        values = {"dateEdit": p.planned_date, "timeEdit": p.planned_time, "venueEdit": p.venue}
        values[changed] = value_of(self._w(QWidget, changed))
        self._guarded(
            review_prep.set_when_where,
            self._store,
            self.review_id,
            values["dateEdit"],
            values["timeEdit"],
            values["venueEdit"],
        )
        self.pack = review_prep.review_pack(self._store, self.review_id, self.today)
        self._show_late()

    def _save_conversation(self) -> None:
        yes, no = self._w(QRadioButton, "happenedYes"), self._w(QRadioButton, "happenedNo")
        if not (yes.isChecked() or no.isChecked()):
            return  # nothing chosen yet: nothing to record
        self._guarded(
            review_prep.record_private_conversation,
            self._store,
            self.review_id,
            happened=yes.isChecked(),
            on=value_of(self._w(OptionalDateEdit, "talkDateEdit")),
            place=self._w(QLineEdit, "talkPlaceEdit").text(),
            words=self._w(QPlainTextEdit, "talkWordsEdit").toPlainText(),
            agreed_to_share=self._w(QComboBox, "shareCombo").currentData(),
            why_not_category=self._w(QComboBox, "whyNotCombo").currentData(),
            why_not=self._w(QPlainTextEdit, "reasonEdit").toPlainText(),
        )

    def _save_report(self, report: ReportLine, expected: QCheckBox, on: OptionalDateEdit) -> None:
        self._guarded(
            review_prep.set_report,
            self._store,
            self.review_id,
            report.kind,
            expected.isChecked(),
            value_of(on) if on.isEnabled() else None,
            report.note,
        )

    def _received_toggled(self, on: OptionalDateEdit, checked: bool) -> None:
        on.setEnabled(checked)
        if checked and not on.text().strip():  # a start the IRO can change: most arrive the day they log them
            on.commit_date(self._store.clock.today())

    def _guarded(self, save, *args, **kwargs) -> None:
        """Run a service call, remembering which field a refusal names."""
        self._problem_field = None
        try:
            save(*args, **kwargs)
        except Problem as exc:
            self._problem_field = exc.field
            raise

    def _add_invitee(self) -> None:
        name = self._w(QLineEdit, "newNameEdit")
        try:
            review_prep.add_invitee(
                self._store,
                self.review_id,
                name.text(),
                self._w(QComboBox, "newRoleCombo").currentData(),
                self._w(QComboBox, "newContributionCombo").currentData(),
            )
        except Problem as exc:
            self._show_error("inviteesError", str(exc), name, focus=True)
            return
        self._clear_error("inviteesError", name)
        name.clear()
        self.flush()
        self.pack = review_prep.review_pack(self._store, self.review_id, self.today)
        self._rebuild_tables()
        self._tab_order()
        name.setFocus()

    def _ask_where_to_save(self) -> None:
        child = self.pack.child.name
        suggested = f"Agenda - {child} - review {self.pack.number or ''}.pdf".replace("  ", " ")
        path, _filter = QFileDialog.getSaveFileName(self, "Save the agenda", suggested, "PDF files (*.pdf)")
        if path:
            self.save_agenda(path if path.lower().endswith(".pdf") else f"{path}.pdf")

    # --- messages at the fields ---------------------------------------------------------------------

    def _error_label(self, widget: QWidget) -> str | None:
        if self._problem_field in _CONVERSATION_ERRORS and widget not in self._error_of:
            return _CONVERSATION_ERRORS[self._problem_field]
        return self._error_of.get(widget)

    def _refused(self, widget: QWidget, message: str) -> None:
        name = self._error_label(widget)
        if name is None:  # a conversation refusal that names no field: show it by the words
            name = "talkPlaceError"
        self._show_error(name, message, widget)

    def _accepted(self, widget: QWidget) -> None:
        if widget in self._error_of:
            self._clear_error(self._error_of[widget], widget)
        else:  # one conversation save checks all its fields
            for name in _CONVERSATION_ERRORS.values():
                self._clear_error(name, widget)

    def _show_error(self, name: str, message: str, field: QWidget | None = None, focus: bool = False) -> None:
        """The IRO is in the field already when an autosave refuses, so the focus moves only when asked."""
        show_problem(self._w(QLabel, name), message, field, focus)

    def _clear_error(self, name: str, field: QWidget | None = None) -> None:
        clear_problem(self._w(QLabel, name), field)

    # --- the order of Tab -----------------------------------------------------------------------

    _INVITEE_FORM = ("newNameEdit", "newRoleCombo", "newContributionCombo", "addInviteeButton")
    _CONVERSATION = (
        "happenedYes",
        "happenedNo",
        "talkDateEdit",
        "talkPlaceEdit",
        "talkWordsEdit",
        "shareCombo",
        "whyNotCombo",
        "reasonEdit",
    )

    def _tab_order(self) -> None:
        """Tab reads the page: the left column (when and where, who is invited, the reports), then the right
        (the private conversation, last review's decisions). The controls made in code inside the invitees
        and reports tables come straight after their table, row by row."""
        invitees, reports = self._w(QTableWidget, "inviteesTable"), self._w(QTableWidget, "reportsTable")
        in_rows = [
            control
            for table, columns in ((invitees, (2,)), (reports, (1, 2, 3)))
            for row in range(table.rowCount())
            for column in columns
            for control in self._controls_in(table.cellWidget(row, column))
        ]
        order = [
            *(self._w(QWidget, n) for n in ("printButton", "scroll", "dateEdit", "timeEdit", "venueEdit")),
            invitees,
            *in_rows[: invitees.rowCount()],
            *(self._w(QWidget, n) for n in self._INVITEE_FORM),
            reports,
            *in_rows[invitees.rowCount() :],
            *(self._w(QWidget, n) for n in self._CONVERSATION),
            self._w(QTableWidget, "decisionsTable"),
        ]
        for before, after in zip(order, order[1:], strict=False):
            QWidget.setTabOrder(before, after)

    @staticmethod
    def _controls_in(cell: QWidget | None) -> list[QWidget]:
        """The control in a table cell: the widget itself, or the check box a centring holder holds."""
        if cell is None:
            return []
        if cell.focusPolicy() & Qt.FocusPolicy.TabFocus:
            return [cell]
        return [w for w in cell.findChildren(QWidget) if w.focusPolicy() & Qt.FocusPolicy.TabFocus]

    # --- helpers ----------------------------------------------------------------------------------

    @staticmethod
    def _quietly(widget: QWidget, change) -> None:
        """Show a stored value without it counting as an edit to save."""
        widget.blockSignals(True)
        try:
            change(widget)
        finally:
            widget.blockSignals(False)

    @staticmethod
    def _centred(widget: QAbstractButton) -> QWidget:
        holder = QWidget()
        layout = QHBoxLayout(holder)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addStretch(1)
        layout.addWidget(widget)
        layout.addStretch(1)
        return holder

    def showEvent(self, event) -> None:  # noqa: N802 (Qt override)
        super().showEvent(event)
        self._refit.start()

    def _fit_tables(self) -> None:
        for table in self.findChildren(QTableWidget):
            self._fit(table)

    @staticmethod
    def _fit(table: QTableWidget) -> None:
        """As tall as its rows: the page scrolls, not each table."""
        table.resizeRowsToContents()
        height = table.horizontalHeader().sizeHint().height() + 2 * table.frameWidth()
        height += sum(table.rowHeight(r) for r in range(table.rowCount()))
        table.setFixedHeight(height)
