"""Spelling in the minute: the dictionary loads off the UI thread, so the IRO types from the first moment;
misspelt words are then underlined, and right-click offers suggestions and 'Add to dictionary'."""

from __future__ import annotations

import threading

import pytest

from iro_desktop.gui import operations
from iro_desktop.gui.review.minute import MinutePage
from iro_desktop.gui.widgets import spelling as widget
from iro_desktop.services import personal_dictionary, spelling
from tests.conftest import TODAY, first_review


@pytest.fixture
def page(qtbot, demo_store):
    review_id = first_review(demo_store, "planned")
    page = MinutePage(demo_store, review_id, TODAY)
    qtbot.addWidget(page)
    page.show()
    page.current_editor().clear()
    return page


def settle(qapp) -> None:
    """No earlier load still on its way: its thread done and its result handed to the UI thread."""
    operations.wait_for_all(10)
    qapp.processEvents()


@pytest.fixture
def held_dictionary(qapp, monkeypatch):
    """The dictionary not loaded yet, and its load held on its worker until the test opens the gate."""
    settle(qapp)
    loaded = spelling.load_engine()
    gate = threading.Event()

    def held_load():
        gate.wait(10)
        return loaded

    monkeypatch.setattr(spelling, "_engine", None)
    monkeypatch.setattr(spelling, "_load", held_load)
    yield gate
    gate.set()
    settle(qapp)


@pytest.fixture
def loaded():
    spelling.load_engine()


def underlined(editor) -> list[str]:
    words = []
    block = editor.document().firstBlock()
    while block.isValid():
        for r in block.layout().formats():
            if r.format.underlineStyle() != r.format.UnderlineStyle.NoUnderline:
                words.append(block.text()[r.start : r.start + r.length])
        block = block.next()
    return words


def texts(menu) -> list[str]:
    return [a.text() for a in menu.actions()]


def at_first_word(editor):
    return editor.cursorRect(editor.cursorForPosition(editor.rect().topLeft())).center()


def menu_for(page, editor):
    highlighter = editor.document().findChildren(widget.SpellingHighlighter)[0]
    remember = lambda word: spelling.remember_word(page.store, page.checker, word)  # noqa: E731
    return widget.spelling_menu(editor, highlighter, at_first_word(editor), remember)


def test_the_minute_can_be_typed_in_while_the_dictionary_loads(qtbot, held_dictionary, page):
    editor = page.current_editor()
    qtbot.keyClicks(editor, "She has recieved her letter.")
    assert editor.toPlainText() == "She has recieved her letter."
    assert underlined(editor) == []  # not checked yet
    held_dictionary.set()
    qtbot.waitUntil(lambda: underlined(editor) == ["recieved"])


def test_a_misspelt_word_is_underlined_and_adding_it_removes_the_underline(qtbot, page, loaded):
    editor = page.current_editor()
    qtbot.keyClicks(editor, "Brackenholt colour recieved")
    assert underlined(editor) == ["Brackenholt", "recieved"]
    add = "Add \u201cBrackenholt\u201d to dictionary"
    next(a for a in menu_for(page, editor).actions() if a.text() == add).trigger()
    assert underlined(editor) == ["recieved"]
    assert "Brackenholt" in personal_dictionary.personal_dictionary(page.store)


def test_suggestions_fill_the_menu_and_one_replaces_the_word(qtbot, page, loaded):
    editor = page.current_editor()
    qtbot.keyClicks(editor, "recieved on time")
    menu = menu_for(page, editor)
    assert texts(menu)[0] == widget.FINDING  # the menu opens at once; suggestions follow
    qtbot.waitUntil(lambda: "received" in texts(menu))
    assert widget.FINDING not in texts(menu)
    next(a for a in menu.actions() if a.text() == "received").trigger()
    assert editor.toPlainText() == "received on time"
    assert underlined(editor) == []


def test_without_a_dictionary_the_minute_still_works_and_says_spelling_is_off(qtbot, qapp, page, monkeypatch):
    settle(qapp)

    def broken():
        raise FileNotFoundError("en_GB.dic")

    monkeypatch.setattr(spelling, "_engine", None)
    monkeypatch.setattr(spelling, "_load", broken)
    monkeypatch.setattr(widget.dictionary_load(), "failed", False)
    other = MinutePage(page.store, page.review_id, TODAY)  # opened while the dictionary cannot load
    qtbot.addWidget(other)
    editor = other.current_editor()
    editor.clear()
    qtbot.waitUntil(lambda: widget.dictionary_load().failed)
    qtbot.keyClicks(editor, "recieved")
    assert editor.toPlainText() == "recieved" and underlined(editor) == []
    assert widget.SPELLING_OFF in texts(menu_for(other, editor))
