"""The encrypted store: create, unlock, change passphrase, close.

Order on unlock matters for "a wrong passphrase changes nothing": the key file is read and the data
key unwrapped before the database file is opened at all.

The store's files are owner-only (0600) and a folder made for it 0700 (iro_desktop.private_files). A
store found looser at unlock (copied with another tool, restored by an older version) is tightened
before SQLite opens it, and the Store says which files were, so the IRO can be told.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import event, select
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker
from sqlcipher3 import dbapi2 as sqlcipher

from iro_desktop.clock import Clock, system_clock
from iro_desktop.private_files import make_private, private_dir, tighten
from iro_desktop.store import frozen, keys, migrate
from iro_desktop.store.engine import PAGE_SIZE, READ_ONLY, forget_key, open_engine
from iro_desktop.store.errors import (
    SQLITE_AUTH,
    DamagedStore,
    DiskFull,
    NoStore,
    NotAStore,
    StoreExists,
    StoreTooNew,
    WritesStopped,
    is_disk_full,
    sqlite_code,
)
from iro_desktop.store.models import Profile, Setting

SQLITE_PLAIN_HEADER = b"SQLite format 3\x00"
DOOMED = "iro_doomed"  # in Session.info: a nested block failed, so the outermost must not commit
NEEDED_TO_OPEN = 1 << 20  # room for the -wal and -shm files SQLite makes on opening, with a margin
READING = {  # what SQLite's authorizer lets through once writes are stopped
    sqlcipher.SQLITE_READ,
    sqlcipher.SQLITE_SELECT,
    sqlcipher.SQLITE_FUNCTION,
    sqlcipher.SQLITE_RECURSIVE,
    sqlcipher.SQLITE_TRANSACTION,  # BEGIN, COMMIT, ROLLBACK: a read still runs in a transaction
    sqlcipher.SQLITE_SAVEPOINT,
}


class WriteInRead(RuntimeError):
    """A change was made in a transaction opened by Store.reading(): a fault in iro-desktop, not the IRO's."""

    def __init__(self) -> None:
        super().__init__("A change was made inside a read-only transaction; use Store.session() to write.")


class TransactionAbandoned(RuntimeError):
    """A nested block failed and its caller carried on: the whole transaction was rolled back instead."""

    def __init__(self) -> None:
        super().__init__("A step of this transaction failed, so nothing of it was saved.")


def _refuse_write(session: Session, *_flushing) -> None:
    if session.new or session.dirty or session.deleted:
        raise WriteInRead()


def _reads_only(action: int, arg1, *_rest) -> int:
    if action in READING or (action == sqlcipher.SQLITE_PRAGMA and arg1 == "quick_check"):
        return sqlcipher.SQLITE_OK
    return sqlcipher.SQLITE_DENY


@dataclass
class Store:
    """An unlocked store. Hold it briefly in tests; the GUI holds one until it locks."""

    path: Path
    engine: Engine
    store_id: str
    data_key: bytes = field(repr=False, default=b"")  # kept while unlocked, to verify backups it writes
    clock: Clock = field(default_factory=system_clock)  # the real date for what is saved, never a view date
    tightened: tuple[str, ...] = ()  # names of the store's files found readable by others at unlock, now 0600
    writes_stopped: str = field(init=False, default="")  # why, once a check found the store damaged
    _sessions: sessionmaker = field(init=False, repr=False)
    _reads: sessionmaker = field(init=False, repr=False)
    _local: threading.local = field(init=False, repr=False, default_factory=threading.local)

    def __post_init__(self) -> None:
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        frozen.guard(self._sessions)  # signed review content cannot change, whoever writes
        reader = self.engine.execution_options(**{READ_ONLY: True})  # engine.py begins it deferred
        self._reads = sessionmaker(reader, expire_on_commit=False, info={READ_ONLY: True})
        event.listen(self._reads, "before_flush", _refuse_write)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A write transaction, committed on success and rolled back on any error.

        Inside a transaction already open on this thread it joins that one: the outermost commits, and an
        error leaving a nested block rolls the whole of it back, even if the outer block carries on.
        """
        joined = self._open()
        if joined is not None:
            try:
                yield joined
            except BaseException:
                joined.info[DOOMED] = True
                raise
            if joined.info.get(READ_ONLY):
                _refuse_write(joined)  # said here, at the call that wrote, not when the read ends
            return
        with self._translated(), self._sessions.begin() as s:
            with self._held(s):
                yield s
            if s.info.get(DOOMED):
                raise TransactionAbandoned()

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A read: a plain (deferred) BEGIN, so in WAL mode it runs while another connection writes.

        Inside an open transaction it joins that one, and sees its writes. A write in a read of its own
        is refused (WriteInRead) and nothing of it saved: it would have to take the write lock halfway.
        """
        joined = self._open()
        if joined is not None:
            yield joined
            return
        with self._translated(), self._reads() as s:  # closing it rolls back: a read has nothing to keep
            with self._held(s):
                yield s
            _refuse_write(s)  # a change never flushed would otherwise vanish without a word

    def _open(self) -> Session | None:
        return getattr(self._local, "session", None)

    @contextmanager
    def _held(self, s: Session) -> Iterator[None]:
        """Make `s` the transaction that this thread's nested calls join, while the block runs."""
        self._local.session = s
        try:
            yield
        finally:
            self._local.session = None

    @contextmanager
    def _translated(self) -> Iterator[None]:
        """SQLite's errors said as the IRO's: a full disk, a write to signed content, a damaged store."""
        try:
            yield
        except sa_exc.OperationalError as exc:
            if is_disk_full(exc):  # SQLite rolled the transaction back: the store is as it was
                raise DiskFull() from exc
            raise
        except sa_exc.IntegrityError as exc:
            if frozen.refused_by_trigger(exc):  # raw SQL met the backstop: say it as the ORM check does
                raise frozen.SignedReviewFrozen() from exc
            raise
        except sa_exc.DatabaseError as exc:
            if self.writes_stopped and sqlite_code(exc) == SQLITE_AUTH:
                raise WritesStopped(self.writes_stopped) from exc
            raise

    def check_integrity(self) -> str | None:
        """Read every page (SQLite's quick_check): None when the store is sound, else a short reason.

        It takes a while on a large caseload, so it runs after unlocking, on a worker thread; it reads
        outside SQLAlchemy's BEGIN IMMEDIATE, so saving goes on meanwhile.
        """
        try:
            raw = self.engine.raw_connection()
        except sa_exc.DBAPIError:  # the first pages no longer read
            return "part of it cannot be read"
        try:
            rows = raw.driver_connection.execute("PRAGMA quick_check").fetchall()
        except sqlcipher.DatabaseError:  # a page that fails its checksum
            raw.invalidate()  # SQLCipher leaves a connection that met one unable to write: not pooled again
            return "part of it cannot be read"
        finally:
            raw.close()
        return None if rows == [("ok",)] else "parts of it do not match each other"

    def stop_writes(self, reason: str) -> None:
        """From now on SQLite itself refuses every write on every connection, whoever asks; reads go on.

        The connections already open are closed, so that none stays writable.
        """
        if self.writes_stopped:
            return
        self.writes_stopped = reason
        event.listen(self.engine, "connect", lambda conn, _record: conn.set_authorizer(_reads_only))
        self.engine.dispose()

    def close(self) -> None:
        self.engine.dispose()
        forget_key(self.engine)  # a later session() is refused instead of reconnecting with the key
        self.data_key = b""  # drop our reference (Python cannot zero the bytes themselves)

    def get_setting(self, key: str, default=None):
        with self.reading() as s:
            row = s.get(Setting, key)
            return default if row is None else row.value

    def set_setting(self, key: str, value) -> None:
        with self.session() as s:
            s.merge(Setting(key=key, value=value))

    def profile(self) -> Profile:
        with self.reading() as s:
            return s.scalars(select(Profile)).one()


def store_files(db: Path) -> tuple[Path, ...]:
    """Every file that makes up the store: the database, its key file, its write-ahead log and index."""
    return (db, keys.key_file_for(db), db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm"))


def tightened_message(names: Iterable[str]) -> str:
    """One plain sentence for the IRO when unlocking found the store's files open to others."""
    names = list(names)
    if not names:
        return ""
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    return (
        f"Other people using this computer could read {listed}; iro-desktop has now made "
        f"{'it' if len(names) == 1 else 'them'} readable by you only."
    )


def _check_files(db: Path) -> Path:
    key_file = keys.key_file_for(db)
    if not db.exists():
        raise NoStore(db)
    if not db.is_file():
        raise NotAStore(db, "it is not a file")
    with db.open("rb") as f:
        head = f.read(16)
    if head == SQLITE_PLAIN_HEADER:
        raise NotAStore(db, "it is an unencrypted SQLite database")
    if not key_file.exists():
        raise NotAStore(db, f"there is no key file {key_file.name} beside it")
    size = db.stat().st_size
    if size == 0 or size % PAGE_SIZE:
        raise DamagedStore(db, "the file has been cut short")
    return key_file


def create_store(
    db: Path,
    passphrase: str,
    *,
    kdf: keys.KdfParams | None = None,
    iro_name: str = "",
    council_name: str = "",
    is_demo: bool = False,
) -> Store:
    db = Path(db)
    key_file = keys.key_file_for(db)
    if db.exists() or key_file.exists():
        raise StoreExists(db)
    private_dir(db.parent)  # 0700 for each folder made here; an existing folder is left as it is
    data_key, doc = keys.new_key_file(passphrase, kdf or keys.KdfParams())
    keys.write_key_file(key_file, doc)
    os.close(os.open(db, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))  # private before SQLite writes a byte
    make_private(db)  # whatever the umask; SQLite gives the -wal and -shm files the database's mode
    engine = open_engine(db, data_key)
    migrate.upgrade(engine)
    store = Store(db, engine, doc["store_id"], data_key)
    with store.session() as s:
        s.add(Profile(id=1, iro_name=iro_name, council_name=council_name, is_demo=is_demo))
    return store


def _open_checked(db: Path, data_key: bytes) -> tuple[Engine, str | None]:
    """The engine and the store's migration revision. Reading the schema and the revision is enough to
    refuse a wrong key or a store damaged in its first pages; every page is read later (check_integrity),
    off the unlock path."""
    engine = open_engine(db, data_key)
    try:
        return engine, migrate.current_revision(engine)
    except (sa_exc.DBAPIError, sqlcipher.DatabaseError) as exc:
        engine.dispose()
        if is_disk_full(exc) or shutil.disk_usage(db.parent).free < NEEDED_TO_OPEN:
            raise DiskFull("open the store") from exc  # SQLite calls it an I/O error; "damaged" would mislead
        raise DamagedStore(db, "it does not match its key file, or its contents are damaged") from exc


def open_store(db: Path, passphrase: str) -> Store:
    db = Path(db)
    key_file = _check_files(db)
    doc = keys.read_key_file(key_file)
    data_key = keys.unwrap(doc, passphrase)  # WrongPassphrase before the database is touched
    tightened = tuple(p.name for p in tighten(store_files(db)))  # before SQLite opens (or makes) any of them
    engine, current = _open_checked(db, data_key)
    if current is not None and not migrate.is_known(current):
        engine.dispose()
        raise StoreTooNew(db)
    migrate.upgrade_if_needed(engine)
    return Store(db, engine, doc["store_id"], data_key, tightened=tightened)


def change_passphrase(db: Path, old: str, new: str, kdf: keys.KdfParams | None = None) -> None:
    """Rewrap the data key under the new passphrase; one atomic rename makes the change."""
    db = Path(db)
    key_file = _check_files(db)
    doc = keys.read_key_file(key_file)
    data_key = keys.unwrap(doc, old)
    keys.write_key_file(key_file, keys.rewrap(doc, data_key, new, kdf or keys.kdf_of(doc)))


def add_recovery_key(db: Path, passphrase: str, recovery_key: str) -> None:
    """Let `recovery_key` also unwrap the data key (a second slot in the key file), for a lost passphrase."""
    db = Path(db)
    key_file = _check_files(db)
    doc = keys.read_key_file(key_file)
    data_key = keys.unwrap(doc, passphrase)
    keys.write_key_file(key_file, keys.rewrap(doc, data_key, recovery_key, keys.kdf_of(doc), "recovery"))


def reset_passphrase_with_recovery_key(db: Path, recovery_key: str, new_passphrase: str) -> None:
    """Set a new passphrase using the recovery key; the recovery key goes on working."""
    db = Path(db)
    key_file = _check_files(db)
    doc = keys.read_key_file(key_file)
    if "recovery" not in doc.get("slots", {}):
        raise NotAStore(db, "no recovery key was ever made for it")
    data_key = keys.unwrap(doc, recovery_key, "recovery")
    keys.write_key_file(key_file, keys.rewrap(doc, data_key, new_passphrase, keys.kdf_of(doc)))
