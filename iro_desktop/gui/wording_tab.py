"""Tools > Settings > Document wording: which wording the documents use, a council copy refused and why,
and the IRO's own council folder, opened or given a copy of the app's wording to edit.

Read again each time the tab is shown, so a copy edited meanwhile is judged at once. Nothing here waits for
OK: the folder and its files are the council's, not settings in the store.
"""

from __future__ import annotations

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QDialog, QLabel, QPushButton, QTabWidget, QWidget

from iro_desktop.gui.forms import find
from iro_desktop.gui.problems import clear_problem, show_problem
from iro_desktop.paths import council_dirs
from iro_desktop.private_files import private_dir
from iro_desktop.problems import Problem
from iro_desktop.services import council_wording


class WordingTab:
    def __init__(self, dialog: QDialog) -> None:
        self.in_use: QLabel = find(dialog, QLabel, "wordingInUse")
        self.problem: QLabel = find(dialog, QLabel, "wordingProblem")
        self.folders: QLabel = find(dialog, QLabel, "wordingFolders")
        self.copy_button: QPushButton = find(dialog, QPushButton, "copyWordingButton")
        self.copy_button.clicked.connect(self.copy_wording)
        find(dialog, QPushButton, "openWordingButton").clicked.connect(self.open_folder)
        tabs, page = find(dialog, QTabWidget, "tabs"), find(dialog, QWidget, "wordingTab")
        tabs.currentChanged.connect(lambda index: tabs.widget(index) is page and self.refresh())
        self.refresh()

    def refresh(self, news: str = "") -> None:
        """Show what is in use now; `news` (a problem just met) goes under any copy refused."""
        user, site = council_dirs()
        [used] = council_wording.in_use()
        where = "." if used.where == "shipped" else f":\n{used.source}"
        self.in_use.setText(f"The documents use {used.said()}{where}")
        problems = [f"Your council's copy was not used:\n{r.text()}." for r in used.refused]
        if problems or news:
            show_problem(self.problem, "\n".join([*problems, news]).strip(), focus=False)
        else:
            clear_problem(self.problem)
        self.folders.setText(f"Your folder: {user}\nThis computer's folder: {site}")
        self.copy_button.setEnabled(not (user / used.name).exists())

    def copy_wording(self) -> None:
        try:
            council_wording.export()
        except Problem as exc:
            self.refresh(str(exc))
            return
        self.refresh()

    def open_folder(self) -> None:
        folder = council_dirs()[0]
        try:
            private_dir(folder)  # an empty folder to put a copy in beats "not found"
        except OSError:
            self.refresh(f"Your folder could not be made: {folder}.")
            return
        opened = QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))
        self.refresh("" if opened else f"No file manager opened. Your folder is {folder}.")
