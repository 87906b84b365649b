"""ORM tables: everything an IRO holds about their caseload. Dates are ISO dates, times UTC."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from iro_desktop.domain.codes import PERSON_ROLES  # noqa: F401 (services import it from here)

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """Naive UTC, as SQLite stores it."""
    return datetime.now(UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


def _child_fk() -> Mapped[int]:
    return mapped_column(ForeignKey("children.id", ondelete="CASCADE"), index=True)


class Child(Base):
    __tablename__ = "children"

    id: Mapped[int] = mapped_column(primary_key=True)
    child_ref: Mapped[str] = mapped_column(String(40), unique=True)  # the council's child id (903 CHILD)
    first_name: Mapped[str] = mapped_column(String(120))
    last_name: Mapped[str] = mapped_column(String(120))
    preferred_name: Mapped[str | None] = mapped_column(String(120))
    dob: Mapped[date] = mapped_column(Date)
    sex: Mapped[str | None] = mapped_column(String(2))
    ethnicity: Mapped[str | None] = mapped_column(String(8))  # 903 ETHNIC code
    first_language: Mapped[str | None] = mapped_column(String(80))
    communication_needs: Mapped[str | None] = mapped_column(Text)
    disability: Mapped[str | None] = mapped_column(Text)
    upn: Mapped[str | None] = mapped_column(String(20))
    review_cycle: Mapped[str] = mapped_column(String(24), default="standard")  # domain.timescales.Cycle
    review_cycle_start: Mapped[date | None] = mapped_column(Date)
    early_review_by: Mapped[date | None] = mapped_column(Date)
    early_review_reason: Mapped[str | None] = mapped_column(Text)
    early_review_requested_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # The council's feed: "allocated" to this IRO, or "deallocated" (to be handed over, then removed); None
    # for a child the IRO added or imported by hand.
    council_status: Mapped[str | None] = mapped_column(String(12))
    deallocated_on: Mapped[date | None] = mapped_column(Date)
    handed_over_at: Mapped[datetime | None] = mapped_column(DateTime)  # the last handover file made

    periods: Mapped[list[PeriodOfCare]] = relationship(
        back_populates="child", cascade="all, delete-orphan", order_by="PeriodOfCare.start_date"
    )
    people: Mapped[list[Person]] = relationship(back_populates="child", cascade="all, delete-orphan")
    reviews: Mapped[list[Review]] = relationship(
        back_populates="child", cascade="all, delete-orphan", order_by="Review.planned_date"
    )
    decisions: Mapped[list[Decision]] = relationship(back_populates="child", cascade="all, delete-orphan")
    wishes: Mapped[list[WishEntry]] = relationship(back_populates="child", cascade="all, delete-orphan")
    challenges: Mapped[list[Challenge]] = relationship(back_populates="child", cascade="all, delete-orphan")

    @property
    def display_name(self) -> str:
        return f"{self.preferred_name or self.first_name} {self.last_name}"


class PeriodOfCare(Base):
    """A continuous period of being looked after; a child who leaves and comes back starts a new one."""

    __tablename__ = "periods_of_care"

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = _child_fk()
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    end_reason: Mapped[str | None] = mapped_column(String(8))  # 903 REC code

    child: Mapped[Child] = relationship(back_populates="periods")
    episodes: Mapped[list[Episode]] = relationship(
        back_populates="period", cascade="all, delete-orphan", order_by="Episode.start_date"
    )


class Episode(Base):
    """A placement episode: legal status and placement from start date until the next change."""

    __tablename__ = "episodes"
    __table_args__ = (Index("ix_episodes_period_start", "period_id", "start_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("periods_of_care.id", ondelete="CASCADE"), index=True)
    start_date: Mapped[date] = mapped_column(Date)
    reason_new: Mapped[str] = mapped_column(String(2))  # RNE
    legal_status: Mapped[str] = mapped_column(String(4))  # LS
    category_of_need: Mapped[str | None] = mapped_column(String(4))  # CIN
    placement_type: Mapped[str] = mapped_column(String(4))  # PLACE
    placement_provider: Mapped[str | None] = mapped_column(String(4))
    carer_name: Mapped[str | None] = mapped_column(String(200))
    placement_address: Mapped[str | None] = mapped_column(Text)
    placement_postcode: Mapped[str | None] = mapped_column(String(10))
    end_date: Mapped[date | None] = mapped_column(Date)
    end_reason: Mapped[str | None] = mapped_column(String(8))  # REC
    reason_place_change: Mapped[str | None] = mapped_column(String(8))

    period: Mapped[PeriodOfCare] = relationship(back_populates="episodes")




class Person(Base):
    __tablename__ = "people"

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = _child_fk()
    role: Mapped[str] = mapped_column(String(24))  # a key of PERSON_ROLES
    name: Mapped[str] = mapped_column(String(200))
    relationship_to_child: Mapped[str | None] = mapped_column(String(120))
    organisation: Mapped[str | None] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(40))
    address: Mapped[str | None] = mapped_column(Text)
    has_parental_responsibility: Mapped[bool] = mapped_column(Boolean, default=False)
    council_ref: Mapped[str | None] = mapped_column(String(64))  # the council's id of the person (the feed)

    child: Mapped[Child] = relationship(back_populates="people")


class Review(Base):
    __tablename__ = "reviews"
    __table_args__ = (Index("ix_reviews_child_held", "child_id", "held_date", "planned_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = _child_fk()
    period_id: Mapped[int | None] = mapped_column(ForeignKey("periods_of_care.id", ondelete="SET NULL"))
    number: Mapped[int | None] = mapped_column(Integer)  # sequence within the period of care
    kind: Mapped[str] = mapped_column(String(24), default="standard")
    status: Mapped[str] = mapped_column(String(16), default="planned")  # domain.review_states.ReviewState
    planned_date: Mapped[date | None] = mapped_column(Date)
    planned_time: Mapped[str | None] = mapped_column(String(5))
    venue: Mapped[str | None] = mapped_column(String(200))
    held_date: Mapped[date | None] = mapped_column(Date)
    participation_code: Mapped[str | None] = mapped_column(String(3))  # PN0..PN7
    spoke_alone: Mapped[bool | None] = mapped_column(Boolean)
    spoke_alone_date: Mapped[date | None] = mapped_column(Date)
    spoke_alone_place: Mapped[str | None] = mapped_column(String(200))
    not_alone_category: Mapped[str | None] = mapped_column(String(24))  # declined, not_appropriate, other
    not_alone_reason: Mapped[str | None] = mapped_column(Text)
    adjourned_on: Mapped[date | None] = mapped_column(Date)  # a review may be adjourned once (I3)
    adjourned_to: Mapped[date | None] = mapped_column(Date)
    adjourn_reason: Mapped[str | None] = mapped_column(Text)
    iro_view: Mapped[str | None] = mapped_column(Text)
    next_review_date: Mapped[date | None] = mapped_column(Date)
    late_reason: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(16), default="app")  # app or 903 (imported)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    child: Mapped[Child] = relationship(back_populates="reviews")
    attendance: Mapped[list[Attendance]] = relationship(back_populates="review", cascade="all, delete-orphan")
    sections: Mapped[list[ReviewSection]] = relationship(
        back_populates="review", cascade="all, delete-orphan"
    )
    decisions: Mapped[list[Decision]] = relationship(back_populates="review")
    parts: Mapped[list[ReviewPart]] = relationship(
        back_populates="review", cascade="all, delete-orphan", order_by="ReviewPart.position"
    )
    reports: Mapped[list[ReviewReport]] = relationship(back_populates="review", cascade="all, delete-orphan")
    texts: Mapped[list[ReviewText]] = relationship(back_populates="review", cascade="all, delete-orphan")


class Attendance(Base):
    __tablename__ = "attendance"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    part_id: Mapped[int | None] = mapped_column(ForeignKey("review_parts.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(24))
    attendance: Mapped[str] = mapped_column(String(16))  # present, sent_views, absent, invited
    contribution: Mapped[str | None] = mapped_column(String(24))  # attend, written_report, phone, video, ...

    review: Mapped[Review] = relationship(back_populates="attendance")


class ReviewPart(Base):
    """A review held in parts (docs/RULES.md I6): each part its own date, place and attendance."""

    __tablename__ = "review_parts"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=1)
    label: Mapped[str] = mapped_column(String(120))  # e.g. "With Maja and her carers"
    held_on: Mapped[date | None] = mapped_column(Date)
    place: Mapped[str | None] = mapped_column(String(200))

    review: Mapped[Review] = relationship(back_populates="parts")


class ReviewReport(Base):
    """A consultation return or report expected for a review, and when it arrived."""

    __tablename__ = "review_reports"
    __table_args__ = (UniqueConstraint("review_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(40))  # social_worker_report, care_plan, pep, ...
    expected: Mapped[bool] = mapped_column(Boolean, default=True)
    received_on: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)

    review: Mapped[Review] = relationship(back_populates="reports")


class ReviewText(Base):
    """Text the IRO keeps with a review outside its minutes: the edited letter to the child ("letter"),
    the passages withheld from each recipient's copy ("withheld"), words typed in an add-form but not yet
    added ("drafts"). Owned by the review, so the signature's guard and a child's removal reach it."""

    __tablename__ = "review_texts"
    __table_args__ = (UniqueConstraint("review_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # letter, withheld, drafts
    value: Mapped[dict | str] = mapped_column(JSON)

    review: Mapped[Review] = relationship(back_populates="texts")


class MonitoringNote(Base):
    """The IRO's contact with the case between reviews: a call, a visit, a midway review."""

    __tablename__ = "monitoring_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = _child_fk()
    noted_on: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(24))  # contact, visit, midway_review, other
    text: Mapped[str] = mapped_column(Text)


class ReviewSection(Base):
    """One minuted section of a review (the Schedule 7 matters)."""

    __tablename__ = "review_sections"
    __table_args__ = (UniqueConstraint("review_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(40))
    text: Mapped[str] = mapped_column(Text, default="")

    review: Mapped[Review] = relationship(back_populates="sections")


class Decision(Base):
    __tablename__ = "decisions"
    __table_args__ = (Index("ix_decisions_status_child", "status", "child_id", "due_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = _child_fk()
    review_id: Mapped[int | None] = mapped_column(ForeignKey("reviews.id", ondelete="SET NULL"), index=True)
    number: Mapped[int | None] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(Text)
    person_responsible: Mapped[str | None] = mapped_column(String(200))
    due_date: Mapped[date | None] = mapped_column(Date)  # as agreed at the review (signed)
    revised_due: Mapped[date | None] = mapped_column(Date)  # a later due date, when the decision changed
    status: Mapped[str] = mapped_column(String(16), default="open")  # open, done, not_done, changed
    status_note: Mapped[str | None] = mapped_column(Text)
    completed_on: Mapped[date | None] = mapped_column(Date)
    section_key: Mapped[str | None] = mapped_column(String(40))
    wish_id: Mapped[int | None] = mapped_column(ForeignKey("wishes.id", ondelete="SET NULL"))

    child: Mapped[Child] = relationship(back_populates="decisions")
    review: Mapped[Review | None] = relationship(back_populates="decisions")

    @property
    def tracked_due(self) -> date | None:
        """The date the decision is watched against: the revised one once it changed."""
        return self.revised_due or self.due_date


class WishEntry(Base):
    """The child's wishes and feelings in their own words: a first-class record."""

    __tablename__ = "wishes"

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = _child_fk()
    review_id: Mapped[int | None] = mapped_column(ForeignKey("reviews.id", ondelete="SET NULL"))
    recorded_on: Mapped[date] = mapped_column(Date)
    how_obtained: Mapped[str] = mapped_column(String(24))  # private_conversation, consultation_form, ...
    words: Mapped[str] = mapped_column(Text)
    agreed_to_share: Mapped[bool | None] = mapped_column(Boolean)  # None until the IRO asks the child

    child: Mapped[Child] = relationship(back_populates="wishes")


class Challenge(Base):
    """A concern the IRO raised, followed through informal resolution and the dispute resolution process."""

    __tablename__ = "challenges"

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = _child_fk()
    issue: Mapped[str] = mapped_column(String(40))
    details: Mapped[str | None] = mapped_column(Text)
    raised_on: Mapped[date] = mapped_column(Date)
    stage: Mapped[str] = mapped_column(String(40), default="informal")
    addressee: Mapped[str | None] = mapped_column(String(200))
    sent_on: Mapped[date | None] = mapped_column(Date)
    response_due: Mapped[date | None] = mapped_column(Date)
    response: Mapped[str | None] = mapped_column(Text)
    outcome: Mapped[str | None] = mapped_column(String(24))  # resolved, partly_resolved, not_resolved
    resolved_on: Mapped[date | None] = mapped_column(Date)

    child: Mapped[Child] = relationship(back_populates="challenges")
    events: Mapped[list[ChallengeEvent]] = relationship(
        back_populates="challenge", cascade="all, delete-orphan", order_by="ChallengeEvent.id"
    )
    letters: Mapped[list[ChallengeLetter]] = relationship(cascade="all, delete-orphan")


# What a concern's history holds; services/challenge_events.py is the one writer.
CHALLENGE_EVENT_KINDS = (
    "raised",  # expected, expected_by, child_view, about; previous_details when the wording was corrected
    "informal",  # D1: person spoken with, text of the conversation, agreed_action by action_by
    "stage_reached",  # D2: stage, person written to, response_due, skipped stages, note
    "response_received",  # stage replied at, person who replied, text of the reply, outcome
    "closed",  # outcome settled without a written reply, note
    "cafcass_considered",  # D3: text of the IRO's reasoning
    "cafcass_referred",  # D3: text of the summary sent
    "child_told",  # told_concern, told_advocacy, told_complaints, note
    "letter_signed",  # stage whose letter was signed, record: the printed record id
)


class ChallengeEvent(Base):
    """One dated step in a concern's history, appended and never rewritten; the columns a kind does not
    carry stay empty (CHALLENGE_EVENT_KINDS says which carry what)."""

    __tablename__ = "challenge_events"
    __table_args__ = (
        CheckConstraint(f"kind IN ({', '.join(repr(k) for k in CHALLENGE_EVENT_KINDS)})", name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(24))
    on_date: Mapped[date] = mapped_column(Date)
    stage: Mapped[str | None] = mapped_column(String(16))
    person: Mapped[str | None] = mapped_column(String(200))
    text: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)
    outcome: Mapped[str | None] = mapped_column(String(24))
    expected: Mapped[str | None] = mapped_column(Text)
    expected_by: Mapped[date | None] = mapped_column(Date)
    child_view: Mapped[str | None] = mapped_column(Text)
    about: Mapped[str | None] = mapped_column(String(40))
    previous_details: Mapped[str | None] = mapped_column(Text)
    agreed_action: Mapped[str | None] = mapped_column(Text)
    action_by: Mapped[date | None] = mapped_column(Date)
    response_due: Mapped[date | None] = mapped_column(Date)
    skipped: Mapped[str | None] = mapped_column(String(64))  # stage keys, space-separated
    told_concern: Mapped[bool | None] = mapped_column(Boolean)
    told_advocacy: Mapped[bool | None] = mapped_column(Boolean)
    told_complaints: Mapped[bool | None] = mapped_column(Boolean)
    record: Mapped[str | None] = mapped_column(String(64))

    challenge: Mapped[Challenge] = relationship(back_populates="events")


class ChallengeLetter(Base):
    """The IRO's edited wording of a concern's letter at one stage (or of the Cafcass summary)."""

    __tablename__ = "challenge_letters"
    __table_args__ = (UniqueConstraint("challenge_id", "stage"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id", ondelete="CASCADE"), index=True)
    stage: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)


class Document(Base):
    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = _child_fk()
    review_id: Mapped[int | None] = mapped_column(ForeignKey("reviews.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    pdf: Mapped[bytes | None] = mapped_column(LargeBinary)


class SignedRecord(Base):
    """A finalised record: canonical JSON, signed. Never updated; a correction is a new row."""

    __tablename__ = "signed_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[str] = mapped_column(String(36), index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    kind: Mapped[str] = mapped_column(String(24))
    child_id: Mapped[int | None] = mapped_column(ForeignKey("children.id", ondelete="SET NULL"))
    review_id: Mapped[int | None] = mapped_column(ForeignKey("reviews.id", ondelete="SET NULL"))
    canonical_json: Mapped[bytes] = mapped_column(LargeBinary)
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)
    pdf_hash: Mapped[str | None] = mapped_column(String(64))
    signature: Mapped[bytes] = mapped_column(LargeBinary)
    supersedes_hash: Mapped[str | None] = mapped_column(String(64))
    correction_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class OutboxItem(Base):
    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    signed_record_id: Mapped[int] = mapped_column(
        ForeignKey("signed_records.id", ondelete="CASCADE"), unique=True
    )
    state: Mapped[str] = mapped_column(String(16), default="queued")  # queued, sending, delivered, rejected
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(DateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    receipt: Mapped[bytes | None] = mapped_column(LargeBinary)
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime)


class CouncilChange(Base):
    """One change from the council's feed, applied: its position, child and kind. Written in the transaction
    that applies it, with the feed's position: a change applied twice would collide here."""

    __tablename__ = "council_changes"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    child_ref: Mapped[str] = mapped_column(String(40), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    summary: Mapped[str] = mapped_column(String(300))
    received_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    waiting: Mapped[str | None] = mapped_column(Text)  # the body, until the child's 903 rows arrive


class CouncilNotice(Base):
    """Something the council told the IRO about a child, by a date; and the IRO's answer, sent signed."""

    __tablename__ = "council_notices"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)  # the council's
    child_id: Mapped[int] = _child_fk()
    kind: Mapped[str] = mapped_column(String(30))
    summary: Mapped[str] = mapped_column(String(300))
    details: Mapped[str] = mapped_column(Text, default="")
    answer_by: Mapped[date] = mapped_column(Date)
    raised_on: Mapped[date] = mapped_column(Date)
    raised_by: Mapped[str] = mapped_column(String(120), default="")
    answer: Mapped[str | None] = mapped_column(String(20))
    answer_note: Mapped[str | None] = mapped_column(Text)
    answered_on: Mapped[date | None] = mapped_column(Date)
    # None while open; "queued" until the receiver's receipt; "delivered"; "elsewhere": from another device.
    answer_state: Mapped[str | None] = mapped_column(String(12))
    answer_receipt: Mapped[bytes | None] = mapped_column(LargeBinary)
    answer_problem: Mapped[str | None] = mapped_column(Text)  # why the last try to send it failed


class CouncilValue(Base):
    """The value the council last sent for a detail the IRO can also record (a name, a carer, a person's
    phone): told apart from what the IRO typed, so the council's change never overwrites the IRO's."""

    __tablename__ = "council_values"

    child_id: Mapped[int] = mapped_column(ForeignKey("children.id", ondelete="CASCADE"), primary_key=True)
    subject: Mapped[str] = mapped_column(String(80), primary_key=True)  # "child", "placement", "person:<ref>"
    field: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str | None] = mapped_column(Text)


class Difference(Base):
    """A detail the council changed where the IRO had recorded something else: both kept, for the IRO."""

    __tablename__ = "differences"

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = _child_fk()
    subject: Mapped[str] = mapped_column(String(80))
    subject_label: Mapped[str] = mapped_column(String(200))
    field: Mapped[str] = mapped_column(String(40))
    council_value: Mapped[str | None] = mapped_column(Text)
    your_value: Mapped[str | None] = mapped_column(Text)
    seq: Mapped[int] = mapped_column(Integer)  # the feed's change that raised it
    raised_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    settled_at: Mapped[datetime | None] = mapped_column(DateTime)
    settled_as: Mapped[str | None] = mapped_column(String(12))  # "council" or "yours"


class AuditEntry(Base):
    """Who did what and when; each entry's hash covers the previous one's, so gaps show."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime)
    action: Mapped[str] = mapped_column(String(40))
    subject: Mapped[str | None] = mapped_column(String(80))
    detail: Mapped[str | None] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class Profile(Base):
    """The IRO's own profile: one row."""

    __tablename__ = "profile"

    id: Mapped[int] = mapped_column(primary_key=True)
    iro_name: Mapped[str] = mapped_column(String(200), default="")
    council_name: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(40))
    hours_per_week: Mapped[float] = mapped_column(default=37.0)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)


class Setting(Base):
    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    value: Mapped[dict | list | str | int | float | bool | None] = mapped_column(JSON)
