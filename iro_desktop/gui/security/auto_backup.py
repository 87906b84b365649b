"""Tools > Automatic backups, and the timer that makes the day's backup (services/auto_backup.py).

The timer checks when the store is unlocked and then every hour, so a laptop that is opened for ten
minutes a day still gets its daily backup. The backup runs off the GUI thread; its outcome goes to the
main window's status bar, and a failure to the audit trail as well.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtWidgets import (
    QApplication,
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
from iro_desktop.gui.appearance import set_tone
from iro_desktop.gui.forms import find, load_into
from iro_desktop.gui.sync.worker import Runner
from iro_desktop.services import audit
from iro_desktop.services import auto_backup as service
from iro_desktop.services.auto_backup import AutoBackupError, AutoBackupSettings
from iro_desktop.store import StoreError

HOUR_MS = 60 * 60 * 1000
INTRO = (
    "Each day, when you unlock and then every hour while iro-desktop is open, a backup of the encrypted "
    f"caseload is made in the folder you choose and checked. Kept: {service.KEEPING}. Only files named "
    "like iro-desktop-2026-11-25.iro-backup are ever removed. A backup opens only with the passphrase "
    "the caseload had when the backup was made."
)


def _size(path: Path) -> str:
    return f"{max(1, path.stat().st_size // 1024):,} KiB"


class AutoBackupDialog(QDialog):
    def __init__(self, store, parent=None, today: Callable[[], date] = date.today) -> None:
        super().__init__(parent)
        load_into(self, "auto_backup_dialog.ui")
        self.store = store
        self._today = today
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
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            result = service.run_daily_backup(self.store, self.folder.text(), self._today())
        except AutoBackupError as exc:
            service.record_failure(self.store, exc)
            self.refresh()
            self._show_problem(str(exc))
            return
        finally:
            QApplication.restoreOverrideCursor()
        self.refresh()
        self.message.setText(result.message() + "\n" + self.message.text())


class AutoBackupTimer(QObject):
    """Makes the day's backup when due: now (the store was just unlocked) and then every hour."""

    def __init__(self, store, parent=None, today: Callable[[], date] = date.today) -> None:
        super().__init__(parent)
        self.store = store
        self._today = today
        self._stopped = False
        self.last_message = ""
        self.runner = Runner(self)
        self.runner.done.connect(self._made)
        self.runner.failed.connect(self._failed)
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
        return self.runner.start(
            lambda _progress: service.run_daily_backup(self.store, current.folder, today)
        )

    @property
    def busy(self) -> bool:
        return self.runner.busy

    def _made(self, result) -> None:
        self._tell(result.message())

    def _failed(self, message: str) -> None:
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
        self.runner.wait()
