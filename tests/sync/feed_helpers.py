"""The council's side of the feed for tests: IROs, allocations, 903 rows, details and notices published on
the real receiver's database, as the receiver's commands do."""

from __future__ import annotations

from datetime import date, timedelta

from iro_desktop.records.keys import device_fingerprint
from iro_desktop.sync.client import enrol
from iro_desktop.sync.receiver import accounts, allocations, feed
from iro_desktop.sync.receiver.council_data import checked_details, checked_rows
from iro_desktop.sync.receiver.storage import APPROVED, ReceiverStore

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
