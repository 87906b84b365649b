"""Slow work off the UI thread, in one place.

`run_in_background(work, done)` runs `work()` on a worker thread and hands its result to `done` (or the
exception to `failed`) back on the UI thread, so the window keeps painting and answering keys. If the
work takes longer than BUSY_AFTER_MS, the IRO sees that something is happening: a wait cursor, and
`busy(True)` for the caller to say what (a label, a disabled button); `busy(False)` when it ends.

Work must not touch widgets. The store is safe from a worker: each service call is its own short
transaction on a pooled connection.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QApplication

BUSY_AFTER_MS = 200  # shorter waits pass without a flicker of the cursor

_running: set[Operation] = set()  # kept alive until they end; also what `wait_for_all` waits on


class Operation(QObject):
    """One piece of work on its own thread; `finished` carries (result, exception) to the UI thread."""

    finished = Signal(object, object)

    def __init__(self, work: Callable[[], object], busy: Callable[[bool], None] | None, quiet: bool) -> None:
        super().__init__()
        self._work = work
        self._busy = busy
        self._quiet = quiet
        self._shown = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._show_busy)
        self._thread = threading.Thread(target=self._run, name="iro-operation", daemon=True)

    def start(self) -> None:
        _running.add(self)
        if not self._quiet:
            self._timer.start(BUSY_AFTER_MS)
        self._thread.start()

    def _run(self) -> None:  # on the worker thread
        try:
            result = self._work()
        except Exception as exc:  # noqa: BLE001 - handed to the UI thread, which tells the IRO
            self.finished.emit(None, exc)
        else:
            self.finished.emit(result, None)

    def _show_busy(self) -> None:
        self._shown = True
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        if self._busy:
            self._busy(True)

    def end(self) -> None:
        """Back on the UI thread: the busy signs go, and the operation is let go."""
        self._timer.stop()
        if self._shown:
            QApplication.restoreOverrideCursor()
            if self._busy:
                self._busy(False)
        _running.discard(self)

    def wait(self, timeout: float | None = None) -> bool:
        self._thread.join(timeout)
        return not self._thread.is_alive()


def run_in_background(
    work: Callable[[], object],
    done: Callable[[object], None],
    failed: Callable[[Exception], None] | None = None,
    busy: Callable[[bool], None] | None = None,
    quiet: bool = False,
) -> Operation:
    """Start `work` now; `done(result)` or `failed(exc)` follow on the UI thread (unhandled: re-raised).
    `quiet` work shows no busy signs: the IRO is not waiting for it (a dictionary loading as they type)."""
    op = Operation(work, busy, quiet)

    def finish(result: object, exc: Exception | None) -> None:
        op.end()
        if exc is None:
            done(result)
        elif failed is not None:
            failed(exc)
        else:
            raise exc

    op.finished.connect(finish, Qt.ConnectionType.QueuedConnection)
    op.start()
    return op


def busy_now() -> bool:
    return bool(_running)


def wait_for_all(timeout: float) -> bool:
    """Block until running work ends (at exit, and in tests); False if some is still running."""
    for op in list(_running):
        if not op.wait(timeout):
            return False
    return True
