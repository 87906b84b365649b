"""A simple bar chart painted with QPainter (QtCharts is not in PySide6-Essentials).

It draws the same documents.challenge_report.Chart values the PDF draws, with a legend in words, so the
screen and the PDF show one picture.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QWidget

from iro_desktop.documents.challenge_report import SERIES_COLOURS, Chart


class BarChart(QWidget):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.chart: Chart | None = None

    def set_chart(self, chart: Chart) -> None:
        self.chart = chart
        self.setToolTip(self.describe())
        self.setAccessibleDescription(self.describe())
        self.update()

    def describe(self) -> str:
        """The chart's numbers in words, for the tooltip and screen readers."""
        if self.chart is None:
            return ""
        parts = []
        for n, category in enumerate(self.chart.categories):
            values = ", ".join(f"{name} {values[n]}" for name, values in self.chart.series if values[n])
            parts.append(f"{category}: {values or 'none'}")
        return f"{self.chart.title}. " + "; ".join(parts)

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt override)
        if self.chart is None:
            return
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.fillRect(self.rect(), QColor("white"))
        font = p.font()
        font.setBold(True)
        p.setFont(font)
        p.drawText(QRectF(6, 2, self.width() - 12, 20), Qt.AlignmentFlag.AlignLeft, self.chart.title)
        font.setBold(False)
        font.setPointSizeF(max(7.0, font.pointSizeF() - 1))
        p.setFont(font)
        self._legend(p)
        if self.chart.horizontal:
            self._horizontal(p)
        else:
            self._vertical(p)
        p.end()

    def _top(self) -> int:
        return max((v for _, values in self.chart.series for v in values), default=0) or 1

    def _colour(self, n: int) -> QColor:
        return QColor(SERIES_COLOURS[n % len(SERIES_COLOURS)])

    def _legend(self, p: QPainter) -> None:
        if len(self.chart.series) < 2:
            return
        x = 6.0
        for n, (name, _) in enumerate(self.chart.series):
            p.fillRect(QRectF(x, 26, 10, 10), self._colour(n))
            width = p.fontMetrics().horizontalAdvance(name)
            p.drawText(QRectF(x + 14, 22, width + 4, 18), Qt.AlignmentFlag.AlignVCenter, name)
            x += width + 30

    def _vertical(self, p: QPainter) -> None:
        left, top, bottom = 30.0, 46.0, self.height() - 46.0
        width, height = self.width() - left - 40, bottom - top
        cats, series, peak = self.chart.categories, self.chart.series, self._top()
        p.setPen(QPen(QColor("#555555")))
        p.drawLine(int(left), int(bottom), int(left + width), int(bottom))
        p.drawText(QRectF(0, top - 6, left - 4, 14), Qt.AlignmentFlag.AlignRight, str(peak))
        p.drawText(QRectF(0, bottom - 8, left - 4, 14), Qt.AlignmentFlag.AlignRight, "0")
        slot = width / max(len(cats), 1)
        bar = max(2.0, (slot - 6) / max(len(series), 1))
        for i, category in enumerate(cats):
            x = left + i * slot + 3
            for n, (_, values) in enumerate(series):
                h = height * values[i] / peak
                p.fillRect(QRectF(x + n * bar, bottom - h, bar - 1, h), self._colour(n))
            p.save()
            p.translate(x + slot / 2, bottom + 4)
            p.rotate(30)
            p.drawText(QRectF(0, 0, 80, 14), Qt.AlignmentFlag.AlignLeft, category)
            p.restore()

    def _horizontal(self, p: QPainter) -> None:
        labels = 170.0
        top, right = 44.0, self.width() - 10.0
        cats, series, peak = self.chart.categories, self.chart.series, self._top()
        row = (self.height() - top - 22) / max(len(cats), 1)
        bar = max(2.0, (row - 6) / max(len(series), 1))
        span = right - labels
        p.setPen(QPen(QColor("#333333")))
        for i, category in enumerate(cats):
            y = top + i * row
            p.drawText(
                QRectF(0, y, labels - 6, row),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                category,
            )
            for n, (_, values) in enumerate(series):
                p.fillRect(QRectF(labels, y + 3 + n * bar, span * values[i] / peak, bar - 1), self._colour(n))
        bottom = top + len(cats) * row
        p.drawLine(int(labels), int(bottom), int(right), int(bottom))
        p.drawText(QRectF(labels - 10, bottom + 2, 20, 14), Qt.AlignmentFlag.AlignHCenter, "0")
        p.drawText(QRectF(right - 30, bottom + 2, 30, 14), Qt.AlignmentFlag.AlignRight, str(peak))
