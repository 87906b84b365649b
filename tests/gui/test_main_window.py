"""The main window: the caseload first, a child's page on Enter, back again; the demo is marked DEMO."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QPushButton, QTableView

from iro_desktop.gui.main_window import MainWindow
from tests.conftest import PASSPHRASE, TODAY


def test_opens_on_the_caseload_and_walks_to_a_child_and_back(qtbot, demo_store):
    window = MainWindow(demo_store, TODAY)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    assert window.pages.currentWidget() is window.caseload
    assert window.windowTitle().startswith("DEMO")
    table = window.caseload.table
    table.setFocus()
    table.selectRow(0)
    expected = window.caseload.selected_child_id()
    with qtbot.waitSignal(window.caseload.child_opened) as opened:
        qtbot.keyClick(table, Qt.Key.Key_Return)
    assert opened.args == [expected]
    assert window.pages.currentWidget() is window.child_page
    window.findChild(QAction, "actionBack").trigger()
    assert window.pages.currentWidget() is window.caseload


def test_menus_show_shortcuts_for_the_common_actions(qtbot, demo_store):
    window = MainWindow(demo_store, TODAY)
    qtbot.addWidget(window)
    shortcuts = {
        name: window.findChild(QAction, name).shortcut().toString()
        for name in ("actionLock", "actionQuit", "actionCaseload", "actionRefresh")
    }
    assert shortcuts == {
        "actionLock": "Ctrl+L",
        "actionQuit": "Ctrl+Q",
        "actionCaseload": "Ctrl+1",
        "actionRefresh": "F5",
    }


def test_a_real_store_is_not_marked_demo(qtbot, store):
    window = MainWindow(store, TODAY)
    qtbot.addWidget(window)
    assert "DEMO" not in window.windowTitle() and "Example Borough" in window.windowTitle()


def test_children_imported_through_the_file_menu_appear_on_the_caseload(qtbot, store):
    from iro_desktop.services.import903 import import_903
    from tests.interop.conftest import fake_903

    window = MainWindow(store, TODAY)
    qtbot.addWidget(window)
    assert window.caseload.model.rowCount() == 0
    assert window.findChild(QAction, "actionImport903").shortcut().toString() == "Ctrl+I"
    wizard = window.import_wizard()
    report = import_903(store, fake_903("d2i_fake_tiny"))  # what the wizard's worker runs
    wizard.imported.emit(report)
    assert window.caseload.model.rowCount() == 8


def test_prepare_then_minute_a_review_from_the_caseload_and_come_back(qtbot, demo_store):
    from iro_desktop.services.minutes import minutes

    window = MainWindow(demo_store, TODAY)
    qtbot.addWidget(window)
    window.show()
    window.caseload.table.selectRow(0)
    child_id = window.caseload.selected_child_id()
    window.findChild(QAction, "actionPrepareReview").trigger()  # Ctrl+R
    workspace = window.review
    assert window.pages.currentWidget() is workspace
    workspace.tabs.setCurrentWidget(workspace.minute)
    editor = workspace.minute.section_stack.currentWidget()
    qtbot.keyClicks(editor, "Settled at school; wants more time with her brother.")
    window.findChild(QAction, "actionCaseload").trigger()  # leaving saves what is pending at once
    saved = minutes(demo_store, workspace.review_id, TODAY)
    assert any("wants more time with her brother" in sec.text for sec in saved.sections)
    assert window.pages.currentWidget() is window.caseload
    assert workspace.review_id and child_id


def test_the_child_page_prepare_button_opens_that_childs_review(qtbot, demo_store):
    window = MainWindow(demo_store, TODAY)
    qtbot.addWidget(window)
    window.caseload.table.selectRow(3)
    child_id = window.caseload.selected_child_id()
    window.open_child(child_id)
    window.child_page.prepare_review_requested.emit(child_id)
    assert window.pages.currentWidget() is window.review
    window.review.leave()
    assert window.pages.currentWidget() is window.child_page and window.child_page.child_id == child_id


def test_back_up_from_the_file_menu_writes_a_checked_backup_and_audits_it(qtbot, demo_store, tmp_path):
    from iro_desktop.store import audit

    window = MainWindow(demo_store, TODAY)
    qtbot.addWidget(window)
    assert window.findChild(QAction, "actionBackup").isEnabled()
    backing_up = window.back_up_to(tmp_path / "today.iro-backup")
    assert window.back_up_to(tmp_path / "again.iro-backup") is None  # one at a time
    assert window.statusBar().currentMessage() == "Backing up to today.iro-backup and checking it…"
    qtbot.waitUntil(lambda: not backing_up.running, timeout=20_000)
    assert (tmp_path / "today.iro-backup").exists() and not (tmp_path / "again.iro-backup").exists()
    assert "Backed up and checked: 60 children" in window.statusBar().currentMessage()
    assert audit.entries(demo_store)[0].action == "backup"


def test_locking_while_a_backup_is_written_finishes_it_before_the_store_closes(qtbot, demo_store, tmp_path):
    from iro_desktop.store import audit, open_store

    window = MainWindow(demo_store, TODAY)
    qtbot.addWidget(window)
    window.back_up_to(tmp_path / "today.iro-backup")
    window.lock()  # at once, as the idle lock would
    assert window.store is None and (tmp_path / "today.iro-backup").exists()
    reopened = open_store(demo_store.path, PASSPHRASE)
    try:
        assert "backup" in [entry.action for entry in audit.entries(reopened, limit=3)]  # recorded too
    finally:
        reopened.close()


def test_the_sync_view_opens_from_the_view_menu_and_shows_the_demo_outbox(qtbot, demo_store):
    window = MainWindow(demo_store, TODAY)
    qtbot.addWidget(window)
    window.findChild(QAction, "actionSync").trigger()  # Ctrl+4
    assert window.pages.currentWidget() is window.sync_page
    assert window.sync_page.findChild(QTableView).model().rowCount() == 5  # the demo's signed reviews
    window.lock()
    assert window.sync_page is None and window.background_sync is None


def test_challenges_view_and_raising_a_concern_from_a_childs_page(qtbot, demo_store):
    from iro_desktop.services.challenge_facts import open_challenges
    from iro_desktop.services.challenges import raise_concern

    window = MainWindow(demo_store, TODAY)
    qtbot.addWidget(window)
    window.findChild(QAction, "actionChallenges").trigger()  # Ctrl+3
    assert window.pages.currentWidget() is window.challenges_page
    child_id = window.caseload.model.rows()[0].id
    window.open_child(child_id)
    dialog = window.concern_dialog(child_id)
    before = len(open_challenges(demo_store, TODAY))
    concern = raise_concern(demo_store, child_id, "transport", "No taxi to contact for weeks", TODAY)
    dialog.saved.emit(concern)  # what the dialog does once the concern is recorded
    assert len(open_challenges(demo_store, TODAY)) == before + 1
    assert window.caseload.model.rows()  # the caseload was reloaded, not emptied
    window.lock()
    assert window.challenges_page is None


def test_a_concern_raised_from_a_review_says_which_review(qtbot, demo_store, monkeypatch):
    from iro_desktop.gui.challenges.dialog import ChallengeDialog

    opened = []
    monkeypatch.setattr(ChallengeDialog, "exec", lambda self: opened.append(self.about) or 0)
    window = MainWindow(demo_store, TODAY)
    qtbot.addWidget(window)
    window.caseload.table.selectRow(0)
    window.prepare_selected()
    number = window.review.minute.model.number
    window.review.findChild(QPushButton, "concernButton").click()
    assert opened == [f"review {number}"]


def test_a_concern_raised_from_a_decision_names_the_decision(qtbot, demo_store, monkeypatch):
    from PySide6.QtWidgets import QTableWidget

    from iro_desktop.gui.challenges.dialog import ChallengeDialog

    opened = []
    monkeypatch.setattr(ChallengeDialog, "exec", lambda self: opened.append(self.about) or 0)
    window = MainWindow(demo_store, TODAY)
    qtbot.addWidget(window)
    child = next(r for r in window.caseload.model.rows() if r.decisions_open)
    window.open_child(child.id)
    window.child_page.findChild(QTableWidget, "decisionsTable").selectRow(0)
    first = window.child_page.selected_decision()
    window.child_page.findChild(QPushButton, "decisionConcernButton").click()
    assert opened == [f"decision {first.number}: {first.action}"]
