"""iro-desktop: the Independent Reviewing Officer's desktop."""

__version__ = "0.1.0"
