"""The phrase picker (Ctrl+Shift+P): saved phrases, filtered as the IRO types, inserted at the cursor."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QLineEdit, QListWidget, QListWidgetItem, QPushButton, QWidget

from iro_desktop.gui.forms import find, load_into


class PhrasesDialog(QDialog):
    def __init__(
        self, phrases: list[str], delete: Callable[[str], list[str]], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        load_into(self, "phrases_dialog.ui")
        self._delete = delete
        self.filter_edit = find(self, QLineEdit, "filterEdit")
        self.phrase_list = find(self, QListWidget, "phraseList")
        self.chosen: str | None = None
        self._fill(phrases)
        self.filter_edit.textChanged.connect(self._filter)
        self.filter_edit.returnPressed.connect(self._insert)
        self.phrase_list.itemActivated.connect(lambda _item: self._insert())
        find(self, QPushButton, "insertButton").clicked.connect(self._insert)
        find(self, QPushButton, "cancelButton").clicked.connect(self.reject)
        find(self, QPushButton, "deleteButton").clicked.connect(self._delete_selected)
        self.filter_edit.setFocus()

    def _fill(self, phrases: list[str]) -> None:
        self.phrase_list.clear()
        for text in phrases:
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, text)
            self.phrase_list.addItem(item)
        self._filter(self.filter_edit.text())

    def _filter(self, text: str) -> None:
        needle = text.casefold()
        first = None
        for i in range(self.phrase_list.count()):
            item = self.phrase_list.item(i)
            hidden = needle not in item.text().casefold()
            item.setHidden(hidden)
            if not hidden and first is None:
                first = item
        self.phrase_list.setCurrentItem(first)

    def _selected(self) -> str | None:
        item = self.phrase_list.currentItem()
        return None if item is None or item.isHidden() else item.data(Qt.ItemDataRole.UserRole)

    def _insert(self) -> None:
        self.chosen = self._selected()
        if self.chosen is not None:
            self.accept()

    def _delete_selected(self) -> None:
        text = self._selected()
        if text is not None:
            self._fill(self._delete(text))
