"""The one way the app writes files that hold or protect personal data: owner-only.

Files are 0600 and folders the app creates are 0700, whatever wrote them (create, restore, backup,
export, logs, crash reports, papers...). A folder the user chose, such as Documents, is left as it is:
`private_dir` only sets the mode on folders it creates itself.

On Windows (os.name == "nt") POSIX modes do not apply: files inherit the ACLs of the folder they are
written in, which under the user's profile (%LOCALAPPDATA%, Documents) grant the user, SYSTEM and
Administrators only. These functions then write atomically and do nothing about modes.

Deliberately small and free of Qt and the store, so anything (including the receiver) can import it.
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Iterable
from pathlib import Path

FILE_MODE = 0o600
DIR_MODE = 0o700
_POSIX = os.name != "nt"
_LOOSE_BITS = stat.S_IRWXG | stat.S_IRWXO


def write_private(path: Path, data: bytes) -> None:
    """Write `data` to `path`, mode 0600, atomically: a temporary file beside it, fsync, rename over
    the target, fsync of the folder. A crash or a full disk leaves the old file or the new, never half,
    and no temporary file behind."""
    path = Path(path)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    tmp = Path(tmp_name)  # mkstemp creates it 0600 (O_EXCL), so no one else ever sees a looser file
    try:
        with os.fdopen(fd, "wb") as f:
            if _POSIX:
                os.fchmod(f.fileno(), FILE_MODE)
            f.write(data)  # unlike os.write, never stops short: a full disk raises instead
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)  # the old file stays as it was, with no half-written copy beside it
        raise
    _fsync_dir(path.parent)


def _fsync_dir(folder: Path) -> None:
    if not _POSIX:  # Windows cannot open a folder to fsync it; NTFS journals the rename itself
        return
    dir_fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def private_dir(path: Path) -> Path:
    """Create the folder `path` and any missing parents, each 0700, and return it.

    Only the folders created here get that mode: an existing folder (one the user chose, or their
    home) is left exactly as it is."""
    path = Path(path)
    missing = []
    probe = path
    while not probe.exists():
        missing.append(probe)
        if probe.parent == probe:
            break
        probe = probe.parent
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=DIR_MODE)
        except FileExistsError:
            if not folder.is_dir():
                raise
            continue  # made by someone else meanwhile: not ours to change
        if _POSIX:
            os.chmod(folder, DIR_MODE)  # mkdir's mode is masked by the umask; chmod is not
    if not path.is_dir():
        raise NotADirectoryError(str(path))
    return path


def make_private(path: Path) -> None:
    """Set an existing file the app wrote (a SQLite database and its -wal/-shm, an extracted file) to
    0600. Does nothing on Windows."""
    if _POSIX:
        os.chmod(path, FILE_MODE)


def is_loose(path: Path) -> bool:
    """Whether an existing file is readable, writable or runnable by its group or others (never on
    Windows, where modes do not apply)."""
    if not _POSIX:
        return False
    return bool(os.stat(path).st_mode & _LOOSE_BITS)


def loose_files(paths: Iterable[Path]) -> list[Path]:
    """Which of these files are readable or writable by group or others; files that do not exist are
    skipped."""
    found = []
    for p in paths:
        p = Path(p)
        try:
            if is_loose(p):
                found.append(p)
        except FileNotFoundError:
            continue
    return found


def tighten(paths: Iterable[Path]) -> list[Path]:
    """Set any of these existing files that are looser than 0600 to 0600; return the ones changed.

    A file that cannot be changed (another account's, or on a read-only disk) is left out, not raised:
    whatever opens it next says what is wrong in its own words."""
    changed = []
    for p in loose_files(paths):
        try:
            make_private(p)
        except OSError:
            continue
        changed.append(p)
    return changed
