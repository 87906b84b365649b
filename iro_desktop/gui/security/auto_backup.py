"""STUB (helper replaces): Tools > Automatic backups, and the timer that makes them."""

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QDialog


class AutoBackupDialog(QDialog):
    def __init__(self, store, parent=None) -> None:
        super().__init__(parent)


class AutoBackupTimer(QObject):
    def __init__(self, store, parent=None) -> None:
        super().__init__(parent)

    def stop(self) -> None:
        pass
