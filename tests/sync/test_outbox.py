"""The outbox's states as the IRO sees them, and the backoff between attempts."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from iro_desktop.services.demo import DEMO_SIGNED_REVIEWS
from iro_desktop.services.finalise import finalise_demo_reviews
from iro_desktop.sync import outbox
from tests.conftest import TODAY
from tests.sync.live import queue_signed_records

NOW = datetime(2026, 11, 25, 14, 0)


def _items(store):
    return {line.record_id: line for line in outbox.outbox_items(store)}


def test_finalised_reviews_wait_in_the_outbox_named_by_child(demo_store):
    done = finalise_demo_reviews(demo_store, TODAY, count=2)
    lines = outbox.outbox_items(demo_store)
    assert len(lines) == DEMO_SIGNED_REVIEWS + 2 and {d.record_id for d in done} <= {
        x.record_id for x in lines
    }
    assert all(
        line.state == "queued" and line.child_name and line.state_label == "Waiting to send" for line in lines
    )
    by_review = outbox.review_states(demo_store, [line.review_id for line in lines])
    assert {line.state for line in by_review.values()} == {"queued"}


def test_a_failed_attempt_waits_longer_each_time_with_jitter(store):
    queue_signed_records(store, 1)
    (line,) = outbox.outbox_items(store)
    waits = []
    for _ in range(5):
        outbox.record_outcomes(
            store, [outbox.Outcome(line.item_id, "retry", "No answer.")], NOW, random.Random(1)
        )
        waits.append(_items(store)[line.record_id].next_attempt_at - NOW)
    assert waits == sorted(waits) and waits[-1] > waits[0] * 4
    assert _items(store)[line.record_id].attempts == 5
    assert outbox.due(store, NOW) == [] and len(outbox.due(store, NOW + timedelta(hours=2))) == 1


def test_backoff_is_capped_and_jittered():
    rng = random.Random(3)
    draws = {outbox.backoff_seconds(3, rng) for _ in range(20)}
    assert len(draws) > 1 and all(10 <= d <= 20 for d in draws)
    assert outbox.backoff_seconds(50, rng) <= outbox.MAX_DELAY_SECONDS


def test_a_rejected_record_is_set_aside_and_the_others_stay_due(store):
    first, second = queue_signed_records(store, 2)
    items = _items(store)
    outbox.record_outcomes(store, [outbox.Outcome(items[first].item_id, "rejected", "Not intact.")], NOW)
    assert [rec.record_id for _, rec in outbox.due(store, NOW)] == [second]
    assert _items(store)[first].last_error == "Not intact."
    outbox.requeue(store, items[first].item_id)
    assert len(outbox.due(store, NOW)) == 2


def test_records_left_sending_when_the_app_closed_go_back_to_the_queue(store):
    queue_signed_records(store, 3)
    outbox.mark_sending(store, [line.item_id for line in outbox.outbox_items(store)])
    assert outbox.due(store, NOW) == []
    assert outbox.recover_interrupted(store) == 3
    assert outbox.counts(store)["queued"] == 3
