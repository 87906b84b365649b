"""No personal data reaches the disk unencrypted: not the database, its WAL, the key file or temp files."""

from __future__ import annotations

import os
import tempfile
import time
from datetime import date
from pathlib import Path

from iro_desktop.store.models import Child, WishEntry

MARKER_NAME = "Zebediah-Quillfeather"
MARKER_WORDS = "I-want-to-keep-my-purple-bicycle-XYZZY"


def _files_written_since(folder: Path, since: float):
    # os.walk skips folders that vanish while it looks (other processes' temp folders); rglob raises.
    for root, _dirs, files in os.walk(folder):
        for name in files:
            path = Path(root) / name
            try:
                if path.stat().st_mtime >= since:
                    yield path
            except OSError:
                continue  # vanished while we looked: another process's temp file


def test_distinctive_personal_data_is_in_no_file_while_the_store_is_open(store, store_path):
    started = time.time() - 1
    with store.session() as s:
        child = Child(child_ref="MARK01", first_name=MARKER_NAME, last_name="Example", dob=date(2012, 5, 6))
        s.add(child)
        s.flush()
        s.add(
            WishEntry(
                child_id=child.id,
                recorded_on=date(2026, 11, 1),
                how_obtained="private_conversation",
                words=MARKER_WORDS,
            )
        )
    # Nothing closed: the WAL and shared-memory files are live now.
    written = set(_files_written_since(store_path.parent, started))
    written |= set(_files_written_since(Path(tempfile.gettempdir()), started))
    assert store_path in written and store_path.with_name(store_path.name + "-wal") in written
    for path in written:
        data = path.read_bytes()
        for marker in (MARKER_NAME, MARKER_WORDS):
            assert marker.encode() not in data, f"{marker} found in plaintext in {path}"
            assert marker.encode("utf-16-le") not in data, f"{marker} found in {path}"
