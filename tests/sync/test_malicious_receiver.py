"""A hostile receiver, or something in its place: each lie or misbehaviour it can answer a record with.

The real receiver runs behind a proxy of the tests' own (FaultyProxy's plumbing) that answers every
record PUT with one attack. Each time: no crash, the record is not marked delivered, the outbox keeps it
(a 4xx sets it aside with a reason, as designed), the reason kept is a short plain sentence that does
not echo the answer, nothing else from the answer reaches the store, and once a truthful receiver is
reachable again the same record is delivered with a receipt that verifies.
"""

from __future__ import annotations

import json
import socket
import time
import uuid

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import select

from iro_desktop.records.signing import receipt_statement, sign
from iro_desktop.store import audit
from iro_desktop.store.models import OutboxItem, Setting
from iro_desktop.sync import client, outbox
from iro_desktop.sync.client import SERVER_SETTING, SyncError, enrol, sync_once
from iro_desktop.sync.receiver.receipts import load_or_create_key
from tests.sync.faulty_proxy import FaultyProxy, _read_message
from tests.sync.live import LiveReceiver, enrolled, queue_signed_records
from tests.sync.test_faults import LATER

TEN_MB = 10 * 1024 * 1024
HTML = b"<!DOCTYPE html><html><body><h1>Welcome to nginx!</h1>" + b"<p>filler</p>" * 2000 + b"</body></html>"


def _http(status: bytes, body: bytes, content_type: bytes = b"application/json", extra: bytes = b"") -> bytes:
    head = b"HTTP/1.1 " + status + b"\r\ncontent-type: " + content_type + extra
    return head + b"\r\ncontent-length: " + str(len(body)).encode() + b"\r\n\r\n" + body


class HostileReceiver(FaultyProxy):
    """Passes everything to the real receiver except requests starting with `target`, which meet `attack`."""

    def __init__(self, receiver: LiveReceiver, attack: str, target: bytes = b"PUT /v1/records/"):
        super().__init__(receiver.port, fault_rate=1.0, restart=lambda: None)
        self.attack, self.target = attack, target
        self.real_key = load_or_create_key(receiver.key_file)  # the receiver's own, to forge true signatures
        self.elsewhere = socket.create_server(("127.0.0.1", 0))  # "another host" a redirect points to
        self.elsewhere.settimeout(0)

    def close(self) -> None:
        super().close()
        self.elsewhere.close()

    def visited_elsewhere(self) -> bool:
        try:
            self.elsewhere.accept()[0].close()
        except BlockingIOError:
            return False
        return True

    def _fault(self, request: bytes) -> str | None:
        if not request.startswith(self.target):
            return None
        with self._lock:
            self.injected[self.attack] += 1  # how many requests met the attack
        return self.attack

    def _one(self, client_sock: socket.socket, request: bytes, fault: str | None) -> bool:
        if fault is None:
            return super()._one(client_sock, request, None)
        try:
            if fault == "drip":
                self._drip(client_sock, request)
            elif fault == "drip_headers":
                self._drip(client_sock, request, headers_too=True)
            elif fault == "silent":  # a network that swallows the request: wait until the client gives up
                client_sock.recv(1)
            else:
                client_sock.sendall(getattr(self, f"_{fault}")(request))
        except OSError:  # the client gave up on us: that is the point
            pass
        return False

    def _genuine(self, request: bytes) -> tuple[bytes, dict]:
        """The real receiver's answer to this request: its status line and JSON body."""
        with socket.create_connection(("127.0.0.1", self.upstream_port)) as upstream:
            upstream.sendall(request)
            response = _read_message(upstream, bytearray())
        head, body = response.split(b"\r\n\r\n", 1)
        return head.split(b"\r\n")[0].split(b" ", 1)[1], json.loads(body)

    def _forged(self, request: bytes, **changes) -> bytes:
        """A receipt truly signed by the receiver's key, but with fields changed before signing."""
        status, answer = self._genuine(request)
        fields = {k: v for k, v in answer["receipt"].items() if k != "statement"} | changes
        statement = receipt_statement(**fields)
        return _http(
            status,
            json.dumps(
                {"receipt": json.loads(statement), "signature": sign(self.real_key, statement)}
            ).encode(),
        )

    def _edited(self, request: bytes, edit) -> bytes:
        status, answer = self._genuine(request)
        edit(answer)
        return _http(status, json.dumps(answer).encode())

    def _other_key(self, request: bytes) -> bytes:
        stranger = Ed25519PrivateKey.generate()
        return self._edited(
            request,
            lambda a: a.update(
                signature=sign(
                    stranger, receipt_statement(**{k: v for k, v in a["receipt"].items() if k != "statement"})
                )
            ),
        )

    def _other_record(self, request: bytes) -> bytes:
        return self._forged(request, record_id=str(uuid.uuid4()))

    def _other_device(self, request: bytes) -> bytes:
        return self._forged(request, device="11111-22222-33333-44444-55555-66666")

    def _altered_hash(self, request: bytes) -> bytes:
        return self._edited(request, lambda a: a["receipt"].update(content_hash="0" * 64))

    def _altered_time(self, request: bytes) -> bytes:
        return self._edited(request, lambda a: a["receipt"].update(received_at="1999-01-01T00:00:00Z"))

    def _signature_not_text(self, request: bytes) -> bytes:
        return self._edited(request, lambda a: a.update(signature={"not": "text"}))

    def _json_list(self, request: bytes) -> bytes:
        return _http(b"200 OK", b'[{"public_key": 1}, 2, null]')

    def _malformed_json(self, request: bytes) -> bytes:
        return _http(b"201 Created", b'{"receipt": {"record_id": "')

    def _html_200(self, request: bytes) -> bytes:
        return _http(b"200 OK", HTML, b"text/html")

    def _ten_mb(self, request: bytes) -> bytes:
        return _http(b"200 OK", b'{"detail": "' + b"A" * TEN_MB + b'"}')

    def _huge_refusal(self, request: bytes) -> bytes:
        detail = "Refused.\n\x1b[31m" + "B" * 500_000 + "<script>alert(1)</script>"
        return _http(b"400 Bad Request", json.dumps({"detail": detail}).encode())

    def _error_500(self, request: bytes) -> bytes:
        return _http(b"500 Internal Server Error", HTML, b"text/html")

    def _redirect(self, request: bytes) -> bytes:
        where = f"\r\nlocation: http://127.0.0.1:{self.elsewhere.getsockname()[1]}/v1/steal".encode()
        return _http(b"307 Temporary Redirect", b"", extra=where)

    def _drip(self, client_sock: socket.socket, request: bytes, headers_too: bool = False) -> None:
        """The genuine answer a byte at a time (after the headers, or from its first byte): each read is
        quick, the whole never is."""
        status, answer = self._genuine(request)
        response = _http(status, json.dumps(answer).encode())
        head_end = 0 if headers_too else response.index(b"\r\n\r\n") + 4
        client_sock.sendall(response[:head_end])
        for byte in response[head_end:]:
            client_sock.sendall(bytes([byte]))
            time.sleep(0.05)


ATTACKS = {  # attack: (outbox state afterwards, the reason kept)
    "other_key": ("queued", "The receipt's signature is not the pinned receiver key's."),
    "other_record": ("queued", "The receipt names another record."),
    "other_device": ("queued", "The receipt names another device or receiver."),
    "altered_hash": ("queued", "The receipt names another record."),
    "altered_time": ("queued", "The receipt's signature is not the pinned receiver key's."),
    "signature_not_text": ("queued", "The receiver's answer held no readable receipt."),
    "malformed_json": ("queued", "The receiver's answer was cut short or was not a receipt."),
    "html_200": ("queued", "The receiver's answer was cut short or was not a receipt."),
    "ten_mb": ("queued", "The receiver's answer was far too long to be a receipt."),
    "huge_refusal": ("rejected", None),  # a 4xx sets the record aside with the receiver's (cut) words
    "error_500": ("queued", "The receiver answered 500."),
    "redirect": ("queued", "The receiver answered 307."),
    "drip": ("queued", "The receiver's answer came too slowly."),
}


@pytest.fixture
def receiver(tmp_path):
    live = LiveReceiver(tmp_path).start()
    yield live
    live.stop()


def _settings(store) -> dict:
    """Every setting but the enrolment status, which the real receiver's approval moves on, and the audit
    trail's head the (truthful) receiver acknowledges."""
    moving = {client.ENROLMENT_SETTING, audit.SYNCED_HEAD_SETTING}
    with store.session() as s:
        return {row.key: row.value for row in s.scalars(select(Setting)) if row.key not in moving}


@pytest.mark.parametrize("attack", list(ATTACKS))
def test_a_lying_or_misbehaving_receiver_never_gets_a_record_marked_delivered(
    store, receiver, attack, monkeypatch
):
    monkeypatch.setattr(client, "ANSWER_SECONDS", 0.5)  # the drip would take minutes; the rule is the same
    hostile = HostileReceiver(receiver, attack)
    try:
        enrolled(store, receiver, hostile.url)
        (record_id,) = queue_signed_records(store, 1)
        settings_before = _settings(store)
        report = sync_once(store, hostile.url, now=LATER)
        went_elsewhere = hostile.visited_elsewhere()
    finally:
        hostile.close()

    state, reason = ATTACKS[attack]
    (line,) = outbox.outbox_items(store)
    assert not report.delivered and line.state == state and line.delivered_at is None
    if reason:
        assert line.last_error == reason and report.retried == [(record_id, reason)]
    assert len(line.last_error) <= client.REASON_CHARS and "\n" not in line.last_error
    assert "<html" not in line.last_error and "\x1b" not in line.last_error
    assert len("\n".join(report.lines())) < 1000  # what the sync screen and CLI show stays readable
    with store.session() as s:
        assert s.scalars(select(OutboxItem.receipt)).one() is None
    assert _settings(store) == settings_before  # the pinned key and server are as they were
    assert not went_elsewhere  # a redirect is not followed, to another host or anywhere

    if state == "rejected":  # the IRO can send a set-aside record again, from the sync screen
        outbox.requeue(store, line.item_id)
    again = sync_once(store, receiver.url, now=LATER)  # a truthful receiver, reached directly
    assert again.delivered == [record_id] and outbox.receipt_of(store, line.item_id) is not None


def _sync_through(store, receiver, attack: str, records: int = 1):
    """Enrol, queue `records` signed records and sync once through a receiver meeting every PUT with
    `attack`; returns the report, the record ids and the (closed) hostile receiver."""
    hostile = HostileReceiver(receiver, attack)
    try:
        enrolled(store, receiver, hostile.url)
        record_ids = queue_signed_records(store, records)
        return sync_once(store, hostile.url, now=LATER), record_ids, hostile
    finally:
        hostile.close()


def test_a_huge_refusal_is_kept_as_a_short_single_line(store, receiver):
    report, _, _ = _sync_through(store, receiver, "huge_refusal")
    ((record_id, why),) = report.rejected
    assert why.startswith("Refused. ") and why.endswith("…") and len(why) == client.REASON_CHARS
    assert "\x1b" not in why and "\n" not in why


ENROL_ATTACKS = ["malformed_json", "html_200", "ten_mb", "error_500", "redirect", "json_list"]


@pytest.mark.parametrize("attack", ENROL_ATTACKS)
def test_enrolling_with_a_hostile_server_fails_plainly_and_pins_nothing(store, receiver, attack):
    hostile = HostileReceiver(receiver, attack, target=b"GET /v1/receiver")
    try:
        with pytest.raises(SyncError) as refused:
            enrol(store, hostile.url)
    finally:
        hostile.close()
    message = str(refused.value)
    assert message.startswith(f"Could not enrol with {hostile.url}: ") and len(message) < 400
    assert "<html" not in message and "AAAA" not in message
    assert (
        store.get_setting(SERVER_SETTING) is None and store.get_setting(client.RECEIVER_KEY_SETTING) is None
    )


def test_enrolling_where_nothing_answers_says_so_in_words_not_the_sockets(store):
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]  # free again once closed: nothing listens there
    with pytest.raises(SyncError) as refused:
        enrol(store, f"http://127.0.0.1:{port}")
    message = str(refused.value)
    assert message == (
        f"Could not enrol with http://127.0.0.1:{port}: nothing answered at that address. Check it, and that "
        "you are connected; nothing was changed."
    )
    assert "Errno" not in message and store.get_setting(SERVER_SETTING) is None


def test_a_silent_network_ends_the_run_after_three_silences_not_one_timeout_per_record(
    store, receiver, monkeypatch
):
    # Short enough to keep the test quick, long enough for the real receiver's first answers on a busy
    # machine (0.3 s timed out there before the silences began).
    monkeypatch.setattr(client, "TIMEOUT_SECONDS", 1.5)
    report, _, silent = _sync_through(store, receiver, "silent", records=6)
    assert report.stopped.startswith("No answer from the receiver 3 times running")
    assert silent.injected["silent"] == 3 and len(report.retried) == 3 and not report.delivered
    with store.session() as s:
        assert sorted(s.scalars(select(OutboxItem.state))) == ["queued"] * 6  # all wait for the next sync


def test_a_receiver_dripping_its_headers_cannot_hold_the_sync(store, receiver, monkeypatch):
    """Each header byte comes before the per-read timeout, so only a limit on the whole exchange ends it."""
    monkeypatch.setattr(client, "EXCHANGE_SECONDS", 0.5)  # the drip would take half a minute
    report, (record_id,), _ = _sync_through(store, receiver, "drip_headers")
    assert report.stopped == "The receiver's answer came too slowly: try again later."
    assert not report.delivered and [line.state for line in outbox.outbox_items(store)] == ["queued"]
    assert sync_once(store, receiver.url, now=LATER).delivered == [record_id]
