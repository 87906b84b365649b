"""A review with every field at its stated maximum still signs, draws its PDF and reaches the council in
one request under the receiver's limit: the limits in services/text_limits.py hold together."""

from __future__ import annotations

import json
from datetime import date

from iro_desktop.records.bundle import to_json
from iro_desktop.records.export import record_bundle
from iro_desktop.services import documents, review_prep, text_limits
from iro_desktop.services import minutes as svc
from iro_desktop.services.sync import sync_once
from iro_desktop.store.models import Child, Episode, PeriodOfCare
from iro_desktop.sync.protocol import MAX_BODY_BYTES
from tests.conftest import TODAY, sign_review
from tests.sync.live import LiveReceiver, enrolled

D = date.fromisoformat
# Welsh and Polish letters take two bytes each in UTF-8, so the text is heavier than plain English.
WORDS = "Mae Siân yn hapus yn yr ysgol; Zofia chce zostać z rodzeństwem. ".split()


def text(n: int) -> str:
    """Exactly n characters of ordinary prose, sentences and all."""
    out, size, i = [], 0, 0
    while size < n:
        word = WORDS[i % len(WORDS)]
        out.append(word)
        size += len(word) + 1
        i += 1
    return " ".join(out)[:n]


def _full_review(store) -> int:
    with store.session() as s:
        child = Child(child_ref="F-9", first_name="Siân", last_name="Prydderch", dob=D("2014-05-02"))
        period = PeriodOfCare(start_date=D("2024-01-08"))
        period.episodes = [
            Episode(start_date=D("2024-01-08"), reason_new="S", legal_status="C2", placement_type="U4")
        ]
        child.periods = [period]
        s.add(child)
        s.flush()
        child_id = child.id
    review_id = review_prep.next_review_for(store, child_id)
    review_prep.set_when_where(store, review_id, D("2026-11-20"), "10:00", text(text_limits.NAME))
    for kind in review_prep.REPORT_KINDS:
        review_prep.set_report(store, review_id, kind, True, D("2026-11-10"), text(text_limits.REASON))
    review_prep.record_private_conversation(
        store,
        review_id,
        happened=True,
        on=D("2026-11-18"),
        place=text(text_limits.NAME),
        words=text(text_limits.WORDS),
        agreed_to_share=True,
    )
    svc.set_held_date(store, review_id, D("2026-11-20"))
    svc.set_participation(store, review_id, "PN1")
    for key in svc.SECTION_KEYS:
        svc.save_section(store, review_id, key, text(text_limits.SECTION))
    for n in range(text_limits.PARTS):
        label = text(text_limits.PART_LABEL - 3) + f"{n:03}"
        svc.add_part(store, review_id, label, None, text(text_limits.NAME))
    people = text_limits.ATTENDEES - 1  # the child is on the invitation list already
    for n in range(people):
        svc.set_attendance(store, review_id, None, text(text_limits.NAME - 3) + f"{n:03}", "other", "present")
    for _ in range(text_limits.WISHES - 1):  # the private conversation's words are one of them
        svc.add_wish(store, review_id, text(text_limits.WORDS), "app", True)
    for _ in range(text_limits.DECISIONS):
        svc.add_decision(store, review_id, text(text_limits.ACTION), text(text_limits.NAME), D("2026-12-04"))
    documents.save_letter_text(store, review_id, text(text_limits.LETTER))
    return review_id


def test_a_review_with_every_field_full_signs_and_reaches_the_council(store, tmp_path):
    review_id = _full_review(store)
    done = sign_review(store, review_id)
    bundle = record_bundle(store, done.record_id)
    assert json.loads(bundle.canonical_json)["finalised_on"] == TODAY.isoformat()  # by the store's clock
    body = to_json(bundle)
    assert len(body) < MAX_BODY_BYTES, f"{len(body):,} bytes: over the receiver's {MAX_BODY_BYTES:,}"
    receiver = LiveReceiver(tmp_path).start()
    try:
        enrolled(store, receiver)
        report = sync_once(store, receiver.url)
        assert report.delivered == [done.record_id] and not report.rejected and not report.retried, report
        assert receiver.count() == 1
    finally:
        receiver.stop()
