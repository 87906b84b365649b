"""Light or dark as the system is: the Fusion style with a palette for the system's colour scheme.

Fusion looks the same on Windows, macOS and Linux and honours any palette, so one dark palette serves all
three. IRO_DESKTOP_COLOR_SCHEME=dark|light overrides the system (screenshots, or an IRO who prefers one).
Text that carries meaning in colour (a problem, a warning, something done) is marked with a `tone`
property (in a .ui file or with set_tone) and given the tone's colour for the scheme in use, through its
palette: an application style sheet would do the same but slows every window's building by about a third.
"""

from __future__ import annotations

import os

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QProxyStyle, QStyle, QStyleFactory, QTableWidgetItem, QWidget

COLOR_SCHEME_ENV = "IRO_DESKTOP_COLOR_SCHEME"
_FORCED = {"dark": Qt.ColorScheme.Dark, "light": Qt.ColorScheme.Light}
_following: dict = {}  # the application -> the slot that follows the system's scheme

# Tone colours keep a 4.5:1 contrast with the window and base colours of their own scheme.
# Problems and warnings are bold as well, so colour is never the only sign.
TONES = {
    Qt.ColorScheme.Light: {"problem": "#a4262c", "warning": "#7a4100", "good": "#107c10", "quiet": "#555555"},
    Qt.ColorScheme.Dark: {"problem": "#ff9a94", "warning": "#f5c26b", "good": "#8fd694", "quiet": "#b4b4b4"},
}
_BOLD_TONES = {"problem", "warning"}
_DARK = {  # role: (active and inactive, disabled)
    QPalette.ColorRole.Window: ("#2b2b2e", "#2b2b2e"),
    QPalette.ColorRole.WindowText: ("#ececec", "#7f7f7f"),
    QPalette.ColorRole.Base: ("#1e1e20", "#252527"),
    QPalette.ColorRole.AlternateBase: ("#27272a", "#27272a"),
    QPalette.ColorRole.ToolTipBase: ("#3a3a3e", "#3a3a3e"),
    QPalette.ColorRole.ToolTipText: ("#ececec", "#ececec"),
    QPalette.ColorRole.PlaceholderText: ("#a0a0a0", "#6f6f6f"),
    QPalette.ColorRole.Text: ("#ececec", "#7f7f7f"),
    QPalette.ColorRole.Button: ("#37373b", "#303033"),
    QPalette.ColorRole.ButtonText: ("#ececec", "#7f7f7f"),
    QPalette.ColorRole.BrightText: ("#ffffff", "#ffffff"),
    QPalette.ColorRole.Light: ("#505055", "#505055"),
    QPalette.ColorRole.Midlight: ("#414145", "#414145"),
    QPalette.ColorRole.Mid: ("#5a5a60", "#4a4a4e"),
    QPalette.ColorRole.Dark: ("#18181a", "#18181a"),
    QPalette.ColorRole.Shadow: ("#000000", "#000000"),
    QPalette.ColorRole.Highlight: ("#3b74c9", "#444448"),
    QPalette.ColorRole.HighlightedText: ("#ffffff", "#9a9a9a"),
    QPalette.ColorRole.Link: ("#8ab4f8", "#6f8fbf"),
    QPalette.ColorRole.LinkVisited: ("#c9a4f5", "#8f7bb0"),
}


def forced_scheme() -> Qt.ColorScheme | None:
    return _FORCED.get(os.environ.get(COLOR_SCHEME_ENV, "").strip().lower())


def scheme(system: Qt.ColorScheme) -> Qt.ColorScheme:
    """The scheme to use: the forced one, else the system's (Unknown counts as light)."""
    chosen = forced_scheme() or system
    return Qt.ColorScheme.Dark if chosen == Qt.ColorScheme.Dark else Qt.ColorScheme.Light


def dark_palette() -> QPalette:
    palette = QPalette()
    for role, (normal, disabled) in _DARK.items():
        for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
            palette.setColor(group, role, QColor(normal))
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor(disabled))
    return palette


def _apply_scheme(app: QApplication, system: Qt.ColorScheme) -> None:
    chosen = scheme(system)
    light = QStyleFactory.create("Fusion").standardPalette()
    app.setPalette(dark_palette() if chosen == Qt.ColorScheme.Dark else light)
    for widget in QApplication.allWidgets():
        if widget.property("tone"):
            _paint_tone(widget)


class _FusionStyle(QProxyStyle):
    """Fusion, with check boxes and radio buttons that show on a dark palette.

    Fusion outlines them in the window colour made darker, which vanishes when the window is already dark;
    there they are outlined in a light grey instead.
    """

    _INDICATORS = (
        QStyle.PrimitiveElement.PE_IndicatorCheckBox,
        QStyle.PrimitiveElement.PE_IndicatorRadioButton,
        QStyle.PrimitiveElement.PE_IndicatorItemViewItemCheck,
    )

    def __init__(self) -> None:
        super().__init__(QStyleFactory.create("Fusion"))

    def drawPrimitive(self, element, option, painter, widget=None) -> None:  # noqa: N802 (Qt override)
        if element in self._INDICATORS and option.palette.color(QPalette.ColorRole.Window).lightness() < 128:
            option = type(option)(option)  # a copy: the caller's option is not ours to change
            option.palette.setColor(QPalette.ColorRole.Window, QColor("#a8a8a8"))  # outlined in #787878
        super().drawPrimitive(element, option, painter, widget)


def apply_appearance(app: QApplication) -> None:
    """Fusion, the palette for the scheme, and a new palette whenever the system changes scheme."""
    app.setStyle(_FusionStyle())
    _apply_scheme(app, app.styleHints().colorScheme())
    stop_following(app)
    if forced_scheme() is None:
        _following[app] = lambda system: _apply_scheme(app, system)
        app.styleHints().colorSchemeChanged.connect(_following[app])


def stop_following(app: QApplication) -> None:
    """Stop reacting to the system's scheme (before applying again, so it is never done twice)."""
    slot = _following.pop(app, None)
    if slot is not None:
        app.styleHints().colorSchemeChanged.disconnect(slot)


def is_dark() -> bool:
    """Whether the palette in use is a dark one (whatever set it)."""
    app = QGuiApplication.instance()
    return app is not None and app.palette().color(QPalette.ColorRole.Window).lightness() < 128


def text_colour(colour: str) -> str:
    """A text colour chosen for a light background, lightened (same hue) to read on a dark one."""
    if not is_dark():
        return colour
    hue, saturation, lightness, _alpha = QColor(colour).getHsl()
    return QColor.fromHsl(hue, saturation, max(lightness, 190)).name()


def table_cell(
    text: str, tip: str = "", fg: str | None = None, bg: str | None = None, bold: bool = False
) -> QTableWidgetItem:
    """A table's cell: its colours (text on the table's own background lightened in a dark scheme), and
    a tooltip when given or when the text is long enough to be cut."""
    cell = QTableWidgetItem(text)
    cell.setToolTip(tip or (text if len(text) > 40 else ""))
    if fg:
        cell.setForeground(QBrush(QColor(fg if bg else text_colour(fg))))
    if bg:
        cell.setBackground(QBrush(QColor(bg)))
    if bold:
        font = QFont()
        font.setBold(True)
        cell.setFont(font)
    return cell


def set_tone(widget: QWidget, tone: str | None) -> None:
    """Colour a widget's text as a problem, a warning, good news or quiet (None: plain), in either scheme."""
    widget.setProperty("tone", tone or "")
    _paint_tone(widget)


def apply_tones(form: QWidget) -> None:
    """Colour the widgets a .ui form marks with a tone (called as each form is loaded)."""
    for widget in form.findChildren(QWidget):
        if widget.property("tone"):
            _paint_tone(widget)


def _paint_tone(widget: QWidget) -> None:
    tone = widget.property("tone") or None
    palette = QPalette()  # nothing set: the widget's parent decides, as for any plain widget
    if tone is not None:
        colour = QColor(TONES[Qt.ColorScheme.Dark if is_dark() else Qt.ColorScheme.Light][tone])
        for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text):
            palette.setColor(role, colour)
    widget.setPalette(palette)
    font = widget.font()
    font.setBold(tone in _BOLD_TONES)
    widget.setFont(font)
