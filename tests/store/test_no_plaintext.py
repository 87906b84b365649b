"""No personal data reaches the disk unencrypted: not the database, its WAL, the key file or temp files."""

from __future__ import annotations

import os
import subprocess
import sys

MARKER_NAME = "Zebediah-Quillfeather"
MARKER_WORDS = "I-want-to-keep-my-purple-bicycle-XYZZY"
# Run in a process of its own whose temporary folder (TMPDIR, for Python and SQLite alike) is the test's
# own: any temporary file the store writes lands there, and no folder of anyone else's is scanned.
WRITER = f"""
import sys
from datetime import date
from iro_desktop.store import create_store
from iro_desktop.store.keys import TEST_KDF
from iro_desktop.store.models import Child, WishEntry
store = create_store(sys.argv[1], "tangerine-otter-lighthouse-42", kdf=TEST_KDF)
with store.session() as s:
    child = Child(child_ref="MARK01", first_name="{MARKER_NAME}", last_name="Example", dob=date(2012, 5, 6))
    s.add(child)
    s.flush()
    s.add(WishEntry(child_id=child.id, recorded_on=date(2026, 11, 1), how_obtained="private_conversation",
                    words="{MARKER_WORDS}"))
print("written", flush=True)
sys.stdin.readline()  # the store stays open, its WAL live, until the test has looked
store.close()
"""


def test_distinctive_personal_data_is_in_no_file_while_the_store_is_open(tmp_path):
    store_path, temp = tmp_path / "store" / "caseload.db", tmp_path / "tmp"
    temp.mkdir()
    env = {**os.environ, "TMPDIR": str(temp), "SQLITE_TMPDIR": str(temp)}
    command = [sys.executable, "-c", WRITER, str(store_path)]
    writer = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env)
    try:
        assert writer.stdout.readline().strip() == "written", "the writer did not get as far as writing"
        written = [p for p in tmp_path.rglob("*") if p.is_file()]  # the store's folder and its temp folder
        assert store_path in written and store_path.with_name(store_path.name + "-wal") in written
        for path in written:
            data = path.read_bytes()
            for marker in (MARKER_NAME, MARKER_WORDS):
                assert marker.encode() not in data, f"{marker} found in plaintext in {path}"
                assert marker.encode("utf-16-le") not in data, f"{marker} found in {path}"
    finally:
        writer.communicate("\n", timeout=30)
