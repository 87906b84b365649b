"""Minuting a review: what the screen reads, and every edit it saves or refuses (nothing half-written)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select, text

from iro_desktop.problems import Problem
from iro_desktop.services import minutes as svc
from iro_desktop.services import personal_dictionary, phrases
from iro_desktop.services.search import search
from iro_desktop.services.spelling import SpellChecker, checker_for
from iro_desktop.store.models import (
    Child,
    Decision,
    Episode,
    PeriodOfCare,
    Person,
    Review,
    ReviewSection,
    ReviewText,
)

TODAY = date(2026, 11, 25)
D = date.fromisoformat


@pytest.fixture
def review_id(store) -> int:
    """Maja Nowak, 10, looked after since Jan 2025, two reviews held; the third planned for today."""
    with store.session() as s:
        child = Child(child_ref="C-3001", first_name="Maja", last_name="Nowak", dob=D("2016-03-14"))
        period = PeriodOfCare(start_date=D("2025-01-06"))
        period.episodes = [
            Episode(
                start_date=D("2025-01-06"),
                reason_new="S",
                legal_status="C2",
                placement_type="U4",
                carer_name="Mrs Agnieszka Kowalczyk",
            )
        ]
        child.periods = [period]
        child.people = [
            Person(role="social_worker", name="Hannah Osei"),
            Person(role="carer", name="Agnieszka Kowalczyk"),
        ]
        s.add(child)
        s.flush()
        first = Review(
            child_id=child.id,
            period_id=period.id,
            number=1,
            status="held",
            held_date=D("2025-01-31"),
            participation_code="PN1",
        )
        second = Review(
            child_id=child.id,
            period_id=period.id,
            number=2,
            status="held",
            held_date=D("2025-04-28"),
            participation_code="PN6",
            iro_view="Plan is on track.",
        )
        third = Review(child_id=child.id, period_id=period.id, number=3, status="planned", planned_date=TODAY)
        s.add_all([first, second, third])
        s.flush()
        s.add(ReviewSection(review_id=second.id, key="education", text="Maja is settled at Fernhill."))
        s.add(ReviewSection(review_id=first.id, key="health", text="Old health text."))
        return third.id


def _review(store, review_id) -> Review:
    with store.session() as s:
        return s.get(Review, review_id)


def test_sections_follow_schedule_7_and_show_last_time(store, review_id):
    m = svc.minutes(store, review_id, TODAY)
    assert [s.key for s in m.sections] == list(svc.SECTION_KEYS) and len(m.sections) == 12
    by_key = {s.key: s for s in m.sections}
    assert by_key["education"].last_time == "Maja is settled at Fernhill."
    assert by_key["health"].last_time == ""  # only the previous held review counts
    assert by_key["iro_view"].last_time == "Plan is on track."
    assert m.child_name == "Maja Nowak" and m.age == 10 and m.review_date == TODAY


def test_save_section_keeps_the_text_and_rejects_an_unknown_section(store, review_id):
    svc.save_section(store, review_id, "placement", "Maja is happy with her carers.")
    svc.save_section(store, review_id, "placement", "Maja is happy with her carers and her cat.")
    texts = {s.key: s.text for s in svc.minutes(store, review_id, TODAY).sections}
    assert texts["placement"] == "Maja is happy with her carers and her cat."
    with pytest.raises(ValueError, match="no section called"):
        svc.save_section(store, review_id, "gossip", "x")


def test_carry_forward_fills_an_empty_section_but_never_overwrites(store, review_id):
    assert svc.carry_forward(store, review_id, "education") == "Maja is settled at Fernhill."
    svc.save_section(store, review_id, "education", "Typed today.")
    with pytest.raises(Problem, match="already has text"):
        svc.carry_forward(store, review_id, "education")
    with pytest.raises(Problem, match="Nothing was recorded"):
        svc.carry_forward(store, review_id, "leisure")
    assert {s.key: s.text for s in svc.minutes(store, review_id, TODAY).sections}[
        "education"
    ] == "Typed today."


def test_held_date_cannot_be_in_the_future_before_birth_or_before_care(store, review_id):
    with pytest.raises(Problem, match="cannot be in the future"):
        svc.set_held_date(store, review_id, D("2026-11-26"))
    with pytest.raises(Problem, match="date of birth"):
        svc.set_held_date(store, review_id, D("2015-01-01"))
    with pytest.raises(Problem, match="became looked after on 6 Jan 2025"):
        svc.set_held_date(store, review_id, D("2024-12-01"))
    svc.set_held_date(store, review_id, TODAY)
    assert _review(store, review_id).held_date == TODAY and _review(store, review_id).status == "held"


def test_participation_code_must_fit_the_age_on_the_review_date(store, review_id):
    with pytest.raises(Problem, match="PN0 is only for a child under 4 on the review date; Maja was 10"):
        svc.set_participation(store, review_id, "PN0")
    svc.set_participation(store, review_id, "pn1")
    m = svc.minutes(store, review_id, TODAY)
    assert m.participation_code == "PN1" and m.participation_label == "Came and spoke for themselves"
    assert "PN0" not in dict(m.allowed_codes) and "PN7" in dict(m.allowed_codes)


def test_a_held_date_that_breaks_the_chosen_code_is_refused(store):
    with store.session() as s:
        child = Child(child_ref="C-3002", first_name="Kai", last_name="Walker", dob=D("2022-12-01"))
        s.add(child)
        s.flush()
        review = Review(child_id=child.id, status="planned", planned_date=D("2026-12-10"))
        s.add(review)
        s.flush()
        rid = review.id
    svc.set_participation(store, rid, "PN1")  # Kai is 4 on 10 Dec 2026
    with pytest.raises(Problem, match="PN1 is for a child aged 4 or over; Kai was 3"):
        svc.set_held_date(store, rid, D("2026-11-20"))
    assert _review(store, rid).held_date is None


def test_parts_and_attendance_per_part(store, review_id):
    part = svc.add_part(store, review_id, "With the parents", D("2026-11-20"), "Family centre")
    with pytest.raises(Problem, match="cannot be in the future"):
        svc.add_part(store, review_id, "Later", D("2026-12-01"), None)
    with pytest.raises(Problem, match="date of birth"):
        svc.update_part(store, review_id, part, "With the parents", D("2010-01-01"), None)
    svc.set_attendance(store, review_id, part, "Donna Nowak", "parent", "present")
    svc.set_attendance(store, review_id, part, "Donna Nowak", "parent", "sent_views")  # changed, not added
    svc.set_attendance(store, review_id, None, "Hannah Osei", "social_worker", "absent")
    with pytest.raises(Problem, match="present, sent views or absent"):
        svc.set_attendance(store, review_id, None, "Hannah Osei", "social_worker", "asleep")
    m = svc.minutes(store, review_id, TODAY)
    assert [(p.label, p.held_on, p.place) for p in m.parts] == [
        ("With the parents", D("2026-11-20"), "Family centre")
    ]
    assert {(a.part_id, a.name, a.attendance) for a in m.attendance} == {
        (part, "Donna Nowak", "sent_views"),
        (None, "Hannah Osei", "absent"),
    }


def test_wishes_record_how_they_were_obtained(store, review_id):
    with pytest.raises(Problem, match="own words"):
        svc.add_wish(store, review_id, "  ", "private_conversation", True)
    with pytest.raises(Problem, match="how the child's words"):
        svc.add_wish(store, review_id, "I want a dog", "telepathy", True)
    svc.add_wish(store, review_id, "I want to see Kacper more.", "private_conversation", False)
    (wish,) = svc.minutes(store, review_id, TODAY).wishes
    assert (wish.words, wish.how_label, wish.agreed_to_share) == (
        "I want to see Kacper more.",
        "Private conversation",
        False,
    )


def test_decisions_need_an_action_a_named_person_and_a_due_date(store, review_id):
    due = svc.due_in_working_days(store, TODAY, 10)
    assert due == D("2026-12-09")
    for args, message in (
        (("", "Hannah Osei", due), "Write the action"),
        (("Book dentist", " ", due), "Name the person"),
        (("Book dentist", "Hannah Osei", None), "due date"),
        (("Book dentist", "Hannah Osei", D("2026-11-01")), "before the review"),
    ):
        with pytest.raises(Problem, match=message):
            svc.add_decision(store, review_id, *args)
    wish = svc.add_wish(store, review_id, "I want to see Kacper more.", "private_conversation", True)
    first = svc.add_decision(store, review_id, "Review sibling contact", "Hannah Osei", due, "contact", wish)
    svc.add_decision(store, review_id, "Book a dental check", "Agnieszka Kowalczyk", due)
    with pytest.raises(Problem, match="Name the person"):
        svc.update_decision(store, first, "Review sibling contact", "", due)
    m = svc.minutes(store, review_id, TODAY)
    assert [(d.number, d.person, d.section_key, d.wish_id) for d in m.decisions] == [
        (1, "Hannah Osei", "contact", wish),
        (2, "Agnieszka Kowalczyk", None, None),
    ]


def test_next_review_date_is_checked_against_the_statutory_due_date(store, review_id):
    svc.set_held_date(store, review_id, TODAY)
    assert svc.set_next_review_date(store, review_id, D("2027-05-20")) is None
    warning = svc.set_next_review_date(store, review_id, D("2027-06-14"))
    assert warning.startswith(
        "The next review on 14 Jun 2027 is later than the statutory due date, 25 May 2027"
    )
    m = svc.minutes(store, review_id, TODAY)
    assert m.statutory_due == D("2027-05-25") and m.next_review_warning == warning
    with pytest.raises(Problem, match="must come after this one"):
        svc.set_next_review_date(store, review_id, TODAY)


def test_problems_that_stop_finalising(store, review_id):
    with store.session() as s:
        child_id = s.get(Review, review_id).child_id
        s.add(Decision(child_id=child_id, review_id=review_id, number=1, action="Imported without owner"))
    problems = svc.minutes(store, review_id, TODAY).problems
    assert "Enter the date the review was held." in problems
    assert "Choose how Maja took part in the review (participation code)." in problems
    assert "Record whether you spoke to Maja alone before or at the review." in problems
    assert (
        "Decision 1 has no named person responsible." in problems
        and "Decision 1 has no due date." in problems
    )


def test_a_finalised_review_cannot_change(store, review_id):
    with store.session() as s:
        s.get(Review, review_id).status = "finalised"
    with pytest.raises(Problem, match="signed, so its record cannot change"):
        svc.save_section(store, review_id, "placement", "late edit")


def test_phrases_and_personal_dictionary_are_kept_in_the_store(store):
    phrases.save_phrase(store, "Maja's views were shared by her advocate.")
    phrases.save_phrase(store, "Maja's views were shared by her advocate.")
    assert phrases.save_phrase(store, "No concerns were raised.") == [
        "Maja's views were shared by her advocate.",
        "No concerns were raised.",
    ]
    assert phrases.delete_phrase(store, "No concerns were raised.") == [
        "Maja's views were shared by her advocate."
    ]
    with pytest.raises(Problem, match="Select some text"):
        phrases.save_phrase(store, "   ")
    assert personal_dictionary.add_to_dictionary(store, "Fernhill") == ["Fernhill"]
    with pytest.raises(Problem, match="one word"):
        personal_dictionary.add_to_dictionary(store, "two words")


def test_search_index_follows_the_minutes(store, review_id):
    svc.save_section(store, review_id, "leisure", "Maja loves trampolining at the leisure centre.")
    with store.session() as s:
        hits = s.execute(
            text("SELECT source FROM search_index WHERE search_index MATCH 'trampolining'")
        ).all()
    assert hits == [("review_sections",)]


def test_spelling_is_uk_english_and_never_flags_the_family(store, review_id):
    checker = checker_for(store, _review(store, review_id).child_id)
    assert checker.misspelt("Maja Nowak and Agnieszka Kowalczyk discussed her behaviour and colour.") == []
    assert [w for _, w in checker.misspelt("Her behavor was recieved.")] == ["behavor", "recieved"]
    assert [w for _, w in checker.misspelt("The color of the programme")] == ["color"]  # UK English
    assert "received" in checker.suggestions("recieved")
    assert SpellChecker().misspelt("The CAMHS referal") == [(10, "referal")]
    personal_dictionary.add_to_dictionary(store, "Brackenholt")
    assert checker_for(store, _review(store, review_id).child_id).is_correct("Brackenholt")


def test_nothing_is_half_written_when_a_decision_is_refused(store, review_id):
    with pytest.raises(Problem):
        svc.add_decision(store, review_id, "Book dentist", "Hannah Osei", None)
    with store.session() as s:
        assert s.scalars(select(Decision)).all() == []


def _numbered(store, review_id):
    return [(d.number, d.action) for d in svc.minutes(store, review_id, TODAY).decisions]


def test_a_mistaken_decision_is_removed_and_the_rest_numbered_again(store, review_id):
    due = svc.due_in_working_days(store, TODAY, 10)
    first = svc.add_decision(store, review_id, "Book a dental check", "Hannah Osei", due)
    mistake = svc.add_decision(store, review_id, "Arrange xylophone lessons", "Hannah Osei", due)
    svc.add_decision(store, review_id, "Update the life-story book", "Agnieszka Kowalczyk", due)
    assert [hit.source for hit in search(store, "xylophone")] == ["Decision"]

    svc.remove_decision(store, review_id, mistake)

    assert _numbered(store, review_id) == [(1, "Book a dental check"), (2, "Update the life-story book")]
    assert search(store, "xylophone") == []  # the search index keeps nothing of it
    with store.session() as s:
        s.get(Decision, first).status = "done"
    with pytest.raises(Problem, match="Decision 1 is already recorded as done, so it stays"):
        svc.remove_decision(store, review_id, first)
    assert len(_numbered(store, review_id)) == 2


def test_removing_is_refused_once_the_review_is_finalised(store, review_id):
    due = svc.due_in_working_days(store, TODAY, 10)
    decision = svc.add_decision(store, review_id, "Book a dental check", "Hannah Osei", due)
    wish = svc.add_wish(store, review_id, "I want a bigger bedroom.", "private_conversation", True)
    part = svc.add_part(store, review_id, "With the carers", TODAY, None)
    with store.session() as s:
        s.get(Review, review_id).status = "finalised"
    for remove, item in (
        (svc.remove_decision, decision),
        (svc.remove_wish, wish),
        (svc.remove_part, part),
    ):
        with pytest.raises(Problem, match="signed, so its record cannot change"):
            remove(store, review_id, item)
    m = svc.minutes(store, review_id, TODAY)
    assert (len(m.decisions), len(m.wishes), len(m.parts)) == (1, 1, 1)


def test_a_removed_wish_leaves_its_decision_without_the_link(store, review_id):
    due = svc.due_in_working_days(store, TODAY, 10)
    wish = svc.add_wish(store, review_id, "I want to see Kacper more.", "private_conversation", True)
    svc.add_decision(store, review_id, "Review sibling contact", "Hannah Osei", due, "contact", wish)
    svc.remove_wish(store, review_id, wish)
    m = svc.minutes(store, review_id, TODAY)
    assert m.wishes == ()
    assert [(d.action, d.wish_id) for d in m.decisions] == [("Review sibling contact", None)]
    with pytest.raises(Problem, match="not recorded at this review"):
        svc.remove_wish(store, review_id, wish)


def test_a_removed_part_takes_its_attendance_with_it(store, review_id):
    part = svc.add_part(store, review_id, "With the parents", D("2026-11-20"), None)
    svc.set_attendance(store, review_id, part, "Donna Nowak", "parent", "present")
    whole = svc.set_attendance(store, review_id, None, "Marek Nowak", "other", "present")
    svc.set_attendance(store, review_id, None, "Hannah Osei", "social_worker", "absent")
    svc.remove_part(store, review_id, part)
    svc.remove_attendance(store, review_id, whole)
    m = svc.minutes(store, review_id, TODAY)
    assert m.parts == () and [(a.part_id, a.name) for a in m.attendance] == [(None, "Hannah Osei")]


def test_drafts_in_the_add_forms_are_kept_until_cleared(store, review_id):
    assert svc.drafts(store, review_id) == {"wish": "", "decision": "", "part": ""}
    typed = {"wish": "I want to stay here", "decision": "  ", "part": "With Maja"}
    svc.save_drafts(store, review_id, typed)
    assert svc.drafts(store, review_id) == {**typed, "decision": ""}
    problems = svc.minutes(store, review_id, TODAY).problems  # finalising would lose them: it waits
    assert "You typed the child's words but did not add it: add it, or clear the field." in problems
    assert not any("new decision" in p for p in problems) and any("new part" in p for p in problems)
    svc.save_drafts(store, review_id, {"wish": "", "decision": "", "part": ""})
    with store.session() as s:  # no child's words left behind
        assert s.scalar(select(func.count()).select_from(ReviewText)) == 0
