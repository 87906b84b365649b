"""Shared fixtures: real SQLCipher stores in temporary folders (cheap KDF so tests stay quick)."""

from __future__ import annotations

import os
from datetime import date

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from iro_desktop.store import create_store  # noqa: E402
from iro_desktop.store.keys import TEST_KDF  # noqa: E402

PASSPHRASE = "tangerine-otter-lighthouse-42"
TODAY = date(2026, 11, 25)  # the demo is built around this date so tests are repeatable


@pytest.fixture(autouse=True)
def window_settings(tmp_path, monkeypatch):
    """Window sizes and column choices go to a fresh folder per test, never the user's config folder."""
    monkeypatch.setenv("IRO_DESKTOP_SETTINGS_DIR", str(tmp_path / "settings"))
    return tmp_path / "settings"


@pytest.fixture
def store_path(tmp_path):
    return tmp_path / "caseload.db"


@pytest.fixture
def store(store_path):
    s = create_store(
        store_path, PASSPHRASE, kdf=TEST_KDF, iro_name="Alex Example", council_name="Example Borough"
    )
    yield s
    s.close()


@pytest.fixture
def demo_store(store_path):
    from iro_desktop.services.demo import populate_demo

    s = create_store(store_path, PASSPHRASE, kdf=TEST_KDF, is_demo=True)
    populate_demo(s, TODAY)
    yield s
    s.close()
