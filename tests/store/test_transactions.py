"""Transactions compose: a nested call joins the one open on its thread, and reads never wait for the write
lock. Finalising is one transaction: nothing slips between its checks and its writes; a failure keeps nothing.
"""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import event, func, select
from sqlalchemy import exc as sa_exc

from iro_desktop.problems import Problem
from iro_desktop.services import finalise as finalise_service
from iro_desktop.services.minutes import save_section
from iro_desktop.store import audit, open_store
from iro_desktop.store.database import TransactionAbandoned, WriteInRead
from iro_desktop.store.models import (
    AuditEntry,
    OutboxItem,
    Review,
    ReviewSection,
    ReviewText,
    Setting,
    SignedRecord,
)
from tests.conftest import PASSPHRASE, sign_review
from tests.records.conftest import ready_reviews

WAIT = 30  # seconds: only how long a broken test hangs before failing; no step relies on it


@pytest.fixture
def other(store_path):
    """A second Store on the same file, as a second window or process would open it."""

    def opened():
        second = open_store(store_path, PASSPHRASE)
        opened.made.append(second)
        return second

    opened.made = []
    yield opened
    for second in opened.made:
        second.close()


def _impatient(store) -> None:
    """Its connections give up on a held write lock at once, instead of waiting five seconds for it."""
    event.listen(store.engine, "connect", lambda conn, _record: conn.execute("PRAGMA busy_timeout = 0"))
    store.engine.dispose()


def test_a_nested_write_joins_the_open_transaction_and_commits_with_it(store, other):
    reader = other()
    with store.session() as s:
        s.merge(Setting(key="outer", value=1))
        store.set_setting("inner", 2)  # its own session() before: here it joins
        assert reader.get_setting("inner") is None  # not committed when the nested block ends
    assert (reader.get_setting("outer"), reader.get_setting("inner")) == (1, 2)


def test_an_error_in_a_nested_block_rolls_back_the_outer_writes(store):
    with pytest.raises(KeyError), store.session() as s:
        s.merge(Setting(key="outer", value=1))
        with store.session() as inner:
            inner.merge(Setting(key="inner", value=2))
            raise KeyError("inner")
    assert store.get_setting("outer") is None and store.get_setting("inner") is None


def test_an_outer_block_that_swallows_a_nested_error_still_saves_nothing(store):
    with pytest.raises(TransactionAbandoned), store.session() as s:
        s.merge(Setting(key="outer", value=1))
        try:
            with store.session():
                store.set_setting("inner", 2)
                raise KeyError("inner")
        except KeyError:
            pass  # carrying on would commit half a change: the outermost refuses instead
    assert store.get_setting("outer") is None and store.get_setting("inner") is None


def test_settings_profile_and_audit_work_inside_an_open_transaction(store):
    with store.session() as s:
        s.merge(Setting(key="colour", value="teal"))
        assert store.get_setting("colour") == "teal"  # the open transaction's own write, read back
        assert store.profile().iro_name == "Alex Example"
        audit.record(store, "settings_changed")
    assert [e.action for e in audit.entries(store)][:1] == ["settings_changed"]
    assert audit.verify(store) == []


def test_an_audit_entry_made_in_a_transaction_that_fails_is_not_kept(store):
    with pytest.raises(KeyError), store.session():
        audit.record(store, "export")
        raise KeyError("later step")
    assert [e.action for e in audit.entries(store)] == []


def test_a_read_runs_while_another_store_holds_the_write_lock(store, other):
    store.set_setting("colour", "teal")
    audit.record(store, "export")
    _impatient(store)
    writer = other()
    with writer.session() as s:  # BEGIN IMMEDIATE: the write lock, held until the block ends
        s.merge(Setting(key="colour", value="plum"))
        s.flush()
        assert store.get_setting("colour") == "teal"  # the last committed value, without waiting
        assert store.profile().iro_name == "Alex Example"
        assert [e.action for e in audit.entries(store)] == ["export"]
        with pytest.raises(sa_exc.OperationalError, match="locked"):
            store.set_setting("colour", "ochre")  # a write does wait for the lock: it is really held
    assert store.get_setting("colour") == "plum"


def test_a_write_inside_a_read_is_refused_and_saves_nothing(store):
    with pytest.raises(WriteInRead), store.reading():
        store.set_setting("colour", "teal")
    with pytest.raises(WriteInRead), store.reading() as s:
        s.add(Setting(key="colour", value="teal"))
    assert store.get_setting("colour") is None


def test_another_thread_does_not_join_this_threads_transaction(store):
    seen = []
    with store.session() as s:
        s.merge(Setting(key="colour", value="teal"))
        s.flush()
        worker = threading.Thread(target=lambda: seen.append(store.get_setting("colour", "none yet")))
        worker.start()
        worker.join(WAIT)
    assert seen == ["none yet"]  # its own read, of what was committed


# --- finalising is one transaction ---------------------------------------------------------------------


def _counts(store, review_id: int) -> dict:
    with store.reading() as s:
        return {
            "signed": s.scalar(select(func.count()).select_from(SignedRecord)),
            "outbox": s.scalar(select(func.count()).select_from(OutboxItem)),
            "audit": s.scalar(select(func.count()).select_from(AuditEntry)),
            "texts": s.scalar(select(func.count()).where(ReviewText.review_id == review_id)),
            "status": s.get(Review, review_id).status,
        }


def _fail(*_args, **_kwargs):
    raise RuntimeError("injected failure")


@pytest.mark.parametrize("step", ["sign_bundle", "audit"])
def test_a_failure_at_a_late_step_of_finalising_leaves_nothing_written(demo_store, monkeypatch, step):
    (review_id,) = ready_reviews(demo_store)
    before = _counts(demo_store, review_id)
    if step == "audit":  # the very last write, after the record, outbox item and state are in
        monkeypatch.setattr(audit, "record", _fail)
    else:
        monkeypatch.setattr(finalise_service, "sign_bundle", _fail)
    with pytest.raises(RuntimeError, match="injected"):
        sign_review(demo_store, review_id)
    assert _counts(demo_store, review_id) == before
    assert before["status"] == "held"


def _section_text(store, review_id: int, key: str) -> str:
    with store.reading() as s:
        return s.scalars(
            select(ReviewSection.text).where(ReviewSection.review_id == review_id, ReviewSection.key == key)
        ).one()


def test_an_edit_from_another_window_cannot_land_between_finalising_checks_and_its_writes(
    demo_store, other, monkeypatch
):
    (review_id,) = ready_reviews(demo_store)
    written = "Dental check booked; sleeping better since the move."
    save_section(demo_store, review_id, "health", written)
    signing, go_on = threading.Event(), threading.Event()
    real_sign = finalise_service.sign_bundle

    def sign_when_told(*args):
        signing.set()
        assert go_on.wait(WAIT)
        return real_sign(*args)

    monkeypatch.setattr(finalise_service, "sign_bundle", sign_when_told)
    second_window = other()
    _impatient(second_window)  # where it would wait for finalising to end, it gives up at once instead
    finalising = threading.Thread(target=sign_review, args=(demo_store, review_id))
    finalising.start()
    assert signing.wait(WAIT)  # finalise has read and checked the review, and is about to sign it
    with pytest.raises(sa_exc.OperationalError, match="locked"):
        save_section(second_window, review_id, "health", "Typed in another window while signing.")
    go_on.set()
    finalising.join(WAIT)
    with pytest.raises(Problem, match="signed"):  # and once signed, the edit is refused in words
        save_section(second_window, review_id, "health", "Typed in another window while signing.")

    with demo_store.reading() as s:
        record = s.scalars(select(SignedRecord).where(SignedRecord.review_id == review_id)).one()
    assert _section_text(demo_store, review_id, "health") == written  # the store holds what was signed
    assert written in record.canonical_json.decode()
