"""review parts reports monitoring and search

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


# Full-text search over minutes, wishes, monitoring notes and decisions (FTS5 inside the encrypted store).
# Each source row has a fixed FTS rowid (id * 4 + kind), so a trigger replaces one entry without a scan.
SEARCH_SOURCES = {
    # table: (kind number, text column, SQL giving the child id from the row `new`/`old`)
    "review_sections": (0, "text", "(SELECT child_id FROM reviews WHERE id = {row}.review_id)"),
    "wishes": (1, "words", "{row}.child_id"),
    "monitoring_notes": (2, "text", "{row}.child_id"),
    "decisions": (3, "action", "{row}.child_id"),
}
SEARCH_TABLE = (
    "CREATE VIRTUAL TABLE search_index USING fts5("
    "body, source UNINDEXED, child_id UNINDEXED, tokenize = 'unicode61 remove_diacritics 2')"
)


def _search_triggers(table: str, kind: int, column: str, child_sql: str) -> list[str]:
    def insert(row: str) -> str:
        child = child_sql.format(row=row)
        return (
            f"INSERT INTO search_index(rowid, body, source, child_id) "
            f"VALUES ({row}.id * 4 + {kind}, {row}.{column}, '{table}', {child});"
        )

    delete = f"DELETE FROM search_index WHERE rowid = old.id * 4 + {kind};"
    return [
        f"CREATE TRIGGER {table}_search_ai AFTER INSERT ON {table} BEGIN {insert('new')} END",
        f"CREATE TRIGGER {table}_search_au AFTER UPDATE OF {column} ON {table} "
        f"BEGIN {delete} {insert('new')} END",
        f"CREATE TRIGGER {table}_search_ad AFTER DELETE ON {table} BEGIN {delete} END",
    ]


def create_search_index() -> None:
    op.execute(SEARCH_TABLE)
    for table, (kind, column, child_sql) in SEARCH_SOURCES.items():
        for statement in _search_triggers(table, kind, column, child_sql):
            op.execute(statement)
        op.execute(
            f"INSERT INTO search_index(rowid, body, source, child_id) SELECT t.id * 4 + {kind}, t.{column}, "
            f"'{table}', {child_sql.format(row='t')} FROM {table} AS t"
        )


def drop_search_index() -> None:
    for table in SEARCH_SOURCES:
        for suffix in ("ai", "au", "ad"):
            op.execute(f"DROP TRIGGER IF EXISTS {table}_search_{suffix}")
    op.execute("DROP TABLE IF EXISTS search_index")


def upgrade() -> None:
    op.create_table(
        "monitoring_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("child_id", sa.Integer(), nullable=False),
        sa.Column("noted_on", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["child_id"],
            ["children.id"],
            name=op.f("fk_monitoring_notes_child_id_children"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_monitoring_notes")),
    )
    with op.batch_alter_table("monitoring_notes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_monitoring_notes_child_id"), ["child_id"], unique=False)

    op.create_table(
        "review_parts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("review_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=120), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=True),
        sa.Column("place", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(
            ["review_id"], ["reviews.id"], name=op.f("fk_review_parts_review_id_reviews"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_parts")),
    )
    with op.batch_alter_table("review_parts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_review_parts_review_id"), ["review_id"], unique=False)

    op.create_table(
        "review_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("review_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("expected", sa.Boolean(), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["review_id"],
            ["reviews.id"],
            name=op.f("fk_review_reports_review_id_reviews"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_reports")),
        sa.UniqueConstraint("review_id", "kind", name=op.f("uq_review_reports_review_id")),
    )
    with op.batch_alter_table("review_reports", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_review_reports_review_id"), ["review_id"], unique=False)

    with op.batch_alter_table("attendance", schema=None) as batch_op:
        batch_op.add_column(sa.Column("part_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("contribution", sa.String(length=24), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_attendance_part_id_review_parts"),
            "review_parts",
            ["part_id"],
            ["id"],
            ondelete="CASCADE",
        )

    with op.batch_alter_table("children", schema=None) as batch_op:
        batch_op.add_column(sa.Column("early_review_requested_on", sa.Date(), nullable=True))

    with op.batch_alter_table("reviews", schema=None) as batch_op:
        batch_op.add_column(sa.Column("not_alone_category", sa.String(length=24), nullable=True))
        batch_op.add_column(sa.Column("adjourned_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("adjourned_to", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("adjourn_reason", sa.Text(), nullable=True))
    create_search_index()


def downgrade() -> None:
    drop_search_index()
    with op.batch_alter_table("reviews", schema=None) as batch_op:
        batch_op.drop_column("adjourn_reason")
        batch_op.drop_column("adjourned_to")
        batch_op.drop_column("adjourned_on")
        batch_op.drop_column("not_alone_category")

    with op.batch_alter_table("children", schema=None) as batch_op:
        batch_op.drop_column("early_review_requested_on")

    with op.batch_alter_table("attendance", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_attendance_part_id_review_parts"), type_="foreignkey")
        batch_op.drop_column("contribution")
        batch_op.drop_column("part_id")

    with op.batch_alter_table("review_reports", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_review_reports_review_id"))

    op.drop_table("review_reports")
    with op.batch_alter_table("review_parts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_review_parts_review_id"))

    op.drop_table("review_parts")
    with op.batch_alter_table("monitoring_notes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_monitoring_notes_child_id"))

    op.drop_table("monitoring_notes")
