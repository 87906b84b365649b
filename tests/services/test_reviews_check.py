"""Entry checks on a review recorded in the app: what the IRO is told before the 903 return could go wrong."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from iro_desktop.services.reviews_check import all_short_breaks, review_entry_findings, review_entry_problems


@dataclass
class _Child:
    dob: date
    display_name: str = "Ava Example"


@dataclass
class _Episode:
    legal_status: str


CARE_ORDER = [_Episode("C2")]
AVA = _Child(date(2020, 5, 10))  # 4th birthday: 10 May 2024


@pytest.mark.parametrize(
    "day, code",
    [
        (date(2024, 5, 9), "PN0"),  # the day before her 4th birthday
        (date(2024, 5, 10), "PN0"),  # on the birthday either kind of code is accepted (903 rules 440/441)
        (date(2024, 5, 10), "PN1"),
        (date(2024, 5, 11), "PN6"),
    ],
)
def test_a_code_that_fits_the_childs_age_is_accepted(day, code):
    assert review_entry_problems(AVA, day, code, CARE_ORDER) == []


def test_pn0_for_a_child_of_four_or_more_is_refused_with_her_age():
    assert review_entry_problems(AVA, date(2025, 6, 1), "PN0", CARE_ORDER) == [
        "PN0 is only for a child under 4 on the review date; Ava Example was 5."
    ]
    assert [p.rule for p in review_entry_findings(AVA, date(2025, 6, 1), "PN0", CARE_ORDER)] == ["440"]


def test_a_participation_code_for_a_child_under_four_is_refused():
    findings = review_entry_findings(AVA, date(2021, 1, 4), "PN1", CARE_ORDER)
    assert [(p.rule, p.message) for p in findings] == [
        ("441", "PN1 is for a child aged 4 or over; Ava Example was under 1 on the review date, so use PN0.")
    ]


def test_a_review_for_a_child_whose_episodes_are_all_short_breaks_is_refused():
    breaks = [_Episode("V3"), _Episode("V4")]
    assert [p.rule for p in review_entry_findings(AVA, date(2025, 6, 1), "PN1", breaks)] == ["399"]
    assert review_entry_problems(AVA, date(2025, 6, 1), "PN1", [*breaks, _Episode("V2")]) == []
    assert all_short_breaks(breaks) and not all_short_breaks([])


def test_a_review_for_a_child_with_no_episode_is_refused():
    (problem,) = review_entry_findings(AVA, date(2025, 6, 1), "PN1", [])
    assert problem.rule == "1012" and "Ava Example has no placement episodes" in problem.message


@pytest.mark.parametrize("code", ["", None, "pn1", "PN8"])
def test_a_missing_or_unknown_code_is_refused(code):
    (problem,) = review_entry_findings(AVA, date(2025, 6, 1), code, CARE_ORDER)
    assert problem.rule == "167" and "use one of PN0 to PN7" in problem.message


def test_every_problem_is_told_at_once():
    problems = review_entry_problems(AVA, date(2025, 6, 1), "PN0", [_Episode("V3")])
    assert len(problems) == 2 and "short breaks" in problems[0] and "PN0 is only" in problems[1]
