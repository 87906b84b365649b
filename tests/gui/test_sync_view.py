"""The Sync view and the Finalise action, as the IRO uses them."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QLabel, QListWidget, QPushButton

from iro_desktop.gui.review.finalise import FinaliseDialog
from iro_desktop.gui.sync.view import SyncView
from iro_desktop.records.keys import device_fingerprint
from iro_desktop.services.minutes import minutes
from iro_desktop.store.models import Review
from iro_desktop.sync import outbox
from tests.conftest import TODAY, sign_review
from tests.records.conftest import ready_reviews
from tests.sync.live import LiveReceiver, enrolled


@pytest.fixture
def receiver(tmp_path):
    live = LiveReceiver(tmp_path).start()
    yield live
    live.stop()


def _states(view):
    return [view.table.item(row, 3).text() for row in range(view.table.rowCount())]


def test_the_outbox_shows_each_record_and_the_fingerprint_in_groups(qtbot, demo_store):
    view = SyncView(demo_store)
    qtbot.addWidget(view)
    waiting = len(outbox.outbox_items(demo_store))
    assert waiting and _states(view) == ["Waiting to send"] * waiting
    records = [view.table.item(row, 1).text() for row in range(view.table.rowCount())]
    assert all(text.startswith("Review record ") and text.endswith(" v1") for text in records)
    shown = view.findChild(QLabel, "deviceFingerprint").text()
    assert shown.split() == device_fingerprint(demo_store).split("-")
    assert "Not enrolled" in view.findChild(QLabel, "enrolmentState").text()
    assert not view.sync_button.isEnabled()  # nowhere to send to yet


def test_sync_now_delivers_and_the_states_change(qtbot, demo_store, receiver):
    enrolled(demo_store, receiver)
    view = SyncView(demo_store)
    qtbot.addWidget(view)
    assert view.sync_button.isEnabled()
    with qtbot.waitSignal(view.synced, timeout=20_000) as sent:
        view.sync_button.click()
    assert sent.args[0].delivered
    assert set(_states(view)) == {"Delivered"}
    assert "Receipt kept" in view.table.item(0, 5).text()
    last = view.findChild(QLabel, "lastResult")
    assert (
        "Delivered" in last.text()
        and "The council holds this device's audit trail up to entry" in last.text()
    )
    assert not last.property("tone")


def test_a_trail_cut_after_a_sync_shows_as_a_problem_after_the_next(qtbot, demo_store, receiver):
    from sqlalchemy import delete, select

    from iro_desktop.store.models import AuditEntry
    from tests.sync.live import queue_signed_records

    enrolled(demo_store, receiver)
    view = SyncView(demo_store)
    qtbot.addWidget(view)
    with qtbot.waitSignal(view.synced, timeout=20_000):
        view.sync_button.click()
    with demo_store.session() as s:  # someone with the passphrase hides the last thing they did
        newest = s.scalars(select(AuditEntry.id).order_by(AuditEntry.id.desc()).limit(2)).all()
        s.execute(delete(AuditEntry).where(AuditEntry.id.in_(newest)))
    queue_signed_records(demo_store, 1)
    with qtbot.waitSignal(view.synced, timeout=20_000) as sent:
        view.sync_button.click()
    last = view.findChild(QLabel, "lastResult")
    assert sent.args[0].delivered and "cut or rewound" in last.text()
    assert last.property("tone") == "problem"


def test_enrolling_from_the_view_pins_the_receiver(qtbot, store, receiver):
    view = SyncView(store)
    qtbot.addWidget(view)
    view.server_edit.setText(receiver.url)
    view.enrol()
    label = view.findChild(QLabel, "receiverFingerprint")
    qtbot.waitUntil(lambda: label.text() != "None pinned yet", timeout=20_000)
    assert "Waiting for the council" in view.findChild(QLabel, "enrolmentState").text()


def test_a_bad_certificate_path_is_explained_and_kept(qtbot, store):
    view = SyncView(store)
    qtbot.addWidget(view)
    view.ca_edit.setText("/nowhere/council-ca.pem")
    view.save_ca_file()
    assert "no file" in view.findChild(QLabel, "settingsMessage").text()
    assert view.ca_edit.text() == "/nowhere/council-ca.pem"


def test_choosing_a_ca_file_stores_its_pem_and_shows_what_is_pinned(qtbot, store, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QFileDialog, QMessageBox

    from iro_desktop.sync.tls_pin import TLS_PIN_SETTING
    from tests.sync.tls import Authority

    council = Authority.make("Example Borough Test CA")
    ca_file = council.write(tmp_path / "council-ca.pem")
    view = SyncView(store)
    qtbot.addWidget(view)
    pinned = view.findChild(QLabel, "pinState")
    assert "Nothing pinned yet" in pinned.text() and not view.forget_button.isEnabled()
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(ca_file), ""))
    view.findChild(QPushButton, "caChooseButton").click()
    assert store.get_setting(TLS_PIN_SETTING)["pem"] == council.pem.decode()  # the PEM, not the path
    assert "CN=Example Borough Test CA" in pinned.text() and "encrypted store" in pinned.text()
    assert (
        view.ca_edit.text() == "" and "no longer needed" in view.findChild(QLabel, "settingsMessage").text()
    )
    ca_file.unlink()  # the file is not needed any more
    view.refresh()
    assert "CN=Example Borough Test CA" in pinned.text()
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    view.forget_button.click()
    assert store.get_setting(TLS_PIN_SETTING) is None and "Nothing pinned yet" in pinned.text()


def test_a_file_holding_no_certificate_is_refused(qtbot, store, tmp_path):
    from iro_desktop.sync.tls_pin import TLS_PIN_SETTING

    not_pem = tmp_path / "notes.txt"
    not_pem.write_text("Not a certificate.")
    view = SyncView(store)
    qtbot.addWidget(view)
    view.ca_edit.setText(str(not_pem))
    view.save_ca_file()
    assert "no certificate" in view.findChild(QLabel, "settingsMessage").text()
    assert store.get_setting(TLS_PIN_SETTING) is None


def test_enrolling_over_tls_shows_the_receivers_pinned_certificate_key(qtbot, store, tmp_path, monkeypatch):
    from tests.sync.tls import Authority, TLSReceiver

    council = Authority.make("Example Borough Test CA")
    monkeypatch.setenv("SSL_CERT_FILE", str(council.write(tmp_path / "system-cas.pem")))  # trusted here
    served = council.issue(tmp_path / "pki", "receiver")
    (tmp_path / "receiver").mkdir()
    live = TLSReceiver(tmp_path / "receiver", served).start()
    try:
        view = SyncView(store)
        qtbot.addWidget(view)
        view.server_edit.setText(live.url)
        view.enrol()
        pinned = view.findChild(QLabel, "pinState")
        qtbot.waitUntil(lambda: "certificate key" in pinned.text(), timeout=20_000)
        assert served.spki_sha256[:8] in pinned.text() and view.forget_button.isEnabled()
    finally:
        live.stop()


def test_the_finalise_dialog_lists_what_stops_it(qtbot, store_path, demo_store):
    review_id = ready_reviews(demo_store)[0]
    with demo_store.session() as s:
        s.get(Review, review_id).participation_code = None
    dialog = FinaliseDialog(demo_store, review_id, TODAY)
    qtbot.addWidget(dialog)
    problems = dialog.findChild(QListWidget, "problemsList")
    assert problems.count() == 1 and "took part" in problems.item(0).text()
    assert not dialog.findChild(QPushButton, "finaliseButton").isEnabled()


def test_finalising_from_the_dialog_signs_and_locks_the_review(qtbot, demo_store):
    review_id = ready_reviews(demo_store)[0]
    dialog = FinaliseDialog(demo_store, review_id, TODAY)
    qtbot.addWidget(dialog)
    assert not dialog.problems.isVisibleTo(dialog)
    for edit in dialog.reasons.values():
        qtbot.keyClicks(edit, "Signed in a test.")
    dialog.finalise_button.click()
    qtbot.waitUntil(lambda: not dialog.signing)  # signed off the UI thread
    assert dialog.result() == dialog.DialogCode.Accepted and dialog.finalised.version == 1
    assert minutes(demo_store, review_id, TODAY).status == "finalised"
    again = FinaliseDialog(demo_store, review_id, TODAY)
    qtbot.addWidget(again)
    assert not again.finalise_button.isEnabled()


def test_a_correction_asks_why(qtbot, demo_store):
    from iro_desktop.services.finalise import open_correction

    review_id = ready_reviews(demo_store)[0]
    sign_review(demo_store, review_id)
    open_correction(demo_store, review_id)
    dialog = FinaliseDialog(demo_store, review_id, TODAY)
    qtbot.addWidget(dialog)
    assert dialog.findChild(QLabel, "heading").text().startswith("Correct and sign")
    for edit in dialog.reasons.values():
        qtbot.keyClicks(edit, "Signed in a test.")
    assert not dialog.finalise_button.isEnabled()
    assert "why the record is being corrected" in dialog.findChild(QLabel, "stillNeeded").text()
    dialog.reason.setPlainText("The health section left out the dental check.")
    assert dialog.finalise_button.isEnabled()
    dialog.finalise_button.click()
    qtbot.waitUntil(lambda: not dialog.signing)
    assert dialog.finalised.version == 2


def test_background_sync_runs_quietly_only_when_a_receiver_is_set(qtbot, demo_store, receiver):
    from iro_desktop.gui.sync.background import BackgroundSync

    background = BackgroundSync(demo_store)
    assert background.run_now() is False  # not enrolled: nothing to try
    enrolled(demo_store, receiver)
    with qtbot.waitSignal(background.synced, timeout=20_000) as sent:
        assert background.run_now()
    assert len(sent.args[0].delivered) == len(outbox.outbox_items(demo_store))
    background.stop()


def test_a_fault_in_the_background_sync_goes_to_the_log_not_nowhere(
    qtbot, demo_store, receiver, caplog, monkeypatch
):
    from iro_desktop.gui.sync.background import BackgroundSync
    from iro_desktop.services import sync as sync_service

    enrolled(demo_store, receiver)
    background = BackgroundSync(demo_store)

    def faulty(*_args, **_kwargs):
        raise KeyError("a bug, not a refusal")

    monkeypatch.setattr(sync_service, "sync_once", faulty)
    assert background.run_now()
    qtbot.waitUntil(lambda: not background.operation.running)
    qtbot.wait(50)  # the answer is handed back on the screen's thread
    faults = [r for r in caplog.records if r.name == "iro_desktop.gui" and r.exc_info]
    assert [r.exc_info[0] for r in faults] == [KeyError]
    background.stop()
