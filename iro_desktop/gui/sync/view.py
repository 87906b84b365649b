"""The Sync view: the outbox with each record's state and reason, a progress bar while sending, Sync now,
and this device's settings (its fingerprint in groups to read aloud, the receiver and its pinned key, and
the certificate pinned for the secure connection: the council's CA, or the receiver's own key)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from iro_desktop.domain.calendar import format_date
from iro_desktop.gui import operations
from iro_desktop.gui.appearance import set_tone
from iro_desktop.gui.forms import find, load_into
from iro_desktop.problems import Problem
from iro_desktop.services import sync as sync_service

ENROLMENT_WORDS = {
    "": "Not enrolled yet: enter the receiver's address and enrol.",
    "pending": "Waiting for the council's administrator to approve this device. Read them your fingerprint.",
    "approved": "Approved: records are sent when you sync, and by themselves every few minutes.",
    "revoked": "The council revoked this device's key: nothing is sent or fetched. Ask the council's "
    "administrator how to enrol this laptop again.",
}


class SyncView(QWidget):
    synced = Signal(object)  # a SyncReport, for pages showing record states

    def __init__(self, store, parent=None) -> None:
        super().__init__(parent)
        load_into(self, "sync_view.ui")
        self._store = store
        self.table: QTableWidget = find(self, QTableWidget, "outboxTable")
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.progress: QProgressBar = find(self, QProgressBar, "progress")
        self.sync_button: QPushButton = find(self, QPushButton, "syncButton")
        self.requeue_button: QPushButton = find(self, QPushButton, "requeueButton")
        self.server_edit: QLineEdit = find(self, QLineEdit, "serverEdit")
        self.ca_edit: QLineEdit = find(self, QLineEdit, "caFileEdit")
        self.operation: operations.Operation | None = None  # a sync or an enrolment under way
        self.sync_button.clicked.connect(self.sync_now)
        self.requeue_button.clicked.connect(self.send_again)
        find(self, QPushButton, "enrolButton").clicked.connect(self.enrol)
        find(self, QPushButton, "caSaveButton").clicked.connect(self.save_ca_file)
        find(self, QPushButton, "caChooseButton").clicked.connect(self.choose_ca_file)
        self.forget_button: QPushButton = find(self, QPushButton, "pinForgetButton")
        self.forget_button.clicked.connect(self.forget_pin)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.progress.hide()
        self._lines: list = []
        self._enrolling = False
        self.refresh()

    def _label(self, name: str) -> QLabel:
        return find(self, QLabel, name)

    def refresh(self) -> None:
        settings = sync_service.sync_settings(self._store)
        self._label("deviceFingerprint").setText(settings.device_fingerprint)
        if not self.server_edit.hasFocus():
            self.server_edit.setText(settings.server)
        self._label("pinState").setText(settings.pin)
        self.forget_button.setEnabled(bool(settings.pin_kind))
        self._label("receiverFingerprint").setText(settings.receiver_fingerprint or "None pinned yet")
        self._label("enrolmentState").setText(ENROLMENT_WORDS.get(settings.enrolment, settings.enrolment))
        self.sync_button.setEnabled(settings.configured and not self.busy)
        self._fill_table(sync_service.outbox_items(self._store))

    def _fill_table(self, lines) -> None:
        self._lines = lines
        self.table.setRowCount(len(lines))
        for row, line in enumerate(lines):
            cells = (
                line.child_name or "-",
                f"{line.kind_label} {line.record_id[:8]} v{line.version}",
                format_date(line.finalised_at.date()),
                line.state_label,
                str(line.attempts),
                _reason(line),
            )
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(line.record_id if col == 1 else text)
                self.table.setItem(row, col, item)
        found = {
            state: sum(1 for line in lines if line.state == state) for state in sync_service.outbox.STATES
        }
        self._label("summary").setText(
            f"{found['queued'] + found['sending']} waiting to send, {found['delivered']} delivered, "
            f"{found['rejected']} refused by the council."
            if lines
            else "No signed records yet. Finalise a review to sign it; it then waits here for the council."
        )

    def _selection_changed(self) -> None:
        row = self.table.currentRow()
        self.requeue_button.setEnabled(0 <= row < len(self._lines) and self._lines[row].state == "rejected")

    @property
    def busy(self) -> bool:
        return self.operation is not None and self.operation.running

    def _start(self, work, progress=None) -> bool:
        """One sync or enrolment at a time; locking cancels it (the sync stops after its record)."""
        if self.busy:
            return False
        self.operation = operations.run_job(work, self._on_done, self._on_failed, progress=progress)
        return True

    def sync_now(self) -> None:
        if self._start(
            lambda job: sync_service.sync_once(
                self._store, on_progress=job.progress, should_stop=job.cancelled
            ),
            self._on_progress,
        ):
            self.sync_button.setEnabled(False)
            self.progress.setRange(0, 0)  # busy until the first record is counted
            self.progress.show()
            self._label("lastResult").setText("Sending...")

    def _on_progress(self, done: int, total: int) -> None:
        self.progress.setRange(0, total)
        self.progress.setValue(done)

    def _on_done(self, report) -> None:
        if self._enrolling:
            self._enrolling = False
            self._label("settingsMessage").setText("")
            self.refresh()
            return
        self.progress.hide()
        parts = [
            f"Delivered {len(report.delivered)}",
            f"to retry {len(report.retried)}",
            f"refused {len(report.rejected)}",
        ]
        text = ", ".join(parts) + "."
        text = f"{report.stopped} {text}" if report.stopped else text
        text = f"{text} {report.trail}" if report.trail else text
        self._label("lastResult").setText(f"{text} {report.feed.summary()}" if report.feed else text)
        trail_refused = report.trail is not None and not report.trail_taken
        set_tone(self._label("lastResult"), "problem" if trail_refused else None)
        self.refresh()
        self.synced.emit(report)

    def _on_failed(self, exc: Exception) -> None:
        message = operations.explain(exc)
        if self._enrolling:
            self._enrolling = False
            self._label("settingsMessage").setText(message)
            return
        self.progress.hide()
        self._label("lastResult").setText(f"Sync stopped: {message}")
        self.refresh()

    def send_again(self) -> None:
        row = self.table.currentRow()
        if 0 <= row < len(self._lines):
            sync_service.requeue(self._store, self._lines[row].item_id)
            self.refresh()

    def enrol(self) -> None:
        server = self.server_edit.text().strip()
        if not server.startswith(("https://", "http://")):
            self._label("settingsMessage").setText(
                "The address starts with https:// (ask the council for it)."
            )
            return
        if self._start(lambda _job: sync_service.enrol(self._store, server)):
            self._enrolling = True
            self._label("settingsMessage").setText("Asking the receiver...")

    def choose_ca_file(self) -> None:
        chosen, _ = QFileDialog.getOpenFileName(
            self, "The council's CA certificate", "", "Certificates (*.pem *.crt *.cer);;All files (*)"
        )
        if chosen:
            self.ca_edit.setText(chosen)
            self.save_ca_file()

    def save_ca_file(self) -> None:
        """Read the named file's certificate into the encrypted store: the path itself is not kept."""
        try:
            sync_service.set_ca_file(self._store, self.ca_edit.text())
        except Problem as exc:
            self._label("settingsMessage").setText(str(exc))  # the typed path stays in the field
            return
        self.ca_edit.clear()
        self._label("settingsMessage").setText(
            "Pinned: the certificate is kept in this device's encrypted store; the file is no longer needed."
        )
        self.refresh()

    def forget_pin(self) -> None:
        answer = QMessageBox.question(
            self,
            "Forget the certificate pin",
            "Only do this when the council tells you its receiver's certificate has changed. The next "
            "enrolment or sync then pins whatever certificate the receiver presents, if this computer's "
            "authorities vouch for it. Forget the pin?",
            defaultButton=QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        sync_service.forget_pin(self._store)
        self._label("settingsMessage").setText(
            "The pin is forgotten: enrol again to pin the receiver's certificate, or choose the council's CA."
        )
        self.refresh()


def _reason(line) -> str:
    if line.state == "delivered" and line.delivered_at:
        return f"Receipt kept, received {format_date(line.delivered_at.date())}"
    if line.state == "queued" and line.last_error:
        return f"Will try again: {line.last_error}"
    return line.last_error or ""
