"""What an IRO sees of the council's feed: the Notices to answer tile, the council inbox (View > Council
inbox, Ctrl+2) with its notices and differences, the answer dialog, and on a child's page the council's
section and the banner of a deallocated child, all on the demo caseload in a real encrypted store."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QApplication,
    QDialogButtonBox,
    QGroupBox,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
)

from iro_desktop.gui.council.answer import NoticeAnswerDialog
from iro_desktop.gui.council.inbox import CouncilInbox
from iro_desktop.gui.main_window import MainWindow
from iro_desktop.gui.retention.handover import HandoverDialog
from iro_desktop.services import notices
from iro_desktop.services.caseload import load_caseload
from iro_desktop.services.council_details import open_differences
from iro_desktop.services.retention import unsent_records
from iro_desktop.store.keys import TEST_KDF
from iro_desktop.store.models import Child, Person
from tests.conftest import TODAY, first_review

DUE = "answer by 30 Nov 2026: 3 working days left"  # the demo's open notice: 3 working days after TODAY


def _window(qtbot, store) -> MainWindow:
    window = MainWindow(store, TODAY)
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitActive(window):
        window.activateWindow()
    return window


def _inbox_by_keyboard(qtbot, window) -> CouncilInbox:
    qtbot.keyClick(window.caseload.table, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    page = window.pages.currentWidget()
    assert isinstance(page, CouncilInbox)
    return page


def _rows(table: QTableWidget) -> list[list[str]]:
    return [
        [table.item(r, c).text() if table.item(r, c) else "" for c in range(table.columnCount())]
        for r in range(table.rowCount())
    ]


def _click(qtbot, widget) -> None:
    assert widget.isVisible() and widget.isEnabled(), widget.objectName()
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def test_the_notices_tile_counts_open_notices_and_shows_just_their_children(qtbot, demo_store):
    window = _window(qtbot, demo_store)
    view = window.caseload
    assert view.summary.figure("notices") == 1
    assert view.summary.caption("notices") == "notice to answer\nfor 1 child"
    assert view.summary.shortcut("notices") == "Alt+7"
    qtbot.keyClick(view.table, Qt.Key.Key_7, Qt.KeyboardModifier.AltModifier)
    shown = [view.proxy.child_id(r) for r in range(view.proxy.rowCount())]
    open_notice = notices.inbox(demo_store, TODAY, open_only=True)[0]
    assert shown == [open_notice.child_id]
    assert view.statusFilter.currentText() == "Notices to answer (1)"
    row = next(r for r in view.model.rows() if r.id == open_notice.child_id)
    assert "Council notice to answer (1)" in row.flags


def test_the_inbox_lists_the_demos_notices_open_first_and_its_difference(qtbot, demo_store):
    window = _window(qtbot, demo_store)
    inbox = _inbox_by_keyboard(qtbot, window)
    rows = _rows(inbox.notices_table)
    assert len(rows) == 2
    assert rows[0][0].endswith("(DEMO0001)") and rows[0][1] == "Proposed end of placement"
    assert rows[0][3:] == [DUE, "Open"]
    assert rows[1][0].endswith("(DEMO0002)") and rows[1][4] == "Answered: the council has it"
    assert inbox.tabs.tabText(0) == "&Notices (1 open)" and inbox.tabs.tabText(1) == "&Differences (1)"
    inbox.notices_table.selectRow(0)
    assert "28 days' notice" in inbox.details.toPlainText()  # the details pane has the notice in full
    inbox.tabs.setCurrentIndex(1)
    council = open_differences(demo_store)[0]
    [line] = _rows(inbox.differences_table)
    assert line == [
        f"{council.child_name} ({council.child_ref})",
        council.about,
        "Phone",
        council.council_value,
        council.your_value,
    ]
    inbox.differences_table.selectRow(0)
    qtbot.keyClick(inbox.differences_table, Qt.Key.Key_Return)  # Enter opens the child, as on the caseload
    assert window.pages.currentWidget() is window.child_page
    assert window.child_page.child_id == council.child_id


def test_answering_a_notice_by_keyboard_alone_saves_it_and_the_caseload_counts_it(qtbot, demo_store):
    window = _window(qtbot, demo_store)
    inbox = _inbox_by_keyboard(qtbot, window)
    table = inbox.notices_table
    assert QApplication.focusWidget() is table
    assert inbox.selected_notice().is_open  # the most urgent notice is chosen already
    qtbot.keyClick(table, Qt.Key.Key_A, Qt.KeyboardModifier.AltModifier)  # Answer...
    qtbot.waitUntil(lambda: inbox.dialog is not None)  # an access key clicks a moment later, as a mouse
    dialog = inbox.dialog
    assert isinstance(dialog, NoticeAnswerDialog) and dialog.isVisible()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_E, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(dialog.radios["early_review"].isChecked)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_N, Qt.KeyboardModifier.AltModifier)  # the note
    assert QApplication.focusWidget() is dialog.note
    qtbot.keyClicks(dialog.note, "Please bring the review forward to plan the move.")
    qtbot.keyClick(dialog.note, Qt.Key.Key_Tab)
    save = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Save)
    if QApplication.focusWidget() is not save:  # the platform puts Cancel first
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is save
    qtbot.keyClick(save, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    [answered] = [n for n in notices.inbox(demo_store, TODAY) if n.child_ref == "DEMO0001"]
    assert (answered.answer, answered.answer_note) == (
        "Early review requested",
        "Please bring the review forward to plan the move.",
    )
    assert _rows(table)[0][4] == "Answered: waiting for the next sync"
    assert inbox.tabs.tabText(0) == "&Notices (0 open)"
    assert window.caseload.summary.figure("notices") == 0
    assert window.focusWidget() is table  # back where the IRO was, once the window is active again


def test_a_concern_without_a_note_is_refused_beside_the_note_and_nothing_is_saved(qtbot, demo_store):
    window = _window(qtbot, demo_store)
    inbox = _inbox_by_keyboard(qtbot, window)
    inbox.notices_table.selectRow(0)
    _click(qtbot, inbox.findChild(QPushButton, "answerButton"))
    dialog = inbox.dialog
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    dialog.radios["concern"].setChecked(True)
    dialog.save()
    assert dialog.isVisible() and dialog.radios["concern"].isChecked()  # nothing chosen is lost
    problem = dialog.findChild(QLabel, "noteProblem")
    assert problem.isVisible() and problem.text() == dialog.problem_text()
    assert "Say what your concern is in the note" in problem.text()
    assert QApplication.focusWidget() is dialog.note and dialog.note.accessibleDescription() == problem.text()
    assert len(notices.inbox(demo_store, TODAY, open_only=True)) == 1  # nothing saved
    assert window.caseload.summary.figure("notices") == 1
    qtbot.keyClicks(dialog.note, "The proposed move would take her away from her school.")
    dialog.save()
    assert not dialog.isVisible() and not notices.inbox(demo_store, TODAY, open_only=True)
    assert _rows(inbox.notices_table)[0][4] == "Answered: waiting for the next sync"


def _phone_of_the_social_worker(store, child_id: int) -> str:
    with store.reading() as s:
        worker = s.query(Person).filter_by(child_id=child_id, role="social_worker").first()
        return worker.phone


def test_using_the_councils_value_changes_the_record_and_the_line_goes(qtbot, demo_store):
    window = _window(qtbot, demo_store)
    inbox = _inbox_by_keyboard(qtbot, window)
    difference = open_differences(demo_store)[0]
    inbox.tabs.setCurrentIndex(1)
    inbox.differences_table.selectRow(0)
    _click(qtbot, inbox.findChild(QPushButton, "useCouncilButton"))
    assert _phone_of_the_social_worker(demo_store, difference.child_id) == difference.council_value
    assert open_differences(demo_store) == [] and inbox.tabs.tabText(1) == "&Differences (0)"
    assert _rows(inbox.differences_table)[0][0].startswith("Nothing differs")
    row = next(r for r in window.caseload.model.rows() if r.id == difference.child_id)
    assert row.differences_open == 0 and not any("differs" in f for f in row.flags)


def test_keeping_your_own_value_leaves_the_record_and_the_line_goes(qtbot, demo_store):
    window = _window(qtbot, demo_store)
    difference = open_differences(demo_store)[0]
    window.open_child(difference.child_id)  # the same choice on the child's page
    page = window.child_page
    box = page.findChild(QGroupBox, "councilBox")
    assert box.isVisible()
    table = page.findChild(QTableWidget, "councilDifferencesTable")
    assert _rows(table) == [[difference.about, "Phone", difference.council_value, difference.your_value]]
    table.selectRow(0)
    _click(qtbot, page.findChild(QPushButton, "councilKeepButton"))
    assert _phone_of_the_social_worker(demo_store, difference.child_id) == difference.your_value
    assert open_differences(demo_store) == [] and not box.isVisible()


def test_a_notice_is_answered_from_the_childs_page_too(qtbot, demo_store):
    window = _window(qtbot, demo_store)
    notice = notices.inbox(demo_store, TODAY, open_only=True)[0]
    window.open_child(notice.child_id)
    page = window.child_page
    table = page.findChild(QTableWidget, "councilNoticesTable")
    assert _rows(table) == [[notice.kind, notice.summary, DUE, "Open"]]
    table.selectRow(0)
    _click(qtbot, page.findChild(QPushButton, "councilAnswerButton"))
    dialog = page.dialog
    assert isinstance(dialog, NoticeAnswerDialog)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)  # Esc closes it, nothing saved
    assert not dialog.isVisible() and notices.inbox(demo_store, TODAY, open_only=True)
    _click(qtbot, page.findChild(QPushButton, "councilAnswerButton"))
    page.dialog.radios["acknowledged"].setChecked(True)
    page.dialog.save()
    assert _rows(table)[0][3] == "Answered: waiting for the next sync"
    assert window.caseload.summary.figure("notices") == 0  # the window's caseload is current


def _answer_removal(seen: list[str]) -> None:
    """Press Yes on the confirmation once it is open (its exec() would otherwise block the test)."""

    def act():
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(20, act)
            return
        seen.append(box.text())
        box.button(QMessageBox.StandardButton.Yes).click()

    QTimer.singleShot(0, act)


def _deallocated_child_with_unsigned_work(store) -> int:
    """A demo child with a review held but not signed and every signed record at the council, deallocated."""
    held = first_review(store, "held")
    with store.session() as s:
        from iro_desktop.store.models import Review

        child = s.get(Child, s.get(Review, held).child_id)
        child.council_status, child.deallocated_on = "deallocated", TODAY
        child_id = child.id
    assert unsent_records(store, child_id) == 0
    return child_id


def test_a_deallocated_child_is_removed_only_once_handed_over(qtbot, demo_store, tmp_path):
    child_id = _deallocated_child_with_unsigned_work(demo_store)
    window = _window(qtbot, demo_store)
    window.open_child(child_id)
    page = window.child_page
    banner = page.findChild(QLabel, "deallocLabel")
    assert banner.isVisible()
    assert banner.text().startswith("The council ended this child's allocation to you on 25 Nov 2026.")
    assert "hand the child over first" in banner.text()
    seen: list[str] = []
    _answer_removal(seen)
    _click(qtbot, page.findChild(QPushButton, "removeButton"))
    assert seen and "Remove" in seen[0]
    assert "Nothing was removed." in banner.text()  # the refusal, in the service's own words
    assert child_id in {r.id for r in load_caseload(demo_store, TODAY)}

    _click(qtbot, page.findChild(QPushButton, "deallocHandoverButton"))  # the page's own handover
    dialog = page.dialog
    assert isinstance(dialog, HandoverDialog)
    dialog.kdf = TEST_KDF
    dialog.file_edit.setText(str(tmp_path / "handover.iro-handover"))
    _click(qtbot, dialog.write_button)
    qtbot.waitUntil(lambda: not dialog.busy, timeout=20_000)
    dialog.reject()  # closed without removing there: the banner says what is left
    assert "Nothing is left to send: you can remove the child from this laptop." in banner.text()

    _answer_removal(seen)
    _click(qtbot, page.findChild(QPushButton, "removeButton"))
    assert window.child_page is None and window.pages.currentWidget() is window.caseload
    assert child_id not in {r.id for r in window.caseload.model.rows()}


def test_locking_takes_the_inbox_away_with_the_other_pages(qtbot, demo_store):
    window = _window(qtbot, demo_store)
    _inbox_by_keyboard(qtbot, window)
    window.lock()
    assert window.inbox_page is None and window.findChildren(CouncilInbox) == []


def test_a_background_sync_brings_the_councils_changes_onto_the_caseload_at_once(qtbot, demo_store, tmp_path):
    """No F5: a child newly allocated and a notice arrive on the caseload as the quiet sync finishes."""
    from datetime import date

    from tests.sync.feed_helpers import Council, child_rows, enrolled_to
    from tests.sync.live import LiveReceiver

    receiver = LiveReceiver(tmp_path).start()
    council = Council(receiver.db_url)
    try:
        council.iro("Alex Example")
        council.rows("FC9001", child_rows("FC9001", date(2016, 2, 2), date(2026, 6, 1)))
        council.details("FC9001", {"child": {"first_name": "Sky", "last_name": "Fictional"}})
        council.allocate("FC9001", "Alex Example")
        council.notice("FC9001", kind="complaint", summary="Sky has complained about contact.")
        enrolled_to(demo_store, council, receiver.url, "Alex Example")
        window = _window(qtbot, demo_store)
        assert window.caseload.summary.figure("notices") == 1
        with qtbot.waitSignal(window.background_sync.synced, timeout=60_000):
            assert window.background_sync.run_now()
        qtbot.waitUntil(lambda: window.caseload.summary.figure("notices") == 2)
        assert any(r.name == "Sky Fictional" for r in window.caseload.model.rows())
    finally:
        council.close()
        receiver.stop()
