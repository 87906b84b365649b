"""A long passage is broken into lines once, yet every page looks as reportlab draws it as one paragraph.

reportlab breaks what is left of a paragraph into lines again on every page it runs onto, so the layout
helper keeps the lines it broke and hands them on. Each test lays the same story out with the helper and
with reportlab's own Paragraph, and compares what each page shows: every line's words and where they sit.
"""

from __future__ import annotations

import random
import re
import subprocess
from datetime import date
from html import unescape
from io import BytesIO
from itertools import pairwise

import pytest
from reportlab.lib.enums import TA_JUSTIFY
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate, Paragraph

from iro_desktop.documents import fonts, layout, review_record
from iro_desktop.documents.content import (
    AttendanceLine,
    Letterhead,
    Passage,
    RecipientLine,
    RecordDecision,
    RecordWish,
    ReviewContent,
    SectionText,
)
from iro_desktop.documents.templates import load_wording

DUE = date(2026, 12, 18)
HEAD = Letterhead("Example Borough", "Alex Example", date(2026, 11, 25), "R-1-v1")
WORDS = (
    "Gwenllïan settled placement contact school Llŷr brother carer plan review safe Ŵyn ysgol teulu "
    "Zofia Wiśniewska Ștefan Ayşe Nguyễn Thị Hương health dentist weekly fortnight education"
).split()
_LINE = re.compile(r'<line xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)"[^>]*>(.*?)</line>', re.S)
_WORD = re.compile(r">([^<]*)</word>")


def _words(count: int, seed: int = 7) -> str:
    rng = random.Random(seed)
    return " ".join(rng.choice(WORDS) for _ in range(count))


def _reportlab_alone(text: str, style: ParagraphStyle) -> Paragraph:
    """The passage as reportlab lays it out by itself: one Paragraph, broken afresh on every page."""
    return Paragraph(fonts.markup(text), style)


def _pages(pdf: bytes) -> list[str]:
    """What each page shows, laid out as text."""
    out = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True)
    return out.stdout.decode().split("\f")


def _lines(pdf: bytes) -> list[list[tuple[str, str, str, str]]]:
    """Each page's lines: where each starts and ends (points from the page's top left), and its words."""
    out = subprocess.run(["pdftotext", "-bbox-layout", "-", "-"], input=pdf, capture_output=True, check=True)
    pages = out.stdout.decode().split("<page ")[1:]
    return [[(x0, y, x1, _text(words)) for x0, y, x1, words in _LINE.findall(page)] for page in pages]


def _text(line: str) -> str:
    return " ".join(unescape(word) for word in _WORD.findall(line))


def _story(make, text: str, style: ParagraphStyle) -> list:
    st = layout.styles()
    return [make("The IRO's view", st["heading"]), make(text, style), make("Next review", st["heading"])]


def _pdf(story: list) -> bytes:
    return layout.build_pdf(HEAD, load_wording(), "Review record", "Review 3", story)


def _same_on_the_page(ours: bytes, alone: bytes) -> None:
    assert _pages(ours) == _pages(alone)
    assert _lines(ours) == _lines(alone)


def test_one_20000_word_paragraph_looks_as_reportlab_draws_it():
    text, body = _words(20_000), layout.styles()["body"]
    ours = _pdf(_story(layout.para, text, body))
    _same_on_the_page(ours, _pdf(_story(_reportlab_alone, text, body)))
    pages = _lines(ours)
    assert len(pages) > 25
    ys = sorted(float(y) for _, y, _, text in pages[5] if set(text.split()) <= set(WORDS))
    assert len(ys) > 40 and {round(b - a, 1) for a, b in pairwise(ys)} == {body.leading}  # a page, no gap


JUSTIFIED = ParagraphStyle("justified", fontName=fonts.REGULAR, fontSize=10, leading=14, alignment=TA_JUSTIFY)


@pytest.mark.parametrize(
    "style",
    [
        pytest.param(layout.styles()["quote"], id="indented"),
        pytest.param(ParagraphStyle("first", parent=JUSTIFIED, firstLineIndent=8 * mm), id="justified"),
        pytest.param(
            ParagraphStyle("bullet", parent=JUSTIFIED, leftIndent=6 * mm, bulletText="•", bulletIndent=0),
            id="bullet",
        ),
    ],
)
def test_a_long_paragraph_in_any_style_looks_as_reportlab_draws_it(style):
    text = _words(4_000, seed=3)
    _same_on_the_page(_pdf(_story(layout.para, text, style)), _pdf(_story(_reportlab_alone, text, style)))


@pytest.mark.parametrize("every", [8, 60], ids=["short lines", "wrapped lines"])
def test_line_breaks_the_iro_typed_look_as_reportlab_draws_them(every):
    """With short lines (a list, say) every page ends at a line break the IRO typed."""
    words = _words(5_000, seed=5).split(" ")
    lines = [" ".join(words[at : at + every]) for at in range(0, len(words), every)]
    text = "\n".join(lines[:20]) + "\n\n" + "\n".join(lines[20:])  # a blank line too
    body = layout.styles()["body"]
    _same_on_the_page(_pdf(_story(layout.para, text, body)), _pdf(_story(_reportlab_alone, text, body)))


def _record(iro_view: str) -> ReviewContent:
    sections = tuple(
        SectionText(
            f"s{n}",
            f"Section {n}",
            tuple(
                Passage(f"section:s{n}:{p}", _words(size, seed=n * 10 + p)) for p, size in ((1, 60), (2, 900))
            ),
        )
        for n in range(1, 5)
    )
    return ReviewContent(
        HEAD,
        "Gwenllïan Ŵyn",
        "Gwenllïan",
        date(2015, 3, 9),
        "Review 3",
        date(2026, 11, 20),
        Passage("venue", "12 Heol y Dŵr, Caerdydd CF10 1AA"),
        "Came and spoke for themselves",
        "Spoke with Gwenllïan alone in the carers' garden.",
        (
            AttendanceLine("Zofia Wiśniewska", "Mother", "Present"),
            AttendanceLine("فاطمة الزهراء", "Aunt", "Sent views"),
        ),
        (RecordWish("wish:1", date(2026, 11, 20), "Private conversation", _words(400, seed=2)),),
        sections,
        (
            RecordDecision(
                "decision:1", 1, "Arrange contact with Llŷr every fortnight", "Nguyễn Thị Hương", DUE
            ),
        ),
        Passage("iro_view", iro_view),
        date(2027, 5, 19),
        (RecipientLine("child", "Gwenllïan Ŵyn", "Child"),),
    )


def test_a_review_record_with_a_long_view_looks_as_reportlab_draws_it(monkeypatch):
    view = f"{_words(6_000, seed=11)}\n{_words(40, seed=12)}\n\n{_words(3_000, seed=13)}"
    ours = review_record.render(_record(view))
    monkeypatch.setattr(layout, "para", _reportlab_alone)
    _same_on_the_page(ours, review_record.render(_record(view)))


def test_a_long_arabic_and_urdu_passage_runs_on_over_pages():
    """Before, reportlab could not split such a paragraph and no document was made."""
    text = " ".join(f"فاطمة الزهراء and عائشہ خان visited Gwenllïan, visit {n}." for n in range(1, 400))
    pages = _pages(_pdf([layout.para(text, layout.styles()["body"])]))
    assert len(pages) > 2
    shown = re.findall(r"visit\s+(\d+)\.", "".join(pages))
    assert shown == [str(n) for n in range(1, 400)]  # every visit once, in order, across the page breaks


def test_a_paragraph_carried_into_a_narrower_frame_is_broken_again_for_it():
    """build_pdf has one frame; should a document have two widths, the rest of a paragraph still fits."""

    def pdf(make) -> bytes:
        out = BytesIO()
        doc = BaseDocTemplate(out, invariant=1)
        half = doc.height / 2
        wide = Frame(doc.leftMargin, doc.bottomMargin + half, doc.width, half)
        narrow = Frame(doc.leftMargin, doc.bottomMargin, doc.width / 2, half)
        doc.addPageTemplates([PageTemplate(frames=[wide, narrow])])
        doc.build([make(_words(2_000, seed=9), layout.styles()["body"])])
        return out.getvalue()

    _same_on_the_page(pdf(layout.para), pdf(_reportlab_alone))
