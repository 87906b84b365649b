"""The one field for a date that may be empty: typed as people write dates, committed on Enter or on
leaving, never keystroke by keystroke; Tab leaves it; no stand-in date such as 1 Jan 1900."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QCalendarWidget, QLineEdit, QVBoxLayout, QWidget

from iro_desktop.gui.widgets.optional_date import OptionalDateEdit, parse_typed_date
from iro_desktop.problems import Problem

TODAY = date(2026, 12, 7)
PLANNED = date(2026, 12, 9)


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("7/12/26", TODAY),
        ("7 Dec 2026", TODAY),
        ("07-12-2026", TODAY),
        ("7.12.2026", TODAY),
        ("2026-12-07", TODAY),
        ("7 december 2026", TODAY),
        ("t", TODAY),
        ("today", TODAY),
        ("p", PLANNED),
        ("", None),
        ("   ", None),
    ],
)
def test_dates_are_read_the_way_people_write_them(typed, meant):
    assert parse_typed_date(typed, {"t": TODAY, "p": PLANNED}) == meant


@pytest.mark.parametrize("typed", ["31/2/26", "7 Dce 2026", "next week", "7/12"])
def test_anything_else_gets_a_sentence_not_a_guess(typed):
    with pytest.raises(Problem, match="Type a date such as 7 Dec 2026"):
        parse_typed_date(typed, {"t": TODAY})


@pytest.fixture
def form(qtbot):
    """A date field between two ordinary fields, the way forms place it."""
    holder = QWidget()
    layout = QVBoxLayout(holder)
    before, field, after = QLineEdit(), OptionalDateEdit(), QLineEdit()
    for widget in (before, field, after):
        layout.addWidget(widget)
    field.set_today(TODAY)
    field.set_day_word("p", PLANNED)
    field.set_calendar_start(PLANNED)
    qtbot.addWidget(holder)
    holder.show()
    qtbot.waitExposed(holder)
    yield before, field, after  # the holder lives as long as the test


def test_typing_commits_only_on_enter_and_is_tidied(qtbot, form):
    _, field, _ = form
    committed = []
    field.committed.connect(committed.append)
    assert field.text() == "" and field.placeholderText() == "Not set"  # never 1 Jan 1900
    field.setFocus()
    qtbot.keyClicks(field, "7/12/26")
    assert committed == []  # nothing saved half-typed
    qtbot.keyClick(field, Qt.Key.Key_Return)
    assert committed == [TODAY] and field.text() == "7 Dec 2026"


def test_tab_leaves_the_field_and_commits_what_was_typed(qtbot, form):
    before, field, after = form
    committed = []
    field.committed.connect(committed.append)
    field.setFocus()
    qtbot.keyClicks(field, "p")
    qtbot.keyClick(field, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is after
    assert committed == [PLANNED] and field.text() == "9 Dec 2026"
    qtbot.keyClick(after, Qt.Key.Key_Backtab)
    assert QApplication.focusWidget() is field
    qtbot.keyClick(field, Qt.Key.Key_Backtab)
    assert QApplication.focusWidget() is before


def test_an_empty_field_tabbed_through_is_left_empty_and_not_saved(qtbot, form):
    before, field, after = form
    committed = []
    field.committed.connect(committed.append)
    before.setFocus()
    qtbot.keyClick(before, Qt.Key.Key_Tab)
    qtbot.keyClick(field, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is after and committed == [] and field.date() is None


def test_text_that_is_not_a_date_stays_and_escape_puts_back_the_saved_value(qtbot, form):
    _, field, _ = form
    field.set_date(TODAY)
    field.setFocus()
    field.selectAll()
    qtbot.keyClicks(field, "7 Dce")
    qtbot.keyClick(field, Qt.Key.Key_Return)
    assert field.text() == "7 Dce"  # kept for the IRO to put right
    with pytest.raises(Problem, match="is not a date"):
        field.date()
    qtbot.keyClick(field, Qt.Key.Key_Escape)
    assert field.date() == TODAY


def test_the_calendar_opens_on_the_planned_date_and_a_click_commits(qtbot, form):
    _, field, _ = form
    committed = []
    field.committed.connect(committed.append)
    seen = []

    def pick():
        calendar = next(w for w in QApplication.topLevelWidgets() if w.findChild(QCalendarWidget))
        shown = calendar.findChild(QCalendarWidget)
        seen.append(shown.selectedDate().toPython())
        shown.clicked.emit(shown.selectedDate().addDays(1))

    field.setFocus()
    QTimer.singleShot(100, pick)
    qtbot.keyClick(field, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    assert seen == [PLANNED] and committed == [date(2026, 12, 10)] and field.text() == "10 Dec 2026"
