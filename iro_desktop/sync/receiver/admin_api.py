"""The /v1/admin/ API for the council's own systems: IROs and allocations, with an administrator token
(`Authorization: Bearer iro-admin-...`, made by `iro-desktop-receiver admin-token create`).

Only a live token opens these addresses: a device's signed request carries none and is refused (401), and a
token opens nothing else (a device's addresses want a signature). Every act is logged with the token's name.
Bodies are measured before they are read and checked field by field; refusals are {"detail": sentence}.
"""

from __future__ import annotations

import re

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from iro_desktop.sync.protocol import IRO_NAME_PATTERN, MAX_DEVICE_NAME, is_iro_name
from iro_desktop.sync.receiver import accounts, admin_log, allocations
from iro_desktop.sync.receiver.auth import Refused
from iro_desktop.sync.receiver.bodies import SMALL_BODY_BYTES, errors, json_object, read_body
from iro_desktop.sync.receiver.storage import ReceiverStore, aware

SCHEME = "AdminToken"
SECURITY_SCHEME = {
    "type": "http",
    "scheme": "bearer",
    "description": "An administrator token, `iro-admin-` and 43 base64url characters (32 random bytes), "
    "made on the server by `iro-desktop-receiver admin-token create --name NAME`. Only for /v1/admin/.",
}
ADMIN = {"security": [{SCHEME: []}]}
_NAME = {"type": "string", "pattern": IRO_NAME_PATTERN, "maxLength": MAX_DEVICE_NAME}
IRO_SCHEMA = {
    "type": "object",
    "required": ["name"],
    "additionalProperties": False,
    "properties": {"name": _NAME},
}
ALLOCATE_SCHEMA = {
    "type": "object",
    "required": ["iro"],
    "additionalProperties": False,
    "properties": {"iro": _NAME},
}


class IroAccount(BaseModel):
    name: str
    active: bool
    created_at: str
    created_by: str
    devices: int  # approved devices bound to this IRO


class AllocationHeld(BaseModel):
    child_id: str
    iro: str
    since: str
    until: str | None


def _body(schema: dict) -> dict:
    return {"requestBody": {"required": True, "content": {"application/json": {"schema": schema}}}}


def admin_guard(store: ReceiverStore):
    async def admin(request: Request) -> str:
        """The actor of a request with a live administrator token; Refused (401, 403) otherwise."""
        given = request.headers.get("authorization", "")
        scheme, _, token = given.partition(" ")
        if scheme.lower() != "bearer" or not re.fullmatch(accounts.TOKEN_PATTERN, token):
            raise Refused(
                401, "This address needs an administrator token: Authorization: Bearer iro-admin-..."
            )
        return admin_log.by_token(await run_in_threadpool(accounts.token_holder, store, token))

    return admin


def add_routes(app: FastAPI, store: ReceiverStore) -> None:
    admin = admin_guard(store)

    @app.get(
        "/v1/admin/iros",
        response_model=list[IroAccount],
        responses=errors(401, 403),
        openapi_extra=ADMIN,
        summary="The IROs known to the receiver",
    )
    async def list_iros(request: Request):
        await admin(request)
        return [_iro(iro, devices) for iro, devices in await run_in_threadpool(accounts.iros, store)]

    @app.post(
        "/v1/admin/iros",
        status_code=201,
        response_model=IroAccount,
        responses=errors(400, 401, 403, 409, 413, 422),
        openapi_extra={**_body(IRO_SCHEMA), **ADMIN},
        summary="Add an IRO",
    )
    async def add_iro(request: Request):
        actor = await admin(request)
        doc = json_object(
            await read_body(request, SMALL_BODY_BYTES), {"name"}, 'The body must be {"name": text}.'
        )
        iro = await run_in_threadpool(accounts.add_iro, store, doc.get("name"), actor)
        return JSONResponse(_iro(iro, 0), status_code=201)

    @app.get(
        "/v1/admin/allocations",
        response_model=list[AllocationHeld],
        responses=errors(401, 403, 404, 422),
        openapi_extra=ADMIN,
        summary="The children allocated now, to every IRO or to one",
    )
    async def list_allocations(request: Request, iro: str | None = None):
        await admin(request)
        if iro is not None and not is_iro_name(iro):
            raise Refused(422, accounts.BAD_NAME)
        return [held.as_json() for held in await run_in_threadpool(allocations.current, store, iro)]

    @app.get(
        "/v1/admin/allocations/{child_id}",
        response_model=AllocationHeld,
        responses=errors(401, 403, 404, 422),
        openapi_extra=ADMIN,
        summary="A child's allocation now (404 when the child is allocated to no IRO)",
    )
    async def child_now(child_id: str, request: Request):
        await admin(request)
        return (await run_in_threadpool(allocations.now, store, child_id)).as_json()

    @app.get(
        "/v1/admin/allocation-history/{child_id}",
        response_model=list[AllocationHeld],
        responses=errors(401, 403, 404, 422),
        openapi_extra=ADMIN,
        summary="A child's allocations, oldest first, ended ones included",
    )
    async def child_history(child_id: str, request: Request):
        await admin(request)
        return [held.as_json() for held in await run_in_threadpool(allocations.history, store, child_id)]

    @app.put(
        "/v1/admin/allocations/{child_id}",
        response_model=AllocationHeld,
        responses=errors(400, 401, 403, 404, 409, 413, 422),
        openapi_extra={**_body(ALLOCATE_SCHEMA), **ADMIN},
        summary="Allocate a child to an IRO, moving it from any other",
    )
    async def allocate(child_id: str, request: Request):
        actor = await admin(request)
        doc = json_object(
            await read_body(request, SMALL_BODY_BYTES), {"iro"}, 'The body must be {"iro": text}.'
        )
        if not is_iro_name(doc.get("iro")):
            raise Refused(422, accounts.BAD_NAME)
        held = await run_in_threadpool(allocations.allocate, store, child_id, doc["iro"], actor, 422)
        return held.as_json()

    @app.delete(
        "/v1/admin/allocations/{child_id}",
        response_model=AllocationHeld,
        responses=errors(401, 403, 404, 422),
        openapi_extra=ADMIN,
        summary="End a child's allocation (the ended allocation is answered)",
    )
    async def deallocate(child_id: str, request: Request):
        actor = await admin(request)
        return (await run_in_threadpool(allocations.deallocate, store, child_id, actor)).as_json()


def _iro(iro, devices: int) -> dict:
    return {
        "name": iro.name,
        "active": iro.active,
        "created_at": aware(iro.created_at).isoformat(timespec="seconds"),
        "created_by": iro.created_by,
        "devices": devices,
    }
