"""The receiver's tables exactly as `create_all` made them before the receiver had migrations (a copy of
the models of that time, frozen here): what an existing council database looks like before it upgrades."""

from __future__ import annotations

from sqlalchemy import (
    Column,
    DateTime,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

OLD = MetaData()
Table(
    "devices",
    OLD,
    Column("fingerprint", String(35), primary_key=True),
    Column("public_key", LargeBinary(32), nullable=False),
    Column("name", String(200), nullable=False),
    Column("status", String(10), nullable=False),
    Column("enrolled_at", DateTime(timezone=True), nullable=False),
    Column("decided_at", DateTime(timezone=True), nullable=True),
)
Table(
    "records",
    OLD,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("record_id", String(200), nullable=False, index=True),
    Column("record_version", Integer, nullable=False),
    Column("content_hash", String(64), nullable=False, unique=True),
    Column("sender", String(35), nullable=False, index=True),
    Column("kind", String(50), nullable=False),
    Column("canonical_json", LargeBinary, nullable=False),
    Column("pdf", LargeBinary, nullable=True),
    Column("pdf_hash", String(64), nullable=True),
    Column("signature", String(200), nullable=False),
    Column("supersedes_hash", String(64), nullable=True),
    Column("supersedes_key", String(64), nullable=False),
    Column("received_at", DateTime(timezone=True), nullable=False, index=True),
    Column("receipt_json", Text, nullable=False),
    Column("receipt_signature", String(200), nullable=False),
    UniqueConstraint("record_id", "supersedes_key"),
)
Table(
    "nonces",
    OLD,
    Column("fingerprint", String(35), primary_key=True),
    Column("nonce", String(64), primary_key=True),
    Column("seen_at", DateTime(timezone=True), nullable=False, index=True),
)
Table(
    "refusals",
    OLD,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("method", String(10), nullable=False),
    Column("path", String(300), nullable=False),
    Column("fingerprint", String(64), nullable=True),
    Column("status", Integer, nullable=False),
    Column("reason", String(300), nullable=False),
)
