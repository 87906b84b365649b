"""Started as a subprocess by the cold-start benchmark: `python -m tests.benchmarks.cold_start MODE DB`.

MODE bare: a bare PySide6 window with a table (the baseline). MODE instant: the app's own start-up path
(`iro_desktop.gui.app`), the passphrase entered the moment the unlock dialog paints. MODE typed: the
same, but the passphrase is entered once the background warm-up has finished, as when a person types.
Prints "dialog T", "warm T" and "painted T" (time.time()) so the parent can take differences.
"""

from __future__ import annotations

import sys
import time
from datetime import date

BENCH_SECRET = "benchmark-caseload-passphrase"


def main(mode: str, db: str) -> None:
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication, QMainWindow, QTableView

    def stamp(label: str) -> None:
        print(f"{label} {time.time():.6f}", flush=True)

    class OnFirstPaint(QObject):
        def __init__(self, then) -> None:
            super().__init__()
            self.then, self.done = then, False

        def eventFilter(self, watched, event):  # noqa: N802 (Qt override)
            if event.type() == QEvent.Type.Paint and not self.done:
                self.done = True
                QTimer.singleShot(0, self.then)
            return False

    app = QApplication(sys.argv)
    if mode == "bare":
        window = QMainWindow()
        table = QTableView()
        window.setCentralWidget(table)
        painted = OnFirstPaint(lambda: (stamp("painted"), app.exit(0)))
        table.viewport().installEventFilter(painted)
        window.show()
        app.exec()
        return
    from iro_desktop.gui.app import warm_up_in_background
    from iro_desktop.gui.unlock import UnlockDialog

    dialog = UnlockDialog(db)
    warm = warm_up_in_background()
    keep = {}

    def unlock() -> None:
        if mode == "typed":  # a person types for a second or two: let the warm-up finish first
            while warm.is_alive() or "iro_desktop.gui.main_window" not in sys.modules:
                app.processEvents()
                time.sleep(0.005)
            stamp("warm")
        from iro_desktop.gui.main_window import MainWindow

        dialog.passphrase.setText(BENCH_SECRET)
        dialog.try_unlock()
        window = MainWindow(dialog.store, date(2026, 11, 25))
        keep["painted"] = OnFirstPaint(lambda: (stamp("painted"), app.exit(0)))
        window.caseload.table.viewport().installEventFilter(keep["painted"])
        window.resize(1280, 800)
        window.show()
        keep["window"] = window

    shown = OnFirstPaint(lambda: (stamp("dialog"), unlock()))
    dialog.installEventFilter(shown)
    dialog.show()
    app.exec()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
