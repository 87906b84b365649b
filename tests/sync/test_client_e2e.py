"""The device's client against the real receiver on 127.0.0.1: enrol, approve, sync, proof kept."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import select

from iro_desktop.records.keys import device_fingerprint
from iro_desktop.services import challenges as ch
from iro_desktop.services.caseload import load_caseload
from iro_desktop.services.demo import DEMO_SIGNED_REVIEWS
from iro_desktop.services.finalise import finalise_challenge, finalise_demo_reviews, open_correction
from iro_desktop.services.minutes import save_section
from iro_desktop.store import audit
from iro_desktop.store.models import OutboxItem, SignedRecord
from iro_desktop.sync import outbox
from iro_desktop.sync.client import (
    ENROLMENT_SETTING,
    RECEIVER_FINGERPRINT_SETTING,
    SERVER_SETTING,
    SyncError,
    enrol,
    sync_once,
)
from iro_desktop.sync.receiver.storage import ReceiverStore
from tests.conftest import TODAY, sign_review
from tests.sync.live import LiveReceiver, enrolled, queue_signed_records

MON = date(2026, 11, 16)  # a Monday before the demo's today, when a concern is raised


@pytest.fixture
def receiver(tmp_path):
    live = LiveReceiver(tmp_path).start()
    yield live
    live.stop()


def _signed(store):
    with store.session() as s:
        return list(s.scalars(select(SignedRecord)))


def _states(store):
    return sorted(line.state for line in outbox.outbox_items(store))


def test_enrolment_pins_the_receiver_and_waits_for_approval(demo_store, receiver):
    done = enrol(demo_store, receiver.url)
    assert done.status == "pending" and done.device_fingerprint == device_fingerprint(demo_store)
    assert demo_store.get_setting(SERVER_SETTING) == receiver.url
    assert demo_store.get_setting(RECEIVER_FINGERPRINT_SETTING) == done.receiver_fingerprint
    report = sync_once(demo_store)
    assert "approve" in report.stopped and not report.delivered
    assert _states(demo_store) == ["queued"] * DEMO_SIGNED_REVIEWS  # nothing lost while waiting
    assert demo_store.get_setting(ENROLMENT_SETTING) == "pending"


def test_an_iro_name_the_receiver_would_refuse_as_it_is_still_enrols(store, receiver):
    """The receiver takes at most 100 characters without control characters: the app sends its name so."""
    from iro_desktop.store.models import Profile

    with store.session() as s:
        s.get(Profile, 1).iro_name = "Alex\tExample-" + "Smythe" * 30
    done = enrol(store, receiver.url)
    held = ReceiverStore(receiver.db_url)
    (device,) = held.devices()
    held.dispose()
    assert done.status == "pending" and device.name.startswith("AlexExample-Smythe")
    assert len(device.name) == 100 and device.name.isprintable()


def test_finalised_reviews_are_delivered_once_with_verified_receipts_kept(demo_store, receiver):
    enrolled(demo_store, receiver)
    done = finalise_demo_reviews(demo_store, TODAY, count=1) + _signed(demo_store)
    report = sync_once(demo_store)
    assert sorted(report.delivered) == sorted({d.record_id for d in done})
    assert _states(demo_store) == ["delivered"] * (DEMO_SIGNED_REVIEWS + 1)
    held = receiver.held()
    assert sorted(r.content_hash for r in held) == sorted({d.content_hash for d in done})
    assert all(r.pdf for r in held)
    with demo_store.session() as s:
        receipts = [json.loads(r) for r in s.scalars(select(OutboxItem.receipt))]
    assert {r["receipt"]["content_hash"] for r in receipts} == {d.content_hash for d in done}
    again = sync_once(demo_store)
    assert not again.delivered and receiver.count() == DEMO_SIGNED_REVIEWS + 1
    synced = [e.detail for e in audit.entries(demo_store) if e.action == "sync"]
    assert synced == [f"{DEMO_SIGNED_REVIEWS + 1} delivered, 0 to retry, 0 refused"]  # the idle run left none


def test_a_correction_reaches_the_receiver_as_a_second_version(demo_store, receiver):
    enrolled(demo_store, receiver)
    first = finalise_demo_reviews(demo_store, TODAY, count=1)[0]
    sync_once(demo_store)
    with demo_store.session() as s:
        review_id = s.scalars(
            select(SignedRecord.review_id).where(SignedRecord.id == first.signed_record_id)
        ).one()
    open_correction(demo_store, review_id)
    save_section(demo_store, review_id, "health", "Dental check booked.")
    second = sign_review(demo_store, review_id, "The dental check was left out.")
    assert sync_once(demo_store).delivered == [first.record_id]
    versions = [
        (r.record_version, r.supersedes_hash) for r in receiver.held() if r.record_id == first.record_id
    ]
    assert versions == [(1, None), (2, first.content_hash)]
    assert second.supersedes_hash == first.content_hash


def test_signed_concern_letters_reach_the_receiver_each_stage_a_new_version(demo_store, receiver):
    enrolled(demo_store, receiver)
    sync_once(demo_store)  # the demo's signed reviews first
    child_id = load_caseload(demo_store, TODAY)[0].id
    concern = {"issue": "no_social_worker", "details": "No social worker.", "raised_on": MON}
    cid = ch.raise_concern(demo_store, child_id, **concern)
    ch.escalate(demo_store, cid, "stage_1", MON)
    first = finalise_challenge(demo_store, cid)
    ch.escalate(demo_store, cid, "stage_2", date(2026, 11, 24))
    second = finalise_challenge(demo_store, cid)
    assert sync_once(demo_store).delivered == [first.record_id, first.record_id]  # both versions
    held = sorted(
        (r.record_version, r.supersedes_hash, r.kind)
        for r in receiver.held()
        if r.record_id == first.record_id
    )
    assert held == [(1, None, "challenge_letter"), (2, first.content_hash, "challenge_letter")]
    assert second.supersedes_hash == first.content_hash


def test_a_refused_record_is_set_aside_with_its_reason_and_the_others_go(store, receiver):
    enrolled(store, receiver)
    ids = queue_signed_records(store, 3)
    with store.session() as s:  # one record damaged in the store after signing: the receiver refuses it
        row = s.scalars(select(SignedRecord).where(SignedRecord.record_id == ids[1])).one()
        row.canonical_json = row.canonical_json.replace(b"fictional", b"fictitious")
    report = sync_once(store)
    assert sorted(report.delivered) == sorted([ids[0], ids[2]])
    assert [rid for rid, _ in report.rejected] == [ids[1]]
    refused = [line for line in outbox.outbox_items(store) if line.state == "rejected"]
    assert refused[0].record_id == ids[1] and "hash" in refused[0].last_error
    assert sync_once(store).rejected == []  # set aside: not sent again


def test_with_the_receiver_down_records_wait_in_the_queue(store, receiver):
    enrolled(store, receiver)
    queue_signed_records(store, 2)
    receiver.stop()
    report = sync_once(store)
    assert report.stopped and not report.delivered
    assert _states(store) == ["queued", "queued"]


def test_a_record_left_sending_by_a_closed_app_is_sent_on_the_next_sync(store, receiver):
    enrolled(store, receiver)
    queue_signed_records(store, 2)
    with store.session() as s:
        ids = list(s.scalars(select(OutboxItem.id)))
    outbox.mark_sending(store, ids)  # the app was closed here, mid-sync
    assert len(sync_once(store).delivered) == 2


def test_sync_without_a_receiver_says_what_to_do(store):
    with pytest.raises(SyncError, match="enrol"):
        sync_once(store)


def test_the_command_line_enrols_syncs_and_lists_the_outbox(demo_store, store_path, receiver):
    import os
    import subprocess
    import sys

    from tests.conftest import PASSPHRASE

    demo_store.close()
    env = {**os.environ, "IRO_DESKTOP_PASSPHRASE": PASSPHRASE}

    def iro(*args):
        return subprocess.run(
            [sys.executable, "-m", "iro_desktop", *args, "--db", str(store_path)],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
        )

    enrolling = iro("enrol", "--server", receiver.url)
    assert enrolling.returncode == 0, enrolling.stderr
    assert "Waiting for approval" in enrolling.stdout
    printed = enrolling.stdout.split("fingerprint: ")[1].split("\n")[0]
    receiver.approve(printed.replace(" ", "-"))
    synced = iro("sync")
    assert synced.returncode == 0, synced.stderr
    assert f"Delivered: {DEMO_SIGNED_REVIEWS}" in synced.stdout and "Refused: 0" in synced.stdout
    listed = iro("outbox", "--json")
    assert {row["state"] for row in json.loads(listed.stdout)} == {"delivered"}
