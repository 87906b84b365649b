"""Handing a child over to another IRO: one encrypted, signed file, checked before anything is written."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from iro_desktop.records.keys import device_fingerprint
from iro_desktop.services import audit
from iro_desktop.services.handover import HandoverError, WrongCode, read_handover, receive, send
from iro_desktop.services.retention import remove_child
from iro_desktop.store import create_store
from iro_desktop.store.keys import TEST_KDF
from iro_desktop.store.models import Child, ReviewSection, SignedRecord, WishEntry
from tests.conftest import PASSPHRASE
from tests.services.child_traces import FULL_CHILD, counts, fill_every_table, mark_delivered, tables_holding


@pytest.fixture
def other_store(tmp_path):
    s = create_store(tmp_path / "receiving.db", PASSPHRASE, kdf=TEST_KDF, iro_name="Bea Receiver")
    yield s
    s.close()


@pytest.fixture
def sent(demo_store, tmp_path):
    fill_every_table(demo_store, FULL_CHILD)
    return send(demo_store, FULL_CHILD, tmp_path / "handover.iro", kdf=TEST_KDF)


def _children(store) -> int:
    with store.session() as s:
        return len(s.scalars(select(Child.id)).all())


def _texts(store, ref: str) -> dict:
    with store.session() as s:
        child = s.scalars(select(Child).where(Child.child_ref == ref)).one()
        sections = s.scalars(select(ReviewSection.text).join_from(ReviewSection, ReviewSection.review)).all()
        return {
            "name": (child.first_name, child.last_name, child.dob),
            "wishes": sorted(s.scalars(select(WishEntry.words).where(WishEntry.child_id == child.id))),
            "sections": sorted(sections),
            "signed": sorted(
                (r.canonical_json, r.signature)
                for r in s.scalars(select(SignedRecord).where(SignedRecord.child_id == child.id))
            ),
        }


def test_everything_arrives_in_the_receiving_store(demo_store, other_store, sent):
    assert sent.handover.fingerprint == device_fingerprint(demo_store)
    ref = sent.handover.child_ref
    handover = read_handover(sent.path, sent.code.lower().replace("-", " "))  # as typed from a phone call
    assert (
        handover.fingerprint == sent.handover.fingerprint and handover.child_name == sent.handover.child_name
    )

    receive(other_store, handover)

    sent_counts = counts(demo_store, ref)
    assert counts(other_store, ref) == sent_counts
    assert all(n > 0 for n in sent_counts.values()), sent_counts  # every kind of record travelled
    assert _texts(other_store, ref) == _texts(demo_store, ref)
    actions = [(e.action, e.subject) for e in audit.entries(other_store)]
    assert ("handover_received", ref) in actions
    assert ("handover_sent", ref) in [(e.action, e.subject) for e in audit.entries(demo_store)]


def test_the_file_holds_no_readable_personal_data(demo_store, sent):
    data = sent.path.read_bytes()
    name = sent.handover.child_name.split()[-1]
    assert name.encode() not in data and sent.handover.child_ref.encode() not in data


def test_a_wrong_code_says_so_and_imports_nothing(other_store, sent):
    wrong = "ABCDE-FGHJK-LMNPQ-RSTUV-WXYZ2-34567-89ABC-DEFGH"
    with pytest.raises(WrongCode, match="That handover code does not open this file"):
        read_handover(sent.path, wrong)
    assert _children(other_store) == 0


def test_one_changed_byte_is_refused(other_store, sent):
    sealed = json.loads(sent.path.read_bytes())
    body = bytearray(sealed["ciphertext"].encode())
    middle = len(body) // 2
    body[middle] = ord("A") if body[middle] != ord("A") else ord("B")
    sealed["ciphertext"] = body.decode()
    sent.path.write_text(json.dumps(sealed))
    with pytest.raises(HandoverError, match="changed or damaged since it was written"):
        read_handover(sent.path, sent.code)
    assert _children(other_store) == 0


def test_a_file_signed_by_someone_else_is_refused(demo_store, other_store, sent, tmp_path):
    """Re-sealing the same contents under a new code without the sender's key breaks the signature."""
    from iro_desktop.services import handover as h

    opened = read_handover(sent.path, sent.code)
    forged = {**opened.payload, "from": {"iro_name": "Someone Else", "council_name": ""}}
    envelope = h._signed(demo_store, opened.payload) | {"payload": forged}
    path = tmp_path / "forged.iro"
    path.write_bytes(h._seal(envelope, sent.code, TEST_KDF))
    with pytest.raises(HandoverError, match="signature .* does not match"):
        read_handover(path, sent.code)
    assert _children(other_store) == 0


def test_a_child_already_in_the_store_is_refused(demo_store, sent):
    before = _children(demo_store)
    with pytest.raises(HandoverError, match=f"Child {sent.handover.child_ref} is already in this store"):
        receive(demo_store, read_handover(sent.path, sent.code))
    assert _children(demo_store) == before


def test_bad_rows_roll_back_whole(other_store, sent):
    opened = read_handover(sent.path, sent.code)
    tables = dict(opened.payload["tables"])
    tables["decisions"] = [{**tables["decisions"][0], "review_id": 999_999}]
    bad = type(opened)({**opened.payload, "tables": tables}, opened.fingerprint)
    with pytest.raises(HandoverError, match="points at a row that is not in the file"):
        receive(other_store, bad)
    assert _children(other_store) == 0 and tables_holding(other_store, opened.child["last_name"]) == []


def test_handed_over_then_removed(demo_store, other_store, sent):
    receive(other_store, read_handover(sent.path, sent.code))
    mark_delivered(demo_store, FULL_CHILD)
    remove_child(demo_store, FULL_CHILD, "handed over")
    assert tables_holding(demo_store, sent.handover.child_name) == []
    assert tables_holding(other_store, sent.handover.child["last_name"])


def test_from_the_command_line(demo_store, tmp_path, monkeypatch, capsys):
    """handover prints the code and fingerprint; receive-handover needs both; retention lists the due."""
    from iro_desktop import cli

    fill_every_table(demo_store, FULL_CHILD)
    mark_delivered(demo_store, FULL_CHILD)
    ref = _ref(demo_store, FULL_CHILD)
    monkeypatch.setenv(cli.PASSPHRASE_ENV, PASSPHRASE)
    monkeypatch.setenv(cli.KDF_ENV, "1,8192,1")
    create_store(tmp_path / "b.db", PASSPHRASE, kdf=TEST_KDF).close()
    file = tmp_path / "out.iro"
    assert cli.main(["handover", ref, str(file), "--db", str(demo_store.path), "--remove"]) == 0
    out = capsys.readouterr().out
    code = out.split("\n\n    ")[1].split("\n")[0]
    fingerprint = out.split("fingerprint: ")[1].split("\n")[0]
    assert f"{ref} was removed from this store" in out and len(code) == 47
    (tmp_path / "code.txt").write_text(code + "\n")
    receive_args = ["receive-handover", str(file), "--code-file", str(tmp_path / "code.txt"), "--db"]
    wrong_print = ["--fingerprint", "00000 " * 6]
    assert cli.main([*receive_args, str(tmp_path / "b.db"), *wrong_print]) == 2
    assert "not the one you were given. Nothing was imported." in capsys.readouterr().err
    assert cli.main([*receive_args, str(tmp_path / "b.db"), "--fingerprint", fingerprint]) == 0
    assert f"({ref}) from " in capsys.readouterr().out
    assert cli.main([*receive_args, str(tmp_path / "b.db")]) == 2
    assert "already in this store" in capsys.readouterr().err
    assert cli.main(["retention", "--db", str(tmp_path / "b.db")]) == 0
    assert "0 children have reached that date" in capsys.readouterr().out


def _ref(store, child_id: int) -> str:
    with store.session() as s:
        return s.get(Child, child_id).child_ref
