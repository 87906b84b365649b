"""The child's page: identity, care, reviews, wishes in their words, decisions, challenges, and going back."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QAbstractButton, QAbstractItemView, QApplication, QLabel, QTableWidget, QWidget

from iro_desktop.gui.child import ChildPage
from iro_desktop.services.caseload import load_caseload
from iro_desktop.services.child import load_child
from iro_desktop.store.models import (
    Challenge,
    Child,
    Decision,
    Episode,
    PeriodOfCare,
    Person,
    Review,
    WishEntry,
)

TODAY = date(2026, 11, 25)
D = date.fromisoformat


@pytest.fixture
def child_id(store) -> int:
    with store.session() as s:
        child = Child(child_ref="C-2077", first_name="Matthew", last_name="Osei", preferred_name="Matty",
                      dob=D("2015-06-02"), sex="M", first_language="English and Twi",
                      communication_needs="Likes a visual timetable")
        period = PeriodOfCare(start_date=D("2025-01-06"))
        period.episodes = [Episode(start_date=D("2025-01-06"), reason_new="S", legal_status="C2",
                                   placement_type="U4", carer_name="Mrs Adeyemi")]
        child.periods = [period]
        s.add(child)
        s.flush()
        child.reviews = [
            Review(period_id=period.id, held_date=D("2025-01-31"), participation_code="PN1"),
            Review(period_id=period.id, held_date=D("2025-05-20"), participation_code="PN6"),  # late
        ]
        child.people = [Person(role="social_worker", name="Dana Fox", phone="01632 960111")]
        child.wishes = [WishEntry(recorded_on=D("2025-05-20"), how_obtained="private_conversation",
                                  words="I want to keep going to football on Saturdays.")]
        child.decisions = [Decision(number=1, action="Book a dental check", due_date=D("2025-07-01"))]
        child.challenges = [Challenge(issue="drift", raised_on=D("2026-10-01"), response_due=D("2026-10-15"))]
        return child.id


@pytest.fixture
def page(qtbot, store, child_id):
    p = ChildPage(store, child_id, TODAY)
    qtbot.addWidget(p)
    p.resize(1400, 900)
    p.show()
    qtbot.waitExposed(p)
    return p


def _text(page, name: str) -> str:
    return page.findChild(QLabel, name).text()


def _column(page, table: str, col: int) -> list[str]:
    t = page.findChild(QTableWidget, table)
    return [t.item(r, col).text() for r in range(t.rowCount())]


def test_identity(page):
    assert _text(page, "nameLabel") == "Matty Osei"
    assert "C-2077" in _text(page, "subtitleLabel") and "11 years old" in _text(page, "subtitleLabel")
    assert _text(page, "dobValue") == "2 Jun 2015 (age 11)"
    assert _text(page, "preferredValue") == "Matty"
    assert _text(page, "sexValue") == "Male"
    assert _text(page, "communicationValue") == "Likes a visual timetable"


def test_reviews_held_on_time_or_late(page):
    assert _column(page, "reviewsTable", 1) == ["20 May 2025", "31 Jan 2025"]
    timing = _column(page, "reviewsTable", 3)
    assert timing[1] == "On time" and timing[0].startswith("Late by")
    assert _column(page, "reviewsTable", 4)[1] == "PN1 Came and spoke for themselves"


def test_next_review_with_its_basis(page):
    assert "Overdue" in _text(page, "statusLabel")
    assert "Review 3 due 20 Nov 2025" in _text(page, "nextReviewText")
    assert "20 May 2025" in _text(page, "nextReviewBasis")


def test_wishes_in_their_words(page):
    text = _text(page, "wishesText")
    assert "“I want to keep going to football on Saturdays.”" in text
    assert "20 May 2025" in text and "Private conversation" in text


def test_overdue_by_word(page):
    assert _column(page, "decisionsTable", 4) == ["Overdue"]
    assert _column(page, "challengesTable", 4) == ["Response overdue"]


def test_care_and_people(page):
    assert _column(page, "placementsTable", 2) == ["C2 Full care order"]
    assert _column(page, "placementsTable", 4) == ["Mrs Adeyemi"]
    assert _column(page, "peopleTable", 1) == ["Dana Fox"]
    assert _column(page, "peopleTable", 2) == ["01632 960111"]  # one contact detail a line


def test_empty_sections_say_so(qtbot, store, child_id):
    with store.session() as s:
        for row in s.get(Child, child_id).challenges:
            s.delete(row)
    p = ChildPage(store, child_id, TODAY)
    qtbot.addWidget(p)
    assert _column(p, "challengesTable", 0) == ["None recorded"]


def test_back_button(qtbot, page):
    with qtbot.waitSignal(page.back_requested, timeout=1000):
        qtbot.mouseClick(page.backButton, Qt.MouseButton.LeftButton)


@pytest.mark.parametrize("key", [(Qt.Key.Key_Escape, Qt.KeyboardModifier.NoModifier),
                                 (Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)])
def test_keys_go_back(qtbot, page, key):
    with qtbot.waitActive(page):
        page.activateWindow()
    page.backButton.setFocus()
    with qtbot.waitSignal(page.back_requested, timeout=1000):
        qtbot.keyClick(page.backButton, key[0], key[1])


def test_every_interactive_widget_has_an_accessible_name(page):
    widgets = page.findChildren(QAbstractButton) + page.findChildren(QAbstractItemView)
    named = [w for w in widgets if w.objectName() and not w.objectName().startswith("qt_")]
    assert named and [w.objectName() for w in named if not w.accessibleName()] == []


def test_demo_children_open(qtbot, demo_store):
    """Every kind of history in the demo renders; the page agrees with the caseload about the next review."""
    rows = load_caseload(demo_store, TODAY)
    for row in rows[::7]:
        p = ChildPage(demo_store, row.id, TODAY)
        qtbot.addWidget(p)
        assert _text(p, "nameLabel") == row.name
        assert row.status.label in _text(p, "statusLabel")
        assert load_child(demo_store, row.id, TODAY).next_review.due == row.next_review_due


def test_a_window_that_binds_alt_left_keeps_it(qtbot, store, child_id):
    """Inside the main window, whose Back action owns Alt+Left, the page must not bind it a second time
    (Qt fires neither of two identical shortcuts); Esc still goes back from the page itself."""
    window = QWidget()
    back = QAction("Back", window)
    back.setShortcut(QKeySequence("Alt+Left"))
    window.addAction(back)
    page = ChildPage(store, child_id, TODAY, parent=window)
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitActive(window):
        window.activateWindow()
    assert page.isAncestorOf(QApplication.focusWidget())  # the page takes the focus when shown
    with qtbot.waitSignal(back.triggered, timeout=1000):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    with qtbot.waitSignal(page.back_requested, timeout=1000):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)
