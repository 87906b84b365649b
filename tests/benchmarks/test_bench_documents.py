"""A full review record of 20 sections of 2,000 words, against a bare reportlab document of the same text.

Targets: under 1 s, and at most 1.5x the bare document built in the same run.
"""

from __future__ import annotations

import random
from datetime import date
from io import BytesIO

from reportlab.lib.pagesizes import A4
from reportlab.platypus import Paragraph, SimpleDocTemplate

from iro_desktop.documents import layout, review_record
from iro_desktop.documents.content import Letterhead, Passage, ReviewContent, SectionText
from tests.benchmarks.helpers import median_ms, report, timed

WORDS = "placement contact school health plan review carer social worker family brother safe settled".split()


def _content() -> ReviewContent:
    rng = random.Random(7)
    sections = tuple(
        SectionText(
            f"s{n}",
            f"Section {n}",
            tuple(
                Passage(f"section:s{n}:{p}", " ".join(rng.choice(WORDS) for _ in range(200)))
                for p in range(1, 11)
            ),
        )
        for n in range(1, 21)
    )
    head = Letterhead("Example Borough", "Alex Example", date(2026, 11, 25), "R-1-v1")
    return ReviewContent(
        head,
        "Gwenllïan Ŵyn",
        "Gwenllïan",
        date(2015, 3, 9),
        "Review 3",
        date(2026, 11, 20),
        None,
        "Came and spoke for themselves",
        "Spoke alone.",
        (),
        (),
        sections,
        (),
        None,
        None,
        (),
    )


def _bare(content: ReviewContent) -> bytes:
    st = layout.styles()
    story = [Paragraph(p.text, st["body"]) for s in content.sections for p in s.paragraphs]
    out = BytesIO()
    SimpleDocTemplate(out, pagesize=A4, invariant=1).build(story)
    return out.getvalue()


def test_bench_review_record():
    content = _content()
    review_record.render(content)  # warm the fonts
    ours = timed(lambda: review_record.render(content), repeat=5)
    bare = timed(lambda: _bare(content), repeat=5)
    ratio = median_ms(ours) / median_ms(bare)
    report(
        "Review record, 20 sections x 2,000 words",
        [
            ("review record (median)", f"{median_ms(ours):.0f} ms (target < 1000 ms)"),
            ("bare reportlab (median)", f"{median_ms(bare):.0f} ms"),
            ("ratio", f"{ratio:.2f}x (target <= 1.5x)"),
        ],
    )
