"""Signing a concern's letter: the IRO's wording frozen into a signed record, queued for the council,
and no longer editable; the next stage's letter is a new version that supersedes it."""

from __future__ import annotations

import io
import json
from datetime import date

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from iro_desktop.problems import Problem
from iro_desktop.records.export import export_record, verify_file
from iro_desktop.records.sealed import printed_id, render_record_pdf
from iro_desktop.records.signing import sha256_hex
from iro_desktop.services import challenge_facts, challenge_letters
from iro_desktop.services import challenges as ch
from iro_desktop.services.caseload import load_caseload
from iro_desktop.services.finalise import FinaliseRefused, finalise_challenge
from iro_desktop.store.models import OutboxItem, SignedRecord
from tests.conftest import PASSPHRASE, TODAY

MON = date(2026, 11, 16)
WORDING = "Please allocate Tomasz a social worker this week: he has had none for seven weeks."


def _at_stage_1(store) -> int:
    child_id = load_caseload(store, TODAY)[0].id
    cid = ch.raise_concern(
        store, child_id, issue="no_social_worker", details="No social worker.", raised_on=MON
    )
    ch.escalate(store, cid, "stage_1", MON)
    challenge_letters.save_letter_text(store, cid, "stage_1", WORDING)
    return cid


def _row(store, signed_id) -> SignedRecord:
    with store.session() as s:
        return s.get(SignedRecord, signed_id)


def _pdf_text(pdf: bytes) -> str:
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)


def test_the_signed_letter_holds_the_iros_wording_and_is_queued(demo_store):
    cid = _at_stage_1(demo_store)
    done = finalise_challenge(demo_store, cid)
    row = _row(demo_store, done.signed_record_id)
    doc = json.loads(row.canonical_json)
    assert row.kind == "challenge_letter" and doc["content"]["details"]["text"] == WORDING
    pdf = render_record_pdf(doc)
    assert sha256_hex(pdf) == row.pdf_hash and "Please allocate Tomasz" in _pdf_text(pdf)
    assert printed_id(done.record_id, 1) in _pdf_text(pdf)
    with demo_store.session() as s:
        state = s.scalars(select(OutboxItem.state).where(OutboxItem.signed_record_id == row.id)).one()
    assert state == "queued"
    view = challenge_facts.get_challenge(demo_store, cid, TODAY)
    assert view.letter_signed and "letter was signed as record" in view.events[-1].text


def test_a_signed_letter_can_no_longer_be_changed_or_signed_twice(demo_store):
    cid = _at_stage_1(demo_store)
    finalise_challenge(demo_store, cid)
    with pytest.raises(Problem, match="can no longer be changed"):
        challenge_letters.save_letter_text(demo_store, cid, "stage_1", "Something else entirely.")
    assert challenge_letters.letter_draft(demo_store, cid, TODAY) == WORDING
    with pytest.raises(FinaliseRefused, match="can no longer be changed"):
        finalise_challenge(demo_store, cid)


def test_the_next_stages_letter_is_a_new_version_that_supersedes_the_first(demo_store, tmp_path):
    cid = _at_stage_1(demo_store)
    first = finalise_challenge(demo_store, cid)
    ch.escalate(demo_store, cid, "stage_2", date(2026, 11, 24))
    assert not challenge_facts.get_challenge(demo_store, cid, TODAY).letter_signed
    # the signing is a note for the IRO only
    assert "signed as record" not in challenge_letters.letter_draft(demo_store, cid, TODAY)
    challenge_letters.save_letter_text(demo_store, cid, "stage_2", "No reply came from the team manager.")
    second = finalise_challenge(demo_store, cid)
    assert (second.record_id, second.version) == (first.record_id, 2)
    assert second.supersedes_hash == first.content_hash
    doc = json.loads(_row(demo_store, second.signed_record_id).canonical_json)
    assert doc["content"]["details"]["text"] == "No reply came from the team manager."
    assert "signed as record" not in _pdf_text(render_record_pdf(doc))
    path = tmp_path / "letter.json"
    export_record(demo_store, second.record_id, path)
    assert verify_file(path).intact


def test_a_closed_concern_has_no_letter_to_sign(demo_store):
    cid = _at_stage_1(demo_store)
    ch.record_response(demo_store, cid, date(2026, 11, 20), "Allocated.", outcome="resolved")
    with pytest.raises(FinaliseRefused, match="This concern is closed"):
        finalise_challenge(demo_store, cid)


def test_the_commands_list_concerns_and_sign_a_letter(demo_store, store_path, monkeypatch, capsys):
    from iro_desktop.cli import main

    cid = _at_stage_1(demo_store)
    monkeypatch.setenv("IRO_DESKTOP_PASSPHRASE", PASSPHRASE)
    db = ["--db", str(store_path), "--as-of", "2026-11-25"]
    assert main(["concerns", *db]) == 0
    listed = [line for line in capsys.readouterr().out.splitlines() if line.strip().startswith(str(cid))]
    assert len(listed) == 1 and "No allocated social worker: Stage 1: Team manager" in listed[0]
    assert main(["sign-letter", str(cid), *db]) == 0
    assert capsys.readouterr().out.startswith("Signed and queued for the council: record ")
    assert main(["sign-letter", str(cid), *db]) == 2
    assert "Not signed: This stage's letter is signed" in capsys.readouterr().err
    assert main(["concerns", "--json", *db]) == 0
    (mine,) = [c for c in json.loads(capsys.readouterr().out) if c["id"] == cid]
    assert mine["letters_signed"] == ["stage_1"] and mine["stage"] == "stage_1"
    assert main(["outbox", "--db", str(store_path)]) == 0
    assert any(line.startswith("Concern letter ") for line in capsys.readouterr().out.splitlines())
    assert main(["sign-letter", "99999", *db]) == 2
    assert "no longer in the store" in capsys.readouterr().err
