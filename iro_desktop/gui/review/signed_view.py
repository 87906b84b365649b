"""The signed version of a review in force, page by page, exactly as it was signed (read only).

While a correction is open the signed version stays the one in force; this shows it beside the draft.
The pages are drawn in memory from the PDF kept at signing; a copy is written only where the IRO chooses.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage, QPixmap
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from iro_desktop.gui.saving import save_file
from iro_desktop.services import documents as docs
from iro_desktop.services import sync as sync_service


class SignedRecordDialog(QDialog):
    def __init__(self, store, review_id: int, title: str, parent=None) -> None:
        super().__init__(parent)
        self.signed = sync_service.signed_review_pdf(store, review_id)
        version = self.signed.version if self.signed else 0
        self.setWindowTitle(f"{title}: signed version {version}")
        self.setAccessibleName("The signed version of the review")
        room = self.screen().availableGeometry().height() - 60 if self.screen() else 820
        self.resize(760, min(820, room))  # the buttons stay on a 1280 x 800 screen
        layout = QVBoxLayout(self)
        pages = QWidget()
        pages_layout = QVBoxLayout(pages)
        for png in self._pages():
            page = QLabel()
            page.setPixmap(QPixmap.fromImage(QImage.fromData(png)))
            page.setAccessibleName("A page of the signed record")
            pages_layout.addWidget(page, alignment=Qt.AlignmentFlag.AlignHCenter)
        scroll = QScrollArea()
        scroll.setWidget(pages)
        scroll.setAccessibleName("Pages of the signed record")
        layout.addWidget(scroll)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        save = QPushButton("&Save a copy...")
        save.setAccessibleName("Save a copy of the signed record as PDF")
        save.setEnabled(self.signed is not None)
        save.clicked.connect(self._save_copy)
        buttons.addButton(save, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def _pages(self) -> list[bytes]:
        if self.signed is None:
            return []
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            return docs.preview_pngs(self.signed.pdf, dpi=72)
        finally:
            QGuiApplication.restoreOverrideCursor()

    def _save_copy(self) -> None:
        name = f"{self.windowTitle()}.pdf".replace(":", " -")
        path, _ = QFileDialog.getSaveFileName(self, "Save a copy of the signed record", name, "PDF (*.pdf)")
        if path and (problem := save_file(Path(path), self.signed.pdf)):
            QMessageBox.warning(self, "Copy not saved", problem)
