"""The caseload as a Qt table: one row per CaseloadRow, plus a proxy that filters by status and search text.

Every cell gives Qt.UserRole as its sort key (dates as ordinals, numbers as numbers), so sorting never
compares the text people read. Status is always a word in the cell; colour only repeats it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from iro_desktop.domain.calendar import format_date
from iro_desktop.domain.codes import LEGAL_STATUS, PLACEMENT_TYPE
from iro_desktop.domain.timescales import Status, left_words
from iro_desktop.gui.appearance import text_colour
from iro_desktop.services.caseload import CaseloadRow

CHILD_ID_ROLE = Qt.ItemDataRole.UserRole + 1  # the Child.id behind a row, for opening the child
_NEVER = 10**7  # sorts missing dates and numbers after every real one

# (text, background) per status: dark text on a pale tint keeps a 4.5:1 contrast for the word.
STATUS_COLOURS: dict[Status, tuple[str, str]] = {
    Status.OVERDUE: ("#8e1b22", "#fbdcdf"),
    Status.MINUTES_TO_FINISH: ("#5b2c83", "#eee3f7"),
    Status.DUE_10WD: ("#7a4100", "#ffe7b8"),
    Status.DUE_20WD: ("#0f4c81", "#dcebf9"),
    Status.ON_TRACK: ("#1b5e20", "#e1f3e1"),
    Status.OPEN_AFTER_18: ("#6b3a00", "#f6e6d4"),
    Status.NOT_LOOKED_AFTER: ("#4a4a4a", "#ececec"),
}
# Stronger fills for marks on the timeline, where the status word sits in the legend and tooltip.
STATUS_FILLS: dict[Status, str] = {
    Status.OVERDUE: "#c62828",
    Status.MINUTES_TO_FINISH: "#7b3fa9",
    Status.DUE_10WD: "#e08600",
    Status.DUE_20WD: "#1f6fb5",
    Status.ON_TRACK: "#2e7d32",
    Status.OPEN_AFTER_18: "#a0652a",
    Status.NOT_LOOKED_AFTER: "#8a8a8a",
}
# Most urgent first, for sorting the Status column.
_URGENCY = {s: i for i, s in enumerate(Status)}


def _day(d: date | None) -> str:
    return format_date(d) if d else ""


def _ordinal(d: date | None) -> int:
    return d.toordinal() if d else _NEVER


def _urgency(r: CaseloadRow) -> int:
    """Overdue first, then fewest working days left: the default order of the dashboard."""
    left = r.working_days_left if r.working_days_left is not None else _NEVER
    return _URGENCY[r.status] * 2 * _NEVER + left + _NEVER


def _count(open_: int, late: int, late_word: str) -> str:
    if not open_:
        return ""
    return f"{open_} ({late} {late_word})" if late else str(open_)


def _placement(r: CaseloadRow) -> str:
    return " · ".join(x for x in (r.placement_type, r.placement) if x)


def _placement_tip(r: CaseloadRow) -> str:
    meaning = PLACEMENT_TYPE.get(r.placement_type or "", "")
    return "\n".join(x for x in (r.placement, f"{r.placement_type} {meaning}" if meaning else "") if x)


def minutes_lines(r: CaseloadRow) -> tuple[str, ...]:
    """A review held here and not yet signed: any deadline missed, then the working days since the meeting
    against each deadline. Said even when an overdue review outranks it as the row's status."""
    if r.minutes is None:
        return ()
    label = Status.MINUTES_TO_FINISH.label
    return (f"{label}: {r.minutes.late}" if r.minutes.late else label, r.minutes.sentence())


def _name_tip(r: CaseloadRow) -> str:
    sentence = (r.minutes.sentence(),) if r.minutes else ()  # the flags already say what is late
    return "\n".join((r.child, *r.flags, *sentence))


def _status_text(r: CaseloadRow) -> str:
    """The status in a word; minutes to finish also count the working days since the meeting."""
    if r.status is not Status.MINUTES_TO_FINISH or r.minutes is None:
        return r.status.label
    days = r.minutes.working_days_since
    return f"{r.status.label}: day {days}" + (" (late)" if r.minutes.late else "")


def _status_tip(r: CaseloadRow) -> str:
    own = () if r.status is Status.MINUTES_TO_FINISH else (r.status.label,)
    return "\n".join((*own, *minutes_lines(r))) or r.status.label


def _due_tip(r: CaseloadRow) -> str:
    booked = f"Booked for {format_date(r.next_review_booked)}" if r.next_review_booked else "Not booked yet"
    return f"{r.review_basis}\n{booked}" if r.next_review_due else r.review_basis


# One entry per column: header, display text, sort key, tooltip.
Cell = Callable[[CaseloadRow], object]
Column = tuple[str, Cell, Cell, Cell]
COLUMNS: list[Column] = [
    ("Name", lambda r: r.name, lambda r: r.name.casefold(), _name_tip),
    ("Child ID", lambda r: r.child, lambda r: r.child.casefold(), lambda r: r.child),
    ("Age", lambda r: str(r.age), lambda r: r.age, lambda r: f"Born {format_date(r.dob)}"),
    (
        "Legal status",
        lambda r: r.legal_status or "",
        lambda r: r.legal_status or "~",
        lambda r: LEGAL_STATUS.get(r.legal_status or "", ""),
    ),
    ("Placement", _placement, lambda r: _placement(r).casefold() or "~", _placement_tip),
    (
        "Looked after\nsince",
        lambda r: _day(r.looked_after_since),
        lambda r: _ordinal(r.looked_after_since),
        lambda r: "",
    ),
    ("Last\nreview", lambda r: _day(r.last_review), lambda r: _ordinal(r.last_review), lambda r: ""),
    ("Next review\ndue", lambda r: _day(r.next_review_due), lambda r: _ordinal(r.next_review_due), _due_tip),
    (
        "Working\ndays left",
        lambda r: left_words(r.working_days_left),
        lambda r: _NEVER if r.working_days_left is None else r.working_days_left,
        lambda r: "",
    ),
    ("Status", lambda r: _status_text(r), _urgency, _status_tip),
    (
        "Decisions\nopen",
        lambda r: _count(r.decisions_open, r.decisions_overdue, "overdue"),
        lambda r: r.decisions_overdue * _NEVER + r.decisions_open,
        lambda r: f"{r.decisions_open} open, {r.decisions_overdue} overdue",
    ),
    (
        "Challenges\nopen",
        lambda r: _count(r.challenges_open, r.challenges_overdue, "overdue"),  # responses overdue (the tile)
        lambda r: r.challenges_overdue * _NEVER + r.challenges_open,
        lambda r: (
            f"{r.challenges_open} open, {r.challenges_awaiting} awaiting a response, "
            f"{r.challenges_overdue} with the response overdue"
        ),
    ),
]
# Headers break over two lines to keep columns narrow; code names a column by its one-line header.
COL = {header.replace("\n", " "): i for i, (header, *_rest) in enumerate(COLUMNS)}
_NUMERIC = {COL["Age"], COL["Working days left"]}
_BOLD = QFont()
_BOLD.setBold(True)


class CaseloadModel(QAbstractTableModel):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._rows: list[CaseloadRow] = []
        self._cells: list[list[tuple]] = []

    def set_rows(self, rows: list[CaseloadRow]) -> None:
        self.beginResetModel()
        # Alphabetical underneath, so rows that tie on any sort key stay in name order (the sort is stable).
        self._rows = sorted(rows, key=lambda r: (r.name.casefold(), r.child))
        # Text, sort key and tooltip of every cell, worked out once: painting and sorting ask for them often.
        self._cells = [
            [(text(r), key(r), tip(r) or None) for _h, text, key, tip in COLUMNS] for r in self._rows
        ]
        self.endResetModel()

    def row_at(self, row: int) -> CaseloadRow:
        return self._rows[row]

    def rows(self) -> list[CaseloadRow]:
        return list(self._rows)

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: B008, N802 (Qt signature)
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: B008, N802 (Qt signature)
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802 (Qt override)
        # Answered in full here: never via super(), whose empty QVariant PySide 6.12 mishandles.
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section][0]
        if orientation == Qt.Orientation.Vertical and role == Qt.ItemDataRole.DisplayRole:
            return str(section + 1)
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        r, col = self._rows[index.row()], index.column()
        text, key, tip = self._cells[index.row()][col]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return text
        if role == Qt.ItemDataRole.UserRole:
            return key
        if role == CHILD_ID_ROLE:
            return r.id
        if role == Qt.ItemDataRole.ToolTipRole:
            return tip
        if role == Qt.ItemDataRole.TextAlignmentRole and col in _NUMERIC:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return self._emphasis(r, col, role)

    @staticmethod
    def _emphasis(r: CaseloadRow, col: int, role):
        """Colour repeats what the words already say: status, and anything overdue."""
        late = (col == COL["Decisions open"] and r.decisions_overdue) or (
            col == COL["Challenges open"] and r.challenges_overdue
        )
        if col == COL["Status"]:
            fg, bg = STATUS_COLOURS[r.status]
            if role == Qt.ItemDataRole.BackgroundRole:
                return QBrush(QColor(bg))
            if role == Qt.ItemDataRole.ForegroundRole:
                return QBrush(QColor(fg))
        if role == Qt.ItemDataRole.ForegroundRole and late:
            return QBrush(QColor(text_colour(STATUS_COLOURS[Status.OVERDUE][0])))  # no tint behind it
        overdue = col == COL["Status"] and r.status is Status.OVERDUE
        if role == Qt.ItemDataRole.FontRole and (late or overdue):
            return _BOLD
        return None


RowTest = Callable[[CaseloadRow], bool]


class CaseloadFilter(QSortFilterProxyModel):
    """Keeps the rows whose status matches (None: all), or only children with reviews needing a participation
    code, or those a summary tile counts, and whose name or child id contains the search text."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._status: Status | None = None
        self._codes_needed = False
        self._keep: RowTest | None = None  # a summary tile's rows
        self._search = ""
        self.setSortRole(Qt.ItemDataRole.UserRole)

    @property
    def status(self) -> Status | None:
        return self._status

    @property
    def codes_needed(self) -> bool:
        return self._codes_needed

    def set_status(self, status: Status | None, codes_needed: bool = False) -> None:
        """One status (None: any); with codes_needed, only children with a review lacking its PN code."""
        self._set(None, status, codes_needed)

    def set_rows_kept(self, keep: RowTest | None) -> None:
        """Only the rows `keep` accepts (a summary tile's test; None: any), whatever their status."""
        self._set(keep, None, False)

    def _set(self, keep: RowTest | None, status: Status | None, codes_needed: bool) -> None:
        self.beginFilterChange()
        self._keep, self._status, self._codes_needed = keep, status, codes_needed
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def set_search(self, text: str) -> None:
        self.beginFilterChange()
        self._search = text.strip().casefold()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent) -> bool:  # noqa: N802 (Qt override)
        row = self.sourceModel().row_at(source_row)
        if self._status is not None and row.status is not self._status:
            return False
        if self._codes_needed and not row.codes_needed:
            return False
        if self._keep is not None and not self._keep(row):
            return False
        return not self._search or self._search in row.name.casefold() or self._search in row.child.casefold()

    def child_id(self, proxy_row: int) -> int:
        return self.data(self.index(proxy_row, 0), CHILD_ID_ROLE)

    def visible_rows(self) -> list[CaseloadRow]:
        source = self.sourceModel()
        return [source.row_at(self.mapToSource(self.index(i, 0)).row()) for i in range(self.rowCount())]
