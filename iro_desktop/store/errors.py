"""Errors the store raises, each with a message fit to show the IRO as it is."""


class StoreError(Exception):
    """Base class: str(error) is a plain sentence for the user."""


class WrongPassphrase(StoreError):
    def __init__(self) -> None:
        super().__init__("That passphrase does not open this store.")


class NoStore(StoreError):
    def __init__(self, path) -> None:
        super().__init__(f"There is no iro-desktop store at {path}. Create one with 'iro-desktop init'.")


class StoreExists(StoreError):
    def __init__(self, path) -> None:
        super().__init__(f"A store already exists at {path}; it was left as it is.")


class NotAStore(StoreError):
    def __init__(self, path, why: str) -> None:
        super().__init__(f"{path} is not an iro-desktop store ({why}).")


class DamagedStore(StoreError):
    def __init__(self, path, why: str) -> None:
        super().__init__(
            f"The store at {path} is damaged ({why}). Nothing was changed; restore it from a backup."
        )


class StoreTooNew(StoreError):
    def __init__(self, path) -> None:
        super().__init__(
            f"The store at {path} was written by a newer version of iro-desktop. "
            "Install the newer version to open it; nothing was changed."
        )


class WeakPassphrase(StoreError):
    pass
