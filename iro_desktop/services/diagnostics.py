"""Report a problem: a plain-text description of this install that holds nothing personal.

Only facts about the software and the files' outsides go in: versions, the shape of the store's path (the
home folder shown as "~"), file sizes and permissions, the key file's non-secret fields (format, slot names,
KDF cost), the settings file's key names (never values), free disk space and the log's last lines (which
hold no message or value, by construction: iro_desktop.logs). The store itself is encrypted
and is never opened here, so no name, passphrase or case text can reach the report.
"""

from __future__ import annotations

import getpass
import json
import locale
import os
import platform
import shutil
import stat
import sys
import time
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path

import platformdirs

from iro_desktop import __version__, logs
from iro_desktop.private_files import write_private
from iro_desktop.store.keys import key_file_for

Section = tuple[str, list[str]]
PAGE_SIZE = 4096  # SQLCipher's page: a store whose size is not a multiple of it was cut short
LOG_TAIL = 60  # the log's last lines: enough for the last few runs and the error that prompted the report


def default_file_name(day) -> str:
    return f"iro-desktop-diagnostics-{day.isoformat()}.txt"


def save(path: Path, text: str) -> None:
    """Write the report where the IRO chose, whole or not at all and owner-only (0600): it names the
    store's folder and settings, so it is kept as private as everything else the app writes."""
    write_private(Path(path), text.encode("utf-8"))


def config_dir() -> Path:
    return platformdirs.user_config_path("iro-desktop", appauthor=False)


def shape(path: Path, home: Path | None = None) -> str:
    """The path with the home folder as "~" and the login name hidden, as both may be the IRO's name."""
    home = home or Path.home()
    if path == home or home in path.parents:
        path = Path("~") / path.relative_to(home)
    user = _login_name()
    return str(Path(*["<user>" if user and part == user else part for part in path.parts]))


def shape_text(text: str, home: Path | None = None) -> str:
    """`shape` for paths inside free text, such as the frames Python's fault handler writes."""
    text = text.replace(str(home or Path.home()), "~")
    user = _login_name()
    return text.replace(f"{os.sep}{user}{os.sep}", f"{os.sep}<user>{os.sep}") if user else text


def _login_name() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name in some sandboxes and services
        return ""


def _size(n: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:,} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1024
    raise AssertionError("unreachable")


def _file_line(label: str, path: Path) -> str:
    if not path.exists():
        return f"{label}: not present"
    info = path.stat()
    private = "owner only" if not info.st_mode & (stat.S_IRWXG | stat.S_IRWXO) else "others can read"
    return f"{label}: present, {_size(info.st_size)}, permissions {stat.filemode(info.st_mode)} ({private})"


def sqlcipher_version() -> str:
    try:
        from sqlcipher3 import dbapi2

        conn = dbapi2.connect(":memory:")
        try:
            cipher = conn.execute("PRAGMA cipher_version").fetchone()[0]
        finally:
            conn.close()
        return f"{cipher} (SQLite {dbapi2.sqlite_version})"
    except Exception as exc:  # the report must still be written when the library is broken
        return f"not available ({type(exc).__name__})"


def _running_from() -> str:
    if getattr(sys, "frozen", False):
        return "an installed bundle"
    return "an installed package" if "site-packages" in Path(__file__).parts else "a source checkout"


def app_lines() -> list[str]:
    language, encoding = locale.getlocale()
    return [
        f"iro-desktop version: {__version__}",
        f"Running from: {_running_from()}",
        f"Python: {platform.python_version()} ({platform.python_implementation()})",
        f"SQLCipher: {sqlcipher_version()}",
        f"Operating system: {platform.platform()} ({platform.machine()})",
        f"Locale: {language or 'not set'}, encoding {encoding or locale.getpreferredencoding(False)}",
        f"Time zone: {time.tzname[0]}",
    ]


def _key_file_lines(path: Path) -> list[str]:
    """Only the fields that say how the key is protected; salts, nonces and wrapped keys stay out."""
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        lines = [f"Key file format: {doc['format']} version {doc['version']}"]
        for slot_name, slot in doc["slots"].items():
            kdf = slot["kdf"]
            lines.append(
                f"Key slot '{slot_name}': {kdf['name']}, {kdf['time_cost']} passes, "
                f"{kdf['memory_kib'] // 1024} MiB, {kdf['parallelism']} lanes"
            )
        return lines
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        return [f"Key file contents: cannot be read ({type(exc).__name__})"]


def store_lines(db: Path | None, home: Path | None = None) -> list[str]:
    if db is None:
        return ["No store was chosen."]
    db = Path(db)
    lines = [f"Location: {shape(db, home)}", _file_line("Database file", db)]
    if db.is_file():
        whole = db.stat().st_size % PAGE_SIZE == 0
        lines.append(f"Database size is a whole number of {PAGE_SIZE}-byte pages: {'yes' if whole else 'NO'}")
    lines.append(_file_line("Write-ahead log", db.with_name(db.name + "-wal")))
    key_file = key_file_for(db)
    lines.append(_file_line("Key file", key_file))
    if key_file.is_file():
        lines += _key_file_lines(key_file)
    lines.append("Schema revision: not readable without the passphrase (the whole database is encrypted)")
    return lines


def _setting_keys(path: Path) -> list[str]:
    """The key names of an INI settings file, as section/key; values may describe the IRO, so never."""
    section, keys = "", []
    for raw in path.read_text(encoding="utf-8", errors="replace").splitlines():
        line = raw.strip()
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1]
        elif "=" in line and not line.startswith((";", "#")):
            key = line.split("=", 1)[0].strip()
            keys.append(key if section in ("", "General") else f"{section}/{key}")
    return keys


def settings_lines(folder: Path | None = None, home: Path | None = None) -> list[str]:
    folder = folder or config_dir()
    files = sorted(p for p in folder.glob("*") if p.is_file()) if folder.is_dir() else []
    lines = [f"Settings folder: {shape(folder, home)} ({len(files)} files)"]
    for path in files:
        lines.append(_file_line(f"File {path.name}", path))
        if path.suffix.lower() in (".ini", ".conf"):
            keys = _setting_keys(path)
            lines.append(f"  Keys (values left out): {', '.join(keys) if keys else 'none'}")
    return lines


def disk_lines(db: Path | None) -> list[str]:
    folder = Path(db).parent if db is not None else Path.home()
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    try:
        usage = shutil.disk_usage(folder)
    except OSError as exc:
        return [f"Free disk space: unknown ({type(exc).__name__})"]
    return [f"Free disk space where the store is: {_size(usage.free)} of {_size(usage.total)}"]


def _tail(paths: list[Path], count: int) -> list[str]:
    lines: list[str] = []
    for path in paths:
        lines += path.read_text(encoding="utf-8", errors="replace").splitlines()
    return lines[-count:]


def log_lines(folder: Path | None = None, home: Path | None = None) -> list[str]:
    """Where the log is, and its last lines. They hold nothing personal by construction: times, event
    names, and errors as their type and places in the program, never their messages (iro_desktop.logs)."""
    folder = folder or logs.log_dir()
    lines = [f"Log folder: {shape(folder, home)}"]
    try:
        tail = _tail(logs.log_files(folder), LOG_TAIL) if folder.is_dir() else []
        fault_file = folder / logs.FAULT_NAME
        hard = _tail([fault_file], LOG_TAIL) if fault_file.is_file() else []
    except OSError as exc:
        return lines + [f"The log cannot be read ({type(exc).__name__})."]
    if not tail:
        lines.append("The log is empty.")
    else:
        lines.append(f"The log's last {len(tail)} lines:")
        lines += tail
    if hard:  # Python's own format, which names files by their full path: shown with the home as "~"
        lines.append("Hard crashes (frames written by Python's fault handler):")
        lines += [shape_text(line, home) for line in hard]
    return lines


def sections(
    db: Path | None,
    display: Mapping[str, str] | None = None,
    settings_folder: Path | None = None,
    home: Path | None = None,
) -> list[Section]:
    return [
        ("Application", app_lines()),
        ("Display", [f"{k}: {v}" for k, v in (display or {}).items()] or ["Not shown (no window)."]),
        ("Store", store_lines(db, home)),
        ("Settings file", settings_lines(settings_folder, home)),
        ("Disk", disk_lines(db)),
        ("Log", log_lines(home=home)),
    ]


def report(
    db: Path | None,
    display: Mapping[str, str] | None = None,
    settings_folder: Path | None = None,
    home: Path | None = None,
    now: datetime | None = None,
) -> str:
    """The whole report, as the IRO sees it before saving and as the council's support team reads it."""
    now = now or datetime.now().astimezone()
    head = [
        "iro-desktop problem report",
        f"Written: {now:%Y-%m-%d %H:%M %Z}".rstrip(),
        "This report describes the software and its files only. It holds no names, passphrases or case",
        "records. Please read it before you send it.",
    ]
    body = [
        f"\n== {title} ==\n" + "\n".join(lines)
        for title, lines in sections(db, display, settings_folder, home)
    ]
    return "\n".join(head) + "\n" + "\n".join(body) + "\n"
