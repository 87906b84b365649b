"""Removing a child leaves no row anywhere: not their words, and no row pointing at anything of theirs.

Generic on purpose: the tables and their links are read from the store itself (sqlite_master and each
table's foreign keys), so a table added later is covered without touching this test, and the test fails
until the child below is given a row in it.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select, text

from iro_desktop.services import challenge_letters, monitoring
from iro_desktop.services import challenges as ch
from iro_desktop.services import documents as docs
from iro_desktop.services.minutes import save_drafts
from iro_desktop.services.retention import remove_child
from iro_desktop.store.models import (
    Attendance,
    CouncilNotice,
    CouncilValue,
    Decision,
    Difference,
    Document,
    PeriodOfCare,
    Person,
    Review,
    ReviewPart,
    ReviewReport,
    ReviewSection,
    WishEntry,
)
from tests.services.child_traces import FULL_CHILD, fill_every_table, mark_delivered, tables_holding

MARK = "Quillantrop"  # in no demo text, so any hit after removal is the child's


def _review_to_write_in(store, child_id: int) -> int:
    """A review of the child's not yet signed, so its texts can still change."""
    with store.session() as s:
        period = s.scalars(select(PeriodOfCare).where(PeriodOfCare.child_id == child_id)).first()
        review = Review(
            child_id=child_id, period_id=period.id, status="planned", planned_date=date(2026, 12, 9)
        )
        s.add(review)
        s.flush()
        return review.id


def _mark_everything(store, child_id: int) -> None:
    """The marker in every kind of text held about the child, through the services where they exist."""
    review_id = _review_to_write_in(store, child_id)
    with store.session() as s:
        part = ReviewPart(review_id=review_id, position=1, label=f"{MARK} part", held_on=date(2026, 11, 20))
        person = Person(child_id=child_id, role="carer", name=f"Ms {MARK}", address=f"1 {MARK} Road")
        s.add_all([part, person])
        s.flush()
        s.add_all(
            [
                Attendance(
                    review_id=review_id,
                    part_id=part.id,
                    person_id=person.id,
                    name=MARK,
                    role="carer",
                    attendance="present",
                ),
                ReviewReport(review_id=review_id, kind="pep", note=f"{MARK} report"),
                ReviewSection(review_id=review_id, key="health", text=f"{MARK} sees the dentist."),
                WishEntry(
                    child_id=child_id,
                    review_id=review_id,
                    recorded_on=date(2026, 11, 20),
                    how_obtained="app",
                    words=f"I want {MARK} to visit",
                ),
                Decision(child_id=child_id, review_id=review_id, action=f"Ask {MARK}"),
                Document(
                    child_id=child_id, review_id=review_id, kind="letter", title=MARK, pdf=MARK.encode()
                ),
                # what the council's feed brought: a notice, its last value of a detail, a difference
                CouncilNotice(
                    id="00000000-0000-4000-8000-000000000001",
                    child_id=child_id,
                    kind="complaint",
                    summary=f"{MARK} complained",
                    answer_by=date(2026, 12, 1),
                    raised_on=date(2026, 11, 20),
                ),
                CouncilValue(child_id=child_id, subject="child", field="preferred_name", value=MARK),
                Difference(
                    child_id=child_id,
                    subject="child",
                    subject_label="The child",
                    field="preferred_name",
                    council_value=MARK,
                    your_value="Zeph",
                    seq=1,
                ),
            ]
        )
    docs.save_letter_text(store, review_id, f"Dear {MARK}")
    docs.set_withheld(store, review_id, f"person:{person.id}", [f"address:{person.id}"])
    save_drafts(store, review_id, {"wish": f"{MARK} draft"})
    monitoring.add_note(store, child_id, date(2026, 11, 2), "visit", f"Visited {MARK}")
    concern = ch.raise_concern(
        store, child_id, "drift", f"{MARK} plan late", date(2026, 11, 2), child_view=MARK
    )
    ch.record_informal(store, concern, date(2026, 11, 3), "Social worker", MARK, MARK, date(2026, 11, 10))
    ch.escalate(store, concern, "stage_1", date(2026, 11, 16))
    challenge_letters.save_letter_text(store, concern, "stage_1", f"Dear manager, {MARK}")
    ch.record_response(store, concern, date(2026, 11, 18), f"{MARK} reply")
    ch.record_child_told(store, concern, date(2026, 11, 19), True, True, False, note=MARK)


def _tables(s) -> list[str]:
    return s.scalars(text("SELECT name FROM sqlite_master WHERE type = 'table'")).all()


def _links(s) -> list[tuple[str, str, str]]:
    """(table, column, table it points at) for every foreign key in the store."""
    return [
        (table, row[3], row[2])
        for table in _tables(s)
        for row in s.execute(text(f'PRAGMA foreign_key_list("{table}")'))
    ]


def _owned_ids(store, child_id: int) -> dict[str, set[int]]:
    """Every row reached from the child through the foreign keys, table by table."""
    owned = {"children": {child_id}}
    with store.session() as s:
        links = _links(s)
        grew = True
        while grew:
            grew = False
            for table, column, parent in links:
                parents = owned.get(parent, set())
                if not parents:
                    continue
                marks = ", ".join(str(i) for i in parents)
                found = set(s.scalars(text(f'SELECT rowid FROM "{table}" WHERE "{column}" IN ({marks})')))
                if not found <= owned.get(table, set()):
                    owned[table] = owned.get(table, set()) | found
                    grew = True
    return owned


def _left_behind(store, owned: dict[str, set[int]]) -> list[str]:
    left = []
    with store.session() as s:
        for table, ids in owned.items():
            marks = ", ".join(str(i) for i in ids)
            if s.scalar(text(f'SELECT count(*) FROM "{table}" WHERE rowid IN ({marks})')):
                left.append(f"{table} still holds rows of the child")
        for table, column, parent in _links(s):
            marks = ", ".join(str(i) for i in owned.get(parent, ()))
            query = f'SELECT count(*) FROM "{table}" WHERE "{column}" IN ({marks})'
            if marks and s.scalar(text(query)):
                left.append(f"{table}.{column} points at a removed row of {parent}")
    return left


def test_removing_a_child_leaves_no_row_anywhere(demo_store):
    fill_every_table(demo_store, FULL_CHILD)
    _mark_everything(demo_store, FULL_CHILD)
    mark_delivered(demo_store, FULL_CHILD)
    owned = _owned_ids(demo_store, FULL_CHILD)
    with demo_store.session() as s:
        linked = {table for table, _, _ in _links(s)}
    assert linked - set(owned) == set(), "give the child a row in these tables above"
    assert len(tables_holding(demo_store, MARK)) > 10  # the marker went in, well beyond one table

    remove_child(demo_store, FULL_CHILD, "retention date reached")

    assert tables_holding(demo_store, MARK) == []
    assert _left_behind(demo_store, owned) == []
