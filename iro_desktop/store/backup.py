"""Encrypted backup and restore: one file, under the same key hierarchy as the store.

A backup is a zip (stored, not compressed: the contents are ciphertext) holding a consistent copy of
the database made by SQLite's VACUUM INTO (still encrypted with the data key), the key file that wraps
that key under the passphrase, and a manifest of their SHA-256 hashes. It is checked after writing.
Restore checks a backup fully before replacing anything, and keeps the previous store beside the new
one (`.before-restore`) until the restored store has opened.

Every file written here (the backup, the restored store and key file, the previous store kept aside)
is owner-only (0600), and a folder made for them is 0700 (iro_desktop.private_files); a folder that
already exists, such as one the IRO chose, is left as it is.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from sqlcipher3 import dbapi2 as sqlcipher

from iro_desktop.private_files import make_private, private_dir, tighten
from iro_desktop.store import keys
from iro_desktop.store.database import Store, open_store
from iro_desktop.store.engine import raw_connection
from iro_desktop.store.errors import StoreError, WrongPassphrase, is_disk_full

BACKUP_FORMAT = "iro-desktop-backup"
DB_MEMBER, KEY_MEMBER, MANIFEST = "store.db", "store.db.key", "manifest.json"
BEFORE_RESTORE = ".before-restore"


class BackupError(StoreError):
    """A backup that cannot be written or used: the message says why; nothing was changed."""


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    store_id: str
    children: int
    size: int
    previous_kept: bool = False  # restore only: a store was already there and is kept as .before-restore


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _check_database(db: Path, data_key: bytes) -> int:
    """Open a database file with the data key, check every page, and count the children in it."""
    conn = raw_connection(db, data_key)
    try:
        if conn.execute("PRAGMA quick_check").fetchone()[0] != "ok":
            raise BackupError("The database in the backup is damaged.")
        if conn.execute("PRAGMA cipher_integrity_check").fetchall():
            raise BackupError("The database in the backup has been altered.")
        return conn.execute("SELECT count(*) FROM children").fetchone()[0]
    finally:
        conn.close()


def backup(store: Store, destination: Path) -> BackupInfo:
    """Write a backup of the open store to `destination`, check it, then put it in place atomically.

    Until the new backup has been checked, any file already at `destination` is left as it was.
    """
    destination = Path(destination)
    if destination.is_dir():
        raise BackupError(f"{destination} is a folder: choose a file name for the backup.")
    private_dir(destination.parent)
    try:
        with tempfile.TemporaryDirectory(dir=destination.parent, prefix=".iro-backup-") as tmp:
            partial = _write_zip(store, Path(tmp))
            children = verify(partial, store.data_key).children
            os.replace(partial, destination)
    except (OSError, sqlcipher.OperationalError) as exc:
        if is_disk_full(exc):
            raise BackupError(
                f"Could not write the backup: the disk holding {destination.parent} is full. "
                "Any earlier backup there was left as it was; free some space and try again."
            ) from exc
        raise
    return BackupInfo(destination, store.store_id, children, destination.stat().st_size)


def _write_zip(store: Store, folder: Path) -> Path:
    copy = folder / DB_MEMBER
    raw = store.engine.raw_connection()  # VACUUM cannot run inside the transaction SQLAlchemy opens
    try:
        raw.driver_connection.execute("VACUUM INTO ?", (str(copy),))  # consistent, still encrypted
    finally:
        raw.close()
    key_file = keys.key_file_for(store.path)
    manifest = {
        "format": BACKUP_FORMAT,
        "version": 1,
        "store_id": store.store_id,
        "made": store.clock.today().isoformat(),
        "files": {DB_MEMBER: _sha256(copy), KEY_MEMBER: _sha256(key_file)},
    }
    partial = folder / "backup.zip"
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)  # owner-only from its first byte
    with os.fdopen(fd, "wb") as f:
        with zipfile.ZipFile(f, "w", zipfile.ZIP_STORED) as z:
            z.writestr(MANIFEST, json.dumps(manifest, indent=2))
            z.write(copy, DB_MEMBER)
            z.write(key_file, KEY_MEMBER)
        f.flush()
        os.fsync(f.fileno())
    make_private(partial)  # os.open's mode is masked by the umask, which may not be 077 on every system
    copy.unlink()  # room for verify to unpack the zip
    return partial


def _unpack(backup_file: Path, folder: Path) -> dict:
    """Extract and check a backup's members against its manifest; raise BackupError in plain words."""
    try:
        archive = zipfile.ZipFile(backup_file)
        manifest = json.loads(archive.read(MANIFEST))
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise BackupError(f"{backup_file} is not a readable iro-desktop backup.") from exc
    with archive:
        if not isinstance(manifest, dict) or manifest.get("format") != BACKUP_FORMAT:
            raise BackupError(f"{backup_file} is not an iro-desktop backup.")
        for member in (DB_MEMBER, KEY_MEMBER):
            try:
                archive.extract(member, folder)
            except OSError as exc:
                if is_disk_full(exc):  # not the backup's fault: say so rather than call it damaged
                    raise BackupError(
                        f"Could not check the backup {backup_file.name}: the disk holding "
                        f"{folder.parent} is full. Free some space and try again."
                    ) from exc
                raise BackupError(f"The backup {backup_file.name} cannot be read ({exc.strerror}).") from exc
            except (zipfile.BadZipFile, KeyError) as exc:  # a failed CRC: bytes were changed
                raise BackupError(
                    f"The backup {backup_file.name} is damaged: {member} cannot be read."
                ) from exc
            make_private(folder / member)  # zipfile extracts with the umask's mode; restore renames it
    for member, expected in manifest["files"].items():
        if _sha256(folder / member) != expected:
            raise BackupError(
                f"The backup {backup_file.name} is damaged: {member} does not match its record."
            )
    return manifest


def verify(backup_file: Path, data_key: bytes) -> BackupInfo:
    """Check a backup completely with the data key of an open store (as after writing it)."""
    backup_file = Path(backup_file)
    with tempfile.TemporaryDirectory(dir=backup_file.parent, prefix=".iro-verify-") as tmp:
        manifest = _unpack(backup_file, Path(tmp))
        children = _check_database(Path(tmp) / DB_MEMBER, data_key)
    return BackupInfo(backup_file, manifest["store_id"], children, backup_file.stat().st_size)


def _move_aside(db: Path) -> list[tuple[Path, Path]]:
    moved = []
    for path in (db, keys.key_file_for(db), Path(f"{db}-wal"), Path(f"{db}-shm")):
        if path.exists():
            aside = path.with_name(path.name + BEFORE_RESTORE)
            os.replace(path, aside)
            moved.append((aside, path))
    return moved


def restore(backup_file: Path, db: Path, passphrase: str) -> BackupInfo:
    """Replace the store at `db` with the backup, after checking the backup fully.

    The passphrase is the one the store had when the backup was made. A previous store is kept as
    `<db>.before-restore` (`previous_kept` says whether there was one) and put back if the restored
    one does not open. The restored files are 0600; a folder made for a new path is 0700.
    """
    backup_file, db = Path(backup_file), Path(db)
    private_dir(db.parent)
    with tempfile.TemporaryDirectory(dir=db.parent, prefix=".iro-restore-") as tmp:
        folder = Path(tmp)
        manifest = _unpack(backup_file, folder)
        try:
            data_key = keys.unwrap(keys.read_key_file(folder / KEY_MEMBER), passphrase)
        except WrongPassphrase as exc:
            raise BackupError(
                "That passphrase does not open this backup: use the passphrase the store had when the "
                "backup was made. Nothing was changed."
            ) from exc
        children = _check_database(folder / DB_MEMBER, data_key)
        moved = _move_aside(db)
        os.replace(folder / DB_MEMBER, db)
        os.replace(folder / KEY_MEMBER, keys.key_file_for(db))
    try:
        open_store(db, passphrase).close()
    except StoreError:
        for aside, original in moved:  # put the previous store back as it was
            os.replace(aside, original)
        raise
    tighten(aside for aside, _ in moved)  # the previous store kept aside is as private as the store it was
    kept = any(original == db for _, original in moved)  # a store was there, not only a stray file beside it
    return BackupInfo(backup_file, manifest["store_id"], children, backup_file.stat().st_size, kept)


def to_keep(made: list[date], today: date, daily: int = 7, weekly: int = 4, monthly: int = 12) -> set[date]:
    """Thinning of automatic backups: the last `daily` days, the newest of each of the last `weekly`
    weeks and of each of the last `monthly` months; the rest may be removed."""
    keep = {d for d in made if today - d < timedelta(days=daily)}
    for span, key in ((weekly, lambda d: d.isocalendar()[:2]), (monthly, lambda d: (d.year, d.month))):
        newest: dict = {}
        for d in sorted(made):
            newest[key(d)] = d
        keep |= set(sorted(newest.values())[-span:])
    return keep
