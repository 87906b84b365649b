"""Three years of a council's feed for the feed's benchmarks: fictional children allocated, then their
placement moves, reviews, details and notices published in date order through tests/sync/feed_helpers.Council
(the receiver's own publishing code), and the same children's final 903 rows as a folder for `import-903`."""

from __future__ import annotations

import csv
from datetime import date, timedelta
from pathlib import Path

from iro_desktop.interop.ssda903 import COLUMNS
from tests.sync.feed_helpers import Council

YEARS = 3
MOVE_EVERY, REVIEW_EVERY = 180, 182  # days: six placement moves and six reviews in three years
DETAIL_DAYS = (200, 700)  # a new social worker, then a new carer's address
NOTICE_DAYS = (400, 900)
NOTICE_KINDS = ("placement_end", "care_plan_change")


def child_id(n: int) -> str:
    return f"FB{n:03d}"


def _day(d: date) -> str:
    return d.strftime("%d/%m/%Y")


class History:
    """`children` fictional children over the `YEARS` before `end`; each an IRO's by `iro_of(n)`."""

    def __init__(self, children: int, end: date):
        self.children, self.end = children, end
        self.start = end - timedelta(days=365 * YEARS)

    def dob(self, n: int) -> date:
        return date(2010 + n % 7, 1 + n % 12, 1 + n % 28)

    def rows(self, n: int, upto: date, late: tuple[date, ...] = ()) -> dict:
        """The child's 903 rows as the council holds them on `upto`: moves and reviews held by then, and
        reviews held on the `late` days after it."""
        cid, begun = child_id(n), self.start
        moves = [begun + timedelta(days=MOVE_EVERY * k) for k in range(YEARS * 365 // MOVE_EVERY + 1)]
        moves = [d for d in moves if d <= upto]
        episodes = []
        for k, on in enumerate(moves):
            row = {"CHILD": cid, "DECOM": _day(on), "RNE": "S" if k == 0 else "P", "LS": "C2", "CIN": "N1"}
            row.update({"PLACE": "U1" if k % 2 == 0 else "U4", "PLACE_PROVIDER": "PR1"})
            if k + 1 < len(moves):
                row.update({"DEC": _day(moves[k + 1]), "REC": "X1", "REASON_PLACE_CHANGE": "CARPL"})
            episodes.append(row)
        held = [begun + timedelta(days=20 + REVIEW_EVERY * k) for k in range(YEARS * 2)]
        reviews = [
            {"CHILD": cid, "DOB": _day(self.dob(n)), "REVIEW": _day(d), "REVIEW_CODE": "PN1"}
            for d in [*(d for d in held if d <= upto), *late]
        ]
        header = [{"CHILD": cid, "SEX": str(1 + n % 2), "DOB": _day(self.dob(n)), "ETHNIC": "WBRI"}]
        return {"header": header, "episodes": episodes, "reviews": reviews}

    def details(self, n: int, version: int) -> dict:
        """Names, placement and people: the social worker changes at version 1, the address at 2."""
        worker = {"id": f"SW{n}-{min(version, 1)}", "role": "social_worker", "name": f"Kit Example {n}"}
        phone = f"01632 960{(10 * n + version) % 1000:03d}"  # Ofcom's fictional range, 01632 960xxx
        worker.update({"phone": phone, "email": f"kit.{n}.{version}@example.org"})
        carer = {"id": f"CA{n}", "role": "carer", "name": f"Jo Carer {n}", "phone": "01632 960100"}
        address = f"{1 + version} Example Road, Fictiontown"
        return {
            "child": {"first_name": "Ash", "last_name": f"Fictional {n}"},
            "placement": {"carer_name": f"Jo Carer {n}", "address": address},
            "people": [worker, carer],
        }

    def publish(self, council: Council, iro_of) -> int:
        """Allocate every child with its first rows and details, then publish the three years in date
        order. Returns the changes published (each a position in the feed)."""
        published = 0
        for n in range(self.children):
            council.rows(child_id(n), self.rows(n, self.start))
            council.details(child_id(n), self.details(n, 0))
            council.allocate(child_id(n), iro_of(n))
            published += 1
        for on, n, what in sorted(self._events()):
            if what == "rows":
                published += council.rows(child_id(n), self.rows(n, on)) is not None
            elif what.startswith("details"):
                published += council.details(child_id(n), self.details(n, int(what[-1]))) is not None
            else:
                kind = NOTICE_KINDS[int(what[-1])]
                summary = f"The council asks the IRO about {child_id(n)}: {kind.replace('_', ' ')}."
                council.notice(child_id(n), kind, (on + timedelta(days=20)).isoformat(), summary=summary)
                published += 1
        return published

    def _events(self):
        for n in range(self.children):
            shift = timedelta(days=n % 30)  # children's days apart, as a real caseload's are
            for k in range(1, YEARS * 365 // MOVE_EVERY + 1):
                yield self.start + timedelta(days=MOVE_EVERY * k), n, "rows"
            for k in range(YEARS * 2):
                yield self.start + timedelta(days=20 + REVIEW_EVERY * k) + shift, n, "rows"
            for k, day in enumerate(DETAIL_DAYS, start=1):
                yield self.start + timedelta(days=day) + shift, n, f"details{k}"
            for k, day in enumerate(NOTICE_DAYS):
                yield self.start + timedelta(days=day) + shift, n, f"notice{k}"

    def write_903(self, folder: Path) -> Path:
        """The children's final 903 rows as header.csv, episodes.csv and reviews.csv."""
        folder.mkdir(parents=True)
        finals = [self.rows(n, self.end) for n in range(self.children)]
        for table, columns in COLUMNS.items():
            with (folder / f"{table}.csv").open("w", newline="", encoding="utf-8") as f:
                out = csv.DictWriter(f, columns, lineterminator="\n")
                out.writeheader()
                out.writerows(row for rows in finals for row in rows[table])
        return folder
