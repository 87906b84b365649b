"""The council's receiver: an ASGI app that enrols IRO device keys, verifies and keeps signed records,
and answers each with a signed receipt. Endpoints and status codes are those of sync/protocol.py.

Every refusal answers {"detail": "a plain sentence"}, stores nothing, and is logged (ids and reasons only,
never a record's content). Bodies are measured before they are parsed.
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from iro_desktop.records.bundle import Bundle, BundleError, from_json, problems
from iro_desktop.records.signing import fingerprint, unb64
from iro_desktop.sync.protocol import MAX_BODY_BYTES, MAX_SKEW_SECONDS
from iro_desktop.sync.receiver.auth import Refused, authenticate, read_headers, signer_of, status_refusal
from iro_desktop.sync.receiver.receipts import (
    ReceiptSigner,
    default_key_file,
    load_or_create_key,
    receipt_body,
)
from iro_desktop.sync.receiver.storage import (
    APPROVED,
    PENDING,
    REVOKED,
    Device,
    ReceivedRecord,
    ReceiverStore,
    RefusalLimits,
    utcnow,
)

log = logging.getLogger("iro_desktop.receiver")
ENROL_MAX_BYTES = 16 * 1024
HASH = re.compile(r"[0-9a-f]{64}")
NONCE_PRUNE_EVERY = 60.0  # seconds between sweeps of nonces too old to matter

DESCRIPTION = """
The council's receiver for signed review records from Independent Reviewing Officers' devices.

A device enrols its Ed25519 public key (`POST /v1/devices`); an administrator compares fingerprints and
approves it (`iro-desktop-receiver approve FINGERPRINT`). Every other request is signed by the device key:
`X-IRO-Key` (fingerprint), `X-IRO-Timestamp` (unix seconds, within 5 minutes), `X-IRO-Nonce` (never reused)
and `X-IRO-Signature` (base64 Ed25519 over method, path, timestamp, nonce and the body's SHA-256).

Each record is verified before it is kept, and acknowledged with a receipt signed by the receiver's key
(`GET /v1/receiver`). Sending the same record again returns the same receipt. Errors are
`{"detail": "a plain sentence"}`.
"""


class ReceiverIdentity(BaseModel):
    public_key: str
    fingerprint: str


class Enrolment(BaseModel):
    fingerprint: str
    status: str


class Receipt(BaseModel):
    statement: str
    record_id: str
    content_hash: str
    received_at: str
    receiver: str
    device: str


class Acknowledgement(BaseModel):
    receipt: Receipt
    signature: str


class HeldVersion(BaseModel):
    record_version: int
    content_hash: str
    supersedes_hash: str | None
    received_at: str


class HeldRecord(BaseModel):
    record_id: str
    kind: str
    versions: list[HeldVersion]
    receipt: Receipt
    signature: str


class Problem(BaseModel):
    detail: str


def _errors(*codes: int) -> dict:
    return {code: {"model": Problem} for code in codes}


SIGNED_HEADERS = [
    {"name": name, "in": "header", "required": True, "schema": {"type": "string"}}
    for name in ("X-IRO-Key", "X-IRO-Timestamp", "X-IRO-Nonce", "X-IRO-Signature")
]
B64 = {"type": "string", "contentEncoding": "base64"}
BUNDLE_SCHEMA = {
    "type": "object",
    "required": ["format", "version", "record_id", "record_version", "kind", "canonical_json", "content_hash"]
    + ["signature", "public_key", "fingerprint"],
    "properties": {
        "format": {"const": "iro-desktop-record"},
        "version": {"const": 1},
        "record_id": {"type": "string"},
        "record_version": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1},
        "kind": {"type": "string"},
        "canonical_json": B64,
        "pdf": {"anyOf": [B64, {"type": "null"}]},
        "content_hash": {"type": "string"},
        "pdf_hash": {"type": ["string", "null"]},
        "supersedes_hash": {"type": ["string", "null"]},
        "signature": B64,
        "public_key": B64,
        "fingerprint": {"type": "string"},
    },
}
ENROL_SCHEMA = {
    "type": "object",
    "required": ["public_key"],
    "properties": {"public_key": B64, "name": {"type": "string", "maxLength": 200}},
}


def _body_doc(schema: dict) -> dict:
    return {"requestBody": {"required": True, "content": {"application/json": {"schema": schema}}}}


def create_app(
    db_url: str,
    key_file: str | Path | None = None,
    *,
    clock: Callable[[], float] = time.time,
    max_body_bytes: int = MAX_BODY_BYTES,
    refusal_limits: RefusalLimits | None = None,
) -> FastAPI:
    store = ReceiverStore(db_url, refusal_limits)
    signer = ReceiptSigner(load_or_create_key(Path(key_file) if key_file else default_key_file(db_url)))
    app = FastAPI(title="iro-desktop receiver", version="1", description=DESCRIPTION)
    app.state.store, app.state.signer = store, signer
    last_prune = [0.0]

    @app.exception_handler(Refused)
    async def _refused(request: Request, exc: Refused):
        # The reason may quote a value the client sent: the log and the audit table keep 300 characters.
        path, reason = request.url.path[:300], exc.reason[:300]
        log.warning("refused %s %s key=%s: %s %s", request.method, path, exc.fingerprint, exc.status, reason)
        await run_in_threadpool(store.log_refusal, request.method, path, exc.fingerprint, exc.status, reason)
        return JSONResponse({"detail": exc.reason}, status_code=exc.status)

    @app.get("/v1/receiver", response_model=ReceiverIdentity, summary="The receiver's receipt-signing key")
    async def identity():
        return signer.identity()

    @app.post(
        "/v1/devices",
        status_code=202,
        response_model=Enrolment,
        responses={200: {"model": Enrolment}, **_errors(400, 403, 413)},
        openapi_extra=_body_doc(ENROL_SCHEMA),
        summary="Ask to enrol a device key (an administrator approves it)",
    )
    async def enrol(request: Request):
        body = await read_body(request, ENROL_MAX_BYTES)
        device = await run_in_threadpool(_enrol, store, body)
        return JSONResponse(
            {"fingerprint": device.fingerprint, "status": device.status},
            status_code=200 if device.status == APPROVED else 202,
        )

    @app.put(
        "/v1/records/{record_id}/{content_hash}",
        status_code=201,
        response_model=Acknowledgement,
        responses={200: {"model": Acknowledgement}, **_errors(400, 401, 403, 409, 413, 422)},
        openapi_extra={**_body_doc(BUNDLE_SCHEMA), "parameters": SIGNED_HEADERS},
        summary="Send a signed record bundle; answered with a signed receipt",
    )
    async def put_record(record_id: str, content_hash: str, request: Request):
        body = await read_body(request, max_body_bytes)
        now = clock()
        status, answer = await run_in_threadpool(
            _accept, store, signer, request.headers, request.url.path, body, record_id, content_hash, now
        )
        if now - last_prune[0] > NONCE_PRUNE_EVERY:
            last_prune[0] = now
            await run_in_threadpool(store.prune_nonces, timedelta(seconds=2 * MAX_SKEW_SECONDS))
        return JSONResponse(answer, status_code=status)

    @app.get(
        "/v1/records/{record_id}",
        response_model=HeldRecord,
        responses=_errors(401, 403, 404),
        openapi_extra={"parameters": SIGNED_HEADERS},
        summary="This device's own record: its versions and the latest receipt",
    )
    async def get_record(record_id: str, request: Request):
        body = await read_body(request, ENROL_MAX_BYTES)
        return await run_in_threadpool(
            _held, store, request.headers, request.url.path, body, record_id, clock()
        )

    return app


async def read_body(request: Request, limit: int) -> bytes:
    """The body, refused with 413 before parsing when it is larger than `limit` bytes."""
    declared = request.headers.get("content-length")
    too_large = Refused(
        413, f"The request body is larger than the {limit // 1024} KiB this receiver accepts."
    )
    if declared is not None and (not declared.isdigit() or int(declared) > limit):
        raise too_large if declared.isdigit() else Refused(400, "The Content-Length header is not a number.")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise too_large
        chunks.append(chunk)
    return b"".join(chunks)


def _enrol(store: ReceiverStore, body: bytes) -> Device:
    try:
        doc = json.loads(body)
        public_key = unb64(doc["public_key"]) if isinstance(doc["public_key"], str) else b""
        name = doc.get("name") or ""
    except (ValueError, UnicodeDecodeError, TypeError, KeyError, AttributeError, RecursionError):
        raise Refused(400, 'The body must be JSON: {"public_key": base64, "name": text}.') from None
    if len(public_key) != 32 or not isinstance(name, str) or len(name) > 200:
        raise Refused(400, "The public key must be a base64 Ed25519 key (32 bytes) and the name short text.")
    print_ = fingerprint(public_key)
    try:
        with store.session() as s:
            device = s.get(Device, print_)
            if device is None:
                device = Device(
                    fingerprint=print_, public_key=public_key, name=name, status=PENDING, enrolled_at=utcnow()
                )
                s.add(device)
                log.info("enrolment asked key=%s", print_)
    except IntegrityError:  # the same key asked twice at once
        device = store.device(print_)
    if device.status == REVOKED:
        raise Refused(403, "This key has been revoked: make a new key and enrol again.", print_)
    return device


def _accept(store, signer, headers, path, body, record_id, content_hash, now) -> tuple[int, dict]:
    signed = read_headers(headers)
    checked = _checked_bundle(body, signed.fingerprint, record_id, content_hash)  # CPU only, before the lock
    try:
        with store.session() as s:  # one transaction and one disk flush: the nonce and the record together
            device = signer_of(s, signed, "PUT", path, body, now)
            refusal = status_refusal(device) or (checked if isinstance(checked, Refused) else None)
            if refusal is None and checked.public_key != device.public_key:
                refusal = Refused(
                    403, "The record is signed by a key that is not the sender's.", device.fingerprint
                )
            if refusal is None:
                try:
                    answer = _keep(s, signer, checked, device.fingerprint)
                except Refused as exc:
                    refusal = exc  # still commit: the nonce is spent
    except IntegrityError:
        # Raced with a twin request, or the same content is held under another id: look again.
        held = [r for r in store.versions(record_id) if r.content_hash == content_hash]
        if held and held[0].sender == signed.fingerprint:
            return 200, receipt_body(held[0].receipt_json, held[0].receipt_signature)
        raise Refused(
            409, "This record's content or version is already held; nothing was stored.", signed.fingerprint
        ) from None
    if refusal is not None:
        raise refusal
    return answer


def _checked_bundle(body: bytes, sender: str, record_id: str, content_hash: str) -> Bundle | Refused:
    """The intact bundle the sender signed for this address, or why not (given once the sender is known)."""
    try:
        bundle = from_json(body)
    except BundleError as exc:
        return Refused(400, str(exc), sender)
    except (AttributeError, TypeError, ValueError, RecursionError):
        return Refused(400, "The body is not a readable record bundle.", sender)
    if bundle.record_id != record_id or bundle.content_hash != content_hash:
        return Refused(422, "The record id and hash in the address do not match the bundle's.", sender)
    if bundle.fingerprint != sender:
        return Refused(403, "The record is signed by a key that is not the sender's.", sender)
    shape = _shape_problem(bundle)
    if shape:
        return Refused(422, shape, sender)
    try:
        found = problems(bundle)
    except (ValueError, TypeError, RecursionError):  # signed fields that have no canonical form
        found = ["Its signed fields cannot be put in canonical form."]
    if found:
        return Refused(422, "The record is not intact: " + " ".join(found), sender)
    kind = _kind_problem(bundle)
    return Refused(422, kind, sender) if kind else bundle


def _shape_problem(bundle: Bundle) -> str | None:
    """Fields a bundle could hold in an odd shape (even signed): refused rather than checked or kept oddly."""
    if not (0 < len(bundle.record_id) <= 200) or not (0 < len(bundle.kind) <= 50):
        return "The record id or kind is empty or too long."
    if not HASH.fullmatch(bundle.content_hash):
        return "The content hash is not a SHA-256 in lower-case hexadecimal."
    for value in (bundle.pdf_hash, bundle.supersedes_hash):
        if value is not None and not (isinstance(value, str) and HASH.fullmatch(value)):
            return "A hash in the bundle is not a SHA-256 in lower-case hexadecimal."
    if len(bundle.signature) > 200:
        return "The signature is too long."
    return None


def _kind_problem(bundle: Bundle) -> str | None:
    document = bundle.document()
    if isinstance(document, dict) and "kind" in document and document["kind"] != bundle.kind:
        # The bundle's kind is outside the signature; the record's own (signed) kind must agree with it.
        return "The bundle's kind does not match the kind in the signed record."
    return None


def _keep(s: Session, signer: ReceiptSigner, bundle: Bundle, sender: str) -> tuple[int, dict]:
    """Keep a verified record in the session's transaction, or acknowledge it again; Refused on conflict."""
    query = select(ReceivedRecord).where(ReceivedRecord.record_id == bundle.record_id)
    held = list(s.scalars(query.order_by(ReceivedRecord.id)))
    if held and held[0].sender != sender:
        raise Refused(
            403, "This record id belongs to another device: a device sends only its own records.", sender
        )
    same = next((r for r in held if r.content_hash == bundle.content_hash), None)
    if same is not None:
        return 200, receipt_body(same.receipt_json, same.receipt_signature)
    if held and bundle.supersedes_hash != held[-1].content_hash:
        raise Refused(
            409,
            "A different version of this record is already held; a correction must name the hash of the "
            "latest version, which it supersedes.",
            sender,
        )
    received_at = utcnow()
    receipt_json, receipt_signature = signer.receipt(
        bundle.record_id, bundle.content_hash, received_at, sender
    )
    row = {
        "record_id": bundle.record_id,
        "record_version": bundle.record_version,
        "content_hash": bundle.content_hash,
        "sender": sender,
        "kind": bundle.kind,
        "canonical_json": bundle.canonical_json,
        "pdf": bundle.pdf,
        "pdf_hash": bundle.pdf_hash,
        "signature": bundle.signature,
        "supersedes_hash": bundle.supersedes_hash,
        "supersedes_key": bundle.supersedes_hash or "",
        "received_at": received_at,
        "receipt_json": receipt_json,
        "receipt_signature": receipt_signature,
    }
    s.execute(insert(ReceivedRecord.__table__).values(row))  # Core: no unit of work on the hot path
    log.info("keeping record=%s version=%s key=%s", bundle.record_id, bundle.record_version, sender)
    return 201, receipt_body(receipt_json, receipt_signature)


def _held(store: ReceiverStore, headers, path: str, body: bytes, record_id: str, now: float) -> dict:
    device = authenticate(store, headers, "GET", path, body, now)
    versions = [r for r in store.versions(record_id) if r.sender == device.fingerprint]
    if not versions:
        raise Refused(404, "No record with this id is held for this device.", device.fingerprint)
    latest = versions[-1]
    return {
        "record_id": record_id,
        "kind": latest.kind,
        "versions": [
            {
                "record_version": r.record_version,
                "content_hash": r.content_hash,
                "supersedes_hash": r.supersedes_hash,
                "received_at": json.loads(r.receipt_json)["received_at"],
            }
            for r in versions
        ],
        **receipt_body(latest.receipt_json, latest.receipt_signature),
    }
