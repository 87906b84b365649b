"""A test hook for timing the app as it is shipped: IRO_DESKTOP_TIMINGS names a file, and the app appends
one line per moment, "<name> <seconds since the epoch>", e.g. "unlock-painted 1796673601.0312".

The moments: `unlock-painted` (the unlock dialog's first paint), `unlock-pressed` (Unlock with a
passphrase), `unlocked` (the store open), `caseload-painted` (the caseload table's first paint) and
`window-hidden` (closing hid the window). With the variable unset nothing is watched or written.
Benchmarks read the file (tests/benchmarks/test_bench_gui.py); the code path is the one users run.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget

VARIABLE = "IRO_DESKTOP_TIMINGS"


def stamp(name: str) -> None:
    path = os.environ.get(VARIABLE)
    if path:
        with open(path, "a", encoding="utf-8") as f:
            f.write(f"{name} {time.time():.6f}\n")


class _FirstPaint(QObject):
    def __init__(self, parent: QWidget, name: str = "", then: Callable[[], None] | None = None) -> None:
        super().__init__(parent)
        self._name, self._then = name, then

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt override)
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            if self._name:
                stamp(self._name)
            if self._then:
                QTimer.singleShot(0, self._then)  # once this paint has reached the screen
        return False


def on_first_paint(widget: QWidget, name: str) -> None:
    """Stamp `name` when `widget` first paints (when the hook is on)."""
    if os.environ.get(VARIABLE):
        widget.installEventFilter(_FirstPaint(widget, name=name))


def after_first_paint(widget: QWidget, then: Callable[[], None]) -> None:
    """Call `then` once `widget` has first painted: work that must not delay what the IRO sees first."""
    widget.installEventFilter(_FirstPaint(widget, then=then))
