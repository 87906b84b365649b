"""The receiver's own tables: enrolled device keys, the records received, request nonces and refusals.

Separate from the IRO's encrypted store (its own MetaData), created with create_all at start: SQLite by
default, PostgreSQL by URL for a council's deployment.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import (
    DateTime,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    create_engine,
    delete,
    event,
    or_,
    select,
)
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker
from sqlalchemy.pool import StaticPool

PENDING, APPROVED, REVOKED = "pending", "approved", "revoked"


class ReceiverBase(DeclarativeBase):
    pass


class Device(ReceiverBase):
    __tablename__ = "devices"
    fingerprint: Mapped[str] = mapped_column(String(35), primary_key=True)
    public_key: Mapped[bytes] = mapped_column(LargeBinary(32))
    name: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(10), default=PENDING)
    enrolled_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class ReceivedRecord(ReceiverBase):
    """One version of a record; a correction is another row with the same record_id."""

    __tablename__ = "records"
    __table_args__ = (UniqueConstraint("record_id", "supersedes_key"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    record_id: Mapped[str] = mapped_column(String(200), index=True)
    record_version: Mapped[int] = mapped_column(Integer)
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)
    sender: Mapped[str] = mapped_column(String(35), index=True)
    kind: Mapped[str] = mapped_column(String(50))
    canonical_json: Mapped[bytes] = mapped_column(LargeBinary)
    pdf: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    pdf_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    signature: Mapped[str] = mapped_column(String(200))
    supersedes_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    # "" for a first version: with record_id unique, so two versions can never claim the same predecessor
    # (a fork), even when two requests race past the application's own check.
    supersedes_key: Mapped[str] = mapped_column(String(64))
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    receipt_json: Mapped[str] = mapped_column(Text)
    receipt_signature: Mapped[str] = mapped_column(String(200))


class Nonce(ReceiverBase):
    """Nonces of signed requests, kept a little longer than the allowed clock skew so replays fail."""

    __tablename__ = "nonces"
    fingerprint: Mapped[str] = mapped_column(String(35), primary_key=True)
    nonce: Mapped[str] = mapped_column(String(64), primary_key=True)
    seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class Refusal(ReceiverBase):
    """An audit line per refused request: ids and reasons only, never a record's content."""

    __tablename__ = "refusals"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    method: Mapped[str] = mapped_column(String(10))
    path: Mapped[str] = mapped_column(String(300))
    fingerprint: Mapped[str | None] = mapped_column(String(64), nullable=True)
    status: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(String(300))


def utcnow() -> datetime:
    return datetime.now(UTC)


def aware(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes: they were stored as UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@dataclass(frozen=True)
class RefusalLimits:
    """How much of the refusals log is kept: anyone can add to it by a bad request, so it must not grow."""

    keep: timedelta = timedelta(days=90)
    max_rows: int = 100_000
    prune_every: int = 1_000  # refusals between sweeps


class ReceiverStore:
    """The receiver's database: an engine and short transactions (`with store.session() as s`)."""

    def __init__(self, db_url: str, refusal_limits: RefusalLimits | None = None):
        self.refusal_limits = refusal_limits or RefusalLimits()
        self.engine = _engine(db_url)
        ReceiverBase.metadata.create_all(self.engine)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    def session(self) -> Session:
        return self._sessions.begin()

    def dispose(self) -> None:
        self.engine.dispose()

    def device(self, fingerprint: str) -> Device | None:
        with self.session() as s:
            return s.get(Device, fingerprint)

    def devices(self) -> list[Device]:
        with self.session() as s:
            return list(s.scalars(select(Device).order_by(Device.enrolled_at)))

    def set_status(self, fingerprint: str, status: str) -> Device:
        """Approve or revoke an enrolled key; a revoked key stays revoked (the device enrols a new one)."""
        with self.session() as s:
            device = s.get(Device, fingerprint)
            if device is None:
                raise LookupError("No device with that fingerprint has asked to enrol.")
            if device.status == REVOKED and status != REVOKED:
                raise ValueError("That key was revoked; the device must enrol again with a new key.")
            device.status, device.decided_at = status, utcnow()
            return device

    def versions(self, record_id: str) -> list[ReceivedRecord]:
        with self.session() as s:
            query = select(ReceivedRecord).where(ReceivedRecord.record_id == record_id)
            return list(s.scalars(query.order_by(ReceivedRecord.id)))

    def received_since(self, since: datetime) -> list[ReceivedRecord]:
        with self.session() as s:
            query = select(ReceivedRecord).where(ReceivedRecord.received_at >= since)
            return list(s.scalars(query.order_by(ReceivedRecord.id)))

    def log_refusal(self, method: str, path: str, fingerprint: str | None, status: int, reason: str) -> None:
        limits = self.refusal_limits
        with self.session() as s:
            row = Refusal(
                at=utcnow(),
                method=method[:10],
                path=path[:300],
                fingerprint=fingerprint[:64] if fingerprint else None,
                status=status,
                reason=reason[:300],
            )
            s.add(row)
            s.flush()
            if row.id % limits.prune_every == 0:  # the oldest beyond the count, and any past their time
                too_old = or_(Refusal.id <= row.id - limits.max_rows, Refusal.at < utcnow() - limits.keep)
                s.execute(delete(Refusal).where(too_old))

    def refusals(self) -> list[Refusal]:
        with self.session() as s:
            return list(s.scalars(select(Refusal).order_by(Refusal.id)))

    def prune_nonces(self, older_than: timedelta) -> None:
        with self.session() as s:
            s.execute(delete(Nonce).where(Nonce.seen_at < utcnow() - older_than))


def _engine(db_url: str) -> Engine:
    if not db_url.startswith("sqlite"):
        return create_engine(db_url, pool_pre_ping=True)
    in_memory = db_url in ("sqlite://", "sqlite:///:memory:")
    # An in-memory database lives in one connection: share it, or each thread would see its own.
    pool = {"poolclass": StaticPool} if in_memory else {}
    engine = create_engine(db_url, connect_args={"check_same_thread": False, "timeout": 30}, **pool)

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection, _record):
        # WAL: one file append per commit rather than a rewrite of the pages.
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        # FULL: a receipt promises the record is kept, so every commit reaches the disk before it is sent.
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.close()
        dbapi_connection.isolation_level = None  # SQLAlchemy emits BEGIN itself, below

    @event.listens_for(engine, "begin")
    def _begin_immediate(conn):
        # Take the write lock at BEGIN: two requests queue instead of one failing at its first write.
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine
