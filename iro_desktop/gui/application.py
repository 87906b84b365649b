"""The one QApplication, made the same way by the window (gui/app.py) and the self-test."""

from __future__ import annotations

import locale
import os
import sys

from PySide6.QtWidgets import QApplication


def application(argv: list[str]) -> QApplication:
    """Qt needs a UTF-8 locale. Under LC_ALL=C (a deployment script, cron, a bare SSH session) it switches to
    C.UTF-8 itself and says so in four lines on stderr, where the self-test promises one line: ask for
    C.UTF-8 first (built into glibc since 2.35, the bundle's floor), and Qt has nothing to say."""
    existing = QApplication.instance()
    if existing is not None:
        return existing
    encoding = locale.nl_langinfo(locale.CODESET).upper().replace("-", "")
    if sys.platform.startswith("linux") and encoding != "UTF8":
        os.environ["LC_ALL"] = "C.UTF-8"
    return QApplication(argv)
