"""Reading an extract row by row: each pass reads the rows afresh, a pass can ask for some children's rows
only, and dates are read as strptime's dd/mm/yyyy reads them."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from iro_desktop.interop import ssda903
from tests.interop.conftest import fake_903
from tests.interop.helpers import write_rows


def _reviews(tmp_path, children: list[str]):
    rows = [{"CHILD": c, "DOB": "01/02/2015", "REVIEW": "03/04/2020", "REVIEW_CODE": "PN1"} for c in children]
    write_rows(tmp_path / "reviews.csv", rows)
    return ssda903.read_extract(tmp_path)


def test_each_pass_reads_the_rows_afresh_and_can_ask_for_some_children_only(tmp_path):
    extract = _reviews(tmp_path, ["A1", "B2", "A1", "C3"])
    assert [(r.get("CHILD"), r.where.row) for r in extract.each("reviews", {"A1", "C3"})] == [
        ("A1", 2),
        ("A1", 4),
        ("C3", 5),
    ]
    assert extract.rows("reviews") == extract.rows("reviews") == list(extract.each("reviews"))
    assert list(extract.each("episodes")) == []  # a table not in the folder has no rows


def test_the_xml_form_gives_some_childrens_rows_as_asked():
    extract = ssda903.read_extract(fake_903("d2i_fake/fake_903.xml"))
    first = extract.rows("episodes")[0].get("CHILD")
    assert {r.get("CHILD") for r in extract.each("episodes", {first})} == {first}
    assert [r for r in extract.rows("episodes") if r.get("CHILD") == first] == list(
        extract.each("episodes", [first])
    )


@pytest.mark.parametrize(
    "text",
    ["27/03/2008", "29/02/2016", "29/02/2017", "31/04/2018", "00/01/2018", "01/00/2018", "01/13/2018",
     "32/01/2018", "01/01/0000", "01/01/0001", "31/12/9999", "1/2/2020", " 1/02/2020", "01/02/20200",
     "01-02-2020", "٠١/٠٢/٢٠٢٠", "+1/02/2020", "01/+2/2020", "ab/cd/efgh", "", "2020-01-02"],
)  # fmt: skip
def test_a_date_is_read_as_strptime_reads_dd_mm_yyyy(text):
    try:
        expected: date | None = datetime.strptime(text, "%d/%m/%Y").date()
    except ValueError:
        expected = None
    assert ssda903.parse_date(text) == expected
