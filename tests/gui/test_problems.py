"""A problem is shown beside its field the one way (gui.problems): the sentence under the field, read with the
field by a screen reader, the focus in it. Only a Problem's own words reach the screen."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QDateEdit, QDialogButtonBox, QLabel, QPlainTextEdit
from sqlalchemy import select, text

from iro_desktop.gui.child.dialogs import MonitoringNoteDialog
from iro_desktop.gui.problems import SAVE_FAULT
from iro_desktop.services.monitoring import notes
from iro_desktop.store.models import Child
from tests.conftest import TODAY


def _child(store) -> Child:
    with store.session() as s:
        return s.scalars(select(Child).order_by(Child.id)).first()


def _note_dialog(qtbot, store, child_id: int) -> MonitoringNoteDialog:
    dialog = MonitoringNoteDialog(store, child_id, TODAY)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.findChild(QPlainTextEdit, "textEdit").setPlainText("Visited Maja at her carers' home.")
    return dialog


def _ok(dialog) -> None:
    dialog.findChild(QDialogButtonBox, "buttons").button(QDialogButtonBox.StandardButton.Ok).click()


def test_a_date_before_birth_is_shown_under_the_date_with_the_focus_there(qtbot, demo_store):
    child = _child(demo_store)
    before = len(notes(demo_store, child.id))
    dialog = _note_dialog(qtbot, demo_store, child.id)
    date_edit = dialog.findChild(QDateEdit, "notedOnEdit")
    date_edit.setDate(QDate(date(child.dob.year - 1, 1, 10)))
    _ok(dialog)

    problem = dialog.findChild(QLabel, "notedOnProblem")
    assert problem.isVisible() and "cannot be before" in problem.text()
    assert date_edit.accessibleDescription() == problem.text()
    assert dialog.focusWidget() is date_edit
    assert dialog.isVisible() and len(notes(demo_store, child.id)) == before

    date_edit.setDate(QDate(TODAY))
    _ok(dialog)
    assert not dialog.isVisible()
    assert len(notes(demo_store, child.id)) == before + 1
    assert not problem.isVisible() and "cannot be before" not in date_edit.accessibleDescription()


def test_a_library_error_in_a_dialog_shows_a_plain_sentence_not_its_text(qtbot, demo_store):
    child = _child(demo_store)
    with demo_store.session() as s:  # a store broken underneath: SQLite's own error, naming the table
        s.execute(text("DROP TABLE monitoring_notes"))
    dialog = _note_dialog(qtbot, demo_store, child.id)
    _ok(dialog)

    message = dialog.findChild(QLabel, "messageLabel")
    assert message.isVisible() and message.text() == SAVE_FAULT
    assert "monitoring_notes" not in dialog.problem_text()
    assert dialog.isVisible()
