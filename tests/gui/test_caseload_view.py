"""The caseload dashboard on the demo caseload: sorting, filtering, search, keyboard, as-of date, timeline."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtGui import QColor, QHelpEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QComboBox,
    QDateEdit,
    QFrame,
    QLabel,
    QLineEdit,
    QToolTip,
)
from sqlalchemy import select

from iro_desktop.domain.calendar import add_months, format_date
from iro_desktop.domain.timescales import Status
from iro_desktop.gui.caseload import CaseloadView
from iro_desktop.gui.caseload.model import COL, STATUS_FILLS
from iro_desktop.gui.caseload.timeline import columns_for
from iro_desktop.services.caseload import CaseloadSummary, caseload_summary, load_caseload
from iro_desktop.services.settings import working_calendar
from iro_desktop.store.models import Review

TODAY = date(2026, 11, 25)


@pytest.fixture
def view(qtbot, demo_store):
    v = CaseloadView(demo_store, TODAY)
    qtbot.addWidget(v)
    v.resize(1400, 900)
    v.show()
    qtbot.waitExposed(v)
    return v


def _shown(v: CaseloadView):
    return v.proxy.visible_rows()


def _click_header(qtbot, v: CaseloadView, col: int) -> None:
    header = v.table.horizontalHeader()
    x = header.sectionViewportPosition(col) + header.sectionSize(col) // 2
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2))


def test_most_urgent_first_by_default(view, demo_store):
    rows = _shown(view)
    assert len(rows) == len(load_caseload(demo_store, TODAY))
    overdue = [r for r in rows if r.status is Status.OVERDUE]
    assert overdue and rows[: len(overdue)] == overdue  # every overdue child at the top
    left = [r.working_days_left for r in rows if r.working_days_left is not None]
    assert left == sorted(left)  # then fewest working days left
    assert rows[-1].working_days_left is None or all(r.working_days_left is not None for r in rows)


def test_header_click_sorts_by_name(qtbot, view):
    _click_header(qtbot, view, COL["Name"])
    names = [r.name.casefold() for r in _shown(view)]
    assert names == sorted(names)
    _click_header(qtbot, view, COL["Name"])
    assert [r.name.casefold() for r in _shown(view)] == sorted(names, reverse=True)


def test_dates_sort_as_dates_and_numbers_as_numbers(view):
    view.table.sortByColumn(COL["Next review due"], Qt.SortOrder.AscendingOrder)
    rows = _shown(view)
    due = [r.next_review_due for r in rows if r.next_review_due]
    assert due == sorted(due)  # as text "10 Dec" would come before "9 Dec"
    assert rows[0].next_review_due == min(due)
    assert all(r.next_review_due is None for r in rows[len(due):])  # nothing due: at the end
    view.table.sortByColumn(COL["Age"], Qt.SortOrder.DescendingOrder)
    ages = [r.age for r in _shown(view)]
    assert ages == sorted(ages, reverse=True)  # as text "9" would beat "17"


def test_filter_by_status(view, demo_store):
    view.set_status_filter(Status.OVERDUE)
    rows = _shown(view)
    summary = caseload_summary(demo_store, load_caseload(demo_store, TODAY), TODAY)
    assert rows and {r.status for r in rows} == {Status.OVERDUE}
    assert len(rows) == summary.reviews_overdue == view.summary.figure("overdue")
    assert view.statusFilter.currentText() == f"Overdue ({summary.reviews_overdue})"
    view.set_status_filter(None)
    assert len(_shown(view)) == len(load_caseload(demo_store, TODAY))


def test_every_status_choice_filters(view):
    everyone = _shown(view)
    for status in Status:
        view.set_status_filter(status)
        assert {r.id for r in _shown(view)} == {r.id for r in everyone if r.status is status}


def test_search_by_part_of_a_name(qtbot, view, demo_store):
    target = _shown(view)[3]
    part = target.name.split()[-1][:4]
    qtbot.keyClicks(view.search, part.lower())
    rows = _shown(view)
    assert target in rows
    assert all(part.casefold() in r.name.casefold() or part.casefold() in r.child.casefold() for r in rows)
    assert len(rows) < len(load_caseload(demo_store, TODAY))


def test_search_by_child_id(qtbot, view):
    target = _shown(view)[5]
    qtbot.keyClicks(view.search, target.child)
    rows = _shown(view)
    assert target in rows and all(target.child.casefold() in r.child.casefold() for r in rows)
    view.search.clear()
    qtbot.keyClicks(view.search, "no child is called this")
    assert _shown(view) == [] and "Showing 0 of" in view.findChild(QLabel, "countLabel").text()


def test_the_chosen_child_stays_chosen_through_search_and_sort(qtbot, view):
    target = _shown(view)[7]
    view.select_child(target.id)
    qtbot.keyClicks(view.search, target.name.split()[0][:3])
    assert view.selected_child_id() == target.id  # still chosen, wherever the row went
    _click_header(qtbot, view, COL["Name"])
    assert view.selected_child_id() == target.id
    assert view.table.selectionModel().selectedRows()[0].row() == view.proxy.row_of(target.id)
    qtbot.keyClicks(view.search, "no child is called this")
    assert view.selected_child_id() is None and view.proxy.rowCount() == 0
    view.search.clear()
    assert view.proxy.rowCount() == len(view.model.rows())  # everyone back, in name order now
    names = [r.name.casefold() for r in _shown(view)]
    assert names == sorted(names)


def test_enter_opens_the_selected_child(qtbot, view):
    view.table.setFocus()
    view.table.selectRow(0)
    qtbot.keyClick(view.table, Qt.Key.Key_Down)  # arrows move the selection
    expected = _shown(view)[1].id
    with qtbot.waitSignal(view.child_opened, timeout=1000) as blocker:
        qtbot.keyClick(view.table, Qt.Key.Key_Return)
    assert blocker.args == [expected]
    with qtbot.waitSignal(view.child_opened, timeout=1000) as blocker:
        qtbot.keyClick(view.table, Qt.Key.Key_Enter)
    assert blocker.args == [expected]


def test_double_click_opens_a_child(qtbot, view):
    rect = view.table.visualRect(view.proxy.index(2, COL["Name"]))
    expected = _shown(view)[2].id
    # QTest's double click lacks the press an item view expects first, so click once before it.
    qtbot.mouseClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    with qtbot.waitSignal(view.child_opened, timeout=1000) as blocker:
        qtbot.mouseDClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert blocker.args == [expected]


def test_search_box_enter_moves_into_the_results(qtbot, view):
    qtbot.keyClicks(view.search, _shown(view)[0].name)
    qtbot.keyClick(view.search, Qt.Key.Key_Return)
    assert view.selected_child_id() == _shown(view)[0].id


def test_as_of_date_moves_everything(qtbot, view, demo_store):
    # The child due closest to 8 working days from now (the demo has one at 8).
    due_soon = [r for r in _shown(view) if r.status is Status.DUE_10WD]
    soon = min(due_soon, key=lambda r: abs(r.working_days_left - 8))
    before = view.summary.figure("overdue")
    later = add_months(TODAY, 3)
    view.asOf.setFocus()
    view.asOf.selectAll()
    qtbot.keyClicks(view.asOf, f"{later.day}/{later.month}/{later.year % 100}")  # as the IRO would type it
    qtbot.keyClick(view.asOf, Qt.Key.Key_Return)
    assert view.as_of == later and view.timeline.as_of == later
    moved = next(r for r in _shown(view) if r.id == soon.id)
    assert moved.status is Status.OVERDUE and moved.working_days_left < 0
    after = caseload_summary(demo_store, load_caseload(demo_store, later), later)
    assert view.summary.figure("overdue") == after.reviews_overdue > before
    left = [r.working_days_left for r in _shown(view) if r.working_days_left is not None]
    assert left == sorted(left)  # still most urgent first
    view.set_as_of(TODAY)
    assert view.summary.figure("overdue") == before and view.asOf.date() == TODAY


def test_as_of_box_shows_uk_dates(qtbot, view):
    assert view.asOf.text() == "25 Nov 2026"
    view.asOf.setFocus()
    view.asOf.selectAll()
    qtbot.keyClicks(view.asOf, "7 Jan 2027")
    qtbot.keyClick(view.asOf, Qt.Key.Key_Return)
    assert view.as_of == date(2027, 1, 7) and view.asOf.text() == "7 Jan 2027"
    view.asOf.selectAll()
    qtbot.keyClicks(view.asOf, "t")
    qtbot.keyClick(view.asOf, Qt.Key.Key_Return)
    assert view.as_of == TODAY


def test_summary_strip_matches_the_read_model(view, demo_store):
    s = caseload_summary(demo_store, load_caseload(demo_store, TODAY), TODAY)
    figures = {
        "allocated": s.allocated, "overdue": s.reviews_overdue, "week": s.due_this_week,
        "month": s.due_this_month, "decisions": s.decisions_overdue, "challenges": s.responses_overdue,
    }
    assert {k: view.summary.figure(k) for k in figures} == figures


def test_above_guidance_said_in_words(view):
    view.summary.show_summary(CaseloadSummary(78, 50, 70, 0, 0, 0, 0, 0))
    assert "78" == str(view.summary.figure("allocated"))
    assert "(above guidance 50-70)" in view.summary.caption("allocated")
    view.summary.show_summary(CaseloadSummary(58, 50, 70, 0, 0, 0, 0, 0))
    assert "above" not in view.summary.caption("allocated")


def test_timeline_marks_each_review_in_the_next_twelve_weeks(view):
    rows = _shown(view)
    cols = columns_for(rows, TODAY)
    due = [m for col in cols for m in col if not m.booked]
    booked = [m for col in cols for m in col if m.booked]
    assert {m.row.id for m in cols[0]} == {r.id for r in rows if r.status is Status.OVERDUE}
    horizon = date(2026, 11, 23).toordinal() + 84  # twelve weeks from the Monday of the as-of week
    in_window = [r for r in rows if r.next_review_due and TODAY <= r.next_review_due
                 and r.next_review_due.toordinal() < horizon]
    assert len(due) == len(cols[0]) + len(in_window)
    assert all(m.row.next_review_booked == m.when for m in booked)
    assert view.timeline.placed_marks()  # painted somewhere on screen
    first = cols[0][0] if cols[0] else due[0]
    assert first.row.name in first.tooltip and first.row.status.label in first.tooltip


def test_timeline_double_click_opens_the_child(qtbot, view):
    placed = next(p for p in view.timeline.placed_marks() if len(p.marks) == 1)
    with qtbot.waitSignal(view.child_opened, timeout=1000) as blocker:
        qtbot.mouseDClick(view.timeline, Qt.MouseButton.LeftButton, pos=placed.rect.center().toPoint())
    assert blocker.args == [placed.marks[0].row.id]


def test_timeline_follows_the_filter(view):
    view.set_status_filter(Status.ON_TRACK)
    statuses = {m.row.status for col in view.timeline.columns() for m in col}
    assert statuses <= {Status.ON_TRACK}


def test_status_shown_by_word_as_well_as_colour(view):
    for row in range(view.proxy.rowCount()):
        text = view.proxy.index(row, COL["Status"]).data()
        assert text.split(":")[0] in {s.label for s in Status}
        if text.startswith("Minutes to finish"):  # with the working days since the meeting
            assert text.startswith("Minutes to finish: day ")


def test_every_interactive_widget_has_an_accessible_name(view):
    kinds = (QAbstractButton, QLineEdit, QComboBox, QDateEdit, QAbstractItemView)
    widgets = [w for k in kinds for w in view.findChildren(k) if w.parent() is not None]
    widgets = [w for w in widgets if w.objectName() and not w.objectName().startswith("qt_")]
    assert widgets
    assert [w.objectName() for w in widgets if not w.accessibleName()] == []
    assert view.timeline.accessibleName() and view.summary.accessibleName()


def test_refresh_keeps_the_selection(view):
    view.table.selectRow(4)
    chosen = view.selected_child_id()
    view.refresh()
    assert view.selected_child_id() == chosen


def test_timeline_tooltip_names_the_child(qtbot, view):
    placed = next(p for p in view.timeline.placed_marks() if len(p.marks) == 1)
    pos = placed.rect.center().toPoint()
    event = QHelpEvent(QEvent.Type.ToolTip, pos, view.timeline.mapToGlobal(pos))
    QApplication.sendEvent(view.timeline, event)
    row = placed.marks[0].row
    assert QToolTip.isVisible() and row.name in QToolTip.text() and row.status.label in QToolTip.text()


# --- minutes to finish: reviews held in the app, not yet signed ---------------------------------------


def _unsigned(store) -> dict[int, date]:
    """Child id -> the day of each review held in the app whose record is not signed yet."""
    with store.session() as s:
        query = select(Review.child_id, Review.held_date)
        return dict(s.execute(query.where(Review.status == "held", Review.source == "app")).all())


def test_minutes_to_finish_filter_shows_the_children_with_minutes_to_finish(view, demo_store):
    unsigned = _unsigned(demo_store)
    view.set_status_filter(Status.MINUTES_TO_FINISH)
    assert {r.id for r in _shown(view)} == set(unsigned) and len(unsigned) == 3
    assert view.statusFilter.currentText() == f"Minutes to finish ({len(unsigned)})"


def test_minutes_tooltips_count_working_days_since_the_meeting(view, demo_store):
    unsigned, cal = _unsigned(demo_store), working_calendar(demo_store)
    for row in range(view.proxy.rowCount()):
        held = unsigned.get(view.proxy.child_id(row))
        for col in ("Status", "Name"):
            tip = view.proxy.index(row, COL[col]).data(Qt.ItemDataRole.ToolTipRole)
            if held is None:
                assert "working days ago" not in tip
            else:
                days = cal.working_days_between(held, TODAY)
                assert f"Held {format_date(held)}, {days} working days ago" in tip
                sent_by = cal.add_working_days(held, 5)
                missed = " (missed)" if sent_by < TODAY else ""
                assert f"decisions sent by {format_date(sent_by)}{missed}" in tip


def _painted(image, rect, colour: QColor) -> bool:
    """Whether any pixel inside `rect` of the timeline's picture is exactly `colour`."""
    return any(
        image.pixelColor(x, y) == colour
        for y in range(int(rect.top()), int(rect.bottom()))
        for x in range(int(rect.left()), int(rect.right()))
    )


def test_timeline_marks_minutes_to_finish_in_its_own_colour_and_names_it(view):
    purple = QColor(STATUS_FILLS[Status.MINUTES_TO_FINISH])
    placed = [p for p in view.timeline.placed_marks() if p.marks[0].row.status is Status.MINUTES_TO_FINISH]
    assert placed and "working days ago" in placed[0].marks[0].tooltip  # the next review, due in 12 weeks
    image = view.timeline.grab().toImage()
    assert _painted(image, placed[0].rect, purple)
    below_marks = max(p.rect.bottom() for p in view.timeline.placed_marks())
    legend = view.timeline.rect().adjusted(0, int(below_marks) + 1, 0, 0)
    assert _painted(image, legend, purple)  # its key in the legend, beside the words


def test_the_legend_wraps_when_the_timeline_is_narrow(view):
    """At large system text the legend no longer fits one line; it takes another rather than run off."""
    one_line = view.timeline.sizeHint().height()
    view.timeline.resize(520, view.timeline.height())
    assert view.timeline.sizeHint().height() > one_line


# --- the summary tiles filter the caseload (issue 17) ---------------------------------------------------

SUNDAY, MONTH_END = date(2026, 11, 29), date(2026, 11, 30)  # the week and month of TODAY, a Wednesday
NOT_ALLOCATED = {Status.NOT_LOOKED_AFTER, Status.OPEN_AFTER_18}


def _counted(key: str, r, day: date = TODAY, sunday: date = SUNDAY, month_end: date = MONTH_END) -> bool:
    """What each tile says it counts, read off the row's own fields."""
    due = r.next_review_due if r.status not in NOT_ALLOCATED else None
    return {
        "allocated": r.status not in NOT_ALLOCATED,
        "overdue": r.status is Status.OVERDUE,
        "week": due is not None and day <= due <= sunday,
        "month": due is not None and day <= due <= month_end,
        "decisions": r.decisions_overdue > 0,
        "challenges": r.challenges_overdue > 0,
        "notices": r.notices_open > 0,
    }[key]


def _tile_figure(key: str, rows) -> int:
    """Decisions, challenges and notices count what the rows hold; the others count the children."""
    if key == "decisions":
        return sum(r.decisions_overdue for r in rows)
    if key == "challenges":
        return sum(r.challenges_overdue for r in rows)
    if key == "notices":
        return sum(r.notices_open for r in rows)
    return len(rows)


def _click_tile(qtbot, v: CaseloadView, key: str) -> None:
    caption = v.summary.findChild(QLabel, f"{key}Caption")  # where an IRO would click: on the words
    qtbot.mouseClick(caption, Qt.MouseButton.LeftButton, pos=caption.rect().center())


def _pressed(v: CaseloadView) -> list[str]:
    return [k for k in v.summary.keys() if v.summary.findChild(QFrame, f"{k}Tile").property("pressed")]


def test_there_is_one_tile_per_figure_in_reading_order(view):
    keys = ["allocated", "overdue", "week", "month", "decisions", "challenges", "notices"]
    assert view.summary.keys() == keys


def test_clicking_a_tile_shows_exactly_the_children_it_counts(qtbot, view):
    everyone = view.model.rows()
    for key in view.summary.keys():
        _click_tile(qtbot, view, key)
        expected = [r for r in everyone if _counted(key, r)]
        assert expected, f"the demo has children for the {key} tile"
        assert {r.id for r in _shown(view)} == {r.id for r in expected}, key
        assert view.summary.figure(key) == _tile_figure(key, expected), key
        assert _pressed(view) == [key]  # the tile showing looks pressed, and only that one
        assert view.statusFilter.currentText().endswith(f"({len(expected)})")  # the Show choice follows
        count = view.findChild(QLabel, "countLabel").text()
        assert count == f"Showing {len(expected)} of {len(everyone)} children"
        assert {m.row.id for col in view.timeline.columns() for m in col} <= {r.id for r in expected}
    _click_tile(qtbot, view, "notices")  # the tile showing, clicked again: everyone
    assert len(_shown(view)) == len(everyone) and _pressed(view) == []
    assert view.statusFilter.currentIndex() == 0


def _activate(qtbot, widget) -> None:
    with qtbot.waitActive(widget):
        widget.activateWindow()


def test_alt_and_a_digit_show_each_tile_and_esc_shows_everyone(qtbot, demo_store):
    from iro_desktop.gui.main_window import MainWindow

    window = MainWindow(demo_store, TODAY)  # with its menus and shortcuts: none may take these keys
    qtbot.addWidget(window)
    window.show()
    _activate(qtbot, window)
    view = window.caseload
    everyone = view.model.rows()
    assert len(view.summary.keys()) == 7
    for n, key in enumerate(view.summary.keys(), start=1):
        view.table.setFocus()
        qtbot.keyClick(view.table, getattr(Qt.Key, f"Key_{n}"), Qt.KeyboardModifier.AltModifier)
        assert {r.id for r in _shown(view)} == {r.id for r in everyone if _counted(key, r)}, key
        assert _pressed(view) == [key] and view.statusFilter.currentIndex() > 0
        qtbot.keyClick(view.table, Qt.Key.Key_Escape)
        assert len(_shown(view)) == len(everyone) and _pressed(view) == [], key
        assert view.statusFilter.currentText() == f"All children ({len(everyone)})"
    # From the Show box too, and Esc clears a search typed as well.
    qtbot.keyClick(view.table, Qt.Key.Key_5, Qt.KeyboardModifier.AltModifier)
    qtbot.keyClicks(view.search, "a")
    qtbot.keyClick(view.search, Qt.Key.Key_Escape)
    assert view.search.text() == "" and len(_shown(view)) == len(everyone)


def test_the_tile_keys_clash_with_nothing_in_the_main_window(qtbot, demo_store):
    from PySide6.QtGui import QAction, QKeySequence, QShortcut

    from iro_desktop.gui.main_window import MainWindow

    window = MainWindow(demo_store, TODAY)
    qtbot.addWidget(window)
    tile_keys = {QKeySequence(window.caseload.summary.shortcut(k)) for k in window.caseload.summary.keys()}
    taken = [s for a in window.findChildren(QAction) for s in a.shortcuts()]
    taken += [s.key() for s in window.findChildren(QShortcut) if s.key() not in tile_keys]
    assert tile_keys and not tile_keys & set(taken)
    assert len([s for s in window.findChildren(QShortcut) if s.key() in tile_keys]) == len(tile_keys)


def test_esc_in_a_date_being_typed_puts_the_date_back_before_it_clears_the_tile(qtbot, view):
    view.show_tile("overdue")
    view.asOf.setFocus()
    view.asOf.selectAll()
    qtbot.keyClicks(view.asOf, "1/1/27")
    qtbot.keyClick(view.asOf, Qt.Key.Key_Escape)
    assert view.asOf.text() == "25 Nov 2026" and _pressed(view) == ["overdue"]
    qtbot.keyClick(view.asOf, Qt.Key.Key_Escape)
    assert _pressed(view) == [] and view.statusFilter.currentIndex() == 0


def test_show_offers_overdue_decisions_and_challenge_responses_with_their_counts(view):
    everyone, combo = view.model.rows(), view.statusFilter
    for key, words in [
        ("allocated", "Children allocated"),
        ("week", "Reviews due this week"),
        ("month", "Reviews due this month"),
        ("decisions", "Decisions overdue"),
        ("challenges", "Challenge responses overdue"),
    ]:
        i = combo.findData(key)
        expected = [r for r in everyone if _counted(key, r)]
        assert combo.itemText(i) == f"{words} ({len(expected)})"
        assert combo.itemData(i, Qt.ItemDataRole.ToolTipRole) == view.summary.meaning(key)
        combo.setCurrentIndex(i)  # chosen from the box: the same rows, and the tile looks pressed
        assert {r.id for r in _shown(view)} == {r.id for r in expected} and _pressed(view) == [key]
    assert combo.itemText(combo.count() - 1).startswith("Participation code needed")  # still last
    combo.setCurrentIndex(combo.findData(Status.OVERDUE.value))
    assert _pressed(view) == ["overdue"]


def test_each_tile_says_exactly_what_it_counts(view, demo_store):
    from iro_desktop.services.challenge_facts import RESPONSE_OVERDUE, all_challenges

    statuses = [c.status for c in all_challenges(demo_store, TODAY)]
    overdue, awaiting = statuses.count(RESPONSE_OVERDUE), statuses.count("Awaiting response")
    assert overdue and awaiting, "the demo has responses overdue and awaited"
    assert view.summary.figure("challenges") == overdue
    noun = "response" if overdue == 1 else "responses"
    assert view.summary.caption("challenges") == (
        f"challenge {noun} overdue\nof {overdue + awaiting} awaiting a response"
    )
    view.show_tile("challenges")  # the table says "overdue" for the same count, not "awaiting"
    for i, r in enumerate(_shown(view)):
        cell = view.proxy.index(i, COL["Challenges open"])
        assert cell.data() == f"{r.challenges_open} ({r.challenges_overdue} overdue)"
        assert f"{r.challenges_awaiting} awaiting a response" in cell.data(Qt.ItemDataRole.ToolTipRole)
    decisions = [r for r in view.model.rows() if r.decisions_overdue]
    assert view.summary.caption("decisions").endswith(f"for {len(decisions)} children")
    assert view.summary.caption("week") == "reviews due this week"
    assert "from 25 Nov 2026 to Sunday 29 Nov 2026" in view.summary.meaning("week")
    assert "from 25 Nov 2026 to 30 Nov 2026" in view.summary.meaning("month")
    for n, key in enumerate(view.summary.keys(), start=1):
        tile = view.summary.findChild(QFrame, f"{key}Tile")
        figure, words = view.summary.figure(key), view.summary.caption(key).replace("\n", " ")
        assert tile.toolTip().startswith(view.summary.meaning(key) + "\n")
        assert f"press Alt+{n}" in tile.toolTip()
        assert tile.accessibleDescription().startswith(f"{figure} {words}. ")
        assert f"Alt+{n}" in tile.accessibleDescription()


def test_a_tile_showing_follows_the_day_viewed(view):
    view.show_tile("week")
    later = date(2026, 12, 9)  # a Wednesday: its week ends on Sunday 13 Dec
    view.set_as_of(later)
    sunday, month_end = date(2026, 12, 13), date(2026, 12, 31)
    expected = {r.id for r in view.model.rows() if _counted("week", r, later, sunday, month_end)}
    assert expected and {r.id for r in _shown(view)} == expected
    assert view.summary.figure("week") == len(expected) and _pressed(view) == ["week"]
    assert view.statusFilter.currentText() == f"Reviews due this week ({len(expected)})"


def test_a_pressed_tile_moves_nothing(qtbot, view):
    figure = view.summary.findChild(QLabel, "monthFigure")
    before = figure.mapTo(view, figure.rect().topLeft()), view.summary.height()
    view.show_tile("month")
    QApplication.processEvents()
    assert (figure.mapTo(view, figure.rect().topLeft()), view.summary.height()) == before


# --- room: the caseload at 1280 x 800 ------------------------------------------------------------------


def _rows_in_view(v: CaseloadView) -> int:
    return v.table.viewport().height() // v.table.rowHeight(0)


@pytest.mark.parametrize("points", [9, 10])
def test_the_caseload_shows_fifteen_rows_at_1280_by_800(qtbot, demo_store, shipped_font, points):
    from iro_desktop.gui.main_window import MainWindow

    shipped_font(points)
    window = MainWindow(demo_store, TODAY)
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    qtbot.waitExposed(window)
    QApplication.processEvents()
    view = window.caseload
    assert window.size().toTuple() == (1280, 800) and view.table.font().family() == "DejaVu Sans"
    assert _rows_in_view(view) >= 15
    assert view.timeline.height() >= view.timeline.minimumSizeHint().height()  # and the 12 weeks still shown
    rows = _rows_in_view(view)
    window.resize(1280, 1000)  # a taller window: more rows, and the timeline up to a third of the height
    QApplication.processEvents()
    assert _rows_in_view(view) > rows and view.timeline.height() <= view.table.parentWidget().height() // 3


def test_the_iros_own_split_is_kept(qtbot, demo_store, shipped_font):
    from PySide6.QtWidgets import QSplitter

    from iro_desktop.gui.main_window import MainWindow
    from iro_desktop.store import open_store
    from tests.conftest import PASSPHRASE

    shipped_font(9)
    path = demo_store.path

    def opened(store) -> MainWindow:
        w = MainWindow(store, TODAY)
        qtbot.addWidget(w)
        w.resize(1280, 800)
        w.show()
        qtbot.waitExposed(w)
        QApplication.processEvents()
        return w

    window = opened(demo_store)
    splitter = window.caseload.findChild(QSplitter, "splitter")
    handle = splitter.handle(1)
    start = handle.rect().center()
    qtbot.mousePress(handle, Qt.MouseButton.LeftButton, pos=start)
    qtbot.mouseMove(handle, pos=start + QPoint(0, -150))
    qtbot.mouseRelease(handle, Qt.MouseButton.LeftButton, pos=start + QPoint(0, -150))
    dragged = splitter.sizes()
    assert dragged[1] > 300  # the IRO gave the timeline more room
    window.resize(1280, 820)  # and a resize does not put the default back
    QApplication.processEvents()
    assert splitter.sizes()[1] == dragged[1]
    window.close()  # which locks the store
    store = open_store(path, PASSPHRASE)
    try:
        again = opened(store)
        assert again.caseload.findChild(QSplitter, "splitter").sizes()[1] == dragged[1]
        again.close()
    finally:
        store.close()


def test_access_keys_on_the_caseload_are_unique_in_the_main_window(qtbot, demo_store):
    """Today once shared Alt+T with the Tools menu, and Qt then fires neither."""
    import re

    from PySide6.QtWidgets import QMenuBar

    from iro_desktop.gui.main_window import MainWindow

    window = MainWindow(demo_store, TODAY)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)

    def key(text: str) -> str | None:
        found = re.search(r"&([^&])", text.replace("&&", ""))
        return found.group(1).casefold() if found else None

    menus = [a.text() for a in window.findChild(QMenuBar).actions()]
    shown = window.caseload.findChildren(QLabel) + window.caseload.findChildren(QAbstractButton)
    page = [w.text() for w in shown if w.isVisible()]
    keys = [k for k in map(key, menus + page) if k]
    assert "o" in keys and keys.count("t") == 1  # Today is Alt+O; Alt+T is the Tools menu's
    assert len(keys) == len(set(keys)), sorted(keys)


def test_tab_reaches_every_control_of_the_caseload_on_another_day(qtbot, demo_store):
    """With the banner of another day the window has two parts to Tab through; the page is no Tab stop of
    its own that jumps to the table (it was, as the table's focus proxy), yet focusing it lands there."""
    from iro_desktop.gui.main_window import MainWindow

    window = MainWindow(demo_store, TODAY)
    qtbot.addWidget(window)
    window.show()
    _activate(qtbot, window)
    assert QApplication.focusWidget() is window.caseload.table  # opened (unlocked): on the list of children
    window.caseload.set_as_of(date(2026, 12, 25))
    window.show_caseload()
    assert QApplication.focusWidget() is window.caseload.table
    visited = []
    for _ in range(6):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        visited.append(QApplication.focusWidget().objectName())
    assert visited == ["backToTodayButton", "asOf", "todayButton", "search", "statusFilter", "table"]


def test_widths_saved_at_a_smaller_text_size_never_cut_a_heading(qtbot, demo_store):
    """Columns the IRO narrowed (or sized at a smaller font) open wide enough for their own headings."""
    first = CaseloadView(demo_store, TODAY)
    qtbot.addWidget(first)
    header = first.table.horizontalHeader()
    for col in range(header.count()):
        header.resizeSection(col, 20)
    first.save_column_choices()
    again = CaseloadView(demo_store, TODAY)
    qtbot.addWidget(again)
    header = again.table.horizontalHeader()
    cut = [
        again.proxy.headerData(col, Qt.Orientation.Horizontal)
        for col in range(header.count())
        if col != COL["Placement"] and header.sectionSize(col) < header.sectionSizeHint(col)
    ]
    assert cut == []
    assert header.sectionSize(COL["Name"]) >= header.sectionSizeHint(COL["Name"]) > 20
