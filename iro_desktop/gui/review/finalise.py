"""Finalise and sign: the checklist first, then the signature.

What blocks is listed and keeps the sign button off; each warning may be signed past with a reason that
travels in the record; a correction also asks why. Signing uses today's real date, so a window showing
another day cannot sign. Cancel is the default button: a stray Enter never signs.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QDialog, QLabel, QLineEdit, QListWidget, QPlainTextEdit, QPushButton, QWidget

from iro_desktop.domain.calendar import format_date
from iro_desktop.domain.review_states import UNFINISHED, refusal, state_of
from iro_desktop.gui import operations
from iro_desktop.gui.appearance import set_tone
from iro_desktop.gui.forms import find, load_into
from iro_desktop.gui.problems import clear_problem
from iro_desktop.gui.widgets.text_limit import limit_text
from iro_desktop.problems import Problem
from iro_desktop.services import sync as sync_service
from iro_desktop.services.minutes import Warning
from iro_desktop.services.text_limits import REASON

NOT_HELD = "This review has not been held yet, so there is no record to sign."


class _EnterMovesOn(QObject):
    """Enter in a reason field goes to the next field: the dialog's default (Cancel) would lose the typing."""

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt override)
        if event.type() == QEvent.Type.KeyPress and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            watched.focusNextChild()
            return True
        return False


class FinaliseDialog(QDialog):
    def __init__(self, store, review_id: int, as_of: date, parent=None) -> None:
        super().__init__(parent)
        load_into(self, "finalise_dialog.ui")
        self._store, self._review_id, self._as_of = store, review_id, as_of
        self.finalised: sync_service.FinalisedRecord | None = None
        self._signing: operations.Operation | None = None
        check = sync_service.finalise_check(store, review_id, store.clock.today())
        self._is_correction = check.is_correction
        self._show_heading(check)
        blocked = self._show_notice(check)
        self.problems: QListWidget = find(self, QListWidget, "problemsList")
        self._show_problems(() if blocked else check.problems)
        self.reasons: dict[str, QLineEdit] = {}
        self._enter_moves_on = _EnterMovesOn(self)
        self._show_warnings(() if blocked else check.warnings)
        self._show_correction_reason(check.is_correction and not blocked)
        settings = sync_service.sync_settings(store)
        find(self, QLabel, "signer").setText(f"Signed with this device's key {settings.device_fingerprint}.")
        self.finalise_button: QPushButton = find(self, QPushButton, "finaliseButton")
        self.finalise_button.setText("&Correct and sign" if check.is_correction else "&Finalise and sign")
        self.finalise_button.clicked.connect(self.finalise)
        find(self, QPushButton, "cancelButton").clicked.connect(self.reject)
        self._signable = check.can_finalise and not blocked
        self._order_keys()
        self._update()
        self.adjustSize()  # no empty middle when there is no checklist to show

    def _order_keys(self) -> None:
        """Tab goes through the reasons in the order the checks are listed, then the correction's reason,
        then Cancel and the sign button; the first field to fill has the focus when the dialog opens."""
        fields = [*self.reasons.values(), *([self.reason] if self.reason.isVisibleTo(self) else [])]
        chain = [*fields, find(self, QPushButton, "cancelButton"), self.finalise_button]
        for first, second in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(first, second)
        chain[0].setFocus(Qt.FocusReason.OtherFocusReason)

    # --- what the dialog shows ------------------------------------------------------------------------

    def _show_heading(self, check: sync_service.FinaliseCheck) -> None:
        what = "Correct and sign" if check.is_correction else "Finalise and sign"
        self.setWindowTitle(what)
        find(self, QLabel, "heading").setText(
            f"{what} the record of {check.child_name}'s review ({check.review_label})"
        )

    def _show_notice(self, check: sync_service.FinaliseCheck) -> bool:
        """Say at the top why this record cannot be signed at all now; True if so."""
        today = self._store.clock.today()
        sentences = []
        if self._as_of != today:
            sentences.append(
                f"You are viewing {format_date(self._as_of)}. Signing uses today's date, "
                f"{format_date(today)}: press Back to today, at the top of the window, to sign."
            )
        state = state_of(check.status)
        if state not in UNFINISHED:
            sentences.append(refusal(state) or NOT_HELD)  # planned or adjourned: no refusal, not held
        notice = find(self, QLabel, "notice")
        notice.setText(" ".join(sentences))
        notice.setVisible(bool(sentences))
        return state not in UNFINISHED or self._as_of != today

    def _show_problems(self, problems: tuple[str, ...]) -> None:
        self.problems.addItems(list(problems))
        find(self, QLabel, "problemsLabel").setVisible(bool(problems))
        self.problems.setVisible(bool(problems))

    def _show_warnings(self, warnings: tuple[Warning, ...]) -> None:
        box = find(self, QWidget, "warningsBox")
        for warning in warnings:
            self.reasons[warning.key] = self._add_warning(box, warning)
        find(self, QLabel, "warningsLabel").setVisible(bool(warnings))
        find(self, QWidget, "warningsArea").setVisible(bool(warnings))

    def _add_warning(self, box: QWidget, warning: Warning) -> QLineEdit:
        """The warning's sentence, then "Why sign anyway?" and its one-line reason, then room for a note."""
        text = QLabel(warning.text, box, wordWrap=True, objectName=f"warning_{warning.key}")
        text.setAccessibleName(f"Check: {warning.text}")
        set_tone(text, "warning")
        label = QLabel("Why sign anyway?", box, objectName=f"reasonLabel_{warning.key}")
        edit = QLineEdit(box, objectName=f"reason_{warning.key}")
        edit.setAccessibleName(f"Why sign anyway: {warning.text}")
        edit.setAccessibleDescription("Your reason for signing past this check; it goes in the signed record")
        label.setBuddy(edit)
        note = QLabel("", box, wordWrap=True, objectName=f"reasonNote_{warning.key}")
        note.setAccessibleName(f"About the reason for: {warning.text}")
        set_tone(note, "problem")
        note.hide()
        for widget in (text, label, edit, note):
            box.layout().addWidget(widget)
        box.layout().addSpacing(6)
        self._refuse_long_pastes(edit, note)
        edit.installEventFilter(self._enter_moves_on)
        return edit

    def _show_correction_reason(self, shown: bool) -> None:
        self.reason: QPlainTextEdit = find(self, QPlainTextEdit, "reasonEdit")
        self.reason.setVisible(shown)
        find(self, QLabel, "reasonLabel").setVisible(shown)
        self._refuse_long_pastes(self.reason, find(self, QLabel, "reasonNote"))

    def _refuse_long_pastes(self, edit: QLineEdit | QPlainTextEdit, note: QLabel) -> None:
        """A paste past the limit is refused whole, never cut, with a note beside the field."""
        note.hide()
        limit_text(edit, REASON, note)
        edit.textChanged.connect(lambda *_: (clear_problem(note, edit), self._update()))  # typing clears it

    # --- signing --------------------------------------------------------------------------------------

    def _still_needed(self) -> str:
        """What the IRO has still to do before the sign button comes on, in one sentence."""
        missing = sum(1 for edit in self.reasons.values() if not edit.text().strip())
        needs = []
        if missing:
            needs.append("a reason for each check above" if missing > 1 else "a reason for the check above")
        if self._is_correction and not self.reason.toPlainText().strip():
            needs.append("why the record is being corrected")
        return f"To sign, give {' and '.join(needs)}." if needs else ""

    def _update(self) -> None:
        needed = self._still_needed() if self._signable else ""
        find(self, QLabel, "stillNeeded").setText(needed)
        self.finalise_button.setEnabled(self._signable and not needed)

    def overrides(self) -> dict[str, str]:
        return {key: edit.text() for key, edit in self.reasons.items()}

    @property
    def signing(self) -> bool:
        return self._signing is not None

    def finalise(self) -> None:
        """Sign on a worker thread (the record, its PDF and signature take a moment); then close."""
        if self.signing:
            return
        reason = self.reason.toPlainText() if self._is_correction else None
        overrides, store, review_id, as_of = self.overrides(), self._store, self._review_id, self._as_of
        self._signing = operations.run_in_background(
            lambda: sync_service.finalise_review(store, review_id, reason, overrides=overrides, as_of=as_of),
            self._signed,
            self._refused,
            self._show_busy,
        )

    def _show_busy(self, busy: bool) -> None:
        find(self, QLabel, "message").setText("Signing the review record…" if busy else "")
        self.finalise_button.setEnabled(not busy)

    def _signed(self, finalised) -> None:
        self._signing, self.finalised = None, finalised
        self.accept()

    def _refused(self, exc: Exception) -> None:
        self._signing = None
        if not isinstance(exc, Problem):
            raise exc
        # FinaliseRefused and ViewDateRefused: a plain sentence; the reasons typed stay
        find(self, QLabel, "message").setText(str(exc))
        self._update()

    def reject(self) -> None:
        if not self.signing:  # not while signing: the record is being written
            super().reject()
