"""Alembic for the receiver's database: the caller passes the open connection in the config."""

from alembic import context

from iro_desktop.sync.receiver.storage import ReceiverBase

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=ReceiverBase.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
