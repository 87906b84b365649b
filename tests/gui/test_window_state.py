"""Window size and the caseload's column choices come back after closing, from a file holding nothing personal
(no child's, IRO's or council's name)."""

from __future__ import annotations

import platformdirs
import pytest
from PySide6.QtCore import Qt

from iro_desktop.gui import window_state
from iro_desktop.gui.caseload.model import COL
from iro_desktop.gui.main_window import MainWindow
from iro_desktop.services.caseload import load_caseload
from iro_desktop.store import open_store
from tests.conftest import PASSPHRASE, TODAY


def open_window(qtbot, store) -> MainWindow:
    window = MainWindow(store, TODAY)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


@pytest.fixture
def arranged(qtbot, demo_store, store_path):
    """A window the IRO has resized, with the Age column widened, Legal status hidden and names sorted Z-A."""
    names = [r.name for r in load_caseload(demo_store, TODAY)]
    profile = demo_store.profile()
    window = open_window(qtbot, demo_store)
    window.resize(777, 555)  # inside the 800 x 800 offscreen screen
    header = window.caseload.table.horizontalHeader()
    header.resizeSection(COL["Age"], 150)
    header.moveSection(header.visualIndex(COL["Status"]), 1)
    next(a for a in window.caseload.column_menu().actions() if a.text() == "Legal status").toggle()
    window.caseload.table.sortByColumn(COL["Name"], Qt.SortOrder.DescendingOrder)
    window.close()
    return names + [profile.iro_name, profile.council_name], store_path


def test_size_and_column_choices_come_back_after_closing(qtbot, arranged):
    _, store_path = arranged
    window = open_window(qtbot, open_store(store_path, PASSPHRASE))
    header = window.caseload.table.horizontalHeader()
    assert (window.width(), window.height()) == (777, 555)
    assert header.sectionSize(COL["Age"]) == 150
    assert header.visualIndex(COL["Status"]) == 1
    assert header.isSectionHidden(COL["Legal status"])
    assert (header.sortIndicatorSection(), header.sortIndicatorOrder()) == (
        COL["Name"],
        Qt.SortOrder.DescendingOrder,
    )
    shown = [window.caseload.proxy.index(r, COL["Name"]).data() for r in range(3)]
    assert shown == sorted(shown, key=str.casefold, reverse=True)  # the rows really are in that order


def test_the_settings_file_holds_nothing_personal(arranged, window_settings):
    personal, _ = arranged
    path = window_state.settings_path()
    assert path.parent == window_settings and path.exists()
    text = path.read_bytes().decode("latin-1").casefold()
    assert "main" in text and "caseload" in text  # the file really holds the choices
    assert [word for word in personal if word and word.casefold() in text] == []


def test_by_default_it_lives_in_the_user_config_folder_not_the_data_folder(monkeypatch):
    monkeypatch.delenv(window_state.SETTINGS_DIR_ENV)
    path = window_state.settings_path()
    assert path.parent == platformdirs.user_config_path("iro-desktop", appauthor=False)
    assert path.parent != platformdirs.user_data_path("iro-desktop", appauthor=False)


def test_reset_column_choices_puts_every_column_back(qtbot, arranged):
    _, store_path = arranged
    window = open_window(qtbot, open_store(store_path, PASSPHRASE))
    menu = window.caseload.column_menu()
    next(a for a in menu.actions() if a.text() == "&Reset column choices").trigger()
    header = window.caseload.table.horizontalHeader()
    assert not any(header.isSectionHidden(c) for c in range(header.count()))
    assert [header.logicalIndex(v) for v in range(header.count())] == list(range(header.count()))
    assert header.sortIndicatorSection() == COL["Working days left"]
    assert header.sectionSize(COL["Age"]) < 150
    window.close()
    window = open_window(qtbot, open_store(store_path, PASSPHRASE))
    assert not window.caseload.table.horizontalHeader().isSectionHidden(COL["Legal status"])


def test_the_name_column_cannot_be_hidden(qtbot, demo_store):
    window = open_window(qtbot, demo_store)
    name = next(a for a in window.caseload.column_menu().actions() if a.text() == "Name")
    assert name.isChecked() and not name.isEnabled()


def test_a_first_run_shows_every_column_sorted_by_urgency(qtbot, demo_store):
    window = open_window(qtbot, demo_store)
    header = window.caseload.table.horizontalHeader()
    assert not any(header.isSectionHidden(c) for c in range(header.count()))
    assert header.sortIndicatorSection() == COL["Working days left"]
    assert header.sortIndicatorOrder() == Qt.SortOrder.AscendingOrder


def test_the_file_stays_owner_only_when_qt_writes_it_by_itself(qtbot, window_settings, monkeypatch):
    monkeypatch.setattr(window_state, "_open", {})  # a first opening, as at start-up
    window_state.settings().setValue("main/probe", 1)  # Qt writes it soon after, on its own
    path = window_state.settings_path()
    qtbot.waitUntil(lambda: "probe" in path.read_text(encoding="latin-1"))
    assert path.stat().st_mode & 0o777 == 0o600
