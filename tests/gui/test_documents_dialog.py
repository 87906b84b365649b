"""The documents dialog previews in the background, withholds per recipient and saves only where asked."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

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
