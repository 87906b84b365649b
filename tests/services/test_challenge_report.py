"""The summary for a date range: concerns by issue, stage reached, outcome and the 20 working days;
Cafcass referrals; positive practice; and the annual-report figures for reviews and decisions."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest

from iro_desktop.problems import Problem
from iro_desktop.services import challenge_practice
from iro_desktop.services import challenge_report as report
from iro_desktop.services import challenges as ch
from iro_desktop.store.models import Child, Decision, Episode, PeriodOfCare, Review

TODAY = date(2026, 11, 25)
D = date.fromisoformat
YEAR = (D("2026-01-01"), D("2026-11-30"))


@pytest.fixture
def child_id(store) -> int:
    """Looked after from 5 Jan 2026: review 1 due 2 Feb (held on time), review 2 due 28 Apr (held late)."""
    with store.session() as s:
        child = Child(child_ref="C-7001", first_name="Ada", last_name="Okafor", dob=D("2015-03-02"))
        s.add(child)
        s.flush()
        period = PeriodOfCare(child_id=child.id, start_date=D("2026-01-05"))
        s.add(period)
        s.flush()
        s.add(
            Episode(
                period_id=period.id,
                start_date=D("2026-01-05"),
                reason_new="S",
                legal_status="C2",
                placement_type="U4",
                carer_name="Foster carers (Example)",
            )
        )
        s.add(
            Review(
                child_id=child.id,
                period_id=period.id,
                number=1,
                held_date=D("2026-01-28"),
                status="imported",
                source="903",
                participation_code="PN1",
                spoke_alone=True,
            )
        )
        s.add(
            Review(
                child_id=child.id,
                period_id=period.id,
                number=2,
                held_date=D("2026-05-11"),
                status="imported",
                source="903",
                participation_code="PN6",
                spoke_alone=False,
            )
        )
        for action, due, status, done in (
            ("Book the dentist", D("2026-02-20"), "done", D("2026-02-18")),
            ("Update the PEP", D("2026-03-10"), "done", D("2026-03-20")),
            ("Life story work", D("2026-06-01"), "open", None),
        ):
            s.add(
                Decision(
                    child_id=child.id,
                    action=action,
                    person_responsible="Sam Fairweather",
                    due_date=due,
                    status=status,
                    completed_on=done,
                )
            )
        return child.id


def _concerns(store, child_id):
    quick = ch.raise_concern(store, child_id, "health", "No health assessment.", D("2026-03-02"))
    ch.close(store, quick, "resolved", D("2026-03-06"))
    slow = ch.raise_concern(store, child_id, "drift", "No permanence plan.", D("2026-06-01"))
    ch.escalate(store, slow, "stage_1", D("2026-06-08"))
    ch.escalate(store, slow, "stage_3", D("2026-06-22"))
    ch.record_response(store, slow, D("2026-08-03"), "Plan agreed at last.", "partly_resolved")
    ch.refer_to_cafcass(store, slow, D("2026-07-20"), "Chronology sent.")
    still = ch.raise_concern(store, child_id, "drift", "Contact plan not updated.", D("2026-11-20"))
    ch.consider_cafcass(store, still, D("2026-11-23"), "Too early: the council has not yet replied.")
    ch.raise_concern(store, child_id, "transport", "Outside the range.", D("2025-12-10"))
    challenge_practice.add_practice_note(
        store, D("2026-04-14"), "The social worker prepared Ada carefully for contact."
    )
    challenge_practice.add_practice_note(store, D("2025-11-01"), "Outside the range.")


def test_the_summary_counts_match_what_was_recorded(store, child_id):
    _concerns(store, child_id)
    s = report.summary(store, *YEAR, TODAY)
    assert s.raised == 3
    assert dict(s.by_issue)["Drift in the plan"] == 2 and dict(s.by_issue)["Health"] == 1
    assert dict(s.by_issue)["Transport"] == 0
    stages = dict(s.by_stage)
    assert (
        stages["Informal"] == 2
        and stages["Stage 3: Head of service"] == 1
        and stages["Stage 1: Team manager"] == 0
    )
    assert dict(s.by_outcome) == {"Resolved": 1, "Partly resolved": 1, "Not resolved": 0, "Still open": 1}
    assert (s.within_20wd, s.beyond_20wd, s.open_within_time) == (1, 1, 1)
    assert (s.cafcass_considered, s.cafcass_referred) == (1, 1)
    assert [n.text for n in s.positive_practice] == ["The social worker prepared Ada carefully for contact."]


def test_the_annual_report_figures(store, child_id):
    s = report.summary(store, *YEAR, TODAY)
    assert (s.reviews_held, s.reviews_on_time) == (2, 1)
    months = {m.month: (m.on_time, m.late) for m in s.reviews_by_month}
    assert months["Jan 2026"] == (1, 0) and months["May 2026"] == (0, 1) and months["Mar 2026"] == (0, 0)
    assert len(s.reviews_by_month) == 11
    assert (s.spoke_alone, s.not_alone, s.alone_not_recorded) == (1, 1, 0)
    assert dict(s.participation)["PN1"] == 1 and dict(s.participation)["PN6"] == 1
    assert (s.decisions_due, s.decisions_on_time, s.decisions_late, s.decisions_outstanding) == (3, 1, 1, 1)
    assert s.records_not_issued == 2


def test_a_narrower_range_counts_less(store, child_id):
    _concerns(store, child_id)
    s = report.summary(store, D("2026-01-01"), D("2026-03-31"), TODAY)
    assert (s.raised, s.reviews_held, s.decisions_due, s.cafcass_referred) == (1, 1, 2, 0)


def test_a_range_that_ends_before_it_starts_is_refused(store):
    with pytest.raises(Problem) as refused:
        report.summary(store, D("2026-05-01"), D("2026-04-01"), TODAY)
    assert refused.value.field == "end"


def test_the_csv_has_the_same_figures(store, child_id):
    _concerns(store, child_id)
    rows = list(csv.reader(io.StringIO(report.csv_text(report.summary(store, *YEAR, TODAY)))))
    assert rows[0] == ["Section", "Item", "Count"]
    assert ["Concerns raised by issue", "Drift in the plan", "2"] in rows
    assert ["Reviews", "Held on time (%)", "50%"] in rows
    assert ["Cafcass", "Referred", "1"] in rows
    assert any(r[0] == "Positive practice" and "prepared Ada" in r[1] for r in rows)


def test_the_charts_draw_the_summary(store, child_id):
    _concerns(store, child_id)
    reviews, participation, concerns = report.charts(report.summary(store, *YEAR, TODAY))
    assert reviews.categories[0] == "Jan 2026" and dict(reviews.series)["Late"][4] == 1
    assert dict(participation.series)["Reviews"][list(participation.categories).index("PN6")] == 1
    assert concerns.horizontal and "Drift in the plan" in concerns.categories
