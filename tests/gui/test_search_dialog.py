"""The search dialog: results as you type, Enter or a double-click opens the child, stray syntax harmless."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QAbstractItemView, QLabel, QLineEdit

from iro_desktop.gui.search import SearchDialog
from iro_desktop.services.monitoring import add_note
from iro_desktop.store.models import Child, WishEntry

TODAY = date(2026, 11, 25)


@pytest.fixture
def dialog(qtbot, demo_store):
    with demo_store.session() as s:
        child = s.get(Child, 3)
        s.add(
            WishEntry(
                child_id=child.id,
                recorded_on=date(2026, 11, 1),
                how_obtained="private_conversation",
                words="I would like a kitten called Pepper.",
            )
        )
    add_note(demo_store, 5, date(2026, 11, 12), "visit", "Saw the new bunk beds; settled and chatty.")
    d = SearchDialog(demo_store)
    qtbot.addWidget(d)
    d.show()
    qtbot.waitExposed(d)
    return d


def _type(qtbot, dialog, text: str) -> None:
    edit = dialog.findChild(QLineEdit, "searchEdit")
    edit.clear()
    qtbot.keyClicks(edit, text)


def _wait_results(qtbot, dialog, at_least: int = 1) -> None:
    qtbot.waitUntil(lambda: dialog.results.count() >= at_least, timeout=2000)


def test_results_appear_as_you_type(qtbot, dialog):
    _type(qtbot, dialog, "kitten pep")
    _wait_results(qtbot, dialog)
    assert [(h.child_id, h.source) for h in dialog.hits] == [(3, "In their own words")]
    assert "1 found" in dialog.findChild(QLabel, "statusLabel").text()
    label = dialog.results.itemWidget(dialog.results.item(0))
    assert "<b>kitten</b>" in label.text() and "1 Nov 2026" in label.text()


def test_enter_opens_the_child(qtbot, dialog):
    _type(qtbot, dialog, "bunk beds")
    with qtbot.waitSignal(dialog.child_opened, timeout=2000) as opened:
        qtbot.keyClick(dialog.findChild(QLineEdit, "searchEdit"), Qt.Key.Key_Return)
    assert opened.args == [5]
    assert not dialog.isVisible()


def test_double_click_opens_the_child(qtbot, dialog):
    _type(qtbot, dialog, "bunk")
    _wait_results(qtbot, dialog)
    rect = dialog.results.visualItemRect(dialog.results.item(0))
    viewport = dialog.results.viewport()
    with qtbot.waitSignal(dialog.child_opened, timeout=2000) as opened:
        qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=rect.center())  # as a real double-click
        qtbot.mouseDClick(viewport, Qt.MouseButton.LeftButton, pos=rect.center())
    assert opened.args == [5]


def test_names_are_found(qtbot, dialog, demo_store):
    with demo_store.session() as s:
        child = s.get(Child, 7)
        first, last = child.first_name, child.last_name
    _type(qtbot, dialog, f"{first} {last}")
    _wait_results(qtbot, dialog)
    assert dialog.hits[0].child_id == 7 and dialog.hits[0].source == "Child"


@pytest.mark.parametrize("typed", ['"', 'kitten"', "-", "*", "AND", "NEAR(", "'"])
def test_a_stray_quote_or_operator_does_not_crash(qtbot, dialog, typed):
    _type(qtbot, dialog, typed)
    dialog.run_search()
    assert dialog.findChild(QLabel, "statusLabel").text()  # it answered, with hits or "Nothing found"


def test_nothing_found_says_so(qtbot, dialog):
    _type(qtbot, dialog, "zzyzx")
    dialog.run_search()
    assert dialog.findChild(QLabel, "statusLabel").text() == "Nothing found for “zzyzx”."
    assert not dialog.open_button.isEnabled()


def test_every_interactive_widget_has_an_accessible_name(dialog):
    widgets = dialog.findChildren(QLineEdit) + dialog.findChildren(QAbstractItemView)
    widgets += [w for w in dialog.findChildren(QAbstractButton) if w.objectName()]
    assert [w.objectName() for w in widgets if w.objectName() and not w.accessibleName()] == []
