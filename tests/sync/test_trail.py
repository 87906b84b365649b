"""The audit trail's end anchored at the council: each sync sends its head to the real receiver, which
keeps it only when the trail still runs through the head it held. A trail cut after a sync is caught by the
receiver (`iro-desktop-receiver trail`) and by `audit --verify`; a restore from backup is a rewind the
receiver accepts once, and shows."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import delete, select

from iro_desktop.cli import main as iro_desktop
from iro_desktop.records.signing import canonical
from iro_desktop.store import audit, open_store
from iro_desktop.store.models import AuditEntry
from iro_desktop.sync.client import sync_once
from iro_desktop.sync.receiver import cli as receiver_cli
from iro_desktop.sync.receiver import trail as receiver_trail
from iro_desktop.sync.receiver.storage import ReceiverStore
from tests.conftest import PASSPHRASE
from tests.sync.helpers import Device
from tests.sync.live import LiveReceiver, enrolled, queue_signed_records


@pytest.fixture
def receiver(tmp_path):
    (tmp_path / "council").mkdir()
    live = LiveReceiver(tmp_path / "council").start()
    yield live
    live.stop()


def _held(receiver, fingerprint: str) -> tuple[dict, list[str]]:
    store = ReceiverStore(receiver.db_url)
    try:
        return receiver_trail.held(store, fingerprint), [
            e.kind for e in receiver_trail.events(store, fingerprint)
        ]
    finally:
        store.dispose()


def _cut_newest(store, n: int) -> None:
    """What someone holding the passphrase might do with SQL to hide what they did last."""
    with store.session() as s:
        newest = s.scalars(select(AuditEntry.id).order_by(AuditEntry.id.desc()).limit(n)).all()
        s.execute(delete(AuditEntry).where(AuditEntry.id.in_(newest)))


def test_each_sync_hands_the_council_the_trails_head_and_verify_checks_it_still_holds(store, receiver):
    fingerprint = enrolled(store, receiver)
    queue_signed_records(store, 2)
    first = sync_once(store, receiver.url)
    head = audit.head(store)
    assert (
        first.trail_taken
        and first.trail == f"The council holds this device's audit trail up to entry {head.entries}."
    )
    held, kinds = _held(receiver, fingerprint)
    assert (held["entries"], held["head_hash"]) == (head.entries, head.hash) and kinds == ["extended"]
    audit.record(store, "view_child", subject="T0001")
    queue_signed_records(store, 1)
    second = sync_once(store, receiver.url)
    assert second.trail_taken and _held(receiver, fingerprint)[0]["entries"] == audit.head(store).entries
    assert audit.verify(store) == []


def test_entries_cut_after_a_sync_are_caught_by_the_council_and_by_verify(store, receiver, capsys):
    fingerprint = enrolled(store, receiver)
    queue_signed_records(store, 1)
    assert sync_once(store, receiver.url).trail_taken
    synced = audit.head(store)
    _cut_newest(store, 2)  # the chain of what is left is still whole: only the anchor shows the cut
    problems = audit.verify(store)
    assert len(problems) == 1 and f"holds its first {synced.entries} entries" in problems[0]

    queue_signed_records(store, 1)
    report = sync_once(store, receiver.url)
    assert len(report.delivered) == 1  # the records still go: the refusal is about the trail
    assert not report.trail_taken and "was cut or rewound since it last synced" in report.trail
    held, kinds = _held(receiver, fingerprint)
    assert (held["entries"], held["head_hash"]) == (synced.entries, synced.hash) and kinds[0] == "refused"
    assert receiver_cli.main(["trail", fingerprint, "--db", receiver.db_url]) == 1
    shown = capsys.readouterr()
    assert "refused" in shown.out and "cut or rewound" in shown.err


def test_a_restore_from_backup_is_a_rewind_the_council_accepts_and_sees(
    store, store_path, receiver, monkeypatch, capsys
):
    fingerprint = enrolled(store, receiver)
    backup_file = store_path.with_name("before.iro-backup")
    monkeypatch.setenv("IRO_DESKTOP_PASSPHRASE", PASSPHRASE)
    store.close()
    assert iro_desktop(["backup", "--db", str(store_path), str(backup_file)]) == 0
    store = open_store(store_path, PASSPHRASE)
    queue_signed_records(store, 1)
    assert sync_once(store, receiver.url).trail_taken
    store.close()
    assert iro_desktop(["restore", "--db", str(store_path), str(backup_file)]) == 0  # writes a restore entry
    store = open_store(store_path, PASSPHRASE)
    try:
        assert audit.verify(store) == []  # the backup's own anchor (none yet) still holds
        report = sync_once(store, receiver.url)
        assert report.trail_taken and audit.verify(store) == []
        held, kinds = _held(receiver, fingerprint)
        assert held["entries"] == audit.head(store).entries and kinds[0] == "restored"
        assert held["restore_hash"] == audit.latest_restore(store).hash
        # The same restore entry cannot excuse a second rewind.
        _cut_newest(store, 1)
        assert not sync_once(store, receiver.url).trail_taken
        assert _held(receiver, fingerprint)[1][0] == "refused"
    finally:
        store.close()
    capsys.readouterr()
    receiver_cli.main(["trail", fingerprint, "--db", receiver.db_url])
    assert "restored from a backup" in capsys.readouterr().out


def test_the_receiver_refuses_a_head_sent_from_a_stale_view_without_calling_it_a_cut(receiver):
    device = Device()
    with httpx.Client(base_url=receiver.url, timeout=30) as client:
        device.enrol(client)
        receiver.approve(device.fingerprint)
        claim = {
            "base_entries": 0,
            "base_hash": "0" * 64,
            "entries": 3,
            "head_hash": "a" * 64,
            "restore": None,
        }
        first = device.signed(client, "PUT", "/v1/trail", canonical(claim))
        stale = device.signed(client, "PUT", "/v1/trail", canonical(claim | {"entries": 4}))
        malformed = device.signed(client, "PUT", "/v1/trail", b'{"base_entries": -1}')
        held = device.signed(client, "GET", "/v1/trail")
    assert first.status_code == 200 and first.json()["entries"] == 3
    assert stale.status_code == 409 and "changed while the device was syncing" in stale.json()["detail"]
    assert malformed.status_code == 400
    assert held.json() == {"entries": 3, "head_hash": "a" * 64, "restore_hash": None}
    assert _held(receiver, device.fingerprint)[1] == ["extended"]


def test_audit_verify_on_the_command_line_reports_the_cut(store, store_path, receiver, monkeypatch, capsys):
    enrolled(store, receiver)
    queue_signed_records(store, 1)
    sync_once(store, receiver.url)
    _cut_newest(store, 1)
    store.close()
    monkeypatch.setenv("IRO_DESKTOP_PASSPHRASE", PASSPHRASE)
    assert iro_desktop(["audit", "--verify", "--db", str(store_path)]) == 1
    assert "cut or rewound after it was synced" in capsys.readouterr().out
