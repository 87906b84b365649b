"""One concern: raise it, resolve it informally, escalate it, draft its letter, record the response and the
outcome, consider or make a Cafcass referral and record what the child was told. Layout in
ui/challenge_dialog.ui; every step is a services.challenges call, whose refusal (a Problem) is shown
under the field it is about while everything typed stays in place.
"""

from __future__ import annotations

from datetime import date
from html import escape
from pathlib import Path

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTabWidget,
    QTextBrowser,
    QWidget,
)

from iro_desktop.domain.calendar import format_date
from iro_desktop.gui.forms import find, fit_screen, load_into
from iro_desktop.gui.problems import clear_problem, field_under, sentence_for, show_problem
from iro_desktop.gui.saving import save_file
from iro_desktop.problems import Problem
from iro_desktop.services import (
    challenge_events,
    challenge_facts,
    challenge_ladder,
    challenge_letters,
)
from iro_desktop.services import challenges as ch
from iro_desktop.services import sync as sync_service
from iro_desktop.store import Store

# Tabs that need a concern to exist first.
_LATER_TABS = ("informalTab", "escalateTab", "responseTab", "cafcassTab", "historyTab")
NO_OUTCOME = "Not settled yet (keep it open)"


def _camel(field: str) -> str:
    head, *rest = field.split("_")
    return head + "".join(word.capitalize() for word in rest)


class ChallengeDialog(QDialog):
    saved = Signal(int)  # the concern's id, after anything was saved

    def __init__(
        self,
        store: Store,
        child_id: int,
        today: date,
        parent=None,
        challenge_id: int | None = None,
        about: str = "",
    ) -> None:
        super().__init__(parent)
        load_into(self, "challenge_dialog.ui")
        self._store, self.child_id, self.today, self.about = store, child_id, today, about
        self.challenge_id = challenge_id
        self.view: challenge_facts.ChallengeFacts | None = None
        self.tabs: QTabWidget = find(self, QTabWidget, "tabs")
        find(self, QDialogButtonBox, "buttons").rejected.connect(self.reject)
        self._fill_choices()
        for edit in self.findChildren(QDateEdit):
            edit.setDate(QDate(today))
        self._expected_by().setEnabled(False)
        find(self, QCheckBox, "expectedByCheck").toggled.connect(self._expected_by().setEnabled)
        self._connect()
        self.clear_problems()
        self.refresh()
        # As large as the tabs would like (every tab's title, their text areas), within the screen: at a
        # large font the smallest size Qt allows hides tabs and leaves wrapped text out, cramping a tab.
        wanted = self.size().expandedTo(self.sizeHint())
        fit_screen(self, wanted.width(), wanted.height())

    # --- widgets --------------------------------------------------------------------------------

    def w(self, cls, name):
        return find(self, cls, name)

    def _expected_by(self) -> QDateEdit:
        return self.w(QDateEdit, "expectedByEdit")

    def _date(self, name: str) -> date:
        return self.w(QDateEdit, name).date().toPython()

    def _text(self, name: str) -> str:
        widget = self.findChild(QPlainTextEdit, name) or self.w(QLineEdit, name)
        return widget.toPlainText() if isinstance(widget, QPlainTextEdit) else widget.text()

    def _fill_choices(self) -> None:
        issue = self.w(QComboBox, "issueCombo")
        issue.addItem("Choose…", "")
        for key, label in challenge_facts.ISSUES.items():
            issue.addItem(label, key)
        outcome = self.w(QComboBox, "outcomeCombo")
        outcome.addItem(NO_OUTCOME, None)
        for key, label in challenge_events.OUTCOMES.items():
            outcome.addItem(label, key)

    def _connect(self) -> None:
        actions = {
            "saveConcernButton": self.save_concern,
            "recordInformalButton": self.record_informal,
            "escalateButton": self.escalate,
            "saveLetterButton": self.save_letter,
            "letterPdfButton": lambda: self.save_letter_pdf(),
            "signLetterButton": self.sign_letter,
            "recordResponseButton": self.record_response,
            "considerButton": self.consider_cafcass,
            "referButton": self.refer_to_cafcass,
            "cafcassPdfButton": lambda: self.save_cafcass_pdf(),
            "recordToldButton": self.record_told,
        }
        for name, action in actions.items():
            self.w(QPushButton, name).clicked.connect(action)

    # --- showing where the concern stands -------------------------------------------------------

    def refresh(self) -> None:
        self.view = (
            challenge_facts.get_challenge(self._store, self.challenge_id, self.today)
            if self.challenge_id
            else None
        )
        for name in _LATER_TABS:
            self.tabs.setTabEnabled(self.tabs.indexOf(self.w(QWidget, name)), self.view is not None)
        self.w(QPushButton, "saveConcernButton").setText("Save changes" if self.view else "Raise the concern")
        self._fill_stages()
        if self.view is None:
            self.setWindowTitle("Raise a concern")
            self.w(QLabel, "statusLabel").setText("A new concern starts informally (IRO Handbook 6.1).")
            return
        v = self.view
        self.setWindowTitle(f"Concern: {v.issue} · {v.child_name}")
        self.w(QComboBox, "issueCombo").setCurrentIndex(self.w(QComboBox, "issueCombo").findData(v.issue_key))
        self.w(QComboBox, "issueCombo").setEnabled(False)
        self.w(QDateEdit, "raisedOnEdit").setDate(QDate(v.raised_on))
        self.w(QDateEdit, "raisedOnEdit").setEnabled(False)
        if not self._text("detailsEdit"):
            self.w(QPlainTextEdit, "detailsEdit").setPlainText(v.details)
            self.w(QPlainTextEdit, "expectedEdit").setPlainText(v.expected)
            self.w(QPlainTextEdit, "childViewEdit").setPlainText(v.child_view)
            if v.expected_by:
                find(self, QCheckBox, "expectedByCheck").setChecked(True)
                self._expected_by().setDate(QDate(v.expected_by))
        self.w(QLabel, "statusLabel").setText(self._status_html(v))
        self.w(QPlainTextEdit, "letterEdit").setPlainText(
            challenge_letters.letter_draft(self._store, v.id, self.today)
            if v.stage_key in challenge_ladder.ORDER
            else ""
        )
        self._show_letter_signed(v)
        self.w(QTextBrowser, "historyText").setHtml(
            "".join(f"<p><b>{format_date(e.on) if e.on else ''}</b> {escape(e.text)}</p>" for e in v.events)
        )
        for name in ("escalateButton", "recordResponseButton", "recordInformalButton"):
            self.w(QPushButton, name).setEnabled(v.open)

    def _show_letter_signed(self, v: challenge_facts.ChallengeFacts) -> None:
        """A signed letter is shown read-only, with nothing left to save or sign at this stage."""
        signed = v.letter_signed
        self.w(QPlainTextEdit, "letterEdit").setReadOnly(signed)
        self.w(QPushButton, "saveLetterButton").setEnabled(not signed)
        self.w(QPushButton, "signLetterButton").setEnabled(
            v.open and v.stage_key in challenge_ladder.ORDER and not signed
        )
        self.w(QLabel, "letterLabel").setText(
            f"The {v.stage} letter is signed and queued for the council (see View > Sync); it can no longer "
            "be changed. Escalating starts a new letter, signed as a new version."
            if signed
            else "The letter for the current stage: edit the wording of the concern, then save it as a PDF "
            "to send, and sign it so the council holds the letter as sent."
        )

    def _status_html(self, v: challenge_facts.ChallengeFacts) -> str:
        parts = [
            f"<b>{escape(v.child_name)}</b> · {escape(v.issue)} · raised {format_date(v.raised_on)}",
            f"<b>{escape(v.stage)}</b>" + (f", held by {escape(v.holder)}" if v.holder else ""),
        ]
        if v.response_due and v.open:
            parts.append(f"response due {format_date(v.response_due)}")
        if v.overdue:
            parts.append(
                '<span style="color:#8e1b22; background:#fbdcdf; font-weight:bold">'
                f"&nbsp;{challenge_facts.RESPONSE_OVERDUE}&nbsp;</span>"
            )
        elif v.outcome:
            parts.append(f"<b>{escape(v.outcome)}</b> on {format_date(v.resolved_on)}")
        else:
            parts.append(escape(v.status))
        if v.final_due and v.open:
            parts.append(f"whole process due to end by {format_date(v.final_due)}")
        if v.cafcass:
            parts.append(f"Cafcass: {escape(v.cafcass)}")
        return " · ".join(parts)

    def _fill_stages(self) -> None:
        combo = self.w(QComboBox, "stageCombo")
        keep = combo.currentData()
        combo.clear()
        rungs = challenge_ladder.ladder(self._store)
        current = (
            challenge_ladder.ORDER.index(self.view.stage_key)
            if self.view and self.view.stage_key in challenge_ladder.ORDER
            else 0
        )
        for n, rung in enumerate(rungs, start=1):
            label = challenge_ladder.stage_label(rungs, f"stage_{n}")
            done = " (reached already)" if n <= current else ""
            combo.addItem(f"{label}, {rung.working_days} working days{done}", f"stage_{n}")
        index = combo.findData(keep) if keep else min(current, len(rungs) - 1)
        combo.setCurrentIndex(max(index, 0))

    # --- problems at the field -------------------------------------------------------------------

    def _problem_labels(self) -> list[QLabel]:
        return [w for w in self.findChildren(QLabel) if w.objectName().endswith(("Problem", "messageLabel"))]

    def clear_problems(self) -> None:
        for label in self._problem_labels():
            clear_problem(label, field_under(self, label))

    def problem_text(self) -> str:
        return " ".join(label.text() for label in self._problem_labels() if label.text())

    def _show_problem(self, field: str, message: str) -> None:
        label = self.findChild(QLabel, f"{_camel(field)}Problem") if field else None
        label = label or self.w(QLabel, "messageLabel")
        show_problem(label, message, field_under(self, label))

    def _attempt(self, action) -> bool:
        """Run a service call; show its refusal at the field, keep what was typed, and say if it worked."""
        self.clear_problems()
        try:
            action()
        except Exception as exc:  # a Problem's own sentence at its field; anything else, a plain one
            self._show_problem(getattr(exc, "field", ""), sentence_for(exc))
            return False
        if self.challenge_id:
            self.saved.emit(self.challenge_id)
        self.refresh()
        return True

    # --- the steps -------------------------------------------------------------------------------

    def save_concern(self) -> bool:
        expected_by = (
            self._date("expectedByEdit") if find(self, QCheckBox, "expectedByCheck").isChecked() else None
        )
        details, expected, child_view = (
            self._text("detailsEdit"),
            self._text("expectedEdit"),
            self._text("childViewEdit"),
        )
        if self.challenge_id:
            return self._attempt(
                lambda: ch.update_concern(
                    self._store, self.challenge_id, details, expected, expected_by, child_view
                )
            )

        def raise_it() -> None:
            self.challenge_id = ch.raise_concern(
                self._store,
                self.child_id,
                self.w(QComboBox, "issueCombo").currentData(),
                details,
                self._date("raisedOnEdit"),
                expected,
                expected_by,
                child_view,
                self.about,
            )

        return self._attempt(raise_it)

    def record_informal(self) -> bool:
        ok = self._attempt(
            lambda: ch.record_informal(
                self._store,
                self.challenge_id,
                self._date("informalOnEdit"),
                self._text("spokeWithEdit"),
                self._text("conversationEdit"),
                self._text("agreedActionEdit"),
                self._date("actionByEdit"),
            )
        )
        if ok:
            for name in ("conversationEdit", "agreedActionEdit"):
                self.findChild(QWidget, name).clear()
        return ok

    def escalate(self) -> bool:
        return self._attempt(
            lambda: ch.escalate(
                self._store,
                self.challenge_id,
                self.w(QComboBox, "stageCombo").currentData(),
                self._date("sentOnEdit"),
                self._text("addresseeEdit"),
            )
        )

    def save_letter(self) -> bool:
        return self._attempt(
            lambda: challenge_letters.save_letter_text(
                self._store, self.challenge_id, self.view.stage_key, self._text("letterEdit")
            )
        )

    def sign_letter(self) -> bool:
        """Save the wording, confirm, then sign this stage's letter and queue it for the council."""
        if not self.save_letter():
            return False
        answer = QMessageBox.question(
            self,
            "Sign the letter",
            f"Sign the {self.view.stage} letter and queue it for the council?\n\nOnce signed it can no "
            "longer be changed. A later stage's letter is signed as a new version.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,  # a stray Enter signs nothing
        )
        if answer != QMessageBox.StandardButton.Yes:
            return False
        return self._attempt(self._sign)

    def _sign(self) -> None:
        try:
            sync_service.finalise_challenge(self._store, self.challenge_id, as_of=self.today)
        except sync_service.FinaliseRefused as refused:
            raise Problem(str(refused), "letter") from refused

    def save_letter_pdf(self, path: str | Path | None = None) -> Path | None:
        if not self.save_letter():
            return None
        name = f"concern-{self.challenge_id}-{self.view.stage_key}.pdf"
        return self._write_pdf(
            path, name, lambda: challenge_letters.render_letter(self._store, self.challenge_id, self.today)
        )

    def save_cafcass_pdf(self, path: str | Path | None = None) -> Path | None:
        name = f"concern-{self.challenge_id}-cafcass-referral.pdf"
        return self._write_pdf(
            path,
            name,
            lambda: challenge_letters.render_letter(self._store, self.challenge_id, self.today, "cafcass"),
        )

    def _write_pdf(self, path, name: str, render) -> Path | None:
        if path is None:
            chosen, _ = QFileDialog.getSaveFileName(
                self, "Save the PDF", str(Path.home() / name), "PDF (*.pdf)"
            )
            if not chosen:
                return None
            path = chosen
        path = Path(path)
        problem = save_file(path, render())
        self.w(QLabel, "statusLabel").setText(
            self._status_html(self.view) + "<br>" + escape(problem or f"Saved {path.name}.")
        )
        return None if problem else path

    def record_response(self) -> bool:
        ok = self._attempt(
            lambda: ch.record_response(
                self._store,
                self.challenge_id,
                self._date("respondedOnEdit"),
                self._text("responseEdit"),
                self.w(QComboBox, "outcomeCombo").currentData(),
                self._text("responderEdit"),
            )
        )
        if ok:
            self.w(QPlainTextEdit, "responseEdit").clear()
        return ok

    def consider_cafcass(self) -> bool:
        return self._attempt(
            lambda: ch.consider_cafcass(
                self._store,
                self.challenge_id,
                self._date("cafcassOnEdit"),
                self._text("reasoningEdit"),
            )
        )

    def refer_to_cafcass(self) -> bool:
        return self._attempt(
            lambda: ch.refer_to_cafcass(
                self._store,
                self.challenge_id,
                self._date("cafcassOnEdit"),
                self._text("summaryEdit"),
            )
        )

    def record_told(self) -> bool:
        def checked(name: str) -> bool:
            return find(self, QCheckBox, name).isChecked()

        return self._attempt(
            lambda: ch.record_child_told(
                self._store,
                self.challenge_id,
                self._date("toldOnEdit"),
                checked("toldCheck"),
                checked("advocacyCheck"),
                checked("complaintsCheck"),
                self._text("toldNoteEdit"),
            )
        )
