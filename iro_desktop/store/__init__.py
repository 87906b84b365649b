"""The encrypted store: keys, engine, ORM tables, migrations and read models."""

from iro_desktop.store.database import Store, change_passphrase, create_store, default_store_path, open_store
from iro_desktop.store.errors import StoreError

__all__ = ["Store", "StoreError", "change_passphrase", "create_store", "default_store_path", "open_store"]
