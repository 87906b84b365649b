"""The minute screen on the demo caseload: type, record who came, the child's words, decisions, next date;
then close the store, reopen it and find it all."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QWidget,
)
from sqlalchemy import select

from iro_desktop.domain.codes import age_on
from iro_desktop.gui.forms import find
from iro_desktop.gui.review.minute import MinutePage
from iro_desktop.gui.widgets.optional_date import OptionalDateEdit
from iro_desktop.gui.widgets.spelling import SpellingHighlighter, spelling_menu
from iro_desktop.services import minutes as svc
from iro_desktop.services import personal_dictionary, phrases
from iro_desktop.services.spelling import load_engine, remember_word
from iro_desktop.store import open_store
from iro_desktop.store.models import Child, Decision, Review, ReviewSection
from tests.conftest import PASSPHRASE, TODAY


@pytest.fixture
def review_id(demo_store) -> int:
    """A demo child aged 9 to 12 with a review planned and people around them."""
    with demo_store.session() as s:
        rows = s.execute(
            select(Review.id, Child.dob, Review.planned_date).join(Child).where(Review.status == "planned")
        ).all()
    return next(r.id for r in rows if 9 <= age_on(r.dob, r.planned_date) <= 12)


def _page(qtbot, store, review_id) -> MinutePage:
    page = MinutePage(store, review_id, TODAY)
    qtbot.addWidget(page)
    page.show()
    return page


def test_the_whole_minute_survives_closing_and_reopening(qtbot, demo_store, store_path, review_id):
    page = _page(qtbot, demo_store, review_id)
    page.held_date.commit_date(TODAY)
    qtbot.keyClicks(page.current_editor(), "Settled well; the last decisions were all done.")
    page.move_section(4)  # placement
    qtbot.keyClicks(page.current_editor(), "The carers are a good match.")

    code_message = find(page, QLabel, "participationMessage")
    qtbot.keyClicks(page.code_edit, "PN0")
    page.flush()
    assert "PN0 is only for a child under 4 on the review date" in code_message.text()
    assert page.code_edit.text() == "PN0"  # what was typed stays
    combo = page.participation_combo
    assert combo.findData("PN0") == -1  # the plain choices only offer codes that fit the age
    combo.setCurrentIndex(combo.findData("PN1"))
    page.flush()
    assert code_message.text() == "" and page.code_edit.text() == "PN1"

    attendance = page.attendance_table.cellWidget(0, 2)
    attendance.setCurrentIndex(attendance.findData("present"))
    first_person = page.attendance_table.item(0, 0).text()

    find(page, QPlainTextEdit, "wishWords").setPlainText("I want to see my brother every weekend.")
    find(page, QPushButton, "addWishButton").click()
    assert "agreed to share" in find(page, QLabel, "wishMessage").text()  # consent is asked, never assumed
    share = find(page, QComboBox, "wishShareCombo")
    share.setCurrentIndex(share.findData(True))
    find(page, QPushButton, "addWishButton").click()
    assert page.wishes_table.rowCount() == 1

    find(page, QLineEdit, "decisionAction").setText("Arrange weekend contact with her brother")
    find(page, QPushButton, "addDecisionButton").click()
    assert "Name the person responsible" in find(page, QLabel, "decisionMessage").text()
    assert find(page, QLineEdit, "decisionAction").text() == "Arrange weekend contact with her brother"
    find(page, QComboBox, "decisionPerson").setEditText(first_person)
    find(page, QPushButton, "due10Button").click()
    assert find(page, OptionalDateEdit, "decisionDue").date() == date(2026, 12, 9)
    wish_combo = find(page, QComboBox, "decisionWish")
    wish_combo.setCurrentIndex(1)
    find(page, QPushButton, "addDecisionButton").click()
    assert page.decisions_table.rowCount() == 1 and page.decisions_table.item(0, 6).text() == ""

    page.next_review.commit_date(date(2027, 5, 20))
    assert page.next_review_check.text() == "Statutory due date for the next review: 25 May 2027"
    page.next_review.commit_date(date(2027, 6, 30))
    assert "later than the statutory due date, 25 May 2027" in page.next_review_check.text()

    page.flush()
    page.close()
    demo_store.close()
    reopened = open_store(store_path, PASSPHRASE)
    try:
        m = svc.minutes(reopened, review_id, TODAY)
    finally:
        reopened.close()
    texts = {s.key: s.text for s in m.sections}
    assert texts["changes"] == "Settled well; the last decisions were all done."
    assert texts["placement"] == "The carers are a good match."
    assert m.held_date == TODAY and m.participation_code == "PN1"
    assert [(a.name, a.attendance) for a in m.attendance] == [(first_person, "present")]
    assert [w.words for w in m.wishes] == ["I want to see my brother every weekend."]
    (decision,) = m.decisions
    assert (decision.person, decision.due, decision.wish_id) == (
        first_person,
        date(2026, 12, 9),
        m.wishes[0].id,
    )
    assert m.next_review_date == date(2027, 6, 30) and m.next_review_warning


def test_a_held_date_in_the_future_is_refused_at_the_field(qtbot, demo_store, review_id):
    page = _page(qtbot, demo_store, review_id)
    page.held_date.commit_date(date(2026, 12, 25))
    assert "cannot be in the future" in find(page, QLabel, "heldMessage").text()
    assert page.held_date.date() == date(2026, 12, 25)  # what was typed stays, to be put right
    assert svc.minutes(demo_store, review_id, TODAY).held_date is None


def planned_after_an_imported_review(store) -> int:
    """A planned review whose last one was recorded elsewhere (903 data, read-only in the app), with the
    health section that came with that one: "Health assessment done in March."."""
    with store.session() as s:
        planned = s.scalars(select(Review).where(Review.status == "planned").order_by(Review.id)).all()
        for review in planned:
            previous = s.scalars(
                select(Review)
                .where(Review.child_id == review.child_id, Review.held_date.is_not(None))
                .order_by(Review.held_date.desc())
            ).first()
            if previous is not None and previous.status == "imported":
                break
        s.add(ReviewSection(review_id=previous.id, key="health", text="Health assessment done in March."))
        return review.id


def test_sections_move_with_the_keyboard_and_carry_forward(qtbot, demo_store):
    review_id = planned_after_an_imported_review(demo_store)
    page = _page(qtbot, demo_store, review_id)
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow)  # shortcuts reach only the active window
    page.current_editor().setFocus()
    qtbot.keyClick(page.current_editor(), Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)
    assert page.current_key() == "legal_status"
    qtbot.keyClick(page.current_editor(), Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    qtbot.keyClick(page.current_editor(), Qt.Key.Key_Up, Qt.KeyboardModifier.AltModifier)
    assert page.current_key() == "legal_status"
    page.section_list.setCurrentRow(svc.SECTION_KEYS.index("health"))
    assert page.last_time.toPlainText() == "Health assessment done in March."
    find(page, QPushButton, "carryForwardButton").click()
    assert page.current_editor().toPlainText() == "Health assessment done in March."
    find(page, QPushButton, "carryForwardButton").click()
    assert "already has text" in find(page, QLabel, "sectionMessage").text()


def test_phrases_are_saved_from_a_selection_and_inserted_at_the_cursor(qtbot, demo_store, review_id):
    page = _page(qtbot, demo_store, review_id)
    editor = page.current_editor()
    editor.setPlainText("No concerns were raised about the placement.")
    editor.selectAll()
    page.save_selection_as_phrase()
    assert phrases.phrases(demo_store) == ["No concerns were raised about the placement."]
    page.move_section(1)
    page.insert_phrase(phrases.phrases(demo_store)[0])
    assert page.current_editor().toPlainText() == "No concerns were raised about the placement."


def test_misspelt_words_are_underlined_but_names_are_not(qtbot, demo_store, review_id):
    load_engine()  # before the page opens, so underlines come at once (loading: tests/gui/test_spelling.py)
    page = _page(qtbot, demo_store, review_id)
    editor = page.current_editor()
    m = svc.minutes(demo_store, review_id, TODAY)
    editor.setPlainText(f"{m.first_name} has recieved her new colour chart.")
    layout = editor.document().firstBlock().layout()
    underlined = [
        editor.document().firstBlock().text()[r.start : r.start + r.length]
        for r in layout.formats()
        if r.format.underlineStyle() != r.format.UnderlineStyle.NoUnderline
    ]
    assert underlined == ["recieved"]


def test_right_click_offers_suggestions_and_add_to_dictionary(qtbot, demo_store, review_id):
    load_engine()
    page = _page(qtbot, demo_store, review_id)
    editor = page.current_editor()
    editor.setPlainText("Brackenholt recieved")
    highlighter = editor.document().findChildren(SpellingHighlighter)[0]
    at_word = editor.cursorRect(editor.cursorForPosition(editor.rect().topLeft())).center()
    remember = lambda word: remember_word(demo_store, page.checker, word)  # noqa: E731
    texts = [a.text() for a in spelling_menu(editor, highlighter, at_word, remember).actions()]
    assert "\u201cBrackenholt\u201d" in " ".join(texts) and any(
        "Add" in t and "dictionary" in t for t in texts
    )
    add = next(
        a for a in spelling_menu(editor, highlighter, at_word, remember).actions() if "dictionary" in a.text()
    )
    add.trigger()
    assert "Brackenholt" in personal_dictionary.personal_dictionary(demo_store)
    assert page.checker.is_correct("Brackenholt")


LATER = date(2027, 12, 1)  # after any demo review's planned date


def _answer(button: QMessageBox.StandardButton) -> list[str]:
    """Answer the next confirmation with `button`; returns what it asked, and whether No was the default."""
    asked: list[str] = []

    def answer() -> None:
        box = QApplication.activeModalWidget()
        asked.append(box.text())
        asked.append("No by default" if box.defaultButton() is box.button(box.StandardButton.No) else "")
        box.button(button).click()

    QTimer.singleShot(0, answer)
    return asked


def _column(table, column: int) -> list[str]:
    return [table.item(r, column).text() for r in range(table.rowCount())]


def test_a_mistaken_decision_is_removed_only_after_saying_yes(qtbot, demo_store, review_id):
    due = LATER
    for action in ("Book the annual health assessment with the school nurse", "Arrange xylophone lessons"):
        svc.add_decision(demo_store, review_id, action, "Hannah Osei", due)
    page = _page(qtbot, demo_store, review_id)
    table, button = page.decisions_table, find(page, QPushButton, "removeDecisionButton")
    assert not button.isEnabled()  # nothing chosen yet
    page.tabs.setCurrentWidget(find(page, QWidget, "decisionsTab"))
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow)  # the Delete key reaches only the active window
    table.setFocus()
    table.selectRow(0)
    assert button.isEnabled()

    asked = _answer(QMessageBox.StandardButton.No)
    qtbot.keyClick(table, Qt.Key.Key_Delete)
    assert asked == [
        "Remove decision 1: Book the annual health assessment with the school nurse?",
        "No by default",
    ]
    assert table.rowCount() == 2

    asked = _answer(QMessageBox.StandardButton.Yes)
    button.click()
    assert asked[0].startswith("Remove decision 1:")
    assert (_column(table, 0), _column(table, 1)) == (["1"], ["Arrange xylophone lessons"])  # numbered again


def test_a_decision_with_an_outcome_is_not_removed_and_says_why(qtbot, demo_store, review_id):
    decision = svc.add_decision(demo_store, review_id, "Book a dental check", "Hannah Osei", LATER)
    with demo_store.session() as s:
        s.get(Decision, decision).status = "not_done"
    page = _page(qtbot, demo_store, review_id)
    page.decisions_table.selectRow(0)
    _answer(QMessageBox.StandardButton.Yes)
    page.remove_decision()
    assert "already recorded as not done, so it stays" in find(page, QLabel, "decisionMessage").text()
    assert page.decisions_table.rowCount() == 1


def test_mistaken_words_parts_and_people_are_removed(qtbot, demo_store, review_id):
    svc.add_wish(demo_store, review_id, "I want a trampoline in the garden.", "app", True)
    part = svc.add_part(demo_store, review_id, "With the carers", None, None)
    svc.set_attendance(demo_store, review_id, part, "Lena Brook", "other", "present")
    svc.set_attendance(demo_store, review_id, None, "Sam Petrov", "other", "present")
    page = _page(qtbot, demo_store, review_id)

    page.wishes_table.selectRow(0)
    asked = _answer(QMessageBox.StandardButton.Yes)
    find(page, QPushButton, "removeWishButton").click()
    assert asked[0] == "Remove these words: \u201cI want a trampoline in the garden.\u201d?"
    assert page.wishes_table.rowCount() == 0

    people = page.attendance_table
    people.selectRow(0)  # one of the child's own people: they stay in the list
    assert not find(page, QPushButton, "removeAttendeeButton").isEnabled()
    people.selectRow(_column(people, 0).index("Sam Petrov"))
    asked = _answer(QMessageBox.StandardButton.Yes)
    find(page, QPushButton, "removeAttendeeButton").click()
    assert asked[0] == "Remove Sam Petrov from the attendance?" and "Sam Petrov" not in _column(people, 0)

    page.parts_table.selectRow(0)
    asked = _answer(QMessageBox.StandardButton.Yes)
    find(page, QPushButton, "removePartButton").click()
    assert asked[0] == (
        "Remove the part \u201cWith the carers\u201d?\n\n"
        "The attendance recorded for it (1 person) goes with it."
    )
    m = svc.minutes(demo_store, review_id, TODAY)
    assert (m.parts, m.wishes, m.attendance) == ((), (), ())
    assert page.attendance_part.count() == 1  # only "The whole review" is left to choose


def test_words_typed_in_the_add_forms_survive_closing_until_added(qtbot, demo_store, review_id):
    page = _page(qtbot, demo_store, review_id)
    find(page, QPlainTextEdit, "wishWords").setPlainText("I miss my cat Biscuit.")
    find(page, QLineEdit, "decisionAction").setText("Ask the carers about a cat")
    find(page, QLineEdit, "partLabelEdit").setText("With the carers")
    page.flush()
    page.close()

    again = _page(qtbot, demo_store, review_id)
    words = find(again, QPlainTextEdit, "wishWords")
    assert words.toPlainText() == "I miss my cat Biscuit."
    assert find(again, QLineEdit, "decisionAction").text() == "Ask the carers about a cat"
    assert find(again, QLineEdit, "partLabelEdit").text() == "With the carers"
    share = find(again, QComboBox, "wishShareCombo")
    share.setCurrentIndex(share.findData(False))
    find(again, QPushButton, "addWishButton").click()
    assert words.toPlainText() == "" and svc.drafts(demo_store, review_id)["wish"] == ""
    assert svc.drafts(demo_store, review_id)["decision"] == "Ask the carers about a cat"
