"""The summary PDF: the letterhead furniture, the three charts and the figures, byte-stable."""

from __future__ import annotations

import io
from datetime import date

from pypdf import PdfReader

from iro_desktop.services import challenge_practice
from iro_desktop.services import challenge_report as report
from tests.conftest import TODAY

YEAR = (date(2025, 12, 1), date(2026, 11, 30))


def test_the_summary_pdf_has_charts_figures_and_notes(demo_store):
    challenge_practice.add_practice_note(
        demo_store, date(2026, 10, 2), "Weekly visits during the placement move."
    )
    summary = report.summary(demo_store, *YEAR, TODAY)
    pdf = report.render_pdf(demo_store, summary, TODAY)
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    for words in (
        "Reviews held on time, by month",
        "Participation in reviews, by code",
        "Concerns by issue and outcome",
        "Concerns raised by issue",
        "Furthest stage reached",
        "Weekly visits during the placement move.",
        "OFFICIAL-SENSITIVE",
        "1 Dec 2025 to 30 Nov 2026",
    ):
        assert words in text
    assert summary.percent(summary.reviews_on_time, summary.reviews_held) in text
    assert report.render_pdf(demo_store, summary, TODAY) == pdf  # same figures, same bytes
