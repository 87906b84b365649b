"""The unlock dialog as an IRO meets it: a wrong passphrase says so and keeps what they can retry."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from iro_desktop.gui.unlock import UnlockDialog
from tests.conftest import PASSPHRASE


def _type_and_press_enter(qtbot, dialog, secret):
    dialog.passphrase.clear()
    qtbot.keyClicks(dialog.passphrase, secret)
    qtbot.keyClick(dialog.passphrase, Qt.Key.Key_Return)


def test_wrong_passphrase_shows_one_plain_message_and_stays_open(qtbot, store, store_path):
    store.close()
    dialog = UnlockDialog(store_path)
    qtbot.addWidget(dialog)
    dialog.show()
    _type_and_press_enter(qtbot, dialog, "not-my-passphrase")
    assert dialog.isVisible() and dialog.store is None
    assert dialog.error.isVisible()
    assert dialog.error.text() == "That passphrase does not open this store."
    _type_and_press_enter(qtbot, dialog, PASSPHRASE)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.store is not None and dialog.passphrase.text() == ""
    dialog.store.close()


def test_a_damaged_store_is_explained_not_a_traceback(qtbot, store, store_path):
    store.close()
    store_path.write_bytes(store_path.read_bytes()[:5000])
    dialog = UnlockDialog(store_path)
    qtbot.addWidget(dialog)
    dialog.show()
    _type_and_press_enter(qtbot, dialog, PASSPHRASE)
    assert "cut short" in dialog.error.text() and dialog.store is None


def test_every_control_has_an_accessible_name(qtbot, store_path, store):
    dialog = UnlockDialog(store_path)
    qtbot.addWidget(dialog)
    assert dialog.passphrase.accessibleName() == "Passphrase"
    assert dialog.passphrase.echoMode() == dialog.passphrase.EchoMode.Password
