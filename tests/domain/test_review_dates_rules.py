"""Dates that move the next review: an early review asked for (T4) and a review adjourned once (I3)."""

from datetime import date

import pytest

from iro_desktop.domain.calendar import WorkingCalendar
from iro_desktop.domain.timescales import (
    CareHistory,
    TimescaleSettings,
    early_review_in_effect,
    next_review_due,
)

CAL = WorkingCalendar()
SETTINGS = TimescaleSettings()
D = date.fromisoformat
# Looked after from 1 Dec 2025, reviews held 14 Jan 2026 and 10 Apr 2026: review 3 due 10 Oct 2026.
HELD = (D("2026-01-14"), D("2026-04-10"))


def _history(**kw) -> CareHistory:
    return CareHistory(period_start=D("2025-12-01"), held_reviews=kw.pop("held", HELD), **kw)


@pytest.mark.parametrize(
    ("history", "in_effect"),
    [
        pytest.param(
            _history(early_review_by=D("2026-06-01")), D("2026-06-01"), id="T4 asked on an unknown day"
        ),
        pytest.param(
            _history(early_review_by=D("2026-06-01"), early_review_requested_on=D("2026-05-01")),
            D("2026-06-01"),
            id="T4 no review since the request: it stands",
        ),
        pytest.param(
            _history(early_review_by=D("2026-05-01"), early_review_requested_on=D("2026-04-01")),
            None,
            id="T4 a review held since the request answers it",
        ),
        pytest.param(
            _history(early_review_by=D("2026-05-01"), early_review_requested_on=D("2026-04-10")),
            None,
            id="T4 a review held the same day as the request answers it",
        ),
        pytest.param(
            _history(
                early_review_by=D("2026-06-01"),
                early_review_requested_on=D("2026-05-01"),
                adjourned_on=D("2026-05-20"),
                adjourned_to=D("2026-06-10"),
            ),
            None,
            id="T4 I3 a review convened and adjourned since the request answers it",
        ),
        pytest.param(_history(), None, id="T4 nothing asked"),
    ],
)
def test_early_review_in_effect(history, in_effect):
    assert early_review_in_effect(history) == in_effect


@pytest.mark.parametrize(
    ("history", "due", "basis"),
    [
        pytest.param(
            _history(adjourned_on=D("2026-10-09"), adjourned_to=D("2026-10-23")),
            "2026-10-23",
            "Adjourned on 9 Oct 2026 to 23 Oct 2026 (once, up to 20 working days)",
            id="I3 an adjourned review is due on the day it was adjourned to",
        ),
        pytest.param(
            _history(adjourned_on=D("2026-10-09"), adjourned_to=D("2026-10-23")),
            "2026-10-23",
            "Adjourned on",
            id="I3 adjourned past the statutory date: the adjourned date stands",
        ),
        pytest.param(
            _history(
                adjourned_on=D("2026-09-01"),
                adjourned_to=D("2026-09-20"),
                early_review_by=D("2026-09-10"),
                early_review_requested_on=D("2026-09-02"),
                early_review_reason="Placement change",
            ),
            "2026-09-10",
            "Early review requested by 10 Sep 2026 (otherwise due 20 Sep 2026). Reason: Placement change",
            id="T4 I3 an early review asked after the adjournment brings it forward",
        ),
        pytest.param(
            _history(
                early_review_by=D("2026-07-01"),
                early_review_requested_on=D("2026-06-01"),
                early_review_reason="IRO request",
            ),
            "2026-07-01",
            "Reason: IRO request",
            id="T4 the reason is in the basis",
        ),
        pytest.param(
            _history(early_review_by=D("2026-05-01"), early_review_requested_on=D("2026-04-01")),
            "2026-10-10",
            "Review 3: within 6 months of the previous review on 10 Apr 2026",
            id="T4 an answered request no longer moves the date",
        ),
        pytest.param(
            _history(adjourned_on=D("2026-10-09"), adjourned_to=D("2026-10-23"), period_end=D("2026-10-15")),
            None,
            "Not looked after",
            id="I3 left care: an adjournment no longer applies",
        ),
    ],
)
def test_adjourned_and_early_dates(history, due, basis):
    result = next_review_due(history, CAL, SETTINGS)
    assert result.due == (D(due) if due else None)
    assert basis in result.basis


def test_adjourned_review_keeps_the_statutory_date_for_judging():
    """I3: the statutory date is still reported, so a review held on the adjourned date can be judged."""
    result = next_review_due(
        _history(adjourned_on=D("2026-10-09"), adjourned_to=D("2026-10-23")), CAL, SETTINGS
    )
    assert result.statutory_due == D("2026-10-10")


@pytest.mark.parametrize(
    ("stored", "days"),
    [
        pytest.param({}, 20, id="I3 default 20 working days"),
        pytest.param({"adjournment_max_wd": "15"}, 15, id="I3 a setting stored as text"),
    ],
)
def test_adjournment_limit_is_a_setting(stored, days):
    assert TimescaleSettings.from_dict(stored).adjournment_max_wd == days
