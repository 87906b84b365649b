"""The desktop's last line against an error nothing else caught: log it, tell the IRO once, carry on.

An exception raised in a slot or an event handler reaches `sys.excepthook` and Qt's event loop goes on, so
the app stays open where it can. The log gets the error's type and frames only (iro_desktop.logs); the IRO
gets one plain message that leads to Help > Report a problem, never a storm of them.
"""

from __future__ import annotations

import sys
import threading
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

TITLE = "Something went wrong"
MESSAGE = (
    "Something went wrong in iro-desktop. What you type is saved as you go (autosave), so you can carry "
    "on, or close iro-desktop and open it again if something looks wrong.\n\n"
    "The details, with nothing personal in them, are in the app's log. Help > Report a problem puts them "
    "in a report you can read, then send to your council's support team."
)

AGAIN = "Something went wrong again. It is in the app's log: Help > Report a problem."


class CrashHook:
    """sys.excepthook for the desktop. `window` is set once the main window exists."""

    logs_itself = True  # iro_desktop.logs.LOGS_ITSELF: starting the log leaves this hook in place

    def __init__(self, store_path: Path | None) -> None:
        self.store_path = store_path
        self.window: QWidget | None = None
        self.message: QMessageBox | None = None  # the one message of the session, once shown

    def __call__(self, exc_type, exc, tb) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        from iro_desktop import logs  # on the first error, if the warm-up has not begun the log yet

        logs.start_logging()
        logs.log_crash(exc, "iro_desktop.gui")
        sys.__excepthook__(exc_type, exc, tb)  # a terminal, when there is one, still shows it whole
        if threading.current_thread() is not threading.main_thread() or QApplication.instance() is None:
            return  # widgets belong to the GUI thread; the log has it
        if self.message is None:
            self.message = self._build_message()
            QTimer.singleShot(0, self.message.open)  # after the failed handler has unwound
        elif self.window is not None and hasattr(self.window, "statusBar"):
            self.window.statusBar().showMessage(AGAIN)  # told once; later errors are not silent either

    def _build_message(self) -> QMessageBox:
        box = QMessageBox(QMessageBox.Icon.Warning, TITLE, MESSAGE, parent=QApplication.activeWindow())
        box.setObjectName("crashMessage")
        report = box.addButton("&Report a problem...", QMessageBox.ButtonRole.ActionRole)
        report.setObjectName("reportProblemButton")
        report.setAccessibleDescription("Open Help, Report a problem, to see and save the report")
        box.addButton(QMessageBox.StandardButton.Close)
        box.setDefaultButton(report)
        report.clicked.connect(self.report_problem)
        return box

    def report_problem(self) -> None:
        window = self.window
        if window is not None and hasattr(window, "report_problem"):
            window.report_problem()
            return
        from iro_desktop.gui.help.report import report_problem

        report_problem(None, self.store_path)


def install(store_path: Path | None) -> CrashHook:
    hook = CrashHook(store_path)
    sys.excepthook = hook
    return hook
