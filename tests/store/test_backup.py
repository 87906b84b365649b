"""Encrypted backup and restore: one file, checked after writing; restore checks before replacing anything."""

from __future__ import annotations

import hashlib
import zipfile
from datetime import date

import pytest
from sqlalchemy import func, select

from iro_desktop.store import open_store
from iro_desktop.store.backup import BEFORE_RESTORE, DB_MEMBER, BackupError, backup, restore, to_keep
from iro_desktop.store.models import Child
from tests.conftest import PASSPHRASE


def _children(path) -> int:
    store = open_store(path, PASSPHRASE)
    try:
        with store.session() as s:
            return s.scalar(select(func.count(Child.id)))
    finally:
        store.close()


def _digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_backup_is_one_private_encrypted_file_checked_after_writing(demo_store, tmp_path):
    info = backup(demo_store, tmp_path / "backups" / "caseload.iro-backup")
    assert info.children == 60 and info.path.stat().st_mode & 0o077 == 0
    data = info.path.read_bytes()
    with demo_store.session() as s:
        names = s.scalars(select(Child.last_name)).all()
    long_names = [n for n in names if len(n) >= 6]  # shorter strings turn up in random ciphertext by chance
    assert long_names and not [n for n in long_names if n.encode() in data]  # nothing readable inside
    assert not list((tmp_path / "backups").glob(".iro-*"))  # no working files left behind


def test_restore_into_a_new_place_gives_the_same_caseload(demo_store, tmp_path):
    made = backup(demo_store, tmp_path / "b.iro-backup")
    restored = restore(made.path, tmp_path / "elsewhere" / "caseload.db", PASSPHRASE)
    assert restored.children == 60 == _children(tmp_path / "elsewhere" / "caseload.db")


def test_restore_over_a_store_keeps_the_previous_one_beside_it(demo_store, store_path, tmp_path):
    made = backup(demo_store, tmp_path / "b.iro-backup")
    with demo_store.session() as s:
        s.delete(s.scalars(select(Child)).first())  # a change made after the backup
    demo_store.close()
    restore(made.path, store_path, PASSPHRASE)
    assert _children(store_path) == 60
    assert (store_path.with_name(store_path.name + BEFORE_RESTORE)).exists()


@pytest.mark.parametrize(
    "damage, words",
    [
        ("flip", "is damaged"),
        ("not_a_backup", "not a readable iro-desktop backup"),
        ("wrong_passphrase", "does not open this backup"),
    ],
)
def test_a_bad_backup_or_passphrase_changes_nothing(demo_store, store_path, tmp_path, damage, words):
    made = backup(demo_store, tmp_path / "b.iro-backup")
    demo_store.close()
    secret = PASSPHRASE
    if damage == "flip":
        with zipfile.ZipFile(made.path) as z:
            info = z.getinfo(DB_MEMBER)
        data = bytearray(made.path.read_bytes())
        data[info.header_offset + 200] ^= 0xFF  # a byte inside the stored database
        made.path.write_bytes(bytes(data))
    elif damage == "not_a_backup":
        made.path.write_bytes(b"these are my holiday photos")
    else:
        secret = "not-the-passphrase-at-all"
    before = _digest(store_path)
    with pytest.raises(BackupError, match=words):
        restore(made.path, store_path, secret)
    assert (
        _digest(store_path) == before and not store_path.with_name(store_path.name + BEFORE_RESTORE).exists()
    )


def test_thinning_keeps_a_week_of_days_then_weeks_then_months():
    today = date(2026, 11, 25)
    made = [date.fromordinal(today.toordinal() - n) for n in range(400)]
    keep = to_keep(made, today)
    assert {date(2026, 11, 19 + n) for n in range(7)} <= keep  # the last seven days
    assert date(2026, 11, 1) not in keep and date(2026, 10, 31) in keep  # newest of October
    assert len(keep) <= 7 + 4 + 12
