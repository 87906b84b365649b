"""Changing the passphrase is crash-safe: killed at any moment, the old or the new passphrase opens it."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time

from iro_desktop.store import create_store, open_store
from iro_desktop.store.errors import WrongPassphrase
from iro_desktop.store.keys import KdfParams

# Costly enough (tens of ms) that random kills land before, during and after the key-file write.
KDF = KdfParams(time_cost=2, memory_kib=32 * 1024, parallelism=1)
CHANGER = """
import sys
from iro_desktop.store import change_passphrase
print("ready", flush=True)
sys.stdin.readline()
change_passphrase(sys.argv[1], sys.argv[2], sys.argv[3])
print("done", flush=True)
"""


def _which_opens(db, candidates):
    for secret in candidates:
        try:
            open_store(db, secret).close()
            return secret
        except WrongPassphrase:
            continue
    return None


def _start_changer(db, old, new):
    proc = subprocess.Popen(
        [sys.executable, "-c", CHANGER, str(db), old, new],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout.readline().strip() == "ready"
    proc.stdin.write("go\n")
    proc.stdin.flush()
    return proc


def _time_one_full_change(db, old, new) -> float:
    started = time.perf_counter()
    proc = _start_changer(db, old, new)
    assert proc.stdout.readline().strip() == "done"
    proc.wait()
    return time.perf_counter() - started


def test_killed_at_random_moments_the_store_always_opens_with_old_or_new(tmp_path):
    db = tmp_path / "s.db"
    create_store(db, "passphrase-number-one", kdf=KDF).close()
    # Kill within the time a whole change takes on this machine now, so kills land before, during and after.
    window = _time_one_full_change(db, "passphrase-number-one", "passphrase-number-two") * 1.3
    rng = random.Random(20261125)
    current, other = "passphrase-number-two", "passphrase-number-one"
    outcomes = {"old": 0, "new": 0}
    kills = 0
    while kills < 16 or (not (outcomes["old"] and outcomes["new"]) and kills < 60):
        proc = _start_changer(db, current, other)
        time.sleep(rng.uniform(0, window))
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        kills += 1
        opened = _which_opens(db, (current, other))
        assert opened is not None, f"neither passphrase opens the store after kill {kills}"
        if opened == other:
            outcomes["new"] += 1
            current, other = other, current
        else:
            outcomes["old"] += 1
    assert outcomes["old"] and outcomes["new"], f"kills did not land on both sides of the change: {outcomes}"
