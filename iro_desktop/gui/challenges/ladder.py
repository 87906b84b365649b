"""The council's dispute resolution stages (docs/RULES.md D2), set once: ui/drp_ladder_dialog.ui."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QSpinBox, QTableWidget, QTableWidgetItem

from iro_desktop.gui.forms import find, load_into
from iro_desktop.gui.problems import show_problem
from iro_desktop.problems import Problem
from iro_desktop.services import challenge_ladder
from iro_desktop.store import Store


class DrpLadderDialog(QDialog):
    def __init__(self, store: Store, parent=None) -> None:
        super().__init__(parent)
        load_into(self, "drp_ladder_dialog.ui")
        self._store = store
        self.table: QTableWidget = find(self, QTableWidget, "ladderTable")
        self.count: QSpinBox = find(self, QSpinBox, "stageCount")
        buttons: QDialogButtonBox = find(self, QDialogButtonBox, "buttons")
        buttons.button(QDialogButtonBox.StandardButton.Ok).clicked.connect(self.save)
        buttons.rejected.connect(self.reject)
        buttons.button(QDialogButtonBox.StandardButton.RestoreDefaults).clicked.connect(
            lambda: self.show_rungs(challenge_ladder.DEFAULT_LADDER)
        )
        self.count.valueChanged.connect(self._resize)
        self.table.itemChanged.connect(lambda _: self._show_total())
        for name in ("ladderProblem", "messageLabel"):
            find(self, QLabel, name).hide()
        self.show_rungs(challenge_ladder.ladder(store))

    def show_rungs(self, rungs) -> None:
        self.table.blockSignals(True)
        self.table.setRowCount(0)
        self.count.setValue(len(rungs))
        self.table.setRowCount(len(rungs))
        for r, rung in enumerate(rungs):
            self._set_row(r, rung)
        self.table.blockSignals(False)
        self.table.resizeColumnsToContents()
        self._show_total()

    def _set_row(self, r: int, rung: challenge_ladder.Rung) -> None:
        stage = QTableWidgetItem(f"Stage {r + 1}")
        stage.setFlags(stage.flags() & ~Qt.ItemFlag.ItemIsEditable)
        self.table.setItem(r, 0, stage)
        self.table.setItem(r, 1, QTableWidgetItem(rung.title))
        self.table.setItem(r, 2, QTableWidgetItem(rung.addressee))
        self.table.setItem(r, 3, QTableWidgetItem(str(rung.working_days)))

    def _resize(self, n: int) -> None:
        old = self.table.rowCount()
        self.table.setRowCount(n)
        for r in range(old, n):
            self._set_row(r, challenge_ladder.DEFAULT_LADDER[r])
        self._show_total()

    def _text(self, r: int, c: int) -> str:
        item = self.table.item(r, c)
        return item.text().strip() if item else ""

    def rungs(self) -> list[challenge_ladder.Rung]:
        out = []
        for r in range(self.table.rowCount()):
            days = self._text(r, 3)
            if not days.isdigit():
                raise Problem(f"Stage {r + 1}'s working days must be a whole number.", "ladder")
            out.append(challenge_ladder.Rung(self._text(r, 1), self._text(r, 2), int(days)))
        return out

    def _show_total(self) -> None:
        try:
            total = challenge_ladder.ladder_total(tuple(self.rungs()))
        except Problem:
            return
        warning = " (more than the 20 the IRO Handbook allows for the whole process)" if total > 20 else ""
        find(self, QLabel, "totalLabel").setText(f"All stages together: {total} working days{warning}.")

    def save(self) -> bool:
        problem = find(self, QLabel, "ladderProblem")
        try:
            challenge_ladder.save_ladder(self._store, self.rungs())
        except Problem as error:
            show_problem(problem, str(error), self.table)
            return False
        self.accept()
        return True
