"""The Finalise dialog's checklist: what blocks, what to sign past with a reason, and a view date that
cannot sign. Cancel is the default button, so Enter never signs."""

from __future__ import annotations

import json
from datetime import timedelta

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QListWidget, QPushButton

from iro_desktop.domain.calendar import format_date
from iro_desktop.gui.review.finalise import FinaliseDialog
from iro_desktop.services.minutes import minutes, set_participation
from iro_desktop.services.text_limits import REASON
from iro_desktop.store.models import Review, SignedRecord
from tests.conftest import TODAY, sign_review
from tests.records.conftest import ready_reviews


def _dialog(qtbot, store, review_id, as_of=TODAY) -> FinaliseDialog:
    dialog = FinaliseDialog(store, review_id, as_of)
    qtbot.addWidget(dialog)
    return dialog


def _ready_with_warnings(store) -> int:
    return next(r for r in ready_reviews(store, 50) if minutes(store, r, TODAY).warnings)


def _status(store, review_id) -> str:
    with store.session() as s:
        return s.get(Review, review_id).status


def test_each_warning_waits_for_a_reason_and_the_reasons_are_signed(qtbot, demo_store):
    review_id = _ready_with_warnings(demo_store)
    warnings = minutes(demo_store, review_id, TODAY).warnings
    dialog = _dialog(qtbot, demo_store, review_id)
    labels = dialog.findChildren(QLabel)
    shown = [label.text() for label in labels if label.objectName().startswith("warning_")]
    assert shown == [w.text for w in warnings]
    assert list(dialog.reasons) == [w.key for w in warnings]
    for w in warnings:
        assert w.text in dialog.reasons[w.key].accessibleName()

    reasons = {w.key: f"Reason {n}: the meeting ran short." for n, w in enumerate(warnings)}
    for w in warnings:
        assert not dialog.finalise_button.isEnabled()
        qtbot.keyClicks(dialog.reasons[w.key], reasons[w.key])
    assert dialog.finalise_button.isEnabled()
    dialog.finalise_button.click()
    qtbot.waitUntil(lambda: not dialog.signing)  # signed off the UI thread

    assert dialog.result() == dialog.DialogCode.Accepted
    with demo_store.session() as s:
        signed = s.get(SignedRecord, dialog.finalised.signed_record_id)
        overrides = json.loads(signed.canonical_json)["content"]["overrides"]
    assert overrides == [{"warning": w.text, "reason": reasons[w.key]} for w in warnings]


def test_a_blank_reason_does_not_count(qtbot, demo_store):
    review_id = _ready_with_warnings(demo_store)
    dialog = _dialog(qtbot, demo_store, review_id)
    for edit in dialog.reasons.values():
        qtbot.keyClicks(edit, "   ")
    assert not dialog.finalise_button.isEnabled()
    assert "give a reason" in dialog.findChild(QLabel, "stillNeeded").text()


def test_a_view_date_other_than_today_cannot_sign_and_says_why(qtbot, demo_store):
    review_id = _ready_with_warnings(demo_store)
    later = TODAY + timedelta(days=30)
    dialog = _dialog(qtbot, demo_store, review_id, as_of=later)
    notice = dialog.findChild(QLabel, "notice")
    assert notice.isVisibleTo(dialog)
    assert f"You are viewing {format_date(later)}" in notice.text() and format_date(TODAY) in notice.text()
    assert not dialog.finalise_button.isEnabled()
    dialog.finalise()  # even called directly, the view date reaches the service, which refuses
    qtbot.waitUntil(lambda: not dialog.signing)
    assert "you are viewing" in dialog.findChild(QLabel, "message").text()
    assert dialog.finalised is None and _status(demo_store, review_id) == "held"


def test_today_shows_no_notice(qtbot, demo_store):
    dialog = _dialog(qtbot, demo_store, _ready_with_warnings(demo_store))
    assert not dialog.findChild(QLabel, "notice").isVisibleTo(dialog)


def test_enter_cancels_even_when_signing_is_ready(qtbot, demo_store):
    review_id = _ready_with_warnings(demo_store)
    dialog = _dialog(qtbot, demo_store, review_id)
    cancel = dialog.findChild(QPushButton, "cancelButton")
    assert cancel.isDefault()
    assert not dialog.finalise_button.isDefault() and not dialog.finalise_button.autoDefault()
    for edit in dialog.reasons.values():
        qtbot.keyClicks(edit, "Signed in a test.")
    assert dialog.finalise_button.isEnabled()
    dialog.show()
    qtbot.waitExposed(dialog)
    qtbot.keyClick(dialog, Qt.Key.Key_Return)
    assert dialog.result() == dialog.DialogCode.Rejected and not dialog.isVisible()
    assert dialog.finalised is None and _status(demo_store, review_id) == "held"


def test_enter_in_a_reason_moves_on_and_keeps_the_dialog_open(qtbot, demo_store):
    dialog = _dialog(qtbot, demo_store, _ready_with_warnings(demo_store))
    dialog.show()
    qtbot.waitExposed(dialog)
    first = next(iter(dialog.reasons.values()))
    first.setFocus()
    qtbot.keyClicks(first, "The child chose not to come.")
    qtbot.keyClick(first, Qt.Key.Key_Return)
    assert dialog.isVisible() and not first.hasFocus()
    assert first.text() == "The child chose not to come."


def test_a_blocking_problem_keeps_signing_off_whatever_the_reasons(qtbot, demo_store):
    review_id = _ready_with_warnings(demo_store)
    set_participation(demo_store, review_id, None)
    dialog = _dialog(qtbot, demo_store, review_id)
    problems = dialog.findChild(QListWidget, "problemsList")
    assert problems.isVisibleTo(dialog)
    assert any("took part" in problems.item(i).text() for i in range(problems.count()))
    for edit in dialog.reasons.values():
        qtbot.keyClicks(edit, "Signed in a test.")
    assert not dialog.finalise_button.isEnabled()


def test_a_signed_review_says_so_and_cannot_be_signed_again(qtbot, demo_store):
    review_id = _ready_with_warnings(demo_store)
    sign_review(demo_store, review_id)
    dialog = _dialog(qtbot, demo_store, review_id)
    assert "has been signed" in dialog.findChild(QLabel, "notice").text()
    assert not dialog.reasons and not dialog.finalise_button.isEnabled()


def test_a_reason_too_long_to_hold_is_refused_whole(qtbot, demo_store):
    dialog = _dialog(qtbot, demo_store, _ready_with_warnings(demo_store))
    key, edit = next(iter(dialog.reasons.items()))
    qtbot.keyClicks(edit, "Short. ")
    QApplication.clipboard().setText("x" * (REASON + 1))
    edit.paste()
    note = dialog.findChild(QLabel, f"reasonNote_{key}")
    qtbot.waitUntil(lambda: edit.text() == "Short. ", timeout=2000)
    assert note.isVisibleTo(dialog) and f"{len('Short. ') + REASON + 1:,} characters" in note.text()
    assert "Nothing was added: the field keeps what it had" in note.text()
    QApplication.clipboard().setText("It fits.")
    edit.paste()
    assert edit.text() == "Short. It fits." and not note.isVisibleTo(dialog)


def test_a_correction_reason_too_long_to_hold_is_refused_whole(qtbot, demo_store):
    from iro_desktop.services.finalise import open_correction

    review_id = _ready_with_warnings(demo_store)
    sign_review(demo_store, review_id)
    open_correction(demo_store, review_id)
    dialog = _dialog(qtbot, demo_store, review_id)
    dialog.reason.setPlainText("The dental date was wrong.")
    dialog.reason.insertPlainText("x" * REASON)
    qtbot.waitUntil(lambda: dialog.reason.toPlainText() == "The dental date was wrong.", timeout=2000)
    assert f"{len('The dental date was wrong.') + REASON:,} characters" in (
        dialog.findChild(QLabel, "reasonNote").text()
    )


def test_the_sign_button_reads_as_what_it_does(qtbot, demo_store):
    dialog = _dialog(qtbot, demo_store, _ready_with_warnings(demo_store))
    assert dialog.finalise_button.text() == "&Finalise and sign"
    assert dialog.findChild(QLabel, "heading").text().startswith("Finalise and sign")
    assert all(isinstance(e, QLineEdit) and e.accessibleName() for e in dialog.reasons.values())


def test_signing_says_so_and_cannot_be_cancelled_halfway(qtbot, demo_store, monkeypatch):
    import threading

    from iro_desktop.services import sync as sync_service

    review_id = _ready_with_warnings(demo_store)
    gate, real_finalise = threading.Event(), sync_service.finalise_review

    def slowly(*args, **kwargs):  # a record with a long PDF on a slow laptop: held until the test lets go
        gate.wait(10)
        return real_finalise(*args, **kwargs)

    monkeypatch.setattr(sync_service, "finalise_review", slowly)
    dialog = _dialog(qtbot, demo_store, review_id)
    dialog.show()
    for edit in dialog.reasons.values():
        qtbot.keyClicks(edit, "Signed in a test.")
    dialog.finalise_button.click()
    message = dialog.findChild(QLabel, "message")
    qtbot.waitUntil(lambda: message.text() == "Signing the review record…", timeout=2000)
    assert not dialog.finalise_button.isEnabled()
    dialog.reject()  # Cancel or Esc while the record is being written: it goes on
    assert dialog.isVisible() and dialog.signing
    gate.set()
    qtbot.waitUntil(lambda: not dialog.signing)
    assert dialog.result() == dialog.DialogCode.Accepted and _status(demo_store, review_id) == "finalised"
