"""The unlock dialog: passphrase in, an unlocked Store out. A wrong passphrase keeps the dialog open."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QDialogButtonBox, QLabel, QLineEdit

from iro_desktop import store as store_api
from iro_desktop.gui.forms import find, load_into
from iro_desktop.store.errors import StoreError, WrongPassphrase

if TYPE_CHECKING:
    from iro_desktop.store import Store


def retry_delay_seconds(failures: int) -> int:
    """Growing wait after wrong passphrases (0, 1, 2, 4 ... up to 30 s): slows guessing, never locks out."""
    return 0 if failures <= 1 else min(2 ** (failures - 2), 30)


class UnlockDialog(QDialog):
    def __init__(self, db: Path, parent=None) -> None:
        super().__init__(parent)
        load_into(self, "unlock_dialog.ui")
        self.db = Path(db)
        self.store: Store | None = None
        self.failures = 0
        self._wait = QTimer(self)
        self._wait.setSingleShot(True)
        self._wait.timeout.connect(self._allow_retry)
        self.passphrase: QLineEdit = find(self, QLineEdit, "passphrase")
        self.error: QLabel = find(self, QLabel, "errorLabel")
        find(self, QLabel, "storeLabel").setText(f"Store: {self.db}")
        buttons: QDialogButtonBox = find(self, QDialogButtonBox, "buttons")
        self.unlock_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.unlock_button.setText("&Unlock")
        buttons.accepted.connect(self.try_unlock)
        buttons.rejected.connect(self.reject)
        self.error.hide()
        self.passphrase.setFocus()

    def try_unlock(self) -> None:
        if self._wait.isActive():
            return  # still waiting after a wrong passphrase
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)  # the KDF takes about half a second
        try:
            self.store = store_api.open_store(self.db, self.passphrase.text())
        except WrongPassphrase as exc:
            self.failures += 1
            self._make_wait(str(exc))
            return
        except StoreError as exc:
            self.show_error(str(exc))
            return
        finally:
            QApplication.restoreOverrideCursor()
        self.passphrase.clear()
        if self.failures:  # written now: the store could not be written to while it was locked
            from iro_desktop.services import audit  # imported late: the dialog must appear quickly

            audit.record(self.store, "failed_unlocks", detail=f"{self.failures} wrong passphrases first")
        self.accept()

    def _make_wait(self, message: str) -> None:
        delay = retry_delay_seconds(self.failures)
        if delay:
            message += f" Wait {delay} seconds before trying again."
            self.unlock_button.setEnabled(False)
            self._wait.start(delay * 1000)
        self.show_error(message)

    def _allow_retry(self) -> None:
        self.unlock_button.setEnabled(True)
        self.passphrase.setFocus()

    def show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()
        self.passphrase.selectAll()
        self.passphrase.setFocus()
