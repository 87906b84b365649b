"""Record bundles out of the store, into a file the IRO chooses; checked again offline by `records.verify`."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select

from iro_desktop.private_files import write_private
from iro_desktop.problems import Problem
from iro_desktop.records import bundle as bundle_api
from iro_desktop.records.bundle import Bundle
from iro_desktop.records.keys import device_public_key
from iro_desktop.records.sealed import PDF_KIND, render_record_pdf
from iro_desktop.records.signing import fingerprint, sha256_hex
from iro_desktop.records.verify import VerifyResult, verify_bundle, verify_file  # noqa: F401 (their old home)
from iro_desktop.store import Store
from iro_desktop.store.models import Document, SignedRecord


def pdf_of(store: Store, row: SignedRecord) -> bytes | None:
    """The signed PDF as kept at finalising; drawn again from the JSON only if it was never kept."""
    if row.pdf_hash is None:
        return None
    with store.reading() as s:
        kept = s.scalars(
            select(Document.pdf).where(Document.kind == PDF_KIND, Document.title == row.content_hash)
        ).first()
    pdf = kept or render_record_pdf(json.loads(row.canonical_json))
    if sha256_hex(pdf) != row.pdf_hash:
        raise Problem("The record's PDF could not be reproduced exactly; export the record from a backup.")
    return pdf


def bundle_of(store: Store, row: SignedRecord, public: bytes | None = None) -> Bundle:
    """The bundle of a signed row; `public` (the device's key) saves a look-up when sending many."""
    public = public or device_public_key(store)
    return Bundle(
        record_id=row.record_id,
        record_version=row.version,
        kind=row.kind,
        canonical_json=row.canonical_json,
        pdf=pdf_of(store, row),
        content_hash=row.content_hash,
        pdf_hash=row.pdf_hash,
        supersedes_hash=row.supersedes_hash,
        signature=row.signature.decode("ascii"),
        public_key=public,
        fingerprint=fingerprint(public),
    )


def record_bundle(store: Store, record_id: str, version: int | None = None) -> Bundle:
    """The bundle of a record's latest version (or of the version asked for)."""
    with store.reading() as s:
        query = select(SignedRecord).where(SignedRecord.record_id == record_id)
        if version is not None:
            query = query.where(SignedRecord.version == version)
        row = s.scalars(query.order_by(SignedRecord.version.desc())).first()
    if row is None:
        raise LookupError(f"There is no signed record {record_id}.")
    return bundle_of(store, row)


def export_record(store: Store, record_id: str, path: Path, version: int | None = None) -> Path:
    """Write the record's bundle to `path`, privately (0600) and whole or not at all."""
    data = bundle_api.to_json(record_bundle(store, record_id, version))
    path = Path(path)
    write_private(path, data)
    return path
