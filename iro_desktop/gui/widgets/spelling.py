"""Spelling as the IRO types: misspelt words get a red wavy underline; right-click offers suggestions.

Nothing here waits on the dictionary. It loads off the UI thread when the first editor is attached, and the
editors are underlined once it is ready; until then the IRO types with no underlines. Suggestions are found
off the UI thread too: the menu opens at once with "Finding suggestions…", replaced by the list.

Qt calls highlightBlock only for the paragraphs that changed, and the checker caches each word's result,
so a keystroke costs a few dictionary look-ups at most.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

import shiboken6
from PySide6.QtCore import QObject, QPoint, Qt, QTimer
from PySide6.QtGui import QAction, QColor, QSyntaxHighlighter, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QMenu, QPlainTextEdit

from iro_desktop.gui.operations import run_in_background
from iro_desktop.services.spelling import SpellChecker, load_engine, words_in

FINDING = "Finding suggestions\u2026"
NONE_FOUND = "No suggestions"
SPELLING_OFF = "Spelling is off: its dictionary could not be loaded."


class DictionaryLoad(QObject):
    """The one load of the dictionary, shared by every editor. When it is ready, each waiting editor is
    underlined in its own turn of the event loop, so keys typed meanwhile wait for one section at most."""

    def __init__(self) -> None:
        super().__init__()
        self.loading = False
        self.failed = False
        self._waiting: list[SpellingHighlighter] = []

    def wait(self, highlighter: SpellingHighlighter) -> None:
        if self.failed:
            return
        self._waiting.append(highlighter)
        if not self.loading:
            self.loading = True
            run_in_background(load_engine, self._loaded, self._failed, quiet=True)

    def _loaded(self, _engine: object) -> None:
        self.loading = False
        self._next()

    def _next(self) -> None:
        while self._waiting:
            highlighter = self._waiting.pop(0)
            if shiboken6.isValid(highlighter):  # not closed while the dictionary loaded
                highlighter.rehighlight()
                QTimer.singleShot(0, self._next)
                return

    def _failed(self, _exc: Exception) -> None:
        self.loading, self.failed = False, True  # spelling stays off; the right-click menu says so
        self._waiting.clear()


@cache
def dictionary_load() -> DictionaryLoad:
    return DictionaryLoad()


def _misspelt_format() -> QTextCharFormat:
    fmt = QTextCharFormat()
    fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.WaveUnderline)
    fmt.setUnderlineColor(QColor("#d01010"))
    return fmt


class SpellingHighlighter(QSyntaxHighlighter):
    def __init__(self, editor: QPlainTextEdit, checker: SpellChecker) -> None:
        super().__init__(editor.document())
        self.checker = checker
        self._format = _misspelt_format()
        if not checker.ready:
            dictionary_load().wait(self)

    def highlightBlock(self, text: str) -> None:  # noqa: N802 (Qt override)
        if not self.checker.ready:
            return  # nothing to underline yet: DictionaryLoad rehighlights once it is
        for start, word in words_in(text):
            if not self.checker.is_correct(word):
                self.setFormat(start, len(word), self._format)


def _word_at(editor: QPlainTextEdit, pos: QPoint) -> tuple[QTextCursor, str]:
    """The word under the mouse, with a cursor selecting it (an empty word when there is none)."""
    cursor = editor.cursorForPosition(pos)
    block, column = cursor.block(), cursor.positionInBlock()
    for start, word in words_in(block.text()):
        if start <= column <= start + len(word):
            cursor.setPosition(block.position() + start)
            cursor.setPosition(block.position() + start + len(word), QTextCursor.MoveMode.KeepAnchor)
            return cursor, word
    return cursor, ""


def _fill(menu: QMenu, finding: QAction, cursor: QTextCursor, suggestions: list[str]) -> None:
    """The suggestions in place of "Finding suggestions…", unless the menu has closed meanwhile."""
    if not shiboken6.isValid(finding):
        return
    for suggestion in suggestions:
        action = QAction(suggestion, menu)
        action.triggered.connect(lambda _=False, s=suggestion, c=cursor: c.insertText(s))
        menu.insertAction(finding, action)
    if suggestions:
        menu.removeAction(finding)
    else:
        finding.setText(NONE_FOUND)


def spelling_menu(
    editor: QPlainTextEdit, highlighter: SpellingHighlighter, pos: QPoint, remember: Callable[[str], None]
) -> QMenu:
    """The editor's usual menu, headed by suggestions and 'Add to dictionary' for a misspelt word."""
    menu = editor.createStandardContextMenu(pos)
    first = menu.actions()[0] if menu.actions() else None
    if dictionary_load().failed:
        off = QAction(SPELLING_OFF, menu)
        off.setEnabled(False)
        menu.insertAction(first, off)
        menu.insertSeparator(first)
        return menu
    cursor, word = _word_at(editor, pos)
    if not word or highlighter.checker.is_correct(word):
        return menu
    finding = QAction(FINDING, menu)
    finding.setEnabled(False)
    menu.insertAction(first, finding)
    add = QAction(f"Add \u201c{word}\u201d to dictionary", menu)

    def add_word() -> None:
        remember(word)
        highlighter.rehighlight()

    add.triggered.connect(add_word)
    menu.insertAction(first, add)
    menu.insertSeparator(first)
    checker = highlighter.checker
    run_in_background(
        lambda: checker.suggestions(word),
        lambda found: _fill(menu, finding, cursor, found),
        lambda _exc: _fill(menu, finding, cursor, []),
        quiet=True,  # the menu says "Finding suggestions…" itself
    )
    return menu


def attach_spelling(
    editor: QPlainTextEdit, checker: SpellChecker, remember: Callable[[str], None]
) -> SpellingHighlighter:
    """Underline misspelt words in the editor and give it the spelling right-click menu."""
    highlighter = SpellingHighlighter(editor, checker)
    editor.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)

    def show_menu(pos: QPoint) -> None:
        menu = spelling_menu(editor, highlighter, pos, remember)
        menu.exec(editor.mapToGlobal(pos))
        menu.deleteLater()

    editor.customContextMenuRequested.connect(show_menu)
    return highlighter
