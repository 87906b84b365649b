"""Importing the council's 903 data into a real store, as an IRO does it month after month."""

from __future__ import annotations

import csv
import shutil
from collections import Counter
from datetime import date, datetime

import pytest
from sqlalchemy import func, select

from iro_desktop.domain.calendar import format_date
from iro_desktop.services.import903 import ImportCancelled, ImportProblem, Selection, import_903
from iro_desktop.store.models import Challenge, Child, Decision, Person, Review, WishEntry
from tests.interop.conftest import fake_903
from tests.interop.helpers import read_rows, snapshot, write_rows


@pytest.fixture
def tiny(tmp_path):
    """A private copy of the tiny public set, so a test can play next month's extract on it."""
    return shutil.copytree(fake_903("d2i_fake_tiny"), tmp_path / "extract")


def _reviews(store, ref):
    with store.session() as s:
        child = s.scalars(select(Child).where(Child.child_ref == ref)).one()
        return [(r.held_date, r.participation_code, r.source, r.number) for r in child.reviews]


def test_importing_the_same_files_twice_changes_nothing(store, tiny):
    first = import_903(store, tiny)
    before = snapshot(store)
    again = import_903(store, tiny)
    assert snapshot(store) == before
    assert (first.children.created, first.episodes.created, first.reviews.created) == (8, 9, 20)
    assert (again.children.created, again.children.updated, again.children.unchanged) == (0, 0, 8)
    assert (again.episodes.created, again.episodes.updated, again.reviews.created, again.reviews.updated) == (
        0,
        0,
        0,
        0,
    )


def _record_in_the_app(store):
    with store.session() as s:
        child = s.scalars(select(Child).where(Child.child_ref == "3299")).one()
        child.preferred_name, child.first_name, child.review_cycle = "Robin", "Robyn", "adoption_placed"
        s.add_all(
            [
                Person(child_id=child.id, role="social_worker", name="Sam Example"),
                Decision(child_id=child.id, action="Life-story work to start", person_responsible="Sam"),
                WishEntry(child_id=child.id, recorded_on=date(2017, 1, 9), how_obtained="consultation_form",
                          words="I want to stay at my school."),
                Challenge(child_id=child.id, issue="drift", raised_on=date(2017, 2, 1)),
                Review(child_id=child.id, held_date=date(2017, 6, 1), participation_code="PN1", status="held",
                       source="app", number=3),
            ]
        )  # fmt: skip


def _next_month(folder):
    header, episodes, reviews = (read_rows(folder / n) for n in ("header.csv", "episodes.csv", "reviews.csv"))
    header[0]["UPN"] = "N007013262099"  # 3299's UPN corrected
    episodes[0].update(DEC="30/06/2017", REC="E4A")  # 3299's episode end corrected
    episodes.append(dict(episodes[0], DECOM="01/09/2017", RNE="S", LS="C1", DEC="", REC=""))  # back into care
    reviews[0]["REVIEW_CODE"] = "PN5"  # 13/07/2016 code corrected
    reviews.insert(2, dict(reviews[1], REVIEW="01/06/2017", REVIEW_CODE="PN2"))  # the IRO recorded this day
    reviews.insert(3, dict(reviews[1], REVIEW="01/10/2017", REVIEW_CODE="PN6"))  # new
    for name, rows in (("header.csv", header), ("episodes.csv", episodes), ("reviews.csv", reviews)):
        write_rows(folder / name, rows)


def test_next_months_extract_updates_what_changed_and_keeps_what_the_iro_recorded(store, tiny):
    import_903(store, tiny)
    _record_in_the_app(store)
    app_tables = {
        k: v for k, v in snapshot(store).items() if k in ("people", "decisions", "wishes", "challenges")
    }
    _next_month(tiny)
    report = import_903(store, tiny)
    assert (report.children.updated, report.children.unchanged) == (1, 7)
    assert (report.episodes.created, report.episodes.updated, report.periods.created) == (1, 1, 1)
    assert (report.reviews.created, report.reviews.updated, report.reviews_in_app) == (1, 1, 1)
    after = snapshot(store)
    assert {k: after[k] for k in app_tables} == app_tables
    child = _child(store, "3299")
    assert (child.preferred_name, child.first_name, child.review_cycle, child.upn) == (
        "Robin", "Robyn", "adoption_placed", "N007013262099",
    )  # fmt: skip
    assert [(p.start_date, p.end_date) for p in child.periods] == [
        (date(2015, 11, 3), date(2017, 6, 30)),
        (date(2017, 9, 1), None),
    ]
    assert _reviews(store, "3299") == [
        (date(2016, 7, 13), "PN5", "903", 1),
        (date(2017, 1, 9), "PN7", "903", 2),
        (date(2017, 6, 1), "PN1", "app", 3),  # the IRO's own record of that review wins
        (date(2017, 10, 1), "PN6", "903", 1),  # first review of the new period of care
    ]


def _child(store, ref) -> Child:
    with store.session() as s:
        child = s.scalars(select(Child).where(Child.child_ref == ref)).one()
        _ = [p.episodes for p in child.periods]
        return child


def test_an_interrupted_import_leaves_the_store_as_it_was(store, tiny):
    import_903(store, tiny)
    _next_month(tiny)
    before = snapshot(store)

    def fail_halfway(done, total):
        if done > total // 2:
            raise ImportCancelled

    with pytest.raises(ImportCancelled):
        import_903(store, tiny, progress=fail_halfway)
    assert snapshot(store) == before
    assert import_903(store, tiny).reviews.created == 2  # and the same import runs through afterwards


def test_the_iro_chooses_their_children_by_id(store, tiny):
    report = import_903(store, tiny, Selection.of_ids(["3299", "605926", "999999"]))
    with store.session() as s:
        assert sorted(s.scalars(select(Child.child_ref))) == ["3299", "605926"]
    assert report.children.created == 2 and report.other_children_rows == 8 + 9 + 25 - 2 - 2 - 4
    assert "Not in the files, so not imported: 999999." in report.notes


def test_the_iro_chooses_their_children_by_the_name_the_council_adds(store, tiny):
    header = read_rows(tiny / "header.csv")
    for row, iro in zip(header, ["Jo Example", "A N Other", "jo  example", "", "", "", "", ""], strict=True):
        row["IRO"] = iro
    write_rows(tiny / "header.csv", header)
    report = import_903(store, tiny, Selection.by_iro("Jo Example", "iro"))
    with store.session() as s:
        assert sorted(s.scalars(select(Child.child_ref))) == ["307124", "3299"]
    assert "header.csv: the IRO column was read to choose your children." in report.notes
    assert "header.csv: columns outside the 903 layout were ignored: IRO." in import_903(store, tiny).notes
    nobody = import_903(store, tiny, Selection.by_iro("Pat Nobody"))
    assert any("Names there: A N Other, Jo Example, jo  example." in note for note in nobody.notes)
    with pytest.raises(ImportProblem, match="None of the files has the column WORKER"):
        import_903(store, tiny, Selection.by_iro("Jo Example", "WORKER"))


HEADER = [
    {"CHILD": "C1", "SEX": "1", "DOB": "01/02/2010", "ETHNIC": "WBRI", "UPN": "", "MOTHER": "", "MC_DOB": ""},
    {"CHILD": "C2", "SEX": "2", "DOB": "31/02/2011", "ETHNIC": "WBRI", "UPN": "", "MOTHER": "", "MC_DOB": ""},
    {"CHILD": "C1", "SEX": "1", "DOB": "01/02/2010", "ETHNIC": "XXXX", "UPN": "", "MOTHER": "", "MC_DOB": ""},
]
EPISODE = dict.fromkeys(["DEC", "REC", "REASON_PLACE_CHANGE", "HOME_POST", "PL_POST", "URN"], "")
EPISODE.update(DECOM="01/03/2017", RNE="S", LS="C2", CIN="N1", PLACE="U4", PLACE_PROVIDER="PR1")


def _dirty_folder(folder):
    folder.mkdir()
    write_rows(folder / "header.csv", HEADER)
    write_rows(
        folder / "episodes.csv",
        [
            {"CHILD": "C1", **EPISODE},
            {"CHILD": "C1", **EPISODE, "LS": "c2"},  # the same episode again
            {"CHILD": "C2", **EPISODE},  # its child's header row was refused
            {"CHILD": "C9", **EPISODE},  # not in the header
            {"CHILD": "C1", **EPISODE, "DECOM": "01/06/2017", "RNE": "P", "PLACE": "Q1"},
        ],
    )
    write_rows(
        folder / "reviews.csv",
        [
            {"CHILD": "C1", "DOB": "01/02/2010", "REVIEW": "20/03/2017", "REVIEW_CODE": "PN1"},
            {"CHILD": "C1", "DOB": "01/02/2010", "REVIEW": "20/03/2017", "REVIEW_CODE": "PN2"},
            {"CHILD": "C1", "DOB": "02/02/2010", "REVIEW": "20/04/2017", "REVIEW_CODE": "PN1"},
            {"CHILD": "C1", "DOB": "01/02/2010", "REVIEW": "20/05/2017", "REVIEW_CODE": "pr0"},
            {"CHILD": "C1", "DOB": "01/02/2010", "REVIEW": "20/06/2017", "REVIEW_CODE": "PN0"},
            {"CHILD": "C1", "DOB": "01/02/2010", "REVIEW": "20/07/2017", "REVIEW_CODE": "pn6"},
        ],
    )
    return folder


DIRTY_REASONS = {
    ("header.csv", 3, "DOB"): "DOB '31/02/2011' is not a date in the form dd/mm/yyyy.",
    ("header.csv", 4, "CHILD"): "CHILD C1 already has a header row (row 2); this one was not taken.",
    ("episodes.csv", 3, "DECOM"): "This child's episode of 1 Mar 2017 is already at row 2; "
    "this row was not taken.",
    ("episodes.csv", 4, "CHILD"): "CHILD C2's header row (row 3) was refused, so this row has no child.",
    ("episodes.csv", 5, "CHILD"): "CHILD C9 is not in the header table nor already in your caseload "
    "(903 rule INT08).",
    ("episodes.csv", 6, "PLACE"): "PLACE 'Q1' is not a 903 placement type code.",
    (
        "reviews.csv",
        3,
        "REVIEW",
    ): "This child's review of 20 Mar 2017 is already at row 2; this row was not taken.",
    ("reviews.csv", 4, "DOB"): "DOB 02/02/2010 differs from the child's date of birth 01/02/2010 in the "
    "header (903 rule INT17).",
    ("reviews.csv", 5, "REVIEW_CODE"): "REVIEW_CODE 'pr0' is not one of PN0-PN7 (903 rule 167).",
}
WRONG_AGE_CODE = (
    "PN0 is only for a child under 4 on the review date; Child C1 was 7 (903 rule 440). "
    "The review was taken without its code: record the right one in the app."
)


def test_every_row_not_taken_is_named_with_file_row_column_and_reason(store, tmp_path):
    report = import_903(store, _dirty_folder(tmp_path / "dirty"))
    refused = {(i.where.file, i.where.row, i.column): i.reason for i in report.refused}
    assert refused == DIRTY_REASONS
    left_out = {(i.where.file, i.where.row, i.column): i.reason for i in report.left_out}
    assert left_out[("reviews.csv", 6, "REVIEW_CODE")] == WRONG_AGE_CODE
    assert (report.children.created, report.episodes.created, report.reviews.created) == (1, 1, 3)
    assert _reviews(store, "C1") == [  # the review held on 20 Jun 2017 is kept, waiting for its code
        (date(2017, 3, 20), "PN1", "903", 1),
        (date(2017, 6, 20), None, "903", 2),
        (date(2017, 7, 20), "PN6", "903", 3),
    ]
    assert "Rows refused: 9" in report.summary_lines()
    twice = [r for r in report.csv_rows() if r[:2] == ("header.csv", "4")]  # a bad ETHNIC on a refused row
    assert twice == [
        ("header.csv", "4", "ETHNIC; CHILD", "XXXX; C1", "row refused",
         "ETHNIC 'XXXX' is not a 903 ethnicity code. "  # not "It was left blank": the row was not taken
         "CHILD C1 already has a header row (row 2); this one was not taken."),
    ]  # fmt: skip


def test_the_report_is_saved_as_csv_for_the_data_team(store, tmp_path):
    report = import_903(store, _dirty_folder(tmp_path / "dirty"))
    report.save_csv(tmp_path / "report.csv")
    with (tmp_path / "report.csv").open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0]) == ["file", "row", "column", "value", "outcome", "reason"]
    assert len(rows) == len(report.notes) + len({i.where for i in report.issues})  # one line per row
    expected = ["reviews.csv", "5", "REVIEW_CODE", "pr0", "row refused"]
    expected.append("REVIEW_CODE 'pr0' is not one of PN0-PN7 (903 rule 167).")
    assert dict(zip(rows[0], expected, strict=True)) in rows


FUTURE = "03/03/2030"  # after any day the tests run on (tests/conftest.py fixes the clock)


def _review(child, held, code, dob="01/02/2010"):
    return {"CHILD": child, "DOB": dob, "REVIEW": held, "REVIEW_CODE": code}


def _plain_folder(folder, today: date):
    """C1 in care since 1 Mar 2017 with two reviews held, the second on the import day itself."""
    folder.mkdir()
    write_rows(folder / "header.csv", HEADER[:1])
    write_rows(folder / "episodes.csv", [{"CHILD": "C1", **EPISODE}])
    held_today = today.strftime("%d/%m/%Y")
    write_rows(folder / "reviews.csv", [_review("C1", "20/03/2017", "PN1"), _review("C1", held_today, "PN2")])
    return folder


def test_a_review_dated_after_the_import_day_is_refused_naming_its_row_and_nothing_else_changes(
    store, tmp_path
):
    today = store.clock.today()
    assert today < date(2030, 3, 3)
    folder = _plain_folder(tmp_path / "plain", today)
    first = import_903(store, folder)
    assert first.issues == [] and first.reviews.created == 2  # a review held today is taken
    before = snapshot(store)

    reviews = read_rows(folder / "reviews.csv")
    reviews.insert(1, _review("C1", FUTURE, "PN1"))  # row 3: the review held today moves to row 4
    reviews.append(_review("C1", FUTURE.replace("2030", "2031"), "PN0"))  # row 5: its code is wrong too
    write_rows(folder / "reviews.csv", reviews)
    report = import_903(store, folder)

    assert snapshot(store) == before  # nothing written, nothing else changed
    assert (report.children.unchanged, report.reviews.unchanged, report.reviews.created) == (1, 2, 0)
    said = f"after today ({format_date(today)}): a review cannot have been held yet. The row was not taken."
    assert report.csv_rows() == [
        ("reviews.csv", "3", "REVIEW", FUTURE, "row refused", f"The review is dated 3 Mar 2030, {said}"),
        (
            "reviews.csv", "5", "REVIEW; REVIEW_CODE", "03/03/2031; PN0", "row refused",
            f"The review is dated 3 Mar 2031, {said} PN0 is only for a child under 4 on the review date; "
            "Child C1 was 21 (903 rule 440).",  # said of the refused row: not "taken without its code"
        ),
    ]  # fmt: skip
    assert report.left_out == []
    lines = report.summary_lines()
    assert "Rows refused: 2" in lines and "       2  review dated after today" in lines
    assert not any(line.startswith("Rows taken with a value left out") for line in lines)


def test_n3_a_row_refused_for_short_breaks_is_listed_once_with_its_n2_code_problem(store, tmp_path):
    folder = tmp_path / "breaks"
    folder.mkdir()
    write_rows(folder / "header.csv", HEADER[:1])
    write_rows(folder / "episodes.csv", [{"CHILD": "C1", **EPISODE, "LS": "V3"}])
    write_rows(
        folder / "reviews.csv", [_review("C1", "20/03/2017", "PN0"), _review("C1", "20/09/2017", "PN1")]
    )
    report = import_903(store, folder)
    assert report.reviews.created == 0
    rows = [r for r in report.csv_rows() if r[1] == "2"]
    assert len(rows) == 1 and rows[0][2:5] == ("CHILD; REVIEW_CODE", "C1; PN0", "row refused")
    assert "(903 rule 399)" in rows[0][5] and "(903 rule 440)" in rows[0][5]
    assert "taken without its code" not in rows[0][5]
    assert report.left_out == [] and report.rows_refused == 2 and report.rows_left_out == 0
    assert report.by_kind(refused=True) == [("child's episodes are all short breaks (903 rule 399)", 2)]
    assert "Rows refused: 2" in report.summary_lines()


def _future_rows(reviews_csv, today: date) -> dict[int, str]:
    """The rows of the file dated after today, as a spreadsheet numbers them, and their CHILD."""
    future = {}
    for n, row in enumerate(read_rows(reviews_csv), start=2):
        try:
            held = datetime.strptime(row["REVIEW"], "%d/%m/%Y").date()
        except ValueError:
            continue
        if held > today:
            future[n] = row["CHILD"]
    return future


def test_the_report_lists_each_row_of_the_fake_set_once_and_counts_rows_not_problems(store):
    source = fake_903("d2i_fake")
    report = import_903(store, source)
    lines = [r for r in report.csv_rows() if r[4] != "note"]
    places = Counter((r[0], r[1]) for r in lines)
    assert places and max(places.values()) == 1  # every row at most once
    assert set(places) == {(i.where.file, str(i.where.row)) for i in report.issues}  # and every row named

    refused = {(r[0], r[1]) for r in lines if r[4] == "row refused"}
    taken = {(r[0], r[1]) for r in lines if r[4] == "value left out, row taken"}
    assert refused | taken == set(places) and refused and taken
    assert {(i.where.file, str(i.where.row)) for i in report.issues if i.refused} == refused
    summary = report.summary_lines()
    assert any(s.startswith(f"Rows refused: {len(refused)}") for s in summary)
    assert any(s.startswith(f"Rows taken with a value left out: {len(taken)}") for s in summary)
    assert (report.rows_refused, report.rows_left_out) == (len(refused), len(taken))
    rows_of_kind = {True: {}, False: {}}  # the breakdown counts rows too: why each was refused, else left out
    for i in report.issues:
        place = (i.where.file, str(i.where.row))
        if i.refused or place in taken:
            rows_of_kind[place in refused].setdefault(i.kind, set()).add(place)
    for outcome, kinds in rows_of_kind.items():
        assert dict(report.by_kind(refused=outcome)) == {kind: len(rows) for kind, rows in kinds.items()}

    # The rows listed twice before: refused (short breaks, no episodes) with a code left out as well.
    both = [r for r in lines if r[4] == "row refused" and "REVIEW_CODE" in r[2].split("; ")]
    assert both and not any("taken without its code" in r[5] for r in both)
    assert not {(i.where.file, str(i.where.row)) for i in report.left_out} & refused

    today = store.clock.today()
    future = _future_rows(source / "reviews.csv", today)
    assert future  # the public set holds reviews dated years ahead
    named = {int(r[1]) for r in lines if r[0] == "reviews.csv" and "after today" in r[5]}
    assert named == set(future) and {("reviews.csv", str(n)) for n in future} <= refused
    assert dict(report.by_kind(refused=True))["review dated after today"] == len(future)
    with store.session() as s:
        assert s.scalar(select(func.count()).select_from(Review).where(Review.held_date > today)) == 0


def test_a_new_period_of_care_starts_where_the_reason_is_s_and_reviews_follow_it(store, tmp_path):
    folder = tmp_path / "periods"
    folder.mkdir()
    write_rows(folder / "header.csv", HEADER[:1])
    write_rows(
        folder / "episodes.csv",
        [
            {"CHILD": "C1", **EPISODE, "DEC": "01/05/2017", "REC": "X1"},
            {"CHILD": "C1", **EPISODE, "DECOM": "01/05/2017", "RNE": "L", "DEC": "01/09/2017", "REC": "E4A"},
            {"CHILD": "C1", **EPISODE, "DECOM": "01/01/2018", "RNE": "S", "LS": "V2"},
        ],
    )
    reviews = [("20/03/2017", "PN1"), ("20/06/2017", "PN2"), ("20/01/2018", "PN3")]
    write_rows(
        folder / "reviews.csv",
        [{"CHILD": "C1", "DOB": "01/02/2010", "REVIEW": d, "REVIEW_CODE": c} for d, c in reviews],
    )
    import_903(store, folder)
    child = _child(store, "C1")
    assert [(p.start_date, p.end_date, p.end_reason, len(p.episodes)) for p in child.periods] == [
        (date(2017, 3, 1), date(2017, 9, 1), "E4A", 2),
        (date(2018, 1, 1), None, None, 1),
    ]
    assert [r[3] for r in _reviews(store, "C1")] == [1, 2, 1]


def test_the_xml_form_imports_like_the_csv_files(store):
    report = import_903(store, fake_903("d2i_fake/fake_903.xml"))
    assert report.children.created == 253 and report.episodes.created == 459
    refused_reviews = {str(i.where) for i in report.refused if ", AREVIEW " in str(i.where)}
    assert report.reviews.created + len(refused_reviews) == 1206
    assert any(str(i.where).startswith("CHILD ") and ", AREVIEW " in str(i.where) for i in report.refused)


def test_nothing_is_written_beside_the_store_or_the_extract(store, store_path, tiny):
    before = {p.name for p in store_path.parent.rglob("*")}
    import_903(store, tiny)
    created = {p.name for p in store_path.parent.rglob("*")} - before
    assert created <= {store_path.name + "-wal", store_path.name + "-shm"}


def test_a_path_that_is_not_an_extract_is_refused_plainly(store, tmp_path):
    with pytest.raises(ImportProblem, match="There is no folder or file at"):
        import_903(store, tmp_path / "missing")
    (tmp_path / "notes.txt").write_text("hello")
    with pytest.raises(
        ImportProblem, match="notes.txt is neither a folder of 903 CSV files nor a 903 XML file"
    ):
        import_903(store, tmp_path / "notes.txt")
