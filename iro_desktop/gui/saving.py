"""Saving a file the IRO chose (a PDF, a CSV): all or nothing, with a plain reason when it fails."""

from __future__ import annotations

from pathlib import Path

from iro_desktop.private_files import write_private
from iro_desktop.store.errors import is_disk_full


def save_file(path: Path, data: bytes) -> str | None:
    """Write `data` to `path` atomically and owner-only (0600; the folder the IRO chose is left as it
    is); None when saved, else why not (an earlier file is left whole)."""
    path = Path(path)
    try:
        write_private(path, data)
    except OSError as exc:
        why = "the disk is full" if is_disk_full(exc) else (exc.strerror or str(exc)).lower()
        return f"Not saved: {why}. Any earlier {path.name} was left as it was."
    return None
