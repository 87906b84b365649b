"""A child's facts as they stood on a day, and what the caseload and the child's page read from them."""

from __future__ import annotations

from datetime import date, timedelta
from types import SimpleNamespace

import pytest

from iro_desktop.domain.codes import age_on
from iro_desktop.services.care_facts import ChildFacts, open_after_18


@pytest.mark.parametrize("dob", [date(2008, 2, 29), date(2008, 3, 1), date(2008, 12, 31)])
def test_open_after_18_from_the_18th_birthday_as_age_on_counts_it(dob):
    """A 29 Feb child turns 18 on 28 Feb; the day before any birthday the episode is not yet open after 18."""
    for offset in range(-3, 4):
        day = date(2026, dob.month, 28 if dob.month == 2 else dob.day) + timedelta(days=offset)
        facts = ChildFacts(SimpleNamespace(dob=dob), None, as_of=day)
        found = open_after_18(facts, looked_after=True)
        assert (found is not None) == (age_on(dob, day) >= 18), day
        assert found is None or found <= day
        assert open_after_18(facts, looked_after=False) is None
