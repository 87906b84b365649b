"""Help > Guide (F1): a contents list on the left, the chosen page on the right.

The written pages come from resources/guide; the shortcuts come from the parent window's own actions and the
timescales from the open store (or the defaults while locked), so neither can drift from what the app does.
"""

from __future__ import annotations

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QListWidget, QMenu, QSplitter, QTextBrowser, QWidget

from iro_desktop.domain.timescales import TimescaleSettings
from iro_desktop.gui.forms import find, load_into
from iro_desktop.services import guide


def shortcut_rows(window: QWidget | None) -> list[tuple[str, str, str]]:
    """(menu, command, keys) for every menu action of `window` that has a shortcut, in menu order."""
    menu_bar = getattr(window, "menuBar", None)  # any parent that has menus: the main window
    if menu_bar is None:
        return []
    rows = []
    for menu_action in menu_bar().actions():
        menu = menu_action.menu()
        if isinstance(menu, QMenu):
            rows += [
                _row(menu_action, action) for action in menu.actions() if not action.shortcut().isEmpty()
            ]
    return rows


def _row(menu_action: QAction, action: QAction) -> tuple[str, str, str]:
    def plain(text: str) -> str:
        return text.replace("&&", "\0").replace("&", "").replace("\0", "&").removesuffix("...").rstrip("…")

    keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
    return plain(menu_action.text()), plain(action.text()), keys


def _timescales_page(store) -> guide.Page:
    if store is None:
        return guide.timescales_page(
            TimescaleSettings(), "The app is locked, so these are the defaults; unlock to see this store's."
        )
    from iro_desktop.services.settings import timescale_settings

    return guide.timescales_page(timescale_settings(store), "These are the figures this store uses.")


class GuideDialog(QDialog):
    def __init__(self, store=None, parent=None) -> None:
        super().__init__(parent)
        load_into(self, "guide_dialog.ui")
        self.contents: QListWidget = find(self, QListWidget, "contentsList")
        self.page_view: QTextBrowser = find(self, QTextBrowser, "pageView")
        find(self, QDialogButtonBox, "buttons").rejected.connect(self.reject)
        self.pages = [
            *guide.static_pages(),
            guide.shortcuts_page(shortcut_rows(parent)),
            _timescales_page(store),
        ]
        self.contents.addItems([page.title for page in self.pages])
        splitter: QSplitter = find(self, QSplitter, "splitter")
        splitter.setStretchFactor(1, 1)  # extra width goes to the page, not the contents
        splitter.setSizes([self.contents.sizeHintForColumn(0) + 40, 10_000])
        self.contents.currentRowChanged.connect(self.show_page)
        self.contents.setCurrentRow(0)
        self.contents.setFocus()

    def show_page(self, row: int) -> None:
        if 0 <= row < len(self.pages):
            self.page_view.setHtml(self.pages[row].html)

    def show_topic(self, title: str) -> None:
        """Open the page with this title (e.g. "Timescales")."""
        titles = [page.title for page in self.pages]
        self.contents.setCurrentRow(titles.index(title))
