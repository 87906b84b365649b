"""Helpers for the retention and handover tests: a child with a row in every table, and a search of the
whole database file's tables for any trace of a string."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select, text, update

from iro_desktop.store.models import (
    Attendance,
    Challenge,
    Child,
    Episode,
    MonitoringNote,
    OutboxItem,
    PeriodOfCare,
    Review,
    ReviewPart,
    ReviewReport,
    ReviewSection,
    SignedRecord,
)

FULL_CHILD = 2  # in the demo: signed records, documents, reviews, people and wishes


def fill_every_table(store, child_id: int) -> None:
    """Give the child the rows the demo leaves empty: parts, attendance, sections, notes, a challenge."""
    with store.session() as s:
        review = s.scalars(select(Review).where(Review.child_id == child_id).order_by(Review.id)).first()
        part = ReviewPart(review_id=review.id, position=1, label="With the carers", held_on=review.held_date)
        s.add(part)
        s.flush()
        s.add_all(
            [
                Attendance(
                    review_id=review.id,
                    part_id=part.id,
                    name="Ms Ffion Carer",
                    role="carer",
                    attendance="present",
                ),
                ReviewReport(review_id=review.id, kind="pep", received_on=date(2026, 9, 1), note="On time"),
                ReviewSection(review_id=review.id, key="health", text="Zephyrine's dental check is booked."),
                MonitoringNote(
                    child_id=child_id,
                    noted_on=date(2026, 10, 2),
                    kind="visit",
                    text="Visited Zephyrine at home; settled.",
                ),
                Challenge(
                    child_id=child_id,
                    issue="plan",
                    raised_on=date(2026, 10, 5),
                    details="Plan late",
                    history=[{"stage": "informal", "on": "2026-10-05"}],
                ),
            ]
        )
    store.set_setting(f"documents.letter.review.{review.id}", "Dear Zephyrine, thank you for coming.")


def died(store, child_id: int, on: date) -> None:
    """The child's care ended because they died: a 903 episode with reason E2."""
    with store.session() as s:
        period = PeriodOfCare(child_id=child_id, start_date=date(2020, 1, 6), end_date=on, end_reason="E2")
        s.add(period)
        s.flush()
        s.add(
            Episode(
                period_id=period.id,
                start_date=date(2020, 1, 6),
                reason_new="S",
                legal_status="C2",
                placement_type="U4",
                end_date=on,
                end_reason="E2",
            )
        )


def mark_delivered(store, child_id: int) -> None:
    with store.session() as s:
        ids = select(SignedRecord.id).where(SignedRecord.child_id == child_id)
        s.execute(update(OutboxItem).where(OutboxItem.signed_record_id.in_(ids)).values(state="delivered"))


def child_names(store, child_id: int) -> list[str]:
    with store.session() as s:
        c = s.get(Child, child_id)
        return [c.first_name, c.last_name]


def tables_holding(store, needle: str) -> list[str]:
    """Every table (search index and its shadow tables included) with `needle` in any value."""
    needle = needle.casefold()
    found = []
    with store.session() as s:
        names = s.execute(text("SELECT name FROM sqlite_master WHERE type = 'table'")).scalars().all()
        for name in names:
            for row in s.execute(text(f'SELECT * FROM "{name}"')):
                values = [v.decode("latin-1") if isinstance(v, bytes) else str(v) for v in row]
                if any(needle in v.casefold() for v in values):
                    found.append(name)
                    break
    return found


def counts(store, child_ref: str) -> dict[str, int]:
    from iro_desktop.services.handover_rows import dump

    with store.session() as s:
        child_id = s.scalars(select(Child.id).where(Child.child_ref == child_ref)).one()
        return {name: len(rows) for name, rows in dump(s, child_id).items()}
