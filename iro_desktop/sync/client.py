"""The sync client: enrol this device with the council's receiver, then deliver the outbox.

A record counts as delivered only when the receiver's signed receipt verifies against the receiver key
pinned at enrolment and names this record's id and hash; the receipt is kept as proof. Sending is
idempotent (PUT to the record's id and hash), so a retry after a lost answer is harmless.

TLS is pinned inside the encrypted store (sync/tls_pin.py): a refused receiver is sent nothing.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TypeVar

import httpx

from iro_desktop.beside import run_beside
from iro_desktop.logs import facts
from iro_desktop.records import bundle as bundle_api
from iro_desktop.records.export import bundle_of
from iro_desktop.records.keys import device_fingerprint, device_key, device_name, device_public_key
from iro_desktop.records.signing import (
    b64,
    canonical,
    fingerprint,
    raw_public_key,
    statement_of_receipt,
    unb64,
    verify,
)
from iro_desktop.store import Store, audit
from iro_desktop.sync import feed, outbox, trail
from iro_desktop.sync.errors import BadAnswer, SyncError
from iro_desktop.sync.protocol import HEADER_NONCE, as_device_name, record_path, signed_headers
from iro_desktop.sync.tls_pin import (
    CHOOSE_CA,
    TLS_PIN_SETTING,
    UNTRUSTED,
    Presented,
    base,
    keep_key_pin,
    pinned_context,
    tls_refusal,
)

log = logging.getLogger(__name__)  # counts only: nothing about a record or a child
SERVER_SETTING = "sync.server"
RECEIVER_KEY_SETTING = "sync.receiver_key"  # b64 raw Ed25519, pinned at enrolment
RECEIVER_FINGERPRINT_SETTING = "sync.receiver_fingerprint"
ENROLMENT_SETTING = "sync.enrolment"  # pending | approved | revoked
TIMEOUT_SECONDS = 20.0
BATCH = 50  # outcomes written to the store together: one disk sync per batch, not per record
RETRY_STATUSES = {401, 408, 429}
MAX_ANSWER_BYTES = 1 << 20  # a receipt is under 1 KiB: an answer this long is not one
ANSWER_SECONDS = 60.0  # the whole answer, however it trickles in (httpx's timeout is per read)
EXCHANGE_SECONDS = 90.0  # a whole request and answer, headers too, however they trickle
STOPPED = "Stopped as the app locked or closed: the rest wait for the next sync."
REASON_CHARS = 200  # a receiver's words kept as a reason are cut to this
SILENCES_BEFORE_GIVING_UP = 3  # no answer this many times running: the network is down, try later
NO_ANSWER = "No answer from the receiver"
T = TypeVar("T")
_sync_lock = threading.Lock()  # one sync at a time in this process: "sending" found at start is stale


@dataclass(frozen=True)
class Enrolment:
    device_fingerprint: str
    status: str  # pending or approved
    receiver_fingerprint: str


@dataclass
class SyncReport:
    delivered: list[str] = field(default_factory=list)
    retried: list[tuple[str, str]] = field(default_factory=list)  # (record id, why)
    rejected: list[tuple[str, str]] = field(default_factory=list)
    stopped: str | None = None  # why the run stopped early, if it did
    trail: str | None = None  # whether the council took the audit trail's head, in a sentence
    trail_taken: bool = False
    feed: feed.FeedReport | None = None  # the council's changes pulled, and answers to notices sent

    def summary(self) -> str:
        """Counts only: the audit trail names no record's content."""
        words = f"{len(self.delivered)} delivered, {len(self.retried)} to retry, {len(self.rejected)} refused"
        return words + (" (stopped early)" if self.stopped else "")

    def lines(self) -> list[str]:
        out = [f"Delivered: {len(self.delivered)}", f"To retry: {len(self.retried)}"]
        out += [f"  {rid}: {why}" for rid, why in self.retried[:20]]
        out.append(f"Refused: {len(self.rejected)}")
        out += [f"  {rid}: {why}" for rid, why in self.rejected]
        if self.stopped:
            out.append(self.stopped)
        if self.trail:
            out.append(self.trail)
        if self.feed:
            out += self.feed.lines()
        return out


def _introduced_as(store: Store) -> str:
    """The device's name as the receiver takes one: its refused characters dropped, cut to length."""
    return as_device_name(device_name(store))


def _client(store: Store, server: str, enrolling: bool = False) -> tuple[httpx.Client, Presented | None]:
    """An HTTP client trusting only what is pinned (sync/tls_pin.py)."""
    context, presented = pinned_context(store, server, enrolling)
    return httpx.Client(base_url=base(server), verify=context, timeout=TIMEOUT_SECONDS), presented


def _no_connection(exc: httpx.HTTPError) -> str:
    """What went wrong, in words for the IRO: the library's own text (errno, socket words) never."""
    if isinstance(exc, httpx.ConnectError):
        return "nothing answered at that address. Check it, and that you are connected; nothing was changed."
    if isinstance(exc, httpx.TimeoutException):
        return "it did not answer in time. Try again later; nothing was changed."
    return f"the connection failed ({exc.__class__.__name__}). Try again later; nothing was changed."


def _plain(text: str) -> str:
    """A receiver's words on one line, control characters dropped, cut to REASON_CHARS."""
    text = " ".join("".join(ch if ch.isprintable() else " " for ch in text).split())
    return text if len(text) <= REASON_CHARS else text[: REASON_CHARS - 1] + "…"


def _detail(status: int, content: bytes) -> str:
    try:
        detail = json.loads(content).get("detail")
    except (ValueError, AttributeError):
        detail = None
    return (
        _plain(detail) if isinstance(detail, str) and detail.strip() else f"The receiver answered {status}."
    )


def _read_answer(response: httpx.Response, limit: int = MAX_ANSWER_BYTES) -> bytes:
    """The body, refused once it is longer than `limit` (a receipt's, by default) or slower than
    ANSWER_SECONDS."""
    what = "a receipt" if limit == MAX_ANSWER_BYTES else "the council's changes"
    deadline = time.monotonic() + ANSWER_SECONDS
    data = bytearray()
    for chunk in response.iter_bytes():
        data += chunk
        if len(data) > limit:
            raise BadAnswer(f"The receiver's answer was far too long to be {what}.")
        if time.monotonic() > deadline:
            raise BadAnswer("The receiver's answer came too slowly.")
    return bytes(data)


def _bounded(http: httpx.Client, exchange: Callable[[], T], should_stop: Callable[[], bool] | None) -> T:
    """One request in a thread of its own, given up when the app locks or it runs past EXCHANGE_SECONDS: a
    receiver that sends its headers a byte at a time could otherwise hold the sync, and with it the open
    store, for as long as it liked. The abandoned request holds no store or key."""
    deadline = time.monotonic() + EXCHANGE_SECONDS

    def watch() -> None:
        stop = should_stop is not None and should_stop()
        if stop or time.monotonic() > deadline:
            http.close()  # no more requests on this client: the run ends here
            raise SyncError(STOPPED if stop else "The receiver's answer came too slowly: try again later.")

    return run_beside(exchange, watch, "iro-sync-request", poll_s=0.1)


def enrol(store: Store, server: str) -> Enrolment:
    """Ask the receiver to enrol this device, pinning the receiver's key as it is now."""
    try:
        return _enrol(store, server)
    except httpx.HTTPError as exc:
        refused = tls_refusal(exc)
        if refused:
            hint = CHOOSE_CA if refused == UNTRUSTED and not store.get_setting(TLS_PIN_SETTING) else ""
            raise SyncError(refused + hint) from exc
        raise SyncError(f"Could not enrol with {server}: {_no_connection(exc)}") from exc
    except (KeyError, ValueError, TypeError, AttributeError) as exc:  # the answer was not a receiver's
        raise SyncError(f"Could not enrol with {server}: it did not answer as a receiver does.") from exc


def _enrol(store: Store, server: str) -> Enrolment:
    http, presented = _client(store, server, enrolling=True)
    with http:
        identity = http.get("/v1/receiver")
        identity.raise_for_status()
        receiver_key = unb64(identity.json()["public_key"])
        if fingerprint(receiver_key) != identity.json().get("fingerprint"):
            raise SyncError("The receiver's key does not match its own fingerprint; enrolment stopped.")
        asked = http.post(
            "/v1/devices", json={"public_key": b64(device_public_key(store)), "name": _introduced_as(store)}
        )
        if asked.status_code not in (200, 201, 202):
            raise SyncError(
                f"The receiver refused to enrol this device: {_detail(asked.status_code, asked.content)}"
            )
    status = asked.json().get("status", "pending")
    if store.get_setting(RECEIVER_KEY_SETTING) not in (None, b64(receiver_key)):
        feed.start_again(store)
    keep_key_pin(store, server, presented)
    store.set_setting(SERVER_SETTING, server.rstrip("/"))
    store.set_setting(RECEIVER_KEY_SETTING, b64(receiver_key))
    store.set_setting(RECEIVER_FINGERPRINT_SETTING, fingerprint(receiver_key))
    store.set_setting(ENROLMENT_SETTING, status)
    return Enrolment(device_fingerprint(store), status, fingerprint(receiver_key))


def receipt_problem(
    body: dict, record_id: str, content_hash: str, receiver_key: bytes, device_fp: str
) -> str | None:
    """Why a receipt is not proof of delivery of this record, or None when it is."""
    try:
        receipt, signature = body["receipt"], body["signature"]
        statement = statement_of_receipt(receipt)
    except (KeyError, TypeError, ValueError):
        return "The receiver's answer held no readable receipt."
    if not isinstance(signature, str):
        return "The receiver's answer held no readable receipt."
    if (receipt["record_id"], receipt["content_hash"]) != (record_id, content_hash):
        return "The receipt names another record."
    if receipt["device"] != device_fp or receipt["receiver"] != fingerprint(receiver_key):
        return "The receipt names another device or receiver."
    if not verify(receiver_key, statement, signature):
        return "The receipt's signature is not the pinned receiver key's."
    return None


def _proof(answer: dict) -> bytes:
    """What is kept of a verified answer: the signed statement and its signature, nothing else it carried."""
    statement = statement_of_receipt(answer["receipt"])
    return canonical({"receipt": json.loads(statement), "signature": answer["signature"]})


@dataclass(frozen=True)
class _Sender:
    http: httpx.Client
    key: object
    device_fp: str
    receiver_key: bytes
    public_key: bytes
    name: str
    should_stop: Callable[[], bool] | None = None

    def send(self, bundle) -> tuple[str, str | None, bytes | None]:
        """One PUT: ("delivered", None, receipt) | ("retry", why, None) | ("rejected", why, None)."""
        path = record_path(bundle.record_id, bundle.content_hash)
        body = bundle_api.to_json(bundle)
        headers = signed_headers(self.key, self.device_fp, "PUT", path, body, int(time.time()))
        try:
            status, content = _bounded(self.http, lambda: self._put(path, body, headers), self.should_stop)
        except httpx.TransportError as exc:
            refused = tls_refusal(exc)  # a new connection showed another certificate: stop, nothing sent
            if refused:
                raise SyncError(refused) from exc
            return "retry", f"{NO_ANSWER} ({exc.__class__.__name__}).", None
        except BadAnswer as exc:
            return "retry", str(exc), None
        if status in (200, 201):
            return self._check_receipt(bundle, content)
        if status == 403 and not self.approved():
            raise SyncError(f"The receiver does not accept this device: {_detail(status, content)}")
        if 400 <= status < 500 and status not in RETRY_STATUSES:
            return "rejected", _detail(status, content), None
        return "retry", _detail(status, content), None

    def _put(self, path: str, body: bytes, headers: dict) -> tuple[int, bytes]:
        return self._exchange("PUT", path, body, headers)

    def _exchange(
        self, method: str, path: str, body: bytes, headers: dict, limit: int = MAX_ANSWER_BYTES
    ) -> tuple[int, bytes]:
        with self.http.stream(method, path, content=body, headers=headers) as response:
            return response.status_code, _read_answer(response, limit)

    def signed(self, method: str, path: str, body: bytes, limit: int = MAX_ANSWER_BYTES) -> tuple[int, bytes]:
        """One signed request, bounded like a record's; httpx.TransportError or BadAnswer if no answer."""
        return self.signed_with_nonce(method, path, body, limit)[:2]

    def signed_with_nonce(
        self, method: str, path: str, body: bytes, limit: int = MAX_ANSWER_BYTES
    ) -> tuple[int, bytes, str]:
        """signed(), and the request's nonce, which the feed's answer must name."""
        headers = signed_headers(self.key, self.device_fp, method, path, body, int(time.time()))
        exchange = lambda: self._exchange(method, path, body, headers, limit)  # noqa: E731
        return (*_bounded(self.http, exchange, self.should_stop), headers[HEADER_NONCE])

    def send_trail_head(self, store: Store, report: SyncReport) -> None:
        try:
            report.trail_taken, report.trail = trail.send_head(store, self.signed, _detail)
        except (httpx.TransportError, BadAnswer) as exc:
            why = tls_refusal(exc) or f"{NO_ANSWER}."
            report.trail = f"The audit trail's head was not sent. {why}"
        except SyncError as exc:  # the app is locking or closing
            report.stopped = str(exc)

    def _check_receipt(self, bundle, content: bytes) -> tuple[str, str | None, bytes | None]:
        try:
            answer = json.loads(content)
        except ValueError:
            return "retry", "The receiver's answer was cut short or was not a receipt.", None
        problem = receipt_problem(
            answer, bundle.record_id, bundle.content_hash, self.receiver_key, self.device_fp
        )
        if problem:
            return "retry", problem, None
        return "delivered", None, _proof(answer)

    def approved(self) -> bool:
        """Ask again to enrol (idempotent): 200 means approved; pending or revoked means not."""
        return self.standing().status_code == 200

    def standing(self) -> httpx.Response:
        """The receiver's answer to asking again to enrol: 200 approved, 202 pending, 403 revoked."""
        asked = {"public_key": b64(self.public_key), "name": self.name}
        try:
            return _bounded(self.http, lambda: self.http.post("/v1/devices", json=asked), self.should_stop)
        except httpx.TransportError as exc:
            refused = tls_refusal(exc)
            raise SyncError(
                refused or f"No answer from the receiver ({exc.__class__.__name__}); will try again."
            ) from exc


def _sender(store: Store, http: httpx.Client, should_stop=None) -> _Sender:
    pinned = store.get_setting(RECEIVER_KEY_SETTING)
    if not pinned:
        raise SyncError("This device is not enrolled with a receiver: run `iro-desktop enrol --server URL`.")
    key = device_key(store)
    sender = _Sender(
        http,
        key,
        device_fingerprint(store),
        unb64(pinned),
        raw_public_key(key),
        _introduced_as(store),
        should_stop,
    )
    answer = sender.standing()
    if answer.status_code == 403:  # revoked: asking again will never help; a new key must enrol
        store.set_setting(ENROLMENT_SETTING, "revoked")
        raise SyncError(f"The receiver does not accept this device: {_detail(403, answer.content)}")
    if answer.status_code != 200:
        store.set_setting(ENROLMENT_SETTING, "pending")
        raise SyncError("This device is waiting for the council's administrator to approve it.")
    store.set_setting(ENROLMENT_SETTING, "approved")
    return sender


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)  # the store keeps naive UTC


def sync_once(
    store: Store,
    server: str | None = None,
    now: datetime | None = None,
    on_progress: Callable[[int, int], None] | None = None,
    limit: int | None = None,
    should_stop: Callable[[], bool] | None = None,
    keeper: feed.Keeper | None = None,
) -> SyncReport:
    """Send every queued record whose time has come; returns what was delivered, retried and refused. Given
    the store's `keeper` of the council's feed, then send the IRO's answers to notices and pull the feed.

    `should_stop` is asked before each record (the app is locking or closing): the rest stay queued.
    """
    server = server or store.get_setting(SERVER_SETTING)
    if not server:
        raise SyncError("No receiver is set: enrol with `iro-desktop enrol --server URL` first.")
    if not _sync_lock.acquire(blocking=False):
        return SyncReport(stopped="A sync is already running.")
    try:
        report = _sync_locked(store, server, now, on_progress, limit, should_stop, keeper)
    finally:
        _sync_lock.release()
    counts = facts(delivered=len(report.delivered), retried=len(report.retried), refused=len(report.rejected))
    log.info("Sync stopped early" if report.stopped else "Sync finished", extra=counts)
    return report


def _sync_locked(store, server, now, on_progress, limit, should_stop, keeper) -> SyncReport:
    outbox.recover_interrupted(store)
    http, presented = _client(store, server)
    with http:
        try:
            sender = _sender(store, http, should_stop)
        except SyncError as exc:
            if tls_refusal(exc):
                audit.record(store, "sync", detail=str(exc))  # words about certificates, no record's
            return SyncReport(stopped=str(exc))
        keep_key_pin(store, server, presented)
        report = _deliver(store, sender, now or _now(), on_progress, limit, should_stop)
        if not report.stopped:
            sender.send_trail_head(store, report)
        if (
            keeper is not None and not report.stopped
        ):  # the IRO's answers to notices, then the council's changes
            answers = feed.FeedReport()
            feed.send_answers(store, keeper, sender, _detail, answers)
            report.feed = feed.pull(store, keeper, sender, _detail, should_stop)
            report.feed.answers_sent = answers.answers_sent
        return report


def _deliver(store, sender: _Sender, now, on_progress, limit, should_stop) -> SyncReport:
    report = SyncReport()
    waiting = outbox.due(store, now, limit)
    done = silences = 0
    for start in range(0, len(waiting), BATCH):
        batch = waiting[start : start + BATCH]
        outbox.mark_sending(store, [item_id for item_id, _ in batch])
        outcomes: list[outbox.Outcome] = []
        try:
            for item_id, row in batch:
                if should_stop and should_stop():
                    raise SyncError(STOPPED)
                state, why, receipt = sender.send(bundle_of(store, row, sender.public_key))
                outcomes.append(outbox.Outcome(item_id, state, why, receipt))
                _tally(report, row.record_id, state, why)
                done += 1
                if on_progress:
                    on_progress(done, len(waiting))
                silences = silences + 1 if why and why.startswith(NO_ANSWER) else 0
                if silences >= SILENCES_BEFORE_GIVING_UP:  # each silence costs a full timeout
                    raise SyncError(f"{NO_ANSWER} {silences} times running: the rest wait for the next sync.")
        except SyncError as exc:
            report.stopped = str(exc)
        finally:
            outbox.record_outcomes(store, outcomes, _now())
            outbox.recover_interrupted(store)  # the rest of a stopped batch waits in the queue
        if report.stopped:
            break
    if waiting:  # a background run with nothing to send leaves no trace
        audit.record(store, "sync", detail=report.summary())
    return report


def _tally(report: SyncReport, record_id: str, state: str, why: str | None) -> None:
    if state == "delivered":
        report.delivered.append(record_id)
    elif state == "rejected":
        report.rejected.append((record_id, why or ""))
    else:
        report.retried.append((record_id, why or ""))


def receipt_summary(receipt: bytes) -> dict:
    return json.loads(receipt)["receipt"]
