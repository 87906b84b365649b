"""The caseload read model: due dates and statuses per child, counts in the summary strip."""

from __future__ import annotations

import gc
from dataclasses import fields
from datetime import date

import pytest

from iro_desktop.domain.timescales import Status
from iro_desktop.services.caseload import (
    FLAG_CHALLENGE_AWAITING,
    FLAG_DECISIONS_OVERDUE,
    FLAG_NO_PRIVATE_TALK,
    TILES,
    CaseloadRow,
    caseload_summary,
    load_caseload,
    tile_filter,
)
from iro_desktop.services.settings import add_closure_day
from iro_desktop.store.models import Challenge, Child, Decision, Episode, PeriodOfCare, Review

TODAY = date(2026, 11, 25)


def add_child(s, ref, *, periods, reviews=(), dob=date(2014, 6, 1), **child_fields):
    """periods: [(start, end, legal_status)]; reviews: held dates in the last period."""
    child = Child(child_ref=ref, first_name=ref.title(), last_name="Example", dob=dob, **child_fields)
    s.add(child)
    s.flush()
    last = None
    for start, end, legal_status in periods:
        last = PeriodOfCare(child_id=child.id, start_date=start, end_date=end)
        s.add(last)
        s.flush()
        s.add(
            Episode(
                period_id=last.id,
                start_date=start,
                reason_new="S",
                legal_status=legal_status,
                placement_type="U4",
                carer_name="Foster carers (Example)",
            )
        )
    for n, held in enumerate(reviews, start=1):
        s.add(
            Review(
                child_id=child.id,
                period_id=last.id,
                number=n,
                held_date=held,
                status="imported",
                source="903",
                participation_code="PN1",
            )
        )
    return child


@pytest.fixture
def caseload(store):
    with store.session() as s:
        add_child(s, "newcomer", periods=[(date(2026, 11, 16), None, "V2")])
        add_child(
            s, "late", periods=[(date(2025, 1, 6), None, "C2")], reviews=[date(2025, 2, 3), date(2025, 6, 20)]
        )  # second review late: due 3 May 2025
        add_child(
            s,
            "returner",
            periods=[(date(2020, 1, 6), date(2023, 3, 1), "C2"), (date(2026, 11, 2), None, "C2")],
        )
        add_child(s, "breaks", periods=[(date(2026, 9, 1), None, "V3")])
        left = add_child(s, "left", periods=[(date(2021, 5, 4), date(2026, 2, 1), "C2")])
        busy = add_child(
            s,
            "busy",
            periods=[(date(2024, 1, 8), None, "C2")],
            reviews=[
                date(2024, 2, 1),
                date(2024, 4, 30),
                date(2024, 10, 28),
                date(2025, 4, 25),
                date(2025, 10, 20),
                date(2026, 4, 20),
            ],
        )
        s.add(
            Decision(
                child_id=busy.id,
                action="Arrange a dentist",
                person_responsible="Sam Social",
                due_date=date(2026, 11, 1),
                status="open",
            )
        )
        s.add(
            Decision(
                child_id=busy.id,
                action="Update the PEP",
                person_responsible="Ms Teacher",
                due_date=date(2026, 12, 20),
                status="open",
            )
        )
        s.add(Decision(child_id=left.id, action="Done already", due_date=date(2025, 1, 1), status="done"))
        s.add(
            Challenge(
                child_id=busy.id,
                issue="drift",
                raised_on=date(2026, 10, 1),
                stage="stage_1",
                sent_on=date(2026, 10, 2),
                response_due=date(2026, 10, 9),
            )
        )
        answered = Challenge(
            child_id=busy.id,
            issue="contact",
            raised_on=date(2026, 10, 1),
            stage="stage_1",
            sent_on=date(2026, 10, 2),
            response_due=date(2026, 10, 9),
            response="Contact with Kai moves to twice a week.",
        )
        s.add(answered)  # answered but not yet closed: open, not awaiting a response
    return store


def rows_by_ref(store, today=TODAY):
    return {r.child: r for r in load_caseload(store, today)}


def test_each_childs_next_review_and_status(caseload):
    rows = rows_by_ref(caseload)
    assert rows["newcomer"].next_review_due == date(2026, 12, 14)  # T1: 20 working days from 16 Nov 2026
    assert rows["newcomer"].status is Status.DUE_20WD and rows["newcomer"].review_number == 1
    assert rows["late"].next_review_due == date(2025, 12, 20)  # T3: 6 months from the late review's held date
    assert rows["late"].status is Status.OVERDUE and rows["late"].working_days_left < 0
    assert rows["returner"].next_review_due == date(2026, 11, 30)  # new period: first review again (T1)
    assert rows["returner"].looked_after_since == date(2026, 11, 2) and rows["returner"].last_review is None
    assert rows["breaks"].next_review_due == date(2026, 12, 1)  # T8: 3 months after the first short break
    assert rows["left"].status is Status.NOT_LOOKED_AFTER and rows["left"].next_review_due is None
    assert rows["busy"].next_review_due == date(2026, 10, 20) and rows["busy"].status is Status.OVERDUE


def test_outstanding_work_and_flags(caseload):
    busy = rows_by_ref(caseload)["busy"]
    assert (busy.decisions_open, busy.decisions_overdue) == (2, 1)
    assert (busy.challenges_open, busy.challenges_overdue) == (2, 1)
    assert {FLAG_DECISIONS_OVERDUE, FLAG_CHALLENGE_AWAITING, FLAG_NO_PRIVATE_TALK} <= set(busy.flags)
    assert rows_by_ref(caseload)["left"].decisions_open == 0


def test_summary_strip_counts(caseload):
    rows = load_caseload(caseload, TODAY)
    summary = caseload_summary(caseload, rows, TODAY)
    assert summary.allocated == 5  # the child who left care is not allocated
    assert (summary.guidance_low, summary.guidance_high) == (50, 70)
    assert summary.reviews_overdue == 2
    assert summary.due_this_week == 0  # week ends Sun 29 Nov 2026
    assert summary.due_this_month == 1  # returner, 30 Nov
    assert summary.decisions_overdue == 1 and summary.responses_overdue == 1
    assert summary.children_decisions_overdue == summary.children_responses_overdue == 1
    assert summary.responses_awaiting == 1  # the one answered is open but awaits nothing
    assert (summary.week_end, summary.month_end) == (date(2026, 11, 29), date(2026, 11, 30))


def test_responses_awaiting_are_told_apart_from_those_overdue(caseload):
    with caseload.session() as s:
        busy = s.query(Child).filter_by(child_ref="busy").one()
        s.add(
            Challenge(
                child_id=busy.id,
                issue="education",
                raised_on=date(2026, 11, 20),
                stage="stage_1",
                sent_on=date(2026, 11, 20),
                response_due=date(2026, 12, 4),
            )
        )  # sent, its response not due yet
    busy = rows_by_ref(caseload)["busy"]
    assert (busy.challenges_open, busy.challenges_overdue, busy.challenges_awaiting) == (3, 1, 2)
    summary = caseload_summary(caseload, load_caseload(caseload, TODAY), TODAY)
    assert (summary.responses_overdue, summary.responses_awaiting) == (1, 2)
    later = caseload_summary(caseload, load_caseload(caseload, date(2026, 12, 7)), date(2026, 12, 7))
    assert (later.responses_overdue, later.responses_awaiting) == (2, 2)


def test_each_tile_counts_the_rows_its_filter_keeps(caseload):
    rows = load_caseload(caseload, TODAY)
    summary = caseload_summary(caseload, rows, TODAY)
    kept = {key: [r.child for r in rows if tile_filter(key, TODAY)(r)] for key in TILES}
    assert sorted(kept["allocated"]) == ["breaks", "busy", "late", "newcomer", "returner"]
    assert sorted(kept["overdue"]) == ["busy", "late"] and kept["month"] == ["returner"]
    assert kept["week"] == [] and kept["decisions"] == kept["challenges"] == ["busy"]
    figures = (summary.allocated, summary.reviews_overdue, summary.due_this_week, summary.due_this_month)
    assert figures == tuple(len(kept[k]) for k in ("allocated", "overdue", "week", "month"))


def test_showing_the_caseload_as_of_a_later_date(caseload):
    later = rows_by_ref(caseload, date(2026, 12, 15))
    assert later["newcomer"].status is Status.OVERDUE
    assert later["breaks"].status is Status.OVERDUE


def test_a_council_closure_day_moves_a_deadline(caseload):
    add_closure_day(caseload, date(2026, 12, 1))
    assert rows_by_ref(caseload)["newcomer"].next_review_due == date(2026, 12, 15)


def test_json_row_has_what_a_data_team_reads(caseload):
    row = rows_by_ref(caseload)["newcomer"].to_json()
    assert row["child"] == "newcomer" and row["status"] == "due_20wd"
    assert row["next_review_due"] == "2026-12-14" and row["looked_after_since"] == "2026-11-16"


def test_json_rows_name_every_field_in_order_with_plain_values(caseload):
    """The JSON a data team's script reads: every field, in the order declared, as JSON's own types."""
    names = [f.name for f in fields(CaseloadRow)]
    for row in load_caseload(caseload, TODAY):
        out = row.to_json()
        assert list(out) == names
        assert all(type(value) in (str, int, bool, list, dict, type(None)) for value in out.values()), out
        assert out["flags"] == list(row.flags) and out["status"] == row.status.value


def test_loading_leaves_the_cycle_collector_as_it_found_it(caseload):
    load_caseload(caseload, TODAY)
    assert gc.isenabled()
    gc.disable()
    try:
        load_caseload(caseload, TODAY)
        assert not gc.isenabled()
    finally:
        gc.enable()
