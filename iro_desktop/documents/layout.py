"""Page furniture every document shares, and the one place a document is turned into PDF bytes.

Each page carries the council's letterhead (logo or name), OFFICIAL-SENSITIVE top and bottom, "Page N of M",
the date produced and the record's identifier, and DEMO across it for a demo store. invariant=1 makes the same
content give the same bytes, so tests compare documents.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from io import BytesIO
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, KeepTogether, PageTemplate, Paragraph, Spacer

from iro_desktop.documents import fonts
from iro_desktop.documents.content import Letterhead, Passage
from iro_desktop.documents.templates import Wording
from iro_desktop.domain.calendar import format_date

MARGIN = 20 * mm
HEADER_DEPTH = 22 * mm
FOOTER_DEPTH = 16 * mm
GREY = colors.HexColor("#555555")


def styles() -> dict[str, ParagraphStyle]:
    fonts.register()
    body = ParagraphStyle("body", fontName=fonts.REGULAR, fontSize=10, leading=14, spaceAfter=5)
    return {
        "body": body,
        "small": ParagraphStyle("small", parent=body, fontSize=8.5, leading=11, spaceAfter=2),
        "title": ParagraphStyle(
            "title", parent=body, fontName=fonts.BOLD, fontSize=16, leading=20, spaceAfter=8
        ),
        "heading": ParagraphStyle(
            "heading",
            parent=body,
            fontName=fonts.BOLD,
            fontSize=12,
            leading=15,
            spaceBefore=8,
            spaceAfter=4,
            keepWithNext=1,
        ),
        "subheading": ParagraphStyle(
            "subheading", parent=body, fontName=fonts.BOLD, spaceBefore=4, spaceAfter=2, keepWithNext=1
        ),
        "quote": ParagraphStyle(
            "quote", parent=body, leftIndent=8 * mm, textColor=colors.HexColor("#1f3a5f")
        ),
        "withheld": ParagraphStyle("withheld", parent=body, textColor=GREY, fontSize=9),
    }


class _RightToLeftParagraph(Paragraph):
    """A paragraph holding Arabic or Urdu: broken into lines in reading order when its width is known,
    then each line put in visual order, so a wrapped passage reads from the top line down."""

    def __init__(self, text: str, style: ParagraphStyle) -> None:
        self._logical = text
        super().__init__(fonts.markup(text), style)

    def wrap(self, availWidth, availHeight):
        style = self.style
        room = (availWidth - style.leftIndent - style.rightIndent) * 0.97  # leeway for rounding
        lines = fonts.break_lines(self._logical, room, style.fontName, fonts.ARABIC, style.fontSize)
        Paragraph.__init__(self, fonts.markup("\n".join(lines)), style)
        return super().wrap(availWidth, availHeight)


CHUNK = 3000  # characters: reportlab re-wraps what is left of a paragraph at every page break


class _LongParagraph(Paragraph):
    """A paragraph too long to wrap quickly, carried as pieces that build_pdf lays out one after another.

    Splitting a paragraph across pages costs reportlab the whole remainder each time, so one 25,000-word
    section would take seconds per copy; pieces of a few thousand characters keep it linear. Each piece
    starts a line, at a line break where the text has one, else after a sentence.
    """

    def __init__(self, text: str, style: ParagraphStyle) -> None:
        super().__init__(fonts.markup(text), style)  # as it is, should it sit inside another flowable
        pieces = _pieces(text)
        last = len(pieces) - 1
        self.pieces = [
            _one(
                piece,
                ParagraphStyle(
                    f"{style.name}-{n}",
                    parent=style,
                    spaceBefore=style.spaceBefore if n == 0 else 0,
                    spaceAfter=style.spaceAfter if n == last else 0,
                ),
            )
            for n, piece in enumerate(pieces)
        ]


def _pieces(text: str) -> list[str]:
    pieces = []
    for line in text.split("\n"):
        while len(line) > CHUNK:
            cut = line.rfind(". ", CHUNK // 2, CHUNK) + 1 or line.rfind(" ", CHUNK // 2, CHUNK) + 1 or CHUNK
            pieces.append(line[:cut].rstrip(" "))
            line = line[cut:].lstrip(" ")
        pieces.append(line)
    return pieces


def _one(text: str, style: ParagraphStyle) -> Paragraph:
    if fonts.has_rtl(text):
        return _RightToLeftParagraph(text, style)
    return Paragraph(fonts.markup(text), style)


def para(text: str, style: ParagraphStyle) -> Paragraph:
    """A paragraph of plain text (escaped, right-to-left runs made right)."""
    if len(text) > CHUNK:
        return _LongParagraph(text, style)
    return _one(text, style)


def _laid_out(story: Sequence[Flowable]) -> list[Flowable]:
    """The story with each long paragraph replaced by its pieces."""
    out: list[Flowable] = []
    for flowable in story:
        out += flowable.pieces if isinstance(flowable, _LongParagraph) else [flowable]
    return out


def passage(item: Passage, style: ParagraphStyle, withheld: frozenset[str], wording: Wording) -> Paragraph:
    """A passage, or in its place a plain notice that it was withheld: its text never enters the PDF."""
    if item.key in withheld:
        return Paragraph(fonts.markup(wording.say("common", "withheld")), styles()["withheld"])
    return para(item.text, style)


def signature_block(head: Letterhead, wording: Wording) -> Flowable:
    st = styles()
    lines = [
        para(f"{wording.say('common', 'signed')} ______________________________", st["body"]),
        para(head.iro_name or "", st["subheading"]),
        para(wording.say("common", "signature_heading"), st["body"]),
        para(head.council_name or "", st["body"]),
    ]
    contact = " · ".join(x for x in (head.iro_email, head.iro_phone) if x)
    if contact:
        lines.append(para(contact, st["small"]))
    lines.append(para(f"{wording.say('common', 'dated')} {format_date(head.produced_on)}", st["body"]))
    return KeepTogether([Spacer(1, 6 * mm), *lines])


def _draw_letterhead(canvas: Canvas, head: Letterhead, width: float, height: float) -> None:
    top = height - 10 * mm
    logo = Path(head.logo_path) if head.logo_path else None
    if logo is not None and logo.is_file():
        canvas.drawImage(
            str(logo),
            MARGIN,
            top - 12 * mm,
            width=40 * mm,
            height=12 * mm,
            preserveAspectRatio=True,
            anchor="w",
            mask="auto",
        )
    else:
        canvas.setFont(fonts.BOLD, 12)
        canvas.drawString(MARGIN, top - 6 * mm, fonts.visual(head.council_name or ""))


def _furniture(
    head: Letterhead, wording: Wording, recipient: str | None
) -> Callable[[Canvas, int, int], None]:
    marking = wording.say("common", "marking")
    footer_right = "   ".join(
        (
            wording.say("common", "produced", date=format_date(head.produced_on)),
            wording.say("common", "record", record_id=head.record_id),
        )
    )

    def draw(canvas: Canvas, page: int, pages: int) -> None:
        width, height = A4
        canvas.saveState()
        _draw_letterhead(canvas, head, width, height)
        canvas.setFont(fonts.BOLD, 9)
        canvas.setFillColor(colors.HexColor("#b00020"))
        canvas.drawRightString(width - MARGIN, height - 10 * mm - 6 * mm, marking)
        canvas.drawCentredString(width / 2, 8 * mm, marking)
        canvas.setFillColor(GREY)
        canvas.setFont(fonts.REGULAR, 8)
        if recipient:
            canvas.drawRightString(
                width - MARGIN,
                height - 10 * mm - 11 * mm,
                fonts.visual(wording.say("common", "copy_for", recipient=recipient)),
            )
        canvas.drawString(MARGIN, 13 * mm, wording.say("common", "page", page=page, pages=pages))
        canvas.drawRightString(width - MARGIN, 13 * mm, footer_right)
        canvas.setStrokeColor(colors.HexColor("#cccccc"))
        canvas.line(MARGIN, height - HEADER_DEPTH, width - MARGIN, height - HEADER_DEPTH)
        canvas.line(MARGIN, FOOTER_DEPTH + 2 * mm, width - MARGIN, FOOTER_DEPTH + 2 * mm)
        if head.draft:
            canvas.setFont(fonts.BOLD, 9)
            canvas.setFillColor(colors.HexColor("#b00020"))
            note = wording.say("common", "draft_note")
            canvas.drawCentredString(width / 2, height - 10 * mm - 6 * mm, note)
            _draw_watermark(canvas, wording.say("common", "draft"), width, height, 0.16)
        if head.is_demo:
            _draw_watermark(canvas, wording.say("common", "demo"), width, height, 0.12)
        canvas.restoreState()

    return draw


def _draw_watermark(canvas: Canvas, word: str, width: float, height: float, alpha: float) -> None:
    canvas.saveState()
    canvas.setFont(fonts.BOLD, 110)
    canvas.setFillColor(colors.Color(0.85, 0.1, 0.1, alpha=alpha))
    canvas.translate(width / 2, height / 2)
    canvas.rotate(40)
    canvas.drawCentredString(0, -40, word)
    canvas.restoreState()


def _numbered_canvas(draw: Callable[[Canvas, int, int], None]) -> type[Canvas]:
    """A canvas that holds each page until the end, so every page can say how many pages there are."""

    class NumberedCanvas(Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []

        def showPage(self):  # noqa: N802 (reportlab override)
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._pages)
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                draw(self, number, total)
                super().showPage()
            super().save()

    return NumberedCanvas


def build_pdf(
    head: Letterhead,
    wording: Wording,
    title: str,
    subject: str,
    story: Sequence[Flowable],
    recipient: str | None = None,
) -> bytes:
    """Lay out `story` on A4 with the shared furniture; the same inputs always give the same bytes."""
    fonts.register()
    out = BytesIO()
    doc = BaseDocTemplate(
        out,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=HEADER_DEPTH + 4 * mm,
        bottomMargin=FOOTER_DEPTH + 6 * mm,
        title=title,
        author=head.iro_name,
        subject=subject,
        creator=head.council_name or "iro-desktop",
        lang=wording.say("common", "language"),
        invariant=1,
    )
    frame = Frame(doc.leftMargin, doc.bottomMargin, doc.width, doc.height, id="body")
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame])])
    doc.build(_laid_out(story), canvasmaker=_numbered_canvas(_furniture(head, wording, recipient)))
    return out.getvalue()
