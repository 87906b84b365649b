"""The caseload at 10,000 children answering keys: the real main window against bare Qt on the same rows.

Each key is a real key event to the focused widget, timed until the event loop has handled it and the
window has painted the result. The baseline is what Qt does alone: a QTableView over a
QSortFilterProxyModel of the same texts and sort keys (a QStandardItemModel), with a search box that sets
the proxy's filter. Both run in this process, one after the other, so they see the same machine.
Targets (issue 18): each key within 2x bare Qt; sorting by any column within 2x the proxy's own sort.
"""

from __future__ import annotations

import time
from datetime import date

import pytest
from PySide6.QtCore import QSortFilterProxyModel, Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLineEdit, QMainWindow, QTableView, QVBoxLayout, QWidget

from iro_desktop.gui.caseload.model import COL, COLUMNS
from tests.benchmarks.conftest import DEMO_SECRET
from tests.benchmarks.helpers import median_ms, report

TODAY = date(2026, 11, 25)
TYPED = "ann"  # three letters, then three Backspaces
ARROWS = 20


def _settle() -> None:
    for _ in range(3):  # posted work, then the paint it asked for
        QApplication.processEvents()


def _time(act) -> float:
    start = time.perf_counter()
    act()
    _settle()
    return time.perf_counter() - start


class Bare(QMainWindow):
    """Qt alone: the same texts and sort keys in a QStandardItemModel, a proxy, a search box."""

    def __init__(self, cells: list[list[tuple[str, object]]]) -> None:
        super().__init__()
        model = QStandardItemModel(len(cells), len(COLUMNS))
        model.setHorizontalHeaderLabels([c[0] for c in COLUMNS])
        for r, row in enumerate(cells):
            for c, (text, key) in enumerate(row):
                item = QStandardItem(text)
                item.setData(key, Qt.ItemDataRole.UserRole)
                model.setItem(r, c, item)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(model)
        self.proxy.setSortRole(Qt.ItemDataRole.UserRole)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.search, self.table = QLineEdit(), QTableView()
        self.search.textChanged.connect(self.proxy.setFilterFixedString)
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(COL["Working days left"], Qt.SortOrder.AscendingOrder)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.addWidget(self.search)
        layout.addWidget(self.table)
        self.setCentralWidget(body)


def _cells(model) -> list[list[tuple[str, object]]]:
    return [
        [
            (model.index(r, c).data(), model.index(r, c).data(Qt.ItemDataRole.UserRole))
            for c in range(len(COLUMNS))
        ]
        for r in range(model.rowCount())
    ]


def _keys(search: QLineEdit, table: QTableView) -> dict[str, list[float]]:
    """Type into search, delete it again, then walk down the table with the arrow key."""
    search.setFocus()
    _settle()
    typed = [_time(lambda ch=ch: QTest.keyClick(search, ch)) for ch in TYPED]
    back = [_time(lambda: QTest.keyClick(search, Qt.Key.Key_Backspace)) for _ in TYPED]
    table.setFocus()
    table.selectRow(0)
    _settle()
    down = [_time(lambda: QTest.keyClick(table, Qt.Key.Key_Down)) for _ in range(ARROWS)]
    return {"letter": typed, "backspace": back, "down": down}


def _sorts(table: QTableView) -> list[float]:
    """Sort by every column once, by the header, as a click on it does."""
    ascending = Qt.SortOrder.AscendingOrder
    return [_time(lambda c=c: table.sortByColumn(c, ascending)) for c in range(len(COLUMNS))]


@pytest.fixture(scope="module")
def big_store(demo_files):
    from iro_desktop.store import open_store

    store = open_store(demo_files(10000), DEMO_SECRET)
    yield store
    store.close()


def test_keys_and_sorting_at_10000_children(qapp, big_store, tmp_path, monkeypatch):
    from iro_desktop.gui.main_window import MainWindow

    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))  # the window's saved state is this run's own
    window = MainWindow(big_store, TODAY)
    window.resize(1280, 800)
    window.show()
    _settle()
    view = window.caseload
    bare = Bare(_cells(view.proxy))
    bare.resize(1280, 800)
    bare.show()
    _settle()
    ours, base = {}, {}
    for _ in range(3):  # interleaved rounds, so both see the same noise
        for name, got in _keys(view.search, view.table).items():
            ours.setdefault(name, []).extend(got)
        for name, got in _keys(bare.search, bare.table).items():
            base.setdefault(name, []).extend(got)
        ours.setdefault("sort", []).extend(_sorts(view.table))
        base.setdefault("sort", []).extend(_sorts(bare.table))
    rows = []
    for name in ("letter", "backspace", "down", "sort"):
        o, b = median_ms(ours[name]), median_ms(base[name])
        worst = max(ours[name]) * 1000
        figures = f"{o:7.1f} / {b:6.1f} ms  {o / b:5.2f}x  ({worst:.0f})"
        rows.append((f"{name}: app / bare Qt (worst app)", figures))
    report("Caseload of 10,000 children: one key or sort, until painted (median; target <= 2x)", rows)
    window.close()
    bare.close()
