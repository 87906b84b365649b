"""Prepare and minute a review with networking switched off: it completes and nothing tries to connect."""

from __future__ import annotations

import socket
from datetime import date

import pytest
from PySide6.QtWidgets import QComboBox, QLineEdit, QPlainTextEdit, QPushButton
from sqlalchemy import select

from iro_desktop.documents.agenda import render_agenda
from iro_desktop.gui.forms import find
from iro_desktop.gui.review.minute import MinutePage
from iro_desktop.services import minutes as svc
from iro_desktop.services.review_prep import next_review_for, record_private_conversation, review_pack
from iro_desktop.services.search import search
from iro_desktop.store.models import Child
from tests.conftest import TODAY


@pytest.fixture
def no_network(monkeypatch):
    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(args[1:] if args else kwargs)
        raise OSError("Networking is switched off for this test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    return attempts


def test_prepare_and_minute_a_review_offline(qtbot, demo_store, no_network):
    with demo_store.session() as s:
        child_id = s.scalars(select(Child.id).where(Child.first_name.is_not(None)).order_by(Child.id)).first()
    review_id = next_review_for(demo_store, child_id)
    pack = review_pack(demo_store, review_id, TODAY)
    assert render_agenda(pack, "Example Borough Council", "Alex Example", TODAY).startswith(b"%PDF")
    record_private_conversation(
        demo_store,
        review_id,
        happened=True,
        on=TODAY,
        place="At home",
        words="I like it here.",
        agreed_to_share=True,
    )
    svc.set_held_date(demo_store, review_id, TODAY)

    page = MinutePage(demo_store, review_id, TODAY)
    qtbot.addWidget(page)
    page.show()
    qtbot.keyClicks(
        page.current_editor(), "Everything from the last review was done; no recieved complaints."
    )
    combo = page.participation_combo
    combo.setCurrentIndex(combo.count() - 1)
    find(page, QPlainTextEdit, "wishWords").setPlainText("Please keep my bedroom as it is.")
    share = find(page, QComboBox, "wishShareCombo")
    share.setCurrentIndex(share.findData(True))
    find(page, QPushButton, "addWishButton").click()
    find(page, QLineEdit, "decisionAction").setText("Keep the current bedroom arrangements")
    find(page, QComboBox, "decisionPerson").setEditText("Alex Example")
    find(page, QPushButton, "due20Button").click()
    find(page, QPushButton, "addDecisionButton").click()
    page.next_review.commit_date(date(2027, 5, 1))
    page.flush()

    m = svc.minutes(demo_store, review_id, TODAY)
    assert m.sections[0].text.startswith("Everything from the last review was done")
    assert len(m.decisions) == 1 and m.next_review_date is not None and m.participation_code
    assert search(demo_store, "bedroom")
    assert no_network == []
