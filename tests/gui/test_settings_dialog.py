"""Tools > Settings as an IRO meets it: timescales, closure days and the idle lock, saved together on OK."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QLabel, QMenu, QPushButton

from iro_desktop.domain.timescales import TimescaleSettings
from iro_desktop.gui.main_window import MainWindow
from iro_desktop.gui.settings_dialog import SettingsDialog
from iro_desktop.services import settings as service
from iro_desktop.services.settings import AllSettings
from iro_desktop.store import audit
from tests.conftest import TODAY

NOTHING_SET = AllSettings(TimescaleSettings())


def _dialog(qtbot, store, parent=None) -> SettingsDialog:
    dialog = SettingsDialog(store, parent)
    if parent is None:
        qtbot.addWidget(dialog)
    return dialog


def _press(qtbot, dialog, which: QDialogButtonBox.StandardButton) -> None:
    qtbot.mouseClick(dialog.findChild(QDialogButtonBox, "buttons").button(which), Qt.MouseButton.LeftButton)


def _ok(qtbot, dialog) -> None:
    _press(qtbot, dialog, QDialogButtonBox.StandardButton.Ok)


def _type_into(qtbot, spin, value: int) -> None:
    spin.selectAll()
    qtbot.keyClicks(spin, str(value))


def test_a_shorter_review_cycle_moves_due_dates_on_the_caseload_at_once(qtbot, demo_store):
    window = MainWindow(demo_store, TODAY)
    qtbot.addWidget(window)
    before = {r.id: r.next_review_due for r in window.caseload.model.rows()}
    dialog = _dialog(qtbot, demo_store, window)
    spin = dialog.spins["subsequent_review_months"]
    _type_into(qtbot, spin, 4)
    assert dialog.markers["subsequent_review_months"].text() == "changed: the default is 6"
    _ok(qtbot, dialog)
    assert dialog.result() == dialog.DialogCode.Accepted
    after = {r.id: r.next_review_due for r in window.caseload.model.rows()}  # refreshed without asking
    assert any(after[i] < before[i] for i in before if before[i] and after[i])
    assert service.timescale_settings(demo_store).subsequent_review_months == 4
    assert audit.entries(demo_store, limit=1)[0].detail == "changed: timescales.subsequent_review_months"


def test_an_open_childs_page_shows_the_new_due_date_after_ok(qtbot, demo_store):
    window = MainWindow(demo_store, TODAY)
    qtbot.addWidget(window)
    row = next(r for r in window.caseload.model.rows() if r.last_review)  # on the six-month cycle or not
    window.open_child(row.id)
    shown = window.child_page.findChild(QLabel, "nextReviewStatus").parent().findChildren(QLabel)
    before = " ".join(label.text() for label in shown)
    dialog = _dialog(qtbot, demo_store, window)
    _type_into(qtbot, dialog.spins["subsequent_review_months"], 2)
    _type_into(qtbot, dialog.spins["second_review_months"], 1)
    _ok(qtbot, dialog)
    assert " ".join(label.text() for label in shown) != before  # the page was reloaded, not left stale


def test_the_idle_lock_follows_the_new_minutes_at_once(qtbot, store):
    window = MainWindow(store, TODAY)
    qtbot.addWidget(window)
    dialog = _dialog(qtbot, store, window)
    dialog.tabs.setCurrentIndex(2)
    _type_into(qtbot, dialog.idle_minutes, 12)
    _ok(qtbot, dialog)
    assert window.idle.timer.interval() == 12 * 60_000
    assert service.all_settings(store).idle_lock_minutes == 12


def test_a_bad_pair_is_refused_at_the_field_and_nothing_is_saved(qtbot, store):
    dialog = _dialog(qtbot, store)
    dialog.show()
    dialog.spins["first_review_working_days"].setValue(15)  # a good change, held back with the bad one
    dialog.spins["due_soon_wd"].setValue(25)
    _ok(qtbot, dialog)
    assert dialog.isVisible() and dialog.tabs.currentIndex() == 0
    marker = dialog.markers["due_soon_wd"].text()
    assert marker == "The caseload's 'due soon' cannot be longer than 'due later'."
    assert dialog.focusWidget() is dialog.spins["due_soon_wd"]
    assert service.all_settings(store) == NOTHING_SET and audit.entries(store) == []


def test_a_figure_out_of_range_cannot_be_typed(qtbot, store):
    dialog = _dialog(qtbot, store)
    spin = dialog.spins["first_review_working_days"]
    _type_into(qtbot, spin, 99)  # 1 to 60: the spin box keeps the first digit and refuses the second
    assert spin.value() == 9 and "From 1 to 60; default 20." in spin.accessibleDescription()


def test_restore_the_statutory_defaults_then_ok_keeps_no_changed_figures(qtbot, store):
    service.save_all(store, AllSettings(TimescaleSettings(first_review_working_days=15, drp_total_wd=25)))
    dialog = _dialog(qtbot, store)
    assert dialog.markers["drp_total_wd"].text() == "changed: the default is 20"
    qtbot.mouseClick(dialog.findChild(QPushButton, "restoreDefaultsButton"), Qt.MouseButton.LeftButton)
    assert dialog.spins["first_review_working_days"].value() == 20
    assert dialog.markers["drp_total_wd"].text() == "IRO Handbook 6.2"
    _ok(qtbot, dialog)
    assert store.get_setting(service.TIMESCALES_KEY) == {}
    assert service.timescale_settings(store) == TimescaleSettings()


def test_closure_days_are_added_in_date_order_refused_when_pointless_and_removed(qtbot, store):
    dialog = _dialog(qtbot, store)
    dialog.tabs.setCurrentIndex(1)
    for day in (date(2027, 1, 14), date(2026, 12, 29)):
        dialog.closure_date.setDate(day)
        dialog.add_closure()
    assert [dialog.closure_list.item(i).text() for i in range(2)] == [
        "29 Dec 2026 (Tuesday)",
        "14 Jan 2027 (Thursday)",
    ]
    dialog.closure_date.setDate(date(2026, 12, 25))
    dialog.add_closure()
    assert dialog.closure_message.text() == "25 Dec 2026 is already a bank holiday (Christmas Day)."
    assert dialog.closure_list.count() == 2
    dialog.closure_date.setDate(date(1999, 6, 1))  # the date box stops at the bank-holiday table's years
    assert dialog.closure_date.date().toPython() == date(2000, 1, 1)
    dialog.closure_list.setCurrentRow(1)
    dialog.remove_closure()
    _ok(qtbot, dialog)
    assert service.all_settings(store).closures == (date(2026, 12, 29),)
    assert not service.working_calendar(store).is_working_day(date(2026, 12, 29))


def _choose_holiday(dialog, day: date) -> None:
    combo = dialog.worked_holiday
    combo.setCurrentIndex(next(i for i in range(combo.count()) if combo.itemData(i) == day))


def test_a_bank_holiday_the_council_works_is_marked_refused_twice_and_unmarked(qtbot, store):
    dialog = SettingsDialog(store, today=TODAY)
    qtbot.addWidget(dialog)
    dialog.tabs.setCurrentIndex(1)
    assert dialog.tabs.tabText(1) == "&Closure days and bank holidays"
    combo = dialog.worked_holiday
    shown = [combo.itemText(i) for i in range(combo.count())]
    assert shown[0] == "1 Jan 2025 (New Year's Day)" and shown[-1] == "26 Dec 2028 (Boxing Day)"
    assert "27 Dec 2027 (Christmas Day (observed))" in shown
    assert not any("(Christmas Day)" in text or "Good Friday" in text for text in shown)  # never worked
    assert combo.currentText() == "28 Dec 2026 (Boxing Day (observed))"  # the next after the as-of date
    for day in (date(2027, 5, 31), date(2026, 12, 28)):
        _choose_holiday(dialog, day)
        qtbot.mouseClick(dialog.findChild(QPushButton, "addWorkedButton"), Qt.MouseButton.LeftButton)
    listed = dialog.worked_days.widget
    days = [listed.item(i).text().split(" (")[0] for i in range(listed.count())]
    assert days == ["28 Dec 2026", "31 May 2027"]
    _choose_holiday(dialog, date(2027, 5, 31))
    dialog.add_worked_holiday()
    assert dialog.worked_days.message.text() == "31 May 2027 is already in the list."
    listed.setCurrentRow(0)
    qtbot.mouseClick(dialog.findChild(QPushButton, "removeWorkedButton"), Qt.MouseButton.LeftButton)
    assert dialog.worked_days.message.text() == "28 Dec 2026 taken off the list."
    _ok(qtbot, dialog)
    assert service.all_settings(store).worked_holidays == (date(2027, 5, 31),)
    assert service.working_calendar(store).is_working_day(date(2027, 5, 31))
    again = _dialog(qtbot, store)
    assert [again.worked_days.widget.item(0).text()] == ["31 May 2027 (Spring Bank Holiday)"]


def test_cancel_changes_nothing(qtbot, store):
    dialog = _dialog(qtbot, store)
    dialog.spins["second_review_months"].setValue(2)
    dialog.closure_date.setDate(date(2027, 1, 14))
    dialog.add_closure()
    dialog.idle_minutes.setValue(30)
    _press(qtbot, dialog, QDialogButtonBox.StandardButton.Cancel)
    assert service.all_settings(store) == NOTHING_SET and audit.entries(store) == []


def test_tools_settings_opens_the_dialog_with_ctrl_comma(qtbot, store):
    window = MainWindow(store, TODAY)
    qtbot.addWidget(window)
    action = window.findChild(QAction, "actionSettings")
    assert action.shortcut().toString() == "Ctrl+,"
    assert window.findChild(QMenu, "menuTools").actions()[-1] is action
    opened = []

    def close_it():
        dialog = next(w for w in QApplication.topLevelWidgets() if isinstance(w, SettingsDialog))
        opened.append(dialog.windowTitle())
        dialog.reject()

    QTimer.singleShot(0, close_it)
    action.trigger()
    assert opened == ["Settings"]
