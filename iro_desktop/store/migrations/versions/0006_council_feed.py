"""the council's feed: changes applied, notices, the council's last values, differences to settle

Revision ID: 0006
Revises: 0005

- council_changes: each change of the feed applied, by its position (the feed's cursor is a setting).
- council_notices: what the council told the IRO, and the IRO's answer.
- council_values and differences: the council's details kept apart from what the IRO recorded.
- children gain council_status, deallocated_on and handed_over_at; people gain council_ref.
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def _child_column(table: str, primary_key: bool = False) -> sa.Column:
    fk = sa.ForeignKey("children.id", ondelete="CASCADE", name=f"fk_{table}_child_id_children")
    return sa.Column("child_id", sa.Integer(), fk, nullable=False, primary_key=primary_key)


def upgrade() -> None:
    op.create_table(
        "council_changes",
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("child_ref", sa.String(40), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("summary", sa.String(300), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.Column("waiting", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("seq", name="pk_council_changes"),
    )
    op.create_index("ix_council_changes_child_ref", "council_changes", ["child_ref"])
    op.create_table(
        "council_notices",
        sa.Column("id", sa.String(36), nullable=False),
        _child_column("council_notices"),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("summary", sa.String(300), nullable=False),
        sa.Column("details", sa.Text(), nullable=False),
        sa.Column("answer_by", sa.Date(), nullable=False),
        sa.Column("raised_on", sa.Date(), nullable=False),
        sa.Column("raised_by", sa.String(120), nullable=False),
        sa.Column("answer", sa.String(20), nullable=True),
        sa.Column("answer_note", sa.Text(), nullable=True),
        sa.Column("answered_on", sa.Date(), nullable=True),
        sa.Column("answer_state", sa.String(12), nullable=True),
        sa.Column("answer_receipt", sa.LargeBinary(), nullable=True),
        sa.Column("answer_problem", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_council_notices"),
    )
    op.create_index("ix_council_notices_child_id", "council_notices", ["child_id"])
    op.create_table(
        "council_values",
        _child_column("council_values", primary_key=True),
        sa.Column("subject", sa.String(80), nullable=False, primary_key=True),
        sa.Column("field", sa.String(40), nullable=False, primary_key=True),
        sa.Column("value", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("child_id", "subject", "field", name="pk_council_values"),
    )
    op.create_table(
        "differences",
        sa.Column("id", sa.Integer(), nullable=False),
        _child_column("differences"),
        sa.Column("subject", sa.String(80), nullable=False),
        sa.Column("subject_label", sa.String(200), nullable=False),
        sa.Column("field", sa.String(40), nullable=False),
        sa.Column("council_value", sa.Text(), nullable=True),
        sa.Column("your_value", sa.Text(), nullable=True),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("raised_at", sa.DateTime(), nullable=False),
        sa.Column("settled_at", sa.DateTime(), nullable=True),
        sa.Column("settled_as", sa.String(12), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_differences"),
    )
    op.create_index("ix_differences_child_id", "differences", ["child_id"])
    with op.batch_alter_table("children") as batch_op:
        batch_op.add_column(sa.Column("council_status", sa.String(12), nullable=True))
        batch_op.add_column(sa.Column("deallocated_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("handed_over_at", sa.DateTime(), nullable=True))
    with op.batch_alter_table("people") as batch_op:
        batch_op.add_column(sa.Column("council_ref", sa.String(64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("people") as batch_op:
        batch_op.drop_column("council_ref")
    with op.batch_alter_table("children") as batch_op:
        batch_op.drop_column("handed_over_at")
        batch_op.drop_column("deallocated_on")
        batch_op.drop_column("council_status")
    op.drop_index("ix_differences_child_id", table_name="differences")
    op.drop_table("differences")
    op.drop_table("council_values")
    op.drop_index("ix_council_notices_child_id", table_name="council_notices")
    op.drop_table("council_notices")
    op.drop_index("ix_council_changes_child_ref", table_name="council_changes")
    op.drop_table("council_changes")
