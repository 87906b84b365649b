"""The receiver's export for the council, and its check: a folder that proves itself.

The receiver writes each record as its full bundle (the IRO's signature, the device's public key and
fingerprint), beside the record's JSON and PDF for the case system, and a manifest listing every file with
its hash, every receipt, and the enrolment list (each device key, its status, and who decided it and when),
signed as a whole by the receiver's key. `check_export` needs only the folder and the receiver's key or
fingerprint (read out by the administrator): it proves who wrote each record, not only that it is intact,
and that nothing was added to or taken from the list.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from iro_desktop.records import bundle as bundle_api
from iro_desktop.records.bundle import BundleError
from iro_desktop.records.signing import (
    canonical,
    fingerprint,
    normalise_fingerprint,
    sha256_hex,
    statement_of_receipt,
    unb64,
    verify,
)

MANIFEST = "manifest.json"
STATEMENT = "iro-desktop-receiver-export-v1"


def signed_manifest(listing: dict, sign) -> bytes:
    """The manifest file: the listing (with its statement) and the receiver's signature over its canonical
    bytes. `sign(message) -> b64` is the receiver key's."""
    listing = {"statement": STATEMENT, **listing}
    return json.dumps({"listing": listing, "signature": sign(canonical(listing))}, indent=2).encode() + b"\n"


@dataclass(frozen=True)
class ExportCheck:
    intact: bool
    sentences: tuple[str, ...]

    def text(self) -> str:
        return "\n".join(self.sentences)


class _Broken(Exception):
    """The export cannot be checked further: the message says why."""


def check_export(folder: Path, receiver: str) -> ExportCheck:
    """Every record in the export folder checked against the signed list and the enrolment list in it.
    `receiver` is the receiver's public key (base64) or its fingerprint."""
    try:
        listing, receiver_key = _signed_listing(Path(folder), receiver)
    except _Broken as exc:
        return ExportCheck(False, ("Not trusted.", str(exc)))
    devices = {d["fingerprint"]: d for d in listing["devices"]}
    problems = []
    for entry in listing["records"]:
        problems += _record_problems(Path(folder), entry, devices, receiver_key)
    named = {MANIFEST} | {entry[k] for entry in listing["records"] for k in _FILE_KEYS if entry.get(k)}
    problems += [
        f"{p.name}: the folder holds this file but the signed list does not name it."
        for p in sorted(Path(folder).iterdir())
        if p.name not in named
    ]
    if problems:
        return ExportCheck(False, ("Not intact.", *problems))
    senders = {entry["sender"] for entry in listing["records"]}
    return ExportCheck(
        True,
        (
            "Intact.",
            f"{len(listing['records'])} record(s) from {len(senders)} device(s), listed and signed by the "
            f"receiver key {fingerprint(receiver_key)}.",
            "Every record is signed by a device key the council approved; every receipt is the receiver's.",
        ),
    )


_FILE_KEYS = ("bundle_file", "json_file", "pdf_file")


def _receiver_key(listing: dict, receiver: str) -> bytes:
    held = unb64(listing["receiver"]["public_key"])
    text = receiver.strip()
    if any(ch.isalpha() or ch in "+/=" for ch in text):  # a base64 key, not a fingerprint
        given = unb64(text)
    else:
        try:
            wanted = normalise_fingerprint(text)
        except ValueError as exc:
            raise _Broken(f"--receiver: {exc} Or give the receiver's public key in base64.") from None
        given = held if fingerprint(held) == wanted else b""
    if given != held:
        raise _Broken("The export names another receiver key than the one given: it cannot be trusted.")
    return held


def _signed_listing(folder: Path, receiver: str) -> tuple[dict, bytes]:
    try:
        doc = json.loads((folder / MANIFEST).read_bytes())
        listing, signature = doc["listing"], doc["signature"]
        key = _receiver_key(listing, receiver)
    except OSError as exc:
        raise _Broken(f"Cannot read {folder / MANIFEST}: {exc.strerror or exc}.") from None
    except (ValueError, KeyError, TypeError, AttributeError):
        raise _Broken(f"{MANIFEST} is not the signed list a receiver writes.") from None
    if listing.get("statement") != STATEMENT or not verify(key, canonical(listing), signature):
        raise _Broken(f"{MANIFEST} is not signed by the receiver key given: it was changed or is not its.")
    return listing, key


def _record_problems(folder: Path, entry: dict, devices: dict, receiver_key: bytes) -> list[str]:
    name = entry["bundle_file"]
    try:
        data = (folder / name).read_bytes()
    except OSError:
        return [f"{name}: listed but missing."]
    if sha256_hex(data) != entry["bundle_sha256"]:
        return [f"{name}: changed since the receiver listed it."]
    try:
        bundle = bundle_api.from_json(data)
    except BundleError as exc:
        return [f"{name}: {exc}"]
    found = [f"{name}: {p}" for p in bundle_api.problems(bundle)]
    if (bundle.record_id, bundle.content_hash, bundle.fingerprint) != (
        entry["record_id"],
        entry["content_hash"],
        entry["sender"],
    ):
        found.append(f"{name}: the bundle is not the record the list names.")
    found += [f"{name}: {p}" for p in _author_problems(bundle, entry, devices)]
    found += [f"{name}: {p}" for p in _receipt_problems(entry, receiver_key)]
    for key, wanted in (("json_file", bundle.content_hash), ("pdf_file", bundle.pdf_hash)):
        if entry.get(key) and _file_hash(folder / entry[key]) != wanted:
            found.append(f"{entry[key]}: not the signed record's {'JSON' if key == 'json_file' else 'PDF'}.")
    return found


def _author_problems(bundle, entry: dict, devices: dict) -> list[str]:
    device = devices.get(bundle.fingerprint)
    if device is None or unb64(device["public_key"]) != bundle.public_key:
        return ["signed by a key that is not in the receiver's enrolment list."]
    if device["status"] == "approved":
        return []
    if (
        device["status"] == "revoked"
        and device.get("decided_at")
        and entry["received_at"] <= device["decided_at"]
    ):
        return []  # received while the key was approved; revoked since
    return [f"signed by a device key that was {device['status']} when the record arrived."]


def _receipt_problems(entry: dict, receiver_key: bytes) -> list[str]:
    receipt = entry["receipt"]
    statement = statement_of_receipt(receipt)
    if (receipt["record_id"], receipt["content_hash"], receipt["device"]) != (
        entry["record_id"],
        entry["content_hash"],
        entry["sender"],
    ) or not verify(receiver_key, statement, entry["receipt_signature"]):
        return ["its receipt is not the receiver's receipt for this record."]
    return []


def _file_hash(path: Path) -> str | None:
    try:
        return sha256_hex(path.read_bytes())
    except OSError:
        return None
