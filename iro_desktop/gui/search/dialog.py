"""Search the whole caseload as you type: names, minutes, the child's own words, monitoring notes, decisions.

Layout in ui/search_dialog.ui; the work is services.search.search (FTS5 inside the encrypted store).
Enter or a double-click opens the child's page through `child_opened`.
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
)

from iro_desktop.domain.calendar import format_date
from iro_desktop.gui.forms import find, load_into
from iro_desktop.services.search import MARK_END, MARK_START, SearchHit, search
from iro_desktop.store import Store

DEBOUNCE_MS = 200  # search once the IRO pauses, not on every key
CHILD_ROLE = Qt.ItemDataRole.UserRole


def _hit_html(hit: SearchHit) -> str:
    marked = escape(hit.snippet).replace(MARK_START, "<b>").replace(MARK_END, "</b>")
    when = f" · {format_date(hit.on)}" if hit.on else ""
    return (
        f"<b>{escape(hit.child_name)}</b> · {escape(hit.source)}{when}"
        f"<br>{marked}"
    )


def _hit_spoken(hit: SearchHit) -> str:
    when = f", {format_date(hit.on)}" if hit.on else ""
    return f"{hit.child_name}, {hit.source}{when}: {hit.plain_snippet}"


class SearchDialog(QDialog):
    child_opened = Signal(int)

    def __init__(self, store: Store, parent=None) -> None:
        super().__init__(parent)
        load_into(self, "search_dialog.ui")
        self.store = store
        self.hits: list[SearchHit] = []
        self.search_edit: QLineEdit = find(self, QLineEdit, "searchEdit")
        self.results: QListWidget = find(self, QListWidget, "resultsList")
        self.status: QLabel = find(self, QLabel, "statusLabel")
        buttons: QDialogButtonBox = find(self, QDialogButtonBox, "buttons")
        self.open_button = buttons.button(QDialogButtonBox.StandardButton.Open)
        self.open_button.clicked.connect(self.open_selected)
        buttons.rejected.connect(self.reject)
        self._timer = QTimer(self, singleShot=True, interval=DEBOUNCE_MS)
        self._timer.timeout.connect(self.run_search)
        self.search_edit.textChanged.connect(self._timer.start)
        self.search_edit.returnPressed.connect(self._enter_in_search)
        self.results.itemActivated.connect(lambda *_: self.open_selected())  # Enter and double-click
        self.results.currentRowChanged.connect(lambda row: self.open_button.setEnabled(row >= 0))
        self.open_button.setEnabled(False)

    def run_search(self) -> None:
        self._timer.stop()
        typed = self.search_edit.text()
        self.hits = search(self.store, typed) if typed.strip() else []
        self.results.clear()
        for hit in self.hits:
            self._add(hit)
        if self.hits:
            self.results.setCurrentRow(0)
        self._say_how_many(typed)

    def _add(self, hit: SearchHit) -> None:
        item = QListWidgetItem()
        item.setData(CHILD_ROLE, hit.child_id)
        item.setData(Qt.ItemDataRole.AccessibleTextRole, _hit_spoken(hit))
        item.setToolTip(hit.plain_snippet)
        label = QLabel(_hit_html(hit))
        label.setTextFormat(Qt.TextFormat.RichText)
        label.setWordWrap(True)
        label.setContentsMargins(6, 4, 6, 4)
        label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.results.addItem(item)
        self.results.setItemWidget(item, label)
        # A wrapped label's own size hint is far too tall; ask for its height at the list's width.
        width = max(self.results.viewport().width() - 2, 200)
        item.setSizeHint(QSize(width, label.heightForWidth(width)))

    def _say_how_many(self, typed: str) -> None:
        if not typed.strip():
            self.status.setText("Type a word or a name.")
        elif not self.hits:
            self.status.setText(f"Nothing found for “{typed.strip()}”.")
        else:
            found = "1 found" if len(self.hits) == 1 else f"{len(self.hits)} found"
            self.status.setText(f"{found}. Enter opens the child's page.")

    def _enter_in_search(self) -> None:
        if self._timer.isActive():  # Enter before the pause: search now, then open the best match
            self.run_search()
        self.open_selected()

    def open_selected(self) -> None:
        item = self.results.currentItem()
        if item is None:
            return
        self.child_opened.emit(int(item.data(CHILD_ROLE)))
        self.accept()
