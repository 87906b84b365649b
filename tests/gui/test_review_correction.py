"""Correcting a finalised record in the review workspace: the signed version stays, a new one names it."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox
from sqlalchemy import select

from iro_desktop.gui.review.workspace import ReviewWorkspace
from iro_desktop.services import minutes
from iro_desktop.store.models import Review, SignedRecord
from tests.conftest import TODAY, sign_review


def test_a_finalised_review_is_corrected_as_a_new_signed_version(qtbot, demo_store, monkeypatch):
    with demo_store.session() as s:
        review_id = s.scalars(select(Review.id).where(Review.status == "finalised")).first()
        first = s.scalars(select(SignedRecord).where(SignedRecord.review_id == review_id)).one()
    workspace = ReviewWorkspace(demo_store, review_id, TODAY, "Review")
    qtbot.addWidget(workspace)
    assert not workspace.correct_button.isHidden() and workspace.finalise_button.isHidden()
    assert workspace.banner.text().startswith("Signed on 25 Nov 2026, version 1.")
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    workspace.correct_button.click()
    assert workspace.correct_button.isHidden() and not workspace.finalise_button.isHidden()
    assert workspace.finalise_button.text() == "F&inalise the correction..."
    assert "Version 1 stays in force until you sign version 2" in workspace.banner.text()
    assert not workspace.signed_button.isHidden()  # the version in force can still be read
    minutes.save_section(demo_store, review_id, "health", "Dental check-up done on 2 Oct (corrected date).")
    done = sign_review(demo_store, review_id, correction_reason="The dental date was wrong.")
    with demo_store.session() as s:
        versions = s.scalars(
            select(SignedRecord)
            .where(SignedRecord.record_id == first.record_id)
            .order_by(SignedRecord.version)
        ).all()
    assert [v.version for v in versions] == [1, 2] and versions[0].content_hash == first.content_hash
    assert versions[1].supersedes_hash == first.content_hash and done.signed_record_id == versions[1].id
