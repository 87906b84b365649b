"""Keyboard: every menu action has an access key, the common ones a shortcut shown in the menu, no two share
one, and Tab walks each main dialog through every field to its OK or Save button."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QDialogButtonBox,
    QGroupBox,
    QMenu,
    QPlainTextEdit,
    QTabWidget,
    QTextEdit,
    QWidget,
)

from iro_desktop.gui.main_window import MainWindow
from iro_desktop.paths import ui_dir
from tests.conftest import TODAY
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


# --- tab order --------------------------------------------------------------------------------------


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


def ok_button(dialog: QWidget):
    box = dialog.findChild(QDialogButtonBox)
    return box.button(QDialogButtonBox.StandardButton.Ok) or box.button(QDialogButtonBox.StandardButton.Save)


def test_tab_walks_the_unlock_dialog(qtbot, store_path, store):
    from iro_desktop.gui.unlock import UnlockDialog

    dialog = UnlockDialog(store_path)
    qtbot.addWidget(dialog)
    assert_tab_reaches_everything(qtbot, dialog, dialog.passphrase, dialog.unlock_button)


@pytest.mark.parametrize("name", ["MonitoringNoteDialog", "EarlyReviewDialog"])
def test_tab_walks_the_child_page_dialogs(qtbot, demo_store, name):
    from iro_desktop.gui.child import dialogs

    child_id = demo_child(demo_store)
    dialog = getattr(dialogs, name)(demo_store, child_id, TODAY)
    qtbot.addWidget(dialog)
    first = dialog.noted_on if name == "MonitoringNoteDialog" else dialog.by
    assert_tab_reaches_everything(qtbot, dialog, first, dialog.ok_button)


def test_tab_walks_the_concern_dialog(qtbot, demo_store):
    from iro_desktop.gui.challenges.dialog import ChallengeDialog

    dialog = ChallengeDialog(demo_store, demo_child(demo_store), TODAY)
    qtbot.addWidget(dialog)
    first = dialog.findChild(QWidget, "issueCombo")
    assert_tab_reaches_everything(qtbot, dialog, first, dialog.findChild(QWidget, "saveConcernButton"))


def test_tab_walks_the_export_dialog(qtbot, demo_store, tmp_path):
    from PySide6.QtWidgets import QLineEdit

    from iro_desktop.gui.import903.export_dialog import Export903Dialog

    dialog = Export903Dialog(demo_store, TODAY)
    qtbot.addWidget(dialog)
    dialog.findChild(QLineEdit, "folderEdit").setText(str(tmp_path / "903"))
    first = dialog.findChild(QWidget, "yearCombo")
    assert_tab_reaches_everything(qtbot, dialog, first, ok_button(dialog))


def demo_child(store) -> int:
    from iro_desktop.services.caseload import load_caseload

    return load_caseload(store, TODAY)[0].id


def _mnemonics(texts) -> list[str]:
    return [m.group(0)[1].lower() for t in texts for m in [MNEMONIC.search(t.replace("&&", ""))] if m]


def _root_class(name: str) -> str:
    return re.search(r'<widget class="(\w+)"', (Path(ui_dir()) / name).read_text()).group(1)


# Forms shown under the main window's menu bar (new_passphrase.ui sits inside dialogs, which have none).
PAGES = [n for n in FORMS if _root_class(n) == "QWidget" and n != "new_passphrase.ui"]
UNSETTLED = {"review_minute.ui"}  # its letters need re-choosing across its tabs: left for a later issue


@pytest.mark.parametrize(
    "name", [pytest.param(n, marks=pytest.mark.xfail(strict=True)) if n in UNSETTLED else n for n in PAGES]
)
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
