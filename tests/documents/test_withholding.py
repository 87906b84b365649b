"""Withheld passages are removed from one recipient's copy, and stay in everyone else's."""

from __future__ import annotations

import io

from pypdf import PdfReader

from iro_desktop.documents.distribution import address_key
from iro_desktop.services import documents as docs
from tests.conftest import TODAY
from tests.documents import gwenllian as g


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def _key_of(store, review_id, name):
    return next(r.key for r in docs.distribution(store, review_id) if r.name == name)


def test_distribution_runs_child_parents_carers_then_professionals(store):
    review_id = g.add_gwenllian(store)
    names = [r.name for r in docs.distribution(store, review_id)]
    assert names[0] == "Gwenllïan Ŵyn"
    assert names.index(g.MOTHER) < names.index(g.CARER) < names.index(g.SOCIAL_WORKER) < names.index(g.AUNT)


def test_carers_address_is_removed_from_the_mothers_copy_only(store):
    review_id = g.add_gwenllian(store)
    mother, father = _key_of(store, review_id, g.MOTHER), _key_of(store, review_id, g.FATHER)
    carer_id = int(_key_of(store, review_id, g.CARER).split(":")[1])
    docs.set_withheld(store, review_id, mother, ["venue", address_key(carer_id), "section:contact:2"])

    mothers = _text(docs.render_review_document(store, review_id, "review_record", TODAY, mother))
    fathers = _text(docs.render_review_document(store, review_id, "review_record", TODAY, father))
    assert "Heol y Dŵr" not in mothers and "monthly, at her home" not in mothers
    assert "withheld from this copy" in mothers and f"Copy for: {g.MOTHER}" in mothers
    assert "Heol y Dŵr" in fathers and "monthly, at her home" in fathers
    assert "Contact with Zofia Wiśniewska is weekly." in mothers  # only the chosen paragraph goes


def test_withholding_choices_are_kept_in_the_store(store):
    review_id = g.add_gwenllian(store)
    docs.set_withheld(store, review_id, "child", ["iro_view"])
    assert docs.withholding(store, review_id) == {"child": ["iro_view"]}
    child_copy = _text(docs.render_review_document(store, review_id, "review_record", TODAY, "child"))
    assert g.IRO_VIEW not in child_copy
