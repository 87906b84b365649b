"""Window size and position, splitters and column choices, remembered between runs.

They live in an INI file in the platform's user config folder: not the data folder, and never the encrypted
store, because they are needed before it is unlocked and hold nothing personal (Qt's geometry and header
blobs: sizes, order, hidden columns, sort). IRO_DESKTOP_SETTINGS_DIR moves the file (tests, screenshots).
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs
from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtWidgets import QHeaderView, QMainWindow, QSplitter

from iro_desktop.private_files import make_private, private_dir

SETTINGS_DIR_ENV = "IRO_DESKTOP_SETTINGS_DIR"
_open: dict[Path, QSettings] = {}  # one per file, so frequent small saves stay in memory until synced


def settings_path() -> Path:
    override = os.environ.get(SETTINGS_DIR_ENV)
    folder = Path(override) if override else platformdirs.user_config_path("iro-desktop", appauthor=False)
    return folder / "window.ini"


def settings() -> QSettings:
    path = settings_path()
    if path not in _open:
        private_dir(path.parent)  # 0700 if made here, as every folder the app makes
        path.touch(mode=0o600)
        make_private(path)  # owner-only before Qt writes a byte (its saves keep a file's mode)
        _open[path] = QSettings(str(path), QSettings.Format.IniFormat)
    return _open[path]


def sync() -> None:
    """Write what is waiting to the file (Qt does so by itself soon after; closing should not wait)."""
    for s in _open.values():
        s.sync()


def _load(key: str) -> QByteArray | None:
    value = settings().value(key)
    return value if isinstance(value, QByteArray) and not value.isEmpty() else None


def save_window(window: QMainWindow) -> None:
    settings().setValue("main/geometry", window.saveGeometry())
    settings().setValue("main/state", window.saveState())


def restore_window(window: QMainWindow) -> bool:
    geometry, state = _load("main/geometry"), _load("main/state")
    if state is not None:
        window.restoreState(state)
    return geometry is not None and window.restoreGeometry(geometry)


def save_header(key: str, header: QHeaderView) -> None:
    settings().setValue(f"columns/{key}", header.saveState())


def restore_header(key: str, header: QHeaderView) -> bool:
    state = _load(f"columns/{key}")
    return state is not None and header.restoreState(state)


def save_splitter(key: str, splitter: QSplitter) -> None:
    settings().setValue(f"splitters/{key}", splitter.saveState())


def restore_splitter(key: str, splitter: QSplitter) -> bool:
    state = _load(f"splitters/{key}")
    return state is not None and splitter.restoreState(state)


def forget(key: str) -> None:
    settings().remove(key)
