"""STUB (helper replaces): File > Change passphrase, File > Create a recovery key."""

from PySide6.QtWidgets import QDialog


class ChangePassphraseDialog(QDialog):
    def __init__(self, store, parent=None) -> None:
        super().__init__(parent)


class RecoveryKeyDialog(QDialog):
    def __init__(self, store, parent=None) -> None:
        super().__init__(parent)
