"""The 903 export dialog: a year, header and episodes or not, a folder; never writing into a full folder
without the IRO ticking that they mean it."""

from __future__ import annotations

from datetime import date

from iro_desktop.gui.import903.export_dialog import ALL_YEARS, Export903Dialog
from tests.interop.helpers import APP_REVIEWS_2027, app_caseload, read_rows

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
