"""How long the IRO's working copy of a child's records is kept, and removing a child from the store.

The council keeps its own case records (docs/RULES.md X2: until the child's 75th birthday, or 15 years after
their death if they died before 18); this store is the IRO's working copy, kept to the same date unless the
council's policy sets other figures (both are settings, since X2 is UNCERTAIN for England). A death is known
from the 903 record: an episode that ended with reason E2, "died".
Removal deletes the child's row in one transaction and every table about them follows through its
foreign keys' cascades (the signed records, kept even if their child goes, are deleted first); SQLCipher's
secure_delete overwrites the freed pages, and the search index follows through its triggers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import delete, or_, select, text, update

from iro_desktop.clock import ViewDateRefused, real_date
from iro_desktop.domain.calendar import format_date
from iro_desktop.problems import Problem
from iro_desktop.store import Store, audit
from iro_desktop.store.models import (
    Child,
    CouncilChange,
    Episode,
    OutboxItem,
    PeriodOfCare,
    Review,
    SignedRecord,
)

YEARS_KEY = "retention.years"
DEFAULT_YEARS = 75  # docs/RULES.md X2; England's regulation 50 is not confirmed, so the age is a setting
MIN_YEARS, MAX_YEARS = 18, 120
AFTER_DEATH_KEY = "retention.years_after_death"
DEFAULT_AFTER_DEATH = 15  # docs/RULES.md X2, for a child who died before 18
MIN_AFTER_DEATH, MAX_AFTER_DEATH = 1, 100
DIED = "E2"  # 903 REC: the episode ended because the child died


def retention_years(store: Store) -> int:
    return int(store.get_setting(YEARS_KEY, DEFAULT_YEARS))


def set_retention_years(store: Store, years: int) -> None:
    if not MIN_YEARS <= years <= MAX_YEARS:
        raise Problem(f"Choose an age between {MIN_YEARS} and {MAX_YEARS}.", "years")
    store.set_setting(YEARS_KEY, years)


def years_after_death(store: Store) -> int:
    return int(store.get_setting(AFTER_DEATH_KEY, DEFAULT_AFTER_DEATH))


def set_years_after_death(store: Store, years: int) -> None:
    if not MIN_AFTER_DEATH <= years <= MAX_AFTER_DEATH:
        raise Problem(f"Choose from {MIN_AFTER_DEATH} to {MAX_AFTER_DEATH} years.", "after_death")
    store.set_setting(AFTER_DEATH_KEY, years)


def retention_until(dob: date, years: int = DEFAULT_YEARS) -> date:
    """The birthday at `years`; someone born on 29 February has it on 1 March in other years."""
    try:
        return dob.replace(year=dob.year + years)
    except ValueError:
        return date(dob.year + years, 3, 1)


@dataclass(frozen=True)
class RetentionLine:
    child_id: int
    child_ref: str
    name: str
    first_name: str
    dob: date
    until: date
    died_on: date | None = None  # set only when the death before 18 decides the date

    @property
    def until_text(self) -> str:
        """The date as the screen and the command show it, saying when a death decided it."""
        if self.died_on:
            return f"{format_date(self.until)} (died {format_date(self.died_on)})"
        return format_date(self.until)


@dataclass(frozen=True)
class _Rule:
    years: int
    after_death: int


def _rule(store: Store) -> _Rule:
    return _Rule(retention_years(store), years_after_death(store))


def _deaths(s, child_ids=None) -> dict[int, date]:
    """Each child's date of death, from an episode that ended with reason E2."""
    query = (
        select(PeriodOfCare.child_id, Episode.end_date)
        .join(Episode, Episode.period_id == PeriodOfCare.id)
        .where(Episode.end_reason == DIED, Episode.end_date.is_not(None))
    )
    if child_ids is not None:
        query = query.where(PeriodOfCare.child_id.in_(child_ids))
    return dict(s.execute(query).all())


def _line(c: Child, rule: _Rule, died_on: date | None) -> RetentionLine:
    if died_on and died_on < retention_until(c.dob, 18):
        until = retention_until(died_on, rule.after_death)
    else:
        until, died_on = retention_until(c.dob, rule.years), None
    return RetentionLine(
        c.id, c.child_ref, c.display_name, c.preferred_name or c.first_name, c.dob, until, died_on
    )


def _lines(store: Store) -> list[RetentionLine]:
    rule = _rule(store)
    with store.reading() as s:
        deaths = _deaths(s)
        lines = [_line(c, rule, deaths.get(c.id)) for c in s.scalars(select(Child))]
    return sorted(lines, key=lambda line: (line.until, line.child_ref))


def child_line(store: Store, child_id: int) -> RetentionLine:
    rule = _rule(store)
    with store.reading() as s:
        return _line(s.get(Child, child_id), rule, _deaths(s, [child_id]).get(child_id))


def children_past_retention(store: Store, as_of: date) -> list[RetentionLine]:
    """Children whose working copy may now be removed: their retention date has come."""
    return [line for line in _lines(store) if line.until <= as_of]


def next_due(store: Store, as_of: date, count: int = 5) -> list[RetentionLine]:
    """The next few children to reach their retention date, for information."""
    return [line for line in _lines(store) if line.until > as_of][:count]


class RemovalRefused(Problem):
    """The child cannot be removed yet; the message says why. Nothing was changed."""


def _signed_of(child_id: int):
    reviews = select(Review.id).where(Review.child_id == child_id)
    return or_(SignedRecord.child_id == child_id, SignedRecord.review_id.in_(reviews))


def unsent_records(store: Store, child_id: int) -> int:
    """Signed records about the child that have not reached the council yet (waiting or refused)."""
    with store.reading() as s:
        query = (
            select(OutboxItem.id)
            .join(SignedRecord, OutboxItem.signed_record_id == SignedRecord.id)
            .where(_signed_of(child_id), OutboxItem.state != "delivered")
        )
        return len(s.scalars(query).all())


def remove_child(store: Store, child_id: int, reason: str, as_of: date | None = None) -> str:
    """Delete every row about the child in one transaction and audit it by council id; returns that id.

    Refused while any of the child's signed records has not reached the council: removing it then would
    lose the only signed copy. Refused too when `as_of`, the date the caller shows, is not today: a child
    is removed only when their retention date has really come.
    """
    try:
        real_date(store.clock, as_of, "Removing a child")
    except ViewDateRefused as exc:
        raise RemovalRefused(str(exc)) from exc
    unsent = unsent_records(store, child_id)
    if unsent:
        noun = "record has" if unsent == 1 else "records have"
        raise RemovalRefused(
            f"{unsent} signed {noun} not reached the council yet. Send them (Sync) and try again: "
            "until the council holds them, this store has the only signed copy. Nothing was removed."
        )
    with store.session() as s:
        child = s.get(Child, child_id)
        if child is None:
            raise RemovalRefused("That child is no longer in this store.")
        child_ref = child.child_ref
        s.execute(delete(SignedRecord).where(_signed_of(child_id)))  # their outbox rows cascade
        s.execute(delete(Child).where(Child.id == child_id))  # every other table cascades from here
        # The feed's ledger keeps the child's id, kind and position (no names): what still waited in it goes.
        s.execute(update(CouncilChange).where(CouncilChange.child_ref == child_ref).values(waiting=None))
        # FTS5 only marks deleted rows; merging its segments drops the child's words from the index itself.
        s.execute(text("INSERT INTO search_index(search_index) VALUES ('optimize')"))
    audit.record(store, "child_removed", subject=child_ref, detail=reason)
    return child_ref
