"""The unlock dialog: passphrase in, an unlocked Store out. A wrong passphrase keeps the dialog open.

If unlocking found the store's files readable by other people on the computer (they are now owner-only
again), the dialog says so in one sentence and waits for Continue, so the IRO is told before working.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QLineEdit

from iro_desktop import store as store_api
from iro_desktop.gui import operations, timings
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
        self.busy: QLabel = find(self, QLabel, "busyLabel")
        self._opening: operations.Operation | None = None  # the key derivation, off the UI thread
        self._cancelled = False
        find(self, QLabel, "storeLabel").setText(f"Store: {self.db}")
        buttons: QDialogButtonBox = find(self, QDialogButtonBox, "buttons")
        self.unlock_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.unlock_button.setText("&Unlock")
        buttons.accepted.connect(self.try_unlock)
        buttons.rejected.connect(self.reject)
        self.error.hide()
        self.busy.hide()
        self.passphrase.setFocus()

    @property
    def unlocking(self) -> bool:
        return self._opening is not None

    def try_unlock(self) -> None:
        if self.store is not None:  # unlocked already; the IRO has read the notice and goes on
            self.accept()
            return
        if self._wait.isActive() or self.unlocking:
            return  # still waiting after a wrong passphrase, or still checking this one
        timings.stamp("unlock-pressed")
        secret = self.passphrase.text()
        # The key derivation takes half a second or more (longer on a busy laptop): the dialog keeps
        # painting, and after a moment says what it is doing.
        self._opening = operations.run_in_background(
            lambda: store_api.open_store(self.db, secret), self._opened, self._refused, self._show_busy
        )

    def _show_busy(self, busy: bool) -> None:
        self.busy.setVisible(busy)
        if busy:
            self.error.hide()  # the last try's message no longer applies
        self.passphrase.setReadOnly(busy)
        self.unlock_button.setEnabled(not busy)

    def _refused(self, exc: Exception) -> None:
        self._opening = None
        if isinstance(exc, WrongPassphrase):
            self.failures += 1
            self._make_wait(str(exc))
        elif isinstance(exc, StoreError):
            self.show_error(str(exc))
        else:
            raise exc

    def _opened(self, store: Store) -> None:
        self._opening = None
        if self._cancelled:
            store.close()  # cancelled while the key was being derived: lock it again
            return
        timings.stamp("unlocked")
        self.store = store
        self.passphrase.clear()
        if self.failures:  # written now: the store could not be written to while it was locked
            from iro_desktop.store import audit  # imported late: the dialog must appear quickly

            audit.record(self.store, "failed_unlocks", detail=f"{self.failures} wrong passphrases first")
        if self.store.tightened:
            self._tell_tightened()
            return
        self.accept()

    def _tell_tightened(self) -> None:
        from iro_desktop.gui.appearance import set_tone
        from iro_desktop.store.database import tightened_message

        self.error.setAccessibleName("Unlock notice")
        set_tone(self.error, "warning")
        self._show_message(tightened_message(self.store.tightened))
        self.passphrase.setEnabled(False)
        self.unlock_button.setText("&Continue")
        self.unlock_button.setFocus()

    def reject(self) -> None:
        self._cancelled = self.unlocking
        if self.store is not None:  # cancelled after unlocking (at the notice): lock it again
            self.store.close()
            self.store = None
        super().reject()

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
        self._show_message(message)
        self.passphrase.selectAll()
        self.passphrase.setFocus()

    def _show_message(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()
        self.adjustSize()  # the dialog grows to the wrapped lines, rather than clipping them
