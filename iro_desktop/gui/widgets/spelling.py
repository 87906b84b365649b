"""Spelling as the IRO types: misspelt words get a red wavy underline; right-click offers suggestions.

Qt calls highlightBlock only for the paragraphs that changed, and the checker caches each word's result,
so a keystroke costs a few dictionary look-ups at most.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QSyntaxHighlighter, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QMenu, QPlainTextEdit

from iro_desktop.services.spelling import SpellChecker, words_in


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

    def highlightBlock(self, text: str) -> None:  # noqa: N802 (Qt override)
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


def spelling_menu(
    editor: QPlainTextEdit, highlighter: SpellingHighlighter, pos: QPoint, remember: Callable[[str], None]
) -> QMenu:
    """The editor's usual menu, headed by suggestions and 'Add to dictionary' for a misspelt word."""
    menu = editor.createStandardContextMenu(pos)
    cursor, word = _word_at(editor, pos)
    if not word or highlighter.checker.is_correct(word):
        return menu
    first = menu.actions()[0] if menu.actions() else None
    suggestions = highlighter.checker.suggestions(word)
    for suggestion in suggestions:
        action = menu.addAction(suggestion)
        action.triggered.connect(lambda _=False, s=suggestion, c=cursor: c.insertText(s))
        menu.insertAction(first, action)
    if not suggestions:
        none = menu.addAction("No suggestions")
        none.setEnabled(False)
        menu.insertAction(first, none)
    add = menu.addAction(f"Add \u201c{word}\u201d to dictionary")

    def add_word() -> None:
        remember(word)
        highlighter.rehighlight()

    add.triggered.connect(add_word)
    menu.insertAction(first, add)
    menu.insertSeparator(first)
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
