"""The council's feed to the IROs' devices: each child's 903 rows, details and notices, in published order.

Every change is a row of `feed` with a position (`seq`). An IRO's devices see a child's changes from the
allocation's "allocated" change, which carries the child as the council holds it then (its latest 903 rows,
details and open notices), to its "deallocated" change: so a newly allocated child arrives whole, and a
replacement laptop starting from nothing receives every child its IRO holds.

Publishing takes the feed lock (PostgreSQL: an advisory lock; SQLite: BEGIN IMMEDIATE already serialises
writers), so changes commit in `seq` order and a device reading "after N" never skips one still committing.
A device's answer is signed by the receiver's key over the canonical JSON of a statement naming the device,
the position it asked after, and the nonce of its signed request: it cannot be altered, replayed or handed
to another device.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, or_, select, text
from sqlalchemy.orm import Session

from iro_desktop.records.signing import canonical, sha256_hex
from iro_desktop.sync.protocol import (
    ALLOCATED,
    ANSWER_STATEMENT,
    DEALLOCATED,
    DETAILS,
    FEED_STATEMENT,
    NOTICE,
    NOTICE_ANSWERED,
    NOTICE_KINDS,
    ROWS_903,
)
from iro_desktop.sync.receiver import admin_log
from iro_desktop.sync.receiver.auth import Refused
from iro_desktop.sync.receiver.storage import (
    Allocation,
    Device,
    FeedChange,
    FeedLatest,
    Iro,
    Notice,
    ReceiverStore,
    utcnow,
)

MAX_SUMMARY, MAX_NOTE = 300, 4000
FEED_BATCH = 200  # changes in one answer at most
FEED_BYTES = 2 * 1024 * 1024  # and about this much JSON: the device reads at most FEED_ANSWER_BYTES
FEED_LOCK = 0x1D0_FEED  # PostgreSQL advisory lock id: held while publishing


def lock(s: Session) -> None:
    """Hold the feed lock to the end of the transaction `s`."""
    if s.get_bind().dialect.name == "postgresql":
        s.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": FEED_LOCK})


def publish(s: Session, child_id: str, kind: str, body: dict) -> int:
    """Append one change in the transaction `s` (taking the feed lock); returns its position."""
    lock(s)
    row = FeedChange(child_id=child_id, kind=kind, body=canonical(body).decode(), at=utcnow())
    s.add(row)
    s.flush()
    return row.seq


def snapshot(s: Session, child_id: str) -> dict:
    """The child as the council holds it now: what an "allocated" change carries."""
    latest = {
        row.part: json.loads(row.body) for row in s.scalars(select(FeedLatest).filter_by(child_id=child_id))
    }
    held = s.scalars(select(Notice).filter_by(child_id=child_id, answer=None).order_by(Notice.raised_at))
    return {
        "903": latest.get(ROWS_903),
        "details": latest.get(DETAILS),
        "notices": [notice_body(n) for n in held],
    }


def publish_part(store: ReceiverStore, child_id: str, part: str, body: dict, actor: str) -> int | None:
    """Publish a child's 903 rows or details when they differ from the last published; None if unchanged."""
    text_of = canonical(body).decode()
    with store.session() as s:
        lock(s)  # before comparing: two loads at once cannot both publish the same rows
        latest = s.get(FeedLatest, (child_id, part))
        if latest is not None and latest.body == text_of:
            return None
        seq = publish(s, child_id, part, body)
        if latest is None:
            s.add(FeedLatest(child_id=child_id, part=part, body=text_of, seq=seq))
        else:
            latest.body, latest.seq = text_of, seq
        admin_log.record(s, actor, f"{part} published", child_id, f"feed position {seq}")
        return seq


# ---------------------------------------------------------------- notices


def notice_body(n: Notice) -> dict:
    return {
        "id": n.id,
        "kind": n.kind,
        "summary": n.summary,
        "details": n.details,
        "answer_by": n.answer_by,
        "raised_on": n.raised_at.date().isoformat(),
        "raised_by": n.raised_by.split(": ", 1)[-1],
    }


def raise_notice(
    store: ReceiverStore,
    child_id: str,
    kind: str,
    summary: str,
    answer_by: str,
    actor: str,
    details: str = "",
) -> dict:
    """A notice for the child's IRO; Refused when a value is wrong or the child is allocated to nobody."""
    if not isinstance(summary, str) or not isinstance(details, str):
        raise Refused(422, "A notice's summary and details are text.")
    if not isinstance(kind, str) or kind not in NOTICE_KINDS:
        raise Refused(422, f"A notice's kind is one of: {', '.join(NOTICE_KINDS)}.")
    summary, details = " ".join(str(summary).split()), str(details).strip()
    if not summary or len(summary) > MAX_SUMMARY:
        raise Refused(422, f"A notice needs a summary of 1 to {MAX_SUMMARY} characters.")
    if len(details) > MAX_NOTE:
        raise Refused(422, f"A notice's details are at most {MAX_NOTE} characters.")
    try:
        by = date.fromisoformat(str(answer_by))
    except ValueError:
        raise Refused(422, "answer_by must be a date written YYYY-MM-DD.") from None
    with store.session() as s:
        if _open_allocation(s, child_id) is None:
            raise Refused(
                422, f"The child {child_id} is not allocated to any IRO: a notice would reach nobody."
            )
        notice = Notice(
            id=str(uuid.uuid4()),
            child_id=child_id,
            kind=kind,
            summary=summary,
            details=details,
            answer_by=by.isoformat(),
            raised_at=utcnow(),
            raised_by=actor[:120],
        )
        s.add(notice)
        s.flush()
        seq = publish(s, child_id, NOTICE, notice_body(notice))
        admin_log.record(s, actor, "notice raised", child_id, f"{kind}, answer by {by.isoformat()}")
        return {**notice_body(notice), "child_id": child_id, "seq": seq}


def notices(store: ReceiverStore, open_only: bool = False) -> list[Notice]:
    with store.reading() as s:
        query = select(Notice).order_by(Notice.raised_at, Notice.id)
        return list(s.scalars(query.where(Notice.answer.is_(None)) if open_only else query))


def answer_notice(store: ReceiverStore, signer, device: Device, notice_id: str, answer: dict) -> dict:
    """A device's answer to a notice for a child now allocated to its IRO: kept once (the same answer again
    is answered the same), published so the IRO's other devices see it, and receipted under the key."""
    kind, note, on = answer["answer"], answer.get("note", ""), answer["answered_on"]
    with store.session() as s:
        notice = s.get(Notice, notice_id)
        held = _open_allocation(s, notice.child_id) if notice is not None else None
        if notice is None or held is None or held.iro_id != device.iro_id:
            raise Refused(404, "There is no such notice for this device's IRO.")
        if notice.answer is None:
            notice.answer, notice.answer_note, notice.answered_on = kind, note, on
            notice.answered_at, notice.answered_by = utcnow(), device.fingerprint
            publish(
                s,
                notice.child_id,
                NOTICE_ANSWERED,
                {"id": notice.id, "answer": kind, "note": note, "answered_on": on},
            )
        elif (notice.answer, notice.answer_note, notice.answered_on) != (kind, note, on):
            raise Refused(409, "This notice was already answered differently, from another device.")
    statement = {
        "statement": ANSWER_STATEMENT,
        "receiver": signer.fingerprint,
        "device": device.fingerprint,
        "notice": notice_id,
        "answer_hash": sha256_hex(canonical({"answer": kind, "note": note, "answered_on": on})),
    }
    return {"receipt": statement, "signature": signer.sign(canonical(statement))}


# ---------------------------------------------------------------- allocations' windows


def _open_allocation(s: Session, child_id: str) -> Allocation | None:
    return s.scalar(select(Allocation).where(Allocation.child_id == child_id, Allocation.until.is_(None)))


def opened(s: Session, allocation: Allocation) -> None:
    """In the allocation's transaction: its first change, the child whole."""
    allocation.since_seq = publish(s, allocation.child_id, ALLOCATED, snapshot(s, allocation.child_id))


def closed(s: Session, allocation: Allocation) -> None:
    """In the transaction ending the allocation: its last change."""
    allocation.until_seq = publish(s, allocation.child_id, DEALLOCATED, {})


# ---------------------------------------------------------------- a device's pull


@dataclass(frozen=True)
class Page:
    changes: list[dict]
    more: bool


def _page_rows(store: ReceiverStore, iro_id: int | None, after: int, limit: int) -> tuple[list, bool]:
    """(seq, child_id, kind, canonical body) of the changes after `after` that the IRO may see, oldest
    first, at most `limit` and about FEED_BYTES; and whether more follow. One query."""
    if iro_id is None:
        return [], False
    a, f = Allocation, FeedChange
    window = and_(f.seq >= a.since_seq, or_(a.until_seq.is_(None), f.seq <= a.until_seq))
    limit = min(limit, FEED_BATCH)
    query = (
        select(f.seq, f.child_id, f.kind, f.body)
        .join(a, and_(a.child_id == f.child_id, a.iro_id == iro_id))
        .where(f.seq > after, window)
        .order_by(f.seq)
        .limit(limit + 1)
    )
    with store.reading() as s:
        rows = s.execute(query).all()
    size = 0
    for n, row in enumerate(rows[:limit]):
        size += len(row.body)
        if n and size > FEED_BYTES:
            return rows[:n], True
    return rows[:limit], len(rows) > limit


def changes_for(store: ReceiverStore, iro_id: int | None, after: int, limit: int = FEED_BATCH) -> Page:
    """The changes a device of the IRO is sent after `after`, each body as an object."""
    rows, more = _page_rows(store, iro_id, after, limit)
    return Page([{"seq": q, "child_id": c, "kind": k, "body": json.loads(b)} for q, c, k, b in rows], more)


def for_device(store: ReceiverStore, signer, device: Device, after: int, nonce: str, limit: int) -> bytes:
    """The signed answer to a device's pull, as the bytes sent: its IRO's changes after `after`, naming the
    request's nonce. The statement is written out in canonical JSON around each change's body, which is
    kept canonical: no body is parsed or written again (statement_bytes)."""
    rows, more = _page_rows(store, device.iro_id, after, limit)
    with store.reading() as s:
        iro = s.get(Iro, device.iro_id) if device.iro_id is not None else None
    fields = {
        "statement": FEED_STATEMENT,
        "receiver": signer.fingerprint,
        "device": device.fingerprint,
        "iro": iro.name if iro else None,
        "nonce": nonce,
        "after": after,
        "next": rows[-1].seq if rows else after,
        "more": more,
        "server_time": utcnow().strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    statement = statement_bytes(fields, rows)
    signature = signer.sign(statement)
    return b'{"feed":' + statement + b',"signature":' + _scalar(signature) + b"}"


def statement_bytes(fields: dict, rows: list) -> bytes:
    """canonical({**fields, "changes": [...]}), written directly: RFC 8785 orders keys by their UTF-16 code
    units ("changes" falls between "after" and "device"; a change's keys are body, child_id, kind, seq) and
    writes a string as json.dumps does without ASCII escapes; each body is already canonical text."""
    changes = ",".join(
        f'{{"body":{body},"child_id":{_text(child)},"kind":{_text(kind)},"seq":{seq}}}'
        for seq, child, kind, body in rows
    )
    keys = sorted([*fields, "changes"], key=lambda k: k.encode("utf-16-be"))
    parts = (f"{_text(k)}:" + (f"[{changes}]" if k == "changes" else _text(fields[k])) for k in keys)
    return ("{" + ",".join(parts) + "}").encode("utf-8")


def _text(value) -> str:
    """A string, a whole number, a boolean or null as RFC 8785 writes it."""
    return json.dumps(value, ensure_ascii=False)


def _scalar(value) -> bytes:
    return _text(value).encode("utf-8")
