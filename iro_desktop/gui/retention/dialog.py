"""STUB (helper replaces): Tools > Retention and handover."""

from PySide6.QtWidgets import QDialog


class RetentionDialog(QDialog):
    def __init__(self, store, as_of, parent=None) -> None:
        super().__init__(parent)
