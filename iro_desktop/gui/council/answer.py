"""Answering one of the council's notices: acknowledged, early review requested or concern raised, with a
note (needed for a concern). services.notices.answer keeps it and queues it for the next sync; its refusal
is shown beside the field it is about, and nothing typed is lost."""

from __future__ import annotations

from html import escape

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPlainTextEdit, QRadioButton, QWidget

from iro_desktop.domain.calendar import format_date
from iro_desktop.gui.forms import find, load_into
from iro_desktop.gui.problems import clear_problem, show_problem
from iro_desktop.services import notices
from iro_desktop.services.notices import AnswerProblem, NoticeLine
from iro_desktop.store import Store

RADIOS = {"acknowledged": "acknowledgedRadio", "early_review": "earlyReviewRadio", "concern": "concernRadio"}


class NoticeAnswerDialog(QDialog):
    def __init__(self, store: Store, notice: NoticeLine, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        load_into(self, "notice_answer_dialog.ui")
        self._store, self.notice = store, notice
        self.radios = {kind: find(self, QRadioButton, name) for kind, name in RADIOS.items()}
        self.note: QPlainTextEdit = find(self, QPlainTextEdit, "noteEdit")
        find(self, QLabel, "noticeLabel").setText(
            f"<b>{escape(notice.kind)}</b>: {escape(notice.summary)}<br>"
            f"{escape(notice.child_name)} ({escape(notice.child_ref)}) · raised "
            f"{format_date(notice.raised_on)} · {escape(notice.due_words)}"
        )
        buttons = find(self, QDialogButtonBox, "buttons")
        buttons.button(QDialogButtonBox.StandardButton.Save).clicked.connect(self.save)
        buttons.rejected.connect(self.reject)
        self._problems = [find(self, QLabel, "kindProblem"), find(self, QLabel, "noteProblem")]
        for label in self._problems:
            clear_problem(label)
        self.radios["acknowledged"].setFocus()

    def chosen(self) -> str:
        return next((kind for kind, radio in self.radios.items() if radio.isChecked()), "")

    def problem_text(self) -> str:
        """The message on show, if any (for tests and screen readers)."""
        return " ".join(label.text() for label in self._problems if label.text())

    def save(self) -> None:
        for label in self._problems:
            clear_problem(label, self.note if label.objectName() == "noteProblem" else None)
        kind = self.chosen()
        try:
            today = self._store.clock.today()  # an answer is dated today, whatever day the screens show
            notices.answer(self._store, self.notice.id, kind, self.note.toPlainText(), today)
        except AnswerProblem as exc:
            about_note = kind in RADIOS  # a kind was chosen: what is wrong is the note
            label = self._problems[1] if about_note else self._problems[0]
            show_problem(label, str(exc), self.note if about_note else self.radios["acknowledged"])
            self.adjustSize()
            return
        self.accept()
