"""The councils' own 903 validator (csc-validator-be-903 0.1.17) run on what the app exports.

It is installed into its own virtual environment (.venv-validate903, made once and reused): it pins
pandas<2, which the app never has. The public fake data is read from ../shared/data/903.
"""

from __future__ import annotations

from collections import Counter

import pytest

from iro_desktop.interop.ssda903 import REVIEW_COLUMNS
from iro_desktop.services.export903 import CollectionYear, export_903
from iro_desktop.services.import903 import import_903
from tests.interop.conftest import fake_903, reviews_findings, three_tables
from tests.interop.helpers import APP_REVIEWS_2027, app_caseload, read_rows

REVIEW_RULES = {"166", "167", "399", "440", "441", "1012", "INT08", "INT17"}
FAKE_RULESET, FAKE_YEAR = "lac2022_23", 2018  # as the expected outputs in ../shared/data/903/expected


def _ruleset(end_year: int) -> str:
    return f"lac{end_year - 1}_{end_year % 100:02d}"


@pytest.mark.parametrize(
    "caseload, end_year",
    [("app_caseload", 2027), ("demo", 2026), ("demo", 2027)],
)
def test_reviews_recorded_in_the_app_pass_the_validators_review_rules(
    request, tmp_path, validator, caseload, end_year
):
    if caseload == "demo":
        store = request.getfixturevalue("demo_store")
    else:
        store = request.getfixturevalue("store")
        app_caseload(store)
    out = tmp_path / "return"
    result = export_903(store, out, CollectionYear(end_year), with_header_episodes=True)
    assert result.tables.reviews, "the caseload has reviews in the year"
    if caseload == "app_caseload":
        assert result.tables.reviews == APP_REVIEWS_2027
    found = validator(out, end_year, _ruleset(end_year))
    assert found["tables"]["Reviews"] == len(result.tables.reviews)
    assert not REVIEW_RULES & set(found["rules_not_run"])
    assert reviews_findings(found, REVIEW_RULES) == []


def _keyed(found: dict, folder, children: set[str]) -> Counter:
    """The validator's REVIEWS findings as (rule, CHILD, REVIEW, REVIEW_CODE): row numbers differ by file."""
    rows = read_rows(folder / "reviews.csv")
    keys = Counter()
    for f in reviews_findings(found):
        row = rows[f["row"]]
        if row["CHILD"] in children:
            keys[(f["rule"], row["CHILD"], row["REVIEW"], row["REVIEW_CODE"])] += 1
    return keys


def test_round_trip_of_the_public_fake_set_neither_invents_nor_drops_a_review(store, tmp_path, validator):
    original = three_tables(fake_903("d2i_fake"), tmp_path / "original")
    report = import_903(store, original)
    out = tmp_path / "export"
    export_903(store, out, None, with_header_episodes=True)

    refused_rows = {i.where.row for i in report.refused if i.where.file == "reviews.csv"}
    # Reviews whose code contradicts the child's age are taken without the code, and wait for the IRO.
    codeless_rows = {i.where.row for i in report.left_out if i.column == "REVIEW_CODE"}
    source_rows = read_rows(original / "reviews.csv")
    whole = Counter(
        tuple(r.values()) for n, r in enumerate(source_rows, start=2) if n not in refused_rows | codeless_rows
    )
    exported = Counter(tuple(r.values()) for r in read_rows(out / "reviews.csv"))
    assert list(read_rows(out / "reviews.csv")[0]) == list(REVIEW_COLUMNS)
    assert exported == whole and max(exported.values()) == 1
    assert report.reviews.created == 12_582 - len(refused_rows)

    children = {child for child, *_ in exported}
    on_export = _keyed(validator(out, FAKE_YEAR, FAKE_RULESET), out, children)
    on_original = _keyed(validator(original, FAKE_YEAR, FAKE_RULESET), original, children)
    assert on_export - on_original == Counter()


def test_the_tiny_set_is_imported_with_the_refusals_the_validator_expects(store):
    expected = read_rows(
        fake_903("expected") / "d2i_fake_tiny_csc-validator-be-903_0.1.17_lac2022_23_year2018_issues.csv"
    )
    expected_rows = {
        int(e["row_id"]) + 2: e["rule_code"] for e in expected if e["tables_affected"] == "Reviews"
    }
    report = import_903(store, fake_903("d2i_fake_tiny"))
    refused = {i.where.row: i.reason for i in report.refused}
    codeless = {i.where.row: i.reason for i in report.left_out if i.column == "REVIEW_CODE"}
    assert {i.where.file for i in report.refused} == {"reviews.csv"}  # every header and episode row is taken
    assert set(refused) | set(codeless) == set(expected_rows) and not set(refused) & set(codeless)
    for row, rule in expected_rows.items():
        assert f"(903 rule {rule})" in (refused | codeless)[row]
        assert (row in codeless) == (rule in ("440", "441"))  # held reviews kept, only the code left out
    assert (report.children.created, report.episodes.created, report.reviews.created) == (8, 9, 25 - 5)
