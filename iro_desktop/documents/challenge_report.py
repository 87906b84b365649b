"""The IRO's summary for a date range (challenges and the annual-report figures) as a PDF with bar charts.

Charts are reportlab graphics, so they are vector drawings inside the PDF; the same content gives the same
bytes. The content is plain values built by services.challenge_report: this module knows no store.
"""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer, Table, TableStyle

from iro_desktop.documents import fonts, layout
from iro_desktop.documents.content import Letterhead
from iro_desktop.documents.templates import load_wording

# Colour-blind-safe pairs (Okabe-Ito), also told apart by the legend's words.
SERIES_COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9")


@dataclass(frozen=True)
class Chart:
    title: str
    categories: tuple[str, ...]
    series: tuple[tuple[str, tuple[int, ...]], ...]  # (name, one value per category)
    horizontal: bool = False


@dataclass(frozen=True)
class ReportContent:
    head: Letterhead
    title: str
    range_text: str
    sections: tuple[tuple[str, tuple[tuple[str, str], ...]], ...]  # heading, (item, figure) rows
    charts: tuple[Chart, ...]
    notes_heading: str
    notes: tuple[str, ...]


def _chart(chart: Chart, width: float) -> Drawing:
    rows = len(chart.categories)
    height = (22 + rows * 7 * max(1, len(chart.series))) * mm / 2.2 + 30 if chart.horizontal else 62 * mm
    drawing = Drawing(width, height)
    bars = HorizontalBarChart() if chart.horizontal else VerticalBarChart()
    left = 58 * mm if chart.horizontal else 12 * mm
    bars.x, bars.y = left, 22 if chart.horizontal else 16 * mm
    bars.width, bars.height = width - left - 6 * mm, height - bars.y - 24
    bars.data = [list(values) for _, values in chart.series] or [[0]]
    bars.categoryAxis.categoryNames = list(chart.categories)
    top = max((v for _, values in chart.series for v in values), default=0)
    bars.valueAxis.valueMin, bars.valueAxis.valueMax = 0, max(top, 1) + (1 if top < 10 else top // 10)
    bars.valueAxis.valueStep = max(1, (top + 4) // 5)
    for axis in (bars.categoryAxis.labels, bars.valueAxis.labels):
        axis.fontName, axis.fontSize = fonts.REGULAR, 7
    if not chart.horizontal:
        bars.categoryAxis.labels.angle, bars.categoryAxis.labels.boxAnchor = 35, "ne"
    bars.groupSpacing, bars.barSpacing = 3, 1
    for n in range(len(chart.series)):
        bars.bars[n].fillColor = colors.HexColor(SERIES_COLOURS[n % len(SERIES_COLOURS)])
        bars.bars[n].strokeColor = None
    drawing.add(bars)
    drawing.add(String(0, height - 10, chart.title, fontName=fonts.BOLD, fontSize=10))
    if len(chart.series) > 1:
        legend = Legend()
        legend.x, legend.y, legend.fontName, legend.fontSize = width * 0.5, height - 4, fonts.REGULAR, 7
        legend.alignment, legend.columnMaximum, legend.boxAnchor = "right", 1, "nw"
        legend.dx = legend.dy = 6
        legend.colorNamePairs = [
            (colors.HexColor(SERIES_COLOURS[n % len(SERIES_COLOURS)]), name)
            for n, (name, _) in enumerate(chart.series)
        ]
        drawing.add(legend)
    return drawing


def _table(rows: tuple[tuple[str, str], ...]) -> Table:
    st = layout.styles()
    table = Table(
        [[layout.para(item, st["body"]), layout.para(figure, st["body"])] for item, figure in rows],
        colWidths=[120 * mm, 45 * mm],
    )
    table.setStyle(
        TableStyle(
            [
                ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#cccccc")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 1),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return table


def render(content: ReportContent) -> bytes:
    wording = load_wording()
    st = layout.styles()
    story: list[Flowable] = [
        layout.para(content.title, st["title"]),
        layout.para(content.range_text, st["body"]),
    ]
    width = 170 * mm
    for chart in content.charts:
        story += [Spacer(1, 3 * mm), _chart(chart, width)]
    for heading, rows in content.sections:
        story.append(KeepTogether([layout.para(heading, st["heading"]), _table(rows)]))
    story.append(layout.para(content.notes_heading, st["heading"]))
    story += [layout.para(note, st["body"]) for note in content.notes] or [
        layout.para("None noted.", st["body"])
    ]
    return layout.build_pdf(content.head, wording, content.title, content.title, story)
