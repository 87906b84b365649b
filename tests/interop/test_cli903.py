"""import-903 and export-903 as a data team's script or an IRO at the command line meets them."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from tests.interop.conftest import fake_903
from tests.interop.helpers import read_rows
from tests.test_cli import iro


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "s.db"
    assert iro("init", "--db", path).returncode == 0
    return path


def test_import_prints_a_summary_and_saves_the_report_then_export_writes_the_return(db, tmp_path):
    out = iro("import-903", "--db", db, fake_903("d2i_fake_tiny"), "--report", tmp_path / "report.csv")
    assert out.returncode == 0, out.stderr
    assert "Children: 8 created, 0 updated, 0 unchanged" in out.stdout
    assert "Reviews: 20 created" in out.stdout
    assert (
        "Rows refused: 5" in out.stdout
        and "child's episodes are all short breaks (903 rule 399)" in out.stdout
        and "Rows taken with a value left out: 2" in out.stdout
    )
    assert len(read_rows(tmp_path / "report.csv")) == 7
    again = iro("import-903", "--db", db, fake_903("d2i_fake_tiny"), "--children", "3299,605926")
    assert "Children: 0 created, 0 updated, 2 unchanged" in again.stdout
    assert "Save the list of every refused row with --report FILE.csv" not in again.stdout

    exported = iro(
        "export-903", "--db", db, tmp_path / "out", "--year", "2018", "--with-header-episodes",
        "--report", tmp_path / "export-report.csv",
    )  # fmt: skip
    assert exported.returncode == 0, exported.stderr
    assert "collection year 2017-18 (1 Apr 2017 to 31 Mar 2018)" in exported.stdout
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "episodes.csv",
        "header.csv",
        "reviews.csv",
    ]
    reviews = read_rows(tmp_path / "out" / "reviews.csv")
    held = [datetime.strptime(r["REVIEW"], "%d/%m/%Y").date() for r in reviews]
    assert held and all(date(2017, 4, 1) <= day <= date(2018, 3, 31) for day in held)
    assert "Note: Left blank on purpose: MOTHER" in exported.stdout and "HOME_POST" in exported.stdout
    assert f"saved to {tmp_path / 'export-report.csv'}" in exported.stdout
    report = read_rows(tmp_path / "export-report.csv")
    left_out = [(r["CHILD"], r["review_date"]) for r in report if r["outcome"] == "left out"]
    assert left_out == [("122698", "2017-07-16")]  # taken without its code, which contradicted the age
    assert "CHILD 122698, review on 16 Jul 2017: no participation code" in exported.stdout
    assert sum(r["outcome"] == "exported" for r in report) == len(reviews)
    assert any(r["outcome"] == "note" and "Left blank on purpose" in r["reason"] for r in report)


@pytest.mark.parametrize(
    "args, message",
    [
        (["import-903", "{tmp}/nowhere"], "There is no folder or file at"),
        (["import-903", "{tiny}", "--children", "1", "--iro-name", "Jo"], "not both"),
        (["import-903", "{tiny}", "--iro-column", "IRO"], "--iro-column needs --iro-name"),
        (["import-903", "{tiny}", "--iro-name", "Jo"], "None of the files has the column IRO"),
        (["export-903", "{tmp}", "--all-years"], "is not empty, and nothing in it was changed"),
        (
            ["export-903", "{tmp}/out", "--year", "27"],
            "--year is the year a collection ends in, such as 2027",
        ),
    ],
)
def test_bad_input_gets_one_plain_line_and_no_traceback(db, tmp_path, args, message):
    tiny = fake_903("d2i_fake_tiny")
    args = [a.format(tmp=tmp_path, tiny=tiny) for a in args]
    out = iro(args[0], "--db", db, *args[1:])
    assert out.returncode == 2, out.stdout
    assert message in out.stderr and "Traceback" not in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1
