"""The Help menu: the guide (with live shortcuts and timescales), About with licences, Report a problem."""

from __future__ import annotations

import PySide6
from PySide6.QtCore import QTimer, qVersion
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QLabel

from iro_desktop import __version__
from iro_desktop.domain.timescales import TimescaleSettings
from iro_desktop.gui.help.about import AboutDialog
from iro_desktop.gui.help.guide import GuideDialog
from iro_desktop.gui.help.report import ReportDialog
from iro_desktop.gui.main_window import MainWindow
from iro_desktop.services.demo import DEMO_IRO_NAME
from iro_desktop.services.settings import save_timescale_settings
from tests.conftest import TODAY


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
    assert {"cryptography", "Noto fonts", "Spelling dictionary en_GB"} <= set(names)
    dialog.table.selectRow(names.index("Noto fonts"))
    assert "SIL Open Font License" in dialog.text.toPlainText()


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
