"""Preparing a review: the next review with its defaults, the pack, and each edit's refusals in words."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from iro_desktop.problems import Problem
from iro_desktop.services import review_prep as prep
from iro_desktop.services.caseload import load_caseload
from iro_desktop.services.child import load_child
from iro_desktop.store.models import (
    Attendance,
    Challenge,
    Child,
    Decision,
    Episode,
    PeriodOfCare,
    Person,
    Review,
    ReviewReport,
    WishEntry,
)

TODAY = date(2026, 11, 25)
D = date.fromisoformat


@pytest.fixture
def child_id(store) -> int:
    """Maja, 12, in foster care since December 2025, three reviews held, the last on 30 Sep 2026."""
    with store.session() as s:
        child = Child(child_ref="C-3001", first_name="Maja", last_name="Nowak", dob=D("2014-03-10"))
        period = PeriodOfCare(start_date=D("2025-12-22"))
        period.episodes = [
            Episode(
                start_date=D("2025-12-22"),
                reason_new="S",
                legal_status="C2",
                placement_type="U4",
                carer_name="Mr and Mrs Okafor",
                placement_address="12 Example Road, Example Town",
                placement_postcode="XB1 2AB",
            )
        ]
        child.periods = [period]
        child.people = [
            Person(role="social_worker", name="Dana Fox"),
            Person(
                role="parent",
                name="Anna Nowak",
                relationship_to_child="Mother",
                has_parental_responsibility=True,
            ),
            Person(role="carer", name="Mr and Mrs Okafor", relationship_to_child="Foster carers"),
            Person(role="team_manager", name="Priya Shah"),
            Person(role="designated_teacher", name="Tom Reed"),
        ]
        s.add(child)
        s.flush()
        held = [
            Review(
                period_id=period.id, number=n, status="imported", source="903", planned_date=d, held_date=d
            )
            for n, d in enumerate((D("2026-01-16"), D("2026-04-10"), D("2026-09-30")), start=1)
        ]
        child.reviews = held
        s.flush()
        child.decisions = [
            Decision(
                review_id=held[2].id,
                number=1,
                action="Book a dental check",
                person_responsible="Dana Fox",
                due_date=D("2026-11-01"),
            ),
            Decision(
                review_id=held[2].id,
                number=2,
                action="Join the swimming club",
                person_responsible="Mr and Mrs Okafor",
                due_date=D("2026-10-20"),
                status="done",
            ),
            Decision(review_id=held[1].id, number=1, action="An older decision", due_date=D("2026-05-01")),
        ]
        child.wishes = [
            WishEntry(
                review_id=held[1].id,
                recorded_on=D("2026-04-10"),
                how_obtained="drawing",
                words="An old wish from April.",
            ),
            WishEntry(
                review_id=held[2].id,
                recorded_on=D("2026-09-30"),
                how_obtained="private_conversation",
                words="I want to see my brother Kai every week.",
            ),
            WishEntry(
                recorded_on=D("2026-10-15"), how_obtained="consultation_form", words="Can I have a phone?"
            ),
        ]
        child.challenges = [
            Challenge(
                issue="contact_drift",
                raised_on=D("2026-10-01"),
                response_due=D("2026-10-15"),
                stage="stage_1",
            )
        ]
        return child.id


def _review(store, review_id: int) -> Review:
    with store.session() as s:
        return s.get(Review, review_id)


def test_the_next_review_is_booked_once_for_its_due_date(store, child_id):
    first = prep.next_review_for(store, child_id)
    assert prep.next_review_for(store, child_id) == first
    due = load_child(store, child_id, TODAY).next_review
    review = _review(store, first)
    assert (review.status, review.planned_date, review.number, review.kind) == (
        "planned",
        due.due,
        4,
        "standard",
    )
    assert review.venue == "Foster home of Mr and Mrs Okafor, 12 Example Road, Example Town, XB1 2AB"
    assert review.planned_time == "10:00"
    with store.session() as s:
        assert s.scalar(select(func.count()).select_from(Review).where(Review.held_date.is_(None))) == 1
        assert s.scalar(select(func.count()).select_from(Attendance)) == 6  # the child and five people


def test_the_date_agreed_at_the_last_review_is_the_one_booked(store, child_id):
    with store.session() as s:
        last = s.scalars(select(Review).where(Review.held_date == D("2026-09-30"))).one()
        last.next_review_date = D("2027-03-02")  # set at the meeting, before the statutory date
    assert load_child(store, child_id, TODAY).next_review.due != D("2027-03-02")
    assert _review(store, prep.next_review_for(store, child_id)).planned_date == D("2027-03-02")


def test_invitees_start_with_the_child_then_carers_and_parents_each_with_a_contribution(store, child_id):
    pack = prep.review_pack(store, prep.next_review_for(store, child_id), TODAY)
    assert [(i.name, i.role, i.contribution_label) for i in pack.invitees] == [
        ("Maja Nowak", "Child", "Attend"),
        ("Mr and Mrs Okafor", "Carer (Foster carers)", "Attend"),
        ("Anna Nowak", "Parent (Mother)", "Attend"),
        ("Dana Fox", "Social worker", "Attend"),
        ("Priya Shah", "Team manager", "Written report"),
        ("Tom Reed", "Designated teacher", "Written report"),
    ]
    assert [r.kind for r in pack.reports] == list(prep.REPORT_KINDS)
    assert all(r.expected and r.received_on is None for r in pack.reports)


def test_the_pack_shows_last_decisions_open_challenges_and_what_the_child_said_since(store, child_id):
    pack = prep.review_pack(store, prep.next_review_for(store, child_id), TODAY)
    assert pack.child.name == "Maja Nowak" and pack.child.age == 12
    assert pack.child.legal_status == "Full care order"
    assert pack.child.placement.endswith("long-term, with Mr and Mrs Okafor")
    assert pack.last_review_held == D("2026-09-30")
    assert [(d.action, d.status, d.overdue) for d in pack.decisions] == [
        ("Book a dental check", "Overdue", True),
        ("Join the swimming club", "Done", False),
    ]
    assert [c.issue for c in pack.challenges] == ["Contact drift"] and pack.challenges[0].overdue
    assert [w.words for w in pack.wishes] == [
        "Can I have a phone?",
        "I want to see my brother Kai every week.",
    ]
    assert pack.wishes[0].how_obtained == "Consultation form"
    assert pack.conversation.happened is None and not pack.late


def test_a_planned_review_already_booked_is_the_one_prepared(store, child_id):
    with store.session() as s:
        period_id = s.scalars(select(PeriodOfCare.id)).one()
        review = Review(
            child_id=child_id,
            period_id=period_id,
            number=4,
            planned_date=D("2027-01-12"),
            planned_time="14:00",
            venue="School",
        )
        s.add(review)
        s.flush()
        booked = review.id
    assert prep.next_review_for(store, child_id) == booked
    review = _review(store, booked)
    assert (review.planned_date, review.planned_time, review.venue) == (D("2027-01-12"), "14:00", "School")
    assert len(prep.review_pack(store, booked, TODAY).invitees) == 6


def test_defaults_for_demo_children_come_from_the_due_date_engine(demo_store):
    rows = [r for r in load_caseload(demo_store, TODAY) if r.next_review_due and r.next_review_booked is None]
    assert rows
    for row in rows[:5]:
        review = _review(demo_store, prep.next_review_for(demo_store, row.id))
        assert review.planned_date == max(row.next_review_due, TODAY)
        assert review.number == row.review_number
        pack = prep.review_pack(demo_store, review.id, TODAY)
        assert pack.invitees[0].role == "Child" and pack.invitees[0].name == row.name
        assert row.placement and row.placement in (review.venue or "")


def test_when_and_where_refuse_impossible_dates_and_allow_a_late_one(store, child_id):
    review_id = prep.next_review_for(store, child_id)
    with pytest.raises(Problem, match="before Maja Nowak's date of birth"):
        prep.set_when_where(store, review_id, D("2013-01-01"), "10:00", "Home")
    with pytest.raises(Problem, match="before Maja Nowak became looked after"):
        prep.set_when_where(store, review_id, D("2025-12-01"), "10:00", "Home")
    with pytest.raises(Problem, match="hours and minutes"):
        prep.set_when_where(store, review_id, D("2027-01-12"), "half three", "Home")
    with pytest.raises(Problem, match="Choose a date"):
        prep.set_when_where(store, review_id, None, "10:00", "Home")
    due = prep.review_pack(store, review_id, TODAY).due
    prep.set_when_where(store, review_id, due + timedelta(days=7), "15:30", "  Kitchen table  ")
    pack = prep.review_pack(store, review_id, TODAY)
    assert (pack.planned_time, pack.venue) == ("15:30", "Kitchen table")
    assert pack.late and pack.working_days_late == 5


def test_invitees_can_be_added_and_their_contribution_changed(store, child_id):
    review_id = prep.next_review_for(store, child_id)
    with pytest.raises(Problem, match="Type the name"):
        prep.add_invitee(store, review_id, "  ", "other", "attend")
    with pytest.raises(Problem, match="Choose how this person will contribute"):
        prep.add_invitee(store, review_id, "Lena Kowalska", "other", "carrier pigeon")
    added = prep.add_invitee(store, review_id, "Lena Kowalska", "other", "phone_video")
    prep.set_invitee(store, added, "written_report")
    last = prep.review_pack(store, review_id, TODAY).invitees[-1]
    assert (last.name, last.role, last.contribution_label) == ("Lena Kowalska", "Other", "Written report")


def test_a_report_cannot_arrive_before_birth_or_after_today(store, child_id):
    review_id = prep.next_review_for(store, child_id)
    with pytest.raises(Problem, match="before Maja Nowak's date of birth"):
        prep.set_report(store, review_id, "care_plan", True, D("2010-01-01"), None)
    with pytest.raises(Problem, match="cannot have arrived after today"):
        prep.set_report(store, review_id, "care_plan", True, TODAY + timedelta(days=1), None)
    prep.set_report(store, review_id, "care_plan", True, D("2026-11-20"), "Draft only")
    prep.set_report(store, review_id, "pep", False, None, None)
    reports = {r.kind: r for r in prep.review_pack(store, review_id, TODAY).reports}
    assert (reports["care_plan"].received_on, reports["care_plan"].note) == (D("2026-11-20"), "Draft only")
    assert not reports["pep"].expected
    with store.session() as s:
        assert s.scalar(select(func.count()).select_from(ReviewReport)) == len(prep.REPORT_KINDS)


def test_a_private_conversation_recorded_twice_updates_one_wish(store, child_id):
    review_id = prep.next_review_for(store, child_id)
    prep.record_private_conversation(
        store,
        review_id,
        happened=True,
        on=D("2026-11-20"),
        place="In the garden",
        words="I want to stay here.",
    )
    prep.record_private_conversation(
        store,
        review_id,
        happened=True,
        on=D("2026-11-21"),
        place="In the garden",
        words="I want to stay here with Bella the dog.",
        agreed_to_share=False,
    )
    with store.session() as s:
        wishes = s.scalars(select(WishEntry).where(WishEntry.review_id == review_id)).all()
        assert [(w.words, w.recorded_on, w.how_obtained, w.agreed_to_share) for w in wishes] == [
            ("I want to stay here with Bella the dog.", D("2026-11-21"), "private_conversation", False)
        ]
    review = _review(store, review_id)
    assert (review.spoke_alone, review.spoke_alone_date, review.spoke_alone_place) == (
        True,
        D("2026-11-21"),
        "In the garden",
    )
    conversation = prep.review_pack(store, review_id, TODAY).conversation
    assert (
        conversation.words == "I want to stay here with Bella the dog." and not conversation.agreed_to_share
    )


def test_a_conversation_needs_a_date_not_in_the_future_and_a_place(store, child_id):
    review_id = prep.next_review_for(store, child_id)
    with pytest.raises(Problem, match="Say when you spoke with Maja"):
        prep.record_private_conversation(store, review_id, happened=True, place="Garden")
    with pytest.raises(Problem, match="cannot be after today"):
        prep.record_private_conversation(
            store, review_id, happened=True, on=D("2026-12-01"), place="x",
        )
    with pytest.raises(Problem, match="before Maja Nowak's date of birth"):
        prep.record_private_conversation(
            store, review_id, happened=True, on=D("2014-01-01"), place="x",
        )
    with pytest.raises(Problem, match="Say where you spoke with Maja"):
        prep.record_private_conversation(store, review_id, happened=True, on=TODAY, place=" ")
    assert _review(store, review_id).spoke_alone is None


def test_why_not_needs_a_reason(store, child_id):
    review_id = prep.next_review_for(store, child_id)
    with pytest.raises(Problem, match="Choose why you did not speak with Maja alone"):
        prep.record_private_conversation(store, review_id, happened=False, why_not="She was ill")
    with pytest.raises(Problem, match="Give your reason") as refused:
        prep.record_private_conversation(store, review_id, happened=False, why_not_category="declined")
    assert refused.value.field == "why_not"
    prep.record_private_conversation(
        store,
        review_id,
        happened=False,
        why_not_category="declined",
        why_not="Maja said she had told her social worker everything.",
    )
    review = _review(store, review_id)
    assert (review.spoke_alone, review.not_alone_category) == (False, "declined")
    assert review.not_alone_reason == "Maja said she had told her social worker everything."
