"""The built bundle (dist/iro-desktop/, from `make installer`) as council IT meets it: the frozen binary runs
with no Python or venv behind it. Skipped until the bundle exists; `make installer` always runs it."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from iro_desktop import __version__
from tests.conftest import PASSPHRASE
from tests.test_cli import CHEAP_KDF

ROOT = Path(__file__).resolve().parents[2]
BUNDLE = ROOT / "dist" / "iro-desktop"
BINARY = BUNDLE / "iro-desktop"

pytestmark = pytest.mark.skipif(
    not BINARY.exists(), reason="no bundle at dist/iro-desktop/: build it with `make installer`"
)


def frozen(*args, passphrase=PASSPHRASE, home=None):
    env = {
        "PATH": "/usr/bin:/bin",  # no venv: the bundle must carry everything it needs
        "HOME": str(home or BUNDLE),
        "QT_QPA_PLATFORM": "offscreen",
        "IRO_DESKTOP_KDF": CHEAP_KDF,
    }
    if passphrase is not None:
        env["IRO_DESKTOP_PASSPHRASE"] = passphrase
    return subprocess.run(
        [str(BINARY), *map(str, args)], capture_output=True, text=True, env=env, timeout=180, cwd="/"
    )


def test_the_version_is_the_package_version():
    out = frozen("--version")
    assert out.returncode == 0 and out.stdout.strip() == f"iro-desktop {__version__}"


def test_it_creates_a_store_opens_it_and_shows_the_caseload(tmp_path):
    db = tmp_path / "smoke.db"
    out = frozen("self-test", "--db", db, home=tmp_path)
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("self-test passed: the caseload shows 60 children (iro-desktop ")
    assert f"iro-desktop {__version__}, SQLCipher 4." in out.stdout and "platform offscreen" in out.stdout
    again = frozen("self-test", "--db", db, home=tmp_path)  # and opens what it made
    assert again.returncode == 0 and "60 children" in again.stdout, again.stderr


def test_a_wrong_passphrase_is_a_plain_message_not_a_traceback(tmp_path):
    db = tmp_path / "smoke.db"
    assert frozen("self-test", "--db", db, home=tmp_path).returncode == 0
    out = frozen("self-test", "--db", db, passphrase="not-the-passphrase-at-all", home=tmp_path)
    assert out.returncode != 0
    assert out.stderr == "iro-desktop: self-test failed: That passphrase does not open this store.\n"


def test_the_bundle_holds_the_app_and_no_tests_dev_tools_or_server():
    inside = BUNDLE / "_internal"
    assert (inside / "iro_desktop" / "ui" / "main_window.ui").is_file()
    assert (inside / "iro_desktop" / "resources" / "icons" / "iro-desktop.svg").is_file()
    assert (inside / "iro_desktop" / "store" / "migrations" / "versions").is_dir()
    names = {p.name.split("-")[0].lower() for p in BUNDLE.rglob("*")}
    unwanted = {
        "tests",
        "pytest",
        "_pytest",
        "pytestqt",
        "hypothesis",
        "ruff",
        "fastapi",
        "uvicorn",
        "screenshots",
    }
    assert names & unwanted == set()
