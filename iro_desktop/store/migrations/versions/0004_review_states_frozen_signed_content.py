"""review states, texts owned by the review, and signed content frozen by triggers

Revision ID: 0004
Revises: 0003

- A review's state follows domain.review_states: imported reviews become "imported", adjourned ones
  "adjourned", a signed review reopened for correction "correcting", and one whose child left care
  before it "cancelled".
- The letter to the child, the withholding choices and the add-form drafts move from settings rows
  keyed by review id into review_texts, owned by the review.
- A wish's "agreed to share" may be unset (the IRO has not asked yet): the table is rebuilt without
  its NOT NULL, and its search triggers made again.
- A decision changed after the review keeps its agreed due date and tracks a revised one beside it.
- Triggers refuse any insert, update or delete of a signed (finalised) review's content; a cascade
  from deleting the child itself is let through (the child's row is gone by the time it runs).
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

MARK = "signed review"  # store/frozen.py turns an abort carrying this into SignedReviewFrozen
_SIGNED = "'finalised'"
_REVIEW_COLUMNS = (
    "id child_id period_id number kind planned_date planned_time venue held_date participation_code "
    "spoke_alone spoke_alone_date spoke_alone_place not_alone_category not_alone_reason adjourned_on "
    "adjourned_to adjourn_reason iro_view next_review_date late_reason source"
).split()
# Tables owned by a review. Every column is frozen by the signature but a decision's progress (status,
# status_note, completed_on, revised_due): what happened after the meeting was not signed.
_OWNED = (
    "attendance",
    "review_parts",
    "review_reports",
    "review_sections",
    "review_texts",
    "wishes",
    "decisions",
)
_FROZEN_COLUMNS = {
    "decisions": "id child_id review_id number action person_responsible due_date section_key wish_id".split()
}
_TEXT_KEYS = {"minutes.draft": "drafts", "documents.letter": "letter", "documents.withheld": "withheld"}


def _abort(what: str) -> str:
    return f"SELECT RAISE(ABORT, '{MARK}: {what} cannot change');"


def _signed(row: str) -> str:
    """The row's review is signed and its child is still here (a child's removal deletes the lot)."""
    return (
        f"(SELECT r.status FROM reviews r JOIN children c ON c.id = r.child_id "
        f"WHERE r.id = {row}.review_id) = {_SIGNED}"
    )


def frozen_triggers() -> list[str]:
    changed = " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in _REVIEW_COLUMNS)
    statements = [
        "CREATE TRIGGER frozen_reviews_update BEFORE UPDATE ON reviews "
        f"WHEN OLD.status = {_SIGNED} AND (NEW.status NOT IN ({_SIGNED}, 'correcting') OR {changed}) "
        f"BEGIN {_abort('a signed review')} END",
        "CREATE TRIGGER frozen_reviews_delete BEFORE DELETE ON reviews "
        f"WHEN OLD.status = {_SIGNED} AND EXISTS (SELECT 1 FROM children WHERE id = OLD.child_id) "
        f"BEGIN {_abort('a signed review')} END",
    ]
    for table in _OWNED:
        columns = f" OF {', '.join(_FROZEN_COLUMNS[table])}" if table in _FROZEN_COLUMNS else ""
        statements += [
            f"CREATE TRIGGER frozen_{table}_insert BEFORE INSERT ON {table} WHEN {_signed('NEW')} "
            f"BEGIN {_abort(table)} END",
            f"CREATE TRIGGER frozen_{table}_update BEFORE UPDATE{columns} ON {table} "
            f"WHEN {_signed('OLD')} OR {_signed('NEW')} BEGIN {_abort(table)} END",
            f"CREATE TRIGGER frozen_{table}_delete BEFORE DELETE ON {table} WHEN {_signed('OLD')} "
            f"BEGIN {_abort(table)} END",
        ]
    return statements


def _trigger_names() -> list[str]:
    return ["frozen_reviews_update", "frozen_reviews_delete"] + [
        f"frozen_{table}_{what}" for table in _OWNED for what in ("insert", "update", "delete")
    ]


def _wish_search_triggers() -> list[str]:
    """As migration 0003 made them; rebuilding the table drops a table's triggers."""
    insert = (
        "INSERT INTO search_index(rowid, body, source, child_id) "
        "VALUES (new.id * 4 + 1, new.words, 'wishes', new.child_id);"
    )
    delete = "DELETE FROM search_index WHERE rowid = old.id * 4 + 1;"
    return [
        f"CREATE TRIGGER wishes_search_ai AFTER INSERT ON wishes BEGIN {insert} END",
        f"CREATE TRIGGER wishes_search_au AFTER UPDATE OF words ON wishes BEGIN {delete} {insert} END",
        f"CREATE TRIGGER wishes_search_ad AFTER DELETE ON wishes BEGIN {delete} END",
    ]


def _move_texts(conn) -> None:
    """Settings keyed by a review id become that review's texts; those of a review long gone are dropped."""
    reviews = {row[0] for row in conn.execute(sa.text("SELECT id FROM reviews"))}
    rows = conn.execute(
        sa.text(
            "SELECT key, value FROM settings WHERE key LIKE 'minutes.draft.review.%' "
            "OR key LIKE 'documents.letter.review.%' OR key LIKE 'documents.withheld.review.%'"
        )
    ).all()
    for key, value in rows:
        prefix, _, review_id = key.rpartition(".review.")
        if review_id.isdigit() and int(review_id) in reviews and prefix in _TEXT_KEYS:
            conn.execute(
                sa.text("INSERT INTO review_texts (review_id, kind, value) VALUES (:r, :k, :v)"),
                {"r": int(review_id), "k": _TEXT_KEYS[prefix], "v": value},  # already JSON text
            )
        conn.execute(sa.text("DELETE FROM settings WHERE key = :k"), {"k": key})


_STATES = (
    "UPDATE reviews SET status = 'imported' WHERE source = '903'",
    "UPDATE reviews SET status = 'held' WHERE status = 'planned' AND held_date IS NOT NULL",
    "UPDATE reviews SET status = 'planned' WHERE status = 'held' AND held_date IS NULL",
    "UPDATE reviews SET status = 'adjourned' WHERE status = 'planned' AND adjourned_on IS NOT NULL",
    "UPDATE reviews SET status = 'correcting' WHERE status = 'held' "
    "AND EXISTS (SELECT 1 FROM signed_records WHERE review_id = reviews.id)",
    "UPDATE reviews SET status = 'cancelled' WHERE status IN ('planned', 'adjourned') AND EXISTS "
    "(SELECT 1 FROM periods_of_care p WHERE p.id = reviews.period_id AND p.end_date IS NOT NULL "
    "AND (reviews.planned_date IS NULL OR p.end_date < reviews.planned_date))",
)


def upgrade() -> None:
    op.create_table(
        "review_texts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("review_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("value", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["review_id"], ["reviews.id"], name=op.f("fk_review_texts_review_id_reviews"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_texts")),
        sa.UniqueConstraint("review_id", "kind", name=op.f("uq_review_texts_review_id")),
    )
    with op.batch_alter_table("review_texts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_review_texts_review_id"), ["review_id"], unique=False)
    op.add_column("decisions", sa.Column("revised_due", sa.Date(), nullable=True))
    conn = op.get_bind()
    _move_texts(conn)
    for statement in _STATES:
        op.execute(statement)
    with op.batch_alter_table("wishes", schema=None, recreate="always") as batch_op:
        batch_op.alter_column("agreed_to_share", existing_type=sa.Boolean(), nullable=True)
    for statement in _wish_search_triggers() + frozen_triggers():
        op.execute(statement)


def downgrade() -> None:
    for name in _trigger_names():
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute("UPDATE wishes SET agreed_to_share = 0 WHERE agreed_to_share IS NULL")
    with op.batch_alter_table("wishes", schema=None, recreate="always") as batch_op:
        batch_op.alter_column("agreed_to_share", existing_type=sa.Boolean(), nullable=False)
    for statement in _wish_search_triggers():
        op.execute(statement)
    op.execute("UPDATE reviews SET status = 'held' WHERE status IN ('imported', 'correcting')")
    op.execute("UPDATE reviews SET status = 'planned' WHERE status IN ('adjourned', 'cancelled')")
    with op.batch_alter_table("decisions", schema=None) as batch_op:
        batch_op.drop_column("revised_due")
    op.drop_table("review_texts")
