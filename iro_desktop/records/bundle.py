"""A record bundle: one file holding a finalised record, its PDF, the signature and the signer's key.

Exported by the IRO, verified offline by `iro-desktop verify`, and sent to the receiver as the body of
PUT /v1/records/{record_id}/{content_hash}. `problems(bundle)` is empty exactly when every signed byte
is intact and the signature is the named key's.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from iro_desktop.records.signing import (
    b64,
    canonical,
    fingerprint,
    record_statement,
    sha256_hex,
    unb64,
    verify,
)

BUNDLE_FORMAT = "iro-desktop-record"
BUNDLE_VERSION = 1


class BundleError(ValueError):
    """The file is not a readable record bundle: the message says what is wrong."""


@dataclass(frozen=True)
class Bundle:
    record_id: str
    record_version: int
    kind: str  # review, challenge_letter, ...
    canonical_json: bytes
    pdf: bytes | None
    content_hash: str
    pdf_hash: str | None
    supersedes_hash: str | None
    signature: str  # b64
    public_key: bytes  # raw Ed25519
    fingerprint: str

    def statement(self) -> bytes:
        return record_statement(
            self.record_id,
            self.record_version,
            self.kind,
            self.content_hash,
            self.pdf_hash,
            self.supersedes_hash,
        )

    def document(self) -> dict:
        return json.loads(self.canonical_json)


def to_json(bundle: Bundle) -> bytes:
    return canonical(
        {
            "format": BUNDLE_FORMAT,
            "version": BUNDLE_VERSION,
            "record_id": bundle.record_id,
            "record_version": bundle.record_version,
            "kind": bundle.kind,
            "canonical_json": b64(bundle.canonical_json),
            "pdf": b64(bundle.pdf) if bundle.pdf is not None else None,
            "content_hash": bundle.content_hash,
            "pdf_hash": bundle.pdf_hash,
            "supersedes_hash": bundle.supersedes_hash,
            "signature": bundle.signature,
            "public_key": b64(bundle.public_key),
            "fingerprint": bundle.fingerprint,
        }
    )


def from_json(data: bytes) -> Bundle:
    try:
        doc = json.loads(data)
    except (ValueError, UnicodeDecodeError) as exc:
        raise BundleError("This file is not a record bundle: it is not JSON.") from exc
    if not isinstance(doc, dict) or doc.get("format") != BUNDLE_FORMAT:
        raise BundleError("This file is not an iro-desktop record bundle.")
    if doc.get("version") != BUNDLE_VERSION:
        raise BundleError(f"This bundle is of version {doc.get('version')!r}, which this app does not read.")
    # A whole number that fits every store the record reaches (PostgreSQL's integer is 32 bits).
    version = doc.get("record_version")
    if type(version) is not int or not 1 <= version < 2**31:
        raise BundleError("This record bundle's version number is not a whole number from 1 to 2147483647.")
    try:
        return Bundle(
            record_id=str(doc["record_id"]),
            record_version=doc["record_version"],
            kind=str(doc["kind"]),
            canonical_json=unb64(doc["canonical_json"]),
            pdf=unb64(doc["pdf"]) if doc.get("pdf") is not None else None,
            content_hash=str(doc["content_hash"]),
            pdf_hash=doc.get("pdf_hash"),
            supersedes_hash=doc.get("supersedes_hash"),
            signature=str(doc["signature"]),
            public_key=unb64(doc["public_key"]),
            fingerprint=str(doc["fingerprint"]),
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise BundleError(f"This record bundle is incomplete or damaged ({exc.__class__.__name__}).") from exc


def problems(bundle: Bundle) -> list[str]:
    """Every reason the bundle is not intact; an empty list means it is intact and signed by its key."""
    found = []
    if sha256_hex(bundle.canonical_json) != bundle.content_hash:
        found.append("The record's content does not match its hash: it has been changed.")
    try:
        if canonical(json.loads(bundle.canonical_json)) != bundle.canonical_json:
            found.append("The record is not in canonical form.")
    except (ValueError, UnicodeDecodeError):
        found.append("The record's content is not readable JSON.")
    if (bundle.pdf is None) != (bundle.pdf_hash is None) or (
        bundle.pdf is not None and sha256_hex(bundle.pdf) != bundle.pdf_hash
    ):
        found.append("The PDF does not match its hash: it has been changed.")
    if fingerprint(bundle.public_key) != bundle.fingerprint:
        found.append("The fingerprint does not belong to the key in the bundle.")
    try:
        statement = bundle.statement()
    except (TypeError, ValueError):  # e.g. a version number with no canonical JSON form
        found.append("The record's identity cannot be put in canonical form: it has been changed.")
        return found
    if not verify(bundle.public_key, statement, bundle.signature):
        found.append("The signature does not verify with the key in the bundle.")
    return found
