"""Migrations: a store made by the first migration upgrades in place; models and migrations agree."""

from __future__ import annotations

import json
from datetime import date

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, select, text

from iro_desktop.store import keys, migrate, open_store
from iro_desktop.store.engine import open_engine
from iro_desktop.store.models import (
    Base,
    ChallengeEvent,
    ChallengeLetter,
    Child,
    Decision,
    Review,
    ReviewText,
    Setting,
    WishEntry,
)
from tests.conftest import PASSPHRASE


def _store_at_first_migration(path):
    data_key, doc = keys.new_key_file(PASSPHRASE, keys.TEST_KDF)
    keys.write_key_file(keys.key_file_for(path), doc)
    engine = open_engine(path, data_key)
    migrate.upgrade(engine, "0001")
    with engine.begin() as conn:
        conn.execute(
            Child.__table__.insert().values(
                child_ref="OLD1",
                first_name="Ioana",
                last_name="Example",
                dob=date(2016, 1, 2),
                review_cycle="standard",
            )
        )
    engine.dispose()


def test_a_store_made_by_the_first_migration_upgrades_on_unlock(tmp_path):
    path = tmp_path / "old.db"
    _store_at_first_migration(path)
    store = open_store(path, PASSPHRASE)
    try:
        assert migrate.current_revision(store.engine) == migrate.head_revision()
        indexes = {ix["name"] for ix in inspect(store.engine).get_indexes("reviews")}
        assert "ix_reviews_child_held" in indexes
        with store.session() as s:
            assert s.scalars(select(Child.first_name)).all() == ["Ioana"]
    finally:
        store.close()


def test_revision_file_names_agree_with_alembic():
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(migrate.alembic_config())
    assert migrate.head_revision() == script.get_current_head()
    assert migrate.known_revisions() == sorted(rev.revision for rev in script.walk_revisions())


def test_the_models_and_the_migrations_describe_the_same_schema(store):
    with store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert [d for d in diff if not _is_search_index(d)] == []


def _is_search_index(diff) -> bool:
    """The FTS5 tables are made by migration SQL, not by the ORM models."""
    return diff[0] == "remove_table" and diff[1].name.startswith("search_index")


def test_minutes_wishes_notes_and_decisions_are_searchable_in_the_store(store):
    from iro_desktop.store.models import Decision, MonitoringNote, Review, ReviewSection, WishEntry

    with store.session() as s:
        child = Child(child_ref="S1", first_name="Siân", last_name="Example", dob=date(2013, 2, 2))
        s.add(child)
        s.flush()
        review = Review(child_id=child.id)
        s.add(review)
        s.flush()
        section = ReviewSection(review_id=review.id, key="contact", text="Weekly contact with grandmother")
        s.add_all(
            [
                section,
                WishEntry(
                    child_id=child.id,
                    recorded_on=date(2026, 1, 1),
                    how_obtained="app",
                    words="I want a trampoline",
                ),
                MonitoringNote(
                    child_id=child.id,
                    noted_on=date(2026, 2, 1),
                    kind="contact",
                    text="Rang the school about the trampoline",
                ),
                Decision(child_id=child.id, action="Book the dentist"),
            ]
        )

    def hits(word):
        with store.engine.connect() as conn:
            return sorted(
                conn.execute(
                    text("SELECT source FROM search_index WHERE search_index MATCH :w"), {"w": word}
                ).scalars()
            )

    assert hits("trampoline") == ["monitoring_notes", "wishes"]
    assert hits("grandmother") == ["review_sections"] and hits("dentist") == ["decisions"]
    with store.session() as s:
        s.get(ReviewSection, section.id).text = "Fortnightly contact with grandad"
    assert hits("grandmother") == [] and hits("grandad") == ["review_sections"]
    with store.session() as s:
        s.delete(s.get(ReviewSection, section.id))
    assert hits("grandad") == []


def _store_at(path, revision: str):
    data_key, doc = keys.new_key_file(PASSPHRASE, keys.TEST_KDF)
    keys.write_key_file(keys.key_file_for(path), doc)
    engine = open_engine(path, data_key)
    migrate.upgrade(engine, revision)
    return engine


def test_a_store_from_before_review_states_upgrades_its_reviews_texts_and_wishes(tmp_path):
    """0004: states from the old status and source, review texts out of settings, consent may be unset."""
    path = tmp_path / "old.db"
    engine = _store_at(path, "0003")
    sql = [
        "INSERT INTO children (id, child_ref, first_name, last_name, dob, review_cycle, created_at) "
        "VALUES (1, 'OLD1', 'Ioana', 'Example', '2016-01-02', 'standard', '2026-01-01')",
        "INSERT INTO periods_of_care (id, child_id, start_date) VALUES (1, 1, '2024-01-08')",
        "INSERT INTO periods_of_care VALUES (2, 1, '2020-01-08', '2021-01-08', NULL)",
    ]
    reviews = {  # id: (status, source, held, planned, adjourned_on, period)
        1: ("held", "903", "2025-01-10", None, None, 1),
        2: ("held", "app", "2025-07-10", None, None, 1),
        3: ("held", "app", "2026-01-10", None, None, 1),  # reopened for correction: it has a signed record
        4: ("planned", "app", None, "2026-12-10", "2026-11-20", 1),
        5: ("planned", "app", None, "2021-03-01", None, 2),  # care ended before it met
    }
    for rid, (status, source, held, planned, adjourned, period) in reviews.items():
        sql.append(
            "INSERT INTO reviews (id, child_id, period_id, kind, status, held_date, planned_date, "
            f"adjourned_on, source, updated_at) VALUES ({rid}, 1, {period}, 'standard', '{status}', "
            f"{repr(held) if held else 'NULL'}, {repr(planned) if planned else 'NULL'}, "
            f"{repr(adjourned) if adjourned else 'NULL'}, '{source}', '2026-01-01')"
        )
    sql += [
        "INSERT INTO signed_records (id, record_id, version, kind, child_id, review_id, canonical_json, "
        "content_hash, signature, created_at) "
        "VALUES (1, 'r', 1, 'review', 1, 3, x'7b7d', 'h', x'00', '2026-01-01')",
        "INSERT INTO wishes (id, child_id, review_id, recorded_on, how_obtained, words, agreed_to_share) "
        "VALUES (1, 1, 2, '2025-07-10', 'app', 'I want a trampoline', 1)",
        "INSERT INTO decisions (id, child_id, review_id, action, status, wish_id) "
        "VALUES (1, 1, 2, 'Look into a trampoline', 'open', 1)",
    ]
    settings = {
        "documents.letter.review.2": '"Dear Ioana"',
        "documents.withheld.review.2": '{"person:9": ["venue"]}',
        "minutes.draft.review.4": '{"wish": "I miss"}',
        "minutes.draft.review.99": '{"wish": "gone"}',  # its review is long gone
    }
    sql += [f"INSERT INTO settings (key, value) VALUES ('{k}', '{v}')" for k, v in settings.items()]
    with engine.begin() as conn:
        for statement in sql:
            conn.exec_driver_sql(statement)
    engine.dispose()

    store = open_store(path, PASSPHRASE)
    try:
        with store.session() as s:
            states = dict(s.execute(select(Review.id, Review.status)).all())
            texts = sorted(s.execute(select(ReviewText.review_id, ReviewText.kind, ReviewText.value)).all())
            leftover = s.scalars(select(Setting.key).where(Setting.key.like("%.review.%"))).all()
            s.add(WishEntry(child_id=1, review_id=4, recorded_on=date(2026, 11, 20), how_obtained="app",
                            words="Can we get a rabbit", agreed_to_share=None))
        assert states == {1: "imported", 2: "held", 3: "correcting", 4: "adjourned", 5: "cancelled"}
        assert texts == [
            (2, "letter", "Dear Ioana"),
            (2, "withheld", {"person:9": ["venue"]}),
            (4, "drafts", {"wish": "I miss"}),
        ]
        assert leftover == []  # the orphaned draft went too
        with store.session() as s:
            assert s.get(Decision, 1).wish_id == 1  # rebuilding the wishes table broke no link
            found = s.execute(text("SELECT source FROM search_index WHERE search_index MATCH 'rabbit'")).all()
        assert found == [("wishes",)]  # its search triggers were made again
    finally:
        store.close()


def test_a_store_from_before_challenge_tables_upgrades_its_letters_and_both_history_shapes(tmp_path):
    """0005: edited concern letters out of settings, each history entry a typed event, the JSON gone."""
    path = tmp_path / "old.db"
    engine = _store_at(path, "0004")
    service_history = [
        {
            "on": "2026-09-01",
            "event": "raised",
            "stage": "informal",
            "expected": "A plan",
            "expected_by": "2026-09-30",
            "child_view": "Ioana wants to know",
            "about": "review 2",
        },
        {
            "on": "2026-09-03",
            "event": "informal",
            "spoke_with": "Ms Social Worker",
            "conversation": "Talked",
            "agreed_action": "Write the plan",
            "action_by": "2026-09-20",
        },
        {
            "on": "2026-09-25",
            "event": "stage",
            "stage": "stage_2",
            "addressee": "Mr Manager",
            "response_due": "2026-10-02",
            "skipped": ["stage_1"],
        },
        {
            "on": "2026-10-01",
            "event": "response",
            "at_stage": "stage_2",
            "from": "Mr Manager",
            "response": "Plan on its way",
            "outcome": "partly_resolved",
        },
        {
            "on": "2026-10-02",
            "event": "child_told",
            "concern": True,
            "advocacy": True,
            "complaints": False,
            "note": "",
        },
        {"on": "2026-10-03", "event": "letter_signed", "letter_stage": "stage_2", "record": "C-1-v1"},
    ]
    demo_history = [
        {"stage": "informal", "on": "2026-08-01"},
        {"stage": "stage_1", "on": "2026-08-08", "note": "Reply promised a date"},
        {"stage": "resolved", "on": "2026-08-15"},
    ]
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO children (id, child_ref, first_name, last_name, dob, review_cycle, created_at) "
            "VALUES (1, 'OLD1', 'Ioana', 'Example', '2016-01-02', 'standard', '2026-01-01')"
        )
        for cid, history, outcome in ((1, service_history, "partly_resolved"), (2, demo_history, "resolved")):
            conn.execute(
                text(
                    "INSERT INTO challenges (id, child_id, issue, raised_on, stage, outcome, history) "
                    "VALUES (:id, 1, 'drift', '2026-08-01', 'stage_2', :outcome, :history)"
                ),
                {"id": cid, "outcome": outcome, "history": json.dumps(history)},
            )
        letters = {
            "challenges.letter.1.stage_2": '"Dear Mr Manager"',
            "challenges.letter.7.stage_1": '"gone"',  # its concern is long gone
        }
        for key, value in letters.items():
            conn.execute(text("INSERT INTO settings (key, value) VALUES (:k, :v)"), {"k": key, "v": value})
    engine.dispose()

    store = open_store(path, PASSPHRASE)
    try:
        with store.session() as s:
            saved = s.execute(
                select(ChallengeLetter.challenge_id, ChallengeLetter.stage, ChallengeLetter.text)
            ).all()
            events = s.scalars(select(ChallengeEvent).order_by(ChallengeEvent.id)).all()
            leftover = s.scalars(select(Setting.key).where(Setting.key.like("challenges.letter.%"))).all()
            steps = [(e.challenge_id, e.kind, e.on_date.isoformat(), e.stage, e.person) for e in events]
            first_raised, informal, reached, reply, told, signed = events[:6]
        columns = {c["name"] for c in inspect(store.engine).get_columns("challenges")}
    finally:
        store.close()
    assert saved == [(1, "stage_2", "Dear Mr Manager")]
    assert leftover == []
    assert "history" not in columns
    assert steps == [
        (1, "raised", "2026-09-01", None, None),
        (1, "informal", "2026-09-03", None, "Ms Social Worker"),
        (1, "stage_reached", "2026-09-25", "stage_2", "Mr Manager"),
        (1, "response_received", "2026-10-01", "stage_2", "Mr Manager"),
        (1, "child_told", "2026-10-02", None, None),
        (1, "letter_signed", "2026-10-03", "stage_2", None),
        (2, "raised", "2026-08-01", None, None),
        (2, "stage_reached", "2026-08-08", "stage_1", None),
        (2, "closed", "2026-08-15", None, None),
    ]
    assert (first_raised.expected, first_raised.expected_by, first_raised.about) == (
        "A plan",
        date(2026, 9, 30),
        "review 2",
    )
    assert (informal.text, informal.agreed_action, informal.action_by) == (
        "Talked",
        "Write the plan",
        date(2026, 9, 20),
    )
    assert (reached.response_due, reached.skipped) == (date(2026, 10, 2), "stage_1")
    assert (reply.text, reply.outcome) == ("Plan on its way", "partly_resolved")
    assert (told.told_concern, told.told_advocacy, told.told_complaints) == (True, True, False)
    assert signed.record == "C-1-v1"
    assert events[7].note == "Reply promised a date" and events[8].outcome == "resolved"
