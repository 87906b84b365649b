"""A picture of the next 12 weeks: one column per week from the as-of date, one mark per review.

A filled mark is a review's due date, an outlined mark with a dot is the date a review is booked for;
both take the child's status colour, which the legend names in words. Reviews already overdue stack in
their own column on the left. Nothing here works out a date: the rows arrive with their dates decided.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from PySide6.QtCore import QEvent, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFontMetrics, QPainter, QPalette, QPen
from PySide6.QtWidgets import QToolTip, QWidget

from iro_desktop.clock import system_clock
from iro_desktop.domain.calendar import format_date
from iro_desktop.domain.timescales import Status, timing_words
from iro_desktop.gui.appearance import is_dark, text_colour
from iro_desktop.gui.caseload.model import STATUS_COLOURS, STATUS_FILLS, minutes_lines
from iro_desktop.services.caseload import CaseloadRow

WEEKS = 12
_SHOWN = [Status.OVERDUE, Status.MINUTES_TO_FINISH, Status.DUE_10WD, Status.DUE_20WD, Status.ON_TRACK]
# Text on each filled mark: chosen per fill for at least 4.5:1 contrast (white on the rest).
_ON_FILL = {Status.DUE_10WD: "#1a1a1a"}
_TOP_CENTRE = Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop
# The legend's two keys to the shape of a mark, after the status colours.
_FILLED, _BOOKED = "Filled: review due", "Outline with dot: review booked"
_LEGEND: list[Status | str] = [*_SHOWN, _FILLED, _BOOKED]
_MONTH = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True)
class Mark:
    row: CaseloadRow
    when: date
    booked: bool  # False: the due date; True: the date the review is booked for

    @property
    def tooltip(self) -> str:
        r = self.row
        head = f"{r.name} ({r.child})"
        left = r.working_days_left
        # Minutes to finish is about the review just held; the days count down to the next one.
        label = "Next review" if r.status is Status.MINUTES_TO_FINISH else r.status.label
        if left is None:
            timing = r.status.label
        else:
            timing = f"{label}: {timing_words(left)}"
        due = f"Review {r.review_number} due {format_date(r.next_review_due)}" if r.next_review_due else ""
        booked = "Not booked yet"
        if r.next_review_booked:
            booked = f"Booked for {format_date(r.next_review_booked)}"
        first = f"Review booked for {format_date(self.when)}" if self.booked else due
        rest = f"due {format_date(r.next_review_due)}" if self.booked else booked
        return "\n".join((head, first, timing, rest, *minutes_lines(r)))


@dataclass(frozen=True)
class Placed:
    rect: QRectF
    marks: tuple[Mark, ...]  # one mark, or several hidden behind a "+N more" chip


def _words(entry: Status | str) -> str:
    return entry.label if isinstance(entry, Status) else entry


def _monday(d: date) -> date:
    return d - timedelta(days=d.weekday())


def _short(d: date) -> str:
    return f"{d.day} {_MONTH[d.month - 1]}"


def columns_for(rows: list[CaseloadRow], as_of: date) -> list[list[Mark]]:
    """Column 0 holds overdue reviews; columns 1..12 the weeks starting on the Monday of the as-of week."""
    start = _monday(as_of)
    cols: list[list[Mark]] = [[] for _ in range(WEEKS + 1)]

    def week(d: date) -> int | None:
        k = (d - start).days // 7
        return k + 1 if 0 <= k < WEEKS else None

    for r in rows:
        if r.next_review_due is not None:
            k = 0 if r.status is Status.OVERDUE else week(r.next_review_due)
            if k is not None:
                cols[k].append(Mark(r, r.next_review_due, booked=False))
        if r.next_review_booked is not None and r.next_review_booked >= as_of:
            k = week(r.next_review_booked)
            if k is not None:
                cols[k].append(Mark(r, r.next_review_booked, booked=True))
    for col in cols:
        col.sort(key=lambda m: (m.when, m.row.name.casefold(), m.booked))
    return cols


class ReviewTimeline(QWidget):
    """Promoted in caseload_view.ui as `timeline`."""

    child_clicked = Signal(int)  # Child.id of a single mark clicked
    child_activated = Signal(int)  # Child.id of a mark double-clicked

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._rows: list[CaseloadRow] = []
        self._as_of = system_clock().today()
        self._all_columns = self._columns = columns_for([], self._as_of)
        self._placed: tuple[tuple, list[Placed]] | None = None  # the layout, and the size it was made for
        self._marks_at: dict[int, list[QRectF]] | None = None
        self._highlight: int | None = None
        self._legend_line_count = 1  # legend lines the last size hint was worked out for
        self.setMouseTracking(True)

    # --- data ------------------------------------------------------------------------------

    def set_data(self, rows: list[CaseloadRow], as_of: date) -> None:
        """The whole caseload: its marks are worked out once here, and `show_only` picks from them."""
        self._rows, self._as_of = list(rows), as_of
        self._all_columns = columns_for(self._rows, as_of)
        self.show_only(None)

    def show_only(self, child_ids: set[int] | None) -> None:
        """Marks for these children only (None: everyone), as the table is filtered."""
        cols = self._all_columns
        self._columns = cols if child_ids is None else [[m for m in c if m.row.id in child_ids] for c in cols]
        self._placed = None
        self.updateGeometry()
        self.update()

    def set_highlight(self, child_id: int | None) -> None:
        """Only the marks of the child highlighted before and now are painted again."""
        marks_of = self._marks_of()
        for rect in (*marks_of.get(self._highlight, ()), *marks_of.get(child_id, ())):
            self.update(rect.toAlignedRect().adjusted(-3, -3, 3, 3))
        self._highlight = child_id

    def _marks_of(self) -> dict[int, list[QRectF]]:
        """Child id -> where their marks are (a "+N more" chip's included), for the layout of now."""
        placed = self._layout()
        if self._marks_at is None:
            self._marks_at = {}
            for pl in placed:
                for m in pl.marks:
                    self._marks_at.setdefault(m.row.id, []).append(pl.rect)
        return self._marks_at

    @property
    def as_of(self) -> date:
        return self._as_of

    def columns(self) -> list[list[Mark]]:
        return self._columns

    # --- geometry ---------------------------------------------------------------------------

    def _metrics(self, width: int | None = None) -> tuple[int, int, int]:
        """Heights of the header, of one mark row, and of the legend (at `width`: by default its own)."""
        fm = QFontMetrics(self.font())
        legend = len(self._legend_lines(width)) * (fm.height() + 4) + 8
        return 2 * fm.height() + 10, fm.height() + 6, legend

    def _legend_lines(self, width: int | None = None) -> list[list[Status | str]]:
        """The legend's entries, wrapped onto as many lines as the width needs (large system text)."""
        fm = QFontMetrics(self.font())
        width = self.width() if width is None else width
        lines: list[list[Status | str]] = [[]]
        x = 6.0
        for entry in _LEGEND:
            entry_width = self._key_width(entry, fm) + 5 + fm.horizontalAdvance(_words(entry)) + 16
            if lines[-1] and x + entry_width > width:
                lines.append([])
                x = 6.0
            lines[-1].append(entry)
            x += entry_width
        return lines

    @staticmethod
    def _key_width(entry: Status | str, fm: QFontMetrics) -> float:
        box = fm.height() - 2
        return box if isinstance(entry, Status) else 8 + box * 1.6

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt override)
        # The legend may wrap onto another line (or unwrap), which changes the height wanted.
        if len(self._legend_lines()) != self._legend_line_count:
            self._legend_line_count = len(self._legend_lines())
            self.updateGeometry()
        super().resizeEvent(event)

    def sizeHint(self):  # noqa: N802 (Qt override)
        hint = super().sizeHint()
        hint.setWidth(900)
        hint.setHeight(self.heights()[1])
        return hint

    def minimumSizeHint(self):  # noqa: N802 (Qt override)
        hint = super().minimumSizeHint()
        hint.setWidth(500)
        hint.setHeight(self.heights()[0])
        return hint

    def heights(self, width: int | None = None, marks: int | None = None) -> tuple[int, int]:
        """The smallest height (three marks a week) and the height wanted for `marks` a week (by default
        those of the fullest week, 4 to 12), at `width` (by default its own: the legend wraps when narrow)."""
        head, row_h, legend = self._metrics(width)
        if marks is None:
            marks = min(max(max((len(c) for c in self.columns()), default=0), 4), 12)
        return head + legend + 3 * (row_h + 2) + 8, head + legend + marks * (row_h + 2) + 8

    def _column_rect(self, k: int) -> QRectF:
        width = (self.width() - 2) / (WEEKS + 1)
        return QRectF(1 + k * width, 0, width, self.height())

    def _layout(self) -> list[Placed]:
        """Where every mark goes; shared by painting, tooltips and clicks so they always agree."""
        made_for = (self.width(), self.height(), self.font().key())
        if self._placed is None or self._placed[0] != made_for:
            self._placed, self._marks_at = (made_for, self._place()), None
        return self._placed[1]

    def _place(self) -> list[Placed]:
        head, row_h, legend = self._metrics()
        slots = max(int((self.height() - head - legend - 4) // (row_h + 2)), 1)
        placed = []
        for k, marks in enumerate(self.columns()):
            col = self._column_rect(k)
            shown = marks if len(marks) <= slots else marks[: slots - 1]
            for i, m in enumerate(shown):
                placed.append(Placed(self._slot(col, head, row_h, i), (m,)))
            if len(shown) < len(marks):
                placed.append(Placed(self._slot(col, head, row_h, len(shown)), tuple(marks[len(shown):])))
        return placed

    @staticmethod
    def _slot(col: QRectF, head: int, row_h: int, i: int) -> QRectF:
        return QRectF(col.left() + 3, head + 2 + i * (row_h + 2), col.width() - 6, row_h)

    # --- painting ---------------------------------------------------------------------------

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt override)
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        pal = self.palette()
        # A highlight that moved repaints two marks: only what lies in the area asked for is drawn.
        area, bounds = event.region(), event.rect()
        head, _row_h, legend = self._metrics()
        p.fillRect(self.rect(), pal.color(QPalette.ColorRole.Base))
        self._paint_columns(p, pal, head, legend, with_headings=bounds.top() < head)
        for placed in self._layout():
            if area.intersects(placed.rect.toAlignedRect()):
                self._paint_mark(p, placed)
        if bounds.bottom() >= self.height() - legend:
            self._paint_legend(p, pal, legend)
        p.end()

    def _paint_columns(self, p: QPainter, pal: QPalette, head: int, legend: int, with_headings: bool) -> None:
        fm = QFontMetrics(self.font())
        start = _monday(self._as_of)
        bold = self.font()
        bold.setBold(True)
        for k in range(WEEKS + 1):
            col = self._column_rect(k)
            if k == 0:
                p.fillRect(col.adjusted(0, 0, 0, -legend), self._overdue_tint())
                top, bottom = "Overdue", "before " + _short(self._as_of)
            else:
                monday = start + timedelta(weeks=k - 1)
                top, bottom = ("This week" if k == 1 else "Week of"), _short(monday)
                if k % 2 == 0:
                    p.fillRect(col.adjusted(0, 0, 0, -legend), pal.color(QPalette.ColorRole.AlternateBase))
            if with_headings:
                p.setPen(pal.color(QPalette.ColorRole.Text))
                p.setFont(self.font())
                p.drawText(col.adjusted(2, 3, -2, 0), _TOP_CENTRE, top)
                p.setFont(bold)
                p.drawText(col.adjusted(2, 3 + fm.height(), -2, 0), _TOP_CENTRE, bottom)
                p.setFont(self.font())
            p.setPen(QPen(pal.color(QPalette.ColorRole.Mid), 1))
            p.drawLine(QPointF(col.right(), 0), QPointF(col.right(), self.height() - legend))
        p.drawLine(QPointF(0, head - 2), QPointF(self.width(), head - 2))
        self._paint_as_of_line(p, head, legend)

    @staticmethod
    def _overdue_tint() -> QColor:
        """The pale pink behind the overdue column; on a dark palette, a see-through red instead."""
        if not is_dark():
            return QColor(STATUS_COLOURS[Status.OVERDUE][1])
        tint = QColor(STATUS_FILLS[Status.OVERDUE])
        tint.setAlpha(70)
        return tint

    def _paint_as_of_line(self, p: QPainter, head: int, legend: int) -> None:
        """A dashed line inside the first week at the as-of day, so "now" is visible among the marks."""
        col = self._column_rect(1)
        x = col.left() + col.width() * (self._as_of.weekday() + 0.5) / 7
        pen = QPen(QColor(STATUS_FILLS[Status.OVERDUE]), 1.5, Qt.PenStyle.DashLine)
        p.setPen(pen)
        p.drawLine(QPointF(x, head - 2), QPointF(x, self.height() - legend))

    def _paint_mark(self, p: QPainter, placed: Placed) -> None:
        rect, marks = placed.rect, placed.marks
        fm = QFontMetrics(self.font())
        if len(marks) > 1:  # the overflow chip
            p.setPen(QPen(self.palette().color(QPalette.ColorRole.Mid), 1))
            p.setBrush(self.palette().color(QPalette.ColorRole.Window))
            p.drawRoundedRect(rect, 4, 4)
            p.setPen(self.palette().color(QPalette.ColorRole.Text))
            p.drawText(rect, Qt.AlignmentFlag.AlignCenter, f"+{len(marks)} more")
            return
        m = marks[0]
        status = m.row.status
        fill = QColor(STATUS_FILLS[status])
        text_rect = rect.adjusted(5, 0, -4, 0)
        if m.booked:
            p.setPen(QPen(fill, 2))
            p.setBrush(self.palette().color(QPalette.ColorRole.Base))
            p.drawRoundedRect(rect.adjusted(1, 1, -1, -1), 4, 4)
            dot = rect.height() / 3
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(fill)
            p.drawEllipse(QRectF(rect.left() + 5, rect.center().y() - dot / 2, dot, dot))
            text_rect = rect.adjusted(8 + dot, 0, -4, 0)
            p.setPen(QColor(text_colour(STATUS_COLOURS[status][0])))  # on the base colour, light or dark
        else:
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(fill)
            p.drawRoundedRect(rect, 4, 4)
            p.setPen(QColor(_ON_FILL.get(status, "#ffffff")))
        if self._highlight == m.row.id:
            p.save()
            p.setPen(QPen(self.palette().color(QPalette.ColorRole.Text), 2))
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawRoundedRect(rect.adjusted(-1, -1, 1, 1), 5, 5)
            p.restore()
        label = self._label(m.row, fm, int(text_rect.width()))
        p.drawText(text_rect, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, label)

    @staticmethod
    def _label(row: CaseloadRow, fm: QFontMetrics, width: int) -> str:
        """The whole name if it fits, else first name and initial, else initials."""
        parts = row.name.split()
        for text in (row.name, f"{parts[0]} {parts[-1][:1]}", "".join(w[:1] for w in parts)):
            if fm.horizontalAdvance(text) <= width:
                return text
        return fm.elidedText(row.name, Qt.TextElideMode.ElideRight, width)

    def _paint_legend(self, p: QPainter, pal: QPalette, legend: int) -> None:
        fm = QFontMetrics(self.font())
        top = self.height() - legend
        p.setPen(QPen(pal.color(QPalette.ColorRole.Mid), 1))
        p.drawLine(QPointF(0, top), QPointF(self.width(), top))
        for i, line in enumerate(self._legend_lines()):
            x, y = 6.0, top + 4 + i * (fm.height() + 4)
            for entry in line:
                x = self._paint_key(p, pal, entry, x, y)
                p.setPen(pal.color(QPalette.ColorRole.Text))
                p.drawText(QPointF(x, y + fm.ascent()), _words(entry))
                x += fm.horizontalAdvance(_words(entry)) + 16

    def _paint_key(self, p: QPainter, pal: QPalette, entry: Status | str, x: float, y: float) -> float:
        """A status's colour, or the shape of a due or booked mark; returns where its words start."""
        box = QFontMetrics(self.font()).height() - 2
        if isinstance(entry, Status):
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(QColor(STATUS_FILLS[entry]))
            p.drawRoundedRect(QRectF(x, y + 1, box, box), 3, 3)
            return x + box + 5
        x += 8  # a little apart from the colours
        p.setPen(QPen(pal.color(QPalette.ColorRole.Text), 1.5))
        filled = entry == _FILLED
        p.setBrush(QColor(STATUS_FILLS[Status.ON_TRACK]) if filled else pal.color(QPalette.ColorRole.Base))
        p.drawRoundedRect(QRectF(x, y + 1, box * 1.6, box), 3, 3)
        if not filled:
            p.setBrush(pal.color(QPalette.ColorRole.Text))
            p.drawEllipse(QRectF(x + 3, y + 1 + box / 3, box / 3, box / 3))
        return x + box * 1.6 + 5

    # --- interaction ------------------------------------------------------------------------

    def placed_marks(self) -> list[Placed]:
        return self._layout()

    def _at(self, pos) -> Placed | None:
        return next((pl for pl in self._layout() if pl.rect.contains(QPointF(pos))), None)

    def event(self, e) -> bool:
        if e.type() == QEvent.Type.ToolTip:
            placed = self._at(e.pos())
            if placed is None:
                QToolTip.hideText()
                e.ignore()
            else:
                tip = "\n\n".join(m.tooltip for m in placed.marks[:12])
                if len(placed.marks) > 12:
                    tip += f"\n\nand {len(placed.marks) - 12} more"
                QToolTip.showText(e.globalPos(), tip, self)
            return True
        return super().event(e)

    def mousePressEvent(self, e) -> None:  # noqa: N802 (Qt override)
        placed = self._at(e.position().toPoint())
        if placed is not None and len(placed.marks) == 1:
            self.child_clicked.emit(placed.marks[0].row.id)
        super().mousePressEvent(e)

    def mouseDoubleClickEvent(self, e) -> None:  # noqa: N802 (Qt override)
        placed = self._at(e.position().toPoint())
        if placed is not None and len(placed.marks) == 1:
            self.child_activated.emit(placed.marks[0].row.id)
        super().mouseDoubleClickEvent(e)
