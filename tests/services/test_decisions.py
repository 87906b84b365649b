"""Tracking decisions between reviews: done, not done with a reason, changed, reopened, and the caseload."""

from __future__ import annotations

from datetime import date

import pytest

from iro_desktop.problems import Problem
from iro_desktop.services import decisions
from iro_desktop.services.caseload import FLAG_DECISIONS_OVERDUE, load_caseload
from iro_desktop.services.child import load_child
from iro_desktop.store.models import Child, Decision, Episode, PeriodOfCare, Review

TODAY = date(2026, 11, 25)
D = date.fromisoformat


@pytest.fixture
def ids(store) -> dict[str, int]:
    with store.session() as s:
        child = Child(child_ref="C-3101", first_name="Leah", last_name="Marsh", dob=D("2013-02-11"))
        period = PeriodOfCare(start_date=D("2025-03-03"))
        period.episodes = [
            Episode(
                start_date=D("2025-03-03"),
                reason_new="S",
                legal_status="C2",
                placement_type="U4",
                carer_name="Mr and Mrs Okafor",
            )
        ]
        child.periods = [period]
        s.add(child)
        s.flush()
        review = Review(child_id=child.id, period_id=period.id, held_date=D("2026-09-14"), status="held")
        s.add(review)
        s.flush()
        overdue = Decision(
            child_id=child.id,
            review_id=review.id,
            number=1,
            action="Book a dental check",
            person_responsible="Dana Fox",
            due_date=D("2026-10-30"),
        )
        later = Decision(
            child_id=child.id,
            review_id=review.id,
            number=2,
            action="Start life-story work",
            person_responsible="Dana Fox",
            due_date=D("2027-01-29"),
        )
        s.add_all([overdue, later])
        s.flush()
        return {"child": child.id, "overdue": overdue.id, "later": later.id}


def _row(store, child_id):
    return next(r for r in load_caseload(store, TODAY) if r.id == child_id)


def _line(store, child_id, decision_id):
    return next(d for d in load_child(store, child_id, TODAY).decisions if d.id == decision_id)


def test_done_leaves_the_overdue_count_on_caseload_and_page(store, ids):
    before = _row(store, ids["child"])
    assert (before.decisions_open, before.decisions_overdue) == (2, 1)
    assert FLAG_DECISIONS_OVERDUE in before.flags
    decisions.mark_done(store, ids["overdue"], D("2026-11-20"))
    after = _row(store, ids["child"])
    assert (after.decisions_open, after.decisions_overdue) == (1, 0)
    assert FLAG_DECISIONS_OVERDUE not in after.flags
    line = _line(store, ids["child"], ids["overdue"])
    assert (line.status, line.overdue, line.outcome) == ("Done", False, "Done on 20 Nov 2026")


def test_not_done_needs_a_reason_and_keeps_it(store, ids):
    with pytest.raises(Problem, match="Say why") as refused:
        decisions.mark_not_done(store, ids["overdue"], "  ", D("2026-11-20"))
    assert refused.value.field == "reason"
    assert _line(store, ids["child"], ids["overdue"]).status == "Overdue"  # nothing changed
    decisions.mark_not_done(store, ids["overdue"], "The dentist has no NHS places", D("2026-11-20"))
    line = _line(store, ids["child"], ids["overdue"])
    assert line.status == "Not done"
    assert line.outcome == "Not done (recorded on 20 Nov 2026): The dentist has no NHS places"
    assert _row(store, ids["child"]).decisions_overdue == 0


@pytest.mark.parametrize(
    ("on", "message"),
    [
        pytest.param("2026-11-26", "cannot be in the future", id="after today"),
        pytest.param(
            "2026-09-13", "before the review that made the decision, on 14 Sep 2026", id="before review"
        ),
    ],
)
def test_impossible_completion_dates_are_refused(store, ids, on, message):
    with pytest.raises(Problem, match=message) as refused:
        decisions.mark_done(store, ids["overdue"], D(on))
    assert refused.value.field == "on"
    assert _row(store, ids["child"]).decisions_overdue == 1


def test_done_on_the_day_of_the_review_or_today(store, ids):
    decisions.mark_done(store, ids["overdue"], D("2026-09-14"))
    decisions.mark_done(store, ids["later"], TODAY)
    assert _row(store, ids["child"]).decisions_open == 0


def test_changed_records_what_changed_and_the_old_date(store, ids):
    with pytest.raises(Problem, match="Say what changed"):
        decisions.mark_changed(store, ids["later"], "")
    decisions.mark_changed(store, ids["later"], "Life-story work to follow the move", D("2027-03-01"))
    line = _line(store, ids["child"], ids["later"])
    assert line.status == "Changed" and line.due == D("2027-03-01")
    assert line.outcome == (
        "Changed on 25 Nov 2026: Life-story work to follow the move. Now due 1 Mar 2027 (was 29 Jan 2027)"
    )


def test_reopen_brings_it_back_as_overdue(store, ids):
    decisions.mark_done(store, ids["overdue"], D("2026-11-20"))
    decisions.reopen(store, ids["overdue"])
    line = _line(store, ids["child"], ids["overdue"])
    assert (line.status, line.outcome) == ("Overdue", "")
    assert _row(store, ids["child"]).decisions_overdue == 1


def test_a_decision_no_longer_there(store, ids):
    with pytest.raises(Problem, match="no longer in the record"):
        decisions.mark_done(store, 9999, TODAY)


def test_a_changed_decision_stays_tracked_against_its_new_date(store, ids):
    decisions.mark_changed(store, ids["overdue"], "Dentist moved to the new practice", D("2026-12-18"))
    assert (_row(store, ids["child"]).decisions_open, _row(store, ids["child"]).decisions_overdue) == (2, 0)
    assert _line(store, ids["child"], ids["overdue"]).open
    later = next(r for r in load_caseload(store, D("2027-01-04")) if r.id == ids["child"])
    assert later.decisions_overdue == 1  # the new date passed without it being done
