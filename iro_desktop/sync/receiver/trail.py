"""The head of each device's audit trail, kept by the council: the laptop's hash chain anchored outside it.

At each sync the device reads the head the receiver holds (entries, hash), then sends its own head with
the hash of its entry at the held position. The receiver takes it when the chain still runs through what
it holds (extended), or when the device names a restore from backup it has not seen before (restored:
a rewind the council can see). Anything else means entries were cut or rewound since the last sync: it is
refused (409), the receiver keeps the head it held, and the refusal is kept as a trail event for
`iro-desktop-receiver trail FINGERPRINT`.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from iro_desktop.records.bundle import BundleError, parse_json
from iro_desktop.sync.receiver.auth import Refused
from iro_desktop.sync.receiver.storage import ReceiverStore, TrailEvent, TrailHead, utcnow

GENESIS = "0" * 64  # the hash before a trail's first entry (store/audit.py)
HASH_PATTERN = "^[0-9a-f]{64}$"
MAX_ENTRIES = 2**31 - 1
_COUNT = {"type": "integer", "minimum": 0, "maximum": MAX_ENTRIES}
_HASH = {"type": "string", "pattern": HASH_PATTERN}
HEAD_SCHEMA = {
    "type": "object",
    "required": ["entries", "head_hash", "restore_hash"],
    "additionalProperties": False,
    "properties": {
        "entries": _COUNT,
        "head_hash": _HASH,
        "restore_hash": {"anyOf": [_HASH, {"type": "null"}]},
    },
}
RESTORE_SCHEMA = {
    "type": "object",
    "required": ["entry", "hash"],
    "additionalProperties": False,
    "properties": {"entry": {**_COUNT, "minimum": 1}, "hash": _HASH},
}
CLAIM_SCHEMA = {
    "type": "object",
    "required": ["base_entries", "base_hash", "entries", "head_hash", "restore"],
    "additionalProperties": False,
    "properties": {
        "base_entries": _COUNT,
        "base_hash": {"anyOf": [_HASH, {"type": "null"}]},  # null: the device has fewer entries than that
        "entries": _COUNT,
        "head_hash": _HASH,
        "restore": {"anyOf": [RESTORE_SCHEMA, {"type": "null"}]},  # the newest restore entry, if any
    },
}
BAD_CLAIM = (
    'The body must be JSON: {"base_entries", "base_hash", "entries", "head_hash", "restore"} as the '
    "receiver's API describes."
)


def held(store: ReceiverStore, fingerprint: str) -> dict:
    with store.reading() as s:
        return _as_answer(s.get(TrailHead, fingerprint))


def _as_answer(head: TrailHead | None) -> dict:
    if head is None:
        return {"entries": 0, "head_hash": GENESIS, "restore_hash": None}
    return {"entries": head.entries, "head_hash": head.head_hash, "restore_hash": head.restore_hash}


def read_claim(body: bytes, fingerprint: str) -> dict:
    """The device's head as sent, checked field by field; Refused (400) when it is not of that form."""
    try:
        claim = parse_json(body)
    except BundleError:
        raise Refused(400, BAD_CLAIM, fingerprint) from None
    if not _is_claim(claim):
        raise Refused(400, BAD_CLAIM, fingerprint)
    return claim


def _is_claim(claim) -> bool:
    if not (isinstance(claim, dict) and claim.keys() == CLAIM_SCHEMA["properties"].keys()):
        return False
    base_hash, restore = claim["base_hash"], claim["restore"]
    if not (_is_count(claim["base_entries"]) and _is_count(claim["entries"]) and is_hash(claim["head_hash"])):
        return False
    if base_hash is not None and not is_hash(base_hash):
        return False
    return restore is None or (
        isinstance(restore, dict)
        and restore.keys() == {"entry", "hash"}
        and _is_count(restore["entry"])
        and restore["entry"] >= 1
        and is_hash(restore["hash"])
    )


def _is_count(value) -> bool:
    return type(value) is int and 0 <= value <= MAX_ENTRIES


def is_hash(value) -> bool:
    return isinstance(value, str) and len(value) == 64 and all(ch in "0123456789abcdef" for ch in value)


def take(s: Session, fingerprint: str, claim: dict) -> dict | Refused:
    """In the write transaction `s`: the new head taken (its answer), or the refusal to raise once the
    transaction (with the refusal's trail event) is committed."""
    restore = claim["restore"]
    if restore is not None and restore["entry"] > claim["entries"]:
        return Refused(422, "The trail's restore entry is past its last entry.", fingerprint)
    head = s.get(TrailHead, fingerprint)
    was = _as_answer(head)
    if claim["base_entries"] != was["entries"]:
        return Refused(
            409,
            "The receiver's head of this trail changed while the device was syncing: sync again.",
            fingerprint,
        )
    extends = claim["base_hash"] == was["head_hash"] and claim["entries"] >= was["entries"]
    if extends and claim["entries"] == was["entries"] and claim["head_hash"] != was["head_hash"]:
        return Refused(422, "The trail's head does not match its own entry at that position.", fingerprint)
    restored = not extends and restore is not None and restore["hash"] != was["restore_hash"]
    if not (extends or restored):
        detail = f"cut or rewound: {was['entries']} entries were held, the device now has {claim['entries']}"
        _event(s, fingerprint, "refused", was["entries"], claim["entries"], detail)
        return Refused(
            409,
            f"This device's audit trail was cut or rewound since it last synced: the receiver holds "
            f"{was['entries']} entries that its trail no longer runs through. The council has been told.",
            fingerprint,
        )
    if head is None:
        head = TrailHead(fingerprint=fingerprint)
        s.add(head)
    if restored:
        detail = f"restored from a backup (restore entry {restore['entry']}), then {claim['entries']} entries"
        _event(s, fingerprint, "restored", was["entries"], claim["entries"], detail)
        head.restore_hash = restore["hash"]
    elif claim["entries"] > was["entries"]:
        _event(s, fingerprint, "extended", was["entries"], claim["entries"], "")
    head.entries, head.head_hash, head.updated_at = claim["entries"], claim["head_hash"], utcnow()
    s.flush()
    return _as_answer(head)


def _event(s: Session, fingerprint: str, kind: str, from_entries: int, to_entries: int, detail: str) -> None:
    s.add(
        TrailEvent(
            fingerprint=fingerprint,
            at=utcnow(),
            kind=kind,
            from_entries=from_entries,
            to_entries=to_entries,
            detail=detail[:300],
        )
    )


def events(store: ReceiverStore, fingerprint: str, limit: int = 20) -> list[TrailEvent]:
    """A device's newest trail events first."""
    with store.reading() as s:
        query = select(TrailEvent).where(TrailEvent.fingerprint == fingerprint)
        return list(s.scalars(query.order_by(TrailEvent.id.desc()).limit(limit)))
