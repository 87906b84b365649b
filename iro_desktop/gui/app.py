"""Start the desktop app: find the store (or set one up on first run), unlock it, show the caseload."""

from __future__ import annotations

import importlib
import sys
import threading
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QDialog

from iro_desktop.gui.appearance import apply_appearance
from iro_desktop.paths import resources_dir
from iro_desktop.store import default_demo_path, default_store_path

if TYPE_CHECKING:
    from iro_desktop.store import Store


def choose_store(db: Path | None, demo_if_new: bool, today: date) -> Path | None:
    """The store to open: the one named, else the IRO's own, else (for make run) the demo."""
    if db is not None:
        return db
    if default_store_path().exists() or not demo_if_new:
        return default_store_path()
    from iro_desktop.services.demo import DEMO_PASSPHRASE, populate_demo
    from iro_desktop.store import create_store

    demo = default_demo_path()
    if not demo.exists():
        store = create_store(demo, DEMO_PASSPHRASE, is_demo=True)
        try:
            populate_demo(store, today)
        finally:
            store.close()
        print(f"Created a DEMO caseload of fictional children at {demo}")
    print(f"Demo passphrase: {DEMO_PASSPHRASE}")
    return demo


# The core the caseload needs (SQLAlchemy, the ORM, the rules): about 0.3 s of imports, done while the
# IRO types their passphrase instead of after they press Unlock. Qt modules stay on the GUI thread.
WARM_MODULES = ("iro_desktop.store.database", "iro_desktop.services.caseload", "iro_desktop.services.child")
WARM_GUI_MODULE = "iro_desktop.gui.main_window"  # creates fonts at import, so it loads on the GUI thread


def warm_up_in_background() -> threading.Thread:
    """Import the core in a thread, then (polled from the GUI thread) the main window's modules."""
    thread = threading.Thread(target=lambda: [importlib.import_module(m) for m in WARM_MODULES], daemon=True)
    thread.start()
    poll = QTimer(QApplication.instance())
    poll.setInterval(50)

    def import_gui_when_core_is_loaded() -> None:
        if not thread.is_alive():
            poll.stop()
            importlib.import_module(WARM_GUI_MODULE)

    poll.timeout.connect(import_gui_when_core_is_loaded)
    poll.start()
    return thread


def run(db: Path | None = None, demo_if_new: bool = False, as_of: date | None = None) -> int:
    """`as_of` is the day to view the caseload as of; what is saved is always dated today."""
    from iro_desktop.clock import system_clock
    from iro_desktop.gui.main_window import MainWindow

    today = system_clock().today()
    app = QApplication.instance() or QApplication(sys.argv)
    apply_appearance(app)  # Fusion, light or dark as the system is
    app.setApplicationName("iro-desktop")
    app.setOrganizationName("iro-desktop")
    app.setWindowIcon(QIcon(str(resources_dir() / "icons" / "iro-desktop.svg")))
    path = choose_store(db, demo_if_new, today)
    store, import_now = unlock(path) if path.exists() else set_up(path, today)
    if store is None:
        return 0
    window = MainWindow(store, as_of)
    window.show()
    if import_now:
        QTimer.singleShot(0, window.import_903)  # over the caseload it fills, once the window is up
    return app.exec()


def unlock(path: Path) -> tuple[Store | None, bool]:
    from iro_desktop.gui.unlock import UnlockDialog

    dialog = UnlockDialog(path)
    warm_up_in_background()
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None, False
    return dialog.store, False


def set_up(path: Path, today: date) -> tuple[Store | None, bool]:
    """No store yet: the first-run set-up makes one, and says whether to import 903 data at once."""
    from iro_desktop.gui.first_run.wizard import FirstRunWizard
    from iro_desktop.services.first_run import IMPORT_903

    wizard = FirstRunWizard(path, today)
    warm_up_in_background()
    if wizard.exec() != QDialog.DialogCode.Accepted:
        return None, False
    return wizard.store, wizard.start == IMPORT_903
