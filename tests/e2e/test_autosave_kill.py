"""Kill the app mid-typing, many times, and find everything up to the last save in an uncorrupted store.

A subprocess unlocks a real encrypted store and "types" into one section by calling the same service the
minute screen's autosave calls (save_section), printing "saved N" once each transaction has committed.
The test kills it with SIGKILL at seeded random moments, reopens the store, runs PRAGMA integrity_check,
and checks the section holds at least the N characters of the last "saved" line.
"""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

from sqlalchemy import text

from iro_desktop.services import minutes as svc
from iro_desktop.store import create_store, open_store
from iro_desktop.store.keys import TEST_KDF
from iro_desktop.store.models import Child, Review
from tests.conftest import PASSPHRASE

KILLS = 30
SEED = 20261125
REPO = Path(__file__).resolve().parents[2]

TYPIST = """
import sys, time
from pathlib import Path
from iro_desktop.services import minutes as svc
from iro_desktop.store import open_store
store = open_store(Path(sys.argv[1]), sys.argv[2])
review_id = int(sys.argv[3])
from datetime import date
typed = {s.key: s.text for s in svc.minutes(store, review_id, date(2026, 11, 25)).sections}
body = typed["placement"]
print("ready", len(body), flush=True)
word = 0
while True:
    body += f"Maja said the placement feels like home {word}. "
    word += 1
    print("typed", len(body), flush=True)
    svc.save_section(store, review_id, "placement", body)
    print("saved", len(body), flush=True)
    time.sleep(0.002)
"""


def _seed(path: Path) -> int:
    store = create_store(path, PASSPHRASE, kdf=TEST_KDF)
    with store.session() as s:
        child = Child(child_ref="K-1", first_name="Maja", last_name="Nowak", dob=date(2016, 3, 14))
        s.add(child)
        s.flush()
        review = Review(child_id=child.id, status="planned", planned_date=date(2026, 11, 25))
        s.add(review)
        s.flush()
        review_id = review.id
    store.close()
    return review_id


def _last(lines: list[str], word: str) -> int:
    numbers = [int(line.split()[1]) for line in lines if line.startswith(word + " ")]
    return numbers[-1] if numbers else 0


def _stored(path: Path, review_id: int) -> tuple[str, int]:
    store = open_store(path, PASSPHRASE)
    try:
        with store.engine.connect() as conn:
            check = conn.execute(text("PRAGMA integrity_check")).scalar()
        sections = {s.key: s.text for s in svc.minutes(store, review_id, date(2026, 11, 25)).sections}
    finally:
        store.close()
    return check, len(sections["placement"])


def test_sigkill_at_random_moments_loses_nothing_saved(tmp_path):
    db = tmp_path / "kill.db"
    review_id = _seed(db)
    rng = random.Random(SEED)
    kills, worst_loss, saved_total = 0, 0, 0
    for _ in range(KILLS):
        proc = subprocess.Popen(
            [sys.executable, "-c", TYPIST, str(db), PASSPHRASE, str(review_id)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=REPO,
        )
        ready = proc.stdout.readline()
        assert ready.startswith("ready"), proc.stderr.read()
        time.sleep(rng.uniform(0.0, 0.4))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        lines = proc.stdout.read().splitlines()
        kills += 1
        check, length = _stored(db, review_id)
        assert check == "ok"
        last_saved = _last(lines, "saved")
        assert length >= last_saved, f"kill {kills}: saved {last_saved} characters, found {length}"
        worst_loss = max(worst_loss, _last(lines, "typed") - length)
        saved_total = length
    print(
        f"\nAutosave kill test: {kills} SIGKILLs at random moments (seed {SEED}); "
        f"integrity_check ok every time; worst loss {worst_loss} characters typed after the last "
        f"committed save; "
        f"{saved_total} characters in the section at the end."
    )
    assert kills >= 25
