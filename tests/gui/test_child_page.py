"""The child's page: identity, care, reviews, wishes in their words, decisions, challenges, and going back."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QLabel,
    QPushButton,
    QTableWidget,
    QWidget,
)
from sqlalchemy import func, select

from iro_desktop.domain.calendar import format_date
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
            Review(period_id=period.id, held_date=D("2025-01-31"), participation_code="PN1",
                   status="imported", source="903"),
            Review(period_id=period.id, held_date=D("2025-05-20"), participation_code="PN6",  # late
                   status="imported", source="903"),
        ]
        child.people = [Person(role="social_worker", name="Dana Fox", phone="01632 960111")]
        child.wishes = [WishEntry(recorded_on=D("2025-05-20"), how_obtained="private_conversation",
                                  words="I want to keep going to football on Saturdays.")]
        child.decisions = [Decision(number=1, action="Book a dental check", due_date=D("2025-07-01"))]
        child.challenges = [Challenge(issue="drift", raised_on=D("2026-10-01"), response_due=D("2026-10-15"))]
        return child.id


@pytest.fixture
def page(qtbot, store, child_id):
    return _shown(qtbot, store, child_id)


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
    assert _column(page, "reviewsTable", 2) == ["Recorded elsewhere", "Recorded elsewhere"]
    timing = _column(page, "reviewsTable", 4)
    assert timing[1] == "On time" and timing[0].startswith("Late by")
    assert _column(page, "reviewsTable", 5)[1] == "PN1 Came and spoke for themselves"


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


# --- every review, in every state, opens ----------------------------------------------------------


@dataclass(frozen=True)
class ReviewFacts:
    id: int
    child_id: int
    held: date | None
    planned: date | None


def _first_review(store, status: str) -> ReviewFacts:
    """The demo's first review in a state (Review.status), as plain values."""
    with store.session() as s:
        r = s.scalars(select(Review).where(Review.status == status).order_by(Review.id)).first()
        return ReviewFacts(r.id, r.child_id, r.held_date, r.planned_date)


@pytest.fixture
def held(demo_store) -> ReviewFacts:
    """A review held in the app whose minutes are not signed yet."""
    return _first_review(demo_store, "held")


def _shown(qtbot, store, child_id: int) -> ChildPage:
    p = ChildPage(store, child_id, TODAY)
    qtbot.addWidget(p)
    p.resize(1400, 900)
    p.show()
    qtbot.waitExposed(p)
    return p


def _reviews(page) -> QTableWidget:
    return page.findChild(QTableWidget, "reviewsTable")


def _row_of(page, when: date) -> int:
    """The table row dated `when` (held, or planned)."""
    dates = [text.removesuffix(" (planned)") for text in _column(page, "reviewsTable", 1)]
    return dates.index(format_date(when))


def test_every_review_is_listed_whatever_its_state(qtbot, demo_store, held):
    page = _shown(qtbot, demo_store, held.child_id)
    with demo_store.session() as s:
        count = s.scalar(select(func.count()).select_from(Review).where(Review.child_id == held.child_id))
    assert _reviews(page).rowCount() == count > 1
    row = _row_of(page, held.held)
    assert _column(page, "reviewsTable", 2)[row] == "Minutes to finish"
    assert _column(page, "reviewsTable", 4)[row] != ""  # met, so judged on time or late


def test_a_signed_review_says_so(qtbot, demo_store):
    signed = _first_review(demo_store, "finalised")
    page = _shown(qtbot, demo_store, signed.child_id)
    assert _column(page, "reviewsTable", 2)[_row_of(page, signed.held)].startswith("Signed")


def test_a_planned_review_shows_the_date_it_is_planned_for(qtbot, demo_store):
    planned = _first_review(demo_store, "planned")
    page = _shown(qtbot, demo_store, planned.child_id)
    row = _column(page, "reviewsTable", 1).index(f"{format_date(planned.planned)} (planned)")
    assert _column(page, "reviewsTable", 2)[row] == "Planned"
    assert _column(page, "reviewsTable", 4)[row] == ""  # not met, so neither on time nor late yet


def _open(qtbot, page, row: int, how: str) -> None:
    table = _reviews(page)
    centre = table.visualItemRect(table.item(row, 0)).center()
    if how == "double-click":
        # QTest's double click lacks the press an item view expects first, so click once before it.
        qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=centre)
        qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    elif how == "menu":  # right-click on the row picks it, whatever was selected before
        table.selectRow(0 if row else 1)
        page.review_menu(centre).actions()[0].trigger()
    else:
        table.selectRow(row)
        if how == "button":
            qtbot.mouseClick(page.findChild(QPushButton, "openReviewButton"), Qt.MouseButton.LeftButton)
        else:
            table.setFocus()
            qtbot.keyClick(table, Qt.Key.Key_Return if how == "Return" else Qt.Key.Key_Enter)


@pytest.mark.parametrize("how", ["Return", "Enter", "double-click", "button", "menu"])
def test_a_held_review_opens(qtbot, demo_store, held, how):
    page = _shown(qtbot, demo_store, held.child_id)
    with qtbot.waitSignal(page.open_review_requested, timeout=1000) as blocker:
        _open(qtbot, page, _row_of(page, held.held), how)
    assert blocker.args == [held.id]


def test_enter_opens_the_row_tab_lands_on(qtbot, demo_store, held):
    """Tab into the table marks a row current without selecting it; Enter still opens that row."""
    page = _shown(qtbot, demo_store, held.child_id)
    table = _reviews(page)
    flags = table.selectionModel().SelectionFlag.NoUpdate
    table.selectionModel().setCurrentIndex(table.model().index(_row_of(page, held.held), 0), flags)
    assert page.selected_review() is None
    table.setFocus()
    with qtbot.waitSignal(page.open_review_requested, timeout=1000) as blocker:
        qtbot.keyClick(table, Qt.Key.Key_Return)
    assert blocker.args == [held.id]


@pytest.mark.parametrize("status", ["finalised", "planned", "imported"])
def test_a_review_in_any_state_opens(qtbot, demo_store, status):
    review = _first_review(demo_store, status)
    page = _shown(qtbot, demo_store, review.child_id)
    with qtbot.waitSignal(page.open_review_requested, timeout=1000) as blocker:
        _open(qtbot, page, _row_of(page, review.held or review.planned), "button")
    assert blocker.args == [review.id]


def test_the_open_button_waits_for_a_review_to_be_chosen(qtbot, demo_store, held):
    page = _shown(qtbot, demo_store, held.child_id)
    button = page.findChild(QPushButton, "openReviewButton")
    assert not button.isEnabled() and button.text().replace("&", "") == "Open review"
    _reviews(page).selectRow(0)
    assert button.isEnabled()


def test_no_reviews_opens_nothing(qtbot, store, child_id):
    with store.session() as s:
        for row in s.get(Child, child_id).reviews:
            s.delete(row)
    page = _shown(qtbot, store, child_id)
    table = _reviews(page)
    assert _column(page, "reviewsTable", 0) == ["None recorded"]
    centre = table.visualItemRect(table.item(0, 0)).center()
    with qtbot.assertNotEmitted(page.open_review_requested):
        table.selectRow(0)
        table.setFocus()
        qtbot.keyClick(table, Qt.Key.Key_Return)
        qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=centre)
        qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=centre)
        assert page.review_menu(centre) is None
        assert not page.findChild(QPushButton, "openReviewButton").isEnabled()


def test_a_review_left_opens_again_from_the_childs_page(qtbot, demo_store, held):
    from iro_desktop.gui.main_window import MainWindow

    window = MainWindow(demo_store, TODAY)
    qtbot.addWidget(window)
    window.show()
    window.open_child(held.child_id)
    _open(qtbot, window.child_page, _row_of(window.child_page, held.held), "button")
    assert window.pages.currentWidget() is window.review and window.review.review_id == held.id
    window.review.leave()
    assert window.pages.currentWidget() is window.child_page
    _open(qtbot, window.child_page, _row_of(window.child_page, held.held), "Return")
    assert window.pages.currentWidget() is window.review and window.review.review_id == held.id


def test_a_signed_review_opens_from_the_childs_page_in_the_window(qtbot, demo_store):
    """Not the review Prepare review would open: the one chosen, signed, ready to be corrected."""
    from iro_desktop.gui.main_window import MainWindow

    signed = _first_review(demo_store, "finalised")
    window = MainWindow(demo_store, TODAY)
    qtbot.addWidget(window)
    window.open_child(signed.child_id)
    _open(qtbot, window.child_page, _row_of(window.child_page, signed.held), "double-click")
    assert window.review.review_id == signed.id and window.review.correct_button.isEnabled()
