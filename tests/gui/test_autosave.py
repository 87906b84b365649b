"""Autosave: typing is saved once the IRO pauses; flush saves at once; a refusal keeps the text."""

from __future__ import annotations

import json
import logging

from PySide6.QtWidgets import QLineEdit, QPlainTextEdit
from sqlalchemy import text

from iro_desktop.gui.problems import SAVE_FAULT
from iro_desktop.gui.widgets.autosave import Autosaver
from iro_desktop.problems import Problem


def test_a_burst_of_typing_is_saved_once_after_a_pause(qtbot):
    editor = QPlainTextEdit()
    qtbot.addWidget(editor)
    saves = []
    autosaver = Autosaver(delay_ms=100)
    autosaver.watch(editor, saves.append)
    qtbot.keyClicks(editor, "Maja wants to see Kai")
    assert saves == [] and autosaver.pending()
    qtbot.waitUntil(lambda: saves == ["Maja wants to see Kai"], timeout=2000)


def test_flush_saves_what_is_pending_without_waiting(qtbot):
    line = QLineEdit()
    qtbot.addWidget(line)
    saves = []
    autosaver = Autosaver(delay_ms=60_000)
    autosaver.watch(line, saves.append)
    qtbot.keyClicks(line, "Foster home")
    autosaver.flush()
    assert saves == ["Foster home"] and not autosaver.pending()


def test_a_refused_value_is_reported_and_what_was_typed_stays(qtbot):
    line = QLineEdit()
    qtbot.addWidget(line)
    autosaver = Autosaver(delay_ms=10)

    def refuse(value):
        raise Problem("The review date is before the child's date of birth.", "held")

    autosaver.watch(line, refuse)
    with qtbot.waitSignal(autosaver.failed) as failed:
        qtbot.keyClicks(line, "01/01/1999")
    assert failed.args[1] == "The review date is before the child's date of birth."
    assert line.text() == "01/01/1999"


def test_a_library_error_in_a_save_shows_a_plain_sentence_never_its_own_text(qtbot, store, caplog):
    line = QLineEdit()
    qtbot.addWidget(line)
    autosaver = Autosaver(delay_ms=10)

    def save_into_a_missing_table(value):
        with store.session() as s:
            s.execute(text("UPDATE no_such_table SET place = :p"), {"p": value})

    autosaver.watch(line, save_into_a_missing_table)
    with caplog.at_level(logging.ERROR, logger="iro_desktop.gui"):
        with qtbot.waitSignal(autosaver.failed) as failed:
            qtbot.keyClicks(line, "Foster home")
    assert failed.args[1] == SAVE_FAULT
    assert "no_such_table" not in failed.args[1] and "Foster home" not in failed.args[1]
    assert line.text() == "Foster home"
    assert [r.exc_info[0].__name__ for r in caplog.records] == ["OperationalError"]


def test_a_json_error_in_a_save_is_not_taken_for_the_iros_sentence(qtbot):
    line = QLineEdit()
    qtbot.addWidget(line)
    autosaver = Autosaver(delay_ms=10)
    autosaver.watch(line, json.loads)  # a ValueError whose text is the library's, not a sentence for the IRO
    with qtbot.waitSignal(autosaver.failed) as failed:
        qtbot.keyClicks(line, "not json")
    assert failed.args[1] == SAVE_FAULT
