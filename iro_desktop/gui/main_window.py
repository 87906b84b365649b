"""The main window: a stack of pages (the caseload first, a child's page on demand) and the menus."""

from __future__ import annotations

from datetime import date

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMainWindow, QMessageBox, QStackedWidget

from iro_desktop import __version__
from iro_desktop.gui.caseload.view import CaseloadView
from iro_desktop.gui.child.page import ChildPage
from iro_desktop.gui.forms import find, load_into
from iro_desktop.store import Store


class MainWindow(QMainWindow):
    def __init__(self, store: Store, today: date, parent=None) -> None:
        super().__init__(parent)
        load_into(self, "main_window.ui")
        self.store = store
        self.pages: QStackedWidget = find(self, QStackedWidget, "pages")
        self.caseload = CaseloadView(store, today)
        self.caseload.child_opened.connect(self.open_child)
        self.pages.addWidget(self.caseload)
        self.child_page: ChildPage | None = None
        self.review = None  # the review workspace, when one is open
        profile = store.profile()
        self.is_demo = profile.is_demo
        title = "iro-desktop"
        if profile.council_name:
            title += f" - {profile.council_name}"
        self.setWindowTitle(f"DEMO - {title} - fictional children only" if self.is_demo else title)
        self.statusBar().showMessage(f"Unlocked store: {store.path}")
        self._connect_actions()

    def _action(self, name: str) -> QAction:
        return find(self, QAction, name)

    def _connect_actions(self) -> None:
        self._action("actionQuit").triggered.connect(self.close)
        self._action("actionCaseload").triggered.connect(self.show_caseload)
        self._action("actionBack").triggered.connect(self.show_caseload)
        self._action("actionRefresh").triggered.connect(self.refresh)
        self._action("actionAbout").triggered.connect(self.about)
        self._action("actionImport903").triggered.connect(self.import_903)
        self._action("actionPrepareReview").triggered.connect(self.prepare_selected)
        self._action("actionSearch").triggered.connect(self.search)
        self._action("actionExport903").triggered.connect(self.export_903)
        self._action("actionLock").triggered.connect(
            self.close
        )  # full lock-in-place comes with the security work

    def open_child(self, child_id: int) -> None:
        self._flush_review()
        page = ChildPage(self.store, child_id, self.caseload.as_of)
        self.child_page = self._replace_page(self.child_page, page)
        self.child_page.back_requested.connect(self.show_caseload)
        self.child_page.prepare_review_requested.connect(self.open_review)

    def _replace_page(self, old, new):
        """Show `new` in place of `old` (a child's page or a review), dropping the old one."""
        if old is not None:
            self.pages.removeWidget(old)
            old.deleteLater()
        self.pages.addWidget(new)
        self.pages.setCurrentWidget(new)
        return new

    def prepare_selected(self) -> None:
        child_id = self.caseload.selected_child_id() if self.pages.currentWidget() is self.caseload else None
        if self.pages.currentWidget() is self.child_page and self.child_page is not None:
            child_id = self.child_page.child_id
        if child_id is None:
            self.statusBar().showMessage("Choose a child on the caseload first, then Prepare review.")
            return
        self.open_review(child_id)

    def open_review(self, child_id: int) -> None:
        from iro_desktop.gui.review.workspace import ReviewWorkspace
        from iro_desktop.services.review_prep import next_review_for

        today = self.caseload.as_of
        review_id = next_review_for(self.store, child_id, today)
        name = next(r.name for r in self.caseload.model.rows() if r.id == child_id)
        workspace = ReviewWorkspace(self.store, review_id, today, f"Review for {name}")
        self.review = self._replace_page(self.review, workspace)
        self.review.back_requested.connect(lambda: self.open_child(child_id))

    def search(self) -> None:
        from iro_desktop.gui.search.dialog import SearchDialog

        dialog = SearchDialog(self.store, self)
        dialog.child_opened.connect(lambda child_id: (dialog.accept(), self.open_child(child_id)))
        dialog.exec()

    def _flush_review(self) -> None:
        """Save what is still waiting in an open review, and let the caseload show its effect."""
        if self.review is not None:
            self.review.flush()
            self.caseload.refresh()

    def show_caseload(self) -> None:
        self._flush_review()
        self.pages.setCurrentWidget(self.caseload)
        self.caseload.setFocus()

    def refresh(self) -> None:
        self.caseload.refresh()

    def import_wizard(self):
        from iro_desktop.gui.import903.wizard import Import903Wizard

        wizard = Import903Wizard(self.store, self)
        wizard.imported.connect(lambda _report: self.refresh())  # new children appear at once
        return wizard

    def import_903(self) -> None:
        self.import_wizard().exec()

    def export_903(self) -> None:
        from iro_desktop.gui.import903.export_dialog import Export903Dialog

        Export903Dialog(self.store, self.caseload.as_of, self).exec()

    def about(self) -> None:
        QMessageBox.about(
            self,
            "About iro-desktop",
            f"iro-desktop {__version__}\n\nThe Independent Reviewing Officer's desktop: the caseload, "
            "reviews and challenges of looked after children, kept in an encrypted store on this computer.",
        )

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt override)
        self._flush_review()  # nothing typed is lost on closing
        self.store.close()
        super().closeEvent(event)
