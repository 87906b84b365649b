"""Start the desktop app: find the store (or set one up on first run), unlock it, show the caseload."""

from __future__ import annotations

import importlib
import logging
import os
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QDialog

from iro_desktop.gui import crash, operations, stalls, timings
from iro_desktop.gui.appearance import apply_appearance
from iro_desktop.gui.application import application
from iro_desktop.paths import resources_dir
from iro_desktop.store import default_demo_path, default_store_path

if TYPE_CHECKING:
    from iro_desktop.store import Store


def no_screen() -> str | None:
    """Why there is no screen to show the window on, or None. Qt alone would abort with a misleading
    "xcb-cursor0 is needed"; Linux and the BSDs only (Windows and macOS always have their own)."""
    if not sys.platform.startswith(("linux", "freebsd", "openbsd")):
        return None
    platform = os.environ.get("QT_QPA_PLATFORM", "")
    if platform and not platform.startswith(("xcb", "wayland")):
        return None  # offscreen, vnc, eglfs...: Qt's own choice, made on purpose
    if os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"):
        return None
    return (
        "there is no screen to show the window on (neither DISPLAY nor WAYLAND_DISPLAY is set). Start it "
        "from your desktop, or with `make run`, which opens it on a virtual screen."
    )


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
WARM_MODULES = (
    "iro_desktop.store.database",
    "iro_desktop.store.backup",
    "iro_desktop.services.caseload",
    "iro_desktop.services.child",
    "iro_desktop.services.auto_backup",
)
# The main window creates fonts at import, so it loads on the GUI thread; the rest it imports on opening.
WARM_GUI_MODULES = (
    "iro_desktop.gui.main_window",
    "iro_desktop.gui.sync.background",
    "iro_desktop.gui.security.auto_backup",
    "iro_desktop.gui.security.integrity",
)


def _warm_core() -> None:
    from iro_desktop.logs import start_logging

    start_logging()  # here, not before the dialog: its imports would delay the dialog by about 25 ms
    for name in WARM_MODULES:
        importlib.import_module(name)
    from sqlalchemy.orm import configure_mappers

    configure_mappers()  # the ORM's one-off set-up (about 60 ms), else done by the caseload's first query


def _warm_gui(_result=None) -> None:
    for name in WARM_GUI_MODULES:
        importlib.import_module(name)


def warm_up_in_background() -> operations.Operation:
    """Import the core off the GUI thread, then (back on it) the main window's modules. A failure is only
    logged: the same import runs again, and says what is wrong, when the window needs it."""
    return operations.run_in_background(_warm_core, _warm_gui, operations.log_failure, quiet=True)


def run(
    db: Path | None = None, demo_if_new: bool = False, as_of: date | None = None, handover: Path | None = None
) -> int:
    """`as_of` is the day to view the caseload as of; what is saved is always dated today. `handover`: a
    handover file the app was opened with, offered in Receive handover once the store is unlocked."""
    from iro_desktop.clock import system_clock

    today = system_clock().today()
    app = application(sys.argv)
    apply_appearance(app)  # Fusion, light or dark as the system is
    app.setApplicationName("iro-desktop")
    app.setOrganizationName("iro-desktop")
    app.setDesktopFileName("iro-desktop")  # its menu entry: the taskbar and Wayland match the window to it
    app.setWindowIcon(QIcon(str(resources_dir() / "icons" / "iro-desktop.svg")))
    stalls.watch(app)  # a test hook (IRO_DESKTOP_STALLS): off unless set
    path = choose_store(db, demo_if_new, today)
    crash_hook = crash.install(path)  # before unlocking: an error on any screen is logged and told once
    store, import_now = unlock(path) if path.exists() else set_up(path, today)
    if store is None:
        return 0
    from iro_desktop.logs import start_logging

    start_logging()  # begun by the warm-up already, unless unlocking was quicker
    logging.getLogger("iro_desktop.gui").info("Store unlocked")  # no path: it holds the IRO's home folder
    # Imported only now: the unlock dialog is on screen first, the warm-up having loaded this meanwhile.
    from iro_desktop.gui.main_window import MainWindow

    window = MainWindow(store, as_of)
    crash_hook.window = window  # its Help > Report a problem, which knows the store and the screens
    timings.on_first_paint(window.caseload.table.viewport(), "caseload-painted")
    window.show()
    window.activateWindow()  # keys go to the caseload once the dialog has gone, window manager or not
    if import_now or handover:  # over the caseload, once the window is up; one dialog after the other
        QTimer.singleShot(0, lambda: _first_steps(window, import_now, handover))
    return app.exec()


def _first_steps(window, import_now: bool, handover: Path | None) -> None:
    if import_now:
        window.import_903()
    if handover is not None:
        window.receive_handover(handover)


def unlock(path: Path) -> tuple[Store | None, bool]:
    from iro_desktop.gui.unlock import UnlockDialog

    dialog = UnlockDialog(path)
    timings.on_first_paint(dialog, "unlock-painted")
    timings.after_first_paint(dialog, warm_up_in_background)  # not competing with the dialog's first paint
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None, False
    return dialog.store, False


def set_up(path: Path, today: date) -> tuple[Store | None, bool]:
    """No store yet: the first-run set-up makes one, and says whether to import 903 data at once."""
    from iro_desktop.gui.first_run.wizard import FirstRunWizard
    from iro_desktop.services.first_run import IMPORT_903

    wizard = FirstRunWizard(path, today)
    timings.after_first_paint(wizard, warm_up_in_background)
    if wizard.exec() != QDialog.DialogCode.Accepted:
        return None, False
    return wizard.store, wizard.start == IMPORT_903
