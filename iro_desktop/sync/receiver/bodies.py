"""Request bodies, measured before they are read whole and parsed only as the JSON object wanted; and the
one form of every refusal's answer."""

from __future__ import annotations

from fastapi import Request
from pydantic import BaseModel

from iro_desktop.records.bundle import BundleError, parse_json
from iro_desktop.sync.receiver.auth import Refused

SMALL_BODY_BYTES = 16 * 1024  # an enrolment, a trail head, an admin request, a GET's (empty) body


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


def json_object(body: bytes, fields: set[str], wanted: str) -> dict:
    try:
        doc = parse_json(body)
    except BundleError:
        raise Refused(400, wanted) from None
    if not isinstance(doc, dict) or not doc.keys() <= fields:
        raise Refused(400, wanted)
    return doc


class Problem(BaseModel):
    detail: str


def errors(*codes: int) -> dict:
    """The refusals an operation can answer, for its OpenAPI `responses`."""
    return {code: {"model": Problem} for code in codes}
