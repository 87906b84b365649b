"""The sync's one error: shared by the client and its TLS pinning."""


class SyncError(Exception):
    """Sync cannot start or cannot go on (no receiver set, not enrolled, device not approved, TLS refused)."""
