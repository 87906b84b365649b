"""The encrypted store: unlock, wrong passphrase, damaged files, passphrase change, pragmas."""

from __future__ import annotations

import hashlib
from datetime import date

import pytest
from sqlalchemy import select, text

from iro_desktop.store import change_passphrase, create_store, open_store
from iro_desktop.store.errors import (
    DamagedStore,
    NoStore,
    NotAStore,
    StoreExists,
    StoreLocked,
    StoreTooNew,
    WrongPassphrase,
)
from iro_desktop.store.keys import TEST_KDF, key_file_for
from iro_desktop.store.models import Child
from tests.conftest import PASSPHRASE


def _digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else None


def _snapshot(folder):
    return {p.name: _digest(p) for p in sorted(folder.iterdir())}


def _add_child(store, ref="C001", first="Maja"):
    with store.session() as s:
        s.add(Child(child_ref=ref, first_name=first, last_name="Example", dob=date(2015, 3, 1)))


def test_what_is_written_can_be_read_after_unlocking_again(store, store_path):
    _add_child(store)
    store.close()
    reopened = open_store(store_path, PASSPHRASE)
    with reopened.session() as s:
        assert s.scalars(select(Child.first_name)).all() == ["Maja"]
    reopened.close()


def test_a_closed_store_cannot_reconnect_and_its_engine_forgets_the_key(store):
    """Locking closes the store: anything still holding it (a thread finishing late) is refused."""
    _add_child(store)
    held = store.engine.held_key.value
    assert any(held)
    store.close()
    assert not any(held) and store.data_key == b""  # the engine's copy was overwritten in place
    with pytest.raises(StoreLocked, match="unlock it to go on"):
        with store.session() as s:
            s.scalars(select(Child.first_name)).all()


def test_wrong_passphrase_is_refused_plainly_and_changes_nothing_on_disk(store, store_path):
    _add_child(store)
    store.close()
    before = _snapshot(store_path.parent)
    with pytest.raises(WrongPassphrase) as err:
        open_store(store_path, "not-the-passphrase")
    assert str(err.value) == "That passphrase does not open this store."
    assert _snapshot(store_path.parent) == before


def test_creating_over_an_existing_store_is_refused(store, store_path):
    with pytest.raises(StoreExists):
        create_store(store_path, "another-passphrase-here", kdf=TEST_KDF)


@pytest.mark.parametrize(
    "damage, error, words",
    [
        ("random", NotAStore, "no key file"),
        ("plain_sqlite", NotAStore, "unencrypted SQLite"),
        ("truncated", DamagedStore, "cut short"),
        ("other_key", DamagedStore, "does not match its key file"),
        ("garbled_key_file", NotAStore, "key file cannot be read"),
    ],
)
def test_files_that_are_not_a_healthy_store_get_their_own_message(
    tmp_path, store, store_path, damage, error, words
):
    _add_child(store)
    store.close()
    target = store_path
    if damage == "random":
        target = tmp_path / "notes.db"
        target.write_bytes(b"\x01" * 8192)
    elif damage == "plain_sqlite":
        import sqlite3

        target = tmp_path / "plain.db"
        sqlite3.connect(target).execute("create table t(x)").connection.close()
        key_file_for(target).write_text("{}")
    elif damage == "truncated":
        data = store_path.read_bytes()
        store_path.write_bytes(data[: len(data) // 2 + 100])
    elif damage == "other_key":
        other = create_store(tmp_path / "other.db", PASSPHRASE, kdf=TEST_KDF)
        other.close()
        key_file_for(store_path).write_bytes(key_file_for(other.path).read_bytes())
    elif damage == "garbled_key_file":
        key_file_for(store_path).write_bytes(b"\xff\xfe not json")
    with pytest.raises(error) as err:
        open_store(target, PASSPHRASE)
    assert words in str(err.value)


def test_missing_store_says_how_to_make_one(tmp_path):
    with pytest.raises(NoStore, match="iro-desktop init"):
        open_store(tmp_path / "nothing.db", PASSPHRASE)


def test_store_from_a_newer_version_is_refused_and_left_alone(store, store_path):
    with store.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = 'f00d_from_the_future'"))
    store.close()
    before = _digest(store_path)
    with pytest.raises(StoreTooNew, match="newer version"):
        open_store(store_path, PASSPHRASE)
    assert _digest(store_path) == before


def test_changing_the_passphrase_rewraps_without_reencrypting(store, store_path):
    _add_child(store)
    store.close()
    db_before = _digest(store_path)
    change_passphrase(store_path, PASSPHRASE, "a-brand-new-passphrase-77")
    assert _digest(store_path) == db_before  # the database itself was not rewritten
    with pytest.raises(WrongPassphrase):
        open_store(store_path, PASSPHRASE)
    reopened = open_store(store_path, "a-brand-new-passphrase-77")
    with reopened.session() as s:
        assert s.scalars(select(Child.child_ref)).all() == ["C001"]
    reopened.close()


def test_changing_with_the_wrong_old_passphrase_changes_nothing(store, store_path):
    store.close()
    before = _snapshot(store_path.parent)
    with pytest.raises(WrongPassphrase):
        change_passphrase(store_path, "wrong-old-one", "a-brand-new-passphrase-77")
    assert _snapshot(store_path.parent) == before


def test_connections_use_wal_full_sync_and_foreign_keys(store):
    with store.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA cipher_version")).scalar().startswith("4.")


def test_store_files_are_private_to_the_user(store, store_path):
    assert store_path.stat().st_mode & 0o077 == 0
    assert key_file_for(store_path).stat().st_mode & 0o077 == 0
