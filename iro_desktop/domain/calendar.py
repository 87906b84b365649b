"""Working days (England and Wales) and calendar-month arithmetic.

Rules C1-C3 of the domain notes:
- C1: a working day is Monday to Friday, not an England and Wales bank holiday
  (Christmas Day and Good Friday are in the bank-holiday table).
- C2: "N months after X" is the same day of the month N calendar months later,
  moved back to that month's last day when the day does not exist.
- C3: "within N working days of X": X is day 0 and the first working day after X is day 1.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from functools import cache

from dateutil.relativedelta import relativedelta

from iro_desktop.domain.bank_holidays import BANK_HOLIDAYS

# The years the bundled bank-holiday table covers; outside them only weekends count.
HOLIDAY_YEARS = range(2000, 2041)
CLOSURE_NAME = "Council closure"

# Own month names so the output never depends on the process locale.
_MONTH_ABBR = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_ONE_DAY = timedelta(days=1)


def format_date(d: date) -> str:
    """Format a date for people to read, e.g. "14 Jan 2027"."""
    return f"{d.day} {_MONTH_ABBR[d.month - 1]} {d.year}"


def add_months(d: date, n: int) -> date:
    """C2: the same day of the month n calendar months later (n may be negative), clamped to month end."""
    return d + relativedelta(months=n)


@cache
def _bank_holidays() -> dict[date, str]:
    """England and Wales bank holidays, including substitute days and one-off proclamations."""
    return {date.fromisoformat(day): name for day, name in BANK_HOLIDAYS}


class WorkingCalendar:
    """Working days in England and Wales, with the user's own closure days added or bank holidays removed."""

    def __init__(self, extra_closures: Iterable[date] = (), removed: Iterable[date] = ()) -> None:
        self.extra_closures = frozenset(extra_closures)
        self.removed = frozenset(removed)
        self._closed = (set(_bank_holidays()) | self.extra_closures) - self.removed

    def is_working_day(self, d: date) -> bool:
        return d.weekday() < 5 and d not in self._closed

    def add_working_days(self, d: date, n: int) -> date:
        """C3: the n-th working day after d (d is day 0); n = 0 gives d, negative n counts back."""
        step = _ONE_DAY if n > 0 else -_ONE_DAY
        remaining = abs(n)
        while remaining:
            d += step
            if self.is_working_day(d):
                remaining -= 1
        return d

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after start up to and including end; negative when end is before start.

        Counting back uses [end, start) so that working_days_between(d, add_working_days(d, n)) == n
        for every n, even when d itself is not a working day.
        """
        if end >= start:
            return self._count_working(start + _ONE_DAY, end)
        return -self._count_working(end, start - _ONE_DAY)

    def _count_working(self, first: date, last: date) -> int:
        days = (last - first).days + 1
        return sum(self.is_working_day(first + timedelta(days=i)) for i in range(days))

    def holidays_in(self, year: int) -> list[tuple[date, str]]:
        """Non-working days other than weekends in a year, with their names, in date order."""
        named = {d: name for d, name in _bank_holidays().items() if d.year == year}
        named.update((d, CLOSURE_NAME) for d in self.extra_closures if d.year == year)
        return sorted((d, name) for d, name in named.items() if d not in self.removed)
