"""Challenge letters at each dispute resolution stage and the Cafcass referral summary share the furniture."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from iro_desktop.documents.challenge_letter import STAGES
from iro_desktop.services import documents as docs
from iro_desktop.store.models import Challenge
from tests.conftest import TODAY


def _first_challenge(store) -> Challenge:
    with store.session() as s:
        return s.scalars(select(Challenge).where(Challenge.stage == "stage_1").order_by(Challenge.id)).first()


@pytest.mark.parametrize("stage", STAGES)
def test_each_stage_has_letterhead_signature_and_marking(demo_store, stage):
    challenge = _first_challenge(demo_store)
    pdf = docs.render_challenge(demo_store, challenge.id, TODAY, stage)
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert challenge.details.split(".")[0] in text
    assert "Independent Reviewing Officer" in text and "Signed:" in text
    assert "OFFICIAL-SENSITIVE" in text and "Page 1 of" in text and "DEMO" in text
    if stage == "cafcass":
        assert "Referral to Cafcass" in text and "s.25B(3)" in text
    else:
        assert f"Dear {challenge.addressee}," in text


def test_an_unknown_stage_is_refused(demo_store):
    with pytest.raises(ValueError, match="no dispute resolution stage"):
        docs.render_challenge(demo_store, _first_challenge(demo_store).id, TODAY, "stage_9")
