"""The council's receiver over real HTTP (uvicorn on loopback), on SQLite and on PostgreSQL: what it keeps,
what it refuses and why, and that one IRO's records are out of another's reach."""

from __future__ import annotations

import ipaddress
import json
import ssl
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from iro_desktop.records.bundle import to_json
from iro_desktop.sync.protocol import MAX_BODY_BYTES, MAX_SKEW_SECONDS, record_path
from iro_desktop.sync.receiver import cli, create_app
from iro_desktop.sync.receiver.storage import Nonce, ReceivedRecord, Refusal, RefusalLimits
from tests.sync.conftest import ServerThread
from tests.sync.helpers import Device, make_bundle, receipt_verifies, tampered


def approved_device(receiver, client, name="Test laptop") -> Device:
    device = Device(name)
    assert device.enrol(client).status_code == 202
    assert cli.main(["approve", device.fingerprint, "--db", receiver.db_url]) == 0
    return device


def stored(receiver) -> list[ReceivedRecord]:
    with receiver.store.session() as s:
        return list(s.query(ReceivedRecord).order_by(ReceivedRecord.id))


def test_a_device_enrols_and_is_approved_by_an_administrator(receiver):
    device = Device("Alex's laptop")
    with receiver.client() as client:
        identity = client.get("/v1/receiver").json()
        asked = device.enrol(client)
        assert asked.status_code == 202
        assert asked.json() == {"fingerprint": device.fingerprint, "status": "pending"}
        assert device.enrol(client).status_code == 202  # asking again changes nothing
        assert cli.main(["approve", device.fingerprint.replace("-", " "), "--db", receiver.db_url]) == 0
        assert device.enrol(client).json() == {"fingerprint": device.fingerprint, "status": "approved"}
    assert identity == receiver.identity and len(identity["fingerprint"]) == 35


def test_a_signed_record_is_kept_with_a_receipt_and_sending_it_again_returns_the_same_receipt(receiver):
    with receiver.client() as client:
        device = approved_device(receiver, client)
        bundle = make_bundle(device.key)
        first = device.put(client, bundle)
        again = device.put(client, bundle)
        held = device.get(client, bundle.record_id)
    assert first.status_code == 201 and receipt_verifies(first.json(), receiver.identity)
    assert first.json()["receipt"]["device"] == device.fingerprint
    assert first.json()["receipt"]["content_hash"] == bundle.content_hash
    assert again.status_code == 200 and again.json() == first.json()
    assert held.status_code == 200 and held.json()["signature"] == first.json()["signature"]
    [record] = stored(receiver)
    assert (record.canonical_json, record.pdf, record.sender) == (
        bundle.canonical_json,
        bundle.pdf,
        device.fingerprint,
    )


def test_the_same_record_id_with_different_content_is_a_conflict(receiver):
    with receiver.client() as client:
        device = approved_device(receiver, client)
        original = make_bundle(device.key)
        assert device.put(client, original).status_code == 201
        rival = make_bundle(device.key, original.record_id, note="Placement has changed.")
        answer = device.put(client, rival)
    assert answer.status_code == 409 and "correction must name the hash" in answer.json()["detail"]
    assert [r.content_hash for r in stored(receiver)] == [original.content_hash]


def test_a_properly_signed_correction_supersedes_the_latest_version_only(receiver):
    with receiver.client() as client:
        device = approved_device(receiver, client)
        original = make_bundle(device.key)
        assert device.put(client, original).status_code == 201
        correction = make_bundle(
            device.key, original.record_id, version=2, supersedes=original.content_hash, note="Corrected."
        )
        accepted = device.put(client, correction)
        fork = make_bundle(
            device.key, original.record_id, version=2, supersedes=original.content_hash, note="Fork"
        )
        refused = device.put(client, fork)
        held = device.get(client, original.record_id).json()
    assert accepted.status_code == 201 and receipt_verifies(accepted.json(), receiver.identity)
    assert refused.status_code == 409
    assert [v["content_hash"] for v in held["versions"]] == [original.content_hash, correction.content_hash]
    assert held["versions"][1]["supersedes_hash"] == original.content_hash
    assert held["receipt"]["content_hash"] == correction.content_hash


def _send(client, device, bundle, *, body=None, path=None, headers=None, now=None):
    body = to_json(bundle) if body is None else body
    path = path or record_path(bundle.record_id, bundle.content_hash)
    signed = device.headers("PUT", path, body, now=now)
    return client.put(path, content=body, headers={**signed, **(headers or {})})


REFUSALS = {
    # name: (what is sent, expected status, words in the reason)
    "tampered record": (lambda c, d, b: _send(c, d, tampered(b)), 422, "has been changed"),
    "signed by another key": (lambda c, d, b: _send(c, d, make_bundle(Device().key)), 403, "not the sender"),
    "address does not match": (
        lambda c, d, b: _send(c, d, b, path=record_path(b.record_id, "0" * 64)),
        422,
        "do not match",
    ),
    "stale timestamp": (
        lambda c, d, b: _send(c, d, b, now=int(datetime.now(UTC).timestamp()) - MAX_SKEW_SECONDS - 60),
        401,
        "check the device's clock",
    ),
    "oversized body": (lambda c, d, b: _send(c, d, b, body=b" " * (MAX_BODY_BYTES + 1)), 413, "larger than"),
    "malformed JSON": (
        lambda c, d, b: _send(c, d, b, body=b'{"format": "iro-desktop-record",'),
        400,
        "not JSON",
    ),
    "kind not the signed one": (  # the kind is covered by the device's signature
        lambda c, d, b: _send(c, d, replace(b, kind="challenge_letter")),
        422,
        "signature does not verify",
    ),
    "not a bundle": (lambda c, d, b: _send(c, d, b, body=b'{"format": "x"}'), 400, "not an iro-desktop"),
    "unsigned": (
        lambda c, d, b: c.put(record_path(b.record_id, b.content_hash), content=to_json(b)),
        401,
        "not signed",
    ),
    "bad signature": (
        lambda c, d, b: _send(c, d, b, headers={"X-IRO-Signature": _send_signature_of_other(d)}),
        401,
        "does not verify",
    ),
    "unknown key": (lambda c, d, b: Device().put(c, b), 401, "not enrolled"),
}


def _send_signature_of_other(device) -> str:
    return device.headers("PUT", "/elsewhere", b"")["X-IRO-Signature"]


@pytest.mark.parametrize("case", REFUSALS, ids=str)
def test_a_bad_request_is_refused_with_a_reason_stores_nothing_and_is_logged(receiver, case):
    send, status, words = REFUSALS[case]
    with receiver.client() as client:
        device = approved_device(receiver, client)
        answer = send(client, device, make_bundle(device.key))
    assert answer.status_code == status, answer.text
    assert words in answer.json()["detail"]
    assert stored(receiver) == []
    [refusal] = receiver.store.refusals()
    assert (refusal.status, refusal.reason) == (status, answer.json()["detail"])


def test_a_replayed_request_is_refused(receiver):
    with receiver.client() as client:
        device = approved_device(receiver, client)
        bundle = make_bundle(device.key)
        body, path = to_json(bundle), record_path(bundle.record_id, bundle.content_hash)
        headers = device.headers("PUT", path, body)
        first = client.put(path, content=body, headers=headers)
        replay = client.put(path, content=body, headers=headers)
    assert first.status_code == 201
    assert replay.status_code == 401 and "seen before" in replay.json()["detail"]
    assert len(stored(receiver)) == 1
    assert [r.status for r in receiver.store.refusals()] == [401]


@pytest.mark.parametrize("state", ["pending", "revoked"])
def test_a_key_not_approved_or_revoked_is_refused(receiver, state):
    with receiver.client() as client:
        device = Device()
        device.enrol(client)
        if state == "revoked":
            assert cli.main(["approve", device.fingerprint, "--db", receiver.db_url]) == 0
            assert cli.main(["revoke", device.fingerprint, "--db", receiver.db_url]) == 0
        answer = device.put(client, make_bundle(device.key))
        enrol_again = device.enrol(client)
    expected = "waiting for an administrator" if state == "pending" else "revoked"
    assert answer.status_code == 403 and expected in answer.json()["detail"]
    assert enrol_again.status_code == (202 if state == "pending" else 403)
    assert stored(receiver) == []
    assert receiver.store.refusals()[0].status == 403


def test_one_iro_can_neither_read_nor_overwrite_another_iros_records(receiver):
    with receiver.client() as client:
        alex = approved_device(receiver, client, "Alex's laptop")
        jo = approved_device(receiver, client, "Jo's laptop")
        record = make_bundle(alex.key)
        assert alex.put(client, record).status_code == 201
        read = jo.get(client, record.record_id)
        same_id = make_bundle(jo.key, record.record_id, note="Jo's text")
        jo_own = jo.put(client, same_id)
        supersede = jo.put(
            client, make_bundle(jo.key, record.record_id, version=2, supersedes=record.content_hash)
        )
        alex_reads, jo_reads = alex.get(client, record.record_id), jo.get(client, record.record_id)
    assert read.status_code == 404 and record.content_hash not in read.text
    # Jo's record of the same id is Jo's own record: Alex's is untouched, and neither sees the other's.
    assert jo_own.status_code == 201 and supersede.status_code == 409
    assert alex_reads.json()["receipt"]["content_hash"] == record.content_hash
    assert jo_reads.json()["receipt"]["content_hash"] == same_id.content_hash
    assert sorted((r.sender, r.content_hash) for r in stored(receiver)) == sorted(
        [(alex.fingerprint, record.content_hash), (jo.fingerprint, same_id.content_hash)]
    )


def test_a_device_cannot_claim_a_record_id_before_its_owner_sends_it(receiver):
    """Jo learns the id of a record Alex has not sent yet and sends first: Alex's record still arrives."""
    with receiver.client() as client:
        alex = approved_device(receiver, client, "Alex's laptop")
        jo = approved_device(receiver, client, "Jo's laptop")
        genuine = make_bundle(alex.key)
        claim = jo.put(client, make_bundle(jo.key, genuine.record_id, note="Jo got here first"))
        delivered = alex.put(client, genuine)
        again = alex.put(client, genuine)
    assert claim.status_code == 201
    assert delivered.status_code == 201 and again.status_code == 200
    assert delivered.json()["receipt"]["device"] == alex.fingerprint
    assert delivered.json() == again.json()


def test_a_correction_after_a_handover_is_kept_under_the_receiving_iros_device(receiver):
    """Jo took over Alex's child and corrects a review Alex signed: version 2 names Alex's version 1, and
    is Jo's own record at the council; Alex's version 1 is untouched."""
    with receiver.client() as client:
        alex = approved_device(receiver, client, "Alex's laptop")
        jo = approved_device(receiver, client, "Jo's laptop")
        first = make_bundle(alex.key)
        assert alex.put(client, first).status_code == 201
        correction = make_bundle(jo.key, first.record_id, version=2, supersedes=first.content_hash)
        kept = jo.put(client, correction)
        jo_reads = jo.get(client, first.record_id).json()
        alex_reads = alex.get(client, first.record_id).json()
    assert kept.status_code == 201 and kept.json()["receipt"]["device"] == jo.fingerprint
    assert [v["supersedes_hash"] for v in jo_reads["versions"]] == [first.content_hash]
    assert [v["content_hash"] for v in alex_reads["versions"]] == [first.content_hash]


def test_the_openapi_description_names_every_endpoint(receiver):
    with receiver.client() as client:
        spec = client.get("/openapi.json").json()
    assert set(spec["paths"]) == {
        "/v1/receiver",
        "/v1/devices",
        "/v1/records/{record_id}/{content_hash}",
        "/v1/records/{record_id}",
        "/v1/trail",
        "/v1/allocations",
        "/v1/admin/iros",
        "/v1/admin/allocations",
        "/v1/admin/allocations/{child_id}",
        "/v1/admin/allocation-history/{child_id}",
        "/v1/feed/{after}",
        "/v1/notices/{notice_id}/answer",
        "/v1/admin/children/{child_id}/903",
        "/v1/admin/children/{child_id}/details",
        "/v1/admin/notices",
    }


def _self_signed(tmp_path):
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "receiver.example.test")])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return cert_file, key_file


def test_the_receiver_serves_tls_that_a_client_trusting_its_certificate_reaches(tmp_path):
    cert_file, key_file = _self_signed(tmp_path)
    app = create_app(f"sqlite:///{tmp_path / 'receiver.db'}", tmp_path / "receiver.key")
    tls = {"ssl_certfile": str(cert_file), "ssl_keyfile": str(key_file)}
    with ServerThread(app, ssl=tls) as served:
        url = f"https://127.0.0.1:{served.port}/v1/receiver"
        trusted = httpx.get(url, verify=ssl.create_default_context(cafile=str(cert_file)))
        with pytest.raises(httpx.ConnectError):
            httpx.get(url)  # the system's CAs do not vouch for it
    assert trusted.status_code == 200 and trusted.json() == app.state.signer.identity()
    assert json.loads(trusted.text)["fingerprint"] == app.state.signer.fingerprint


def test_the_same_record_sent_many_times_at_once_is_kept_once_with_one_receipt(receiver):
    with receiver.client() as client:
        device = approved_device(receiver, client)
        bundles = [make_bundle(device.key) for _ in range(4)]
        with ThreadPoolExecutor(max_workers=8) as pool:
            answers = list(pool.map(lambda b: device.put(client, b), bundles * 6))
    assert sorted({a.status_code for a in answers}) == [200, 201]
    for bundle in bundles:
        mine = [a for a in answers if a.json()["receipt"]["content_hash"] == bundle.content_hash]
        assert [a.status_code for a in mine].count(201) == 1
        assert len({a.json()["signature"] for a in mine}) == 1
    assert len(stored(receiver)) == 4


def test_nonces_are_forgotten_only_once_too_old_to_be_replayed(receiver):
    with receiver.client() as client:
        device = approved_device(receiver, client)
        assert device.put(client, make_bundle(device.key)).status_code == 201
    with receiver.store.session() as s:
        s.add(
            Nonce(
                fingerprint=device.fingerprint,
                nonce="ab" * 16,
                seen_at=datetime.now(UTC) - timedelta(hours=1),
            )
        )
    receiver.store.prune_nonces(timedelta(seconds=2 * MAX_SKEW_SECONDS))
    with receiver.store.session() as s:
        assert [n.nonce != "ab" * 16 for n in s.query(Nonce)] == [True]


def test_the_refusals_log_is_bounded_by_count_and_age(db_url, tmp_path):
    """Anyone can add to the log with a bad request: it keeps the newest, and nothing past its time."""
    limits = RefusalLimits(keep=timedelta(days=90), max_rows=6, prune_every=4)
    app = create_app(db_url, tmp_path / "receiver.key", refusal_limits=limits)
    store = app.state.store
    with store.session() as s:
        s.add(
            Refusal(
                at=datetime.now(UTC) - timedelta(days=91), method="GET", path="/", status=401, reason="old"
            )
        )
    try:
        with ServerThread(app) as served, httpx.Client(base_url=f"http://127.0.0.1:{served.port}") as client:
            for n in range(1, 19):
                assert client.get(f"/v1/records/attempt-{n}").status_code == 401
        kept = store.refusals()
        assert len(kept) <= limits.max_rows + limits.prune_every
        assert kept[-1].path == "/v1/records/attempt-18" and "old" not in [r.reason for r in kept]
    finally:
        store.dispose()
