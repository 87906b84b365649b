"""The real clock: the one source of today's date for everything saved, signed, audited or removed.

The date a screen shows ("as of", a view date) is a different thing, passed to read models as a parameter;
it never reaches a writer. A store carries its clock (`store.clock`), made by `system_clock()`.

The one hook for tests: set IRO_DESKTOP_TODAY=YYYY-MM-DD in the environment and every clock made from then
on, in this process and in the processes it starts, says that day (the time of day stays real, so entries
still come in order). It gives no power a user lacks: anyone who can set it can set the computer's clock.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, date, datetime

from iro_desktop.domain.calendar import format_date
from iro_desktop.problems import Problem

TODAY_ENV = "IRO_DESKTOP_TODAY"


class SystemClock:
    """The computer's clock."""

    def today(self) -> date:
        return date.today()

    def now(self) -> datetime:
        """Naive UTC, as the store keeps times."""
        return datetime.now(UTC).replace(tzinfo=None)


@dataclass(frozen=True)
class FixedClock:
    """A clock stopped on one day (tests, and a demo built around a date)."""

    day: date

    def today(self) -> date:
        return self.day

    def now(self) -> datetime:
        return datetime.combine(self.day, datetime.now(UTC).time().replace(tzinfo=None))


Clock = SystemClock | FixedClock


def system_clock() -> Clock:
    """The computer's clock, unless the test hook names a day."""
    fixed = os.environ.get(TODAY_ENV, "").strip()
    if not fixed:
        return SystemClock()
    try:
        return FixedClock(date.fromisoformat(fixed))
    except ValueError:
        raise ValueError(f"{TODAY_ENV} must be a date like 2027-01-14, not {fixed!r}.") from None


class ViewDateRefused(Problem):
    """Something that writes, signs or removes was asked to act while a view date is shown."""


def real_date(clock: Clock, as_of: date | None, what: str) -> date:
    """Today's real date, for `what` ("Signing"); refused when the caller is showing another day."""
    today = clock.today()
    if as_of is not None and as_of != today:
        raise ViewDateRefused(
            f"{what} uses today's date, {format_date(today)}, but you are viewing {format_date(as_of)}. "
            "Go back to today first; nothing was changed."
        )
    return today
