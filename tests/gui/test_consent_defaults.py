"""Every sign, send, remove and restore question defaults to No or Cancel: a stray Enter does nothing.

Each test lets the real question open and presses Enter at it, as a hurried IRO would.
"""

from __future__ import annotations

from PySide6.QtCore import QDate, Qt, QTimer
from PySide6.QtWidgets import QApplication, QComboBox, QDateEdit, QMessageBox, QPlainTextEdit, QPushButton

from iro_desktop.gui.challenges import ChallengeDialog
from iro_desktop.services import sync as sync_service
from iro_desktop.services.caseload import load_caseload
from tests.conftest import TODAY, first_review


def _press_enter_at_the_question(qtbot, seen: list) -> None:
    """Once the question is open, note its default button and press Enter (exec() would block the test)."""
    tries = [0]

    def act() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            tries[0] += 1
            if tries[0] < 250:  # about five seconds, then give up rather than answer another test's box
                QTimer.singleShot(20, act)
            return
        seen.append(box.standardButton(box.defaultButton()))
        qtbot.keyClick(box, Qt.Key.Key_Return)

    QTimer.singleShot(0, act)


def _concern_at_stage_one(qtbot, store) -> ChallengeDialog:
    child_id = load_caseload(store, TODAY)[0].id
    dialog = ChallengeDialog(store, child_id, TODAY)
    qtbot.addWidget(dialog)
    issue = dialog.findChild(QComboBox, "issueCombo")
    issue.setCurrentIndex(issue.findData("no_social_worker"))
    dialog.findChild(QDateEdit, "raisedOnEdit").setDate(QDate(TODAY))
    dialog.findChild(QPlainTextEdit, "detailsEdit").setPlainText("No social worker for seven weeks.")
    qtbot.mouseClick(dialog.findChild(QPushButton, "saveConcernButton"), Qt.MouseButton.LeftButton)
    stage = dialog.findChild(QComboBox, "stageCombo")
    stage.setCurrentIndex(stage.findData("stage_1"))
    dialog.findChild(QDateEdit, "sentOnEdit").setDate(QDate(TODAY))
    qtbot.mouseClick(dialog.findChild(QPushButton, "escalateButton"), Qt.MouseButton.LeftButton)
    return dialog


def test_enter_at_sign_the_letter_signs_nothing(qtbot, demo_store):
    dialog = _concern_at_stage_one(qtbot, demo_store)
    dialog.findChild(QPlainTextEdit, "letterEdit").setPlainText("Please name the social worker by Friday.")
    sign = dialog.findChild(QPushButton, "signLetterButton")
    assert sign.isEnabled()  # the question is really asked, not skipped
    seen: list = []
    _press_enter_at_the_question(qtbot, seen)
    qtbot.mouseClick(sign, Qt.MouseButton.LeftButton)
    assert seen == [QMessageBox.StandardButton.No]
    assert not dialog.findChild(QPlainTextEdit, "letterEdit").isReadOnly()
    assert [o for o in sync_service.outbox_items(demo_store) if o.kind == "challenge_letter"] == []


def test_enter_at_open_a_correction_opens_nothing(qtbot, demo_store):

    from iro_desktop.gui.review.workspace import ReviewWorkspace
    from iro_desktop.store.models import Review

    signed = first_review(demo_store, "finalised")
    workspace = ReviewWorkspace(demo_store, signed, TODAY, "Review")
    qtbot.addWidget(workspace)
    seen: list = []
    _press_enter_at_the_question(qtbot, seen)
    qtbot.mouseClick(workspace.correct_button, Qt.MouseButton.LeftButton)
    assert seen == [QMessageBox.StandardButton.No]
    with demo_store.session() as s:
        assert s.get(Review, signed).status == "finalised"
