"""The import wizard: choose the 903 files, choose the children, import in the background, read the report.

Layout in ui/import903_wizard.ui. The import itself is services.import903.import_903, run through
gui.operations so the window keeps painting; cancelling stops it at the next row and the store is left as
it was.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from pathlib import Path

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QFileDialog,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QTableView,
    QWizard,
    QWizardPage,
)

from iro_desktop.gui import operations
from iro_desktop.gui.appearance import set_tone
from iro_desktop.gui.forms import find, load_into
from iro_desktop.services.import903 import ImportCancelled, ImportProblem, ImportReport, Selection, import_903
from iro_desktop.store import Store

REPORT_HEADINGS = ("File", "Row", "Column", "Value", "What happened", "Reason")
_ROOT = QModelIndex()
SORT_ROLE = Qt.ItemDataRole.UserRole
OUTCOMES = {"row refused": "Row refused", "value left out, row taken": "Value left out", "note": "Note"}


class _Page(QWizardPage):
    """Built by the form, wired by the wizard: it says when the page is complete and what entering does."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.complete_when: Callable[[], bool] = lambda: True
        self.on_enter: Callable[[], None] = lambda: None

    def isComplete(self) -> bool:  # noqa: N802 (Qt override)
        return self.complete_when()

    def initializePage(self) -> None:  # noqa: N802 (Qt override)
        self.on_enter()


class SourcePage(_Page):
    pass


class ChildrenPage(_Page):
    pass


class ImportPage(_Page):
    pass


class ReportModel(QAbstractTableModel):
    """The report's lines for a table view: the notes, then each row refused or taken with a value left out,
    once, with all its problems."""

    def __init__(self, report: ImportReport | None = None) -> None:
        super().__init__()
        self.rows = report.csv_rows() if report else []

    def rowCount(self, parent=_ROOT) -> int:  # noqa: N802 (Qt override)
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=_ROOT) -> int:  # noqa: N802 (Qt override)
        return 0 if parent.isValid() else len(REPORT_HEADINGS)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        value = self.rows[index.row()][index.column()]
        if role == SORT_ROLE:  # row numbers sort as numbers; the rest as text
            return value.zfill(9) if value.isdigit() else value
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return OUTCOMES.get(value, value) if index.column() == 4 else value
        return None

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802 (Qt override)
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return REPORT_HEADINGS[section]
        return None


def _counts_html(report: ImportReport) -> str:
    cells = "".join(f"<th align='right'>&nbsp;{h}</th>" for h in ("created", "updated", "unchanged"))
    rows = [f"<tr><th></th>{cells}</tr>"]
    for label, c in (("Children", report.children), ("Periods of care", report.periods),
                     ("Episodes", report.episodes), ("Reviews", report.reviews)):  # fmt: skip
        numbers = "".join(f"<td align='right'>{n}</td>" for n in (c.created, c.updated, c.unchanged))
        rows.append(f"<tr><td>{label}</td>{numbers}</tr>")
    extra = []
    if report.reviews_in_app:
        extra.append(
            f"{report.reviews_in_app} reviews already recorded in the app were kept as you wrote them."
        )
    if report.other_children_rows:
        extra.append(f"{report.other_children_rows} rows were for children you did not choose.")
    return f"<table cellpadding='2'>{''.join(rows)}</table>" + "".join(f"<p>{escape(e)}</p>" for e in extra)


def _kinds_html(title: str, total: int, kinds: list[tuple[str, int]]) -> str:
    if not total:
        return ""
    rows = "".join(
        f"<tr><td align='right'>{n}</td><td style='white-space: nowrap'>{escape(kind)}</td></tr>"
        for kind, n in kinds
    )
    return f"<b>{title}: {total}</b><table cellpadding='1'>{rows}</table>"


def summary_html(report: ImportReport) -> str:
    """What was written beside what was refused, side by side so the table below keeps its room."""
    refused = _kinds_html("Rows refused", report.rows_refused, report.by_kind(refused=True))
    left_out = _kinds_html(
        "Rows taken with a value left out", report.rows_left_out, report.by_kind(refused=False)
    )
    right = (refused + left_out) or "<b>Every row was taken.</b>"
    return (
        f"<table><tr><td valign='top'>{_counts_html(report)}</td><td width='32'></td>"
        f"<td valign='top'>{right}</td></tr></table>"
    )


def _import_job(store: Store, source: Path, selection: Selection):
    """The import as an operations job: progress once per percent, not once per child, and a cancel
    taking effect at the next row (the service then rolls the store back)."""
    shown = [-1]

    def work(job: operations.Job) -> ImportReport:
        def step(done: int, total: int) -> None:
            if job.cancelled():
                raise ImportCancelled
            percent = done * 100 // max(total, 1)
            if percent != shown[0]:
                shown[0] = percent
                job.progress(done, total)

        return import_903(store, source, selection, step)

    return work


class Import903Wizard(QWizard):
    imported = Signal(object)  # the ImportReport, once the import has been committed

    def __init__(self, store: Store, parent=None) -> None:
        super().__init__(parent)
        load_into(self, "import903_wizard.ui", custom=(SourcePage, ChildrenPage, ImportPage))
        self.store = store
        self.report: ImportReport | None = None
        self._importing: operations.Operation | None = None
        self._find_widgets()
        self._wire_source_page()
        self._wire_children_page()
        self._wire_import_page()

    def _find_widgets(self) -> None:
        self.source_page, self.children_page = (
            find(self, SourcePage, "sourcePage"),
            find(self, ChildrenPage, "childrenPage"),
        )
        self.import_page = find(self, ImportPage, "importPage")
        self.folder_radio, self.xml_radio = (
            find(self, QRadioButton, "folderRadio"),
            find(self, QRadioButton, "xmlRadio"),
        )
        self.source_edit, self.source_problem = (
            find(self, QLineEdit, "sourceEdit"),
            find(self, QLabel, "sourceProblem"),
        )
        self.all_radio, self.ids_radio = (
            find(self, QRadioButton, "allRadio"),
            find(self, QRadioButton, "idsRadio"),
        )
        self.iro_radio, self.ids_edit = find(self, QRadioButton, "iroRadio"), find(self, QLineEdit, "idsEdit")
        self.iro_name_edit, self.iro_column_edit = (
            find(self, QLineEdit, "iroNameEdit"),
            find(self, QLineEdit, "iroColumnEdit"),
        )
        self.progress, self.status = (
            find(self, QProgressBar, "progressBar"),
            find(self, QLabel, "statusLabel"),
        )
        self.summary, self.table = find(self, QLabel, "summaryLabel"), find(self, QTableView, "reportTable")
        self.save_button = find(self, QPushButton, "saveReportButton")

    # ------------------------------------------------------------ page 1: the files

    def _wire_source_page(self) -> None:
        self.source_page.complete_when = lambda: self.source_error() is None
        for signal in (self.source_edit.textChanged, self.folder_radio.toggled):
            signal.connect(self._source_changed)
        find(self, QPushButton, "browseButton").clicked.connect(self._browse)

    def source(self) -> Path:
        return Path(self.source_edit.text().strip()).expanduser()

    def source_error(self) -> str | None:
        """Why the chosen path cannot be imported ('' when nothing is chosen yet), or None when it can."""
        if not self.source_edit.text().strip():
            return ""
        path = self.source()
        if self.folder_radio.isChecked():
            return None if path.is_dir() else f"There is no folder at {path}."
        if not path.is_file():
            return f"There is no file at {path}."
        return None if path.suffix.lower() == ".xml" else f"{path.name} is not an XML file."

    def _source_changed(self) -> None:
        self.source_problem.setText(self.source_error() or "")
        self.source_page.completeChanged.emit()

    def _browse(self) -> None:
        if self.folder_radio.isChecked():
            chosen = QFileDialog.getExistingDirectory(self, "Folder of 903 CSV files")
        else:
            chosen, _ = QFileDialog.getOpenFileName(self, "903 XML file", filter="903 XML files (*.xml)")
        if chosen:
            self.source_edit.setText(chosen)

    # ------------------------------------------------------------ page 2: the children

    def _wire_children_page(self) -> None:
        self.children_page.setCommitPage(True)  # once the import starts there is no going back to change it
        self.children_page.setButtonText(QWizard.WizardButton.CommitButton, "&Import")
        self.children_page.complete_when = self._children_chosen
        self.ids_radio.toggled.connect(self.ids_edit.setEnabled)
        self.iro_radio.toggled.connect(self.iro_name_edit.setEnabled)
        self.iro_radio.toggled.connect(self.iro_column_edit.setEnabled)
        for signal in (self.ids_radio.toggled, self.iro_radio.toggled, self.ids_edit.textChanged,
                       self.iro_name_edit.textChanged, self.iro_column_edit.textChanged):  # fmt: skip
            signal.connect(self.children_page.completeChanged)

    def selection(self) -> Selection:
        if self.ids_radio.isChecked():
            return Selection.of_ids(self.ids_edit.text().replace(";", ",").replace(" ", ",").split(","))
        if self.iro_radio.isChecked():
            return Selection.by_iro(self.iro_name_edit.text(), self.iro_column_edit.text())
        return Selection()

    def _children_chosen(self) -> bool:
        if self.ids_radio.isChecked():
            return bool(self.selection().child_ids)
        if self.iro_radio.isChecked():
            return bool(self.iro_name_edit.text().strip() and self.iro_column_edit.text().strip())
        return True

    # ------------------------------------------------------------ page 3: the import and its report

    def _wire_import_page(self) -> None:
        self.import_page.complete_when = lambda: self.report is not None
        self.import_page.on_enter = self._start_import
        self.save_button.clicked.connect(self._choose_report_file)
        self.report_model = ReportModel()
        self.sorted_report = QSortFilterProxyModel(self)
        self.sorted_report.setSortRole(SORT_ROLE)
        self.sorted_report.setSourceModel(self.report_model)
        self.table.setModel(self.sorted_report)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 8)

    def is_running(self) -> bool:
        return self._importing is not None and self._importing.running

    def _start_import(self) -> None:
        if self.is_running():
            return
        self.status.setText(f"Importing {self.source().name}…")
        self._importing = operations.run_job(
            _import_job(self.store, self.source(), self.selection()),
            self._show_report,
            self._show_failure,
            progress=self._show_progress,
        )

    def _show_progress(self, done: int, total: int) -> None:
        self.progress.setMaximum(total)
        self.progress.setValue(done)

    def _show_report(self, report: ImportReport) -> None:
        self.report = report
        self.progress.setValue(self.progress.maximum())
        self.status.setText("Import finished. Your caseload now holds what was taken.")
        self.summary.setText(summary_html(report))
        self.report_model = ReportModel(report)
        self.sorted_report.setSourceModel(self.report_model)
        self.table.setSortingEnabled(True)  # notes, refused rows, values left out; each in file order
        self.table.sortByColumn(4, Qt.SortOrder.AscendingOrder)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(len(REPORT_HEADINGS) - 1, QHeaderView.ResizeMode.Stretch)
        self.save_button.setEnabled(bool(self.report_model.rowCount()))
        self.setOption(QWizard.WizardOption.NoCancelButton, True)  # done: only Finish is left
        self.import_page.completeChanged.emit()
        self.imported.emit(report)

    def _show_failure(self, exc: Exception) -> None:
        self.progress.setValue(0)
        if isinstance(exc, ImportProblem):
            self.status.setText(f"{exc} Nothing was imported.")
        else:  # the store was rolled back
            self.status.setText(f"{operations.explain(exc)} Nothing was changed by the import.")
        set_tone(self.status, "problem")

    def _choose_report_file(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, "Save the import report", "903-import-report.csv", "CSV (*.csv)"
        )
        if path:
            self.save_report(Path(path))

    def save_report(self, path: Path) -> None:
        try:
            self.report.save_csv(path)
        except OSError as exc:
            self.status.setText(f"The report was not saved: {exc.strerror}.")
        else:
            self.status.setText(f"Report saved to {path}.")

    def reject(self) -> None:
        """Cancel stops a running import at its next row; the store is rolled back before the window shuts."""
        if self.is_running():
            self._importing.cancel()
            self._importing.wait()  # the rollback is done before the window (and perhaps the store) goes
        super().reject()
