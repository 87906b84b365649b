"""The IRO's settings that rules depend on, read from the store with the defaults from docs/RULES.md.

Tools > Settings and `iro-desktop settings` change them through `save_all`, which checks every value
(whole numbers in a sensible range, closure days and worked bank holidays that change something)
before saving any.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from datetime import date

from iro_desktop.domain.calendar import WorkingCalendar, format_date
from iro_desktop.domain.timescales import TimescaleSettings
from iro_desktop.problems import Problem
from iro_desktop.store import Store, audit
from iro_desktop.store.models import Setting

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


# --- the settings screen and `iro-desktop settings` -------------------------------------------------

IDLE_LOCK_MINUTES_KEY = "security.idle_lock_minutes"
DEFAULT_IDLE_LOCK_MINUTES = 5
IDLE_MINUTES = (1, 60)
FIRST_CLOSURE, LAST_CLOSURE = date(2000, 1, 1), date(2040, 12, 31)  # the bank-holiday table's years
_WD, _MONTHS = (1, 60), (1, 12)
_DEFAULTS = TimescaleSettings()


@dataclass(frozen=True)
class Limit:
    rule: str  # the rule's id in docs/RULES.md, so a reader can look up why the default is what it is
    low: float
    high: float

    @property
    def basis(self) -> str:
        return f"rule {self.rule}" if self.rule else "app setting"


TIMESCALE_LIMITS = {
    "first_review_working_days": Limit("T1", *_WD),
    "second_review_months": Limit("T2", *_MONTHS),
    "subsequent_review_months": Limit("T3", *_MONTHS),
    "short_break_first_review_months": Limit("T8", *_MONTHS),
    "short_break_subsequent_months": Limit("T8", *_MONTHS),
    "short_break_series_gap_months": Limit("T8", *_MONTHS),
    "adoption_authorised_first_months": Limit("T9", *_MONTHS),
    "adoption_placed_first_weeks": Limit("T10", 1, 26),
    "adoption_placed_second_months": Limit("T10", *_MONTHS),
    "adoption_subsequent_months": Limit("T9/T10", *_MONTHS),
    "adjournment_max_wd": Limit("I3", *_WD),
    "decisions_circulation_wd": Limit("R1", *_WD),
    "record_completion_wd": Limit("R2", *_WD),
    "record_distribution_wd": Limit("R2", *_WD),
    "objection_window_wd": Limit("R3", *_WD),
    "care_plan_update_wd": Limit("R4", *_WD),
    "drp_stage_response_wd": Limit("D2", *_WD),
    "drp_total_wd": Limit("D2", *_WD),
    "due_soon_wd": Limit("", *_WD),  # the app's own, not a rule
    "due_later_wd": Limit("", *_WD),
    "caseload_min": Limit("K1", 1, 200),
    "caseload_max": Limit("K1", 1, 200),
    "full_time_hours": Limit("K1", 1, 60),
}
# (smaller, larger, the message): the first figure may not exceed the second.
_ORDERED = (
    ("due_soon_wd", "due_later_wd", "The caseload's 'due soon' cannot be longer than 'due later'."),
    ("caseload_min", "caseload_max", "The caseload guide's 'at least' cannot be above its 'at most'."),
    ("record_completion_wd", "record_distribution_wd", "A record cannot be sent out before it is complete."),
)


@dataclass(frozen=True)
class AllSettings:
    """Everything the settings screen edits, read or saved together."""

    timescales: TimescaleSettings
    closures: tuple[date, ...] = ()
    idle_lock_minutes: int = DEFAULT_IDLE_LOCK_MINUTES
    worked_holidays: tuple[date, ...] = ()  # bank holidays in the table that the council works


class SettingsProblem(Problem):
    """A value refused, with the setting's key so a screen can show the message at its field."""

    def __init__(self, key: str, message: str) -> None:
        super().__init__(message)
        self.key = key


def all_settings(store: Store) -> AllSettings:
    calendar = working_calendar(store)
    idle = int(store.get_setting(IDLE_LOCK_MINUTES_KEY, DEFAULT_IDLE_LOCK_MINUTES))
    return AllSettings(
        timescale_settings(store),
        tuple(sorted(calendar.extra_closures)),
        idle,
        tuple(sorted(calendar.removed)),
    )


def timescale_problem(name: str, value: float) -> str | None:
    """Why `value` is refused for the timescale `name`, or None."""
    limit = TIMESCALE_LIMITS[name]
    if isinstance(getattr(_DEFAULTS, name), int) and value != int(value):
        return "Use a whole number."
    if not limit.low <= value <= limit.high:
        return f"Use a number from {limit.low:g} to {limit.high:g}."
    return None


def bank_holiday_name(day: date) -> str | None:
    """The day's name in the shipped bank-holiday table, or None when it is not in the table."""
    return dict(WorkingCalendar().holidays_in(day.year)).get(day)


def closure_problem(day: date, already: tuple[date, ...] = ()) -> str | None:
    """Why `day` cannot be added as a council closure day, or None."""
    if not FIRST_CLOSURE <= day <= LAST_CLOSURE:
        return f"Choose a date from {format_date(FIRST_CLOSURE)} to {format_date(LAST_CLOSURE)}."
    if day.weekday() >= 5:
        return f"{format_date(day)} is a {day:%A}: weekends are never working days anyway."
    holiday = bank_holiday_name(day)
    if holiday:
        return f"{format_date(day)} is already a bank holiday ({holiday})."
    if day in already:
        return f"{format_date(day)} is already in the list."
    return None


# The working-day definition names these two itself (docs/RULES.md C1), so no council can work them away.
ALWAYS_OFF = ("Christmas Day", "Good Friday")


def worked_holiday_problem(day: date, already: tuple[date, ...] = ()) -> str | None:
    """Why `day` cannot be listed as a bank holiday the council works, or None."""
    if bank_holiday_name(day) is None:
        return (
            f"{format_date(day)} is not a bank holiday in England and Wales: it is a working day already."
        )
    if day.weekday() >= 5:
        return f"{format_date(day)} is a {day:%A}: weekends are never working days."
    if bank_holiday_name(day) in ALWAYS_OFF:
        return f"{format_date(day)} is {bank_holiday_name(day)}, which is never a working day in law."
    if day in already:
        return f"{format_date(day)} is already in the list."
    return None


def problems(new: AllSettings) -> dict[str, str]:
    """Every refused value, keyed as `iro-desktop settings` names it; empty when all may be saved."""
    found = {}
    for name in TIMESCALE_LIMITS:
        problem = timescale_problem(name, getattr(new.timescales, name))
        if problem:
            found[f"timescales.{name}"] = problem
    for small, large, why in _ORDERED:
        if getattr(new.timescales, small) > getattr(new.timescales, large):
            found.setdefault(f"timescales.{small}", why)
    for i, day in enumerate(new.closures):
        problem = closure_problem(day, new.closures[:i])
        if problem:
            found.setdefault(CLOSURES, problem)
    for i, day in enumerate(new.worked_holidays):
        problem = worked_holiday_problem(day, new.worked_holidays[:i])
        if problem:
            found.setdefault(WORKED_HOLIDAYS, problem)
    low, high = IDLE_MINUTES
    if not low <= new.idle_lock_minutes <= high:
        found["locking.idle_minutes"] = f"Use a whole number of minutes from {low} to {high}."
    return found


def changed_keys(old: AllSettings, new: AllSettings) -> list[str]:
    names = [f.name for f in fields(TimescaleSettings)]
    keys = [f"timescales.{n}" for n in names if getattr(old.timescales, n) != getattr(new.timescales, n)]
    if set(old.closures) != set(new.closures):
        keys.append(CLOSURES)
    if set(old.worked_holidays) != set(new.worked_holidays):
        keys.append(WORKED_HOLIDAYS)
    if old.idle_lock_minutes != new.idle_lock_minutes:
        keys.append("locking.idle_minutes")
    return keys


def _iso(days: tuple[date, ...]) -> list[str]:
    return sorted({d.isoformat() for d in days})


def save_all(store: Store, new: AllSettings) -> list[str]:
    """Check everything, then save it in one transaction and note the changed keys in the audit trail.

    Only timescales that differ from the defaults are kept, so a later version's corrected default
    reaches every IRO who never changed that figure.
    """
    refused = problems(new)
    if refused:
        key, message = next(iter(refused.items()))
        raise SettingsProblem(key, message)
    changed = changed_keys(all_settings(store), new)
    if not changed:
        return []
    differing = {k: v for k, v in new.timescales.to_dict().items() if getattr(_DEFAULTS, k) != v}
    with store.session() as s:
        s.merge(Setting(key=TIMESCALES_KEY, value=differing))
        s.merge(Setting(key=CLOSURES_KEY, value=sorted(d.isoformat() for d in set(new.closures))))
        s.merge(
            Setting(key=REMOVED_HOLIDAYS_KEY, value=sorted(d.isoformat() for d in set(new.worked_holidays)))
        )
        s.merge(Setting(key=IDLE_LOCK_MINUTES_KEY, value=new.idle_lock_minutes))
    audit.record(store, "settings_changed", detail="changed: " + ", ".join(changed))
    return changed


# --- settings by name, as `iro-desktop settings` lists and sets them ---------------------------------

CLOSURES = "calendar.closures"
WORKED_HOLIDAYS = "calendar.worked_holidays"
IDLE_MINUTES_NAME = "locking.idle_minutes"


@dataclass(frozen=True)
class Line:
    key: str
    value: str
    default: str
    what: str


def _timescale_lines(current: TimescaleSettings) -> list[Line]:
    from iro_desktop.services.guide import TIMESCALES

    return [
        Line(
            f"timescales.{t.field}",
            f"{getattr(current, t.field):g}",
            f"{getattr(_DEFAULTS, t.field):g}",
            f"{t.what} ({t.unit}; {TIMESCALE_LIMITS[t.field].basis})",
        )
        for t in TIMESCALES
    ]


def lines(current: AllSettings) -> list[Line]:
    """Every setting with its value and default, in the order the settings screen shows them."""
    closures = ",".join(d.isoformat() for d in current.closures)
    worked = ",".join(d.isoformat() for d in current.worked_holidays)
    return [
        *_timescale_lines(current.timescales),
        Line(CLOSURES, closures or "-", "-", "Council closure days (dates, comma-separated)"),
        Line(WORKED_HOLIDAYS, worked or "-", "-", "Bank holidays the council works (dates, comma-separated)"),
        Line(
            IDLE_MINUTES_NAME,
            str(current.idle_lock_minutes),
            str(DEFAULT_IDLE_LOCK_MINUTES),
            "Lock after this many minutes without use",
        ),
    ]


def _number(key: str, text: str, whole: bool) -> float:
    try:
        return int(text) if whole else float(text)
    except ValueError:
        kind = "a whole number" if whole else "a number"
        raise SettingsProblem(key, f"{key} must be {kind}, not {text!r}.") from None


def _dates(key: str, text: str) -> tuple[date, ...]:
    try:
        return tuple(sorted({date.fromisoformat(t.strip()) for t in text.split(",") if t.strip()}))
    except ValueError:
        raise SettingsProblem(key, f"{key} takes dates like 2027-01-14, not {text!r}.") from None


def with_value(current: AllSettings, key: str, text: str) -> AllSettings:
    """`current` with one setting changed, from the text typed after `--set key=`; bad values raise."""
    name = key.removeprefix("timescales.")
    if name in TIMESCALE_LIMITS and key != name:
        value = _number(key, text, isinstance(getattr(_DEFAULTS, name), int))
        changed = replace(current, timescales=replace(current.timescales, **{name: value}))
    elif key == CLOSURES:
        changed = replace(current, closures=_dates(key, text))
    elif key == WORKED_HOLIDAYS:
        changed = replace(current, worked_holidays=_dates(key, text))
    elif key == IDLE_MINUTES_NAME:
        changed = replace(current, idle_lock_minutes=int(_number(key, text, whole=True)))
    else:
        raise SettingsProblem(key, f"There is no setting called {key!r}; `iro-desktop settings` lists them.")
    before = problems(current)
    new = [message for k, message in problems(changed).items() if before.get(k) != message]
    if new:
        raise SettingsProblem(key, f"{key}: {new[0]}")
    return changed
