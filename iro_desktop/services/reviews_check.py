"""Checks a review must pass before it is recorded, so that the 903 return built from it is right first time.

The same checks decide which reviews the SSDA903 import takes and which the export sends. An imported review
whose code contradicts the child's age is kept without its code (it was held) until the IRO records one;
the export leaves out any review that would fail the return, and says why.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from iro_desktop.domain.codes import (
    PARTICIPATION,
    SHORT_BREAK_LEGAL_STATUSES,
    UNDER_FOUR_CODE,
    participation_problem,
)


class _ChildLike(Protocol):
    dob: date

    @property
    def display_name(self) -> str: ...


class _EpisodeLike(Protocol):
    legal_status: str


@dataclass(frozen=True)
class EntryProblem:
    rule: str  # the 903 validation rule the review would break ('' when the message alone says it)
    message: str  # a plain sentence for the IRO


def all_short_breaks(episodes: Iterable[_EpisodeLike]) -> bool:
    """True when there are episodes and every one is a short break (legal status V3 or V4)."""
    statuses = [e.legal_status for e in episodes]
    return bool(statuses) and all(s in SHORT_BREAK_LEGAL_STATUSES for s in statuses)


def review_entry_findings(
    child: _ChildLike, review_date: date, code: str | None, episodes: Iterable[_EpisodeLike]
) -> list[EntryProblem]:
    """Every reason the review cannot be recorded as it is; an empty list means it can."""
    episodes = list(episodes)
    name = child.display_name.strip() or "the child"
    problems = []
    if not episodes:
        message = f"{name} has no placement episodes, so no review can go in the 903 return yet."
        problems.append(EntryProblem("1012", message))
    elif all_short_breaks(episodes):
        message = f"{name}'s episodes are all short breaks (V3/V4): their reviews are not in the 903 return."
        problems.append(EntryProblem("399", message))
    problem = participation_problem(code or "", child.dob, review_date, name)
    if problem:
        problems.append(EntryProblem(_age_rule(code, child.dob, review_date), problem))
    return problems


def _age_rule(code: str | None, dob: date, review_date: date) -> str:
    if code not in PARTICIPATION:
        return "167"
    if review_date < dob:
        return ""  # no 903 rule names this; the message does
    return "440" if code == UNDER_FOUR_CODE else "441"


def review_entry_problems(
    child: _ChildLike, review_date: date, code: str | None, episodes: Iterable[_EpisodeLike]
) -> list[str]:
    """The plain messages of review_entry_findings, for a form to show beside the fields."""
    return [p.message for p in review_entry_findings(child, review_date, code, episodes)]
