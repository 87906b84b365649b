"""The IRO's settings that rules depend on, read from the store with the defaults from DOMAIN.md."""

from __future__ import annotations

from datetime import date

from iro_desktop.domain.calendar import WorkingCalendar
from iro_desktop.domain.timescales import TimescaleSettings
from iro_desktop.store import Store

TIMESCALES_KEY = "timescales"
CLOSURES_KEY = "calendar.extra_closures"
REMOVED_HOLIDAYS_KEY = "calendar.removed_holidays"


def timescale_settings(store: Store) -> TimescaleSettings:
    return TimescaleSettings.from_dict(store.get_setting(TIMESCALES_KEY, {}) or {})


def save_timescale_settings(store: Store, settings: TimescaleSettings) -> None:
    store.set_setting(TIMESCALES_KEY, settings.to_dict())


def working_calendar(store: Store) -> WorkingCalendar:
    closures = [date.fromisoformat(d) for d in store.get_setting(CLOSURES_KEY, []) or []]
    removed = [date.fromisoformat(d) for d in store.get_setting(REMOVED_HOLIDAYS_KEY, []) or []]
    return WorkingCalendar(extra_closures=closures, removed=removed)


def add_closure_day(store: Store, day: date) -> None:
    """A council closure day (not a bank holiday) that deadlines must step over."""
    days = set(store.get_setting(CLOSURES_KEY, []) or [])
    days.add(day.isoformat())
    store.set_setting(CLOSURES_KEY, sorted(days))
