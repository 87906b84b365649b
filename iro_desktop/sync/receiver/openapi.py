"""What the receiver's OpenAPI says beyond what FastAPI infers: the request-signature scheme with each
header's exact form, the bodies' exact forms, and every status each operation can answer.

The patterns here are the ones the receiver enforces (auth.py, app.py), so a client or a fuzzer built from
the document sends what the receiver accepts, and what it refuses is refused for a stated reason.
"""

from __future__ import annotations

from iro_desktop.records.bundle import BUNDLE_FIELDS, BUNDLE_FORMAT, BUNDLE_VERSION
from iro_desktop.sync.protocol import (
    CHILD_ID_PATTERN,
    IRO_NAME_PATTERN,
    MAX_CHILD_ID,
    MAX_DEVICE_NAME,
    NAME_PATTERN,
)
from iro_desktop.sync.receiver.auth import FINGERPRINT_PATTERN, HEADER_FORMS, HEADER_PATTERNS
from iro_desktop.sync.receiver.trail import HASH_PATTERN

PUBLIC_KEY_PATTERN = r"^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$"  # 32 bytes in canonical base64
# Canonical base64 (records/signing.unb64): the padding bits of the last group are zero.
BASE64_PATTERN = r"^([A-Za-z0-9+/]{4})*([A-Za-z0-9+/][AQgw]==|[A-Za-z0-9+/]{2}[AEIMQUYcgkosw048]=)?$"
RECORD_ID_MAX, KIND_MAX = 200, 50

SIGNATURE_COVERS = (
    "The signature is Ed25519, by the device key, over the method, the path as sent, the timestamp, the "
    "nonce and the body's SHA-256 (sync/protocol.py request_message)."
)
SECURITY_SCHEMES = {
    name.removeprefix("X-"): {
        "type": "apiKey",
        "in": "header",
        "name": name,
        "description": f"{HEADER_FORMS[name].capitalize()}, matching `{pattern}`. {SIGNATURE_COVERS}",
    }
    for name, pattern in HEADER_PATTERNS.items()
}
SIGNED = {
    "security": [{scheme: [] for scheme in SECURITY_SCHEMES}],
    "parameters": [
        {"name": name, "in": "header", "required": True, "schema": {"type": "string", "pattern": pattern}}
        for name, pattern in HEADER_PATTERNS.items()
    ],
}

_B64 = {"type": "string", "pattern": BASE64_PATTERN}
_HASH = {"type": "string", "pattern": HASH_PATTERN}
_BUNDLE_PROPERTIES = {
    "format": {"const": BUNDLE_FORMAT},
    "version": {"const": BUNDLE_VERSION},
    "record_id": {"type": "string", "minLength": 1, "maxLength": RECORD_ID_MAX},
    "record_version": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1},
    "kind": {"type": "string", "minLength": 1, "maxLength": KIND_MAX},
    "canonical_json": _B64,
    "pdf": {"anyOf": [_B64, {"type": "null"}]},
    "content_hash": _HASH,
    "pdf_hash": {"anyOf": [_HASH, {"type": "null"}]},
    "supersedes_hash": {"anyOf": [_HASH, {"type": "null"}]},
    "signature": {"type": "string", "pattern": HEADER_PATTERNS["X-IRO-Signature"]},
    "public_key": {"type": "string", "pattern": PUBLIC_KEY_PATTERN},
    "fingerprint": {"type": "string", "pattern": FINGERPRINT_PATTERN},
}
BUNDLE_SCHEMA = {
    "type": "object",
    "required": list(BUNDLE_FIELDS),
    "additionalProperties": False,
    "properties": _BUNDLE_PROPERTIES,
}
ENROL_SCHEMA = {
    "type": "object",
    "required": ["public_key"],
    "additionalProperties": False,
    "properties": {
        "public_key": {"type": "string", "pattern": PUBLIC_KEY_PATTERN},
        "name": {
            "type": "string",
            "pattern": NAME_PATTERN,
            "description": f"At most {MAX_DEVICE_NAME} characters, without control or invisible characters.",
        },
    },
}

# What FastAPI states only as "a string": the forms the receiver checks (allocations.py, admin_api.py).
PARAMETER_SCHEMAS = {
    "child_id": {"type": "string", "pattern": CHILD_ID_PATTERN, "maxLength": MAX_CHILD_ID},
    "iro": {
        "anyOf": [
            {"type": "string", "pattern": IRO_NAME_PATTERN, "maxLength": MAX_DEVICE_NAME},
            {"type": "null"},
        ]
    },
}


def body(schema: dict) -> dict:
    return {"requestBody": {"required": True, "content": {"application/json": {"schema": schema}}}}


def finish(document: dict) -> dict:
    """FastAPI's document with the security schemes added, and bounds FastAPI turned into floats (its
    models hold them so) whole again: a count's maximum is 2147483647, not 2147483647.0."""
    from iro_desktop.sync.receiver.admin_api import SCHEME, SECURITY_SCHEME

    document.setdefault("components", {})["securitySchemes"] = {**SECURITY_SCHEMES, SCHEME: SECURITY_SCHEME}
    for operation in (op for path in document["paths"].values() for op in path.values()):
        for parameter in operation.get("parameters", []):
            parameter["schema"] = PARAMETER_SCHEMAS.get(parameter["name"], parameter["schema"])
    return _whole_bounds(document)


def _whole_bounds(node):
    if isinstance(node, dict):
        return {
            key: int(value)
            if key in ("minimum", "maximum") and isinstance(value, float) and value.is_integer()
            else _whole_bounds(value)
            for key, value in node.items()
        }
    return [_whole_bounds(item) for item in node] if isinstance(node, list) else node
