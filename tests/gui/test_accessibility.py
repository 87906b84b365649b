"""Screen readers: every control in every form in ui/ has a name, and every input says what it is for.

The rule, as a screen reader sees it: the name is what Qt's accessibility interface reads out
(`QAccessible.Text.Name`). A button's or check box's visible text is its name, so those need an
accessibleName only when they show no text (an icon). Inputs (line edits, text areas, combo boxes, spin and
date boxes, sliders) also need an accessibleDescription, read after the name, saying what goes in them.
Read-only text (a QTextBrowser, a read-only text area) needs a name but no description.

The forms are loaded straight from ui/*.ui, so a form added later is checked without touching this test;
widgets Qt makes inside others (a table's headers, a combo box's pop-up list, a spin box's line edit) have
no object name and are read as part of their owner.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PySide6.QtCore import QFile, QIODevice
from PySide6.QtGui import QAccessible
from PySide6.QtUiTools import QUiLoader
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QComboBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSlider,
    QTabBar,
    QTabWidget,
    QTextEdit,
    QWidget,
)

from iro_desktop.paths import ui_dir

INTERACTIVE = (
    QAbstractButton,
    QAbstractItemView,
    QLineEdit,
    QTextEdit,
    QPlainTextEdit,
    QComboBox,
    QAbstractSpinBox,
    QSlider,
    QTabWidget,
)
OWNERS = (QComboBox, QAbstractSpinBox, QLineEdit, QTabBar)  # they speak for the parts inside them
INPUTS = (QLineEdit, QTextEdit, QPlainTextEdit, QComboBox, QAbstractSpinBox, QSlider)
FORMS = sorted(p.name for p in Path(ui_dir()).glob("*.ui"))
MNEMONIC = re.compile(r"&[^&\s]")


def load_form(name: str) -> QWidget:
    """The form as Designer describes it; promoted classes load as the Qt class they extend."""
    file = QFile(str(ui_dir() / name))
    assert file.open(QIODevice.OpenModeFlag.ReadOnly)
    try:
        form = QUiLoader().load(file, None)
    finally:
        file.close()
    assert form is not None, f"{name} does not load"
    return form


def spoken_name(widget: QWidget) -> str:
    """What a screen reader reads as the widget's name."""
    interface = QAccessible.queryAccessibleInterface(widget)
    return interface.text(QAccessible.Text.Name).strip() if interface is not None else ""


def is_inner_part(widget: QWidget) -> bool:
    """Parts Qt builds inside a control (a combo box's list, a spin box's text, a tab bar's arrows)."""
    if isinstance(widget, QHeaderView) or widget.objectName().startswith("qt_"):
        return True
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, OWNERS):
            return True
        parent = parent.parentWidget()
    return False


def form_controls(form: QWidget) -> list[QWidget]:
    """The interactive widgets of a form or page, whether Designer or code made them."""
    return [w for w in form.findChildren(QWidget) if isinstance(w, INTERACTIVE) and not is_inner_part(w)]


def is_editable(widget: QWidget) -> bool:
    read_only = getattr(widget, "isReadOnly", None)
    return not (read_only and read_only())


def unnamed(form: QWidget) -> list[str]:
    return [
        f"{type(w).__name__} {w.objectName() or w.parent().objectName() + '/?'}"
        for w in form_controls(form)
        if not spoken_name(w)
    ]


def undescribed(form: QWidget) -> list[str]:
    return [
        f"{type(w).__name__} {w.objectName() or spoken_name(w)}"
        for w in form_controls(form)
        if isinstance(w, INPUTS) and is_editable(w) and not w.accessibleDescription().strip()
    ]


def test_every_form_is_checked(qapp):
    assert len(FORMS) >= 20 and "main_window.ui" in FORMS and "review_minute.ui" in FORMS


@pytest.mark.parametrize("name", FORMS)
def test_every_control_has_a_name_a_screen_reader_can_read(qapp, name):
    form = load_form(name)
    assert unnamed(form) == []
    form.deleteLater()


@pytest.mark.parametrize("name", FORMS)
def test_every_input_says_what_goes_in_it(qapp, name):
    form = load_form(name)
    assert undescribed(form) == []
    form.deleteLater()


@pytest.mark.parametrize("name", FORMS)
def test_every_tab_has_a_readable_title(qapp, name):
    form = load_form(name)
    untitled = [
        f"{tabs.objectName()} tab {i}"
        for tabs in form.findChildren(QTabWidget)
        for i in range(tabs.count())
        if not tabs.tabText(i).replace("&", "").strip()
    ]
    assert untitled == []
    form.deleteLater()


@pytest.mark.parametrize("name", FORMS)
def test_a_label_with_an_access_key_moves_to_its_field(qapp, name):
    """Alt+letter on a label does nothing unless the label has a buddy to send the focus to."""
    form = load_form(name)
    orphans = [
        f"{label.objectName()} {label.text()!r}"
        for label in form.findChildren(QLabel)
        if MNEMONIC.search(label.text().replace("&&", "")) and label.buddy() is None
    ]
    assert orphans == []
    form.deleteLater()


def test_the_check_finds_a_control_without_a_name(qapp):
    """The rule bites: an icon-only button and an unlabelled input are both reported."""
    from PySide6.QtWidgets import QToolButton, QVBoxLayout

    form = QWidget()
    layout = QVBoxLayout(form)
    button, field = QToolButton(), QLineEdit()
    button.setObjectName("iconOnly")
    field.setObjectName("mystery")
    layout.addWidget(button)
    layout.addWidget(field)
    assert unnamed(form) == ["QToolButton iconOnly", "QLineEdit mystery"]
    field.setAccessibleName("Venue")
    assert undescribed(form) == ["QLineEdit mystery"]
    form.deleteLater()


def test_the_main_screens_built_in_code_are_named_too(qtbot, demo_store):
    """Pages fill parts of themselves in code (lists, buttons per row): walk them as the IRO meets them."""
    from iro_desktop.gui.main_window import MainWindow
    from tests.conftest import TODAY

    window = MainWindow(demo_store, TODAY)
    qtbot.addWidget(window)
    child_id = window.caseload.model.rows()[0].id
    pages = {"caseload": window.caseload}
    window.open_child(child_id)
    pages["child page"] = window.child_page
    window.open_review(child_id)
    pages["review"] = window.review
    window.show_challenges()
    pages["challenges"] = window.challenges_page
    window.show_sync()
    pages["sync"] = window.sync_page
    missing = {name: unnamed(page) + undescribed(page) for name, page in pages.items()}
    assert {name: controls for name, controls in missing.items() if controls} == {}
