"""Help > About: the version, the versions of the parts, and the licences of everything the app ships."""

from __future__ import annotations

import platform

import PySide6
from PySide6.QtCore import qVersion
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
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
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        load_into(self, "about_dialog.ui")
        find(self, QLabel, "titleLabel").setText(f"iro-desktop {__version__}")
        find(self, QLabel, "versionsLabel").setText(versions_text())
        self.table: QTableWidget = find(self, QTableWidget, "licenceTable")
        self.text: QPlainTextEdit = find(self, QPlainTextEdit, "licenceText")
        find(self, QDialogButtonBox, "buttons").rejected.connect(self.reject)
        self.items = licences.shipped()
        self._fill()
        self.table.currentCellChanged.connect(lambda row, *_: self.show_licence(row))
        self.table.selectRow(0)

    def _fill(self) -> None:
        self.table.setRowCount(len(self.items))
        for row, item in enumerate(self.items):
            for col, value in enumerate((item.name, item.version, item.kind, item.licence)):
                self.table.setItem(row, col, QTableWidgetItem(value))
        header = self.table.horizontalHeader()
        for col in range(3):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)

    def show_licence(self, row: int) -> None:
        if 0 <= row < len(self.items):
            self.text.setPlainText(self.items[row].text())
            self.text.moveCursor(QTextCursor.MoveOperation.Start)
