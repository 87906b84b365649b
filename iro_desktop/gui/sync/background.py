"""The quiet background sync: every few minutes, when a receiver is set up, send what is queued.

It runs through gui.operations like every other slow job; locking cancels it, and the sync then stops
after the record it is sending (its `should_stop` is the operation's cancel flag).
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal

from iro_desktop.gui import operations
from iro_desktop.problems import Problem
from iro_desktop.services import sync as sync_service


class BackgroundSync(QObject):
    synced = Signal(object)  # a SyncReport

    def __init__(self, store, parent=None) -> None:
        super().__init__(parent)
        self._store = store
        self.operation: operations.Operation | None = None
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.run_now)
        minutes = sync_service.sync_settings(store).interval_minutes
        self.timer.start(max(1, minutes) * 60_000)

    def run_now(self) -> bool:
        """Start a sync unless one is under way or no receiver is set up; True if one started."""
        if self.operation is not None and self.operation.running:
            return False
        if not sync_service.sync_settings(self._store).configured:
            return False
        self.operation = operations.run_job(
            lambda job: sync_service.sync_once(self._store, should_stop=job.cancelled),
            self.synced.emit,
            _failed,
            quiet=True,  # nobody is waiting for it
        )
        return True

    def stop(self) -> operations.Operation | None:
        """No more syncs; one under way stops after its record. Returns it while it is still running."""
        self.timer.stop()
        running = self.operation if self.operation is not None and self.operation.running else None
        if running is not None:
            running.cancel()
        return running


def _failed(exc: Exception) -> None:
    """A refusal (no answer, not approved) is kept by the outbox and shown on the Sync page; anything else
    is a fault, and goes to the log rather than nowhere."""
    if not isinstance(exc, Problem):
        operations.log_failure(exc)
