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
    if dialog.unlocking:  # the key is derived off the UI thread
        qtbot.waitUntil(lambda: not dialog.unlocking)


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


def test_repeated_wrong_passphrases_are_slowed_never_locked_out_and_audited(qtbot, store, store_path):
    from iro_desktop.gui.unlock import retry_delay_seconds
    from iro_desktop.store import audit

    assert [retry_delay_seconds(n) for n in (1, 2, 3, 4, 8, 20)] == [0, 1, 2, 4, 30, 30]
    store.close()
    dialog = UnlockDialog(store_path)
    qtbot.addWidget(dialog)
    dialog.show()
    _type_and_press_enter(qtbot, dialog, "guess-one")
    assert dialog.unlock_button.isEnabled()  # the first slip costs nothing
    _type_and_press_enter(qtbot, dialog, "guess-two")
    assert not dialog.unlock_button.isEnabled() and "Wait 1 seconds" in dialog.error.text()
    _type_and_press_enter(qtbot, dialog, PASSPHRASE)  # ignored while waiting
    assert dialog.store is None and not dialog.unlocking
    qtbot.waitUntil(dialog.unlock_button.isEnabled, timeout=3000)
    _type_and_press_enter(qtbot, dialog, PASSPHRASE)
    assert dialog.store is not None
    (entry,) = audit.entries(dialog.store)
    assert entry.action == "failed_unlocks" and entry.detail == "2 wrong passphrases first"
    dialog.store.close()


def test_the_dialog_says_it_is_unlocking_while_the_key_is_derived(qtbot, store, store_path, monkeypatch):
    import threading

    import iro_desktop.store as store_api
    from iro_desktop.gui import operations

    store.close()
    gate, real_open = threading.Event(), store_api.open_store

    def slowly(db, secret):  # a laptop deriving the key slowly: held until the test lets it go
        gate.wait(10)
        return real_open(db, secret)

    monkeypatch.setattr(store_api, "open_store", slowly)
    dialog = UnlockDialog(store_path)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.passphrase, PASSPHRASE)
    qtbot.keyClick(dialog.passphrase, Qt.Key.Key_Return)
    assert dialog.unlocking and dialog.isVisible()
    qtbot.waitUntil(dialog.busy.isVisible, timeout=2000)  # after a moment it says what it is doing
    assert "Unlocking" in dialog.busy.text() and not dialog.unlock_button.isEnabled()
    assert dialog.passphrase.isReadOnly()
    gate.set()
    qtbot.waitUntil(lambda: not dialog.unlocking)
    assert dialog.result() == QDialog.DialogCode.Accepted and not dialog.busy.isVisible()
    assert not operations.busy_now()
    dialog.store.close()
