"""A test hook for finding where the screen freezes: IRO_DESKTOP_STALLS names a file, and the app appends one
line per event-loop stall over 100 ms, "<monotonic seconds at its start> <milliseconds> <label>", e.g.
"81234.501234 312 MainWindow/MinutePage/QPlainTextEdit > FinaliseDialog/-/QLineEdit".

A heartbeat timer on the screen's thread beats every 15 ms; a beat later than that by over 100 ms means the
thread was busy and nothing on screen answered meanwhile. The label is what was on screen at the beat before
the stall, then at the beat after: the active window's class, the app's own page or form holding the focus,
and the focused widget's class. Class names only, never a title or a text, so no personal data reaches the
file. The seconds are time.monotonic(), the clock a benchmark reads too, so it can tell in which step each
stall fell (tests/benchmarks/test_bench_stalls.py).
With the variable unset no timer exists and nothing is written.
"""

from __future__ import annotations

import os
import time

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtWidgets import QApplication

VARIABLE = "IRO_DESKTOP_STALLS"
BEAT_MS = 15
STALL_MS = 100  # beyond the beat


def _doing() -> str:
    """What the IRO is at, as class names: the active window, the app's own widget holding the focus (the
    page or form) and the focused widget itself."""
    window, focus = QApplication.activeWindow(), QApplication.focusWidget()
    owner = focus.parentWidget() if focus else None
    while owner is not None and not type(owner).__module__.startswith("iro_desktop"):
        owner = owner.parentWidget()
    owner = None if owner is window else owner  # a dialog's own field: the dialog is named once
    names = (type(w).__name__ if w is not None else "-" for w in (window, owner, focus))
    return "/".join(names)


class StallMonitor(QObject):
    def __init__(self, path: str, parent: QObject) -> None:
        super().__init__(parent)
        self._path = path
        self._last_beat, self._last_doing = time.monotonic(), _doing()
        self.timer = QTimer(self, timerType=Qt.TimerType.PreciseTimer, interval=BEAT_MS)
        self.timer.timeout.connect(self._beat)
        self.timer.start()

    def _beat(self) -> None:
        now, doing = time.monotonic(), _doing()
        gap_ms = (now - self._last_beat) * 1000
        if gap_ms - BEAT_MS > STALL_MS:
            with open(self._path, "a", encoding="utf-8") as f:
                f.write(f"{self._last_beat:.6f} {gap_ms:.0f} {self._last_doing} > {doing}\n")
        self._last_beat, self._last_doing = now, doing


def watch(app: QApplication) -> StallMonitor | None:
    """Start recording stalls when the hook is on; None (and nothing running) when it is off."""
    path = os.environ.get(VARIABLE)
    return StallMonitor(path, app) if path else None
