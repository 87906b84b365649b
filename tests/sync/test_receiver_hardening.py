"""Requests a client can craft, against the real receiver on SQLite and PostgreSQL: none gets a 5xx, each
refusal is recorded, text that cannot be kept on both databases is refused, authentication comes before a
bundle is read, and what is logged or printed is escaped."""

from __future__ import annotations

import json
import logging
import socket
import time
from urllib.parse import urlsplit

import pytest
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from iro_desktop.records.bundle import to_json
from iro_desktop.records.signing import b64
from iro_desktop.sync.protocol import CHILD_ID_PATTERN, HEADER_TIMESTAMP, record_path
from iro_desktop.sync.receiver import app as receiver_app
from tests.sync.helpers import Device, body_of, make_bundle
from tests.sync.test_receiver import approved_device, stored


def _refused(receiver) -> list[tuple[int, str, str]]:
    return [(r.status, r.path, r.reason) for r in receiver.store.refusals()]


def test_a_timestamp_of_hundreds_of_digits_is_refused_as_unsigned_not_a_crash(receiver):
    pending = Device("Pending laptop")
    with receiver.client() as client:
        assert pending.enrol(client).status_code == 202
        answers = []
        for method in ("GET", "PUT"):
            bundle = make_bundle(pending.key)
            path = (
                record_path(bundle.record_id)
                if method == "GET"
                else record_path(bundle.record_id, bundle.content_hash)
            )
            body = b"" if method == "GET" else to_json(bundle)
            headers = pending.headers(method, path, body) | {HEADER_TIMESTAMP: "9" * 300}
            answers.append(client.request(method, path, content=body, headers=headers))
    assert [a.status_code for a in answers] == [401, 401]
    assert all("X-IRO-Timestamp header is not a time" in a.json()["detail"] for a in answers)
    assert [status for status, _, _ in _refused(receiver)] == [401, 401]


@pytest.mark.parametrize(
    "name",
    ["\ud800", "Alex\x00laptop", "Alex\r11111-22222 approved", "\x1b[31mred", "x" * 101, "Tab\there"],
    ids=["lone surrogate", "NUL", "carriage return", "terminal escape", "too long", "tab"],
)
def test_an_enrolment_name_that_is_not_short_printable_text_is_refused(receiver, name):
    device = Device()
    body = json.dumps({"public_key": b64(device.public_key), "name": name}).encode()  # \ud800 as JSON has it
    with receiver.client() as client:
        answer = client.post("/v1/devices", content=body, headers={"Content-Type": "application/json"})
        fine = Device("x" * 100).enrol(client)
    assert answer.status_code == 400 and "printable text of at most 100 characters" in answer.json()["detail"]
    assert fine.status_code == 202
    assert [d.fingerprint for d in receiver.store.devices()] == [fine.json()["fingerprint"]]
    assert [status for status, _, _ in _refused(receiver)] == [400]


def test_a_public_key_must_be_exactly_32_bytes_in_canonical_base64(receiver):
    device = Device()
    canonical = b64(device.public_key)
    loose = canonical[:-2] + chr(ord(canonical[-2]) ^ 1) + "="  # same length, bits the key does not have
    with receiver.client() as client:
        answers = [client.post("/v1/devices", json={"public_key": k}) for k in (loose, canonical + "AAAA", 7)]
        extra = client.post("/v1/devices", json={"public_key": canonical, "note": "hello"})
    assert all(a.status_code == 400 for a in [*answers, extra])
    assert receiver.store.devices() == []


def test_the_receivers_own_key_cannot_enrol_as_a_device(receiver):
    with receiver.client() as client:
        answer = client.post(
            "/v1/devices", json={"public_key": receiver.identity["public_key"], "name": "Me"}
        )
    assert answer.status_code == 403 and "receiver's own key" in answer.json()["detail"]
    assert receiver.store.devices() == []


@pytest.mark.parametrize("record_id", ["a\x00b", "a?b", "a#b", "a\\b", "a\tb", "a\rb", "a\nb", "a b"])
def test_a_signed_request_for_any_id_is_answered_404_not_refused_as_unsigned(receiver, record_id):
    with receiver.client() as client:
        device = approved_device(receiver, client)
        answer = device.get(client, record_id)  # percent-encoded, and signed as sent
    assert answer.status_code == 404 and answer.json()["detail"].startswith("No record with this id")
    ((status, path, _reason),) = _refused(receiver)
    assert status == 404 and "\x00" not in path and "\n" not in path


def test_record_ids_with_url_characters_travel_and_control_characters_are_refused(receiver):
    with receiver.client() as client:
        device = approved_device(receiver, client)
        odd = make_bundle(device.key, "review?draft#2\\a b")
        kept, back = device.put(client, odd), None
        back = device.get(client, odd.record_id)
        control = device.put(client, make_bundle(device.key, "line\nbreak"))
    assert kept.status_code == 201 and back.status_code == 200 and back.json()["record_id"] == odd.record_id
    assert control.status_code == 422 and "printable text" in control.json()["detail"]
    assert [r.record_id for r in stored(receiver)] == [odd.record_id]


def test_a_bundle_is_not_read_until_its_request_is_authenticated_and_its_device_approved(
    receiver, monkeypatch
):
    """An unknown key, a pending key or a wrong signature costs one hash and one verify: the bundle (up
    to 20 MiB) is never parsed, canonicalised or checked."""
    parsed = []
    monkeypatch.setattr(receiver_app, "from_json", lambda body: parsed.append(len(body)))
    stranger, pending = Device(), Device()
    big = make_bundle(stranger.key, pdf=b"%PDF-1.4\n" + b"0" * (14 << 20))
    body = to_json(big)
    path = record_path(big.record_id, big.content_hash)
    with receiver.client() as client:
        pending.enrol(client)
        unknown = client.put(path, content=body, headers=stranger.headers("PUT", path, body))
        waiting = client.put(path, content=body, headers=pending.headers("PUT", path, body))
        device = approved_device(receiver, client)
        forged = device.headers("PUT", path, body[:-1] + b" ")
        wrong = client.put(path, content=body, headers=forged)
    assert [a.status_code for a in (unknown, waiting, wrong)] == [401, 403, 401]
    assert parsed == []


def test_a_bundle_with_a_renamed_field_or_another_signer_is_refused(receiver):
    with receiver.client() as client:
        alex = approved_device(receiver, client, "Alex's laptop")
        renamed = make_bundle(alex.key, pdf=None)
        doc = body_of(renamed)
        doc["supersedes_hasx"] = doc.pop("supersedes_hash")
        body = json.dumps(doc).encode()
        path = record_path(renamed.record_id, renamed.content_hash)
        answer = client.put(path, content=body, headers=alex.headers("PUT", path, body))
        claims_jo = alex.put(client, make_bundle(alex.key, signer="11111-22222-33333-44444-55555-66666"))
    assert answer.status_code == 400 and "'supersedes_hasx'" in answer.json()["detail"]
    assert claims_jo.status_code == 422 and "another device as its signer" in claims_jo.json()["detail"]
    assert stored(receiver) == []


def test_control_characters_in_a_path_are_logged_escaped(receiver, caplog):
    with caplog.at_level(logging.WARNING, logger="iro_desktop.receiver"), receiver.client() as client:
        client.get("/v1/nothing%1b%5b31m%0d%0aforged")
    (line,) = [r.getMessage() for r in caplog.records if r.name == "iro_desktop.receiver"]
    assert "\x1b" not in line and "\r" not in line and "\n" not in line
    assert "\\x1b[31m\\x0d\\x0aforged" in line and "404" in line
    ((status, path, _),) = _refused(receiver)
    assert status == 404 and path == "/v1/nothing\\x1b[31m\\x0d\\x0aforged"


def test_a_client_leaving_mid_upload_is_one_log_line_without_a_traceback(receiver, caplog):
    with receiver.client() as client:
        device = approved_device(receiver, client)
    bundle = make_bundle(device.key)
    body = to_json(bundle)
    path = record_path(bundle.record_id, bundle.content_hash)
    headers = "".join(f"{k}: {v}\r\n" for k, v in device.headers("PUT", path, body).items())
    url = urlsplit(receiver.base_url)
    with caplog.at_level(logging.INFO):
        with socket.create_connection((url.hostname, url.port)) as raw:
            raw.sendall(
                f"PUT {path} HTTP/1.1\r\nHost: x\r\n{headers}Content-Length: {len(body)}\r\n\r\n".encode()
            )
            raw.sendall(body[:100])  # and the laptop lid closes
        deadline = time.monotonic() + 10
        while (
            not any("left before" in r.getMessage() for r in caplog.records) and time.monotonic() < deadline
        ):
            time.sleep(0.05)
    left = [r for r in caplog.records if "left before" in r.getMessage()]
    assert len(left) == 1 and f"PUT {path}" in left[0].getMessage()
    assert not any(r.exc_info for r in caplog.records) and "Exception in ASGI" not in caplog.text
    assert stored(receiver) == [] and _refused(receiver) == []


def test_the_openapi_states_the_signature_scheme_header_forms_key_form_and_statuses(receiver):
    with receiver.client() as client:
        spec = client.get("/openapi.json").json()
    every_scheme = spec["components"]["securitySchemes"]
    schemes = {key: s for key, s in every_scheme.items() if s["type"] == "apiKey"}  # a device's signature
    assert {s["name"] for s in schemes.values()} == {
        "X-IRO-Key",
        "X-IRO-Timestamp",
        "X-IRO-Nonce",
        "X-IRO-Signature",
    }
    put = spec["paths"]["/v1/records/{record_id}/{content_hash}"]["put"]
    patterns = {p["name"]: p["schema"]["pattern"] for p in put["parameters"] if p["in"] == "header"}
    assert patterns["X-IRO-Timestamp"] == "^[0-9]{1,12}$" and put["security"] == [dict.fromkeys(schemes, [])]
    enrol = spec["paths"]["/v1/devices"]["post"]
    key = enrol["requestBody"]["content"]["application/json"]["schema"]["properties"]["public_key"]
    assert key["pattern"] == "^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$"
    assert set(put["responses"]) == {"200", "201", "400", "401", "403", "404", "409", "413", "422"}
    assert set(enrol["responses"]) == {"200", "202", "400", "403", "413"}
    # The administrator's token: a bearer scheme of its own, for /v1/admin/ only.
    assert every_scheme.keys() - schemes.keys() == {"AdminToken"}
    assert every_scheme["AdminToken"] == {**every_scheme["AdminToken"], "type": "http", "scheme": "bearer"}
    for path, operations in spec["paths"].items():
        for operation in operations.values():
            admin = operation.get("security") == [{"AdminToken": []}]
            assert admin == path.startswith("/v1/admin/"), path
            if admin:
                assert {"401", "403"} <= set(operation["responses"]), path
    allocate = spec["paths"]["/v1/admin/allocations/{child_id}"]["put"]
    assert {"404", "409", "422"} <= set(allocate["responses"])
    (child,) = [p for p in allocate["parameters"] if p["name"] == "child_id"]
    assert child["schema"]["pattern"] == CHILD_ID_PATTERN and child["schema"]["maxLength"] == 40


def test_an_unexpected_database_error_is_logged_without_what_was_being_stored(receiver):
    """A traceback is kept for an unexpected error, and the database's error names no record content."""
    secret = "Sam Fictional's placement notes"
    with pytest.raises(SQLAlchemyError) as failed, receiver.store.session() as s:
        s.execute(text("INSERT INTO refusals (method, path, reason) VALUES (:v, :v, :v)"), {"v": secret})
    assert secret not in str(failed.value) and "hidden" in str(failed.value)
