"""Small builders for the 903 tests: fictional children written straight into a real store, CSV files."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

from sqlalchemy import select, text

from iro_desktop.services.import903 import import_903
from iro_desktop.store import Store
from iro_desktop.store.models import Base, Child, Episode, PeriodOfCare, Review


def add_child(s, ref: str, dob: date, episodes, reviews=(), source: str = "app", **fields) -> Child:
    """episodes: (start, end, legal status[, reason new]); a new period starts at each S (and the first).
    reviews: (held date, PN code); each goes in the latest period begun by then."""
    fields = {"first_name": ref.title(), "last_name": "Example", "sex": "2", **fields}
    child = Child(child_ref=ref, dob=dob, **fields)
    s.add(child)
    for start, end, legal_status, *rne in episodes:
        reason = rne[0] if rne else ("S" if not child.periods else "L")
        if reason == "S" or not child.periods:
            child.periods.append(PeriodOfCare(start_date=start))
        episode = Episode(start_date=start, end_date=end, reason_new=reason, legal_status=legal_status)
        episode.placement_type, episode.placement_provider = "U4", "PR1"
        child.periods[-1].episodes.append(episode)
    for period in child.periods:  # X1 between episodes; the period ends with its last episode
        for episode in period.episodes[:-1]:
            episode.end_reason = "X1"
        last = period.episodes[-1]
        last.end_reason = "E4A" if last.end_date else None
        period.end_date, period.end_reason = last.end_date, last.end_reason
    s.flush()
    for held, code in reviews:
        period = [p for p in child.periods if p.start_date <= held][-1]
        review = Review(held_date=held, participation_code=code, status="held", source=source)
        review.period_id = period.id
        child.reviews.append(review)
    return child


def snapshot(store: Store) -> dict[str, list[tuple]]:
    """Every row of every table, for "nothing changed" checks; the audit trail records the import itself."""
    with store.session() as s:
        return {
            table.name: sorted(map(tuple, s.execute(text(f"SELECT * FROM {table.name}")).all()), key=repr)
            for table in Base.metadata.sorted_tables
            if table.name != "audit_log"
        }


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8-sig") as f:
        return list(csv.DictReader(f))


def write_rows(path: Path, rows: list[dict[str, str]], columns=None) -> Path:
    columns = columns or list(rows[0])
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return path


def child_named(store: Store, ref: str) -> Child:
    with store.session() as s:
        return s.scalars(select(Child).where(Child.child_ref == ref)).one()


def app_caseload(store: Store) -> None:
    """Fictional children whose reviews were recorded in the app, around collection year 2027
    (1 Apr 2026 to 31 Mar 2027): fourth birthdays, short breaks, leaving care, codes not yet given."""
    d = date
    with store.session() as s:
        add_child(
            s,
            "UNDER4",
            d(2024, 6, 1),
            [(d(2025, 9, 1), None, "C2")],
            [(d(2025, 9, 20), "PN0"), (d(2026, 3, 31), "PN0"), (d(2026, 9, 1), "PN0")],
        )
        add_child(
            s,
            "TURNS4",
            d(2022, 10, 15),
            [(d(2026, 5, 1), None, "C1")],
            [(d(2026, 5, 20), "PN0"), (d(2026, 10, 15), "PN0"), (d(2027, 3, 31), "PN6")],
        )
        add_child(
            s,
            "BIRTHDAY",
            d(2022, 7, 7),
            [(d(2026, 4, 1), None, "V2")],
            [(d(2026, 4, 1), "PN0"), (d(2026, 7, 7), "PN1"), (d(2027, 4, 1), "PN1")],
        )
        add_child(
            s,
            "BREAKS",
            d(2015, 1, 1),
            [(d(2026, 4, 1), d(2026, 4, 5), "V3", "S"), (d(2026, 6, 1), d(2026, 6, 3), "V3", "S")],
            [(d(2026, 7, 1), "PN1")],
        )
        add_child(
            s,
            "BREAKSTHENCARE",
            d(2014, 3, 3),
            [(d(2026, 4, 1), d(2026, 4, 5), "V3", "S"), (d(2026, 8, 1), None, "C1", "S")],
            [(d(2026, 9, 1), "PN1")],
        )
        add_child(
            s,
            "LEFT",
            d(2012, 2, 2),
            [(d(2024, 1, 1), d(2026, 3, 20), "C2")],
            [(d(2025, 5, 1), "PN1"), (d(2026, 4, 15), "PN5")],
        )
        add_child(s, "NOCODE", d(2013, 1, 1), [(d(2026, 1, 1), None, "C2")], [(d(2026, 6, 6), None)])
        add_child(s, "WRONGCODE", d(2016, 2, 2), [(d(2026, 1, 1), None, "E1")], [(d(2026, 6, 6), "PN0")])
        planned = add_child(s, "PLANNED", d(2011, 11, 11), [(d(2026, 10, 1), None, "C2")])
        planned.reviews.append(Review(planned_date=d(2026, 10, 20), status="planned", source="app"))


# What export-903 --year 2027 writes for app_caseload, and what it leaves out.
APP_REVIEWS_2027 = [
    ("BIRTHDAY", "07/07/2022", "01/04/2026", "PN0"),
    ("BIRTHDAY", "07/07/2022", "07/07/2026", "PN1"),
    ("BREAKSTHENCARE", "03/03/2014", "01/09/2026", "PN1"),
    ("TURNS4", "15/10/2022", "20/05/2026", "PN0"),
    ("TURNS4", "15/10/2022", "15/10/2026", "PN0"),
    ("TURNS4", "15/10/2022", "31/03/2027", "PN6"),
    ("UNDER4", "01/06/2024", "01/09/2026", "PN0"),
]
APP_LEFT_OUT_2027 = {"BREAKS", "LEFT", "NOCODE", "WRONGCODE"}


_EPISODE = dict.fromkeys(["DEC", "REC", "REASON_PLACE_CHANGE", "HOME_POST", "PL_POST", "URN"], "")
_EPISODE.update(RNE="S", LS="C2", CIN="N1", PLACE="U4", PLACE_PROVIDER="PR1")


def _uk(day: str) -> str:
    return date.fromisoformat(day).strftime("%d/%m/%Y") if day else ""


def import_one_child(store, tmp_path, dob: str, episodes, reviews=()) -> None:
    """One fictional child, CHILD X1, imported through the real 903 import from CSV files written here:
    episodes (start, end, RNE, REC, LS) and reviews (held, PN code), dates ISO or ''."""
    folder = tmp_path / "extract"
    folder.mkdir()
    header = {
        "CHILD": "X1",
        "SEX": "1",
        "DOB": _uk(dob),
        "ETHNIC": "WBRI",
        "UPN": "",
        "MOTHER": "",
        "MC_DOB": "",
    }
    write_rows(folder / "header.csv", [header])
    rows = [
        {"CHILD": "X1", **_EPISODE, "DECOM": _uk(s), "DEC": _uk(e), "RNE": rne, "REC": rec, "LS": ls}
        for s, e, rne, rec, ls in episodes
    ]
    write_rows(folder / "episodes.csv", rows)
    write_rows(
        folder / "reviews.csv",
        [{"CHILD": "X1", "DOB": _uk(dob), "REVIEW": _uk(h), "REVIEW_CODE": c} for h, c in reviews],
        columns=["CHILD", "DOB", "REVIEW", "REVIEW_CODE"],
    )
    return import_903(store, folder)
