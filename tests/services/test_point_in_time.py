"""The caseload from messy 903 data and as it stood on a past day (T1, T3, T8, I4, K1; issue 16).

Each child is imported through the real 903 import from fictional CSV files, then read by the caseload and
the child's page, so what is tested is what the IRO sees.
"""

from __future__ import annotations

from datetime import date

import pytest

from iro_desktop.domain.timescales import Status
from iro_desktop.services.caseload import (
    FLAG_BETWEEN_BREAKS,
    FLAG_OPEN_AFTER_18,
    caseload_summary,
    load_caseload,
)
from iro_desktop.services.child import load_child
from iro_desktop.store.models import Challenge, Decision, Review
from tests.conftest import TODAY
from tests.interop.helpers import add_child
from tests.interop.helpers import import_one_child as one_child

D = date.fromisoformat


def _row(store, day: str):
    [row] = load_caseload(store, D(day))
    return row


BREAKS = [
    ("2026-01-05", "2026-01-07", "S", "E13", "V3"),
    ("2026-02-02", "2026-02-04", "S", "E13", "V3"),
    ("2026-03-02", "2026-03-04", "S", "E13", "V3"),
]


def test_t8_a_series_of_breaks_keeps_one_clock_and_the_child_stays_on_the_caseload_between_breaks(
    store, tmp_path
):
    report = one_child(store, tmp_path, "2015-06-01", BREAKS)
    assert any(
        "3 short breaks from 5 Jan 2026 to 2 Mar 2026 are read as one series" in n for n in report.notes
    )
    between = _row(store, "2026-03-10")
    assert between.status is not Status.NOT_LOOKED_AFTER
    assert between.next_review_due == D("2026-04-05")  # 3 months after the first break, not the third
    assert between.looked_after_since == D("2026-01-05")
    assert any(
        f.startswith(f"{FLAG_BETWEEN_BREAKS}: the last break ended on 4 Mar 2026") for f in between.flags
    )
    assert "First short-break review" in between.review_basis
    page = load_child(store, between.id, D("2026-03-10"))
    assert page.next_review.due == D("2026-04-05") and page.next_review.between_breaks == D("2026-03-04")


def test_t8_the_series_ends_after_the_gap_and_says_why(store, tmp_path):
    one_child(store, tmp_path, "2015-06-01", BREAKS)
    assert _row(store, "2026-09-04").status is not Status.NOT_LOOKED_AFTER  # 6 months after 4 Mar
    ended = _row(store, "2026-09-05")
    assert ended.status is Status.NOT_LOOKED_AFTER and ended.next_review_due is None
    assert ended.review_basis.startswith("Short breaks ended: no break since 4 Mar 2026, more than 6 months")


def test_t1_a_return_to_care_coded_p_starts_a_new_period_whose_first_review_is_due_in_20_working_days(
    store, tmp_path
):
    episodes = [("2025-03-01", "2025-09-06", "S", "E4A", "C2"), ("2025-11-03", "", "P", "", "C2")]
    report = one_child(
        store, tmp_path, "2014-05-01", episodes, [("2025-03-20", "PN1"), ("2025-06-20", "PN1")]
    )
    assert any("a new period of care starts on 3 Nov 2025" in n for n in report.notes)
    row = _row(store, "2025-11-10")
    assert row.looked_after_since == D("2025-11-03")
    assert row.next_review_due == D("2025-12-01") and row.review_number == 1
    assert row.last_review is None  # the reviews of the earlier period are not this period's (finding 6)
    page = load_child(store, row.id, D("2025-11-10"))
    earlier = [r.period for r in page.reviews if r.held is not None]
    assert earlier == ["Earlier period of care (1 Mar 2025 to 6 Sep 2025)"] * 2


def test_t3_as_of_a_past_day_later_reviews_and_leaving_care_do_not_count(store, tmp_path):
    episodes = [("2025-03-03", "2026-06-01", "S", "E4A", "C2")]
    one_child(store, tmp_path, "2014-05-01", episodes, [("2025-03-20", "PN1"), ("2025-06-20", "PN1")])
    day_before_leaving = _row(store, "2026-05-31")
    assert day_before_leaving.status is Status.OVERDUE  # review 3 was due 20 Dec 2025, never held
    assert day_before_leaving.last_review == D("2025-06-20") and day_before_leaving.review_number == 3
    before_second = _row(store, "2025-06-01")
    assert before_second.last_review == D("2025-03-20") and before_second.review_number == 2
    assert before_second.next_review_due == D("2025-06-20")
    before_any = _row(store, "2025-04-10")  # the first review was due 31 Mar 2025, held 20 Mar
    assert before_any.last_review == D("2025-03-20")
    not_yet = _row(store, "2025-03-01")
    assert not_yet.status is Status.NOT_LOOKED_AFTER
    assert not_yet.review_basis == "Not yet looked after: first looked after on 3 Mar 2025"
    assert _row(store, "2026-06-02").status is Status.NOT_LOOKED_AFTER


def test_t3_a_review_held_later_does_not_make_an_earlier_day_on_track(store, tmp_path):
    one_child(store, tmp_path, "2014-05-01", [("2025-03-03", "", "S", "", "C2")], [("2025-09-20", "PN1")])
    then = _row(store, "2025-05-01")
    assert then.status is Status.OVERDUE and then.last_review is None and then.review_number == 1


def test_k1_a_child_18_or_over_with_an_open_episode_is_flagged_for_the_data_team_not_overdue(store, tmp_path):
    one_child(store, tmp_path, "2008-01-10", [("2024-01-08", "", "S", "", "C2")], [("2024-01-30", "PN1")])
    row = _row(store, TODAY.isoformat())
    assert row.status is Status.OPEN_AFTER_18 and row.next_review_due is None
    assert f"{FLAG_OPEN_AFTER_18} on 10 Jan 2026: for the council's data team" in row.flags
    summary = caseload_summary(store, [row], TODAY)
    assert (summary.allocated, summary.reviews_overdue, summary.open_after_18) == (0, 0, 1)
    assert _row(store, "2026-01-09").status is Status.OVERDUE  # the day before the 18th birthday
    assert load_child(store, row.id, TODAY).next_review.status is Status.OPEN_AFTER_18


@pytest.fixture
def child_with_decision(store):
    with store.session() as s:
        child = add_child(s, "PT1", D("2014-05-01"), [(D("2026-01-05"), None, "C2")])
        review = Review(held_date=D("2026-06-01"), participation_code="PN1", status="held", source="app")
        child.reviews.append(review)
        s.flush()
        kept = dict(child_id=child.id, review_id=review.id, person_responsible="Social worker")
        s.add(Decision(action="Arrange contact", due_date=D("2026-07-01"), **kept))
        s.add(Decision(action="Book dentist", due_date=D("2026-07-01"), status="done",
                       completed_on=D("2026-09-01"), **kept))  # fmt: skip
        s.add(Challenge(child_id=child.id, issue="contact", raised_on=D("2026-10-01"), stage="informal"))
    return store


def test_i4_decisions_and_concerns_count_from_the_day_they_were_made(child_with_decision):
    store = child_with_decision
    assert (_row(store, "2026-05-01").decisions_open, _row(store, "2026-05-01").challenges_open) == (0, 0)
    august = _row(store, "2026-08-01")
    assert (august.decisions_open, august.decisions_overdue) == (2, 2)  # the dentist was done on 1 Sep
    today = _row(store, TODAY.isoformat())
    assert (today.decisions_open, today.challenges_open) == (1, 1)
    assert _row(store, "2026-09-30").challenges_open == 0
