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
from iro_desktop.store.models import Child
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


@settings(max_examples=100, deadline=None, suppress_health_check=FIXTURES)
@given(data=st.data())
def test_hostile_rows_from_a_trusted_sender_import_whole_or_not_at_all(sent, data):
    """A signed file whose rows were built to break the importer (the signer is trusted, not their data)."""
    opened = sent.handover
    tables = {name: [dict(row) for row in rows] for name, rows in opened.payload["tables"].items()}
    table = data.draw(st.sampled_from(sorted(name for name, rows in tables.items() if rows)))
    row = data.draw(st.sampled_from(tables[table]))
    column = data.draw(st.sampled_from(sorted(row)))
    row[column] = data.draw(HOSTILE)
    hostile = type(opened)({**opened.payload, "tables": tables}, opened.fingerprint)
    with tempfile.TemporaryDirectory() as folder:
        store = create_store(Path(folder) / "receiving.db", PASSPHRASE, kdf=TEST_KDF)
        try:
            try:
                receive(store, hostile)
            except HandoverError as exc:
                assert "Nothing was imported" in str(exc)
                with store.session() as s:
                    assert s.scalar(select(func.count(Child.id))) == 0
            else:
                with store.session() as s:
                    assert s.scalar(select(func.count(Child.id))) == 1
        finally:
            store.close()
