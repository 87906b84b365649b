"""Challenges as the IRO works them: raise, resolve informally, escalate (skipping, never back), respond,
refer to Cafcass, tell the child; every open concern's stage, holder, due date and overdue state."""

from __future__ import annotations

import io
from datetime import date

import pytest
from pypdf import PdfReader

from iro_desktop.problems import Problem
from iro_desktop.services import challenge_facts, challenge_ladder, challenge_letters
from iro_desktop.services import challenges as ch
from iro_desktop.services.caseload import caseload_summary, load_caseload
from iro_desktop.services.child import load_child
from tests.conftest import TODAY

MON = date(2026, 11, 16)  # a Monday with no bank holiday in the next four weeks


def _child_id(store) -> int:
    return load_caseload(store, TODAY)[0].id


def _raise(store, child_id, **kw) -> int:
    args = dict(
        issue="no_social_worker",
        details="No allocated social worker for seven weeks.",
        raised_on=MON,
        expected="A named social worker",
        expected_by=date(2026, 11, 20),
        child_view="Wants to know who to call.",
    )
    args.update(kw)
    return ch.raise_concern(store, child_id, **args)


def _text(pdf: bytes) -> str:
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)


def test_a_raised_concern_is_informal_and_counted_open(demo_store):
    child = _child_id(demo_store)
    before = next(r for r in load_caseload(demo_store, TODAY) if r.id == child).challenges_open
    cid = _raise(demo_store, child)
    view = challenge_facts.get_challenge(demo_store, cid, TODAY)
    assert (view.stage, view.status, view.expected, view.child_view) == (
        "Informal",
        "Informal",
        "A named social worker",
        "Wants to know who to call.",
    )
    assert next(r for r in load_caseload(demo_store, TODAY) if r.id == child).challenges_open == before + 1
    assert cid in [c.id for c in challenge_facts.open_challenges(demo_store, TODAY)]


@pytest.mark.parametrize(
    ("kw", "field"),
    [
        ({"details": "   "}, "details"),
        ({"issue": ""}, "issue"),
        ({"raised_on": date(2026, 12, 1)}, "raised_on"),
        ({"expected_by": date(2026, 11, 1)}, "expected_by"),
    ],
)
def test_bad_concerns_are_refused_at_the_field(demo_store, kw, field):
    with pytest.raises(Problem) as refused:
        _raise(demo_store, _child_id(demo_store), **kw)
    assert refused.value.field == field


def test_informal_resolution_is_recorded_then_closed(demo_store):
    cid = _raise(demo_store, _child_id(demo_store))
    ch.record_informal(
        demo_store,
        cid,
        date(2026, 11, 17),
        "Ruth Adebayo, team manager",
        "She agreed allocation is overdue.",
        "Allocate a social worker",
        date(2026, 11, 20),
    )
    ch.close(demo_store, cid, "resolved", date(2026, 11, 20), "Allocated on Friday.")
    view = challenge_facts.get_challenge(demo_store, cid, TODAY)
    assert not view.open and view.outcome == "Resolved" and view.resolved_on == date(2026, 11, 20)
    assert any("Agreed: Allocate a social worker" in e.text for e in view.events)
    assert cid not in [c.id for c in challenge_facts.open_challenges(demo_store, TODAY)]
    lines = load_child(demo_store, view.child_id, TODAY).challenges
    assert any(not line.open and line.issue == "No allocated social worker" for line in lines)  # kept


def test_escalation_skips_a_stage_and_never_goes_back(demo_store):
    cid = _raise(demo_store, _child_id(demo_store))
    due = ch.escalate(demo_store, cid, "stage_1", MON)
    assert due == date(2026, 11, 23)  # 5 working days
    ch.record_response(demo_store, cid, date(2026, 11, 18), "We are recruiting.")
    ch.escalate(
        demo_store,
        cid,
        "stage_3",
        date(2026, 11, 19),
        addressee="Paul Denholm, Head of Service",
    )
    view = challenge_facts.get_challenge(demo_store, cid, TODAY)
    assert view.stage == "Stage 3: Head of service" and view.holder == "Paul Denholm, Head of Service"
    assert view.response == "" and view.response_due == date(2026, 11, 26)
    assert any("skipped Stage 2: Service manager" in e.text for e in view.events)
    assert any("We are recruiting." in e.text for e in view.events)  # the stage 1 reply is kept
    with pytest.raises(Problem, match="cannot go back") as refused:
        ch.escalate(demo_store, cid, "stage_2", TODAY)
    assert refused.value.field == "stage"
    assert challenge_facts.get_challenge(demo_store, cid, TODAY).stage_key == "stage_3"


def test_a_response_becomes_overdue_the_day_after_it_was_due(demo_store):
    child = _child_id(demo_store)
    cid = _raise(demo_store, child)
    due = ch.escalate(demo_store, cid, "stage_1", MON)
    on_due_day = challenge_facts.get_challenge(demo_store, cid, due)
    day_after = challenge_facts.get_challenge(demo_store, cid, date(2026, 11, 24))
    assert not on_due_day.overdue and on_due_day.status == "Awaiting response"
    assert day_after.overdue and day_after.status == "Response overdue"
    row = next(r for r in load_caseload(demo_store, date(2026, 11, 24)) if r.id == child)
    assert row.challenges_overdue >= 1

    def awaiting(day):
        return caseload_summary(demo_store, load_caseload(demo_store, day), day).responses_overdue

    assert awaiting(date(2026, 11, 24)) == awaiting(due) + 1


def test_a_response_before_the_letter_was_sent_is_refused_and_nothing_is_lost(demo_store):
    cid = _raise(demo_store, _child_id(demo_store))
    ch.escalate(demo_store, cid, "stage_1", date(2026, 11, 18))
    with pytest.raises(Problem, match="before the letter was sent") as refused:
        ch.record_response(demo_store, cid, MON, "Too early", "resolved")
    assert refused.value.field == "responded_on"
    view = challenge_facts.get_challenge(demo_store, cid, TODAY)
    assert view.open and view.stage_key == "stage_1" and view.details.startswith("No allocated")


def test_outcome_closes_the_concern(demo_store):
    cid = _raise(demo_store, _child_id(demo_store))
    ch.escalate(demo_store, cid, "stage_1", MON)
    ch.record_response(
        demo_store,
        cid,
        date(2026, 11, 20),
        "Allocated to Sam Fairweather.",
        "partly_resolved",
    )
    view = challenge_facts.get_challenge(demo_store, cid, TODAY)
    assert view.outcome == "Partly resolved" and not view.open and not view.overdue
    with pytest.raises(Problem, match="closed"):
        ch.escalate(demo_store, cid, "stage_2", TODAY)


def test_cafcass_considered_and_referred_alongside_the_process(demo_store):
    cid = _raise(demo_store, _child_id(demo_store))
    ch.escalate(demo_store, cid, "stage_1", MON)
    with pytest.raises(Problem) as refused:
        ch.consider_cafcass(demo_store, cid, TODAY, " ")
    assert refused.value.field == "reasoning"
    ch.consider_cafcass(demo_store, cid, date(2026, 11, 19), "Drift for months despite escalation.")
    ch.refer_to_cafcass(demo_store, cid, date(2026, 11, 24), "Chronology and the DRP letters.")
    view = challenge_facts.get_challenge(demo_store, cid, TODAY)
    assert view.cafcass == "Referred on 24 Nov 2026" and view.open and view.stage_key == "stage_1"
    text = _text(challenge_letters.render_letter(demo_store, cid, TODAY, "cafcass"))
    assert "Referral to Cafcass" in text and "Drift for months despite escalation." in text


def test_the_child_told_about_advocacy_and_complaints(demo_store):
    cid = _raise(demo_store, _child_id(demo_store))
    with pytest.raises(Problem) as refused:
        ch.record_child_told(demo_store, cid, TODAY, False, True, False)
    assert refused.value.field == "told"
    ch.record_child_told(demo_store, cid, TODAY, True, True, True)
    told = challenge_facts.get_challenge(demo_store, cid, TODAY).child_told
    assert told == "The child was told about the concern, and about advocacy and how to complain."


def test_the_ladder_is_a_setting_with_its_own_response_times(demo_store):
    assert [r.title for r in challenge_ladder.ladder(demo_store)][0] == "Team manager"
    assert challenge_ladder.ladder_total(challenge_ladder.ladder(demo_store)) == 20
    challenge_ladder.save_ladder(
        demo_store,
        [
            challenge_ladder.Rung("Team manager", "Ruth Adebayo", 10),
            challenge_ladder.Rung("Director", "", 10),
        ],
    )
    cid = _raise(demo_store, _child_id(demo_store))
    assert ch.escalate(demo_store, cid, "stage_1", MON) == date(2026, 11, 30)
    assert challenge_facts.get_challenge(demo_store, cid, TODAY).holder == "Ruth Adebayo"
    with pytest.raises(Problem):
        ch.escalate(demo_store, cid, "stage_3", TODAY)  # beyond this council's two stages
    with pytest.raises(Problem, match="title"):
        challenge_ladder.save_ladder(demo_store, [challenge_ladder.Rung(" ", "", 5)])


def test_the_letter_carries_the_iros_edited_wording(demo_store):
    cid = _raise(demo_store, _child_id(demo_store))
    ch.escalate(demo_store, cid, "stage_1", MON)
    draft = challenge_letters.letter_draft(demo_store, cid, TODAY)
    assert "No allocated social worker for seven weeks." in draft and "A named social worker" in draft
    challenge_letters.save_letter_text(
        demo_store, cid, "stage_1", "Please allocate a social worker this week."
    )
    text = _text(challenge_letters.render_letter(demo_store, cid, TODAY))
    assert "Please allocate a social worker this week." in text and "23 Nov 2026" in text
    with pytest.raises(Problem):
        challenge_letters.save_letter_text(demo_store, cid, "stage_1", "  ")
    assert (
        challenge_letters.letter_draft(demo_store, cid, TODAY) == "Please allocate a social worker this week."
    )


def test_the_demos_concerns_tell_their_history_as_the_services_do(demo_store):
    """One writer for both: a demo concern at a formal stage says who it went to and when, as one raised
    through the screens would, and its history starts where it was raised."""
    concerns = challenge_facts.all_challenges(demo_store, TODAY)
    formal = [c for c in concerns if c.stage_key != "informal"]
    assert formal and all(c.events[0].kind == "raised" and c.events[0].on == c.raised_on for c in concerns)
    for c in formal:
        reached = [e for e in c.events if e.kind == "stage_reached"]
        assert reached[-1].on == c.sent_on and f"to {c.holder}" in reached[-1].text
        assert c.formal_started == reached[0].on and c.furthest_stage == c.stage_key
    resolved = [c for c in concerns if c.outcome]
    assert resolved and all("Outcome: Resolved." in c.events[-1].text for c in resolved)
