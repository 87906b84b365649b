"""Shared fixtures: real SQLCipher stores in temporary folders (cheap KDF so tests stay quick)."""

from __future__ import annotations

import os
import shutil
from datetime import date
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from iro_desktop.clock import TODAY_ENV  # noqa: E402
from iro_desktop.store import create_store, open_store  # noqa: E402
from iro_desktop.store.keys import TEST_KDF, key_file_for  # noqa: E402

PASSPHRASE = "tangerine-otter-lighthouse-42"
TODAY = date(2026, 11, 25)  # the demo is built around this date so tests are repeatable
# The clock's one test hook (iro_desktop/clock.py): every store, and every process a test starts, lives
# on TODAY, so what is saved, signed or removed is dated the same on any day the suite runs.
os.environ[TODAY_ENV] = TODAY.isoformat()


def sign_review(store, review_id: int, correction_reason: str | None = None):
    """Finalise and sign a review, giving a reason for each warning it would otherwise stop at."""
    from iro_desktop.services.finalise import finalise_review
    from iro_desktop.services.minutes import minutes

    reasons = {w.key: "Signed in a test." for w in minutes(store, review_id, TODAY).warnings}
    return finalise_review(store, review_id, correction_reason, overrides=reasons)


def first_review(store, status: str) -> int | None:
    """The id of the store's first review in `status` ("planned", "held", "finalised"...), or None."""
    from sqlalchemy import select

    from iro_desktop.store.models import Review

    with store.reading() as s:
        return s.scalars(select(Review.id).where(Review.status == status).order_by(Review.id)).first()


@pytest.fixture(autouse=True)
def window_settings(tmp_path, monkeypatch):
    """Window sizes, column choices, the council's wording and the log go to fresh folders per test, never the
    user's or the machine's own."""
    monkeypatch.setenv("IRO_DESKTOP_SETTINGS_DIR", str(tmp_path / "settings"))
    monkeypatch.setenv("IRO_DESKTOP_COUNCIL_DIR", str(tmp_path / "council-site"))
    monkeypatch.setenv("IRO_DESKTOP_LOG_DIR", str(tmp_path / "logs"))  # and the log, in-process or not
    yield tmp_path / "settings"
    from iro_desktop.logs import stop_logging

    stop_logging()  # a test that ran cli.main in-process leaves no handler or hook behind


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


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory) -> Path:
    """The demo caseload, built once a session: each test gets its own copy of the files (a second or
    two saved per test, most of the suite's time)."""
    from iro_desktop.services.demo import populate_demo

    path = tmp_path_factory.mktemp("demo-template") / "caseload.db"
    s = create_store(path, PASSPHRASE, kdf=TEST_KDF, is_demo=True)
    try:
        populate_demo(s, TODAY)
    finally:
        s.close()
    return path


@pytest.fixture
def demo_store(store_path, demo_template):
    """A fresh copy of the demo store, opened: the same children, signed records and device key each time."""
    copies = ((demo_template, store_path), (key_file_for(demo_template), key_file_for(store_path)))
    for source, target in copies:
        shutil.copy2(source, target)  # with the store's own permissions
    s = open_store(store_path, PASSPHRASE)
    yield s
    s.close()
