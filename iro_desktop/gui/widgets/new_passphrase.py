"""Two fields for a new passphrase with a plain-English strength check as the IRO types.

Used wherever a passphrase is made: the first-run set-up and File > Change passphrase.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel, QLineEdit, QWidget

from iro_desktop.gui.appearance import set_tone
from iro_desktop.gui.forms import find, load_into
from iro_desktop.store.passphrase_policy import LOST_PASSPHRASE, passphrase_problem


class NewPassphraseFields(QWidget):
    changed = Signal()  # either field changed: `problem()` may have changed too

    def __init__(self, parent=None, known_words: tuple[str, ...] = ()) -> None:
        super().__init__(parent)
        load_into(self, "new_passphrase.ui")
        self.known_words = known_words  # the IRO's and council's names: easy guesses
        self.first: QLineEdit = find(self, QLineEdit, "newPassphrase")
        self.second: QLineEdit = find(self, QLineEdit, "repeatPassphrase")
        self.strength: QLabel = find(self, QLabel, "strengthLabel")
        self.first.textChanged.connect(self._update)
        self.second.textChanged.connect(self._update)
        self._update()

    def passphrase(self) -> str:
        return self.first.text()

    def set_known_words(self, known_words: tuple[str, ...]) -> None:
        """Names typed elsewhere (as in the first-run set-up) change what counts as easy to guess."""
        self.known_words = known_words
        self._update()

    def problem(self) -> str | None:
        """Why the passphrase cannot be used yet, or None when it is strong and typed twice alike."""
        if not self.first.text():
            return "Choose a passphrase. " + LOST_PASSPHRASE
        weak = passphrase_problem(self.first.text(), self.known_words)
        if weak:
            return weak + " " + LOST_PASSPHRASE
        if self.second.text() != self.first.text():
            return "The two passphrases differ."
        return None

    def _update(self) -> None:
        problem = self.problem()
        set_tone(self.strength, "problem" if problem and self.first.text() else None)
        self.strength.setText(problem or "Strong enough. Keep it somewhere only you can reach.")
        self.changed.emit()

    def clear(self) -> None:
        self.first.clear()
        self.second.clear()
