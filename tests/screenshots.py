"""Regenerate the README's pictures: real windows under Xvfb on a fresh demo store (`make screenshots`).

Run as `xvfb-run python -m tests.screenshots [OUTDIR]`; the store lives in a temporary folder and is removed.
"""

from __future__ import annotations

import os
import sys
import tempfile
from datetime import date
from pathlib import Path

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QLineEdit, QWidget

from iro_desktop.paths import resources_dir
from tests.documents.gwenllian import render_pictures

TODAY = date(2026, 11, 25)
os.environ.setdefault("IRO_DESKTOP_TODAY", TODAY.isoformat())  # the clock's test hook: the demo's today


def settle(app: QApplication, ms: int = 400) -> None:
    """Let the window map and paint before it is grabbed (a grab too soon is black). A loop of its own:
    the application's quit() would close every window, and closing the main window closes its store."""
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def _wait_unlocking(app: QApplication, dialog) -> None:
    """The unlock dialog derives the key off the UI thread: wait for its answer."""
    while dialog.unlocking:
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)


def save(app: QApplication, widget: QWidget, out: Path, name: str) -> None:
    widget.show()
    widget.raise_()
    settle(app)
    path = out / f"{name}.png"
    widget.grab().save(str(path))
    print(f"wrote {path}")


def main(out: Path) -> None:
    from iro_desktop.gui.appearance import apply_appearance
    from iro_desktop.gui.main_window import MainWindow
    from iro_desktop.gui.search.dialog import SearchDialog
    from iro_desktop.gui.unlock import UnlockDialog
    from iro_desktop.services.caseload import load_caseload
    from iro_desktop.services.demo import DEMO_PASSPHRASE, populate_demo
    from iro_desktop.store import create_store
    from iro_desktop.store.keys import TEST_KDF

    app = QApplication.instance() or QApplication(sys.argv)
    apply_appearance(app)  # Fusion and the system's light or dark, as the app itself starts
    os.environ.setdefault("IRO_DESKTOP_SETTINGS_DIR", tempfile.mkdtemp())  # no remembered window or columns
    if QGuiApplication.platformName() != "xcb":
        print("warning: not on X (run under xvfb-run for real windows)", file=sys.stderr)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "demo.db"
        store = create_store(db, DEMO_PASSPHRASE, kdf=TEST_KDF, is_demo=True)
        populate_demo(store, TODAY)
        store.close()
        dialog = UnlockDialog(db)
        dialog.passphrase.setText("wrong passphrase")
        dialog.try_unlock()
        _wait_unlocking(app, dialog)
        save(app, dialog, out, "unlock")
        dialog.passphrase.setText(DEMO_PASSPHRASE)
        dialog.try_unlock()
        _wait_unlocking(app, dialog)
        window = MainWindow(dialog.store, TODAY)
        window.resize(1360, 860)
        save(app, window, out, "caseload")
        rows = load_caseload(window.store, TODAY)
        busiest = max(rows, key=lambda r: (r.decisions_open + r.challenges_open, r.age))
        window.open_child(busiest.id)
        save(app, window, out, "child")
        minute_a_review(app, window, busiest.id, out)
        review_life(app, window, out)
        search = SearchDialog(window.store, window)
        search.resize(900, 560)
        search.findChild(QLineEdit).setText("brother")
        save(app, search, out, "search")
        search.close()
        window.show_challenges()
        save(app, window, out, "challenges")
        window.show_sync()
        save(app, window, out, "sync")
        council_feed(app, window, out)
        help_dialogs(app, window, out)
        settings_dialog(app, window, out)
        handover_dialog(app, window, busiest.id, Path(tmp), out)
        security_dialogs(app, window, out)
        window.close()
    first_run_pages(app, out)
    render_pictures(out, TODAY)


def minute_a_review(app: QApplication, window, child_id: int, out: Path) -> None:
    """The review workspace on its two tabs, with a few things typed the way an IRO would."""
    window.open_review(child_id)
    workspace = window.review
    save(app, window, out, "review_prepare")
    workspace.tabs.setCurrentWidget(workspace.minute)
    editor = workspace.minute.section_stack.currentWidget()
    editor.setPlainText("Settled with her carers since the last review. The contact plan was carried out, "
                        "though two sessions with her brother were cancelled by transport problems.")
    save(app, window, out, "review_minute")
    workspace.flush()


def review_life(app: QApplication, window, out: Path) -> None:
    """A review's life: the caseload's Minutes to finish, a child's reviews in every state, the held date
    typed, the checklist before signing, a signed review read-only, and the caseload viewed on another day."""
    from datetime import timedelta

    from PySide6.QtWidgets import QScrollArea, QTableWidget
    from sqlalchemy import select

    from iro_desktop.domain.timescales import Status
    from iro_desktop.gui.review.finalise import FinaliseDialog
    from iro_desktop.store.models import Review

    with window.store.session() as s:
        held = s.scalars(select(Review).where(Review.status == "held").order_by(Review.id)).first()
        signed = s.scalars(select(Review).where(Review.status == "finalised").order_by(Review.id)).first()
    window.show_caseload()
    window.caseload.set_status_filter(Status.MINUTES_TO_FINISH)
    save(app, window, out, "minutes_to_finish")
    window.caseload.set_status_filter(None)
    window.open_child(held.child_id)
    table = window.child_page.findChild(QTableWidget, "reviewsTable")
    table.selectRow(0)
    window.child_page.findChild(QScrollArea).ensureWidgetVisible(table, 0, 200)
    save(app, window, out, "child_reviews")
    window._show_review(held.child_id, held.id, 1)
    minute = window.review.minute
    minute.held_date.setFocus()
    minute.held_date.selectAll()
    minute.held_date.insert("20/11/26")  # typed as the IRO writes it; saved when they press Enter
    settle(app)
    top = minute.held_date.mapTo(window, minute.held_date.rect().topLeft())
    window.show()
    settle(app)
    window.grab(window.rect().adjusted(0, top.y() - 60, 0, -(window.height() - top.y() - 70))).save(
        str(out / "optional_date.png")
    )
    print(f"wrote {out / 'optional_date.png'}")
    minute.held_date.commit_date(held.held_date)
    dialog = FinaliseDialog(window.store, held.id, window.caseload.as_of, window)
    dialog.resize(760, 640)
    for edit in list(dialog.reasons.values())[:1]:  # one reason given, the others still to come
        edit.setFocus()
        edit.insert("Sections minuted on paper at the meeting; to be typed up in a correction.")
    save(app, dialog, out, "finalise_checklist")
    dialog.reject()
    window._show_review(signed.child_id, signed.id, 1)
    save(app, window, out, "review_signed")
    window.show_caseload()
    window.caseload.set_as_of(TODAY + timedelta(days=28))
    save(app, window, out, "view_date")
    window.back_to_today()


def council_feed(app: QApplication, window, out: Path) -> None:
    """The council inbox (View > Council inbox): the demo's notices, the open one answered as an IRO would,
    and the difference to settle on its own tab."""
    window.show_council_inbox()
    inbox = window.inbox_page
    save(app, window, out, "council-inbox")
    inbox.answer()
    dialog = inbox.dialog
    dialog.radios["early_review"].setChecked(True)
    dialog.note.setPlainText("Please bring the review forward so the move can be planned with her.")
    dialog.save()
    save(app, window, out, "council-notice-answered")
    inbox.tabs.setCurrentIndex(1)
    save(app, window, out, "council-difference")


def help_dialogs(app: QApplication, window, out: Path) -> None:
    """Help > Guide on its timescales page (this store's figures) and Help > About with a licence open."""
    from iro_desktop.gui.help.about import AboutDialog
    from iro_desktop.gui.help.guide import GuideDialog

    guide = GuideDialog(window.store, window)
    guide.resize(1000, 640)
    guide.show_topic("Timescales")
    save(app, guide, out, "guide")
    guide.close()
    about = AboutDialog(window)
    about.resize(820, 640)
    save(app, about, out, "about")
    about.close()


def settings_dialog(app: QApplication, window, out: Path) -> None:
    """Tools > Settings: a figure changed, a closure day and a worked bank holiday (shown, then cancelled)."""
    from iro_desktop.gui.settings_dialog import SettingsDialog

    dialog = SettingsDialog(window.store, window)
    dialog.resize(880, 680)
    dialog.spins["first_review_working_days"].setValue(15)
    save(app, dialog, out, "settings")
    dialog.tabs.setCurrentIndex(1)
    dialog.closure_date.setDate(date(2026, 12, 29))
    dialog.add_closure()
    dialog.add_worked_holiday()
    save(app, dialog, out, "settings_days")
    dialog.reject()


def handover_dialog(app: QApplication, window, child_id: int, folder: Path, out: Path) -> None:
    """The child page's "Hand over to another IRO" after a checked export: the code, the fingerprint."""
    from iro_desktop.gui.retention.handover import HandoverDialog
    from iro_desktop.store.keys import TEST_KDF

    dialog = HandoverDialog(window.store, child_id, window, kdf=TEST_KDF)
    dialog.file_edit.setText(str(folder / "handover.iro-handover"))
    dialog.write()
    save(app, dialog, out, "handover")
    dialog.close()


def security_dialogs(app: QApplication, window, out: Path) -> None:
    """Tools > Audit trail after the session so far, and File > Create a recovery key with the key shown."""
    from iro_desktop.gui.security.audit_view import AuditTrailDialog
    from iro_desktop.gui.security.passphrase import RecoveryKeyDialog
    from iro_desktop.services.demo import DEMO_PASSPHRASE

    trail = AuditTrailDialog(window.store, window)
    trail.resize(980, 520)
    save(app, trail, out, "audit_trail")
    trail.close()
    dialog = RecoveryKeyDialog(window.store, window)
    dialog.passphrase.setText(DEMO_PASSPHRASE)
    dialog.make_key()
    dialog.show()
    QTimer.singleShot(400, lambda: app.exit(0))  # not settle(): quit() would close it, and the key with it
    app.exec()
    dialog.grab().save(str(out / "recovery_key.png"))
    print(f"wrote {out / 'recovery_key.png'}")
    dialog.stored.setChecked(True)
    dialog.accept()


def first_run_pages(app: QApplication, out: Path) -> None:
    """Every page of the first-run set-up (first_run_1.png ...), filled in as a new IRO would."""
    from iro_desktop.gui.first_run.wizard import FirstRunWizard
    from iro_desktop.store.keys import TEST_KDF

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        wizard = FirstRunWizard(folder / "iro-desktop.db", TODAY, kdf=TEST_KDF, demo_db=folder / "demo.db")
        wizard.resize(720, 560)
        wizard.show()
        typing = {
            "aboutYouPage": lambda: (wizard.iro_name.setText("Sam Fictional"),
                                     wizard.council.setText("Northshire County Council")),
            "passphrasePage": lambda: (wizard.passphrase_fields.first.setText("Northshire"),),
            "hoursPage": lambda: wizard.hours.setValue(30),
            "receiverPage": lambda: wizard.receiver.setText("https://receiver.northshire.example"),
            "recoveryPage": lambda: wizard.stored_check.setChecked(True),
        }  # fmt: skip
        for number in range(1, 8):
            page = wizard.currentPage().objectName()
            typing.get(page, lambda: None)()
            QTimer.singleShot(400, lambda: app.exit(0))  # not settle(): quit() would cancel the wizard
            app.exec()
            wizard.grab().save(str(out / f"first_run_{number}.png"))
            if page == "passphrasePage":  # shown weak first, with the reason; then a strong one
                for field in (wizard.passphrase_fields.first, wizard.passphrase_fields.second):
                    field.setText("tangerine-otter-lighthouse-42")
            wizard.next()
            while wizard.creating:  # the store is made off the UI thread; the wizard moves on when it is
                app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        wizard.store.close()
        wizard.close()


THEMES = {"dark": {"IRO_DESKTOP_COLOR_SCHEME": "dark"}, "scale150": {"QT_SCALE_FACTOR": "1.5"},
          "scale200": {"QT_SCALE_FACTOR": "2"}}  # fmt: skip


def themed_screens(mode: str, out: Path) -> None:
    """The main screens dark, or at 150 % or 200 % scale, into <out>/<mode>/ (`make screenshots-themes`).

    The environment is set before Qt starts, as the system would set it for a real IRO.
    """
    os.environ.update(THEMES[mode])
    from iro_desktop.gui.appearance import apply_appearance
    from iro_desktop.gui.main_window import MainWindow
    from iro_desktop.services.caseload import load_caseload
    from iro_desktop.services.demo import DEMO_PASSPHRASE, populate_demo
    from iro_desktop.store import create_store
    from iro_desktop.store.keys import TEST_KDF

    app = QApplication.instance() or QApplication(sys.argv)
    apply_appearance(app)
    out = out / mode
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["IRO_DESKTOP_SETTINGS_DIR"] = tmp  # no window or columns remembered from other runs
        store = create_store(Path(tmp) / "demo.db", DEMO_PASSPHRASE, kdf=TEST_KDF, is_demo=True)
        populate_demo(store, TODAY)
        window = MainWindow(store, TODAY)
        window.resize(1360, 860)
        save(app, window, out, "caseload")
        rows = load_caseload(store, TODAY)
        busiest = max(rows, key=lambda r: (r.decisions_open + r.challenges_open, r.age))
        window.open_child(busiest.id)
        save(app, window, out, "child")
        minute_a_review(app, window, busiest.id, out)
        window.show_challenges()
        save(app, window, out, "challenges")
        window.show_sync()
        save(app, window, out, "sync")
        window.close()


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] in THEMES:  # python -m tests.screenshots dark [OUTDIR]
        folder = Path(sys.argv[2]) if len(sys.argv) > 2 else resources_dir() / "screenshots"
        themed_screens(sys.argv[1], folder)
    else:
        main(Path(sys.argv[1]) if len(sys.argv) > 1 else resources_dir() / "screenshots")
