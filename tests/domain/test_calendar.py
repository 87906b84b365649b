"""Working days (C1, C3) and calendar months (C2); vectors from docs/RULES.md C3."""

import random
from datetime import date, timedelta

import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import given
from hypothesis import strategies as st

from iro_desktop.domain.calendar import WorkingCalendar, add_months, format_date

CAL = WorkingCalendar()
D = date.fromisoformat

# docs/RULES.md C3 worked vectors: (event date, +5 WD, +15 WD, +20 WD), start date is day 0.
WD_VECTORS = [
    pytest.param("2025-12-15", "2025-12-22", "2026-01-08", "2026-01-15", id="1.5 C1/C3 Christmas 2025"),
    pytest.param("2025-12-19", "2025-12-30", "2026-01-14", "2026-01-21", id="1.5 C1/C3 Christmas week start"),
    pytest.param("2026-03-20", "2026-03-27", "2026-04-14", "2026-04-21", id="1.5 C1/C3 Easter 2026"),
    pytest.param("2023-04-28", "2023-05-09", "2023-05-23", "2023-05-31", id="1.5 C1/C3 Coronation 2023"),
    pytest.param("2022-09-05", "2022-09-12", "2022-09-27", "2022-10-04", id="1.5 C1/C3 State Funeral 2022"),
]


@pytest.mark.parametrize(("start", "plus5", "plus15", "plus20"), WD_VECTORS)
def test_worked_working_day_vectors(start, plus5, plus15, plus20):
    got = [CAL.add_working_days(D(start), n) for n in (5, 15, 20)]
    assert got == [D(plus5), D(plus15), D(plus20)]


@pytest.mark.parametrize(("start", "plus5", "plus15", "plus20"), WD_VECTORS)
def test_worked_vectors_count_back(start, plus5, plus15, plus20):
    for n, end in ((5, plus5), (15, plus15), (20, plus20)):
        assert CAL.working_days_between(D(start), D(end)) == n
        assert CAL.add_working_days(D(end), -n) == D(start)


# docs/RULES.md C3 worked vectors: (review date, +3 months, +6 months).
@pytest.mark.parametrize(
    ("review", "plus3", "plus6"),
    [
        pytest.param("2026-01-14", "2026-04-14", "2026-07-14", id="1.5 C2 same day of month"),
        pytest.param("2025-11-30", "2026-02-28", "2026-05-30", id="1.5 C2 30 Nov clamps to 28 Feb"),
        pytest.param("2024-08-31", "2024-11-30", "2025-02-28", id="1.5 C2 31 Aug clamps to month end"),
    ],
)
def test_worked_month_vectors(review, plus3, plus6):
    assert add_months(D(review), 3) == D(plus3)
    assert add_months(D(review), 6) == D(plus6)


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        pytest.param("2024-02-29", 12, "2025-02-28", id="C2 29 Feb + 12 months clamps to 28 Feb"),
        pytest.param("2023-11-30", 3, "2024-02-29", id="C2 leap year 30 Nov + 3 months = 29 Feb"),
        pytest.param("2024-02-29", 48, "2028-02-29", id="C2 29 Feb + 4 years is a leap day again"),
        pytest.param("2026-01-31", 1, "2026-02-28", id="C2 31 Jan + 1 month = 28 Feb"),
        pytest.param("2026-03-31", 1, "2026-04-30", id="C2 31 Mar + 1 month = 30 Apr"),
        pytest.param("2026-10-31", 3, "2027-01-31", id="C2 crosses the year end"),
        pytest.param("2026-05-31", -3, "2026-02-28", id="C2 negative months clamp too"),
        pytest.param("2026-05-15", 0, "2026-05-15", id="C2 zero months"),
        pytest.param("1999-11-30", 3, "2000-02-29", id="C2 2000 is a leap year (every 400 years)"),
        pytest.param("2099-11-30", 3, "2100-02-28", id="C2 2100 is not a leap year (a century)"),
    ],
)
def test_add_months(start, months, expected):
    assert add_months(D(start), months) == D(expected)


@pytest.mark.parametrize(
    ("day", "working"),
    [
        pytest.param("2026-04-03", False, id="C1 Good Friday 2026"),
        pytest.param("2026-04-06", False, id="C1 Easter Monday 2026"),
        pytest.param("2026-04-07", True, id="C1 Tuesday after Easter 2026"),
        pytest.param("2026-12-25", False, id="C1 Christmas Day 2026 (Friday)"),
        pytest.param("2026-12-28", False, id="C1 Boxing Day 2026 substitute Monday"),
        pytest.param("2027-12-27", False, id="C1 Christmas 2027 substitute Monday 27 Dec"),
        pytest.param("2027-12-28", False, id="C1 Christmas 2027 substitute Tuesday 28 Dec"),
        pytest.param("2027-12-29", True, id="C1 29 Dec 2027 is a working day"),
        pytest.param("2022-06-03", False, id="C1 Platinum Jubilee 2022 one-off"),
        pytest.param("2022-09-19", False, id="C1 State Funeral 2022 one-off"),
        pytest.param("2023-05-08", False, id="C1 Coronation 2023 one-off"),
        pytest.param("2026-05-25", False, id="C1 spring bank holiday 2026"),
        pytest.param("2026-08-31", False, id="C1 summer bank holiday 2026"),
        pytest.param("2026-06-13", False, id="C1 Saturday"),
        pytest.param("2026-06-14", False, id="C1 Sunday"),
        pytest.param("2026-06-15", True, id="C1 ordinary Monday"),
        pytest.param("2026-03-17", True, id="C1 St Patrick's Day is not an England holiday"),
        pytest.param("1999-12-25", False, id="C1 before 2000 weekends still count (Saturday)"),
        pytest.param("1999-12-27", True, id="C1 before 2000 no holidays are known"),
        pytest.param("2041-12-25", True, id="C1 after 2040 no holidays are known (Wednesday)"),
        pytest.param("2041-12-28", False, id="C1 after 2040 weekends still count (Saturday)"),
    ],
)
def test_is_working_day(day, working):
    assert CAL.is_working_day(D(day)) is working


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        pytest.param("2026-04-02", 1, "2026-04-07", id="C3 Easter 2026 skips Good Friday to Easter Monday"),
        pytest.param("2027-12-24", 1, "2027-12-29", id="C3 Christmas 2027 skips both substitute days"),
        pytest.param("2026-12-24", 1, "2026-12-29", id="C3 Christmas 2026 skips 25 and 28 Dec"),
        pytest.param("2026-06-13", 1, "2026-06-15", id="C3 from a Saturday day 1 is Monday"),
        pytest.param("2026-06-13", 0, "2026-06-13", id="C3 n=0 returns the start even on a weekend"),
        pytest.param("2026-06-15", 0, "2026-06-15", id="C3 n=0 returns the start"),
        pytest.param("2026-04-07", -1, "2026-04-02", id="C3 negative counts back over Easter"),
        pytest.param("2026-06-14", -1, "2026-06-12", id="C3 negative from a Sunday"),
        pytest.param("2041-01-04", 1, "2041-01-07", id="C3 beyond 2040 counts weekends only"),
    ],
)
def test_add_working_days(start, n, expected):
    assert CAL.add_working_days(D(start), n) == D(expected)


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        pytest.param("2026-06-15", "2026-06-15", 0, id="C3 same day is 0"),
        pytest.param("2026-06-12", "2026-06-15", 1, id="C3 Friday to Monday is 1"),
        pytest.param("2026-06-15", "2026-06-12", -1, id="C3 Monday back to Friday is -1"),
        pytest.param("2026-06-12", "2026-06-14", 0, id="C3 Friday to Sunday is 0"),
        pytest.param("2026-04-02", "2026-04-07", 1, id="C3 over Easter 2026 is 1"),
        pytest.param("2027-12-24", "2027-12-31", 3, id="C3 over Christmas 2027 is 3"),
    ],
)
def test_working_days_between(start, end, expected):
    assert CAL.working_days_between(D(start), D(end)) == expected


@pytest.mark.parametrize(
    ("closures", "removed", "start", "n", "expected"),
    [
        pytest.param(["2026-12-24"], [], "2026-12-22", 2, "2026-12-29", id="C1 council closure skipped"),
        pytest.param(["2026-06-13"], [], "2026-06-12", 1, "2026-06-15", id="C1 weekend closure no effect"),
        pytest.param([], ["2026-04-06"], "2026-04-02", 1, "2026-04-06", id="C1 removed holiday worked"),
    ],
)
def test_user_edited_calendar(closures, removed, start, n, expected):
    cal = WorkingCalendar(extra_closures=[D(c) for c in closures], removed=[D(r) for r in removed])
    assert cal.add_working_days(D(start), n) == D(expected)


def test_holidays_in_lists_names_in_order_with_edits():
    """C1: 2027 substitute days are listed; a council closure is added and a removed day dropped."""
    cal = WorkingCalendar(extra_closures=[D("2027-12-24")], removed=[D("2027-05-03")])
    listed = cal.holidays_in(2027)
    days = [d for d, _ in listed]
    assert days == sorted(days)
    named = dict(listed)
    assert named[D("2027-03-26")] == "Good Friday"
    assert named[D("2027-12-24")] == "Council closure"
    assert "observed" in named[D("2027-12-27")] and "observed" in named[D("2027-12-28")]
    assert D("2027-05-03") not in named


def test_holidays_in_outside_table_years_is_empty():
    assert WorkingCalendar().holidays_in(2050) == []


@pytest.mark.parametrize(
    ("day", "text"),
    [
        pytest.param("2027-01-14", "14 Jan 2027", id="brief format_date: brief example"),
        pytest.param("2026-03-03", "3 Mar 2026", id="brief format_date: no leading zero"),
        pytest.param("2026-12-31", "31 Dec 2026", id="brief format_date: December"),
    ],
)
def test_format_date(day, text):
    assert format_date(D(day)) == text


days = st.dates(min_value=date(1990, 1, 1), max_value=date(2060, 12, 31))


@given(start=days, n=st.integers(min_value=-400, max_value=400))
def test_working_days_between_inverts_add_working_days(start, n):
    """C3 property: counting the days back gives the number added, in both directions."""
    assert CAL.working_days_between(start, CAL.add_working_days(start, n)) == n


@given(start=days, n=st.integers(min_value=1, max_value=400))
def test_add_working_days_lands_on_a_working_day(start, n):
    """C1/C3 property: a deadline of one or more working days is itself a working day."""
    assert CAL.is_working_day(CAL.add_working_days(start, n))


# --- the arithmetic counts agree with a walk one day at a time -------------------------------------


def _walk_between(cal: WorkingCalendar, start: date, end: date) -> int:
    """The definition, day by day: after start up to end, or [end, start) counted back."""
    if end >= start:
        days = [start + timedelta(days=i) for i in range(1, (end - start).days + 1)]
        return sum(cal.is_working_day(d) for d in days)
    return -sum(cal.is_working_day(end + timedelta(days=i)) for i in range((start - end).days))


def _walk_add(cal: WorkingCalendar, d: date, n: int) -> date:
    step, remaining = timedelta(days=1 if n > 0 else -1), abs(n)
    while remaining:
        d += step
        remaining -= cal.is_working_day(d)
    return d


EDITED = WorkingCalendar(
    extra_closures=[D("2026-12-24"), D("2026-12-31"), D("2027-01-02"), D("2030-07-01"), D("2045-03-06")],
    removed=[D("2026-04-06"), D("2027-12-27"), D("2031-05-05")],
)


def _random_days(rng: random.Random, cal: WorkingCalendar, count: int) -> list[date]:
    """Any day from 1995 to 2045, half of them next to a bank holiday, closure or weekend."""
    special = sorted(cal._closed | {D("2026-06-13"), D("2026-06-14")})
    picked = []
    for _ in range(count):
        if rng.random() < 0.5:
            picked.append(rng.choice(special) + timedelta(days=rng.randint(-3, 3)))
        else:
            picked.append(date(1995, 1, 1) + timedelta(days=rng.randint(0, 365 * 50)))
    return picked


@pytest.mark.parametrize("cal", [CAL, EDITED], ids=["bank holidays", "with closures and removals"])
def test_counts_match_a_day_by_day_walk(cal):
    rng = random.Random(18)
    for start in _random_days(rng, cal, 1500):
        end = start + timedelta(days=rng.randint(-400, 400))
        assert cal.working_days_between(start, end) == _walk_between(cal, start, end), (start, end)
        n = rng.randint(-300, 300)
        assert cal.add_working_days(start, n) == _walk_add(cal, start, n), (start, n)


@pytest.mark.parametrize("n", [0, 1, -1, 5, -5, 20, -20])
def test_every_day_of_two_years_matches_the_walk(n):
    """Every start day, weekends and each holiday of 2026-27 included, for the deadlines the app uses."""
    for offset in range(730):
        start = D("2026-01-01") + timedelta(days=offset)
        assert EDITED.add_working_days(start, n) == _walk_add(EDITED, start, n), start
        end = start + timedelta(days=n)
        assert EDITED.working_days_between(start, end) == _walk_between(EDITED, start, end), start


def test_add_months_matches_relativedelta():
    rng = random.Random(2)
    for _ in range(3000):
        d = date(1990, 1, 1) + timedelta(days=rng.randint(0, 365 * 60))
        n = rng.randint(-240, 240)
        assert add_months(d, n) == d + relativedelta(months=n), (d, n)
