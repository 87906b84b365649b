"""The sync protocol between an IRO's device and the council's receiver: one place for both sides.

Endpoints (JSON bodies):
  GET  /v1/receiver                         -> {"public_key": b64, "fingerprint": str}   (no auth)
  POST /v1/devices  {"public_key", "name"}  -> 202 {"fingerprint", "status": "pending"} | 200 if approved
  PUT  /v1/records/{record_id}/{content_hash}  body: a record bundle (records.bundle)   (signed request)
       -> 201 new / 200 already held: {"receipt": {...}, "signature": b64}
          409 same id with a different hash (not a properly signed superseding version)
          400 malformed, 422 tampered or inconsistent, 401 unauthenticated, 403 not approved / revoked /
          signed by a key that is not the sender's, 413 too large. Errors: {"detail": "a plain sentence"}.
  GET  /v1/records/{record_id}              -> the sender's own record only, else 404  (signed request)
  GET  /v1/allocations                      -> {"allocations": {"statement", "receiver", "device", "iro",
       "server_time", "children": [child ids]}, "signature": b64}  (signed request): the children now
       allocated to the device's IRO, signed by the receiver's key over canonical JSON; it names the device
       and the receiver's time, so it cannot be handed to another device or passed off as newer. A device
       approved to no IRO is sent "iro": null and no children; a pending or revoked one is refused (403).
  GET  /v1/feed/{after}[?limit=N]            -> {"feed": {"statement", "receiver", "device", "iro", "nonce",
       "after", "next", "more", "server_time", "changes": [{"seq", "child_id", "kind", "body"}]},
       "signature": b64}  (signed request): the changes for the device's IRO after position `after`, in
       order (sync/receiver/feed.py); `nonce` is the request's own, so an answer cannot be replayed.
  PUT  /v1/notices/{id}/answer  {"answer", "note", "answered_on"}  (signed request)
       -> {"receipt": {"statement", "receiver", "device", "notice", "answer_hash"}, "signature": b64}
  /v1/admin/...                             the council's systems, with an administrator token instead of
       a signature (sync/receiver/admin_api.py); a device's signature opens none of it.

Every request but the first two is signed by the device key (Ed25519) over `request_message(...)`,
with a timestamp (refused if more than MAX_SKEW_SECONDS away) and a nonce (refused if seen before): a
replayed or altered request fails. The receiver signs each receipt over `receipt_statement(...)`; the
device pins the receiver's key when it enrols and verifies every receipt against it.
"""

from __future__ import annotations

import re
import secrets
from urllib.parse import quote

from iro_desktop.domain.identifiers import (  # the child's id: named here for both sides of the protocol
    CHILD_ID_PATTERN,  # noqa: F401
    MAX_CHILD_ID,  # noqa: F401
    SHOWN_CHARACTER,
    SHOWN_EDGE,
    is_child_id,  # noqa: F401
    is_unicode,
)
from iro_desktop.records.signing import sha256_hex, sign

HEADER_KEY = "X-IRO-Key"  # the device's fingerprint
HEADER_TIMESTAMP = "X-IRO-Timestamp"  # unix seconds
HEADER_NONCE = "X-IRO-Nonce"  # 32 hex characters, never reused
HEADER_SIGNATURE = "X-IRO-Signature"  # b64 Ed25519 signature of request_message(...)
MAX_SKEW_SECONDS = 300
MAX_BODY_BYTES = 20 * 1024 * 1024
MAX_DEVICE_NAME = 100  # characters a device may introduce itself with
# A character a device's name may hold: one shown as itself (domain/identifiers.py).
NAME_CHARACTER = SHOWN_CHARACTER
NAME_PATTERN = f"^{NAME_CHARACTER}{{0,{MAX_DEVICE_NAME}}}$"
# An IRO's name at the receiver: a device name's characters, not blank at either end.
IRO_NAME_EDGE = SHOWN_EDGE
IRO_NAME_PATTERN = f"^{IRO_NAME_EDGE}({NAME_CHARACTER}{{0,{MAX_DEVICE_NAME - 2}}}{IRO_NAME_EDGE})?$"

# The council's feed (sync/receiver/feed.py): what a notice can be about, and how the IRO can answer one.
FEED_STATEMENT = "iro-desktop-feed-v1"
ANSWER_STATEMENT = "iro-desktop-notice-answer-v1"
ALLOCATED, DEALLOCATED, ROWS_903, DETAILS = "allocated", "deallocated", "903", "details"
NOTICE, NOTICE_ANSWERED = "notice", "notice_answered"
FEED_KINDS = (ALLOCATED, DEALLOCATED, ROWS_903, DETAILS, NOTICE, NOTICE_ANSWERED)
NOTICE_KINDS = {
    "placement_end": "Proposed end of placement",
    "care_plan_change": "Significant change to the care plan",
    "complaint": "Complaint by the child",
    "early_review_request": "Request for an early review",
}
ANSWERS = {
    "acknowledged": "Acknowledged",
    "early_review": "Early review requested",
    "concern": "Concern raised",
}


def request_message(method: str, path: str, timestamp: int, nonce: str, body: bytes) -> bytes:
    return "\n".join(
        ("iro-desktop-request-v1", method.upper(), path, str(timestamp), nonce, sha256_hex(body))
    ).encode()


def signed_headers(
    private_key, fingerprint: str, method: str, path: str, body: bytes, now: int
) -> dict[str, str]:
    nonce = secrets.token_hex(16)
    return {
        HEADER_KEY: fingerprint,
        HEADER_TIMESTAMP: str(now),
        HEADER_NONCE: nonce,
        HEADER_SIGNATURE: sign(private_key, request_message(method, path, now, nonce, body)),
        "Content-Type": "application/json",
    }


def is_device_name(value: object) -> bool:
    """Whether a device may introduce itself so: NAME_PATTERN, and valid Unicode (no lone surrogates)."""
    return isinstance(value, str) and bool(re.fullmatch(NAME_PATTERN, value)) and is_unicode(value)


def is_iro_name(value: object) -> bool:
    """Whether an IRO may be named so at the receiver: IRO_NAME_PATTERN, valid Unicode."""
    return is_device_name(value) and bool(re.fullmatch(IRO_NAME_PATTERN, value))


def as_device_name(text: str) -> str:
    """`text` made a name the receiver takes: characters it refuses dropped, cut to the length."""
    kept = "".join(ch for ch in text if re.fullmatch(NAME_CHARACTER, ch) and not "\ud800" <= ch <= "\udfff")
    return kept[:MAX_DEVICE_NAME]


def record_path(record_id: str, content_hash: str | None = None) -> str:
    """The record's address, its id percent-encoded (the receiver checks the signature against the path
    exactly as sent, so both sides must spell it the same way)."""
    path = f"/v1/records/{quote(record_id, safe='')}"
    return f"{path}/{content_hash}" if content_hash is not None else path
