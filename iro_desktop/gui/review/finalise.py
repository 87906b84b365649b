"""Finalise and sign: confirm, or see what stops it; a correction asks why."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QDialog, QLabel, QListWidget, QPlainTextEdit, QPushButton

from iro_desktop.gui.forms import find, load_into
from iro_desktop.services import sync as sync_service


class FinaliseDialog(QDialog):
    def __init__(self, store, review_id: int, today: date, parent=None) -> None:
        super().__init__(parent)
        load_into(self, "finalise_dialog.ui")
        self._store, self._review_id, self._today = store, review_id, today
        self.finalised: sync_service.FinalisedRecord | None = None
        check = sync_service.finalise_check(store, review_id, today)
        what = "Correct and sign" if check.is_correction else "Finalise and sign"
        find(self, QLabel, "heading").setText(
            f"{what} the record of {check.child_name}'s review ({check.review_label})"
        )
        self.problems: QListWidget = find(self, QListWidget, "problemsList")
        problems = check.problems or (
            ("This review is already finalised. Open a correction to change it.",)
            if check.status == "finalised"
            else ()
        )
        self.problems.addItems(list(problems))
        for name in ("problemsLabel", "problemsList"):
            self.findChild(QLabel if name == "problemsLabel" else QListWidget, name).setVisible(
                bool(problems)
            )
        self.reason: QPlainTextEdit = find(self, QPlainTextEdit, "reasonEdit")
        self._is_correction = check.is_correction
        self.reason.setVisible(check.is_correction)
        find(self, QLabel, "reasonLabel").setVisible(check.is_correction)
        settings = sync_service.sync_settings(store)
        find(self, QLabel, "signer").setText(f"Signed with this device's key {settings.device_fingerprint}.")
        self.finalise_button: QPushButton = find(self, QPushButton, "finaliseButton")
        self.finalise_button.setEnabled(check.can_finalise)
        self.finalise_button.setText(f"&{what}")
        self.finalise_button.clicked.connect(self.finalise)
        find(self, QPushButton, "cancelButton").clicked.connect(self.reject)

    def finalise(self) -> None:
        reason = self.reason.toPlainText() if self._is_correction else None
        try:
            self.finalised = sync_service.finalise_review(self._store, self._review_id, self._today, reason)
        except ValueError as exc:  # FinaliseRefused too: the message is a plain sentence, the reason stays
            find(self, QLabel, "message").setText(str(exc))
            return
        self.accept()
