"""Clearing copied personal text from the clipboard after a short time, as KeePassXC does.

Text copied while this app is the active one (a copy the IRO made from a child's record) is cleared after
CLEAR_AFTER_SECONDS, unless something else has been copied since; and at once when the app locks. Text
copied in other applications is left alone.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtWidgets import QApplication

CLEAR_AFTER_SECONDS = 30


class ClipboardGuard(QObject):
    def __init__(self, parent: QObject | None = None, seconds: float = CLEAR_AFTER_SECONDS) -> None:
        super().__init__(parent)
        self._ours: str | None = None
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(int(seconds * 1000))
        self.timer.timeout.connect(self.clear)
        QApplication.clipboard().dataChanged.connect(self._changed)

    def _changed(self) -> None:
        text = QApplication.clipboard().text()
        active = QApplication.applicationState() == Qt.ApplicationState.ApplicationActive
        if text and (active or QApplication.clipboard().ownsClipboard()):
            self._ours = text
            self.timer.start()

    def clear(self) -> None:
        """Empty the clipboard if it still holds what was copied from this app."""
        self.timer.stop()
        if self._ours is not None and QApplication.clipboard().text() == self._ours:
            QApplication.clipboard().clear()
        self._ours = None
