"""The Prepare page on the demo caseload: typed changes reach the store on their own, refusals show at
the field and keep what was typed, and the agenda is written where the IRO chose."""

from __future__ import annotations

from datetime import date, timedelta
from io import BytesIO

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt, QTime
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QComboBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QTableWidget,
    QTimeEdit,
)

from iro_desktop.gui.review.prepare import PreparePage
from iro_desktop.gui.widgets.optional_date import OptionalDateEdit
from iro_desktop.services import review_prep as prep
from iro_desktop.services.caseload import load_caseload
from iro_desktop.store.models import Review, ReviewReport, WishEntry

TODAY = date(2026, 11, 25)


@pytest.fixture
def review_id(demo_store) -> int:
    """A child of 8 or over with decisions from the last review and no private conversation recorded yet."""
    for row in load_caseload(demo_store, TODAY):
        if row.next_review_due and row.decisions_open and row.age >= 8:
            rid = prep.next_review_for(demo_store, row.id)
            pack = prep.review_pack(demo_store, rid, TODAY)
            if pack.conversation.happened is None and pack.decisions and pack.wishes:
                return rid
    raise AssertionError("the demo has such a child")


@pytest.fixture
def page(qtbot, demo_store, review_id):
    p = PreparePage(demo_store, review_id, TODAY)
    qtbot.addWidget(p)
    p.resize(1400, 900)
    p.show()
    qtbot.waitExposed(p)
    return p


def _stored(store, review_id: int) -> Review:
    with store.session() as s:
        return s.get(Review, review_id)


def _error(page, name: str) -> QLabel:
    return page.findChild(QLabel, name)


def test_the_page_shows_the_pack(page):
    pack = page.pack
    assert pack.child.name in page.findChild(QLabel, "summaryLabel").text()
    assert page.findChild(QLineEdit, "venueEdit").text() == (pack.venue or "")
    decisions = page.findChild(QTableWidget, "decisionsTable")
    assert [decisions.item(r, 1).text() for r in range(decisions.rowCount())] == [
        d.action for d in pack.decisions
    ]
    assert f"“{pack.wishes[0].words}”" in page.findChild(QLabel, "wishesText").text()
    assert page.findChild(QTableWidget, "inviteesTable").item(0, 0).text() == pack.child.name
    assert "Due by" in page.findChild(QLabel, "lateLabel").text()


def test_venue_and_time_are_saved_after_a_pause(qtbot, page, demo_store, review_id):
    venue = page.findChild(QLineEdit, "venueEdit")
    venue.clear()
    qtbot.keyClicks(venue, "Kitchen table at the carers' home")
    page.findChild(QTimeEdit, "timeEdit").setTime(QTime(15, 30))
    qtbot.waitUntil(
        lambda: (
            (_stored(demo_store, review_id).venue, _stored(demo_store, review_id).planned_time)
            == ("Kitchen table at the carers' home", "15:30")
        ),
        timeout=5000,
    )


def test_flush_saves_at_once(qtbot, page, demo_store, review_id):
    qtbot.keyClicks(page.findChild(QLineEdit, "venueEdit"), " (back door)")
    page.flush()
    assert _stored(demo_store, review_id).venue.endswith("(back door)")


def test_a_date_before_birth_is_refused_at_the_field_and_stays_as_typed(qtbot, page, demo_store, review_id):
    before = _stored(demo_store, review_id).planned_date
    typed = page.pack.child.dob - timedelta(days=3)
    date_edit = page.findChild(OptionalDateEdit, "dateEdit")
    date_edit.commit_date(typed)
    message = _error(page, "dateError")
    qtbot.waitUntil(message.isVisible, timeout=5000)
    assert "before" in message.text() and "date of birth" in message.text()
    assert message.accessibleName() == "Review date problem"
    assert date_edit.date() == typed
    assert _stored(demo_store, review_id).planned_date == before
    later = before + timedelta(days=1)
    date_edit.commit_date(later)
    qtbot.waitUntil(lambda: _stored(demo_store, review_id).planned_date == later, timeout=5000)
    assert not message.isVisible()


def test_a_private_conversation_typed_on_the_page_becomes_the_childs_wish(qtbot, page, demo_store, review_id):
    page.findChild(QRadioButton, "happenedYes").click()
    assert page.findChild(QPlainTextEdit, "talkWordsEdit").isVisible()
    qtbot.keyClicks(page.findChild(QLineEdit, "talkPlaceEdit"), "On a walk to the shop")
    qtbot.keyClicks(page.findChild(QPlainTextEdit, "talkWordsEdit"), "I want my mum to come to sports day.")

    def wish():
        with demo_store.session() as s:
            return (
                s.query(WishEntry).filter_by(review_id=review_id, how_obtained="private_conversation").first()
            )

    qtbot.waitUntil(lambda: wish() is not None, timeout=5000)
    assert wish().agreed_to_share is None  # nobody has asked the child yet: not shared, and not signable
    share = page.findChild(QComboBox, "shareCombo")
    share.setCurrentIndex(share.findData(False))
    qtbot.waitUntil(lambda: wish().agreed_to_share is False, timeout=5000)
    assert wish().words == "I want my mum to come to sports day." and wish().recorded_on == TODAY
    review = _stored(demo_store, review_id)
    assert (review.spoke_alone, review.spoke_alone_place) == (True, "On a walk to the shop")


def test_no_conversation_asks_for_the_reason_beside_it(qtbot, page, demo_store, review_id):
    page.findChild(QRadioButton, "happenedNo").click()
    reason = _error(page, "whyNotError")
    qtbot.waitUntil(reason.isVisible, timeout=5000)
    assert "Choose why" in reason.text()
    why = page.findChild(QComboBox, "whyNotCombo")
    assert why.isVisible() and not page.findChild(QPlainTextEdit, "talkWordsEdit").isVisible()
    why.setCurrentIndex(why.findData("declined"))
    qtbot.keyClicks(page.findChild(QPlainTextEdit, "reasonEdit"), "Said she would rather write to me.")
    qtbot.waitUntil(lambda: _stored(demo_store, review_id).spoke_alone is False, timeout=5000)
    assert _stored(demo_store, review_id).not_alone_reason == "Said she would rather write to me."
    assert not reason.isVisible()


def test_marking_a_report_received_saves_todays_date(qtbot, page, demo_store, review_id):
    table = page.findChild(QTableWidget, "reportsTable")
    row = next(r for r in range(table.rowCount()) if table.item(r, 0).text() == "Care plan")
    table.cellWidget(row, 2).setChecked(True)

    def received():
        with demo_store.session() as s:
            return s.query(ReviewReport).filter_by(review_id=review_id, kind="care_plan").one().received_on

    qtbot.waitUntil(lambda: received() == TODAY, timeout=5000)
    assert table.cellWidget(row, 3).isEnabled()


def test_adding_an_invitee_needs_a_name(qtbot, page):
    add = page.findChild(QPushButton, "addInviteeButton")
    add.click()
    assert _error(page, "inviteesError").isVisible()
    qtbot.keyClicks(page.findChild(QLineEdit, "newNameEdit"), "Ola Interpreter")
    add.click()
    table = page.findChild(QTableWidget, "inviteesTable")
    assert table.item(table.rowCount() - 1, 0).text() == "Ola Interpreter"
    assert not _error(page, "inviteesError").isVisible()


def test_enter_adds_an_invitee_and_goes_back_to_the_name(qtbot, page):
    name = page.findChild(QLineEdit, "newNameEdit")
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow)
    name.setFocus()
    qtbot.keyClicks(name, "Ola Interpreter")
    qtbot.keyClick(name, Qt.Key.Key_Tab)  # the role
    qtbot.keyClick(page.focusWidget(), Qt.Key.Key_Return)
    table = page.findChild(QTableWidget, "inviteesTable")
    assert table.item(table.rowCount() - 1, 0).text() == "Ola Interpreter"
    assert page.focusWidget() is name and name.text() == ""
    assert page.findChild(QPushButton, "printButton").shortcut().toString() == "Ctrl+P"


def test_the_agenda_is_written_where_asked(qtbot, page, tmp_path):
    folder = tmp_path / "chosen"
    folder.mkdir()
    button = page.findChild(QPushButton, "printButton")
    saving = page.save_agenda(folder / "agenda.pdf")
    assert button.text() == "Saving the agenda…" and not button.isEnabled()  # not twice
    assert page.save_agenda(folder / "again.pdf") is None
    qtbot.waitUntil(lambda: not saving.running, timeout=20_000)
    assert button.isEnabled() and button.shortcut().toString() == "Ctrl+P"
    written = folder / "agenda.pdf"
    assert list(folder.iterdir()) == [written]
    pdf = PdfReader(BytesIO(written.read_bytes()))
    assert len(pdf.pages) == 1 and page.pack.child.name in pdf.pages[0].extract_text()


def test_every_field_has_an_accessible_name(page):
    for cls in (QLineEdit, QPlainTextEdit, QAbstractSpinBox, QComboBox, QAbstractButton, QTableWidget):
        for widget in page.findChildren(cls):
            if widget.objectName().startswith("qt_") or widget.parent().objectName().startswith("qt_"):
                continue  # Qt's own parts (a spin box's line edit, a scroll bar)
            assert widget.accessibleName(), f"{cls.__name__} {widget.objectName()!r} has no accessible name"
