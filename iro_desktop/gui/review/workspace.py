"""A review's workspace: prepare it, then minute it, in two tabs over the same review record.

Above the tabs a banner says where the review stands when it is not simply being prepared: signed and
read-only, under correction (the signed version still in force), cancelled, or recorded elsewhere. Only
the actions that fit the review's state are offered: Finalise and sign until it is signed, then Correct...
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox, QPushButton, QTabWidget, QWidget

from iro_desktop.domain.review_states import EDITABLE, ReviewState
from iro_desktop.gui.forms import find, load_into
from iro_desktop.services.review_life import review_header


class ReviewWorkspace(QWidget):
    back_requested = Signal()
    raise_concern_requested = Signal(str)  # what the concern is about, e.g. "review 3"
    state_changed = Signal()  # signed or reopened: the caseload and the child's page show it

    def __init__(self, store, review_id: int, as_of: date, title: str, parent=None) -> None:
        """`as_of` is the date the window is viewing; signing refuses anything but today."""
        from iro_desktop.gui.review.minute import MinutePage
        from iro_desktop.gui.review.prepare import PreparePage

        super().__init__(parent)
        load_into(self, "review_workspace.ui")
        self.review_id, self._title = review_id, title
        find(self, QLabel, "title").setText(title)
        self.tabs: QTabWidget = find(self, QTabWidget, "tabs")
        self.prepare = PreparePage(store, review_id, as_of)
        self.minute = MinutePage(store, review_id, as_of)
        self.tabs.addTab(self.prepare, "&Prepare")
        self.tabs.addTab(self.minute, "&Minute the meeting")
        self.tabs.currentChanged.connect(self._switch_tab)
        self.tabs.tabBar().installEventFilter(self)
        find(self, QPushButton, "backButton").clicked.connect(self.leave)
        find(self, QPushButton, "documentsButton").clicked.connect(self.open_documents)
        find(self, QPushButton, "concernButton").clicked.connect(self._raise_concern)
        self.finalise_button: QPushButton = find(self, QPushButton, "finaliseButton")
        self.finalise_button.clicked.connect(self.open_finalise)
        self.correct_button: QPushButton = find(self, QPushButton, "correctButton")
        self.correct_button.clicked.connect(self.open_correction)
        self.signed_button: QPushButton = find(self, QPushButton, "signedButton")
        self.signed_button.clicked.connect(self.show_signed)
        self.banner: QLabel = find(self, QLabel, "stateBanner")
        self._store, self._as_of = store, as_of
        self.show_state()

    def show_state(self) -> None:
        """The banner and the actions that fit the review's state now."""
        header = review_header(self._store, self.review_id)
        self.header = header
        self.banner.setText(header.banner)
        self.banner.setVisible(bool(header.banner))
        find(self, QLabel, "saveState").setText("Saved as you type." if header.editable else "Read-only.")
        self.finalise_button.setVisible(header.state in EDITABLE)
        correcting = header.state is ReviewState.CORRECTING
        # Alt+I: F is the File menu's
        self.finalise_button.setText("F&inalise the correction..." if correcting else "F&inalise and sign...")
        self.correct_button.setVisible(header.state is ReviewState.FINALISED)
        self.signed_button.setVisible(header.signed is not None)
        if header.signed is not None:
            self.signed_button.setText(f"Si&gned version {header.signed.version}...")

    def open_correction(self) -> None:
        from iro_desktop.services.sync import open_correction

        answer = QMessageBox.question(
            self,
            "Correct a signed record",
            "The signed record stays exactly as it was, and in force, until you sign the correction: your "
            "changes become a new signed version that names it, with the reason you give when you sign. "
            "Open a correction?",
            defaultButton=QMessageBox.StandardButton.No,
        )
        if answer == QMessageBox.StandardButton.Yes:
            open_correction(self._store, self.review_id)
            self._after_state_change()

    def show_signed(self) -> None:
        from iro_desktop.gui.review.signed_view import SignedRecordDialog

        dialog = SignedRecordDialog(self._store, self.review_id, self._title, self)
        dialog.exec()
        dialog.deleteLater()

    def _raise_concern(self) -> None:
        self.flush()
        number = self.minute.model.number
        self.raise_concern_requested.emit(f"review {number}" if number else "this review")

    def open_documents(self) -> None:
        from iro_desktop.gui.documents.dialog import DocumentsDialog

        self.flush()  # the documents are drawn from what is saved; a copy made today says so
        DocumentsDialog(self._store, self.review_id, self._store.clock.today(), self).exec()

    def open_finalise(self) -> None:
        from iro_desktop.gui.review.finalise import FinaliseDialog

        self.flush()  # the record is frozen from what is saved
        if FinaliseDialog(self._store, self.review_id, self._as_of, self).exec():
            self._after_state_change()

    def _after_state_change(self) -> None:
        self.minute.refresh()
        self.prepare.refresh()
        self.show_state()
        self.state_changed.emit()

    def _switch_tab(self, _index: int) -> None:
        """Each tab shows what the other saved (the private conversation appears in the minutes)."""
        self.flush()
        self.tabs.currentWidget().refresh()
        if QApplication.focusWidget() is not self.tabs.tabBar():  # arrows on the tab bar stay there
            self._into_tab()

    def _into_tab(self) -> None:
        """Alt+P or Alt+M: the focus goes into the tab, where the IRO types: the date, or the section."""
        page = self.tabs.currentWidget()
        first = page.current_editor() if page is self.minute else page.findChild(QWidget, "dateEdit")
        first.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt override)
        if watched is self.tabs.tabBar() and event.type() == QEvent.Type.Shortcut:
            QTimer.singleShot(0, self, self._into_tab)  # the tab shown already, chosen by its Alt+letter
        return super().eventFilter(watched, event)

    def flush(self) -> None:
        """Save anything still waiting for the typing pause: before leaving, switching tabs or locking."""
        self.prepare.flush()
        self.minute.flush()

    def start_adding(self, form: str) -> str | None:
        """Ctrl+Shift+D or Ctrl+Shift+W from anywhere in the review: the Minute tab, at the decision or the
        child's words form; a sentence instead when nothing can be added."""
        self.tabs.setCurrentWidget(self.minute)
        return self.minute.start_adding(form)

    def leave(self) -> None:
        self.flush()
        self.back_requested.emit()
