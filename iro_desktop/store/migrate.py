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
    from alembic import command

    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), target)


def upgrade_if_needed(engine: Engine) -> None:
    if current_revision(engine) != head_revision():
        upgrade(engine)
