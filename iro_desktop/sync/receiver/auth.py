"""Who sent this request: the device key's signature over the method, path, time, nonce and body hash.

The scheme (sync/protocol.py) is a narrow cousin of RFC 9421: one fixed set of covered components, so
there is nothing to negotiate and nothing to canonicalise wrongly. The path covered is the path exactly as
sent, before any decoding. Authentication comes before anything else is done with a request: the headers
are checked for shape, then one read finds the key, then one hash and one verify. Only a request that
passes spends its nonce, in the same transaction as what it stores (one commit, one disk flush), so a
captured request cannot be replayed later even if it was refused the first time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from iro_desktop.records.signing import verify
from iro_desktop.sync.protocol import (
    HEADER_KEY,
    HEADER_NONCE,
    HEADER_SIGNATURE,
    HEADER_TIMESTAMP,
    MAX_SKEW_SECONDS,
    request_message,
)
from iro_desktop.sync.receiver.storage import APPROVED, REVOKED, Device, Nonce, ReceiverStore, utcnow

# The exact form of each header (the OpenAPI states the same patterns): anything else is refused unread.
FINGERPRINT_PATTERN = r"^[0-9]{5}(-[0-9]{5}){5}$"
TIMESTAMP_PATTERN = r"^[0-9]{1,12}$"  # unix seconds: twelve digits reach the year 33658
NONCE_PATTERN = r"^[0-9a-fA-F]{16,64}$"
SIGNATURE_PATTERN = r"^[A-Za-z0-9+/]{85}[AQgw]==$"  # 64 bytes of Ed25519 signature in base64
HEADER_PATTERNS = {
    HEADER_KEY: FINGERPRINT_PATTERN,
    HEADER_TIMESTAMP: TIMESTAMP_PATTERN,
    HEADER_NONCE: NONCE_PATTERN,
    HEADER_SIGNATURE: SIGNATURE_PATTERN,
}
HEADER_FORMS = {
    HEADER_KEY: "a key fingerprint (six groups of five digits)",
    HEADER_TIMESTAMP: "a time in whole seconds (at most 12 digits)",
    HEADER_NONCE: "a hexadecimal nonce (16 to 64 digits)",
    HEADER_SIGNATURE: "a base64 Ed25519 signature (88 characters)",
}


class Refused(Exception):
    """A request the receiver will not act on: the HTTP status and a plain sentence saying why."""

    def __init__(self, status: int, reason: str, fingerprint: str | None = None):
        super().__init__(reason)
        self.status, self.reason, self.fingerprint = status, reason, fingerprint


@dataclass(frozen=True)
class SignedRequest:
    fingerprint: str
    timestamp: int
    nonce: str
    signature: str


def read_headers(headers) -> SignedRequest:
    """The four signature headers, checked for their exact form only; 401 when any is missing or not so."""
    values = {name: headers.get(name) for name in HEADER_PATTERNS}
    missing = [name for name, value in values.items() if not value]
    if missing:
        headers_text = " and ".join([", ".join(missing[:-1]), missing[-1]] if len(missing) > 1 else missing)
        noun = "headers are" if len(missing) > 1 else "header is"
        raise Refused(401, f"This request is not signed: the {headers_text} {noun} missing.")
    fingerprint = values[HEADER_KEY] if re.fullmatch(FINGERPRINT_PATTERN, values[HEADER_KEY]) else None
    for name, pattern in HEADER_PATTERNS.items():
        if not re.fullmatch(pattern, values[name]):
            raise Refused(401, f"The {name} header is not {HEADER_FORMS[name]}.", fingerprint)
    return SignedRequest(
        values[HEADER_KEY],
        int(values[HEADER_TIMESTAMP]),
        values[HEADER_NONCE].lower(),
        values[HEADER_SIGNATURE],
    )


def path_as_sent(scope: dict) -> str:
    """The request's path before any decoding (the query left off): what the device signed."""
    raw = scope.get("raw_path") or scope["path"].encode("utf-8")
    try:
        return raw.split(b"?", 1)[0].decode("ascii")
    except UnicodeDecodeError:
        raise Refused(400, "The request's address holds bytes that are not percent-encoded.") from None


def signature_holds(public_key: bytes, method: str, path: str, signed: SignedRequest, body: bytes) -> bool:
    """The receiver's verify path for a request (measured against raw `cryptography` in the benchmarks)."""
    message = request_message(method, path, signed.timestamp, signed.nonce, body)
    return verify(public_key, message, signed.signature)


def authenticate(
    store: ReceiverStore, signed: SignedRequest, method: str, path: str, body: bytes, now: float
):
    """The enrolled device whose key signed this request, found by one read and writing nothing; Refused
    (401) when the key is unknown, the time is off, the signature fails or the nonce was seen."""
    with store.reading() as s:
        device = s.get(Device, signed.fingerprint)
        seen = device is not None and s.get(Nonce, (signed.fingerprint, signed.nonce)) is not None
    if device is None:
        raise Refused(401, "This device's key is not enrolled here: enrol it first.", signed.fingerprint)
    if abs(now - signed.timestamp) > MAX_SKEW_SECONDS:
        raise Refused(
            401,
            f"The request's time is more than {MAX_SKEW_SECONDS // 60} minutes from the receiver's clock: "
            "check the device's clock.",
            signed.fingerprint,
        )
    if not signature_holds(device.public_key, method, path, signed, body):
        raise Refused(
            401, "The request's signature does not verify with this device's key.", signed.fingerprint
        )
    if seen:
        raise _replay(signed)
    return device


def admit(s: Session, signed: SignedRequest) -> Device:
    """In the write transaction `s`: spend the request's nonce, and read the device's status as it is now
    (an administrator may have revoked it since the request was authenticated). Refused when the nonce was
    spent meanwhile; the caller raises status_refusal(...) after committing, so a refusal spends it too."""
    try:
        s.execute(
            insert(Nonce.__table__).values(
                fingerprint=signed.fingerprint, nonce=signed.nonce, seen_at=utcnow()
            )
        )
    except IntegrityError:
        raise _replay(signed) from None
    return s.get(Device, signed.fingerprint)


def _replay(signed: SignedRequest) -> Refused:
    return Refused(401, "This request has been seen before: a replay is refused.", signed.fingerprint)


def status_refusal(device: Device) -> Refused | None:
    """Why a genuinely signed request is still not allowed: the key is pending or revoked."""
    if device.status == REVOKED:
        return Refused(403, "This device's key has been revoked.", device.fingerprint)
    if device.status != APPROVED:
        return Refused(403, "This device is waiting for an administrator to approve it.", device.fingerprint)
    return None
