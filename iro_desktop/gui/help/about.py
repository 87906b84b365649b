"""STUB (helper replaces): Help > About, with the licences of what the app ships."""

from PySide6.QtWidgets import QDialog


class AboutDialog(QDialog):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
