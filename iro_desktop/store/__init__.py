"""The encrypted store: keys, engine, ORM tables, migrations and read models.

The names below load `database` (and with it SQLAlchemy) on first use, not on import, so the command
line and the unlock dialog start quickly; the GUI warms the heavy modules while the IRO types.
"""

from iro_desktop.store.errors import StoreError
from iro_desktop.store.locations import default_demo_path, default_store_path

_FROM_DATABASE = {"Store", "change_passphrase", "create_store", "open_store"}


def __getattr__(name: str):
    if name in _FROM_DATABASE:
        from iro_desktop.store import database

        return getattr(database, name)
    raise AttributeError(f"module 'iro_desktop.store' has no attribute {name!r}")


__all__ = [*sorted(_FROM_DATABASE), "StoreError", "default_demo_path", "default_store_path"]
