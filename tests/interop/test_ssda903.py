"""Reading and writing the 903 file formats: what councils' files look like, and what is said of them."""

from __future__ import annotations

from datetime import date

import pytest

from iro_desktop.interop import ssda903
from iro_desktop.interop.ssda903 import ExtractError, RawRow, Where
from tests.interop.conftest import fake_903

HEADER = "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n"
EPISODES = "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\n"
REVIEWS = "CHILD,DOB,REVIEW,REVIEW_CODE\n"


def _row(**values) -> RawRow:
    return RawRow(values, Where("reviews.csv", row=7))


def test_row_numbers_are_the_ones_a_spreadsheet_shows(tmp_path):
    (tmp_path / "reviews.csv").write_text(
        REVIEWS + "A1,01/02/2015,03/04/2020,PN1\nA2,01/02/2015,04/04/2020,PN2\n"
    )
    extract = ssda903.read_extract(tmp_path)
    assert [r.where.row for r in extract.rows("reviews")] == [2, 3]  # the column names are row 1
    assert str(extract.rows("reviews")[1].where) == "row 3"


def test_missing_tables_are_noted_and_extra_columns_kept_aside(tmp_path):
    (tmp_path / "header.csv").write_bytes(
        ("\ufeff" + HEADER.strip() + ",IRO\r\nA1,1,01/02/2015,WBRI,,,,Jo Example\r\n").encode()
    )
    extract = ssda903.read_extract(tmp_path)
    assert extract.rows("header")[0].get("CHILD") == "A1"  # byte-order mark and CRLF read as any other file
    assert extract.extra_columns == {"header.csv": ("IRO",)}
    assert "No episodes.csv in the folder: that table was not imported." in extract.notes
    assert "No reviews.csv in the folder: that table was not imported." in extract.notes


def test_tables_named_otherwise_are_found_by_their_columns(tmp_path):
    (tmp_path / "SSDA903_2020_episodes.csv").write_text(EPISODES + "A1,01/02/2020,S,C2,N1,U4,PR1,,,,,,\n")
    (tmp_path / "uasc.csv").write_text("CHILD,SEX,DOB,DUC\nA1,1,01/02/2015,01/02/2033\n")
    extract = ssda903.read_extract(tmp_path)
    assert len(extract.rows("episodes")) == 1
    assert any("uasc.csv" in note for note in extract.notes)


@pytest.mark.parametrize(
    "files, message",
    [
        ({}, "holds none of header.csv, episodes.csv or reviews.csv"),
        (
            {"reviews.csv": "CHILD,DOB,REVIEW\nA1,01/02/2015,03/04/2020\n"},
            "reviews.csv has no REVIEW_CODE column",
        ),
        ({"reviews.csv": REVIEWS, "old_reviews.csv": REVIEWS}, "look like the reviews table; keep one"),
    ],
)
def test_a_folder_that_cannot_be_read_is_refused_whole_with_a_reason(tmp_path, files, message):
    for name, content in files.items():
        (tmp_path / name).write_text(content)
    with pytest.raises(ExtractError, match=message):
        ssda903.read_extract(tmp_path)


def test_a_spreadsheet_saved_in_windows_1252_is_read_and_said_so(tmp_path):
    (tmp_path / "header.csv").write_bytes((HEADER + "Zoë1,1,01/02/2015,WBRI,,,\n").encode("cp1252"))
    extract = ssda903.read_extract(tmp_path)
    assert extract.rows("header")[0].get("CHILD") == "Zoë1"
    assert "header.csv is not UTF-8 text; it was read as Windows-1252." in extract.notes


@pytest.mark.parametrize(
    "values, column, reason",
    [
        (
            {"REVIEW": "03/04/2020", "REVIEW_CODE": "pr0"},
            "REVIEW_CODE",
            "REVIEW_CODE 'pr0' is not one of PN0-PN7",
        ),
        (
            {"REVIEW": "03/04/2020", "REVIEW_CODE": ""},
            "REVIEW_CODE",
            "REVIEW_CODE blank is not one of PN0-PN7",
        ),
        (
            {"REVIEW": "2020-04-03", "REVIEW_CODE": "PN1"},
            "REVIEW",
            "'2020-04-03' is not a date in the form dd/mm/yyyy",
        ),
        ({"REVIEW": "31/02/2020", "REVIEW_CODE": "PN1"}, "REVIEW", "'31/02/2020' is not a date"),
        ({"REVIEW": "", "REVIEW_CODE": "PN1"}, "REVIEW", "REVIEW is blank"),
    ],
)
def test_a_review_row_that_cannot_be_taken_says_which_value_and_why(values, column, reason):
    review, issues = ssda903.parse_review(_row(CHILD="A1", DOB="01/02/2015", **values))
    assert review is None
    assert [(i.column, i.refused) for i in issues] == [(column, True)]
    assert reason in issues[0].reason and str(issues[0].where) == "row 7"


def test_codes_are_read_as_the_councils_validator_reads_them():
    review, issues = ssda903.parse_review(
        _row(CHILD="A1", DOB="01/02/2015", REVIEW="03/04/2020", REVIEW_CODE="pn3")
    )
    assert issues == [] and review.code == "PN3" and review.held == date(2020, 4, 3)


def _episode(**changes) -> RawRow:
    values = dict(
        CHILD="A1", DECOM="01/02/2020", RNE="S", LS="C2", CIN="N1", PLACE="U4", PLACE_PROVIDER="PR1"
    )
    values.update(changes)
    return RawRow(values, Where("episodes.csv", row=4))


def test_an_episode_with_a_bad_optional_code_is_taken_without_it():
    episode, issues = ssda903.parse_episode(_episode(CIN="N9"))
    assert episode is not None and episode.category_of_need is None
    assert [(i.column, i.refused, i.reason) for i in issues] == [
        ("CIN", False, "CIN 'N9' is not a 903 category of need (N1-N8). It was left blank.")
    ]


def test_an_end_reason_without_an_end_date_is_read_as_still_open():
    episode, issues = ssda903.parse_episode(_episode(REC="X1"))
    assert episode.end is None and episode.end_reason is None
    assert issues[0].kind == "REC without DEC" and not issues[0].refused


@pytest.mark.parametrize(
    "changes, column, words",
    [
        ({"LS": "Z9"}, "LS", "LS 'Z9' is not a 903 legal status code"),
        ({"PLACE": ""}, "PLACE", "PLACE is blank"),
        ({"DEC": "01/01/2020", "REC": "E4A"}, "DEC", "DEC 01/01/2020 is before DECOM 01/02/2020"),
        ({"DECOM": "2020-02-01"}, "DECOM", "DECOM '2020-02-01' is not a date in the form dd/mm/yyyy"),
    ],
)
def test_an_episode_that_cannot_be_taken_is_refused(changes, column, words):
    episode, issues = ssda903.parse_episode(_episode(**changes))
    assert episode is None
    assert any(i.column == column and i.refused and words in i.reason for i in issues)


def test_the_xml_form_gives_the_same_tables_as_the_csv_files():
    extract = ssda903.read_extract(fake_903("d2i_fake/fake_903.xml"))
    assert {t: len(rows) for t, rows in extract.tables.items()} == {
        "header": 253,
        "episodes": 459,
        "reviews": 1206,
    }
    first_review = extract.rows("reviews")[0]
    assert first_review.values == {
        "CHILD": "907440",
        "DOB": "28/07/2010",
        "REVIEW": "27/09/2015",
        "REVIEW_CODE": "PN0",
    }
    assert str(first_review.where) == "CHILD 1 (CHILDID 907440), AREVIEW 1"
    assert extract.rows("episodes")[0].get("PLACE") == "R5"  # <PL> is the CSV's PLACE
    assert "OC2" in extract.extra_columns["fake_903.xml"]


def test_a_file_that_is_not_903_xml_is_refused(tmp_path):
    (tmp_path / "x.xml").write_text("<ROOT/>")
    (tmp_path / "broken.xml").write_text("<EXPSSDA903><CHILD>")
    with pytest.raises(ExtractError, match="its root element is <ROOT>"):
        ssda903.read_extract(tmp_path / "x.xml")
    with pytest.raises(ExtractError, match="not well-formed XML"):
        ssda903.read_extract(tmp_path / "broken.xml")
    with pytest.raises(ExtractError, match="There is no folder or file"):
        ssda903.read_extract(tmp_path / "nowhere")


def test_tables_are_written_with_the_903_columns_and_lf_lines():
    data = ssda903.table_bytes(ssda903.REVIEW_COLUMNS, [("A1", "01/02/2015", "03/04/2020", "PN1")])
    assert data == b"CHILD,DOB,REVIEW,REVIEW_CODE\nA1,01/02/2015,03/04/2020,PN1\n"


@pytest.mark.parametrize("child", ["12/34", "x" * 41, "A\u200bB", "Tab\there"])
def test_a_child_id_the_receiver_could_not_carry_is_refused_at_import_with_the_rule(child):
    """One rule for a child's id (domain/identifiers.py): what a hand import takes, the council's feed and
    receiver carry too, so a child imported by hand can always be allocated and fed."""
    from iro_desktop.sync.protocol import is_child_id

    record, issues = ssda903.parse_header(
        RawRow({"CHILD": child, "DOB": "01/02/2015"}, Where("header.csv", 2))
    )
    assert record is None and not is_child_id(child)
    (issue,) = issues
    assert issue.column == "CHILD" and "1 to 40 printable characters, without /" in issue.reason


def test_a_child_id_with_inner_spaces_and_other_scripts_is_taken_on_both_sides():
    from iro_desktop.sync.protocol import is_child_id

    for child in ("A 123", "Łódź-7", "٣٤٥"):
        record, _ = ssda903.parse_header(
            RawRow({"CHILD": child, "DOB": "01/02/2015"}, Where("header.csv", 2))
        )
        assert record is not None and is_child_id(child)


def _header_row(child: str) -> RawRow:
    return RawRow({"CHILD": child, "DOB": "01/02/2015"}, Where("header.csv", 2))
