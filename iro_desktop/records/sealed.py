"""A signed record's parts: its stable id, its PDF drawn from its JSON alone, its bundle signed, its rows.

The record is one RFC 8785 JSON document; its PDF is drawn from the content rebuilt from that very JSON,
with the record id on every page. The device key signs both hashes. What goes into the document, and when a
review may be signed, is services/finalise.py's.
"""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from iro_desktop.documents import challenge_letter, review_record
from iro_desktop.documents.content import ChallengeContent, ReviewContent
from iro_desktop.records.bundle import Bundle
from iro_desktop.records.content_json import from_plain
from iro_desktop.records.signing import fingerprint, raw_public_key, record_statement, sha256_hex, sign
from iro_desktop.store import Store
from iro_desktop.store.models import Document, OutboxItem, SignedRecord

DOCUMENT_FORMAT = "iro-desktop-record-content"
PDF_KIND = "signed_record_pdf"  # a Document row holding the signed PDF, titled by its record's content hash
_ID_NAMESPACE = uuid.UUID("6f1c2a52-3f0e-4d7e-9d57-1b8a3c1e0b44")


def record_id_for(store: Store, kind: str, subject_id: int) -> str:
    """One stable id per review (or letter) per store: every version of its record shares it."""
    return str(uuid.uuid5(_ID_NAMESPACE, f"{store.store_id}:{kind}:{subject_id}"))


def printed_id(record_id: str, version: int) -> str:
    return f"{record_id} v{version}"


def render_record_pdf(document: dict) -> bytes:
    """The PDF of a record, drawn from its canonical JSON document alone."""
    if document["kind"] == "review":
        return review_record.render(from_plain(ReviewContent, document["content"]))
    if document["kind"] == "challenge_letter":
        return challenge_letter.render(from_plain(ChallengeContent, document["content"]))
    raise ValueError(f"There is no record kind {document['kind']!r}.")


def sign_bundle(
    private_key,
    record_id: str,
    version: int,
    kind: str,
    canonical_json: bytes,
    pdf: bytes | None,
    supersedes_hash: str | None,
) -> Bundle:
    """Hash both, sign the statement of both hashes with the device key: the bundle as it will travel."""
    content_hash = sha256_hex(canonical_json)
    pdf_hash = sha256_hex(pdf) if pdf is not None else None
    public = raw_public_key(private_key)
    statement = record_statement(record_id, version, kind, content_hash, pdf_hash, supersedes_hash)
    return Bundle(
        record_id,
        version,
        kind,
        canonical_json,
        pdf,
        content_hash,
        pdf_hash,
        supersedes_hash,
        sign(private_key, statement),
        public,
        fingerprint(public),
    )


def save_signed(
    s: Session, bundle: Bundle, child_id: int | None, review_id: int | None, reason: str | None
) -> SignedRecord:
    """Write the signed record, its PDF and its outbox entry in the caller's transaction."""
    row = SignedRecord(
        record_id=bundle.record_id,
        version=bundle.record_version,
        kind=bundle.kind,
        child_id=child_id,
        review_id=review_id,
        canonical_json=bundle.canonical_json,
        content_hash=bundle.content_hash,
        pdf_hash=bundle.pdf_hash,
        signature=bundle.signature.encode("ascii"),
        supersedes_hash=bundle.supersedes_hash,
        correction_reason=reason,
    )
    s.add(row)
    s.flush()
    s.add(OutboxItem(signed_record_id=row.id, state="queued"))
    if bundle.pdf is not None and child_id is not None:
        s.add(
            Document(
                child_id=child_id,
                review_id=review_id,
                kind=PDF_KIND,
                title=bundle.content_hash,
                pdf=bundle.pdf,
            )
        )
    return row
