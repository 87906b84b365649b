"""Periods of care read from 903 episodes (T1, T8): where a period ends and the next begins."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from iro_desktop.domain.periods import group_periods, inferred_boundaries, series_continues

D = date.fromisoformat
GAP = 6  # TimescaleSettings.short_break_series_gap_months, the default


@dataclass
class Ep:
    start_date: date
    end_date: date | None
    end_reason: str | None
    reason_new: str
    legal_status: str = "C2"


def _starts(groups) -> list[list[str]]:
    return [[e.start_date.isoformat() for e in g] for g in groups]


def _break(day: str, end: str, rne: str = "S", ls: str = "V3") -> Ep:
    return Ep(D(day), D(end), "E13", rne, ls)


def test_t8_a_series_of_short_breaks_each_coded_s_is_one_period():
    breaks = [
        _break("2026-01-05", "2026-01-07"),
        _break("2026-02-02", "2026-02-04"),
        _break("2026-03-02", "2026-03-04"),
    ]
    groups = group_periods(breaks, GAP)
    assert _starts(groups) == [["2026-01-05", "2026-02-02", "2026-03-02"]]
    [said] = inferred_boundaries(groups)
    assert "3 short breaks from 5 Jan 2026 to 2 Mar 2026 are read as one series" in said.sentence


def test_t8_a_gap_longer_than_the_setting_starts_a_new_series_and_the_setting_decides():
    breaks = [_break("2026-01-05", "2026-01-07", ls="V4"), _break("2026-07-09", "2026-07-10", ls="V4")]
    assert len(group_periods(breaks, GAP)) == 2  # 6 months after 7 Jan is 7 Jul: 9 Jul is beyond
    assert len(group_periods(breaks, 7)) == 1
    assert series_continues(D("2026-01-07"), D("2026-07-07"), GAP)
    assert not series_continues(D("2026-01-07"), D("2026-07-08"), GAP)


def test_t8_the_series_ends_when_the_child_starts_an_episode_under_another_legal_status():
    episodes = [_break("2026-01-05", "2026-01-07"), Ep(D("2026-02-01"), None, None, "S", "C2")]
    assert _starts(group_periods(episodes, GAP)) == [["2026-01-05"], ["2026-02-01"]]


def test_t1_a_return_to_care_coded_p_after_leaving_starts_a_new_period_and_the_report_says_so():
    episodes = [Ep(D("2027-03-01"), D("2027-09-06"), "E4A", "S"), Ep(D("2027-11-01"), None, None, "P")]
    groups = group_periods(episodes, GAP)
    assert _starts(groups) == [["2027-03-01"], ["2027-11-01"]]
    [said] = inferred_boundaries(groups)
    assert said.day == D("2027-11-01")
    assert "ended on 6 Sep 2027 with reason E4A" in said.sentence and "RNE is P, not S" in said.sentence


def test_t1_an_episode_ending_x1_continues_the_period_even_when_the_next_is_coded_s():
    episodes = [Ep(D("2027-03-01"), D("2027-05-01"), "X1", "S"), Ep(D("2027-05-01"), None, None, "S")]
    groups = group_periods(episodes, GAP)
    assert len(groups) == 1
    [said] = inferred_boundaries(groups)
    assert "RNE S but follows an episode that ended X1" in said.sentence


def test_t1_leaving_and_coming_back_the_same_day_is_one_period():
    episodes = [Ep(D("2027-03-01"), D("2027-05-01"), "E4A", "S"), Ep(D("2027-05-01"), None, None, "L")]
    assert len(group_periods(episodes, GAP)) == 1


def test_t1_the_ordinary_903_reading_needs_no_note():
    episodes = [
        Ep(D("2027-03-01"), D("2027-05-01"), "X1", "S"),
        Ep(D("2027-05-01"), D("2027-06-01"), "E11", "P"),
        Ep(D("2027-08-01"), None, None, "S"),
    ]
    groups = group_periods(episodes, GAP)
    assert _starts(groups) == [["2027-03-01", "2027-05-01"], ["2027-08-01"]]
    assert inferred_boundaries(groups) == []


def test_t8_a_change_between_short_breaks_and_other_care_is_said_as_such():
    episodes = [_break("2026-01-05", "2026-03-04"), Ep(D("2026-03-04"), None, None, "L", "C2")]
    [said] = inferred_boundaries(group_periods(episodes, GAP))
    assert said.sentence == (
        "a new period of care starts on 4 Mar 2026, when the child began an episode under LS C2 after a "
        "series of short breaks (LS V3)"
    )
