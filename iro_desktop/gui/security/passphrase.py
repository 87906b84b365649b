"""File > Change passphrase and File > Create a recovery key.

Both work on the key file beside the store (store/database.py): the data key is rewrapped, the caseload
itself is never re-encrypted, and a wrong passphrase changes nothing.
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontDatabase, QTextDocument
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from iro_desktop.domain.calendar import format_date
from iro_desktop.gui import operations
from iro_desktop.gui.forms import find, load_into
from iro_desktop.gui.widgets.new_passphrase import NewPassphraseFields
from iro_desktop.store import audit, keys
from iro_desktop.store.database import add_recovery_key, change_passphrase
from iro_desktop.store.errors import StoreError, WrongPassphrase
from iro_desktop.store.passphrase_policy import new_recovery_key

Ok, Close = QDialogButtonBox.StandardButton.Ok, QDialogButtonBox.StandardButton.Close

CHANGED = (
    "<b>Passphrase changed.</b><p>The old passphrase no longer opens this caseload; use the new one "
    "from now on.</p><p>Backups made before now still open only with the old passphrase, because each "
    "backup keeps the key file as it was when the backup was made. Make a new backup (File &gt; Back up "
    "now...) so that you have one that opens with the new passphrase, and remember the old one for as "
    "long as you may need the older backups.</p><p>A recovery key made earlier goes on working.</p>"
)
RECOVERY_INSTRUCTIONS = (
    "<ol><li>Print it, or copy it out exactly.</li>"
    "<li>Give it to your council to store safely, away from this laptop: not in the laptop bag, and "
    "not on a note with the laptop.</li>"
    "<li>If your passphrase is ever lost, the key sets a new one: your council's IT team runs<br>"
    "<tt>iro-desktop passphrase --recovery-key-file FILE</tt><br>with the key in FILE.</li></ol>"
    "<p>Anyone who has both this key and the laptop can open the caseload: guard it as you would the "
    "passphrase. Changing your passphrase later leaves this key working; making another recovery key "
    "replaces it.</p>"
)
HAS_RECOVERY = (
    "This caseload already has a recovery key. Making a new one replaces it: the earlier key stops "
    "working at once, so ask your council to destroy it once they hold the new one."
)
NO_RECOVERY = "This caseload has no recovery key yet."


class _KeyFileWork:
    """The key derivation (about half a second) off the UI thread, the OK button saying what is happening;
    the dialog is neither closed nor asked again until the key file is written."""

    def __init__(self, dialog: QDialog, ok: QPushButton, saying: str) -> None:
        self.dialog, self.ok, self.saying = dialog, ok, saying
        self.operation: operations.Operation | None = None

    @property
    def busy(self) -> bool:
        return self.operation is not None and self.operation.running

    def start(self, work, done, refused) -> None:
        """The dialog (a FinishesFirst) is disabled meanwhile, and holds the operation so that it is not
        closed half-way through writing the key file."""
        if self.busy:
            return
        label = self.ok.text()

        def show(busy: bool) -> None:
            self.ok.setText(self.saying if busy else label)

        self.dialog.setEnabled(False)
        self.operation = self.dialog.operation = operations.run_in_background(
            work, lambda _r: self._then(done), lambda exc: self._then(lambda: refused(exc)), show
        )

    def _then(self, step) -> None:
        self.dialog.setEnabled(True)
        step()


def show_page(dialog: QDialog, pages: list[QWidget], index: int) -> None:
    """Show one page, hide the others, and fit the dialog to what is shown."""
    for i, page in enumerate(pages):
        page.setVisible(i == index)
    dialog.page = index
    dialog.adjustSize()


def has_recovery_key(store) -> bool:
    return "recovery" in keys.read_key_file(keys.key_file_for(store.path)).get("slots", {})


class ChangePassphraseDialog(operations.FinishesFirst, QDialog):
    def __init__(self, store, parent=None) -> None:
        super().__init__(parent)
        load_into(self, "change_passphrase_dialog.ui")
        self.store = store
        profile = store.profile()
        self.current: QLineEdit = find(self, QLineEdit, "currentPassphrase")
        self.current_error: QLabel = find(self, QLabel, "currentError")
        self.error: QLabel = find(self, QLabel, "errorLabel")
        self.fields = NewPassphraseFields(self, known_words=(profile.iro_name, profile.council_name))
        area = find(self, QWidget, "newPassphraseArea").layout()
        area.setContentsMargins(0, 0, 0, 0)
        area.addWidget(self.fields)
        self.fields.layout().setContentsMargins(0, 0, 0, 0)
        strength = self.fields.strength  # room for the longest advice: the dialog need not grow
        strength.setMinimumHeight(strength.fontMetrics().lineSpacing() * 6)
        strength.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self._align_labels()
        self.pages = [find(self, QWidget, "formPage"), find(self, QWidget, "donePage")]
        self.buttons: QDialogButtonBox = find(self, QDialogButtonBox, "buttons")
        self.ok = self.buttons.button(Ok)
        self.ok.setText("&Change passphrase")
        self.buttons.accepted.connect(self.try_change)
        self.buttons.rejected.connect(self.reject)
        self.work = _KeyFileWork(self, self.ok, "Changing the passphrase…")
        self.current.textChanged.connect(self._update)
        self.fields.changed.connect(self._update)
        QWidget.setTabOrder(self.current, self.fields.first)
        QWidget.setTabOrder(self.fields.first, self.fields.second)
        QWidget.setTabOrder(self.fields.second, self.buttons)
        self.current_error.hide()
        self.error.hide()
        self._update()
        show_page(self, self.pages, 0)
        self.current.setFocus()

    def _align_labels(self) -> None:
        """The two forms (current; new and again) share one label width, so their fields line up."""
        labels = [
            find(self, QLabel, "currentLabel"),
            *(find(self, QLabel, n) for n in ("newLabel", "repeatLabel")),
        ]
        width = max(label.sizeHint().width() for label in labels)
        for label in labels:
            label.setMinimumWidth(width)

    def _update(self) -> None:
        self.ok.setEnabled(bool(self.current.text()) and self.fields.problem() is None)
        self.current_error.hide()

    def try_change(self) -> None:
        if not self.ok.isEnabled():
            return
        path, current, new = self.store.path, self.current.text(), self.fields.passphrase()
        self.work.start(lambda: change_passphrase(path, current, new), self._changed, self._not_changed)

    def _not_changed(self, exc: Exception) -> None:
        if isinstance(exc, WrongPassphrase):
            self.current_error.setText("That is not the current passphrase. Nothing was changed.")
            self.current_error.show()
            self.current.selectAll()
            self.current.setFocus()
            return
        if isinstance(exc, (StoreError, OSError)):
            self.error.setText(f"The passphrase was not changed: {operations.explain(exc)}")
            self.error.show()
            return
        operations.report_failure(exc)

    def _changed(self) -> None:
        audit.record(self.store, "passphrase_changed")
        self.current.clear()
        self.fields.clear()
        find(self, QLabel, "doneLabel").setText(CHANGED)
        show_page(self, self.pages, 1)
        self.buttons.setStandardButtons(Close)
        self.buttons.rejected.disconnect(self.reject)
        self.buttons.rejected.connect(self.accept)  # Close now means done, not cancelled


class RecoveryKeyDialog(operations.FinishesFirst, QDialog):
    def __init__(self, store, parent=None) -> None:
        super().__init__(parent)
        load_into(self, "recovery_key_dialog.ui")
        self.store = store
        self.key = ""
        self.passphrase: QLineEdit = find(self, QLineEdit, "passphrase")
        self.passphrase_error: QLabel = find(self, QLabel, "passphraseError")
        self.key_label: QLabel = find(self, QLabel, "keyLabel")
        self.stored: QCheckBox = find(self, QCheckBox, "storedCheck")
        self.pages = [find(self, QWidget, "askPage"), find(self, QWidget, "keyPage")]
        self.buttons: QDialogButtonBox = find(self, QDialogButtonBox, "buttons")
        self.buttons.button(Ok).setText("Make the recovery &key")
        self.work = _KeyFileWork(self, self.buttons.button(Ok), "Making the recovery key…")
        self.buttons.accepted.connect(self.make_key)
        self.buttons.rejected.connect(self.reject)
        find(self, QLabel, "replaceLabel").setText(HAS_RECOVERY if has_recovery_key(store) else NO_RECOVERY)
        find(self, QLabel, "instructionsLabel").setText(RECOVERY_INSTRUCTIONS)
        find(self, QPushButton, "printButton").clicked.connect(self.print_dialog)
        self.stored.toggled.connect(self._stored_toggled)
        font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        font.setPointSize(18)
        font.setBold(True)
        self.key_label.setFont(font)
        self.passphrase_error.hide()
        self.passphrase.textChanged.connect(self.passphrase_error.hide)
        show_page(self, self.pages, 0)

    @property
    def showing_key(self) -> bool:
        return self.page == 1

    def make_key(self) -> None:
        if self.showing_key:
            return
        key, path, passphrase = new_recovery_key(), self.store.path, self.passphrase.text()
        self.work.start(
            lambda: add_recovery_key(path, passphrase, key), lambda: self._made(key), self._not_made
        )

    def _not_made(self, exc: Exception) -> None:
        if isinstance(exc, WrongPassphrase):
            self._problem("That passphrase does not open this caseload. No recovery key was made.")
            return
        if isinstance(exc, (StoreError, OSError)):
            self._problem(f"No recovery key was made: {operations.explain(exc)}")
            return
        operations.report_failure(exc)

    def _made(self, key: str) -> None:
        audit.record(self.store, "recovery_key_created")  # never the key itself
        self.passphrase.clear()
        self.key = key
        self.key_label.setText(key)
        self.key_label.setMinimumWidth(self.key_label.sizeHint().width())  # never cut short or wrapped
        show_page(self, self.pages, 1)
        self.buttons.setStandardButtons(Close)
        self.buttons.button(Close).setEnabled(False)
        self.buttons.rejected.disconnect(self.reject)
        self.buttons.rejected.connect(self._close_when_stored)
        self.key_label.setFocus()

    def _problem(self, message: str) -> None:
        self.passphrase_error.setText(message)
        self.passphrase_error.show()
        self.passphrase.selectAll()
        self.passphrase.setFocus()

    def _stored_toggled(self, ticked: bool) -> None:
        self.buttons.button(Close).setEnabled(ticked)

    def _close_when_stored(self) -> None:
        if self.stored.isChecked():
            self.accept()

    # --- the key is shown once: it may not be closed away by accident before it is stored --------------

    def keyPressEvent(self, event) -> None:  # noqa: N802 (Qt override)
        if event.key() == Qt.Key.Key_Escape and self.showing_key and not self.stored.isChecked():
            event.ignore()
            return
        super().keyPressEvent(event)

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt override)
        # Only the window's own close button is refused: the app quitting or locking still closes it.
        if event.spontaneous() and self.showing_key and not self.stored.isChecked():
            event.ignore()
            return
        super().closeEvent(event)

    def showEvent(self, event) -> None:  # noqa: N802 (Qt override)
        super().showEvent(event)
        self.adjustSize()  # wrapped text is measured properly only once the dialog is on screen

    def done(self, result: int) -> None:
        """However it closes (including locking), the key leaves the screen."""
        self.key_label.clear()
        self.key = ""
        super().done(result)

    # --- printing ----------------------------------------------------------------------------------

    def page_html(self) -> str:
        profile = self.store.profile()
        who = ", ".join(filter(None, [profile.iro_name, profile.council_name])) or "this laptop's caseload"
        made = format_date(self.store.clock.today())
        return (
            f"<h2>iro-desktop recovery key</h2><p>For: {escape(who)}<br>Made: {made}"
            f"<br>Store: {escape(self.store.store_id)}</p>"
            "<p style='font-family: monospace; font-size: 16pt; white-space: pre;'>"
            f"<b>{escape(self.key)}</b></p>" + RECOVERY_INSTRUCTIONS
        )

    def print_key(self, printer) -> None:
        document = QTextDocument()
        document.setHtml(self.page_html())
        document.print_(printer)

    def print_dialog(self) -> None:
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter

        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        if QPrintDialog(printer, self).exec() == QDialog.DialogCode.Accepted:
            self.print_key(printer)
