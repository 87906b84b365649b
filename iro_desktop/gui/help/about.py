"""Help > About: the version, the versions of the parts, and the licences of everything the app ships: the
app's own MIT licence first, then (in the bundle) each section of its third-party notices, searchable."""

from __future__ import annotations

import platform
from pathlib import Path

import PySide6
from PySide6.QtCore import qVersion
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTableWidget,
    QTableWidgetItem,
)

from iro_desktop import __version__
from iro_desktop.gui.forms import find, load_into
from iro_desktop.services import licences
from iro_desktop.services.diagnostics import sqlcipher_version


def versions_text() -> str:
    return (
        f"Qt {qVersion()} · PySide6 {PySide6.__version__} · SQLCipher {sqlcipher_version()} · "
        f"Python {platform.python_version()}"
    )


class AboutDialog(QDialog):
    def __init__(self, parent=None, resources: Path | None = None) -> None:
        super().__init__(parent)
        load_into(self, "about_dialog.ui")
        find(self, QLabel, "titleLabel").setText(f"iro-desktop {__version__}")
        find(self, QLabel, "versionsLabel").setText(versions_text())
        self.table: QTableWidget = find(self, QTableWidget, "licenceTable")
        self.text: QPlainTextEdit = find(self, QPlainTextEdit, "licenceText")
        self.find_edit: QLineEdit = find(self, QLineEdit, "findEdit")
        self.find_status: QLabel = find(self, QLabel, "findStatus")
        buttons = find(self, QDialogButtonBox, "buttons")
        buttons.rejected.connect(self.reject)
        for button in buttons.buttons():  # Enter in Find goes to the list; it must not close the dialog
            button.setAutoDefault(False)
        self.items = licences.shipped(resources)  # resources/ holds the bundle's notices, when there are any
        self._haystacks = [f"{i.name}\n{i.kind}\n{i.licence}\n{i.text()}".casefold() for i in self.items]
        self._fill()
        self.table.currentCellChanged.connect(lambda row, *_: self.show_licence(row))
        self.find_edit.textChanged.connect(self.filter)
        self.find_edit.returnPressed.connect(self.table.setFocus)
        self.table.selectRow(0)
        self.filter("")

    def _fill(self) -> None:
        self.table.setRowCount(len(self.items))
        for row, item in enumerate(self.items):
            for col, value in enumerate((item.name, item.version, item.kind, item.licence)):
                self.table.setItem(row, col, QTableWidgetItem(value))
        header = self.table.horizontalHeader()
        for col in range(3):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)

    def filter(self, query: str) -> None:
        """Only the rows whose name, licence or text mention the query; the chosen one stays if it matches."""
        wanted = query.strip().casefold()
        shown = [row for row, haystack in enumerate(self._haystacks) if wanted in haystack]
        for row in range(len(self.items)):
            self.table.setRowHidden(row, row not in shown)
        total = len(self.items)
        self.find_status.setText(f"{len(shown)} of {total}" if wanted else f"{total} in all")
        if not shown:
            self.text.setPlainText(f"Nothing here mentions \u201c{query.strip()}\u201d.")
        elif self.table.currentRow() not in shown:
            self.table.selectRow(shown[0])
        else:
            self.show_licence(self.table.currentRow())

    def show_licence(self, row: int) -> None:
        """The chosen item's text, at the first place it mentions what Find holds."""
        if 0 <= row < len(self.items):
            self.text.setPlainText(self.items[row].text())
            self.text.moveCursor(QTextCursor.MoveOperation.Start)
            query = self.find_edit.text().strip()
            if query:
                self.text.find(query)
