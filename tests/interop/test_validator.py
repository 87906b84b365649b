"""The councils' own 903 validator (csc-validator-be-903 0.1.17) run on what the app exports.

It is installed into its own virtual environment (.venv-validate903, made once and reused): it pins
pandas<2, which the app never has. The public fake data is read from ../shared/data/903.

The round trip of the public fake set (import, export, the validator on both) is done once for this module
and shared by the tests that read it: the validator on the full set is the slowest part of `make test`.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from iro_desktop.interop.ssda903 import REVIEW_COLUMNS
from iro_desktop.services.export903 import CollectionYear, ExportResult, export_903
from iro_desktop.services.import903 import ImportReport, import_903
from iro_desktop.store import Store, create_store
from iro_desktop.store.keys import TEST_KDF
from iro_desktop.store.models import Child, Review
from tests.conftest import PASSPHRASE
from tests.interop.conftest import fake_903, reviews_findings, three_tables
from tests.interop.helpers import APP_REVIEWS_2027, app_caseload, read_rows

REVIEW_RULES = {"166", "167", "399", "440", "441", "1012", "INT08", "INT17"}
FAKE_RULESET, FAKE_YEAR = "lac2022_23", 2018  # as the expected outputs in ../shared/data/903/expected
# Rules that rise on the export only because it leaves blank the fields the app does not hold on purpose
# (HOME_POST, URN, MOTHER, MC_DOB: docs/RULES.md X3). Each was read in lac_validator/rules/lac2022_23.
BLANK_FIELD_RULES = {
    "218": "URN is blank for a placement that needs one (the rule reads PLACE, DEC and PL_LA as well, "
    "but flags only a blank URN)",
    "392b": "HOME_POST or PL_POST is blank outside short breaks (PL_POST is exported; HOME_POST is not)",
    "393": "MOTHER is blank for a girl looked after outside short breaks",
}


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


def _held(row: dict) -> date | None:
    try:
        return datetime.strptime(row["REVIEW"], "%d/%m/%Y").date()
    except ValueError:
        return None


@dataclass
class RoundTrip:
    store: Store
    original: Path  # the fake set's header, episodes and reviews, as the council sent them
    report: ImportReport
    out: Path  # what the app exports of them
    result: ExportResult


@pytest.fixture(scope="module")
def fake_round_trip(tmp_path_factory):
    """The public fake set imported into a new store and exported again, with header and episodes.

    The fake set is an extract of several years (episodes from 2015 to 2018, reviews from 2015 on), not one
    collection year, so the export is of all years: the same scope as the original."""
    folder = tmp_path_factory.mktemp("fake-round-trip")
    original = three_tables(fake_903("d2i_fake"), folder / "original")
    store = create_store(folder / "caseload.db", PASSPHRASE, kdf=TEST_KDF, iro_name="Alex Example")
    report = import_903(store, original)
    result = export_903(store, folder / "export", None, with_header_episodes=True)
    yield RoundTrip(store, original, report, folder / "export", result)
    store.close()


@pytest.fixture(scope="module")
def validated(fake_round_trip, validator):
    """The validator's findings on the original fake set and on the export: run once each for the module."""
    trip = fake_round_trip
    return validator(trip.original, FAKE_YEAR, FAKE_RULESET), validator(trip.out, FAKE_YEAR, FAKE_RULESET)


def test_round_trip_of_the_public_fake_set_neither_invents_nor_drops_a_review(fake_round_trip, validated):
    trip = fake_round_trip
    store, original, report, out = trip.store, trip.original, trip.report, trip.out

    # The report's one line per row says what became of each: refused (never imported, so never exported),
    # or taken with its code left out because it contradicts the child's age (waiting for the IRO).
    lines = [r for r in report.csv_rows() if r[0] == "reviews.csv"]
    refused_rows = {int(r[1]) for r in lines if r[4] == "row refused"}
    taken = [r for r in lines if r[4] == "value left out, row taken"]
    codeless_rows = {int(r[1]) for r in taken if "REVIEW_CODE" in r[2]}
    assert len(lines) == len({r[1] for r in lines}) and not refused_rows & codeless_rows
    assert refused_rows == {i.where.row for i in report.refused if i.where.file == "reviews.csv"}
    assert codeless_rows == {i.where.row for i in report.left_out if i.column == "REVIEW_CODE"}
    source_rows = read_rows(original / "reviews.csv")
    whole = Counter(
        tuple(r.values()) for n, r in enumerate(source_rows, start=2) if n not in refused_rows | codeless_rows
    )
    exported = Counter(tuple(r.values()) for r in read_rows(out / "reviews.csv"))
    assert list(read_rows(out / "reviews.csv")[0]) == list(REVIEW_COLUMNS)
    assert exported == whole and max(exported.values()) == 1
    # Every row is exported, refused with its reason, or waiting for its code: none is dropped unsaid.
    assert sum(exported.values()) + len(refused_rows) + len(codeless_rows) == len(source_rows) == 12_582
    assert report.reviews.created == len(source_rows) - len(refused_rows)
    today = store.clock.today()
    future = {n for n, r in enumerate(source_rows, start=2) if _held(r) and _held(r) > today}
    assert future and future <= refused_rows  # a review dated after the import day never goes back as held
    assert all(_held(dict(zip(REVIEW_COLUMNS, r, strict=True))) <= today for r in exported)

    children = {child for child, *_ in exported}
    found_on_original, found_on_export = validated
    on_export = _keyed(found_on_export, out, children)
    on_original = _keyed(found_on_original, original, children)
    assert on_export - on_original == Counter()


def test_every_review_held_in_the_exported_years_is_exported_or_in_the_report_with_its_reason(
    fake_round_trip, tmp_path
):
    """Whatever the import took or refused: each held review in the store (all years, as exported) is a row
    of reviews.csv or a line of the saved report saying why not, never both, never neither."""
    trip = fake_round_trip
    with trip.store.session() as s:
        rows = s.execute(
            select(Child.child_ref, Review.held_date).join(Review.child).where(Review.held_date.is_not(None))
        )
        held = Counter(map(tuple, rows))
    exported = Counter(
        (r["CHILD"], datetime.strptime(r["REVIEW"], "%d/%m/%Y").date())
        for r in read_rows(trip.out / "reviews.csv")
    )
    trip.result.save_report(tmp_path / "report.csv")
    report = read_rows(tmp_path / "report.csv")
    left_out = Counter(
        (r["CHILD"], date.fromisoformat(r["review_date"])) for r in report if r["outcome"] == "left out"
    )
    reported_exported = Counter(
        (r["CHILD"], date.fromisoformat(r["review_date"])) for r in report if r["outcome"] == "exported"
    )
    assert exported + left_out == held and not set(exported) & set(left_out)
    assert reported_exported == exported  # the report lists the exported ones too
    assert all(r["reason"] for r in report if r["outcome"] == "left out")
    assert left_out and len(held) > 1000  # reviews taken without their code, waiting for one


def test_the_export_adds_no_validator_finding_but_for_the_fields_the_app_does_not_hold(
    fake_round_trip, validated
):
    """For every rule, in every table, the export has no more flagged rows than the council's own file (and
    no more for any one child), except the rules that test only the blank fields, which the report names."""
    found_on_original, found_on_export = validated
    assert found_on_export["tables"]["Episodes"] == found_on_original["tables"]["Episodes"]  # every year
    assert set(found_on_export["rules_not_run"]) <= set(found_on_original["rules_not_run"])
    per_rule = [Counter(f["rule"] for f in found["findings"]) for found in validated]
    per_child = [Counter((f["rule"], f["child"]) for f in found["findings"]) for found in validated]
    rising = {rule for rule in per_rule[1] if per_rule[1][rule] > per_rule[0][rule]}
    assert rising - set(BLANK_FIELD_RULES) == set(), {r: (per_rule[0][r], per_rule[1][r]) for r in rising}
    assert {rule for rule, _child in per_child[1] - per_child[0]} <= set(BLANK_FIELD_RULES)
    assert rising == set(BLANK_FIELD_RULES)  # each still rises: a rule that no longer does leaves the list
    note = next(n for n in fake_round_trip.result.notes if n.startswith("Left blank on purpose"))
    assert set(BLANK_FIELD_RULES) <= set(re.findall(r"\b\d+[a-z]?\b", note))  # named beside the fields


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
