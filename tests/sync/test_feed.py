"""The council's feed end to end: published at the real receiver on 127.0.0.1, pulled by the app's sync
into a real SQLCipher store."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from iro_desktop.services import council_details, council_feed, notices
from iro_desktop.services.caseload import load_caseload
from iro_desktop.services.sync import sync_once
from iro_desktop.store.models import Child, CouncilChange, Episode, Person
from tests.conftest import TODAY
from tests.sync.feed_helpers import Council, child_rows, enrolled_to
from tests.sync.live import LiveReceiver


@pytest.fixture
def receiver(tmp_path):
    live = LiveReceiver(tmp_path).start()
    yield live
    live.stop()


@pytest.fixture
def council(receiver):
    team = Council(receiver.db_url)
    team.iro("Alex Example")
    team.iro("Bo Example")
    yield team
    team.close()


def _child(store, ref):
    with store.reading() as s:
        return s.scalar(select(Child).filter_by(child_ref=ref))


def test_a_newly_allocated_child_arrives_with_its_903_rows_details_and_notices(store, receiver, council):
    council.rows("FC1001", child_rows("FC1001", date(2015, 3, 4), date(2025, 1, 6), moves=2))
    council.details("FC1001", {"child": {"first_name": "Ash", "last_name": "Fictional"}})
    council.allocate("FC1001", "Alex Example")
    council.notice("FC1001", summary="Carers ask for the placement to end.")
    enrolled_to(store, council, receiver.url, "Alex Example")

    report = sync_once(store)

    assert report.feed.applied == 2 and report.feed.children_added == ["FC1001"], report.lines()
    child = _child(store, "FC1001")
    assert (child.first_name, child.last_name, child.council_status) == ("Ash", "Fictional", "allocated")
    assert child.dob == date(2015, 3, 4)
    with store.reading() as s:
        assert s.scalar(select(Episode).where(Episode.end_date.is_(None))).placement_type == "U1"
    (line,) = notices.inbox(store, TODAY)
    assert line.summary == "Carers ask for the placement to end." and line.is_open
    row = next(r for r in load_caseload(store, TODAY) if r.child == "FC1001")
    assert row.name == "Ash Fictional"
    assert council_feed.position(store) == max(c.seq for c in _ledger(store))


def _ledger(store):
    with store.reading() as s:
        return list(s.scalars(select(CouncilChange).order_by(CouncilChange.seq)))


def test_one_iro_never_receives_another_iros_children(tmp_path, store, receiver, council):
    council.rows("FC2001", child_rows("FC2001", date(2014, 1, 1), date(2024, 5, 1)))
    council.rows("FC2002", child_rows("FC2002", date(2013, 1, 1), date(2024, 6, 1)))
    council.allocate("FC2001", "Alex Example")
    council.allocate("FC2002", "Bo Example")
    enrolled_to(store, council, receiver.url, "Alex Example")
    sync_once(store)
    assert _child(store, "FC2001") is not None and _child(store, "FC2002") is None


def test_the_iros_answer_goes_back_signed_and_the_notice_leaves_what_is_outstanding(store, receiver, council):
    council.rows("FC3001", child_rows("FC3001", date(2012, 2, 2), date(2025, 2, 3)))
    council.allocate("FC3001", "Alex Example")
    raised = council.notice("FC3001", kind="complaint", summary="The child has complained about contact.")
    enrolled_to(store, council, receiver.url, "Alex Example")
    sync_once(store)
    assert notices.open_counts(store)[_child(store, "FC3001").id] == 1

    notices.answer(store, raised["id"], "concern", "Contact plan to be reviewed at the next review.", TODAY)
    assert notices.open_counts(store) == {}
    sync_once(store)

    (line,) = notices.inbox(store, TODAY)
    assert line.state == notices.DELIVERED
    (held,) = council_notices(council)
    assert (held.answer, held.answer_note) == ("concern", "Contact plan to be reviewed at the next review.")


def test_the_council_never_overwrites_what_the_iro_recorded(store, receiver, council):
    council.rows("FC4001", child_rows("FC4001", date(2011, 5, 6), date(2025, 3, 3)))
    person = {"id": "SW1", "role": "social_worker", "name": "Kit Example", "phone": "01632 960001"}
    mother = {"id": "M1", "role": "parent", "name": "Lee Example", "parental_responsibility": True}
    council.details("FC4001", {"placement": {"carer_name": "Jo Carer"}, "people": [person, mother]})
    council.allocate("FC4001", "Alex Example")
    enrolled_to(store, council, receiver.url, "Alex Example")
    sync_once(store)
    child = _child(store, "FC4001")
    with store.session() as s:  # the IRO records the social worker's new number, and names the carer
        s.scalar(select(Person).filter_by(council_ref="SW1")).phone = "01632 960999"
    council.details(
        "FC4001",
        {
            "placement": {"carer_name": "Jo Carer"},
            "people": [{**person, "phone": "01632 960555", "email": "kit@example.org"}, mother],
        },
    )
    sync_once(store)

    with store.reading() as s:
        kept = s.scalar(select(Person).filter_by(council_ref="SW1"))
        assert (kept.phone, kept.email) == ("01632 960999", "kit@example.org")  # blank took the council's
    (diff,) = council_details.open_differences(store, child.id)  # none for the parent's responsibility
    assert (diff.field, diff.council_value, diff.your_value) == ("Phone", "01632 960555", "01632 960999")
    with store.reading() as s:
        assert s.scalar(select(Person).filter_by(council_ref="M1")).has_parental_responsibility is True
    council_details.settle(store, diff.id, council_details.TAKE_COUNCIL)
    with store.reading() as s:
        assert s.scalar(select(Person).filter_by(council_ref="SW1")).phone == "01632 960555"
    assert council_details.open_differences(store) == []


def test_a_deallocated_child_stays_until_handed_over(store, receiver, council):
    council.rows("FC5001", child_rows("FC5001", date(2010, 7, 8), date(2025, 4, 1)))
    council.allocate("FC5001", "Alex Example")
    enrolled_to(store, council, receiver.url, "Alex Example")
    sync_once(store)
    council.deallocate("FC5001")
    sync_once(store)
    child = _child(store, "FC5001")
    assert child.council_status == "deallocated"


def test_the_iro_answers_and_settles_from_the_command_line_and_syncs(store, store_path, receiver, council):
    from tests.test_cli import iro

    council.rows("FC6001", child_rows("FC6001", date(2012, 9, 9), date(2025, 5, 5)))
    council.details("FC6001", {"child": {"first_name": "Rowan", "last_name": "Fictional"}})
    council.allocate("FC6001", "Alex Example")
    raised = council.notice("FC6001", kind="care_plan_change", summary="Plan changed to long-term fostering")
    enrolled_to(store, council, receiver.url, "Alex Example")
    synced = iro("sync", "--db", store_path)
    assert synced.returncode == 0 and "Council changes applied: 2" in synced.stdout, synced.stdout
    listed = iro("notices", "--db", store_path)
    assert raised["id"] in listed.stdout and "Significant change to the care plan" in listed.stdout
    refused = iro("answer-notice", raised["id"], "--answer", "concern", "--db", store_path)
    assert refused.returncode == 2 and "Say what your concern is" in refused.stderr
    kept = iro(
        "answer-notice",
        raised["id"],
        "--answer",
        "early_review",
        "--note",
        "Review in January",
        "--db",
        store_path,
    )
    assert kept.returncode == 0 and "next sync" in kept.stdout
    assert "Answers to notices sent: 1" in iro("sync", "--db", store_path).stdout
    (held,) = [n for n in council_notices(council) if n.id == raised["id"]]
    assert (held.answer, held.answer_note) == ("early_review", "Review in January")
    assert "No notice is waiting" in iro("notices", "--db", store_path).stdout


def council_notices(council):
    from iro_desktop.sync.receiver import feed

    return feed.notices(council.store)


def test_a_deallocated_child_leaves_only_once_signed_records_are_sent_and_work_handed_over(
    demo_store, tmp_path, receiver, council
):
    from iro_desktop.services import deallocation, handover
    from iro_desktop.services.retention import RemovalRefused
    from iro_desktop.store.models import Review
    from tests.conftest import first_review

    with demo_store.reading() as s:  # a child whose last review is held but not yet signed
        child_id = s.get(Review, first_review(demo_store, "held")).child_id
        ref = s.get(Child, child_id).child_ref
    council.allocate(ref, "Alex Example")
    enrolled_to(demo_store, council, receiver.url, "Alex Example")
    council.deallocate(ref)
    sync_once(demo_store)  # records delivered first, then the feed: allocated, then deallocated
    held = deallocation.standing(demo_store, child_id)
    assert held is not None and held.unsent == 0 and held.unsigned_work and not held.handed_over
    with pytest.raises(RemovalRefused, match="hand the child over first"):
        deallocation.remove(demo_store, child_id, TODAY)
    assert _child(demo_store, ref) is not None

    handover.send(demo_store, child_id, tmp_path / "child.iro-handover")
    assert deallocation.remove(demo_store, child_id, TODAY) == ref
    assert _child(demo_store, ref) is None


def test_enrolling_with_another_receiver_reads_its_feed_from_the_start(tmp_path, store, receiver, council):
    council.rows("FC7001", child_rows("FC7001", date(2013, 3, 3), date(2025, 6, 2)))
    council.allocate("FC7001", "Alex Example")
    enrolled_to(store, council, receiver.url, "Alex Example")
    sync_once(store)
    assert council_feed.position(store) > 0
    (tmp_path / "other").mkdir()
    other = LiveReceiver(tmp_path / "other").start()
    try:
        team = Council(other.db_url)
        team.iro("Alex Example")
        team.rows("FC7002", child_rows("FC7002", date(2014, 4, 4), date(2025, 7, 7)))
        team.allocate("FC7002", "Alex Example")
        enrolled_to(store, team, other.url, "Alex Example")
        report = sync_once(store)
        team.close()
    finally:
        other.stop()
    assert report.feed.children_added == ["FC7002"] and [c.child_ref for c in _ledger(store)] == ["FC7002"]
