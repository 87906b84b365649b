"""Who sent this request: the device key's signature over the method, path, time, nonce and body hash.

The scheme (sync/protocol.py) is a narrow cousin of RFC 9421: one fixed set of covered components, so
there is nothing to negotiate and nothing to canonicalise wrongly. A request passes only when the key is
enrolled, its signature verifies, its time is within MAX_SKEW_SECONDS and its nonce is new; the key must
also be approved (not pending, not revoked). The nonce is kept once the signature verifies, in the same
transaction as what the request stores (one commit, one disk flush), so a captured request cannot be
replayed later even if it was refused the first time.
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

NONCE_PATTERN = re.compile(r"[0-9a-fA-F]{16,64}")


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
    """The four signature headers, checked for shape only; 401 when any is missing or malformed."""
    values = {
        name: headers.get(name) for name in (HEADER_KEY, HEADER_TIMESTAMP, HEADER_NONCE, HEADER_SIGNATURE)
    }
    missing = [name for name, value in values.items() if not value]
    if missing:
        headers_text = " and ".join([", ".join(missing[:-1]), missing[-1]] if len(missing) > 1 else missing)
        noun = "headers are" if len(missing) > 1 else "header is"
        raise Refused(401, f"This request is not signed: the {headers_text} {noun} missing.")
    fingerprint = values[HEADER_KEY].strip()
    if not re.fullmatch(r"\d{5}(-\d{5}){5}", fingerprint):
        raise Refused(401, f"The {HEADER_KEY} header is not a key fingerprint (six groups of five digits).")
    try:
        timestamp = int(values[HEADER_TIMESTAMP])
    except ValueError:
        raise Refused(401, f"The {HEADER_TIMESTAMP} header is not a time in seconds.", fingerprint) from None
    if not NONCE_PATTERN.fullmatch(values[HEADER_NONCE]):
        raise Refused(401, f"The {HEADER_NONCE} header is not a hexadecimal nonce.", fingerprint)
    return SignedRequest(fingerprint, timestamp, values[HEADER_NONCE].lower(), values[HEADER_SIGNATURE])


def signature_holds(public_key: bytes, method: str, path: str, signed: SignedRequest, body: bytes) -> bool:
    """The receiver's verify path for a request (measured against raw `cryptography` in the benchmarks)."""
    message = request_message(method, path, signed.timestamp, signed.nonce, body)
    return verify(public_key, message, signed.signature)


def authenticate(store: ReceiverStore, headers, method: str, path: str, body: bytes, now: float) -> Device:
    """The approved device that signed this request, or Refused with 401 (who?) or 403 (not allowed)."""
    signed = read_headers(headers)
    with store.session() as s:  # the nonce is kept even when the key turns out not to be approved
        device = signer_of(s, signed, method, path, body, now)
    refusal = status_refusal(device)
    if refusal:
        raise refusal
    return device


def signer_of(s: Session, signed: SignedRequest, method: str, path: str, body: bytes, now: float) -> Device:
    """The enrolled device whose key signed this request, its nonce now remembered in the session `s`;
    Refused (401) when the key is unknown, the time is off, the signature fails or the nonce was seen."""
    device = s.get(Device, signed.fingerprint)
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
    nonce = {"fingerprint": signed.fingerprint, "nonce": signed.nonce, "seen_at": utcnow()}
    try:
        with s.begin_nested():  # a savepoint: a seen nonce must not spoil the caller's transaction
            s.execute(insert(Nonce.__table__).values(nonce))  # Core: no unit of work on the hot path
    except IntegrityError:
        raise Refused(
            401, "This request has been seen before: a replay is refused.", signed.fingerprint
        ) from None
    return device


def status_refusal(device: Device) -> Refused | None:
    """Why a genuinely signed request is still not allowed: the key is pending or revoked."""
    if device.status == REVOKED:
        return Refused(403, "This device's key has been revoked.", device.fingerprint)
    if device.status != APPROVED:
        return Refused(403, "This device is waiting for an administrator to approve it.", device.fingerprint)
    return None
