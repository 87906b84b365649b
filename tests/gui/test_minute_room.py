"""Room to minute on a council laptop: at 1280 x 800 (and 1366 x 768) and 100 % scale, with the fonts the app
ships, the minute shows the section being written, last time and at least six people's attendance at once,
for the demo's review with the most people; its panes are splitters, and where the IRO drags them they stay.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QSplitter, QWidget

from iro_desktop.gui import window_state
from iro_desktop.gui.main_window import MainWindow
from iro_desktop.gui.review.minute import ROWS_SHOWN, MinutePage
from iro_desktop.problems import Problem
from iro_desktop.services import minutes as svc
from iro_desktop.services.caseload import load_caseload
from iro_desktop.services.review_prep import next_review_for
from tests.conftest import TODAY

_BUSIEST: list[tuple[int, int]] = []  # every test's demo store is a copy of one demo: found once


def most_people(store) -> tuple[int, int]:
    """(child id, review id) of the demo's next review with the most people around the child."""
    if not _BUSIEST:
        reviews = []
        for row in load_caseload(store, TODAY):
            try:
                review_id = next_review_for(store, row.id)
            except Problem:  # not looked after now: no review to prepare
                continue
            reviews.append((len(svc.minutes(store, review_id, TODAY).people), row.id, review_id))
        people, child_id, review_id = max(reviews)
        assert people > ROWS_SHOWN  # the list really has more people than it shows
        _BUSIEST.append((child_id, review_id))
    return _BUSIEST[0]


def open_minute(qtbot, store, size: tuple[int, int]) -> tuple[MainWindow, MinutePage]:
    window = MainWindow(store, TODAY)
    qtbot.addWidget(window)
    window.resize(*size)
    window.show()
    qtbot.waitExposed(window)
    child_id, _review = most_people(store)
    window.open_child(child_id)
    window.open_review(child_id)
    window.review.tabs.setCurrentWidget(window.review.minute)
    QApplication.processEvents()
    return window, window.review.minute


def inside(window: QWidget, widget: QWidget) -> bool:
    """Shown, and wholly inside the window."""
    top_left = widget.mapTo(window, QPoint(0, 0))
    return widget.isVisible() and window.rect().contains(widget.rect().translated(top_left))


@pytest.mark.parametrize(("points", "size"), [(9, (1280, 800)), (10, (1280, 800)), (9, (1366, 768))])
def test_the_section_last_time_and_six_people_show_at_once(qtbot, demo_store, shipped_font, points, size):
    shipped_font(points)
    window, page = open_minute(qtbot, demo_store, size)
    assert (window.width(), window.height()) == size
    assert page.attendance_rows_shown() >= ROWS_SHOWN
    editor, lines = page.current_editor(), page.current_editor().fontMetrics().lineSpacing()
    assert editor.viewport().height() >= 6 * lines  # room to write, not a slot
    assert page.last_time.viewport().height() >= 6 * lines
    for widget in (editor, page.last_time, page.attendance_table, page.section_list, page.held_date):
        assert inside(window, widget), widget.objectName()
    needed = window.minimumSizeHint()
    assert needed.width() <= size[0] and needed.height() <= size[1]  # the page does not scroll: it fits


def drag(qtbot, splitter: QSplitter, by: int) -> None:
    """Drag the splitter's handle with the mouse, as the IRO would."""
    handle = splitter.handle(1)
    start = handle.rect().center()
    step = QPoint(0, by) if splitter.orientation() == Qt.Orientation.Vertical else QPoint(by, 0)
    qtbot.mousePress(handle, Qt.MouseButton.LeftButton, pos=start)
    qtbot.mouseMove(handle, start + step)
    qtbot.mouseRelease(handle, Qt.MouseButton.LeftButton, pos=start + step)


def test_the_panes_stay_where_the_iro_drags_them(qtbot, demo_store, shipped_font):
    shipped_font(9)
    window, page = open_minute(qtbot, demo_store, (1280, 800))
    dragged = {}
    for name, by in (("mainSplitter", 60), ("sectionsSplitter", 50), ("attendanceSplitter", -80)):
        splitter = page.findChild(QSplitter, name)
        was = splitter.sizes()
        drag(qtbot, splitter, by)
        assert splitter.sizes() != was, name
        dragged[name] = splitter.sizes()
    window_state.sync()

    child_id = window.review_child_id
    window.open_child(child_id)  # the review's page is gone; a new one is built from the store
    window.open_review(child_id)
    window.review.tabs.setCurrentWidget(window.review.minute)
    QApplication.processEvents()
    again = window.review.minute
    assert again is not page
    assert {name: again.findChild(QSplitter, name).sizes() for name in dragged} == dragged
