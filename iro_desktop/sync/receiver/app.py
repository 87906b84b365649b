"""The council's receiver: an ASGI app that enrols IRO device keys, verifies and keeps signed records,
keeps the head of each device's audit trail, and answers each record with a signed receipt. Endpoints and
status codes are those of sync/protocol.py; the OpenAPI states them exactly (openapi.py).

Every refusal answers {"detail": "a plain sentence"}, stores nothing, and is logged on one line and in the
refusals table (ids and reasons only, escaped; never a record's content). Bodies are measured before they
are parsed, and a signed request is authenticated before its body is parsed.
"""

from __future__ import annotations

import json
import logging
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
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect
from starlette.routing import Match

from iro_desktop.records.bundle import Bundle, BundleError, from_json, problems
from iro_desktop.records.signing import fingerprint, unb64
from iro_desktop.sync.protocol import MAX_BODY_BYTES, MAX_DEVICE_NAME, MAX_SKEW_SECONDS, is_device_name
from iro_desktop.sync.receiver import admin_api, allocations, feed_api, openapi, trail
from iro_desktop.sync.receiver.auth import (
    Refused,
    SignedRequest,
    admit,
    authenticate,
    path_as_sent,
    read_headers,
    status_refusal,
)
from iro_desktop.sync.receiver.bodies import SMALL_BODY_BYTES, errors, json_object, read_body
from iro_desktop.sync.receiver.plain import is_plain, shown
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
NONCE_PRUNE_EVERY = 60.0  # seconds between sweeps of nonces too old to matter
FRAMEWORK_REFUSALS = {
    404: "There is nothing at this address.",
    405: "This address does not answer that method.",
}

DESCRIPTION = """
The council's receiver for signed review records from Independent Reviewing Officers' devices.

A device enrols its Ed25519 public key (`POST /v1/devices`); an administrator compares fingerprints and
approves it (`iro-desktop-receiver approve FINGERPRINT`). Every other request is signed by the device key:
`X-IRO-Key` (fingerprint), `X-IRO-Timestamp` (unix seconds, within 5 minutes), `X-IRO-Nonce` (never reused)
and `X-IRO-Signature` (base64 Ed25519 over method, the path as sent, timestamp, nonce and the body's SHA-256).

A record id belongs to the device that sends it: each device's records are its own. Each record is verified
before it is kept, and acknowledged with a receipt signed by the receiver's key (`GET /v1/receiver`).
Sending the same record again returns the same receipt. At each sync a device also sends the head of its
audit trail (`PUT /v1/trail`), which must run on from the head held. A device approved to an IRO reads the
children allocated to that IRO (`GET /v1/allocations`), signed by the receiver's key, and pulls the feed of
their changes after its last position (`GET /v1/feed/{after}`): each child's 903 rows, details and notices,
in order, signed over a statement naming the device and the request's nonce. It answers a notice with
`PUT /v1/notices/{id}/answer`.

The council's own systems manage IROs and allocations, and publish 903 rows, details and notices, under
`/v1/admin/` with an administrator token
(`Authorization: Bearer iro-admin-...`), which opens nothing else. Errors are
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


class TrailHeadHeld(BaseModel):
    entries: int
    head_hash: str
    restore_hash: str | None


class AllocationStatement(BaseModel):
    statement: str
    receiver: str
    device: str
    iro: str | None  # None: the device is bound to no IRO, and receives no children
    server_time: str
    children: list[str]


class DeviceAllocations(BaseModel):
    allocations: AllocationStatement
    signature: str  # the receiver key's, over the canonical JSON of `allocations`


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
    app = FastAPI(title="iro-desktop receiver", version="1", description=DESCRIPTION, redirect_slashes=False)
    app.state.store, app.state.signer = store, signer
    last_prune = [0.0]

    async def refuse(request: Request, exc: Refused, headers: dict | None = None) -> JSONResponse:
        path, reason = shown(request.scope["path"]), shown(exc.reason)  # as decoded: \r and \n kept, escaped
        log.warning("refused %s %s key=%s: %s %s", request.method, path, exc.fingerprint, exc.status, reason)
        await run_in_threadpool(store.log_refusal, request.method, path, exc.fingerprint, exc.status, reason)
        return JSONResponse({"detail": exc.reason}, status_code=exc.status, headers=headers)

    @app.exception_handler(Refused)
    async def _refused(request: Request, exc: Refused):
        return await refuse(request, exc)

    @app.exception_handler(HTTPException)
    async def _not_here(request: Request, exc: HTTPException):
        reason = FRAMEWORK_REFUSALS.get(exc.status_code, "This request cannot be answered.")
        headers = exc.headers
        if exc.status_code == 405:  # every method the address answers, not only its first route's
            headers = {**(headers or {}), "Allow": ", ".join(_methods_at(app, request.scope))}
        return await refuse(request, Refused(exc.status_code, reason), headers)

    @app.exception_handler(ClientDisconnect)
    async def _gone(request: Request, _exc: ClientDisconnect):
        # A normal event (a cut connection, a closed laptop): one line, nothing stored, nobody to answer.
        path = shown(request.scope["path"])
        log.info("client left before its request arrived: %s %s", request.method, path)
        return JSONResponse({"detail": "The request did not arrive whole."}, status_code=400)

    @app.get("/v1/receiver", response_model=ReceiverIdentity, summary="The receiver's receipt-signing key")
    async def identity():
        return signer.identity()

    @app.post(
        "/v1/devices",
        status_code=202,
        response_model=Enrolment,
        responses={200: {"model": Enrolment}, **errors(400, 403, 413)},
        openapi_extra=openapi.body(openapi.ENROL_SCHEMA),
        summary="Ask to enrol a device key (an administrator approves it)",
    )
    async def enrol(request: Request):
        body = await read_body(request, SMALL_BODY_BYTES)
        device = await run_in_threadpool(_enrol, store, signer, body)
        return JSONResponse(
            {"fingerprint": device.fingerprint, "status": device.status},
            status_code=200 if device.status == APPROVED else 202,
        )

    @app.put(
        "/v1/records/{record_id}/{content_hash}",
        status_code=201,
        response_model=Acknowledgement,
        responses={200: {"model": Acknowledgement}, **errors(400, 401, 403, 404, 409, 413, 422)},
        openapi_extra={**openapi.body(openapi.BUNDLE_SCHEMA), **openapi.SIGNED},
        summary="Send a signed record bundle; answered with a signed receipt",
    )
    async def put_record(record_id: str, content_hash: str, request: Request):
        signed, device, body = await _authenticated(request, max_body_bytes)
        status, answer = await run_in_threadpool(
            _accept, store, signer, signed, device, body, record_id, content_hash
        )
        now = clock()
        if now - last_prune[0] > NONCE_PRUNE_EVERY:
            last_prune[0] = now
            await run_in_threadpool(store.prune_nonces, timedelta(seconds=2 * MAX_SKEW_SECONDS))
        return JSONResponse(answer, status_code=status)

    @app.get(
        "/v1/records/{record_id}",
        response_model=HeldRecord,
        responses=errors(400, 401, 403, 404, 413),
        openapi_extra=openapi.SIGNED,
        summary="This device's own record: its versions and the latest receipt",
    )
    async def get_record(record_id: str, request: Request):
        signed, device, _body = await _authenticated(request, SMALL_BODY_BYTES)
        return await run_in_threadpool(_held, store, signed, device, record_id)

    @app.get(
        "/v1/trail",
        response_model=TrailHeadHeld,
        responses=errors(400, 401, 403, 413),
        openapi_extra=openapi.SIGNED,
        summary="The head of this device's audit trail as the receiver holds it",
    )
    async def get_trail(request: Request):
        signed, device, _body = await _authenticated(request, SMALL_BODY_BYTES)
        await run_in_threadpool(_admitted, store, signed)
        return await run_in_threadpool(trail.held, store, device.fingerprint)

    @app.put(
        "/v1/trail",
        response_model=TrailHeadHeld,
        responses=errors(400, 401, 403, 409, 413, 422),
        openapi_extra={**openapi.body(trail.CLAIM_SCHEMA), **openapi.SIGNED},
        summary="This device's audit-trail head, which must run on from the head held",
    )
    async def put_trail(request: Request):
        signed, device, body = await _authenticated(request, SMALL_BODY_BYTES)
        return await run_in_threadpool(_take_trail, store, signed, device, body)

    @app.get(
        "/v1/allocations",
        response_model=DeviceAllocations,
        responses=errors(400, 401, 403, 413),
        openapi_extra=openapi.SIGNED,
        summary="The children allocated to this device's IRO, signed by the receiver",
    )
    async def get_allocations(request: Request):
        signed, _device, _body = await _authenticated(request, SMALL_BODY_BYTES)
        device = await run_in_threadpool(_admitted, store, signed)
        return await run_in_threadpool(allocations.for_device, store, signer, device)

    admin_api.add_routes(app, store)

    async def _authenticated(request: Request, limit: int) -> tuple[SignedRequest, Device, bytes]:
        """The signed request's headers, its device (found by one read, checked by one verify) and body."""
        body = await read_body(request, limit)
        signed = read_headers(request.headers)
        path = path_as_sent(request.scope)
        device = await run_in_threadpool(authenticate, store, signed, request.method, path, body, clock())
        return signed, device, body

    feed_api.add_routes(app, store, signer, _authenticated, _admitted)
    app.openapi_schema = None
    default_openapi = app.openapi

    def document() -> dict:
        if app.openapi_schema is None:
            app.openapi_schema = openapi.finish(default_openapi())
        return app.openapi_schema

    app.openapi = document
    return app


def _methods_at(app: FastAPI, scope: dict) -> list[str]:
    methods = set()
    for route in app.routes:
        if route.matches(scope)[0] != Match.NONE:
            methods |= getattr(route, "methods", None) or set()
    return sorted(methods)


def _enrol(store: ReceiverStore, signer, body: bytes) -> Device:
    doc = json_object(
        body, {"public_key", "name"}, 'The body must be JSON: {"public_key": base64, "name": text}.'
    )
    public_key = doc.get("public_key")
    if not (isinstance(public_key, str) and _is_key(public_key)):
        raise Refused(400, "The public key must be a base64 Ed25519 key (32 bytes, 44 characters).")
    name = doc.get("name", "")
    if not is_device_name(name):
        raise Refused(
            400,
            f"The name must be printable text of at most {MAX_DEVICE_NAME} characters, on one line, without "
            "control or invisible characters.",
        )
    key = unb64(public_key)
    print_ = fingerprint(key)
    if key == signer.public_key:
        raise Refused(403, "This is the receiver's own key: a device must enrol a key of its own.", print_)
    try:
        with store.session() as s:
            device = s.get(Device, print_)
            if device is None:
                device = Device(
                    fingerprint=print_, public_key=key, name=name, status=PENDING, enrolled_at=utcnow()
                )
                s.add(device)
                log.info("enrolment asked key=%s", print_)
    except IntegrityError:  # the same key asked twice at once
        device = store.device(print_)
    if device.status == REVOKED:
        raise Refused(403, "This key has been revoked: make a new key and enrol again.", print_)
    return device


def _is_key(text: str) -> bool:
    try:
        return len(unb64(text)) == 32
    except ValueError:
        return False


def _admitted(store: ReceiverStore, signed: SignedRequest) -> Device:
    """Spend the nonce of an authenticated request (committed even when it is then refused) and return its
    device as it is now; Refused (403) when that device is not approved."""
    with store.session() as s:
        device = admit(s, signed)
    refusal = status_refusal(device)
    if refusal:
        raise refusal
    return device


def _accept(store, signer, signed: SignedRequest, device: Device, body, record_id, content_hash):
    # The bundle is read only for a device that was approved a moment ago, and outside the write lock.
    checked = status_refusal(device) or _checked_bundle(body, device, record_id, content_hash)
    try:
        with store.session() as s:  # one transaction and one disk flush: the nonce and the record together
            device = admit(s, signed)
            refusal = status_refusal(device) or (checked if isinstance(checked, Refused) else None)
            if refusal is None:
                try:
                    answer = _keep(s, signer, checked, device.fingerprint)
                except Refused as exc:
                    refusal = exc  # still commit: the nonce is spent
    except IntegrityError:
        # Raced with a twin request (PostgreSQL; SQLite queues them): look again, and spend the nonce.
        _spend_quietly(store, signed)
        held = [r for r in store.versions(signed.fingerprint, record_id) if r.content_hash == content_hash]
        if held:
            return 200, receipt_body(held[0].receipt_json, held[0].receipt_signature)
        raise Refused(
            409,
            "A different version of this record arrived at the same moment; nothing was stored.",
            signed.fingerprint,
        ) from None
    if refusal is not None:
        raise refusal
    return answer


def _spend_quietly(store: ReceiverStore, signed: SignedRequest) -> None:
    try:
        with store.session() as s:
            admit(s, signed)
    except Refused:
        pass  # spent already


def _checked_bundle(body: bytes, device: Device, record_id: str, content_hash: str) -> Bundle | Refused:
    """The intact bundle the sender signed for this address, or why not."""
    sender = device.fingerprint
    try:
        bundle = from_json(body)
    except BundleError as exc:
        return Refused(400, str(exc), sender)
    if bundle.record_id != record_id or bundle.content_hash != content_hash:
        return Refused(422, "The record id and hash in the address do not match the bundle's.", sender)
    if bundle.fingerprint != sender or bundle.public_key != device.public_key:
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
    document = _document_problem(bundle, sender)
    return Refused(422, document, sender) if document else bundle


def _shape_problem(bundle: Bundle) -> str | None:
    """Fields a bundle could hold in an odd shape (even signed): refused rather than checked or kept oddly."""
    if not is_plain(bundle.record_id, openapi.RECORD_ID_MAX) or "/" in bundle.record_id:
        return (
            f"The record id must be printable text of at most {openapi.RECORD_ID_MAX} characters, without /."
        )
    if not is_plain(bundle.kind, openapi.KIND_MAX):
        return f"The record's kind must be printable text of at most {openapi.KIND_MAX} characters."
    if not trail.is_hash(bundle.content_hash):
        return "The content hash is not a SHA-256 in lower-case hexadecimal."
    for value in (bundle.pdf_hash, bundle.supersedes_hash):
        if value is not None and not trail.is_hash(value):
            return "A hash in the bundle is not a SHA-256 in lower-case hexadecimal."
    return None


def _document_problem(bundle: Bundle, sender: str) -> str | None:
    """The signed record must agree with its bundle: the same kind, and signed by the device sending it."""
    try:
        document = bundle.document()
    except (ValueError, RecursionError):
        return "The signed record is not a JSON document."
    if not isinstance(document, dict):
        return None
    if "kind" in document and document["kind"] != bundle.kind:
        # The bundle's kind is outside the signature; the record's own (signed) kind must agree with it.
        return "The bundle's kind does not match the kind in the signed record."
    signer = document.get("signer")
    if isinstance(signer, dict) and "fingerprint" in signer and signer["fingerprint"] != sender:
        return "The signed record names another device as its signer."
    return None


def _keep(s: Session, signer: ReceiptSigner, bundle: Bundle, sender: str) -> tuple[int, dict]:
    """Keep a verified record in the session's transaction, or acknowledge it again; Refused on conflict.
    Record ids are the sending device's own: another device's record of the same id is another record."""
    query = select(ReceivedRecord).where(
        ReceivedRecord.sender == sender, ReceivedRecord.record_id == bundle.record_id
    )
    held = list(s.scalars(query.order_by(ReceivedRecord.id)))
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
    log.info("keeping record=%s version=%s key=%s", shown(bundle.record_id), bundle.record_version, sender)
    return 201, receipt_body(receipt_json, receipt_signature)


def _held(store: ReceiverStore, signed: SignedRequest, device: Device, record_id: str) -> dict:
    device = _admitted(store, signed)
    versions = (
        store.versions(device.fingerprint, record_id) if is_plain(record_id, openapi.RECORD_ID_MAX) else []
    )
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


def _take_trail(store: ReceiverStore, signed: SignedRequest, device: Device, body: bytes) -> dict:
    try:
        claim = trail.read_claim(body, device.fingerprint)
    except Refused as exc:
        claim = exc  # refused once the nonce is spent
    with store.session() as s:
        device = admit(s, signed)
        answer = status_refusal(device) or (claim if isinstance(claim, Refused) else None)
        answer = answer or trail.take(s, device.fingerprint, claim)
    if isinstance(answer, Refused):
        raise answer
    return answer
