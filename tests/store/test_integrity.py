"""The full check for damage runs after unlocking, not during it; a store that fails it saves nothing more."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text

from iro_desktop.store import open_store
from iro_desktop.store.engine import PAGE_SIZE
from iro_desktop.store.errors import DamagedStore, WritesStopped
from iro_desktop.store.models import Child
from tests.conftest import PASSPHRASE
from tests.store.test_store import _add_child


def _page_count(store) -> int:
    with store.engine.connect() as conn:
        return conn.exec_driver_sql("PRAGMA page_count").scalar()


def _garble(db, page: int) -> None:
    with db.open("r+b") as f:  # as a failing disk might: SQLCipher's checksum for that page no longer fits
        f.seek((page - 1) * PAGE_SIZE + 200)
        f.write(b"\x00" * 32)


def damage_a_later_page(store) -> None:
    """Write a long note (new pages at the end of the file), close the store, and garble one of those pages.

    The store's first pages, which unlocking reads, are whole.
    """
    before = _page_count(store)
    store.set_setting("test.long_note", "A long note kept in the store. " * 6_000)
    after = _page_count(store)
    store.close()
    _garble(store.path, (before + after) // 2)


def _children(store) -> list[str]:
    with store.session() as s:
        return list(s.scalars(select(Child.first_name).order_by(Child.id)))


def test_a_sound_store_checks_clean(store):
    _add_child(store)
    assert store.check_integrity() is None


def test_a_store_damaged_in_a_later_page_opens_and_the_check_finds_it(store, store_path):
    _add_child(store)
    damage_a_later_page(store)
    reopened = open_store(store_path, PASSPHRASE)  # unlocking no longer reads every page
    try:
        assert reopened.check_integrity() == "part of it cannot be read"
        assert _children(reopened) == ["Maja"]  # the check leaves no connection unable to read or write
        _add_child(reopened, "C002", "Kai")
    finally:
        reopened.close()


def test_a_store_damaged_in_its_first_page_is_refused_at_unlock(store, store_path):
    _add_child(store)
    store.close()
    _garble(store_path, 1)
    with pytest.raises(DamagedStore, match="does not match its key file, or its contents are damaged"):
        open_store(store_path, PASSPHRASE)


def test_once_writes_are_stopped_every_write_is_refused_plainly_and_reads_go_on(store, store_path):
    _add_child(store)
    damage_a_later_page(store)
    reopened = open_store(store_path, PASSPHRASE)
    try:
        reopened.stop_writes(reopened.check_integrity())
        with pytest.raises(WritesStopped) as err:
            _add_child(reopened, "C002", "Kai")
        assert str(err.value) == (
            "Nothing more is being saved, because a check found the store damaged (part of it cannot be "
            "read). Restore it from the latest backup: lock and unlock iro-desktop to be offered it."
        )
        with pytest.raises(WritesStopped):
            reopened.set_setting("idle_lock_minutes", 5)
        with pytest.raises(WritesStopped):  # raw SQL through the store's session is refused as well
            with reopened.session() as s:
                s.execute(text("DELETE FROM children"))
        with pytest.raises(Exception, match="not authorized"):  # and so is anything bypassing the session
            with reopened.engine.begin() as conn:
                conn.execute(text("DELETE FROM children"))
        assert _children(reopened) == ["Maja"]
        assert reopened.profile().iro_name == "Alex Example"
    finally:
        reopened.close()
    again = open_store(store_path, PASSPHRASE)  # nothing was written: a new unlock may write again
    try:
        assert _children(again) == ["Maja"]
    finally:
        again.close()


def test_writes_stop_on_a_connection_opened_before_the_stop(store):
    """The pool is emptied, so a connection made earlier cannot carry on writing."""
    _add_child(store)
    with store.engine.connect():  # a second connection in the pool
        with store.session() as s:
            s.scalars(select(Child.id)).all()
    store.stop_writes("part of it cannot be read")
    for _ in range(3):  # more than one connection in turn
        with pytest.raises(WritesStopped):
            _add_child(store, "C002", "Kai")
    assert _children(store) == ["Maja"]


def test_reading_goes_on_unrecorded_once_writes_are_stopped(store, store_path):
    from iro_desktop.store import audit

    _add_child(store)
    audit.record(store, "unlock")
    damage_a_later_page(store)
    reopened = open_store(store_path, PASSPHRASE)
    reopened.stop_writes(reopened.check_integrity())
    audit.record(reopened, "view_child", subject="MAJA1")  # viewing a child must not fail
    assert [e.action for e in audit.entries(reopened)] == ["unlock"]
    reopened.close()
