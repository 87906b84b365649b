"""The outbox: every finalised record, waiting for the council's receiver, with its state.

queued -> sending -> delivered (receipt kept as proof), or back to queued with a later attempt time
(backoff with jitter), or rejected (set aside with the receiver's reason: it never blocks the others).
A record left "sending" when the app closed goes back to queued: sending again is harmless, because the
receiver acknowledges a record it already holds with the same receipt.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update

from iro_desktop.store import Store
from iro_desktop.store.models import Child, OutboxItem, SignedRecord

STATES = ("queued", "sending", "delivered", "rejected")
STATE_LABELS = {
    "queued": "Waiting to send",
    "sending": "Sending",
    "delivered": "Delivered",
    "rejected": "Refused by the council",
}
KIND_LABELS = {"review": "Review record", "challenge_letter": "Concern letter"}
FIRST_DELAY_SECONDS = 5.0
MAX_DELAY_SECONDS = 3600.0


@dataclass(frozen=True)
class OutboxLine:
    item_id: int
    signed_record_id: int
    record_id: str
    version: int
    kind: str
    child_id: int | None
    child_name: str
    review_id: int | None
    state: str
    attempts: int
    next_attempt_at: datetime | None
    last_error: str | None
    delivered_at: datetime | None
    finalised_at: datetime

    @property
    def state_label(self) -> str:
        return STATE_LABELS.get(self.state, self.state)

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)

    def to_json(self) -> dict:
        return {
            "record_id": self.record_id,
            "version": self.version,
            "kind": self.kind,
            "child": self.child_name,
            "review_id": self.review_id,
            "state": self.state,
            "attempts": self.attempts,
            "next_attempt_at": self.next_attempt_at.isoformat() if self.next_attempt_at else None,
            "reason": self.last_error,
            "delivered_at": self.delivered_at.isoformat() if self.delivered_at else None,
        }


def _lines(query) -> list[OutboxLine]:
    return [
        OutboxLine(
            item.id,
            rec.id,
            rec.record_id,
            rec.version,
            rec.kind,
            rec.child_id,
            child.display_name if child else "",
            rec.review_id,
            item.state,
            item.attempts,
            item.next_attempt_at,
            item.last_error,
            item.delivered_at,
            rec.created_at,
        )
        for item, rec, child in query
    ]


def _base():
    return (
        select(OutboxItem, SignedRecord, Child)
        .join(SignedRecord, SignedRecord.id == OutboxItem.signed_record_id)
        .outerjoin(Child, Child.id == SignedRecord.child_id)
    )


def outbox_items(store: Store) -> list[OutboxLine]:
    """Every record in the outbox, newest first."""
    with store.reading() as s:
        return _lines(s.execute(_base().order_by(OutboxItem.id.desc())).all())


def counts(store: Store) -> dict[str, int]:
    found = dict.fromkeys(STATES, 0)
    for line in outbox_items(store):
        found[line.state] = found.get(line.state, 0) + 1
    return found


def review_states(store: Store, review_ids) -> dict[int, OutboxLine]:
    """For each review with a signed record: the outbox line of its latest version."""
    with store.reading() as s:
        rows = _lines(
            s.execute(
                _base().where(SignedRecord.review_id.in_(list(review_ids))).order_by(SignedRecord.version)
            )
        )
    return {line.review_id: line for line in rows}


def recover_interrupted(store: Store) -> int:
    """Records left "sending" by a sync that never finished go back to the queue; returns how many."""
    with store.session() as s:
        return s.execute(
            update(OutboxItem).where(OutboxItem.state == "sending").values(state="queued")
        ).rowcount


def due(store: Store, now: datetime, limit: int | None = None) -> list[tuple[int, SignedRecord]]:
    """(item id, signed record) of the queued records whose time has come, oldest first."""
    with store.reading() as s:
        query = (
            select(OutboxItem.id, SignedRecord)
            .join(SignedRecord, SignedRecord.id == OutboxItem.signed_record_id)
            .where(OutboxItem.state == "queued")
            .where(or_(OutboxItem.next_attempt_at.is_(None), OutboxItem.next_attempt_at <= now))
            .order_by(SignedRecord.created_at, SignedRecord.id)
            .limit(limit)
        )
        return [(item_id, rec) for item_id, rec in s.execute(query).all()]


def mark_sending(store: Store, item_ids: list[int]) -> None:
    with store.session() as s:
        s.execute(update(OutboxItem).where(OutboxItem.id.in_(item_ids)).values(state="sending"))


def backoff_seconds(attempts: int, rng: random.Random | None = None) -> float:
    """Exponential backoff with jitter: about 5 s, 10 s, 20 s ... capped at an hour, each 50-100 %."""
    ceiling = min(MAX_DELAY_SECONDS, FIRST_DELAY_SECONDS * 2 ** max(0, attempts - 1))
    return ceiling * (rng or random).uniform(0.5, 1.0)


@dataclass(frozen=True)
class Outcome:
    """What one attempt came to, to be written to the outbox."""

    item_id: int
    state: str  # delivered, retry, rejected
    reason: str | None = None
    receipt: bytes | None = None


def record_outcomes(store: Store, outcomes: list[Outcome], now: datetime, rng=None) -> None:
    """Write a batch of outcomes in one transaction (one disk sync for many records)."""
    with store.session() as s:
        for o in outcomes:
            item = s.get(OutboxItem, o.item_id)
            item.attempts += 1
            item.last_error = o.reason
            if o.state == "delivered":
                item.state, item.receipt, item.delivered_at, item.next_attempt_at = (
                    "delivered",
                    o.receipt,
                    now,
                    None,
                )
            elif o.state == "rejected":
                item.state, item.next_attempt_at = "rejected", None
            else:
                item.state = "queued"
                item.next_attempt_at = now + timedelta(seconds=backoff_seconds(item.attempts, rng))


def requeue(store: Store, item_id: int) -> None:
    """Send a rejected record again (after the council has fixed what refused it)."""
    with store.session() as s:
        item = s.get(OutboxItem, item_id)
        if item is not None and item.state == "rejected":
            item.state, item.next_attempt_at, item.last_error = "queued", None, None


def receipt_of(store: Store, item_id: int) -> bytes | None:
    with store.reading() as s:
        item = s.get(OutboxItem, item_id)
        return item.receipt if item else None
