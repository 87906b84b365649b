"""A child the council has deallocated from this IRO leaves the laptop only once nothing would be lost: its
signed records have reached the council, and any work not yet in a signed record has been handed over to
the next IRO (a handover file made since the deallocation). The laptop's copy is not the case record
(docs/RULES.md X2); the removal itself is services/retention.remove_child's, whole or not at all."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from iro_desktop.domain.calendar import format_date
from iro_desktop.domain.review_states import UNFINISHED, ReviewState
from iro_desktop.services.retention import RemovalRefused, remove_child, unsent_records
from iro_desktop.store import Store
from iro_desktop.store.models import Child, CouncilNotice, MonitoringNote, Review, SignedRecord
from iro_desktop.sync.protocol import DEALLOCATED

# Work that lives outside a signed record: a review being minuted, or notes since the last signing.
UNSIGNED_STATES = tuple(s.value for s in UNFINISHED | {ReviewState.ADJOURNED})


@dataclass(frozen=True)
class Standing:
    """Where a deallocated child stands: what still keeps them on this laptop, in the IRO's words."""

    child_id: int
    deallocated_on: date
    unsent: int  # signed records not yet at the council
    unsigned_work: list[str]  # what is not in any signed record
    handed_over: bool  # a handover file made since the deallocation
    open_notices: int

    @property
    def blockers(self) -> list[str]:
        out = []
        if self.unsent:
            records = "1 signed record has" if self.unsent == 1 else f"{self.unsent} signed records have"
            out.append(f"{records} not reached the council: sync first.")
        if self.unsigned_work and not self.handed_over:
            out.append(
                "Work not in a signed record (" + "; ".join(self.unsigned_work) + "): hand the child "
                "over first, so the next IRO has it."
            )
        return out

    @property
    def words(self) -> str:
        said = f"The council ended this child's allocation to you on {format_date(self.deallocated_on)}."
        return said + (
            " " + " ".join(self.blockers)
            if self.blockers
            else " Nothing is left to send: you can remove the child from this laptop."
        )


def standing(store: Store, child_id: int) -> Standing | None:
    """None unless the council has deallocated the child."""
    unsent = unsent_records(store, child_id)
    with store.reading() as s:
        child = s.get(Child, child_id)
        if child is None or child.council_status != DEALLOCATED:
            return None
        last_signed = s.scalar(
            select(func.max(SignedRecord.created_at)).where(SignedRecord.child_id == child_id)
        )
        work = []
        unfinished = s.scalar(
            select(func.count(Review.id)).where(
                Review.child_id == child_id, Review.status.in_(UNSIGNED_STATES)
            )
        )
        if unfinished:
            work.append(
                "a review held but not signed"
                if unfinished == 1
                else f"{unfinished} reviews held but not signed"
            )
        notes = select(func.count(MonitoringNote.id)).where(MonitoringNote.child_id == child_id)
        if last_signed is not None:
            notes = notes.where(MonitoringNote.noted_on >= last_signed.date())
        if s.scalar(notes):
            work.append("monitoring notes since the last signed record")
        notices = s.scalar(
            select(func.count(CouncilNotice.id)).where(
                CouncilNotice.child_id == child_id, CouncilNotice.answer_state.is_(None)
            )
        )
        handed = child.handed_over_at is not None and child.handed_over_at.date() >= child.deallocated_on
        return Standing(child_id, child.deallocated_on, unsent, work, handed, notices or 0)


def remove(store: Store, child_id: int, today: date) -> str:
    """Remove a deallocated child from this laptop; RemovalRefused, and nothing removed, while anything
    would be lost. Returns the child's council id."""
    held = standing(store, child_id)
    if held is None:
        raise RemovalRefused("Only a child the council has deallocated from you can be removed this way.")
    if held.blockers:
        raise RemovalRefused(" ".join(held.blockers) + " Nothing was removed.")
    reason = f"deallocated by the council on {format_date(held.deallocated_on)}"
    return remove_child(store, child_id, reason, as_of=today)
