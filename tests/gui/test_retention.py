"""Retention and handover on screen: hand-over from the child page, removal, receiving, Tools > Retention."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton

from iro_desktop.gui.child import ChildPage
from iro_desktop.gui.retention.dialog import RetentionDialog
from iro_desktop.gui.retention.handover import HandoverDialog, ReceiveHandoverDialog
from iro_desktop.services import handover as handover_service
from iro_desktop.services.caseload import load_caseload
from iro_desktop.services.handover import read_handover
from iro_desktop.store import audit, create_store
from iro_desktop.store.keys import TEST_KDF
from iro_desktop.store.models import Child
from tests.conftest import PASSPHRASE
from tests.services.child_traces import FULL_CHILD, died, fill_every_table, mark_delivered, tables_holding

TODAY = date(2026, 11, 25)


def _click(qtbot, widget) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def _answer_removal(button: QMessageBox.StandardButton, seen: list[str]) -> None:
    """Answer the confirmation once it is open (its exec() would otherwise block the test)."""

    def act():
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(20, act)
            return
        seen.append(box.text())
        box.button(button).click()

    QTimer.singleShot(0, act)


def _names(store) -> set[str]:
    return {r.child for r in load_caseload(store, TODAY)}


def _handover_from_page(qtbot, store, tmp_path) -> tuple[ChildPage, HandoverDialog]:
    page = ChildPage(store, FULL_CHILD, TODAY)
    qtbot.addWidget(page)
    page.show()
    _click(qtbot, page.findChild(QPushButton, "handoverButton"))
    dialog = page.dialog
    assert isinstance(dialog, HandoverDialog) and dialog.isVisible()
    dialog.kdf = TEST_KDF
    assert not dialog.remove_button.isVisible()  # nothing to remove until a checked file exists
    dialog.file_edit.setText(str(tmp_path / "handover.iro-handover"))
    _click(qtbot, dialog.write_button)
    _settle(qtbot, dialog)
    return page, dialog


def _settle(qtbot, dialog) -> None:
    """The key derivation runs off the UI thread: wait for its answer, as the IRO does."""
    qtbot.waitUntil(lambda: not dialog.busy, timeout=20_000)


def test_hand_over_from_the_child_page_then_remove(qtbot, demo_store, tmp_path):
    mark_delivered(demo_store, FULL_CHILD)
    page, dialog = _handover_from_page(qtbot, demo_store, tmp_path)
    code = dialog.code_value.text()
    assert len(code) == 47 and dialog.fingerprint_value.text().count(" ") == 5
    for shown in (dialog.code_value, dialog.fingerprint_value):  # arrived on screen: not squeezed out of it
        assert shown.height() >= shown.sizeHint().height() and shown.width() >= shown.sizeHint().width()
    assert "checked" in dialog.message.text() and dialog.remove_button.isVisible()
    first = dialog.first_name
    assert dialog.remove_button.text() == f"&Remove {first} from this store..."
    assert read_handover(tmp_path / "handover.iro-handover", code).child_ref == dialog.child_ref

    seen: list[str] = []
    _answer_removal(QMessageBox.StandardButton.Yes, seen)
    with qtbot.waitSignal(page.child_removed) as removed:
        _click(qtbot, dialog.remove_button)
    assert removed.args == [FULL_CHILD] and first in seen[0] and dialog.child_ref in seen[0]
    assert dialog.child_ref not in _names(demo_store)
    assert tables_holding(demo_store, dialog.full_name) == []


def test_removal_waits_for_signed_records_to_reach_the_council(qtbot, demo_store, tmp_path):
    fill_every_table(demo_store, FULL_CHILD)  # signs a review of theirs: it waits in the outbox
    page, dialog = _handover_from_page(qtbot, demo_store, tmp_path)
    removals = []
    page.child_removed.connect(removals.append)
    _answer_removal(QMessageBox.StandardButton.Yes, [])
    _click(qtbot, dialog.remove_button)
    qtbot.waitUntil(lambda: "not reached the council" in dialog.message.text())
    assert removals == [] and dialog.child_ref in _names(demo_store)


def test_answering_no_removes_nothing(qtbot, demo_store, tmp_path):
    mark_delivered(demo_store, FULL_CHILD)
    _page, dialog = _handover_from_page(qtbot, demo_store, tmp_path)
    seen: list[str] = []
    _answer_removal(QMessageBox.StandardButton.No, seen)
    _click(qtbot, dialog.remove_button)
    qtbot.waitUntil(lambda: bool(seen))
    assert dialog.child_ref in _names(demo_store) and dialog.isVisible()


@pytest.fixture
def handed_over(qtbot, demo_store, tmp_path):
    _page, dialog = _handover_from_page(qtbot, demo_store, tmp_path)
    return tmp_path / "handover.iro-handover", dialog.code_value.text(), dialog.child_ref


def test_receiving_checks_the_code_then_shows_the_fingerprint_before_import(qtbot, tmp_path, handed_over):
    path, code, ref = handed_over
    other = create_store(tmp_path / "other.db", PASSPHRASE, kdf=TEST_KDF)
    dialog = ReceiveHandoverDialog(other)
    qtbot.addWidget(dialog)
    dialog.show()
    check = dialog.findChild(QPushButton, "checkButton")
    _click(qtbot, check)
    assert dialog.message.text() == "Choose the handover file first."
    dialog.file_edit.setText(str(path))
    dialog.code_edit.setText("ABCDE-FGHJK-LMNPQ-RSTUV-WXYZ2-34567-89ABC-DEFGH")
    _click(qtbot, check)
    _settle(qtbot, dialog)
    assert "does not open this file" in dialog.message.text() and not dialog.import_button.isEnabled()
    dialog.code_edit.setText(code.lower())
    _click(qtbot, check)
    _settle(qtbot, dialog)
    opened = read_handover(path, code)
    assert opened.child_name in dialog.summary.text() and dialog.import_button.isEnabled()
    assert " ".join(opened.fingerprint.split("-")) in dialog.summary.text()
    _click(qtbot, dialog.import_button)
    _settle(qtbot, dialog)
    assert dialog.result() == dialog.DialogCode.Accepted and dialog.received_ref == ref
    assert _names(other) == {ref}
    assert ("handover_received", ref) in [(e.action, e.subject) for e in audit.entries(other)]
    other.close()


def test_writing_the_file_says_so_and_the_dialog_stays_until_it_is_written(
    qtbot, demo_store, tmp_path, monkeypatch
):
    gate = threading.Event()
    real = handover_service.send
    monkeypatch.setattr(handover_service, "send", lambda *args: gate.wait(10) and real(*args))
    dialog = HandoverDialog(demo_store, FULL_CHILD, kdf=TEST_KDF)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.file_edit.setText(str(tmp_path / "handover.iro-handover"))
    _click(qtbot, dialog.write_button)
    assert dialog.message.text() == "Writing handover.iro-handover and checking that it opens…"
    assert not dialog.write_button.isEnabled()  # not twice
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert dialog.isVisible()  # not closed half-way through the write
    gate.set()
    _settle(qtbot, dialog)
    assert len(dialog.code_value.text()) == 47 and dialog.remove_button.isVisible()


def _old_child(store) -> int:
    with store.session() as s:
        child = Child(child_ref="C-1949", first_name="Wilhelmina", last_name="Hartley", dob=date(1949, 6, 2))
        s.add(child)
        s.flush()
        return child.id


def test_tools_retention_lists_the_due_and_removes_after_confirming(qtbot, demo_store):
    _old_child(demo_store)
    dialog = RetentionDialog(demo_store, TODAY)
    qtbot.addWidget(dialog)
    dialog.show()
    assert [line.child_ref for line in dialog.due] == ["C-1949"]
    assert dialog.due_table.item(0, 3).text() == "2 Jun 2024"
    assert dialog.next_table.rowCount() == 5 and not dialog.remove_button.isEnabled()
    dialog.due_table.selectRow(0)
    seen: list[str] = []
    _answer_removal(QMessageBox.StandardButton.Yes, seen)
    _click(qtbot, dialog.remove_button)
    assert "Wilhelmina" in seen[0] and "council's own records are not affected" in seen[0]
    assert dialog.due == [] and "C-1949" not in _names(demo_store)
    assert dialog.due_table.item(0, 0).text() == "No child has reached their retention date."
    assert tables_holding(demo_store, "Wilhelmina") == []


def test_the_retention_age_is_a_saved_setting(qtbot, store):
    _old_child(store)
    dialog = RetentionDialog(store, TODAY)
    qtbot.addWidget(dialog)
    assert dialog.years.value() == 75 and len(dialog.due) == 1
    dialog.years.setValue(80)
    assert dialog.due == [] and RetentionDialog(store, TODAY).years.value() == 80


def test_a_child_who_died_young_is_listed_by_the_years_after_death_which_are_a_setting(qtbot, store):
    with store.session() as s:
        child = Child(child_ref="C-2005", first_name="Ottoline", last_name="Marsh", dob=date(2005, 4, 2))
        s.add(child)
        s.flush()
        child_id = child.id
    died(store, child_id, date(2011, 11, 24))
    dialog = RetentionDialog(store, TODAY)
    qtbot.addWidget(dialog)
    assert dialog.after_death.value() == 15
    assert dialog.due_table.item(0, 3).text() == "24 Nov 2026 (died 24 Nov 2011)"
    dialog.after_death.setValue(16)
    assert dialog.due == [] and dialog.next_table.item(0, 3).text() == "24 Nov 2027 (died 24 Nov 2011)"
    assert RetentionDialog(store, TODAY).after_death.value() == 16
