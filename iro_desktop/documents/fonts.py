"""The fonts every document embeds (shipped in resources/fonts with their licences), and right-to-left text.

DejaVu Sans covers the Latin-script languages families use (Welsh ŵ ŷ, Polish, Romanian, Turkish,
Vietnamese); Noto Naskh Arabic draws Arabic and Urdu. reportlab 5 lays lines out left to right and its own
bidi support needs rlbidi, which is not published for this platform, so Arabic-script text is joined with
arabic-reshaper and put in visual order with python-bidi before reportlab sees it. Visual order has to be
applied line by line once the lines are known (`break_lines`), or a wrapped passage reads bottom to top.
"""

from __future__ import annotations

import re
from functools import cache
from html import escape

import arabic_reshaper
from bidi import get_display
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from iro_desktop.paths import resources_dir

REGULAR, BOLD, ARABIC, ARABIC_BOLD = (
    "DejaVuSans",
    "DejaVuSans-Bold",
    "NotoNaskhArabic",
    "NotoNaskhArabic-Bold",
)
_FILES = {
    REGULAR: "DejaVuSans.ttf",
    BOLD: "DejaVuSans-Bold.ttf",
    ARABIC: "NotoNaskhArabic-Regular.ttf",
    ARABIC_BOLD: "NotoNaskhArabic-Bold.ttf",
}
# Arabic, Arabic Supplement and the two presentation-form blocks the reshaper writes.
_ARABIC = "\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff"
_HAS_RTL = re.compile(f"[{_ARABIC}\u0590-\u05ff]")
_ARABIC_RUN = re.compile(f"[{_ARABIC}](?:[{_ARABIC} ]*[{_ARABIC}])?")


@cache
def register() -> None:
    """Register the shipped fonts once per process; <b> in a paragraph then finds the bold face."""
    folder = resources_dir() / "fonts"
    for name, file in _FILES.items():
        pdfmetrics.registerFont(TTFont(name, str(folder / file)))
    pdfmetrics.registerFontFamily(REGULAR, normal=REGULAR, bold=BOLD, italic=REGULAR, boldItalic=BOLD)
    pdfmetrics.registerFontFamily(
        ARABIC, normal=ARABIC, bold=ARABIC_BOLD, italic=ARABIC, boldItalic=ARABIC_BOLD
    )


def has_rtl(text: str) -> bool:
    return bool(_HAS_RTL.search(text))


def _width(text: str, font: str, arabic_font: str, size: float) -> float:
    """How wide the text is drawn: Arabic runs (joined) in the Arabic face, the rest in `font`."""
    shaped = arabic_reshaper.reshape(text)
    total, at = 0.0, 0
    for run in _ARABIC_RUN.finditer(shaped):
        total += pdfmetrics.stringWidth(shaped[at : run.start()], font, size)
        total += pdfmetrics.stringWidth(run.group(0), arabic_font, size)
        at = run.end()
    return total + pdfmetrics.stringWidth(shaped[at:], font, size)


def break_lines(text: str, room: float, font: str, arabic_font: str, size: float) -> list[str]:
    """The text's lines in reading order, each fitting `room` points (a longer word keeps its own line)."""
    register()
    lines = []
    for given in text.split("\n"):
        line = ""
        for word in given.split(" "):
            candidate = f"{line} {word}" if line else word
            if line and _width(candidate, font, arabic_font, size) > room:
                lines.append(line)
                candidate = word
            line = candidate
        lines.append(line)
    return lines


def visual(text: str) -> str:
    """Text as it is drawn: Arabic-script letters joined and right-to-left runs in visual order."""
    if not _HAS_RTL.search(text):
        return text
    return get_display(arabic_reshaper.reshape(text), base_dir="L")  # the documents are English: LTR lines


def markup(text: str) -> str:
    """Plain text as paragraph markup: escaped, visual order, Arabic runs in the Arabic face, breaks kept."""
    lines = []
    for line in text.split("\n"):
        drawn = escape(visual(line), quote=False)
        lines.append(_ARABIC_RUN.sub(lambda m: f'<font name="{ARABIC}">{m.group(0)}</font>', drawn))
    return "<br/>".join(lines)
