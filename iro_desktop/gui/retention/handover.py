"""Handing a child over to another IRO (from the child's page) and receiving one (from Tools)."""

from __future__ import annotations

from html import escape
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPushButton,
)

from iro_desktop.gui import operations
from iro_desktop.gui.appearance import set_tone
from iro_desktop.gui.forms import find, grow_to_fit, load_into
from iro_desktop.gui.retention.confirm import confirm_removal
from iro_desktop.records.keys import fingerprint_groups
from iro_desktop.services import handover, retention
from iro_desktop.store import Store
from iro_desktop.store.keys import KdfParams

_FILTER = "Handover files (*.iro-handover)"


class _FileDialog(operations.FinishesFirst, QDialog):
    def __init__(self, form: str, parent) -> None:
        super().__init__(parent)
        load_into(self, form)
        self.file_edit = find(self, QLineEdit, "fileEdit")
        self.message = find(self, QLabel, "messageLabel")
        find(self, QPushButton, "chooseButton").clicked.connect(self.choose)
        find(self, QDialogButtonBox, "buttons").rejected.connect(self.reject)
        self.operation: operations.Operation | None = None  # the key derivation takes about a second

    def run(self, work, done, saying: str) -> None:
        """Run `work` off the UI thread, saying what is happening; the dialog's buttons wait for it."""
        if self.busy:
            return
        self.say(saying)
        self.setEnabled(False)  # not twice; FinishesFirst keeps it open until the write is done
        self.operation = operations.run_in_background(
            work, lambda result: self._ended(done, result), self._failed
        )

    @property
    def busy(self) -> bool:
        return self.writing()

    def _ended(self, done, result) -> None:
        self.setEnabled(True)
        done(result)

    def _failed(self, exc: Exception) -> None:
        self.setEnabled(True)
        self.say(operations.explain(exc), problem=True)

    def say(self, text: str, problem: bool = False) -> None:
        set_tone(self.message, "problem" if problem else None)
        self.message.setText(text)

    def path(self) -> Path | None:
        text = self.file_edit.text().strip()
        if not text:
            self.say("Choose the handover file first.", problem=True)
            self.file_edit.setFocus()
            return None
        return Path(text).expanduser()


class HandoverDialog(_FileDialog):
    """Write the child's handover file, show the code and fingerprint, then offer removal."""

    removed = Signal(int)  # the child's id, after a confirmed removal

    def __init__(self, store: Store, child_id: int, parent=None, kdf: KdfParams | None = None) -> None:
        super().__init__("handover_dialog.ui", parent)
        self._store, self.child_id = store, child_id
        self.kdf = kdf  # the key derivation cost; None: the real one (tests choose a cheap one)
        self.sent: handover.Sent | None = None
        line = retention.child_line(store, child_id)
        self.child_ref, self.first_name, self.full_name = line.child_ref, line.first_name, line.name
        find(self, QLabel, "introLabel").setText(
            f"Every record about <b>{escape(self.full_name)}</b> ({escape(self.child_ref)}) goes into one "
            "encrypted file, signed by this device, for the IRO taking over. Send the file by your council's "
            "secure route; the code that opens it is shown once, here, for you to read to them by phone."
        )
        self.write_button = find(self, QPushButton, "writeButton")
        self.write_button.clicked.connect(self.write)
        self.remove_button = find(self, QPushButton, "removeButton")
        self.remove_button.setText(f"&Remove {self.first_name} from this store...")
        self.remove_button.setAccessibleName(f"Remove {self.first_name} from this store")
        self.remove_button.clicked.connect(self.remove)
        self.remove_button.hide()
        self.result_box = find(self, QGroupBox, "resultBox")
        self.result_box.hide()
        self.code_value = find(self, QLabel, "codeValue")
        self.fingerprint_value = find(self, QLabel, "fingerprintValue")

    def choose(self) -> None:
        name = f"{self.child_ref}.iro-handover"
        chosen, _ = QFileDialog.getSaveFileName(self, "Save the handover file", name, _FILTER)
        if chosen:
            self.file_edit.setText(chosen)

    def write(self) -> None:
        path = self.path()
        if path is None:
            return
        self.run(
            lambda: handover.send(self._store, self.child_id, path, self.kdf),
            lambda sent: self._written(path, sent),
            f"Writing {path.name} and checking that it opens…",
        )

    def _written(self, path: Path, sent: handover.Sent) -> None:
        self.sent = sent
        self.code_value.setText(self.sent.code)
        self.fingerprint_value.setText(fingerprint_groups(self.sent.handover.fingerprint))
        self.result_box.show()
        self.write_button.setEnabled(False)
        self.say(
            f"Written to {path.name} and checked: it opens with the code and holds all of "
            f"{self.first_name}'s records. Once the receiving IRO has imported it, you can remove "
            f"{self.first_name} from this store."
        )
        self.remove_button.show()
        self.remove_button.setFocus()
        grow_to_fit(self)  # the code arrives with the dialog on screen: it must not be squeezed out

    def remove(self) -> None:
        why = "The handover file was written and checked."
        if self.sent is None or not confirm_removal(self, self.first_name, self.child_ref, why):
            return
        try:
            retention.remove_child(self._store, self.child_id, "handed over to another IRO")
        except retention.RemovalRefused as exc:
            self.say(str(exc), problem=True)
            return
        self.accept()
        self.removed.emit(self.child_id)


class ReceiveHandoverDialog(_FileDialog):
    """Open and check a handover file with its code, show who signed it, then import."""

    def __init__(self, store: Store, parent=None, path: Path | None = None) -> None:
        """`path`: the file, already chosen; the code is then the one thing left to type."""
        super().__init__("receive_handover_dialog.ui", parent)
        self._store = store
        self.checked: handover.Handover | None = None
        self.received_ref: str | None = None
        self.code_edit = find(self, QLineEdit, "codeEdit")
        self.summary = find(self, QLabel, "summaryLabel")
        self.import_button = find(self, QPushButton, "importButton")
        find(self, QPushButton, "checkButton").clicked.connect(self.check)
        self.import_button.clicked.connect(self.receive)
        self.import_button.setEnabled(False)
        self.summary.hide()
        for edit in (self.file_edit, self.code_edit):
            edit.textChanged.connect(self._forget)
        if path is not None:
            self.file_edit.setText(str(path))
            self.code_edit.setFocus()

    def choose(self) -> None:
        chosen, _ = QFileDialog.getOpenFileName(self, "Open a handover file", "", f"{_FILTER};;All files (*)")
        if chosen:
            self.file_edit.setText(chosen)

    def _forget(self) -> None:
        self.checked = None
        self.summary.clear()
        self.summary.hide()
        self.import_button.setEnabled(False)

    def check(self) -> None:
        path = self.path()
        if path is None:
            return
        if not self.code_edit.text().strip():
            self.say("Type the handover code the sending IRO read to you.", problem=True)
            self.code_edit.setFocus()
            return
        code = self.code_edit.text()
        self.run(
            lambda: handover.read_handover(path, code), self._opened, f"Opening {path.name} with the code…"
        )

    def _opened(self, opened: handover.Handover) -> None:
        self.checked = opened
        self.summary.setText(
            f"<p><b>{escape(opened.child_name)}</b> ({escape(opened.child_ref)}), from "
            f"{escape(opened.sender)}.</p><p>Signed by the device with fingerprint<br><b><tt>"
            f"{fingerprint_groups(opened.fingerprint)}</tt></b><br>Read it back to the sending IRO: import "
            "only if it matches what their screen shows.</p>"
        )
        self.summary.show()
        self.say("")
        self.import_button.setEnabled(True)
        self.import_button.setFocus()

    def receive(self) -> None:
        if self.checked is None:
            return
        self.run(
            lambda: handover.receive(self._store, self.checked), self._received, "Importing the records…"
        )

    def _received(self, _result) -> None:
        self.received_ref = self.checked.child_ref
        self.accept()
