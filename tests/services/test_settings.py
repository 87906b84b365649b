"""The settings the rules read (services/settings.py): checked, saved together, audited by key only."""

from __future__ import annotations

from dataclasses import fields, replace
from datetime import date

import pytest

from iro_desktop.domain.timescales import TimescaleSettings
from iro_desktop.services import settings as service
from iro_desktop.services.caseload import load_caseload
from iro_desktop.services.settings import AllSettings, SettingsProblem
from iro_desktop.store import audit
from tests.conftest import PASSPHRASE, TODAY


def test_a_new_store_has_the_defaults(store):
    current = service.all_settings(store)
    assert current == AllSettings(TimescaleSettings(), (), 5)
    assert service.problems(current) == {}


def test_every_timescale_has_a_range_and_a_rule():
    assert set(service.TIMESCALE_LIMITS) == {f.name for f in fields(TimescaleSettings)}
    defaults = TimescaleSettings()
    for name, limit in service.TIMESCALE_LIMITS.items():
        assert limit.low <= getattr(defaults, name) <= limit.high, name


def test_saving_changes_the_due_dates_and_the_audit_trail_names_only_the_keys(demo_store):
    before = {r.id: r.next_review_due for r in load_caseload(demo_store, TODAY)}
    current = service.all_settings(demo_store)
    new = replace(current, timescales=replace(current.timescales, subsequent_review_months=4))
    assert service.save_all(demo_store, new) == ["timescales.subsequent_review_months"]
    after = {r.id: r.next_review_due for r in load_caseload(demo_store, TODAY)}
    dated = [i for i in before if before[i] and after[i]]
    assert any(after[i] < before[i] for i in dated)  # six-monthly reviews come round sooner
    assert all(after[i] <= before[i] for i in dated)
    entry = audit.entries(demo_store, limit=1)[0]
    assert (entry.label, entry.detail) == ("Changed settings", "changed: timescales.subsequent_review_months")


def test_only_figures_that_differ_from_the_default_are_kept(store):
    new = AllSettings(TimescaleSettings(first_review_working_days=15), (date(2027, 1, 14),), 10)
    service.save_all(store, new)
    assert store.get_setting(service.TIMESCALES_KEY) == {"first_review_working_days": 15}
    assert service.all_settings(store) == new
    assert not service.working_calendar(store).is_working_day(date(2027, 1, 14))


def test_saving_nothing_new_writes_no_audit_entry(store):
    assert service.save_all(store, service.all_settings(store)) == []
    assert audit.entries(store) == []


@pytest.mark.parametrize(
    ("change", "key", "message"),
    [
        ({"first_review_working_days": 0}, "timescales.first_review_working_days", "from 1 to 60"),
        ({"first_review_working_days": 61}, "timescales.first_review_working_days", "from 1 to 60"),
        ({"second_review_months": 13}, "timescales.second_review_months", "from 1 to 12"),
        ({"due_soon_wd": 25}, "timescales.due_soon_wd", "'due soon' cannot be longer than 'due later'"),
        ({"caseload_min": 80}, "timescales.caseload_min", "cannot be above its 'at most'"),
    ],
)
def test_a_bad_timescale_is_refused_with_its_key_and_nothing_is_saved(store, change, key, message):
    bad = AllSettings(replace(TimescaleSettings(), **change), (date(2027, 1, 14),), 10)
    with pytest.raises(SettingsProblem) as refused:
        service.save_all(store, bad)
    assert refused.value.key == key and message in str(refused.value)
    assert service.all_settings(store) == AllSettings(TimescaleSettings())  # not even the good parts


@pytest.mark.parametrize(
    ("day", "message"),
    [
        (date(1999, 12, 31), "Choose a date from 1 Jan 2000 to 31 Dec 2040."),
        (date(2041, 1, 2), "Choose a date from 1 Jan 2000 to 31 Dec 2040."),
        (date(2027, 1, 16), "16 Jan 2027 is a Saturday: weekends are never working days anyway."),
        (date(2026, 12, 25), "25 Dec 2026 is already a bank holiday (Christmas Day)."),
        (date(2027, 1, 14), "14 Jan 2027 is already in the list."),
    ],
)
def test_a_closure_day_that_would_change_nothing_is_refused(day, message):
    assert service.closure_problem(day, (date(2027, 1, 14),)) == message


@pytest.mark.parametrize(
    ("day", "message"),
    [
        (date(2027, 1, 14), "14 Jan 2027 is not a bank holiday in England and Wales: it is a working day"),
        (date(2027, 12, 25), "25 Dec 2027 is a Saturday: weekends are never working days."),
        (date(2027, 5, 31), "31 May 2027 is already in the list."),
        (date(2026, 12, 25), "25 Dec 2026 is Christmas Day, which is never a working day in law."),
        (date(2027, 3, 26), "26 Mar 2027 is Good Friday, which is never a working day in law."),
    ],
)
def test_a_worked_bank_holiday_that_would_change_nothing_is_refused(day, message):
    assert service.worked_holiday_problem(day, (date(2027, 5, 31),)).startswith(message)


def test_a_bank_holiday_the_council_works_counts_as_a_working_day_and_moves_deadlines(store):
    """docs/RULES.md C1: the user may remove a day from the holiday table; deadlines then count it."""
    friday = date(2027, 5, 28)  # the day before the spring bank holiday, Monday 31 May 2027
    assert service.working_calendar(store).add_working_days(friday, 1) == date(2027, 6, 1)
    service.save_all(store, AllSettings(TimescaleSettings(), worked_holidays=(date(2027, 5, 31),)))
    assert service.working_calendar(store).add_working_days(friday, 1) == date(2027, 5, 31)
    assert service.all_settings(store).worked_holidays == (date(2027, 5, 31),)
    assert audit.entries(store)[0].detail == "changed: calendar.worked_holidays"
    with pytest.raises(SettingsProblem) as refused:
        service.save_all(store, AllSettings(TimescaleSettings(), worked_holidays=(date(2027, 6, 1),)))
    assert refused.value.key == "calendar.worked_holidays"
    assert service.all_settings(store).worked_holidays == (date(2027, 5, 31),)


def test_idle_minutes_must_be_1_to_60(store):
    with pytest.raises(SettingsProblem, match="from 1 to 60") as refused:
        service.save_all(store, AllSettings(TimescaleSettings(), (), 0))
    assert refused.value.key == "locking.idle_minutes"


def test_settings_by_name_as_the_command_sets_them():
    current = AllSettings(TimescaleSettings())
    changed = service.with_value(current, "timescales.first_review_working_days", "15")
    changed = service.with_value(changed, "timescales.full_time_hours", "32.5")
    changed = service.with_value(changed, "calendar.closures", "2027-01-14, 2026-12-29")
    changed = service.with_value(changed, "locking.idle_minutes", "10")
    assert changed == AllSettings(
        TimescaleSettings(first_review_working_days=15, full_time_hours=32.5),
        (date(2026, 12, 29), date(2027, 1, 14)),
        10,
    )
    assert service.with_value(changed, "calendar.closures", "").closures == ()


@pytest.mark.parametrize(
    ("key", "text", "message"),
    [
        ("timescales.first_review_wd", "15", "There is no setting called 'timescales.first_review_wd'"),
        ("first_review_working_days", "15", "There is no setting called"),
        ("timescales.first_review_working_days", "fifteen", "must be a whole number, not 'fifteen'"),
        ("timescales.first_review_working_days", "15.5", "must be a whole number"),
        ("timescales.first_review_working_days", "99", "Use a number from 1 to 60."),
        ("timescales.due_later_wd", "5", "'due soon' cannot be longer than 'due later'"),
        ("calendar.closures", "14/01/2027", "takes dates like 2027-01-14"),
        ("calendar.closures", "1999-06-01", "Choose a date from 1 Jan 2000"),
        ("calendar.worked_holidays", "31/05/2027", "takes dates like 2027-01-14"),
        ("calendar.worked_holidays", "2027-06-01", "1 Jun 2027 is not a bank holiday in England and Wales"),
        ("locking.idle_minutes", "90", "from 1 to 60"),
    ],
)
def test_a_setting_by_name_refuses_unknown_keys_and_bad_values(key, text, message):
    with pytest.raises(SettingsProblem, match=message.replace("(", r"\(").replace(".", r"\.")):
        service.with_value(AllSettings(TimescaleSettings()), key, text)


def test_the_list_shows_every_setting_with_its_default():
    shown = service.lines(AllSettings(TimescaleSettings(first_review_working_days=15), (date(2027, 1, 14),)))
    by_key = {line.key: line for line in shown}
    assert len(shown) == len(fields(TimescaleSettings)) + 3
    first = by_key["timescales.first_review_working_days"]
    assert (first.value, first.default) == ("15", "20") and "rule T1" in first.what
    assert by_key["calendar.closures"].value == "2027-01-14"
    worked = by_key["calendar.worked_holidays"]
    assert (worked.value, worked.default) == ("-", "-")
    assert (by_key["locking.idle_minutes"].value, by_key["locking.idle_minutes"].default) == ("5", "5")


# --- `iro-desktop settings` ----------------------------------------------------------------------------


def _settings_command(monkeypatch, capsys, store_path, *args) -> tuple[int, str, str]:
    from iro_desktop.cli import main

    monkeypatch.setenv("IRO_DESKTOP_PASSPHRASE", PASSPHRASE)
    status = main(["settings", "--db", str(store_path), *args])
    out = capsys.readouterr()
    return status, out.out, out.err


def test_the_command_sets_then_lists_the_new_values(monkeypatch, capsys, store, store_path):
    status, out, _ = _settings_command(
        monkeypatch, capsys, store_path,
        "--set", "timescales.first_review_working_days=15", "--set", "calendar.closures=2027-01-14",
        "--set", "calendar.worked_holidays=2027-05-31",
    )  # fmt: skip
    assert status == 0 and out == (
        "Changed: timescales.first_review_working_days, calendar.closures, calendar.worked_holidays.\n"
    )
    status, out, _ = _settings_command(monkeypatch, capsys, store_path)
    listed = {line.split()[0]: line.split()[1:4] for line in out.splitlines()}
    assert status == 0 and len(listed) == len(fields(TimescaleSettings)) + 3
    assert listed["calendar.worked_holidays"][0] == "2027-05-31"
    assert service.working_calendar(store).is_working_day(date(2027, 5, 31))
    assert listed["timescales.first_review_working_days"] == ["15", "default", "20"]
    assert listed["timescales.second_review_months"] == ["3", "default", "3"]
    assert listed["calendar.closures"][0] == "2027-01-14"
    assert listed["locking.idle_minutes"] == ["5", "default", "5"]
    assert service.timescale_settings(store).first_review_working_days == 15


@pytest.mark.parametrize(
    "assignment",
    ["timescales.first_review_wd=15", "timescales.first_review_working_days=0", "locking.idle_minutes"],
)
def test_the_command_refuses_in_one_line_and_changes_nothing(
    monkeypatch, capsys, store, store_path, assignment
):
    status, out, err = _settings_command(
        monkeypatch, capsys, store_path, "--set", "timescales.drp_total_wd=15", "--set", assignment
    )
    assert status == 2 and out == "" and err.count("\n") == 1 and err.endswith("Nothing was changed.\n")
    assert service.all_settings(store) == AllSettings(TimescaleSettings())
