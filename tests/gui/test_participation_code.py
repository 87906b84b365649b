"""Issue 16, finding 8: a review the 903 import took without its participation code (the code contradicted
the child's age) can be found on the caseload, coded on the child's page, and then goes back in the export."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QComboBox, QLabel, QPushButton, QTableWidget

from iro_desktop.gui.caseload.view import CODES_NEEDED, CaseloadView
from iro_desktop.gui.child import ChildPage
from iro_desktop.gui.child.dialogs import ParticipationCodeDialog
from iro_desktop.gui.child.page import CODE_NEEDED
from iro_desktop.services.caseload import load_caseload
from iro_desktop.services.export903 import export_903
from iro_desktop.services.import903 import import_903
from tests.conftest import TODAY

PARTICIPATION = 5  # the reviews table's "Took part" column
# Two fictional children, both 4 or over at every review: 900101's second review says PN0 (under 4), so the
# import takes it without its code; 900102's codes are right. Every review is before the test clock's today.
HEADER = """CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB
900101,2,10/03/2018,WBRI,,,
900102,1,04/06/2015,WBRI,,,
"""
EPISODES = """CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN
900101,03/02/2025,S,C2,N1,U4,PR1,,,,,,
900102,03/02/2025,S,C2,N1,U4,PR1,,,,,,
"""
REVIEWS = """CHILD,DOB,REVIEW,REVIEW_CODE
900101,10/03/2018,04/03/2025,PN1
900101,10/03/2018,01/08/2025,PN0
900102,04/06/2015,04/03/2025,PN1
900102,04/06/2015,01/08/2025,PN6
"""
HELD = date(2025, 8, 1)


@pytest.fixture
def coded_later(store, tmp_path):
    """A store holding the import of the fictional set: one review taken without its code."""
    folder = tmp_path / "903"
    folder.mkdir()
    for name, text in (("header.csv", HEADER), ("episodes.csv", EPISODES), ("reviews.csv", REVIEWS)):
        (folder / name).write_text(text, encoding="utf-8")
    report = import_903(store, folder)
    assert [i.value for i in report.issues] == ["PN0"]
    assert "taken without its code" in report.issues[0].reason
    return store


def _child(store, ref: str) -> int:
    return next(r.id for r in load_caseload(store, TODAY) if r.child == ref)


def _page(qtbot, store, child_id: int) -> ChildPage:
    page = ChildPage(store, child_id, TODAY)
    qtbot.addWidget(page)
    page.resize(1400, 900)
    page.show()
    qtbot.waitExposed(page)
    return page


def _select_review(page: ChildPage, held: date) -> None:
    row = [r.held for r in page.record.reviews].index(held)
    page.findChild(QTableWidget, "reviewsTable").selectRow(row)


def _choose(dialog: ParticipationCodeDialog, code: str) -> None:
    combo = dialog.findChild(QComboBox, "codeCombo")
    combo.setCurrentIndex(combo.findData(code))


def _exported(store, tmp_path: Path, name: str) -> list[str]:
    result = export_903(store, tmp_path / name, None)
    return [f"{child} {day} {code}" for child, _dob, day, code in result.tables.reviews]


def test_the_caseload_can_show_only_the_children_with_reviews_needing_a_code(qtbot, coded_later):
    view = CaseloadView(coded_later, TODAY)
    qtbot.addWidget(view)
    combo = view.statusFilter
    i = combo.findData(CODES_NEEDED)
    assert i == combo.count() - 1 and combo.itemText(i) == "Participation code needed (1)"
    assert "1 child, 1 review" in combo.itemData(i, Qt.ItemDataRole.ToolTipRole)
    assert combo.itemText(0) == "All children (2)"
    view.show_codes_needed()
    assert [r.child for r in view.proxy.visible_rows()] == ["900101"]
    assert view.findChild(QLabel, "countLabel").text() == "Showing 1 of 2 children"
    view.search.setText("900102")  # the search narrows within the choice
    assert view.proxy.visible_rows() == []
    view.search.clear()
    view.set_status_filter(None)  # and the other choices still work
    assert len(view.proxy.visible_rows()) == 2
    status = view.model.rows()[0].status
    view.set_status_filter(status)
    assert {r.status for r in view.proxy.visible_rows()} == {status}


def test_the_child_page_says_code_needed_and_offers_the_action_only_for_imported_reviews(qtbot, coded_later):
    page = _page(qtbot, coded_later, _child(coded_later, "900101"))
    table = page.findChild(QTableWidget, "reviewsTable")
    cells = {table.item(r, 1).text(): table.item(r, PARTICIPATION).text() for r in range(table.rowCount())}
    assert cells == {"1 Aug 2025": CODE_NEEDED, "4 Mar 2025": "PN1 Came and spoke for themselves"}
    button = page.findChild(QPushButton, "setCodeButton")
    assert button.text().replace("&", "") == "Set participation code…" and not button.isEnabled()
    _select_review(page, HELD)
    assert button.isEnabled()
    menu = page.review_menu(table.visualRect(table.currentIndex()).center())
    action = next(a for a in menu.actions() if a.text().replace("&", "") == "Set participation code…")
    assert action.isEnabled()
    menu.deleteLater()


def test_a_review_held_in_the_app_takes_its_code_in_the_review_not_here(qtbot, demo_store):
    child = next(r for r in load_caseload(demo_store, TODAY) if r.minutes is not None)
    page = _page(qtbot, demo_store, child.id)
    _select_review(page, child.minutes.held)
    assert not page.findChild(QPushButton, "setCodeButton").isEnabled()
    page.set_participation_code()
    assert page.dialog is None


def test_a_code_that_contradicts_the_age_is_refused_and_a_right_one_goes_back_to_the_council(
    qtbot, coded_later, tmp_path
):
    child_id = _child(coded_later, "900101")
    assert "900101 01/08/2025" not in " ".join(_exported(coded_later, tmp_path, "before"))
    page = _page(qtbot, coded_later, child_id)
    _select_review(page, HELD)
    qtbot.mouseClick(page.findChild(QPushButton, "setCodeButton"), Qt.MouseButton.LeftButton)
    dialog = page.dialog
    assert isinstance(dialog, ParticipationCodeDialog) and dialog.isVisible()
    assert dialog.findChild(QLabel, "dateValue").text() == "1 Aug 2025"
    assert dialog.findChild(QLabel, "ageValue").text() == "7 years old (born 10 Mar 2018)"
    combo = dialog.findChild(QComboBox, "codeCombo")
    assert [combo.itemData(i) for i in range(1, combo.count())] == [f"PN{n}" for n in range(8)]
    assert combo.itemText(2) == "Came and spoke for themselves (PN1)" and combo.currentData() == ""

    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)  # nothing chosen
    assert dialog.isVisible() and dialog.problem_text().startswith("Choose how")
    _choose(dialog, "PN0")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()
    assert dialog.problem_text().startswith("PN0 is only for a child under 4 on the review date;")
    assert dialog.problem_text().endswith("; Child 900101 was 7.")  # named as the caseload names them
    problem = dialog.findChild(QLabel, "codeProblem")
    assert problem.isVisible() and problem.height() >= problem.heightForWidth(problem.width())  # all of it
    assert next(r for r in load_caseload(coded_later, TODAY) if r.id == child_id).codes_needed == 1

    _choose(dialog, "PN5")
    with qtbot.waitSignal(page.record_changed, timeout=1000):
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    table = page.findChild(QTableWidget, "reviewsTable")
    row = [r.held for r in page.record.reviews].index(HELD)
    assert table.item(row, PARTICIPATION).text().startswith("PN5 Did not come")
    assert page.selected_review().held == HELD  # still selected: the keys go on working from the list

    assert "900101 01/08/2025 PN5" in _exported(coded_later, tmp_path, "after")
    row = next(r for r in load_caseload(coded_later, TODAY) if r.id == child_id)
    assert row.codes_needed == 0 and not any("Participation code" in f for f in row.flags)
    view = CaseloadView(coded_later, TODAY)
    qtbot.addWidget(view)
    view.show_codes_needed()
    assert view.proxy.visible_rows() == []
    assert view.statusFilter.currentText() == "Participation code needed (0)"


def test_an_imported_code_can_be_put_right_and_cancel_changes_nothing(qtbot, coded_later):
    page = _page(qtbot, coded_later, _child(coded_later, "900102"))
    _select_review(page, HELD)
    page.set_participation_code()
    dialog = page.dialog
    assert dialog.findChild(QComboBox, "codeCombo").currentData() == "PN6"  # the code it has
    _choose(dialog, "PN2")
    dialog.buttons.rejected.emit()
    assert not dialog.isVisible()
    assert page.record.reviews[0].participation.startswith("PN6")


def test_the_action_is_reached_by_keyboard_alone(qtbot, coded_later):
    """Tab into the reviews and Alt+C opens the dialog for the review there; the combo has the focus;
    Enter is OK."""
    page = _page(qtbot, coded_later, _child(coded_later, "900101"))
    table = page.findChild(QTableWidget, "reviewsTable")
    with qtbot.waitActive(page):
        page.activateWindow()
    table.setFocus(Qt.FocusReason.TabFocusReason)  # Tab lands on the newest review: it is selected
    qtbot.waitUntil(lambda: page.selected_review() is not None)
    assert page.selected_review().held == HELD and page.findChild(QPushButton, "setCodeButton").isEnabled()
    qtbot.keyClick(table, Qt.Key.Key_C, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: page.dialog is not None)  # a button's access key clicks it after a short flash
    dialog = page.dialog
    assert isinstance(dialog, ParticipationCodeDialog)
    qtbot.waitUntil(lambda: dialog.focusWidget() is dialog.findChild(QComboBox, "codeCombo"))
    _choose(dialog, "PN7")
    with qtbot.waitSignal(page.record_changed, timeout=1000):
        qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Return)
    assert page.record.reviews[0].participation.startswith("PN7")


def test_the_context_menu_off_any_review_is_none(qtbot, coded_later):
    page = _page(qtbot, coded_later, _child(coded_later, "900101"))
    table = page.findChild(QTableWidget, "reviewsTable")
    assert page.review_menu(QPoint(5, table.viewport().height() + 50)) is None


def test_tab_walks_the_dialog_to_its_ok_button(qtbot, coded_later):
    from tests.gui.test_keyboard import assert_tab_reaches_everything

    page = _page(qtbot, coded_later, _child(coded_later, "900101"))
    _select_review(page, HELD)
    page.set_participation_code()
    dialog = page.dialog
    assert_tab_reaches_everything(qtbot, dialog, dialog.findChild(QComboBox, "codeCombo"), dialog.ok_button)
