"""The summary for any date range: challenges and the annual-report figures, with charts, laid out in
ui/challenge_summary.ui, exported as PDF or CSV. The figures come from services.challenge_report; the charts
on screen draw the same values the PDF draws.
"""

from __future__ import annotations

from datetime import date
from html import escape
from pathlib import Path

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
)

from iro_desktop.domain.calendar import format_date
from iro_desktop.gui.challenges.chart import BarChart
from iro_desktop.gui.forms import find, load_into
from iro_desktop.gui.problems import clear_problem, field_under, show_problem
from iro_desktop.gui.saving import save_file
from iro_desktop.problems import Problem
from iro_desktop.services import challenge_practice
from iro_desktop.services import challenge_report as report
from iro_desktop.store import Store


class ChallengeSummary(QDialog):
    def __init__(self, store: Store, today: date, parent=None, start: date | None = None) -> None:
        super().__init__(parent)
        load_into(self, "challenge_summary.ui", custom=(BarChart,))
        self._store, self.today = store, today
        self.summary: report.Summary | None = None
        self.fromEdit: QDateEdit = find(self, QDateEdit, "fromEdit")  # noqa: N815 (form name)
        self.toEdit: QDateEdit = find(self, QDateEdit, "toEdit")  # noqa: N815 (form name)
        # The default range is the year to date of the usual April-to-March reporting year.
        year_start = date(today.year if today.month >= 4 else today.year - 1, 4, 1)
        self.fromEdit.setDate(QDate(start or year_start))
        self.toEdit.setDate(QDate(today))
        find(self, QDateEdit, "practiceOnEdit").setDate(QDate(today))
        self.fromEdit.dateChanged.connect(lambda _: self.refresh())
        self.toEdit.dateChanged.connect(lambda _: self.refresh())
        find(self, QPushButton, "pdfButton").clicked.connect(lambda: self.export_pdf())
        find(self, QPushButton, "csvButton").clicked.connect(lambda: self.export_csv())
        find(self, QPushButton, "addPracticeButton").clicked.connect(self.add_practice)
        find(self, QDialogButtonBox, "buttons").rejected.connect(self.reject)
        for name in ("endProblem", "practiceProblem"):
            find(self, QLabel, name).hide()
        self.refresh()

    def set_range(self, start: date, end: date) -> None:
        self.fromEdit.setDate(QDate(start))
        self.toEdit.setDate(QDate(end))
        self.refresh()

    def _problem(self, name: str, message: str) -> None:
        label = find(self, QLabel, name)
        field = self.toEdit if name == "endProblem" else field_under(self, label)
        if message:
            show_problem(label, message, field)
        else:
            clear_problem(label, field)

    def refresh(self) -> None:
        try:
            self.summary = report.summary(
                self._store, self.fromEdit.date().toPython(), self.toEdit.date().toPython(), self.today
            )
        except Problem as problem:
            self._problem("endProblem", str(problem))
            return
        self._problem("endProblem", "")
        for name, chart in zip(
            ("reviewsChart", "participationChart", "concernsChart"), report.charts(self.summary), strict=True
        ):
            find(self, BarChart, name).set_chart(chart)
        find(self, QLabel, "figuresText").setText(self._figures_html(self.summary))

    def _figures_html(self, s: report.Summary) -> str:
        blocks = [f"<p>Figures for <b>{format_date(s.start)}</b> to <b>{format_date(s.end)}</b>.</p>"]
        for heading, rows in report.csv_sections(s):
            items = "".join(
                f"<tr><td>{escape(str(item))}</td><td align='right'>&nbsp;{escape(str(count))}</td></tr>"
                for item, count in rows
            )
            blocks.append(f"<h4>{escape(heading)}</h4><table cellspacing='2'>{items}</table>")
        notes = "".join(f"<li>{format_date(n.on)}: {escape(n.text)}</li>" for n in s.positive_practice)
        blocks.append(
            f"<h4>Positive practice noted</h4><ul>{notes}</ul>"
            if notes
            else "<h4>Positive practice noted</h4><p>None noted in this range.</p>"
        )
        return "".join(blocks)

    def add_practice(self) -> bool:
        edit = find(self, QLineEdit, "practiceEdit")
        try:
            challenge_practice.add_practice_note(
                self._store,
                find(self, QDateEdit, "practiceOnEdit").date().toPython(),
                edit.text(),
            )
        except Problem as problem:
            self._problem("practiceProblem", str(problem))
            return False
        self._problem("practiceProblem", "")
        edit.clear()
        self.refresh()
        return True

    def _target(self, path, suffix: str, kind: str) -> Path | None:
        if path is not None:
            return Path(path)
        name = f"iro-summary-{self.summary.start.isoformat()}-to-{self.summary.end.isoformat()}.{suffix}"
        chosen, _ = QFileDialog.getSaveFileName(
            self, f"Export {kind}", str(Path.home() / name), f"{kind} (*.{suffix})"
        )
        return Path(chosen) if chosen else None

    def export_pdf(self, path: str | Path | None = None) -> Path | None:
        target = self._target(path, "pdf", "PDF") if self.summary else None
        if target:
            return self._save(target, report.render_pdf(self._store, self.summary, self.today))
        return None

    def export_csv(self, path: str | Path | None = None) -> Path | None:
        target = self._target(path, "csv", "CSV") if self.summary else None
        if target:
            return self._save(target, report.csv_text(self.summary).encode("utf-8"))
        return None

    def _save(self, target: Path, data: bytes) -> Path | None:
        problem = save_file(target, data)
        if problem:
            QMessageBox.warning(self, "Not saved", problem)
        return None if problem else target
