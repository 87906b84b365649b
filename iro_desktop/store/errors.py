"""Errors the store raises, each with a message fit to show the IRO as it is."""

import errno

from iro_desktop.problems import Problem


class StoreError(Problem):
    """Base class: str(error) is a plain sentence for the user."""


class WrongPassphrase(StoreError):
    def __init__(self) -> None:
        super().__init__("That passphrase does not open this store.")


class NoStore(StoreError):
    def __init__(self, path) -> None:
        super().__init__(f"There is no iro-desktop store at {path}. Create one with 'iro-desktop init'.")


class StoreExists(StoreError):
    def __init__(self, path) -> None:
        super().__init__(f"A store already exists at {path}; it was left as it is.")


class NotAStore(StoreError):
    def __init__(self, path, why: str) -> None:
        super().__init__(f"{path} is not an iro-desktop store ({why}).")


class DamagedStore(StoreError):
    def __init__(self, path, why: str) -> None:
        super().__init__(
            f"The store at {path} is damaged ({why}). Nothing was changed; restore it from a backup."
        )


class StoreTooNew(StoreError):
    def __init__(self, path) -> None:
        super().__init__(
            f"The store at {path} was written by a newer version of iro-desktop. "
            "Install the newer version to open it; nothing was changed."
        )


class WeakPassphrase(StoreError):
    pass


class StoreLocked(StoreError):
    """The store was locked (closed): nothing more can be read or written until it is unlocked again."""

    def __init__(self) -> None:
        super().__init__("The store is locked: unlock it to go on.")


class DiskFull(StoreError):
    """The disk filled during a write: the write was undone or left the old file, so nothing saved is lost."""

    def __init__(self, what: str = "save") -> None:
        super().__init__(
            f"Could not {what}: the disk is full. Nothing already saved was lost; "
            "free some space and try again."
        )


class WritesStopped(StoreError):
    """A check found the store damaged: it is read-only from then on, so the damage cannot spread."""

    def __init__(self, reason: str) -> None:
        super().__init__(
            f"Nothing more is being saved, because a check found the store damaged ({reason}). "
            "Restore it from the latest backup: lock and unlock iro-desktop to be offered it."
        )


DISK_FULL_ERRNOS = {errno.ENOSPC, errno.EFBIG, getattr(errno, "EDQUOT", errno.ENOSPC)}  # no EDQUOT on Windows
SQLITE_FULL = 13
SQLITE_AUTH = 23  # SQLite's answer when the connection's authorizer refuses a statement


def is_disk_full(exc: BaseException) -> bool:
    """True for an OSError or an SQLite error that means no space was left to write."""
    if isinstance(exc, OSError):
        return exc.errno in DISK_FULL_ERRNOS
    return sqlite_code(exc) == SQLITE_FULL


def sqlite_code(exc: BaseException) -> int | None:
    """SQLite's result code behind an error (SQLAlchemy wraps the DB-API error), or None."""
    return getattr(getattr(exc, "orig", exc), "sqlite_errorcode", None)
