"""The unlock dialog: passphrase in, an unlocked Store out. A wrong passphrase keeps the dialog open."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QDialogButtonBox, QLabel, QLineEdit

from iro_desktop import store as store_api
from iro_desktop.gui.forms import find, load_into
from iro_desktop.store.errors import StoreError

if TYPE_CHECKING:
    from iro_desktop.store import Store


class UnlockDialog(QDialog):
    def __init__(self, db: Path, parent=None) -> None:
        super().__init__(parent)
        load_into(self, "unlock_dialog.ui")
        self.db = Path(db)
        self.store: Store | None = None
        self.passphrase: QLineEdit = find(self, QLineEdit, "passphrase")
        self.error: QLabel = find(self, QLabel, "errorLabel")
        find(self, QLabel, "storeLabel").setText(f"Store: {self.db}")
        buttons: QDialogButtonBox = find(self, QDialogButtonBox, "buttons")
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("&Unlock")
        buttons.accepted.connect(self.try_unlock)
        buttons.rejected.connect(self.reject)
        self.error.hide()
        self.passphrase.setFocus()

    def try_unlock(self) -> None:
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)  # the KDF takes about half a second
        try:
            self.store = store_api.open_store(self.db, self.passphrase.text())
        except StoreError as exc:
            self.show_error(str(exc))
            return
        finally:
            QApplication.restoreOverrideCursor()
        self.passphrase.clear()
        self.accept()

    def show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()
        self.passphrase.selectAll()
        self.passphrase.setFocus()
