"""A large extract is read in parts and written in batches, and the report holds each sentence once:
none of it changes what is stored or what the report says."""

from __future__ import annotations

import shutil

from sqlalchemy import DateTime, text

from iro_desktop.services import import903
from iro_desktop.services.import903 import import_903
from iro_desktop.store import create_store
from iro_desktop.store.keys import TEST_KDF
from iro_desktop.store.models import Base
from tests.interop.conftest import fake_903
from tests.interop.helpers import read_rows, write_rows


def _stored(store) -> dict[str, list[tuple]]:
    """Every table's rows as stored, but for the times they were written (and the audit hashes of them)."""
    found = {}
    with store.session() as s:
        for table in Base.metadata.sorted_tables:
            timeless = [c.name for c in table.columns if not isinstance(c.type, DateTime)]
            kept = ", ".join(c for c in timeless if c not in ("hash", "prev_hash"))
            found[table.name] = s.execute(text(f"SELECT {kept} FROM {table.name} ORDER BY 1")).all()
    return found


def _said(report) -> tuple:
    counts = tuple(vars(c) for c in (report.children, report.periods, report.episodes, report.reviews))
    return counts, report.issues, report.notes, report.summary_lines(), report.csv_rows()


def _two_extracts(tmp_path):
    """The tiny public set and a ninth child, not in its header, whose rows come after the others'; and next
    month's: an episode gone, a DOB and a code corrected, a review more."""
    first = shutil.copytree(fake_903("d2i_fake_tiny"), tmp_path / "first")
    for table in ("episodes", "reviews"):
        rows = read_rows(first / f"{table}.csv")
        write_rows(first / f"{table}.csv", [*rows, dict(rows[-1], CHILD="NINTH")])
    second = shutil.copytree(first, tmp_path / "second")
    header, episodes, reviews = (read_rows(second / f"{t}.csv") for t in ("header", "episodes", "reviews"))
    header[1]["DOB"] = "01/01/2010"
    reviews[0]["REVIEW_CODE"] = "PN5"
    reviews.append(dict(reviews[-1], REVIEW="01/02/2019"))
    for name, rows in (("header", header), ("episodes", episodes[1:]), ("reviews", reviews)):
        write_rows(second / f"{name}.csv", rows)
    return first, second


def _import_both(store, extracts) -> list:
    said = []
    for extract in extracts:
        steps: list[tuple[int, int]] = []
        report = import_903(store, extract, progress=lambda *step, steps=steps: steps.append(step))
        said.append((_said(report), steps, _stored(store)))
    return said


def test_an_extract_read_in_parts_and_written_in_batches_imports_as_one_read_whole(tmp_path, monkeypatch):
    extracts = _two_extracts(tmp_path)
    whole = create_store(tmp_path / "whole.db", "parts-passphrase-0001", kdf=TEST_KDF)
    parts = create_store(tmp_path / "parts.db", "parts-passphrase-0001", kdf=TEST_KDF)
    try:
        as_one = _import_both(whole, extracts)
        monkeypatch.setattr(import903, "BATCH", 2)
        monkeypatch.setattr(import903, "PART", 8)  # 9 children: the ninth comes in the episodes, and is apart
        in_parts = _import_both(parts, extracts)
    finally:
        whole.close()
        parts.close()
    assert in_parts == as_one
    (said, steps, stored), _ = in_parts
    assert said[0][0]["created"] == 8 and stored["reviews"]  # the import did its work
    assert [done for done, _ in steps] == list(range(1, steps[-1][1] + 1))  # one step at a time, to the end


def test_the_report_holds_each_thing_said_once_however_many_rows_it_is_said_of(store):
    report = import_903(store, fake_903("d2i_fake"))
    reasons = [issue.reason for issue in report.issues]
    assert len(set(reasons)) < len(reasons) / 2  # the fake set says the same thing of many rows
    assert len({id(reason) for reason in reasons}) == len(set(reasons))
