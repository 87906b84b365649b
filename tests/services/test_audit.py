"""The audit trail: what was done is recorded, and removing or changing an entry is detected."""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import delete, update

from iro_desktop.services.import903 import import_903
from iro_desktop.store import audit
from iro_desktop.store.models import AuditEntry
from tests.interop.conftest import fake_903


def test_an_untouched_trail_verifies_and_reads_newest_first(store):
    for action in ("unlock", "view_child", "lock"):
        audit.record(store, action, subject="DEMO0001" if action == "view_child" else None)
    assert audit.verify(store) == []
    labels = [e.label for e in audit.entries(store)]
    assert labels == ["Locked", "Opened a child's page", "Unlocked the store"]


def test_a_changed_entry_is_detected(store):
    for action in ("unlock", "export", "lock"):
        audit.record(store, action)
    with store.session() as s:
        s.execute(update(AuditEntry).where(AuditEntry.action == "export").values(detail="nothing happened"))
    assert audit.verify(store) == ["Entry 2: this entry was changed after it was written."]


def test_a_removed_entry_is_detected(store):
    for action in ("unlock", "export", "lock"):
        audit.record(store, action)
    with store.session() as s:
        s.execute(delete(AuditEntry).where(AuditEntry.action == "export"))
    assert audit.verify(store) == ["Entry 3: the entry before it was removed or changed."]


def test_imports_are_recorded_without_personal_data(store):
    import_903(store, fake_903("d2i_fake_tiny"))
    (entry,) = audit.entries(store)
    assert entry.action == "import" and entry.detail.startswith("d2i_fake_tiny: 8 children created")


def test_every_action_the_app_records_has_a_plain_label():
    """The audit view shows ACTIONS' words: an action recorded anywhere without one would show as code."""
    package = Path(audit.__file__).parents[1]
    source = "\n".join(p.read_text(encoding="utf-8") for p in package.rglob("*.py"))
    recorded = set(re.findall(r"audit\.record\(\s*(?:self\.)?_?store,\s*\"([a-z_0-9]+)\"", source))
    assert {"unlock", "lock", "view_child", "finalise", "sync", "backup", "handover_sent"} <= recorded
    assert recorded <= set(audit.ACTIONS)
