"""Locking in place: the screen shown while the store is closed, and the idle timer that locks by itself.

While locked no widget holds personal data: the pages are destroyed, not hidden, and the store (with its
key) is closed. Unlocking rebuilds the pages from the store and returns to where the IRO was.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication, QPushButton, QWidget

from iro_desktop.gui.forms import find, load_into
from iro_desktop.services.settings import DEFAULT_IDLE_LOCK_MINUTES, IDLE_LOCK_MINUTES_KEY  # noqa: F401

_ACTIVITY = {
    QEvent.Type.KeyPress,
    QEvent.Type.MouseButtonPress,
    QEvent.Type.MouseMove,
    QEvent.Type.Wheel,
    QEvent.Type.TouchBegin,
}


class LockScreen(QWidget):
    unlock_requested = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        load_into(self, "lock_screen.ui")
        find(self, QPushButton, "unlockButton").clicked.connect(self.unlock_requested)


class IdleLock(QObject):
    """Emits `idle` after `minutes` without a key press, click or mouse movement anywhere in the app."""

    idle = Signal()

    def __init__(self, minutes: float, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.idle)
        self.set_minutes(minutes)
        QApplication.instance().installEventFilter(self)

    def set_minutes(self, minutes: float) -> None:
        self.timer.setInterval(max(1, int(minutes * 60_000)))
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt override)
        if event.type() in _ACTIVITY and self.timer.isActive():
            self.timer.start()  # activity: the countdown begins again
        return False
