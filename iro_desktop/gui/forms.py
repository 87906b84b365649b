"""Loading Qt Designer forms from ui/ at run time: the .ui files are the single source of layout.

`load_into(self, "x.ui")` builds the form's tree into an existing widget (whose class matches the
form's root: QDialog, QMainWindow or QWidget), so each screen is an ordinary Python subclass.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QFile, QIODevice
from PySide6.QtUiTools import QUiLoader
from PySide6.QtWidgets import QApplication, QWidget

from iro_desktop.gui.appearance import apply_tones
from iro_desktop.paths import ui_dir


class _IntoLoader(QUiLoader):
    def __init__(self, base: QWidget, custom: tuple[type, ...]) -> None:
        super().__init__(base)
        self._base = base
        for cls in custom:
            self.registerCustomWidget(cls)

    def createWidget(self, class_name, parent=None, name=""):  # noqa: N802 (Qt override)
        if parent is None:
            return self._base  # the form's root becomes the existing widget
        return super().createWidget(class_name, parent, name)


def load_into(base: QWidget, name: str, custom: tuple[type, ...] = ()) -> QWidget:
    """Build ui/<name> into `base`; `custom` lists the classes promoted in the form."""
    file = QFile(str(ui_dir() / name))
    if not file.open(QIODevice.OpenModeFlag.ReadOnly):
        raise FileNotFoundError(f"Form {name} is missing from {ui_dir()}")
    loader = _IntoLoader(base, custom)
    try:
        loaded = loader.load(file, None)
    finally:
        file.close()
    if loaded is None:
        raise RuntimeError(f"Form {name} could not be loaded: {loader.errorString()}")
    apply_tones(base)  # problem and status text, coloured for the light or dark scheme
    return base


def find(form: QWidget, cls: type, name: str):
    """A named child of a form; a missing one is a programming error worth a clear message."""
    widget = form.findChild(cls, name)
    if widget is None:
        raise LookupError(f"{cls.__name__} {name!r} not found in form {form.objectName()!r}")
    return widget


def fit_screen(window: QWidget, width: int, height: int) -> None:
    """Resize a window to width x height, or to as much of that as its screen leaves room for beside the
    title bar and task bar (a 1920 x 1080 screen at 150 % is 1280 x 720). Never below the window's minimum."""
    screen = window.screen()
    if screen is not None:
        room = screen.availableGeometry()
        width, height = min(width, room.width() - 40), min(height, room.height() - 60)
    window.resize(width, height)


def grow_to_fit(window: QWidget) -> None:
    """Grow a window already on screen to what a part shown since needs (Qt does not grow it by itself, and
    squeezes the new part out of sight instead); never shrink what the IRO has made bigger."""
    QApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)  # the new part's own layout first
    window.layout().activate()
    hint = window.sizeHint().expandedTo(window.minimumSizeHint())
    fit_screen(window, max(window.width(), hint.width()), max(window.height(), hint.height()))
