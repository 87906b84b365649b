"""The baseline for the GUI benchmark, started as a process as the app is: `python -m
tests.benchmarks.bare_window [DB]`. A bare PySide6 window with a table: 60 rows of made-up text, or, given
a store, its children's rows read with sqlcipher3 and the raw key (hex in IRO_BENCH_KEY: the key
derivation is excluded), twelve columns as the caseload has. Stamps `painted` through the app's own
timing hook (IRO_DESKTOP_TIMINGS) at the table's first paint, and quits.

With IRO_BENCH_STAY set it stays open, titled "bare-window", under the app's own stall monitor
(IRO_DESKTOP_STALLS): the stall benchmark's baseline, the machine's own stalls with nothing of the app.
"""

from __future__ import annotations

import os
import sys
import time

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QApplication, QMainWindow, QTableView

COLUMNS = 12


def _rows(db: str | None) -> list[tuple]:
    if db is None:
        return [tuple(f"cell {r}.{c}" for c in range(COLUMNS)) for r in range(60)]
    import sqlcipher3

    conn = sqlcipher3.connect(db)
    conn.execute(f"PRAGMA key = \"x'{os.environ['IRO_BENCH_KEY']}'\"")
    query = "SELECT * FROM children ORDER BY last_name, first_name"
    rows = [tuple(str(v) for v in row[:COLUMNS]) for row in conn.execute(query)]
    conn.close()
    return rows


class _Painted(QObject):
    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt override)
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            with open(os.environ["IRO_DESKTOP_TIMINGS"], "a", encoding="utf-8") as f:
                f.write(f"painted {time.time():.6f}\n")
            QTimer.singleShot(0, QApplication.quit)
        return False


def main(db: str | None) -> None:
    app = QApplication(sys.argv)
    model = QStandardItemModel()
    for row in _rows(db):
        model.appendRow([QStandardItem(text) for text in row])
    window, table = QMainWindow(), QTableView()
    table.setModel(model)
    table.setSortingEnabled(True)
    window.setCentralWidget(table)
    if os.environ.get("IRO_BENCH_STAY"):
        from iro_desktop.gui import stalls

        window.setWindowTitle("bare-window")
        monitor = stalls.watch(app)  # noqa: F841 (kept alive with the window)
    else:
        painted = _Painted()
        table.viewport().installEventFilter(painted)
    window.resize(1280, 800)
    window.show()
    app.exec()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else None)
