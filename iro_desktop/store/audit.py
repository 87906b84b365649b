"""The audit trail: who did what and when, chained by hash so that a removed or changed entry shows.

Each entry's hash covers its own fields and the previous entry's hash (the first covers GENESIS). Entries
name what was acted on by id (a child's council id, a review number), never by a person's name or words.

A chain alone cannot show its newest entries cut off, so its head is anchored outside the laptop: each sync
sends it to the council's receiver (sync/trail.py), and the head the receiver acknowledged is kept here.
`verify` then also checks that the trail still runs through that head.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

import rfc8785
from sqlalchemy import func, select

from iro_desktop.store import Store
from iro_desktop.store.models import AuditEntry

GENESIS = "0" * 64
ACTIONS = {
    "unlock": "Unlocked the store",
    "lock": "Locked",
    "view_child": "Opened a child's page",
    "export": "Exported",
    "sync": "Synchronised with the council",
    "backup": "Made a backup",
    "restore": "Restored from a backup",
    "finalise": "Finalised a record",
    "import": "Imported 903 data",
    "passphrase_changed": "Changed the passphrase",
    "recovery_key_created": "Made a recovery key",
    "backup_failed": "A backup failed",
    "auto_backup_changed": "Changed the daily backup setting",
    "settings_changed": "Changed settings",
    "create_store": "Created the store",
    "failed_unlocks": "Wrong passphrases before unlocking",
    "child_removed": "Removed a child from this store",
    "handover_sent": "Handed a child over to another IRO",
    "handover_received": "Received a child from another IRO",
    "feed": "Applied the council's changes",
    "feed refused": "Refused the council's changes",
    "notice answered": "Answered a council notice",
    "difference settled": "Settled a difference with the council's record",
}


def _entry_hash(at: datetime, action: str, subject: str | None, detail: str | None, prev_hash: str) -> str:
    fields = {"at": at.isoformat(), "action": action, "subject": subject, "detail": detail, "prev": prev_hash}
    # RFC 8785, as records.signing.canonical: the store sits below records, so it calls the library itself
    return hashlib.sha256(rfc8785.dumps(fields)).hexdigest()


def record(store: Store, action: str, subject: str | None = None, detail: str | None = None) -> None:
    """Append one entry: in the transaction open on this thread, if any, so it is kept only if what it
    records is; else in its own short transaction, so it is written even if what follows fails.

    A store found damaged takes no more writes (Store.stop_writes), entries included: reading goes on so the
    IRO can work from it until it is restored, and the restore is itself an entry in the restored trail.
    """
    if store.writes_stopped:
        return
    with store.session() as s:
        prev = s.scalars(select(AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1)).first() or GENESIS
        at = store.clock.now()
        s.add(
            AuditEntry(
                at=at,
                action=action,
                subject=subject,
                detail=detail,
                prev_hash=prev,
                hash=_entry_hash(at, action, subject, detail, prev),
            )
        )


@dataclass(frozen=True)
class AuditLine:
    id: int
    at: datetime
    action: str
    subject: str | None
    detail: str | None

    @property
    def label(self) -> str:
        return ACTIONS.get(self.action, self.action.replace("_", " ").capitalize())


def entries(store: Store, limit: int | None = None) -> list[AuditLine]:
    with store.reading() as s:
        query = select(AuditEntry).order_by(AuditEntry.id.desc())
        rows = s.scalars(query.limit(limit) if limit else query).all()
        return [AuditLine(r.id, r.at, r.action, r.subject, r.detail) for r in rows]


def verify(store: Store) -> list[str]:
    """Every break in the chain, in plain words; an empty list means the trail is intact."""
    problems, prev, hashes = [], GENESIS, [GENESIS]
    with store.reading() as s:
        for entry in s.scalars(select(AuditEntry).order_by(AuditEntry.id)):
            if entry.prev_hash != prev:
                problems.append(f"Entry {entry.id}: the entry before it was removed or changed.")
            if entry.hash != _entry_hash(
                entry.at, entry.action, entry.subject, entry.detail, entry.prev_hash
            ):
                problems.append(f"Entry {entry.id}: this entry was changed after it was written.")
            prev = entry.hash
            hashes.append(entry.hash)
    synced = store.get_setting(SYNCED_HEAD_SETTING)
    if synced and (synced["entries"] >= len(hashes) or hashes[synced["entries"]] != synced["hash"]):
        problems.append(
            f"The trail was cut or rewound after it was synced: the council's receiver holds its first "
            f"{synced['entries']} entries, and this trail no longer runs through them."
        )
    return problems


SYNCED_HEAD_SETTING = "audit.synced_head"  # {"entries": n, "hash": h}: the head the receiver acknowledged


@dataclass(frozen=True)
class Head:
    entries: int
    hash: str  # the newest entry's hash; GENESIS for an empty trail


def head(store: Store) -> Head:
    with store.reading() as s:
        count = s.scalar(select(func.count()).select_from(AuditEntry))
        last = s.scalars(select(AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1)).first()
    return Head(count, last or GENESIS)


def hash_at(store: Store, entries: int) -> str | None:
    """The hash of the trail's entry number `entries` (1 is the first; 0 is GENESIS), or None if the trail
    is shorter than that."""
    if entries == 0:
        return GENESIS
    with store.reading() as s:
        query = select(AuditEntry.hash).order_by(AuditEntry.id).offset(entries - 1).limit(1)
        return s.scalars(query).first()


def latest_restore(store: Store) -> Head | None:
    """The newest "restore" entry, as its position and hash: a rewind the receiver may accept."""
    with store.reading() as s:
        row = s.execute(
            select(AuditEntry.id, AuditEntry.hash)
            .where(AuditEntry.action == "restore")
            .order_by(AuditEntry.id.desc())
            .limit(1)
        ).first()
        if row is None:
            return None
        position = s.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.id <= row.id))
    return Head(position, row.hash)


def anchor(store: Store, acknowledged: Head) -> None:
    """Keep the head the council's receiver acknowledged: `verify` checks the trail still runs through it."""
    store.set_setting(SYNCED_HEAD_SETTING, {"entries": acknowledged.entries, "hash": acknowledged.hash})
