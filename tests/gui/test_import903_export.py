"""The 903 export dialog: a year, header and episodes or not, a folder; never writing into a full folder
without the IRO ticking that they mean it; the whole report saved as CSV when the IRO asks."""

from __future__ import annotations

import stat
from datetime import date, timedelta

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from iro_desktop.gui.import903.export_dialog import ALL_YEARS, LEFT_OUT_SHOWN, Export903Dialog
from tests.gui.test_keyboard import tab_through
from tests.interop.helpers import APP_LEFT_OUT_2027, APP_REVIEWS_2027, add_child, app_caseload, read_rows

TODAY = date(2026, 11, 25)


def _dialog(qtbot, store) -> Export903Dialog:
    app_caseload(store)
    dialog = Export903Dialog(store, TODAY)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_exporting_this_collection_year_with_header_and_episodes(qtbot, store, tmp_path):
    dialog = _dialog(qtbot, store)
    assert dialog.year_combo.currentText() == "2026-27 (1 Apr 2026 to 31 Mar 2027)"
    assert not dialog.export_button.isEnabled()  # no folder yet
    dialog.folder_edit.setText(str(tmp_path / "return"))
    dialog.header_episodes.setChecked(True)
    dialog.export_button.click()
    assert sorted(p.name for p in (tmp_path / "return").iterdir()) == [
        "episodes.csv",
        "header.csv",
        "reviews.csv",
    ]
    assert [tuple(r.values()) for r in read_rows(tmp_path / "return" / "reviews.csv")] == APP_REVIEWS_2027
    assert (
        "Reviews: 7 rows" in dialog.message.text() and "Held reviews not exported: 4" in dialog.message.text()
    )
    assert not dialog.export_button.isEnabled() and dialog.replace_check.isVisible()  # the folder is full now


def test_a_folder_that_is_not_empty_needs_the_iros_say_so(qtbot, store, tmp_path):
    (tmp_path / "reviews.csv").write_text("last year's return\n")
    dialog = _dialog(qtbot, store)
    dialog.folder_edit.setText(str(tmp_path))
    assert dialog.replace_check.isVisible() and not dialog.export_button.isEnabled()
    dialog.replace_check.setChecked(True)
    dialog.year_combo.setCurrentText(ALL_YEARS)
    dialog.export_button.click()
    assert len(read_rows(tmp_path / "reviews.csv")) == 12
    assert "for all years" in dialog.message.text()


def test_a_problem_is_shown_in_the_dialog_not_as_an_error_box(qtbot, store, tmp_path):
    (tmp_path / "afile").write_text("x")
    dialog = _dialog(qtbot, store)
    dialog.folder_edit.setText(str(tmp_path / "afile"))
    dialog.export_button.click()
    assert "is a file, not a folder" in dialog.message.text() and dialog.isVisible()


def test_the_whole_report_is_saved_as_csv_from_the_dialog(qtbot, store, tmp_path, monkeypatch):
    dialog = _dialog(qtbot, store)
    assert not dialog.save_report_button.isEnabled()  # nothing to report before an export
    dialog.folder_edit.setText(str(tmp_path / "return"))
    dialog.export_button.click()
    asked = []

    def choose(parent, caption, suggested, filters):
        asked.append(suggested)
        return str(tmp_path / "report.csv"), filters

    monkeypatch.setattr(QFileDialog, "getSaveFileName", choose)
    assert dialog.save_report_button.isEnabled() and dialog.save_report_button.text().startswith("&Save")
    assert dialog.save_report_button in tab_through(qtbot, dialog, dialog.year_combo)  # Tab reaches it
    qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_S, Qt.KeyboardModifier.AltModifier)  # its access key
    qtbot.waitUntil(lambda: bool(asked))  # an access key clicks the button as if by the mouse, a moment later
    assert asked == [str(tmp_path / "903-export-report-2026-27.csv")]  # beside the 903 folder, not in it
    rows = read_rows(tmp_path / "report.csv")
    left_out = {r["CHILD"] for r in rows if r["outcome"] == "left out"}
    assert left_out == APP_LEFT_OUT_2027 and all(r["reason"] for r in rows if r["outcome"] == "left out")
    assert sum(r["outcome"] == "exported" for r in rows) == len(APP_REVIEWS_2027)
    assert stat.S_IMODE((tmp_path / "report.csv").stat().st_mode) == 0o600
    said = f"Report saved to {tmp_path / 'report.csv'}: 11 held reviews, 7 exported and 4 left out"
    assert dialog.report_message.text() == said + ", with the notes."


def test_a_report_that_cannot_be_saved_says_why_and_leaves_the_export_as_it_was(qtbot, store, tmp_path):
    dialog = _dialog(qtbot, store)
    dialog.folder_edit.setText(str(tmp_path / "return"))
    dialog.export_button.click()
    shown = dialog.message.text()
    dialog.save_report(tmp_path / "no such folder" / "report.csv")
    said = dialog.report_message.text()
    assert said.startswith("Not saved: ") and said.endswith("Any earlier report.csv was left as it was.")
    assert dialog.message.text() == shown and not (tmp_path / "no such folder").exists()


def test_more_left_out_than_the_dialog_lists_points_to_the_saved_report(qtbot, store, tmp_path):
    with store.session() as s:
        add_child(
            s,
            "MANY",
            date(2012, 1, 1),
            [(date(2026, 4, 1), None, "C2")],
            [(date(2026, 4, 2) + timedelta(days=7 * n), None) for n in range(LEFT_OUT_SHOWN)],
        )
    dialog = _dialog(qtbot, store)
    dialog.folder_edit.setText(str(tmp_path / "return"))
    dialog.export_button.click()
    text = dialog.message.text()
    assert f"Held reviews not exported: {LEFT_OUT_SHOWN + 4}" in text
    assert "and 4 more: Save report as CSV… lists them all" in text
