"""The receiver's own tables: enrolled device keys, the records received (each device's in its own
namespace), request nonces, refusals, the head of each device's audit trail, and the council's side: IRO
accounts, administrator tokens, allocations of children to IROs, the log of administrative acts, and the
feed of the council's changes and notices for the IROs' devices.

Separate from the IRO's encrypted store (its own MetaData). The schema is made and upgraded by Alembic
(sync/receiver/migrations) when the store opens, so an existing database upgrades in place; one made before
the receiver had migrations is recognised and brought up from there. SQLite by default, PostgreSQL by URL.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import (
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    create_engine,
    delete,
    event,
    inspect,
    or_,
    select,
    text,
)
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker
from sqlalchemy.pool import StaticPool

from iro_desktop.private_files import FILE_MODE, make_private, private_dir, tighten

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
    decided_by: Mapped[str | None] = mapped_column(String(100), nullable=True)  # the account that decided
    # The IRO whose device this is, bound at approval; None: the device receives no children.
    iro_id: Mapped[int | None] = mapped_column(ForeignKey("iros.id", name="fk_devices_iro_id"), nullable=True)


class ReceivedRecord(ReceiverBase):
    """One version of a record; a correction is another row with the same record_id. A record id is the
    sending device's own: another device's record of the same id is another record."""

    __tablename__ = "records"
    __table_args__ = (
        # "" for a first version: two versions can never claim the same predecessor (a fork), even when
        # two requests race past the application's own check.
        UniqueConstraint("sender", "record_id", "supersedes_key", name="uq_records_sender_record_version"),
        UniqueConstraint("sender", "content_hash", name="uq_records_sender_content_hash"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    record_id: Mapped[str] = mapped_column(String(200), index=True)
    record_version: Mapped[int] = mapped_column(Integer)
    content_hash: Mapped[str] = mapped_column(String(64))
    sender: Mapped[str] = mapped_column(String(35), index=True)
    kind: Mapped[str] = mapped_column(String(50))
    canonical_json: Mapped[bytes] = mapped_column(LargeBinary)
    pdf: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    pdf_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    signature: Mapped[str] = mapped_column(String(200))
    supersedes_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
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


class TrailHead(ReceiverBase):
    """The head of a device's audit trail as last synced: how many entries, and the last one's hash."""

    __tablename__ = "trail_heads"
    fingerprint: Mapped[str] = mapped_column(String(35), primary_key=True)
    entries: Mapped[int] = mapped_column(Integer)
    head_hash: Mapped[str] = mapped_column(String(64))
    restore_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)  # the last restore accepted
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class TrailEvent(ReceiverBase):
    """What happened to a device's trail at a sync: extended, restored from a backup, or refused."""

    __tablename__ = "trail_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    fingerprint: Mapped[str] = mapped_column(String(35), index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    kind: Mapped[str] = mapped_column(String(20))  # extended, restored, refused
    from_entries: Mapped[int] = mapped_column(Integer)
    to_entries: Mapped[int] = mapped_column(Integer)
    detail: Mapped[str] = mapped_column(String(300))


class Iro(ReceiverBase):
    """An Independent Reviewing Officer's account at the council: the devices bound to it receive the
    children allocated to it."""

    __tablename__ = "iros"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str] = mapped_column(String(100))


class AdminToken(ReceiverBase):
    """A bearer token for the council's own systems: only its SHA-256 is kept, never the token."""

    __tablename__ = "admin_tokens"
    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str] = mapped_column(String(100))
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class Allocation(ReceiverBase):
    """A child allocated to an IRO from `since` until `until` (None: still allocated). At most one open row
    per child, held by the database too (a partial unique index), so two moves at once cannot both stand."""

    __tablename__ = "allocations"
    __table_args__ = (
        Index(
            "uq_allocations_open_child",
            "child_id",
            unique=True,
            sqlite_where=text("until IS NULL"),
            postgresql_where=text("until IS NULL"),
        ),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    child_id: Mapped[str] = mapped_column(String(40), index=True)
    iro_id: Mapped[int] = mapped_column(ForeignKey("iros.id", name="fk_allocations_iro_id"), index=True)
    since: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    # The feed's changes this allocation lets the IRO see: from its "allocated" change (which carries the
    # child as the council holds it then) to its "deallocated" change, both included (sync/receiver/feed.py).
    since_seq: Mapped[int] = mapped_column(Integer, default=0)
    until_seq: Mapped[int | None] = mapped_column(Integer, nullable=True)


class FeedChange(ReceiverBase):
    """One change the council published for a child, in the order published: `seq` is the feed's position.
    Appended only; publishing takes the feed lock, so a change commits before any later `seq` can."""

    __tablename__ = "feed"
    __table_args__ = (Index("ix_feed_child_seq", "child_id", "seq"),)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    child_id: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(20))  # feed.KINDS
    body: Mapped[str] = mapped_column(Text)  # canonical JSON
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class FeedLatest(ReceiverBase):
    """A child's 903 rows and details as last published: what an allocation's first change carries, and
    what a new extract is compared with so an unchanged child publishes nothing."""

    __tablename__ = "feed_latest"
    child_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    part: Mapped[str] = mapped_column(String(10), primary_key=True)  # "903" or "details"
    body: Mapped[str] = mapped_column(Text)
    seq: Mapped[int] = mapped_column(Integer)


class Notice(ReceiverBase):
    """Something the council tells a child's IRO, with the date it needs their answer by; and the answer."""

    __tablename__ = "notices"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    child_id: Mapped[str] = mapped_column(String(40), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    summary: Mapped[str] = mapped_column(String(300))
    details: Mapped[str] = mapped_column(Text, default="")
    answer_by: Mapped[str] = mapped_column(String(10))  # ISO date
    raised_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    raised_by: Mapped[str] = mapped_column(String(120))
    answer: Mapped[str | None] = mapped_column(String(20), nullable=True)
    answer_note: Mapped[str | None] = mapped_column(Text, nullable=True)
    answered_on: Mapped[str | None] = mapped_column(String(10), nullable=True)  # the IRO's date, ISO
    answered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    answered_by: Mapped[str | None] = mapped_column(String(35), nullable=True)  # the device's fingerprint


class AdminAct(ReceiverBase):
    """One administrative act, by the CLI or a token: appended by admin_log.record, never changed."""

    __tablename__ = "admin_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    actor: Mapped[str] = mapped_column(String(120))  # "cli: NAME" or "token: NAME"
    act: Mapped[str] = mapped_column(String(40))
    subject: Mapped[str] = mapped_column(String(200))
    detail: Mapped[str] = mapped_column(String(300))


def decide(s: Session, fingerprint: str, status: str, by: str) -> Device:
    """In the transaction `s`: set an enrolled key's status (see ReceiverStore.set_status)."""
    device = s.get(Device, fingerprint)
    if device is None:
        raise LookupError("No device with that fingerprint has asked to enrol.")
    if device.status == REVOKED and status != REVOKED:
        raise ValueError("That key was revoked; the device must enrol again with a new key.")
    device.status, device.decided_at, device.decided_by = status, utcnow(), by[:100] or None
    return device


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
        self.tightened = _private_sqlite_files(db_url)
        self.engine = _engine(db_url)
        upgrade_if_needed(self.engine)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._readers = sessionmaker(self.engine.execution_options(reading=True), expire_on_commit=False)

    def session(self) -> Session:
        """A write transaction (on SQLite it takes the write lock at BEGIN)."""
        return self._sessions.begin()

    def reading(self) -> Session:
        """A read-only transaction: on SQLite it takes no write lock, so it never waits behind a writer."""
        return self._readers.begin()

    def dispose(self) -> None:
        self.engine.dispose()

    def device(self, fingerprint: str) -> Device | None:
        with self.reading() as s:
            return s.get(Device, fingerprint)

    def devices(self) -> list[Device]:
        with self.reading() as s:
            return list(s.scalars(select(Device).order_by(Device.enrolled_at)))

    def set_status(self, fingerprint: str, status: str, by: str = "") -> Device:
        """Approve or revoke an enrolled key; a revoked key stays revoked (the device enrols a new one).
        `by` names the administrator's account, for the signed enrolment list."""
        with self.session() as s:
            return decide(s, fingerprint, status, by)

    def versions(self, sender: str, record_id: str) -> list[ReceivedRecord]:
        """One device's versions of its record, oldest first."""
        with self.reading() as s:
            query = select(ReceivedRecord).where(
                ReceivedRecord.sender == sender, ReceivedRecord.record_id == record_id
            )
            return list(s.scalars(query.order_by(ReceivedRecord.id)))

    def received_since(self, since: datetime) -> list[ReceivedRecord]:
        with self.reading() as s:
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
        with self.reading() as s:
            return list(s.scalars(select(Refusal).order_by(Refusal.id)))

    def prune_nonces(self, older_than: timedelta) -> None:
        with self.session() as s:
            s.execute(delete(Nonce).where(Nonce.seen_at < utcnow() - older_than))


MIGRATIONS = Path(__file__).with_name("migrations")
FIRST_REVISION = "0001"  # the tables as create_all made them before the receiver had migrations
HEAD_REVISION = max(
    p.name.split("_", 1)[0] for p in (MIGRATIONS / "versions").glob("[0-9][0-9][0-9][0-9]_*.py")
)


UPGRADE_LOCK = 0x1D0_DE5C  # PostgreSQL advisory lock id, the receiver's own: held while upgrading


def upgrade(engine: Engine) -> None:
    """Bring the database to the newest revision, in one transaction; a database made before the receiver
    had migrations is first marked as the revision it already is."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            # Receivers started at once over one database: one upgrades, the others wait here for it to
            # commit, then find the schema at the newest revision and change nothing.
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": UPGRADE_LOCK})
        config.attributes["connection"] = conn
        tables = set(inspect(conn).get_table_names())
        if "records" in tables and "alembic_version" not in tables:
            command.stamp(config, FIRST_REVISION)
        command.upgrade(config, "head")


def upgrade_if_needed(engine: Engine) -> None:
    """Alembic is loaded only when the database is not at the newest revision: every start is quick."""
    with engine.connect() as conn:
        if inspect(conn).has_table("alembic_version"):
            current = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
            if current == HEAD_REVISION:
                return
    upgrade(engine)


def _private_sqlite_files(db_url: str) -> list[Path]:
    """A SQLite database holds every record received: made owner-only before SQLite opens it (its -wal and
    -shm take the database file's mode), and tightened if found looser. Returns the files tightened."""
    url = make_url(db_url)
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return []
    database = Path(url.database)
    if not database.exists():
        private_dir(database.parent)
        database.touch(mode=FILE_MODE)
        make_private(database)  # touch's mode is masked by the umask
    return tighten([database, *(database.with_name(database.name + end) for end in ("-wal", "-shm"))])


def _engine(db_url: str) -> Engine:
    # hide_parameters: an unexpected error's traceback is logged, but never a record's content with it.
    if not db_url.startswith("sqlite"):
        return create_engine(db_url, pool_pre_ping=True, hide_parameters=True)
    in_memory = db_url in ("sqlite://", "sqlite:///:memory:")
    # An in-memory database lives in one connection: share it, or each thread would see its own.
    pool = {"poolclass": StaticPool} if in_memory else {}
    engine = create_engine(
        db_url, connect_args={"check_same_thread": False, "timeout": 30}, hide_parameters=True, **pool
    )

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
        # A read (store.reading()) takes none: in WAL mode it reads beside the writer.
        conn.exec_driver_sql("BEGIN" if conn.get_execution_options().get("reading") else "BEGIN IMMEDIATE")

    return engine
