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
from iro_desktop.problems import Problem
from iro_desktop.records.export import pdf_of
from iro_desktop.records.keys import device_fingerprint, fingerprint_groups
from iro_desktop.services import council_feed
from iro_desktop.services.finalise import (
    FinalisedRecord,
    FinaliseRefused,
    finalise_challenge,
    finalise_review,
    open_correction,
)
from iro_desktop.services.minutes import Warning, minutes
from iro_desktop.services.review_life import latest_signed
from iro_desktop.store import Store, audit
from iro_desktop.store.models import Setting, SignedRecord
from iro_desktop.sync import outbox
from iro_desktop.sync.client import (
    ENROLMENT_SETTING,
    RECEIVER_FINGERPRINT_SETTING,
    SERVER_SETTING,
    Enrolment,
    SyncError,
    SyncReport,
    enrol,
)
from iro_desktop.sync.client import sync_once as send_and_pull
from iro_desktop.sync.outbox import OutboxLine, counts, outbox_items, requeue
from iro_desktop.sync.tls_pin import LEGACY_CA_FILE_SETTING, TLS_PIN_SETTING, ca_pin, tls_pin

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


def sync_once(store: Store, server: str | None = None, **options) -> SyncReport:
    """One sync: the outbox delivered, the IRO's answers to notices sent, the council's feed pulled and
    applied (services/council_feed.py). Options as sync.client.sync_once's."""
    return send_and_pull(store, server, keeper=council_feed.KEEPER, **options)


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
    with store.reading() as s:
        signed = s.scalar(select(SignedRecord.id).where(SignedRecord.review_id == review_id).limit(1))
    label = f"Review {m.number}" if m.number else "Review"
    return FinaliseCheck(m.child_name, label, m.status, m.problems, m.warnings, signed is not None)


@dataclass(frozen=True)
class SyncSettings:
    device_fingerprint: str  # in groups, to read aloud: "84258 30172 ..."
    server: str
    receiver_fingerprint: str  # in groups, or "" before enrolment
    enrolment: str  # "", pending, approved
    pin: str  # what the TLS pin is, in words (see pin_words)
    pin_kind: str  # "ca", "key", or "" when nothing is pinned yet
    interval_minutes: int

    @property
    def configured(self) -> bool:
        return bool(self.server and self.receiver_fingerprint)


def sync_settings(store: Store) -> SyncSettings:
    receiver = store.get_setting(RECEIVER_FINGERPRINT_SETTING) or ""
    try:
        pin = tls_pin(store)  # a path an older version kept is read into the store here
    except SyncError as exc:
        pin, words = None, str(exc)
    else:
        words = pin_words(pin)
    return SyncSettings(
        fingerprint_groups(device_fingerprint(store)),
        store.get_setting(SERVER_SETTING) or "",
        fingerprint_groups(receiver) if receiver else "",
        store.get_setting(ENROLMENT_SETTING) or "",
        words,
        (pin or {}).get("kind", ""),
        int(store.get_setting(INTERVAL_SETTING, DEFAULT_INTERVAL_MINUTES)),
    )


def _hash_groups(hex_digest: str) -> str:
    return " ".join(hex_digest[i : i + 8] for i in range(0, len(hex_digest), 8))


def pin_words(pin: dict | None) -> str:
    """What is pinned, to show the IRO: whose certificate, its SHA-256, and what that means."""
    if not pin:
        return (
            "Nothing pinned yet. Enrolling pins the certificate the receiver presents (this computer's "
            "authorities must vouch for it), unless you choose the council's CA certificate first."
        )
    if pin["kind"] == "ca":
        return (
            f"The council's CA certificate {pin['subject']} (SHA-256 {_hash_groups(pin['sha256'])}), kept in "
            "this device's encrypted store: only receiver certificates it vouches for are accepted."
        )
    return (
        f"The receiver's certificate key, taken at enrolment on {pin['pinned_on']} from {pin['subject']} "
        f"issued by {pin['issuer']} (public key SHA-256 {_hash_groups(pin['spki_sha256'])}), kept in this "
        "device's encrypted store: any other certificate is refused, however trusted."
    )


def set_ca_file(store: Store, path: str) -> str:
    """Pin the council's CA certificate: the PEM file's certificates are read now and kept in the encrypted
    store (the file is not needed afterwards). Replaces any pin. Returns what is now pinned, in words."""
    path = path.strip()
    if not path:
        raise Problem("Choose the council's CA certificate file (PEM) first.", "path")
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise Problem(
            "There is no file at that path: choose the PEM file the council gave you.", "path"
        ) from exc
    pin = ca_pin(data)  # a Problem, in words, when it holds no certificate
    _set_pin(store, pin, f"TLS pin: the council's CA certificate, SHA-256 {pin['sha256'][:16]}")
    return pin_words(pin)


def forget_pin(store: Store) -> None:
    """Forget the TLS pin: the next enrolment (or sync) pins the certificate the receiver presents then."""
    _set_pin(store, None, "TLS pin forgotten")


def _set_pin(store: Store, pin: dict | None, detail: str) -> None:
    with store.session() as s:  # one transaction: the pin and the end of any older version's path
        s.merge(Setting(key=TLS_PIN_SETTING, value=pin))
        s.merge(Setting(key=LEGACY_CA_FILE_SETTING, value=None))
    audit.record(store, "settings_changed", detail=detail)


@dataclass(frozen=True)
class SignedPdf:
    version: int
    pdf: bytes


def signed_review_pdf(store: Store, review_id: int) -> SignedPdf | None:
    """The PDF of the review's signed version in force (the latest), exactly as it was signed."""
    with store.reading() as s:
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
    with store.reading() as s:
        ids = s.scalars(select(SignedRecord.review_id).where(SignedRecord.child_id == child_id)).all()
    return record_states(store, [i for i in ids if i is not None])
