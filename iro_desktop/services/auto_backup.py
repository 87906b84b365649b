"""Daily automatic backups into a folder the IRO chooses, thinned to 7 daily, 4 weekly and 12 monthly.

Each day's backup is `iro-desktop-YYYY-MM-DD.iro-backup`, written and checked by store/backup.py. Thinning
deletes only files with exactly that name pattern, so nothing else in the folder is ever touched. A backup
that fails deletes nothing: the older backups are all the IRO has until the next one succeeds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlcipher3 import dbapi2 as sqlcipher

from iro_desktop.store import Store, audit
from iro_desktop.store.backup import backup, to_keep
from iro_desktop.store.errors import StoreError

SETTING_KEY = "backup.auto"
NAME_PATTERN = re.compile(r"^iro-desktop-(\d{4}-\d{2}-\d{2})\.iro-backup$")
KEEPING = "the last 7 days, then one a week for 4 weeks and one a month for 12 months"


class AutoBackupError(StoreError):
    """The day's backup could not be made: a plain sentence; no old backup was deleted."""


@dataclass(frozen=True)
class AutoBackupSettings:
    enabled: bool = False
    folder: str = ""

    @property
    def ready(self) -> bool:
        return self.enabled and bool(self.folder)


def settings(store: Store) -> AutoBackupSettings:
    value = store.get_setting(SETTING_KEY, {}) or {}
    return AutoBackupSettings(bool(value.get("enabled")), str(value.get("folder") or ""))


def save_settings(store: Store, new: AutoBackupSettings) -> None:
    store.set_setting(SETTING_KEY, {"enabled": new.enabled, "folder": new.folder})


def backup_name(day: date) -> str:
    return f"iro-desktop-{day.isoformat()}.iro-backup"


def backups_in(folder: Path) -> dict[date, Path]:
    """The automatic backups in a folder by the day they were made (other files are ignored)."""
    found = {}
    for path in Path(folder).iterdir():
        match = NAME_PATTERN.match(path.name)
        if match and path.is_file():
            try:
                found[date.fromisoformat(match.group(1))] = path
            except ValueError:  # a name like iro-desktop-2026-13-45: not ours to judge or delete
                continue
    return found


def backup_due(store: Store, folder: Path | str | None, today: date) -> bool:
    """True when today's backup is not in the folder (the store's chosen folder when None)."""
    folder = folder or settings(store).folder
    return bool(folder) and not (Path(folder) / backup_name(today)).exists()


@dataclass(frozen=True)
class DailyBackupResult:
    made: Path
    children: int
    kept: list[Path]
    removed: list[Path] = field(default_factory=list)
    not_removed: list[Path] = field(default_factory=list)

    def message(self) -> str:
        text = f"Daily backup made and checked: {self.children} children in {self.made.name}."
        if self.removed:
            text += f" {len(self.removed)} older backups removed, {len(self.kept)} kept."
        if self.not_removed:
            text += f" {len(self.not_removed)} older backups could not be removed."
        return text


def _write(store: Store, folder: Path, today: date):
    if not folder.is_dir():
        raise AutoBackupError(
            f"The backup folder {folder} cannot be found (is the drive connected?). "
            "No backup was made and no older backup was deleted."
        )
    try:
        return backup(store, folder / backup_name(today))
    except StoreError as exc:  # already a plain sentence (a full disk, a damaged copy)
        raise AutoBackupError(f"The daily backup failed. {exc} No older backup was deleted.") from exc
    except (OSError, sqlcipher.Error) as exc:
        why = getattr(exc, "strerror", None) or "the database could not be copied"  # never a library's text
        raise AutoBackupError(
            f"The daily backup to {folder} failed ({why.rstrip('.').lower()}). "
            "No older backup was deleted; check the folder or choose another one."
        ) from exc


def thin(folder: Path, today: date) -> tuple[list[Path], list[Path], list[Path]]:
    """Delete our own backups that the thinning rule no longer keeps: (kept, removed, not_removed)."""
    found = backups_in(folder)
    keep = to_keep(list(found), today)
    kept = [found[d] for d in sorted(found) if d in keep]
    removed, not_removed = [], []
    for day in sorted(set(found) - keep):
        try:
            found[day].unlink()
            removed.append(found[day])
        except OSError:
            not_removed.append(found[day])
    return kept, removed, not_removed


def run_daily_backup(store: Store, folder: Path | str, today: date) -> DailyBackupResult:
    """Make (or remake) today's backup in `folder`, check it, then thin the older ones."""
    folder = Path(folder)
    info = _write(store, folder, today)
    kept, removed, not_removed = thin(folder, today)
    audit.record(
        store,
        "backup",
        detail=f"daily: {info.children} children, checked after writing; {len(removed)} removed",
    )
    return DailyBackupResult(info.path, info.children, kept, removed, not_removed)


def record_failure(store: Store, why: Exception | str) -> None:
    """Failures go in the audit trail too: a run of missed backups should be visible afterwards."""
    audit.record(store, "backup_failed", detail=str(why))
