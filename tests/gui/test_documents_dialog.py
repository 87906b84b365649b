"""The documents dialog previews in the background, withholds per recipient and saves only where asked."""

from __future__ import annotations

import threading

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from iro_desktop.gui import operations
from iro_desktop.gui.documents.dialog import DocumentsDialog
from iro_desktop.services import documents as docs
from tests.conftest import TODAY
from tests.documents import gwenllian as g


def _open(qtbot, store):
    review_id = g.add_gwenllian(store)
    dialog = DocumentsDialog(store, review_id, TODAY)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.pdf is not None, timeout=10000)
    return dialog, review_id


def test_preview_shows_the_pages_and_leaves_no_temp_files(qtbot, store):
    dialog, _ = _open(qtbot, store)
    pages = dialog.pages.findChildren(QLabel)
    assert pages and pages[0].accessibleName().startswith("Page 1 of ")
    assert dialog.preview_folders and not any(f.exists() for f in dialog.preview_folders)


def test_ticking_a_passage_withholds_it_from_that_recipient(qtbot, store):
    dialog, review_id = _open(qtbot, store)
    mother = next(r.key for r in docs.distribution(store, review_id) if r.name == g.MOTHER)
    dialog.recipient_choice.setCurrentIndex(dialog.recipient_choice.findData(mother))
    item = next(
        dialog.passage_list.item(n)
        for n in range(dialog.passage_list.count())
        if dialog.passage_list.item(n).data(Qt.ItemDataRole.UserRole) == "venue"
    )
    with qtbot.waitSignal(dialog.rendered, timeout=10000):
        item.setCheckState(Qt.CheckState.Checked)
    assert docs.withholding(store, review_id)[mother] == ["venue"]
    assert (
        g.CARER_ADDRESS.encode() not in dialog.pdf
    )  # and the text is gone, not hidden (see test_withholding)


def test_letter_edits_are_kept_and_saved_where_chosen(qtbot, store, tmp_path):
    dialog, review_id = _open(qtbot, store)
    dialog.document_choice.setCurrentIndex(dialog.document_choice.findData("letter_to_child"))
    assert dialog.letter_text.isVisibleTo(dialog)
    dialog.letter_text.setPlainText("Dear Gwenllïan,\n\nWell done on your swimming.")
    qtbot.waitUntil(lambda: docs.letter_text(store, review_id, TODAY).endswith("swimming."), timeout=10000)
    qtbot.waitUntil(lambda: dialog.save_button.isEnabled(), timeout=10000)
    target = tmp_path / "letter.pdf"
    dialog.save_to(target)
    assert target.read_bytes().startswith(b"%PDF")


def test_a_slow_render_says_it_is_making_the_document_until_the_pages_come(qtbot, store, monkeypatch):
    gate = threading.Event()
    real = docs.render_review_document
    monkeypatch.setattr(docs, "render_review_document", lambda *args: gate.wait(10) and real(*args))
    review_id = g.add_gwenllian(store)
    dialog = DocumentsDialog(store, review_id, TODAY)
    qtbot.addWidget(dialog)
    qtbot.wait(operations.BUSY_AFTER_MS * 2)
    assert dialog.status.text() == "Making the document…" and not dialog.save_button.isEnabled()
    gate.set()
    qtbot.waitUntil(lambda: dialog.pdf is not None, timeout=10000)
    assert dialog.status.text().endswith("Nothing is saved until you choose where.")
    assert dialog.save_button.isEnabled()


def test_a_render_that_fails_says_so_plainly(qtbot, store, monkeypatch):
    def broken(*_args):
        raise RuntimeError("fitz: cannot open /tmp/xyz: font cache corrupt")

    monkeypatch.setattr(docs, "render_review_document", broken)
    dialog = DocumentsDialog(store, g.add_gwenllian(store), TODAY)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.status.text().startswith("The document could not be made."), timeout=5000)
    assert "fitz" not in dialog.status.text() and operations.GENERIC in dialog.status.text()
