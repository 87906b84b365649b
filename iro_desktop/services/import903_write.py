"""The store's side of the 903 import: a batch of children's stored rows loaded in a few set-based queries,
held as small plain objects while services.import903 applies its rules to them, then the new and changed
rows written by one executemany per table. No ORM object is made, so nothing waits in a session to flush.

New rows get their ids here, counting on from each table's largest in the order the rows are made: the ids
SQLite would give them, so the store holds the same rows, ids and all, as when the import wrote ORM objects.
Only columns the import owns are written; what the IRO typed (names, carers, planned dates) is never sent.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from itertools import count
from operator import attrgetter

from sqlalchemy import Connection, Table, delete, func, select

from iro_desktop.store.models import Child, Episode, PeriodOfCare, Review

CHILDREN, PERIODS, EPISODES, REVIEWS = (m.__table__ for m in (Child, PeriodOfCare, Episode, Review))
CHILD_COLUMNS = ("dob", "sex", "ethnicity", "upn")
PERIOD_COLUMNS = ("start_date", "end_date", "end_reason")
EPISODE_COLUMNS = (
    "period_id", "start_date", "reason_new", "legal_status", "category_of_need", "placement_type",
    "placement_provider", "placement_postcode", "end_date", "end_reason", "reason_place_change",
)  # fmt: skip
REVIEW_COLUMNS = ("period_id", "number", "status", "held_date", "participation_code", "source")
# The columns the import writes in each table; the tables in the order they are written, parents first.
OWNED = {CHILDREN: CHILD_COLUMNS, PERIODS: PERIOD_COLUMNS, EPISODES: EPISODE_COLUMNS, REVIEWS: REVIEW_COLUMNS}
NEW_ROW = {
    CHILDREN: ("id", "child_ref", "first_name", "last_name"),
    PERIODS: ("id", "child_id"),
    EPISODES: ("id",),
    REVIEWS: ("id", "child_id"),
}  # what a new row has besides


def _saved(obj, columns: tuple[str, ...]) -> tuple:
    return attrgetter(*columns)(obj)


@dataclass(eq=False, slots=True)
class StoredPeriod:
    id: int
    start_date: date
    end_date: date | None = None
    end_reason: str | None = None
    episodes: list[StoredEpisode] = field(default_factory=list)
    saved: tuple | None = None  # the owned columns as stored; None for a period made by this import


@dataclass(eq=False, slots=True)
class StoredEpisode:
    """An episode as domain.periods reads it (start, end, RNE, LS, REC), and the period it is in."""

    start_date: date
    reason_new: str
    legal_status: str
    category_of_need: str | None
    placement_type: str
    placement_provider: str | None
    placement_postcode: str | None
    end_date: date | None
    end_reason: str | None
    reason_place_change: str | None
    id: int | None = None  # given when the episode first joins a period, as the ORM added it then
    period: StoredPeriod | None = None
    saved: tuple | None = None

    @property
    def period_id(self) -> int | None:
        return self.period.id if self.period else None


@dataclass(eq=False, slots=True)
class StoredReview:
    id: int
    period_id: int | None
    held_date: date | None
    participation_code: str | None
    status: str
    source: str
    number: int | None = None
    planned_date: date | None = None
    saved: tuple | None = None


@dataclass(eq=False, slots=True)
class StoredChild:
    id: int
    child_ref: str
    dob: date
    sex: str | None
    ethnicity: str | None
    upn: str | None
    first_name: str
    last_name: str
    preferred_name: str | None = None
    periods: list[StoredPeriod] = field(default_factory=list)  # as the ORM ordered them, new ones last
    reviews: list[StoredReview] = field(default_factory=list)
    saved: tuple | None = None

    @property
    def display_name(self) -> str:
        return f"{self.preferred_name or self.first_name} {self.last_name}"


class Ids:
    """The next id of each table, from the largest already there."""

    def __init__(self, conn: Connection) -> None:
        self._next = {
            t.name: count((conn.execute(select(func.max(t.c.id))).scalar() or 0) + 1)
            for t in (CHILDREN, PERIODS, EPISODES, REVIEWS)
        }

    def next(self, table: Table) -> int:
        return next(self._next[table.name])


def load(conn: Connection, refs: list[str]) -> dict[str, StoredChild]:
    """The stored children among `refs`, with their periods, episodes and reviews: four queries.

    Each child's periods, episodes and reviews come in the order the ORM's relationships give them.
    """
    c = CHILDREN.c
    columns = (c.id, c.child_ref, *(c[n] for n in CHILD_COLUMNS), c.first_name, c.last_name, c.preferred_name)
    children = {
        row.id: _stored(StoredChild(**row._mapping), CHILD_COLUMNS)
        for row in conn.execute(select(*columns).where(c.child_ref.in_(refs)))
    }
    periods = {}
    p = PERIODS.c
    query = select(p.id, p.child_id, *(p[n] for n in PERIOD_COLUMNS)).where(p.child_id.in_(list(children)))
    for row in conn.execute(query.order_by(p.start_date)):
        values = dict(row._mapping)
        period = _stored(StoredPeriod(**{k: v for k, v in values.items() if k != "child_id"}), PERIOD_COLUMNS)
        children[values["child_id"]].periods.append(period)
        periods[period.id] = period
    e = EPISODES.c
    query = select(e.id, *(e[n] for n in EPISODE_COLUMNS)).where(e.period_id.in_(list(periods)))
    for row in conn.execute(query.order_by(e.start_date)):
        values = dict(row._mapping)
        period = periods[values.pop("period_id")]
        episode = StoredEpisode(**values, period=period)
        period.episodes.append(_stored(episode, EPISODE_COLUMNS))
    r = REVIEWS.c
    query = select(r.id, r.child_id, *(r[n] for n in REVIEW_COLUMNS), r.planned_date)
    for row in conn.execute(query.where(r.child_id.in_(list(children))).order_by(r.planned_date)):
        values = dict(row._mapping)
        children[values.pop("child_id")].reviews.append(_stored(StoredReview(**values), REVIEW_COLUMNS))
    return {child.child_ref: child for child in children.values()}


def _stored(obj, columns: tuple[str, ...]):
    obj.saved = _saved(obj, columns)
    return obj


def write(conn: Connection, children: Iterable[StoredChild], removed: list[int]) -> None:
    """Insert what is new and update what changed, parents first; then delete the emptied periods."""
    rows: dict[Table, tuple[list, list]] = {table: ([], []) for table in OWNED}  # new, changed

    def sort(table: Table, obj, new_row: tuple) -> None:
        values = _saved(obj, OWNED[table])
        if obj.saved is None:
            rows[table][0].append(new_row + values)
        elif values != obj.saved:  # an unchanged row is not written at all
            rows[table][1].append((*values, obj.id))

    for child in children:
        sort(CHILDREN, child, (child.id, child.child_ref, child.first_name, child.last_name))
        for period in child.periods:
            sort(PERIODS, period, (period.id, child.id))
            for episode in period.episodes:
                sort(EPISODES, episode, (episode.id,))
        for review in child.reviews:
            sort(REVIEWS, review, (review.id, child.id))
    for table, (new, changed) in rows.items():
        _insert(conn, table, NEW_ROW[table] + OWNED[table], new)
        _update(conn, table, OWNED[table], changed)
    if removed:
        conn.execute(delete(PERIODS).where(PERIODS.c.id.in_(removed)))


def _insert(conn: Connection, table: Table, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """One executemany; the columns the import does not own get the model's defaults, as from the ORM."""
    if not rows:
        return
    filled = [c for c in table.columns if c.default is not None and c.name not in columns]
    columns += tuple(c.name for c in filled)
    rows = [row + tuple(_default(c.default) for c in filled) for row in rows]
    places = ", ".join("?" * len(columns))
    _execute(conn, f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({places})", table, columns, rows)


def _update(conn: Connection, table: Table, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """One executemany of (values..., id); a column kept up to date on every write (updated_at) is too."""
    if not rows:
        return
    stamped = [c for c in table.columns if c.onupdate is not None]
    columns += tuple(c.name for c in stamped)
    rows = [(*row[:-1], *(_default(c.onupdate) for c in stamped), row[-1]) for row in rows]
    sets = ", ".join(f"{c} = ?" for c in columns)
    _execute(conn, f"UPDATE {table.name} SET {sets} WHERE id = ?", table, (*columns, "id"), rows)


def _default(default) -> object:
    return default.arg(None) if default.is_callable else default.arg


def _execute(conn: Connection, sql: str, table: Table, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """Plain tuples to the driver, each value made what its column type stores (a date as ISO text):
    SQLAlchemy's own conversions, without its work on every row of a compiled statement."""
    processors = [table.c[c].type.dialect_impl(conn.dialect).bind_processor(conn.dialect) for c in columns]
    convert = [(n, f) for n, f in enumerate(processors) if f]
    for n, row in enumerate(rows):
        values = list(row)
        for i, f in convert:
            values[i] = f(values[i])
        rows[n] = tuple(values)
    conn.exec_driver_sql(sql, rows)
