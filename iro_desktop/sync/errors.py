"""The sync's one error: shared by the client and its TLS pinning."""

from iro_desktop.problems import Problem


class SyncError(Problem):
    """Sync cannot start or cannot go on (no receiver set, not enrolled, device not approved, TLS refused)."""
