"""Where the Designer forms and resources are: inside the package when installed, beside it in a checkout;
and where a council's own copies of the files it may edit are looked for first."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import platformdirs

PACKAGE = Path(__file__).resolve().parent
APP = "iro-desktop"
SETTINGS_DIR_ENV = "IRO_DESKTOP_SETTINGS_DIR"  # moves the user's config folder (tests, screenshots)
COUNCIL_DIR_ENV = "IRO_DESKTOP_COUNCIL_DIR"  # replaces the machine-wide council folder (a share, tests)
COUNCIL = "council"


def _shipped(name: str) -> Path:
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:  # the PyInstaller bundle: installer/iro-desktop.spec puts them where the wheel does
        return Path(frozen) / "iro_desktop" / name
    inside = PACKAGE / name  # wheel
    return inside if inside.is_dir() else PACKAGE.parent / name  # editable install / source checkout


def ui_dir() -> Path:
    return _shipped("ui")


def resources_dir() -> Path:
    return _shipped("resources")


def user_config_dir() -> Path:
    """The user's config folder, where window.ini lives too (never the store's folder: no personal data)."""
    moved = os.environ.get(SETTINGS_DIR_ENV)
    return Path(moved) if moved else platformdirs.user_config_path(APP, appauthor=False)


def council_dirs() -> tuple[Path, Path]:
    """Where a council's edited copies are looked for, first to last: the IRO's own folder, then this
    computer's (for IT to deploy to every user). An installed, signed bundle is read-only, so an edit can
    never go into the shipped resources."""
    site = os.environ.get(COUNCIL_DIR_ENV)
    machine = Path(site) if site else platformdirs.site_config_path(APP, appauthor=False) / COUNCIL
    return user_config_dir() / COUNCIL, machine
