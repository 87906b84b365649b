"""Where the Designer forms and resources are: inside the package when installed, beside it in a checkout."""

from __future__ import annotations

import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent


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
