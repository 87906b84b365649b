"""The signed version of a review in force, page by page, exactly as it was signed (read only).

While a correction is open the signed version stays the one in force; this shows it beside the draft.
The pages are drawn in memory from the PDF kept at signing; a copy is written only where the IRO chooses.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPixmap
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

from iro_desktop.gui import operations
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
        self.pages = QWidget()
        self.pages_layout = QVBoxLayout(self.pages)
        drawing = "Drawing the pages of the signed record…"
        self.status = QLabel(drawing if self.signed else "No signed version.")
        self.pages_layout.addWidget(self.status, alignment=Qt.AlignmentFlag.AlignHCenter)
        scroll = QScrollArea()
        scroll.setWidget(self.pages)
        scroll.setWidgetResizable(True)
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
        self.drawing: operations.Operation | None = None
        if self.signed is not None:  # a long record takes a moment to draw: the dialog opens at once
            pdf = self.signed.pdf
            self.drawing = operations.run_in_background(
                lambda: docs.preview_pngs(pdf, dpi=72), self._show_pages, self._not_drawn
            )

    def _show_pages(self, pngs: list[bytes]) -> None:
        self.status.hide()
        for png in pngs:
            page = QLabel()
            page.setPixmap(QPixmap.fromImage(QImage.fromData(png)))
            page.setAccessibleName("A page of the signed record")
            self.pages_layout.addWidget(page, alignment=Qt.AlignmentFlag.AlignHCenter)

    def _not_drawn(self, exc: Exception) -> None:
        why = operations.explain(exc)
        self.status.setText(f"The pages could not be drawn. {why} Save a copy to read it.")

    def done(self, result: int) -> None:  # noqa: A003 (Qt override): nothing comes back to a closed window
        if self.drawing is not None:
            self.drawing.cancel()
        super().done(result)

    def _save_copy(self) -> None:
        name = f"{self.windowTitle()}.pdf".replace(":", " -")
        path, _ = QFileDialog.getSaveFileName(self, "Save a copy of the signed record", name, "PDF (*.pdf)")
        if path and (problem := save_file(Path(path), self.signed.pdf)):
            QMessageBox.warning(self, "Copy not saved", problem)
