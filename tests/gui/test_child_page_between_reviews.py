"""Between reviews on the child's page: decisions' outcomes, monitoring notes, early review, adjournment."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
)

from iro_desktop.gui.child import ChildPage
from iro_desktop.services.caseload import load_caseload

TODAY = date(2026, 11, 25)


def _row(store, child_id):
    return next(r for r in load_caseload(store, TODAY) if r.id == child_id)


def _page(qtbot, store, child_id) -> ChildPage:
    page = ChildPage(store, child_id, TODAY)
    qtbot.addWidget(page)
    page.resize(1400, 900)
    page.show()
    qtbot.waitExposed(page)
    return page


def _click(qtbot, widget) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def _button(page, name) -> QPushButton:
    return page.findChild(QPushButton, name)


def _ok(qtbot, dialog: QDialog) -> None:
    _click(qtbot, dialog.ok_button)


def _set_date(dialog, name, day: date) -> None:
    dialog.findChild(QDateEdit, name).setDate(QDate(day))


def _problem(dialog, name) -> str:
    label = dialog.findChild(QLabel, name)
    return label.text() if label.isVisible() else ""


def _select_decision(qtbot, page, decision_id) -> None:
    table = page.findChild(QTableWidget, "decisionsTable")
    row = [d.id for d in page.record.decisions].index(decision_id)
    table.selectRow(row)


@pytest.fixture
def overdue_child(demo_store):
    return next(r for r in load_caseload(demo_store, TODAY) if r.decisions_overdue)


def test_marking_a_decision_done_takes_it_off_the_overdue_count(qtbot, demo_store, overdue_child):
    page = _page(qtbot, demo_store, overdue_child.id)
    overdue = next(d for d in page.record.decisions if d.overdue)
    assert not _button(page, "doneButton").isEnabled()  # nothing selected yet
    _select_decision(qtbot, page, overdue.id)
    assert _button(page, "doneButton").isEnabled() and not _button(page, "reopenButton").isEnabled()
    _click(qtbot, _button(page, "doneButton"))
    dialog = page.dialog
    assert dialog.isVisible() and overdue.action in dialog.findChild(QLabel, "introLabel").text()
    _set_date(dialog, "onEdit", TODAY - timedelta(days=1))
    with qtbot.waitSignal(page.record_changed, timeout=1000):
        _ok(qtbot, dialog)
    assert not dialog.isVisible()
    assert _row(demo_store, overdue_child.id).decisions_overdue == overdue_child.decisions_overdue - 1
    line = next(d for d in page.record.decisions if d.id == overdue.id)
    assert line.status == "Done" and line.outcome == "Done on 24 Nov 2026"
    table = page.findChild(QTableWidget, "decisionsTable")
    assert "Done on 24 Nov 2026" in [table.item(r, 5).text() for r in range(table.rowCount())]


def test_not_done_without_a_reason_is_refused_at_the_field_and_keeps_the_date(
    qtbot, demo_store, overdue_child
):
    page = _page(qtbot, demo_store, overdue_child.id)
    overdue = next(d for d in page.record.decisions if d.overdue)
    _select_decision(qtbot, page, overdue.id)
    _click(qtbot, _button(page, "notDoneButton"))
    dialog = page.dialog
    _set_date(dialog, "onEdit", date(2026, 11, 20))
    _ok(qtbot, dialog)
    assert dialog.isVisible()
    assert _problem(dialog, "noteProblem") == "Say why the decision was not done."
    assert dialog.findChild(QDateEdit, "onEdit").date() == QDate(2026, 11, 20)  # nothing typed is lost
    _set_date(dialog, "onEdit", TODAY + timedelta(days=3))
    dialog.findChild(QPlainTextEdit, "noteEdit").setPlainText("The clinic closed for refurbishment.")
    _ok(qtbot, dialog)
    assert "cannot be in the future" in _problem(dialog, "onProblem")
    assert _problem(dialog, "noteProblem") == ""
    assert (
        dialog.findChild(QPlainTextEdit, "noteEdit").toPlainText() == "The clinic closed for refurbishment."
    )
    _set_date(dialog, "onEdit", date(2026, 11, 20))
    _ok(qtbot, dialog)
    assert not dialog.isVisible()
    line = next(d for d in page.record.decisions if d.id == overdue.id)
    assert line.outcome == "Not done (recorded on 20 Nov 2026): The clinic closed for refurbishment."
    _select_decision(qtbot, page, overdue.id)
    assert _button(page, "reopenButton").isEnabled() and not _button(page, "doneButton").isEnabled()
    _click(qtbot, _button(page, "reopenButton"))
    assert _row(demo_store, overdue_child.id).decisions_overdue == overdue_child.decisions_overdue


def test_changed_records_what_changed(qtbot, demo_store, overdue_child):
    page = _page(qtbot, demo_store, overdue_child.id)
    overdue = next(d for d in page.record.decisions if d.overdue)
    _select_decision(qtbot, page, overdue.id)
    _click(qtbot, _button(page, "changedButton"))
    dialog = page.dialog
    assert not dialog.findChild(QDateEdit, "onEdit").isVisible()
    dialog.findChild(QPlainTextEdit, "noteEdit").setPlainText("Agreed with the school instead")
    dialog.new_due_check.setChecked(True)
    _set_date(dialog, "newDueEdit", date(2027, 1, 15))
    _ok(qtbot, dialog)
    line = next(d for d in page.record.decisions if d.id == overdue.id)
    assert line.status == "Changed" and line.due == date(2027, 1, 15)
    assert line.outcome.startswith(
        "Changed on 25 Nov 2026: Agreed with the school instead. Now due 15 Jan 2027"
    )


def test_add_a_monitoring_note(qtbot, demo_store, overdue_child):
    page = _page(qtbot, demo_store, overdue_child.id)
    assert page.findChild(QLabel, "monitoringText").text() == "None recorded"
    _click(qtbot, _button(page, "addNoteButton"))
    dialog = page.dialog
    dialog.findChild(QComboBox, "kindCombo").setCurrentIndex(2)  # midway review
    qtbot.keyClicks(
        dialog.findChild(QPlainTextEdit, "textEdit"), "Midway review with the social worker: on track."
    )
    _set_date(dialog, "notedOnEdit", TODAY + timedelta(days=1))
    _ok(qtbot, dialog)
    assert "cannot be in the future" in _problem(dialog, "notedOnProblem")
    assert "on track" in dialog.findChild(QPlainTextEdit, "textEdit").toPlainText()
    _set_date(dialog, "notedOnEdit", TODAY)
    _ok(qtbot, dialog)
    text = page.findChild(QLabel, "monitoringText").text()
    assert "25 Nov 2026" in text and "Midway review" in text and "on track." in text


def test_request_an_early_review_moves_the_date_on_the_caseload(qtbot, demo_store):
    row = next(r for r in load_caseload(demo_store, TODAY) if r.next_review_due and r.working_days_left > 40)
    page = _page(qtbot, demo_store, row.id)
    assert not _button(page, "cancelEarlyButton").isVisible()
    _click(qtbot, _button(page, "earlyReviewButton"))
    dialog = page.dialog
    _set_date(dialog, "byEdit", TODAY - timedelta(days=1))
    combo = dialog.findChild(QComboBox, "reasonCombo")
    combo.setCurrentIndex(combo.findData("placement_change"))
    dialog.findChild(QLineEdit, "detailEdit").setText("Carers have given notice")
    _ok(qtbot, dialog)
    assert "cannot be in the past" in _problem(dialog, "byProblem")
    assert dialog.findChild(QLineEdit, "detailEdit").text() == "Carers have given notice"
    _set_date(dialog, "byEdit", date(2026, 12, 9))
    with qtbot.waitSignal(page.record_changed, timeout=1000):
        _ok(qtbot, dialog)
    moved = _row(demo_store, row.id)
    assert moved.next_review_due == date(2026, 12, 9) < row.next_review_due
    assert moved.review_basis.endswith("Reason: Placement change: Carers have given notice")
    assert "due 9 Dec 2026" in page.findChild(QLabel, "nextReviewText").text()
    assert page.findChild(QLabel, "nextReviewBasis").text() == moved.review_basis
    assert _button(page, "cancelEarlyButton").isVisible()
    _click(qtbot, _button(page, "cancelEarlyButton"))
    assert _row(demo_store, row.id).next_review_due == row.next_review_due


def test_adjourn_once_and_refuse_twice(qtbot, demo_store):
    row = next(r for r in load_caseload(demo_store, TODAY) if r.next_review_booked)
    page = _page(qtbot, demo_store, row.id)
    _click(qtbot, _button(page, "adjournButton"))
    dialog = page.dialog
    _set_date(dialog, "onEdit", TODAY)
    assert dialog.findChild(QLabel, "toHint").text() == "No later than 23 Dec 2026."
    _set_date(dialog, "toEdit", date(2027, 1, 4))
    _ok(qtbot, dialog)
    assert "at most 20 working days" in _problem(dialog, "toProblem")
    dialog.findChild(QPlainTextEdit, "reasonEdit").setPlainText("The health assessment has not arrived.")
    _set_date(dialog, "toEdit", date(2026, 12, 9))
    _ok(qtbot, dialog)
    assert not dialog.isVisible()
    moved = _row(demo_store, row.id)
    assert (moved.next_review_due, moved.next_review_booked) == (date(2026, 12, 9), date(2026, 12, 9))
    assert moved.review_basis == "Adjourned on 25 Nov 2026 to 9 Dec 2026 (once, up to 20 working days)"
    assert page.findChild(QLabel, "nextReviewBasis").text() == moved.review_basis
    _click(qtbot, _button(page, "adjournButton"))
    second = page.dialog
    second.findChild(QPlainTextEdit, "reasonEdit").setPlainText("Still missing")
    _set_date(second, "toEdit", date(2026, 12, 16))
    _ok(qtbot, second)
    assert second.isVisible()
    assert "adjourned only once" in _problem(second, "messageLabel")
    assert _row(demo_store, row.id).next_review_due == date(2026, 12, 9)


def test_adjourn_needs_a_review_waiting(qtbot, demo_store):
    row = next(r for r in load_caseload(demo_store, TODAY) if r.next_review_due and not r.next_review_booked)
    page = _page(qtbot, demo_store, row.id)
    assert not _button(page, "adjournButton").isEnabled()
    assert "Book the next review first" in _button(page, "adjournButton").toolTip()


def test_prepare_review_asks_for_this_child(qtbot, demo_store, overdue_child):
    page = _page(qtbot, demo_store, overdue_child.id)
    with qtbot.waitSignal(page.prepare_review_requested, timeout=1000) as signal:
        _click(qtbot, _button(page, "prepareButton"))
    assert signal.args == [overdue_child.id]
