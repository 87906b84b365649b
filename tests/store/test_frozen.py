"""A signed review's content cannot change by any path: the ORM check and the SQLite triggers both refuse
insert, update and delete on every table that belongs to a review. What happened after the meeting (a
decision's progress) stays writable, and removing the whole child still removes everything."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Boolean, Date, DateTime, Integer, delete, func, insert, select, text, update
from sqlalchemy.exc import IntegrityError

from iro_desktop.domain.review_states import ReviewState
from iro_desktop.services.finalise import open_correction
from iro_desktop.services.retention import remove_child
from iro_desktop.store.frozen import OWNED, REVIEW_WRITABLE, SignedReviewFrozen
from iro_desktop.store.models import (
    Attendance,
    Child,
    Decision,
    PeriodOfCare,
    Review,
    ReviewPart,
    ReviewReport,
    ReviewSection,
    ReviewText,
    WishEntry,
)
from tests.conftest import sign_review

D = date.fromisoformat


def _rows(review_id: int, child_id: int) -> dict[type, dict]:
    """One row of each table a review owns, as column values."""
    return {
        Attendance: {
            "review_id": review_id,
            "name": "Ms Ffion Carer",
            "role": "carer",
            "attendance": "present",
        },
        ReviewPart: {"review_id": review_id, "position": 1, "label": "With the carers"},
        ReviewReport: {"review_id": review_id, "kind": "pep", "expected": True},
        ReviewSection: {"review_id": review_id, "key": "health", "text": "Dental check booked."},
        ReviewText: {"review_id": review_id, "kind": "letter", "value": "Dear Maja"},
        WishEntry: {
            "child_id": child_id,
            "review_id": review_id,
            "recorded_on": D("2026-11-20"),
            "how_obtained": "app",
            "words": "I like my school.",
            "agreed_to_share": True,
        },
        Decision: {
            "child_id": child_id,
            "review_id": review_id,
            "number": 1,
            "action": "Book the dentist",
            "person_responsible": "Hannah Osei",
            "due_date": D("2026-12-04"),
            "status": "open",
        },
    }


@pytest.fixture
def signed(store):
    """A signed review holding one row of every table a review owns; returns (review id, child id)."""
    with store.session() as s:
        child = Child(child_ref="F-1", first_name="Maja", last_name="Frost", dob=D("2014-03-10"))
        child.periods = [PeriodOfCare(start_date=D("2024-01-08"))]
        s.add(child)
        s.flush()
        review = Review(
            child_id=child.id,
            period_id=child.periods[0].id,
            status="held",
            held_date=D("2026-11-20"),
            participation_code="PN1",
            spoke_alone=False,
            not_alone_category="declined",
            not_alone_reason="Maja wanted her carer there.",
        )
        s.add(review)
        s.flush()
        for model, values in _rows(review.id, child.id).items():
            s.add(model(**values))
        ids = review.id, child.id
    sign_review(store, ids[0])
    return ids


def _other_value(column, value):
    """A value unlike `value` for this column, to try writing."""
    if isinstance(column.type, Boolean):
        return not value
    if isinstance(column.type, Date):
        return D("2026-11-21") if value != D("2026-11-21") else D("2026-11-22")
    if isinstance(column.type, DateTime):
        return None
    if isinstance(column.type, Integer):
        return (value or 0) + 1000
    return f"{value} (changed)" if isinstance(value, str) else "changed"


@pytest.mark.parametrize("model", sorted(OWNED, key=lambda m: m.__tablename__), ids=lambda m: m.__tablename__)
def test_every_row_of_a_signed_review_refuses_insert_update_and_delete_through_the_orm(store, signed, model):
    review_id, child_id = signed
    values = _rows(review_id, child_id)[model]
    with pytest.raises(SignedReviewFrozen), store.session() as s:
        s.add(model(**{**values, **({"key": "placement"} if model is ReviewSection else {})}))
    with store.session() as s:
        row_id = s.scalar(select(model.id).where(model.review_id == review_id))
    for column in model.__table__.columns:
        if column.name in ("id", *OWNED[model]):
            continue
        with pytest.raises(SignedReviewFrozen), store.session() as s:
            row = s.get(model, row_id)
            setattr(row, column.key, _other_value(column, getattr(row, column.key)))
    with pytest.raises(SignedReviewFrozen), store.session() as s:
        s.delete(s.get(model, row_id))


@pytest.mark.parametrize("model", sorted(OWNED, key=lambda m: m.__tablename__), ids=lambda m: m.__tablename__)
def test_raw_sql_meets_the_trigger_on_every_row_and_column(store, signed, model):
    """The backstop: SQL that never passes through the ORM is refused by the database itself."""
    review_id, child_id = signed
    table = model.__table__
    values = {**_rows(review_id, child_id)[model], **({"key": "placement"} if model is ReviewSection else {})}
    with pytest.raises(SignedReviewFrozen), store.session() as s:
        s.execute(insert(table).values(**values))
    with store.session() as s:
        row = s.execute(select(table).where(table.c.review_id == review_id)).mappings().first()
    for column in table.columns:
        if column.name in ("id", *OWNED[model]):
            continue
        new = _other_value(column, row[column.name])
        with pytest.raises(SignedReviewFrozen), store.session() as s:
            s.execute(update(table).where(table.c.id == row["id"]).values({column.name: new}))
    with pytest.raises(SignedReviewFrozen), store.session() as s:
        s.execute(delete(table).where(table.c.id == row["id"]))
    with store.session() as s:  # and through a plain statement, with no SQLAlchemy construct at all
        with pytest.raises(IntegrityError, match="signed review"):
            s.connection().exec_driver_sql(f"DELETE FROM {table.name} WHERE id = {row['id']}")


def test_the_signed_review_itself_refuses_every_column_and_deletion(store, signed):
    review_id, _ = signed
    table = Review.__table__
    with store.session() as s:
        row = s.execute(select(table).where(table.c.id == review_id)).mappings().one()
    for column in table.columns:
        if column.name in ("id", "child_id", *REVIEW_WRITABLE):
            continue
        new = _other_value(column, row[column.name])
        with pytest.raises(SignedReviewFrozen), store.session() as s:
            s.execute(update(table).where(table.c.id == review_id).values({column.name: new}))
        with pytest.raises(SignedReviewFrozen), store.session() as s:
            setattr(s.get(Review, review_id), column.key, new)
    for status in ("held", "planned", "cancelled"):
        with pytest.raises(SignedReviewFrozen), store.session() as s:
            s.execute(update(table).where(table.c.id == review_id).values(status=status))
    with pytest.raises(SignedReviewFrozen), store.session() as s:
        s.execute(delete(table).where(table.c.id == review_id))
    with store.session() as s:
        assert s.get(Review, review_id).held_date == D("2026-11-20")


def test_what_happened_after_the_meeting_stays_writable(store, signed):
    review_id, _ = signed
    with store.session() as s:
        decision = s.scalars(select(Decision).where(Decision.review_id == review_id)).one()
        decision.status, decision.status_note, decision.completed_on = "done", "Seen 2 Dec", D("2026-12-02")
        decision.revised_due = D("2026-12-11")
    with store.session() as s:
        s.execute(update(Decision).where(Decision.review_id == review_id).values(status="changed"))
        assert s.scalar(select(Decision.status).where(Decision.review_id == review_id)) == "changed"


def test_a_correction_reopens_the_content_and_the_next_signature_freezes_it_again(store, signed):
    review_id, _ = signed
    open_correction(store, review_id)
    with store.session() as s:
        s.get(Review, review_id).participation_code = "PN2"
        s.add(ReviewSection(review_id=review_id, key="placement", text="Settled."))
    sign_review(store, review_id, "The participation code was wrong.")
    with pytest.raises(SignedReviewFrozen), store.session() as s:
        s.execute(text("UPDATE review_sections SET text = 'x' WHERE review_id = :r"), {"r": review_id})
    with store.session() as s:
        assert s.get(Review, review_id).status == ReviewState.FINALISED


def test_removing_the_whole_child_removes_a_signed_review_with_everything_it_owns(store, signed):
    review_id, child_id = signed
    with store.session() as s:
        s.execute(text("UPDATE outbox SET state = 'delivered'"))  # the council holds the signed copy
    remove_child(store, child_id, "retention date reached")
    with store.session() as s:
        for model in (Review, *OWNED):
            assert s.scalar(select(func.count()).select_from(model)) == 0, model.__tablename__
