"""The export dialog: collection year, with or without header and episodes, which folder. Layout in
ui/export903_dialog.ui; the work is services.export903.export_903, which takes well under a second.
After an export the whole report (every held review in the year(s), exported or left out and why, with the
notes) can be saved as CSV; the dialog itself lists only the first few reviews left out."""

from __future__ import annotations

from datetime import date
from html import escape
from pathlib import Path

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
)

from iro_desktop.gui.appearance import set_tone
from iro_desktop.gui.forms import find, load_into
from iro_desktop.gui.saving import save_file
from iro_desktop.services.export903 import CollectionYear, ExportProblem, ExportResult, export_903
from iro_desktop.store import Store

YEARS_OFFERED = 6  # this collection year and the five before it
MESSAGE_LINES = 10  # the result's height before it scrolls, in lines of text
LEFT_OUT_SHOWN = 8  # the dialog stays a dialog; the command line and the saved report list them all
ALL_YEARS = "All years (every review held)"


class Export903Dialog(QDialog):
    def __init__(self, store: Store, today: date, parent=None) -> None:
        super().__init__(parent)
        load_into(self, "export903_dialog.ui")
        self.store = store
        self.result_of_export: ExportResult | None = None
        self.year_combo: QComboBox = find(self, QComboBox, "yearCombo")
        self.header_episodes: QCheckBox = find(self, QCheckBox, "headerEpisodesCheck")
        self.folder_edit: QLineEdit = find(self, QLineEdit, "folderEdit")
        self.replace_check: QCheckBox = find(self, QCheckBox, "replaceCheck")
        self.message: QLabel = find(self, QLabel, "messageLabel")
        # The result scrolls: with left-out reviews and notes it can be longer than the dialog.
        self.message_area: QScrollArea = find(self, QScrollArea, "messageScroll")
        self.message_area.setMinimumHeight(self.fontMetrics().lineSpacing() * MESSAGE_LINES)
        self.save_report_button: QPushButton = find(self, QPushButton, "saveReportButton")
        self.report_message: QLabel = find(self, QLabel, "reportLabel")
        self.report_message.hide()
        self.save_report_button.clicked.connect(self._choose_report_file)
        buttons: QDialogButtonBox = find(self, QDialogButtonBox, "buttons")
        self.export_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.export_button.setText("&Export")
        self.export_button.clicked.connect(self.export)
        buttons.rejected.connect(self.reject)
        find(self, QPushButton, "browseButton").clicked.connect(self._browse)
        self.folder_edit.textChanged.connect(self._folder_changed)
        self.replace_check.toggled.connect(self._folder_changed)
        self._offer_years(CollectionYear.containing(today))
        self._folder_changed()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        # Qt's minimum counts one line for wrapped text, so at its smallest the dialog drew the scrolling
        # result under the buttons: the intro keeps the lines it needs at the dialog's narrowest.
        margins = self.layout().contentsMargins()
        narrowest = self.minimumWidth() - margins.left() - margins.right()
        intro = find(self, QLabel, "intro")
        intro.setMinimumHeight(intro.heightForWidth(narrowest))

    def _offer_years(self, current: CollectionYear) -> None:
        for end_year in range(current.end_year, current.end_year - YEARS_OFFERED, -1):
            year = CollectionYear(end_year)
            self.year_combo.addItem(year.label, year)
        self.year_combo.addItem(ALL_YEARS, None)

    def folder(self) -> Path:
        return Path(self.folder_edit.text().strip()).expanduser()

    def _folder_not_empty(self) -> bool:
        folder = self.folder()
        return bool(self.folder_edit.text().strip()) and folder.is_dir() and any(folder.iterdir())

    def _folder_changed(self) -> None:
        not_empty = self._folder_not_empty()
        self.replace_check.setVisible(not_empty)
        if not not_empty:
            self.replace_check.setChecked(False)
        self.export_button.setEnabled(
            bool(self.folder_edit.text().strip()) and (not not_empty or self.replace_check.isChecked())
        )

    def _browse(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, "Folder for the 903 files")
        if chosen:
            self.folder_edit.setText(chosen)

    def export(self) -> None:
        try:
            self.result_of_export = export_903(
                self.store,
                self.folder(),
                self.year_combo.currentData(),
                with_header_episodes=self.header_episodes.isChecked(),
                force=self.replace_check.isChecked(),
            )
        except ExportProblem as exc:
            self._say(str(exc), problem=True)
            return
        lines = self.result_of_export.summary_lines(max_listed=LEFT_OUT_SHOWN)
        if len(self.result_of_export.tables.left_out) > LEFT_OUT_SHOWN:
            more = next(i for i, line in enumerate(lines) if line.startswith("  and "))
            lines[more] += ": Save report as CSV… lists them all"
        self.save_report_button.setEnabled(True)
        self._say_about_report("")
        self._say(
            "<br>".join("• " + escape(line[2:]) if line.startswith("  ") else escape(line) for line in lines)
        )
        self._folder_changed()  # the folder is not empty any more: exporting again needs the IRO's say

    def _say(self, text: str, problem: bool = False) -> None:
        set_tone(self.message, "problem" if problem else None)
        self.message.setText(text)

    def _choose_report_file(self) -> None:
        result = self.result_of_export
        if result is None:
            return
        span = result.year.name if result.year else "all-years"
        # Beside the export folder, not in it: the council's validator reads every CSV in that folder.
        suggested = str(result.folder.parent / f"903-export-report-{span}.csv")
        path, _ = QFileDialog.getSaveFileName(self, "Save the export report", suggested, "CSV (*.csv)")
        if path:
            self.save_report(Path(path))

    def save_report(self, path: Path) -> None:
        """Write the whole report of the last export, owner-only; say what was saved, or why not."""
        result = self.result_of_export
        if result is None:
            return
        problem = save_file(path, result.report_csv())
        if problem:
            self._say_about_report(problem, problem=True)
            return
        held, left_out = len(result.tables.held), len(result.tables.left_out)
        self._say_about_report(
            f"Report saved to {path}: {held} held {'review' if held == 1 else 'reviews'}, "
            f"{held - left_out} exported and {left_out} left out, with the notes."
        )

    def _say_about_report(self, text: str, problem: bool = False) -> None:
        set_tone(self.report_message, "problem" if problem else None)
        self.report_message.setText(text)
        self.report_message.setVisible(bool(text))
        if text:
            self.message_area.verticalScrollBar().setValue(0)  # above the export's result: in view
