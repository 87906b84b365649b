"""Keyboard: every menu action has an access key, the common ones a shortcut shown in the menu, no two share
one; and in every window the code has (each dialog and wizard, each page of the main window, in each of their
states), Tab and Shift+Tab go round every enabled control in reading order with no trap, and no two things on
show share an access key."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QItemSelectionModel, QPoint, QRect, Qt
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractScrollArea,
    QApplication,
    QDialog,
    QGroupBox,
    QLabel,
    QMainWindow,
    QMenu,
    QPlainTextEdit,
    QStackedWidget,
    QTabBar,
    QTabWidget,
    QTextEdit,
    QWidget,
    QWizard,
)

from iro_desktop.gui.main_window import MainWindow
from iro_desktop.paths import ui_dir
from tests.conftest import PASSPHRASE, TODAY, first_review
from tests.gui.test_accessibility import FORMS, MNEMONIC, load_form

COMMON = {  # what an IRO does many times a day
    "actionCaseload",
    "actionChallenges",
    "actionSync",
    "actionPrepareReview",
    "actionSearch",
    "actionBack",
    "actionRefresh",
    "actionLock",
    "actionQuit",
    "actionImport903",
    "actionBackup",
    "actionGuide",
}


def access_key(text: str) -> str | None:
    match = re.search(r"&([^&])", text.replace("&&", ""))
    return match.group(1).lower() if match else None


@pytest.fixture
def window(qtbot, demo_store):
    w = MainWindow(demo_store, TODAY)
    qtbot.addWidget(w)
    return w


def menus(window) -> list[QMenu]:
    return [a.menu() for a in window.menuBar().actions() if a.menu() is not None]


def test_every_menu_and_menu_action_has_its_own_access_key(window):
    titles = [m.title() for m in menus(window)]
    assert all(access_key(t) for t in titles), titles
    assert len({access_key(t) for t in titles}) == len(titles)
    for menu in menus(window):
        entries = [a.text() for a in menu.actions() if not a.isSeparator()]
        keys = [access_key(t) for t in entries]
        assert None not in keys, f"{menu.title()}: {entries}"
        assert len(set(keys)) == len(keys), f"{menu.title()} repeats an access key: {entries}"


def test_the_common_actions_have_shortcuts_that_the_menus_show(window):
    in_menus = {a.objectName(): a for m in menus(window) for a in m.actions()}
    missing = {name for name in COMMON if in_menus[name].shortcut().isEmpty()}
    assert missing == set()  # a menu bar's menus always print an action's shortcut beside its text


def test_no_two_actions_or_shortcuts_share_a_key(window):
    window.open_child(window.caseload.model.rows()[0].id)  # pages add their own shortcuts
    keys = [a.shortcut().toString() for a in window.findChildren(QAction) if not a.shortcut().isEmpty()]
    keys += [
        s.key().toString()
        for s in window.findChildren(QShortcut)
        if s.context() in (Qt.ShortcutContext.WindowShortcut, Qt.ShortcutContext.ApplicationShortcut)
    ]
    assert sorted(k for k in set(keys) if keys.count(k) > 1) == []


@pytest.mark.parametrize("name", FORMS)
def test_tab_leaves_every_text_area(qapp, name):
    """A text area that takes Tab as a character traps a keyboard user; minutes and notes need no tabs."""
    form = load_form(name)
    areas = [w for w in form.findChildren(QWidget) if isinstance(w, (QPlainTextEdit, QTextEdit))]
    traps = [w.objectName() for w in areas if not (w.isReadOnly() or w.tabChangesFocus())]
    assert traps == []
    form.deleteLater()


@pytest.mark.parametrize("name", FORMS)
def test_tab_leaves_every_table(qapp, name):
    """A table that moves Tab from cell to cell holds a keyboard user in it (found walking View > Sync)."""
    form = load_form(name)
    traps = [v.objectName() for v in form.findChildren(QAbstractItemView) if v.tabKeyNavigation()]
    assert traps == []
    form.deleteLater()


# --- tab order in one dialog (for tests elsewhere that walk a dialog to a given button) ---------------


def tab_through(qtbot, dialog: QWidget, first: QWidget) -> list[QWidget]:
    """Press Tab from the first field until the focus comes round again; the widgets visited, in order."""
    with qtbot.waitActive(dialog):
        dialog.show()
        dialog.activateWindow()
    first.setFocus(Qt.FocusReason.TabFocusReason)
    visited: list[QWidget] = []
    for _ in range(120):
        widget = QApplication.focusWidget()
        if widget is None or (widget in visited and widget is not visited[-1]):
            break
        if not visited or widget is not visited[-1]:  # Tab steps through a date's day, month and year
            visited.append(widget)
        qtbot.keyClick(widget, Qt.Key.Key_Tab)
    return visited


def inputs(dialog: QWidget) -> list[QWidget]:
    """Every visible, enabled widget that takes the focus from Tab."""
    return [
        w
        for w in dialog.findChildren(QWidget)
        if w.isVisibleTo(dialog)
        and w.isEnabled()
        and w.focusPolicy() & Qt.FocusPolicy.TabFocus
        and w.focusProxy() is None
        and not w.objectName().startswith("qt_")
    ]


def assert_tab_reaches_everything(qtbot, dialog: QWidget, first: QWidget, finish: QWidget) -> None:
    visited = tab_through(qtbot, dialog, first)
    names = [w.objectName() or type(w).__name__ for w in visited]
    assert finish in visited, f"Tab never reaches {finish.text()!r}: {names}"
    skipped = [w.objectName() or type(w).__name__ for w in inputs(dialog) if w not in visited]
    assert skipped == [], f"Tab skips {skipped}; it visits {names}"


def demo_child(store) -> int:
    from iro_desktop.services.caseload import load_caseload

    return load_caseload(store, TODAY)[0].id


def _mnemonics(texts) -> list[str]:
    return [m.group(0)[1].lower() for t in texts for m in [MNEMONIC.search(t.replace("&&", ""))] if m]


def _root_class(name: str) -> str:
    return re.search(r'<widget class="(\w+)"', (Path(ui_dir()) / name).read_text()).group(1)


# Forms shown under the main window's menu bar (new_passphrase.ui sits inside dialogs, which have none).
PAGES = [n for n in FORMS if _root_class(n) == "QWidget" and n != "new_passphrase.ui"]


@pytest.mark.parametrize("name", PAGES)
def test_no_mnemonic_on_a_page_is_also_a_menus(qapp, name):
    """A page sits under the menu bar: Alt+H on a "C&hoose..." button opened Help instead (found walking
    View > Sync). A letter a menu title uses is not used again on a page."""
    menus = load_form("main_window.ui")
    menu_letters = _mnemonics(m.title() for m in menus.findChildren(QMenu) if m.title())
    form = load_form(name)
    texts = [w.text() for w in form.findChildren(QWidget) if hasattr(w, "text") and callable(w.text)]
    texts += [w.title() for w in form.findChildren(QGroupBox)]
    tabs = [tab.tabText(i) for tab in form.findChildren(QTabWidget) for i in range(tab.count())]
    letters = _mnemonics(t for t in [*texts, *tabs] if isinstance(t, str))
    assert menu_letters and sorted(set(letters) & set(menu_letters)) == []
    form.deleteLater()
    menus.deleteLater()


# --- every window, every state: Tab round it and back, and its access keys ------------------------------
#
# The windows come from the code: every QDialog subclass under iro_desktop/gui (wizards among them), and every
# page the main window shows. Each is built on the demo caseload and each of its states is walked with real
# key presses: as opened; with a row chosen in each list (the buttons that act on a row come alive); each tab
# of each tab widget and each page of each stacked widget, and so on inside them; each page of a wizard, as
# it opens and once filled in. A class the test has no way to build fails the test, so none is forgotten.


def _gui_classes(base: type) -> dict[str, type]:
    """The public subclasses of `base` defined under iro_desktop.gui, every module imported first."""
    import importlib
    import pkgutil

    import iro_desktop.gui as gui

    for info in pkgutil.walk_packages(gui.__path__, "iro_desktop.gui."):
        importlib.import_module(info.name)
    found, todo = {}, [base]
    while todo:
        for cls in todo.pop().__subclasses__():
            todo.append(cls)
            if cls.__module__.startswith("iro_desktop.gui.") and not cls.__name__.startswith("_"):
                found[cls.__name__] = cls
    return dict(sorted(found.items()))


def _control(widget: QWidget) -> QWidget:
    """The control a focus widget belongs to: a spin box for its line edit, a tab widget for its bar."""
    while (parent := widget.parentWidget()) is not None and parent.focusProxy() is widget:
        widget = parent
    return widget


def _name(widget: QWidget | None) -> str:
    if widget is None:
        return "nothing"
    text = widget.text() if hasattr(widget, "text") and callable(widget.text) else ""
    label = widget.objectName() or widget.accessibleName() or str(text).replace("&", "")
    return f"{type(widget).__name__} {label}".strip()


def _tab_stops(window: QWidget) -> list[QWidget]:
    """The controls Tab should reach, chosen as Qt chooses them: visible, enabled, taking focus from Tab."""
    stops: list[QWidget] = []
    for widget in window.findChildren(QWidget):
        if (
            widget.window() is window
            and widget.isVisibleTo(window)
            and widget.isEnabled()
            and widget.focusPolicy() & Qt.FocusPolicy.TabFocus
            and widget.focusProxy() is None
            and _control(widget) not in stops
        ):
            stops.append(_control(widget))
    return stops


STUCK = 80  # Tab presses on one control before it is a trap (more than a date's sections or a page's links)
TAB = (Qt.Key.Key_Tab, Qt.KeyboardModifier.NoModifier)
SHIFT_TAB = (Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier)  # what the keyboard sends for Shift+Tab
CTRL_TAB = (Qt.Key.Key_Tab, Qt.KeyboardModifier.ControlModifier)


def _walk(qtbot, window: QWidget, first: QWidget, keys: tuple) -> tuple[list[QWidget], str | None]:
    """Press Tab (or Shift+Tab) from `first` until the focus comes round to it again: the controls visited,
    in order, and what went wrong, if anything. Where Tab stays put (it types), Ctrl+Tab must move on."""
    first.setFocus(Qt.FocusReason.TabFocusReason)
    visited, still = [first], 0
    only_one = len(_tab_stops(window)) == 1
    for _ in range(STUCK + 6 * len(_tab_stops(window))):
        qtbot.keyClick(QApplication.focusWidget(), *(CTRL_TAB if still == STUCK else keys))
        focus = QApplication.focusWidget()
        if focus is None or focus.window() is not window:
            return visited, f"the focus leaves the window for {_name(focus)}"
        control = _control(focus)
        if control is visited[-1]:
            if only_one:
                return visited, None  # Tab has nowhere else to go
            still += 1
            if still > STUCK:
                return visited, f"stuck in {_name(control)}; Ctrl+Tab does not leave"
            continue
        still = 0
        if control is first:
            return visited, None
        if control in visited:
            return visited, f"caught in a loop: {[_name(w) for w in visited[visited.index(control) :]]}"
        visited.append(control)
    return visited, "never comes round to where it started"


def _first_stop(window: QWidget) -> QWidget | None:
    """The first control in the window's tab order."""
    stops = _tab_stops(window)
    widget = window.nextInFocusChain()
    while widget is not window and _control(widget) not in stops:
        widget = widget.nextInFocusChain()
    return _control(widget) if widget is not window else None


def _place(window: QWidget, control: QWidget, other: QWidget) -> QRect:
    """Where the part of `control` that takes the focus sits in the window as laid out (not as the walk
    scrolled it), seen from `other`: inside a scroll area that `other` is not in, it is where the area is."""
    while control.focusProxy() is not None:
        control = control.focusProxy()
    outer, widget = control, control.parentWidget()
    while widget is not window:
        if isinstance(widget, QAbstractScrollArea) and not (widget is other or widget.isAncestorOf(other)):
            outer = widget
        widget = widget.parentWidget()
    at, widget = QPoint(0, 0), outer
    while widget is not window:
        parent = widget.parentWidget()
        area = parent.parentWidget()
        if not (isinstance(area, QAbstractScrollArea) and parent is area.viewport()):
            at += widget.pos()  # a scroll area's contents as if never scrolled
        widget = parent
    return QRect(at, outer.size())


def _steps_back_up(window: QWidget, visited: list[QWidget]) -> list[str]:
    """Reading order, as far as a test can judge it: going round, Tab goes back up the window once, from
    the last control to the first. A step to a control above the one before, and not in a column to its
    right, is a step back up; more than one means the order jumps about."""
    steps = []
    for a, b in zip(visited, [*visited[1:], visited[0]], strict=True):
        was, now = _place(window, a, b), _place(window, b, a)
        if now.center().y() < was.top() and now.left() < was.right():
            steps.append(f"{_name(a)} -> {_name(b)}")
    return steps if len(steps) > 1 else []


def tab_problems(qtbot, window: QWidget) -> list[str]:
    """Walk Tab round the window as it stands, then Shift+Tab: every trap, every enabled control never
    reached, an order that jumps about, and a way back that is not the way there reversed."""
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)  # controls a refill replaced go now
    first = _first_stop(window)
    if first is None:
        return []
    forward, trapped = _walk(qtbot, window, first, TAB)
    problems = [f"Tab: {trapped}"] if trapped else []
    unreached = [_name(w) for w in _tab_stops(window) if w not in forward]
    if unreached:
        problems.append(f"Tab never reaches {unreached}")
    if not problems:
        problems += [f"Tab goes back up the window: {step}" for step in _steps_back_up(window, forward)]
    backward, trapped = _walk(qtbot, window, first, SHIFT_TAB)
    if trapped:
        problems.append(f"Shift+Tab: {trapped}")
    elif not problems and backward != [first, *reversed(forward[1:])]:
        problems.append(f"Shift+Tab does not come back the way Tab went: {[_name(w) for w in backward]}")
    if problems:
        problems.append(f"Tab visits {[_name(w) for w in forward]}")
    return problems


def access_key_clashes(window: QWidget) -> dict[str, list[str]]:
    """Access keys (Alt+letter) that two visible things in the window claim, read from their text as Qt
    reads it: buttons and check boxes, labels with a buddy, group boxes, tabs and, in the main window, the
    menu bar. A disabled button counts: its letter clashes as soon as it is enabled."""
    texts: list[str] = []
    for widget in window.findChildren(QWidget):
        if widget.window() is not window or not widget.isVisibleTo(window):
            continue
        if isinstance(widget, QAbstractButton) or (isinstance(widget, QLabel) and widget.buddy() is not None):
            texts.append(widget.text())
        elif isinstance(widget, QGroupBox):
            texts.append(widget.title())
        elif isinstance(widget, QTabBar):
            texts += [widget.tabText(i) for i in range(widget.count()) if widget.isTabVisible(i)]
    if isinstance(window, QMainWindow):
        texts += [a.text() for a in window.menuBar().actions() if a.isVisible()]
    claimed: dict[str, list[str]] = {}
    for text in texts:
        if key := QKeySequence.mnemonic(text).toString():
            claimed.setdefault(key, []).append(text)
    return {key: texts for key, texts in claimed.items() if len(texts) > 1}


def _switchers(root: QWidget) -> list[QWidget]:
    """The visible tab widgets and stacked widgets in `root` that are not inside another one's page."""
    found = []
    for widget in root.findChildren(QWidget):
        if not isinstance(widget, (QTabWidget, QStackedWidget)) or not widget.isVisibleTo(root.window()):
            continue
        if isinstance(widget.parentWidget(), QTabWidget) or widget.objectName() == "pages":
            continue  # a tab widget's own stack; the main window's pages are opened as the IRO opens them
        outer = widget.parentWidget()
        while outer is not root and not isinstance(outer, (QTabWidget, QStackedWidget)):
            outer = outer.parentWidget()
        if outer is root or outer.objectName() == "pages":
            found.append(widget)
    return found


def _choose_a_row_in_each_list(root: QWidget) -> bool:
    """Choose the first row of every list or table showing rows and none chosen; True if any was."""
    unchosen = [
        view
        for view in root.findChildren(QAbstractItemView)
        if view.isVisibleTo(root)
        and view.model() is not None
        and view.model().rowCount() > 0
        and not view.selectionModel().hasSelection()
    ]
    rows = QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
    for view in unchosen:
        view.selectionModel().setCurrentIndex(view.model().index(0, 0), rows)
    return bool(unchosen)


def window_states(root: QWidget, label: str = ""):
    """Yield a name for each state of the window below `root`: as it is, then each tab of each tab widget
    and each page of each stacked widget, and so on inside them, each also with a row chosen in each list
    where that changes anything; each tab widget and stack is left as found."""
    if not label:
        yield "as opened"
        if _choose_a_row_in_each_list(root):
            yield "with a row chosen in each list"
    for switcher in _switchers(root):
        was = switcher.currentIndex()
        for i in range(switcher.count()):
            if isinstance(switcher, QTabWidget):
                if not (switcher.isTabEnabled(i) and switcher.isTabVisible(i)):
                    continue
                name = f"{label}{switcher.objectName()} tab {switcher.tabText(i).replace('&', '')!r}"
            else:
                name = f"{label}{switcher.objectName()} page {i}"
            switcher.setCurrentIndex(i)
            if i != was:
                yield name
                if _choose_a_row_in_each_list(switcher.widget(i)):
                    yield f"{name}, with a row chosen in each list"
            yield from window_states(switcher.widget(i), f"{name} > ")
        switcher.setCurrentIndex(was)


# --- how to build each window on the demo caseload ------------------------------------------------------
#
# A factory returns the window, or a list of windows where one class shows different controls in different
# uses (a decision done, not done or changed; a new concern and one on record; a form empty and filled in).
# A wizard carries `fill`: what each page needs typed before Next.


@dataclass
class Demo:
    """What a factory builds from: the demo store, a folder of its own, and ids from the demo."""

    store: object
    folder: Path

    def child_id(self) -> int:
        return demo_child(self.store)

    def review_id(self, status: str) -> int:


        return first_review(self.store, status)

    def child_of(self, review_id: int) -> int:
        from iro_desktop.store.models import Review

        with self.store.session() as s:
            return s.get(Review, review_id).child_id


def _typed(dialog: QWidget, texts: dict[str, str]) -> QWidget:
    """The dialog with text typed into named fields (a button waiting for them comes alive)."""
    from PySide6.QtWidgets import QLineEdit

    for name, text in texts.items():
        dialog.findChild(QLineEdit, name).setText(text)
    return dialog


def _decision_dialogs(demo: Demo) -> list[QWidget]:
    from iro_desktop.gui.child.dialogs import DecisionStatusDialog
    from iro_desktop.services.caseload import load_caseload
    from iro_desktop.services.child import load_child

    children = (load_child(demo.store, row.id, TODAY) for row in load_caseload(demo.store, TODAY))
    decision = next(d for child in children for d in child.decisions if d.open and d.id)
    return [DecisionStatusDialog(demo.store, decision, mode, TODAY) for mode in DecisionStatusDialog.MODES]


def _adjourn_dialog(demo: Demo) -> QWidget:
    from iro_desktop.gui.child.dialogs import AdjournReviewDialog
    from iro_desktop.services.caseload import load_caseload
    from iro_desktop.services.child import load_child

    nexts = (load_child(demo.store, row.id, TODAY).next_review for row in load_caseload(demo.store, TODAY))
    n = next(n for n in nexts if n.open_review_id is not None)
    return AdjournReviewDialog(demo.store, n.open_review_id, n.booked, TODAY)


def _concern_dialogs(demo: Demo) -> list[QWidget]:
    from sqlalchemy import select

    from iro_desktop.gui.challenges.dialog import ChallengeDialog
    from iro_desktop.store.models import Challenge

    with demo.store.session() as s:
        on_record = s.scalars(select(Challenge).order_by(Challenge.id)).first()
        child_id, challenge_id = on_record.child_id, on_record.id
    return [
        ChallengeDialog(demo.store, demo.child_id(), TODAY),
        ChallengeDialog(demo.store, child_id, TODAY, challenge_id=challenge_id),
    ]


def _finalise_dialogs(demo: Demo) -> list[QWidget]:
    from iro_desktop.gui.review.finalise import FinaliseDialog

    empty, reasoned = (FinaliseDialog(demo.store, demo.review_id("held"), TODAY) for _ in range(2))
    for edit in reasoned.reasons.values():
        edit.setText("Signed in a test.")  # the sign button comes alive
    return [empty, reasoned]


def _search_dialogs(demo: Demo) -> list[QWidget]:
    from iro_desktop.gui.search.dialog import SearchDialog

    found = SearchDialog(demo.store)
    found.search_edit.setText("a")
    found.run_search()  # results, and Open
    return [SearchDialog(demo.store), found]


def _phrases_dialog(demo: Demo) -> QWidget:
    from iro_desktop.gui.widgets.phrases import PhrasesDialog
    from iro_desktop.services.phrases import phrases

    return PhrasesDialog(phrases(demo.store), lambda _text: phrases(demo.store))


def _first_run_wizard(demo: Demo) -> QWidget:
    from iro_desktop.gui.first_run.wizard import FirstRunWizard
    from iro_desktop.store.keys import TEST_KDF

    wizard = FirstRunWizard(demo.folder / "new.db", TODAY, kdf=TEST_KDF, demo_db=demo.folder / "demo.db")
    fields = wizard.passphrase_fields
    wizard.fill = {  # the recovery key is asked for, so that its page is shown too
        "aboutYouPage": lambda: (wizard.iro_name.setText("Sam Fictional"), wizard.council.setText("Shire")),
        "passphrasePage": lambda: (fields.first.setText(PASSPHRASE), fields.second.setText(PASSPHRASE)),
        "startPage": lambda: wizard.start_radios["empty"].setChecked(True),
        "recoveryPage": lambda: wizard.stored_check.setChecked(True),
    }
    return wizard


_903 = {  # two fictional children: enough for the import's report to have rows
    "header.csv": "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n"
    "900101,2,10/03/2018,WBRI,,,\n900102,1,04/06/2015,WBRI,,,\n",
    "episodes.csv": "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,"
    "PL_POST,URN\n900101,03/02/2025,S,C2,N1,U4,PR1,,,,,,\n900102,03/02/2025,S,C2,N1,U4,PR1,,,,,,\n",
    "reviews.csv": "CHILD,DOB,REVIEW,REVIEW_CODE\n"
    "900101,10/03/2018,04/03/2025,PN1\n900101,10/03/2018,01/08/2025,PN0\n",
}


def _import_wizard(demo: Demo) -> QWidget:
    from iro_desktop.gui.import903.wizard import Import903Wizard

    folder = demo.folder / "903"
    folder.mkdir()
    for name, text in _903.items():
        (folder / name).write_text(text, encoding="utf-8")
    wizard = Import903Wizard(demo.store)
    wizard.fill = {"sourcePage": lambda: wizard.source_edit.setText(str(folder))}
    return wizard


def _answer_dialogs(demo: Demo) -> list[QWidget]:
    """As opened, and with a concern refused for want of a note (its message shown beside the note)."""
    from iro_desktop.gui.council.answer import NoticeAnswerDialog
    from iro_desktop.services.notices import inbox

    notice = inbox(demo.store, TODAY, open_only=True)[0]
    refused = NoticeAnswerDialog(demo.store, notice)
    refused.radios["concern"].setChecked(True)
    refused.save()
    return [NoticeAnswerDialog(demo.store, notice), refused]


def _window_factories() -> dict[str, object]:
    from iro_desktop.gui.challenges.ladder import DrpLadderDialog
    from iro_desktop.gui.challenges.summary import ChallengeSummary
    from iro_desktop.gui.child import dialogs as child
    from iro_desktop.gui.documents.dialog import DocumentsDialog
    from iro_desktop.gui.help.about import AboutDialog
    from iro_desktop.gui.help.guide import GuideDialog
    from iro_desktop.gui.help.report import ReportDialog
    from iro_desktop.gui.import903.export_dialog import Export903Dialog
    from iro_desktop.gui.retention.dialog import RetentionDialog
    from iro_desktop.gui.retention.handover import HandoverDialog, ReceiveHandoverDialog
    from iro_desktop.gui.review.signed_view import SignedRecordDialog
    from iro_desktop.gui.security.audit_view import AuditTrailDialog
    from iro_desktop.gui.security.auto_backup import AutoBackupDialog
    from iro_desktop.gui.security.passphrase import ChangePassphraseDialog, RecoveryKeyDialog
    from iro_desktop.gui.settings_dialog import SettingsDialog
    from iro_desktop.gui.unlock import UnlockDialog
    from iro_desktop.store.keys import TEST_KDF

    new_passphrase = {"currentPassphrase": PASSPHRASE, "newPassphrase": "Quiet-Lantern-Orchard-58"}
    new_passphrase["repeatPassphrase"] = new_passphrase["newPassphrase"]
    return {
        "AboutDialog": lambda d: AboutDialog(),
        "AdjournReviewDialog": _adjourn_dialog,
        "AuditTrailDialog": lambda d: AuditTrailDialog(d.store),
        "AutoBackupDialog": lambda d: AutoBackupDialog(d.store, today=lambda: TODAY),
        "ChallengeDialog": _concern_dialogs,
        "ChallengeSummary": lambda d: ChallengeSummary(d.store, TODAY),
        "ChangePassphraseDialog": lambda d: [
            ChangePassphraseDialog(d.store),
            _typed(ChangePassphraseDialog(d.store), new_passphrase),
        ],
        "DecisionStatusDialog": _decision_dialogs,
        "DocumentsDialog": lambda d: DocumentsDialog(d.store, d.review_id("held"), TODAY),
        "DrpLadderDialog": lambda d: DrpLadderDialog(d.store),
        "EarlyReviewDialog": lambda d: child.EarlyReviewDialog(d.store, d.child_id(), TODAY),
        "Export903Dialog": lambda d: [
            Export903Dialog(d.store, TODAY),
            _typed(Export903Dialog(d.store, TODAY), {"folderEdit": str(d.folder / "903")}),
        ],
        "FinaliseDialog": _finalise_dialogs,
        "FirstRunWizard": _first_run_wizard,
        "GuideDialog": lambda d: GuideDialog(d.store),
        "HandoverDialog": lambda d: HandoverDialog(d.store, d.child_id(), kdf=TEST_KDF),
        "Import903Wizard": _import_wizard,
        "NoticeAnswerDialog": _answer_dialogs,
        "MonitoringNoteDialog": lambda d: child.MonitoringNoteDialog(d.store, d.child_id(), TODAY),
        "ParticipationCodeDialog": lambda d: child.ParticipationCodeDialog(
            d.store, d.review_id("imported"), TODAY
        ),
        "PhrasesDialog": _phrases_dialog,
        "ReceiveHandoverDialog": lambda d: ReceiveHandoverDialog(d.store),
        "RecoveryKeyDialog": lambda d: RecoveryKeyDialog(d.store),
        "ReportDialog": lambda d: ReportDialog("iro-desktop problem report\n", today=TODAY),
        "RetentionDialog": lambda d: RetentionDialog(d.store, TODAY),
        "SearchDialog": _search_dialogs,
        "SettingsDialog": lambda d: SettingsDialog(d.store, today=TODAY),
        "SignedRecordDialog": lambda d: SignedRecordDialog(d.store, d.review_id("finalised"), "Review"),
        "UnlockDialog": lambda d: UnlockDialog(d.store.path),
    }


def _open_deallocated_child(window, demo: Demo) -> None:
    """The demo child with a difference to settle, deallocated: the banner and both council lists show."""
    from iro_desktop.services.council_details import open_differences
    from iro_desktop.store.models import Child

    child_id = open_differences(demo.store)[0].child_id
    with demo.store.session() as s:
        child = s.get(Child, child_id)
        child.council_status, child.deallocated_on = "deallocated", TODAY
    window.open_child(child_id)


def _main_window_pages() -> dict[str, tuple[str, object]]:
    """The main window's pages, each opened as the IRO opens it: {name: (the page's class, how)}."""

    def review(status: str):
        return lambda w, d: w._open_review_of(d.child_of(d.review_id(status)), d.review_id(status))

    return {
        "caseload": ("CaseloadView", lambda w, d: w.show_caseload()),
        "caseload on another day": ("CaseloadView", lambda w, d: w.caseload.set_as_of(date(2026, 12, 9))),
        "child page": ("ChildPage", lambda w, d: w.open_child(d.child_id())),
        "review to minute": ("ReviewWorkspace", review("held")),
        "signed review": ("ReviewWorkspace", review("finalised")),
        "sync": ("SyncView", lambda w, d: w.show_sync()),
        "challenges": ("ChallengesView", lambda w, d: w.show_challenges()),
        "council inbox": ("CouncilInbox", lambda w, d: w.show_council_inbox()),
        "deallocated child page": ("ChildPage", _open_deallocated_child),
        "locked": ("LockScreen", lambda w, d: w.lock()),
    }


# Widgets that are neither windows nor pages of their own, and the window each is walked in.
PART_OF = {
    "BarChart": "ChallengeSummary",
    "ChildrenPage": "Import903Wizard",
    "FirstRunPage": "FirstRunWizard",
    "ImportPage": "Import903Wizard",
    "MinutePage": "MainWindow review to minute",
    "NewPassphraseFields": "ChangePassphraseDialog",
    "OptionalDateEdit": "MainWindow review to minute",
    "PreparePage": "MainWindow review to minute",
    "ReviewTimeline": "MainWindow caseload",
    "SourcePage": "Import903Wizard",
    "SummaryStrip": "MainWindow caseload",
}
DIALOGS = _gui_classes(QDialog)
FACTORIES = _window_factories()
MAIN_WINDOW_PAGES = _main_window_pages()
WINDOWS = [*DIALOGS, *(f"MainWindow {page}" for page in MAIN_WINDOW_PAGES)]


def test_every_window_in_the_code_can_be_built_and_walked():
    """A dialog, page or widget added later without a way to build or find it here fails this test."""
    pages = {cls for cls, _open in MAIN_WINDOW_PAGES.values()}
    known = {*FACTORIES, *pages, *PART_OF, "MainWindow"}
    assert sorted(set(DIALOGS) - set(FACTORIES)) == []
    assert sorted(set(_gui_classes(QWidget)) - known) == []
    assert sorted(known - set(_gui_classes(QWidget))) == []  # nothing listed here that the code has dropped
    assert {*PART_OF.values()} <= {*DIALOGS, *(f"MainWindow {page}" for page in MAIN_WINDOW_PAGES)}


def _built(qtbot, window_id: str, demo: Demo) -> list[QWidget]:
    if window_id.startswith("MainWindow "):
        cls, opener = MAIN_WINDOW_PAGES[window_id.removeprefix("MainWindow ")]
        window = MainWindow(demo.store, TODAY)
        qtbot.addWidget(window)
        window.resize(1280, 800)
        opener(window, demo)
        assert type(window.pages.currentWidget()).__name__ == cls
        windows = [window]
    else:
        built = FACTORIES[window_id](demo)
        windows = built if isinstance(built, list) else [built]
        for window in windows:
            qtbot.addWidget(window)
    parts = [part for part, where in PART_OF.items() if where == window_id]
    found = {type(w).__name__ for window in windows for w in window.findChildren(QWidget)}
    assert sorted(set(parts) - found) == []
    return windows


def _each_state(qtbot, window: QWidget):
    """Show the window and yield each of its states by name; a wizard's pages in turn, each as it opens
    and filled in."""
    with qtbot.waitActive(window):
        window.show()
        window.activateWindow()
    if not isinstance(window, QWizard):
        yield from window_states(window)
        return
    shown = []
    while window.currentId() not in shown:
        shown.append(window.currentId())
        page = window.currentPage()
        if page.objectName() == "importPage":
            qtbot.waitUntil(page.isComplete, timeout=30_000)  # the import runs on its own thread
        for state in window_states(window):
            yield f"{page.objectName()}: {state}"
        if fill := getattr(window, "fill", {}).get(page.objectName()):
            fill()
            yield f"{page.objectName()}: filled in"
        if window.nextId() == -1:
            break
        window.next()
        qtbot.waitUntil(lambda: not getattr(window, "creating", False), timeout=30_000)  # the store is made
    assert sorted(window.page(i).objectName() for i in window.pageIds() if i not in shown) == []


@pytest.mark.parametrize("window_id", WINDOWS)
def test_tab_and_shift_tab_go_round_every_state_of_every_window(qtbot, demo_store, tmp_path, window_id):
    """Real Tab and Shift+Tab presses from the first control: no trap, every enabled control reached in
    reading order, and Shift+Tab comes back the same way."""
    found = {}
    for window in _built(qtbot, window_id, Demo(demo_store, tmp_path)):
        for state in _each_state(qtbot, window):
            if problems := tab_problems(qtbot, window):
                found[f"{window.objectName()} {state}"] = problems
        window.close()
    assert not found, "\n".join(f"{state}:\n  " + "\n  ".join(p) for state, p in found.items())


@pytest.mark.parametrize("window_id", WINDOWS)
def test_no_two_things_in_a_window_share_an_access_key(qtbot, demo_store, tmp_path, window_id):
    """Two things on show with one Alt+letter: Qt moves between them on each press and activates neither."""
    found = {}
    for window in _built(qtbot, window_id, Demo(demo_store, tmp_path)):
        for state in _each_state(qtbot, window):
            if clashes := access_key_clashes(window):
                found[f"{window.objectName()} {state}"] = clashes
        window.close()
    assert not found, "\n".join(f"{state}: {clashes}" for state, clashes in found.items())


def test_the_walk_finds_traps_skipped_controls_and_clashes(qtbot):
    """The checks bite: a table that keeps Tab, a text area that types it, a control left out of the tab
    order, an order that jumps about and two buttons with one letter are each reported."""
    from PySide6.QtWidgets import QLineEdit, QPushButton, QTableWidget, QVBoxLayout

    def dialog(*widgets: QWidget) -> QDialog:
        d = QDialog()
        qtbot.addWidget(d)
        layout = QVBoxLayout(d)
        for i, w in enumerate(widgets):
            w.setObjectName(f"w{i}")
            layout.addWidget(w)
        with qtbot.waitActive(d):
            d.show()
            d.activateWindow()
        return d

    table = QTableWidget(2, 2)
    table.setTabKeyNavigation(True)
    assert any("Tab: stuck in QTableWidget" in p for p in tab_problems(qtbot, dialog(QLineEdit(), table)))
    area = QPlainTextEdit()
    assert any("Tab: stuck in QPlainTextEdit" in p for p in tab_problems(qtbot, dialog(QLineEdit(), area)))
    d = dialog(QLineEdit(), QLineEdit(), QPushButton("&Save"), QPushButton("&Send"))
    assert access_key_clashes(d) == {"Alt+S": ["&Save", "&Send"]}
    (first, second), save = d.findChildren(QLineEdit), d.findChild(QPushButton, "w2")
    QWidget.setTabOrder(save, first)
    QWidget.setTabOrder(second, save)  # the second field, Save, the first field, Send: back up twice
    assert any("goes back up" in p for p in tab_problems(qtbot, d))
