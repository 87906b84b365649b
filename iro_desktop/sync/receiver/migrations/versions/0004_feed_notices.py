"""The feed of the council's changes for the IROs' devices, the latest of each child's parts, notices

Revision ID: 0004
Revises: 0003

- feed: the changes published for children, in order (seq); allocations gain since_seq and until_seq, the
  window of the feed the allocated IRO sees.
- An allocation open at the upgrade gets an "allocated" change, so its IRO's devices learn of the child.
- feed_latest: each child's 903 rows and details as last published.
- notices: what the council tells an IRO, with the date it needs an answer by, and the answer.
"""

import json
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_WHEN = sa.DateTime(timezone=True)
_EMPTY_SNAPSHOT = json.dumps({"903": None, "details": None, "notices": []}, separators=(",", ":"))


def upgrade() -> None:
    op.create_table(
        "feed",
        sa.Column("seq", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("child_id", sa.String(40), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("at", _WHEN, nullable=False),
    )
    op.create_index("ix_feed_child_seq", "feed", ["child_id", "seq"])
    op.create_table(
        "feed_latest",
        sa.Column("child_id", sa.String(40), primary_key=True),
        sa.Column("part", sa.String(10), primary_key=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
    )
    op.create_table(
        "notices",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("child_id", sa.String(40), nullable=False),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("summary", sa.String(300), nullable=False),
        sa.Column("details", sa.Text(), nullable=False),
        sa.Column("answer_by", sa.String(10), nullable=False),
        sa.Column("raised_at", _WHEN, nullable=False),
        sa.Column("raised_by", sa.String(120), nullable=False),
        sa.Column("answer", sa.String(20), nullable=True),
        sa.Column("answer_note", sa.Text(), nullable=True),
        sa.Column("answered_on", sa.String(10), nullable=True),
        sa.Column("answered_at", _WHEN, nullable=True),
        sa.Column("answered_by", sa.String(35), nullable=True),
    )
    op.create_index("ix_notices_child_id", "notices", ["child_id"])
    with op.batch_alter_table("allocations") as batch_op:
        batch_op.add_column(sa.Column("since_seq", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("until_seq", sa.Integer(), nullable=True))
    _announce_open_allocations()


def _announce_open_allocations() -> None:
    conn = op.get_bind()
    allocations = sa.table(
        "allocations", sa.column("id"), sa.column("child_id"), sa.column("until"), sa.column("since_seq")
    )
    feed = sa.table("feed", sa.column("seq"), sa.column("child_id"), sa.column("kind"), sa.column("body"),
                    sa.column("at"))  # fmt: skip
    opened = conn.execute(
        sa.select(allocations.c.id, allocations.c.child_id).where(allocations.c.until.is_(None))
    ).all()
    for allocation_id, child_id in sorted(opened):
        row = {"child_id": child_id, "kind": "allocated", "body": _EMPTY_SNAPSHOT, "at": datetime.now(UTC)}
        seq = conn.execute(sa.insert(feed).values(row).returning(feed.c.seq)).scalar_one()
        conn.execute(sa.update(allocations).where(allocations.c.id == allocation_id).values(since_seq=seq))


def downgrade() -> None:
    with op.batch_alter_table("allocations") as batch_op:
        batch_op.drop_column("until_seq")
        batch_op.drop_column("since_seq")
    op.drop_index("ix_notices_child_id", table_name="notices")
    op.drop_table("notices")
    op.drop_table("feed_latest")
    op.drop_index("ix_feed_child_seq", table_name="feed")
    op.drop_table("feed")
