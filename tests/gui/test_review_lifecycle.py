"""A review's life on screen: a held review is opened again, a signed one is read-only on both tabs, the
date a screen is viewed as of never dates what is saved, and no field cuts text short without a word."""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QApplication,
    QCalendarWidget,
    QComboBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
)
from sqlalchemy import select

from iro_desktop.gui.forms import find
from iro_desktop.gui.main_window import MainWindow
from iro_desktop.gui.review.finalise import FinaliseDialog
from iro_desktop.gui.review.workspace import ReviewWorkspace
from iro_desktop.gui.widgets.optional_date import OptionalDateEdit
from iro_desktop.services import minutes as svc
from iro_desktop.services import review_prep
from iro_desktop.store import open_store
from iro_desktop.store.models import Review, ReviewSection
from tests.conftest import PASSPHRASE, TODAY

AHEAD = TODAY + timedelta(days=30)


def _first(store, status: str) -> Review:
    with store.session() as s:
        return s.scalars(select(Review).where(Review.status == status).order_by(Review.id)).first()


def _workspace(qtbot, store, review_id, as_of=TODAY) -> ReviewWorkspace:
    workspace = ReviewWorkspace(store, review_id, as_of, "Review")
    qtbot.addWidget(workspace)
    workspace.show()
    qtbot.waitExposed(workspace)
    return workspace


def test_a_signed_review_is_read_only_on_both_tabs_and_offers_only_a_correction(qtbot, demo_store):
    signed = _first(demo_store, "finalised")
    workspace = _workspace(qtbot, demo_store, signed.id)
    assert workspace.banner.isVisible() and workspace.banner.text().startswith(
        "Signed on 25 Nov 2026, version 1"
    )
    assert workspace.finalise_button.isHidden() and not workspace.correct_button.isHidden()

    workspace.tabs.setCurrentWidget(workspace.minute)
    editor = workspace.minute.current_editor()
    before = editor.toPlainText()
    editor.setFocus()
    qtbot.keyClicks(editor, "A later thought")
    workspace.flush()
    assert editor.isReadOnly() and editor.toPlainText() == before
    assert "Not saved" not in workspace.minute.saved_label.text()
    assert (
        workspace.minute.held_date.isReadOnly()
        and not find(workspace.minute, QPushButton, "addWishButton").isEnabled()
    )

    workspace.tabs.setCurrentWidget(workspace.prepare)
    venue = find(workspace.prepare, QLineEdit, "venueEdit")
    venue.setFocus()
    qtbot.keyClicks(venue, " (back door)")
    workspace.flush()
    assert venue.isReadOnly() and not venue.text().endswith("(back door)")
    with demo_store.session() as s:
        assert s.get(Review, signed.id).venue == signed.venue
        assert (
            s.scalar(select(ReviewSection.id).where(ReviewSection.text.contains("A later thought"))) is None
        )


def test_a_held_review_is_opened_again_by_prepare_review(qtbot, demo_store):
    window = MainWindow(demo_store, TODAY)
    qtbot.addWidget(window)
    window.show()
    planned = _first(demo_store, "planned")
    window.caseload.select_child(planned.child_id)
    window.prepare_selected()
    assert window.review.review_id == planned.id
    window.review.minute.held_date.commit_date(TODAY)  # the IRO starts the meeting by entering the date
    window.show_caseload()
    window.caseload.select_child(planned.child_id)
    window.prepare_selected()  # Ctrl+R again: the same review, to finish its minutes
    assert window.review.review_id == planned.id and _first(demo_store, "held") is not None
    assert window.review.minute.held_date.date() == TODAY


def test_held_today_and_held_on_the_planned_date_are_one_key_each(qtbot, demo_store):
    planned = _first(demo_store, "planned")
    yesterday = TODAY - timedelta(days=1)
    review_prep.set_when_where(demo_store, planned.id, yesterday, "10:00", planned.venue)
    workspace = _workspace(qtbot, demo_store, planned.id)
    minute = workspace.minute
    workspace.tabs.setCurrentWidget(minute)
    find(minute, QPushButton, "heldPlannedButton").click()
    assert svc.minutes(demo_store, planned.id, TODAY).held_date == yesterday
    assert minute.held_date.text() == "24 Nov 2026"
    find(minute, QPushButton, "heldTodayButton").click()
    assert svc.minutes(demo_store, planned.id, TODAY).held_date == TODAY
    minute.held_date.setFocus()
    minute.held_date.selectAll()
    qtbot.keyClicks(minute.held_date, "p")  # or one letter in the field
    qtbot.keyClick(minute.held_date, Qt.Key.Key_Return)
    assert svc.minutes(demo_store, planned.id, TODAY).held_date == yesterday


def test_another_day_is_only_viewed_and_signing_waits_for_today(qtbot, demo_store, store_path):
    window = MainWindow(demo_store, TODAY)
    qtbot.addWidget(window)
    window.show()
    banner = window.view_date_banner
    assert banner.isHidden()
    window.caseload.set_as_of(AHEAD)
    assert not banner.isHidden() and "You are looking ahead to 25 Dec 2026" in banner.findChild(QLabel).text()
    held = _first(demo_store, "held")
    svc.set_participation(demo_store, held.id, svc.minutes(demo_store, held.id, TODAY).participation_code)
    dialog = FinaliseDialog(demo_store, held.id, window.caseload.as_of, window)
    qtbot.addWidget(dialog)
    assert not dialog.finalise_button.isEnabled()
    assert "You are viewing 25 Dec 2026" in find(dialog, QLabel, "notice").text()
    window.back_to_today()
    assert banner.isHidden() and window.caseload.as_of == TODAY

    window.caseload.set_as_of(AHEAD)
    window.lock()
    window.resume(open_store(store_path, PASSPHRASE))
    assert window.caseload.as_of == TODAY and window.view_date_banner.isHidden()  # unlock returns to today


@pytest.mark.parametrize(
    ("field", "cls", "limit", "message"),
    [
        ("decisionAction", QLineEdit, 2_000, "decisionMessage"),
        ("wishWords", QPlainTextEdit, 20_000, "wishMessage"),
    ],
)
def test_a_paste_too_long_for_a_field_is_refused_and_says_what_was_kept(
    qtbot, demo_store, field, cls, limit, message
):
    planned = _first(demo_store, "planned")
    workspace = _workspace(qtbot, demo_store, planned.id)
    workspace.tabs.setCurrentWidget(workspace.minute)
    widget = find(workspace.minute, cls, field)
    widget.setFocus()
    qtbot.keyClicks(widget, "Book the dentist")
    QApplication.clipboard().setText("x" * 50_000)
    widget.paste()
    label = find(workspace.minute, QLabel, message)
    qtbot.waitUntil(lambda: "Nothing was added" in label.text(), timeout=2000)
    kept = widget.toPlainText() if cls is QPlainTextEdit else widget.text()
    assert kept == "Book the dentist" and f"{limit:,}" in label.text()
    QApplication.clipboard().clear()


def test_consent_to_share_starts_unset_and_must_be_chosen(qtbot, demo_store):
    planned = _first(demo_store, "planned")
    review_prep.record_private_conversation(
        demo_store, planned.id, happened=True, on=TODAY, place="In the garden", words="I like my school."
    )
    workspace = _workspace(qtbot, demo_store, planned.id)
    share = find(workspace.prepare, QComboBox, "shareCombo")
    assert share.currentData() is None and share.currentText() == "Choose…"
    problems = svc.minutes(demo_store, planned.id, TODAY).problems
    assert any("agreed to share" in p for p in problems)  # signing waits until the IRO has asked
    minute_share = find(workspace.minute, QComboBox, "wishShareCombo")
    assert minute_share.currentData() is None


def test_the_date_field_shows_no_stand_in_date(qtbot, demo_store):
    planned = _first(demo_store, "planned")
    workspace = _workspace(qtbot, demo_store, planned.id)
    for field in workspace.minute.findChildren(OptionalDateEdit):
        assert "1900" not in field.text()
    held = workspace.minute.held_date
    assert held.text() == "" and held.placeholderText() == "Not held yet"
    held.setFocus()
    qtbot.keyClicks(held, "7 Dec 2026")  # typed, not yet committed: nothing is saved keystroke by keystroke
    assert svc.minutes(demo_store, planned.id, TODAY).held_date is None
    qtbot.keyClick(held, Qt.Key.Key_Return)  # the real clock says 25 Nov 2026: 7 Dec has not come
    assert "cannot be in the future" in find(workspace.minute, QLabel, "heldMessage").text()
    assert held.text() == "7 Dec 2026" and svc.minutes(demo_store, planned.id, TODAY).held_date is None
    held.selectAll()
    qtbot.keyClicks(held, "t")
    qtbot.keyClick(held, Qt.Key.Key_Return)
    assert held.text() == "25 Nov 2026" and svc.minutes(demo_store, planned.id, TODAY).held_date == TODAY


def test_alt_down_opens_the_calendar_in_a_date_field_not_the_next_section(qtbot, demo_store):
    planned = _first(demo_store, "planned")
    workspace = _workspace(qtbot, demo_store, planned.id)
    workspace.tabs.setCurrentWidget(workspace.minute)
    workspace.activateWindow()
    qtbot.waitUntil(workspace.isActiveWindow)
    minute = workspace.minute
    section = minute.current_key()
    minute.held_date.setFocus()
    opened = []

    def close_the_calendar():
        popup = QApplication.activePopupWidget()
        opened.append(popup is not None and popup.findChild(QCalendarWidget) is not None)
        if popup is not None:
            popup.close()

    QTimer.singleShot(200, close_the_calendar)
    qtbot.keyClick(minute.held_date, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: bool(opened), timeout=3000)
    assert opened == [True] and minute.current_key() == section


def test_the_checklist_opens_on_the_first_reason_and_tab_goes_through_them_in_order(qtbot, demo_store):
    held = _first(demo_store, "held")
    dialog = FinaliseDialog(demo_store, held.id, TODAY)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    reasons = list(dialog.reasons.values())
    assert len(reasons) >= 2 and dialog.focusWidget() is reasons[0]
    qtbot.keyClick(reasons[0], Qt.Key.Key_Tab)
    assert dialog.focusWidget() is reasons[1]


def test_locking_while_viewing_another_day_hides_the_banner(qtbot, demo_store):
    window = MainWindow(demo_store, AHEAD)
    qtbot.addWidget(window)
    window.show()
    assert not window.view_date_banner.isHidden()
    window.lock()
    assert window.view_date_banner.isHidden()  # nothing offers to act while locked
