"""Fuzz the handover reader: a damaged file or hostile rows give a plain refusal and import nothing."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from iro_desktop.services.handover import HandoverError, read_handover, receive, send
from iro_desktop.store import create_store
from iro_desktop.store.keys import TEST_KDF
from iro_desktop.store.models import Child, Setting
from tests.conftest import PASSPHRASE
from tests.services.child_traces import FULL_CHILD, fill_every_table

FIXTURES = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
HOSTILE = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True),
    st.text(max_size=300),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
)


@pytest.fixture
def sent(demo_store, tmp_path):
    fill_every_table(demo_store, FULL_CHILD)
    return send(demo_store, FULL_CHILD, tmp_path / "handover.iro", kdf=TEST_KDF)


@settings(max_examples=150, deadline=None, suppress_health_check=FIXTURES)
@given(data=st.data())
def test_a_damaged_file_is_refused_plainly(sent, tmp_path, data):
    original = sent.path.read_bytes()
    at = data.draw(st.integers(0, len(original) - 1))
    how = data.draw(st.sampled_from(["flip", "cut", "insert"]))
    if how == "flip":
        damaged = original[:at] + bytes([original[at] ^ data.draw(st.integers(1, 255))]) + original[at + 1 :]
    elif how == "cut":
        damaged = original[:at]
    else:
        damaged = original[:at] + data.draw(st.binary(min_size=1, max_size=20)) + original[at:]
    path = tmp_path / "damaged.iro"
    path.write_bytes(damaged)
    try:
        opened = read_handover(path, sent.code)
    except HandoverError as exc:
        assert str(exc) and "Traceback" not in str(exc)
    else:  # only a change the format ignores (JSON whitespace) may still open, and then it is the same
        assert opened.payload == sent.handover.payload


def _imported_whole_or_not_at_all(hostile) -> bool:
    """Receive into a new store; True when imported, False when refused with nothing of it kept."""
    with tempfile.TemporaryDirectory() as folder:
        store = create_store(Path(folder) / "receiving.db", PASSPHRASE, kdf=TEST_KDF)
        try:
            try:
                receive(store, hostile)
            except HandoverError as exc:
                assert "Nothing was imported" in str(exc)
                imported = False
            else:
                imported = True
            with store.session() as s:
                assert s.scalar(select(func.count(Child.id))) == int(imported)
                child_texts = select(func.count(Setting.key)).where(Setting.key.like("%.review.%"))
                assert imported or s.scalar(child_texts) == 0
            return imported
        finally:
            store.close()


def _receive_altered(opened, table: str, row: dict, column: str, value) -> bool:
    """Import the file with one value changed; True when it was imported, False when refused whole."""
    tables = {name: [dict(r) for r in rows] for name, rows in opened.payload["tables"].items()}
    tables[table][opened.payload["tables"][table].index(row)][column] = value
    altered = type(opened)({**opened.payload, "tables": tables}, opened.fingerprint)
    return _imported_whole_or_not_at_all(altered)


@settings(max_examples=100, deadline=None, suppress_health_check=FIXTURES)
@given(data=st.data())
def test_hostile_rows_from_a_trusted_sender_import_whole_or_not_at_all(sent, data):
    """A signed file whose rows were built to break the importer (the signer is trusted, not their data)."""
    tables = sent.handover.payload["tables"]
    table = data.draw(st.sampled_from(sorted(name for name, rows in tables.items() if rows)))
    row = data.draw(st.sampled_from(tables[table]))
    column = data.draw(st.sampled_from(sorted(row)))
    _receive_altered(sent.handover, table, row, column, data.draw(HOSTILE))


@pytest.mark.parametrize("number", [2**63, -(2**63) - 1, 2**70])
def test_a_number_too_large_for_the_store_is_refused_not_crashed(sent, number):
    """Found by the fuzz run in CI: a whole number past 64 bits reached SQLite and raised OverflowError."""
    row = sent.handover.payload["tables"]["decisions"][0]
    assert not _receive_altered(sent.handover, "decisions", row, "number", number)


@settings(max_examples=60, deadline=None, suppress_health_check=FIXTURES)
@given(data=st.data())
def test_hostile_texts_from_a_trusted_sender_import_whole_or_not_at_all(sent, data):
    """The letters and withholding choices kept in settings: any key or value, refused whole or kept whole."""
    opened = sent.handover
    texts = dict(opened.payload["texts"])
    review = opened.payload["tables"]["reviews"][0]["id"]
    key = data.draw(
        st.sampled_from(sorted(texts))
        | st.sampled_from([f"documents.withheld.review.{review}", f"minutes.draft.review.{review}"])
        | st.text(max_size=60)
    )
    texts[key] = data.draw(HOSTILE | st.dictionaries(st.text(max_size=20), st.lists(st.text(max_size=20))))
    _imported_whole_or_not_at_all(type(opened)({**opened.payload, "texts": texts}, opened.fingerprint))
