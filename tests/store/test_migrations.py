"""Migrations: a store made by the first migration upgrades in place; models and migrations agree."""

from __future__ import annotations

from datetime import date

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, select, text

from iro_desktop.store import keys, migrate, open_store
from iro_desktop.store.engine import open_engine
from iro_desktop.store.models import Base, Child
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
