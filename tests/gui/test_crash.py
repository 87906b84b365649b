"""An error nothing else caught: logged without the child's name, told once, and Report a problem is a
click away. pytest-qt's own capture is off here so the app's hook meets the error as it would in use."""

from __future__ import annotations

import sys

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton

from iro_desktop import logs
from iro_desktop.gui import crash, operations
from iro_desktop.gui.help import guide
from iro_desktop.gui.help.report import ReportDialog
from iro_desktop.gui.main_window import MainWindow
from tests.conftest import TODAY

MARKER = "Zebedee Quartermaine-Marker"
pytestmark = pytest.mark.qt_no_exception_capture


class GuideThatFails:
    """Opening the guide fails with a child's name in the error, as a careless message might."""

    def __init__(self, store, parent) -> None:
        child_name = MARKER
        raise LookupError(f"No guide page for {child_name}")


@pytest.fixture
def hook(qtbot, demo_store, monkeypatch):
    folder = logs.start_logging()
    previous_hook = sys.excepthook  # the log's own, which stop_logging then takes down in turn
    monkeypatch.setattr(guide, "GuideDialog", GuideThatFails)
    window = MainWindow(demo_store, TODAY)
    qtbot.addWidget(window)
    window.show()
    installed = crash.install(demo_store.path)
    installed.window = window
    installed.folder = folder
    yield installed
    sys.excepthook = previous_hook
    if installed.message is not None:
        installed.message.close()


def _crash_messages() -> list[QMessageBox]:
    return [w for w in QApplication.topLevelWidgets() if w.objectName() == "crashMessage" and w.isVisible()]


def _open_guide(hook) -> None:
    hook.window.findChild(QAction, "actionGuide").trigger()


def test_an_error_in_the_window_is_logged_without_the_name_and_told_once(qtbot, hook):
    _open_guide(hook)
    qtbot.waitUntil(lambda: len(_crash_messages()) == 1)
    _open_guide(hook)  # a second error, with the message still up: logged, not told again
    qtbot.wait(50)

    assert len(_crash_messages()) == 1
    assert _crash_messages()[0].text().startswith("Something went wrong in iro-desktop.")
    assert hook.window.statusBar().currentMessage() == crash.AGAIN
    log = (hook.folder / logs.LOG_NAME).read_text()
    assert log.count("CRITICAL iro_desktop.gui: Uncaught error\n  LookupError\n") == 2
    assert "at tests.gui.test_crash:GuideThatFails.__init__:" in log
    assert "Zebedee" not in log and "Quartermaine" not in log
    assert hook.window.isVisible()  # the app carries on


def _read_report_and_close(seen: dict) -> None:
    """Once Report a problem is open (its dialog runs its own loop), keep its text and close it."""
    dialog = next((w for w in QApplication.topLevelWidgets() if isinstance(w, ReportDialog)), None)
    if dialog is None or not dialog.isVisible():
        QTimer.singleShot(20, lambda: _read_report_and_close(seen))
        return
    seen["text"] = dialog.preview.toPlainText()
    dialog.reject()


def test_the_messages_button_opens_report_a_problem_with_the_logs_last_lines(qtbot, hook):
    _open_guide(hook)
    qtbot.waitUntil(lambda: len(_crash_messages()) == 1)
    seen = {}

    QTimer.singleShot(0, lambda: _read_report_and_close(seen))
    _crash_messages()[0].findChild(QPushButton, "reportProblemButton").click()

    assert "== Log ==" in seen["text"] and "Uncaught error" in seen["text"]
    assert "  LookupError" in seen["text"] and "Zebedee" not in seen["text"]
    assert _crash_messages() == []


def test_a_background_job_that_fails_reaches_the_same_log_without_the_name(qtbot, hook):
    def work():
        child_name = MARKER
        raise LookupError(f"Cannot sign the record for {child_name}")

    operations.run_in_background(work, done=lambda _result: None)
    log_file = hook.folder / logs.LOG_NAME
    qtbot.waitUntil(lambda: "LookupError" in log_file.read_text())
    for box in QApplication.topLevelWidgets():
        if box.objectName() == "operationFailure":
            box.close()

    log = log_file.read_text()
    assert "ERROR iro_desktop.gui: An unexpected error was shown as a plain sentence\n  LookupError\n" in log
    assert "at tests.gui.test_crash:test_a_background_job_that_fails_reaches_the_same_log" in log
    assert "Zebedee" not in log and "Quartermaine" not in log


def test_before_the_store_is_unlocked_the_button_still_opens_report_a_problem(qtbot, store_path):
    logs.start_logging()
    previous_hook = sys.excepthook
    hook = crash.install(store_path)  # as gui/app.py does, before the unlock dialog
    seen = {}

    def fail() -> None:
        raise RuntimeError(f"Unlock failed for {MARKER}")

    try:
        QTimer.singleShot(0, fail)
        qtbot.waitUntil(lambda: len(_crash_messages()) == 1)
        QTimer.singleShot(0, lambda: _read_report_and_close(seen))
        _crash_messages()[0].findChild(QPushButton, "reportProblemButton").click()
    finally:
        sys.excepthook = previous_hook

    assert "  RuntimeError" in seen["text"] and "Zebedee" not in seen["text"]
    assert hook.window is None


def test_an_error_before_the_log_has_begun_begins_it_and_the_window_keeps_its_hook(qtbot, demo_store):
    """The window begins the log in its warm-up, after the unlock dialog is on screen (gui/app.py): an error
    sooner begins it itself, and beginning it later leaves the window's hook in place."""
    previous_hook = sys.excepthook
    installed = crash.install(demo_store.path)
    try:
        installed(LookupError, LookupError(f"Before the log, about {MARKER}"), None)
        folder = logs.log_dir()
        assert logs.start_logging() == folder  # as the warm-up does, after the error began it
        assert sys.excepthook is installed
        log = (folder / logs.LOG_NAME).read_text()
        assert "CRITICAL iro_desktop.gui: Uncaught error\n  LookupError\n" in log and "Zebedee" not in log
    finally:
        sys.excepthook = previous_hook
        if installed.message is not None:
            installed.message.close()
