"""`iro-desktop self-test` from the venv: what council IT runs after an install, run by every `make test`."""

from __future__ import annotations

import re

from iro_desktop.gui.self_test import failure_message, show_caseload
from iro_desktop.store import open_store
from tests.conftest import PASSPHRASE, TODAY
from tests.test_cli import iro

PASSED = re.compile(
    r"self-test passed: the caseload shows (\d+) children \(iro-desktop [\d.]+, SQLCipher 4\.[^,]+, "
    r"Qt 6\.[\d.]+, platform offscreen\)\n"
)


def test_with_no_store_named_it_shows_a_throwaway_demo_caseload():
    out = iro("self-test", passphrase=None)
    assert out.returncode == 0, out.stderr
    assert PASSED.fullmatch(out.stdout).group(1) == "60"  # one line: a count and versions, nothing personal
    assert out.stderr == ""


def test_creates_the_store_named_then_opens_it_again(tmp_path):
    db = tmp_path / "check.db"
    first = iro("self-test", "--db", db)
    assert first.returncode == 0 and db.exists(), first.stderr
    again = iro("self-test", "--db", db)
    assert again.returncode == 0 and PASSED.fullmatch(again.stdout).group(1) == "60"
    assert iro("caseload", "--db", db, "--json").returncode == 0  # an ordinary store, same passphrase


def test_a_wrong_passphrase_is_one_plain_line_and_status_1(tmp_path):
    db = tmp_path / "check.db"
    assert iro("self-test", "--db", db).returncode == 0
    before = db.read_bytes()
    out = iro("self-test", "--db", db, passphrase="not-the-passphrase-at-all")
    assert out.returncode == 1 and out.stdout == ""
    assert out.stderr == "iro-desktop: self-test failed: That passphrase does not open this store.\n"
    assert db.read_bytes() == before


def test_an_existing_store_needs_its_passphrase(tmp_path):
    db = tmp_path / "check.db"
    assert iro("self-test", "--db", db).returncode == 0
    out = iro("self-test", "--db", db, passphrase=None)
    assert out.returncode == 1 and "No passphrase given" in out.stderr and "Traceback" not in out.stderr


def test_in_process_it_paints_the_real_caseload_and_leaves_the_store_as_found(qtbot, demo_store):
    assert PASSED.fullmatch(show_caseload(demo_store, TODAY) + "\n").group(1) == "60"
    open_store(demo_store.path, PASSPHRASE).close()  # closed by the window, and opens again


def test_an_empty_store_passes_with_no_children(qtbot, store):
    assert "the caseload shows 0 children (" in show_caseload(store, TODAY)


def test_an_unexpected_error_is_named_without_its_text():
    try:
        raise ValueError("Amira Example, born 2015")  # a database error can quote the data like this
    except ValueError as exc:
        message = failure_message(exc)
    assert message.startswith("unexpected ValueError in test_self_test.py line ") and "Amira" not in message


def test_under_the_c_locale_it_still_says_one_line_and_nothing_on_stderr():
    """A deployment script or cron job often runs with LC_ALL=C, where Qt would warn in four lines."""
    out = iro("self-test", passphrase=None, env_extra={"LC_ALL": "C", "LANG": "C"})
    assert out.returncode == 0, out.stderr
    assert PASSED.fullmatch(out.stdout) and out.stderr == ""
