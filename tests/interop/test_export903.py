"""Exporting the IRO's reviews as 903 CSV files: what the data team receives, and what is refused."""

from __future__ import annotations

import stat
from datetime import date

import pytest

from iro_desktop.services.export903 import (
    BLANK_FIELDS,
    BLANK_FIELDS_NOTE,
    CollectionYear,
    ExportProblem,
    export_903,
)
from tests.interop.helpers import APP_LEFT_OUT_2027, APP_REVIEWS_2027, app_caseload, read_rows

YEAR_2027 = CollectionYear(2027)


@pytest.fixture
def caseload(store):
    app_caseload(store)
    return store


def _rows(path):
    return [tuple(r.values()) for r in read_rows(path)]


def test_reviews_csv_holds_one_row_per_review_held_in_the_collection_year(caseload, tmp_path):
    result = export_903(caseload, tmp_path / "out", YEAR_2027)
    assert result.files == ["reviews.csv"]
    assert (tmp_path / "out" / "reviews.csv").read_text().splitlines()[0] == "CHILD,DOB,REVIEW,REVIEW_CODE"
    assert _rows(tmp_path / "out" / "reviews.csv") == APP_REVIEWS_2027
    assert "Reviews: 7 rows" in result.summary_lines()


def test_reviews_that_would_fail_the_return_are_left_out_and_said_why(caseload, tmp_path):
    result = export_903(caseload, tmp_path / "out", YEAR_2027)
    why = {held.child: held.reason for held in result.tables.left_out}
    assert set(why) == APP_LEFT_OUT_2027
    assert "no episode in collection year 2026-27" in why["LEFT"]
    assert "all short breaks" in why["BREAKS"]
    assert "no participation code" in why["NOCODE"] and "Set participation code..." in why["NOCODE"]
    assert "PN0 is only for a child under 4" in why["WRONGCODE"]
    lines = result.summary_lines()
    assert "Held reviews not exported: 4" in lines
    assert "  CHILD NOCODE, review on 6 Jun 2026: " + why["NOCODE"] in lines


def test_the_report_saved_as_csv_has_every_held_review_of_the_year_exported_or_not(caseload, tmp_path):
    result = export_903(caseload, tmp_path / "out", YEAR_2027, with_header_episodes=True)
    result.save_report(tmp_path / "report.csv")
    rows = read_rows(tmp_path / "report.csv")
    assert list(rows[0]) == ["CHILD", "review_date", "outcome", "reason"]
    notes = [r["reason"] for r in rows if r["outcome"] == "note"]
    assert "for collection year 2026-27 (1 Apr 2026 to 31 Mar 2027)" in notes[0]
    assert BLANK_FIELDS_NOTE in notes
    reviews = [r for r in rows if r["outcome"] != "note"]
    exported = {(r["CHILD"], r["review_date"]) for r in reviews if r["outcome"] == "exported"}
    assert exported == {(child, _iso(day)) for child, _dob, day, _code in APP_REVIEWS_2027}
    left_out = {r["CHILD"]: r["reason"] for r in reviews if r["outcome"] == "left out"}
    assert left_out == {held.child: held.reason for held in result.tables.left_out}
    assert ("NOCODE", "2026-06-06") in {(r["CHILD"], r["review_date"]) for r in reviews}
    assert len(reviews) == len(APP_REVIEWS_2027) + len(APP_LEFT_OUT_2027)  # nothing else, nothing twice
    assert "2025-05-01" not in {r["review_date"] for r in reviews}  # LEFT's review of the year before
    assert stat.S_IMODE((tmp_path / "report.csv").stat().st_mode) == 0o600


def _iso(day: str) -> str:
    return date(int(day[6:]), int(day[3:5]), int(day[:2])).isoformat()


def test_header_and_episodes_say_which_fields_are_left_blank_and_why(caseload, tmp_path):
    result = export_903(caseload, tmp_path / "out", YEAR_2027, with_header_episodes=True)
    for file, columns in BLANK_FIELDS.items():
        rows = read_rows(tmp_path / "out" / file)
        assert all(r[column] == "" for r in rows for column in columns)
    note = next(line for line in result.summary_lines() if line.startswith("Note: Left blank on purpose"))
    for name in ("MOTHER", "MC_DOB", "HOME_POST", "URN", "header.csv", "episodes.csv"):
        assert name in note
    assert "does not hold them" in note and "data team fills them in from their own system" in note
    reviews_only = export_903(caseload, tmp_path / "reviews only", YEAR_2027)
    assert not any("Left blank" in line for line in reviews_only.summary_lines())  # reviews.csv has no blank


def test_with_header_and_episodes_the_folder_describes_the_year_on_its_own(caseload, tmp_path):
    export_903(caseload, tmp_path / "out", YEAR_2027, with_header_episodes=True)
    header = read_rows(tmp_path / "out" / "header.csv")
    episodes = read_rows(tmp_path / "out" / "episodes.csv")
    assert list(header[0]) == ["CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"]
    assert "LEFT" not in {r["CHILD"] for r in header}  # no episode in the year
    assert {r["CHILD"] for r in header} == {r["CHILD"] for r in episodes}
    assert {r[0] for r in APP_REVIEWS_2027} <= {r["CHILD"] for r in header}
    breaks = [(r["DECOM"], r["LS"], r["DEC"]) for r in episodes if r["CHILD"] == "BREAKSTHENCARE"]
    assert breaks == [("01/04/2026", "V3", "05/04/2026"), ("01/08/2026", "C1", "")]


def test_all_years_exports_every_held_review_that_passes_the_entry_checks(caseload, tmp_path):
    result = export_903(caseload, tmp_path / "out", None, with_header_episodes=True)
    rows = _rows(tmp_path / "out" / "reviews.csv")
    assert ("LEFT", "02/02/2012", "15/04/2026", "PN5") in rows  # its period of care is in the export
    assert ("UNDER4", "01/06/2024", "20/09/2025", "PN0") in rows
    assert ("BIRTHDAY", "07/07/2022", "01/04/2027", "PN1") in rows
    assert len(rows) == 12 and "for all years" in result.summary_lines()[0]


def test_a_folder_that_is_not_empty_is_left_alone_unless_the_iro_says_so(caseload, tmp_path):
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / "reviews.csv").write_text("what the data team had\n")
    (folder / "header.csv").write_text("an older header\n")
    with pytest.raises(ExportProblem, match="is not empty, and nothing in it was changed"):
        export_903(caseload, folder, YEAR_2027)
    assert (folder / "reviews.csv").read_text() == "what the data team had\n"
    result = export_903(caseload, folder, YEAR_2027, force=True)
    assert _rows(folder / "reviews.csv") == APP_REVIEWS_2027
    assert (folder / "header.csv").read_text() == "an older header\n"
    assert "header.csv already in the folder were left as they were" in result.summary_lines()[-1]


def test_files_are_written_whole_and_readable_by_their_owner_only(caseload, tmp_path):
    export_903(caseload, tmp_path / "out", YEAR_2027, with_header_episodes=True)
    written = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert written == ["episodes.csv", "header.csv", "reviews.csv"]  # no temporary file left behind
    assert stat.S_IMODE((tmp_path / "out" / "reviews.csv").stat().st_mode) == 0o600


def test_a_file_in_place_of_the_folder_is_refused(caseload, tmp_path):
    (tmp_path / "out").write_text("x")
    with pytest.raises(ExportProblem, match="is a file, not a folder"):
        export_903(caseload, tmp_path / "out", YEAR_2027)


@pytest.mark.parametrize(
    "day, end_year", [(date(2026, 3, 31), 2026), (date(2026, 4, 1), 2027), (date(2027, 1, 14), 2027)]
)
def test_a_collection_year_runs_from_april_to_march_and_is_named_by_its_end(day, end_year):
    assert CollectionYear.containing(day).end_year == end_year
    assert CollectionYear(2027).label == "2026-27 (1 Apr 2026 to 31 Mar 2027)"
