"""The strip of figures above the caseload: each a big number with its words underneath.

The tiles are laid out in caseload_view.ui; this fills them in and tints the ones that need attention.
The words always carry the meaning ("above guidance", "overdue"); the tint only repeats it.
"""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QLabel

from iro_desktop.domain.timescales import Status
from iro_desktop.gui.caseload.model import STATUS_COLOURS
from iro_desktop.services.caseload import CaseloadSummary

_CALM = "QFrame#{name} {{ background: palette(base); border: 1px solid palette(mid); border-radius: 6px; }}"
_TINTED = (
    "QFrame#{name} {{ background: {bg}; border: 1px solid {fg}; border-left: 5px solid {fg};"
    " border-radius: 6px; }} QLabel {{ color: {fg}; }}"
)


def _plural(n: int, one: str, many: str) -> str:
    return one if n == 1 else many


class SummaryStrip(QFrame):
    """Promoted in caseload_view.ui as `summary`; each tile is a QFrame `<key>Tile` holding the
    labels `<key>Figure` and `<key>Caption`."""

    def show_summary(self, s: CaseloadSummary) -> None:
        guidance = f"guidance {s.guidance_low}-{s.guidance_high}"
        children = _plural(s.allocated, "child", "children")
        allocated = f"{children} allocated\n({'above ' if s.above_guidance else ''}{guidance})"
        if s.open_after_18:  # not allocated reviews: episodes the council's data team should close
            allocated += f"\n{s.open_after_18} open after 18, not counted"
        self._tile("allocated", s.allocated, allocated, Status.DUE_10WD if s.above_guidance else None)
        reviews = _plural(s.reviews_overdue, "review", "reviews")
        self._tile("overdue", s.reviews_overdue, f"{reviews} overdue", self._late(s.reviews_overdue))
        self._tile("week", s.due_this_week, "due this week")
        self._tile("month", s.due_this_month, "due this month")
        decisions = _plural(s.decisions_overdue, "decision", "decisions")
        self._tile("decisions", s.decisions_overdue, f"{decisions} overdue", self._late(s.decisions_overdue))
        challenges = _plural(s.challenges_awaiting, "challenge", "challenges")
        self._tile("challenges", s.challenges_awaiting, f"{challenges}\nawaiting response",
                   self._late(s.challenges_awaiting))

    @staticmethod
    def _late(count: int) -> Status | None:
        return Status.OVERDUE if count else None

    def _tile(self, key: str, figure: int, caption: str, tint: Status | None = None) -> None:
        tile = self.findChild(QFrame, f"{key}Tile")
        self.findChild(QLabel, f"{key}Figure").setText(str(figure))
        label = self.findChild(QLabel, f"{key}Caption")
        label.setWordWrap(True)  # a narrow window wraps the words rather than pushing the strip wider
        label.setText(caption)
        name = tile.objectName()
        if tint is None:
            tile.setStyleSheet(_CALM.format(name=name))
        else:
            fg, bg = STATUS_COLOURS[tint]
            tile.setStyleSheet(_TINTED.format(name=name, fg=fg, bg=bg))
        # Screen readers get the figure and its words as one sentence.
        tile.setAccessibleDescription(f"{figure} {caption.replace(chr(10), ' ')}")

    def figure(self, key: str) -> int:
        return int(self.findChild(QLabel, f"{key}Figure").text())

    def caption(self, key: str) -> str:
        return self.findChild(QLabel, f"{key}Caption").text()
