"""The baseline for `caseload --json`: `python -m tests.benchmarks.plain_caseload DB AS_OF`.

Opens the store with sqlcipher3 and the raw data key (unwrapped from the key file under the passphrase in
IRO_DESKTOP_PASSPHRASE, so its key derivation is the store's own: the cheap test KDF in the benchmarks),
reads the rows the caseload reads, and writes the same JSON array: one object per child with the same
fields in the same order. Values are taken straight from the rows where the app computes them (due dates,
working days, status, flags), so this is the floor of reading and writing, not a second caseload.
"""

from __future__ import annotations

import json
import os
import sys
from collections import defaultdict
from pathlib import Path

from sqlcipher3 import dbapi2 as sqlcipher

from iro_desktop.store.keys import key_file_for, read_key_file, unwrap

CHILDREN = "SELECT id, child_ref, first_name, preferred_name, last_name, dob FROM children ORDER BY id"
PERIODS = "SELECT child_id, id, start_date, end_date FROM periods_of_care"
EPISODES = (
    "SELECT period_id, legal_status, placement_type, carer_name, start_date, end_date FROM episodes"
    " ORDER BY period_id, start_date"
)
REVIEWS = (
    "SELECT child_id, held_date, planned_date, spoke_alone, adjourned_on, adjourned_to, status, source,"
    " participation_code FROM reviews ORDER BY child_id, held_date, planned_date"
)
DECISIONS = (
    "SELECT d.child_id, count(*), sum(CASE WHEN coalesce(d.revised_due, d.due_date) < :day THEN 1 ELSE 0 END)"
    " FROM decisions d LEFT OUTER JOIN reviews r ON r.id = d.review_id"
    " WHERE (r.held_date IS NULL OR r.held_date <= :day)"
    " AND (d.status IN ('open', 'changed') OR d.completed_on > :day) GROUP BY d.child_id"
)
CHALLENGES = (
    "SELECT child_id, response_due, response FROM challenges WHERE raised_on <= :day"
    " AND ((outcome IS NULL AND resolved_on IS NULL) OR resolved_on > :day)"
)


def _connect(db: Path):
    key = unwrap(read_key_file(key_file_for(db)), os.environ["IRO_DESKTOP_PASSPHRASE"])
    conn = sqlcipher.connect(str(db))
    conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
    return conn


def _grouped(rows, by: int = 0) -> dict:
    out = defaultdict(list)
    for row in rows:
        out[row[by]].append(row)
    return out


def caseload(conn, day: str) -> list[dict]:
    periods = _grouped(conn.execute(PERIODS))
    episodes = _grouped(conn.execute(EPISODES))
    reviews = _grouped(conn.execute(REVIEWS))
    decisions = {row[0]: row[1:] for row in conn.execute(DECISIONS, {"day": day})}
    challenges = _grouped(conn.execute(CHALLENGES, {"day": day}))
    out = []
    for child_id, ref, first, preferred, last, dob in conn.execute(CHILDREN):
        period = max(periods.get(child_id, ()), key=lambda p: p[2], default=None)
        episode = episodes[period[1]][-1] if period and episodes.get(period[1]) else None
        held = [r[1] for r in reviews.get(child_id, ()) if r[1] is not None and r[1] <= day]
        planned = next((r for r in reviews.get(child_id, ()) if r[1] is None and r[2]), None)
        d_open, d_overdue = decisions.get(child_id, (0, 0))
        concerns = challenges.get(child_id, ())
        out.append(
            {
                "id": child_id,
                "child": ref,
                "name": f"{preferred or first} {last}",
                "dob": dob,
                "age": int(day[:4]) - int(dob[:4]),
                "legal_status": episode[1] if episode else None,
                "placement_type": episode[2] if episode else None,
                "placement": episode[3] if episode else None,
                "looked_after_since": period[2] if period else None,
                "last_review": held[-1] if held else None,
                "next_review_due": planned[2] if planned else None,
                "next_review_booked": planned[2] if planned else None,
                "working_days_left": len(held),
                "status": planned[6] if planned else "on_track",
                "review_number": len(held) + 1,
                "review_basis": f"Review {len(held) + 1}: after the review on {held[-1] if held else dob}",
                "decisions_open": d_open,
                "decisions_overdue": d_overdue or 0,
                "challenges_open": len(concerns),
                "challenges_overdue": sum(1 for c in concerns if c[1] and c[1] < day and not c[2]),
                "flags": [],
                "minutes": None,
                "codes_needed": sum(1 for r in reviews.get(child_id, ()) if r[7] != "app" and not r[8]),
                "challenges_awaiting": sum(1 for c in concerns if c[1] and not c[2]),
            }
        )
    return out


if __name__ == "__main__":
    connection = _connect(Path(sys.argv[1]))
    sys.stdout.write(json.dumps(caseload(connection, sys.argv[2]), indent=2) + "\n")
    connection.close()
