"""1,000 records through a network and a receiver that fail in every way the tests can inject: in the end
every record is held exactly once, every receipt verifies, nothing is lost and nothing duplicated."""

from __future__ import annotations

import json
from collections import Counter
from datetime import datetime

from sqlalchemy import select

from iro_desktop.records.signing import unb64
from iro_desktop.store.models import OutboxItem, SignedRecord
from iro_desktop.sync.client import RECEIVER_KEY_SETTING, receipt_problem, sync_once
from tests.sync.faulty_proxy import FAULTS, FaultyProxy
from tests.sync.live import LiveReceiver, enrolled, queue_signed_records

RECORDS = 1000
LATER = datetime(2100, 1, 1)  # each pass may retry at once: the backoff is tested on its own


def test_every_record_is_delivered_exactly_once_through_faults(store, tmp_path):
    receiver = LiveReceiver(tmp_path).start()
    proxy = FaultyProxy(receiver.port, fault_rate=0.2, restart=receiver.restart)
    try:
        device = enrolled(store, receiver, proxy.url)
        ids = queue_signed_records(store, RECORDS)
        passes = 0
        while passes < 40 and _waiting(store):
            sync_once(store, proxy.url, now=LATER)
            passes += 1
        held = receiver.held()
    finally:
        proxy.close()
        receiver.stop()
    assert set(proxy.injected) == set(FAULTS), proxy.injected  # every kind of fault happened
    assert not _waiting(store)
    assert Counter(r.record_id for r in held) == Counter(ids)  # all there, none twice
    _assert_receipts_verify(store, device)


def _waiting(store) -> int:
    with store.session() as s:
        return len(s.scalars(select(OutboxItem.id).where(OutboxItem.state != "delivered")).all())


def _assert_receipts_verify(store, device: str) -> None:
    receiver_key = unb64(store.get_setting(RECEIVER_KEY_SETTING))
    with store.session() as s:
        rows = s.execute(select(OutboxItem.receipt, SignedRecord).join(SignedRecord)).all()
    assert len(rows) == RECORDS
    for receipt, record in rows:
        problem = receipt_problem(
            json.loads(receipt), record.record_id, record.content_hash, receiver_key, device
        )
        assert problem is None
