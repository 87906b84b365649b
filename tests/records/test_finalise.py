"""Finalising a review as the IRO meets it: refused while something is missing, then frozen and signed."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from iro_desktop.problems import Problem
from iro_desktop.records.keys import PRIVATE_KEY_SETTING, device_fingerprint, device_public_key
from iro_desktop.records.sealed import printed_id, render_record_pdf
from iro_desktop.records.signing import canonical, record_statement, sha256_hex, verify
from iro_desktop.services.demo import DEMO_SIGNED_REVIEWS
from iro_desktop.services.finalise import FinaliseRefused, finalise_demo_reviews, open_correction
from iro_desktop.services.minutes import minutes, save_section
from iro_desktop.store import audit
from iro_desktop.store.models import OutboxItem, Review, SignedRecord
from tests.conftest import TODAY, sign_review


def _record(store, signed_id):
    with store.session() as s:
        return s.get(SignedRecord, signed_id)


def test_finalising_signs_both_hashes_queues_the_record_and_freezes_the_review(demo_store, ready_review):
    done = sign_review(demo_store, ready_review)
    row = _record(demo_store, done.signed_record_id)
    assert row.content_hash == sha256_hex(row.canonical_json)
    pdf = render_record_pdf(json.loads(row.canonical_json))
    assert sha256_hex(pdf) == row.pdf_hash  # the PDF is drawn from the signed JSON alone
    statement = record_statement(row.record_id, 1, row.kind, row.content_hash, row.pdf_hash, None)
    assert verify(device_public_key(demo_store), statement, row.signature.decode())
    assert minutes(demo_store, ready_review, TODAY).status == "finalised"
    with demo_store.session() as s:
        item = s.scalars(select(OutboxItem).where(OutboxItem.signed_record_id == done.signed_record_id)).one()
        assert item.state == "queued"
    (entry,) = [e for e in audit.entries(demo_store) if e.action == "finalise"][:1]
    assert entry.subject == printed_id(done.record_id, 1) and entry.detail == "version 1"


def test_the_record_id_is_printed_in_the_pdf(demo_store, ready_review):
    done = sign_review(demo_store, ready_review)
    doc = json.loads(_record(demo_store, done.signed_record_id).canonical_json)
    assert doc["content"]["head"]["record_id"] == f"{done.record_id} v1"
    assert doc["signer"]["fingerprint"] == device_fingerprint(demo_store)


def test_a_review_with_problems_is_not_finalised_and_says_why(demo_store, ready_review):
    with demo_store.session() as s:
        s.get(Review, ready_review).spoke_alone = None
    with pytest.raises(FinaliseRefused) as refused:
        sign_review(demo_store, ready_review)
    assert any("alone" in p for p in refused.value.problems)
    with demo_store.session() as s:
        assert s.scalar(select(SignedRecord.id).where(SignedRecord.review_id == ready_review)) is None
        assert s.get(Review, ready_review).status == "held"


def test_a_finalised_review_cannot_be_edited_or_finalised_twice(demo_store, ready_review):
    sign_review(demo_store, ready_review)
    with pytest.raises(Problem, match="signed, so its record cannot change"):
        save_section(demo_store, ready_review, "health", "A later thought.")
    with pytest.raises(FinaliseRefused, match="already signed"):
        sign_review(demo_store, ready_review)


def test_a_correction_is_a_new_version_naming_what_it_supersedes_and_why(demo_store, ready_review):
    first = sign_review(demo_store, ready_review)
    open_correction(demo_store, ready_review)
    save_section(demo_store, ready_review, "health", "Dental check booked for 3 Dec 2026.")
    with pytest.raises(FinaliseRefused, match="why"):
        sign_review(demo_store, ready_review)
    second = sign_review(demo_store, ready_review, "The dental check was left out.")
    assert (second.record_id, second.version, second.supersedes_hash) == (
        first.record_id,
        2,
        first.content_hash,
    )
    row = _record(demo_store, second.signed_record_id)
    doc = json.loads(row.canonical_json)
    assert doc["correction_reason"] == row.correction_reason == "The dental check was left out."
    assert "Dental check booked" in row.canonical_json.decode()
    assert _record(demo_store, first.signed_record_id).content_hash == first.content_hash  # kept as it was


def test_canonical_json_is_byte_stable(demo_store, ready_review):
    done = sign_review(demo_store, ready_review)
    stored = _record(demo_store, done.signed_record_id).canonical_json
    assert canonical(json.loads(stored)) == stored
    reordered = json.loads(stored, object_pairs_hook=lambda pairs: dict(reversed(pairs)))
    assert canonical(reordered) == stored


def test_the_private_key_lives_only_in_the_encrypted_store(demo_store, ready_review, store_path):
    sign_review(demo_store, ready_review)
    secret = demo_store.get_setting(PRIVATE_KEY_SETTING)
    assert secret
    for path in store_path.parent.iterdir():
        assert secret.encode() not in path.read_bytes()


def test_the_demo_holds_signed_reviews_waiting_to_sync(demo_store):
    with demo_store.session() as s:
        assert s.scalars(select(OutboxItem.state)).all() == ["queued"] * DEMO_SIGNED_REVIEWS
    assert len(finalise_demo_reviews(demo_store, TODAY, count=2)) == 2  # the next two ready ones
