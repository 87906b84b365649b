"""Tools > Settings > Document wording as an IRO meets it: which wording the documents use, a copy to edit
put in their own folder at a click, a broken copy named with its line, and the folder opened."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QObject, Qt, QUrl, Slot
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QLabel, QPushButton, QTabWidget, QWidget

from iro_desktop.gui.settings_dialog import SettingsDialog
from iro_desktop.paths import COUNCIL_DIR_ENV
from tests.conftest import TODAY

SITE_WORDING = "your council's wording, from this computer's council folder"


@pytest.fixture(autouse=True)
def site(tmp_path, monkeypatch):
    monkeypatch.setenv(COUNCIL_DIR_ENV, str(tmp_path / "site"))
    return tmp_path / "site"


class _FileManager(QObject):
    """Stands where the desktop's file manager would be: Qt hands it the file: URLs the app opens."""

    def __init__(self) -> None:
        super().__init__()
        self.opened: list[QUrl] = []

    @Slot(QUrl)
    def show(self, url: QUrl) -> None:
        self.opened.append(url)


@pytest.fixture
def file_manager():
    manager = _FileManager()
    QDesktopServices.setUrlHandler("file", manager, "show")
    yield manager
    QDesktopServices.unsetUrlHandler("file")


def _wording_tab(qtbot, store) -> SettingsDialog:
    dialog = SettingsDialog(store, today=TODAY)
    qtbot.addWidget(dialog)
    dialog.show()
    tabs = dialog.findChild(QTabWidget, "tabs")
    tabs.setCurrentWidget(dialog.findChild(QWidget, "wordingTab"))
    return dialog


def _label(dialog, name: str) -> QLabel:
    return dialog.findChild(QLabel, name)


def _click(qtbot, dialog, name: str) -> None:
    qtbot.mouseClick(dialog.findChild(QPushButton, name), Qt.MouseButton.LeftButton)


def test_the_tab_says_the_app_wording_is_used_until_a_copy_is_put_in_the_iros_folder(
    qtbot, store, window_settings
):
    dialog = _wording_tab(qtbot, store)
    assert _label(dialog, "wordingInUse").text() == "The documents use the app's own wording."
    assert f"Your folder: {window_settings / 'council'}" in _label(dialog, "wordingFolders").text()
    assert not _label(dialog, "wordingProblem").isVisible()
    _click(qtbot, dialog, "copyWordingButton")
    copy = window_settings / "council" / "documents.toml"
    assert copy.is_file()
    assert _label(dialog, "wordingInUse").text() == (
        f"The documents use your council's wording, from your own folder:\n{copy}"
    )
    assert not dialog.findChild(QPushButton, "copyWordingButton").isEnabled()  # never over the council's copy


def test_a_broken_copy_is_named_with_its_line_when_the_tab_is_shown_again(
    qtbot, store, window_settings, site
):
    site.mkdir()
    (site / "documents.toml").write_text('[letter]\nsign_off = "With best wishes,"\n', encoding="utf-8")
    copy = window_settings / "council" / "documents.toml"
    dialog = _wording_tab(qtbot, store)
    _click(qtbot, dialog, "copyWordingButton")
    copy.write_text('[letter]\n\ngreeting = "Dear {name},"\n', encoding="utf-8")  # edited meanwhile
    tabs = dialog.findChild(QTabWidget, "tabs")
    tabs.setCurrentIndex(0)
    tabs.setCurrentWidget(dialog.findChild(QWidget, "wordingTab"))
    problem = _label(dialog, "wordingProblem")
    assert problem.isVisible()
    assert problem.text() == (
        f"Your council's copy was not used:\n{copy}, line 3: "
        '"greeting" in [letter] leaves out {first_name}, which the app fills in: keep it.'
    )
    used = _label(dialog, "wordingInUse").text()
    assert used == f"The documents use {SITE_WORDING}:\n{site}/documents.toml"


def test_open_your_folder_makes_it_and_hands_it_to_the_file_manager(
    qtbot, store, window_settings, file_manager
):
    dialog = _wording_tab(qtbot, store)
    _click(qtbot, dialog, "openWordingButton")
    folder = window_settings / "council"
    assert folder.is_dir()
    assert [url.toLocalFile() for url in file_manager.opened] == [str(folder)]
    assert not _label(dialog, "wordingProblem").isVisible()
