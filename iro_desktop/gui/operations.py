"""Slow work off the UI thread, in one place: every slow action in the app runs through here.

`run_in_background(work, done)` runs `work()` on a worker thread and hands its result to `done` (or the
exception to `failed`) back on the UI thread, so the window keeps painting and answering keys. If the
work takes longer than BUSY_AFTER_MS, the IRO sees that something is happening: a wait cursor, and
`busy(True)` for the caller to say what (a label, a disabled button); `busy(False)` when it ends.

`run_job(work, done)` is the same for work that can report progress or stop early: `work(job)` gets a
Job to call `job.progress(done, total)` on, and to ask `job.cancelled()` between steps. An Operation can
be cancelled: its `done` and `failed` are then never called, whatever the work returns.

A failure with no `failed` of its own takes the one error path: logged with its traceback, and told to
the IRO in a plain sentence (the app's own refusals in their words; anything else, never a library's).

Work must not touch widgets. The store is safe from a worker: each service call is its own short
transaction on a pooled connection.
"""

from __future__ import annotations

import atexit
import logging
import threading
from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QApplication, QMessageBox

from iro_desktop.gui.problems import sentence_for

BUSY_AFTER_MS = 200  # shorter waits pass without a flicker of the cursor
GENERIC = (
    "Something went wrong and that was not finished. Nothing you had saved was lost. If it happens again, "
    "tell your council's IT support; the details are in the app's log."
)

_running: set[Operation] = set()  # kept alive until they end; also what `wait_for_all` waits on
_failures: set[QMessageBox] = set()  # failure messages on screen
_app: list[QApplication] = []  # the application, kept while work may still hand an answer to it


class Cancelled(Exception):
    """Raised by `Job.check` once the operation is cancelled, to stop the work at its next step."""


class Job:
    """What the work of `run_job` holds: a way to report progress and to hear that it should stop."""

    def __init__(self, report: Callable[[int, int], None]) -> None:
        self._stop = threading.Event()
        self._report = report

    def cancelled(self) -> bool:
        return self._stop.is_set()

    def cancel(self) -> None:
        self._stop.set()

    def check(self) -> None:
        if self._stop.is_set():
            raise Cancelled

    def progress(self, done: int, total: int) -> None:
        self.check()
        self._report(done, total)


class Operation(QObject):
    """One piece of work on its own thread; `finished` carries (result, exception) to the UI thread."""

    finished = Signal(object, object)
    progressed = Signal(int, int)
    ended = Signal()  # on the UI thread, once the work has ended and the busy signs have gone

    def __init__(
        self, work: Callable[[Job], object], busy: Callable[[bool], None] | None, quiet: bool
    ) -> None:
        super().__init__()
        self._work = work
        self._busy = busy
        self._quiet = quiet
        self._shown = False
        self.job = Job(self.progressed.emit)
        self._outcome: tuple[object, Exception | None] = (None, None)
        self.deliver: Callable[[object, Exception | None], None] = lambda _r, _e: self.end()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._show_busy)
        self._thread = threading.Thread(target=self._run, name="iro-operation", daemon=True)

    def start(self) -> None:
        if not _app:  # a work thread posting to an application already gone would crash the process
            _app.append(QApplication.instance())
        _running.add(self)
        if not self._quiet:
            self._timer.start(BUSY_AFTER_MS)
        self._thread.start()

    def _run(self) -> None:  # on the worker thread
        try:
            self._outcome = (self._work(self.job), None)
        except Exception as exc:  # noqa: BLE001 - handed to the UI thread, which tells the IRO
            self._outcome = (None, exc)
        self.finished.emit(*self._outcome)

    def _show_busy(self) -> None:
        self._shown = True
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        if self._busy:
            self._busy(True)

    def _clear_busy(self, tell: bool) -> None:
        self._timer.stop()
        if self._shown:
            self._shown = False
            QApplication.restoreOverrideCursor()
            if tell and self._busy:
                self._busy(False)

    @property
    def running(self) -> bool:
        return self in _running

    def cancelled(self) -> bool:
        return self.job.cancelled()

    def cancel(self) -> None:
        """Ask the work to stop, and drop what it returns. The busy signs go now, without `busy(False)`:
        whoever cancels is putting the screen right (or closing it). The thread is still waited for at
        exit, so work holding the store ends before the store closes."""
        self.job.cancel()
        self._clear_busy(tell=False)

    def end(self) -> None:
        """Back on the UI thread: the busy signs go, and the operation is let go."""
        if self not in _running:
            return
        self._clear_busy(tell=True)
        _running.discard(self)
        self.ended.emit()

    def finish_now(self) -> None:
        """Block until the work ends and hand its outcome over now, not at the next turn of the event loop:
        for a write that must be finished, and its result recorded, before the store closes (locking)."""
        self._thread.join()
        self.deliver(*self._outcome)

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the work ends; a cancelled operation is then over at once (it hands nothing back)."""
        self._thread.join(timeout)
        if self._thread.is_alive():
            return False
        if self.cancelled():
            self.end()
        return True


def run_job(
    work: Callable[[Job], object],
    done: Callable[[object], None],
    failed: Callable[[Exception], None] | None = None,
    busy: Callable[[bool], None] | None = None,
    quiet: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> Operation:
    """Start `work(job)` now; `done(result)` or `failed(exc)` follow on the UI thread, unless cancelled
    (unhandled failures take the one error path). `progress(done, total)` hears `job.progress` calls.
    `quiet` work shows no busy signs: the IRO is not waiting for it (a dictionary loading as they type)."""
    op = Operation(work, busy, quiet)

    def finish(result: object, exc: Exception | None) -> None:
        if not op.running:  # handed over already, by finish_now
            return
        op.end()
        if op.cancelled():
            return
        if exc is None:
            done(result)
        elif failed is not None:
            failed(exc)
        else:
            report_failure(exc)

    def step(count: int, total: int) -> None:
        if progress is not None and not op.cancelled():
            progress(count, total)

    op.deliver = finish
    op.finished.connect(finish, Qt.ConnectionType.QueuedConnection)
    op.progressed.connect(step, Qt.ConnectionType.QueuedConnection)
    op.start()
    return op


def run_in_background(
    work: Callable[[], object],
    done: Callable[[object], None],
    failed: Callable[[Exception], None] | None = None,
    busy: Callable[[bool], None] | None = None,
    quiet: bool = False,
) -> Operation:
    """`run_job` for work that neither reports progress nor stops early."""
    return run_job(lambda _job: work(), done, failed, busy, quiet)


def explain(exc: BaseException) -> str:
    """For a screen that shows its own failures (a status line): the app's own refusal as worded; for
    anything else the generic sentence, with the error logged (gui/problems.py's one rule)."""
    return sentence_for(exc, GENERIC)


def log_failure(exc: BaseException) -> None:
    """The traceback to the app's log, for a screen that tells the IRO itself."""
    logging.getLogger("iro_desktop.gui").error(
        "Background work failed", exc_info=(type(exc), exc, exc.__traceback__)
    )


def report_failure(exc: BaseException) -> None:
    """The one error path: the traceback to the log, a plain sentence to the IRO (not blocking the loop)."""
    box = QMessageBox(
        QMessageBox.Icon.Warning, "Not finished", explain(exc), parent=QApplication.activeWindow()
    )
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.setObjectName("operationFailure")
    _failures.add(box)  # with no window to belong to, it would otherwise be collected at once
    box.finished.connect(lambda _result: _failures.discard(box))
    box.open()


class FinishesFirst:
    """For a dialog whose write must not be cut short (mixed in before QDialog): while `self.operation`
    runs, Escape and the window's close button do nothing, and a close from the app itself (locking)
    waits for the write and takes its outcome first. Its buttons are the dialog's to disable meanwhile."""

    operation: Operation | None = None

    def writing(self) -> bool:
        return self.operation is not None and self.operation.running

    def keyPressEvent(self, event) -> None:  # noqa: N802 (Qt override)
        if self.writing() and event.key() == Qt.Key.Key_Escape:
            event.ignore()
            return
        super().keyPressEvent(event)

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt override)
        if self.writing() and event.spontaneous():
            event.ignore()
            return
        super().closeEvent(event)

    def reject(self) -> None:
        if self.writing():
            self.operation.finish_now()
        if self.isVisible():  # the write's outcome may have closed it already (accepted)
            super().reject()


def busy_now() -> bool:
    return bool(_running)


def wait_for_all(timeout: float) -> bool:
    """Block until running work ends (at exit, and in tests); False if some is still running."""
    for op in list(_running):
        if not op.wait(timeout):
            return False
    return True


@atexit.register  # registered after Qt's own clean-up, so it runs before the application is destroyed
def _at_exit() -> None:
    wait_for_all(5)
