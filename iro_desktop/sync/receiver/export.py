"""The export for the council's case system: each record received since a date, self-verifying.

Per record: its full bundle (`.bundle.json`: the IRO's signature, the device's key and fingerprint), its
canonical JSON byte for byte (`.json`, whose SHA-256 is the content hash the IRO signed) and its PDF. The
manifest lists every file with its hash and receipt, and the enrolment list, signed by the receiver's key
(records/council_export.py): `iro-desktop verify FOLDER --receiver FINGERPRINT` checks it all. Every file
is owner-only (0600); a folder the export creates is 0700.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path

from iro_desktop.private_files import private_dir, write_private
from iro_desktop.records.bundle import Bundle, to_json
from iro_desktop.records.council_export import MANIFEST, signed_manifest
from iro_desktop.records.signing import b64, sha256_hex
from iro_desktop.sync.receiver.receipts import ReceiptSigner, iso_utc
from iro_desktop.sync.receiver.storage import Device, ReceivedRecord, ReceiverStore, aware, utcnow


def export_records(store: ReceiverStore, signer: ReceiptSigner, since: datetime, out: Path) -> list[Path]:
    """Write the records received at or after `since` into `out`; return the files written."""
    private_dir(out)
    devices = store.devices()
    keys = {d.fingerprint: d.public_key for d in devices}
    written, entries = [], []
    for record in store.received_since(since):
        bundle = to_json(_bundle(record, keys[record.sender]))
        files = _write_record(out, record, bundle)
        written += files.values()
        entries.append({**_entry(record, files), "bundle_sha256": sha256_hex(bundle)})
    listing = {
        "receiver": signer.identity(),
        "since": iso_utc(since),
        "exported_at": iso_utc(utcnow()),
        "devices": [_enrolment(d) for d in devices],
        "records": entries,
    }
    manifest = out / MANIFEST
    write_private(manifest, signed_manifest(listing, signer.sign))
    return [*written, manifest]


def _write_record(out: Path, record: ReceivedRecord, bundle: bytes) -> dict[str, Path]:
    stem = _file_stem(record)
    files = {"bundle_file": out / f"{stem}.bundle.json", "json_file": out / f"{stem}.json"}
    write_private(files["bundle_file"], bundle)
    write_private(files["json_file"], record.canonical_json)
    if record.pdf is not None:
        files["pdf_file"] = out / f"{stem}.pdf"
        write_private(files["pdf_file"], record.pdf)
    return files


def _bundle(record: ReceivedRecord, sender_key: bytes) -> Bundle:
    """The bundle as the device sent it (the receiver kept it only when its key was the sender's)."""
    return Bundle(
        record.record_id,
        record.record_version,
        record.kind,
        record.canonical_json,
        record.pdf,
        record.content_hash,
        record.pdf_hash,
        record.supersedes_hash,
        record.signature,
        sender_key,
        record.sender,
    )


def _file_stem(record: ReceivedRecord) -> str:
    # Record ids come from devices: keep them readable but never let one name a path elsewhere. The sender
    # is in the name because two devices may each hold a record of the same id.
    safe_id = re.sub(r"[^A-Za-z0-9_.-]", "_", record.record_id)[:80].lstrip(".") or "record"
    return f"{safe_id}_{record.sender[:5]}_v{record.record_version}_{record.content_hash[:12]}"


def _entry(record: ReceivedRecord, files: dict[str, Path]) -> dict:
    return {
        "record_id": record.record_id,
        "record_version": record.record_version,
        "kind": record.kind,
        "content_hash": record.content_hash,
        "pdf_hash": record.pdf_hash,
        "supersedes_hash": record.supersedes_hash,
        "sender": record.sender,
        "received_at": iso_utc(aware(record.received_at)),
        "bundle_file": files["bundle_file"].name,
        "json_file": files["json_file"].name,
        "pdf_file": files["pdf_file"].name if "pdf_file" in files else None,
        "receipt": json.loads(record.receipt_json),
        "receipt_signature": record.receipt_signature,
    }


def _enrolment(device: Device) -> dict:
    decided = aware(device.decided_at) if device.decided_at else None
    return {
        "fingerprint": device.fingerprint,
        "public_key": b64(device.public_key),
        "name": device.name,
        "status": device.status,
        "enrolled_at": iso_utc(aware(device.enrolled_at)),
        "decided_at": iso_utc(decided) if decided else None,
        "decided_by": device.decided_by,
    }
