"""Regenerate the README's pictures: real windows under Xvfb on a fresh demo store (`make screenshots`).

Run as `xvfb-run python -m tests.screenshots [OUTDIR]`; the store lives in a temporary folder and is removed.
"""

from __future__ import annotations

import sys
import tempfile
from datetime import date
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QLineEdit, QWidget

from iro_desktop.paths import resources_dir
from tests.documents.gwenllian import render_pictures

TODAY = date(2026, 11, 25)


def settle(app: QApplication, ms: int = 400) -> None:
    """Let the window map and paint before it is grabbed (a grab too soon is black)."""
    QTimer.singleShot(ms, app.quit)
    app.exec()


def save(app: QApplication, widget: QWidget, out: Path, name: str) -> None:
    widget.show()
    widget.raise_()
    settle(app)
    path = out / f"{name}.png"
    widget.grab().save(str(path))
    print(f"wrote {path}")


def main(out: Path) -> None:
    from iro_desktop.gui.main_window import MainWindow
    from iro_desktop.gui.search.dialog import SearchDialog
    from iro_desktop.gui.unlock import UnlockDialog
    from iro_desktop.services.caseload import load_caseload
    from iro_desktop.services.demo import DEMO_PASSPHRASE, populate_demo
    from iro_desktop.store import create_store
    from iro_desktop.store.keys import TEST_KDF

    app = QApplication.instance() or QApplication(sys.argv)
    if QGuiApplication.platformName() != "xcb":
        print("warning: not on X (run under xvfb-run for real windows)", file=sys.stderr)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "demo.db"
        store = create_store(db, DEMO_PASSPHRASE, kdf=TEST_KDF, is_demo=True)
        populate_demo(store, TODAY)
        store.close()
        dialog = UnlockDialog(db)
        dialog.passphrase.setText("wrong passphrase")
        dialog.try_unlock()
        save(app, dialog, out, "unlock")
        dialog.passphrase.setText(DEMO_PASSPHRASE)
        dialog.try_unlock()
        window = MainWindow(dialog.store, TODAY)
        window.resize(1360, 860)
        save(app, window, out, "caseload")
        rows = load_caseload(window.store, TODAY)
        busiest = max(rows, key=lambda r: (r.decisions_open + r.challenges_open, r.age))
        window.open_child(busiest.id)
        save(app, window, out, "child")
        minute_a_review(app, window, busiest.id, out)
        search = SearchDialog(window.store, window)
        search.resize(900, 560)
        search.findChild(QLineEdit).setText("brother")
        save(app, search, out, "search")
        search.close()
        window.show_challenges()
        save(app, window, out, "challenges")
        window.show_sync()
        save(app, window, out, "sync")
        window.close()
    render_pictures(out, TODAY)


def minute_a_review(app: QApplication, window, child_id: int, out: Path) -> None:
    """The review workspace on its two tabs, with a few things typed the way an IRO would."""
    window.open_review(child_id)
    workspace = window.review
    save(app, window, out, "review_prepare")
    workspace.tabs.setCurrentWidget(workspace.minute)
    editor = workspace.minute.section_stack.currentWidget()
    editor.setPlainText("Settled with her carers since the last review. The contact plan was carried out, "
                        "though two sessions with her brother were cancelled by transport problems.")
    save(app, window, out, "review_minute")
    workspace.flush()


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else resources_dir() / "screenshots")
