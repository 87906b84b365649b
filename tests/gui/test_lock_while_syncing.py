"""Locking while a sync waits on a network that never answers: the app locks at once, and the data key goes
as soon as the one request in flight gives up, without sending the rest."""

from __future__ import annotations

import pytest

from iro_desktop.gui.main_window import MainWindow
from iro_desktop.gui.sync.worker import Runner
from iro_desktop.sync import client
from tests.conftest import TODAY
from tests.sync.live import LiveReceiver, enrolled, queue_signed_records
from tests.sync.test_malicious_receiver import HostileReceiver


@pytest.fixture
def silent(tmp_path):
    receiver = LiveReceiver(tmp_path).start()
    hostile = HostileReceiver(receiver, "silent")
    yield receiver, hostile
    hostile.close()
    receiver.stop()


def test_locking_mid_sync_on_a_silent_network_does_not_wait_for_it(qtbot, store, silent, monkeypatch):
    monkeypatch.setattr(client, "TIMEOUT_SECONDS", 5.0)  # long enough to lock while the request hangs
    receiver, hostile = silent
    enrolled(store, receiver, hostile.url)
    queue_signed_records(store, 5)
    window = MainWindow(store, TODAY)
    qtbot.addWidget(window)
    assert window.background_sync.run_now()
    qtbot.waitUntil(lambda: hostile.injected["silent"] == 1, timeout=10_000)  # the first record is out
    window.lock()
    (waiting,) = [runner for runner in window.findChildren(Runner) if runner.busy]  # still in flight...
    assert window.store is None and window.caseload is None  # ...yet the app is locked already
    assert store.data_key  # the key stays only while that request hangs
    qtbot.waitUntil(lambda: store.data_key == b"", timeout=15_000)
    assert hostile.injected["silent"] == 1  # and the other four were not tried
