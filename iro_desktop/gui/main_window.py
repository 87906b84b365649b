"""The main window: a stack of pages (the caseload first, a child's page or a review on demand) and the menus.

It also locks in place (File > Lock, Ctrl+L; after the idle time; when the platform suspends the app): pending
typing is saved, every page holding personal data is destroyed, the store and its key are closed, and a lock
screen is shown. Unlocking reopens the store and returns to the same page, shown as of today.

Two dates are kept apart: the date the screens are viewed as of (the caseload's "as of", to plan ahead or
look back) and the real date (store.clock), which dates everything saved, signed, audited or removed. While
the view date is not today a banner says so.
"""

from __future__ import annotations

import importlib
import logging
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QAction, QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QFileDialog,
    QFrame,
    QLabel,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QStackedWidget,
)

from iro_desktop.domain.calendar import format_date
from iro_desktop.gui import operations, timings, window_state
from iro_desktop.gui.caseload.view import CaseloadView
from iro_desktop.gui.child.page import ChildPage
from iro_desktop.gui.clipboard import ClipboardGuard
from iro_desktop.gui.forms import find, fit_screen, load_into
from iro_desktop.gui.lock import DEFAULT_IDLE_LOCK_MINUTES, IDLE_LOCK_MINUTES_KEY, IdleLock, LockScreen
from iro_desktop.services.care_facts import AS_NOW_NOTE
from iro_desktop.store import Store, audit

ALWAYS_AVAILABLE = {
    "actionQuit",
    "actionLock",
    "actionAbout",
    "actionGuide",
    "actionReportProblem",
}  # the only actions while locked


@dataclass(frozen=True)
class Place:
    """Where the IRO was when the app locked, so unlocking returns there."""

    as_of: date
    child_id: int | None = None
    review_id: int | None = None
    tab: int = 0


class MainWindow(QMainWindow):
    def __init__(self, store: Store, as_of: date | None = None, parent=None) -> None:
        """`as_of` is the day to view at first (`gui --as-of`); today's real date when not given."""
        super().__init__(parent)
        load_into(self, "main_window.ui")
        self.pages: QStackedWidget = find(self, QStackedWidget, "pages")
        self.view_date_banner: QFrame = find(self, QFrame, "viewDateBanner")
        find(self, QPushButton, "backToTodayButton").clicked.connect(self.back_to_today)
        self.lock_screen = LockScreen()
        self.lock_screen.unlock_requested.connect(self.unlock)
        self.pages.addWidget(self.lock_screen)
        self.store_path = store.path
        self.caseload: CaseloadView | None = None
        self.child_page: ChildPage | None = None
        self.review = None  # the review workspace, when one is open
        self.sync_page = None
        self.challenges_page = None
        self.inbox_page = None  # View > Council inbox
        self.background_sync = None
        self.auto_backup = None
        self._backing_up: operations.Operation | None = None  # File > Back up now
        self._connect_actions()
        self.clipboard_guard = ClipboardGuard(self)
        self.idle = IdleLock(DEFAULT_IDLE_LOCK_MINUTES, self)
        self.idle.idle.connect(self.lock)
        QGuiApplication.instance().applicationStateChanged.connect(self._on_application_state)
        if not window_state.restore_window(self):  # where the IRO left it last time, else as big as fits
            fit_screen(self, 1280, 800)
        self._open(store, Place(as_of=as_of or store.clock.today()))

    # --- opening and locking ---------------------------------------------------------------------

    def _open(self, store: Store, place: Place) -> None:
        self.store = store
        self.caseload = CaseloadView(store, place.as_of)
        self.caseload.child_opened.connect(self.open_child)
        self.caseload.as_of_changed.connect(self._show_view_date)
        self._show_view_date(place.as_of)
        self.pages.addWidget(self.caseload)
        self.pages.setCurrentWidget(self.caseload)
        profile = store.profile()
        self.is_demo = profile.is_demo
        title = "iro-desktop" + (f" - {profile.council_name}" if profile.council_name else "")
        self.setWindowTitle(f"DEMO - {title} - fictional children only" if self.is_demo else title)
        self.statusBar().showMessage(f"Unlocked store: {store.path}")
        self.idle.set_minutes(float(store.get_setting(IDLE_LOCK_MINUTES_KEY, DEFAULT_IDLE_LOCK_MINUTES)))
        self._enable_actions(True)
        audit.record(store, "unlock", detail="desktop app")
        from iro_desktop.gui.sync.background import BackgroundSync

        self.background_sync = BackgroundSync(store, self)  # sends finalised records when it can, quietly
        self.background_sync.synced.connect(self._synced)
        from iro_desktop.gui.security.auto_backup import AutoBackupTimer

        self.auto_backup = AutoBackupTimer(store, self)  # the daily backup, when the IRO has chosen a folder
        if place.review_id is not None:
            self._show_review(place.child_id, place.review_id, place.tab)
        elif place.child_id is not None:
            self.open_child(place.child_id)
        from iro_desktop.gui.security.integrity import check_after_paint

        check_after_paint(self, store)  # every page read on a worker thread, once the caseload is shown

    def _place(self) -> Place:
        current = self.pages.currentWidget()
        if current is self.review and self.review is not None:
            return Place(
                self.caseload.as_of,
                self.review_child_id,
                self.review.review_id,
                self.review.tabs.currentIndex(),
            )
        if current is self.child_page and self.child_page is not None:
            return Place(self.caseload.as_of, self.child_page.child_id)
        return Place(self.caseload.as_of)

    def lock(self) -> None:
        if self.store is None:
            return
        self._flush_review()
        self._locked_at = self._place()
        for widget in QApplication.topLevelWidgets():  # open dialogs hold personal data too
            if isinstance(widget, QDialog) and widget.isVisible():
                widget.reject()
        self.clipboard_guard.clear()  # copied personal text goes with the lock
        self.pages.setCurrentWidget(self.lock_screen)  # nothing personal is shown from here on
        self.view_date_banner.hide()  # shown again, for today, on unlocking
        self.statusBar().showMessage("Locked")
        logging.getLogger(__name__).info("Store locked")
        self.idle.stop()
        self._enable_actions(False)
        syncing = self._stop_syncing()
        self._stop_auto_backup()
        pages = (self.review, self.child_page, self.sync_page, self.challenges_page, self.inbox_page)
        for page in (*pages, self.caseload):
            if page is not None:
                self.pages.removeWidget(page)
                page.deleteLater()
        self.review = self.child_page = self.sync_page = self.challenges_page = self.caseload = None
        self.inbox_page = None
        QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)  # gone now, not at the next loop
        audit.record(self.store, "lock")
        self._close_when_idle(self.store, syncing)
        self.store = None

    def _stop_syncing(self) -> list:
        """Cancel any sync under way (it stops after the record it is sending, and hands nothing back to
        the pages going away); returns those still running."""
        running = [self.background_sync.stop()] if self.background_sync is not None else []
        if self.sync_page is not None and self.sync_page.busy:
            self.sync_page.operation.cancel()
            running.append(self.sync_page.operation)
        if self.background_sync is not None:
            self.background_sync.deleteLater()
            self.background_sync = None
        return [op for op in running if op is not None]

    def _close_when_idle(self, store: Store, busy: list) -> None:
        """Close the store, dropping its data key, now or as soon as the last sync thread has ended.

        A sync waiting on a silent network must not hold the lock up: the screen is locked at once, and
        the key goes when the one request in flight times out.
        """
        closed = []

        def close_if_idle() -> None:
            if closed or any(op.running for op in busy):
                return
            closed.append(True)
            store.close()

        for op in busy:
            op.ended.connect(close_if_idle)
        close_if_idle()

    def _stop_auto_backup(self) -> None:
        if self._backing_up is not None and self._backing_up.running:
            self._backing_up.finish_now()  # the backup is finished and checked before the store closes
        if self.auto_backup is not None:
            self.auto_backup.stop()
            self.auto_backup.deleteLater()
            self.auto_backup = None

    def unlock(self) -> None:
        from iro_desktop.gui.unlock import UnlockDialog

        dialog = UnlockDialog(self.store_path, self)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.store is not None:
            self.resume(dialog.store)

    def resume(self, store: Store) -> None:
        """Carry on where the IRO was when the app locked, shown as of today (a day may have passed)."""
        self._open(store, replace(self._locked_at, as_of=store.clock.today()))

    # --- the view date ---------------------------------------------------------------------------

    def _show_view_date(self, as_of: date) -> None:
        """Say so while the screens show another day than today; what is saved is still dated today."""
        today = self.store.clock.today()
        self.view_date_banner.setVisible(as_of != today)
        when = "ahead to" if as_of > today else "back at"
        then = f" {AS_NOW_NOTE}" if as_of < today else " Reviews booked for then are not yet held."
        find(self, QLabel, "viewDateLabel").setText(
            f"You are looking {when} {format_date(as_of)}.{then} Everything you save is dated today, "
            f"{format_date(today)}; signing and removing children wait until you are back to today."
        )

    def back_to_today(self) -> None:
        """The caseload (and the page open now) shown as of today again."""
        today = self.store.clock.today()
        place = self._place()
        self.caseload.set_as_of(today)
        if place.review_id is not None:
            self._show_review(place.child_id, place.review_id, place.tab)
        elif place.child_id is not None:
            self.open_child(place.child_id)

    def _on_application_state(self, state) -> None:
        if (
            state == Qt.ApplicationState.ApplicationSuspended
        ):  # the machine sleeps, where the platform says so
            self.lock()

    def _enable_actions(self, unlocked: bool) -> None:
        for action in self.findChildren(QAction):
            if action.objectName() and action.objectName() not in ALWAYS_AVAILABLE:
                action.setEnabled(unlocked)

    # --- menus and pages ---------------------------------------------------------------------------

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
        self._action("actionAddDecision").triggered.connect(lambda: self.add_to_minute("decision"))
        self._action("actionAddWords").triggered.connect(lambda: self.add_to_minute("wish"))
        self._action("actionSearch").triggered.connect(self.search)
        self._action("actionSync").triggered.connect(self.show_sync)
        self._action("actionChallenges").triggered.connect(self.show_challenges)
        self._action("actionCouncilInbox").triggered.connect(self.show_council_inbox)
        self._action("actionChallengeSummary").triggered.connect(self.challenge_summary)
        self._action("actionDrpLadder").triggered.connect(self.drp_ladder)
        self._action("actionExport903").triggered.connect(self.export_903)
        self._action("actionLock").triggered.connect(self.lock)
        self._action("actionBackup").triggered.connect(self.choose_backup_file)
        self._action("actionChangePassphrase").triggered.connect(
            lambda: self._dialog("security.passphrase", "ChangePassphraseDialog")
        )
        self._action("actionRecoveryKey").triggered.connect(
            lambda: self._dialog("security.passphrase", "RecoveryKeyDialog")
        )
        self._action("actionAuditTrail").triggered.connect(
            lambda: self._dialog("security.audit_view", "AuditTrailDialog")
        )
        self._action("actionAutoBackup").triggered.connect(
            lambda: self._dialog("security.auto_backup", "AutoBackupDialog")
        )
        self._action("actionRetention").triggered.connect(self.retention)
        self._action("actionGuide").triggered.connect(self.guide)
        self._action("actionReportProblem").triggered.connect(self.report_problem)
        self._action("actionSettings").triggered.connect(
            lambda: self._dialog("settings_dialog", "SettingsDialog")
        )

    def _dialog(self, module: str, name: str) -> None:
        """Open one of the dialogs that needs only the store, importing its module on first use."""
        cls = getattr(importlib.import_module(f"iro_desktop.gui.{module}"), name)
        cls(self.store, self).exec()

    def retention(self) -> None:
        from iro_desktop.gui.retention.dialog import RetentionDialog

        RetentionDialog(self.store, self.caseload.as_of, self).exec()
        self.refresh()  # a child handed over or removed leaves the caseload

    def receive_handover(self, path: Path) -> None:
        """Receive handover with this file chosen: the app was opened with it (a double-click on it)."""
        from iro_desktop.gui.retention.handover import ReceiveHandoverDialog

        dialog = ReceiveHandoverDialog(self.store, self, path)
        dialog.exec()
        if dialog.received_ref:
            self.refresh()
            self.statusBar().showMessage(f"{dialog.received_ref} was added to your caseload.")

    def guide(self) -> None:
        from iro_desktop.gui.help.guide import GuideDialog

        GuideDialog(self.store, self).exec()

    def report_problem(self) -> None:
        from iro_desktop.gui.help.report import report_problem

        report_problem(self, self.store_path)

    def open_child(self, child_id: int) -> None:
        self._flush_review()
        page = ChildPage(self.store, child_id, self.caseload.as_of)
        audit.record(self.store, "view_child", subject=page.record.identity.child_ref)
        self.child_page = self._replace_page(self.child_page, page)
        self.child_page.back_requested.connect(self.show_caseload)
        self.child_page.child_removed.connect(self._child_removed)
        self.child_page.record_changed.connect(self.caseload.refresh)  # back on the caseload, it is current
        self.child_page.prepare_review_requested.connect(self.open_review)
        self.child_page.open_review_requested.connect(lambda rid: self._open_review_of(child_id, rid))
        self.child_page.raise_concern_requested.connect(self.raise_concern)
        self.child_page.concern_about_requested.connect(
            lambda cid, about: self.concern_dialog(cid, about).exec()
        )

    def _open_review_of(self, child_id: int, review_id: int) -> None:
        """Any review from the child's page, in any state; the review open until now is saved first."""
        self._flush_review()
        self._show_review(child_id, review_id)

    def _child_removed(self, _child_id: int) -> None:
        """The child was handed over or removed: their page goes and the caseload no longer lists them."""
        self.show_caseload()
        self.pages.removeWidget(self.child_page)
        self.child_page.deleteLater()
        self.child_page = None
        self.refresh()

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

    def add_to_minute(self, form: str) -> None:
        """View > Add a decision (Ctrl+Shift+D) or the child's words (Ctrl+Shift+W): in the open review."""
        if self.review is None or self.pages.currentWidget() is not self.review:
            self.statusBar().showMessage("Open a review first (Prepare review, Ctrl+R), then add to it.")
            return
        problem = self.review.start_adding(form)
        if problem:
            self.statusBar().showMessage(problem)

    def open_review(self, child_id: int) -> None:
        from iro_desktop.services.review_prep import next_review_for

        self._show_review(child_id, next_review_for(self.store, child_id))

    def _show_review(self, child_id: int, review_id: int, tab: int = 0) -> None:
        from iro_desktop.gui.review.workspace import ReviewWorkspace

        name = next(r.name for r in self.caseload.model.rows() if r.id == child_id)
        workspace = ReviewWorkspace(self.store, review_id, self.caseload.as_of, f"Review for {name}")
        workspace.tabs.setCurrentIndex(tab)
        workspace.state_changed.connect(self.caseload.refresh)
        self.review = self._replace_page(self.review, workspace)
        self.review_child_id = child_id
        self.review.back_requested.connect(lambda: self.open_child(child_id))
        self.review.raise_concern_requested.connect(lambda about: self.concern_dialog(child_id, about).exec())

    def show_challenges(self) -> None:
        from iro_desktop.gui.challenges.view import ChallengesView

        self._flush_review()
        page = ChallengesView(self.store, self.caseload.as_of)
        page.child_opened.connect(self.open_child)
        page.changed.connect(self.caseload.refresh)
        self.challenges_page = self._replace_page(self.challenges_page, page)

    def show_council_inbox(self) -> None:
        from iro_desktop.gui.council.inbox import CouncilInbox

        self._flush_review()
        page = CouncilInbox(self.store, self.caseload.as_of)
        page.child_opened.connect(self.open_child)
        page.changed.connect(self.caseload.refresh)
        self.inbox_page = self._replace_page(self.inbox_page, page)
        page.notices_table.setFocus(Qt.FocusReason.OtherFocusReason)

    def concern_dialog(self, child_id: int, about: str = ""):
        from iro_desktop.gui.challenges.dialog import ChallengeDialog

        dialog = ChallengeDialog(self.store, child_id, self.caseload.as_of, self, about=about)
        dialog.saved.connect(
            lambda _id: (self.caseload.refresh(), self.child_page and self.child_page.refresh())
        )
        return dialog

    def raise_concern(self, child_id: int) -> None:
        self.concern_dialog(child_id).exec()

    def challenge_summary(self) -> None:
        from iro_desktop.gui.challenges.summary import ChallengeSummary

        ChallengeSummary(self.store, self.caseload.as_of, self).exec()

    def drp_ladder(self) -> None:
        from iro_desktop.gui.challenges.ladder import DrpLadderDialog

        DrpLadderDialog(self.store, self).exec()

    def show_sync(self) -> None:
        from iro_desktop.gui.sync.view import SyncView

        self._flush_review()
        self.sync_page = self._replace_page(self.sync_page, SyncView(self.store))
        self.sync_page.synced.connect(self._synced)

    def _synced(self, report) -> None:
        """The council's changes arrived (or answers went): the caseload and inbox show them at once. An open
        child's page is left as it is until it is next shown, so nothing moves under the IRO's hand."""
        if report.feed is not None and report.feed.changed_store and self.caseload is not None:
            self.caseload.refresh()
            if self.inbox_page is not None:
                self.inbox_page.refresh()

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
        """Reload what is shown from the store (F5; also after settings change the dates)."""
        self.caseload.refresh()
        if self.child_page is not None:
            self.child_page.refresh()
        if self.inbox_page is not None:
            self.inbox_page.refresh()

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

    def choose_backup_file(self) -> None:
        name = f"iro-desktop-{self.caseload.as_of.isoformat()}.iro-backup"
        path, _ = QFileDialog.getSaveFileName(
            self, "Back up the encrypted store", name, "Backups (*.iro-backup)"
        )
        if path:
            self.back_up_to(Path(path))

    def back_up_to(self, path: Path) -> operations.Operation | None:
        """Write and check an encrypted backup off the UI thread, one at a time; say plainly what happened."""
        from iro_desktop.store.backup import backup

        if self._backing_up is not None and self._backing_up.running:
            return None
        store = self.store

        def work():
            info = backup(store, path)
            audit.record(store, "backup", detail=f"{info.children} children, checked after writing")
            return info

        self.statusBar().showMessage(f"Backing up to {path.name} and checking it…")
        self._backing_up = operations.run_in_background(work, self._backed_up, self._not_backed_up)
        return self._backing_up

    def _backed_up(self, info) -> None:
        self.statusBar().showMessage(
            f"Backed up and checked: {info.children} children in {info.path.name}. It opens only with "
            "this store's passphrase as it is today."
        )

    def _not_backed_up(self, exc: Exception) -> None:
        self.statusBar().clearMessage()
        if isinstance(exc, OSError):  # an OSError's own text names paths: its plain reason only
            why = f"{(exc.strerror or 'the file was refused')}."
        else:
            why = operations.explain(exc)
        QMessageBox.warning(self, "Backup not made", f"The backup was not made: {why}")

    def about(self) -> None:
        from iro_desktop.gui.help.about import AboutDialog

        AboutDialog(self).exec()

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt override)
        window_state.save_window(self)
        self.hide()  # gone from the screen at once; what follows saves and stops
        timings.stamp("window-hidden")
        if self.caseload is not None:
            self.caseload.save_column_choices()
        window_state.sync()
        if self.store is not None:
            self._flush_review()  # nothing typed is lost on closing
            for op in self._stop_syncing():
                op.wait()
            self._stop_auto_backup()
            self.store.close()
        super().closeEvent(event)
