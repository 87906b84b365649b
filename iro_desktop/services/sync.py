"""What the IRO does with signed records and the council's receiver: the GUI's one door to records/ and sync/.

Finalise and sign a review, see the outbox, set the receiver up, sync. The work is done in records/ and
sync/; this module gathers what each screen shows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import select

from iro_desktop.domain.review_states import UNFINISHED, state_of
from iro_desktop.records.export import pdf_of
from iro_desktop.records.finalise import (
    FinalisedRecord,
    FinaliseRefused,
    finalise_challenge,
    finalise_review,
    open_correction,
)
from iro_desktop.records.keys import device_fingerprint, fingerprint_groups
from iro_desktop.services.minutes import Warning, minutes
from iro_desktop.services.review_life import latest_signed
from iro_desktop.store import Store
from iro_desktop.store.models import SignedRecord
from iro_desktop.sync import outbox
from iro_desktop.sync.client import (
    CA_FILE_SETTING,
    ENROLMENT_SETTING,
    RECEIVER_FINGERPRINT_SETTING,
    SERVER_SETTING,
    Enrolment,
    SyncError,
    SyncReport,
    enrol,
    sync_once,
)
from iro_desktop.sync.outbox import OutboxLine, counts, outbox_items, requeue

__all__ = [
    "FinaliseRefused",
    "FinalisedRecord",
    "Enrolment",
    "OutboxLine",
    "SyncError",
    "SyncReport",
    "counts",
    "enrol",
    "finalise_challenge",
    "finalise_review",
    "open_correction",
    "outbox_items",
    "requeue",
    "sync_once",
]
INTERVAL_SETTING = "sync.interval_minutes"
DEFAULT_INTERVAL_MINUTES = 5


@dataclass(frozen=True)
class FinaliseCheck:
    """The checklist the Finalise dialog shows before the IRO signs: what blocks, and what may be signed
    past with a reason (services.minutes makes both checks)."""

    child_name: str
    review_label: str
    status: str  # a domain.review_states.ReviewState value
    problems: tuple[str, ...]  # blocking
    warnings: tuple[Warning, ...]  # each needs a reason to sign past it
    is_correction: bool  # a signed record exists: finalising makes the next version, with a reason

    @property
    def can_finalise(self) -> bool:
        return state_of(self.status) in UNFINISHED and not self.problems


def finalise_check(store: Store, review_id: int, today: date) -> FinaliseCheck:
    """What the Finalise dialog shows before the IRO signs."""
    m = minutes(store, review_id, today)
    with store.session() as s:
        signed = s.scalar(select(SignedRecord.id).where(SignedRecord.review_id == review_id).limit(1))
    label = f"Review {m.number}" if m.number else "Review"
    return FinaliseCheck(m.child_name, label, m.status, m.problems, m.warnings, signed is not None)


@dataclass(frozen=True)
class SyncSettings:
    device_fingerprint: str  # in groups, to read aloud: "84258 30172 ..."
    server: str
    receiver_fingerprint: str  # in groups, or "" before enrolment
    enrolment: str  # "", pending, approved
    ca_file: str
    interval_minutes: int

    @property
    def configured(self) -> bool:
        return bool(self.server and self.receiver_fingerprint)


def sync_settings(store: Store) -> SyncSettings:
    receiver = store.get_setting(RECEIVER_FINGERPRINT_SETTING) or ""
    return SyncSettings(
        fingerprint_groups(device_fingerprint(store)),
        store.get_setting(SERVER_SETTING) or "",
        fingerprint_groups(receiver) if receiver else "",
        store.get_setting(ENROLMENT_SETTING) or "",
        store.get_setting(CA_FILE_SETTING) or "",
        int(store.get_setting(INTERVAL_SETTING, DEFAULT_INTERVAL_MINUTES)),
    )


def set_ca_file(store: Store, path: str) -> None:
    """Pin the council's CA or certificate (a PEM file); empty uses the system's trusted CAs."""
    path = path.strip()
    if path:
        if not Path(path).is_file():
            raise ValueError("There is no file at that path: choose the PEM file the council gave you.")
    store.set_setting(CA_FILE_SETTING, path or None)


@dataclass(frozen=True)
class SignedPdf:
    version: int
    pdf: bytes


def signed_review_pdf(store: Store, review_id: int) -> SignedPdf | None:
    """The PDF of the review's signed version in force (the latest), exactly as it was signed."""
    with store.session() as s:
        row = latest_signed(s, review_id)
    return SignedPdf(row.version, pdf_of(store, row)) if row is not None else None


def record_states(store: Store, review_ids) -> dict[int, str]:
    """For the child's page: each signed review's record state in words."""
    return {rid: _state_words(line) for rid, line in outbox.review_states(store, review_ids).items()}


def _state_words(line: OutboxLine) -> str:
    version = f" (version {line.version})" if line.version > 1 else ""
    if line.state == "rejected":
        return f"Signed{version}; refused by the council: {line.last_error}"
    if line.state == "delivered":
        return f"Signed{version}; delivered to the council"
    return f"Signed{version}; waiting to send to the council"


def record_states_for_child(store: Store, child_id: int) -> dict[int, str]:
    """Review id -> its signed record's state in words, for each of one child's signed reviews."""
    with store.session() as s:
        ids = s.scalars(select(SignedRecord.review_id).where(SignedRecord.child_id == child_id)).all()
    return record_states(store, [i for i in ids if i is not None])
