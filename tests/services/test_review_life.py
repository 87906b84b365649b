"""A review's life in the services: every move through one door, every review reachable, and the real date
kept apart from the date a screen is viewed as of."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from iro_desktop.cli import PASSPHRASE_ENV, main
from iro_desktop.clock import FixedClock, ViewDateRefused
from iro_desktop.domain.review_states import ReviewState, check_move
from iro_desktop.problems import Problem
from iro_desktop.services import challenges, review_dates, text_limits
from iro_desktop.services import minutes as svc
from iro_desktop.services.finalise import (
    FinaliseRefused,
    finalise_challenge,
    finalise_review,
    open_correction,
)
from iro_desktop.services.retention import RemovalRefused, remove_child
from iro_desktop.services.review_life import review_header
from iro_desktop.services.review_prep import next_review_for
from iro_desktop.store.models import Child, Decision, Episode, PeriodOfCare, Person, Review, SignedRecord
from tests.conftest import PASSPHRASE, TODAY, sign_review

D = date.fromisoformat
AHEAD = TODAY + timedelta(days=30)  # a day the caseload may be viewed as of, to plan


@pytest.fixture
def child_id(store) -> int:
    """Maja, 10, looked after since Jan 2025, her last review recorded elsewhere (903) in April 2026."""
    with store.session() as s:
        child = Child(child_ref="C-7001", first_name="Maja", last_name="Frost", dob=D("2016-03-14"))
        period = PeriodOfCare(start_date=D("2025-01-06"))
        period.episodes = [
            Episode(start_date=D("2025-01-06"), reason_new="S", legal_status="C2", placement_type="U4")
        ]
        child.periods = [period]
        child.people = [Person(role="social_worker", name="Hannah Osei")]
        s.add(child)
        s.flush()
        s.add(
            Review(
                child_id=child.id,
                period_id=period.id,
                status="imported",
                source="903",
                held_date=D("2026-04-28"),
                participation_code="PN1",
            )
        )
        return child.id


def _state(store, review_id: int) -> str:
    with store.session() as s:
        return s.get(Review, review_id).status


def _ready(store, review_id: int) -> None:
    """Held with nothing blocking: a date, a participation code, the conversation explained."""
    svc.set_held_date(store, review_id, D("2026-11-20"))
    svc.set_participation(store, review_id, "PN1")
    with store.session() as s:
        review = s.get(Review, review_id)
        review.spoke_alone, review.not_alone_category = False, "declined"
        review.not_alone_reason = "Maja wanted her carer there."


def test_the_moves_a_review_may_make():
    check_move(ReviewState.PLANNED, ReviewState.HELD)
    check_move(ReviewState.FINALISED, ReviewState.CORRECTING)
    with pytest.raises(Problem, match="signed"):
        check_move(ReviewState.FINALISED, ReviewState.HELD)
    with pytest.raises(Problem, match="recorded elsewhere"):
        check_move(ReviewState.IMPORTED, ReviewState.HELD)
    with pytest.raises(Problem, match="cancelled"):
        check_move(ReviewState.CANCELLED, ReviewState.PLANNED)


def test_a_held_review_is_the_one_opened_again_until_it_is_signed(store, child_id):
    booked = next_review_for(store, child_id)
    assert _state(store, booked) == "planned"
    svc.set_held_date(store, booked, D("2026-11-20"))
    assert _state(store, booked) == "held"
    assert next_review_for(store, child_id) == booked  # not a new booking: the minutes are unfinished
    _ready(store, booked)
    sign_review(store, booked)
    following = next_review_for(store, child_id)
    assert following != booked and _state(store, following) == "planned"
    open_correction(store, booked)
    assert next_review_for(store, child_id) == booked  # a correction under way comes first
    with store.session() as s:
        assert s.scalar(select(func.count()).select_from(Review).where(Review.child_id == child_id)) == 3


def test_clearing_the_held_date_goes_back_to_where_it_was(store, child_id):
    review_id = next_review_for(store, child_id)
    review_dates.adjourn_review(store, review_id, TODAY, TODAY + timedelta(days=7), "The PEP was missing.")
    assert _state(store, review_id) == "adjourned"
    svc.set_held_date(store, review_id, TODAY)
    assert _state(store, review_id) == "held"
    svc.set_held_date(store, review_id, None)
    assert _state(store, review_id) == "adjourned"


def test_only_the_real_date_decides_what_may_be_saved(store, child_id):
    review_id = next_review_for(store, child_id)
    with pytest.raises(Problem, match="cannot be in the future"):
        svc.set_held_date(store, review_id, AHEAD)  # whatever day a screen shows, the meeting has not come
    store.clock = FixedClock(AHEAD)  # the day really comes
    svc.set_held_date(store, review_id, AHEAD)
    assert _state(store, review_id) == "held"


def test_signing_is_dated_today_and_refused_on_a_view_date(store, child_id):
    review_id = next_review_for(store, child_id)
    _ready(store, review_id)
    reasons = {w.key: "Minuted on paper." for w in svc.minutes(store, review_id, TODAY).warnings}
    with pytest.raises(ViewDateRefused, match="you are viewing 25 Dec 2026"):
        finalise_review(store, review_id, overrides=reasons, as_of=AHEAD)
    assert _state(store, review_id) == "held"
    with pytest.raises(FinaliseRefused, match=r"Give a reason to sign anyway \(empty_sections\)"):
        finalise_review(store, review_id, as_of=TODAY)
    finalise_review(store, review_id, overrides=reasons, as_of=TODAY)
    header = review_header(store, review_id)
    assert header.state is ReviewState.FINALISED and header.signed.signed_on == TODAY
    assert header.banner == "Signed on 25 Nov 2026, version 1. It is read-only: use Correct... to change it."


def test_a_concern_letter_and_a_childs_removal_refuse_a_view_date(demo_store):
    with demo_store.session() as s:
        child_id = s.scalars(select(Child.id).order_by(Child.id)).first()
    concern = challenges.raise_concern(demo_store, child_id, "no_social_worker", "No social worker", TODAY)
    challenges.escalate(demo_store, concern, "stage_1", TODAY)
    with pytest.raises(ViewDateRefused):
        finalise_challenge(demo_store, concern, as_of=AHEAD)
    with pytest.raises(RemovalRefused, match="Go back to today first; nothing was changed"):
        remove_child(demo_store, child_id, "retention date reached", as_of=AHEAD)
    with demo_store.session() as s:
        assert s.get(Child, child_id) is not None


def test_the_command_line_refuses_to_sign_or_remove_on_another_day(
    demo_store, store_path, monkeypatch, capsys
):
    monkeypatch.setenv(PASSPHRASE_ENV, PASSPHRASE)
    with demo_store.session() as s:
        held = s.scalars(select(Review.id).where(Review.status == "held")).first()
        signed_before = s.scalar(select(func.count()).select_from(SignedRecord))
    demo_store.close()
    db = ["--db", str(store_path)]
    assert main(["finalise", str(held), *db, "--as-of", AHEAD.isoformat()]) == 2
    said = capsys.readouterr().err
    assert "Signing uses today's date, 25 Nov 2026, but you are viewing 25 Dec 2026" in said
    assert main(["retention", "--remove-due", *db, "--as-of", AHEAD.isoformat()]) == 2
    assert "Removing children uses today's date" in capsys.readouterr().err
    assert main(["retention", *db, "--as-of", AHEAD.isoformat()]) == 0  # looking ahead is fine
    from iro_desktop.store import open_store

    again = open_store(store_path, PASSPHRASE)
    try:
        with again.session() as s:
            assert s.scalar(select(func.count()).select_from(SignedRecord)) == signed_before
    finally:
        again.close()


def test_a_signed_review_refuses_every_writer_and_keeps_its_progress_writable(store, child_id):
    review_id = next_review_for(store, child_id)
    _ready(store, review_id)
    decision = svc.add_decision(store, review_id, "Book the dentist", "Hannah Osei", D("2026-12-04"))
    sign_review(store, review_id)
    for write in (
        lambda: svc.save_section(store, review_id, "health", "Later"),
        lambda: svc.set_held_date(store, review_id, D("2026-11-19")),
        lambda: svc.add_wish(store, review_id, "More", "app", True),
        lambda: svc.save_drafts(store, review_id, {"wish": "typed"}),
        lambda: svc.update_decision(store, decision, "Book the optician", "Hannah Osei", D("2026-12-04")),
    ):
        with pytest.raises(Problem, match="signed, so its record cannot change"):
            write()
    from iro_desktop.services.decisions import mark_done

    mark_done(store, decision, D("2026-11-24"))
    with store.session() as s:
        assert s.get(Decision, decision).status == "done"


def test_no_text_is_ever_cut_short(store, child_id):
    review_id = next_review_for(store, child_id)
    svc.save_section(store, review_id, "health", "Kept.")
    with pytest.raises(Problem, match="150,001 characters long, more than the 150,000"):
        svc.save_section(store, review_id, "health", "x" * (text_limits.SECTION + 1))
    with pytest.raises(Problem, match="2,001 characters long"):
        svc.add_decision(store, review_id, "y" * 2_001, "Hannah Osei", D("2026-12-04"))
    svc.save_section(store, review_id, "health", "x" * text_limits.SECTION)  # the most it holds is kept whole
    texts = {s.key: s.text for s in svc.minutes(store, review_id, TODAY).sections}
    assert len(texts["health"]) == text_limits.SECTION
    svc.set_held_date(store, review_id, TODAY)
    for n in range(text_limits.DECISIONS):
        svc.add_decision(store, review_id, f"Action {n}", "Hannah Osei", D("2026-12-04"))
    with pytest.raises(Problem, match="at most 50 decisions"):
        svc.add_decision(store, review_id, "One more", "Hannah Osei", D("2026-12-04"))
