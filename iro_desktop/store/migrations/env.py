"""Alembic runs inside the unlocked store: the caller passes the open connection in the config."""

from alembic import context

from iro_desktop.store.models import Base


def include_object(obj, name, type_, reflected, compare_to):
    """The FTS5 search tables are made by migration SQL (0003), not by the ORM models."""
    return not (type_ == "table" and name.startswith("search_index"))


connection = context.config.attributes["connection"]
context.configure(
    connection=connection, target_metadata=Base.metadata, render_as_batch=True, include_object=include_object
)
with context.begin_transaction():
    context.run_migrations()
