"""Loaded by schemathesis (SCHEMATHESIS_HOOKS): every request it sends is signed by an approved device,
as an IRO's laptop signs them, over the method, the path exactly as sent and the body as sent; a request
to /v1/admin/ carries a live administrator token instead, as the council's systems send it.

A request built to test a missing or malformed signature header is left unsigned by schemathesis itself
(it applies no auth when a security parameter is negated), and its probes for ignored authentication are
sent without this auth too: those are refused as unsigned, which is what they test.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import requests
import schemathesis
from cryptography.hazmat.primitives.serialization import load_pem_private_key
from schemathesis.core.parameters import ParameterLocation

from iro_desktop.records.signing import fingerprint, raw_public_key
from iro_desktop.sync.protocol import (
    HEADER_KEY,
    HEADER_NONCE,
    HEADER_SIGNATURE,
    HEADER_TIMESTAMP,
    signed_headers,
)

ADMIN_TOKEN = os.environ["IRO_FUZZ_ADMIN_TOKEN"]
KEY = load_pem_private_key(Path(os.environ["IRO_FUZZ_DEVICE_KEY"]).read_bytes(), password=None)
FINGERPRINT = fingerprint(raw_public_key(KEY))
HEADER = ParameterLocation.HEADER


class DeviceSignature(requests.auth.AuthBase):
    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        path = request.path_url.split("?", 1)[0]
        body = request.body or b""
        body = body.encode("utf-8") if isinstance(body, str) else body
        signed = signed_headers(KEY, FINGERPRINT, request.method, path, body, int(time.time()))
        for name in (HEADER_KEY, HEADER_TIMESTAMP, HEADER_NONCE, HEADER_SIGNATURE):
            request.headers[name] = signed[name]
        return request


class AdminToken(requests.auth.AuthBase):
    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers["Authorization"] = f"Bearer {ADMIN_TOKEN}"
        return request


SIGNATURE, TOKEN = DeviceSignature(), AdminToken()


@schemathesis.auth(refresh_interval=None)
class SignedByTheDevice:
    """Sign every device request but one built to test the signature headers themselves (a negative case in
    the headers: missing, or not of their form), which goes as generated; give an admin request the token."""

    def get(self, case, context):
        if case.path.startswith("/v1/admin/"):
            return TOKEN
        meta = case.meta
        negative_headers = (
            meta is not None and meta.generation.mode.is_negative and meta.is_negative_at(HEADER)
        )
        return None if negative_headers else SIGNATURE

    def set(self, case, data, context):
        case._auth = data  # a `requests` auth: it signs the request as prepared, path and body as sent
