"""Locking while a sync waits on a network that never answers: the app locks at once, and the data key goes
without waiting for the request in flight to give up, and without sending the rest."""

from __future__ import annotations

import faulthandler
import tempfile

import pytest

from iro_desktop.gui import operations
from iro_desktop.gui.main_window import MainWindow
from iro_desktop.store import open_store
from iro_desktop.sync import client, outbox
from tests.conftest import PASSPHRASE, TODAY
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
    monkeypatch.setattr(client, "TIMEOUT_SECONDS", 120.0)  # the request would hang for two minutes
    receiver, hostile = silent
    enrolled(store, receiver, hostile.url)
    queue_signed_records(store, 5)
    window = MainWindow(store, TODAY)
    qtbot.addWidget(window)
    assert window.background_sync.run_now()
    qtbot.waitUntil(lambda: hostile.injected["silent"] == 1, timeout=10_000)  # the first record is out
    window.lock()
    assert window.store is None and window.caseload is None  # locked at once
    try:  # long before the request gives up
        qtbot.waitUntil(lambda: store.data_key == b"", timeout=15_000)
    except qtbot.TimeoutError:
        pytest.fail(f"The key was still held 15 s after locking. Threads then:\n{_stacks()}")
    assert not operations.busy_now()  # the cancelled sync has ended
    assert hostile.injected["silent"] == 1  # and the other four were not tried
    reopened = open_store(store.path, PASSPHRASE)
    try:
        assert [line.state for line in outbox.outbox_items(reopened)] == ["queued"] * 5
    finally:
        reopened.close()


def _stacks() -> str:
    """Every thread's stack, for a failure that would otherwise say only that time ran out."""
    with tempfile.TemporaryFile("w+") as out:
        faulthandler.dump_traceback(out, all_threads=True)
        out.seek(0)
        return out.read()
