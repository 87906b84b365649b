"""Autosave: typing is saved once the IRO pauses; flush saves at once; a refusal keeps the text."""

from __future__ import annotations

from PySide6.QtWidgets import QLineEdit, QPlainTextEdit

from iro_desktop.gui.widgets.autosave import Autosaver


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
        raise ValueError("The review date is before the child's date of birth.")

    autosaver.watch(line, refuse)
    with qtbot.waitSignal(autosaver.failed) as failed:
        qtbot.keyClicks(line, "01/01/1999")
    assert failed.args[1] == "The review date is before the child's date of birth."
    assert line.text() == "01/01/1999"
