"""Every row about one child, as plain JSON, and back into another store with new ids.

A table is listed after the tables its rows point at, so on import each parent's new id is known before
its children arrive. Ids are the sending store's; the receiving store gives new ones and maps each link.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, DateTime, Integer, LargeBinary, String, Text, or_, select
from sqlalchemy.orm import Session

from iro_desktop.domain.review_states import ReviewState
from iro_desktop.records.signing import b64, unb64
from iro_desktop.services.review_life import move
from iro_desktop.store.models import (
    Attendance,
    Challenge,
    ChallengeEvent,
    ChallengeLetter,
    Child,
    Decision,
    Document,
    Episode,
    MonitoringNote,
    PeriodOfCare,
    Person,
    Review,
    ReviewPart,
    ReviewReport,
    ReviewSection,
    SignedRecord,
    WishEntry,
)
from iro_desktop.store.old_history import history_rows

CHILD = {"child_id": "children"}
# (model, {link column: the table it points at}); the first link names the row's owner.
TABLES = (
    (PeriodOfCare, CHILD),
    (Episode, {"period_id": "periods_of_care"}),
    (Person, CHILD),
    (Review, {**CHILD, "period_id": "periods_of_care"}),
    (ReviewPart, {"review_id": "reviews"}),
    (Attendance, {"review_id": "reviews", "person_id": "people", "part_id": "review_parts"}),
    (ReviewReport, {"review_id": "reviews"}),
    (ReviewSection, {"review_id": "reviews"}),
    (WishEntry, {**CHILD, "review_id": "reviews"}),
    (Decision, {**CHILD, "review_id": "reviews", "wish_id": "wishes"}),
    (MonitoringNote, CHILD),
    (Challenge, CHILD),
    (ChallengeEvent, {"challenge_id": "challenges"}),
    (ChallengeLetter, {"challenge_id": "challenges"}),
    (Document, {**CHILD, "review_id": "reviews"}),
    (SignedRecord, {**CHILD, "review_id": "reviews"}),
)
TABLE_NAMES = ("children", *(model.__tablename__ for model, _ in TABLES))
# Added since the first handover files: a file written before them keeps its concerns' history in a list.
LATER_TABLES = ("challenge_events", "challenge_letters")


class RowsRefused(ValueError):
    """The rows are not in the form this version writes; nothing was written."""


def _encode(column, value):
    if value is None:
        return None
    if isinstance(column.type, LargeBinary):
        return b64(value)
    if isinstance(column.type, (Date, DateTime)):
        return value.isoformat()
    return value


_PLAIN = ((Boolean, bool), (Integer, int), (String, str), (Text, str))
_SQLITE_INTS = (-(2**63), 2**63 - 1)


def _decode(column, value):
    """The stored value, checked against the column's type, for rows that came from outside."""
    kind = column.type
    if value is None or isinstance(kind, JSON):
        return value
    if isinstance(kind, LargeBinary):
        return unb64(value)
    if isinstance(kind, DateTime):
        return datetime.fromisoformat(value)
    if isinstance(kind, Date):
        return date.fromisoformat(value)
    for sql_type, python_type in _PLAIN:
        if isinstance(kind, sql_type):
            if type(value) is not python_type:
                raise RowsRefused(f"{column.table.name}.{column.name} holds a {type(value).__name__}")
            if python_type is int and not _SQLITE_INTS[0] <= value <= _SQLITE_INTS[1]:
                raise RowsRefused(f"{column.table.name}.{column.name} holds a number too large to store")
            return value
    raise RowsRefused(f"{column.table.name}.{column.name} has a type this version cannot read")


# This laptop's own standing with the council's feed: not the child's record, so it stays behind.
LAPTOP_COLUMNS = frozenset({"council_status", "deallocated_on", "handed_over_at", "council_ref"})


def _row(obj) -> dict:
    columns = (c for c in obj.__table__.columns if c.name not in LAPTOP_COLUMNS)
    return {c.name: _encode(c, getattr(obj, c.key)) for c in columns}


def _owned(model, links: dict, child_id: int, ids: dict[str, list[int]]):
    if "child_id" not in links:
        column, table = next(iter(links.items()))
        return getattr(model, column).in_(ids[table])
    mine = model.child_id == child_id
    if "review_id" in links:  # a signed record may have lost its child link but kept its review's
        return or_(mine, model.child_id.is_(None) & model.review_id.in_(ids["reviews"]))
    return mine


def dump(s: Session, child_id: int) -> dict[str, list[dict]]:
    """Every row about the child, table by table."""
    child = s.get(Child, child_id)
    if child is None:
        raise LookupError("That child is no longer in this store.")
    tables = {"children": [_row(child)]}
    ids = {"children": [child_id]}
    for model, links in TABLES:
        query = select(model).where(_owned(model, links, child_id, ids)).order_by(model.id)
        rows = s.scalars(query).all()
        tables[model.__tablename__] = [_row(r) for r in rows]
        ids[model.__tablename__] = [r.id for r in rows]
    return tables


def _values(model, row: dict, links: dict, new_ids: dict[str, dict[int, int]]) -> dict:
    if not isinstance(row, dict):
        raise RowsRefused(f"a row of {model.__tablename__} is not an object")
    columns = model.__table__.columns
    unknown = set(row) - set(columns.keys())
    if unknown:
        raise RowsRefused(f"{model.__tablename__} has unknown columns: {', '.join(sorted(unknown))}")
    values = {columns[name].key: _decode(columns[name], value) for name, value in row.items() if name != "id"}
    for column, table in links.items():
        old = values.get(column)
        if old is not None:
            if old not in new_ids[table]:
                raise RowsRefused(f"{model.__tablename__}.{column} points at a row that is not in the file")
            values[column] = new_ids[table][old]
    return values


def load(s: Session, tables: dict) -> tuple[Child, dict[str, dict[int, int]], list[Review]]:
    """Add the rows to the session with new ids; raises RowsRefused (the caller rolls back).

    Returns the child, table by table each sender's id mapped to the new row's id, and the signed reviews:
    they arrive unsigned, since the store refuses rows added to a signed review, and `sign_again` signs
    them once everything of theirs is in.
    """
    signed: list[Review] = []
    tables = _in_current_form(tables)
    if not isinstance(tables, dict) or set(tables) != set(TABLE_NAMES):
        raise RowsRefused("the file does not hold the tables this version writes")
    if not isinstance(tables["children"], list) or len(tables["children"]) != 1:
        raise RowsRefused("the file must hold exactly one child")
    new_ids: dict[str, dict[int, int]] = {}
    for model, links in ((Child, {}), *TABLES):
        rows = tables[model.__tablename__]
        if not isinstance(rows, list):
            raise RowsRefused(f"{model.__tablename__} is not a list")
        new_ids[model.__tablename__] = {}
        for row in rows:
            values = _values(model, row, links, new_ids)
            if model is Review and values.get("status") == ReviewState.FINALISED.value:
                values["status"] = ReviewState.HELD.value
                signed.append(obj := model(**values))
            else:
                obj = model(**values)
            s.add(obj)
            s.flush()
            new_ids[model.__tablename__][row.get("id")] = obj.id
    return s.get(Child, next(iter(new_ids["children"].values()))), new_ids, signed


def _in_current_form(tables):
    """A file written before LATER_TABLES, with its concerns' history lists made event rows; any other
    file as it came (checked by `load`)."""
    older = isinstance(tables, dict) and set(tables) == set(TABLE_NAMES) - set(LATER_TABLES)
    if not older or not isinstance(tables["challenges"], list):
        return tables
    challenges, events = [], []
    for row in tables["challenges"]:
        if not isinstance(row, dict):
            raise RowsRefused("a row of challenges is not an object")
        row = dict(row)
        history, raised_on = row.pop("history", []), date.fromisoformat(str(row.get("raised_on")))
        challenges.append(row)
        events += history_rows(row.get("id"), history, raised_on, row.get("outcome"))
    columns = ChallengeEvent.__table__.columns
    encoded = [{name: _encode(columns[name], value) for name, value in e.items()} for e in events]
    return {**tables, "challenges": challenges, "challenge_events": encoded, "challenge_letters": []}


def sign_again(s: Session, reviews: list[Review]) -> None:
    """The signed reviews of a received child become signed here too, now that their rows are in."""
    s.flush()
    for review in reviews:
        move(review, ReviewState.FINALISED)
    s.flush()
