"""`iro-desktop self-test`: the installed app proves it works by showing the real caseload once.

For council IT after an install, and for the smoke test of the built bundle. It opens (or first creates,
with the fictional demo caseload) a store, builds the real main window, waits until the caseload table has
been drawn, and reports the number of children and the versions in use: nothing personal.
"""

from __future__ import annotations

import os
import sys
import tempfile
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from PySide6.QtCore import QEvent, QEventLoop, QObject, QTimer, qInstallMessageHandler, qVersion
from PySide6.QtWidgets import QApplication

from iro_desktop import __version__
from iro_desktop.gui.application import application
from iro_desktop.store import Store, StoreError, create_store, open_store

PAINT_TIMEOUT_MS = 60_000  # a generous ceiling for a slow laptop; a healthy install paints in well under 1 s


# Qt's offscreen platform says this of every window; on an IT console it reads like a fault, and is not.
_HARMLESS = ("does not support propagateSizeHints",)


def _quiet_qt(mode, context, message: str) -> None:
    if not any(h in message for h in _HARMLESS):
        print(message, file=sys.stderr)


class SelfTestFailed(Exception):
    """The app started but did not show the caseload: str() is a plain sentence."""


@contextmanager
def store_for(db: Path | None, secret: Callable[[], str], demo_secret: str, kdf=None) -> Iterator[Store]:
    """The store to show: `db` if it exists; else a new demo store there (or in a folder deleted after)."""
    if db is not None and db.exists():
        store = open_store(db, secret())
        try:
            yield store
        finally:
            store.close()
        return
    with tempfile.TemporaryDirectory(prefix="iro-self-test-") as folder:
        path = db or Path(folder) / "self-test.db"
        store = _new_demo_store(path, demo_secret, kdf)
        try:
            yield store
        finally:
            store.close()


def _new_demo_store(path: Path, secret: str, kdf) -> Store:
    from iro_desktop.services.demo import populate_demo

    store = create_store(path, secret, kdf=kdf, is_demo=True)
    try:
        populate_demo(store, store.clock.today())
    except BaseException:
        store.close()
        raise
    return store


class _PaintWatch(QObject):
    """Ends the wait the first time the caseload table's viewport is painted."""

    def __init__(self, loop: QEventLoop) -> None:
        super().__init__()
        self.painted = False
        self._loop = loop

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 (Qt override)
        if event.type() == QEvent.Type.Paint and not self.painted:
            self.painted = True
            QTimer.singleShot(0, self._loop.quit)  # after this paint has finished
        return False


def versions(store: Store) -> str:
    with store.engine.connect() as conn:
        cipher = conn.exec_driver_sql("PRAGMA cipher_version").scalar()
    platform = QApplication.platformName() if QApplication.instance() else "none"
    return f"iro-desktop {__version__}, SQLCipher {cipher}, Qt {qVersion()}, platform {platform}"


def _show(store: Store, today: date, timeout_ms: int) -> tuple[int, str, bool]:
    from iro_desktop.gui.main_window import MainWindow

    app = application([sys.argv[0]])
    loop = QEventLoop()
    window = MainWindow(store, today)
    watch = _PaintWatch(loop)
    window.caseload.table.viewport().installEventFilter(watch)
    give_up = QTimer(singleShot=True, interval=timeout_ms)
    give_up.timeout.connect(loop.quit)
    give_up.start()
    window.show()
    if not watch.painted:
        loop.exec()
    give_up.stop()
    children = window.caseload.proxy.rowCount()
    about = versions(store)
    window.close()  # flushes and closes the store, as quitting the app does
    window.deleteLater()
    app.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    return children, about, watch.painted


def show_caseload(store: Store, today: date, timeout_ms: int = PAINT_TIMEOUT_MS) -> str:
    """Show the real main window until its caseload has painted; the line to print. Closes the store."""
    previous = qInstallMessageHandler(_quiet_qt)
    try:
        children, about, painted = _show(store, today, timeout_ms)
    finally:
        qInstallMessageHandler(previous)
    if not painted:
        raise SelfTestFailed(
            f"The main window opened but the caseload was not drawn within {timeout_ms // 1000} s."
        )
    noun = "child" if children == 1 else "children"
    return f"self-test passed: the caseload shows {children} {noun} ({about})"


def failure_message(exc: BaseException) -> str:
    """A plain sentence: ours as written; otherwise the kind of error and where, never its text (which
    for a database error can quote the data)."""
    if isinstance(exc, StoreError | SelfTestFailed):
        return str(exc)
    frame = traceback.extract_tb(exc.__traceback__)[-1] if exc.__traceback__ else None
    where = f" in {os.path.basename(frame.filename)} line {frame.lineno}" if frame else ""
    return f"unexpected {type(exc).__name__}{where}. Please report it to the iro-desktop team."
