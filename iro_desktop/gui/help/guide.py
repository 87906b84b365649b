"""STUB (helper replaces): Help > Guide (F1)."""

from PySide6.QtWidgets import QDialog


class GuideDialog(QDialog):
    def __init__(self, store=None, parent=None) -> None:
        super().__init__(parent)
