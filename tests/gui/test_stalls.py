"""The stall monitor (IRO_DESKTOP_STALLS): a freeze of the screen's thread is written down as one stall, and
with the variable unset nothing runs. Detection only: speed is measured in
tests/benchmarks/test_bench_stalls.py."""

from __future__ import annotations

import time

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from iro_desktop.gui import stalls


def _stalls(path) -> list[tuple[float, int, str]]:
    lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
    return [(float(start), int(ms), label) for start, ms, label in (line.split(" ", 2) for line in lines)]


def test_a_300_ms_freeze_is_one_stall_of_at_least_300_ms(qtbot, tmp_path, monkeypatch):
    path = tmp_path / "stalls"
    monkeypatch.setenv(stalls.VARIABLE, str(path))
    monitor = stalls.watch(QApplication.instance())
    qtbot.wait(100)
    frozen: list[float] = []

    def freeze() -> None:
        frozen.append(time.monotonic())
        time.sleep(0.3)
        frozen.append(time.monotonic())

    QTimer.singleShot(0, freeze)
    qtbot.waitUntil(lambda: len(frozen) == 2)
    qtbot.wait(100)
    monitor.timer.stop()
    monitor.setParent(None)  # gone with the test, not left beating on the application
    # A busy machine may add short stalls of its own: the freeze is the one stall spanning it (to the
    # millisecond the file rounds to).
    spanning = [s for s in _stalls(path) if s[0] <= frozen[0] and s[0] + (s[1] + 1) / 1000 >= frozen[1]]
    assert len(spanning) == 1
    start, ms, label = spanning[0]
    assert ms >= 300
    assert " > " in label  # what was active before and after


def test_with_the_variable_unset_no_timer_runs(qtbot, monkeypatch):
    monkeypatch.delenv(stalls.VARIABLE, raising=False)
    app = QApplication.instance()
    timers_before = set(app.findChildren(QTimer))
    assert stalls.watch(app) is None
    assert set(app.findChildren(QTimer)) == timers_before
    assert not app.findChildren(stalls.StallMonitor)  # so no file is named, and none can be written
