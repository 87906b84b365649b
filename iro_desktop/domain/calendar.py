"""Working days (England and Wales) and calendar-month arithmetic.

Rules C1-C3 of docs/RULES.md:
- C1: a working day is Monday to Friday, not an England and Wales bank holiday
  (Christmas Day and Good Friday are in the bank-holiday table).
- C2: "N months after X" is the same day of the month N calendar months later,
  moved back to that month's last day when the day does not exist.
- C3: "within N working days of X": X is day 0 and the first working day after X is day 1.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from datetime import date
from functools import cache

from iro_desktop.domain.bank_holidays import BANK_HOLIDAYS

# The years the bundled bank-holiday table covers; outside them only weekends count.
HOLIDAY_YEARS = range(2000, 2041)
CLOSURE_NAME = "Council closure"

# Own month names so the output never depends on the process locale.
_MONTH_ABBR = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_MONTH_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
_MAX_ORDINAL = date.max.toordinal()


def format_date(d: date) -> str:
    """Format a date for people to read, e.g. "14 Jan 2027"."""
    return f"{d.day} {_MONTH_ABBR[d.month - 1]} {d.year}"


def add_months(d: date, n: int) -> date:
    """C2: the same day of the month n calendar months later (n may be negative), clamped to month end."""
    year, month0 = divmod(d.year * 12 + d.month - 1 + n, 12)
    day = d.day if d.day <= 28 else min(d.day, _month_length(year, month0 + 1))
    return date(year, month0 + 1, day)


def _month_length(year: int, month: int) -> int:
    # Not the standard library's calendar.monthrange: that module loads locale, and verify starts quicker.
    leap = month == 2 and year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    return _MONTH_DAYS[month - 1] + leap


def _weekdays_to(ordinal: int) -> int:
    """Mondays to Fridays among the day ordinals 1..ordinal (day 1, 1 Jan 0001, was a Monday)."""
    weeks, rest = divmod(ordinal, 7)
    return 5 * weeks + min(rest, 5)


def _nth_weekday(n: int) -> int:
    """The ordinal of the n-th Monday-to-Friday day: the inverse of _weekdays_to."""
    weeks, rest = divmod(n - 1, 5)
    return 7 * weeks + rest + 1


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
        # Closed weekdays in order: counting working days is then arithmetic and a bisect, not a walk.
        self._closed_weekdays = sorted(d.toordinal() for d in self._closed if d.weekday() < 5)

    def is_working_day(self, d: date) -> bool:
        return d.weekday() < 5 and d not in self._closed

    def _rank(self, ordinal: int) -> int:
        """Working days from 1 Jan 0001 up to and including the day `ordinal`."""
        return _weekdays_to(ordinal) - bisect_right(self._closed_weekdays, ordinal)

    def add_working_days(self, d: date, n: int) -> date:
        """C3: the n-th working day after d (d is day 0); n = 0 gives d, negative n counts back."""
        if n == 0:
            return d
        o = d.toordinal()
        target = self._rank(o) + n if n > 0 else self._rank(o - 1) + n + 1
        # The first day whose rank reaches target: guess from weekdays alone, then step past the closed
        # days up to the guess until it stands still (a few rounds: closed days are sparse).
        found = _nth_weekday(target)
        while (later := _nth_weekday(target + bisect_right(self._closed_weekdays, found))) != found:
            found = later
        if not 1 <= found <= _MAX_ORDINAL:
            raise OverflowError("date value out of range")
        return date.fromordinal(found)

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after start up to and including end; negative when end is before start.

        Counting back uses [end, start) so that working_days_between(d, add_working_days(d, n)) == n
        for every n, even when d itself is not a working day.
        """
        first, last = start.toordinal(), end.toordinal()
        if last >= first:
            return self._rank(last) - self._rank(first)
        return self._rank(last - 1) - self._rank(first - 1)

    def holidays_in(self, year: int) -> list[tuple[date, str]]:
        """Non-working days other than weekends in a year, with their names, in date order."""
        named = {d: name for d, name in _bank_holidays().items() if d.year == year}
        named.update((d, CLOSURE_NAME) for d in self.extra_closures if d.year == year)
        return sorted((d, name) for d, name in named.items() if d not in self.removed)
