"""Alembic runs inside the unlocked store: the caller passes the open connection in the config."""

from alembic import context

from iro_desktop.store.models import Base

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
