"""Review schedule (T1-T4, T8-T10), statuses, post-review (R1-R4), DRP (D2) and caseload (K1) rules."""

from datetime import date

import pytest

from iro_desktop.domain.calendar import WorkingCalendar
from iro_desktop.domain.timescales import (
    CareHistory,
    Cycle,
    HeldReview,
    Status,
    TimescaleSettings,
    caseload_guidance,
    drp_final_due,
    drp_response_due,
    is_response_overdue,
    next_review_due,
    post_review_deadlines,
    review_status,
    review_timeliness,
    working_days_left,
)

CAL = WorkingCalendar()
SETTINGS = TimescaleSettings()
D = date.fromisoformat


def _history(start="2025-12-15", held=(), **kw):
    return CareHistory(period_start=D(start) if start else None, held_reviews=tuple(map(D, held)), **kw)


SB = {"cycle": Cycle.SHORT_BREAKS}
ADOPT_AUTH = {"cycle": Cycle.ADOPTION_AUTHORISED}
ADOPT_PLACED = {"cycle": Cycle.ADOPTION_PLACED}


@pytest.mark.parametrize(
    ("history", "due", "number", "basis"),
    [
        pytest.param(
            _history("2025-12-15"),
            "2026-01-15",
            1,
            "First review: within 20 working days of becoming looked after on 15 Dec 2025",
            id="T1 reg33(1) first review 20WD over Christmas",
        ),
        pytest.param(
            _history("2026-03-20"),
            "2026-04-21",
            1,
            "20 working days",
            id="T1 reg33(1) first review over Easter",
        ),
        pytest.param(
            _history("2023-04-28"), "2023-05-31", 1, "28 Apr 2023", id="T1 reg33(1) first review Coronation"
        ),
        pytest.param(
            _history("2025-12-01", ["2026-01-14"]),
            "2026-04-14",
            2,
            "Second review: within 3 months of the first review on 14 Jan 2026",
            id="T2 reg33(2) second review 3 months",
        ),
        pytest.param(
            _history("2025-11-03", ["2025-11-30"]),
            "2026-02-28",
            2,
            "30 Nov 2025",
            id="T2 reg33(2) + C2 30 Nov clamps to 28 Feb",
        ),
        pytest.param(
            _history("2023-11-01", ["2023-11-30"]),
            "2024-02-29",
            2,
            "first review",
            id="T2 reg33(2) + C2 leap year 29 Feb",
        ),
        pytest.param(
            _history("2025-11-20", ["2025-12-10", "2026-01-14"]),
            "2026-07-14",
            3,
            "Review 3: within 6 months of the previous review on 14 Jan 2026",
            id="T3 reg33(2) third review 6 months",
        ),
        pytest.param(
            _history("2024-01-02", ["2024-02-29", "2024-01-25"]),
            "2024-08-29",
            3,
            "29 Feb 2024",
            id="T3 reg33(2) held reviews are sorted",
        ),
        pytest.param(
            _history("2024-06-03", ["2024-06-28", "2024-08-31", "2025-02-28"]),
            "2025-08-28",
            4,
            "Review 4",
            id="T3 reg33(2) fourth review from previous held",
        ),
        pytest.param(
            _history("2024-06-03", ["2024-06-28", "2024-08-31"]),
            "2025-02-28",
            3,
            "31 Aug 2024",
            id="T3 reg33(2) + C2 31 Aug + 6 months = 28 Feb",
        ),
        pytest.param(
            _history("2026-06-01", ["2025-01-20", "2025-04-10"]),
            "2026-06-29",
            1,
            "First review",
            id="T1 reg33(1) back in care: new period starts again at first review",
        ),
        pytest.param(
            _history("2025-12-15", ["2026-01-20"]),
            "2026-04-20",
            2,
            "20 Jan 2026",
            id="1.5 due basis late first review: second due from held date",
        ),
        pytest.param(
            _history("2025-11-30", cycle_start=D("2025-11-30"), **SB),
            "2026-02-28",
            1,
            "First short-break review: within 3 months of the first short break on 30 Nov 2025",
            id="T8 reg48 short breaks first review 3 months",
        ),
        pytest.param(
            _history("2025-11-30", ["2026-02-20"], cycle_start=D("2025-11-30"), **SB),
            "2026-08-20",
            2,
            "Short-break review 2: within 6 months of the previous review on 20 Feb 2026",
            id="T8 reg48 short breaks then 6-monthly",
        ),
        pytest.param(
            _history("2024-01-10", ["2024-02-05"], cycle_start=D("2024-08-31"), **ADOPT_AUTH),
            "2024-11-30",
            1,
            "First adoption review: within 3 months of the authority to place on 31 Aug 2024",
            id="T9 AAR reg36(1) authorised first review 3 months",
        ),
        pytest.param(
            _history("2024-01-10", ["2024-11-25"], cycle_start=D("2024-08-31"), **ADOPT_AUTH),
            "2025-05-25",
            2,
            "Adoption review 2: within 6 months",
            id="T9 AAR reg36(1) authorised then 6-monthly",
        ),
        pytest.param(
            _history("2024-01-10", cycle_start=D("2026-03-02"), **ADOPT_PLACED),
            "2026-03-30",
            1,
            "First review after placement for adoption: within 4 weeks of placement on 2 Mar 2026",
            id="T10 AAR reg36(3) placed first review 4 weeks",
        ),
        pytest.param(
            _history("2024-01-10", ["2026-03-27"], cycle_start=D("2026-03-02"), **ADOPT_PLACED),
            "2026-06-27",
            2,
            "Second review after placement for adoption: within 3 months of the first review on 27 Mar 2026",
            id="T10 AAR reg36(3) placed second review 3 months",
        ),
        pytest.param(
            _history("2024-01-10", ["2026-03-27", "2026-06-20"], cycle_start=D("2026-03-02"), **ADOPT_PLACED),
            "2026-12-20",
            3,
            "within 6 months of the previous review on 20 Jun 2026",
            id="T10 AAR reg36(3) placed then 6-monthly",
        ),
    ],
)
def test_next_review_due(history, due, number, basis):
    result = next_review_due(history, CAL, SETTINGS)
    assert (result.due, result.statutory_due, result.number) == (D(due), D(due), number)
    assert basis in result.basis


@pytest.mark.parametrize(
    ("early", "due", "statutory", "used"),
    [
        pytest.param(
            "2026-03-01", "2026-03-01", "2026-04-14", True, id="T4 reg33(3) earlier request is used"
        ),
        pytest.param(
            "2026-05-01", "2026-04-14", "2026-04-14", False, id="T4 reg33(3) later request is ignored"
        ),
        pytest.param("2026-04-14", "2026-04-14", "2026-04-14", False, id="T4 reg33(3) same day as statutory"),
    ],
)
def test_early_review_only_brings_the_date_forward(early, due, statutory, used):
    history = _history("2025-12-01", ["2026-01-14"], early_review_by=D(early))
    result = next_review_due(history, CAL, SETTINGS)
    assert (result.due, result.statutory_due) == (D(due), D(statutory))
    assert ("Early review requested by 1 Mar 2026" in result.basis) is used


def test_early_review_without_cycle_start_is_still_due():
    """T4 reg33(3): an early request stands even when the short-break start date is not yet entered."""
    history = _history("2026-01-05", cycle=Cycle.SHORT_BREAKS, early_review_by=D("2026-02-02"))
    result = next_review_due(history, CAL, SETTINGS)
    assert (result.due, result.statutory_due) == (D("2026-02-02"), None)


@pytest.mark.parametrize(
    ("history", "basis"),
    [
        pytest.param(
            _history("2025-12-15", ["2026-01-14"], period_end=D("2026-03-01")),
            "Not looked after: left care on 1 Mar 2026",
            id="T1-T3 left care: no review due",
        ),
        pytest.param(_history(None), "Not looked after", id="T1 no period of care: no review due"),
        pytest.param(
            _history("2025-12-15", early_review_by=D("2026-01-02"), period_end=D("2025-12-20")),
            "left care on 20 Dec 2025",
            id="T4 left care: early request no longer applies",
        ),
    ],
)
def test_not_looked_after_has_no_due_date(history, basis):
    result = next_review_due(history, CAL, SETTINGS)
    assert (result.due, result.statutory_due) == (None, None)
    assert basis in result.basis
    assert review_status(result.due, D("2026-03-10"), CAL, SETTINGS) is Status.NOT_LOOKED_AFTER


@pytest.mark.parametrize(
    ("cycle", "needed"),
    [
        pytest.param(Cycle.SHORT_BREAKS, "first short break", id="T8 reg48 needs first short break date"),
        pytest.param(Cycle.ADOPTION_AUTHORISED, "authority to place", id="T9 reg36(1) needs authority date"),
        pytest.param(Cycle.ADOPTION_PLACED, "placed for adoption", id="T10 reg36(3) needs placement date"),
    ],
)
def test_cycle_without_start_date_asks_for_it(cycle, needed):
    result = next_review_due(_history("2026-01-05", cycle=cycle), CAL, SETTINGS)
    assert result.due is None and needed in result.basis
    assert review_timeliness(_history("2026-01-05", ["2026-02-01"], cycle=cycle), CAL, SETTINGS) == []


def _held(number, held, due, late):
    return HeldReview(number, D(held), D(due), late == 0, late)


@pytest.mark.parametrize(
    ("history", "expected"),
    [
        pytest.param(
            _history("2025-12-15", ["2026-01-20", "2026-04-20", "2026-10-21"]),
            [
                _held(1, "2026-01-20", "2026-01-15", 5),
                _held(2, "2026-04-20", "2026-04-20", 0),
                _held(3, "2026-10-21", "2026-10-20", 1),
            ],
            id="1.5 due basis late review reported late, next due from held date",
        ),
        pytest.param(
            _history("2025-12-15", ["2026-01-08", "2026-04-01"], period_end=D("2026-05-01")),
            [_held(1, "2026-01-08", "2026-01-15", 0), _held(2, "2026-04-01", "2026-04-08", 0)],
            id="T1 T2 early reviews on time, also after leaving care",
        ),
        pytest.param(
            _history("2024-01-10", ["2026-04-02", "2026-07-02"], cycle_start=D("2026-03-02"), **ADOPT_PLACED),
            [_held(1, "2026-04-02", "2026-03-30", 3), _held(2, "2026-07-02", "2026-07-02", 0)],
            id="T10 AAR reg36(3) placed: late first review then on time",
        ),
        pytest.param(
            _history("2026-06-01", ["2025-01-20", "2026-06-30"]),
            [_held(1, "2026-06-30", "2026-06-29", 1)],
            id="T1 reg33(1) back in care: reviews before the period are ignored",
        ),
    ],
)
def test_review_timeliness(history, expected):
    assert review_timeliness(history, CAL, SETTINGS) == expected


# Due Tue 14 Jul 2026; no bank holidays between mid June and then.
@pytest.mark.parametrize(
    ("due", "today", "left", "status"),
    [
        pytest.param(
            "2026-07-14", "2026-06-30", 10, Status.DUE_10WD, id="brief status: exactly 10 WD left is due_10wd"
        ),
        pytest.param(
            "2026-07-14", "2026-06-29", 11, Status.DUE_20WD, id="brief status: 11 WD left is due_20wd"
        ),
        pytest.param(
            "2026-07-14", "2026-06-16", 20, Status.DUE_20WD, id="brief status: exactly 20 WD left is due_20wd"
        ),
        pytest.param(
            "2026-07-14", "2026-06-15", 21, Status.ON_TRACK, id="brief status: 21 WD left is on_track"
        ),
        pytest.param(
            "2026-07-14", "2026-07-14", 0, Status.DUE_10WD, id="brief status: due today is due_10wd"
        ),
        pytest.param(
            "2026-07-14", "2026-07-15", -1, Status.OVERDUE, id="brief status: day after due is overdue"
        ),
        pytest.param(
            "2026-04-14", "2026-03-31", 8, Status.DUE_10WD, id="brief status: C1 Easter 2026 removes 2 WD"
        ),
        pytest.param("2026-02-28", "2026-02-27", 0, Status.DUE_10WD, id="brief status: C2 due on a Saturday"),
        pytest.param(
            "2026-02-28",
            "2026-03-02",
            -1,
            Status.OVERDUE,
            id="C3 overdue after a weekend due date: 1, never 0 left",
        ),
        pytest.param(
            "2026-02-27", "2026-02-28", -1, Status.OVERDUE, id="C3 overdue on the Saturday: 1 overdue"
        ),
        pytest.param(
            "2026-02-27", "2026-03-03", -2, Status.OVERDUE, id="C3 due Friday, seen Tuesday: 2 overdue"
        ),
    ],
)
def test_review_status_boundaries(due, today, left, status):
    assert working_days_left(D(due), D(today), CAL) == left
    assert review_status(D(due), D(today), CAL, SETTINGS) is status


def test_status_not_looked_after_and_labels():
    left_care = review_status(D("2026-07-14"), D("2026-07-20"), CAL, SETTINGS, looked_after=False)
    assert left_care is Status.NOT_LOOKED_AFTER
    assert working_days_left(None, D("2026-07-20"), CAL) is None
    assert {s.value: s.label for s in Status} == {
        "overdue": "Overdue",
        "minutes_to_finish": "Minutes to finish",
        "due_10wd": "Due soon",
        "due_20wd": "Coming up",
        "on_track": "On track",
        "open_after_18": "Open after 18",
        "not_looked_after": "Not looked after",
    }
    assert [c.value for c in Cycle] == ["standard", "short_breaks", "adoption_authorised", "adoption_placed"]
    assert Cycle("adoption_placed") is Cycle.ADOPTION_PLACED and Cycle.SHORT_BREAKS.label


@pytest.mark.parametrize(
    ("closures", "held", "expected"),
    [
        pytest.param(
            [],
            "2025-12-15",
            ("2025-12-22", "2026-01-08", "2026-01-15", "2025-12-22", "2025-12-31"),
            id="R1-R4 1.5 vector over Christmas 2025",
        ),
        pytest.param(
            [],
            "2022-09-05",
            ("2022-09-12", "2022-09-27", "2022-10-04", "2022-09-12", "2022-09-20"),
            id="R1-R4 1.5 vector State Funeral 2022",
        ),
        pytest.param(
            ["2025-12-24"],
            "2025-12-15",
            ("2025-12-22", "2026-01-09", "2026-01-16", "2025-12-22", "2026-01-02"),
            id="R1-R4 C1 council closure 24 Dec shifts later deadlines",
        ),
    ],
)
def test_post_review_deadlines(closures, held, expected):
    cal = WorkingCalendar(extra_closures=[D(c) for c in closures])
    got = post_review_deadlines(D(held), cal, SETTINGS)
    fields = (
        got.decisions_circulated,
        got.record_completed,
        got.record_distributed,
        got.objection_window_ends,
        got.care_plan_updated,
    )
    assert fields == tuple(map(D, expected))


def test_council_closure_shifts_first_review():
    """T1 reg33(1) + C1: a council closure day inside the 20 working days moves the due date on."""
    cal = WorkingCalendar(extra_closures=[D("2026-01-02")])
    assert next_review_due(_history("2025-12-15"), cal, SETTINGS).due == D("2026-01-16")


@pytest.mark.parametrize(
    ("sent", "stage_wd", "due"),
    [
        pytest.param("2025-12-19", None, "2025-12-30", id="D2 stage response 5 WD over Christmas"),
        pytest.param("2025-12-19", 10, "2026-01-07", id="D2 Nottinghamshire 10 WD alert"),
        pytest.param("2026-04-02", None, "2026-04-13", id="D2 stage response over Easter 2026"),
    ],
)
def test_drp_response_due(sent, stage_wd, due):
    assert drp_response_due(D(sent), CAL, SETTINGS, stage_wd) == D(due)


def test_drp_final_due_and_overdue():
    """D2 Handbook 6.2: whole process 20 WD; a response is overdue the day after it was due."""
    assert drp_final_due(D("2025-12-19"), CAL, SETTINGS) == D("2026-01-21")
    assert not is_response_overdue(D("2025-12-30"), D("2025-12-30"))
    assert is_response_overdue(D("2025-12-30"), D("2025-12-31"))


@pytest.mark.parametrize(
    ("hours", "expected"),
    [
        pytest.param(37, (50, 70), id="K1 full time 50-70"),
        pytest.param(18.5, (25, 35), id="K1 half time pro rata"),
        pytest.param(30, (41, 57), id="K1 30 hours rounded"),
        pytest.param(9.25, (13, 18), id="K1 halves round up"),
        pytest.param(0, (0, 0), id="K1 no hours"),
    ],
)
def test_caseload_guidance(hours, expected):
    assert caseload_guidance(hours, SETTINGS) == expected


def test_caseload_guidance_rejects_negative_hours():
    with pytest.raises(ValueError):
        caseload_guidance(-1, SETTINGS)


def test_settings_defaults_match_domain_section_8():
    s = TimescaleSettings()
    assert (s.first_review_working_days, s.second_review_months, s.subsequent_review_months) == (20, 3, 6)
    assert (s.short_break_first_review_months, s.short_break_subsequent_months) == (3, 6)
    assert (s.adoption_authorised_first_months, s.adoption_placed_first_weeks) == (3, 4)
    assert (s.adoption_placed_second_months, s.adoption_subsequent_months) == (3, 6)
    assert (s.decisions_circulation_wd, s.record_completion_wd, s.record_distribution_wd) == (5, 15, 20)
    assert (s.objection_window_wd, s.care_plan_update_wd) == (5, 10)
    assert (s.drp_stage_response_wd, s.drp_total_wd, s.due_soon_wd, s.due_later_wd) == (5, 20, 10, 20)
    assert (s.caseload_min, s.caseload_max, s.full_time_hours) == (50, 70, 37.0)


def test_settings_round_trip_ignores_unknown_keys():
    changed = TimescaleSettings(first_review_working_days=15, full_time_hours=36.0)
    stored = changed.to_dict() | {"a_setting_from_a_newer_version": 1}
    assert TimescaleSettings.from_dict(stored) == changed
    assert TimescaleSettings.from_dict({"record_completion_wd": "12"}).record_completion_wd == 12


def test_custom_settings_change_the_schedule():
    """T1 configurable default: a council using 10 WD for the first review."""
    settings = TimescaleSettings(first_review_working_days=10)
    assert next_review_due(_history("2025-12-15"), CAL, settings).due == D("2025-12-31")
