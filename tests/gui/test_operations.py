"""Slow work off the UI thread: results come back on it, and a wait long enough to notice is shown."""

from __future__ import annotations

import logging
import threading

from PySide6.QtCore import QThread
from PySide6.QtWidgets import QApplication

from iro_desktop.gui import operations
from iro_desktop.problems import Problem


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


def test_a_cancelled_job_never_hands_back_its_result_and_its_busy_signs_go(qtbot):
    gate = threading.Event()
    seen = {"busy": [], "done": [], "failed": []}
    op = operations.run_job(
        lambda job: gate.wait(5), seen["done"].append, seen["failed"].append, seen["busy"].append
    )
    qtbot.waitUntil(lambda: seen["busy"] == [True], timeout=2000)
    op.cancel()
    assert QApplication.overrideCursor() is None  # the IRO is not left looking at a wait cursor
    gate.set()
    assert op.wait(5)
    qtbot.waitUntil(lambda: not operations.busy_now())
    qtbot.wait(50)  # the queued finish has run by now
    assert seen["done"] == [] and seen["failed"] == []


def test_work_that_asks_stops_at_its_next_step_once_cancelled(qtbot):
    started, steps, reported = threading.Event(), [], []

    def count(job):
        for n in range(1000):
            job.progress(n, 1000)  # raises Cancelled once cancelled
            steps.append(n)
            started.set()
            job.cancelled() or threading.Event().wait(0.001)
        return "all"

    op = operations.run_job(count, reported.append, reported.append, progress=lambda d, t: None)
    assert started.wait(5)
    op.cancel()
    assert op.wait(5)
    assert len(steps) < 1000  # it stopped early
    qtbot.waitUntil(lambda: not operations.busy_now())
    assert reported == []


def test_progress_reaches_the_ui_thread(qtbot):
    seen = []

    def steps(job):
        for n in range(1, 4):
            job.progress(n, 3)
        return "ok"

    result = []
    operations.run_job(steps, result.append, progress=lambda d, t: seen.append((d, t)))
    qtbot.waitUntil(lambda: result == ["ok"])
    assert seen == [(1, 3), (2, 3), (3, 3)]


def _failure_box():
    boxes = [
        w for w in QApplication.topLevelWidgets() if w.objectName() == "operationFailure" and w.isVisible()
    ]
    return boxes[0] if boxes else None


def test_a_library_error_with_no_handler_shows_the_plain_sentence_and_reaches_the_log(qtbot, caplog):
    def broken():
        raise OSError(28, "No space left on device: '/tmp/sqlcipher-journal'")

    with caplog.at_level(logging.ERROR, logger="iro_desktop.gui"):
        operations.run_in_background(broken, lambda r: None)
        qtbot.waitUntil(lambda: _failure_box() is not None, timeout=5000)
    box = _failure_box()
    assert box.text() == operations.GENERIC and "sqlcipher" not in box.text()
    logged = [r for r in caplog.records if r.name == "iro_desktop.gui"]
    assert logged and logged[0].exc_info[0] is OSError  # the traceback is kept for whoever reads the log
    box.close()


def test_the_apps_own_refusal_with_no_handler_is_shown_in_its_own_words(qtbot):
    def refused():
        raise Problem("That child is no longer in the caseload.")

    operations.run_in_background(refused, lambda r: None)
    qtbot.waitUntil(lambda: _failure_box() is not None, timeout=5000)
    box = _failure_box()
    assert box.text() == "That child is no longer in the caseload."
    box.close()
