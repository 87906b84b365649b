"""The export for the council's case system: each record received since a date, as JSON and PDF files.

Each record's JSON file is its canonical document byte for byte, so its SHA-256 is the content hash the
IRO signed; manifest.json lists every file with the record's identity, sender, time received and receipt.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path

from iro_desktop.sync.receiver.storage import ReceivedRecord, ReceiverStore, aware


def export_records(store: ReceiverStore, since: datetime, out: Path) -> list[Path]:
    """Write the records received at or after `since` into `out`; return the files written."""
    out.mkdir(parents=True, exist_ok=True)
    written, manifest = [], []
    for record in store.received_since(since):
        stem = _file_stem(record)
        json_file = out / f"{stem}.json"
        json_file.write_bytes(record.canonical_json)
        written.append(json_file)
        pdf_file = None
        if record.pdf is not None:
            pdf_file = out / f"{stem}.pdf"
            pdf_file.write_bytes(record.pdf)
            written.append(pdf_file)
        manifest.append(_manifest_entry(record, json_file, pdf_file))
    manifest_file = out / "manifest.json"
    manifest_file.write_text(json.dumps({"since": since.isoformat(), "records": manifest}, indent=2) + "\n")
    return [*written, manifest_file]


def _file_stem(record: ReceivedRecord) -> str:
    # Record ids come from devices: keep them readable but never let one name a path elsewhere.
    safe_id = re.sub(r"[^A-Za-z0-9_.-]", "_", record.record_id)[:80].lstrip(".") or "record"
    return f"{safe_id}_v{record.record_version}_{record.content_hash[:12]}"


def _manifest_entry(record: ReceivedRecord, json_file: Path, pdf_file: Path | None) -> dict:
    return {
        "record_id": record.record_id,
        "record_version": record.record_version,
        "kind": record.kind,
        "content_hash": record.content_hash,
        "pdf_hash": record.pdf_hash,
        "supersedes_hash": record.supersedes_hash,
        "sender": record.sender,
        "received_at": aware(record.received_at).isoformat(),
        "json_file": json_file.name,
        "pdf_file": pdf_file.name if pdf_file else None,
        "receipt": json.loads(record.receipt_json),
        "receipt_signature": record.receipt_signature,
    }
