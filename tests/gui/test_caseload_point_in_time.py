"""The caseload screen shown as of a past day, and overdue read as working days overdue (issue 16)."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QLabel, QTableWidget

from iro_desktop.domain.timescales import Status
from iro_desktop.gui.caseload.model import COL
from iro_desktop.gui.child import ChildPage
from iro_desktop.gui.main_window import MainWindow
from iro_desktop.services.care_facts import AS_NOW_NOTE
from iro_desktop.services.caseload import load_caseload
from tests.conftest import TODAY
from tests.interop.helpers import import_one_child

PAST = date(2026, 6, 1)


def _window(qtbot, store) -> MainWindow:
    window = MainWindow(store, TODAY)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def _cells(view, column: str) -> dict[int, str]:
    proxy = view.proxy
    return {proxy.child_id(r): proxy.index(r, COL[column]).data() for r in range(proxy.rowCount())}


def test_c3_overdue_rows_say_working_days_overdue_never_a_minus_or_zero_left(qtbot, demo_store):
    view = _window(qtbot, demo_store).caseload
    left = _cells(view, "Working days left")
    overdue = [r for r in view.model.rows() if r.status is Status.OVERDUE]
    assert overdue, "the demo has overdue children"
    for row in overdue:
        assert left[row.id] == f"{-row.working_days_left} overdue" and row.working_days_left < 0
    assert not any(text.startswith("-") for text in left.values())


def test_t3_a_past_day_shows_what_was_true_then_and_the_banner_says_what_is_as_now(qtbot, demo_store):
    window = _window(qtbot, demo_store)
    view = window.caseload
    today_reviews = {r.id: r.last_review for r in view.model.rows()}
    view.set_as_of(PAST)
    then = {r.id: r for r in view.model.rows()}
    later = [i for i, held in today_reviews.items() if held is not None and held > PAST]
    assert later, "the demo has reviews held after the day viewed"
    for child_id in later:  # a review held after the day viewed is not the last review then
        assert then[child_id].last_review is None or then[child_id].last_review <= PAST
    label = window.view_date_banner.findChild(QLabel).text()
    assert "You are looking back at 1 Jun 2026." in label and AS_NOW_NOTE in label
    assert int(view.summary.figure("overdue")) == sum(r.status is Status.OVERDUE for r in then.values())


def test_t1_reviews_of_an_earlier_period_of_care_are_labelled_on_the_childs_page(qtbot, store, tmp_path):
    episodes = [("2025-03-01", "2025-09-06", "S", "E4A", "C2"), ("2025-11-03", "", "P", "", "C2")]
    import_one_child(store, tmp_path, "2014-05-01", episodes, [("2025-03-20", "PN1"), ("2025-06-20", "PN1")])
    [row] = load_caseload(store, TODAY)
    page = ChildPage(store, row.id, TODAY)
    qtbot.addWidget(page)
    table = page.findChild(QTableWidget, "reviewsTable")
    states = [table.item(r, 2) for r in range(table.rowCount())]
    assert [s.text() for s in states] == ["Recorded elsewhere (earlier period of care)"] * 2
    assert "Earlier period of care (1 Mar 2025 to 6 Sep 2025)" in states[0].toolTip()
    assert row.last_review is None and row.looked_after_since == date(2025, 11, 3)


def test_on_a_past_day_each_tile_shows_the_children_it_counts_then(qtbot, demo_store):
    """The tiles' filters are worked out for the day viewed, as their figures are (issue 17)."""
    view = _window(qtbot, demo_store).caseload
    view.set_as_of(PAST)
    then = view.model.rows()
    for key in view.summary.keys():
        view.show_tile(key)
        shown = view.proxy.visible_rows()
        figure = {
            "decisions": sum(r.decisions_overdue for r in shown),
            "challenges": sum(r.challenges_overdue for r in shown),
        }.get(key, len(shown))
        assert view.summary.figure(key) == figure, key
        assert view.statusFilter.currentText().endswith(f"({len(shown)})"), key
    view.show_tile("overdue")
    assert {r.id for r in view.proxy.visible_rows()} == {r.id for r in then if r.status is Status.OVERDUE}
