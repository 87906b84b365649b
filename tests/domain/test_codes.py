"""SSDA903 code lists (docs/RULES.md N5, N6) and participation rules 440/441 (docs/RULES.md N2)."""

from datetime import date

import pytest

from iro_desktop.domain import codes
from iro_desktop.domain.codes import age_on, participation_allowed, participation_problem

D = date.fromisoformat


def _range(prefix, first, last):
    return {f"{prefix}{i}" for i in range(first, last + 1)}


@pytest.mark.parametrize(
    ("table", "expected"),
    [
        pytest.param(
            codes.LEGAL_STATUS,
            {"C1", "C2", "D1", "E1", "V2", "V3", "V4", "L1", "L2", "L3", "J1", "J2", "J3"},
            id="3.5 LS rule 144",
        ),
        pytest.param(
            codes.PLACEMENT_TYPE,
            _range("A", 3, 6)
            | _range("U", 1, 6)
            | {"K1", "K2", "K3", "H5", "P1", "P2", "P3", "R1", "R2", "R3", "R5", "S1"}
            | _range("T", 0, 4)
            | {"Z1"}
            | _range("Z", 11, 14),
            id="3.5 PLACE rule 146 all years",
        ),
        pytest.param(codes.REASON_NEW_EPISODE, set("SLPTBU"), id="3.5 RNE rule 143"),
        pytest.param(
            codes.REASON_EPISODE_CEASED,
            {"X1", "E11", "E12", "E2", "E3", "E4A", "E4B", "E13", "E41", "E45", "E46", "E47", "E48"}
            | {"E5", "E6", "E7", "E8", "E9", "E14", "E15", "E16", "E17"},
            id="3.5 REC rule 149",
        ),
        pytest.param(codes.CATEGORY_OF_NEED, _range("N", 1, 8), id="3.5 CIN rule 145"),
        pytest.param(codes.PLACEMENT_PROVIDER, _range("PR", 0, 5), id="3.5 PLACE_PROVIDER rule 178"),
        pytest.param(codes.PARTICIPATION, _range("PN", 0, 7), id="3.2 REVIEW_CODE rule 167"),
        pytest.param(codes.PARTICIPATION_PLAIN, _range("PN", 0, 7), id="3.2 plain PN labels"),
    ],
)
def test_code_lists_are_complete(table, expected):
    assert set(table) == expected
    assert all(meaning.strip() for meaning in table.values())


@pytest.mark.parametrize(
    ("table", "code", "fragment"),
    [
        pytest.param(codes.LEGAL_STATUS, "E1", "Placement order", id="3.5 LS E1"),
        pytest.param(codes.LEGAL_STATUS, "V3", "short-term breaks", id="3.5 LS V3"),
        pytest.param(codes.PLACEMENT_TYPE, "Z12", "not yet published", id="3.5 PLACE Z11-Z14 uncertain"),
        pytest.param(codes.PLACEMENT_TYPE, "K3", "supported accommodation", id="3.5 PLACE K3"),
        pytest.param(codes.PARTICIPATION, "PN0", "under 4", id="3.2 PN0 full meaning"),
        pytest.param(codes.PARTICIPATION_PLAIN, "PN1", "Came and spoke for themselves", id="3.2 PN1 plain"),
    ],
)
def test_code_meanings(table, code, fragment):
    assert fragment in table[code]


def test_plain_participation_labels_are_distinct():
    labels = list(codes.PARTICIPATION_PLAIN.values())
    assert len(set(labels)) == len(labels)


def test_cycle_code_sets():
    """1.3 rule 399 and 1.4: the codes that suggest the short-break or adoption cycles."""
    assert codes.SHORT_BREAK_LEGAL_STATUSES == frozenset({"V3", "V4"})
    assert codes.ADOPTION_LEGAL_STATUSES == {"E1"}
    assert codes.ADOPTION_PLACEMENTS == {"A3", "A4", "A5", "A6"}
    assert codes.SHORT_BREAK_LEGAL_STATUSES <= set(codes.LEGAL_STATUS)
    assert codes.ADOPTION_PLACEMENTS <= set(codes.PLACEMENT_TYPE)


@pytest.mark.parametrize(
    ("dob", "day", "age"),
    [
        pytest.param("2020-06-15", "2024-06-14", 3, id="N2 age_on: day before 4th birthday"),
        pytest.param("2020-06-15", "2024-06-15", 4, id="N2 age_on: on 4th birthday"),
        pytest.param("2020-02-29", "2024-02-28", 3, id="N2 age_on: 29 Feb child day before leap birthday"),
        pytest.param("2020-02-29", "2024-02-29", 4, id="N2 age_on: 29 Feb child on leap birthday"),
        pytest.param(
            "2020-02-29", "2023-02-28", 3, id="N2 age_on: 29 Feb child birthday 28 Feb (calendar month)"
        ),
        pytest.param("2020-02-29", "2023-02-27", 2, id="N2 age_on: 29 Feb child day before 28 Feb"),
        pytest.param("2020-06-15", "2020-06-15", 0, id="N2 age_on: on the day of birth"),
        pytest.param("2020-06-15", "2020-01-01", 0, id="N2 age_on: before birth is 0"),
    ],
)
def test_age_on(dob, day, age):
    assert age_on(D(dob), D(day)) == age


# Child born 15 Jun 2020: 4th birthday 15 Jun 2024.
@pytest.mark.parametrize(
    ("code", "dob", "review", "allowed"),
    [
        pytest.param("PN0", "2020-06-15", "2024-06-14", True, id="N2 rule 440 PN0 under 4"),
        pytest.param("PN0", "2020-06-15", "2024-06-15", True, id="N2 rule 440 PN0 on 4th birthday accepted"),
        pytest.param("PN0", "2020-06-15", "2024-06-16", False, id="N2 rule 440 PN0 day after 4th birthday"),
        pytest.param("PN0", "2015-01-01", "2020-03-01", False, id="N2 rule 440 PN0 aged 5"),
        pytest.param("PN1", "2020-06-15", "2024-06-14", False, id="N2 rule 441 PN1 day before 4th birthday"),
        pytest.param("PN1", "2020-06-15", "2024-06-15", True, id="N2 rule 441 PN1 on 4th birthday accepted"),
        pytest.param("PN7", "2020-06-15", "2024-06-16", True, id="N2 rule 441 PN7 aged 4"),
        pytest.param("PN4", "2023-01-01", "2024-01-01", False, id="N2 rule 441 PN4 aged 1"),
        pytest.param("PN0", "2020-02-29", "2024-02-29", True, id="N2 rule 440 29 Feb child leap 4th bday"),
        pytest.param("PN0", "2021-02-28", "2025-02-28", True, id="N2 rule 440 PN0 on a 28 Feb 4th birthday"),
        pytest.param("PN0", "2020-02-29", "2024-03-01", False, id="N2 rule 440 29 Feb child aged 4 on 1 Mar"),
        pytest.param("PN2", "2020-02-29", "2024-02-28", False, id="N2 rule 441 29 Feb child day before 4"),
        # A 29 Feb child's 4th birthday is a leap day except across a century: 2100 is not a leap year.
        pytest.param("PN0", "2096-02-29", "2100-02-28", True, id="N2 rule 440 29 Feb child 4 on 28 Feb 2100"),
        pytest.param("PN1", "2096-02-29", "2100-02-28", True, id="N2 rule 441 29 Feb child 4 on 28 Feb 2100"),
        pytest.param("PN1", "2096-02-29", "2100-02-27", False, id="N2 rule 441 29 Feb child 3 27 Feb 2100"),
        pytest.param("PN0", "2096-02-29", "2100-03-01", False, id="N2 rule 440 29 Feb child 4 on 1 Mar 2100"),
        pytest.param("pn1", "2010-01-01", "2024-01-01", False, id="N1 rule 167 lower case code invalid"),
        pytest.param("PN8", "2010-01-01", "2024-01-01", False, id="N1 rule 167 unknown code invalid"),
        pytest.param("", "2010-01-01", "2024-01-01", False, id="N1 rule 167 blank code invalid"),
    ],
)
def test_participation_allowed(code, dob, review, allowed):
    assert participation_allowed(code, D(dob), D(review)) is allowed


@pytest.mark.parametrize(
    ("code", "dob", "review", "name", "message"),
    [
        pytest.param(
            "PN0",
            "2020-06-15",
            "2025-07-01",
            "Alex",
            "PN0 is only for a child under 4 on the review date; Alex was 5.",
            id="N2 rule 440 message with name",
        ),
        pytest.param(
            "PN0",
            "2020-06-15",
            "2024-06-16",
            "",
            "PN0 is only for a child under 4 on the review date; the child was 4.",
            id="N2 rule 440 message without name",
        ),
        pytest.param(
            "PN1",
            "2022-01-10",
            "2024-06-01",
            "Sam",
            "PN1 is for a child aged 4 or over; Sam was 2 on the review date, so use PN0.",
            id="N2 rule 441 message",
        ),
        pytest.param(
            "PN6",
            "2024-01-10",
            "2024-06-01",
            "Sam",
            "PN6 is for a child aged 4 or over; Sam was under 1 on the review date, so use PN0.",
            id="N2 rule 441 message for a baby",
        ),
        pytest.param(
            "PN9",
            "2010-01-10",
            "2024-06-01",
            "Sam",
            "PN9 is not a participation code; use one of PN0 to PN7.",
            id="N1 rule 167 message",
        ),
        pytest.param("PN0", "2020-06-15", "2024-06-15", "Alex", None, id="N2 4th birthday PN0 no problem"),
        pytest.param("PN3", "2020-06-15", "2024-06-15", "Alex", None, id="N2 4th birthday PN3 no problem"),
    ],
)
def test_participation_problem(code, dob, review, name, message):
    assert participation_problem(code, D(dob), D(review), name) == message
