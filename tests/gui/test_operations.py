"""Slow work off the UI thread: results come back on it, and a wait long enough to notice is shown."""

from __future__ import annotations

import threading

from PySide6.QtCore import QThread
from PySide6.QtWidgets import QApplication

from iro_desktop.gui import operations


def _run(qtbot, work, quiet=False):
    seen = {"busy": [], "thread": None}

    def done(result):
        seen["result"], seen["thread"] = result, QThread.currentThread()

    def failed(exc):
        seen["failed"] = exc

    op = operations.run_in_background(work, done, failed, seen["busy"].append, quiet=quiet)
    qtbot.waitUntil(lambda: "result" in seen or "failed" in seen, timeout=5000)
    assert op.wait(1) and not operations.busy_now()
    return seen


def test_the_result_comes_back_on_the_ui_thread_with_no_busy_signs_for_quick_work(qtbot):
    seen = _run(qtbot, lambda: threading.current_thread().name)
    assert seen["result"] == "iro-operation"  # the work ran on its own thread
    assert seen["thread"] is QApplication.instance().thread()  # the answer on the UI thread
    assert seen["busy"] == []  # done before anyone would notice a wait


def test_a_wait_long_enough_to_notice_is_shown_and_then_cleared(qtbot):
    gate = threading.Event()
    seen = {"busy": []}
    op = operations.run_in_background(
        lambda: gate.wait(5), lambda r: seen.setdefault("result", r), None, seen["busy"].append
    )
    qtbot.waitUntil(lambda: seen["busy"] == [True], timeout=2000)
    assert QApplication.overrideCursor() is not None  # the wait cursor too
    gate.set()
    qtbot.waitUntil(lambda: "result" in seen)
    assert seen["busy"] == [True, False] and QApplication.overrideCursor() is None
    assert op.wait(1)


def test_quiet_work_shows_nothing(qtbot):
    gate = threading.Event()
    seen = {"busy": []}
    operations.run_in_background(
        lambda: gate.wait(5), lambda r: seen.setdefault("result", r), None, seen["busy"].append, quiet=True
    )
    qtbot.wait(operations.BUSY_AFTER_MS * 2)
    assert seen["busy"] == [] and QApplication.overrideCursor() is None
    gate.set()
    qtbot.waitUntil(lambda: "result" in seen)


def test_a_failure_reaches_the_caller_as_the_exception_raised(qtbot):
    def refuse():
        raise ValueError("That passphrase does not open this store.")

    seen = _run(qtbot, refuse)
    assert isinstance(seen["failed"], ValueError) and "passphrase" in str(seen["failed"])


def test_wait_for_all_waits_for_every_piece_of_work(qtbot):
    count = 3
    gate = threading.Event()
    ended = []
    for _ in range(count):
        operations.run_in_background(lambda: gate.wait(5), ended.append, quiet=True)
    assert operations.busy_now()
    gate.set()
    assert operations.wait_for_all(5)
    qtbot.waitUntil(lambda: len(ended) == count)
    assert not operations.busy_now()
