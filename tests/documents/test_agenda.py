"""The one-page agenda: what the meeting will cover, in order, the same bytes for the same pack."""

from __future__ import annotations

import unicodedata
from datetime import date
from io import BytesIO

from pypdf import PdfReader

from iro_desktop.documents.agenda import render_agenda
from iro_desktop.services import review_prep as prep
from iro_desktop.services.caseload import load_caseload
from tests.documents import gwenllian as g

TODAY = date(2026, 11, 25)
HEADINGS = [
    "Introductions and purpose",
    "wishes and feelings",
    "Progress on the last review's decisions",
    "Legal status",
    "Permanence plan",
    "Placement",
    "Contact",
    "Education",
    "Health",
    "Identity",
    "Leisure",
    "Leaving care",
    "Decisions and the next review date",
    "The IRO's view",
]


def _pack_with_decisions(store):
    for row in load_caseload(store, TODAY):
        if row.next_review_due and row.decisions_open:
            pack = prep.review_pack(store, prep.next_review_for(store, row.id), TODAY)
            if pack.decisions:
                return pack
    raise AssertionError("the demo has a child with decisions from the last review")


def test_the_agenda_is_one_page_with_the_items_in_order(demo_store):
    pack = _pack_with_decisions(demo_store)
    pdf = PdfReader(BytesIO(render_agenda(pack, "Example Borough Council", "Alex Example", TODAY)))
    assert len(pdf.pages) == 1
    text = " ".join(pdf.pages[0].extract_text().split())
    assert "OFFICIAL-SENSITIVE" in text and pack.child.name in text and "Page 1 of 1" in text
    assert "Produced 25 Nov 2026" in text
    agenda = text.index("Agenda 1. ")
    positions = []
    for number, heading in enumerate(HEADINGS, start=1):  # each numbered item after the one before
        positions.append(text.index(f"{number}. ", positions[-1] if positions else agenda))
        assert heading in text[positions[-1] : positions[-1] + 60], heading
    first_decision = " ".join(pack.decisions[0].action.split())[:30]
    assert positions[2] < text.find(first_decision) < positions[3]  # listed under progress on decisions
    for invitee in pack.invitees:
        assert invitee.name in text
    assert pdf.metadata.title == f"Agenda: {pack.title}" and pdf.metadata.author == "Alex Example"


def test_the_same_pack_gives_the_same_bytes(demo_store):
    pack = _pack_with_decisions(demo_store)
    first = render_agenda(pack, "Example Borough Council", "Alex Example", TODAY)
    assert render_agenda(pack, "Example Borough Council", "Alex Example", TODAY) == first
    assert render_agenda(pack, "Example Borough Council", "Alex Example", date(2026, 11, 26)) != first


def test_names_in_any_script_print_in_the_shipped_fonts(store):
    """The shipped fonts, not the system's: Windows has no /usr/share/fonts; Helvetica has no ŵ, no Urdu."""
    review_id = g.add_gwenllian(store)
    pack = prep.review_pack(store, review_id, TODAY)
    assert g.GRANDMOTHER in [i.name for i in pack.invitees]
    pdf = PdfReader(BytesIO(render_agenda(pack, "Cyngor Sir Enghraifft", "Alex Example", TODAY)))
    text = unicodedata.normalize("NFKC", pdf.pages[0].extract_text())
    assert "Gwenllïan Ŵyn" in text and g.GRANDMOTHER in text
    fonts = {f["/BaseFont"].split("+")[-1] for f in pdf.pages[0]["/Resources"]["/Font"].values()}
    assert "DejaVuSans" in fonts and "NotoNaskhArabic-Regular" in fonts
