"""Helpers for the retention and handover tests: a child with a row in every table, and a search of the
whole database file's tables for any trace of a string."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select, text, update

from iro_desktop.store.models import (
    Attendance,
    Challenge,
    ChallengeEvent,
    ChallengeLetter,
    Child,
    Decision,
    Episode,
    MonitoringNote,
    OutboxItem,
    PeriodOfCare,
    Review,
    ReviewPart,
    ReviewReport,
    ReviewSection,
    ReviewText,
    SignedRecord,
)
from tests.conftest import sign_review

FULL_CHILD = 2  # in the demo: a signed record, documents, reviews, people, decisions and wishes


def fill_every_table(store, child_id: int) -> None:
    """Give the child the rows the demo leaves empty (parts, attendance, sections, notes, a challenge) on a
    review held last month, then sign it: its signed record and PDF go wherever the child goes."""
    with store.session() as s:
        period = s.scalars(select(PeriodOfCare).where(PeriodOfCare.child_id == child_id)).first()
        review = Review(
            child_id=child_id,
            period_id=period.id,
            status="held",
            held_date=date(2026, 10, 20),
            participation_code="PN1",
            spoke_alone=False,
            not_alone_category="declined",
            not_alone_reason="Zephyrine wanted her carer there.",
        )
        s.add(review)
        s.flush()
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
                *(
                    Decision(
                        child_id=child_id,
                        review_id=review.id,
                        number=number,
                        action=action,
                        person_responsible="Hannah Osei",
                        due_date=date(2026, 11, 3),
                    )
                    for number, action in enumerate(("Book Zephyrine's eye test", "Send the PEP"), start=1)
                ),
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
                    events=[
                        ChallengeEvent(kind="raised", on_date=date(2026, 10, 5), child_view="Zephyrine sad")
                    ],
                    letters=[ChallengeLetter(stage="stage_1", text="Zephyrine's plan is late.")],
                ),
            ]
        )
        s.add(ReviewText(review_id=review.id, kind="letter", value="Dear Zephyrine, thank you for coming."))
    sign_review(store, review.id)


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
