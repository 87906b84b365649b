"""Canonical form, hashes, Ed25519 signatures and readable fingerprints: what every signed thing rests on.

Shared by the IRO's device (records, outbox, client) and the council's receiver, so both sides compute
exactly the same bytes. Canonical JSON is RFC 8785 (JCS).
"""

from __future__ import annotations

import base64
import hashlib

import rfc8785
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat


def canonical(obj) -> bytes:
    """RFC 8785 canonical JSON: the one byte form of a document, whoever serialises it."""
    return rfc8785.dumps(obj)


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(text: str) -> bytes:
    """Strict base64: only the one canonical spelling of the bytes is accepted, so no character of a
    signed value can change without the decoded bytes changing too."""
    data = base64.b64decode(text.encode("ascii"), validate=True)
    if b64(data) != text:
        raise ValueError("not canonical base64")
    return data


def raw_public_key(key: Ed25519PrivateKey | Ed25519PublicKey) -> bytes:
    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    return public.public_bytes(Encoding.Raw, PublicFormat.Raw)


def fingerprint(public_key_raw: bytes) -> str:
    """Six groups of five digits from SHA-256 of the raw key, e.g. "04217-88310-...": easy to read aloud
    and compare, as Signal's safety numbers are. Each group is five bytes of the hash, modulo 100000."""
    digest = hashlib.sha256(b"iro-desktop-key-v1" + public_key_raw).digest()
    groups = [int.from_bytes(digest[i : i + 5], "big") % 100_000 for i in range(0, 30, 5)]
    return "-".join(f"{g:05d}" for g in groups)


def normalise_fingerprint(text: str) -> str:
    """Accept a fingerprint typed with spaces, dashes or none; return the canonical dashed form."""
    digits = "".join(ch for ch in text if ch.isdigit())
    if len(digits) != 30:
        raise ValueError("A fingerprint is 30 digits (six groups of five).")
    return "-".join(digits[i : i + 5] for i in range(0, 30, 5))


def sign(private_key: Ed25519PrivateKey, message: bytes) -> str:
    return b64(private_key.sign(message))


def verify(public_key_raw: bytes, message: bytes, signature_b64: str) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(public_key_raw).verify(unb64(signature_b64), message)
    except (InvalidSignature, ValueError):
        return False
    return True


def record_statement(
    record_id: str,
    record_version: int,
    kind: str,
    content_hash: str,
    pdf_hash: str | None,
    supersedes_hash: str | None,
) -> bytes:
    """What the IRO's signature covers: both hashes, the record's identity and kind, what it supersedes."""
    return canonical(
        {
            "statement": "iro-desktop-record-v1",
            "record_id": record_id,
            "record_version": record_version,
            "kind": kind,
            "content_hash": content_hash,
            "pdf_hash": pdf_hash,
            "supersedes_hash": supersedes_hash,
        }
    )


def receipt_statement(
    record_id: str, content_hash: str, received_at: str, receiver: str, device: str
) -> bytes:
    """What the receiver's signature on a receipt covers (received_at: ISO 8601 UTC, 'Z')."""
    return canonical(
        {
            "statement": "iro-desktop-receipt-v1",
            "record_id": record_id,
            "content_hash": content_hash,
            "received_at": received_at,
            "receiver": receiver,
            "device": device,
        }
    )


def statement_of_receipt(receipt: dict) -> bytes:
    """The statement a receipt as received (a dict) claims to be; KeyError or TypeError if it is not one."""
    fields = ("record_id", "content_hash", "received_at", "receiver", "device")
    return receipt_statement(*(receipt[name] for name in fields))
