"""Signed test bundles and signed requests, made with the same records/signing code a device uses."""

from __future__ import annotations

import json
import subprocess
import time
import uuid

import httpx
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from iro_desktop.records.bundle import Bundle, to_json
from iro_desktop.records.signing import (
    b64,
    canonical,
    fingerprint,
    raw_public_key,
    sha256_hex,
    sign,
    statement_of_receipt,
    unb64,
    verify,
)
from iro_desktop.sync.protocol import record_path, signed_headers

FAKE_PDF = b"%PDF-1.4\n% a fictional review record for tests\n%%EOF\n"


class Device:
    """A fictional IRO's device: a fresh Ed25519 key and its fingerprint."""

    def __init__(self, name: str = "Test laptop"):
        self.key = Ed25519PrivateKey.generate()
        self.public_key = raw_public_key(self.key)
        self.fingerprint = fingerprint(self.public_key)
        self.name = name

    def enrol(self, client: httpx.Client) -> httpx.Response:
        return client.post("/v1/devices", json={"public_key": b64(self.public_key), "name": self.name})

    def headers(self, method: str, path: str, body: bytes, now: int | None = None) -> dict[str, str]:
        moment = int(time.time()) if now is None else now
        return signed_headers(self.key, self.fingerprint, method, path, body, moment)

    def put(self, client: httpx.Client, bundle: Bundle, **kwargs) -> httpx.Response:
        body = to_json(bundle)
        path = record_path(bundle.record_id, bundle.content_hash)
        return client.put(path, content=body, headers=self.headers("PUT", path, body, **kwargs))

    def get(self, client: httpx.Client, record_id: str) -> httpx.Response:
        return self.signed(client, "GET", record_path(record_id))

    def signed(self, client: httpx.Client, method: str, path: str, body: bytes = b"") -> httpx.Response:
        """Any request, signed over the path exactly as given (percent-encoded as it is to be sent)."""
        return client.request(method, path, content=body, headers=self.headers(method, path, body))


def make_bundle(
    key: Ed25519PrivateKey,
    record_id: str | None = None,
    *,
    version: int = 1,
    supersedes: str | None = None,
    note: str = "Placement is stable; contact with grandmother continues monthly.",
    pdf: bytes | None = FAKE_PDF,
    signer: str | None = None,
) -> Bundle:
    """A signed review record for a fictional child, as a finalised review would produce."""
    record_id = record_id or str(uuid.uuid4())
    document = {
        "kind": "review",
        "record_id": record_id,
        "version": version,
        "child": {"ref": "T0001", "name": "Sam Fictional"},
        "held_date": "2026-11-20",
        "summary": note,
    }
    if signer is not None:  # the fingerprint the signed record names as its signer
        document["signer"] = {"name": "Alex Example", "fingerprint": signer}
    content = canonical(document)
    content_hash = sha256_hex(content)
    pdf_hash = sha256_hex(pdf) if pdf is not None else None
    public_key = raw_public_key(key)
    unsigned = Bundle(
        record_id=record_id,
        record_version=version,
        kind="review",
        canonical_json=content,
        pdf=pdf,
        content_hash=content_hash,
        pdf_hash=pdf_hash,
        supersedes_hash=supersedes,
        signature="",
        public_key=public_key,
        fingerprint=fingerprint(public_key),
    )
    return _replace(unsigned, signature=sign(key, unsigned.statement()))


def _replace(bundle: Bundle, **changes) -> Bundle:
    from dataclasses import replace

    return replace(bundle, **changes)


def tampered(bundle: Bundle) -> Bundle:
    """The same bundle with one character of the record changed after signing (hash kept)."""
    text = bundle.canonical_json.replace(b"monthly", b"weekly!")
    return _replace(bundle, canonical_json=text)


def receipt_verifies(answer: dict, receiver_identity: dict) -> bool:
    receipt = answer["receipt"]
    statement = statement_of_receipt(receipt)
    return (
        receipt["receiver"] == receiver_identity["fingerprint"]
        and verify(unb64(receiver_identity["public_key"]), statement, answer["signature"])
        and canonical(receipt) == statement
    )


def body_of(bundle: Bundle) -> dict:
    return json.loads(to_json(bundle))


def served_identity(base_url: str, process: subprocess.Popen | None = None) -> dict:
    """The receiver's identity once a started `iro-desktop-receiver serve` answers at `base_url`; fails
    at once with its stderr if the process has ended instead."""
    deadline = time.monotonic() + 20
    while True:
        try:
            return httpx.get(f"{base_url}/v1/receiver", timeout=2).json()
        except httpx.TransportError:
            if process is not None and process.poll() is not None:
                raise AssertionError("".join(filter(None, process.communicate()))) from None
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)
