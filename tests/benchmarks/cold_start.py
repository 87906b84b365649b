"""Started as a subprocess by the cold-start benchmark: `python -m tests.benchmarks.cold_start app|bare DB`.

Prints "painted" once the caseload table (or, for the baseline, a bare window's table) has painted.
The app case imports as `iro-desktop gui` does: the command line (and with it the store) before Qt.
"""

from __future__ import annotations

import sys
from datetime import date

BENCH_SECRET = "benchmark-caseload-passphrase"


def main(kind: str, db: str) -> None:
    if kind == "app":
        from iro_desktop import cli  # noqa: F401  (what the console script loads first)
    from PySide6.QtCore import QEvent, QObject
    from PySide6.QtWidgets import QApplication, QMainWindow, QTableView

    class FirstPaint(QObject):
        def eventFilter(self, watched, event):  # noqa: N802 (Qt override)
            if event.type() == QEvent.Type.Paint:
                print("painted", flush=True)
                QApplication.instance().exit(0)
            return False

    app = QApplication(sys.argv)
    if kind == "bare":
        window = QMainWindow()
        table = QTableView()
        window.setCentralWidget(table)
    else:
        from iro_desktop.gui.main_window import MainWindow
        from iro_desktop.store import open_store

        window = MainWindow(open_store(db, BENCH_SECRET), date(2026, 11, 25))
        table = window.caseload.table
    watcher = FirstPaint()
    table.viewport().installEventFilter(watcher)
    window.resize(1280, 800)
    window.show()
    app.exec()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
