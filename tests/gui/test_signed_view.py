"""The signed version of a review opens at once and its pages follow, drawn off the UI thread."""

from __future__ import annotations

import threading

from PySide6.QtWidgets import QLabel

from iro_desktop.gui import operations
from iro_desktop.gui.review.signed_view import SignedRecordDialog
from iro_desktop.services import documents as docs
from tests.conftest import first_review


def _opened_with_pages_held(qtbot, store, monkeypatch) -> tuple[SignedRecordDialog, threading.Event]:
    """The signed record's dialog on screen, its pages held back until the returned gate is set."""
    gate = threading.Event()
    real = docs.preview_pngs
    monkeypatch.setattr(docs, "preview_pngs", lambda *args, **kw: gate.wait(10) and real(*args, **kw))
    dialog = SignedRecordDialog(store, first_review(store, "finalised"), "Review for a child")
    qtbot.addWidget(dialog)
    dialog.show()  # open before any page is drawn
    return dialog, gate


def _pages(dialog) -> list[QLabel]:
    return [
        p for p in dialog.pages.findChildren(QLabel) if p.accessibleName() == "A page of the signed record"
    ]


def test_the_dialog_says_it_is_drawing_until_the_signed_pages_come(qtbot, demo_store, monkeypatch):
    dialog, gate = _opened_with_pages_held(qtbot, demo_store, monkeypatch)
    qtbot.wait(operations.BUSY_AFTER_MS * 2)
    assert dialog.status.isVisible() and dialog.status.text() == "Drawing the pages of the signed record…"
    assert _pages(dialog) == []
    gate.set()
    qtbot.waitUntil(lambda: bool(_pages(dialog)), timeout=20_000)
    assert not dialog.status.isVisible() and not _pages(dialog)[0].pixmap().isNull()


def test_closing_before_the_pages_come_is_safe(qtbot, demo_store, monkeypatch):
    dialog, gate = _opened_with_pages_held(qtbot, demo_store, monkeypatch)
    dialog.reject()
    gate.set()
    assert dialog.drawing.wait(20)
    qtbot.waitUntil(lambda: not operations.busy_now())
    assert _pages(dialog) == []  # nothing was drawn into the closed dialog
