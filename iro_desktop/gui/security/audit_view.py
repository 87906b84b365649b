"""STUB (helper replaces): Tools > Audit trail."""

from PySide6.QtWidgets import QDialog


class AuditTrailDialog(QDialog):
    def __init__(self, store, parent=None) -> None:
        super().__init__(parent)
