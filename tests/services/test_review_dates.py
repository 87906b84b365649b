"""An early review (T4) and an adjournment (I3) move the date the caseload and the child's page show."""

from __future__ import annotations

from datetime import date

import pytest

from iro_desktop.domain.timescales import TimescaleSettings
from iro_desktop.problems import Problem
from iro_desktop.services.caseload import load_caseload
from iro_desktop.services.child import load_child
from iro_desktop.services.review_dates import adjourn_review, cancel_early_review, request_early_review
from iro_desktop.services.settings import save_timescale_settings
from iro_desktop.store.models import Child, Episode, PeriodOfCare, Review

TODAY = date(2026, 11, 25)
D = date.fromisoformat


@pytest.fixture
def ids(store) -> dict[str, int]:
    """Looked after since 2 Mar 2026; reviews held 27 Mar and 19 Jun 2026: review 3 due 19 Dec 2026."""
    with store.session() as s:
        child = Child(child_ref="C-5120", first_name="Amara", last_name="Diallo", dob=D("2016-08-08"))
        period = PeriodOfCare(start_date=D("2026-03-02"))
        period.episodes = [
            Episode(
                start_date=D("2026-03-02"),
                reason_new="S",
                legal_status="C2",
                placement_type="U4",
                carer_name="Ms Greene",
            )
        ]
        child.periods = [period]
        s.add(child)
        s.flush()
        held = [
            Review(child_id=child.id, period_id=period.id, held_date=D(d), status="imported", source="903")
            for d in ("2026-03-27", "2026-06-19")
        ]
        planned = Review(child_id=child.id, period_id=period.id, planned_date=D("2026-11-24"))
        s.add_all([*held, planned])
        s.flush()
        return {"child": child.id, "review": planned.id}


def _row(store, child_id, today=TODAY):
    return next(r for r in load_caseload(store, today) if r.id == child_id)


def test_early_review_moves_the_date_earlier_with_its_reason(store, ids):
    assert _row(store, ids["child"]).next_review_due == D("2026-12-19")
    request_early_review(store, ids["child"], D("2026-12-04"), "placement_change")
    row = _row(store, ids["child"])
    assert row.next_review_due == D("2026-12-04")
    assert row.review_basis == (
        "Early review requested by 4 Dec 2026 (otherwise due 19 Dec 2026). Reason: Placement change"
    )
    assert row.to_json()["next_review_due"] == "2026-12-04"
    page = load_child(store, ids["child"], TODAY).next_review
    assert (page.due, page.basis, page.early_review_by) == (
        row.next_review_due,
        row.review_basis,
        D("2026-12-04"),
    )


def test_a_later_early_review_never_moves_the_date_later(store, ids):
    request_early_review(store, ids["child"], D("2027-01-15"), "iro_request")
    assert _row(store, ids["child"]).next_review_due == D("2026-12-19")


def test_a_review_held_since_the_request_clears_it(store, ids):
    request_early_review(store, ids["child"], D("2026-12-04"), "iro_request")
    with store.session() as s:
        s.get(Review, ids["review"]).held_date = D("2026-12-01")
    later = D("2026-12-10")
    row = _row(store, ids["child"], later)
    assert row.next_review_due == D("2027-06-01")  # six months after 1 Dec, not the old request
    assert "Early review" not in row.review_basis


def test_cancel_early_review(store, ids):
    request_early_review(store, ids["child"], D("2026-12-04"), "other", detail="Mother's request")
    assert "Reason: Mother's request" in _row(store, ids["child"]).review_basis
    cancel_early_review(store, ids["child"])
    assert _row(store, ids["child"]).next_review_due == D("2026-12-19")
    with store.session() as s:
        child = s.get(Child, ids["child"])
        assert (child.early_review_by, child.early_review_reason, child.early_review_requested_on) == (
            None,
        ) * 3


@pytest.mark.parametrize(
    ("by", "reason", "detail", "field", "message"),
    [
        pytest.param("2026-11-24", "iro_request", "", "by", "cannot be in the past", id="T4 in the past"),
        pytest.param(None, "iro_request", "", "by", "Enter the date", id="T4 no date"),
        pytest.param("2026-12-04", "whim", "", "reason", "Choose why", id="T4 unknown reason"),
        pytest.param("2026-12-04", "other", " ", "detail", "Say why", id="T4 other without words"),
    ],
)
def test_bad_early_requests_are_refused(store, ids, by, reason, detail, field, message):
    with pytest.raises(Problem, match=message) as refused:
        request_early_review(store, ids["child"], D(by) if by else None, reason, detail=detail)
    assert refused.value.field == field
    assert _row(store, ids["child"]).next_review_due == D("2026-12-19")


def test_adjourned_once_is_due_on_the_new_date(store, ids):
    adjourn_review(
        store, ids["review"], D("2026-11-24"), D("2026-12-22"), "Health assessment not ready"
    )
    row = _row(store, ids["child"])
    assert (row.next_review_due, row.next_review_booked) == (D("2026-12-22"), D("2026-12-22"))
    assert row.review_basis == "Adjourned on 24 Nov 2026 to 22 Dec 2026 (once, up to 20 working days)"
    page = load_child(store, ids["child"], TODAY).next_review
    assert (page.due, page.basis, page.adjourned) == (row.next_review_due, row.review_basis, True)


def test_a_second_adjournment_is_refused(store, ids):
    adjourn_review(store, ids["review"], D("2026-11-24"), D("2026-12-08"), "Parents not invited")
    with pytest.raises(Problem, match="adjourned only once: this one was adjourned on 24 Nov 2026"):
        adjourn_review(store, ids["review"], D("2026-11-25"), D("2026-12-09"), "Again")
    assert _row(store, ids["child"]).next_review_due == D("2026-12-08")


@pytest.mark.parametrize(
    ("on", "to", "reason", "field", "message"),
    [
        pytest.param(
            "2026-11-24",
            "2026-12-23",
            "x",
            "to",
            "at most 20 working days: meet again by 22 Dec 2026",
            id="I3 more than 20 working days",
        ),
        pytest.param("2026-11-24", "2026-11-24", "x", "to", "after 24 Nov 2026", id="I3 to not after on"),
        pytest.param(
            "2026-11-26", "2026-12-01", "x", "on", "cannot be in the future", id="I3 on in the future"
        ),
        pytest.param(
            "2016-08-07", "2016-08-20", "x", "on", "before Amara Diallo was born", id="I3 before birth"
        ),
        pytest.param("2026-11-24", "2026-12-01", " ", "reason", "Say why", id="I3 no reason"),
    ],
)
def test_bad_adjournments_are_refused(store, ids, on, to, reason, field, message):
    with pytest.raises(Problem, match=message) as refused:
        adjourn_review(store, ids["review"], D(on), D(to), reason)
    assert refused.value.field == field
    assert _row(store, ids["child"]).next_review_due == D("2026-12-19")


def test_the_adjournment_limit_is_a_setting(store, ids):
    save_timescale_settings(store, TimescaleSettings(adjournment_max_wd=10))
    with pytest.raises(Problem, match="at most 10 working days: meet again by 8 Dec 2026"):
        adjourn_review(store, ids["review"], D("2026-11-24"), D("2026-12-09"), "x")
    adjourn_review(store, ids["review"], D("2026-11-24"), D("2026-12-08"), "x")
    assert "up to 10 working days" in _row(store, ids["child"]).review_basis


def test_a_held_review_cannot_be_adjourned(store, ids):
    with store.session() as s:
        held_id = s.query(Review.id).filter(Review.held_date == D("2026-06-19")).scalar()
    with pytest.raises(Problem, match="already been held"):
        adjourn_review(store, held_id, D("2026-11-24"), D("2026-12-01"), "x")


def test_demo_early_review_moves_the_caseload(demo_store):
    """On the demo caseload, a child due in months gets an early review and moves up with its basis."""
    row = next(r for r in load_caseload(demo_store, TODAY) if r.next_review_due and r.working_days_left > 40)
    request_early_review(demo_store, row.id, D("2026-12-11"), "end_accommodation")
    moved = next(r for r in load_caseload(demo_store, TODAY) if r.id == row.id)
    assert moved.next_review_due == D("2026-12-11") < row.next_review_due
    assert moved.review_basis.endswith("Reason: Plan to end accommodation")
    assert moved.status.value == "due_20wd"
