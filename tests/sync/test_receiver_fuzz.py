"""Hypothesis throws random and mutated requests at the receiver: never a server error, and nothing is kept
unless it is an intact record signed by its approved sender for the address it was sent to."""

from __future__ import annotations

import json
import re

import httpx
import pytest
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from iro_desktop.records.bundle import BundleError, from_json, problems, to_json
from iro_desktop.records.signing import b64
from iro_desktop.sync.protocol import record_path
from iro_desktop.sync.receiver import create_app
from iro_desktop.sync.receiver.storage import APPROVED, ReceivedRecord
from tests.sync.conftest import ServerThread
from tests.sync.helpers import Device, make_bundle

DEVICE = Device()  # the approved sender of every properly signed request below
FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    folder = tmp_path_factory.mktemp("fuzz")
    app = create_app(f"sqlite:///{folder / 'receiver.db'}", folder / "receiver.key")
    with ServerThread(app) as server, httpx.Client(base_url=f"http://127.0.0.1:{server.port}") as client:
        DEVICE.enrol(client)
        app.state.store.set_status(DEVICE.fingerprint, APPROVED)
        yield client, app.state.store, DEVICE
    app.state.store.dispose()


def _count(store) -> int:
    with store.session() as s:
        return s.query(ReceivedRecord).count()


HEADER_NAMES = st.sampled_from(
    ["X-IRO-Key", "X-IRO-Timestamp", "X-IRO-Nonce", "X-IRO-Signature", "Content-Length", "Content-Type"]
)
HEADER_VALUES = st.text(st.characters(min_codepoint=33, max_codepoint=126), max_size=60)
PATHS = st.one_of(
    st.sampled_from(["/v1/receiver", "/v1/devices", "/v1/records/x", "/v1/records/x/y", "/openapi.json"]),
    st.builds(
        lambda a, b: f"/v1/records/{a}/{b}",
        st.text("abc0123456789-_%.", max_size=70),
        st.text("0af", max_size=70),
    ),
)
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=10,
)


@FUZZ
@given(
    method=st.sampled_from(["GET", "POST", "PUT", "DELETE", "PATCH"]),
    path=PATHS,
    headers=st.dictionaries(HEADER_NAMES, HEADER_VALUES, max_size=6),
    body=st.one_of(st.binary(max_size=300), JSON_VALUES.map(lambda v: json.dumps(v).encode())),
)
def test_random_requests_never_cause_a_server_error_nor_store_anything(served, method, path, headers, body):
    client, store, _ = served
    headers.pop("Content-Length", None)  # a lying length is the HTTP layer's business, not the app's
    answer = client.request(method, path, content=body, headers=headers)
    assert answer.status_code < 500
    if answer.status_code >= 400:
        assert isinstance(answer.json()["detail"], str)
    assert _count(store) == 0


FIELDS = ["format", "version", "record_id", "record_version", "kind", "canonical_json", "pdf", "content_hash"]
FIELDS += ["pdf_hash", "supersedes_hash", "signature", "public_key", "fingerprint"]


@st.composite
def mutated_bodies(draw):
    """A valid bundle with one field replaced by random JSON, or with one byte changed."""
    doc = json.loads(to_json(make_bundle(DEVICE.key)))
    if draw(st.booleans()):
        doc[draw(st.sampled_from(FIELDS))] = draw(JSON_VALUES | st.binary(max_size=40).map(b64))
        return json.dumps(doc).encode()
    raw = bytearray(json.dumps(doc).encode())
    at = draw(st.integers(0, len(raw) - 1))
    raw[at] = draw(st.integers(0, 255))
    return bytes(raw)


def _with(**fields) -> bytes:
    return json.dumps({**json.loads(to_json(make_bundle(DEVICE.key))), **fields}).encode()


@FUZZ
@given(body=mutated_bodies(), address=st.booleans())
@example(body=_with(record_version=2**53), address=True)  # no canonical form (RFC 8785): once a server error
@example(body=_with(pdf_hash=[1]), address=True)
def test_properly_signed_but_mutated_bundles_are_refused_or_kept_only_when_intact(served, body, address):
    client, store, device = served
    before = _count(store)
    path = record_path("fuzz-record", "0" * 64)
    if address:  # aim at the address the body names, so the checks beyond the address are reached
        try:
            named = json.loads(body)
            parts = (str(named["record_id"]), str(named["content_hash"]))
        except (ValueError, KeyError, TypeError):
            parts = ()
        if parts and all(re.fullmatch(r"[A-Za-z0-9._~-]+", part) for part in parts):  # a usable URL path
            path = record_path(*parts)
    answer = client.put(path, content=body, headers=device.headers("PUT", path, body))
    assert answer.status_code < 500, answer.text
    event(f"status {answer.status_code}")
    if answer.status_code in (200, 201):
        bundle = from_json(body)
        assert problems(bundle) == [] and bundle.fingerprint == device.fingerprint
        assert path == record_path(bundle.record_id, bundle.content_hash)
    else:
        assert answer.status_code < 400 or isinstance(answer.json()["detail"], str)
        assert _count(store) == before


def test_a_bundle_from_another_key_is_never_kept_whatever_its_shape(served):
    client, store, device = served
    before = _count(store)
    other = make_bundle(Device().key)
    body = to_json(other)
    path = record_path(other.record_id, other.content_hash)
    answer = client.put(path, content=body, headers=device.headers("PUT", path, body))
    assert answer.status_code == 403 and _count(store) == before
    with pytest.raises(BundleError):
        from_json(b"[]")
