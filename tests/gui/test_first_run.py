"""The first-run set-up driven as a new IRO would: each page, each way to start, and what is left on disk."""

from __future__ import annotations

import threading

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QLabel, QWizard
from sqlalchemy import func, select

from iro_desktop.gui.first_run.wizard import FirstRunWizard
from iro_desktop.services import first_run
from iro_desktop.services.sync import sync_settings
from iro_desktop.store import open_store
from iro_desktop.store.database import reset_passphrase_with_recovery_key
from iro_desktop.store.keys import TEST_KDF
from iro_desktop.store.models import Child
from tests.conftest import PASSPHRASE, TODAY

NEXT, FINISH, COMMIT = (
    QWizard.WizardButton.NextButton,
    QWizard.WizardButton.FinishButton,
    QWizard.WizardButton.CommitButton,
)


def _open(qtbot, tmp_path, db=None) -> FirstRunWizard:
    wizard = FirstRunWizard(db or tmp_path / "caseload.db", TODAY, kdf=TEST_KDF, demo_db=tmp_path / "demo.db")
    qtbot.addWidget(wizard)
    wizard.show()
    return wizard


def _page(wizard) -> str:
    return wizard.currentPage().objectName()


def _fill_to_start(qtbot, wizard, recovery=True, receiver="https://receiver.northshire.example") -> None:
    """Welcome, you and your council, passphrase, hours and receiver, as a new IRO fills them in."""
    wizard.next()
    assert _page(wizard) == "aboutYouPage" and not wizard.button(NEXT).isEnabled()
    qtbot.keyClicks(wizard.iro_name, "Sam Fictional")
    qtbot.keyClicks(wizard.council, "Northshire County Council")
    assert wizard.button(NEXT).isEnabled()
    wizard.next()
    assert _page(wizard) == "passphrasePage"
    qtbot.keyClicks(wizard.passphrase_fields.first, PASSPHRASE)
    qtbot.keyClicks(wizard.passphrase_fields.second, PASSPHRASE)
    wizard.recovery_check.setChecked(recovery)
    assert wizard.button(NEXT).isEnabled()
    wizard.next()
    assert _page(wizard) == "hoursPage"
    wizard.hours.setValue(30)
    wizard.next()
    qtbot.keyClicks(wizard.receiver, receiver)
    wizard.next()
    assert _page(wizard) == "startPage"


def _made(qtbot, wizard) -> None:
    """The store is made off the UI thread: wait for it, as the IRO does."""
    qtbot.waitUntil(lambda: not wizard.creating, timeout=30_000)


def _text(wizard, label: str) -> str:
    return wizard.findChild(QLabel, label).text()


def _children(store) -> int:
    with store.session() as s:
        return s.scalar(select(func.count(Child.id)))


def test_a_weak_passphrase_keeps_next_disabled_and_says_why(qtbot, tmp_path):
    wizard = _open(qtbot, tmp_path)
    wizard.next()
    qtbot.keyClicks(wizard.iro_name, "Sam Fictional")
    qtbot.keyClicks(wizard.council, "Northshire County Council")
    wizard.next()
    fields = wizard.passphrase_fields
    for weak in ("Password1!", "Northshire County Council"):  # common, then the council's own name
        fields.clear()
        qtbot.keyClicks(fields.first, weak)
        qtbot.keyClicks(fields.second, weak)
        assert not wizard.button(NEXT).isEnabled()
        assert "too easy to guess" in fields.strength.text() or "at least" in fields.strength.text()
    fields.clear()
    qtbot.keyClicks(fields.first, PASSPHRASE)
    qtbot.keyClicks(fields.second, PASSPHRASE + "x")
    assert not wizard.button(NEXT).isEnabled() and "differ" in fields.strength.text()


def test_empty_start_makes_a_store_that_opens_with_the_passphrase_and_holds_what_was_typed(qtbot, tmp_path):
    wizard = _open(qtbot, tmp_path)
    _fill_to_start(qtbot, wizard, recovery=False)
    assert wizard.button(FINISH).isVisible() and wizard.button(FINISH).text() == "&Create"
    wizard.start_radios[first_run.EMPTY].setChecked(True)
    wizard.button(FINISH).click()
    _made(qtbot, wizard)
    assert wizard.result() == QWizard.DialogCode.Accepted and wizard.start == first_run.EMPTY
    wizard.store.close()
    store = open_store(tmp_path / "caseload.db", PASSPHRASE)
    try:
        profile = store.profile()
        assert (profile.iro_name, profile.council_name, profile.hours_per_week) == (
            "Sam Fictional",
            "Northshire County Council",
            30,
        )
        assert sync_settings(store).server == "https://receiver.northshire.example"
        assert _children(store) == 0
    finally:
        store.close()
    assert not (tmp_path / "demo.db").exists()


def test_the_recovery_key_is_shown_once_and_must_be_stored_before_starting(qtbot, tmp_path):
    wizard = _open(qtbot, tmp_path)
    _fill_to_start(qtbot, wizard, recovery=True)
    wizard.start_radios[first_run.IMPORT_903].setChecked(True)
    assert wizard.button(COMMIT).isVisible() and wizard.button(COMMIT).text() == "&Create"
    wizard.next()
    _made(qtbot, wizard)
    assert _page(wizard) == "recoveryPage" and wizard.store is not None
    key = _text(wizard, "recoveryKeyLabel")
    assert len(key) == 47 and not wizard.button(FINISH).isEnabled()
    assert not wizard.button(QWizard.WizardButton.CancelButton).isVisible()  # the store is made already
    wizard.stored_check.setChecked(True)
    wizard.button(FINISH).click()
    assert wizard.result() == QWizard.DialogCode.Accepted and wizard.start == first_run.IMPORT_903
    wizard.store.close()
    reset_passphrase_with_recovery_key(tmp_path / "caseload.db", key, "marmalade-heron-windmill-77")
    open_store(tmp_path / "caseload.db", "marmalade-heron-windmill-77").close()


def test_demo_start_opens_a_separate_demo_store(qtbot, tmp_path):
    wizard = _open(qtbot, tmp_path)
    _fill_to_start(qtbot, wizard, recovery=False, receiver="")
    wizard.start_radios[first_run.DEMO].setChecked(True)
    wizard.button(FINISH).click()
    _made(qtbot, wizard)
    demo = wizard.store
    try:
        assert demo.path == tmp_path / "demo.db" and demo.profile().is_demo and _children(demo) == 60
    finally:
        demo.close()
    own = open_store(tmp_path / "caseload.db", PASSPHRASE)
    try:
        assert _children(own) == 0 and not own.profile().is_demo
    finally:
        own.close()


def test_a_folder_that_cannot_be_used_gives_a_plain_message_and_leaves_nothing(qtbot, tmp_path):
    (tmp_path / "iro-desktop").write_text("a file where the folder should be")
    wizard = _open(qtbot, tmp_path, db=tmp_path / "iro-desktop" / "caseload.db")
    _fill_to_start(qtbot, wizard, recovery=True)
    wizard.next()
    _made(qtbot, wizard)
    assert _page(wizard) == "startPage" and wizard.store is None
    assert "could not be saved" in _text(wizard, "startProblem")
    assert [p.name for p in tmp_path.iterdir()] == ["iro-desktop"]


def test_missing_names_and_a_bad_receiver_address_are_explained_at_the_field(qtbot, tmp_path):
    wizard = _open(qtbot, tmp_path)
    wizard.next()
    qtbot.keyClicks(wizard.iro_name, "Sam Fictional")
    assert not wizard.button(NEXT).isEnabled() and "council's name" in _text(wizard, "aboutYouProblem")
    qtbot.keyClicks(wizard.council, "Northshire County Council")
    wizard.button(NEXT).click()
    qtbot.keyClicks(wizard.passphrase_fields.first, PASSPHRASE)
    qtbot.keyClicks(wizard.passphrase_fields.second, PASSPHRASE)
    wizard.button(NEXT).click()
    assert "37 hours a week" in _text(wizard, "guidanceLabel") and "50 to 70" in _text(
        wizard, "guidanceLabel"
    )
    wizard.button(NEXT).click()
    qtbot.keyClicks(wizard.receiver, "receiver.northshire.example")
    wizard.button(NEXT).click()
    assert _page(wizard) == "receiverPage" and "https://" in _text(wizard, "receiverProblem")


def test_a_logo_that_is_not_a_picture_is_explained_at_the_field(qtbot, tmp_path):
    (tmp_path / "crest.png").write_text("not a picture")
    wizard = _open(qtbot, tmp_path)
    wizard.next()
    qtbot.keyClicks(wizard.iro_name, "Sam Fictional")
    qtbot.keyClicks(wizard.council, "Northshire County Council")
    qtbot.keyClicks(wizard.logo_edit, str(tmp_path / "crest.png"))
    wizard.button(NEXT).click()
    assert _page(wizard) == "aboutYouPage" and "not a picture" in _text(wizard, "aboutYouProblem")


def test_the_app_with_no_store_opens_the_set_up_and_starts_on_the_import(qtbot, tmp_path):
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from iro_desktop.gui.app import set_up

    def fill_in() -> None:
        wizard = next(
            w for w in QApplication.topLevelWidgets() if isinstance(w, FirstRunWizard) and w.isVisible()
        )
        _fill_to_start(qtbot, wizard, recovery=False, receiver="")
        wizard.start_radios[first_run.IMPORT_903].setChecked(True)
        wizard.button(FINISH).click()

    QTimer.singleShot(0, fill_in)
    store, import_now = set_up(tmp_path / "iro-desktop.db", TODAY)  # the real KDF: about a second
    try:
        assert import_now and store.profile().iro_name == "Sam Fictional"
    finally:
        store.close()


def test_the_window_keeps_handling_events_while_the_store_is_made(qtbot, tmp_path, monkeypatch):
    """The work (the KDF; the demo takes seconds) runs beside the window's event loop, not on it: here the
    work can only finish if a timer in the window's thread fires while it runs."""
    wizard = _open(qtbot, tmp_path)
    _fill_to_start(qtbot, wizard, recovery=False, receiver="")
    real_create, released, seen = first_run.create, threading.Event(), {}
    ticks = QTimer(wizard)  # in the window's thread: it fires only while that thread's loop turns
    ticks.timeout.connect(lambda: released.set() if "waiting" in seen else None)
    ticks.start(10)

    def create_once_the_window_answers(*args, **kwargs):
        seen["waiting"] = True
        seen["window answered"] = released.wait(timeout=10)
        seen["disabled meanwhile"] = not wizard.isEnabled()
        return real_create(*args, **kwargs)

    monkeypatch.setattr(first_run, "create", create_once_the_window_answers)
    wizard.button(FINISH).click()
    _made(qtbot, wizard)
    assert seen == {"waiting": True, "window answered": True, "disabled meanwhile": True}
    assert wizard.store is not None and wizard.isEnabled()
    wizard.store.close()
