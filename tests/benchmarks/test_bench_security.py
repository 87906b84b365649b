"""Security benchmarks: lock and unlock latency; backup and check of 100 children with 2,000 reviews.

Ratios are against baselines measured in the same run: a plain file copy of the same store for the backup,
and the key derivation alone for the unlock.
"""

from __future__ import annotations

import shutil
from datetime import date, timedelta

from iro_desktop.services.demo import populate_demo
from iro_desktop.store import create_store, open_store
from iro_desktop.store.backup import backup
from iro_desktop.store.keys import KdfParams, key_file_for, read_key_file, unwrap
from iro_desktop.store.models import Child, Review
from tests.benchmarks.helpers import median_ms, report, timed

TODAY = date(2026, 11, 25)
SECRET = "benchmark-security-passphrase"


def _store_with_2000_reviews(path):
    store = create_store(path, SECRET)  # the real KDF, as users have it
    populate_demo(store, TODAY, size=100)
    with store.session() as s:
        children = s.query(Child).all()
        held = s.query(Review).count()
        for n in range(2000 - held):  # older reviews, so the store holds 2,000 in all
            child = children[n % len(children)]
            s.add(
                Review(
                    child_id=child.id,
                    held_date=child.dob + timedelta(days=30 + n % 900),
                    status="held",
                    participation_code="PN1",
                    number=None,
                    source="app",
                )
            )
    return store


def test_lock_unlock_and_backup(qapp, tmp_path):
    from iro_desktop.gui.main_window import MainWindow

    store = _store_with_2000_reviews(tmp_path / "s.db")
    backups = iter(range(100))
    backup_times = timed(lambda: backup(store, tmp_path / f"b{next(backups)}.iro-backup"), repeat=5)
    copies = iter(range(100))
    copy_times = timed(lambda: shutil.copyfile(store.path, tmp_path / f"c{next(copies)}.db"), repeat=5)
    window = MainWindow(store, TODAY)
    window.show()
    locks, unlocks = [], []
    for _ in range(5):
        locks += timed(window.lock, repeat=1)
        unlocks += timed(lambda: window.resume(open_store(tmp_path / "s.db", SECRET)), repeat=1)
    kdf = timed(lambda: unwrap(read_key_file(key_file_for(tmp_path / "s.db")), SECRET), repeat=5)
    window.close()
    k = KdfParams()
    report(
        f"Lock, unlock and backup (Argon2id t={k.time_cost}, m={k.memory_kib // 1024} MiB)",
        [
            ("lock, median of 5 (target < 100 ms)", f"{median_ms(locks):.0f} ms"),
            ("unlock to the caseload, median of 5 (target 300-1000 ms)", f"{median_ms(unlocks):.0f} ms"),
            ("  of which the key derivation", f"{median_ms(kdf):.0f} ms"),
            (
                "backup and check, 100 children, 2,000 reviews (target < 5 s)",
                f"{median_ms(backup_times):.0f} ms",
            ),
            ("plain copy of the same store file (baseline)", f"{median_ms(copy_times):.1f} ms"),
            ("store size", f"{(tmp_path / 's.db').stat().st_size // 1024} KiB"),
        ],
    )
