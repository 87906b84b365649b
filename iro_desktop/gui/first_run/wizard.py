"""The first-run set-up: welcome, you and your council, passphrase, hours, receiver, start, recovery key.

Layout in ui/first_run_wizard.ui; the work is services.first_run.create, run when the IRO presses
Create on the start page (a commit page: once the store exists there is no going back to change it).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from PySide6.QtWidgets import (
    QCheckBox,
    QDoubleSpinBox,
    QFileDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QWidget,
    QWizard,
    QWizardPage,
)

from iro_desktop.gui import operations
from iro_desktop.gui.forms import find, load_into
from iro_desktop.gui.problems import clear_problem, show_problem
from iro_desktop.gui.widgets.new_passphrase import NewPassphraseFields
from iro_desktop.services import first_run
from iro_desktop.store import Store
from iro_desktop.store.keys import KdfParams
from iro_desktop.store.passphrase_policy import new_recovery_key

_MAKING = {
    first_run.IMPORT_903: "Making your encrypted caseload…",
    first_run.EMPTY: "Making your encrypted caseload…",
    first_run.DEMO: "Making your encrypted caseload, then the demo caseload of fictional children…",
}


class FirstRunPage(QWizardPage):
    """Built by the form, wired by the wizard: when it is complete, what entering and leaving do."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.complete_when: Callable[[], bool] = lambda: True
        self.on_enter: Callable[[], None] = lambda: None
        self.on_leave: Callable[[], bool] = lambda: True
        self.next_page: Callable[[], int] | None = None

    def isComplete(self) -> bool:  # noqa: N802 (Qt override)
        return self.complete_when()

    def initializePage(self) -> None:  # noqa: N802 (Qt override)
        self.on_enter()

    def validatePage(self) -> bool:  # noqa: N802 (Qt override)
        return self.on_leave()

    def nextId(self) -> int:  # noqa: N802 (Qt override)
        return self.next_page() if self.next_page else super().nextId()


class FirstRunWizard(QWizard):
    """On success `store` is the unlocked store to open and `start` one of first_run.STARTS."""

    def __init__(
        self,
        db: Path,
        today: date,
        parent=None,
        *,
        kdf: KdfParams | None = None,
        demo_db: Path | None = None,
    ) -> None:
        super().__init__(parent)
        load_into(self, "first_run_wizard.ui", custom=(FirstRunPage, NewPassphraseFields))
        self.db, self.today, self._kdf, self._demo_db = Path(db), today, kdf, demo_db
        self.store: Store | None = None
        self._creating: operations.Operation | None = None
        self.start: str | None = None
        self.recovery_key: str | None = None
        self._page = lambda name: find(self, FirstRunPage, name)
        self._label = lambda name: find(self, QLabel, name)
        self._wire_welcome()
        self._wire_about_you()
        self._wire_passphrase()
        self._wire_hours()
        self._wire_receiver()
        self._wire_start()
        self._wire_recovery()
        self.currentIdChanged.connect(self._show_buttons)

    # ------------------------------------------------------------ welcome, and you and your council

    def _wire_welcome(self) -> None:
        self._label("storePathLabel").setText(f"Your caseload will be kept at {self.db}")

    def _wire_about_you(self) -> None:
        self.iro_name, self.council = (
            find(self, QLineEdit, "iroNameEdit"),
            find(self, QLineEdit, "councilEdit"),
        )
        self.logo_edit = find(self, QLineEdit, "logoEdit")
        page = self._page("aboutYouPage")
        page.complete_when = lambda: self._names_problem() is None
        page.on_leave = self._check_about_you
        for edit in (self.iro_name, self.council):
            edit.textChanged.connect(self._names_changed)
        self.logo_edit.textChanged.connect(lambda: self._problem("aboutYouProblem", None, self.logo_edit))
        find(self, QPushButton, "logoBrowseButton").clicked.connect(self._browse_logo)

    def _names_problem(self) -> str | None:
        return first_run.name_problem(self.iro_name.text(), self.council.text())

    def _names_changed(self) -> None:
        typed = self.iro_name.text() or self.council.text()
        self._problem("aboutYouProblem", self._names_problem() if typed else None, self._names_field(), False)
        self._page("aboutYouPage").completeChanged.emit()

    def logo(self) -> Path | None:
        text = self.logo_edit.text().strip()
        return Path(text).expanduser() if text else None

    def _check_about_you(self) -> bool:
        names = self._names_problem()
        problem = names or first_run.logo_problem(self.logo())
        self._problem("aboutYouProblem", problem, self._names_field() if names else self.logo_edit)
        return problem is None

    def _names_field(self) -> QLineEdit:
        """The name field a names problem is about: the first one left empty."""
        return next((e for e in (self.iro_name, self.council) if not e.text().strip()), self.iro_name)

    def _problem(self, name: str, message: str | None, field: QWidget, focus: bool = True) -> None:
        """A page's problem under its field (gui.problems); the line stays, empty, when there is none."""
        if message:
            show_problem(self._label(name), message, field, focus)
        else:
            clear_problem(self._label(name), field, hide=False)

    def _browse_logo(self) -> None:
        chosen, _ = QFileDialog.getOpenFileName(
            self, "Council logo", filter="Pictures (*.png *.jpg *.jpeg *.gif)"
        )
        if chosen:
            self.logo_edit.setText(chosen)

    # ------------------------------------------------------------ passphrase, hours, receiver

    def _wire_passphrase(self) -> None:
        self.passphrase_fields = find(self, NewPassphraseFields, "passphraseFields")
        self.recovery_check = find(self, QCheckBox, "recoveryCheck")
        # The form's tab order cannot name the two fields inside the widget, and put the check box before them
        QWidget.setTabOrder(self.passphrase_fields.second, self.recovery_check)
        page = self._page("passphrasePage")
        page.complete_when = lambda: self.passphrase_fields.problem() is None
        page.on_enter = lambda: self.passphrase_fields.set_known_words(
            (self.iro_name.text(), self.council.text())
        )
        self.passphrase_fields.changed.connect(page.completeChanged)

    def _wire_hours(self) -> None:
        self.hours = find(self, QDoubleSpinBox, "hoursSpin")
        self.hours.valueChanged.connect(self._show_guidance)
        self._show_guidance()

    def _show_guidance(self) -> None:
        self._label("guidanceLabel").setText(first_run.guidance_text(self.hours.value()))

    def _wire_receiver(self) -> None:
        self.receiver = find(self, QLineEdit, "receiverEdit")
        self.receiver.textChanged.connect(lambda: self._problem("receiverProblem", None, self.receiver))
        self._page("receiverPage").on_leave = self._check_receiver

    def _check_receiver(self) -> bool:
        problem = first_run.receiver_problem(self.receiver.text())
        self._problem("receiverProblem", problem, self.receiver)
        return problem is None

    # ------------------------------------------------------------ start: the store is made here

    def _wire_start(self) -> None:
        self.start_radios = {
            first_run.IMPORT_903: find(self, QRadioButton, "importRadio"),
            first_run.EMPTY: find(self, QRadioButton, "emptyRadio"),
            first_run.DEMO: find(self, QRadioButton, "demoRadio"),
        }
        page = self._page("startPage")
        page.setCommitPage(True)
        page.on_leave = self._create
        recovery_id = self.pageIds()[-1]
        page.next_page = lambda: recovery_id if self.recovery_check.isChecked() else -1

    def chosen_start(self) -> str:
        return next(start for start, radio in self.start_radios.items() if radio.isChecked())

    def setup(self) -> first_run.Setup:
        return first_run.Setup(
            passphrase=self.passphrase_fields.passphrase(),
            iro_name=self.iro_name.text(),
            council_name=self.council.text(),
            hours_per_week=self.hours.value(),
            logo=self.logo(),
            receiver=self.receiver.text(),
            recovery_key=new_recovery_key() if self.recovery_check.isChecked() else None,
            start=self.chosen_start(),
        )

    @property
    def creating(self) -> bool:
        return self._creating is not None and self._creating.running

    def _create(self) -> bool:
        """Leaving the start page: True once the store exists; until then the work (the KDF, and for the
        demo a few seconds of building) is started off the UI thread, and the page is left when it is done."""
        if self.store is not None:
            return True
        if self.creating:
            return False
        setup = self.setup()
        self._label("startStatus").setText(_MAKING[setup.start])
        self._label("startProblem").setText("")
        self.setEnabled(False)  # nothing to press while the work runs; the window still paints
        self._creating = operations.run_in_background(
            lambda: first_run.create(self.db, setup, self.today, kdf=self._kdf, demo_db=self._demo_db),
            lambda store: self._created(store, setup),
            self._not_created,
        )
        return False

    def _created(self, store: Store, setup: first_run.Setup) -> None:
        self.setEnabled(True)
        self.store, self.start, self.recovery_key = store, setup.start, setup.recovery_key
        self.passphrase_fields.clear()  # not kept in the widget once it has done its work
        if self.currentPage().nextId() == -1:
            self.accept()
        else:
            self.next()

    def _not_created(self, exc: Exception) -> None:
        self.setEnabled(True)
        self._label("startStatus").setText("")
        if not isinstance(exc, first_run.SetupProblem):
            operations.report_failure(exc)
            return
        self._label("startProblem").setText(str(exc))

    # ------------------------------------------------------------ the recovery key, shown once

    def _wire_recovery(self) -> None:
        self.stored_check = find(self, QCheckBox, "storedCheck")
        page = self._page("recoveryPage")
        page.complete_when = self.stored_check.isChecked
        page.on_enter = lambda: self._label("recoveryKeyLabel").setText(self.recovery_key or "")
        self.stored_check.toggled.connect(page.completeChanged)

    def _show_buttons(self, page_id: int) -> None:
        on_start = self.page(page_id) is self._page("startPage")
        made = self.store is not None
        self.setButtonText(QWizard.WizardButton.CommitButton, "&Create")
        self.setButtonText(QWizard.WizardButton.FinishButton, "&Create" if on_start else "&Start")
        self.setOption(QWizard.WizardOption.NoCancelButton, made)  # the store is made: no going back on it

    def done(self, result: int) -> None:
        if self.creating:  # the store is half made: it finishes, then the wizard moves on by itself
            return
        if result != QWizard.DialogCode.Accepted and self.store is not None:
            self.store.close()  # the store is made and opens next time; this run ends here
            self.store = None
        self._label("recoveryKeyLabel").setText("")
        super().done(result)
