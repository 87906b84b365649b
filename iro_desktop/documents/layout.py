"""Page furniture every document shares, and the one place a document is turned into PDF bytes.

Each page carries the council's letterhead (logo or name), OFFICIAL-SENSITIVE top and bottom, "Page N of M",
the date produced and the record's identifier, and DEMO across it for a demo store. invariant=1 makes the same
content give the same bytes, so tests compare documents.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from io import BytesIO
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, KeepTogether, PageTemplate, Paragraph, Spacer
from reportlab.platypus.paragraph import _FK_BREAK, ParaLines

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


class _Paragraph(Paragraph):
    """A paragraph broken into lines once, however many pages it runs across.

    reportlab breaks what is left of a paragraph into lines again on every page it runs onto, so one long
    passage (a 20,000-word view) costs time growing with the square of its length. This one keeps the lines
    it broke at a width and hands each part of a split its own lines, exactly as reportlab would break them:
    the same lines on the same pages, byte for byte, in time growing with the length. (reportlab is pinned;
    tests/documents/test_long_paragraphs.py compares the pages with reportlab's own.)
    """

    _broken: tuple[list[float], ParaLines] | None = None  # the line widths broken at, and the lines
    _own_words: Callable[[], list] | None = None  # the rest of a split's words, to break it at another width

    def breakLines(self, width):  # noqa: N802 (reportlab override)
        widths = list(width)  # copied first: reportlab narrows the first line in place for a bullet
        if self._broken is None or self._broken[0] != widths:
            if self._own_words is not None:
                self.frags, self._own_words = self._own_words(), None
            self._broken = (widths, super().breakLines(width))
        return self._broken[1]

    def _get_split_blParaFunc(self):  # noqa: N802 (reportlab override)
        words_of = super()._get_split_blParaFunc()
        # Gathering the rest's words on every page is the quadratic cost: split() gives it its lines instead.
        return lambda broken, start, stop: words_of(broken, start, stop) if stop < len(broken.lines) else []

    def split(self, availWidth, availHeight):
        parts = super().split(availWidth, availHeight)
        if len(parts) == 2:  # the lines that fit here, and the rest
            head, rest = parts
            widths, broken = self._broken
            start, stop = len(head.blPara.lines), len(broken.lines)
            lines, rest_lines = broken.lines[:start], broken.lines[start:]
            # Where a line break (<br/>) ends the head, reportlab leaves the break off the head's last line
            # and begins the rest with it, as an empty line.
            if broken.kind == 1 and self.frags[rest_lines[0].sFW][1][0]._fkind == _FK_BREAK:
                lines = [*lines[:-1], lines[-1].clone(words=lines[-1].words[:-1], lineBreak=False)]
                rest_lines = [self._empty_line(rest_lines[0].sFW, widths[-1]), *rest_lines]
            head._broken = (widths, broken.clone(lines=lines))
            rest.frags = self.frags  # the words its lines count in (reportlab's split reads them too)
            rest._broken = ([widths[-1]] * 2, broken.clone(lines=rest_lines))  # the rest has no first indent
            rest._own_words = partial(super()._get_split_blParaFunc(), broken, start, stop)
        return parts

    def _empty_line(self, at: int, width: float):
        """The line reportlab makes of a line break on its own, counted as the break in our words."""
        (line,) = Paragraph("", self.style, frags=[self.frags[at]]).breakLines([width, width]).lines
        line.sFW = at
        return line


class _RightToLeftParagraph(_Paragraph):
    """A paragraph holding Arabic or Urdu: broken into lines in reading order when its width is known,
    then each line put in visual order, so a wrapped passage reads from the top line down."""

    def __init__(self, text: str | None, style: ParagraphStyle, **parts) -> None:
        self._logical, self._room = text, None  # no text: a part of a split, its lines already in order
        super().__init__(None if text is None else fonts.markup(text), style, **parts)

    def wrap(self, availWidth, availHeight):
        style = self.style
        room = (availWidth - style.leftIndent - style.rightIndent) * 0.97  # leeway for rounding
        if self._logical is not None and room != self._room:
            lines = fonts.break_lines(self._logical, room, style.fontName, fonts.ARABIC, style.fontSize)
            Paragraph.__init__(self, fonts.markup("\n".join(lines)), style)
            self._room = room
        return super().wrap(availWidth, availHeight)


def para(text: str, style: ParagraphStyle) -> Paragraph:
    """A paragraph of plain text (escaped, right-to-left runs made right)."""
    if fonts.has_rtl(text):
        return _RightToLeftParagraph(text, style)
    return _Paragraph(fonts.markup(text), style)


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
    doc.build(list(story), canvasmaker=_numbered_canvas(_furniture(head, wording, recipient)))
    return out.getvalue()
