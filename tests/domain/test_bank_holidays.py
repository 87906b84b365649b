"""The shipped bank-holiday table matches the `holidays` package's England and Wales rules, 2000-2040."""

from __future__ import annotations

from datetime import date

import holidays

from iro_desktop.domain.bank_holidays import BANK_HOLIDAYS
from iro_desktop.domain.calendar import HOLIDAY_YEARS


def test_the_shipped_table_is_what_the_holidays_package_computes():
    computed = holidays.country_holidays("GB", subdiv="ENG", years=HOLIDAY_YEARS)
    assert {date.fromisoformat(d): name for d, name in BANK_HOLIDAYS} == dict(computed.items())


def test_the_table_holds_the_one_off_days_and_every_year():
    days = {date.fromisoformat(d) for d, _ in BANK_HOLIDAYS}
    assert {date(2022, 6, 3), date(2022, 9, 19), date(2023, 5, 8), date(2012, 6, 5)} <= days
    assert {d.year for d in days} == set(HOLIDAY_YEARS)
