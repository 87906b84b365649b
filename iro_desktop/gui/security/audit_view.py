"""Tools > Audit trail: every entry newest first, whether the hash chain is intact, a filter by action.

Read-only, and opening it records nothing: looking at the trail is not an action on anyone's record.
"""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QHeaderView, QLabel, QTableView

from iro_desktop.domain.calendar import format_date
from iro_desktop.gui.appearance import set_tone
from iro_desktop.gui.forms import find, load_into
from iro_desktop.store import audit

ALL_ACTIONS = "All actions"
_SHOWN_PROBLEMS = 5
_ROOT = QModelIndex()


def format_when(at: datetime) -> str:
    """An entry's time (stored as UTC) in this computer's time, e.g. "14 Jan 2027 09:05"."""
    local = at.replace(tzinfo=UTC).astimezone()
    return f"{format_date(local.date())} {local:%H:%M}"


def chain_message(problems: list[str], count: int) -> str:
    if not problems:
        return f"The trail is intact: {count} entries, none changed or removed."
    shown = problems[:_SHOWN_PROBLEMS]
    more = len(problems) - len(shown)
    tail = f" ... and {more} more." if more else ""
    return "The trail has been tampered with. " + " ".join(shown) + tail


class AuditModel(QAbstractTableModel):
    HEADERS = ("When", "Action", "Subject", "Detail")

    def __init__(self, lines: list[audit.AuditLine], parent=None) -> None:
        super().__init__(parent)
        self._all = lines
        self.lines = lines

    def show_only(self, action: str | None) -> None:
        self.beginResetModel()
        self.lines = [line for line in self._all if action is None or line.action == action]
        self.endResetModel()

    def rowCount(self, parent=_ROOT) -> int:  # noqa: N802 (Qt override)
        return 0 if parent.isValid() else len(self.lines)

    def columnCount(self, parent=_ROOT) -> int:  # noqa: N802 (Qt override)
        return 0 if parent.isValid() else len(self.HEADERS)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if role != Qt.ItemDataRole.DisplayRole or not index.isValid():
            return None
        line = self.lines[index.row()]
        return (format_when(line.at), line.label, line.subject or "", line.detail or "")[index.column()]

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.HEADERS[section]
        return None


class AuditTrailDialog(QDialog):
    def __init__(self, store, parent=None) -> None:
        super().__init__(parent)
        load_into(self, "audit_trail_dialog.ui")
        lines = audit.entries(store)
        self.model = AuditModel(lines, self)
        self.table: QTableView = find(self, QTableView, "entriesTable")
        self.table.setModel(self.model)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.table.verticalHeader().hide()
        self.chain: QLabel = find(self, QLabel, "chainLabel")
        problems = audit.verify(store)
        self.chain.setText(chain_message(problems, len(lines)))
        set_tone(self.chain, "problem" if problems else "good")
        self.count: QLabel = find(self, QLabel, "countLabel")
        self.filter: QComboBox = find(self, QComboBox, "actionFilter")
        self._fill_filter(lines)
        self.filter.currentIndexChanged.connect(self._filter_changed)
        find(self, QDialogButtonBox, "buttons").rejected.connect(self.reject)
        self._show_count()

    def _fill_filter(self, lines: list[audit.AuditLine]) -> None:
        """One choice per action present in the trail, by its plain label."""
        self.filter.addItem(ALL_ACTIONS, None)
        labels = {line.action: line.label for line in lines}
        for action, label in sorted(labels.items(), key=lambda item: item[1]):
            self.filter.addItem(label, action)

    def show_only(self, action: str | None) -> None:
        self.filter.setCurrentIndex(max(0, self.filter.findData(action)))

    def _filter_changed(self) -> None:
        self.model.show_only(self.filter.currentData())
        self._show_count()

    def _show_count(self) -> None:
        self.count.setText(f"{self.model.rowCount()} entries shown")
