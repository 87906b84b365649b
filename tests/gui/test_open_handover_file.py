"""A handover file opened from the desktop (`iro-desktop gui FILE`, as the menu entry runs it): after the
passphrase, Receive handover is on screen with that file chosen, and the code is all that is left to type."""

from __future__ import annotations

import sys

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QPushButton

from iro_desktop.gui import appearance
from iro_desktop.gui.app import run
from iro_desktop.gui.main_window import MainWindow
from iro_desktop.gui.retention.handover import ReceiveHandoverDialog
from iro_desktop.gui.unlock import UnlockDialog
from iro_desktop.services.handover import send
from iro_desktop.store import create_store
from iro_desktop.store.keys import TEST_KDF
from tests.conftest import PASSPHRASE
from tests.services.child_traces import FULL_CHILD
from tests.test_cli import iro

GIVE_UP_MS = 60_000  # only so that a broken app fails the test instead of hanging it


@pytest.fixture
def app(qapp, monkeypatch):
    """run() sets the application up as the real app does: put back afterwards what it changed."""
    palette, font, style = qapp.palette(), qapp.font(), qapp.style().name()
    names = qapp.applicationName(), qapp.organizationName(), qapp.desktopFileName()
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # run() installs the crash hook
    qapp.setQuitOnLastWindowClosed(False)  # the test ends the loop itself: no quit left queued for the next
    yield qapp
    qapp.setQuitOnLastWindowClosed(True)
    appearance.stop_following(qapp)
    qapp.setStyle(style or "Fusion")
    qapp.setPalette(palette)
    qapp.setFont(font)
    qapp.setApplicationName(names[0])
    qapp.setOrganizationName(names[1])
    qapp.setDesktopFileName(names[2])


@pytest.fixture
def sent(demo_store, tmp_path):
    """A real handover file from the demo store, in a folder whose name has a space, and its code."""
    folder = tmp_path / "Handover files"
    folder.mkdir()
    done = send(demo_store, FULL_CHILD, folder / "from Alex.iro-handover", kdf=TEST_KDF)
    return done.path, done.code, done.handover.child_ref


def _modal(kind):
    widget = QApplication.activeModalWidget()
    return widget if isinstance(widget, kind) and widget.isVisible() else None


def _main_window():
    return next(
        (w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()), None
    )


def _the_iro(code: str, seen: dict):
    """What the IRO does, one step per screen: each `yield` waits until what it names is on screen."""
    unlock = yield lambda: _modal(UnlockDialog)
    QTest.keyClicks(unlock.passphrase, PASSPHRASE)
    QTest.keyClick(unlock.passphrase, Qt.Key.Key_Return)
    dialog = yield lambda: _modal(ReceiveHandoverDialog)
    seen["file"] = dialog.file_edit.text()
    QTest.keyClicks(dialog.focusWidget() or dialog, code)  # typed wherever the cursor is, as a person would
    QTest.mouseClick(dialog.findChild(QPushButton, "checkButton"), Qt.MouseButton.LeftButton)
    yield lambda: not dialog.busy  # the code is checked off the screen's thread
    if dialog.import_button.isEnabled():
        QTest.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    else:
        seen["refused"] = dialog.message.text()
        dialog.reject()
    window = yield lambda: not dialog.isVisible() and _main_window()
    seen["caseload"] = [row.child for row in window.caseload.model.rows()]
    seen["status"] = window.statusBar().currentMessage()
    window.close()


def _play(steps) -> tuple[QTimer, QTimer]:
    """Drive the steps from inside run()'s event loop, which the test cannot leave until the app quits.
    Returns the timers, for the test to stop: left running, the give-up timer would end whatever event loop
    a later test in this process is waiting in, a minute on (it did, and that test's queued calls stopped)."""
    waiting_for = next(steps)
    timer = QTimer(interval=20)
    give_up = QTimer(singleShot=True, interval=GIVE_UP_MS)

    def tick():
        nonlocal waiting_for
        if found := waiting_for():
            try:
                waiting_for = steps.send(found)
            except StopIteration:
                timer.stop()
                give_up.stop()
                QApplication.exit(0)

    timer.timeout.connect(tick)
    give_up.timeout.connect(lambda: QApplication.exit(1))
    timer.start()
    give_up.start()
    return timer, give_up


def test_a_handover_file_opens_receive_handover_once_unlocked(app, sent, tmp_path):
    path, code, child_ref = sent
    receiver = tmp_path / "receiver.db"
    create_store(receiver, PASSPHRASE, kdf=TEST_KDF).close()
    seen: dict = {}
    timers = _play(_the_iro(code, seen))
    try:
        assert run(db=receiver, handover=path) == 0
    finally:
        for timer in timers:
            timer.stop()
    assert seen["file"] == str(path) and "refused" not in seen, seen
    assert seen["caseload"] == [child_ref]  # the code went into the code field and the child came in
    assert seen["status"] == f"{child_ref} was added to your caseload."
    assert app.desktopFileName() == "iro-desktop"  # the menu entry's name, so the taskbar finds its icon


def test_a_file_that_is_not_there_is_named_before_any_window_opens(tmp_path):
    missing = tmp_path / "Handover files" / "DEMO0010.iro-handover"
    out = iro("gui", "--db", tmp_path / "x.db", missing, env_extra={"QT_QPA_PLATFORM": "offscreen"})
    assert out.returncode == 2
    assert out.stderr.strip() == f"iro-desktop: There is no file at {missing}."
