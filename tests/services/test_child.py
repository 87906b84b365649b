"""The child's page read model, on a real encrypted store."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from iro_desktop.domain.timescales import Status
from iro_desktop.services.child import ChildNotFound, load_child
from iro_desktop.store.models import (
    Challenge,
    Child,
    Decision,
    Episode,
    PeriodOfCare,
    Person,
    Review,
    WishEntry,
)

TODAY = date(2026, 11, 25)
D = date.fromisoformat


def _add_child(store) -> int:
    """A child looked after since March 2025 with four reviews held (the second one late)."""
    with store.session() as s:
        child = Child(child_ref="C-1042", first_name="Jasmine", last_name="Okafor", preferred_name="Jas",
                      dob=D("2013-02-14"), sex="F", ethnicity="BAFR", first_language="English",
                      communication_needs="Prefers to talk while walking")
        old = PeriodOfCare(start_date=D("2021-05-01"), end_date=D("2021-08-01"), end_reason="E4A")
        old.episodes = [Episode(start_date=D("2021-05-01"), reason_new="S", legal_status="V2",
                                placement_type="U6", carer_name="Mr and Mrs Hale", end_date=D("2021-08-01"))]
        current = PeriodOfCare(start_date=D("2025-03-03"))
        current.episodes = [
            Episode(start_date=D("2025-03-03"), reason_new="S", legal_status="C1", placement_type="U6",
                    carer_name="Ms Brook", end_date=D("2025-09-01")),
            Episode(start_date=D("2025-09-01"), reason_new="B", legal_status="C2", placement_type="U4",
                    carer_name="Mr and Mr Patel"),
        ]
        child.periods = [old, current]
        s.add(child)
        s.flush()
        held = [("2025-03-28", "PN1"), ("2025-07-10", "PN6"), ("2026-01-08", "PN1"), ("2026-07-01", None)]
        reviews = [Review(period_id=current.id, status="finalised", held_date=D(h), participation_code=pn)
                   for h, pn in held]
        reviews.append(Review(period_id=current.id, planned_date=D("2026-12-15")))
        child.reviews = reviews
        child.people = [
            Person(role="carer", name="Ravi Patel", phone="07700 900123"),
            Person(role="social_worker", name="Sam Lee", organisation="Example Borough",
                   email="sam@example.org"),
        ]
        child.decisions = [
            Decision(number=1, action="Arrange dentist", person_responsible="Sam Lee",
                     due_date=D("2026-10-01")),
            Decision(number=2, action="Life-story book", due_date=D("2027-01-30")),
            Decision(number=3, action="PEP meeting", due_date=D("2026-09-01"), status="done"),
        ]
        child.wishes = [
            WishEntry(recorded_on=D("2026-01-08"), how_obtained="consultation_form",
                      words="I like my school."),
            WishEntry(recorded_on=D("2026-07-01"), how_obtained="private_conversation",
                      words="I want to see my brother every week."),
        ]
        child.challenges = [
            Challenge(issue="no_allocated_social_worker", raised_on=D("2026-10-20"), stage="stage_1",
                      response_due=D("2026-11-03")),
            Challenge(issue="contact", raised_on=D("2026-06-01"), response_due=D("2026-06-08"),
                      outcome="resolved", resolved_on=D("2026-06-05")),
        ]
        return child.id


def test_identity_with_code_meanings(store):
    record = load_child(store, _add_child(store), TODAY)
    ident = record.identity
    assert (ident.name, ident.child_ref, ident.age, ident.sex) == ("Jas Okafor", "C-1042", 13, "Female")
    assert ident.ethnicity.startswith("BAFR")
    assert ident.communication_needs == "Prefers to talk while walking"


def test_periods_newest_first_with_meanings(store):
    record = load_child(store, _add_child(store), TODAY)
    current, old = record.periods
    assert current.current and not old.current and old.end == D("2021-08-01")
    latest = current.episodes[0]
    assert latest.legal_status == "C2 Full care order"
    assert latest.placement_type.startswith("U4 Foster placement with other foster carer(s): long-term")
    assert latest.carer == "Mr and Mr Patel"


def test_reviews_judged_on_time_or_late(store):
    record = load_child(store, _add_child(store), TODAY)
    by_held = {r.held: r for r in record.reviews if r.held}
    planned, latest = record.reviews[:2]  # newest first, the review booked ahead of all
    assert (planned.held, planned.planned, planned.state_words) == (None, D("2026-12-15"), "Planned")
    assert latest.held == D("2026-07-01") and latest.state_words == "Signed"
    assert by_held[D("2025-03-28")].on_time and by_held[D("2025-03-28")].number == 1
    second = by_held[D("2025-07-10")]
    assert (second.number, second.on_time, second.due, second.days_late) == (2, False, D("2025-06-28"), 12)
    assert by_held[D("2025-03-28")].participation == "PN1 Came and spoke for themselves"
    assert by_held[D("2026-07-01")].participation == ""


def test_next_review_due_with_basis_and_booking(store):
    nxt = load_child(store, _add_child(store), TODAY).next_review
    assert nxt.due == D("2027-01-01") and nxt.number == 5
    assert "1 Jul 2026" in nxt.basis
    assert nxt.booked == D("2026-12-15")
    assert (nxt.status, nxt.working_days_left) == (Status.ON_TRACK, 24)  # Christmas and New Year skipped


def test_next_review_moves_with_as_of_date(store):
    child_id = _add_child(store)
    assert load_child(store, child_id, D("2027-03-01")).next_review.status is Status.OVERDUE


def test_decisions_open_first_and_overdue_by_word(store):
    decisions = load_child(store, _add_child(store), TODAY).decisions
    assert [(d.number, d.status, d.overdue) for d in decisions] == [
        (1, "Overdue", True), (2, "Open", False), (3, "Done", False),
    ]


def test_wishes_newest_first_in_their_words(store):
    wishes = load_child(store, _add_child(store), TODAY).wishes
    assert wishes[0].words == "I want to see my brother every week."
    assert wishes[0].how_obtained == "Private conversation"


def test_challenges_open_and_overdue(store):
    challenges = load_child(store, _add_child(store), TODAY).challenges
    assert [(c.issue, c.open, c.overdue) for c in challenges] == [
        ("No allocated social worker", True, True), ("Contact with family", False, False),
    ]
    assert challenges[0].stage == "Stage 1: Team manager"  # as the Challenges view names it


def test_an_answered_concern_is_not_shown_overdue_on_the_childs_page(store):
    """The same rule as the Challenges view and the caseload: a response received, however late, ends it."""
    child_id = _add_child(store)
    with store.session() as s:
        waiting = select(Challenge).where(Challenge.child_id == child_id, Challenge.outcome.is_(None))
        s.scalars(waiting).one().response = "A social worker will be named on Monday."
    (still_open,) = [c for c in load_child(store, child_id, TODAY).challenges if c.open]
    assert not still_open.overdue


def test_people_social_worker_first(store):
    people = load_child(store, _add_child(store), TODAY).people
    assert [p.role for p in people] == ["Social worker", "Carer"]
    assert people[0].contact == ("Example Borough", "sam@example.org")


def test_unknown_child(store):
    with pytest.raises(ChildNotFound):
        load_child(store, 999, TODAY)
