"""Locking in place: nothing personal in any widget while locked, the store closed, and back where we were."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QComboBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)
from sqlalchemy import select

from iro_desktop.gui.main_window import MainWindow
from iro_desktop.store import open_store
from iro_desktop.store.models import Child, Person
from tests.conftest import PASSPHRASE, TODAY

TYPED = "Zuzanna asked whether she could visit her grandmother in Gdansk at Easter"
WISH = "I want my bike back from Uncle Tomasz"  # typed in the new-wish field, not yet added


def _model_texts(model, parent=None):
    parent = parent or QModelIndex()
    try:
        columns = model.columnCount(parent)
    except TypeError:  # list models (QListWidget's) keep columnCount private: they have one column
        columns = 1
    for row in range(model.rowCount(parent)):
        for col in range(columns):
            index = model.index(row, col, parent)
            yield str(index.data(Qt.ItemDataRole.DisplayRole) or "")
            yield from _model_texts(model, index)


def every_text_shown():
    """All the text any live widget in any window holds: labels, fields, editors, lists, tables, titles."""
    for top in QApplication.topLevelWidgets():
        for widget in [top, *top.findChildren(QWidget)]:
            yield widget.windowTitle() + widget.toolTip() + widget.accessibleName()
            if isinstance(widget, QLabel | QLineEdit | QAbstractButton):
                yield widget.text()
            elif isinstance(widget, QPlainTextEdit | QTextEdit):
                yield widget.toPlainText()
            elif isinstance(widget, QComboBox):
                yield from (widget.itemText(i) for i in range(widget.count()))
            elif isinstance(widget, QAbstractItemView) and widget.model() is not None:
                yield from _model_texts(widget.model())


def personal_words(store) -> set[str]:
    with store.session() as s:
        names = set(s.scalars(select(Child.last_name))) | set(s.scalars(select(Person.name)))
    return {n for n in names if len(n) > 3} | {TYPED, WISH}


def test_locked_mid_minuting_nothing_personal_is_shown_and_unlocking_returns_there(qtbot, demo_store):
    words = personal_words(demo_store)
    window = MainWindow(demo_store, TODAY)
    qtbot.addWidget(window)
    window.show()
    window.caseload.table.selectRow(0)
    window.findChild(QAction, "actionPrepareReview").trigger()
    review_id = window.review.review_id
    window.review.tabs.setCurrentWidget(window.review.minute)
    editor = window.review.minute.section_stack.currentWidget()
    qtbot.keyClicks(editor, TYPED)
    qtbot.keyClicks(window.review.minute.findChild(QPlainTextEdit, "wishWords"), WISH)
    assert any(TYPED in text for text in every_text_shown())  # the scan does see what is on screen

    window.findChild(QAction, "actionLock").trigger()  # Ctrl+L, mid-sentence: no pause for the autosave
    assert window.store is None and window.pages.currentWidget() is window.lock_screen
    shown = "\n".join(every_text_shown())
    leaked = sorted(w for w in words if w in shown)
    assert leaked == [], f"personal data on screen while locked: {leaked[:5]}"
    assert not window.findChild(QAction, "actionSearch").isEnabled()

    window.resume(open_store(demo_store.path, PASSPHRASE))  # what the unlock dialog does on success
    assert window.pages.currentWidget() is window.review and window.review.review_id == review_id
    assert window.review.tabs.currentWidget() is window.review.minute
    sections = window.review.minute.section_stack
    assert any(TYPED in sections.widget(i).toPlainText() for i in range(sections.count()))
    assert window.review.minute.findChild(QPlainTextEdit, "wishWords").toPlainText() == WISH


def test_the_idle_timer_locks_by_itself(qtbot, demo_store):
    window = MainWindow(demo_store, TODAY)
    qtbot.addWidget(window)
    window.idle.set_minutes(0.001)  # 60 ms instead of the default 5 minutes
    qtbot.waitUntil(lambda: window.store is None, timeout=3000)
    assert window.pages.currentWidget() is window.lock_screen


def test_the_machine_going_to_sleep_locks(qtbot, demo_store):
    window = MainWindow(demo_store, TODAY)
    qtbot.addWidget(window)
    window._on_application_state(Qt.ApplicationState.ApplicationSuspended)  # what Qt reports on suspend
    assert window.store is None


def test_personal_text_copied_from_the_app_is_cleared_after_a_while_and_on_lock(qtbot, demo_store):
    window = MainWindow(demo_store, TODAY)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.applicationState() == Qt.ApplicationState.ApplicationActive)
    clipboard = QApplication.clipboard()
    window.clipboard_guard.timer.setInterval(50)  # 30 s in use
    clipboard.setText("Zuzanna's new address")
    qtbot.waitUntil(lambda: clipboard.text() == "", timeout=3000)
    clipboard.setText("Her school's phone number")
    window.lock()
    assert clipboard.text() == ""
