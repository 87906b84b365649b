"""a concern's letters and history in tables of their own, owned by the concern

Revision ID: 0005
Revises: 0004

- The IRO's edited concern letters move from settings rows keyed "challenges.letter.<id>.<stage>" into
  challenge_letters; those of a concern long gone are dropped.
- Each concern's history JSON list becomes rows of challenge_events, one typed column per thing an event
  carries (store/old_history.py reads both shapes the list was written in: the service's and the
  demo's), and the history column goes.
- Downgrading loses the events and letters: the old shapes are not written back.
"""

from datetime import date

import sqlalchemy as sa
from alembic import op

from iro_desktop.store.old_history import history_rows

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

KINDS = (
    "raised",
    "informal",
    "stage_reached",
    "response_received",
    "closed",
    "cafcass_considered",
    "cafcass_referred",
    "child_told",
    "letter_signed",
)
_LETTER_KEY = "challenges.letter."

_events = sa.table(
    "challenge_events",
    *(sa.column(name) for name in ("challenge_id", "kind", "stage", "person", "text", "note", "outcome")),
    *(sa.column(name) for name in ("expected", "child_view", "about", "previous_details", "agreed_action")),
    *(sa.column(name) for name in ("skipped", "told_concern", "told_advocacy", "told_complaints", "record")),
    *(sa.column(name, sa.Date()) for name in ("on_date", "expected_by", "action_by", "response_due")),
)


def _move_history(conn) -> None:
    import json

    found = conn.execute(sa.text("SELECT id, history, raised_on, outcome FROM challenges ORDER BY id"))
    rows = []
    for challenge_id, history, raised_on, outcome in found.all():
        parsed = json.loads(history) if isinstance(history, str) else history
        rows += history_rows(challenge_id, parsed, date.fromisoformat(str(raised_on)), outcome)
    columns = {c.name for c in _events.columns}
    if rows:
        conn.execute(_events.insert(), [{name: row.get(name) for name in columns} for row in rows])


def _move_letters(conn) -> None:
    """Settings keyed by a concern id become its letters; those of a concern long gone are dropped."""
    import json

    challenges = {row[0] for row in conn.execute(sa.text("SELECT id FROM challenges"))}
    found = conn.execute(sa.text("SELECT key, value FROM settings WHERE key LIKE 'challenges.letter.%'"))
    for key, value in found.all():
        challenge_id, _, stage = key.removeprefix(_LETTER_KEY).partition(".")
        text = json.loads(value) if isinstance(value, str) else value
        if challenge_id.isdigit() and int(challenge_id) in challenges and stage and isinstance(text, str):
            conn.execute(
                sa.text("INSERT INTO challenge_letters (challenge_id, stage, text) VALUES (:c, :s, :t)"),
                {"c": int(challenge_id), "s": stage, "t": text},
            )
        conn.execute(sa.text("DELETE FROM settings WHERE key = :k"), {"k": key})


def upgrade() -> None:
    op.create_table(
        "challenge_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("challenge_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("on_date", sa.Date(), nullable=False),
        sa.Column("stage", sa.String(length=16), nullable=True),
        sa.Column("person", sa.String(length=200), nullable=True),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("outcome", sa.String(length=24), nullable=True),
        sa.Column("expected", sa.Text(), nullable=True),
        sa.Column("expected_by", sa.Date(), nullable=True),
        sa.Column("child_view", sa.Text(), nullable=True),
        sa.Column("about", sa.String(length=40), nullable=True),
        sa.Column("previous_details", sa.Text(), nullable=True),
        sa.Column("agreed_action", sa.Text(), nullable=True),
        sa.Column("action_by", sa.Date(), nullable=True),
        sa.Column("response_due", sa.Date(), nullable=True),
        sa.Column("skipped", sa.String(length=64), nullable=True),
        sa.Column("told_concern", sa.Boolean(), nullable=True),
        sa.Column("told_advocacy", sa.Boolean(), nullable=True),
        sa.Column("told_complaints", sa.Boolean(), nullable=True),
        sa.Column("record", sa.String(length=64), nullable=True),
        sa.CheckConstraint(
            f"kind IN ({', '.join(repr(k) for k in KINDS)})", name=op.f("ck_challenge_events_kind")
        ),
        sa.ForeignKeyConstraint(
            ["challenge_id"],
            ["challenges.id"],
            name=op.f("fk_challenge_events_challenge_id_challenges"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_challenge_events")),
    )
    with op.batch_alter_table("challenge_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_challenge_events_challenge_id"), ["challenge_id"], unique=False)
    op.create_table(
        "challenge_letters",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("challenge_id", sa.Integer(), nullable=False),
        sa.Column("stage", sa.String(length=16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["challenge_id"],
            ["challenges.id"],
            name=op.f("fk_challenge_letters_challenge_id_challenges"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_challenge_letters")),
        sa.UniqueConstraint("challenge_id", "stage", name=op.f("uq_challenge_letters_challenge_id")),
    )
    with op.batch_alter_table("challenge_letters", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_challenge_letters_challenge_id"), ["challenge_id"], unique=False)
    conn = op.get_bind()
    _move_history(conn)
    _move_letters(conn)
    with op.batch_alter_table("challenges", schema=None) as batch_op:
        batch_op.drop_column("history")


def downgrade() -> None:
    with op.batch_alter_table("challenges", schema=None) as batch_op:
        batch_op.add_column(sa.Column("history", sa.JSON(), nullable=False, server_default="[]"))
    op.drop_table("challenge_letters")
    op.drop_table("challenge_events")
