"""The Challenges view, a concern's dialog, the summary and the DRP ladder, driven as the IRO would."""

from __future__ import annotations

import csv
from datetime import date

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QWidget,
)

from iro_desktop.gui.challenges import ChallengeDialog, ChallengeSummary, ChallengesView, DrpLadderDialog
from iro_desktop.gui.challenges.chart import BarChart
from iro_desktop.gui.child import ChildPage
from iro_desktop.gui.sync.view import SyncView
from iro_desktop.services import challenge_facts, challenge_ladder, challenge_letters
from iro_desktop.services import challenge_report as report
from iro_desktop.services import sync as sync_service
from iro_desktop.services.caseload import load_caseload
from tests.conftest import TODAY

MON = date(2026, 11, 16)


def _click(qtbot, dialog, name: str) -> None:
    qtbot.mouseClick(dialog.findChild(QPushButton, name), Qt.MouseButton.LeftButton)


def _type(dialog, name: str, text: str) -> None:
    widget = dialog.findChild(QPlainTextEdit, name) or dialog.findChild(QLineEdit, name)
    widget.setPlainText(text) if isinstance(widget, QPlainTextEdit) else widget.setText(text)


def _date(dialog, name: str, day: date) -> None:
    dialog.findChild(QDateEdit, name).setDate(QDate(day))


def _choose(dialog, name: str, data) -> None:
    combo = dialog.findChild(QComboBox, name)
    combo.setCurrentIndex(combo.findData(data))


def _new_concern(
    qtbot, store, child_id, details="No allocated social worker for seven weeks."
) -> ChallengeDialog:
    dialog = ChallengeDialog(store, child_id, TODAY)
    qtbot.addWidget(dialog)
    _choose(dialog, "issueCombo", "no_social_worker")
    _date(dialog, "raisedOnEdit", MON)
    _type(dialog, "detailsEdit", details)
    _type(dialog, "expectedEdit", "A named social worker")
    _type(dialog, "childViewEdit", "Wants to know who to ring.")
    _click(qtbot, dialog, "saveConcernButton")
    return dialog


@pytest.fixture
def child_id(demo_store) -> int:
    return load_caseload(demo_store, TODAY)[0].id


def test_raise_a_concern_from_the_childs_page(qtbot, demo_store, child_id):
    page = ChildPage(demo_store, child_id, TODAY)
    qtbot.addWidget(page)
    with qtbot.waitSignal(page.raise_concern_requested) as asked:
        _click(qtbot, page, "raiseConcernButton")
    assert asked.args == [child_id]
    dialog = _new_concern(qtbot, demo_store, child_id)
    assert dialog.challenge_id and dialog.problem_text() == ""
    assert "Informal" in dialog.findChild(QLabel, "statusLabel").text()
    page.refresh()  # the lead refreshes the page when the dialog saves
    table = page.findChild(QTableWidget, "challengesTable")
    assert "No allocated social worker" in [table.item(r, 0).text() for r in range(table.rowCount())]


def test_an_empty_concern_is_refused_at_the_field_and_kept(qtbot, demo_store, child_id):
    dialog = _new_concern(qtbot, demo_store, child_id, details="   ")
    assert dialog.challenge_id is None
    assert dialog.findChild(QLabel, "detailsProblem").text() == "Describe the concern: it is empty."
    assert dialog.findChild(QPlainTextEdit, "expectedEdit").toPlainText() == "A named social worker"
    assert not dialog.tabs.isTabEnabled(dialog.tabs.indexOf(dialog.findChild(QWidget, "escalateTab")))


def test_resolve_informally(qtbot, demo_store, child_id):
    dialog = _new_concern(qtbot, demo_store, child_id)
    _date(dialog, "informalOnEdit", date(2026, 11, 17))
    _type(dialog, "spokeWithEdit", "Ruth Adebayo, team manager")
    _type(dialog, "conversationEdit", "Agreed allocation is overdue.")
    _type(dialog, "agreedActionEdit", "Allocate a social worker")
    _date(dialog, "actionByEdit", date(2026, 11, 10))  # before the conversation: refused
    _click(qtbot, dialog, "recordInformalButton")
    assert "on or after the conversation" in dialog.findChild(QLabel, "actionByProblem").text()
    assert dialog.findChild(QLineEdit, "agreedActionEdit").text() == "Allocate a social worker"
    _date(dialog, "actionByEdit", date(2026, 11, 20))
    _click(qtbot, dialog, "recordInformalButton")
    assert dialog.problem_text() == ""
    _date(dialog, "respondedOnEdit", date(2026, 11, 20))
    _type(dialog, "responseEdit", "Sam Fairweather allocated.")
    _choose(dialog, "outcomeCombo", "resolved")
    _click(qtbot, dialog, "recordResponseButton")
    view = challenge_facts.get_challenge(demo_store, dialog.challenge_id, TODAY)
    assert view.outcome == "Resolved" and any(
        "Agreed: Allocate a social worker" in e.text for e in view.events
    )
    assert "Resolved" in dialog.findChild(QLabel, "statusLabel").text()


def test_escalate_through_two_stages_skipping_one_never_back(qtbot, demo_store, child_id):
    dialog = _new_concern(qtbot, demo_store, child_id)
    _choose(dialog, "stageCombo", "stage_1")
    _date(dialog, "sentOnEdit", MON)
    _click(qtbot, dialog, "escalateButton")
    assert "response due 23 Nov 2026" in dialog.findChild(QLabel, "statusLabel").text()
    # The letter for stage 1, edited before it is saved as a PDF.
    letter = dialog.findChild(QPlainTextEdit, "letterEdit")
    assert "No allocated social worker" in letter.toPlainText()
    letter.setPlainText("Please allocate a social worker for this child this week.")
    _click(qtbot, dialog, "saveLetterButton")
    assert challenge_letters.letter_draft(demo_store, dialog.challenge_id, TODAY) == letter.toPlainText()
    _choose(dialog, "stageCombo", "stage_3")  # skipping stage 2
    _date(dialog, "sentOnEdit", date(2026, 11, 24))
    _type(dialog, "addresseeEdit", "Paul Denholm, Head of Service")
    _click(qtbot, dialog, "escalateButton")
    status = dialog.findChild(QLabel, "statusLabel").text()
    assert "Stage 3: Head of service" in status and "Paul Denholm" in status
    _choose(dialog, "stageCombo", "stage_2")
    _click(qtbot, dialog, "escalateButton")
    assert "cannot go back" in dialog.findChild(QLabel, "stageProblem").text()
    assert challenge_facts.get_challenge(demo_store, dialog.challenge_id, TODAY).stage_key == "stage_3"


def test_a_response_before_the_letter_is_refused_at_the_field(qtbot, demo_store, child_id):
    dialog = _new_concern(qtbot, demo_store, child_id)
    _choose(dialog, "stageCombo", "stage_1")
    _date(dialog, "sentOnEdit", date(2026, 11, 18))
    _click(qtbot, dialog, "escalateButton")
    _date(dialog, "respondedOnEdit", MON)
    _type(dialog, "responseEdit", "We will allocate soon.")
    _click(qtbot, dialog, "recordResponseButton")
    assert "before the letter was sent" in dialog.findChild(QLabel, "respondedOnProblem").text()
    assert dialog.findChild(QPlainTextEdit, "responseEdit").toPlainText() == "We will allocate soon."


def test_a_concern_goes_overdue_when_the_as_of_date_moves(qtbot, demo_store, child_id):
    dialog = _new_concern(qtbot, demo_store, child_id)
    _choose(dialog, "stageCombo", "stage_1")
    _date(dialog, "sentOnEdit", MON)
    _click(qtbot, dialog, "escalateButton")
    view = ChallengesView(demo_store, date(2026, 11, 23))
    qtbot.addWidget(view)

    def row_status() -> str:
        r = [row.id for row in view.rows].index(dialog.challenge_id)
        return view.table.item(r, 7).text()

    assert row_status() == "Awaiting response"
    view.asOf.setDate(QDate(2026, 11, 24))
    assert row_status() == "Response overdue"
    r = [row.id for row in view.rows].index(dialog.challenge_id)
    assert view.table.item(r, 7).background().color().name() == "#fbdcdf"
    assert "with a response overdue" in view.findChild(QLabel, "countLabel").text()
    view.table.selectRow(r)
    with qtbot.waitSignal(view.child_opened) as opened:
        _click(qtbot, view, "openChildButton")
    assert opened.args == [child_id]


def test_refer_to_cafcass_and_tell_the_child(qtbot, demo_store, child_id, tmp_path):
    dialog = _new_concern(qtbot, demo_store, child_id)
    _date(dialog, "cafcassOnEdit", date(2026, 11, 20))
    _click(qtbot, dialog, "considerButton")
    assert dialog.findChild(QLabel, "reasoningProblem").text().startswith("Write your reasoning")
    _type(dialog, "reasoningEdit", "No progress despite repeated requests.")
    _click(qtbot, dialog, "considerButton")
    _type(dialog, "summaryEdit", "Chronology and the DRP letters.")
    _click(qtbot, dialog, "referButton")
    assert "Cafcass: Referred on 20 Nov 2026" in dialog.findChild(QLabel, "statusLabel").text()
    pdf = dialog.save_cafcass_pdf(tmp_path / "cafcass.pdf")
    assert pdf.read_bytes().startswith(b"%PDF")
    assert dialog.save_cafcass_pdf(tmp_path / "gone" / "cafcass.pdf") is None  # a folder that is not there
    assert "Not saved: no such file or directory" in dialog.findChild(QLabel, "statusLabel").text()
    dialog.findChild(QCheckBox, "toldCheck").setChecked(True)
    dialog.findChild(QCheckBox, "advocacyCheck").setChecked(True)
    _click(qtbot, dialog, "recordToldButton")
    assert (
        "about advocacy" in challenge_facts.get_challenge(demo_store, dialog.challenge_id, TODAY).child_told
    )


def test_the_summary_counts_match_and_export(qtbot, demo_store, child_id, tmp_path):
    _new_concern(qtbot, demo_store, child_id)
    summary = ChallengeSummary(demo_store, TODAY, start=date(2026, 1, 1))
    qtbot.addWidget(summary)
    expected = report.summary(demo_store, date(2026, 1, 1), TODAY, TODAY)
    assert summary.summary == expected
    figures = summary.findChild(QLabel, "figuresText").text()
    assert "No allocated social worker" in figures
    assert summary.findChild(BarChart, "concernsChart").chart == report.charts(expected)[2]
    rows = list(csv.reader(summary.export_csv(tmp_path / "s.csv").open(encoding="utf-8")))
    assert ["Concerns raised by issue", "All concerns", str(expected.raised)] in rows
    assert summary.export_pdf(tmp_path / "s.pdf").read_bytes().startswith(b"%PDF")
    summary.set_range(date(2026, 6, 1), date(2026, 5, 1))
    assert "before its start" in summary.findChild(QLabel, "endProblem").text()
    summary.set_range(date(2026, 1, 1), TODAY)
    assert not summary.add_practice()  # empty
    summary.findChild(QLineEdit, "practiceEdit").setText("The carers kept a lovely memory box.")
    assert summary.add_practice()
    assert "lovely memory box" in summary.findChild(QLabel, "figuresText").text()


def test_the_ladder_dialog_sets_stages_once(qtbot, demo_store):
    dialog = DrpLadderDialog(demo_store)
    qtbot.addWidget(dialog)
    assert "20 working days" in dialog.findChild(QLabel, "totalLabel").text()
    dialog.findChild(QSpinBox, "stageCount").setValue(2)
    dialog.table.item(1, 1).setText("Director")
    dialog.table.item(1, 3).setText("ten")
    assert not dialog.save()
    assert "whole number" in dialog.findChild(QLabel, "ladderProblem").text()
    dialog.table.item(1, 3).setText("10")
    assert dialog.save()
    assert [(r.title, r.working_days) for r in challenge_ladder.ladder(demo_store)] == [
        ("Team manager", 5),
        ("Director", 10),
    ]


def test_sign_the_letter_then_it_is_read_only_and_waits_for_the_council(
    qtbot, demo_store, child_id, monkeypatch
):
    asked = []
    monkeypatch.setattr(
        QMessageBox, "question", lambda *a, **k: asked.append(a[2]) or QMessageBox.StandardButton.Yes
    )
    dialog = _new_concern(qtbot, demo_store, child_id)
    _choose(dialog, "stageCombo", "stage_1")
    _date(dialog, "sentOnEdit", MON)
    _click(qtbot, dialog, "escalateButton")
    _type(dialog, "letterEdit", "Please name Tomasz's social worker by Friday.")
    _click(qtbot, dialog, "signLetterButton")

    assert "can no longer be changed" in asked[0]
    letter = dialog.findChild(QPlainTextEdit, "letterEdit")
    assert letter.isReadOnly() and letter.toPlainText() == "Please name Tomasz's social worker by Friday."
    assert not dialog.findChild(QPushButton, "saveLetterButton").isEnabled()
    assert not dialog.findChild(QPushButton, "signLetterButton").isEnabled()
    assert "signed and queued for the council" in dialog.findChild(QLabel, "letterLabel").text()
    (line,) = [o for o in sync_service.outbox_items(demo_store) if o.kind == "challenge_letter"]
    assert line.state == "queued" and line.child_id == child_id
    sync = SyncView(demo_store)
    qtbot.addWidget(sync)
    shown = [sync.table.item(row, 1).text() for row in range(sync.table.rowCount())]
    assert f"Concern letter {line.record_id[:8]} v1" in shown

    _choose(dialog, "stageCombo", "stage_2")
    _date(dialog, "sentOnEdit", date(2026, 11, 24))
    _click(qtbot, dialog, "escalateButton")  # the next stage's letter is open to edit again
    assert not letter.isReadOnly() and dialog.findChild(QPushButton, "signLetterButton").isEnabled()


def test_saying_no_to_signing_signs_nothing(qtbot, demo_store, child_id, monkeypatch):
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.No)
    dialog = _new_concern(qtbot, demo_store, child_id)
    _choose(dialog, "stageCombo", "stage_1")
    _date(dialog, "sentOnEdit", MON)
    _click(qtbot, dialog, "escalateButton")
    _click(qtbot, dialog, "signLetterButton")
    assert not dialog.findChild(QPlainTextEdit, "letterEdit").isReadOnly()
    assert [o for o in sync_service.outbox_items(demo_store) if o.kind == "challenge_letter"] == []
