"""each device's records in its own namespace; who decided on a device; audit trail heads

Revision ID: 0002
Revises: 0001

- A record id belongs to the device that signed it: the records table's uniqueness is per sender (sender,
  record id, predecessor) and (sender, content hash), so no other device can take an id or a hash first.
  The table is rebuilt (SQLite changes a constraint only that way; PostgreSQL the same, for one path).
- devices.decided_by: the account that approved or revoked the key, for the signed enrolment list.
- trail_heads, trail_events: the head of each device's audit trail as last synced, and what happened to it.
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_RECORD_COLUMNS = (
    "id record_id record_version content_hash sender kind canonical_json pdf pdf_hash signature "
    "supersedes_hash supersedes_key received_at receipt_json receipt_signature"
).split()


def _records_table(name: str, *constraints) -> None:
    op.create_table(
        name,
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("record_id", sa.String(200), nullable=False),
        sa.Column("record_version", sa.Integer(), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("sender", sa.String(35), nullable=False),
        sa.Column("kind", sa.String(50), nullable=False),
        sa.Column("canonical_json", sa.LargeBinary(), nullable=False),
        sa.Column("pdf", sa.LargeBinary(), nullable=True),
        sa.Column("pdf_hash", sa.String(64), nullable=True),
        sa.Column("signature", sa.String(200), nullable=False),
        sa.Column("supersedes_hash", sa.String(64), nullable=True),
        sa.Column("supersedes_key", sa.String(64), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("receipt_json", sa.Text(), nullable=False),
        sa.Column("receipt_signature", sa.String(200), nullable=False),
        *constraints,
    )


def _rebuild_records(*constraints) -> None:
    for column in ("record_id", "sender", "received_at"):
        op.drop_index(f"ix_records_{column}", table_name="records")
    _records_table("records_next", *constraints)
    columns = ", ".join(_RECORD_COLUMNS)
    op.execute(f"INSERT INTO records_next ({columns}) SELECT {columns} FROM records")
    op.drop_table("records")
    op.rename_table("records_next", "records")
    for column in ("record_id", "sender", "received_at"):
        op.create_index(f"ix_records_{column}", "records", [column])
    if op.get_bind().dialect.name == "postgresql":
        # The table's key and sequence take the names a new database gives them; new rows number on from
        # the copied ones.
        op.execute("ALTER INDEX records_next_pkey RENAME TO records_pkey")
        op.execute("ALTER SEQUENCE records_next_id_seq RENAME TO records_id_seq")
        op.execute(
            "SELECT setval(pg_get_serial_sequence('records', 'id'), COALESCE(MAX(id), 0) + 1, false) "
            "FROM records"
        )


def upgrade() -> None:
    _rebuild_records(
        sa.UniqueConstraint("sender", "record_id", "supersedes_key", name="uq_records_sender_record_version"),
        sa.UniqueConstraint("sender", "content_hash", name="uq_records_sender_content_hash"),
    )
    with op.batch_alter_table("devices") as batch_op:
        batch_op.add_column(sa.Column("decided_by", sa.String(100), nullable=True))
    op.create_table(
        "trail_heads",
        sa.Column("fingerprint", sa.String(35), primary_key=True),
        sa.Column("entries", sa.Integer(), nullable=False),
        sa.Column("head_hash", sa.String(64), nullable=False),
        sa.Column("restore_hash", sa.String(64), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "trail_events",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("fingerprint", sa.String(35), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("from_entries", sa.Integer(), nullable=False),
        sa.Column("to_entries", sa.Integer(), nullable=False),
        sa.Column("detail", sa.String(300), nullable=False),
    )
    op.create_index("ix_trail_events_fingerprint", "trail_events", ["fingerprint"])


def downgrade() -> None:
    op.drop_index("ix_trail_events_fingerprint", table_name="trail_events")
    op.drop_table("trail_events")
    op.drop_table("trail_heads")
    with op.batch_alter_table("devices") as batch_op:
        batch_op.drop_column("decided_by")
    _rebuild_records(
        sa.UniqueConstraint("record_id", "supersedes_key", name="records_record_id_supersedes_key_key"),
        sa.UniqueConstraint("content_hash", name="records_content_hash_key"),
    )
