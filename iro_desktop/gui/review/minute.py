"""The minute screen: built for typing fast at the kitchen table, with every edit autosaved.

Layout lives in ui/review_minute.ui. The page only shows what services.minutes returns and hands each edit
to a service; a refused value shows its sentence beside the field and the typed text stays.

Keyboard first: Tab walks the page in reading order; Enter adds in each add-form and goes back to its first
field; the attendance list takes one key per person (P, A, S, I) and moves down; the section list marks each
section written, carried forward or empty. Its three splitters are remembered between runs.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QComboBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QWidget,
)

from iro_desktop.domain.calendar import format_date
from iro_desktop.domain.review_states import ReviewState, state_of
from iro_desktop.gui import window_state
from iro_desktop.gui.appearance import set_tone
from iro_desktop.gui.forms import find, load_into
from iro_desktop.gui.problems import clear_problem, restore_description, show_problem
from iro_desktop.gui.review.minute_removal import RemovalMixin, short
from iro_desktop.gui.widgets.autosave import Autosaver, value_of
from iro_desktop.gui.widgets.optional_date import OptionalDateEdit, parse_typed_date
from iro_desktop.gui.widgets.phrases import PhrasesDialog
from iro_desktop.gui.widgets.read_only import show_editable
from iro_desktop.gui.widgets.spelling import attach_spelling
from iro_desktop.gui.widgets.text_limit import limit_text
from iro_desktop.problems import Problem
from iro_desktop.services import minutes as svc
from iro_desktop.services import phrases, text_limits
from iro_desktop.services.spelling import checker_for, remember_word
from iro_desktop.store.models import PERSON_ROLES

NOT_RECORDED = ""
ROLE_LABELS = {"child": "Child", **PERSON_ROLES}  # the child is invited too
INVITED = "invited"  # what an attendance row says until it is recorded
# One key per person in the attendance list; the choices in each row's list, in this order.
ATTENDANCE_KEYS = {
    Qt.Key.Key_P: "present",
    Qt.Key.Key_A: "absent",
    Qt.Key.Key_S: "sent_views",
    Qt.Key.Key_I: INVITED,
}
ATTENDANCE_CHOICES = (
    (INVITED, "Invited (not recorded)"),
    ("present", "Present"),
    ("sent_views", "Sent views"),
    ("absent", "Absent"),
)
ROWS_SHOWN = 6  # attendance rows the minute shows without dragging anything, at 1280 x 800
# Written, carried forward from last time and not yet changed, or empty: a shape and the words a screen
# reader says, so neither colour nor the shape alone carries it.
SECTION_MARKS = {
    "written": ("\u25cf", "written"),
    "carried": ("\u25d0", "carried forward from last time, not yet changed"),
    "empty": ("\u25cb", "empty"),
}
SPLITTERS = ("mainSplitter", "sectionsSplitter", "attendanceSplitter")  # remembered as "minute.<name>"
SHARE_CHOICES = (("Choose…", None), ("Yes, they agreed", True), ("No, not to be shared", False))
# Controls that move around a signed review rather than change it: they stay usable when it is read-only.
_NAVIGATION = {"sectionList", "attendancePartCombo", "bottomTabs"}
_PARTICIPATION = {"participationCombo", "participationCodeEdit"}  # an imported review's only edit
# The add forms' fields by the service's parameter names: a refusal takes the focus to its field (the first
# listed when it names none).
_PART_FIELDS = {"label": "partLabelEdit", "held_on": "partDate", "place": "partPlaceEdit"}
_ATTENDANCE_FIELDS = {"attendance": "attendanceTable", "name": "attendeeNameEdit"}
_WISH_FIELDS = {"words": "wishWords", "how_obtained": "wishHowCombo", "agreed_to_share": "wishShareCombo"}
_DECISION_FIELDS = {
    "action": "decisionAction",
    "person_responsible": "decisionPerson",
    "due_date": "decisionDue",
    "wish_id": "decisionWish",
}


def fill_participation(
    combo: QComboBox, codes, current: str | None, current_label: str = "", blank: str = "Not recorded yet"
) -> None:
    """The PN codes offered, each as "plain label (PN1)", after a blank choice; the current one chosen.
    A current code not among them still shows, so it can be seen and changed. Emits no signal."""
    combo.blockSignals(True)
    combo.clear()
    combo.addItem(blank, NOT_RECORDED)
    codes = dict(codes)
    if current and current not in codes:
        codes[current] = current_label
    for code, label in codes.items():
        combo.addItem(f"{label} ({code})", code)
        combo.setItemData(combo.count() - 1, label, Qt.ItemDataRole.ToolTipRole)
    combo.setCurrentIndex(max(combo.findData(current or NOT_RECORDED), 0))
    combo.blockSignals(False)


def _item(text: str, data=None, editable: bool = False) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setData(Qt.ItemDataRole.UserRole, data)
    if not editable:
        item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
    return item


class EnterAdds(QObject):
    """Enter in an add-form's fields adds (Shift+Enter still starts a new line in a text area); Enter on a
    button in the form presses that button, as Space does."""

    def __init__(self, add, parent: QObject) -> None:
        super().__init__(parent)
        self._add = add

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        if event.type() != QEvent.Type.KeyPress or event.key() not in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            return False
        if event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            return False  # Shift+Enter: a new line in the child's words
        if isinstance(watched, QAbstractButton):
            watched.click()
        else:
            self._add()
        return True


def fill_share_choices(combo: QComboBox, agreed: bool | None) -> None:
    """Whether the child agreed to share their words: unset until the IRO asks them."""
    combo.blockSignals(True)
    combo.clear()
    for label, value in SHARE_CHOICES:
        combo.addItem(label, value)
    combo.setCurrentIndex([value for _, value in SHARE_CHOICES].index(agreed))
    combo.blockSignals(False)


class MinutePage(QWidget, RemovalMixin):
    def __init__(self, store, review_id: int, today: date, parent: QWidget | None = None) -> None:
        """`today` is the date the screens are viewed as of (ages, what is due); what is saved is dated
        by the store's clock."""
        super().__init__(parent)
        load_into(self, "review_minute.ui", custom=(OptionalDateEdit,))
        self.store, self.review_id, self.today = store, review_id, today
        self.autosaver = Autosaver(self)
        self.autosaver.failed.connect(self._show_refusal)
        self.autosaver.saved.connect(self._show_saved)
        self.model = svc.minutes(store, review_id, today)
        self.checker = checker_for(store, self.model.child_id)
        self._find_widgets()
        self._messages: dict[QWidget, QLabel] = {}
        self._build_top()
        self._build_sections()
        self._build_attendance()
        self._build_wishes()
        self._build_decisions()
        self._build_removal()
        self._shortcuts()
        self._limit_texts()
        self._show_model()  # the minutes just read: not read twice on opening
        self._restore_drafts()
        self._enter_adds()
        self._tab_order()
        self._arrange_panes()
        self.tabs.currentChanged.connect(lambda _i: self._into_bottom_tab())
        self.tabs.tabBar().installEventFilter(self)

    def _find_widgets(self) -> None:
        f = self
        self.held_date = find(f, OptionalDateEdit, "heldDate")
        self.participation_combo = find(f, QComboBox, "participationCombo")
        self.code_edit = find(f, QLineEdit, "participationCodeEdit")
        self.next_review = find(f, OptionalDateEdit, "nextReviewDate")
        self.held_message = find(f, QLabel, "heldMessage")
        self.participation_message = find(f, QLabel, "participationMessage")
        self.next_review_check = find(f, QLabel, "nextReviewCheck")
        self.section_list = find(f, QListWidget, "sectionList")
        self.section_stack = find(f, QStackedWidget, "sectionStack")
        self.section_message = find(f, QLabel, "sectionMessage")
        self.last_time = find(f, QPlainTextEdit, "lastTimeText")
        self.saved_label = find(f, QLabel, "savedLabel")
        self.parts_table = find(f, QTableWidget, "partsTable")
        self.attendance_table = find(f, QTableWidget, "attendanceTable")
        self.attendance_part = find(f, QComboBox, "attendancePartCombo")
        self.wishes_table = find(f, QTableWidget, "wishesTable")
        self.decisions_table = find(f, QTableWidget, "decisionsTable")
        self.problems_list = find(f, QListWidget, "problemsList")
        self.tabs = find(f, QTabWidget, "bottomTabs")

    # --- top bar: held date, participation, next review -----------------------------------------

    def _build_top(self) -> None:
        m = self.model
        number = f"Review {m.number}" if m.number else "Review"
        title = f"{m.child_name}, {m.age} · {number}"
        if m.planned_date and not m.held_date:
            title += f" (planned {format_date(m.planned_date)})"
        find(self, QLabel, "titleLabel").setText(title)
        for name, scale in (("titleLabel", 1.2), ("sectionTitle", 1.1)):  # larger as the system text is
            label = find(self, QLabel, name)
            font = label.font()
            font.setPointSizeF(font.pointSizeF() * scale)
            label.setFont(font)
        real_today = self.store.clock.today()
        for field in (self.held_date, self.next_review, self._w(OptionalDateEdit, "partDate")):
            field.set_today(real_today)
        self.held_date.set_date(m.held_date)
        self.held_date.set_day_word("p", m.planned_date)
        self.held_date.set_calendar_start(m.planned_date)
        self.next_review.set_date(m.next_review_date)
        self.next_review.set_calendar_start(m.statutory_due)
        held_today = find(self, QPushButton, "heldTodayButton")
        held_today.clicked.connect(lambda: self.held_date.commit_date(real_today))
        planned = find(self, QPushButton, "heldPlannedButton")
        planned.clicked.connect(lambda: self.held_date.commit_date(self.model.planned_date))
        if m.planned_date:
            planned.setToolTip(f"{planned.toolTip()}: {format_date(m.planned_date)}")
        self.code_edit.setText(m.participation_code or "")
        self._fill_participation()
        watch = self.autosaver.watch
        watch(self.held_date, lambda day: svc.set_held_date(self.store, self.review_id, day))
        watch(self.participation_combo, self._save_code)
        watch(self.code_edit, self._save_code)
        watch(self.next_review, self._save_next_review)
        self._messages.update(
            {
                self.held_date: self.held_message,
                self.participation_combo: self.participation_message,
                self.code_edit: self.participation_message,
                self.next_review: self.next_review_check,
            }
        )

    def _fill_participation(self) -> None:
        """Only the codes that fit the child's age on the review date, in plain English."""
        m, combo = self.model, self.participation_combo
        fill_participation(combo, m.allowed_codes, m.participation_code, m.participation_label)

    def _save_code(self, code: str) -> None:
        svc.set_participation(self.store, self.review_id, code)
        code = (code or "").strip().upper()
        self.code_edit.setText(code)
        self.participation_combo.blockSignals(True)
        self.participation_combo.setCurrentIndex(max(self.participation_combo.findData(code), 0))
        self.participation_combo.blockSignals(False)

    def _save_next_review(self, day: date | None) -> None:
        warning = svc.set_next_review_date(self.store, self.review_id, day)
        self._show_next_review_check(warning)

    def _show_next_review_check(self, warning: str | None) -> None:
        m = self.model
        if warning:
            text, tone = warning, "warning"
        elif m.statutory_due:
            text, tone = f"Statutory due date for the next review: {format_date(m.statutory_due)}", None
        else:
            text, tone = "", None
        self.next_review_check.setText(text)
        set_tone(self.next_review_check, tone)

    # --- sections --------------------------------------------------------------------------------

    def _build_sections(self) -> None:
        self.editors: dict[str, QPlainTextEdit] = {}
        for row, section in enumerate(self.model.sections):
            editor = QPlainTextEdit()
            editor.setObjectName(f"section_{section.key}")
            editor.setAccessibleName(section.label)
            editor.setAccessibleDescription(section.prompt)
            editor.setPlaceholderText(section.prompt)
            editor.setTabChangesFocus(True)  # keyboard users leave the section with Tab; minutes need no tabs
            lines = editor.fontMetrics().lineSpacing() * 3 + 2 * editor.frameWidth()
            editor.setMinimumHeight(lines + 2 * round(editor.document().documentMargin()))  # three at least
            editor.setPlainText(section.text)
            attach_spelling(editor, self.checker, lambda word: remember_word(self.store, self.checker, word))
            self.autosaver.watch(
                editor, lambda text, key=section.key: svc.save_section(self.store, self.review_id, key, text)
            )
            self._messages[editor] = self.section_message
            self.editors[section.key] = editor
            self.section_stack.addWidget(editor)
            self.section_list.addItem(section.label)
            editor.textChanged.connect(lambda row=row: self._mark_section(row))
            self._mark_section(row)
        self.section_list.currentRowChanged.connect(self._show_section)
        find(self, QPushButton, "carryForwardButton").clicked.connect(self.carry_forward)
        find(self, QPushButton, "insertPhraseButton").clicked.connect(self.open_phrases)
        find(self, QPushButton, "savePhraseButton").clicked.connect(self.save_selection_as_phrase)
        self.section_list.setCurrentRow(0)

    def section_state(self, row: int) -> str:
        """The section's state from the text shown now: "written", "carried" (last time's text, not yet
        changed) or "empty"."""
        section = self.model.sections[row]
        text = self.editors[section.key].toPlainText().strip()
        if not text:
            return "empty"
        return "carried" if text == section.last_time.strip() else "written"

    def _mark_section(self, row: int) -> None:
        """The section list shows each section's state as a shape and says it in words to a screen reader."""
        section, item = self.model.sections[row], self.section_list.item(row)
        symbol, words = SECTION_MARKS[self.section_state(row)]
        item.setText(f"{symbol} {section.label}")
        item.setData(Qt.ItemDataRole.AccessibleTextRole, f"{section.label}: {words}")
        item.setToolTip(f"{section.label}: {words}")

    def current_key(self) -> str:
        return self.model.sections[max(self.section_list.currentRow(), 0)].key

    def current_editor(self) -> QPlainTextEdit:
        return self.editors[self.current_key()]

    def _show_section(self, row: int) -> None:
        if row < 0:
            return
        section = self.model.sections[row]
        self.section_stack.setCurrentIndex(row)
        find(self, QLabel, "sectionTitle").setText(section.label)
        find(self, QLabel, "sectionPrompt").setText(section.prompt)
        self.last_time.setPlainText(section.last_time)
        find(self, QPushButton, "carryForwardButton").setEnabled(bool(section.last_time.strip()))
        self.section_message.clear()
        self.editors[section.key].setFocus()

    def move_section(self, step: int) -> None:
        row = min(max(self.section_list.currentRow() + step, 0), self.section_list.count() - 1)
        self.section_list.setCurrentRow(row)

    def carry_forward(self) -> None:
        self.autosaver.flush()  # typed text reaches the store first, so it can never be overwritten
        editor = self.current_editor()
        try:
            text = svc.carry_forward(self.store, self.review_id, self.current_key())
        except Problem as exc:
            show_problem(self.section_message, str(exc), editor)
            return
        editor.setPlainText(text)
        editor.moveCursor(editor.textCursor().MoveOperation.End)
        clear_problem(self.section_message, editor, hide=False)

    # --- phrases ---------------------------------------------------------------------------------

    def insert_phrase(self, text: str) -> None:
        editor = self.current_editor()
        editor.insertPlainText(text)
        editor.setFocus()

    def open_phrases(self) -> None:
        saved = phrases.phrases(self.store)
        dialog = PhrasesDialog(saved, lambda t: phrases.delete_phrase(self.store, t), self)
        if dialog.exec() and dialog.chosen:
            self.insert_phrase(dialog.chosen)
        dialog.deleteLater()

    def save_selection_as_phrase(self) -> None:
        selected = self.current_editor().textCursor().selectedText().replace("\u2029", "\n")
        try:
            phrases.save_phrase(self.store, selected)
        except Problem as exc:
            show_problem(self.section_message, str(exc), self.current_editor())
            return
        self.saved_label.setText("Phrase saved")

    def _shortcuts(self) -> None:
        context = Qt.ShortcutContext.WidgetWithChildrenShortcut
        for keys, action in (
            ("Ctrl+Shift+P", self.open_phrases),
            ("Ctrl+PgDown", lambda: self.move_section(1)),
            ("Alt+Down", lambda: self.move_section(1)),
            ("Ctrl+PgUp", lambda: self.move_section(-1)),
            ("Alt+Up", lambda: self.move_section(-1)),
        ):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(context)
            shortcut.activated.connect(action)

    # --- attendance and parts --------------------------------------------------------------------

    def _build_attendance(self) -> None:
        roles = find(self, QComboBox, "attendeeRoleCombo")
        for key, label in PERSON_ROLES.items():
            roles.addItem(label, key)
        roles.setCurrentIndex(roles.findData("other"))
        self._w(OptionalDateEdit, "partDate").set_date(self.model.review_date)
        find(self, QPushButton, "addPartButton").clicked.connect(self.add_part)
        find(self, QPushButton, "addAttendeeButton").clicked.connect(self.add_attendee)
        self.attendance_part.currentIndexChanged.connect(lambda _i: self._fill_attendance())
        for table in (self.parts_table, self.attendance_table):
            table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
            table.verticalHeader().setVisible(False)
        # Rows as tall as the choice in them, so more people show at once.
        self.attendance_table.verticalHeader().setDefaultSectionSize(
            self._attendance_combo("").sizeHint().height()
        )
        self.attendance_table.installEventFilter(self)
        self._attendance_rows: list[tuple[str, str, str, int | None, int | None]] = []

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        """P, A, S or I in the attendance list records the chosen person and moves down; Space opens the
        person's choices."""
        if watched is self.attendance_table and event.type() == QEvent.Type.KeyPress:
            return self._attendance_key(event)
        if watched is self.tabs.tabBar() and event.type() == QEvent.Type.Shortcut:
            QTimer.singleShot(0, self, lambda: self._into_bottom_tab(force=True))  # Alt+A on the tab shown
        return super().eventFilter(watched, event)

    def _attendance_key(self, event: QKeyEvent) -> bool:
        modifiers = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        table = self.attendance_table
        if modifiers & ~Qt.KeyboardModifier.ShiftModifier or table.rowCount() == 0:
            return False
        row = max(table.currentRow(), 0)
        if event.key() == Qt.Key.Key_Space and not modifiers:
            table.setCurrentCell(row, 0)
            combo = table.cellWidget(row, 2)
            if combo.isEnabled():
                combo.showPopup()
            return True
        attendance = ATTENDANCE_KEYS.get(Qt.Key(event.key()))
        if attendance is None:
            return False
        if self.model.editable:
            self.record_attendance(row, attendance)
        return True

    def record_attendance(self, row: int, attendance: str) -> None:
        """Record one person's attendance from the keyboard and choose the next person, as a form moves on."""
        name, role, _was, person_id, _id = self._attendance_rows[row]
        self.set_attendance(name, role, attendance, person_id)
        if find(self, QLabel, "attendanceMessage").text():
            return  # refused: the person stays chosen and the sentence says why
        self._show_attendance(row, attendance)
        table = self.attendance_table
        table.setCurrentCell(min(row + 1, table.rowCount() - 1), 0)

    def add_part(self) -> None:
        label_edit, place_edit = (
            find(self, QLineEdit, "partLabelEdit"),
            find(self, QLineEdit, "partPlaceEdit"),
        )
        try:
            held_on = value_of(self._w(OptionalDateEdit, "partDate"))
            svc.add_part(self.store, self.review_id, label_edit.text(), held_on, place_edit.text())
        except Problem as exc:
            self._refuse("partMessage", exc, _PART_FIELDS)
            return
        self._clear_refusal("partMessage", _PART_FIELDS)
        label_edit.clear()
        place_edit.clear()
        self._save_drafts()
        self._refresh()
        label_edit.setFocus()

    def _attendance_for_part(self) -> list[tuple[str, str, str, int | None, int | None]]:
        """(name, role key, attendance, person id, attendance id): the child's people, then anyone added.

        The name cell of someone added by hand carries their attendance row's id, so it can be removed.
        """
        part_id = self.attendance_part.currentData()
        recorded = [a for a in self.model.attendance if a.part_id == part_id]
        by_person = {a.person_id: a.attendance for a in recorded if a.person_id}
        rows = [(p.name, p.role, by_person.get(p.id, NOT_RECORDED), p.id, None) for p in self.model.people]
        known = {p.id for p in self.model.people}
        rows += [(a.name, a.role, a.attendance, None, a.id) for a in recorded if a.person_id not in known]
        return rows

    @staticmethod
    def _attendance_combo(name: str) -> QComboBox:
        """One person's choices, for the mouse: the keyboard records attendance with one key in the list,
        so the list stays one stop for Tab and the order of the page is not broken up by a row's choice."""
        combo = QComboBox()
        combo.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        combo.setAccessibleName(f"Attendance of {name}")
        combo.setAccessibleDescription("Whether they were present, sent their views or were absent")
        for key, label in ATTENDANCE_CHOICES:
            combo.addItem(label, key)
        return combo

    def _fill_attendance(self) -> None:
        table = self.attendance_table
        current = table.currentRow()
        rows = self._attendance_rows = self._attendance_for_part()
        table.setRowCount(len(rows))
        for r, (name, role, attendance, person_id, attendance_id) in enumerate(rows):
            table.setItem(r, 0, _item(name, attendance_id))
            table.setItem(r, 1, _item(ROLE_LABELS.get(role, role)))
            table.setItem(r, 2, _item(""))  # what a screen reader reads for the row's choice
            combo = self._attendance_combo(name)
            combo.currentIndexChanged.connect(
                lambda _i, c=combo, n=name, ro=role, pid=person_id: self.set_attendance(
                    n, ro, c.currentData(), pid
                )
            )
            table.setCellWidget(r, 2, combo)
            self._show_attendance(r, attendance)
        if 0 <= current < len(rows):
            table.setCurrentCell(current, 0)

    def _show_attendance(self, row: int, attendance: str) -> None:
        """The row's choice and its words for a screen reader, without saving anything."""
        combo: QComboBox = self.attendance_table.cellWidget(row, 2)
        combo.blockSignals(True)
        combo.setCurrentIndex(max(combo.findData(attendance or INVITED), 0))
        combo.blockSignals(False)
        self.attendance_table.item(row, 2).setText(combo.currentText())

    def set_attendance(self, name: str, role: str, attendance: str, person_id: int | None = None) -> None:
        """A choice in the attendance table is saved at once (it is a single click, not typing)."""
        if attendance == NOT_RECORDED:
            return
        try:
            svc.set_attendance(
                self.store,
                self.review_id,
                self.attendance_part.currentData(),
                name,
                role,
                attendance,
                person_id,
            )
        except Problem as exc:
            self._refuse("attendanceMessage", exc, _ATTENDANCE_FIELDS)
            return
        self._clear_refusal("attendanceMessage", _ATTENDANCE_FIELDS)
        self.model = svc.minutes(self.store, self.review_id, self.today)
        self._fill_checks()  # who is still to record shows at once under Before finalising

    def add_attendee(self) -> None:
        name_edit = find(self, QLineEdit, "attendeeNameEdit")
        role = find(self, QComboBox, "attendeeRoleCombo").currentData()
        self.set_attendance(name_edit.text(), role, "present")
        if not find(self, QLabel, "attendanceMessage").text():
            name_edit.clear()
            self._fill_attendance()
            name_edit.setFocus()

    # --- wishes ----------------------------------------------------------------------------------

    def _build_wishes(self) -> None:
        find(self, QLabel, "wishesTitle").setText(f"In {self.model.first_name}'s own words")
        how = find(self, QComboBox, "wishHowCombo")
        for key, label in svc.HOW_OBTAINED.items():
            how.addItem(label, key)
        fill_share_choices(find(self, QComboBox, "wishShareCombo"), None)
        find(self, QPushButton, "addWishButton").clicked.connect(self.add_wish)
        header = self.wishes_table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.wishes_table.verticalHeader().setVisible(False)

    def add_wish(self) -> None:
        words = find(self, QPlainTextEdit, "wishWords")
        try:
            svc.add_wish(
                self.store,
                self.review_id,
                words.toPlainText(),
                find(self, QComboBox, "wishHowCombo").currentData(),
                find(self, QComboBox, "wishShareCombo").currentData(),
            )
        except Problem as exc:
            self._refuse("wishMessage", exc, _WISH_FIELDS)
            return
        self._clear_refusal("wishMessage", _WISH_FIELDS)
        words.clear()
        fill_share_choices(find(self, QComboBox, "wishShareCombo"), None)  # the next words are asked afresh
        self._save_drafts()
        self._refresh()
        words.setFocus()

    # --- decisions -------------------------------------------------------------------------------

    def _build_decisions(self) -> None:
        person = find(self, QComboBox, "decisionPerson")
        for p in self.model.people:
            person.addItem(p.name)
            person.setItemData(person.count() - 1, p.role_label, Qt.ItemDataRole.ToolTipRole)
        person.setCurrentIndex(-1)
        person.lineEdit().setPlaceholderText("Named person")
        section = find(self, QComboBox, "decisionSection")
        section.addItem("No particular section", None)
        for key, label, _ in svc.SECTIONS:
            section.addItem(label, key)
        due = self._w(OptionalDateEdit, "decisionDue")
        due.set_today(self.store.clock.today())
        due.set_calendar_start(self.model.review_date)
        find(self, QPushButton, "due10Button").clicked.connect(lambda: self.due_in(10))
        find(self, QPushButton, "due20Button").clicked.connect(lambda: self.due_in(20))
        find(self, QPushButton, "addDecisionButton").clicked.connect(self.add_decision)
        header = self.decisions_table.horizontalHeader()
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(6, QHeaderView.ResizeMode.Stretch)
        for column in (0, 2, 3, 4, 5):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.decisions_table.verticalHeader().setVisible(False)
        self.decisions_table.itemChanged.connect(self._decision_edited)

    def due_in(self, working_days: int) -> None:
        start = self.model.review_date or self.store.clock.today()
        day = svc.due_in_working_days(self.store, start, working_days)
        self._w(OptionalDateEdit, "decisionDue").set_date(day)

    def add_decision(self) -> None:
        action, person = find(self, QLineEdit, "decisionAction"), find(self, QComboBox, "decisionPerson")
        due = self._w(OptionalDateEdit, "decisionDue")
        try:
            svc.add_decision(
                self.store,
                self.review_id,
                action.text(),
                person.currentText(),
                value_of(due),
                find(self, QComboBox, "decisionSection").currentData(),
                find(self, QComboBox, "decisionWish").currentData(),
            )
        except Problem as exc:
            self._refuse("decisionMessage", exc, _DECISION_FIELDS)
            return
        self._clear_refusal("decisionMessage", _DECISION_FIELDS)
        action.clear()
        person.setCurrentIndex(-1)
        person.setEditText("")
        due.set_date(None)
        self._save_drafts()
        self._refresh()
        action.setFocus()

    def _fill_decisions(self) -> None:
        table, m = self.decisions_table, self.model
        wishes = {w.id: w.words for w in m.wishes}
        table.blockSignals(True)
        table.setRowCount(len(m.decisions))
        for r, d in enumerate(m.decisions):
            table.setItem(r, 0, _item(str(d.number or ""), d.id))
            table.setItem(r, 1, _item(d.action, editable=True))
            table.setItem(r, 2, _item(d.person or "", editable=True))
            table.setItem(r, 3, _item(format_date(d.due) if d.due else "", editable=True))
            table.setItem(r, 4, _item(svc.SECTION_LABELS.get(d.section_key or "", "")))
            table.setItem(r, 5, _item(short(wishes.get(d.wish_id, ""), 40)))
            problem = _item(" ".join(d.problems))
            problem.setForeground(Qt.GlobalColor.darkRed)
            table.setItem(r, 6, problem)
        table.blockSignals(False)
        wish_combo = find(self, QComboBox, "decisionWish")
        wish_combo.clear()
        wish_combo.addItem("Does not answer a particular wish", None)
        for w in m.wishes:
            wish_combo.addItem(f"\u201c{short(w.words)}\u201d", w.id)

    def _decision_edited(self, item: QTableWidgetItem) -> None:
        """Editing a decision in the table: saved at once; a refusal shows in the row, the text stays."""
        r, table = item.row(), self.decisions_table
        line = self.model.decisions[r]
        try:
            svc.update_decision(
                self.store,
                line.id,
                table.item(r, 1).text(),
                table.item(r, 2).text(),
                parse_typed_date(table.item(r, 3).text(), {"t": self.store.clock.today()}),
                line.section_key,
                line.wish_id,
            )
        except Problem as exc:
            table.blockSignals(True)
            table.item(r, 6).setText(str(exc))
            table.blockSignals(False)
            return
        self._refresh()

    # --- refreshing what is shown ----------------------------------------------------------------

    def _fill_parts(self) -> None:
        m, table = self.model, self.parts_table
        table.setRowCount(len(m.parts))
        for r, p in enumerate(m.parts):
            table.setItem(r, 0, _item(p.label, p.id))
            table.setItem(r, 1, _item(format_date(p.held_on) if p.held_on else ""))
            table.setItem(r, 2, _item(p.place or ""))
        current = self.attendance_part.currentData()
        self.attendance_part.blockSignals(True)
        self.attendance_part.clear()
        self.attendance_part.addItem("The whole review", None)
        for p in m.parts:
            self.attendance_part.addItem(p.label, p.id)
        self.attendance_part.setCurrentIndex(max(self.attendance_part.findData(current), 0))
        self.attendance_part.blockSignals(False)

    def _fill_wishes(self) -> None:
        table = self.wishes_table
        table.setRowCount(len(self.model.wishes))
        for r, w in enumerate(self.model.wishes):
            table.setItem(r, 0, _item(f"\u201c{w.words}\u201d", w.id))
            table.setItem(r, 1, _item(w.how_label))
            table.setItem(r, 2, _item("Yes" if w.agreed_to_share else "No"))

    def _fill_checks(self) -> None:
        """What stops signing, then what may be signed past with a reason (the Finalise dialog asks it)."""
        self.problems_list.clear()
        if not self.model.editable:  # signed, cancelled or recorded elsewhere: nothing left to sign
            self.problems_list.addItem("This review can no longer change, so there is nothing left to check.")
            return
        problems, warnings = self.model.problems, self.model.warnings
        self.problems_list.addItems([f"To put right: {p}" for p in problems])
        self.problems_list.addItems([f"To explain when signing: {w.text}" for w in warnings])
        if not problems and not warnings:
            self.problems_list.addItem("Nothing stops this record being finalised.")
        index = self.tabs.indexOf(find(self, QWidget, "checksTab"))
        self.tabs.setTabText(
            index, f"Before fina&lising ({len(problems)})" if problems else "Before fina&lising"
        )

    def refresh(self) -> None:
        """Reload what another page may have saved (the private conversation on the Prepare tab)."""
        self._refresh()

    # --- the keyboard: add-forms, shortcuts from anywhere, the order of Tab ------------------------

    ADD_FORMS = {  # each add-form's fields in reading order (the first gets the focus back) and its Add
        "part": (("partLabelEdit", "partDate", "partPlaceEdit", "addPartButton"), "add_part"),
        "attendee": (("attendeeNameEdit", "attendeeRoleCombo", "addAttendeeButton"), "add_attendee"),
        "wish": (("wishWords", "wishHowCombo", "wishShareCombo", "addWishButton"), "add_wish"),
        "decision": (
            (
                "decisionAction",
                "decisionPerson",
                "decisionDue",
                "due10Button",
                "due20Button",
                "decisionSection",
                "decisionWish",
                "addDecisionButton",
            ),
            "add_decision",
        ),
    }

    def _enter_adds(self) -> None:
        for names, add in self.ADD_FORMS.values():
            enter = EnterAdds(getattr(self, add), self)
            for name in names:
                widget = find(self, QWidget, name)
                widget.installEventFilter(enter)
                if isinstance(widget, QComboBox) and widget.lineEdit() is not None:
                    widget.lineEdit().installEventFilter(enter)

    FIRST_IN_TAB = {
        "attendanceTab": "attendanceTable",
        "wishesTab": "wishWords",
        "decisionsTab": "decisionAction",
        "checksTab": "problemsList",
    }

    def _into_bottom_tab(self, force: bool = False) -> None:
        """A bottom tab chosen with its Alt+letter or the mouse: the focus goes to its first control, ready
        to type (an arrow on the focused tab bar only moves between the tabs)."""
        bar = self.tabs.tabBar()
        if QApplication.focusWidget() is bar and not force:
            return
        if not (force or self.isAncestorOf(QApplication.focusWidget() or self)):
            return  # not while the IRO is elsewhere (a tab chosen in code, the other workspace tab)
        first = find(self, QWidget, self.FIRST_IN_TAB[self.tabs.currentWidget().objectName()])
        if first is self.attendance_table and first.currentRow() < 0 and first.rowCount():
            first.setCurrentCell(0, 0)
        first.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def start_adding(self, form: str) -> str | None:
        """Go to the decision ("decision") or the child's words ("wish") form, ready to type, from anywhere
        in the minute; a sentence instead when this review can no longer change."""
        if not self.model.editable:
            return "This review can no longer change, so nothing can be added to it."
        tab = {"decision": "decisionsTab", "wish": "wishesTab"}[form]
        self.tabs.setCurrentWidget(find(self, QWidget, tab))
        first = find(self, QWidget, self.ADD_FORMS[form][0][0])
        first.setFocus(Qt.FocusReason.ShortcutFocusReason)
        return None

    def _tab_order(self) -> None:
        """Tab and Shift+Tab follow the page as it reads: the top bar, the section list, the section being
        written (each section's editor is made in code), last time, then each bottom tab's controls, each
        list before the buttons that act on it. Each list is one stop."""
        names = [
            "heldDate",
            "heldTodayButton",
            "heldPlannedButton",
            "participationCombo",
            "participationCodeEdit",
            "nextReviewDate",
            "sectionList",
            *(editor.objectName() for editor in self.editors.values()),
            "insertPhraseButton",
            "savePhraseButton",
            "lastTimeText",
            "carryForwardButton",
            "bottomTabs",
            "attendancePartCombo",
            "removeAttendeeButton",
            "attendanceTable",
            *self.ADD_FORMS["attendee"][0],
            "removePartButton",
            "partsTable",
            *self.ADD_FORMS["part"][0],
            *self.ADD_FORMS["wish"][0],
            "wishesTable",
            "removeWishButton",
            *self.ADD_FORMS["decision"][0],
            "decisionsTable",
            "removeDecisionButton",
            "problemsList",
        ]
        widgets = [find(self, QWidget, name) for name in names]
        for before, after in zip(widgets, widgets[1:], strict=False):
            QWidget.setTabOrder(before, after)

    # --- room: the panes are splitters, remembered between runs ----------------------------------

    def _arrange_panes(self) -> None:
        """The list of sections and last time keep their width and the writing gets the rest; the bottom tabs
        get the height the attendance list needs for ROWS_SHOWN people (set when first shown, when the
        heights are known). Where the IRO has dragged a splitter, it stays so."""
        main = find(self, QSplitter, "mainSplitter")
        main.setStretchFactor(0, 1)
        main.setStretchFactor(1, 0)
        sections = find(self, QSplitter, "sectionsSplitter")
        for index, stretch in enumerate((0, 1, 0)):
            sections.setStretchFactor(index, stretch)
        list_width = self.section_list.sizeHintForColumn(0) + 2 * self.section_list.frameWidth() + 24
        sections.setSizes([list_width, 1000, 340])
        attendance = find(self, QSplitter, "attendanceSplitter")
        attendance.setStretchFactor(0, 3)
        attendance.setStretchFactor(1, 2)
        attendance.setSizes([600, 400])
        self._room_to_make = not window_state.restore_splitter("minute.mainSplitter", main)
        for name in SPLITTERS:
            splitter = find(self, QSplitter, name)
            if name != "mainSplitter":
                window_state.restore_splitter(f"minute.{name}", splitter)
            splitter.splitterMoved.connect(
                lambda *_a, n=name, sp=splitter: window_state.save_splitter(f"minute.{n}", sp)
            )

    def attendance_rows_shown(self) -> int:
        """How many people the attendance list shows whole, without scrolling it."""
        table = self.attendance_table
        height, row = table.viewport().height(), table.verticalHeader().defaultSectionSize()
        return height // row if row else 0

    def _make_room(self) -> None:
        """The bottom tabs as tall as the attendance list needs to show ROWS_SHOWN people; the rest to the
        writing."""
        main, table = find(self, QSplitter, "mainSplitter"), self.attendance_table
        top, bottom = main.sizes()
        grow = ROWS_SHOWN * table.verticalHeader().defaultSectionSize() - table.viewport().height()
        grow = min(grow, top - self._writing_needs())
        main.setSizes([top - grow, bottom + grow])

    def _writing_needs(self) -> int:
        """The height the section panes need at their widths now, wrapped text included (a splitter's own
        smallest size leaves wrapped text out, and would squeeze the prompt)."""
        needs = []
        for pane in (find(self, QWidget, n) for n in ("sectionListPane", "editorPane", "lastTimeBox")):
            layout = pane.layout()
            if layout.hasHeightForWidth():
                needs.append(layout.totalMinimumHeightForWidth(pane.width()))
            else:
                needs.append(pane.minimumSizeHint().height())
        return max(needs)

    def showEvent(self, event) -> None:  # noqa: N802 (Qt override)
        super().showEvent(event)
        if self._room_to_make:  # first shown with no arrangement of the IRO's own: heights are known now
            self._room_to_make = False
            self._make_room()

    def _refresh(self) -> None:
        self.model = svc.minutes(self.store, self.review_id, self.today)
        self._show_model()

    def _show_model(self) -> None:
        self._fill_parts()
        self._fill_attendance()
        self._fill_wishes()
        self._fill_decisions()
        self._fill_checks()
        self._show_next_review_check(self.model.next_review_warning)
        self._enable_removal()
        self._show_editable()

    def _w(self, cls: type, name: str):
        return find(self, cls, name)

    def _refuse(self, message: str, problem: Problem, fields: dict[str, str]) -> None:
        """An add form's refusal, under the form: the field it names (else the form's first) takes it."""
        name = fields.get(problem.field) or problem.field or next(iter(fields.values()))
        field = self.findChild(QWidget, name) or self.findChild(QWidget, next(iter(fields.values())))
        show_problem(find(self, QLabel, message), str(problem), field)

    def _clear_refusal(self, message: str, fields: dict[str, str]) -> None:
        label = find(self, QLabel, message)
        for name in fields.values():
            clear_problem(label, self.findChild(QWidget, name), hide=False)

    # --- a signed (or imported, or cancelled) review is shown read-only --------------------------

    def _show_editable(self) -> None:
        """Only a review that may still change offers anything that changes it; its text can still be
        read, scrolled and copied. An imported review lets its participation code be put right."""
        editable = self.model.editable
        imported = state_of(self.model.status) is ReviewState.IMPORTED
        show_editable(
            self,
            editable,
            skip=self._moves_around,
            allowed=lambda w: imported and w.objectName() in _PARTICIPATION,
        )
        triggers = QAbstractItemView.EditTrigger
        editing = triggers.DoubleClicked | triggers.EditKeyPressed | triggers.AnyKeyPressed
        self.decisions_table.setEditTriggers(editing if editable else triggers.NoEditTriggers)
        planned = find(self, QPushButton, "heldPlannedButton")
        planned.setEnabled(editable and self.model.planned_date is not None)

    def _moves_around(self, widget: QWidget) -> bool:
        """Navigation stays usable on a read-only review; Remove buttons follow the selection."""
        name = widget.objectName()
        return name in _NAVIGATION or widget is self.last_time or name.startswith("remove")

    def _limit_texts(self) -> None:
        """Each field refuses text past what the store, the PDF and one sync request hold together."""
        for editor in self.editors.values():
            limit_text(editor, text_limits.SECTION, self.section_message)
        for name, limit, label in (
            ("wishWords", text_limits.WORDS, "wishMessage"),
            ("decisionAction", text_limits.ACTION, "decisionMessage"),
            ("partLabelEdit", text_limits.PART_LABEL, "partMessage"),
            ("partPlaceEdit", text_limits.NAME, "partMessage"),
            ("attendeeNameEdit", text_limits.NAME, "attendanceMessage"),
        ):
            widget = self.findChild(QPlainTextEdit, name) or find(self, QLineEdit, name)
            limit_text(widget, limit, find(self, QLabel, label))

    # --- autosave feedback -----------------------------------------------------------------------

    def _show_refusal(self, widget: QWidget, message: str) -> None:
        label = self._messages.get(widget)
        if label is not None:
            show_problem(label, message, widget, focus=False)  # the IRO is typing there already
        self.saved_label.setText("Not saved: see the message")
        set_tone(self.saved_label, "problem")

    def _show_saved(self, widget: QWidget) -> None:
        label = self._messages.get(widget)
        restore_description(widget)
        if label is not None and label is not self.next_review_check:
            label.clear()
        self.saved_label.setText("Saved")
        set_tone(self.saved_label, "good")
        if (
            widget is self.held_date
            or widget is self.next_review
            or widget in (self.participation_combo, self.code_edit)
        ):
            self._after_key_fact_changed(widget)

    def _after_key_fact_changed(self, widget: QWidget) -> None:
        """The review date moves ages, allowed codes and the statutory due date: show them afresh."""
        self._refresh()
        if widget is self.held_date:
            self._fill_participation()
            self._w(OptionalDateEdit, "partDate").set_date(self.model.review_date)  # a new part, that day

    def flush(self) -> None:
        """Save whatever is still waiting: call before closing, locking or leaving the page."""
        self.autosaver.flush()
        self._save_drafts()

    # --- drafts: words typed in the add-forms but not yet added ----------------------------------

    def _draft_fields(self) -> dict[str, QWidget]:
        return {
            "wish": find(self, QPlainTextEdit, "wishWords"),
            "decision": find(self, QLineEdit, "decisionAction"),
            "part": find(self, QLineEdit, "partLabelEdit"),
        }

    def _restore_drafts(self) -> None:
        self._saved_drafts = svc.drafts(self.store, self.review_id)
        for key, field in self._draft_fields().items():
            if isinstance(field, QPlainTextEdit):
                field.setPlainText(self._saved_drafts[key])
            else:
                field.setText(self._saved_drafts[key])

    def _save_drafts(self) -> None:
        """Into the encrypted store, so a lock or a close mid-sentence loses nothing; only when changed."""
        texts = {
            key: field.toPlainText() if isinstance(field, QPlainTextEdit) else field.text()
            for key, field in self._draft_fields().items()
        }
        texts = {key: text if text.strip() else "" for key, text in texts.items()}
        if texts != self._saved_drafts:
            svc.save_drafts(self.store, self.review_id, texts)
            self._saved_drafts = texts
