"""Schema migrations (Alembic), run at unlock so existing encrypted stores upgrade in place.

Alembic is imported only when a store needs upgrading: at every other unlock the store's revision is
compared with the newest version file's, which keeps start-up quick. Version files are named
`<revision>_<slug>.py` (a test holds Alembic to that).
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection, Engine

MIGRATIONS = Path(__file__).with_name("migrations")


def known_revisions() -> list[str]:
    files = (MIGRATIONS / "versions").glob("[0-9][0-9][0-9][0-9]_*.py")
    return sorted(p.name.split("_", 1)[0] for p in files)


def head_revision() -> str:
    return known_revisions()[-1]


def is_known(revision: str) -> bool:
    return revision in known_revisions()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def alembic_config(connection: Connection | None = None):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = connection
    return cfg


def upgrade(engine: Engine, target: str = "head") -> None:
    """Run the migrations in one transaction, with foreign keys off so that rebuilding a table (SQLite's
    way to change a column) cannot fire the ON DELETE actions of the rows pointing at it; every link is
    checked before the transaction commits."""
    from alembic import command

    with engine.connect() as conn:
        dbapi = conn.connection.driver_connection  # outside any transaction: there the pragma is a no-op
        dbapi.execute("PRAGMA foreign_keys = OFF")
        try:
            with conn.begin():
                command.upgrade(alembic_config(conn), target)
                broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise RuntimeError(f"A migration left {len(broken)} broken links; nothing was changed.")
        finally:
            dbapi.execute("PRAGMA foreign_keys = ON")


def upgrade_if_needed(engine: Engine) -> None:
    if current_revision(engine) != head_revision():
        upgrade(engine)
