"""The council's side of the feed for tests: IROs, allocations, 903 rows, details and notices published on
the real receiver's database, as the receiver's commands do."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from iro_desktop.records.keys import device_fingerprint
from iro_desktop.store.models import Base, Child, CouncilChange, CouncilNotice, Episode, PeriodOfCare
from iro_desktop.sync.client import enrol
from iro_desktop.sync.receiver import accounts, allocations, feed
from iro_desktop.sync.receiver.council_data import checked_details, checked_rows
from iro_desktop.sync.receiver.storage import APPROVED, Iro, ReceiverStore

ACTOR = "cli: test data team"


class Council:
    """The council's data team on one receiver database."""

    def __init__(self, db_url: str):
        self.store = ReceiverStore(db_url)

    def close(self) -> None:
        self.store.dispose()

    def iro(self, name: str) -> None:
        accounts.add_iro(self.store, name, ACTOR)

    def approve(self, fingerprint: str, iro: str) -> None:
        accounts.decide_device(self.store, fingerprint, APPROVED, "test", iro)

    def revoke(self, fingerprint: str) -> None:
        accounts.decide_device(self.store, fingerprint, "revoked", "test")

    def allocate(self, child_id: str, iro: str) -> None:
        allocations.allocate(self.store, child_id, iro, ACTOR)

    def deallocate(self, child_id: str) -> None:
        allocations.deallocate(self.store, child_id, ACTOR)

    def rows(self, child_id: str, tables: dict) -> int | None:
        taken, refused = checked_rows(child_id, tables)
        assert not refused, refused
        return feed.publish_part(self.store, child_id, feed.ROWS_903, taken, ACTOR)

    def details(self, child_id: str, details: dict) -> int | None:
        return feed.publish_part(self.store, child_id, feed.DETAILS, checked_details(details), ACTOR)

    def notice(self, child_id: str, kind: str = "placement_end", answer_by: str = "2026-12-15", **kw) -> dict:
        summary = kw.pop("summary", "The carers have given 28 days' notice.")
        return feed.raise_notice(self.store, child_id, kind, summary, answer_by, ACTOR, **kw)


def enrolled_to(store, council: Council, url: str, iro: str) -> str:
    enrol(store, url)
    council.approve(device_fingerprint(store), iro)
    return device_fingerprint(store)


def child_rows(child_id: str, dob: date, start: date, moves: int = 0, every_days: int = 60) -> dict:
    """A fictional child's 903 rows: in care from `start`, `moves` placement moves after it."""

    def day(d: date) -> str:
        return d.strftime("%d/%m/%Y")

    header = [{"CHILD": child_id, "SEX": "1", "DOB": day(dob), "ETHNIC": "WBRI"}]
    episodes = []
    for n in range(moves + 1):
        begun = start + timedelta(days=every_days * n)
        row = {
            "CHILD": child_id,
            "DECOM": day(begun),
            "RNE": "S" if n == 0 else "P",
            "LS": "C2",
            "CIN": "N1",
            "PLACE": "U1" if n % 2 == 0 else "U4",
            "PLACE_PROVIDER": "PR1",
        }
        if n < moves:
            row.update({"DEC": day(start + timedelta(days=every_days * (n + 1))), "REC": "X1"})
            row["REASON_PLACE_CHANGE"] = "CARPL"
        episodes.append(row)
    return {"header": header, "episodes": episodes, "reviews": []}


# ---------------------------------------------------------------- what a feed test compares


def visible_seqs(council: Council, iro: str) -> list[int]:
    """Every position the receiver lets `iro`'s devices see, in order, paged as the devices page."""
    with council.store.reading() as s:
        iro_id = s.scalar(select(Iro.id).filter_by(name=iro))
    seqs, more = [], True
    while more:
        page = feed.changes_for(council.store, iro_id, seqs[-1] if seqs else 0)
        seqs, more = seqs + [c["seq"] for c in page.changes], page.more
    return seqs


def ledger_seqs(store) -> list[int]:
    """The positions of the council's changes the app has applied, in order."""
    with store.reading() as s:
        return list(s.scalars(select(CouncilChange.seq).order_by(CouncilChange.seq)))


def caseload_fingerprint(store) -> dict:
    """What the feed wrote of each child: reference, names, date of birth, council status, every episode,
    and the notices held."""
    with store.reading() as s:
        children = {c.id: c for c in s.scalars(select(Child))}
        episodes = s.execute(
            select(PeriodOfCare.child_id, Episode).join(Episode.period).order_by(Episode.start_date)
        ).all()
        held = s.execute(select(CouncilNotice.child_id, CouncilNotice.id, CouncilNotice.summary))
        notices = [(children[child].child_ref, notice, summary) for child, notice, summary in held]
    out = {c.child_ref: [c.first_name, c.last_name, c.dob, c.council_status] for c in children.values()}
    for child_id, e in episodes:
        out[children[child_id].child_ref].append(
            (e.start_date, e.end_date, e.reason_new, e.legal_status, e.placement_type, e.end_reason)
        )
    return {"children": out, "notices": sorted(notices)}


def store_dump(
    store, leave_out: tuple[str, ...] = ("audit_log",), unstamped: tuple[str, ...] = (), ids: bool = True
) -> dict[str, list[str]]:
    """Every row of every table of the app's store (but the tables `leave_out`, the columns `unstamped`,
    and with ids=False the row ids and the ids that link rows), to show that nothing changed, or that two
    stores hold the same."""

    def kept(column) -> bool:
        return column.name not in unstamped and (ids or not (column.name == "id" or column.foreign_keys))

    with store.reading() as s:
        return {
            table.name: sorted(repr(tuple(row)) for row in s.execute(select(*filter(kept, table.columns))))
            for table in Base.metadata.sorted_tables
            if table.name not in leave_out
        }
