"""The review record for several shapes of text, each against bare reportlab laying out the same words.

The baseline is what reportlab costs for those words at its best: 200-word paragraphs (keeping any line
breaks the IRO typed), in the same frame, built in the same run. The record adds its furniture, headings
and whatever shape the IRO typed: one long paragraph must cost no more than many short ones, which
reportlab alone does not manage (it breaks the rest of a paragraph into lines again on every page).
Target: at most 1.3x the baseline for every shape.
"""

from __future__ import annotations

import random
import re
from datetime import date
from io import BytesIO

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate

from iro_desktop.documents import fonts, layout, review_record
from iro_desktop.documents.content import Letterhead, Passage, ReviewContent, SectionText
from tests.benchmarks.helpers import median_ms, report, timed

WORDS = "placement contact school health plan review carer social worker family brother safe settled".split()
WORDS += "Gwenllïan Llŷr Ŵyn ysgol teulu diogel".split()
BASELINE_WORDS = 200
# Each shape: sections x paragraphs per section x words per paragraph, and a line break every so many words.
SHAPES = {
    "20 sections x 10 paragraphs x 200 words": (20, 10, 200, 0),
    "one paragraph of 20,000 words": (1, 1, 20_000, 0),
    "20 sections x one paragraph of 2,000 words": (20, 1, 2_000, 0),
    "one paragraph of 20,000 words, a line break every 100": (1, 1, 20_000, 100),
}


def _text(count: int, rng: random.Random, break_every: int) -> str:
    words = [rng.choice(WORDS) for _ in range(count)]
    line = break_every or count
    return "\n".join(" ".join(words[at : at + line]) for at in range(0, count, line))


def _content(sections: int, paragraphs: int, words: int, break_every: int) -> ReviewContent:
    rng = random.Random(7)
    texts = tuple(
        SectionText(
            f"s{n}",
            f"Section {n}",
            tuple(
                Passage(f"section:s{n}:{p}", _text(words, rng, break_every)) for p in range(1, paragraphs + 1)
            ),
        )
        for n in range(1, sections + 1)
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
        texts,
        (),
        None,
        None,
        (),
    )


def _bare(content: ReviewContent) -> bytes:
    """The record's words as 200-word paragraphs, in the record's frame, with nothing else on the page."""
    text = " ".join(p.text for s in content.sections for p in s.paragraphs)
    words = re.findall(r"\S+\s?", text)  # each word with the space or line break after it
    body = layout.styles()["body"]
    cuts = range(0, len(words), BASELINE_WORDS)
    story = [Paragraph(fonts.markup("".join(words[at : at + BASELINE_WORDS]).strip()), body) for at in cuts]
    out = BytesIO()
    SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=layout.MARGIN,
        rightMargin=layout.MARGIN,
        topMargin=layout.HEADER_DEPTH + 4 * mm,
        bottomMargin=layout.FOOTER_DEPTH + 6 * mm,
        invariant=1,
    ).build(story)
    return out.getvalue()


def _alternately(first, second, repeat: int = 7) -> tuple[list[float], list[float]]:
    """Timings of two builds taken in turn, so a drift in the machine's speed falls on both."""
    a, b = [], []
    for _ in range(repeat):
        a += timed(first, repeat=1)
        b += timed(second, repeat=1)
    return a, b


def test_bench_review_record():
    rows = []
    for name, shape in SHAPES.items():
        content = _content(*shape)
        review_record.render(content)  # warm the fonts
        ours, bare = _alternately(lambda: review_record.render(content), lambda: _bare(content))  # noqa: B023
        ratio = median_ms(ours) / median_ms(bare)
        rows += [
            (f"{name}: bare reportlab, 200-word paragraphs (median)", f"{median_ms(bare):.0f} ms"),
            (f"{name}: review record (median)", f"{median_ms(ours):.0f} ms"),
            (f"{name}: ratio", f"{ratio:.2f}x (target <= 1.3x)"),
        ]
    report("Review record against bare reportlab, by shape of text", rows)
