"""SQLAlchemy engine over SQLCipher, opened with the raw 256-bit data key (no per-connection KDF)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlcipher3 import dbapi2 as sqlcipher

from iro_desktop.store.errors import StoreLocked

READ_ONLY = "iro_read_only"  # an execution option: this transaction only reads (see begin_immediate)
PAGE_SIZE = 4096  # SQLCipher 4 default; a store whose size is not a multiple of it was cut short


SESSION_PRAGMAS = (
    "PRAGMA journal_mode = WAL",
    "PRAGMA synchronous = FULL",  # every commit reaches the disk: records are not retyped
    "PRAGMA foreign_keys = ON",
    "PRAGMA secure_delete = ON",  # deleted personal text is overwritten, not left in free pages
    "PRAGMA temp_store = MEMORY",  # no temporary files with decrypted rows
    "PRAGMA busy_timeout = 5000",
)


def _connect(path: Path, key: bytes):
    # isolation_level=None: SQLAlchemy emits BEGIN itself (see open_engine), as its pysqlite docs advise
    conn = sqlcipher.connect(str(path), check_same_thread=False, isolation_level=None)
    conn.execute("PRAGMA cipher_log_level = NONE")  # no 'hmac check failed' noise on stderr
    conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
    conn.execute("SELECT count(*) FROM sqlite_master").fetchone()  # the key is checked here
    for pragma in SESSION_PRAGMAS:
        conn.execute(pragma)
    return conn


class _HeldKey:
    """The data key as the engine's connections are opened with it, until the store locks."""

    def __init__(self, key: bytes) -> None:
        self.value = bytearray(key)

    def forget(self) -> None:
        self.value[:] = bytes(len(self.value))  # overwrite this copy in place
        self.value = bytearray()

    def connect(self, path: Path):
        if not self.value:
            raise StoreLocked()
        return _connect(path, bytes(self.value))


def open_engine(path: Path, key: bytes) -> Engine:
    held = _HeldKey(key)
    engine = create_engine(
        f"sqlite:///{path}",
        creator=lambda: held.connect(path),
        module=sqlcipher,
        pool_size=4,
        max_overflow=4,
    )
    engine.held_key = held  # forget_key() clears it, so a locked store's engine cannot reconnect
    begin_immediate(engine)
    return engine


def forget_key(engine: Engine) -> None:
    """After dispose(): no new connection can be made, and the engine's copy of the key is zeroed."""
    held = getattr(engine, "held_key", None)
    if held is not None:
        held.forget()


def begin_immediate(engine: Engine) -> None:
    """Take the write lock at BEGIN, so two writers queue instead of failing mid-transaction.

    A connection with the READ_ONLY execution option (Store.reading) begins deferred instead: in WAL mode
    it reads its snapshot while another connection writes, and never waits for the lock.
    """
    event.listen(engine, "begin", _begin)


def _begin(conn) -> None:
    reading = conn.get_execution_options().get(READ_ONLY, False)
    conn.exec_driver_sql("BEGIN" if reading else "BEGIN IMMEDIATE")


def raw_connection(path: Path, key: bytes):
    """A bare DB-API connection, for checks that must run before SQLAlchemy is involved."""
    return _connect(path, key)
