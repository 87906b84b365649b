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


def apply(s: Session, child: Child, body: dict, seq: int) -> int:
    """Merge the council's details into the child's, in the transaction `s`; returns differences raised."""
    raised = 0
    names = {k: v for k, v in (body.get("child") or {}).items() if k in CHILD_FIELDS}
    for field, value in names.items():
        raised += _merge(s, child, CHILD, "The child", child, field, field, value, seq)
    placement = {k: v for k, v in (body.get("placement") or {}).items() if k in PLACEMENT_FIELDS}
    episode = current_episode(s, child.id) if placement else None
    for field, value in placement.items() if episode else ():
        raised += _merge(
            s, child, PLACEMENT, "The current placement", episode, field, PLACEMENT_COLUMNS[field], value, seq
        )
    for council in body.get("people") or []:
        raised += _merge_person(s, child, council, seq)
    return raised


def _merge_person(s: Session, child: Child, council: dict, seq: int) -> int:
    ref, role = str(council["id"]), council.get("role", "other")
    person = s.scalar(select(Person).filter_by(child_id=child.id, council_ref=ref))
    if person is None:
        person = next(
            (
                p
                for p in child.people
                if p.council_ref is None and p.role == role and _same(p.name, council["name"])
            ),
            None,
        )
        if person is not None:
            person.council_ref = ref
    if person is None:
        person = Person(
            child=child, role=role if role in PERSON_ROLES else "other", name=council["name"], council_ref=ref
        )
        s.add(person)
        s.flush()
    label = f"{council['name']} ({PERSON_ROLES.get(role, role).lower()})"
    raised = 0
    for field in PERSON_FIELDS:
        if field in council:
            raised += _merge(
                s, child, f"person:{ref}", label, person, field, PERSON_COLUMNS[field], council[field], seq
            )
    return raised


def _shown(value) -> str | None:
    if isinstance(value, bool):
        return "Yes" if value else "No"
    text = " ".join(str(value).split()) if value is not None else ""
    return text or None


def _same(a, b) -> bool:
    return (_shown(a) or "").casefold() == (_shown(b) or "").casefold()


def _is_placeholder(child: Child, row, field: str) -> bool:
    """The name a child from the 903 is given until someone names them ("Child 123456")."""
    return row is child and (
        (field == "first_name" and child.first_name == NEW_CHILD_FIRST_NAME)
        or (field == "last_name" and child.last_name == child.child_ref)
    )


def _merge(
    s: Session, child: Child, subject: str, label: str, row, field: str, column: str, value, seq: int
) -> int:
    last = s.get(CouncilValue, (child.id, subject, field))
    current = getattr(row, column)
    kept_council = last is not None and _same(current, last.value)
    raised = 0
    if _same(current, value):
        _settle_open(s, child.id, subject, field, TAKE_COUNCIL)
    elif _shown(current) is None or kept_council or _is_placeholder(child, row, field):
        setattr(row, column, value)
        _settle_open(s, child.id, subject, field, TAKE_COUNCIL)
    else:
        _settle_open(s, child.id, subject, field, None)  # replaced by the newer difference
        s.add(
            Difference(
                child_id=child.id,
                subject=subject,
                subject_label=label,
                field=field,
                council_value=_shown(value),
                your_value=_shown(current),
                seq=seq,
            )
        )
        raised = 1
    if last is None:
        s.add(CouncilValue(child_id=child.id, subject=subject, field=field, value=_shown(value)))
    else:
        last.value = _shown(value)
    return raised


def _settle_open(s: Session, child_id: int, subject: str, field: str, settled_as: str | None) -> None:
    for diff in s.scalars(
        select(Difference).filter_by(child_id=child_id, subject=subject, field=field, settled_at=None)
    ):
        diff.settled_at, diff.settled_as = utcnow(), settled_as or "replaced"


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
