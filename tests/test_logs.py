"""The app's log: owner-only, rotating, never a name in it: an error is written as its types and frames."""

from __future__ import annotations

import logging
import os
import re
import stat
import subprocess
import sys
import threading
from datetime import date

import pytest

from iro_desktop import __version__, logs
from iro_desktop.logs import LOG_NAME, NothingPersonalFormatter, log_files, start_logging
from tests.conftest import PASSPHRASE
from tests.interop.helpers import add_child

FIRST, LAST = "Zebedee", "Quartermaine-Marker"  # a fictional child whose name must never reach the log
MARKER = f"{FIRST} {LAST}"
posix_only = pytest.mark.skipif(os.name == "nt", reason="Windows protects the folder with its ACLs")


def _mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _everything_in(folder) -> bytes:
    return b"".join(p.read_bytes() for p in folder.iterdir() if p.is_file())


def _fail_about(name: str) -> None:
    looked_up = {"reviews": []}
    try:
        looked_up[name]
    except KeyError as exc:
        raise LookupError(f"No review for {name}") from exc


def _record(msg, args=(), exc: BaseException | None = None) -> logging.LogRecord:
    exc_info = (type(exc), exc, exc.__traceback__) if exc else None
    return logging.LogRecord("iro_desktop.test", logging.ERROR, __file__, 1, msg, args, exc_info)


@posix_only
def test_the_log_folder_and_every_file_in_it_are_owner_only_even_a_file_left_loose(tmp_path):
    folder = tmp_path / "logs"
    folder.mkdir(mode=0o700)
    (folder / LOG_NAME).write_text("")
    os.chmod(folder / LOG_NAME, 0o644)  # as an older version, or a careless copy, might have left it

    assert start_logging() == folder
    logging.getLogger("iro_desktop.test").warning("Something worth writing down")

    assert _mode(folder) == 0o700
    assert {p.name: _mode(p) for p in folder.iterdir()} == {LOG_NAME: 0o600, logs.FAULT_NAME: 0o600}
    assert "WARNING iro_desktop.test: Something worth writing down" in (folder / LOG_NAME).read_text()


@posix_only
def test_a_new_log_folder_is_made_owner_only(tmp_path, monkeypatch):
    monkeypatch.setenv(logs.LOG_DIR_ENV, str(tmp_path / "state" / "iro-desktop" / "log"))
    folder = start_logging()
    assert _mode(folder) == 0o700 and _mode(folder.parent) == 0o700


def test_the_log_says_when_the_app_started_and_which_version(tmp_path):
    folder = start_logging()
    first = (folder / LOG_NAME).read_text().splitlines()[0]
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d INFO iro_desktop: Started \(version=.*\)", first)
    assert f"version={__version__}" in first and f"os={sys.platform}" in first


@posix_only
def test_the_log_rotates_and_keeps_three_small_owner_only_files(monkeypatch):
    monkeypatch.setattr(logs, "MAX_BYTES", 2000)
    folder = start_logging()
    for _ in range(200):
        logging.getLogger("iro_desktop.test").info("A line long enough to fill a small file in a few dozen")

    files = log_files(folder)
    assert [p.name for p in files] == [f"{LOG_NAME}.2", f"{LOG_NAME}.1", LOG_NAME]
    assert all(p.stat().st_size <= 2000 and _mode(p) == 0o600 for p in files)
    assert b"Started" not in _everything_in(folder)  # the oldest lines went with the oldest file


def test_an_error_is_written_as_its_types_and_frames_never_its_message_or_arguments():
    try:
        _fail_about(MARKER)
    except LookupError as exc:
        text = NothingPersonalFormatter().format(_record("Could not open %s (%d%% read)", (MARKER, 50), exc))

    assert FIRST not in text and LAST not in text
    head, *lines = text.splitlines()
    assert head.endswith("ERROR iro_desktop.test: Could not open <left out> (<left out>% read)")
    assert lines[0] == "  LookupError"
    assert re.fullmatch(r"    at tests\.test_logs:test_an_error_is_written.*:\d+", lines[1])
    assert re.fullmatch(r"    at tests\.test_logs:_fail_about:\d+", lines[2])
    assert lines[3:5] == ["  raised from:", "  KeyError"]
    assert re.fullmatch(r"    at tests\.test_logs:_fail_about:\d+", lines[5])


def test_an_exception_group_is_written_member_by_member_and_an_exception_given_as_the_message_by_type():
    try:
        raise ExceptionGroup(f"Two failures for {MARKER}", [ValueError(MARKER), OSError(2, MARKER)])
    except ExceptionGroup as group:
        text = NothingPersonalFormatter().format(_record(group, exc=group))

    assert FIRST not in text and LAST not in text
    head, *lines = text.splitlines()
    assert head.endswith("ERROR iro_desktop.test: <ExceptionGroup>")
    assert lines[0] == "  ExceptionGroup" and lines[1].startswith("    at tests.test_logs:")
    assert lines[2:] == [
        "    member 1 of the group:",
        "      ValueError",
        "    member 2 of the group:",
        "      FileNotFoundError",
    ]


def test_an_error_in_a_background_thread_reaches_the_log_as_its_type_and_frames():
    folder = start_logging()
    worker = threading.Thread(target=_fail_about, args=(MARKER,), name="iro-test-worker")
    worker.start()
    worker.join()

    log = (folder / LOG_NAME).read_text()
    assert "CRITICAL iro_desktop.thread: Uncaught error\n  LookupError\n" in log
    assert re.search(r"at tests\.test_logs:_fail_about:\d+", log)
    assert FIRST not in log and LAST not in log


def test_a_runaway_recursion_is_written_in_a_few_dozen_lines():
    def deeper(n: int) -> None:
        if n:
            deeper(n - 1)
        raise RuntimeError(MARKER)

    try:
        deeper(500)
    except RuntimeError as exc:
        text = NothingPersonalFormatter().format(_record("Failed", exc=exc))
    assert len(text.splitlines()) < 40 and "frames left out" in text


# A careless caller: the caseload command fails with the child's name in the error and in a local.
FAILING_CASELOAD = """
import sys
from iro_desktop import cli
from iro_desktop.services import caseload

real = caseload.load_caseload

def load_caseload_then_fail(store, today, *args, **kwargs):
    name = real(store, today, *args, **kwargs)[0].name
    try:
        raise KeyError(name)
    except KeyError as exc:
        raise LookupError(f"Cannot show the caseload row for {name}") from exc

caseload.load_caseload = load_caseload_then_fail
sys.exit(cli.main(sys.argv[1:]))
"""


def test_a_crash_in_a_real_process_logs_its_type_and_frames_and_never_the_childs_name(store, tmp_path):
    with store.session() as s:
        add_child(
            s, "ZQM01", date(2015, 3, 2), [(date(2024, 1, 8), None, "C2")], first_name=FIRST, last_name=LAST
        )
    folder = tmp_path / "crash-logs"
    env = {**os.environ, "IRO_DESKTOP_PASSPHRASE": PASSPHRASE, logs.LOG_DIR_ENV: str(folder)}

    done = subprocess.run(
        [sys.executable, "-c", FAILING_CASELOAD, "caseload", "--db", str(store.path)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )

    assert done.returncode == 1 and MARKER in done.stderr  # the name was in the error, as a terminal shows
    written = _everything_in(folder)
    for word in (FIRST, LAST, "ZQM01"):
        assert word.encode() not in written
    log = (folder / LOG_NAME).read_text()
    assert "CRITICAL iro_desktop: Uncaught error\n  LookupError\n" in log
    assert re.search(r"at iro_desktop\.cli:cmd_caseload:\d+", log)
    assert re.search(r"at __main__:load_caseload_then_fail:\d+\n  raised from:\n  KeyError", log)


HARD_CRASH = """
import faulthandler, sys
from iro_desktop import cli, logs
# Qt failing in the window, where no terminal shows it: the log has begun (gui/app.py's warm-up) by then.
cli.cmd_outbox = lambda args: (logs.start_logging(), faulthandler._sigsegv())
sys.exit(cli.main(sys.argv[1:]))
"""


def test_once_the_log_has_begun_a_hard_crash_leaves_its_frames_in_the_log_folder(tmp_path):
    folder = tmp_path / "crash-logs"
    done = subprocess.run(
        [sys.executable, "-c", HARD_CRASH, "outbox"],
        capture_output=True,
        env={**os.environ, logs.LOG_DIR_ENV: str(folder)},
        timeout=120,
    )
    assert done.returncode != 0
    frames = (folder / logs.FAULT_NAME).read_text()
    assert "Fatal Python error: Segmentation fault" in frames
    assert re.search(r"iro_desktop[/\\]cli\.py\", line \d+ in main", frames)
