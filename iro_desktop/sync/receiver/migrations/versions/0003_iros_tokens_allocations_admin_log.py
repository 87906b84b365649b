"""IRO accounts, administrator tokens, allocations of children to IROs, the log of administrative acts

Revision ID: 0003
Revises: 0002

- iros: an IRO's account; devices.iro_id binds an approved device to one (none on devices approved before).
- admin_tokens: the council's systems' bearer tokens, as SHA-256 hashes only.
- allocations: a child allocated to an IRO from `since` until `until`; one open row per child (a partial
  unique index, on SQLite and PostgreSQL alike).
- admin_log: every administrative act, appended.
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "iros",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(100), nullable=False, unique=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", _WHEN, nullable=False),
        sa.Column("created_by", sa.String(100), nullable=False),
    )
    with op.batch_alter_table("devices") as batch_op:
        batch_op.add_column(sa.Column("iro_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key("fk_devices_iro_id", "iros", ["iro_id"], ["id"])
    op.create_table(
        "admin_tokens",
        sa.Column("name", sa.String(100), primary_key=True),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("created_at", _WHEN, nullable=False),
        sa.Column("created_by", sa.String(100), nullable=False),
        sa.Column("last_used_at", _WHEN, nullable=True),
        sa.Column("revoked_at", _WHEN, nullable=True),
    )
    op.create_table(
        "allocations",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("child_id", sa.String(40), nullable=False),
        sa.Column(
            "iro_id", sa.Integer(), sa.ForeignKey("iros.id", name="fk_allocations_iro_id"), nullable=False
        ),
        sa.Column("since", _WHEN, nullable=False),
        sa.Column("until", _WHEN, nullable=True),
    )
    op.create_index("ix_allocations_child_id", "allocations", ["child_id"])
    op.create_index("ix_allocations_iro_id", "allocations", ["iro_id"])
    op.create_index(
        "uq_allocations_open_child",
        "allocations",
        ["child_id"],
        unique=True,
        sqlite_where=sa.text("until IS NULL"),
        postgresql_where=sa.text("until IS NULL"),
    )
    op.create_table(
        "admin_log",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("at", _WHEN, nullable=False),
        sa.Column("actor", sa.String(120), nullable=False),
        sa.Column("act", sa.String(40), nullable=False),
        sa.Column("subject", sa.String(200), nullable=False),
        sa.Column("detail", sa.String(300), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("admin_log")
    op.drop_index("uq_allocations_open_child", table_name="allocations")
    op.drop_index("ix_allocations_iro_id", table_name="allocations")
    op.drop_index("ix_allocations_child_id", table_name="allocations")
    op.drop_table("allocations")
    op.drop_table("admin_tokens")
    with op.batch_alter_table("devices") as batch_op:
        batch_op.drop_constraint("fk_devices_iro_id", type_="foreignkey")
        batch_op.drop_column("iro_id")
    op.drop_table("iros")
