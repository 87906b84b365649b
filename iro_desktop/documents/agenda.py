"""The one-page agenda the IRO prints for the meeting, drawn from the review pack with reportlab.

invariant=1 makes the same pack give the same bytes, so tests can compare documents. The documents issue
will embed fonts from resources/; until then the system DejaVu fonts are used when present.

The pack is built by services (services.review_prep.ReviewPack); documents sit below services, so this
module declares only the shape it reads (AgendaPack) and any value of that shape will do.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from html import escape
from io import BytesIO
from typing import Protocol

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import ListFlowable, ListItem, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from iro_desktop.documents import fonts
from iro_desktop.documents.layout import para
from iro_desktop.domain.calendar import format_date

MARKING = "OFFICIAL-SENSITIVE"


class AgendaChild(Protocol):
    name: str
    first_name: str
    age: int
    legal_status: str  # in words
    placement: str  # in words, with the carer


class AgendaInvitee(Protocol):
    name: str
    role: str
    contribution_label: str


class AgendaReport(Protocol):
    label: str
    expected: bool
    received_on: date | None


class AgendaDecision(Protocol):
    action: str
    person: str | None
    due: date | None
    status: str  # plain words, e.g. "Done"
    overdue: bool


class AgendaPack(Protocol):
    """What the agenda reads of a review pack."""

    title: str
    child: AgendaChild
    kind: str  # plain words, e.g. "Review"
    number: int | None
    due: date | None
    late: bool
    working_days_late: int
    planned_date: date | None
    planned_time: str | None
    venue: str | None
    invitees: Sequence[AgendaInvitee]
    reports: Sequence[AgendaReport]
    decisions: Sequence[AgendaDecision]


# The Schedule 7 matters (docs/RULES.md I5), each with the one line the agenda says about it.
SCHEDULE_7 = (
    ("Legal status", "whether a change in legal status should be sought"),
    ("Permanence plan", "the plan for a permanent home, and its timescale"),
    ("Placement", "whether the placement still meets the child's needs and keeps them safe"),
    ("Contact", "time with family and friends, and any change needed"),
    ("Education", "school, the personal education plan, progress"),
    ("Health", "the latest health assessment, dental and emotional health"),
    ("Identity", "religion, culture, language, life-story work"),
    ("Leisure", "interests, clubs and activities"),
    ("Leaving care", "plans for when the child stops being looked after"),
)


def _styles(regular: str, bold: str) -> dict[str, ParagraphStyle]:
    body = ParagraphStyle("body", fontName=regular, fontSize=8.5, leading=10.5)
    return {
        "body": body,
        "small": ParagraphStyle("small", parent=body, fontSize=7.5, leading=9),
        "title": ParagraphStyle("title", parent=body, fontName=bold, fontSize=15, leading=18),
        "heading": ParagraphStyle(
            "heading", parent=body, fontName=bold, fontSize=10, leading=12, spaceBefore=5, spaceAfter=2
        ),
        "item": ParagraphStyle("item", parent=body, spaceAfter=1),
    }


def _when(pack: AgendaPack) -> str:
    day = format_date(pack.planned_date) if pack.planned_date else "Date to be set"
    time = f" at {pack.planned_time}" if pack.planned_time else ""
    return f"{day}{time}"


def _due_line(pack: AgendaPack) -> str:
    if pack.due is None:
        return ""
    if pack.late:
        days = "day" if pack.working_days_late == 1 else "days"
        return f"Due by {format_date(pack.due)}: this date is {pack.working_days_late} working {days} late."
    return f"Due by {format_date(pack.due)}."


def _details(pack: AgendaPack, st) -> Table:
    c = pack.child
    rows = [
        ("Date and time", _when(pack)),
        ("Venue", pack.venue or "To be arranged"),
        ("Review", f"{pack.kind} {pack.number or ''}. {_due_line(pack)}".strip()),
        ("Child", f"{c.name}, aged {c.age}. {c.legal_status}; {c.placement}."),
    ]
    table = Table(
        [[Paragraph(f"<b>{k}</b>", st["body"]), para(v, st["body"])] for k, v in rows],
        colWidths=(32 * mm, None),
    )
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
                ("TOPPADDING", (0, 0), (-1, -1), 1),
                ("LEFTPADDING", (0, 0), (0, -1), 0),
            ]
        )
    )
    return table


def _invitees(pack: AgendaPack, st) -> Table:
    head = [Paragraph(f"<b>{h}</b>", st["small"]) for h in ("Invited", "Role", "How they contribute")]
    rows = [
        [
            para(i.name, st["small"]),
            para(i.role, st["small"]),
            para(i.contribution_label, st["small"]),
        ]
        for i in pack.invitees
    ]
    table = Table([head, *rows], colWidths=(55 * mm, 65 * mm, None), repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("LINEBELOW", (0, 0), (-1, 0), 0.5, colors.black),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 0.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0.5),
                ("LEFTPADDING", (0, 0), (0, -1), 0),
            ]
        )
    )
    return table


def _reports(pack: AgendaPack, st) -> Paragraph:
    expected = [r for r in pack.reports if r.expected]
    parts = [f"{fonts.markup(r.label)} ({_received(r.received_on)})" for r in expected]
    return Paragraph("<b>Reports:</b> " + ("; ".join(parts) or "none expected") + ".", st["small"])


def _received(on: date | None) -> str:
    return f"received {format_date(on)}" if on else "not yet"


def _decision_lines(pack: AgendaPack, st) -> list:
    if not pack.decisions:
        return [Paragraph("No decisions from a previous review.", st["small"])]
    items = []
    for d in pack.decisions:
        by = f", by {format_date(d.due)}" if d.due else ""
        who = f" ({fonts.markup(d.person)}{by})" if d.person else ""
        status = f"<b>{escape(d.status)}</b>" if d.overdue else escape(d.status)
        action = fonts.markup(d.action)
        items.append(ListItem(Paragraph(f"{action}{who}: {status}", st["small"]), leftIndent=10))
    return [ListFlowable(items, bulletType="bullet", start="–", leftIndent=10, bulletFontSize=7)]


def _agenda(pack: AgendaPack, st) -> list:
    name = pack.child.first_name
    numbered = [
        (
            "Introductions and purpose of the meeting",
            "Who is here, why we meet, and what happens to the record.",
        ),
        (f"{name}'s wishes and feelings", f"What {name} wants the review to know, in {name}'s own words."),
        ("Progress on the last review's decisions", None),
        *[(title, line) for title, line in SCHEDULE_7],
        ("Decisions and the next review date", "Each decision with a named person and a date."),
        ("The IRO's view", "The independent reviewing officer's view of the plan."),
    ]
    flow = []
    for number, (title, line) in enumerate(numbered, start=1):
        text = f"<b>{number}. {fonts.markup(title)}</b>" + (f" – {fonts.markup(line)}" if line else "")
        flow.append(Paragraph(text, st["item"]))
        if title.startswith("Progress on"):
            flow.extend(_decision_lines(pack, st))
    return flow


def _footer(produced_on: date, council_name: str, regular: str):
    def draw(canvas, doc) -> None:
        canvas.saveState()
        canvas.setFont(regular, 7.5)
        footer = fonts.visual(f"{council_name} · Produced {format_date(produced_on)}")
        canvas.drawString(doc.leftMargin, 10 * mm, footer)
        canvas.drawRightString(A4[0] - doc.rightMargin, 10 * mm, "Page 1 of 1")
        canvas.drawCentredString(A4[0] / 2, A4[1] - 9 * mm, MARKING)
        canvas.drawCentredString(A4[0] / 2, 6 * mm, MARKING)
        canvas.restoreState()

    return draw


def render_agenda(pack: AgendaPack, council_name: str, iro_name: str, produced_on: date) -> bytes:
    """A one-page A4 agenda for the review meeting, as PDF bytes (identical for identical content)."""
    fonts.register()
    regular, bold = fonts.REGULAR, fonts.BOLD
    st = _styles(regular, bold)
    out = BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=16 * mm,
        rightMargin=16 * mm,
        topMargin=15 * mm,
        bottomMargin=16 * mm,
        title=f"Agenda: {pack.title}",
        author=iro_name or council_name,
        subject=f"Looked after child review agenda, {_when(pack)}",
        creator="iro-desktop",
        invariant=1,
    )
    chair = f"Chaired by {fonts.markup(iro_name)}, Independent Reviewing Officer" if iro_name else ""
    story = [
        para(f"{pack.child.name}: {pack.kind.lower()} {pack.number or ''}", st["title"]),
        Paragraph(f"Agenda for the review meeting. {chair}", st["small"]),
        Spacer(1, 4),
        _details(pack, st),
        Paragraph("Who is invited", st["heading"]),
        _invitees(pack, st),
        Spacer(1, 3),
        _reports(pack, st),
        Paragraph("Agenda", st["heading"]),
        *_agenda(pack, st),
    ]
    doc.build(story, onFirstPage=_footer(produced_on, council_name, regular))
    return out.getvalue()
