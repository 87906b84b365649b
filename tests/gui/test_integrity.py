"""A store found damaged after unlocking: the IRO is told, nothing more is saved, the backup comes back."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QInputDialog, QMessageBox
from sqlalchemy import select

from iro_desktop.gui import operations
from iro_desktop.gui.main_window import MainWindow
from iro_desktop.gui.review.minute import MinutePage
from iro_desktop.gui.security.integrity import RESTORE
from iro_desktop.services.auto_backup import AutoBackupSettings, backup_name, save_settings
from iro_desktop.store import open_store
from iro_desktop.store.backup import backup
from iro_desktop.store.errors import WritesStopped
from iro_desktop.store.models import AuditEntry, Child
from tests.conftest import PASSPHRASE, TODAY, first_review
from tests.store.test_integrity import damage_a_later_page
from tests.store.test_store import _add_child

DAMAGED = "The store is damaged"


def _answer_in_turn(*answers) -> list[str]:
    """Answer each modal dialog as it opens (their exec() would otherwise block the test); returns
    what each one said."""
    said: list[str] = []
    waiting = list(answers)

    def act() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is not None and waiting and waiting[0](dialog, said):
            waiting.pop(0)
        if waiting:
            QTimer.singleShot(20, act)

    QTimer.singleShot(0, act)
    return said


def _click(title: str, button: str):
    def answer(dialog, said) -> bool:
        if not isinstance(dialog, QMessageBox) or dialog.windowTitle() != title:
            return False
        said.append(f"{dialog.text()} {dialog.informativeText()}".strip())
        next(b for b in dialog.buttons() if b.text().replace("&", "") == button).click()
        return True

    return answer


def _type_passphrase(passphrase: str | None = PASSPHRASE):
    """Type it and press Restore; None: Cancel."""

    def answer(dialog, said) -> bool:
        if not isinstance(dialog, QInputDialog):
            return False
        said.append(dialog.labelText())
        if passphrase is None:
            dialog.reject()
            return True
        dialog.setTextValue(passphrase)
        dialog.accept()
        return True

    return answer


def _children(store) -> list[str]:
    with store.session() as s:
        return list(s.scalars(select(Child.first_name).order_by(Child.id)))


def _damaged(store, store_path, backups=None):
    """Maja is in the store (and in a daily backup, when `backups` is a folder); Kai is added after; then
    a page well inside the file is garbled, and the store unlocked again."""
    _add_child(store)
    if backups is not None:
        backups.mkdir()
        save_settings(store, AutoBackupSettings(True, str(backups)))
        backup(store, backups / backup_name(TODAY))  # today's: the timer has none to make
    _add_child(store, "C002", "Kai")
    damage_a_later_page(store)
    return open_store(store_path, PASSPHRASE)


def _window(qtbot, store) -> MainWindow:
    window = MainWindow(store, TODAY)
    qtbot.addWidget(window)
    window.show()
    return window


def test_restoring_the_latest_backup_brings_the_store_back(qtbot, store, store_path, tmp_path):
    damaged = _damaged(store, store_path, tmp_path / "backups")
    said = _answer_in_turn(_click(DAMAGED, RESTORE), _type_passphrase(), _click("Store restored", "OK"))
    window = _window(qtbot, damaged)
    qtbot.waitUntil(lambda: len(said) == 3, timeout=20_000)
    assert said[0].startswith("iro-desktop checked the store and found it damaged (part of it cannot be")
    assert "nothing more is being saved" in said[0] and "Anything saved since that backup" in said[0]
    assert said[1].startswith("Type the passphrase the store had on")
    assert said[2].startswith(f"The store was restored from the backup made on {TODAY.day} ")
    assert "kept beside it as caseload.db.before-restore. Unlock to go on" in said[2]
    assert window.store is None and window.pages.currentWidget() is window.lock_screen
    assert window.lock_screen.isEnabled()
    assert (store_path.parent / "caseload.db.before-restore").exists()

    restored = open_store(store_path, PASSPHRASE)
    assert _children(restored) == ["Maja"]  # as at the backup: Kai came after it
    assert restored.check_integrity() is None
    with restored.session() as s:
        assert s.scalars(select(AuditEntry.action).order_by(AuditEntry.id.desc())).first() == "restore"
    window.resume(restored)  # as the unlock dialog does; the check runs again, and finds nothing
    qtbot.waitUntil(lambda: not operations.busy_now(), timeout=20_000)
    assert QApplication.activeModalWidget() is None and not restored.writes_stopped
    window.close()


def test_a_wrong_passphrase_for_the_backup_changes_nothing_and_may_be_typed_again(
    qtbot, store, store_path, tmp_path
):
    damaged = _damaged(store, store_path, tmp_path / "backups")
    said = _answer_in_turn(
        _click(DAMAGED, RESTORE),
        _type_passphrase("not-the-passphrase"),
        _click("Store not restored", "OK"),
        _type_passphrase(None),
    )
    window = _window(qtbot, damaged)
    qtbot.waitUntil(lambda: len(said) == 4, timeout=20_000)
    assert said[2] == (
        "That passphrase does not open this backup: use the passphrase the store had when the backup "
        "was made. Nothing was changed."
    )
    assert said[3].startswith("Type the passphrase the store had on")
    assert window.store is None and window.lock_screen.isEnabled()  # locked: unlocking offers it again
    assert not (store_path.parent / "caseload.db.before-restore").exists()
    still = open_store(store_path, PASSPHRASE)  # the same store as before, Kai and all
    assert _children(still) == ["Maja", "Kai"]
    still.close()


def test_not_now_leaves_the_store_open_for_reading_and_saves_nothing_more(qtbot, store, store_path):
    damaged = _damaged(store, store_path)
    said = _answer_in_turn(_click(DAMAGED, "Not now"))
    window = _window(qtbot, damaged)
    qtbot.waitUntil(lambda: bool(said), timeout=20_000)
    assert window.store is damaged and damaged.writes_stopped
    assert "Nothing more is being saved" in window.statusBar().currentMessage()
    assert _children(damaged) == ["Maja", "Kai"]
    window.lock()  # locking writes no audit entry to a store that takes no more
    assert window.store is None


def test_with_no_backup_the_iro_is_told_where_backups_are_set_up(qtbot, store, store_path):
    damaged = _damaged(store, store_path)
    said = _answer_in_turn(_click(DAMAGED, RESTORE), _click("No backup found", "OK"))
    window = _window(qtbot, damaged)
    qtbot.waitUntil(lambda: len(said) == 2, timeout=20_000)
    assert said[1] == (
        "There is no daily backup to restore the store from. Daily backups are set up in "
        "Tools > Automatic backups. Until the store is restored, nothing more is saved."
    )
    assert window.store is damaged  # still open, to read
    window.close()


def test_autosave_says_nothing_more_is_saved_and_keeps_the_typing(qtbot, demo_store):
    review_id = first_review(demo_store, "planned")
    page = MinutePage(demo_store, review_id, TODAY)
    qtbot.addWidget(page)
    demo_store.stop_writes("part of it cannot be read")
    editor = page.editors["health"]
    typed = "Settled at the Mapleton placement; she says school is better this term."
    editor.setPlainText(typed)
    page.flush()
    assert page.section_message.text() == str(WritesStopped("part of it cannot be read"))
    assert page.saved_label.text() == "Not saved: see the message"
    assert editor.toPlainText() == typed
