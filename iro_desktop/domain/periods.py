"""Periods of care read from a child's 903 episodes: where one ends and the next begins (T1, T8).

Outside short breaks, a new period of care begins when an episode ended with a leaving reason (REC other
than X1) and the next episode starts on a later day, whatever that episode's RNE says: a return to care
coded P after weeks at home is still a return, and its first review is due within 20 working days.
A series of short breaks (LS V3/V4) is one arrangement for the T8 cycle, whatever RNE or REC each break
carries: it ends only after a gap longer than a setting (reg 48's wording is UNCERTAIN) or when the child
starts an episode under another legal status.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Protocol, TypeVar

from .calendar import add_months, format_date
from .codes import SHORT_BREAK_LEGAL_STATUSES

CONTINUES = "X1"  # REC: the episode ends and the next begins the same day
STARTED = "S"  # RNE: started to be looked after


class EpisodeLike(Protocol):
    start_date: date
    end_date: date | None
    end_reason: str | None
    reason_new: str | None
    legal_status: str | None


E = TypeVar("E", bound=EpisodeLike)


def is_short_break(episode: EpisodeLike) -> bool:
    return episode.legal_status in SHORT_BREAK_LEGAL_STATUSES


def _left_care(episode: EpisodeLike) -> bool:
    return episode.end_date is not None and bool(episode.end_reason) and episode.end_reason != CONTINUES


def starts_new_period(previous: EpisodeLike, episode: EpisodeLike, gap_months: int) -> bool:
    """True when `episode` begins a new period of care after `previous` (the episode before it)."""
    if is_short_break(previous) != is_short_break(episode):
        return True  # a series of short breaks ends when another legal status begins, and vice versa
    if is_short_break(episode):
        ended = previous.end_date
        return ended is not None and episode.start_date > add_months(ended, gap_months)
    return _left_care(previous) and episode.start_date > previous.end_date


def group_periods(episodes: Sequence[E], gap_months: int) -> list[list[E]]:
    """The episodes (in start order) split into periods of care."""
    groups: list[list[E]] = []
    for episode in sorted(episodes, key=lambda e: e.start_date):
        if not groups or starts_new_period(groups[-1][-1], episode, gap_months):
            groups.append([])
        groups[-1].append(episode)
    return groups


@dataclass(frozen=True)
class Inferred:
    """A reading of the 903 that its RNE codes alone do not say, for the import report."""

    day: date
    sentence: str


def inferred_boundaries(groups: Sequence[Sequence[EpisodeLike]]) -> list[Inferred]:
    """Where the grouping differs from "a new period at each RNE S": each said in a sentence."""
    found: list[Inferred] = []
    previous: EpisodeLike | None = None
    for group in groups:
        first = group[0]
        if previous is not None and is_short_break(previous) != is_short_break(first):
            found.append(Inferred(first.start_date, _status_change(previous, first)))
        elif previous is not None and first.reason_new != STARTED and not is_short_break(first):
            found.append(Inferred(first.start_date, _restart(previous, first)))
        if is_short_break(first) and any(e.reason_new == STARTED for e in group[1:]):
            found.append(Inferred(first.start_date, _series(group)))
        elif not is_short_break(first):
            found += [
                Inferred(e.start_date, _continued(before, e))
                for before, e in zip(group, group[1:], strict=False)
                if e.reason_new == STARTED
            ]
        previous = group[-1]
    return found


def _restart(previous: EpisodeLike, first: EpisodeLike) -> str:
    return (
        f"a new period of care starts on {format_date(first.start_date)}: the episode before ended on "
        f"{format_date(previous.end_date)} with reason {previous.end_reason}, though this episode's RNE is "
        f"{first.reason_new or 'blank'}, not S"
    )


def _status_change(previous: EpisodeLike, first: EpisodeLike) -> str:
    if is_short_break(first):
        return (
            f"short breaks (LS {first.legal_status}) from {format_date(first.start_date)} are read as a "
            f"series of their own, apart from the care under LS {previous.legal_status} before them"
        )
    return (
        f"a new period of care starts on {format_date(first.start_date)}, when the child began an episode "
        f"under LS {first.legal_status} after a series of short breaks (LS {previous.legal_status})"
    )


def _series(group: Sequence[EpisodeLike]) -> str:
    return (
        f"the {len(group)} short breaks from {format_date(group[0].start_date)} to "
        f"{format_date(group[-1].start_date)} are read as one series (one review cycle), though each "
        "starts with RNE S"
    )


def _continued(before: EpisodeLike, episode: EpisodeLike) -> str:
    why = (
        "began the same day the episode before ended"
        if _left_care(before)
        else f"follows an episode that ended {before.end_reason or 'without a reason'}, not with the child "
        "leaving care"
    )
    return (
        f"the episode of {format_date(episode.start_date)} has RNE S but {why}, so the period of care "
        "continues"
    )


def series_continues(last_end: date | None, day: date, gap_months: int) -> bool:
    """T8: between breaks the series stands, and its next review is due, until the gap runs out."""
    return last_end is not None and day <= add_months(last_end, gap_months)
