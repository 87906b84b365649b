"""The shipped DejaVu Sans as the application font: every size a GUI test checks is measured in it, so the
result is the same on a machine with other fonts installed (another machine's default sans once made a
window 806 pixels wide where this one's made 777)."""

from __future__ import annotations

from PySide6.QtGui import QFont, QFontDatabase, QFontInfo
from PySide6.QtWidgets import QApplication

from iro_desktop.paths import resources_dir

SHIPPED_FONTS = ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf")
FAMILY = "DejaVu Sans"
DESKTOP_POINTS = 9  # what Qt gives a desktop with no font settings
_registered: list[int] = []  # the shipped fonts' ids in Qt's font database, once loaded


def use_shipped_font(app: QApplication, points: int = DESKTOP_POINTS) -> None:
    """The shipped DejaVu Sans at `points`, whatever the machine has installed, in the app's Fusion style
    (a platform's own style sizes differently)."""
    if not _registered:
        _registered.extend(
            QFontDatabase.addApplicationFont(str(resources_dir() / "fonts" / name)) for name in SHIPPED_FONTS
        )
        assert min(_registered) >= 0, "a shipped font could not be loaded"
    app.setStyle("Fusion")
    font = QFont(FAMILY)
    font.setPointSize(points)
    app.setFont(font)
    assert QFontInfo(app.font()).family() == FAMILY
