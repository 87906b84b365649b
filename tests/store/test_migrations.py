"""Migrations: a store made by the first migration upgrades in place; models and migrations agree."""

from __future__ import annotations

from datetime import date

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, select

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
    assert diff == []
