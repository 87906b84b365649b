"""Which children are allocated to which IRO, with history: each allocation is a row from `since` until
`until`, and moving a child closes its old row and opens another in one transaction, each with its change in
the feed (sync/receiver/feed.py), which bounds what the IRO's devices see of the child. A device sees the
children of the IRO it is bound to (devices_children), signed by the receiver's key so the answer cannot be
altered, or replayed to another device.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from iro_desktop.domain.identifiers import CHILD_ID_RULE
from iro_desktop.records.signing import canonical
from iro_desktop.sync.protocol import is_child_id
from iro_desktop.sync.receiver import admin_log, feed
from iro_desktop.sync.receiver.accounts import iro_named
from iro_desktop.sync.receiver.auth import Refused
from iro_desktop.sync.receiver.storage import Allocation, Device, Iro, ReceiverStore, aware, utcnow

CSV_COLUMNS = ("child_id", "iro")
ALLOCATIONS_STATEMENT = "iro-desktop-allocations-v1"
BAD_CHILD_ID = f"A child's id must be the council's id as the app holds it: {CHILD_ID_RULE}."
RACED = "This child's allocation changed at the same moment; nothing was changed: try again."


@dataclass(frozen=True)
class Held:
    """An allocation as shown: the child, the IRO's name, since when and (if ended) until when."""

    child_id: str
    iro: str
    since: datetime
    until: datetime | None

    def as_json(self) -> dict:
        until = aware(self.until).isoformat(timespec="seconds") if self.until else None
        since = aware(self.since).isoformat(timespec="seconds")
        return {"child_id": self.child_id, "iro": self.iro, "since": since, "until": until}


class RowsRefused(Refused):
    """A CSV file refused whole: each problem names its line."""

    def __init__(self, problems: list[str]):
        super().__init__(422, "Nothing was allocated: " + " ".join(problems[:20]))
        self.problems = problems


def checked_child(child_id: object) -> str:
    if not is_child_id(child_id):
        raise Refused(422, BAD_CHILD_ID)
    return child_id


def allocate(store: ReceiverStore, child_id: object, iro: str, actor: str, unknown_iro: int = 404) -> Held:
    """Allocate a child to an IRO, moving it from any other; the same IRO again changes nothing."""
    child_id = checked_child(child_id)
    try:
        with store.session() as s:
            row = _allocate(s, child_id, iro_named(s, iro, unknown_iro), actor)
    except IntegrityError:  # another process opened a row for this child meanwhile
        raise Refused(409, RACED) from None
    return Held(child_id, iro, row.since, None)


def _allocate(s: Session, child_id: str, iro: Iro, actor: str) -> Allocation:
    if not iro.active:
        raise Refused(422, f"{iro.name} is not an active IRO: children cannot be allocated to them.")
    feed.lock(s)  # before any row is changed: a transaction never waits for it holding what another wants
    now, held = utcnow(), _open(s, child_id)
    if held is not None and held.iro_id == iro.id:
        return held
    detail = ""
    if held is not None:
        held.until = now
        feed.closed(s, held)
        detail = f", moved from {s.get(Iro, held.iro_id).name}"
        s.flush()  # closed before the new row opens: one open row per child
    row = Allocation(child_id=child_id, iro_id=iro.id, since=now, until=None)
    s.add(row)
    s.flush()
    feed.opened(s, row)
    admin_log.record(s, actor, admin_log.ALLOCATED, child_id, f"to {iro.name}{detail}")
    return row


def deallocate(store: ReceiverStore, child_id: object, actor: str) -> Held:
    child_id = checked_child(child_id)
    with store.session() as s:
        feed.lock(s)
        held = _open(s, child_id)
        if held is None:
            raise Refused(404, f"The child {child_id} is not allocated to any IRO.")
        held.until = utcnow()
        feed.closed(s, held)
        name = s.get(Iro, held.iro_id).name
        admin_log.record(s, actor, admin_log.DEALLOCATED, child_id, f"from {name}")
    return Held(child_id, name, held.since, held.until)


def allocate_csv(store: ReceiverStore, text: str, actor: str) -> tuple[int, int]:
    """Allocate every row of a CSV file (columns child_id, iro) in one transaction, or none: RowsRefused
    names each malformed row, unknown IRO and repeated child by its line. Returns (changed, unchanged)."""
    rows, problems = _read_csv(text)
    changed = 0
    try:
        with store.session() as s:
            known = {iro.name: iro for iro in s.scalars(select(Iro))}
            for line, _child_id, name in rows:
                if name not in known:
                    problems.append(f"Line {line}: there is no IRO named {name}.")
                elif not known[name].active:
                    problems.append(f"Line {line}: {name} is not an active IRO.")
            if problems:
                raise RowsRefused(sorted(problems, key=lambda p: int(p.split(":")[0].removeprefix("Line "))))
            for _line, child_id, name in rows:
                before = _open(s, child_id)
                row = _allocate(s, child_id, known[name], actor)
                changed += row is not before
    except IntegrityError:
        raise Refused(409, RACED) from None
    return changed, len(rows) - changed


def _read_csv(text: str) -> tuple[list[tuple[int, str, str]], list[str]]:
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff")))
    header = [cell.strip().lower() for cell in next(reader, [])]
    if tuple(header) != CSV_COLUMNS:
        raise RowsRefused([f"Line 1: the first line must be the column names {','.join(CSV_COLUMNS)}."])
    rows, problems, first_line = [], [], {}
    for cells in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != len(CSV_COLUMNS):
            problems.append(f"Line {line}: a row must have two cells, a child's id and an IRO's name.")
            continue
        child_id, name = (cell.strip() for cell in cells)
        if not is_child_id(child_id):
            problems.append(f"Line {line}: {BAD_CHILD_ID}")
        elif child_id in first_line:
            problems.append(f"Line {line}: the child {child_id} is already on line {first_line[child_id]}.")
        else:
            first_line[child_id] = line
            rows.append((line, child_id, name))
    return rows, problems


def _open(s: Session, child_id: str) -> Allocation | None:
    return s.scalar(select(Allocation).where(Allocation.child_id == child_id, Allocation.until.is_(None)))


def current(store: ReceiverStore, iro: str | None = None) -> list[Held]:
    """The children allocated now, by child id; only `iro`'s when given (Refused 404 if unknown)."""
    with store.reading() as s:
        query = select(Allocation.child_id, Iro.name, Allocation.since).join(Iro, Iro.id == Allocation.iro_id)
        query = query.where(Allocation.until.is_(None))
        if iro is not None:
            query = query.where(Allocation.iro_id == iro_named(s, iro).id)
        return [Held(c, n, since, None) for c, n, since in s.execute(query.order_by(Allocation.child_id))]


def now(store: ReceiverStore, child_id: object) -> Held:
    """A child's allocation now; Refused 404 when it is allocated to no IRO."""
    child_id = checked_child(child_id)
    with store.reading() as s:
        held = _open(s, child_id)
        if held is None:
            raise Refused(404, f"The child {child_id} is not allocated to any IRO.")
        return Held(child_id, s.get(Iro, held.iro_id).name, held.since, None)


def history(store: ReceiverStore, child_id: object) -> list[Held]:
    """A child's allocations, oldest first; Refused 404 when it was never allocated."""
    child_id = checked_child(child_id)
    with store.reading() as s:
        query = select(Allocation, Iro.name).join(Iro, Iro.id == Allocation.iro_id)
        found = s.execute(query.where(Allocation.child_id == child_id).order_by(Allocation.id)).all()
    if not found:
        raise Refused(404, f"The child {child_id} has never been allocated to an IRO.")
    return [Held(a.child_id, name, a.since, a.until) for a, name in found]


def for_device(store: ReceiverStore, signer, device: Device) -> dict:
    """The children now allocated to the device's IRO (none when it has no IRO), signed by the receiver's
    key over the canonical JSON of the statement, which names the device and the receiver's time."""
    with store.reading() as s:
        iro = s.get(Iro, device.iro_id) if device.iro_id is not None else None
        query = select(Allocation.child_id).where(Allocation.iro_id == (iro.id if iro else None))
        children = list(s.scalars(query.where(Allocation.until.is_(None)).order_by(Allocation.child_id)))
    statement = {
        "statement": ALLOCATIONS_STATEMENT,
        "receiver": signer.fingerprint,
        "device": device.fingerprint,
        "iro": iro.name if iro else None,
        "server_time": utcnow().strftime("%Y-%m-%dT%H:%M:%SZ"),
        "children": children,
    }
    return {"allocations": statement, "signature": signer.sign(canonical(statement))}
