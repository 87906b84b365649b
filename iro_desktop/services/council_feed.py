"""The council's feed applied to the store: a verified batch of changes in one transaction, with the feed's
position, so a batch is applied whole or not at all and never twice.

Each kind of change writes only what the council owns: a child's 903 rows go through the 903 import's own
rules (services/import903.py, as a file the IRO imports by hand); details merge with what the IRO recorded
(services/council_details.py); notices join the inbox (services/notices.py). A change for a child whose 903
rows have not arrived yet waits in its ledger row, and is applied when they do.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from iro_desktop.interop import ssda903
from iro_desktop.services import council_details, import903, notices
from iro_desktop.services.settings import timescale_settings
from iro_desktop.store import Store, audit
from iro_desktop.store.models import Child, CouncilChange, CouncilNotice, Setting
from iro_desktop.sync.errors import FeedRefused
from iro_desktop.sync.feed import FEED_POSITION, Applied, Keeper
from iro_desktop.sync.protocol import (
    ALLOCATED,
    DEALLOCATED,
    DETAILS,
    NOTICE,
    NOTICE_ANSWERED,
    NOTICE_KINDS,
    ROWS_903,
)


def position(store: Store) -> int:
    return int(store.get_setting(FEED_POSITION, 0) or 0)


def allocated_refs(s: Session) -> set[str]:
    """The children the feed has allocated to this IRO and not since deallocated."""
    query = select(CouncilChange.child_ref, CouncilChange.kind).where(
        CouncilChange.kind.in_((ALLOCATED, DEALLOCATED))
    )
    last: dict[str, str] = {}
    for ref, kind in s.execute(query.order_by(CouncilChange.seq)):
        last[ref] = kind
    return {ref for ref, kind in last.items() if kind == ALLOCATED}


def apply_batch(store: Store, changes: list[dict], new_position: int) -> Applied:
    """Apply `changes` (verified, in order, each after the stored position) and move the position to
    `new_position`, in one transaction. FeedRefused, and nothing changed, if one is for a child the feed
    has not allocated to this IRO."""
    applied = Applied()
    if not changes:
        return applied  # nothing new: the position stays as it is
    gap_months = timescale_settings(store).short_break_series_gap_months
    today = store.clock.today()
    superseded = _superseded(changes)
    with store.session() as s:
        batch = _Batch(s, today, gap_months)
        held = allocated_refs(s)
        for change in changes:
            ref, kind = change["child_id"], change["kind"]
            if kind == ALLOCATED:
                held.add(ref)
            elif ref not in held:
                raise FeedRefused(
                    f"it holds a change for a child not allocated to you ({ref}). Nothing was changed."
                )
            _apply(s, change, applied, batch, change["seq"] in superseded)
            if kind == DEALLOCATED:
                held.discard(ref)
        s.merge(Setting(key=FEED_POSITION, value=new_position))
    audit.record(
        store, "feed", detail=f"{applied.changes} council changes applied, up to position {new_position}"
    )
    return applied


def _superseded(changes: list[dict]) -> set[int]:
    """The 903 rows that newer 903 rows of the same child follow in the batch, with no other change of the
    child's between: each is the child's rows whole, so only the newer is applied (both go in the ledger)."""
    out: set[int] = set()
    next_kind: dict[str, str] = {}
    for change in reversed(changes):
        ref = change["child_id"]
        if change["kind"] == ROWS_903 and next_kind.get(ref) == ROWS_903:
            out.add(change["seq"])
        next_kind[ref] = change["kind"]
    return out


class _Batch:
    """What every change of one batch shares: the day, the import's setting, the next ids of its tables."""

    def __init__(self, s: Session, today: date, gap_months: int) -> None:
        self.s, self.today, self.gap_months, self._ids = s, today, gap_months, None

    @property
    def ids(self) -> import903.Ids:
        if self._ids is None:  # read once, then counted on: only the import adds rows to its tables here
            self._ids = import903.Ids(self.s.connection())
        return self._ids


def _apply(s: Session, change: dict, applied: Applied, batch: _Batch, superseded: bool) -> None:
    seq, ref, kind, body = change["seq"], change["child_id"], change["kind"], change["body"]
    ledger = CouncilChange(seq=seq, child_ref=ref, kind=kind, summary=_summary(kind, body))
    s.add(ledger)
    s.flush()  # a change applied before collides here, and the whole batch is undone
    applied.changes += 1
    child = s.scalar(select(Child).filter_by(child_ref=ref))
    if kind == ALLOCATED:
        if body.get("903"):
            child = _apply_903(batch, ref, body["903"], seq, applied)
        if child is None:
            ledger.waiting = json.dumps({k: body.get(k) for k in ("details", "notices")})
            return
        child.council_status, child.deallocated_on = ALLOCATED, None
        _apply_parts(s, child, body.get("details"), body.get("notices") or [], seq, applied)
    elif kind == ROWS_903 and superseded:
        return
    elif kind == ROWS_903:
        existed = child is not None
        child = _apply_903(batch, ref, body, seq, applied)
        if child is not None and not existed:
            child.council_status = ALLOCATED
            _apply_waiting(s, child, applied)
    elif child is None:
        ledger.waiting = json.dumps(body)
    elif kind == DEALLOCATED:
        child.council_status, child.deallocated_on = DEALLOCATED, batch.today
    elif kind == DETAILS:
        applied.differences += council_details.apply(s, child, body, seq)
    elif kind == NOTICE:
        _notice(s, child, body, applied)
    elif kind == NOTICE_ANSWERED:
        _answered(s, body)


def _apply_903(batch: _Batch, ref: str, tables: dict, seq: int, applied: Applied) -> Child | None:
    """The child's rows through the 903 import's rules, as if from a file holding only this child."""
    s, name = batch.s, f"council feed {seq}"
    extract = ssda903.extract_of(tables, name)
    report = import903.ImportReport(Path(name), import903.Selection.of_ids([ref]), today=batch.today)
    s.flush()
    by_child = import903.checked_rows(extract, report)
    import903.write_rows(s.connection(), extract, by_child, report, batch.gap_months, ids=batch.ids)
    s.expire_all()  # the import wrote with SQL of its own
    applied.rows_refused += report.rows_refused
    if report.children.created:
        applied.children_added.append(ref)
    return s.scalar(select(Child).filter_by(child_ref=ref))


def _apply_waiting(s: Session, child: Child, applied: Applied) -> None:
    """Changes that came before the child's 903 rows, in their order."""
    query = select(CouncilChange).where(
        CouncilChange.child_ref == child.child_ref, CouncilChange.waiting.is_not(None)
    )
    for ledger in s.scalars(query.order_by(CouncilChange.seq)):
        body, ledger.waiting = json.loads(ledger.waiting), None
        if ledger.kind == ALLOCATED:
            _apply_parts(s, child, body.get("details"), body.get("notices") or [], ledger.seq, applied)
        elif ledger.kind == DETAILS:
            applied.differences += council_details.apply(s, child, body, ledger.seq)
        elif ledger.kind == NOTICE:
            _notice(s, child, body, applied)
        elif ledger.kind == NOTICE_ANSWERED:
            _answered(s, body)


def _apply_parts(s: Session, child: Child, details, notices: list, seq: int, applied: Applied) -> None:
    if details:
        applied.differences += council_details.apply(s, child, details, seq)
    for notice in notices:
        _notice(s, child, notice, applied)


def _notice(s: Session, child: Child, body: dict, applied: Applied) -> None:
    notice = s.get(CouncilNotice, body["id"])
    if notice is None:
        notice = CouncilNotice(id=body["id"], child_id=child.id)
        s.add(notice)
        applied.notices += 1
    notice.child_id, notice.kind = child.id, body["kind"]
    notice.summary, notice.details = body["summary"], body.get("details", "")
    notice.answer_by, notice.raised_on = (
        date.fromisoformat(body["answer_by"]),
        date.fromisoformat(body["raised_on"]),
    )
    notice.raised_by = body.get("raised_by", "")


def _answered(s: Session, body: dict) -> None:
    """Answered from another of the IRO's devices (or this one's answer, echoed): shown as answered."""
    notice = s.get(CouncilNotice, body["id"])
    if notice is None or notice.answer_state in ("queued", "delivered"):
        return
    notice.answer, notice.answer_note = body["answer"], body.get("note", "")
    notice.answered_on, notice.answer_state = date.fromisoformat(body["answered_on"]), "elsewhere"


def _summary(kind: str, body: dict) -> str:
    if kind == NOTICE:
        return f"Notice: {NOTICE_KINDS.get(body.get('kind'), 'notice')}"[:300]
    return {
        ALLOCATED: "Allocated to you",
        DEALLOCATED: "Allocation ended: hand over, then remove",
        ROWS_903: "903 data updated",
        DETAILS: "Details updated",
        NOTICE_ANSWERED: "Notice answered",
    }.get(kind, kind)


KEEPER = Keeper(position, apply_batch, notices.queued, notices.delivered, notices.not_delivered)
