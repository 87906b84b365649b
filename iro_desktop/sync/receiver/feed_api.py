"""The feed's addresses: a device pulls its IRO's changes and answers notices (signed requests); the
council's systems publish 903 rows, details and notices (administrator token, under /v1/admin/)."""

from __future__ import annotations

import re
from datetime import date

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from iro_desktop.sync.protocol import ANSWERS, NOTICE_KINDS
from iro_desktop.sync.receiver import allocations, council_data, feed, openapi
from iro_desktop.sync.receiver.admin_api import ADMIN, admin_guard
from iro_desktop.sync.receiver.auth import Refused
from iro_desktop.sync.receiver.bodies import SMALL_BODY_BYTES, errors, json_object, read_body
from iro_desktop.sync.receiver.storage import Notice, ReceiverStore, aware

ROWS_BODY_BYTES = 1024 * 1024  # one child's 903 rows
NOTICE_ID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
ANSWER_SCHEMA = {
    "type": "object",
    "required": ["answer", "answered_on"],
    "additionalProperties": False,
    "properties": {
        "answer": {"type": "string", "enum": list(ANSWERS)},
        "note": {"type": "string", "maxLength": feed.MAX_NOTE},
        "answered_on": {"type": "string", "format": "date"},
    },
}
NOTICE_SCHEMA = {
    "type": "object",
    "required": ["child_id", "kind", "summary", "answer_by"],
    "additionalProperties": False,
    "properties": {
        "child_id": {"type": "string", "maxLength": 40},
        "kind": {"type": "string", "enum": list(NOTICE_KINDS)},
        "summary": {"type": "string", "minLength": 1, "maxLength": feed.MAX_SUMMARY},
        "details": {"type": "string", "maxLength": feed.MAX_NOTE},
        "answer_by": {"type": "string", "format": "date"},
    },
}


class FeedChangeModel(BaseModel):
    seq: int
    child_id: str
    kind: str
    body: dict


class FeedStatement(BaseModel):
    statement: str
    receiver: str
    device: str
    iro: str | None
    nonce: str
    after: int
    next: int
    more: bool
    server_time: str
    changes: list[FeedChangeModel]


class DeviceFeed(BaseModel):
    feed: FeedStatement
    signature: str  # the receiver key's, over the canonical JSON of `feed`


class AnswerReceipt(BaseModel):
    receipt: dict
    signature: str


class Published(BaseModel):
    child_id: str
    seq: int | None  # None: the same as last published, so nothing was
    refused: list[str]  # always empty: a row the import's rules refuse refuses the whole request (422)


class NoticeHeld(BaseModel):
    id: str
    child_id: str
    kind: str
    summary: str
    details: str
    answer_by: str
    raised_at: str
    raised_by: str
    answer: str | None
    answer_note: str | None
    answered_on: str | None


def notice_json(n: Notice) -> dict:
    return {
        "id": n.id,
        "child_id": n.child_id,
        "kind": n.kind,
        "summary": n.summary,
        "details": n.details,
        "answer_by": n.answer_by,
        "raised_at": aware(n.raised_at).isoformat(timespec="seconds"),
        "raised_by": n.raised_by,
        "answer": n.answer,
        "answer_note": n.answer_note,
        "answered_on": n.answered_on,
    }


def _whole(text: str, digits: int) -> int | None:
    """A whole number of at most `digits` ASCII digits, or None."""
    return int(text) if text.isascii() and text.isdigit() and len(text) <= digits else None


def _answer(body: bytes) -> dict:
    doc = json_object(
        body, {"answer", "note", "answered_on"}, 'The body must be {"answer", "note", "answered_on"}.'
    )
    if doc.get("answer") not in ANSWERS:
        raise Refused(422, f"An answer is one of: {', '.join(ANSWERS)}.")
    note = doc.get("note", "")
    if not isinstance(note, str) or len(note) > feed.MAX_NOTE:
        raise Refused(422, f"An answer's note is text of at most {feed.MAX_NOTE} characters.")
    try:
        on = date.fromisoformat(doc.get("answered_on"))
    except (TypeError, ValueError):
        raise Refused(422, "answered_on must be a date written YYYY-MM-DD.") from None
    return {"answer": doc["answer"], "note": note.strip(), "answered_on": on.isoformat()}


def add_routes(app: FastAPI, store: ReceiverStore, signer, authenticated, admitted) -> None:
    admin = admin_guard(store)

    @app.get(
        "/v1/feed/{after}",
        response_model=DeviceFeed,
        responses=errors(400, 401, 403, 413, 422),
        openapi_extra=openapi.SIGNED,
        summary="The changes for this device's IRO after a position, signed by the receiver",
    )
    async def pull(after: str, request: Request, limit: str | None = None):
        signed, _device, _body = await authenticated(request, SMALL_BODY_BYTES)
        position, most = _whole(after, 18), _whole(limit, 5) if limit is not None else feed.FEED_BATCH
        if position is None or not (most and most <= feed.FEED_BATCH):
            raise Refused(422, f"The position is a whole number from 0; limit is 1 to {feed.FEED_BATCH}.")
        device = await run_in_threadpool(admitted, store, signed)
        answer = await run_in_threadpool(feed.for_device, store, signer, device, position, signed.nonce, most)
        return Response(answer, media_type="application/json")  # written whole, so read as it was signed

    @app.put(
        "/v1/notices/{notice_id}/answer",
        response_model=AnswerReceipt,
        responses=errors(400, 401, 403, 404, 409, 413, 422),
        openapi_extra={**openapi.body(ANSWER_SCHEMA), **openapi.SIGNED},
        summary="The IRO's answer to a notice; answered with a signed receipt",
    )
    async def answer(notice_id: str, request: Request):
        signed, _device, body = await authenticated(request, SMALL_BODY_BYTES)
        device = await run_in_threadpool(admitted, store, signed)
        if not re.fullmatch(NOTICE_ID, notice_id):
            raise Refused(404, "There is no such notice for this device's IRO.")
        return await run_in_threadpool(feed.answer_notice, store, signer, device, notice_id, _answer(body))

    @app.put(
        "/v1/admin/children/{child_id}/903",
        response_model=Published,
        responses=errors(400, 401, 403, 413, 422),
        openapi_extra={**openapi.body(council_data.ROWS_SCHEMA), **ADMIN},
        summary="Publish a child's 903 rows (header, episodes, reviews) as the council now holds them",
    )
    async def put_903(child_id: str, request: Request):
        actor = await admin(request)
        allocations.checked_child(child_id)
        doc = json_object(
            await read_body(request, ROWS_BODY_BYTES),
            set(council_data.ssda903.COLUMNS),
            "The body must be a JSON object of 903 tables: header, episodes, reviews.",
        )
        taken, refused = council_data.checked_rows(child_id, doc)
        if refused:  # the child as published is the child whole: fix the rows and send them again
            raise Refused(422, "Nothing was published: " + " ".join(refused[:20]))
        seq = await run_in_threadpool(feed.publish_part, store, child_id, feed.ROWS_903, taken, actor)
        return {"child_id": child_id, "seq": seq, "refused": []}

    @app.put(
        "/v1/admin/children/{child_id}/details",
        response_model=Published,
        responses=errors(400, 401, 403, 413, 422),
        openapi_extra={**openapi.body(council_data.DETAILS_SCHEMA), **ADMIN},
        summary="Publish a child's details: names, the placement's carer and address, the people around them",
    )
    async def put_details(child_id: str, request: Request):
        actor = await admin(request)
        allocations.checked_child(child_id)
        doc = json_object(
            await read_body(request, ROWS_BODY_BYTES),
            {"child", "placement", "people"},
            "Details are a JSON object of child, placement and people.",
        )
        details = council_data.checked_details(doc)
        seq = await run_in_threadpool(feed.publish_part, store, child_id, feed.DETAILS, details, actor)
        return {"child_id": child_id, "seq": seq, "refused": []}

    @app.post(
        "/v1/admin/notices",
        status_code=201,
        response_model=NoticeHeld,
        responses=errors(400, 401, 403, 413, 422),
        openapi_extra={**openapi.body(NOTICE_SCHEMA), **ADMIN},
        summary="Tell a child's IRO of something that needs their answer by a date",
    )
    async def raise_notice(request: Request):
        actor = await admin(request)
        doc = json_object(
            await read_body(request, SMALL_BODY_BYTES),
            set(NOTICE_SCHEMA["properties"]),
            "The body must be a notice: child_id, kind, summary, details, answer_by.",
        )
        allocations.checked_child(doc.get("child_id"))
        raised = await run_in_threadpool(
            feed.raise_notice,
            store,
            doc["child_id"],
            doc.get("kind"),
            doc.get("summary", ""),
            doc.get("answer_by"),
            actor,
            doc.get("details", ""),
        )
        notice = await run_in_threadpool(_notice, store, raised["id"])
        return JSONResponse(notice_json(notice), status_code=201)

    @app.get(
        "/v1/admin/notices",
        response_model=list[NoticeHeld],
        responses=errors(401, 403),
        openapi_extra=ADMIN,
        summary="Every notice with its answer; only those not yet answered with open=true",
    )
    async def list_notices(request: Request, open: bool = False):  # noqa: A002 (the query's name)
        await admin(request)
        return [notice_json(n) for n in await run_in_threadpool(feed.notices, store, open)]


def _notice(store: ReceiverStore, notice_id: str) -> Notice:
    with store.reading() as s:
        return s.get(Notice, notice_id)
