"""Light and dark: the app follows the system's colour scheme, and coloured text stays readable in both."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication, QLabel, QStyleFactory

from iro_desktop.gui import appearance
from iro_desktop.gui.caseload.model import STATUS_COLOURS
from tests.conftest import TODAY

ROLE = QPalette.ColorRole


def contrast(a: QColor, b: QColor) -> float:
    """The WCAG contrast ratio of two colours (4.5 is the minimum for body text)."""

    def luminance(c: QColor) -> float:
        def channel(v: float) -> float:
            return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

        return 0.2126 * channel(c.redF()) + 0.7152 * channel(c.greenF()) + 0.0722 * channel(c.blueF())

    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.fixture
def app(qapp, monkeypatch):
    """The application, put back as it was afterwards (palette, style, font)."""
    palette, font, style = qapp.palette(), qapp.font(), qapp.style().name()
    monkeypatch.delenv(appearance.COLOR_SCHEME_ENV, raising=False)
    yield qapp
    appearance.stop_following(qapp)
    qapp.setStyle(style or "Fusion")
    qapp.setPalette(palette)
    qapp.setFont(font)


def test_follows_the_system_when_it_turns_dark_and_back(app):
    appearance.apply_appearance(app)
    assert app.palette() == QStyleFactory.create("Fusion").standardPalette()  # Fusion, light: as the system
    app.styleHints().colorSchemeChanged.emit(Qt.ColorScheme.Dark)
    assert appearance.is_dark()
    app.styleHints().colorSchemeChanged.emit(Qt.ColorScheme.Light)
    assert not appearance.is_dark()


def test_the_environment_can_force_dark_whatever_the_system_says(app, monkeypatch):
    monkeypatch.setenv(appearance.COLOR_SCHEME_ENV, "dark")
    appearance.apply_appearance(app)
    assert appearance.is_dark()
    app.styleHints().colorSchemeChanged.emit(Qt.ColorScheme.Light)  # not followed while forced
    assert appearance.is_dark()


def test_the_dark_palette_is_readable():
    dark = appearance.dark_palette()
    for fg, bg in [
        (ROLE.Text, ROLE.Base),
        (ROLE.WindowText, ROLE.Window),
        (ROLE.ButtonText, ROLE.Button),
        (ROLE.HighlightedText, ROLE.Highlight),
        (ROLE.PlaceholderText, ROLE.Base),
    ]:
        assert contrast(dark.color(fg), dark.color(bg)) >= 4.5, (fg, bg)


@pytest.mark.parametrize("scheme", [Qt.ColorScheme.Light, Qt.ColorScheme.Dark])
def test_every_tone_reads_on_its_own_scheme(scheme):
    palette = (
        appearance.dark_palette()
        if scheme == Qt.ColorScheme.Dark
        else (QStyleFactory.create("Fusion").standardPalette())
    )
    for tone, colour in appearance.TONES[scheme].items():
        for background in (ROLE.Window, ROLE.Base):
            assert contrast(QColor(colour), palette.color(background)) >= 4.5, (tone, background)


def test_a_problem_label_changes_colour_with_the_scheme(app, qtbot):
    """Already on show when the system turns dark, it turns a lighter red."""
    appearance.apply_appearance(app)
    label = QLabel("The date cannot be in the future")
    qtbot.addWidget(label)
    appearance.set_tone(label, "problem")
    light = label.palette().color(ROLE.WindowText)
    app.styleHints().colorSchemeChanged.emit(Qt.ColorScheme.Dark)
    dark = label.palette().color(ROLE.WindowText)
    assert light != dark and label.font().bold()
    assert contrast(dark, app.palette().color(ROLE.Window)) >= 4.5
    appearance.set_tone(label, None)
    assert label.palette().color(ROLE.WindowText) == app.palette().color(ROLE.WindowText)


def test_tones_in_ui_files_are_coloured_as_the_form_loads(app, qtbot, store_path):
    from iro_desktop.gui.unlock import UnlockDialog

    appearance.apply_appearance(app)
    dialog = UnlockDialog(store_path)
    qtbot.addWidget(dialog)
    error = dialog.error.palette().color(ROLE.WindowText)
    assert error == QColor(appearance.TONES[Qt.ColorScheme.Light]["problem"])


def test_status_text_colours_are_lightened_on_dark(app, monkeypatch):
    monkeypatch.setenv(appearance.COLOR_SCHEME_ENV, "dark")
    appearance.apply_appearance(app)
    base = app.palette().color(ROLE.Base)
    for fg, _bg in STATUS_COLOURS.values():
        assert contrast(QColor(appearance.text_colour(fg)), base) >= 4.5, fg


def test_text_colours_are_unchanged_on_light(app):
    appearance.apply_appearance(app)
    assert appearance.text_colour("#8e1b22") == "#8e1b22"


# --- large text -------------------------------------------------------------------------------------


def clipped_labels(page) -> list[str]:
    """Single-line labels on show that are narrower than their text needs (where the layout had room)."""
    return [
        f"{label.objectName()}: {label.text()!r} {label.width()} < {label.sizeHint().width()}"
        for label in page.findChildren(QLabel)
        if label.isVisible()
        and label.text()
        and not label.wordWrap()
        and label.width() < label.minimumSizeHint().width()
    ]


def test_the_clipping_check_finds_a_squeezed_label(qtbot):
    label = QLabel("Looked after since 2 Oct 2026")
    qtbot.addWidget(label)
    label.setFixedWidth(label.minimumSizeHint().width() // 2)
    label.show()
    assert len(clipped_labels(label.parentWidget() or _holder(qtbot, label))) == 1


def _holder(qtbot, label):
    from PySide6.QtWidgets import QWidget

    holder = QWidget()
    qtbot.addWidget(holder)
    label.setParent(holder)
    holder.show()
    return holder


def test_large_system_text_does_not_clip_the_main_screens(app, qtbot, demo_store):
    """At 16 pt (a large system font) the key labels still get the width they need."""
    from iro_desktop.gui.main_window import MainWindow

    font = QFont(app.font())
    font.setPointSize(16)
    app.setFont(font)
    window = MainWindow(demo_store, TODAY)
    qtbot.addWidget(window)
    window.resize(1400, 900)
    window.show()
    qtbot.waitExposed(window)
    pages = {"caseload": window.caseload}
    child_id = window.caseload.model.rows()[0].id
    window.open_child(child_id)
    pages["child"] = window.child_page
    window.open_review(child_id)
    pages["review"] = window.review
    QApplication.processEvents()
    assert {name: clipped_labels(page) for name, page in pages.items() if clipped_labels(page)} == {}


@pytest.mark.parametrize(("points", "screen"), [(12, (1280, 720)), (16, (1280, 800))])
def test_large_text_still_fits_a_laptop_screen(app, qtbot, demo_store, points, screen):
    """The window's smallest size at a larger system font still fits a 1920 x 1080 screen at 150 % scale
    (1280 x 720 of room) or, at 16 pt, a 1280 x 800 one: nothing is pushed off the edge."""
    from iro_desktop.gui.main_window import MainWindow

    font = QFont(app.font())
    font.setPointSize(points)
    app.setFont(font)
    window = MainWindow(demo_store, TODAY)
    qtbot.addWidget(window)
    child_id = window.caseload.model.rows()[0].id
    window.open_child(child_id)
    window.open_review(child_id)
    needed = window.minimumSizeHint()
    assert needed.width() <= screen[0] and needed.height() <= screen[1], needed
