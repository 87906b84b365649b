"""Small dialogs on the child's page: a decision's outcome, a monitoring note, an early review, adjourning,
and the participation code of a review recorded elsewhere (903 data).

Each dialog saves through its service when OK is pressed and closes only if the service took it. A refusal
(a Problem) is shown under the field it is about (gui.problems); everything typed stays.
"""

from __future__ import annotations

from datetime import date
from html import escape

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from iro_desktop.domain.calendar import format_date
from iro_desktop.domain.codes import PARTICIPATION_PLAIN
from iro_desktop.gui.forms import find, load_into
from iro_desktop.gui.problems import clear_problem, field_under, sentence_for, show_problem
from iro_desktop.gui.review.minute import fill_participation
from iro_desktop.problems import Problem
from iro_desktop.services import decisions, minutes, monitoring, review_dates
from iro_desktop.services.child import ChildPageDecision
from iro_desktop.store import Store


class _SavingDialog(QDialog):
    """A form whose OK runs `save`; problems go to the label named after the service's field."""

    FIELD_LABELS: dict[str, str] = {}  # service field -> problem label, where the names differ

    def __init__(self, form: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        load_into(self, form)
        self.buttons: QDialogButtonBox = find(self, QDialogButtonBox, "buttons")
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.clicked.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        self._clear_problems()

    def _save(self) -> None:
        raise NotImplementedError

    def save(self) -> None:
        self._clear_problems()
        try:
            self._save()
        except Exception as exc:  # a Problem's own sentence at its field; anything else, a plain one
            self._show_problem(getattr(exc, "field", ""), sentence_for(exc))
            return
        self.accept()

    def problem_text(self) -> str:
        """Every message on show, for tests and screen readers."""
        return " ".join(label.text() for label in self._problem_labels() if label.text())

    def _problem_labels(self) -> list[QLabel]:
        return [w for w in self.findChildren(QLabel) if w.objectName().endswith(("Problem", "messageLabel"))]

    def _clear_problems(self) -> None:
        for label in self._problem_labels():
            clear_problem(label, self._field_of(label))

    def _field_of(self, label: QLabel) -> QWidget | None:
        return field_under(self, label)

    def _show_problem(self, field: str, message: str) -> None:
        name = self.FIELD_LABELS.get(field, f"{field}Problem")
        label = self.findChild(QLabel, name) if field else None
        label = label or find(self, QLabel, "messageLabel")
        show_problem(label, message, self._field_of(label))
        self._fit_height()

    def _fit_height(self) -> None:
        """Grow, never shrink, to show a message that has just appeared in full (a wrapped label's height
        depends on the width, which Qt does not add to a window's minimum size)."""
        layout = self.layout()
        layout.activate()
        need = layout.totalHeightForWidth(self.width()) if layout.hasHeightForWidth() else 0
        if max(need, layout.totalSizeHint().height()) > self.height():
            self.resize(self.width(), max(need, layout.totalSizeHint().height()))


def _date_edit(dialog: QWidget, name: str, value: date) -> QDateEdit:
    edit = find(dialog, QDateEdit, name)
    edit.setDate(QDate(value))
    return edit


def _day(edit: QDateEdit) -> date:
    return edit.date().toPython()


class DecisionStatusDialog(_SavingDialog):
    """Done (with the date), not done (with the date and why), or changed (what changed, maybe a new date)."""

    MODES = {
        "done": ("Mark the decision done", "Done on:", None),
        "not_done": ("The decision was not done", "Recorded on:", "Why was it not done?"),
        "changed": ("The decision was changed", None, "What changed?"),
    }
    FIELD_LABELS = {"reason": "noteProblem", "new_action_or_note": "noteProblem"}

    def __init__(
        self, store: Store, decision: ChildPageDecision, mode: str, today: date, parent=None
    ) -> None:
        super().__init__("decision_status_dialog.ui", parent)
        self.store, self.decision, self.mode, self.today = store, decision, mode, today
        title, date_label, note_label = self.MODES[mode]
        self.setWindowTitle(title)
        who = f" ({decision.person})" if decision.person else ""
        due = f", due {format_date(decision.due)}" if decision.due else ""
        number = f"{decision.number}. " if decision.number else ""
        find(self, QLabel, "introLabel").setText(
            f"<b>{number}{escape(decision.action, quote=False)}</b>{who}{due}"
        )
        self.on_edit = _date_edit(self, "onEdit", today)
        self.note_edit: QPlainTextEdit = find(self, QPlainTextEdit, "noteEdit")
        self.new_due_check: QCheckBox = find(self, QCheckBox, "newDueCheck")
        self.new_due_edit = _date_edit(self, "newDueEdit", decision.due or today)
        self.new_due_check.toggled.connect(self.new_due_edit.setEnabled)
        self.new_due_edit.setEnabled(False)
        self._show_fields(date_label, note_label)

    def _show_fields(self, date_label: str | None, note_label: str | None) -> None:
        for name in ("onLabel", "onEdit"):
            self.findChild(QWidget, name).setVisible(date_label is not None)
        find(self, QLabel, "onLabel").setText(date_label or "")
        for name in ("noteLabel", "noteEdit"):
            self.findChild(QWidget, name).setVisible(note_label is not None)
        find(self, QLabel, "noteLabel").setText(note_label or "")
        changed = self.mode == "changed"
        for name in ("newDueCheck", "newDueLabel", "newDueEdit"):
            self.findChild(QWidget, name).setVisible(changed)

    def _save(self) -> None:
        if self.mode == "done":
            decisions.mark_done(self.store, self.decision.id, _day(self.on_edit))
        elif self.mode == "not_done":
            reason = self.note_edit.toPlainText()
            decisions.mark_not_done(self.store, self.decision.id, reason, _day(self.on_edit))
        else:
            new_due = _day(self.new_due_edit) if self.new_due_check.isChecked() else None
            decisions.mark_changed(
                self.store, self.decision.id, self.note_edit.toPlainText(), new_due
            )


class MonitoringNoteDialog(_SavingDialog):
    FIELD_LABELS = {"noted_on": "notedOnProblem"}

    def __init__(self, store: Store, child_id: int, today: date, parent=None) -> None:
        super().__init__("monitoring_note_dialog.ui", parent)
        self.store, self.child_id, self.today = store, child_id, today
        self.noted_on = _date_edit(self, "notedOnEdit", today)
        self.kind: QComboBox = find(self, QComboBox, "kindCombo")
        for key, label in monitoring.KINDS.items():
            self.kind.addItem(label, key)
        self.text: QPlainTextEdit = find(self, QPlainTextEdit, "textEdit")

    def _save(self) -> None:
        monitoring.add_note(
            self.store,
            self.child_id,
            _day(self.noted_on),
            self.kind.currentData(),
            self.text.toPlainText(),
        )


class EarlyReviewDialog(_SavingDialog):
    def __init__(self, store: Store, child_id: int, today: date, parent=None) -> None:
        super().__init__("early_review_dialog.ui", parent)
        self.store, self.child_id, self.today = store, child_id, today
        self.by = _date_edit(self, "byEdit", today)
        self.reason: QComboBox = find(self, QComboBox, "reasonCombo")
        for key, label in review_dates.EARLY_REASONS.items():
            self.reason.addItem(label, key)
        self.detail: QLineEdit = find(self, QLineEdit, "detailEdit")

    def _save(self) -> None:
        review_dates.request_early_review(
            self.store,
            self.child_id,
            _day(self.by),
            self.reason.currentData(),
            self.detail.text(),
        )


class AdjournReviewDialog(_SavingDialog):
    def __init__(self, store: Store, review_id: int, booked: date | None, today: date, parent=None) -> None:
        super().__init__("adjourn_review_dialog.ui", parent)
        self.store, self.review_id, self.today = store, review_id, today
        on = booked if booked is not None and booked <= today else today
        self.on = _date_edit(self, "onEdit", on)
        self.to = _date_edit(self, "toEdit", review_dates.latest_adjourned_to(store, on))
        self.reason: QPlainTextEdit = find(self, QPlainTextEdit, "reasonEdit")
        self.on.dateChanged.connect(self._show_latest)
        self._show_latest()

    def _show_latest(self) -> None:
        latest = review_dates.latest_adjourned_to(self.store, _day(self.on))
        find(self, QLabel, "toHint").setText(f"No later than {format_date(latest)}.")

    def _save(self) -> None:
        review_dates.adjourn_review(
            self.store, self.review_id, _day(self.on), _day(self.to), self.reason.toPlainText()
        )


class ParticipationCodeDialog(_SavingDialog):
    """The PN code of a review recorded elsewhere (903 data): the import leaves out a code that contradicts
    the child's age, and the 903 export leaves out a review with no code until the IRO sets one here.
    Every code PN0-PN7 is offered; one that does not fit the child's age that day is refused by the service,
    with its sentence, and nothing changes."""

    def __init__(self, store: Store, review_id: int, today: date, parent=None) -> None:
        super().__init__("participation_code_dialog.ui", parent)
        self.store, self.review_id, self.today = store, review_id, today
        m = minutes.minutes(store, review_id, today)
        self.code: QComboBox = find(self, QComboBox, "codeCombo")
        fill_participation(self.code, PARTICIPATION_PLAIN.items(), m.participation_code, blank="Choose…")
        number = f"Review {m.number}" if m.number else "This review"
        self.name = m.child_name
        who = escape(m.child_name, quote=False)
        if m.participation_code:
            why = (
                f"{number} was recorded elsewhere (the council's 903 data) with {m.participation_code}. "
                "Change it only if that code is wrong."
            )
        else:
            why = (
                f"{number} was taken from the council's 903 data without a participation code (the code "
                f"given did not fit {who}'s age, or there was none). Choose how {who} took part: the review "
                "goes back to the council in the next 903 export."
            )
        find(self, QLabel, "introLabel").setText(why)
        when = format_date(m.review_date) if m.review_date else "Not recorded"
        find(self, QLabel, "dateValue").setText(when)
        age = "Under 1" if m.age == 0 else f"{m.age} {'year' if m.age == 1 else 'years'} old"
        born = f"born {format_date(m.dob)}"
        find(self, QLabel, "ageValue").setText(f"{age} ({born})" if m.review_date else f"Not known ({born})")
        self.code.setFocus()

    def _save(self) -> None:
        code = self.code.currentData()
        if not code:
            raise Problem(f"Choose how {self.name} took part, then press OK.", "code")
        minutes.set_participation(self.store, self.review_id, code)  # its refusals name the "code" field

    def _field_of(self, label: QLabel) -> QWidget | None:
        return getattr(self, "code", None)  # the form's one field (not yet made when the base first clears)
