"""The app's own log: a small rotating file, owner-only, that can hold nothing personal.

Windowed launchers on Windows and macOS have no stderr, so without this an error would vanish. What a
line may hold is decided here, not by each caller: the time, the level, the logger's name and the fixed
text our code wrote. A record's %-arguments are never written, nor an exception's message (messages carry
names: "no review for Zebedee..."), nor any local value; an exception is written as its type and its
frames (module:function:line), with its causes and, for an exception group, its members. Numbers and
words that describe the software, not a person, travel in `facts(...)` and are written as key=value.

`faulthandler` writes the frames of a hard crash (a segfault inside Qt) to a file in the same folder.
"""

from __future__ import annotations

import faulthandler
import logging
import os
import platform
import re
import sys
import threading
import traceback
from logging.handlers import RotatingFileHandler
from pathlib import Path
from types import TracebackType
from typing import IO

import platformdirs

from iro_desktop import __version__
from iro_desktop.private_files import FILE_MODE, make_private, private_dir

LOG_DIR_ENV = "IRO_DESKTOP_LOG_DIR"  # tests and benchmarks point it at a temporary folder
LOG_NAME = "iro-desktop.log"
FAULT_NAME = "hard-crashes.log"
MAX_BYTES = 256 * 1024
BACKUPS = 2  # the live file and two older ones: 768 KB at most
MAX_FRAMES = 30  # a runaway recursion would otherwise fill the file with one crash
FACTS = "facts"
LOGS_ITSELF = "logs_itself"  # marks an excepthook that logs through here itself
PLACEHOLDER = re.compile(r"%%|%(\([^)]*\))?[-#0 +]*(\*|\d+)?(\.(\*|\d+))?[diouxXeEfFgGcrsa]")

log = logging.getLogger("iro_desktop")
_state: dict[str, object] = {}  # the handler and the fault file installed, so a second start replaces them
_starting = threading.Lock()


def log_dir() -> Path:
    override = os.environ.get(LOG_DIR_ENV)
    return Path(override) if override else platformdirs.user_log_path("iro-desktop", appauthor=False)


def log_files(folder: Path | None = None) -> list[Path]:
    """The log's files, oldest first (iro-desktop.log.2, .1, then the live one)."""
    folder = folder or log_dir()
    rotated = sorted(folder.glob(LOG_NAME + ".*"), key=lambda p: p.suffix, reverse=True)
    live = folder / LOG_NAME
    return [p for p in rotated if p.suffix[1:].isdigit()] + ([live] if live.exists() else [])


def facts(**values: str | int | float | bool | None) -> dict:
    """`extra=` for a log call: values about the software (a version, a count), never about a person."""
    return {FACTS: values}


def _type_name(exc_type: type) -> str:
    module = exc_type.__module__
    return exc_type.__qualname__ if module == "builtins" else f"{module}.{exc_type.__qualname__}"


def _frames(tb: TracebackType | None) -> list[str]:
    """module:function:line for each frame; the frame's locals and source line are never read."""
    frames = [
        f"{frame.f_globals.get('__name__', '?')}:{frame.f_code.co_qualname}:{line}"
        for frame, line in traceback.walk_tb(tb)
    ]
    if len(frames) > MAX_FRAMES:
        left_out = len(frames) - MAX_FRAMES
        frames = frames[: MAX_FRAMES // 2] + [f"... {left_out} frames left out"] + frames[-MAX_FRAMES // 2 :]
    return frames


def describe_exception(exc: BaseException, indent: str = "  ", seen: set[int] | None = None) -> list[str]:
    """The exception's type and frames, then what caused it and, for a group, each member's."""
    seen = seen if seen is not None else set()
    if id(exc) in seen:
        return [f"{indent}(the same {_type_name(type(exc))} again)"]
    seen.add(id(exc))
    lines = [f"{indent}{_type_name(type(exc))}"] + [f"{indent}  at {f}" for f in _frames(exc.__traceback__)]
    if isinstance(exc, BaseExceptionGroup):
        for n, member in enumerate(exc.exceptions, start=1):
            lines.append(f"{indent}  member {n} of the group:")
            lines += describe_exception(member, indent + "    ", seen)
    cause = exc.__cause__ or (None if exc.__suppress_context__ else exc.__context__)
    if cause is not None:
        how = "raised from" if exc.__cause__ is not None else "raised while handling"
        lines.append(f"{indent}{how}:")
        lines += describe_exception(cause, indent, seen)
    return lines


def _left_out(placeholder: re.Match) -> str:
    return "%" if placeholder.group() == "%%" else "<left out>"


class NothingPersonalFormatter(logging.Formatter):
    """Time, level, logger, our fixed text, facts; for an exception its types and frames only."""

    def format(self, record: logging.LogRecord) -> str:
        # A non-string message (an exception object, a row) is named by its type: its text may hold a name.
        text = record.msg if isinstance(record.msg, str) else f"<{type(record.msg).__name__}>"
        if record.args:
            text = PLACEHOLDER.sub(_left_out, text)
        line = f"{self.formatTime(record, '%Y-%m-%d %H:%M:%S')} {record.levelname} {record.name}: {text}"
        values = getattr(record, FACTS, None)
        if isinstance(values, dict) and values:
            line += " (" + ", ".join(f"{k}={v}" for k, v in values.items()) + ")"
        if record.exc_info and record.exc_info[1] is not None:
            line += "\n" + "\n".join(describe_exception(record.exc_info[1]))
        return line


class PrivateRotatingFileHandler(RotatingFileHandler):
    """Every file it opens (the first, and each new one after a rotation) is made 0600 before a write."""

    def _open(self) -> IO[str]:
        fd = os.open(self.baseFilename, os.O_WRONLY | os.O_CREAT | os.O_APPEND, FILE_MODE)
        make_private(Path(self.baseFilename))  # a file left looser by an older version or by hand
        return os.fdopen(fd, "a", encoding=self.encoding, errors=self.errors)


def _open_fault_file(folder: Path) -> IO[bytes]:
    """Kept short: a file grown past the log's size is started afresh (its crash was long ago)."""
    path = folder / FAULT_NAME
    fresh = path.exists() and path.stat().st_size > MAX_BYTES
    flags = os.O_WRONLY | os.O_CREAT | (os.O_TRUNC if fresh else os.O_APPEND)
    fd = os.open(path, flags, FILE_MODE)
    make_private(path)
    return os.fdopen(fd, "ab")


def log_crash(exc: BaseException, where: str = "iro_desktop") -> None:
    logging.getLogger(where).critical("Uncaught error", exc_info=(type(exc), exc, exc.__traceback__))


def _excepthook(exc_type, exc, tb) -> None:
    if not issubclass(exc_type, KeyboardInterrupt):
        log_crash(exc)
    sys.__excepthook__(exc_type, exc, tb)  # a terminal still shows the whole traceback, as before


def _thread_excepthook(args: threading.ExceptHookArgs) -> None:
    if args.exc_value is not None and not issubclass(args.exc_type, SystemExit):
        log_crash(args.exc_value, "iro_desktop.thread")
    threading.__excepthook__(args)


def _faults_to_stderr() -> None:
    """Where they went before the log took them (a test runner's own fault handler)."""
    try:
        faulthandler.enable(sys.__stderr__)
    except (AttributeError, OSError, ValueError, RuntimeError):  # a windowed launcher has no stderr
        pass


def stop_logging() -> None:
    """Undo start_logging: for tests that ran the command in-process, so none leaks into the next."""
    handler = _state.pop("handler", None)
    if isinstance(handler, logging.Handler):
        logging.getLogger().removeHandler(handler)
        handler.close()
    fault_file = _state.pop("fault_file", None)
    if fault_file is not None:
        faulthandler.disable()
        fault_file.close()
        if _state.pop("faults_were_on", False):
            _faults_to_stderr()
    if "hooks" in _state:
        sys.excepthook, threading.excepthook = _state.pop("hooks")
    _state.pop("folder", None)


def start_logging() -> Path | None:
    """Send the app's log to the log folder, log crashes there, and say the app has started.

    Returns the folder, or None when it cannot be made (a read-only home): the app runs on without a log.
    Called again with a different folder (tests, in one process), it moves there."""
    with _starting:  # the window starts it on a worker thread, and again after unlocking
        return _start(log_dir())


def _start(folder: Path) -> Path | None:
    if _state.get("folder") == folder:
        return folder
    stop_logging()
    try:
        private_dir(folder)
        fault_file = _open_fault_file(folder)
    except OSError:
        return None
    try:
        handler = PrivateRotatingFileHandler(
            folder / LOG_NAME, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8"
        )
    except OSError:
        fault_file.close()
        return None
    handler.setFormatter(NothingPersonalFormatter())
    logging.getLogger().addHandler(handler)
    log.setLevel(logging.INFO)  # our own events; other libraries' stay at warnings and above
    _state.update(faults_were_on=faulthandler.is_enabled())
    faulthandler.enable(fault_file)
    _state.update(
        folder=folder, handler=handler, fault_file=fault_file, hooks=(sys.excepthook, threading.excepthook)
    )
    if not getattr(sys.excepthook, LOGS_ITSELF, False):  # the window's own hook (gui/crash.py) is kept
        sys.excepthook = _excepthook
    threading.excepthook = _thread_excepthook
    log.info("Started", extra=facts(version=__version__, python=platform.python_version(), os=sys.platform))
    return folder
