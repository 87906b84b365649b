"""the receiver's first tables, as the receiver created them before it had migrations

Revision ID: 0001
Revises:

Constraint names are the ones PostgreSQL gave the tables when they were made without migrations, so a
later revision finds them by name on a database of either age.
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "devices",
        sa.Column("fingerprint", sa.String(35), primary_key=True),
        sa.Column("public_key", sa.LargeBinary(32), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("enrolled_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_table(
        "records",
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
        sa.UniqueConstraint("record_id", "supersedes_key", name="records_record_id_supersedes_key_key"),
        sa.UniqueConstraint("content_hash", name="records_content_hash_key"),
    )
    for column in ("record_id", "sender", "received_at"):
        op.create_index(f"ix_records_{column}", "records", [column])
    op.create_table(
        "nonces",
        sa.Column("fingerprint", sa.String(35), primary_key=True),
        sa.Column("nonce", sa.String(64), primary_key=True),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_nonces_seen_at", "nonces", ["seen_at"])
    op.create_table(
        "refusals",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("method", sa.String(10), nullable=False),
        sa.Column("path", sa.String(300), nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=True),
        sa.Column("status", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(300), nullable=False),
    )


def downgrade() -> None:
    for table in ("refusals", "nonces", "records", "devices"):
        op.drop_table(table)
