"""Demo caseloads for the benchmarks, made once per run: a 10,000-child store takes about 90 s to fill.

Each is a closed store file (cheap test key derivation, so unlocking is not what is timed); a benchmark
opens it, or hands its path to the command it starts. Nothing a benchmark does changes what they show.
"""

from __future__ import annotations

import os
import subprocess
from datetime import date
from pathlib import Path

import pytest

DEMO_SECRET = "benchmark-caseload-passphrase"
MADE_ON = date(2026, 11, 25)


@pytest.fixture(scope="session")
def demo_files(tmp_path_factory):
    """`demo_files(size)`: the path of a demo store of that many children, made on first asking."""
    from iro_desktop.services.demo import populate_demo
    from iro_desktop.store import create_store
    from iro_desktop.store.keys import TEST_KDF

    made: dict[int, Path] = {}

    def store_of(size: int) -> Path:
        if size not in made:
            db = tmp_path_factory.mktemp(f"demo{size}") / "caseload.db"
            store = create_store(db, DEMO_SECRET, kdf=TEST_KDF, is_demo=True)
            try:
                populate_demo(store, MADE_ON, size=size)
            finally:
                store.close()
            made[size] = db
        return made[size]

    return store_of


@pytest.fixture(scope="module")
def display():
    """Its own Xvfb on the first free display. The number is read up to its newline: Xvfb writes the newline
    apart, and dies ("Cannot write display number") if the pipe is closed before it has."""
    read, write = os.pipe()
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write), "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
        pass_fds=(write,),
        stderr=subprocess.DEVNULL,
    )
    os.close(write)
    number = b""
    while not number.endswith(b"\n"):
        number += os.read(read, 16)
    os.close(read)
    yield f":{number.decode().strip()}"
    server.terminate()
    server.wait()
