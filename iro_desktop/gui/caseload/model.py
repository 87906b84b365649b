"""The caseload as a Qt table: one row per CaseloadRow, plus a proxy that filters by status and search text.

Every cell gives Qt.UserRole as its sort key (dates as ordinals, numbers as numbers), so sorting never
compares the text people read. Status is always a word in the cell; colour only repeats it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
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


_DISPLAY, _ACCESSIBLE = Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole
_SORT, _TIP, _ALIGN = Qt.ItemDataRole.UserRole, Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.TextAlignmentRole
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


class CaseloadModel(QAbstractTableModel):
    """Every child on the caseload, in name order. A cell's text, sort key and tooltip are worked out when
    first asked for and kept: at 10,000 children, only the rows on screen and the column sorted by are."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._rows: list[CaseloadRow] = []
        self._texts: dict[tuple[int, int], str] = {}
        self._keys: dict[int, list] = {}  # column -> the sort key of every row
        self.search_text: list[str] = []  # per row, what the search box looks in: name and child id

    def set_rows(self, rows: list[CaseloadRow]) -> None:
        self.beginResetModel()
        # Alphabetical underneath, so rows that tie on any sort key stay in name order (the sort is stable).
        self._rows = sorted(rows, key=lambda r: (r.name.casefold(), r.child))
        self._texts, self._keys = {}, {}
        self.search_text = [f"{r.name.casefold()}\n{r.child.casefold()}" for r in self._rows]
        self.endResetModel()

    def row_at(self, row: int) -> CaseloadRow:
        return self._rows[row]

    def rows(self) -> list[CaseloadRow]:
        return list(self._rows)

    def sort_keys(self, col: int) -> list:
        keys = self._keys.get(col)
        if keys is None:
            key = COLUMNS[col][2]
            keys = self._keys[col] = [key(r) for r in self._rows]
        return keys

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
        return self.cell(index.row(), index.column(), role) if index.isValid() else None

    def cell(self, row: int, col: int, role):
        """What one cell shows in `role`; the filter asks here directly, with no index to map."""
        if role == _DISPLAY or role == _ACCESSIBLE:
            text = self._texts.get((row, col))
            if text is None:
                text = self._texts[row, col] = COLUMNS[col][1](self._rows[row])
            return text
        r = self._rows[row]
        if role == _SORT:
            return self.sort_keys(col)[row]
        if role == CHILD_ID_ROLE:
            return r.id
        if role == _TIP:
            return COLUMNS[col][3](r) or None
        if role == _ALIGN:
            return _RIGHT if col in _NUMERIC else None
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


class CaseloadFilter(QAbstractTableModel):
    """The rows the table shows, in the order it shows them: those whose status matches (None: all), or
    only children with reviews needing a participation code, or those a summary tile counts, and whose
    name or child id contains the search text; sorted by the column chosen.

    Not a QSortFilterProxyModel: that asks Python once per row to filter and once per comparison to
    sort, which at 10,000 children took most of a second a key. Here a key filters a list already in
    order, and a sort is one Python sort of keys worked out once per column.
    """

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._source: CaseloadModel | None = None
        self._status: Status | None = None
        self._codes_needed = False
        self._keep: RowTest | None = None  # a summary tile's rows
        self._search = ""
        self._sort = (-1, Qt.SortOrder.AscendingOrder)
        self._order: list[int] = []  # every source row, sorted
        self._kept: list[int] | None = None  # sorted rows the status or tile keeps (None: work out next)
        self._shown: list[int] = []  # and of those, the ones the search finds

    def setSourceModel(self, model: CaseloadModel) -> None:  # noqa: N802 (Qt naming, as a proxy has)
        self.beginResetModel()
        self._source = model
        self._source_reset()
        model.modelAboutToBeReset.connect(self.beginResetModel)
        model.modelReset.connect(self._source_reset)

    def sourceModel(self) -> CaseloadModel:  # noqa: N802 (Qt naming)
        return self._source

    def _source_reset(self) -> None:
        self._order = self._sorted()
        self._kept = None
        self._shown = self._found()
        self.endResetModel()

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
        self._keep, self._status, self._codes_needed = keep, status, codes_needed
        self._kept = None
        self._relayout()

    def set_search(self, text: str) -> None:
        self._search = text.strip().casefold()
        self._relayout()

    def sort(self, column: int, order=Qt.SortOrder.AscendingOrder) -> None:
        self._sort = (column, order)
        self._order = self._sorted()
        self._kept = None
        self._relayout()

    def _sorted(self) -> list[int]:
        column, order = self._sort
        rows = range(self._source.rowCount())
        if column < 0:
            return list(rows)
        keys = self._source.sort_keys(column)
        # Python's sort is stable either way round: ties stay in name order, as the model holds them.
        return sorted(rows, key=keys.__getitem__, reverse=order == Qt.SortOrder.DescendingOrder)

    def _kept_rows(self) -> list[int]:
        if self._kept is None:
            if self._status is None and not self._codes_needed and self._keep is None:
                self._kept = self._order
            else:
                rows = self._source.row_at
                self._kept = [i for i in self._order if self._keeps(rows(i))]
        return self._kept

    def _keeps(self, row: CaseloadRow) -> bool:
        if self._status is not None and row.status is not self._status:
            return False
        if self._codes_needed and not row.codes_needed:
            return False
        return self._keep is None or self._keep(row)

    def _found(self) -> list[int]:
        kept, search = self._kept_rows(), self._search
        if not search:
            return kept
        text = self._source.search_text
        return [i for i in kept if search in text[i]]

    def _relayout(self) -> None:
        """Shown rows worked out again; the selection and current row follow their children."""
        self.layoutAboutToBeChanged.emit()
        before = self.persistentIndexList()
        held = [(self._shown[i.row()], i.column()) for i in before]
        self._shown = self._found()
        if before:
            at = {source: row for row, source in enumerate(self._shown)}
            after = [self.index(at[s], c) if s in at else QModelIndex() for s, c in held]
            self.changePersistentIndexList(before, after)
        self.layoutChanged.emit()

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: B008, N802 (Qt signature)
        return 0 if parent.isValid() else len(self._shown)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: B008, N802 (Qt signature)
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802 (Qt override)
        return self._source.headerData(section, orientation, role)

    def data(self, index: QModelIndex | QPersistentModelIndex, role=Qt.ItemDataRole.DisplayRole):
        return self._source.cell(self._shown[index.row()], index.column(), role) if index.isValid() else None

    def child_id(self, row: int) -> int:
        return self._source.row_at(self._shown[row]).id

    def row_of(self, child_id: int) -> int | None:
        """Where a child is shown, if they are."""
        return next((row for row, i in enumerate(self._shown) if self._source.row_at(i).id == child_id), None)

    def child_ids(self) -> set[int]:
        return {self._source.row_at(i).id for i in self._shown}

    def visible_rows(self) -> list[CaseloadRow]:
        return [self._source.row_at(i) for i in self._shown]
