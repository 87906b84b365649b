"""The sync's errors: shared by the client, its TLS pinning and the council's feed."""

from iro_desktop.problems import Problem


class SyncError(Problem):
    """Sync cannot start or cannot go on (no receiver set, not enrolled, device not approved, TLS refused)."""


class BadAnswer(Exception):
    """An answer not worth reading further; str() is the reason kept."""


class FeedRefused(Exception):
    """A batch of the council's feed not applied: str() says why, plainly; the store is as it was."""
