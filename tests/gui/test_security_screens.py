"""The security screens as an IRO meets them: audit trail, passphrase, recovery key, daily backups."""

from __future__ import annotations

import re
import shutil
import subprocess
import threading

import pytest
from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QDialogButtonBox, QMainWindow
from sqlalchemy import update

from iro_desktop.gui.main_window import MainWindow
from iro_desktop.gui.security import passphrase as passphrase_module
from iro_desktop.gui.security.audit_view import AuditTrailDialog
from iro_desktop.gui.security.auto_backup import AutoBackupDialog, AutoBackupTimer
from iro_desktop.gui.security.passphrase import ChangePassphraseDialog, RecoveryKeyDialog
from iro_desktop.services import auto_backup as auto_backup_service
from iro_desktop.services.auto_backup import AutoBackupSettings, backup_name, save_settings, settings
from iro_desktop.store import audit, open_store
from iro_desktop.store.backup import restore
from iro_desktop.store.database import reset_passphrase_with_recovery_key
from iro_desktop.store.errors import WrongPassphrase
from iro_desktop.store.models import AuditEntry
from tests.conftest import PASSPHRASE, TODAY

NEW_PASSPHRASE = "orchard-lantern-pebble-river"
Ok, Close = QDialogButtonBox.StandardButton.Ok, QDialogButtonBox.StandardButton.Close


def _rows(dialog):
    model = dialog.table.model()
    return [[model.index(r, c).data() for c in range(4)] for r in range(model.rowCount())]


# --- audit trail -------------------------------------------------------------------------------------


def _some_history(store):
    audit.record(store, "unlock", detail="desktop app")
    audit.record(store, "view_child", subject="C4521")
    audit.record(store, "backup", detail="60 children, checked after writing")
    audit.record(store, "something_new")


def test_audit_trail_lists_newest_first_with_plain_labels_and_says_it_is_intact(qtbot, store):
    _some_history(store)
    dialog = AuditTrailDialog(store)
    qtbot.addWidget(dialog)
    rows = _rows(dialog)
    assert [r[1] for r in rows] == [
        "Something new",
        "Made a backup",
        "Opened a child's page",
        "Unlocked the store",
    ]
    assert rows[2][2] == "C4521" and rows[1][3] == "60 children, checked after writing"
    assert re.fullmatch(r"\d{1,2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}", rows[0][0])
    assert dialog.chain.text() == "The trail is intact: 4 entries, none changed or removed."
    assert len(audit.entries(store)) == 4  # looking at the trail is not itself recorded


def test_audit_trail_filters_by_action(qtbot, store):
    _some_history(store)
    audit.record(store, "view_child", subject="C7730")
    dialog = AuditTrailDialog(store)
    qtbot.addWidget(dialog)
    choices = [dialog.filter.itemText(i) for i in range(dialog.filter.count())]
    assert choices[0] == "All actions" and "Opened a child's page" in choices
    dialog.filter.setCurrentText("Opened a child's page")
    assert [r[2] for r in _rows(dialog)] == ["C7730", "C4521"]
    assert dialog.count.text() == "2 entries shown"
    dialog.show_only(None)
    assert len(_rows(dialog)) == 5


def test_audit_trail_shows_where_the_chain_was_broken(qtbot, store):
    _some_history(store)
    with store.session() as s:  # someone edits an entry behind the app's back
        s.execute(update(AuditEntry).where(AuditEntry.id == 2).values(subject="C9999"))
    dialog = AuditTrailDialog(store)
    qtbot.addWidget(dialog)
    assert dialog.chain.text().startswith("The trail has been tampered with.")
    assert "Entry 2: this entry was changed after it was written." in dialog.chain.text()


# --- change passphrase --------------------------------------------------------------------------------


def _settle(qtbot, dialog) -> None:
    """The key derivation runs off the UI thread: wait for its answer, as the IRO does."""
    qtbot.waitUntil(lambda: not dialog.work.busy, timeout=20_000)


def test_changing_says_so_on_its_button_and_the_dialog_waits_for_the_key_file(
    qtbot, store, store_path, monkeypatch
):
    gate = threading.Event()
    real = passphrase_module.change_passphrase
    monkeypatch.setattr(passphrase_module, "change_passphrase", lambda *args: gate.wait(10) and real(*args))
    dialog = _change_dialog(qtbot, store)
    qtbot.keyClicks(dialog.current, PASSPHRASE)
    qtbot.keyClicks(dialog.fields.first, NEW_PASSPHRASE)
    qtbot.keyClicks(dialog.fields.second, NEW_PASSPHRASE)
    qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.ok.text() == "Changing the passphrase…", timeout=5000)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)  # half-way through writing the key file
    assert dialog.isVisible() and not dialog.ok.isEnabled()
    gate.set()
    _settle(qtbot, dialog)
    assert dialog.page == 1  # changed, and said so
    open_store(store_path, NEW_PASSPHRASE).close()


def _change_dialog(qtbot, store):
    dialog = ChangePassphraseDialog(store)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_change_passphrase_waits_for_a_strong_new_one_typed_twice(qtbot, store):
    dialog = _change_dialog(qtbot, store)
    qtbot.keyClicks(dialog.current, PASSPHRASE)
    assert not dialog.ok.isEnabled()
    qtbot.keyClicks(dialog.fields.first, "Alex Example Borough")  # the IRO's and council's names
    qtbot.keyClicks(dialog.fields.second, "Alex Example Borough")
    assert not dialog.ok.isEnabled() and "too easy to guess" in dialog.fields.strength.text()
    dialog.fields.clear()
    qtbot.keyClicks(dialog.fields.first, NEW_PASSPHRASE)
    qtbot.keyClicks(dialog.fields.second, NEW_PASSPHRASE)
    assert dialog.ok.isEnabled()


def test_a_wrong_current_passphrase_is_told_at_the_field_and_changes_nothing(qtbot, store, store_path):
    dialog = _change_dialog(qtbot, store)
    qtbot.keyClicks(dialog.current, "not-the-passphrase")
    qtbot.keyClicks(dialog.fields.first, NEW_PASSPHRASE)
    qtbot.keyClicks(dialog.fields.second, NEW_PASSPHRASE)
    qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
    _settle(qtbot, dialog)
    assert dialog.current_error.isVisible()
    assert dialog.current_error.text() == "That is not the current passphrase. Nothing was changed."
    assert dialog.isVisible() and dialog.page == 0
    open_store(store_path, PASSPHRASE).close()  # the old one still opens
    with pytest.raises(WrongPassphrase):
        open_store(store_path, NEW_PASSPHRASE)
    assert "passphrase_changed" not in [line.action for line in audit.entries(store)]


def test_changing_the_passphrase_says_what_it_means_for_backups(qtbot, store, store_path):
    dialog = _change_dialog(qtbot, store)
    qtbot.keyClicks(dialog.current, PASSPHRASE)
    qtbot.keyClicks(dialog.fields.first, NEW_PASSPHRASE)
    qtbot.keyClicks(dialog.fields.second, NEW_PASSPHRASE)
    qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
    _settle(qtbot, dialog)
    done = dialog.findChild(type(dialog.current_error), "doneLabel").text()
    assert "old passphrase no longer opens" in done and "Backups made before now" in done
    with pytest.raises(WrongPassphrase):
        open_store(store_path, PASSPHRASE)
    open_store(store_path, NEW_PASSPHRASE).close()
    assert audit.entries(store, limit=1)[0].label == "Changed the passphrase"
    assert dialog.current.text() == "" and dialog.fields.passphrase() == ""
    dialog.buttons.button(Close).click()
    assert not dialog.isVisible()


def test_backups_made_before_a_change_still_need_the_old_passphrase(store, tmp_path):
    """What the success message claims, checked against store/backup.py."""
    from iro_desktop.store.backup import BackupError, backup
    from iro_desktop.store.database import change_passphrase

    made = backup(store, tmp_path / "before.iro-backup").path
    change_passphrase(store.path, PASSPHRASE, NEW_PASSPHRASE)
    with pytest.raises(BackupError, match="passphrase the store had when the backup was made"):
        restore(made, tmp_path / "a.db", NEW_PASSPHRASE)
    restore(made, tmp_path / "b.db", PASSPHRASE)


# --- recovery key -------------------------------------------------------------------------------------


def _make_key(qtbot, store, passphrase=PASSPHRASE):
    dialog = RecoveryKeyDialog(store)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.passphrase, passphrase)
    dialog.buttons.button(Ok).click()
    _settle(qtbot, dialog)
    return dialog


def test_a_wrong_passphrase_makes_no_recovery_key(qtbot, store):
    dialog = _make_key(qtbot, store, "not-the-passphrase")
    assert (
        dialog.passphrase_error.isVisible() and "No recovery key was made" in dialog.passphrase_error.text()
    )
    assert not dialog.showing_key and dialog.key == ""
    assert "recovery_key_created" not in [line.action for line in audit.entries(store)]


def test_the_recovery_key_is_shown_once_and_close_waits_for_the_tick(qtbot, store, store_path):
    dialog = _make_key(qtbot, store)
    key = dialog.key_label.text()
    assert re.fullmatch(r"([A-Z2-9]{5}-){7}[A-Z2-9]{5}", key)
    assert dialog.key_label.font().family() and dialog.key_label.font().pointSize() >= 16
    assert "--recovery-key-file" in dialog.findChild(type(dialog.key_label), "instructionsLabel").text()
    close = dialog.buttons.button(Close)
    assert not close.isEnabled()
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert dialog.isVisible()  # Esc does not lose the key by accident
    dialog.stored.setChecked(True)
    close.click()
    assert not dialog.isVisible() and dialog.key_label.text() == ""
    reset_passphrase_with_recovery_key(store_path, key, NEW_PASSPHRASE)  # the key really works
    open_store(store_path, NEW_PASSPHRASE).close()
    trail = audit.entries(store)
    assert trail[0].label == "Made a recovery key"
    assert not any(key in f"{line.subject}{line.detail}" for line in trail)


def test_a_new_recovery_key_replaces_the_old_one_and_the_dialog_says_so(qtbot, store, store_path):
    first = _make_key(qtbot, store)
    old_key = first.key
    first.stored.setChecked(True)
    first.buttons.button(Close).click()
    second = RecoveryKeyDialog(store)
    qtbot.addWidget(second)
    assert "already has a recovery key" in second.findChild(type(second.key_label), "replaceLabel").text()
    qtbot.keyClicks(second.passphrase, PASSPHRASE)
    second.buttons.button(Ok).click()
    _settle(qtbot, second)
    with pytest.raises(WrongPassphrase):
        reset_passphrase_with_recovery_key(store_path, old_key, NEW_PASSPHRASE)
    reset_passphrase_with_recovery_key(store_path, second.key, NEW_PASSPHRASE)


def test_the_recovery_key_prints_to_a_page(qtbot, store, tmp_path):
    dialog = _make_key(qtbot, store)
    printer = QPrinter()
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "key.pdf"))
    dialog.print_key(printer)
    assert (tmp_path / "key.pdf").read_bytes().startswith(b"%PDF")
    if shutil.which("pdftotext"):  # the key on one line, exactly as shown
        text = subprocess.run(["pdftotext", tmp_path / "key.pdf", "-"], capture_output=True, text=True).stdout
        assert dialog.key in text.splitlines()
    assert dialog.key in dialog.page_html() and "Example Borough" in dialog.page_html()


# --- automatic backups --------------------------------------------------------------------------------


def _wait_for_backup(qtbot, dialog) -> None:
    qtbot.waitUntil(lambda: not dialog.operation.running, timeout=20_000)


def test_a_slow_backup_says_what_it_is_doing_and_is_not_started_twice(qtbot, store, tmp_path, monkeypatch):
    gate = threading.Event()
    real = auto_backup_service.run_daily_backup
    monkeypatch.setattr(auto_backup_service, "run_daily_backup", lambda *args: gate.wait(10) and real(*args))
    folder = tmp_path / "backups"
    folder.mkdir()
    save_settings(store, AutoBackupSettings(enabled=True, folder=str(folder)))
    dialog = AutoBackupDialog(store, today=lambda: TODAY)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.back_up_now_button.click()
    assert dialog.message.text() == "Making the backup and checking it…"
    assert not dialog.back_up_now_button.isEnabled()
    timer = AutoBackupTimer(store, None, today=lambda: TODAY)  # the hourly check comes round meanwhile
    assert not timer.busy  # it does not start a second one
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert dialog.isVisible()  # not closed half-way through writing the backup
    gate.set()
    _wait_for_backup(qtbot, dialog)
    assert "Daily backup made and checked" in dialog.message.text() and dialog.back_up_now_button.isEnabled()
    timer.stop()


def test_the_dialog_saves_the_setting_and_backs_up_now(qtbot, store, tmp_path):
    folder = tmp_path / "backups"
    folder.mkdir()
    (folder / "iro-desktop-2026-11-01.iro-backup").write_bytes(b"an older one")
    dialog = AutoBackupDialog(store, today=lambda: TODAY)
    qtbot.addWidget(dialog)
    assert dialog.message.text() == "No folder chosen yet." and not dialog.back_up_now_button.isEnabled()
    dialog.set_folder(folder)
    dialog.enabled.setChecked(True)
    assert settings(store) == AutoBackupSettings(enabled=True, folder=str(folder))
    dialog.back_up_now_button.click()
    _wait_for_backup(qtbot, dialog)
    assert (folder / backup_name(TODAY)).is_file()
    assert "Daily backup made and checked: 0 children" in dialog.message.text()
    assert "Last backup: 25 Nov 2026" in dialog.message.text()
    assert dialog.kept.item(0).text().startswith("25 Nov 2026")
    assert dialog.kept.count() == 2


def test_the_dialog_explains_a_folder_that_has_gone(qtbot, store, tmp_path):
    save_settings(store, AutoBackupSettings(enabled=True, folder=str(tmp_path / "usb-stick")))
    dialog = AutoBackupDialog(store, today=lambda: TODAY)
    qtbot.addWidget(dialog)
    assert "cannot be found" in dialog.message.text()
    dialog.back_up_now_button.click()
    _wait_for_backup(qtbot, dialog)
    assert "No backup was made and no older backup was deleted" in dialog.message.text()
    assert audit.entries(store, limit=1)[0].label == "A backup failed"


def test_unlocking_makes_the_days_backup_and_it_restores(qtbot, store, tmp_path):
    folder = tmp_path / "backups"
    folder.mkdir()
    save_settings(store, AutoBackupSettings(enabled=True, folder=str(folder)))
    window = MainWindow(store, TODAY)  # as just unlocked
    qtbot.addWidget(window)
    made = folder / backup_name(TODAY)
    qtbot.waitUntil(lambda: made.exists() and not window.auto_backup.busy, timeout=20_000)
    qtbot.waitUntil(lambda: "Daily backup made" in window.statusBar().currentMessage())
    assert window.auto_backup.check() is False  # made once a day, not every hour
    window.lock()  # the timer goes with the store
    assert window.auto_backup is None
    info = restore(made, tmp_path / "restored.db", PASSPHRASE)  # checks it fully and opens it
    assert info.store_id == store.store_id


def test_a_failed_daily_backup_goes_to_the_status_bar_and_the_audit_trail(qtbot, store, tmp_path):
    save_settings(store, AutoBackupSettings(enabled=True, folder=str(tmp_path / "unplugged")))
    window = QMainWindow()
    qtbot.addWidget(window)
    timer = AutoBackupTimer(store, window, today=lambda: TODAY)
    qtbot.waitUntil(lambda: timer.last_message != "", timeout=20_000)
    assert "cannot be found" in window.statusBar().currentMessage()
    assert audit.entries(store, limit=1)[0].action == "backup_failed"
    timer.stop()
    assert not timer.check()  # stopped: no new backup starts while the store closes


def test_nothing_happens_while_daily_backups_are_off(qtbot, store, tmp_path):
    folder = tmp_path / "backups"
    folder.mkdir()
    save_settings(store, AutoBackupSettings(enabled=False, folder=str(folder)))
    timer = AutoBackupTimer(store, None, today=lambda: TODAY)
    assert timer.check() is False and list(folder.iterdir()) == []
    timer.stop()
