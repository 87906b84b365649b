"""initial schema

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("subject", sa.String(length=80), nullable=True),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    op.create_table(
        "children",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("child_ref", sa.String(length=40), nullable=False),
        sa.Column("first_name", sa.String(length=120), nullable=False),
        sa.Column("last_name", sa.String(length=120), nullable=False),
        sa.Column("preferred_name", sa.String(length=120), nullable=True),
        sa.Column("dob", sa.Date(), nullable=False),
        sa.Column("sex", sa.String(length=2), nullable=True),
        sa.Column("ethnicity", sa.String(length=8), nullable=True),
        sa.Column("first_language", sa.String(length=80), nullable=True),
        sa.Column("communication_needs", sa.Text(), nullable=True),
        sa.Column("disability", sa.Text(), nullable=True),
        sa.Column("upn", sa.String(length=20), nullable=True),
        sa.Column("review_cycle", sa.String(length=24), nullable=False),
        sa.Column("review_cycle_start", sa.Date(), nullable=True),
        sa.Column("early_review_by", sa.Date(), nullable=True),
        sa.Column("early_review_reason", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_children")),
        sa.UniqueConstraint("child_ref", name=op.f("uq_children_child_ref")),
    )
    op.create_table(
        "profile",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("iro_name", sa.String(length=200), nullable=False),
        sa.Column("council_name", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=200), nullable=True),
        sa.Column("phone", sa.String(length=40), nullable=True),
        sa.Column("hours_per_week", sa.Double(), nullable=False),
        sa.Column("is_demo", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_profile")),
    )
    op.create_table(
        "settings",
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("value", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_settings")),
    )
    op.create_table(
        "challenges",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("child_id", sa.Integer(), nullable=False),
        sa.Column("issue", sa.String(length=40), nullable=False),
        sa.Column("details", sa.Text(), nullable=True),
        sa.Column("raised_on", sa.Date(), nullable=False),
        sa.Column("stage", sa.String(length=40), nullable=False),
        sa.Column("addressee", sa.String(length=200), nullable=True),
        sa.Column("sent_on", sa.Date(), nullable=True),
        sa.Column("response_due", sa.Date(), nullable=True),
        sa.Column("response", sa.Text(), nullable=True),
        sa.Column("outcome", sa.String(length=24), nullable=True),
        sa.Column("resolved_on", sa.Date(), nullable=True),
        sa.Column("history", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["child_id"], ["children.id"], name=op.f("fk_challenges_child_id_children"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_challenges")),
    )
    with op.batch_alter_table("challenges", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_challenges_child_id"), ["child_id"], unique=False)

    op.create_table(
        "people",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("child_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=24), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("relationship_to_child", sa.String(length=120), nullable=True),
        sa.Column("organisation", sa.String(length=200), nullable=True),
        sa.Column("email", sa.String(length=200), nullable=True),
        sa.Column("phone", sa.String(length=40), nullable=True),
        sa.Column("address", sa.Text(), nullable=True),
        sa.Column("has_parental_responsibility", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["child_id"], ["children.id"], name=op.f("fk_people_child_id_children"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_people")),
    )
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_people_child_id"), ["child_id"], unique=False)

    op.create_table(
        "periods_of_care",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("child_id", sa.Integer(), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("end_reason", sa.String(length=8), nullable=True),
        sa.ForeignKeyConstraint(
            ["child_id"],
            ["children.id"],
            name=op.f("fk_periods_of_care_child_id_children"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_periods_of_care")),
    )
    with op.batch_alter_table("periods_of_care", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_periods_of_care_child_id"), ["child_id"], unique=False)

    op.create_table(
        "episodes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("period_id", sa.Integer(), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("reason_new", sa.String(length=2), nullable=False),
        sa.Column("legal_status", sa.String(length=4), nullable=False),
        sa.Column("category_of_need", sa.String(length=4), nullable=True),
        sa.Column("placement_type", sa.String(length=4), nullable=False),
        sa.Column("placement_provider", sa.String(length=4), nullable=True),
        sa.Column("carer_name", sa.String(length=200), nullable=True),
        sa.Column("placement_address", sa.Text(), nullable=True),
        sa.Column("placement_postcode", sa.String(length=10), nullable=True),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("end_reason", sa.String(length=8), nullable=True),
        sa.Column("reason_place_change", sa.String(length=8), nullable=True),
        sa.ForeignKeyConstraint(
            ["period_id"],
            ["periods_of_care.id"],
            name=op.f("fk_episodes_period_id_periods_of_care"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_episodes")),
    )
    with op.batch_alter_table("episodes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_episodes_period_id"), ["period_id"], unique=False)

    op.create_table(
        "reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("child_id", sa.Integer(), nullable=False),
        sa.Column("period_id", sa.Integer(), nullable=True),
        sa.Column("number", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("planned_date", sa.Date(), nullable=True),
        sa.Column("planned_time", sa.String(length=5), nullable=True),
        sa.Column("venue", sa.String(length=200), nullable=True),
        sa.Column("held_date", sa.Date(), nullable=True),
        sa.Column("participation_code", sa.String(length=3), nullable=True),
        sa.Column("spoke_alone", sa.Boolean(), nullable=True),
        sa.Column("spoke_alone_date", sa.Date(), nullable=True),
        sa.Column("spoke_alone_place", sa.String(length=200), nullable=True),
        sa.Column("not_alone_reason", sa.Text(), nullable=True),
        sa.Column("iro_view", sa.Text(), nullable=True),
        sa.Column("next_review_date", sa.Date(), nullable=True),
        sa.Column("late_reason", sa.Text(), nullable=True),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["child_id"], ["children.id"], name=op.f("fk_reviews_child_id_children"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["period_id"],
            ["periods_of_care.id"],
            name=op.f("fk_reviews_period_id_periods_of_care"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reviews")),
    )
    with op.batch_alter_table("reviews", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_reviews_child_id"), ["child_id"], unique=False)

    op.create_table(
        "attendance",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("review_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=24), nullable=False),
        sa.Column("attendance", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_attendance_person_id_people"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["review_id"], ["reviews.id"], name=op.f("fk_attendance_review_id_reviews"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attendance")),
    )
    with op.batch_alter_table("attendance", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_attendance_review_id"), ["review_id"], unique=False)

    op.create_table(
        "documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("child_id", sa.Integer(), nullable=False),
        sa.Column("review_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("pdf", sa.LargeBinary(), nullable=True),
        sa.ForeignKeyConstraint(
            ["child_id"], ["children.id"], name=op.f("fk_documents_child_id_children"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["review_id"], ["reviews.id"], name=op.f("fk_documents_review_id_reviews"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_documents")),
    )
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_documents_child_id"), ["child_id"], unique=False)

    op.create_table(
        "review_sections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("review_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["review_id"],
            ["reviews.id"],
            name=op.f("fk_review_sections_review_id_reviews"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_sections")),
        sa.UniqueConstraint("review_id", "key", name=op.f("uq_review_sections_review_id")),
    )
    with op.batch_alter_table("review_sections", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_review_sections_review_id"), ["review_id"], unique=False)

    op.create_table(
        "signed_records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.String(length=36), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("child_id", sa.Integer(), nullable=True),
        sa.Column("review_id", sa.Integer(), nullable=True),
        sa.Column("canonical_json", sa.LargeBinary(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("pdf_hash", sa.String(length=64), nullable=True),
        sa.Column("signature", sa.LargeBinary(), nullable=False),
        sa.Column("supersedes_hash", sa.String(length=64), nullable=True),
        sa.Column("correction_reason", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["child_id"],
            ["children.id"],
            name=op.f("fk_signed_records_child_id_children"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["review_id"],
            ["reviews.id"],
            name=op.f("fk_signed_records_review_id_reviews"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signed_records")),
        sa.UniqueConstraint("content_hash", name=op.f("uq_signed_records_content_hash")),
    )
    with op.batch_alter_table("signed_records", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_signed_records_record_id"), ["record_id"], unique=False)

    op.create_table(
        "wishes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("child_id", sa.Integer(), nullable=False),
        sa.Column("review_id", sa.Integer(), nullable=True),
        sa.Column("recorded_on", sa.Date(), nullable=False),
        sa.Column("how_obtained", sa.String(length=24), nullable=False),
        sa.Column("words", sa.Text(), nullable=False),
        sa.Column("agreed_to_share", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["child_id"], ["children.id"], name=op.f("fk_wishes_child_id_children"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["review_id"], ["reviews.id"], name=op.f("fk_wishes_review_id_reviews"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wishes")),
    )
    with op.batch_alter_table("wishes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_wishes_child_id"), ["child_id"], unique=False)

    op.create_table(
        "decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("child_id", sa.Integer(), nullable=False),
        sa.Column("review_id", sa.Integer(), nullable=True),
        sa.Column("number", sa.Integer(), nullable=True),
        sa.Column("action", sa.Text(), nullable=False),
        sa.Column("person_responsible", sa.String(length=200), nullable=True),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("status_note", sa.Text(), nullable=True),
        sa.Column("completed_on", sa.Date(), nullable=True),
        sa.Column("section_key", sa.String(length=40), nullable=True),
        sa.Column("wish_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["child_id"], ["children.id"], name=op.f("fk_decisions_child_id_children"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["review_id"], ["reviews.id"], name=op.f("fk_decisions_review_id_reviews"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["wish_id"], ["wishes.id"], name=op.f("fk_decisions_wish_id_wishes"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_decisions")),
    )
    with op.batch_alter_table("decisions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_decisions_child_id"), ["child_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_decisions_review_id"), ["review_id"], unique=False)

    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("signed_record_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("receipt", sa.LargeBinary(), nullable=True),
        sa.Column("delivered_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["signed_record_id"],
            ["signed_records.id"],
            name=op.f("fk_outbox_signed_record_id_signed_records"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox")),
        sa.UniqueConstraint("signed_record_id", name=op.f("uq_outbox_signed_record_id")),
    )


def downgrade() -> None:
    op.drop_table("outbox")
    with op.batch_alter_table("decisions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_decisions_review_id"))
        batch_op.drop_index(batch_op.f("ix_decisions_child_id"))

    op.drop_table("decisions")
    with op.batch_alter_table("wishes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_wishes_child_id"))

    op.drop_table("wishes")
    with op.batch_alter_table("signed_records", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_signed_records_record_id"))

    op.drop_table("signed_records")
    with op.batch_alter_table("review_sections", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_review_sections_review_id"))

    op.drop_table("review_sections")
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_documents_child_id"))

    op.drop_table("documents")
    with op.batch_alter_table("attendance", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_attendance_review_id"))

    op.drop_table("attendance")
    with op.batch_alter_table("reviews", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reviews_child_id"))

    op.drop_table("reviews")
    with op.batch_alter_table("episodes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_episodes_period_id"))

    op.drop_table("episodes")
    with op.batch_alter_table("periods_of_care", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_periods_of_care_child_id"))

    op.drop_table("periods_of_care")
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_people_child_id"))

    op.drop_table("people")
    with op.batch_alter_table("challenges", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_challenges_child_id"))

    op.drop_table("challenges")
    op.drop_table("settings")
    op.drop_table("profile")
    op.drop_table("children")
    op.drop_table("audit_log")
