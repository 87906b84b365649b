"""Network work off the GUI thread: one job at a time on a QThread, and the quiet background sync.

The store is safe to use from the worker (each service call is its own short transaction on a pooled
connection); widgets are only touched back on the GUI thread, through signals.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from PySide6.QtCore import QObject, QThread, QTimer, Signal, Slot

from iro_desktop.services import sync as sync_service


class _Job(QObject):
    progress = Signal(int, int)
    done = Signal(object)
    failed = Signal(str)

    def __init__(self, work: Callable) -> None:
        super().__init__()
        self._work = work

    @Slot()
    def run(self) -> None:
        try:
            result = self._work(self.progress.emit)
        except Exception as exc:  # noqa: BLE001 - whatever went wrong is told to the IRO, not raised in Qt
            self.failed.emit(str(exc) or exc.__class__.__name__)
        else:
            self.done.emit(result)


class Runner(QObject):
    """Runs one job at a time on its own thread; `start` returns False while one is running."""

    progress = Signal(int, int)
    done = Signal(object)
    failed = Signal(str)
    idle = Signal()  # the thread has ended, after done or failed

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._thread: QThread | None = None
        self._job: _Job | None = None
        self.stop_requested = threading.Event()  # the job asks it between steps (sync: between records)

    @property
    def busy(self) -> bool:
        return self._thread is not None

    def start(self, work: Callable) -> bool:
        if self.busy:
            return False
        self.stop_requested.clear()
        self._thread, self._job = QThread(self), _Job(work)
        self._job.moveToThread(self._thread)
        self._thread.started.connect(self._job.run)
        self._job.progress.connect(self.progress)
        self._job.done.connect(self._finish)
        self._job.failed.connect(self._fail)
        self._thread.start()
        return True

    def _stop_thread(self) -> None:
        self._thread.quit()
        self._thread.wait()
        self._thread.deleteLater()
        self._job.deleteLater()
        self._thread = self._job = None

    def _finish(self, result) -> None:
        self._stop_thread()
        self.done.emit(result)
        self.idle.emit()

    def _fail(self, message: str) -> None:
        self._stop_thread()
        self.failed.emit(message)
        self.idle.emit()

    def wait(self) -> None:
        """Before the store closes (locking, quitting): let a running sync finish its batch."""
        if self._thread is not None:
            self._thread.quit()
            self._thread.wait()


class BackgroundSync(QObject):
    """Every few minutes, when a receiver is set up, send what is queued; quietly, without dialogs."""

    synced = Signal(object)  # a SyncReport

    def __init__(self, store, parent=None) -> None:
        super().__init__(parent)
        self._store = store
        self.runner = Runner(self)
        self.runner.done.connect(self.synced)
        self.runner.failed.connect(lambda _message: None)  # the outbox keeps each record's state and reason
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.run_now)
        minutes = sync_service.sync_settings(store).interval_minutes
        self.timer.start(max(1, minutes) * 60_000)

    def run_now(self) -> bool:
        if not sync_service.sync_settings(self._store).configured:
            return False
        stop = self.runner.stop_requested.is_set
        return self.runner.start(lambda progress: sync_service.sync_once(self._store, should_stop=stop))

    def stop(self) -> None:
        self.timer.stop()
        self.runner.wait()
