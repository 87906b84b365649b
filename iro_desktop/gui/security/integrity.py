"""The store's full check for damage, off the unlock path, and the way back from a damaged store.

Unlocking reads only the store's first pages (store/database.py); reading every page takes a while on a
large caseload, so it runs on a worker thread once the caseload is on screen. If the check fails, nothing
more is saved (Store.stop_writes), the IRO is told in plain words and offered the latest daily backup.
Restoring replaces the store's files, so the window locks first, closing the store; the IRO then unlocks
the restored store with the passphrase it had when the backup was made.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QDialog, QInputDialog, QLineEdit, QMessageBox
from sqlalchemy.exc import DBAPIError

from iro_desktop.domain.calendar import format_date
from iro_desktop.gui import operations
from iro_desktop.services.auto_backup import backups_in, settings
from iro_desktop.store import Store, audit, open_store
from iro_desktop.store.backup import BEFORE_RESTORE, BackupInfo, restore
from iro_desktop.store.errors import StoreError, StoreLocked, WrongPassphrase

RESTORE = "Restore latest backup"


def check_after_paint(window, store: Store) -> None:
    """Check every page of the store once the window has painted; the answer comes back on the UI thread."""

    def start() -> None:
        operations.run_in_background(
            store.check_integrity, lambda problem: _checked(window, store, problem), _check_not_run
        )

    QTimer.singleShot(0, window, start)


def _check_not_run(exc: Exception) -> None:
    if not isinstance(exc, StoreLocked):  # locked before the check began: unlocking checks again
        raise exc


def _checked(window, store: Store, problem: str | None) -> None:
    if problem is None or window.store is not store:  # sound, or locked meanwhile: unlocking checks again
        return
    store.stop_writes(problem)
    if window.auto_backup is not None:  # no daily backup of a damaged store, nor thinning of the good ones
        window.auto_backup.stop()
    box = QMessageBox(QMessageBox.Icon.Warning, "The store is damaged", "", parent=window)
    box.setText(
        f"iro-desktop checked the store and found it damaged ({problem}). So that nothing already saved "
        "is harmed, nothing more is being saved from now on."
    )
    box.setInformativeText(
        "You can restore the latest daily backup now. Anything saved since that backup was made will be "
        "lost; the damaged store is kept beside the restored one."
    )
    restore_button = box.addButton(RESTORE, QMessageBox.ButtonRole.AcceptRole)
    box.addButton("Not now", QMessageBox.ButtonRole.RejectRole)
    box.exec()
    window.activateWindow()  # keys go back to the window the message was over, window manager or not
    if window.store is not store:  # locked while the message was open
        return
    window.statusBar().showMessage(
        "Nothing more is being saved: the store is damaged. Lock and unlock to be offered the backup again."
    )
    if box.clickedButton() is restore_button:
        restore_latest(window, store)


def latest_backup(store: Store) -> tuple[date, Path] | None:
    """The newest daily backup in the folder the IRO chose, or None when there is none to be found."""
    try:
        folder = settings(store).folder
    except (StoreError, DBAPIError):  # the setting itself sits in a damaged page
        return None
    found = backups_in(Path(folder)) if folder and Path(folder).is_dir() else {}
    return max(found.items()) if found else None


def restore_latest(window, store: Store) -> None:
    latest = latest_backup(store)
    if latest is None:
        QMessageBox.information(
            window,
            "No backup found",
            "There is no daily backup to restore the store from. Daily backups are set up in "
            "Tools > Automatic backups. Until the store is restored, nothing more is saved.",
        )
        return
    _restore(window, *latest)


def _ask_passphrase(window, made: date) -> str | None:
    dialog = QInputDialog(window)
    dialog.setWindowTitle(RESTORE)
    dialog.setLabelText(
        f"Type the passphrase the store had on {format_date(made)}, when this backup was made."
    )
    dialog.setTextEchoMode(QLineEdit.EchoMode.Password)
    dialog.setOkButtonText("Restore")
    dialog.findChild(QLineEdit).setAccessibleName("Passphrase")
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return dialog.textValue()


def _restore(window, made: date, backup_file: Path) -> None:
    passphrase = _ask_passphrase(window, made)
    if passphrase is None:
        return
    window.lock()  # closes the store: its files can then be replaced
    db = window.store_path
    window.lock_screen.setEnabled(False)  # no unlocking a store halfway through being replaced

    def restored(info: BackupInfo) -> None:
        window.lock_screen.setEnabled(True)
        QMessageBox.information(
            window,
            "Store restored",
            f"The store was restored from the backup made on {format_date(made)}, with {info.children} "
            f"children. The damaged store is kept beside it as {db.name}{BEFORE_RESTORE}. Unlock to go "
            "on, with the passphrase you have just typed.",
        )

    def not_restored(exc: Exception) -> None:
        window.lock_screen.setEnabled(True)
        if not isinstance(exc, StoreError):
            raise exc
        QMessageBox.warning(window, "Store not restored", str(exc))
        if isinstance(exc.__cause__, WrongPassphrase):  # a slip of the keyboard: let them try again
            _restore(window, made, backup_file)

    operations.run_in_background(
        lambda: _restore_and_record(backup_file, db, passphrase),
        restored,
        not_restored,
        lambda busy: window.statusBar().showMessage("Restoring the latest backup..." if busy else "Locked"),
    )


def _restore_and_record(backup_file: Path, db: Path, passphrase: str) -> BackupInfo:
    """On a worker: restore (which checks the backup first), then note it in the restored store's trail."""
    info = restore(backup_file, db, passphrase)
    store = open_store(db, passphrase)
    try:
        audit.record(store, "restore", detail=f"{info.children} children from {backup_file.name}")
    finally:
        store.close()
    return info
