"""The Help menu: the guide (with live shortcuts and timescales), About with licences, Report a problem."""

from __future__ import annotations

import shutil
from pathlib import Path

import PySide6
from PySide6.QtCore import Qt, QTimer, qVersion
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QLabel

from installer import notices
from iro_desktop import __version__
from iro_desktop.domain.timescales import TimescaleSettings
from iro_desktop.gui.help.about import AboutDialog
from iro_desktop.gui.help.guide import GuideDialog
from iro_desktop.gui.help.report import ReportDialog
from iro_desktop.gui.main_window import MainWindow
from iro_desktop.services import licences
from iro_desktop.services.demo import DEMO_IRO_NAME
from iro_desktop.services.settings import save_timescale_settings
from tests.conftest import TODAY

ROOT = Path(__file__).resolve().parents[2]


def _window(qtbot, store) -> MainWindow:
    window = MainWindow(store, TODAY)
    qtbot.addWidget(window)
    return window


def _page(dialog: GuideDialog, title: str) -> str:
    dialog.show_topic(title)
    return dialog.page_view.toPlainText()


def _when_shown(cls, then) -> None:
    """Act on the modal dialog of class `cls` once it is open (exec() would otherwise block the test)."""

    def act():
        dialog = next(
            (w for w in QApplication.topLevelWidgets() if isinstance(w, cls) and w.isVisible()), None
        )
        if dialog is None:
            QTimer.singleShot(20, act)
        else:
            then(dialog)

    QTimer.singleShot(0, act)


def test_guide_lists_the_windows_own_shortcuts_and_this_stores_timescales(qtbot, store):
    save_timescale_settings(store, TimescaleSettings(first_review_working_days=15))
    window = _window(qtbot, store)
    window.findChild(QAction, "actionLock").setShortcut("Ctrl+Shift+L")  # the guide follows the menus
    dialog = GuideDialog(store, window)
    qtbot.addWidget(dialog)
    assert dialog.contents.item(0).text() == "About this guide"
    shortcuts = _page(dialog, "Keyboard shortcuts")
    assert "Ctrl+Shift+L" in shortcuts and "Lock" in shortcuts and "F1" in shortcuts
    timescales = _page(dialog, "Timescales")
    assert "15 working days" in timescales and "changed (default 20)" in timescales
    assert "Care Planning Regulations 2010 reg 33(1)" in timescales


def test_f1_opens_the_guide_while_locked_with_the_default_timescales(qtbot, store):
    window = _window(qtbot, store)
    window.lock()
    seen = {}

    def read(dialog):
        seen["text"] = _page(dialog, "Timescales")
        dialog.reject()

    _when_shown(GuideDialog, read)
    guide = window.findChild(QAction, "actionGuide")
    assert guide.isEnabled() and guide.shortcut().toString() == "F1"
    guide.trigger()
    assert "locked, so these are the defaults" in seen["text"] and "20 working days" in seen["text"]


def test_about_shows_the_versions_and_each_licence_text(qtbot):
    dialog = AboutDialog()
    qtbot.addWidget(dialog)
    assert dialog.findChild(QLabel, "titleLabel").text() == f"iro-desktop {__version__}"
    versions = dialog.findChild(QLabel, "versionsLabel").text()
    assert f"Qt {qVersion()}" in versions and f"PySide6 {PySide6.__version__}" in versions
    assert "SQLCipher 4." in versions
    names = [dialog.table.item(row, 0).text() for row in range(dialog.table.rowCount())]
    assert names[0] == "iro-desktop" and dialog.table.item(0, 3).text() == "MIT"  # the app's own, first
    assert "MIT License" in dialog.text.toPlainText()
    assert {"cryptography", "Noto fonts", "Spelling dictionary en_GB", "SQLCipher", "ICU"} <= set(names)
    dialog.table.selectRow(names.index("Noto fonts"))
    assert "SIL Open Font License" in dialog.text.toPlainText()


def _shown(dialog: AboutDialog) -> list[str]:
    rows = range(dialog.table.rowCount())
    return [dialog.table.item(row, 0).text() for row in rows if not dialog.table.isRowHidden(row)]


def test_about_in_the_bundle_shows_its_notices_and_finds_words_in_them(qtbot, tmp_path):
    """The bundle's About reads the notices installer/notices.py wrote: here, for a bundle of one font."""
    bundle = tmp_path / "bundle" / "_internal" / "iro_desktop" / "resources" / "fonts"
    bundle.mkdir(parents=True)
    for name in ("NotoNaskhArabic-Regular.ttf", "LICENCE-Noto.txt"):
        shutil.copyfile(ROOT / "resources" / "fonts" / name, bundle / name)
    resources = tmp_path / "resources"
    (resources / "licences").mkdir(parents=True)
    found = notices.components(tmp_path / "bundle", ROOT)
    (resources / "licences" / licences.NOTICES).write_text(notices.render(found, "6.11.3"), encoding="utf-8")
    dialog = AboutDialog(resources=resources)
    qtbot.addWidget(dialog)
    dialog.show()
    assert _shown(dialog) == [
        "iro-desktop",
        "Noto fonts",
        "How to replace the Qt libraries",
        "GPL-3.0",
        "LGPL-3.0",
    ]
    assert (
        dialog.text.toPlainText().startswith("Name: iro-desktop")
        and "MIT License" in dialog.text.toPlainText()
    )
    assert dialog.find_status.text() == "5 in all"

    qtbot.keyClicks(dialog.find_edit, "Keeping their NAMES")  # only in how to replace Qt, in any case
    assert _shown(dialog) == ["How to replace the Qt libraries"] and dialog.find_status.text() == "1 of 5"
    assert dialog.text.textCursor().selectedText() == "keeping their names"  # where it is mentioned
    qtbot.keyClick(dialog.find_edit, Qt.Key.Key_Return)
    assert dialog.isVisible() and dialog.focusWidget() is dialog.table  # Enter goes to the list, not Close

    dialog.find_edit.clear()
    qtbot.keyClicks(dialog.find_edit, "no such words anywhere")
    assert (
        _shown(dialog) == []
        and dialog.text.toPlainText() == "Nothing here mentions \u201cno such words anywhere\u201d."
    )
    dialog.find_edit.clear()
    assert len(_shown(dialog)) == 5


def test_report_a_problem_while_locked_previews_then_saves_exactly_that_text(qtbot, demo_store, tmp_path):
    window = _window(qtbot, demo_store)
    window.lock()
    target = tmp_path / "report.txt"
    shown = {}

    def save(dialog: ReportDialog):
        shown["text"] = dialog.preview.toPlainText()
        shown["read_only"] = dialog.preview.isReadOnly()
        assert dialog.save_to(target)
        dialog.accept()

    _when_shown(ReportDialog, save)
    window.findChild(QAction, "actionReportProblem").trigger()
    assert shown["read_only"] and target.read_text(encoding="utf-8") == shown["text"]
    assert f"iro-desktop version: {__version__}" in shown["text"] and "Screen 1:" in shown["text"]
    assert DEMO_IRO_NAME not in shown["text"]


def test_a_report_that_cannot_be_saved_says_why_and_writes_nothing(qtbot, tmp_path):
    dialog = ReportDialog("report text", today=TODAY)
    qtbot.addWidget(dialog)
    assert dialog.default_path().name == "iro-desktop-diagnostics-2026-11-25.txt"
    target = tmp_path / "no-such-folder" / "report.txt"
    assert not dialog.save_to(target)
    assert "not saved" in dialog.status.text() and not target.exists()
