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


# Every field of a version-1 bundle and the JSON types it may hold: a bundle has exactly these, no more and
# no fewer. A field that may be null is still written (as null), so a renamed or dropped field is always seen.
_TEXT, _WHOLE, _NULL = (str,), (int,), (type(None),)
BUNDLE_FIELDS: dict[str, tuple[type, ...]] = {
    "format": _TEXT,
    "version": _WHOLE,
    "record_id": _TEXT,
    "record_version": _WHOLE,
    "kind": _TEXT,
    "canonical_json": _TEXT,
    "pdf": _TEXT + _NULL,
    "content_hash": _TEXT,
    "pdf_hash": _TEXT + _NULL,
    "supersedes_hash": _TEXT + _NULL,
    "signature": _TEXT,
    "public_key": _TEXT,
    "fingerprint": _TEXT,
}
_JSON_TYPE_NAMES = {str: "text", int: "a whole number", type(None): "null"}


def to_json(bundle: Bundle) -> bytes:
    """The bundle's one byte form: every field of its version, those without a value as null."""
    doc = {
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
    return canonical(doc)


def _shown(value) -> str:
    """A field's name (or a value) as a message shows it: quoted, escaped, and cut short if long."""
    text = repr(value)
    return text if len(text) <= 42 else text[:40] + "…"


def _names(keys) -> str:
    return ", ".join(_shown(k) for k in sorted(keys))


def _json_type(value) -> str:
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, float):
        return "a decimal number"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return _JSON_TYPE_NAMES.get(type(value), type(value).__name__)


def _object_without_repeats(pairs: list[tuple[str, object]]) -> dict:
    doc = {}
    for key, value in pairs:
        if key in doc:
            raise BundleError(f"The bundle has the field {_shown(key)} more than once.")
        doc[key] = value
    return doc


def _not_json_constant(name: str):
    raise ValueError(f"{name} is not JSON")


def _number(text: str) -> int | float:
    """JSON has one kind of number: 8146.0 and 8146 are the same one (RFC 8259, and JSON Schema's
    "integer"), so a whole number written with a point or an exponent is read as the whole number."""
    value = float(text)
    return int(value) if value.is_integer() and abs(value) <= 2**53 else value


def parse_json(data: bytes | str) -> object:
    """JSON as RFC 8259 has it: UTF-8, no NaN or Infinity, and no object naming a field twice."""
    try:
        return json.loads(
            data if isinstance(data, str) else data.decode("utf-8"),
            object_pairs_hook=_object_without_repeats,
            parse_constant=_not_json_constant,
            parse_float=_number,
        )
    except BundleError:
        raise
    except RecursionError as exc:
        raise BundleError("This file is not a record bundle: it is nested too deeply.") from exc
    except (ValueError, UnicodeDecodeError) as exc:
        raise BundleError("This file is not a record bundle: it is not JSON.") from exc


def _check_fields(doc: dict) -> None:
    """Exactly the fields of version 1, each of its JSON type: anything else is refused, naming the field."""
    unknown, missing = doc.keys() - BUNDLE_FIELDS.keys(), BUNDLE_FIELDS.keys() - doc.keys()
    sentences = []
    if unknown:
        plural = "fields" if len(unknown) > 1 else "a field"
        sentences.append(f"The bundle has {plural} this version does not know: {_names(unknown)}.")
    if missing:
        plural = "fields" if len(missing) > 1 else "field"
        sentences.append(f"The bundle is missing the {plural} {_names(missing)}.")
    if sentences:
        raise BundleError(" ".join(sentences))
    for key, allowed in BUNDLE_FIELDS.items():
        value = doc[key]
        if type(value) not in allowed:  # type(), not isinstance(): true and false are not whole numbers
            wanted = " or ".join(_JSON_TYPE_NAMES[t] for t in allowed)
            found = _json_type(value)
            raise BundleError(f"The bundle's field {_shown(key)} should be {wanted}, not {found}.")
        if isinstance(value, str):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError as exc:  # a lone surrogate, written \ud800 in the JSON text
                why = f"The bundle's field {_shown(key)} holds text that is not Unicode."
                raise BundleError(why) from exc


def _decoded(doc: dict, key: str) -> bytes | None:
    if doc[key] is None:
        return None
    try:
        return unb64(doc[key])
    except ValueError as exc:
        why = f"The bundle's field {_shown(key)} is not base64 in its one canonical spelling."
        raise BundleError(why) from exc


def from_json(data: bytes | str) -> Bundle:
    """Read a bundle strictly: a JSON object with exactly the fields of its version, each of its type.

    Raises BundleError with a plain sentence saying what is wrong."""
    doc = parse_json(data)
    if not isinstance(doc, dict) or doc.get("format") != BUNDLE_FORMAT:
        raise BundleError("This file is not an iro-desktop record bundle.")
    if "version" not in doc:
        raise BundleError("The bundle is missing the field 'version'.")
    if type(doc["version"]) is not int or doc["version"] != BUNDLE_VERSION:
        shown = _shown(doc["version"])
        raise BundleError(f"This bundle is of version {shown}, which this app does not read.")
    # A whole number that fits every store the record reaches (PostgreSQL's integer is 32 bits).
    version = doc.get("record_version")
    if "record_version" in doc and (type(version) is not int or not 1 <= version < 2**31):
        raise BundleError("This record bundle's version number is not a whole number from 1 to 2147483647.")
    _check_fields(doc)
    return Bundle(
        record_id=doc["record_id"],
        record_version=doc["record_version"],
        kind=doc["kind"],
        canonical_json=_decoded(doc, "canonical_json"),
        pdf=_decoded(doc, "pdf"),
        content_hash=doc["content_hash"],
        pdf_hash=doc["pdf_hash"],
        supersedes_hash=doc["supersedes_hash"],
        signature=doc["signature"],
        public_key=_decoded(doc, "public_key"),
        fingerprint=doc["fingerprint"],
    )


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
