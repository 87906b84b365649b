"""What each document says, as plain frozen values: services build them from the store, renderers draw them.

Every piece the IRO may withhold from a recipient is a Passage with a stable key ("section:placement:2",
"address:14", "venue"), so a recipient's copy is drawn without it rather than with it hidden.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Letterhead:
    council_name: str
    iro_name: str
    produced_on: date
    record_id: str
    is_demo: bool = False
    logo_path: str | None = None
    iro_email: str | None = None
    iro_phone: str | None = None
    draft: bool = False  # not yet signed: DRAFT on every page


@dataclass(frozen=True)
class Passage:
    key: str
    text: str


@dataclass(frozen=True)
class AttendanceLine:
    name: str
    role: str
    attendance: str  # already in words: "Present", "Sent views"


@dataclass(frozen=True)
class RecordWish:
    key: str
    recorded_on: date
    how: str
    words: str


@dataclass(frozen=True)
class SectionText:
    key: str
    label: str
    paragraphs: tuple[Passage, ...]


@dataclass(frozen=True)
class RecordDecision:
    key: str
    number: int
    action: str
    person: str
    due: date | None


@dataclass(frozen=True)
class RecipientLine:
    key: str  # "child" or "person:<id>"
    name: str
    role: str
    address: Passage | None = None


@dataclass(frozen=True)
class ReviewContent:
    """The review as minuted: the full record and the decisions document are both drawn from it."""

    head: Letterhead
    child_name: str
    first_name: str
    dob: date
    review_label: str  # "Review 3"
    held_on: date | None
    venue: Passage | None
    participation: str
    private_conversation: str
    attendance: tuple[AttendanceLine, ...]
    wishes: tuple[RecordWish, ...]
    sections: tuple[SectionText, ...]
    decisions: tuple[RecordDecision, ...]
    iro_view: Passage | None
    next_review: date | None
    distribution: tuple[RecipientLine, ...]
    planned_on: date | None = None  # shown on a draft until the review is held; never printed as held
    overrides: tuple[Override, ...] = ()  # finalising checks the IRO signed past, with their reasons


@dataclass(frozen=True)
class Override:
    """A check the IRO chose to sign past (an empty section, say), and why: it travels in the record."""

    warning: str
    reason: str


@dataclass(frozen=True)
class LetterContent:
    """The letter to the child: the IRO's own (edited) text, one passage per paragraph."""

    head: Letterhead
    child_name: str
    paragraphs: tuple[Passage, ...]
    distribution: tuple[RecipientLine, ...] = ()


@dataclass(frozen=True)
class StageLine:
    label: str
    on: date | None


@dataclass(frozen=True)
class ChallengeContent:
    """A challenge at one stage of the dispute resolution process, or the Cafcass referral summary."""

    head: Letterhead
    child_name: str
    dob: date
    stage: str  # informal, stage_1 .. stage_4, cafcass
    addressee: str
    issue: str
    details: Passage
    raised_on: date
    response_due: date | None
    history: tuple[StageLine, ...] = ()
    distribution: tuple[RecipientLine, ...] = ()
