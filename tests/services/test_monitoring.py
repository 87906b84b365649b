"""Monitoring notes between reviews (docs/RULES.md M1): dated, of a kind, not after today or before birth."""

from __future__ import annotations

from datetime import date

import pytest

from iro_desktop.problems import Problem
from iro_desktop.services.child import load_child
from iro_desktop.services.monitoring import KINDS, add_note, notes
from iro_desktop.store.models import Child

TODAY = date(2026, 11, 25)
D = date.fromisoformat


@pytest.fixture
def child_id(store) -> int:
    with store.session() as s:
        child = Child(child_ref="C-4410", first_name="Tomasz", last_name="Nowak", dob=D("2024-05-30"))
        s.add(child)
        s.flush()
        return child.id


def test_notes_newest_first_with_plain_kinds(store, child_id):
    add_note(store, child_id, D("2026-10-02"), "contact", "Spoke to the social worker about school.")
    add_note(store, child_id, D("2026-11-18"), "midway_review", "Midway review: plan on track.")
    add_note(store, child_id, D("2026-11-18"), "visit", "Visited Tomasz at his carers' home.")
    listed = notes(store, child_id)
    assert [(n.noted_on, n.kind) for n in listed] == [
        (D("2026-11-18"), "Visit to the child"),
        (D("2026-11-18"), "Midway review"),
        (D("2026-10-02"), "Contact with the social worker or carers"),
    ]
    assert [n.text for n in load_child(store, child_id, TODAY).monitoring] == [n.text for n in listed]


@pytest.mark.parametrize(
    ("noted_on", "kind", "text", "field", "message"),
    [
        pytest.param("2026-11-26", "visit", "Visit", "noted_on", "cannot be in the future", id="future"),
        pytest.param(
            "2024-05-29", "visit", "Visit", "noted_on", "before Tomasz Nowak was born", id="before birth"
        ),
        pytest.param("2026-11-20", "visit", "   ", "text", "the note is empty", id="empty"),
        pytest.param("2026-11-20", "phone", "Call", "kind", "Choose what kind", id="unknown kind"),
        pytest.param(None, "visit", "Visit", "noted_on", "Enter the date", id="no date"),
    ],
)
def test_bad_notes_are_refused_at_their_field(store, child_id, noted_on, kind, text, field, message):
    with pytest.raises(Problem, match=message) as refused:
        add_note(store, child_id, D(noted_on) if noted_on else None, kind, text)
    assert refused.value.field == field
    assert notes(store, child_id) == []


def test_on_the_day_of_birth_and_today_are_fine(store, child_id):
    add_note(store, child_id, D("2024-05-30"), "other", "Born; placed with carers from hospital.")
    add_note(store, child_id, TODAY, "contact", "Call with carers.")
    assert len(notes(store, child_id)) == 2


def test_every_kind_has_a_plain_label():
    assert set(KINDS) == {"contact", "visit", "midway_review", "other"}
    assert all(label[0].isupper() and "_" not in label for label in KINDS.values())
