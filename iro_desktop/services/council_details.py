"""The council's details of a child (names, the current placement's carer and address, the people around the
child) merged with what the IRO recorded, never over it.

For each detail the council's last value is kept (council_values). A value the IRO never changed, or left
blank, takes the council's new one; where the IRO recorded something else, both are kept as a difference
for the IRO to settle: take the council's, or keep their own. A person the council lists is matched to the
IRO's by the council's id, else by role and name, else added.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from iro_desktop.domain.codes import PERSON_ROLES
from iro_desktop.services.import903 import NEW_CHILD_FIRST_NAME
from iro_desktop.store import Store, audit
from iro_desktop.store.models import Child, CouncilValue, Difference, Episode, PeriodOfCare, Person, utcnow

CHILD, PLACEMENT = "child", "placement"
CHILD_FIELDS = {"first_name": "First name", "last_name": "Last name", "preferred_name": "Preferred name"}
PLACEMENT_FIELDS = {"carer_name": "Carer", "address": "Address"}
PLACEMENT_COLUMNS = {"carer_name": "carer_name", "address": "placement_address"}
PERSON_FIELDS = {
    "name": "Name",
    "relationship": "Relationship to the child",
    "organisation": "Organisation",
    "email": "Email",
    "phone": "Phone",
    "address": "Address",
    "parental_responsibility": "Parental responsibility",
}
PERSON_COLUMNS = {
    **{f: f for f in PERSON_FIELDS},
    "relationship": "relationship_to_child",
    "parental_responsibility": "has_parental_responsibility",
}
FIELD_LABELS = {**CHILD_FIELDS, **PLACEMENT_FIELDS, **PERSON_FIELDS}
TAKE_COUNCIL, KEEP_YOURS = "council", "yours"


class SettleProblem(Exception):
    """A difference that cannot be settled as asked: a plain sentence."""


def current_episode(s: Session, child_id: int) -> Episode | None:
    """The child's placement now: the latest episode not ended, in their latest period of care."""
    query = (
        select(Episode)
        .join(PeriodOfCare, PeriodOfCare.id == Episode.period_id)
        .where(PeriodOfCare.child_id == child_id, Episode.end_date.is_(None))
        .order_by(PeriodOfCare.start_date.desc(), Episode.start_date.desc())
    )
    return s.scalars(query).first()


class _Merge:
    """One details change for one child: the council's last values and the open differences read once."""

    def __init__(self, s: Session, child: Child, seq: int) -> None:
        self.s, self.child, self.seq, self.raised = s, child, seq, 0
        held = s.scalars(select(CouncilValue).filter_by(child_id=child.id))
        self.last = {(v.subject, v.field): v for v in held}
        diffs = s.scalars(select(Difference).filter_by(child_id=child.id, settled_at=None))
        self.open = {(d.subject, d.field): d for d in diffs}

    def merge(self, subject: str, label: str, row, field: str, column: str, value) -> None:
        last = self.last.get((subject, field))
        current = getattr(row, column)
        if _same(current, value):
            self._settle(subject, field, TAKE_COUNCIL)
        elif (
            _is_blank(current, last)
            or _same(current, last and last.value)
            or _is_placeholder(self.child, row, field)
        ):
            setattr(row, column, value)
            self._settle(subject, field, TAKE_COUNCIL)
        else:
            self._settle(subject, field, "replaced")  # by the newer difference
            self.open[(subject, field)] = diff = Difference(
                child_id=self.child.id,
                subject=subject,
                subject_label=label,
                field=field,
                council_value=_shown(value),
                your_value=_shown(current),
                seq=self.seq,
            )
            self.s.add(diff)
            self.raised += 1
        if last is None:
            self.last[(subject, field)] = last = CouncilValue(
                child_id=self.child.id, subject=subject, field=field
            )
            self.s.add(last)
        last.value = _shown(value)

    def _settle(self, subject: str, field: str, settled_as: str) -> None:
        diff = self.open.pop((subject, field), None)
        if diff is not None:
            diff.settled_at, diff.settled_as = utcnow(), settled_as


def apply(s: Session, child: Child, body: dict, seq: int) -> int:
    """Merge the council's details into the child's, in the transaction `s`; returns differences raised."""
    merge = _Merge(s, child, seq)
    for field, value in (body.get("child") or {}).items():
        if field in CHILD_FIELDS:
            merge.merge(CHILD, "The child", child, field, field, value)
    placement = {k: v for k, v in (body.get("placement") or {}).items() if k in PLACEMENT_FIELDS}
    episode = current_episode(s, child.id) if placement else None
    for field, value in placement.items() if episode else ():
        merge.merge(PLACEMENT, "The current placement", episode, field, PLACEMENT_COLUMNS[field], value)
    for council in body.get("people") or []:
        _merge_person(merge, council)
    return merge.raised


def _merge_person(merge: _Merge, council: dict) -> None:
    child, ref, role = merge.child, str(council["id"]), council.get("role", "other")
    person = next((p for p in child.people if p.council_ref == ref), None)
    if person is None:
        person = next(
            (
                p
                for p in child.people
                if p.council_ref is None and p.role == role and _same(p.name, council["name"])
            ),
            None,
        )
    if person is None:  # new: as the council has it, so nothing of it is the IRO's yet
        role = role if role in PERSON_ROLES else "other"
        person = Person(role=role, **{PERSON_COLUMNS[f]: council[f] for f in PERSON_FIELDS if f in council})
        child.people.append(person)
    person.council_ref = ref
    label = f"{council['name']} ({PERSON_ROLES.get(role, role).lower()})"
    for field in PERSON_FIELDS:
        if field in council:
            merge.merge(f"person:{ref}", label, person, field, PERSON_COLUMNS[field], council[field])


def _shown(value) -> str | None:
    if isinstance(value, bool):
        return "Yes" if value else "No"
    text = " ".join(str(value).split()) if value is not None else ""
    return text or None


def _same(a, b) -> bool:
    return (_shown(a) or "").casefold() == (_shown(b) or "").casefold()


def _is_blank(current, last: CouncilValue | None) -> bool:
    """Nothing the IRO recorded: empty, or a flag never set ("No" by default) before the council gave one."""
    return _shown(current) is None or (current is False and last is None)


def _is_placeholder(child: Child, row, field: str) -> bool:
    """The name a child from the 903 is given until someone names them ("Child 123456")."""
    return row is child and (
        (field == "first_name" and child.first_name == NEW_CHILD_FIRST_NAME)
        or (field == "last_name" and child.last_name == child.child_ref)
    )


# ---------------------------------------------------------------- what the IRO sees and settles


@dataclass(frozen=True)
class DifferenceLine:
    id: int
    child_id: int
    child_name: str
    about: str  # "The child", "The current placement", "Sam Example (social worker)"
    field: str  # "Phone"
    council_value: str
    your_value: str
    raised_on: date
    child_ref: str = ""


def open_differences(store: Store, child_id: int | None = None) -> list[DifferenceLine]:
    with store.reading() as s:
        query = select(Difference, Child).join(Child, Child.id == Difference.child_id)
        query = query.where(Difference.settled_at.is_(None))
        if child_id is not None:
            query = query.where(Difference.child_id == child_id)
        return [
            DifferenceLine(
                d.id,
                c.id,
                c.display_name,
                d.subject_label,
                FIELD_LABELS.get(d.field, d.field),
                d.council_value or "(blank)",
                d.your_value or "(blank)",
                d.raised_at.date(),
                c.child_ref,
            )
            for d, c in s.execute(query.order_by(Difference.raised_at, Difference.id))
        ]


def settle(store: Store, difference_id: int, take: str) -> None:
    """Take the council's value into the record, or keep the IRO's; either way the difference is closed."""
    if take not in (TAKE_COUNCIL, KEEP_YOURS):
        raise SettleProblem("Choose the council's value or your own.")
    with store.session() as s:
        diff = s.get(Difference, difference_id)
        if diff is None or diff.settled_at is not None:
            raise SettleProblem("This difference was settled already.")
        if take == TAKE_COUNCIL:
            row, column = _row_of(s, diff)
            if row is None:
                raise SettleProblem(f"{diff.subject_label} is no longer in your record: keep your own.")
            setattr(
                row,
                column,
                diff.council_value == "Yes"
                if column == "has_parental_responsibility"
                else diff.council_value,
            )
        diff.settled_at, diff.settled_as = utcnow(), take
        child_ref = s.get(Child, diff.child_id).child_ref
    audit.record(
        store,
        "difference settled",
        subject=child_ref,
        detail=f"{FIELD_LABELS.get(diff.field, diff.field)}: {take}",
    )


def _row_of(s: Session, diff: Difference):
    if diff.subject == CHILD:
        return s.get(Child, diff.child_id), diff.field
    if diff.subject == PLACEMENT:
        return current_episode(s, diff.child_id), PLACEMENT_COLUMNS[diff.field]
    ref = diff.subject.removeprefix("person:")
    return s.scalar(select(Person).filter_by(child_id=diff.child_id, council_ref=ref)), PERSON_COLUMNS[
        diff.field
    ]
