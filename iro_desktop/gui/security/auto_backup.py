"""Tools > Automatic backups, and the timer that makes the day's backup (services/auto_backup.py).

The timer checks when the store is unlocked and then every hour, so a laptop that is opened for ten
minutes a day still gets its daily backup. The backup runs through gui.operations, one at a time; its
outcome goes to the main window's status bar, and a failure to the audit trail as well.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
)

from iro_desktop.domain.calendar import format_date
from iro_desktop.gui import operations
from iro_desktop.gui.appearance import set_tone
from iro_desktop.gui.forms import find, load_into
from iro_desktop.services import auto_backup as service
from iro_desktop.services.auto_backup import AutoBackupSettings
from iro_desktop.store import StoreError, audit

HOUR_MS = 60 * 60 * 1000
INTRO = (
    "Each day, when you unlock and then every hour while iro-desktop is open, a backup of the encrypted "
    f"caseload is made in the folder you choose and checked. Kept: {service.KEEPING}. Only files named "
    "like iro-desktop-2026-11-25.iro-backup are ever removed. A backup opens only with the passphrase "
    "the caseload had when the backup was made."
)


_under_way: list[operations.Operation] = []  # one backup at a time, whether the timer's or the IRO's


def _start_backup(store, folder: str, today: date, done, failed) -> operations.Operation | None:
    """Start the day's backup off the UI thread, unless one is already being made (then None)."""
    if any(op.running for op in _under_way):
        return None
    _under_way[:] = [
        operations.run_in_background(lambda: service.run_daily_backup(store, folder, today), done, failed)
    ]
    return _under_way[0]


def _size(path: Path) -> str:
    return f"{max(1, path.stat().st_size // 1024):,} KiB"


class AutoBackupDialog(operations.FinishesFirst, QDialog):
    def __init__(self, store, parent=None, today: Callable[[], date] | None = None) -> None:
        super().__init__(parent)
        load_into(self, "auto_backup_dialog.ui")
        self.store = store
        self._today = today or store.clock.today  # the store's clock: fixed in tests, real otherwise
        find(self, QLabel, "introLabel").setText(INTRO)
        self.enabled: QCheckBox = find(self, QCheckBox, "enabledCheck")
        self.folder: QLineEdit = find(self, QLineEdit, "folderEdit")
        self.message: QLabel = find(self, QLabel, "messageLabel")
        self.kept: QListWidget = find(self, QListWidget, "keptList")
        self.back_up_now_button: QPushButton = find(self, QPushButton, "backUpNowButton")
        current = service.settings(store)
        self.enabled.setChecked(current.enabled)
        self.folder.setText(current.folder)
        self.enabled.toggled.connect(self._enabled_toggled)
        find(self, QPushButton, "chooseButton").clicked.connect(self.choose_folder)
        self.back_up_now_button.clicked.connect(self.back_up_now)
        self.operation: operations.Operation | None = None
        find(self, QDialogButtonBox, "buttons").rejected.connect(self.reject)
        self.refresh()

    # --- settings ----------------------------------------------------------------------------------

    def choose_folder(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, "Folder for daily backups", self.folder.text())
        if chosen:
            self.set_folder(chosen)

    def set_folder(self, folder: str | Path) -> None:
        self.folder.setText(str(folder))
        self._save("folder chosen")

    def _enabled_toggled(self, ticked: bool) -> None:
        if ticked and not self.folder.text():
            self.choose_folder()
            if not self.folder.text():  # cancelled: nowhere to put backups, so not turned on
                self.enabled.setChecked(False)
                self._show_problem("Choose a folder first, then tick Make a backup every day.")
                return
        self._save("on" if ticked else "off")

    def _save(self, what: str) -> None:
        try:
            chosen = AutoBackupSettings(self.enabled.isChecked(), self.folder.text())
            service.save_settings(self.store, chosen)
            audit.record(self.store, "auto_backup_changed", detail=what)
        except StoreError as exc:  # writes stopped after a failed integrity check, or a full disk
            self._show_problem(str(exc))
            return
        self.refresh()

    # --- what is in the folder -------------------------------------------------------------------

    def refresh(self) -> None:
        self.kept.clear()
        set_tone(self.message, None)
        self.back_up_now_button.setEnabled(bool(self.folder.text()))
        if not self.folder.text():
            self.message.setText("No folder chosen yet.")
            return
        folder = Path(self.folder.text())
        if not folder.is_dir():
            self._show_problem(f"The folder {folder} cannot be found (is the drive connected?).")
            return
        found = service.backups_in(folder)
        for day in sorted(found, reverse=True):
            self.kept.addItem(f"{format_date(day)}   {found[day].name}   ({_size(found[day])})")
        if found:
            last = max(found)
            self.message.setText(
                f"Last backup: {format_date(last)}, {found[last].name} ({_size(found[last])})."
            )
        else:
            self.message.setText("No daily backup in this folder yet.")

    def _show_problem(self, text: str) -> None:
        self.message.setText(text)
        set_tone(self.message, "problem")

    def back_up_now(self) -> None:
        self.operation = _start_backup(
            self.store, self.folder.text(), self._today(), self._made, self._not_made
        )
        if self.operation is None:
            self._show_problem("A backup is being made already; the status bar says when it is done.")
            return
        self._writing(True)
        set_tone(self.message, None)
        self.message.setText("Making the backup and checking it…")

    def _writing(self, writing: bool) -> None:
        """Not twice, and not closed half-way through (FinishesFirst holds Escape and the title bar)."""
        self.back_up_now_button.setEnabled(not writing)
        find(self, QDialogButtonBox, "buttons").setEnabled(not writing)

    def _made(self, result) -> None:
        self._writing(False)
        self.refresh()
        self.message.setText(result.message() + "\n" + self.message.text())

    def _not_made(self, exc: Exception) -> None:
        self._writing(False)
        why = operations.explain(exc)
        service.record_failure(self.store, why)
        self.refresh()
        self._show_problem(why)


class AutoBackupTimer(QObject):
    """Makes the day's backup when due: now (the store was just unlocked) and then every hour."""

    def __init__(self, store, parent=None, today: Callable[[], date] | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self._today = today or store.clock.today  # the store's clock: fixed in tests, real otherwise
        self._stopped = False
        self.last_message = ""
        self.operation: operations.Operation | None = None
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.check)
        self.timer.start(HOUR_MS)
        self.check()

    def check(self) -> bool:
        """Start the day's backup if it is due; False when there is nothing to do (or one is running)."""
        current = service.settings(self.store)
        today = self._today()
        if self._stopped or not current.ready or not service.backup_due(self.store, current.folder, today):
            return False
        self.operation = _start_backup(self.store, current.folder, today, self._made, self._failed)
        return self.operation is not None

    @property
    def busy(self) -> bool:
        return self.operation is not None and self.operation.running

    def _made(self, result) -> None:
        self._tell(result.message())

    def _failed(self, exc: Exception) -> None:
        message = operations.explain(exc)
        if self._stopped:  # the store is closing: it cannot take an audit entry now
            return
        service.record_failure(self.store, message)
        self._tell(message)

    def _tell(self, message: str) -> None:
        self.last_message = message
        status_bar = getattr(self.parent(), "statusBar", None)
        if not self._stopped and callable(status_bar):
            status_bar().showMessage(message)

    def stop(self) -> None:
        """Before the store closes: no new backup starts, and one under way finishes first."""
        self._stopped = True
        self.timer.stop()
        if self.busy:
            self.operation.wait()
