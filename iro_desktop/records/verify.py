"""Checking a record bundle offline, as `iro-desktop verify` does: no store, no ORM, no PDF drawing.

`verify_file` reads the bundle alone and says in plain sentences whether every signed byte is intact and
whose key signed it. It lives apart from `export` so the command imports only the signature check.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from iro_desktop.domain.calendar import format_date
from iro_desktop.records import bundle as bundle_api
from iro_desktop.records.bundle import Bundle, BundleError


@dataclass(frozen=True)
class VerifyResult:
    intact: bool
    sentences: tuple[str, ...]
    bundle: Bundle | None = None

    def text(self) -> str:
        return "\n".join(self.sentences)


def _signed_by(bundle: Bundle) -> str:
    try:
        doc = bundle.document()
        name, on = doc.get("signer", {}).get("name"), doc.get("finalised_on")
    except (ValueError, AttributeError):
        name, on = None, None
    who = f" ({name}'s device)" if name else ""
    when = f" on {format_date(date.fromisoformat(on))}" if on else ""
    return f"Signed by the key {bundle.fingerprint}{who}{when}."


def verify_bundle(bundle: Bundle) -> VerifyResult:
    found = bundle_api.problems(bundle)
    if found:
        return VerifyResult(False, ("Not intact.", *found), bundle)
    what = f"Record {bundle.record_id}, version {bundle.record_version}"
    if bundle.supersedes_hash:
        what += f", correcting the version with hash {bundle.supersedes_hash[:16]}…"
    return VerifyResult(True, ("Intact.", _signed_by(bundle), what + "."), bundle)


def verify_file(path: Path) -> VerifyResult:
    """Check a bundle file offline: intact or not, and who signed it."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        return VerifyResult(False, (f"Cannot read {path}: {exc.strerror}.",))
    try:
        bundle = bundle_api.from_json(data)
    except BundleError as exc:
        return VerifyResult(False, (str(exc),))
    return verify_bundle(bundle)
