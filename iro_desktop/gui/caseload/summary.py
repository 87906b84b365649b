"""The strip of figures above the caseload: each a big number with its words underneath, and a filter.

The tiles are laid out in caseload_view.ui; this fills them in and tints the ones that need attention.
The words always carry the meaning ("above guidance", "overdue"); the tint only repeats it. Clicking a tile
(or Alt+1, Alt+2, ... in the order the tiles are laid out) shows in the table exactly the children it
counts; the tile showing then looks pressed, with a thick border in the highlight colour.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QLabel

from iro_desktop.domain.calendar import format_date
from iro_desktop.domain.timescales import Status
from iro_desktop.gui.caseload.model import STATUS_COLOURS
from iro_desktop.services.caseload import CaseloadSummary

# Every tile keeps 3 px round its words, as border or padding, so pressing one does not move anything.
_CALM = (
    "QFrame#{name} {{ background: palette(base); border: 1px solid palette(mid); border-radius: 6px;"
    " padding: 2px; }}"
)
_TINTED = (
    "QFrame#{name} {{ background: {bg}; border: 1px solid {fg}; border-left: 5px solid {fg};"
    " border-radius: 6px; padding: 2px; }} QLabel {{ color: {fg}; }}"
)
_PRESSED = "QFrame#{name} {{ border: 3px solid palette(highlight); padding: 0px; }}"
_PRESSED_TINTED = "QFrame#{name} {{ border-left: 5px solid palette(highlight); }}"


def _plural(n: int, one: str, many: str) -> str:
    return one if n == 1 else many


def _children(n: int) -> str:
    return f"{n} {_plural(n, 'child', 'children')}"


def _sunday(d: date | None) -> str:
    return f"Sunday {format_date(d)}" if d else "the end of the week"


class SummaryStrip(QFrame):
    """Promoted in caseload_view.ui as `summary`; each tile is a QFrame `<key>Tile` holding the
    labels `<key>Figure` and `<key>Caption`."""

    tile_clicked = Signal(str)  # the key of the tile clicked

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._tints: dict[str, Status | None] = {}
        self._meanings: dict[str, str] = {}  # what each tile counts, in a sentence
        self._active: str | None = None

    def keys(self) -> list[str]:
        """The tiles' keys in the order they are laid out, left to right: Alt+1 is the first."""
        layout = self.layout()
        tiles = [layout.itemAt(i).widget() for i in range(layout.count()) if layout.itemAt(i).widget()]
        return [t.objectName().removesuffix("Tile") for t in tiles if t.objectName().endswith("Tile")]

    def shortcut(self, key: str) -> str:
        return f"Alt+{self.keys().index(key) + 1}"

    def show_summary(self, s: CaseloadSummary) -> None:
        day = format_date(s.as_of) if s.as_of else "the day shown"
        guidance = f"guidance {s.guidance_low}-{s.guidance_high}"
        allocated = f"{_plural(s.allocated, 'child', 'children')} allocated\n"
        allocated += f"({'above ' if s.above_guidance else ''}{guidance})"
        if s.open_after_18:  # not allocated reviews: episodes the council's data team should close
            allocated += f"\n{s.open_after_18} open after 18, not counted"
        left = [f"{s.open_after_18} open after 18 (for the council's data team)"] if s.open_after_18 else []
        left += [f"{s.not_looked_after} no longer looked after"] if s.not_looked_after else []
        self._tile(
            "allocated",
            s.allocated,
            allocated,
            f"{_children(s.allocated)} looked after on {day}: your caseload, against the {guidance} "
            "for your working hours." + (f" Not counted: {' and '.join(left)}." if left else ""),
            Status.DUE_10WD if s.above_guidance else None,
        )
        reviews = _plural(s.reviews_overdue, "review", "reviews")
        self._tile(
            "overdue",
            s.reviews_overdue,
            f"{reviews} overdue",
            f"{_children(s.reviews_overdue)} whose next review was due before {day} and has not been held.",
            self._late(s.reviews_overdue),
        )
        month_end = format_date(s.month_end) if s.month_end else "the end of the month"
        for key, figure, when, end in (
            ("week", s.due_this_week, "this week", _sunday(s.week_end)),
            ("month", s.due_this_month, "this month", month_end),
        ):
            self._tile(
                key,
                figure,
                f"{_plural(figure, 'review', 'reviews')} due {when}",
                f"{_children(figure)} whose next review is due from {day} to {end}, not yet overdue.",
            )
        decisions = _plural(s.decisions_overdue, "decision", "decisions")
        whose = f"\nfor {_children(s.children_decisions_overdue)}" if s.decisions_overdue else ""
        self._tile(
            "decisions",
            s.decisions_overdue,
            f"{decisions} overdue{whose}",
            f"{s.decisions_overdue} {decisions} from reviews not carried out by their due date (or the date "
            f"it was changed to) on {day}, for {_children(s.children_decisions_overdue)}.",
            self._late(s.decisions_overdue),
        )
        responses = _plural(s.responses_overdue, "response", "responses")
        awaiting = f"of {s.responses_awaiting}" if s.responses_awaiting else "none"
        self._tile(
            "challenges",
            s.responses_overdue,
            f"challenge {responses} overdue\n{awaiting} awaiting a response",
            f"{s.responses_overdue} {_plural(s.responses_overdue, 'challenge', 'challenges')} whose response "
            f"was due before {day} and has not come, for {_children(s.children_responses_overdue)}. "
            f"{s.responses_awaiting} {_plural(s.responses_awaiting, 'challenge is', 'challenges are')} "
            "awaiting a response in all, overdue or not yet due.",
            self._late(s.responses_overdue),
        )
        notices = _plural(s.notices_open, "notice", "notices")
        whose = f"\nfor {_children(s.children_notices_open)}" if s.notices_open else ""
        self._tile(
            "notices",
            s.notices_open,
            f"{notices} to answer{whose}",
            f"{s.notices_open} {notices} from the council waiting for your answer, for "
            f"{_children(s.children_notices_open)}. View > Council inbox (Ctrl+2) lists them with the date "
            "each answer is needed by.",
            Status.DUE_10WD if s.notices_open else None,
        )

    @staticmethod
    def _late(count: int) -> Status | None:
        return Status.OVERDUE if count else None

    def _tile(self, key: str, figure: int, caption: str, meaning: str, tint: Status | None = None) -> None:
        tile = self.findChild(QFrame, f"{key}Tile")
        tile.setCursor(Qt.CursorShape.PointingHandCursor)
        self.findChild(QLabel, f"{key}Figure").setText(str(figure))
        label = self.findChild(QLabel, f"{key}Caption")
        label.setWordWrap(True)  # a narrow window wraps the words rather than pushing the strip wider
        label.setText(caption)
        self._tints[key], self._meanings[key] = tint, meaning
        self._style(key)
        how = f"Click, or press {self.shortcut(key)}, to show only these children; Esc shows everyone again."
        tile.setToolTip(f"{meaning}\n{how}")
        # Screen readers get the figure and its words as one sentence, then what it counts and how to show it.
        tile.setAccessibleDescription(f"{figure} {caption.replace(chr(10), ' ')}. {meaning} {how}")

    def _style(self, key: str) -> None:
        tile = self.findChild(QFrame, f"{key}Tile")
        name, tint = tile.objectName(), self._tints.get(key)
        if tint is None:
            sheet = _CALM.format(name=name)
        else:
            fg, bg = STATUS_COLOURS[tint]
            sheet = _TINTED.format(name=name, fg=fg, bg=bg)
        if key == self._active:
            sheet += " " + _PRESSED.format(name=name)
            if tint is not None:
                sheet += " " + _PRESSED_TINTED.format(name=name)
        tile.setStyleSheet(sheet)

    def set_active(self, key: str | None) -> None:
        """The tile whose children the table shows looks pressed (None: no tile's filter is on)."""
        before, self._active = self._active, key
        for k in {before, key} - {None}:
            self._style(k)
            tile = self.findChild(QFrame, f"{k}Tile")
            tile.setProperty("pressed", k == key)  # for tests and the accessibility tree's readers

    def active(self) -> str | None:
        return self._active

    def mousePressEvent(self, event) -> None:  # noqa: N802 (Qt override)
        if event.button() == Qt.MouseButton.LeftButton and self._tile_at(event.position().toPoint()):
            event.accept()  # the release comes here too, and acts
            return
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802 (Qt override)
        key = self._tile_at(event.position().toPoint())
        if event.button() == Qt.MouseButton.LeftButton and key:
            self.tile_clicked.emit(key)
            return
        super().mouseReleaseEvent(event)

    def _tile_at(self, pos) -> str | None:
        for key in self.keys():
            tile = self.findChild(QFrame, f"{key}Tile")
            if tile.geometry().contains(pos):
                return key
        return None

    def figure(self, key: str) -> int:
        return int(self.findChild(QLabel, f"{key}Figure").text())

    def caption(self, key: str) -> str:
        return self.findChild(QLabel, f"{key}Caption").text()

    def meaning(self, key: str) -> str:
        """Exactly what the tile counts (its tooltip says so, then how to show those children)."""
        return self._meanings[key]
