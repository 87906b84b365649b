"""The caseload dashboard: summary figures, the table of children and the 12-week picture, as of a date.

Layout lives in ui/caseload_view.ui. Everything shown comes from services.caseload; this class only wires
the widgets together and keeps the three views in step with the as-of date, the filter and the search.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QEvent, QItemSelectionModel, QObject, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QSplitter,
    QTableView,
    QToolTip,
    QWidget,
)

from iro_desktop.domain.timescales import Status
from iro_desktop.gui import window_state
from iro_desktop.gui.caseload.model import COL, CaseloadFilter, CaseloadModel
from iro_desktop.gui.caseload.summary import SummaryStrip
from iro_desktop.gui.caseload.timeline import ReviewTimeline
from iro_desktop.gui.forms import find, load_into
from iro_desktop.gui.widgets.optional_date import OptionalDateEdit
from iro_desktop.problems import Problem
from iro_desktop.services.caseload import (
    TILES,
    CaseloadRow,
    caseload_summary,
    load_caseload,
    tile_filter,
)
from iro_desktop.store import Store

ALL = "All children"
CODES_NEEDED = "Participation code needed"  # a choice after the statuses: children with 903 reviews to code
_CODES_NEEDED_TIP = (
    "Children with reviews from the council's 903 data that have no participation code yet: "
    "{children} {child_noun}, {reviews} {review_noun}. The 903 export leaves those reviews out until a code "
    "is set on the child's page."
)
# The Show choices a summary tile sets, besides its status (the Overdue tile sets Overdue), by tile key.
TILE_CHOICES = {
    "allocated": "Children allocated",
    "week": "Reviews due this week",
    "month": "Reviews due this month",
    "decisions": "Decisions overdue",
    "challenges": "Challenge responses overdue",
    "notices": "Notices to answer",
}
ROOM_ROWS = 15  # rows of the table the default split leaves room for, at 1280 x 800
COLUMNS_KEY = "caseload"  # the IRO's column widths, order, hidden columns and sort, in window_state
_OPEN_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)
# Columns that size to their contents; Placement takes what is left over.
_FIXED = [c for c in COL.values() if c != COL["Placement"]]


class CaseloadView(QWidget):
    child_opened = Signal(int)  # Child.id
    as_of_changed = Signal(object)  # the date the caseload is now viewed as of

    def __init__(self, store: Store, today: date, parent=None) -> None:
        super().__init__(parent)
        load_into(self, "caseload_view.ui", custom=(SummaryStrip, ReviewTimeline, OptionalDateEdit))
        self._store = store
        self._as_of = today
        self._today = store.clock.today()  # "Today" is the real date, whatever the window opened on
        self._rows: list[CaseloadRow] = []
        self.table: QTableView = find(self, QTableView, "table")
        self.search: QLineEdit = find(self, QLineEdit, "search")
        self.statusFilter: QComboBox = find(self, QComboBox, "statusFilter")  # noqa: N815 (form name)
        self.asOf: OptionalDateEdit = find(self, OptionalDateEdit, "asOf")  # noqa: N815 (form name)
        self.asOf.set_today(self._today)
        self.summary: SummaryStrip = find(self, SummaryStrip, "summary")
        self.timeline: ReviewTimeline = find(self, ReviewTimeline, "timeline")
        self._count: QLabel = find(self, QLabel, "countLabel")
        self._splitter: QSplitter = find(self, QSplitter, "splitter")
        self._split_by_hand = False  # until the IRO drags the splitter, the table gets room for ROOM_ROWS

        self.model = CaseloadModel(self)
        self.proxy = CaseloadFilter(self)
        self.proxy.setSourceModel(self.model)
        self.table.setModel(self.proxy)
        self._setup_table()
        self._setup_filter()
        self._connect()
        self.refresh()
        self._restore_column_choices()

    # --- public -----------------------------------------------------------------------------

    @property
    def as_of(self) -> date:
        return self._as_of

    def set_as_of(self, d: date) -> None:
        self._as_of = d
        self.refresh()
        self.as_of_changed.emit(d)

    def refresh(self) -> None:
        """Reload rows, summary and timeline from the store, keeping the selected child selected."""
        selected = self.selected_child_id()
        self.asOf.set_date(self._as_of)
        self._rows = load_caseload(self._store, self._as_of)
        self.model.set_rows(self._rows)
        self.timeline.set_data(self._rows, self._as_of)
        self.summary.show_summary(caseload_summary(self._store, self._rows, self._as_of))
        self._update_filter_counts()
        self._on_status()  # a tile's children depend on the day viewed: worked out again for it
        if selected is not None:
            self.select_child(selected)

    def selected_child_id(self) -> int | None:
        index = self.table.currentIndex()
        return self.proxy.child_id(index.row()) if index.isValid() else None

    def select_child(self, child_id: int) -> bool:
        row = self.proxy.row_of(child_id)
        if row is None:
            return False
        index = self.proxy.index(row, 0)
        flags = QItemSelectionModel.SelectionFlag
        self.table.selectionModel().setCurrentIndex(index, flags.ClearAndSelect | flags.Rows)
        self.table.scrollTo(index)
        return True

    def set_status_filter(self, status: Status | None) -> None:
        i = self.statusFilter.findData(status.value if status else ALL)
        self.statusFilter.setCurrentIndex(i)

    def show_codes_needed(self) -> None:
        """Only the children with reviews from the 903 data that still need a participation code."""
        self.statusFilter.setCurrentIndex(self.statusFilter.findData(CODES_NEEDED))

    def show_tile(self, key: str) -> None:
        """Only the children a summary tile counts (its Show choice); the tile showing already: everyone."""
        i = self.statusFilter.findData(key)
        self.statusFilter.setCurrentIndex(0 if i == self.statusFilter.currentIndex() else i)

    def show_everyone(self) -> None:
        """Every child again: the Show choice back to All children and the search box empty."""
        self.statusFilter.setCurrentIndex(0)
        self.search.clear()

    def filtering(self) -> bool:
        return self.statusFilter.currentIndex() > 0 or bool(self.search.text())

    # --- setup ------------------------------------------------------------------------------

    def _setup_table(self) -> None:
        header = self.table.horizontalHeader()
        header.setSectionsMovable(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)  # the IRO may widen any column
        header.setSectionResizeMode(COL["Placement"], QHeaderView.ResizeMode.Stretch)
        header.setStretchLastSection(False)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(lambda at: self.column_menu().exec(header.mapToGlobal(at)))
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 10)
        self.table.installEventFilter(self)
        self.search.installEventFilter(self)

    # --- column choices, remembered between runs ---------------------------------------------------

    def _restore_column_choices(self) -> None:
        header = self.table.horizontalHeader()
        splitter = self._splitter
        splitter.setStretchFactor(0, 1)  # a taller window gives its height to the table, not the timeline
        splitter.setStretchFactor(1, 0)
        self._split_by_hand = window_state.restore_splitter(COLUMNS_KEY, splitter)
        splitter.installEventFilter(self)
        if not window_state.restore_header(COLUMNS_KEY, header):
            self._default_columns()
        self._widen_to_headings()
        self.table.sortByColumn(header.sortIndicatorSection(), header.sortIndicatorOrder())
        for changed in (header.sectionResized, header.sectionMoved, header.sortIndicatorChanged):
            changed.connect(self.save_column_choices)
        splitter.splitterMoved.connect(self._splitter_moved)

    def _widen_to_headings(self) -> None:
        """Widths saved at a smaller text size would cut the headings now: each column fits its own."""
        header = self.table.horizontalHeader()
        for col in range(header.count()):
            if col != COL["Placement"] and header.sectionSize(col) < header.sectionSizeHint(col):
                header.resizeSection(col, header.sectionSizeHint(col))

    def _splitter_moved(self, *_args) -> None:
        self._split_by_hand = True  # the IRO's own split, kept from now on and next time
        window_state.save_splitter(COLUMNS_KEY, self._splitter)

    def _default_split(self) -> None:
        """Room for ROOM_ROWS rows of the table first (15 at 1280 x 800), then the timeline up to a third
        of the height, never less than its smallest nor more than twelve marks a week; the rest to the table.
        The same whatever the table shows, so choosing what to show does not move the split."""
        total = self._splitter.height() - self._splitter.handleWidth()
        if total <= 0:
            return
        table = self.table
        rows = table.horizontalHeader().sizeHint().height() + 2 * table.frameWidth()
        rows += ROOM_ROWS * table.verticalHeader().defaultSectionSize()
        if table.horizontalScrollBar().isVisible():
            rows += table.horizontalScrollBar().height()
        # At the splitter's width: the timeline may not be as wide yet, and its legend wraps when narrow.
        smallest, tallest = self.timeline.heights(self._splitter.width(), marks=12)
        timeline = max(smallest, min(total - rows, total // 3, tallest))
        self._splitter.setSizes([total - timeline, timeline])

    def _default_columns(self) -> None:
        header = self.table.horizontalHeader()
        for col in range(header.count()):
            header.moveSection(header.visualIndex(col), col)
            header.setSectionHidden(col, False)
        for col in _FIXED:
            self.table.resizeColumnToContents(col)
        # Most urgent first: overdue (most overdue at the top), then fewest working days left.
        header.setSortIndicator(COL["Working days left"], Qt.SortOrder.AscendingOrder)

    def save_column_choices(self) -> None:
        window_state.save_header(COLUMNS_KEY, self.table.horizontalHeader())

    def reset_column_choices(self) -> None:
        """Back to the columns as first installed: every column shown, in order, sized to fit, by urgency."""
        self._default_columns()
        self.table.sortByColumn(COL["Working days left"], Qt.SortOrder.AscendingOrder)
        self.save_column_choices()

    def column_menu(self) -> QMenu:
        """Show or hide each column (Name always stays), or go back to the first arrangement."""
        header = self.table.horizontalHeader()
        menu = QMenu(self)
        menu.setAccessibleName("Column choices")
        for col in range(self.model.columnCount()):
            title = self.model.headerData(col, Qt.Orientation.Horizontal).replace("\n", " ")
            action = menu.addAction(title)
            action.setCheckable(True)
            action.setChecked(not header.isSectionHidden(col))
            action.setEnabled(col != COL["Name"])
            action.toggled.connect(lambda shown, c=col: self._show_column(c, shown))
        menu.addSeparator()
        menu.addAction("&Reset column choices", self.reset_column_choices)
        return menu

    def _show_column(self, col: int, shown: bool) -> None:
        self.table.horizontalHeader().setSectionHidden(col, not shown)
        self.save_column_choices()

    def _setup_filter(self) -> None:
        self.statusFilter.addItem(ALL, ALL)
        for status in Status:
            self.statusFilter.addItem(status.label, status.value)
        self.statusFilter.insertSeparator(self.statusFilter.count())  # not a status: lists to work through
        for key, words in TILE_CHOICES.items():
            self.statusFilter.addItem(words, key)
        self.statusFilter.addItem(CODES_NEEDED, CODES_NEEDED)
        self.statusFilter.setAccessibleDescription(
            "Choose which review status to show, or the children a summary tile counts (Alt+1 to "
            f"Alt+{len(self.summary.keys())}), or those with reviews needing a participation code; each "
            "choice says how many children it would show. Esc shows every child again."
        )

    def _connect(self) -> None:
        self.search.textChanged.connect(self._on_search)
        self.statusFilter.currentIndexChanged.connect(self._on_status)
        self.asOf.committed.connect(self._as_of_typed)
        find(self, QPushButton, "todayButton").clicked.connect(lambda: self.set_as_of(self._today))
        self.table.doubleClicked.connect(lambda index: self._open(index.row()))
        self.table.selectionModel().currentRowChanged.connect(
            lambda current, _previous: self.timeline.set_highlight(
                self.proxy.child_id(current.row()) if current.isValid() else None
            )
        )
        self.timeline.child_clicked.connect(self.select_child)
        self.timeline.child_activated.connect(self.child_opened)
        self.summary.tile_clicked.connect(self.show_tile)
        for key in self.summary.keys():  # Alt+1 for the first tile, and on: one key per tile, however many
            keys = QKeySequence(self.summary.shortcut(key))
            tile_key = QShortcut(keys, self, lambda k=key: self.show_tile(k))
            tile_key.setContext(Qt.ShortcutContext.WindowShortcut)  # while the caseload is the page shown
        find_key = QShortcut(QKeySequence.StandardKey.Find, self, self._focus_search)
        find_key.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)

    # --- behaviour --------------------------------------------------------------------------

    def focusInEvent(self, event) -> None:  # noqa: N802 (Qt override)
        # Whoever focuses the dashboard lands on the list of children. Not a focus proxy: Qt would then
        # make the page itself a Tab stop that leads to the table, and Tab would never reach the as-of date,
        # Today, Find or Show once the banner of another day gives the window a second focusable part.
        super().focusInEvent(event)
        self.table.setFocus(event.reason())

    def showEvent(self, event) -> None:  # noqa: N802 (Qt override)
        super().showEvent(event)
        focus = self.window().focusWidget()
        if focus is None or not (self.isAncestorOf(focus) and focus.isVisible()):
            self.table.setFocus(Qt.FocusReason.OtherFocusReason)  # shown, and unlocked: on the children

    def keyPressEvent(self, event) -> None:  # noqa: N802 (Qt override)
        # Esc that no field of the page wanted (a date being typed goes back first): every child again.
        if event.key() == Qt.Key.Key_Escape and event.modifiers() == Qt.KeyboardModifier.NoModifier:
            if self.filtering():
                self.show_everyone()
                return
        super().keyPressEvent(event)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        resized = event.type() in (QEvent.Type.Resize, QEvent.Type.LayoutRequest)  # or the timeline's legend
        if watched is self._splitter and resized and not self._split_by_hand:
            self._default_split()
            return False
        if event.type() == QEvent.Type.KeyPress:
            if watched is self.table and event.key() in _OPEN_KEYS:
                self._open(self.table.currentIndex().row())
                return True
            if watched is self.search and event.key() in (*_OPEN_KEYS, Qt.Key.Key_Down):
                self._focus_table()  # from the search box straight into the results
                return True
        return super().eventFilter(watched, event)

    def _as_of_typed(self, _day) -> None:
        """A date typed in "Shown as of" (Enter or leaving it): empty means today; anything else says why."""
        try:
            day = self.asOf.date() or self._today
        except Problem as exc:
            QToolTip.showText(self.asOf.mapToGlobal(self.asOf.rect().bottomLeft()), str(exc), self.asOf)
            return
        if day != self._as_of:
            self.set_as_of(day)
        else:
            self.asOf.set_date(day)

    def _open(self, proxy_row: int) -> None:
        if 0 <= proxy_row < self.proxy.rowCount():
            self.child_opened.emit(self.proxy.child_id(proxy_row))

    def _focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def _focus_table(self) -> None:
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)
        if not self.table.currentIndex().isValid() and self.proxy.rowCount():
            self.table.selectRow(0)

    def _on_search(self, text: str) -> None:
        self.proxy.set_search(text)
        self._after_filter()

    def _on_status(self, _index: int = -1) -> None:
        value = self.statusFilter.currentData()
        if value == CODES_NEEDED:
            self.proxy.set_status(None, codes_needed=True)
        elif value in TILE_CHOICES:
            self.proxy.set_rows_kept(tile_filter(value, self._as_of))
        else:
            self.proxy.set_status(None if value == ALL else Status(value))
        self.summary.set_active(value if value in TILES else None)  # the Overdue status is a tile's too
        self._after_filter()

    def _after_filter(self) -> None:
        """The timeline and the count follow whatever the table is showing."""
        shown, total = self.proxy.rowCount(), len(self._rows)
        self.timeline.show_only(self.proxy.child_ids() if shown < total else None)
        noun = "child" if total == 1 else "children"
        some = f"{shown} of" if shown < total else "all"
        self._count.setText(f"Showing {some} {total} {noun}")

    def _update_filter_counts(self) -> None:
        """Each status choice says how many children it would show."""
        counts = {s: 0 for s in Status}
        for r in self._rows:
            counts[r.status] += 1
        self.statusFilter.setItemText(0, f"{ALL} ({len(self._rows)})")
        for i, status in enumerate(Status, start=1):
            self.statusFilter.setItemText(i, f"{status.label} ({counts[status]})")
        children = sum(1 for r in self._rows if r.codes_needed)
        reviews = sum(r.codes_needed for r in self._rows)
        i = self.statusFilter.findData(CODES_NEEDED)
        self.statusFilter.setItemText(i, f"{CODES_NEEDED} ({children})")
        tip = _CODES_NEEDED_TIP.format(
            children=children,
            child_noun="child" if children == 1 else "children",
            reviews=reviews,
            review_noun="review" if reviews == 1 else "reviews",
        )
        self.statusFilter.setItemData(i, tip, Qt.ItemDataRole.ToolTipRole)
        for key, words in TILE_CHOICES.items():
            i = self.statusFilter.findData(key)
            keeps = tile_filter(key, self._as_of)
            kept = sum(1 for r in self._rows if keeps(r))
            self.statusFilter.setItemText(i, f"{words} ({kept})")
            self.statusFilter.setItemData(i, self.summary.meaning(key), Qt.ItemDataRole.ToolTipRole)
        overdue = self.statusFilter.findData(Status.OVERDUE.value)
        self.statusFilter.setItemData(overdue, self.summary.meaning("overdue"), Qt.ItemDataRole.ToolTipRole)
