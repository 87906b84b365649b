"""The write floor of the 903 import benchmark, a process of its own (started through measured.py):
`python import903_child.py floor DB SOURCE CHILDREN PERIODS EPISODES REVIEWS` unlocks the store as the
command does, reads the same three CSV files with csv, and inserts that many plain rows into the same
tables with one executemany each, in one transaction. No rule is applied.
"""

from __future__ import annotations

import csv
import os
import sys
from pathlib import Path

NOW = "2026-01-01 00:00:00.000000"
COLUMNS = {
    "children": "id child_ref first_name last_name dob sex ethnicity upn review_cycle created_at",
    "periods_of_care": "id child_id start_date end_date end_reason",
    "episodes": "period_id start_date reason_new legal_status category_of_need placement_type "
    "placement_provider placement_postcode end_date end_reason reason_place_change",
    "reviews": "child_id period_id number kind status held_date participation_code source updated_at",
}


def _rows(source: Path, table: str) -> list[list[str]]:
    with (source / f"{table}.csv").open(newline="", encoding="utf-8-sig") as f:
        return list(csv.reader(f))[1:]


def _iso(text: str) -> str | None:
    return f"{text[6:10]}-{text[3:5]}-{text[:2]}" if text else None


def _plain_rows(source: Path, children: int, periods: int, episodes: int, reviews: int) -> dict[str, list]:
    """As many rows of each table as the import wrote, straight from the files' values."""
    header, episode_rows, review_rows = (_rows(source, t) for t in ("header", "episodes", "reviews"))
    ids = {r[0]: n for n, r in enumerate(header[:children], start=1)}
    return {
        "children": [
            (ids[r[0]], r[0], "Child", r[0], _iso(r[2]), r[1], r[3], r[4] or None, "standard", NOW)
            for r in header[:children]
        ],
        "periods_of_care": [
            (n, ids.get(r[0], 1), _iso(r[1]), _iso(r[7]), r[8] or None)
            for n, r in enumerate(episode_rows[:periods], start=1)
        ],
        "episodes": [
            (
                n % periods + 1,
                _iso(r[1]),
                *r[2:4],
                r[4] or None,
                r[5],
                r[6] or None,
                r[11] or None,
                _iso(r[7]),
                r[8] or None,
                r[9] or None,
            )
            for n, r in enumerate(episode_rows[:episodes])
        ],
        "reviews": [
            (ids.get(r[0], 1), n % periods + 1, 1, "standard", "imported", _iso(r[2]), r[3], "903", NOW)
            for n, r in enumerate(review_rows[:reviews])
        ],
    }


def floor(db: str, source: str, *counts: int) -> None:
    from iro_desktop.store import open_store

    rows = _plain_rows(Path(source), *counts)
    store = open_store(Path(db), os.environ["IRO_DESKTOP_PASSPHRASE"])
    conn = store.engine.raw_connection()
    try:
        cur = conn.cursor()
        cur.execute("BEGIN IMMEDIATE")
        for table, columns in COLUMNS.items():
            names = columns.split()
            places = ", ".join("?" * len(names))
            cur.executemany(f"INSERT INTO {table} ({', '.join(names)}) VALUES ({places})", rows[table])
        cur.execute("COMMIT")
    finally:
        conn.close()
        store.close()


if __name__ == "__main__":
    floor(sys.argv[2], sys.argv[3], *map(int, sys.argv[4:8]))
