"""Where the Designer forms and resources are: inside the package when installed, beside it in a checkout."""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent


def _shipped(name: str) -> Path:
    inside = PACKAGE / name  # wheel and PyInstaller bundle
    return inside if inside.is_dir() else PACKAGE.parent / name  # editable install / source checkout


def ui_dir() -> Path:
    return _shipped("ui")


def resources_dir() -> Path:
    return _shipped("resources")
