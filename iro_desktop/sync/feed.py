"""The council's feed, pulled at every sync: the changes for this IRO's children after the last position
applied, batch by batch, each batch verified and then applied in one transaction (services/council_feed.py).

A batch is taken only if it is signed by the receiver key pinned at enrolment, names this device and the nonce
of the request just made (so an old answer cannot be replayed), starts where this laptop left off, and runs
in order; anything else is refused with a plain reason and changes nothing. A cut connection loses nothing:
the next pull starts again from the last batch applied. The IRO's answers to notices go back as signed
requests, each receipted under the receiver key.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import quote

import httpx
from sqlalchemy import delete

from iro_desktop.records.signing import canonical, fingerprint, sha256_hex, verify
from iro_desktop.store import Store, audit
from iro_desktop.store.models import CouncilChange, Setting
from iro_desktop.sync.errors import BadAnswer, FeedRefused, SyncError
from iro_desktop.sync.protocol import (
    ALLOCATED,
    ANSWER_STATEMENT,
    DEALLOCATED,
    DETAILS,
    FEED_KINDS,
    FEED_STATEMENT,
    NOTICE,
    NOTICE_ANSWERED,
    NOTICE_KINDS,
    ROWS_903,
    is_child_id,
)
from iro_desktop.sync.tls_pin import tls_refusal

FEED_POSITION = "sync.feed_position"  # the setting: the last position of the feed applied
FEED_ANSWER_BYTES = 8 * 1024 * 1024  # the receiver sends about 2 MiB at most
MAX_BATCHES = 10_000  # a receiver that never says "no more" cannot hold the sync for ever
REFUSED = "The council's feed was refused: "
NOTICE_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


@dataclass
class Applied:
    """What one batch changed in the store."""

    changes: int = 0
    children_added: list[str] = field(default_factory=list)
    notices: int = 0
    differences: int = 0
    rows_refused: int = 0  # 903 rows the import's rules did not take


@dataclass(frozen=True)
class Keeper:
    """The store's side of the feed (services/council_feed.KEEPER): this module only fetches and verifies.

    apply(store, changes, position) applies a verified batch in one transaction, or raises FeedRefused."""

    position: Callable[[Store], int]
    apply: Callable[[Store, list[dict], int], Applied]
    queued_answers: Callable[[Store], list[tuple[str, dict]]]
    answer_delivered: Callable[[Store, str, bytes], None]
    answer_not_delivered: Callable[[Store, str, str], None]


@dataclass
class FeedReport:
    applied: int = 0
    children_added: list[str] = field(default_factory=list)
    notices: int = 0
    differences: int = 0
    rows_refused: int = 0
    answers_sent: int = 0
    problem: str | None = None  # why the pull stopped, if it did

    @property
    def changed_store(self) -> bool:
        return bool(self.applied or self.answers_sent)

    def summary(self) -> str:
        """One sentence for the Sync page."""
        said = [f"{self.applied} change{'s' if self.applied != 1 else ''} from the council"]
        said += [f"{self.notices} new notice{'s' if self.notices != 1 else ''}"] if self.notices else []
        said += [f"{self.differences} difference{'s' if self.differences != 1 else ''} to settle"] * bool(
            self.differences
        )
        said += [f"{self.answers_sent} answer{'s' if self.answers_sent != 1 else ''} sent"] * bool(
            self.answers_sent
        )
        return ", ".join(said) + "." + (f" {self.problem}" if self.problem else "")

    def lines(self) -> list[str]:
        out = [f"Council changes applied: {self.applied}"]
        if self.children_added:
            out.append(f"  Children added to your caseload: {', '.join(self.children_added)}")
        if self.notices:
            out.append(f"  New notices: {self.notices}")
        if self.differences:
            out.append(f"  Differences for you to settle: {self.differences}")
        if self.rows_refused:
            out.append(f"  903 rows the import's rules did not take: {self.rows_refused}")
        if self.answers_sent:
            out.append(f"Answers to notices sent: {self.answers_sent}")
        if self.problem:
            out.append(self.problem)
        return out


def start_again(store: Store) -> None:
    """Enrolled with another receiver: its positions are its own, so this laptop reads its feed from the
    start (the children already here stay; the new feed's changes are matched to them by id)."""
    with store.session() as s:
        s.execute(delete(CouncilChange))
        s.merge(Setting(key=FEED_POSITION, value=0))


def read_batch(content: bytes) -> tuple[object, bytes | None]:
    """The answer parsed, and the statement's bytes as written when the answer is laid out as the receiver
    writes it ({"feed":STATEMENT,"signature":"..."}): its signature is checked over exactly those bytes,
    which are what is parsed, so no canonical form need be made again. None, None if it is not JSON."""
    head, tail = b'{"feed":', b',"signature":"'
    cut = content.rfind(tail)
    try:
        if content.startswith(head) and cut > 0 and content.endswith(b'"}'):
            written = content[len(head) : cut]
            return {"feed": json.loads(written), "signature": json.loads(content[cut + 13 : -1])}, written
        return json.loads(content), None
    except ValueError:
        return None, None


def batch_problem(
    answer: object, receiver_key: bytes, device_fp: str, nonce: str, after: int, written: bytes | None = None
) -> str | None:
    """Why an answer to "the changes after `after`" is not to be applied, or None when it is. `written`:
    the statement's bytes as received (read_batch), else its canonical form is made to check."""
    try:
        statement, signature = answer["feed"], answer["signature"]
        signed = written if written is not None else canonical(statement)
    except (KeyError, TypeError, ValueError):
        return REFUSED + "it could not be read. Nothing was changed."
    if (
        not isinstance(signature, str)
        or not isinstance(statement, dict)
        or not verify(receiver_key, signed, signature)
    ):
        return (
            REFUSED
            + "it is not signed by the receiver key pinned when this laptop enrolled. Nothing was changed."
        )
    if statement.get("statement") != FEED_STATEMENT or statement.get("receiver") != fingerprint(receiver_key):
        return REFUSED + "it is not a feed from the receiver this laptop enrolled with. Nothing was changed."
    if statement.get("device") != device_fp:
        return REFUSED + "it was made for another device. Nothing was changed."
    if statement.get("nonce") != nonce:
        return REFUSED + "it answers an earlier request (a replayed answer). Nothing was changed."
    if statement.get("after") != after:
        return REFUSED + "it does not start where this laptop left off. Nothing was changed."
    return _changes_problem(statement, after)


def _changes_problem(statement: dict, after: int) -> str | None:
    changes = statement.get("changes")
    if not isinstance(changes, list) or not isinstance(statement.get("more"), bool):
        return REFUSED + "it could not be read. Nothing was changed."
    last = after
    for change in changes:
        if not _is_change(change) or change["seq"] <= last:
            return REFUSED + "its changes are out of order or could not be read. Nothing was changed."
        last = change["seq"]
    if statement.get("next") != last:
        return REFUSED + "its position does not match its changes. Nothing was changed."
    return None


def _is_change(change: object) -> bool:
    if not isinstance(change, dict) or change.keys() != {"seq", "child_id", "kind", "body"}:
        return False
    seq, kind, body = change["seq"], change["kind"], change["body"]
    ok = isinstance(seq, int) and not isinstance(seq, bool) and is_child_id(change["child_id"])
    return ok and kind in FEED_KINDS and isinstance(body, dict) and _BODY_CHECKS[kind](body)


def _is_day(text: object) -> bool:
    try:
        date.fromisoformat(text)
    except (TypeError, ValueError):
        return False
    return True


def _is_notice(body: dict) -> bool:
    texts = all(isinstance(body.get(k), str) for k in ("summary", "details", "raised_by"))
    return (
        texts
        and isinstance(body.get("id"), str)
        and bool(NOTICE_ID.fullmatch(body["id"]))
        and body.get("kind") in NOTICE_KINDS
        and _is_day(body.get("answer_by"))
        and _is_day(body.get("raised_on"))
    )


def _is_rows(body: object) -> bool:
    return isinstance(body, dict) and all(
        isinstance(rows, list)
        and all(isinstance(r, dict) and all(isinstance(v, str) for v in r.values()) for r in rows)
        for rows in body.values()
    )


def _is_details(body: object) -> bool:
    people = body.get("people", []) if isinstance(body, dict) else None
    return isinstance(people, list) and all(
        isinstance(p, dict) and isinstance(p.get("id"), str) and isinstance(p.get("name"), str)
        for p in people
    )


def _is_snapshot(body: dict) -> bool:
    return (
        (body.get("903") is None or _is_rows(body["903"]))
        and (body.get("details") is None or _is_details(body["details"]))
        and isinstance(body.get("notices", []), list)
        and all(isinstance(n, dict) and _is_notice(n) for n in body.get("notices", []))
    )


_BODY_CHECKS: dict[str, Callable[[dict], bool]] = {
    ALLOCATED: _is_snapshot,
    DEALLOCATED: lambda body: True,
    ROWS_903: _is_rows,
    DETAILS: _is_details,
    NOTICE: _is_notice,
    NOTICE_ANSWERED: lambda b: (
        isinstance(b.get("id"), str) and isinstance(b.get("answer"), str) and _is_day(b.get("answered_on"))
    ),
}


def pull(
    store: Store,
    keeper: Keeper,
    sender,
    detail: Callable[[int, bytes], str],
    should_stop=None,
    limit: int | None = None,
) -> FeedReport:
    """Every batch after the stored position, applied one transaction each, until the receiver has no more."""
    report = FeedReport()
    for _ in range(MAX_BATCHES):
        if should_stop and should_stop():
            break
        after = keeper.position(store)
        path = f"/v1/feed/{after}" + (f"?limit={limit}" if limit else "")
        try:
            status, content, nonce = sender.signed_with_nonce("GET", path, b"", FEED_ANSWER_BYTES)
        except (httpx.TransportError, BadAnswer) as exc:
            why = (
                str(exc) if isinstance(exc, BadAnswer) else tls_refusal(exc) or "No answer from the receiver."
            )
            report.problem = (
                f"The council's changes were not all fetched. {why} The rest come at the next sync."
            )
            break
        except SyncError as exc:  # the app is locking or closing
            report.problem = str(exc)
            break
        if status != 200:
            report.problem = f"The council's changes were not fetched: {detail(status, content)}"
            break
        answer, written = read_batch(content)
        problem = batch_problem(answer, sender.receiver_key, sender.device_fp, nonce, after, written)
        if problem is None:
            statement = answer["feed"]
            try:
                applied = keeper.apply(store, statement["changes"], statement["next"])
            except FeedRefused as exc:
                problem = REFUSED + str(exc)
        if problem:
            report.problem = problem
            audit.record(store, "feed refused", detail=problem)
            break
        _tally(report, applied)
        if not statement["more"]:
            break
    return report


def _tally(report: FeedReport, applied: Applied) -> None:
    report.applied += applied.changes
    report.children_added += applied.children_added
    report.notices += applied.notices
    report.differences += applied.differences
    report.rows_refused += applied.rows_refused


def send_answers(
    store: Store, keeper: Keeper, sender, detail: Callable[[int, bytes], str], report: FeedReport
) -> None:
    """Each queued answer to a notice, as a signed request; kept as delivered only with a receipt that
    verifies under the pinned receiver key and names this notice and this answer."""
    for notice_id, body in keeper.queued_answers(store):
        payload = json.dumps(body).encode()
        try:
            status, content = sender.signed("PUT", f"/v1/notices/{quote(notice_id, safe='')}/answer", payload)
        except (httpx.TransportError, BadAnswer) as exc:
            keeper.answer_not_delivered(
                store, notice_id, tls_refusal(exc) or "No answer from the receiver: it goes at the next sync."
            )
            return
        if status != 200:
            keeper.answer_not_delivered(store, notice_id, detail(status, content))
            continue
        problem = _answer_receipt_problem(content, sender, notice_id, body)
        if problem:
            keeper.answer_not_delivered(store, notice_id, problem)
            continue
        keeper.answer_delivered(store, notice_id, content)
        report.answers_sent += 1


def _answer_receipt_problem(content: bytes, sender, notice_id: str, body: dict) -> str | None:
    try:
        answer = json.loads(content)
        receipt, signature = answer["receipt"], answer["signature"]
        signed = canonical(receipt)
    except (ValueError, KeyError, TypeError):
        return "The receiver's answer held no readable receipt."
    expected = {
        "statement": ANSWER_STATEMENT,
        "receiver": fingerprint(sender.receiver_key),
        "device": sender.device_fp,
        "notice": notice_id,
        "answer_hash": sha256_hex(canonical(body)),
    }
    if (
        receipt != expected
        or not isinstance(signature, str)
        or not verify(sender.receiver_key, signed, signature)
    ):
        return "The receipt for the answer is not the pinned receiver key's, or names another answer."
    return None
