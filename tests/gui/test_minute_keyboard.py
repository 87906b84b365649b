"""Minuting by keyboard, with real key presses: Tab and Shift+Tab go round both tabs of a review in reading
order and leave every list; no two things on show share an Alt+letter; Enter adds in each add-form and goes
back to its first field; attendance is one key per person; the section list says which sections are written,
carried forward or empty; Ctrl+Shift+D and Ctrl+Shift+W reach the decision and the child's words forms from
anywhere in the review."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QAccessible, QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QComboBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QRadioButton,
    QTabBar,
    QWidget,
)
from sqlalchemy import select

from iro_desktop.gui.forms import find
from iro_desktop.gui.main_window import MainWindow
from iro_desktop.gui.review.minute import MinutePage
from iro_desktop.problems import Problem
from iro_desktop.services import minutes as svc
from iro_desktop.services.caseload import load_caseload
from iro_desktop.services.review_prep import next_review_for
from iro_desktop.store.models import Review
from tests.conftest import TODAY, first_review
from tests.gui.test_review_minute import planned_after_an_imported_review

TAB = (Qt.Key.Key_Tab, Qt.KeyboardModifier.NoModifier)
SHIFT_TAB = (Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier)
CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


_BUSIEST: list[int] = []  # every test's demo store is a copy of one demo: found once


def child_with_most_people(store) -> int:
    if not _BUSIEST:
        counts = []
        for row in load_caseload(store, TODAY):
            try:
                counts.append((len(svc.minutes(store, next_review_for(store, row.id), TODAY).people), row.id))
            except Problem:  # not looked after now: no review to prepare
                continue
        _BUSIEST.append(max(counts)[1])
    return _BUSIEST[0]


@pytest.fixture
def window(qtbot, demo_store) -> MainWindow:
    """The main window at 1280 x 800, active, with the next review of the child with most people open."""
    w = MainWindow(demo_store, TODAY)
    qtbot.addWidget(w)
    w.resize(1280, 800)
    with qtbot.waitActive(w):
        w.show()
        w.activateWindow()
    child_id = child_with_most_people(demo_store)
    w.open_child(child_id)
    w.open_review(child_id)
    return w


def open_signed(window: MainWindow, store) -> None:
    """A signed review, opened from its child's page as the IRO opens it."""
    with store.session() as s:
        review = s.scalars(select(Review).where(Review.status == "finalised").order_by(Review.id)).first()
        child_id, review_id = review.child_id, review.id
    window.open_child(child_id)
    window.child_page.open_review_requested.emit(review_id)


# --- Tab ------------------------------------------------------------------------------------------------


def control(widget: QWidget) -> QWidget:
    """The control a focus widget belongs to: a combo box for its line edit, a tab widget for its bar."""
    while (parent := widget.parentWidget()) is not None and parent.focusProxy() is widget:
        widget = parent
    return widget


def stops(window: QWidget) -> list[QWidget]:
    """What Tab should reach: every control on show, enabled, that takes the focus from Tab."""
    found = []
    for w in window.findChildren(QWidget):
        if (
            w.isVisibleTo(window)
            and w.isEnabled()
            and w.focusPolicy() & Qt.FocusPolicy.TabFocus
            and w.focusProxy() is None
            and control(w) not in found
        ):
            found.append(control(w))
    return found


def walk(qtbot, first: QWidget, keys: tuple) -> list[QWidget]:
    """Press the key from `first` until the focus comes round to it: the controls visited, in order. A
    control that keeps the focus for more presses than a time field has parts is a trap."""
    first.setFocus(Qt.FocusReason.TabFocusReason)
    visited, held = [first], 0
    for _ in range(400):
        qtbot.keyClick(QApplication.focusWidget(), *keys)
        now = control(QApplication.focusWidget())
        if now is visited[-1]:
            held += 1
            assert held < 5, f"Tab is held in {now.objectName() or now.accessibleName()}"
            continue
        held = 0
        if now is first:
            return visited
        assert now not in visited, f"Tab goes round without reaching {first.objectName()}"
        visited.append(now)
    raise AssertionError("Tab never comes round")


def place(window: QWidget, widget: QWidget) -> QRect:
    return QRect(widget.mapTo(window, widget.rect().topLeft()), widget.size())


def steps_back_up(window: QWidget, visited: list[QWidget]) -> list[str]:
    """Steps to a control above the one before and not in a column to its right: reading order goes down
    the window once, and back up only when Tab comes round to the top."""
    found = []
    for a, b in zip(visited, [*visited[1:], visited[0]], strict=True):
        was, now = place(window, a), place(window, b)
        if now.center().y() < was.top() and now.left() < was.right():
            found.append(f"{a.objectName() or a.accessibleName()} -> {b.objectName() or b.accessibleName()}")
    return found


def assert_tab_goes_round(qtbot, window: QWidget, first: QWidget) -> list[QWidget]:
    forward = walk(qtbot, first, TAB)
    names = [w.objectName() or w.accessibleName() for w in forward]
    unreached = [w.objectName() or w.accessibleName() for w in stops(window) if w not in forward]
    assert unreached == [], f"Tab never reaches {unreached}; it visits {names}"
    assert len(steps_back_up(window, forward)) <= 1, (steps_back_up(window, forward), names)  # round once
    assert walk(qtbot, first, SHIFT_TAB) == [first, *reversed(forward[1:])]  # Shift+Tab: the way back
    return forward


def test_tab_goes_round_both_tabs_of_a_review_in_reading_order(qtbot, window):
    """Every state of the review: the Prepare tab with the private conversation held or not, and the Minute
    tab with each of its bottom tabs. Tab never sticks in a date, a list or a text."""
    review = window.review
    prepare, minute = review.prepare, review.minute
    review.tabs.setCurrentWidget(prepare)
    for answer in ("happenedYes", "happenedNo"):
        find(prepare, QRadioButton, answer).setChecked(True)  # its details appear
        visited = assert_tab_goes_round(qtbot, window, find(prepare, QWidget, "dateEdit"))
        invitees = find(prepare, QWidget, "inviteesTable")
        in_table = visited[visited.index(invitees) + 1]
        assert in_table.parentWidget().parentWidget() is invitees  # a row's choice straight after its table

    review.tabs.setCurrentWidget(minute)
    for index in range(minute.tabs.count()):
        minute.tabs.setCurrentIndex(index)
        visited = assert_tab_goes_round(qtbot, window, minute.held_date)
        names = [w.objectName() for w in visited]
        at = names.index("sectionList")
        editor = minute.current_editor().objectName()
        assert names[at : at + 3] == ["sectionList", editor, "insertPhraseButton"]  # the writing, in order
    minute.tabs.setCurrentIndex(0)
    names = [w.objectName() for w in assert_tab_goes_round(qtbot, window, minute.held_date)]
    at = names.index("attendancePartCombo")
    assert names[at : at + 5] == [  # the list is one stop, between the part shown and adding someone
        "attendancePartCombo",
        "attendanceTable",
        "attendeeNameEdit",
        "attendeeRoleCombo",
        "addAttendeeButton",
    ]


# --- access keys ----------------------------------------------------------------------------------------


def access_keys(window: MainWindow) -> dict[str, list[str]]:
    """Each Alt+letter claimed by something on show (a button, a label with a buddy, a tab, a menu)."""
    texts = [a.text() for a in window.menuBar().actions() if a.isVisible()]
    for w in window.findChildren(QWidget):
        if not w.isVisibleTo(window):
            continue
        if isinstance(w, QAbstractButton) or (isinstance(w, QLabel) and w.buddy() is not None):
            texts.append(w.text())
        elif isinstance(w, QTabBar):
            texts += [w.tabText(i) for i in range(w.count())]
    claimed: dict[str, list[str]] = {}
    for text in texts:
        if key := QKeySequence.mnemonic(text).toString():
            claimed.setdefault(key, []).append(text)
    return claimed


def review_states(window: MainWindow):
    review = window.review
    review.tabs.setCurrentWidget(review.prepare)
    for answer in ("happenedYes", "happenedNo"):
        find(review.prepare, QRadioButton, answer).setChecked(True)
        yield f"Prepare, {answer}"
    review.tabs.setCurrentWidget(review.minute)
    for index in range(review.minute.tabs.count()):
        review.minute.tabs.setCurrentIndex(index)
        yield f"Minute, {review.minute.tabs.tabText(index)}"


def test_no_two_things_on_show_in_a_review_share_an_access_key(qtbot, window, demo_store):
    clashes = {}
    for state in review_states(window):
        clashes.update({f"{state}: {k}": v for k, v in access_keys(window).items() if len(v) > 1})
    open_signed(window, demo_store)
    for state in review_states(window):
        clashes.update({f"signed, {state}: {k}": v for k, v in access_keys(window).items() if len(v) > 1})
    assert clashes == {}


def test_the_access_keys_do_what_they_say(qtbot, window):
    minute = window.review.minute
    window.review.tabs.setCurrentWidget(minute)
    minute.current_editor().setFocus()
    qtbot.keyClick(minute.current_editor(), Qt.Key.Key_K, Qt.KeyboardModifier.AltModifier)
    assert QApplication.focusWidget() is minute.participation_combo  # Too&k part
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_D, Qt.KeyboardModifier.AltModifier)
    assert minute.tabs.currentWidget().objectName() == "decisionsTab"  # &Decisions, not Documents
    assert QApplication.focusWidget().objectName() == "decisionAction"  # ready to type
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_N, Qt.KeyboardModifier.AltModifier)
    assert QApplication.focusWidget() is minute.held_date  # Held o&n
    qtbot.keyClick(minute.held_date, Qt.Key.Key_A, Qt.KeyboardModifier.AltModifier)
    assert QApplication.focusWidget() is minute.attendance_table  # ready for P, A, S, I
    minute.held_date.setFocus()
    qtbot.keyClick(minute.held_date, Qt.Key.Key_A, Qt.KeyboardModifier.AltModifier)  # the tab shown already
    qtbot.waitUntil(lambda: QApplication.focusWidget() is minute.attendance_table, timeout=1000)
    window.review.tabs.setCurrentWidget(window.review.prepare)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_M, Qt.KeyboardModifier.AltModifier)
    assert QApplication.focusWidget() is minute.current_editor()  # &Minute the meeting: the writing


# --- Enter adds ------------------------------------------------------------------------------------------


@pytest.fixture
def page(qtbot, demo_store) -> MinutePage:
    """The minute of the next review of the child with most people, held today, active for real keys."""
    review_id = next_review_for(demo_store, child_with_most_people(demo_store))
    p = MinutePage(demo_store, review_id, TODAY)
    qtbot.addWidget(p)
    p.resize(1280, 700)
    with qtbot.waitActive(p):
        p.show()
        p.activateWindow()
    p.held_date.commit_date(TODAY)  # parts and decisions are dated from it
    return p


def type_into(qtbot, widget: QWidget, text: str) -> None:
    widget.setFocus()
    qtbot.keyClicks(widget, text)


def enter(qtbot, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return, modifier)


def test_enter_adds_a_decision_and_goes_back_to_its_first_field(qtbot, page):
    action, person = find(page, QLineEdit, "decisionAction"), find(page, QComboBox, "decisionPerson")
    due = find(page, QLineEdit, "decisionDue")
    page.tabs.setCurrentWidget(find(page, QWidget, "decisionsTab"))
    type_into(qtbot, action, "Book a dentist appointment")
    qtbot.keyClick(action, Qt.Key.Key_Tab)
    people = person.count()
    qtbot.keyClicks(QApplication.focusWidget(), "Sam Whitfield")
    enter(qtbot)  # in the named person, not the first field: refused, as there is no due date yet
    assert "due date" in find(page, QLabel, "decisionMessage").text()
    assert action.text() == "Book a dentist appointment" and QApplication.focusWidget() is due
    assert due.accessibleDescription() == find(page, QLabel, "decisionMessage").text()
    qtbot.keyClick(due, Qt.Key.Key_Tab)  # In 10 working days
    enter(qtbot)  # Enter on a button presses that button, and adds nothing
    assert due.text() != "" and page.decisions_table.rowCount() == 0
    qtbot.keyClick(QApplication.focusWidget(), *SHIFT_TAB)
    enter(qtbot)  # in the due date
    assert [d.action for d in svc.minutes(page.store, page.review_id, TODAY).decisions] == [
        "Book a dentist appointment"
    ]
    assert QApplication.focusWidget() is action and action.text() == "" and due.text() == ""
    assert person.count() == people  # Enter in the name added the decision, not a name to the list


def test_enter_adds_the_childs_words_and_shift_enter_starts_a_new_line(qtbot, page):
    words = find(page, QPlainTextEdit, "wishWords")
    page.tabs.setCurrentWidget(find(page, QWidget, "wishesTab"))
    type_into(qtbot, words, "I want to stay here")
    enter(qtbot, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClicks(words, "with my dog")
    assert page.wishes_table.rowCount() == 0
    qtbot.keyClick(words, Qt.Key.Key_Tab)  # how they were obtained
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)  # may they be shared?
    share = find(page, QComboBox, "wishShareCombo")
    assert QApplication.focusWidget() is share
    qtbot.keyClick(share, Qt.Key.Key_Down)  # Yes, they agreed
    enter(qtbot)
    (wish,) = svc.minutes(page.store, page.review_id, TODAY).wishes
    assert (wish.words, wish.agreed_to_share) == ("I want to stay here\nwith my dog", True)
    assert QApplication.focusWidget() is words and words.toPlainText() == ""


def test_enter_adds_a_person_and_a_part(qtbot, page):
    name = find(page, QLineEdit, "attendeeNameEdit")
    type_into(qtbot, name, "Dr Ada Hughes")
    enter(qtbot)
    assert recorded(page)["Dr Ada Hughes"] == "present"
    assert QApplication.focusWidget() is name and name.text() == ""

    label = find(page, QLineEdit, "partLabelEdit")
    type_into(qtbot, label, "With the parents")
    qtbot.keyClick(label, Qt.Key.Key_Tab)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)  # the date, then the place
    qtbot.keyClicks(QApplication.focusWidget(), "The kitchen")
    enter(qtbot)
    (part,) = svc.minutes(page.store, page.review_id, TODAY).parts
    assert (part.label, part.held_on, part.place) == ("With the parents", TODAY, "The kitchen")
    assert QApplication.focusWidget() is label and label.text() == ""


# --- attendance: one key per person ----------------------------------------------------------------------


def recorded(page: MinutePage) -> dict[str, str]:
    return {a.name: a.attendance for a in svc.minutes(page.store, page.review_id, TODAY).attendance}


def test_attendance_is_one_key_per_person_and_the_focus_moves_down(qtbot, page):
    table = page.attendance_table
    people = [table.item(r, 0).text() for r in range(table.rowCount())]
    table.setFocus()
    table.setCurrentCell(0, 0)
    for key in (Qt.Key.Key_P, Qt.Key.Key_A, Qt.Key.Key_S, Qt.Key.Key_P):
        qtbot.keyClick(table, key)
    assert table.currentRow() == 4 and QApplication.focusWidget() is table
    qtbot.keyClick(table, Qt.Key.Key_Up)
    qtbot.keyClick(table, Qt.Key.Key_Up)
    qtbot.keyClick(table, Qt.Key.Key_I)  # the third person back to invited
    assert [recorded(page)[name] for name in people[:4]] == ["present", "absent", "invited", "present"]
    assert [table.cellWidget(r, 2).currentData() for r in range(3)] == ["present", "absent", "invited"]
    assert table.item(1, 2).text() == "Absent"  # what a screen reader reads in the row
    hint = find(page, QLabel, "attendanceKeys")
    assert hint.isVisible() and "P present" in hint.text() and "A absent" in hint.text()
    assert "P present" in table.toolTip() and "P present" in table.accessibleDescription()


def test_attendance_keys_change_nothing_on_a_signed_review(qtbot, demo_store):
    review_id = first_review(demo_store, "finalised")
    page = MinutePage(demo_store, review_id, TODAY)
    qtbot.addWidget(page)
    page.show()
    before = recorded(page)
    page.attendance_table.setFocus()
    page.attendance_table.setCurrentCell(0, 0)
    qtbot.keyClick(page.attendance_table, Qt.Key.Key_A)
    assert recorded(page) == before


# --- the section list -------------------------------------------------------------------------------------


def spoken(page: MinutePage, row: int) -> str:
    """What a screen reader reads for the section list's row."""
    return QAccessible.queryAccessibleInterface(page.section_list).child(row).text(QAccessible.Text.Name)


def test_the_section_list_marks_written_and_empty_sections(qtbot, page):
    row = svc.SECTION_KEYS.index("health")
    page.section_list.setCurrentRow(row)
    assert page.section_list.item(row).text() == "\u25cb Health" and spoken(page, row) == "Health: empty"
    qtbot.keyClicks(page.current_editor(), "Dental check due.")
    assert page.section_list.item(row).text() == "\u25cf Health" and spoken(page, row) == "Health: written"
    legend = find(page, QLabel, "sectionLegend")
    assert legend.isVisible() and all(w in legend.text() for w in ("written", "carried forward", "empty"))


def test_carried_forward_text_is_marked_until_it_is_changed(qtbot, demo_store):
    review_id = planned_after_an_imported_review(demo_store)
    p = MinutePage(demo_store, review_id, TODAY)
    qtbot.addWidget(p)
    p.show()
    row = svc.SECTION_KEYS.index("health")
    p.section_list.setCurrentRow(row)
    find(p, QAbstractButton, "carryForwardButton").click()
    assert p.section_list.item(row).text() == "\u25d0 Health"
    assert spoken(p, row) == "Health: carried forward from last time, not yet changed"
    qtbot.keyClicks(p.current_editor(), " Still true.")
    assert p.section_list.item(row).text() == "\u25cf Health" and spoken(p, row) == "Health: written"


# --- shortcuts from anywhere in the review ----------------------------------------------------------------


def test_one_shortcut_adds_a_decision_and_one_the_childs_words_from_anywhere(qtbot, window):
    review = window.review
    review.tabs.setCurrentWidget(review.prepare)
    venue = find(review.prepare, QLineEdit, "venueEdit")
    venue.setFocus()
    qtbot.keyClick(venue, Qt.Key.Key_D, CTRL_SHIFT)
    action = find(review.minute, QLineEdit, "decisionAction")
    assert review.tabs.currentWidget() is review.minute and QApplication.focusWidget() is action
    qtbot.keyClicks(action, "Arrange a life-story book")
    qtbot.keyClick(action, Qt.Key.Key_W, CTRL_SHIFT)
    words = find(review.minute, QPlainTextEdit, "wishWords")
    assert review.minute.tabs.currentWidget().objectName() == "wishesTab"
    assert QApplication.focusWidget() is words
    assert action.text() == "Arrange a life-story book"  # the typing waits in its form

    view = next(a.menu() for a in window.menuBar().actions() if a.menu() and a.text() == "&View")
    shown = {a.text(): a.shortcut().toString() for a in view.actions()}
    assert shown["Add a &decision to the minute"] == "Ctrl+Shift+D"
    assert shown["Add the child's &words to the minute"] == "Ctrl+Shift+W"


def test_the_shortcuts_clash_with_nothing_in_the_review_window(window):
    """Menu actions, buttons' shortcuts (Documents, Ctrl+D) and the window's own: no key twice; the minute's
    keys that work only inside it (phrases, moving between sections) are none of them either."""
    window_keys = [a.shortcut() for a in window.findChildren(QAction) if not a.shortcut().isEmpty()]
    window_keys += [  # a button's own shortcut, not its Alt+letter
        b.shortcut()
        for b in window.findChildren(QAbstractButton)
        if not b.shortcut().isEmpty() and b.shortcut() != QKeySequence.mnemonic(b.text())
    ]
    window_keys += [
        s.key()
        for s in window.findChildren(QShortcut)
        if s.context() in (Qt.ShortcutContext.WindowShortcut, Qt.ShortcutContext.ApplicationShortcut)
    ]
    names = [k.toString() for k in window_keys]
    assert {"Ctrl+D", "Ctrl+Shift+D", "Ctrl+Shift+W"} <= set(names)
    assert sorted({n for n in names if names.count(n) > 1}) == []
    inside = {
        s.key().toString()
        for s in window.review.minute.findChildren(QShortcut)
        if s.context() == Qt.ShortcutContext.WidgetWithChildrenShortcut
    }
    assert "Ctrl+Shift+P" in inside and inside & set(names) == set()


def test_without_a_review_to_add_to_the_shortcut_says_why(qtbot, window, demo_store):
    window.show_caseload()
    window.findChild(QAction, "actionAddDecision").trigger()
    assert "Open a review first" in window.statusBar().currentMessage()
    open_signed(window, demo_store)
    window.findChild(QAction, "actionAddWords").trigger()
    assert "can no longer change" in window.statusBar().currentMessage()


def test_the_guide_lists_the_minuting_keys(window):
    from iro_desktop.gui.help.guide import GuideDialog

    dialog = GuideDialog(None, window)
    page = next(p for p in dialog.pages if p.title == "Keyboard shortcuts").html
    for keys in ("Ctrl+Shift+D", "Ctrl+Shift+W", "P, A, S, I", "Enter", "Shift+Enter"):
        assert keys in page, keys
    dialog.deleteLater()
