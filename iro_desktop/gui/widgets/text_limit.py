"""No silent cuts: a text field past its stated maximum keeps what it had and says so.

Qt's own limit (QLineEdit.maxLength) cuts a paste short without a word; this refuses the whole edit
instead, puts back the text as it was, and shows a sentence beside the field (gui.problems). The limits
are the services' (services/text_limits.py), so the field and the store agree.
"""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QLabel, QLineEdit, QPlainTextEdit

from iro_desktop.gui.problems import show_problem


def limit_text(widget: QLineEdit | QPlainTextEdit, limit: int, label: QLabel) -> None:
    """Refuse any edit that would take `widget` past `limit` characters, saying so in `label`."""
    plain = isinstance(widget, QPlainTextEdit)
    text_of = widget.toPlainText if plain else widget.text
    kept = {"text": text_of()}

    def put_back(length: int) -> None:
        cursor = widget.textCursor().position() if plain else widget.cursorPosition()
        if plain:
            widget.setPlainText(kept["text"])
            moved = widget.textCursor()
            moved.setPosition(min(cursor, len(kept["text"])))
            widget.setTextCursor(moved)
        else:
            widget.setText(kept["text"])
            widget.setCursorPosition(min(cursor, len(kept["text"])))
        cut_by_qt = not plain and length >= widget.maxLength()  # Qt cut the paste first: its size is unknown
        size = "That is more" if cut_by_qt else f"That would make it {length:,} characters, more"
        sentence = (
            f"{size} than the {limit:,} characters this field holds. Nothing was added: the field keeps "
            "what it had."
        )
        show_problem(label, sentence, widget, focus=False)  # the IRO is in the field already

    def check(*_args) -> None:
        text = text_of()
        if len(text) <= limit:
            kept["text"] = text
        else:  # after the edit has finished, not inside its signal
            length = len(text)
            QTimer.singleShot(0, lambda: put_back(length))

    if plain:
        widget.textChanged.connect(check)
    else:
        widget.setMaxLength(max(widget.maxLength(), limit + 1))  # so Qt never cuts first
        widget.textChanged.connect(check)
