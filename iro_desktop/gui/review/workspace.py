"""A review's workspace: prepare it, then minute it, in two tabs over the same review record."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel, QMessageBox, QPushButton, QTabWidget, QWidget

from iro_desktop.gui.forms import find, load_into


class ReviewWorkspace(QWidget):
    back_requested = Signal()
    raise_concern_requested = Signal(str)  # what the concern is about, e.g. "review 3"

    def __init__(self, store, review_id: int, today: date, title: str, parent=None) -> None:
        from iro_desktop.gui.review.minute import MinutePage
        from iro_desktop.gui.review.prepare import PreparePage

        super().__init__(parent)
        load_into(self, "review_workspace.ui")
        self.review_id = review_id
        find(self, QLabel, "title").setText(title)
        self.tabs: QTabWidget = find(self, QTabWidget, "tabs")
        self.prepare = PreparePage(store, review_id, today)
        self.minute = MinutePage(store, review_id, today)
        self.tabs.addTab(self.prepare, "&Prepare")
        self.tabs.addTab(self.minute, "&Minute the meeting")
        self.tabs.currentChanged.connect(self._switch_tab)
        find(self, QPushButton, "backButton").clicked.connect(self.leave)
        find(self, QPushButton, "documentsButton").clicked.connect(self.open_documents)
        find(self, QPushButton, "concernButton").clicked.connect(self._raise_concern)
        find(self, QPushButton, "finaliseButton").clicked.connect(self.open_finalise)
        self.correct_button: QPushButton = find(self, QPushButton, "correctButton")
        self.correct_button.clicked.connect(self.open_correction)
        self._store, self._today = store, today
        self._show_correctable()

    def _show_correctable(self) -> None:
        self.correct_button.setEnabled(self.minute.model.status == "finalised")

    def open_correction(self) -> None:
        from iro_desktop.services.sync import open_correction

        answer = QMessageBox.question(
            self,
            "Correct a finalised record",
            "The signed record stays exactly as it was. Your changes become a new signed version that names "
            "it, with the reason you give when you finalise again. Open a correction?",
        )
        if answer == QMessageBox.StandardButton.Yes:
            open_correction(self._store, self.review_id)
            self.minute.refresh()
            self.prepare.refresh()
            self._show_correctable()

    def _raise_concern(self) -> None:
        self.flush()
        number = self.minute.model.number
        self.raise_concern_requested.emit(f"review {number}" if number else "this review")

    def open_documents(self) -> None:
        from iro_desktop.gui.documents.dialog import DocumentsDialog

        self.flush()  # the documents are drawn from what is saved
        DocumentsDialog(self._store, self.review_id, self._today, self).exec()

    def open_finalise(self) -> None:
        from iro_desktop.gui.review.finalise import FinaliseDialog

        self.flush()  # the record is frozen from what is saved
        if FinaliseDialog(self._store, self.review_id, self._today, self).exec():
            self.tabs.currentWidget().refresh()
            self._show_correctable()

    def _switch_tab(self, _index: int) -> None:
        """Each tab shows what the other saved (the private conversation appears in the minutes)."""
        self.flush()
        self.tabs.currentWidget().refresh()

    def flush(self) -> None:
        """Save anything still waiting for the typing pause: before leaving, switching tabs or locking."""
        self.prepare.flush()
        self.minute.flush()

    def leave(self) -> None:
        self.flush()
        self.back_requested.emit()
