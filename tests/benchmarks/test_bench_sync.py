"""Sync benchmark: 1,000 finalised records from a device store to the real receiver on loopback (SQLite).

Baseline in the same run: the raw PUT loop (pre-signed bundles, one httpx client, no outbox, no receipt
checks), so the ratio shows what the outbox, the store writes and the receipt verification cost.
"""

from __future__ import annotations

import time

import httpx

from iro_desktop.records.sealed import sign_bundle
from iro_desktop.records.signing import canonical
from iro_desktop.sync.client import sync_once
from tests.benchmarks.helpers import report
from tests.sync.helpers import Device
from tests.sync.live import LiveReceiver, enrolled, queue_signed_records

RECORDS = 1000
TARGET_SECONDS = 10.0


def _raw_put_loop(receiver: LiveReceiver) -> float:
    device = Device("Baseline laptop")
    with httpx.Client(base_url=receiver.url, timeout=20) as http:
        device.enrol(http)
        receiver.approve(device.fingerprint)
        bundles = [
            sign_bundle(
                device.key, f"raw-{i}", 1, "review", canonical({"n": i, "kind": "review"}), None, None
            )
            for i in range(RECORDS)
        ]
        start = time.perf_counter()
        for bundle in bundles:
            assert device.put(http, bundle).status_code == 201
        return time.perf_counter() - start


def test_sync_1000_records_on_loopback(store, tmp_path):
    receiver = LiveReceiver(tmp_path).start()
    try:
        baseline = _raw_put_loop(receiver)
        enrolled(store, receiver)
        queue_signed_records(store, RECORDS)
        start = time.perf_counter()
        result = sync_once(store)
        elapsed = time.perf_counter() - start
    finally:
        receiver.stop()
    assert len(result.delivered) == RECORDS
    report(
        "Sync 1,000 signed records to the receiver on loopback (SQLite)",
        [
            (f"sync_once, outbox to verified receipts (target < {TARGET_SECONDS:.0f} s)", f"{elapsed:.2f} s"),
            ("raw PUT loop, same receiver (baseline)", f"{baseline:.2f} s"),
            ("ratio sync / raw", f"{elapsed / baseline:.2f}x"),
            ("records per second", f"{RECORDS / elapsed:.0f}"),
        ],
    )
    assert elapsed < TARGET_SECONDS
