"""The documents dialog: choose a document and a recipient, withhold passages, see the pages, save a PDF.

Documents are rendered through gui.operations so the window never freezes; the preview images come from a
temporary folder the service removes at once. A file is written only where the IRO chooses.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QWidget,
)

from iro_desktop.gui import operations
from iro_desktop.gui.forms import find, fit_screen, load_into
from iro_desktop.gui.saving import save_file
from iro_desktop.services import documents as docs
from iro_desktop.store import Store


class DocumentsDialog(QDialog):
    rendered = Signal()  # a preview has been drawn

    def __init__(self, store: Store, review_id: int, today: date, parent=None) -> None:
        super().__init__(parent)
        load_into(self, "documents_dialog.ui")
        fit_screen(self, self.width(), self.height())  # the form's size, within a small or scaled screen
        self.store, self.review_id, self.today = store, review_id, today
        self.pdf: bytes | None = None
        self.preview_folders: list[Path] = []
        self._ticket = 0
        self._renders: list[operations.Operation] = []
        self._find_widgets()
        self._fill_choices()
        self._letter_timer = QTimer(self, singleShot=True, interval=700)
        self._letter_timer.timeout.connect(self._save_letter)
        self._connect()
        self._document_changed()

    def _find_widgets(self) -> None:
        self.document_choice = find(self, QComboBox, "documentChoice")
        self.recipient_choice = find(self, QComboBox, "recipientChoice")
        self.passage_list = find(self, QListWidget, "passageList")
        self.letter_label = find(self, QLabel, "letterLabel")
        self.letter_text = find(self, QPlainTextEdit, "letterText")
        self.redraft_button = find(self, QPushButton, "redraftButton")
        self.status = find(self, QLabel, "statusLabel")
        self.save_button = find(self, QPushButton, "saveButton")
        self.pages = find(self, QWidget, "previewPages")
        self.preview_area = find(self, QScrollArea, "previewArea")

    def _fill_choices(self) -> None:
        for kind, label in docs.REVIEW_DOCUMENTS.items():
            self.document_choice.addItem(label, kind)
        self.recipient_choice.addItem("Full copy (the IRO's own)", None)
        for r in docs.distribution(self.store, self.review_id):
            self.recipient_choice.addItem(f"{r.name} ({r.role_label})", r.key)

    def _connect(self) -> None:
        self.document_choice.currentIndexChanged.connect(self._document_changed)
        self.recipient_choice.currentIndexChanged.connect(self._recipient_changed)
        self.passage_list.itemChanged.connect(self._passage_toggled)
        self.letter_text.textChanged.connect(self._letter_timer.start)
        self.redraft_button.clicked.connect(self._redraft)
        self.save_button.clicked.connect(self._choose_file)
        find(self, QPushButton, "closeButton").clicked.connect(self.reject)

    def kind(self) -> str:
        return self.document_choice.currentData()

    def recipient(self) -> str | None:
        return self.recipient_choice.currentData()

    def _document_changed(self) -> None:
        is_letter = self.kind() == "letter_to_child"
        for widget in (self.letter_label, self.letter_text, self.redraft_button):
            widget.setVisible(is_letter)
        if is_letter:
            self.letter_text.blockSignals(True)
            self.letter_text.setPlainText(docs.letter_text(self.store, self.review_id, self.today))
            self.letter_text.blockSignals(False)
        self._recipient_changed()

    def _recipient_changed(self) -> None:
        self.passage_list.blockSignals(True)
        self.passage_list.clear()
        recipient = self.recipient()
        self.passage_list.setEnabled(recipient is not None)
        withheld = set(docs.withholding(self.store, self.review_id).get(recipient or "", []))
        content = (
            docs.letter_content(self.store, self.review_id, self.today)
            if self.kind() == "letter_to_child"
            else docs.review_content(self.store, self.review_id, self.today)
        )
        for passage in docs.passages(content):
            item = QListWidgetItem(passage.text if len(passage.text) < 90 else passage.text[:87] + "…")
            item.setData(Qt.ItemDataRole.UserRole, passage.key)
            item.setToolTip(passage.text)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if passage.key in withheld else Qt.CheckState.Unchecked)
            self.passage_list.addItem(item)
        self.passage_list.blockSignals(False)
        self.refresh()

    def withheld_keys(self) -> list[str]:
        items = (self.passage_list.item(n) for n in range(self.passage_list.count()))
        return [i.data(Qt.ItemDataRole.UserRole) for i in items if i.checkState() == Qt.CheckState.Checked]

    def _passage_toggled(self, _item: QListWidgetItem) -> None:
        recipient = self.recipient()
        if recipient is None:
            return
        keep = set(docs.withholding(self.store, self.review_id).get(recipient, []))
        shown = {
            self.passage_list.item(n).data(Qt.ItemDataRole.UserRole) for n in range(self.passage_list.count())
        }
        docs.set_withheld(
            self.store, self.review_id, recipient, sorted((keep - shown) | set(self.withheld_keys()))
        )
        self.refresh()

    def _save_letter(self) -> None:
        docs.save_letter_text(self.store, self.review_id, self.letter_text.toPlainText())
        self.refresh()

    def _redraft(self) -> None:
        self.letter_text.setPlainText(docs.draft_letter_text(self.store, self.review_id, self.today))

    def refresh(self) -> None:
        """Render the chosen copy in the background; only the newest request's pages are shown."""
        self._ticket += 1
        self.status.setText("Making the document…")
        self.save_button.setEnabled(False)
        ticket, args = self._ticket, (self.store, self.review_id, self.kind(), self.today, self.recipient())

        def render() -> tuple[bytes, list[bytes]]:  # off the UI thread: widgets are not touched here
            pdf = docs.render_review_document(*args)
            return pdf, docs.preview_pngs(pdf, dpi=60, on_folder=self.preview_folders.append)

        self._renders = [op for op in self._renders if op.running]
        self._renders.append(
            operations.run_in_background(
                render, lambda made: self._show(ticket, *made), lambda exc: self._fail(ticket, exc)
            )
        )

    def _show(self, ticket: int, pdf: bytes, pngs: list) -> None:
        if ticket != self._ticket:
            return
        self.pdf = pdf
        layout = self.pages.layout()
        while layout.count():
            layout.takeAt(0).widget().deleteLater()
        for n, png in enumerate(pngs, start=1):
            label = QLabel(self.pages)
            label.setPixmap(QPixmap.fromImage(QImage.fromData(png)))
            label.setAccessibleName(f"Page {n} of {len(pngs)}")
            label.setStyleSheet("border: 1px solid #bbb; background: white;")
            layout.addWidget(label, alignment=Qt.AlignmentFlag.AlignHCenter)
        self.status.setText(
            f"{len(pngs)} page{'s' if len(pngs) != 1 else ''}. Nothing is saved until you choose where."
        )
        self.save_button.setEnabled(True)
        self.rendered.emit()

    def _fail(self, ticket: int, exc: Exception) -> None:
        if ticket == self._ticket:
            self.status.setText(f"The document could not be made. {operations.explain(exc)}")

    def save_to(self, path: Path) -> bool:
        if self.pdf is None:
            return False
        problem = save_file(Path(path), self.pdf)
        self.status.setText(problem or f"Saved to {path}.")
        return problem is None

    def _choose_file(self) -> None:
        name = f"{self.document_choice.currentText()}.pdf"
        path, _ = QFileDialog.getSaveFileName(self, "Save the document", name, "PDF files (*.pdf)")
        if path:
            self.save_to(Path(path))

    def done(self, result: int) -> None:  # noqa: A003 (Qt override): renders end before the window goes
        for op in self._renders:
            op.cancel()  # nothing comes back to a closed window
            op.wait()
        self._renders.clear()
        super().done(result)
