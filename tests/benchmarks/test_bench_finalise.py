"""Signing a review with every field at its stated maximum, as the IRO runs it: `iro-desktop finalise` started
as a process on a fresh copy of the store, against `iro-desktop outbox` (open the same store, read, exit) as
the baseline, the two taken in turn so a drift in the machine's speed falls on both.

The whole review (12 sections of 150,000 characters, 50 wishes, 50 decisions, 60 people, ...) is drawn as
one PDF, hashed and signed: the figure shows that limits chosen for the store and the sync request also
keep signing quick, with no paragraph left for reportlab to re-wrap page after page.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from iro_desktop.services import minutes as svc
from iro_desktop.store import create_store
from iro_desktop.store.keys import TEST_KDF, key_file_for
from tests.benchmarks.helpers import report
from tests.conftest import PASSPHRASE, TODAY
from tests.records.test_full_review import _full_review

COMMAND = Path(sys.executable).parent / "iro-desktop"
RUNS = 5


def _copy(template: Path, folder: Path) -> Path:
    folder.mkdir()
    target = folder / template.name
    shutil.copy2(template, target)
    shutil.copy2(key_file_for(template), key_file_for(target))
    return target


def _run(args: list[str], env: dict) -> float:
    start = time.perf_counter()
    done = subprocess.run([str(COMMAND), *args], capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr
    return time.perf_counter() - start


def test_bench_signing_a_full_review(tmp_path):
    template = tmp_path / "full.db"
    store = create_store(template, PASSPHRASE, kdf=TEST_KDF, iro_name="Alex Example")
    try:
        review_id = _full_review(store)
        keys = [w.key for w in svc.minutes(store, review_id, TODAY).warnings]
    finally:
        store.close()
    env = {**os.environ, "IRO_DESKTOP_PASSPHRASE": PASSPHRASE}
    overrides = [f"--override={key}=Minuted on paper." for key in keys]
    signing, opening = [], []
    for n in range(RUNS + 1):  # the first pair warms the disk cache and is not counted
        db = _copy(template, tmp_path / f"run{n}")
        sign = _run(["finalise", str(review_id), "--db", str(db), *overrides], env)
        read = _run(["outbox", "--db", str(db)], env)
        if n:
            signing.append(sign)
            opening.append(read)
    ratios = sorted(s / o for s, o in zip(signing, opening, strict=True))
    report(
        "Sign a review with every field full (process, fresh store copy each run)",
        [
            ("iro-desktop finalise, median", f"{sorted(signing)[RUNS // 2]:.2f} s"),
            ("iro-desktop outbox on the same store (baseline)", f"{sorted(opening)[RUNS // 2]:.2f} s"),
            ("ratio finalise / outbox, median of pairs", f"{ratios[RUNS // 2]:.1f}x"),
        ],
    )
