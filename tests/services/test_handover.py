"""Handing a child over to another IRO: one encrypted, signed file, checked before anything is written."""

from __future__ import annotations

import io
import json

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from iro_desktop.documents.distribution import address_key
from iro_desktop.problems import Problem
from iro_desktop.records.keys import device_fingerprint
from iro_desktop.services import challenge_facts, challenge_letters, minutes
from iro_desktop.services import documents as docs
from iro_desktop.services.finalise import open_correction
from iro_desktop.services.handover import HandoverError, WrongCode, read_handover, receive, send
from iro_desktop.services.handover_rows import LATER_TABLES
from iro_desktop.services.retention import remove_child
from iro_desktop.store import audit, create_store
from iro_desktop.store.keys import TEST_KDF
from iro_desktop.store.models import (
    Challenge,
    Child,
    Decision,
    Review,
    ReviewSection,
    SignedRecord,
    WishEntry,
)
from tests.conftest import PASSPHRASE, TODAY, sign_review
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


def _pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def _review_with_decisions(store, child_ref: str) -> int:
    """The child's latest review with decisions (one whose record a parent is sent), reopened for
    correction if it was signed: its letters and withholding can change only then."""
    with store.session() as s:
        child = s.scalars(select(Child).where(Child.child_ref == child_ref)).one()
        review = next(r for r in sorted(child.reviews, key=lambda r: -r.id) if r.decisions)
        signed = review.status == "finalised"
    if signed:
        open_correction(store, review.id)
    return review.id


def _parts(store, review_id: int) -> tuple[str, str, str, str]:
    """The parent's and carer's recipient keys, the carer's address, and one decision's passage key."""
    found = docs.distribution(store, review_id)
    parent = next(r for r in found if r.role_label == "Parent")
    carer = next(r for r in found if r.role_label == "Carer" and r.address)
    decision = next(
        p.key for p in docs.passages(docs.review_content(store, review_id, TODAY)) if "decision:" in p.key
    )
    return parent.key, carer.key, carer.address, decision


def test_letters_drafts_and_what_is_withheld_from_whom_travel_under_the_new_ids(
    demo_store, other_store, tmp_path
):
    """Without the withholding choices, the new IRO's copy for a parent would show the carer's address."""
    fill_every_table(demo_store, FULL_CHILD)
    review_id = _review_with_decisions(demo_store, "DEMO0002")
    parent, carer, address, decision = _parts(demo_store, review_id)
    docs.set_withheld(demo_store, review_id, parent, [address_key(int(carer.split(":")[1])), decision])
    docs.save_letter_text(demo_store, review_id, "Dear Zayn, it was good to see your football medals.")
    minutes.save_drafts(
        demo_store, review_id, {"wish": "I want to stay at my school", "decision": "", "part": ""}
    )
    with demo_store.session() as s:
        challenge_id = s.scalars(select(Challenge.id).where(Challenge.child_id == FULL_CHILD)).first()
    challenge_letters.save_letter_text(demo_store, challenge_id, "stage_1", "Dear Colin, the plan is late.")

    sent = send(demo_store, FULL_CHILD, tmp_path / "handover.iro", kdf=TEST_KDF)
    travelled = sent.handover.counts
    assert travelled["saved letters, drafts and withholding choices"] >= 3
    assert travelled["challenge_letters"] == 1  # a row of its own table now
    receive(other_store, read_handover(sent.path, sent.code))

    new_review = _review_with_decisions(other_store, "DEMO0002")
    new_parent, new_carer, _, new_decision = _parts(other_store, new_review)
    assert (new_review, new_parent, new_decision) != (review_id, parent, decision)  # the ids did change
    parents_copy = _pdf_text(
        docs.render_review_document(other_store, new_review, "review_record", TODAY, new_parent)
    )
    carers_copy = _pdf_text(
        docs.render_review_document(other_store, new_review, "review_record", TODAY, new_carer)
    )
    street = address.split(",")[0]
    assert street not in parents_copy and "withheld from this copy" in parents_copy
    assert street in carers_copy
    assert (
        docs.letter_text(other_store, new_review, TODAY)
        == "Dear Zayn, it was good to see your football medals."
    )
    assert minutes.drafts(other_store, new_review)["wish"] == "I want to stay at my school"
    with other_store.session() as s:
        new_challenge = s.scalars(select(Challenge.id)).one()
    assert (
        challenge_letters.letter_draft(other_store, new_challenge, TODAY, "stage_1")
        == "Dear Colin, the plan is late."
    )


def test_a_withheld_decision_removed_since_does_not_stop_the_handover(demo_store, other_store, tmp_path):
    """The IRO withheld a decision, then removed it from the minute: the choice has nothing left to hide."""
    fill_every_table(demo_store, FULL_CHILD)
    review_id = _review_with_decisions(demo_store, "DEMO0002")
    parent, _, _, decision = _parts(demo_store, review_id)
    docs.set_withheld(demo_store, review_id, parent, [decision, "venue"])
    docs.set_withheld(demo_store, review_id, "person:999999", ["venue"])  # someone no longer in the record
    with demo_store.session() as s:
        s.delete(s.get(Decision, int(decision.split(":")[1])))
    sent = send(demo_store, FULL_CHILD, tmp_path / "handover.iro", kdf=TEST_KDF)
    receive(other_store, read_handover(sent.path, sent.code))
    new_review = _review_with_decisions(other_store, "DEMO0002")
    new_parent = _parts(other_store, new_review)[0]
    assert docs.withholding(other_store, new_review) == {new_parent: ["venue"]}


@pytest.mark.parametrize(
    ("texts", "why"),
    [
        ({"profile.iro_name": "Mallory"}, "is not one this version writes"),  # not a setting about the child
        ({"documents.letter.review.999999": "Dear"}, "points at a row of reviews that is not in the file"),
        ({"documents.withheld.review.{review}": {"child": ["script:1"]}}, "is not one this version writes"),
        ({"documents.letter.review.{review}": ["not", "text"]}, "a letter is not text"),
        ({"minutes.draft.review.{review}": {"password": "x"}}, "not in the form this version writes"),
        ([], "not an object"),
    ],
)
def test_hostile_texts_refuse_the_whole_file(other_store, sent, texts, why):
    opened = sent.handover
    review = opened.payload["tables"]["reviews"][0]["id"]
    if isinstance(texts, dict):
        texts = {key.format(review=review): value for key, value in texts.items()}
    bad = type(opened)({**opened.payload, "texts": texts}, opened.fingerprint)
    with pytest.raises(HandoverError, match=why):
        receive(other_store, bad)
    assert _children(other_store) == 0 and other_store.get_setting("profile.iro_name") is None


def test_a_signed_review_arrives_signed_and_a_correction_continues_its_record(demo_store, other_store, sent):
    """The receiving IRO sees the review signed and read-only; their correction is the next version of the
    same record, naming the hash it supersedes, signed by their own device."""
    receive(other_store, read_handover(sent.path, sent.code))
    with other_store.session() as s:
        first = s.scalars(select(SignedRecord).where(SignedRecord.kind == "review")).first()
        review_id = first.review_id
        review = s.get(Review, review_id)
        assert review.status == "finalised"
    with pytest.raises(Problem, match="signed, so its record cannot change"):
        minutes.save_section(other_store, review_id, "health", "Changed after the handover.")
    open_correction(other_store, review_id)
    minutes.save_section(other_store, review_id, "health", "The dental date was 2 Oct.")
    done = sign_review(other_store, review_id, "The dental date was wrong.")
    assert (done.record_id, done.version, done.supersedes_hash) == (first.record_id, 2, first.content_hash)
    with other_store.session() as s:
        signer = json.loads(s.get(SignedRecord, done.signed_record_id).canonical_json)["signer"]
    assert signer["fingerprint"] == device_fingerprint(other_store) != device_fingerprint(demo_store)


def test_a_file_from_before_the_concern_tables_still_arrives(other_store, sent):
    """The previous version kept a concern's history as a list on its row and its letters as texts."""
    opened = sent.handover
    tables = {k: v for k, v in opened.payload["tables"].items() if k not in LATER_TABLES}
    (concern,) = tables["challenges"]
    history = [
        {"stage": "informal", "on": concern["raised_on"]},  # the demo's shape
        {"event": "cafcass_considered", "on": concern["raised_on"], "reasoning": "Not needed yet"},
    ]
    tables["challenges"] = [{**concern, "history": history}]
    letter = {f"challenges.letter.{concern['id']}.stage_1": "Dear Colin, still late."}
    texts = {**opened.payload["texts"], **letter}
    old = type(opened)({**opened.payload, "tables": tables, "texts": texts}, opened.fingerprint)

    receive(other_store, old)

    with other_store.session() as s:
        new_id = s.scalars(select(Challenge.id)).one()
    facts = challenge_facts.get_challenge(other_store, new_id, TODAY)
    assert [e.kind for e in facts.events] == ["raised", "cafcass_considered"]
    assert facts.cafcass == "Considered"
    assert challenge_letters.letter_draft(other_store, new_id, TODAY, "stage_1") == "Dear Colin, still late."
