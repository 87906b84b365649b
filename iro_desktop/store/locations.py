"""Where stores live by default: the platform's user data directory."""

from __future__ import annotations

from pathlib import Path

import platformdirs


def _data_dir() -> Path:
    return platformdirs.user_data_path("iro-desktop", appauthor=False)


def default_store_path() -> Path:
    return _data_dir() / "iro-desktop.db"


def default_demo_path() -> Path:
    return _data_dir() / "demo.db"
