"""Help > Report a problem: show the IRO the whole diagnostic text, then save it where they choose.

The text comes from services.diagnostics (nothing personal); this module adds what only Qt knows: its
version, the platform plug-in, the screens' sizes and scale, the font size and the colour scheme.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import PySide6
from PySide6.QtCore import QLocale, QStandardPaths, qVersion
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFileDialog, QLabel, QPlainTextEdit

from iro_desktop.clock import system_clock
from iro_desktop.gui.forms import find, load_into
from iro_desktop.services import diagnostics

QT_SCALING_VARIABLES = ("QT_SCALE_FACTOR", "QT_SCREEN_SCALE_FACTORS", "QT_ENABLE_HIGHDPI_SCALING")


def display_facts() -> dict[str, str]:
    app = QGuiApplication.instance()
    facts = {
        "Qt": f"{qVersion()} (PySide6 {PySide6.__version__})",
        "Platform plug-in": app.platformName(),
        "Qt locale": QLocale.system().name(),
        "Colour scheme": app.styleHints().colorScheme().name,
        "Application font": f"{app.font().family()}, {app.font().pointSizeF():g} pt",
    }
    for n, screen in enumerate(app.screens(), start=1):
        size = screen.size()
        facts[f"Screen {n}"] = (
            f"{size.width()}x{size.height()} logical, scale {screen.devicePixelRatio():g}, "
            f"{screen.logicalDotsPerInch():.0f} dpi"
        )
    for name in QT_SCALING_VARIABLES:
        if name in os.environ:
            facts[name] = os.environ[name]
    return facts


class ReportDialog(QDialog):
    def __init__(self, text: str, parent=None, today: date | None = None) -> None:
        super().__init__(parent)
        load_into(self, "report_dialog.ui")
        self.text = text
        self.today = today or system_clock().today()
        self.saved_to: Path | None = None
        self.preview: QPlainTextEdit = find(self, QPlainTextEdit, "previewText")
        self.preview.setPlainText(text)
        self.status: QLabel = find(self, QLabel, "statusLabel")
        buttons: QDialogButtonBox = find(self, QDialogButtonBox, "buttons")
        save = buttons.button(QDialogButtonBox.StandardButton.Save)
        save.setText("&Save as...")
        save.setAccessibleName("Save the report")
        save.setAccessibleDescription("Choose where to save the report as a text file")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setAccessibleName("Close without saving")
        buttons.accepted.connect(self.choose_file)
        buttons.rejected.connect(self.reject)

    def default_path(self) -> Path:
        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        return Path(folder or Path.home()) / diagnostics.default_file_name(self.today)

    def choose_file(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, "Save the problem report", str(self.default_path()), "Text files (*.txt)"
        )
        if path and self.save_to(Path(path)):
            self.accept()

    def save_to(self, path: Path) -> bool:
        """Write the report exactly as shown; on failure say why and stay open."""
        try:
            diagnostics.save(path, self.text)
        except OSError as exc:
            self.status.setText(f"The report was not saved: {exc.strerror or exc}. Choose another folder.")
            return False
        self.saved_to = path
        return True


def report_problem(parent, store_path) -> None:
    text = diagnostics.report(Path(store_path) if store_path else None, display=display_facts())
    dialog = ReportDialog(text, parent)
    if dialog.exec() == QDialog.DialogCode.Accepted and hasattr(parent, "statusBar"):
        parent.statusBar().showMessage(f"Problem report saved to {dialog.saved_to}")
