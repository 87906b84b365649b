"""The IRO's own figures for a date range (docs/RULES.md A1): challenges by issue, stage reached and outcome,
resolved within the 20 working days of D2, Cafcass referrals, positive practice; and the annual-report
figures: reviews held on time, children spoken to alone, participation codes, decisions and records on time.

Review timeliness comes from services.child (which applies domain.timescales.review_timeliness per period of
care), so this summary and the child's page never disagree about a review being late.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from iro_desktop.documents import challenge_report as report_pdf
from iro_desktop.documents.challenge_report import Chart, ReportContent
from iro_desktop.domain.calendar import format_date
from iro_desktop.domain.codes import PARTICIPATION
from iro_desktop.domain.timescales import drp_final_due, post_review_deadlines
from iro_desktop.problems import Problem
from iro_desktop.services import challenge_events, challenge_facts, challenge_ladder, challenge_practice
from iro_desktop.services.child import load_child
from iro_desktop.services.documents import letterhead
from iro_desktop.services.settings import timescale_settings, working_calendar
from iro_desktop.store import Store
from iro_desktop.store.models import Child, Decision, Review, SignedRecord

NOT_RECORDED = "Not recorded"


@dataclass(frozen=True)
class MonthReviews:
    month: str  # "Nov 2026"
    on_time: int
    late: int


@dataclass(frozen=True)
class Summary:
    start: date
    end: date
    raised: int
    by_issue: tuple[tuple[str, int], ...]  # every issue, in the list's order
    by_stage: tuple[tuple[str, int], ...]  # the furthest stage each concern reached
    by_outcome: tuple[tuple[str, int], ...]  # resolved, partly, not resolved, still open
    issue_outcomes: tuple[tuple[str, dict[str, int]], ...]  # per issue: outcome label -> count
    within_20wd: int
    beyond_20wd: int
    open_within_time: int
    cafcass_considered: int
    cafcass_referred: int
    positive_practice: tuple[challenge_practice.PracticeNote, ...]
    reviews_held: int
    reviews_on_time: int
    reviews_by_month: tuple[MonthReviews, ...]
    spoke_alone: int
    not_alone: int
    alone_not_recorded: int
    participation: tuple[tuple[str, int], ...]  # PN0..PN7 and "Not recorded"
    decisions_due: int
    decisions_on_time: int
    decisions_late: int
    decisions_outstanding: int
    records_issued_on_time: int
    records_issued_late: int
    records_not_issued: int

    @staticmethod
    def percent(part: int, whole: int) -> str:
        return f"{round(100 * part / whole)}%" if whole else "n/a"


def _in(day: date | None, start: date, end: date) -> bool:
    return day is not None and start <= day <= end


def _challenge_figures(store: Store, start: date, end: date, today: date) -> dict:
    rungs, cal, settings = challenge_ladder.ladder(store), working_calendar(store), timescale_settings(store)
    views = [v for v in challenge_facts.all_challenges(store, today) if _in(v.raised_on, start, end)]
    outcome_of = {v.id: v.outcome or "Still open" for v in views}
    outcomes = [*challenge_events.OUTCOMES.values(), "Still open"]
    by_issue = Counter(v.issue for v in views)
    stage_names = [challenge_ladder.stage_label(rungs, s) for s in challenge_ladder.ORDER[: len(rungs) + 1]]
    by_stage = Counter(challenge_ladder.stage_label(rungs, v.furthest_stage) for v in views)
    within = beyond = open_in_time = 0
    for v in views:
        deadline = drp_final_due(v.formal_started or v.raised_on, cal, settings)
        if v.resolved_on is not None:
            within, beyond = (within + 1, beyond) if v.resolved_on <= deadline else (within, beyond + 1)
        elif today <= deadline:
            open_in_time += 1
        else:
            beyond += 1
    every = challenge_facts.all_challenges(store, today)
    return {
        "raised": len(views),
        "by_issue": tuple((label, by_issue[label]) for label in challenge_facts.ISSUES.values()),
        "by_stage": tuple((name, by_stage[name]) for name in stage_names),
        "by_outcome": tuple((o, sum(1 for v in views if outcome_of[v.id] == o)) for o in outcomes),
        "issue_outcomes": tuple(
            (
                label,
                {o: sum(1 for v in views if v.issue == label and outcome_of[v.id] == o) for o in outcomes},
            )
            for label in challenge_facts.ISSUES.values()
            if by_issue[label]
        ),
        "within_20wd": within,
        "beyond_20wd": beyond,
        "open_within_time": open_in_time,
        "cafcass_considered": sum(
            1
            for v in every
            if any(e.kind == "cafcass_considered" and _in(e.on, start, end) for e in v.events)
        ),
        "cafcass_referred": sum(
            1 for v in every if any(e.kind == "cafcass_referred" and _in(e.on, start, end) for e in v.events)
        ),
    }


def _review_figures(store: Store, start: date, end: date, today: date) -> dict:
    cal, settings = working_calendar(store), timescale_settings(store)
    with store.reading() as s:
        child_ids = list(s.scalars(select(Child.id).order_by(Child.id)))
        reviews = s.execute(
            select(
                Review.id, Review.child_id, Review.held_date, Review.participation_code, Review.spoke_alone
            ).where(Review.held_date.between(start, end))
        ).all()
        signed = dict(
            s.execute(
                select(SignedRecord.review_id, SignedRecord.created_at).order_by(
                    SignedRecord.created_at.desc()
                )
            ).all()
        )
    judged: dict[tuple[int, date], bool | None] = {}
    for child_id in {r.child_id for r in reviews} & set(child_ids):
        for line in load_child(store, child_id, today).reviews:
            judged[(child_id, line.held)] = line.on_time
    months: dict[tuple[int, int], list[int]] = {}
    on_time = 0
    for r in reviews:
        timely = judged.get((r.child_id, r.held_date))
        bucket = months.setdefault((r.held_date.year, r.held_date.month), [0, 0])
        bucket[0 if timely else 1] += 1
        on_time += bool(timely)
    codes = Counter(r.participation_code or NOT_RECORDED for r in reviews)
    records = Counter(_record_timeliness(r, signed, cal, settings) for r in reviews)
    return {
        "reviews_held": len(reviews),
        "reviews_on_time": on_time,
        "reviews_by_month": tuple(
            MonthReviews(date(y, m, 1).strftime("%b %Y"), *months.get((y, m), [0, 0]))
            for y, m in _months(start, end)
        ),
        "spoke_alone": sum(1 for r in reviews if r.spoke_alone is True),
        "not_alone": sum(1 for r in reviews if r.spoke_alone is False),
        "alone_not_recorded": sum(1 for r in reviews if r.spoke_alone is None),
        "participation": tuple((code, codes[code]) for code in [*PARTICIPATION, NOT_RECORDED]),
        "records_issued_on_time": records["on_time"],
        "records_issued_late": records["late"],
        "records_not_issued": records["not_issued"],
    }


def _record_timeliness(review, signed: dict, cal, settings) -> str:
    """R2: the signed record issued within the distribution timescale of the review it records."""
    issued = signed.get(review.id)
    if issued is None:
        return "not_issued"
    due = post_review_deadlines(review.held_date, cal, settings).record_distributed
    return "on_time" if issued.date() <= due else "late"


def _months(start: date, end: date) -> list[tuple[int, int]]:
    out, y, m = [], start.year, start.month
    while (y, m) <= (end.year, end.month):
        out.append((y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def _decision_figures(store: Store, start: date, end: date, today: date) -> dict:
    """Decisions due in the range: done by their date, done late, or still outstanding."""
    with store.reading() as s:
        rows = s.execute(
            select(Decision.status, Decision.due_date, Decision.completed_on).where(
                Decision.due_date.between(start, end)
            )
        ).all()
    done = [r for r in rows if r.status == "done"]
    on_time = sum(1 for r in done if r.completed_on is not None and r.completed_on <= r.due_date)
    return {
        "decisions_due": len(rows),
        "decisions_on_time": on_time,
        "decisions_late": len(done) - on_time,
        "decisions_outstanding": len(rows) - len(done),
    }


def summary(store: Store, start: date, end: date, today: date) -> Summary:
    if end < start:
        raise Problem("The end of the range cannot be before its start.", "end")
    practice = tuple(n for n in challenge_practice.practice_notes(store) if _in(n.on, start, end))
    return Summary(
        start=start,
        end=end,
        positive_practice=practice,
        **_challenge_figures(store, start, end, today),
        **_review_figures(store, start, end, today),
        **_decision_figures(store, start, end, today),
    )


def csv_text(summary_: Summary) -> str:
    """The same figures as rows of (section, item, count), for a spreadsheet."""
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(["Section", "Item", "Count"])
    w.writerow(["Range", f"{format_date(summary_.start)} to {format_date(summary_.end)}", ""])
    for section, rows in csv_sections(summary_):
        for item, count in rows:
            w.writerow([section, item, count])
    for note in summary_.positive_practice:
        w.writerow(["Positive practice", f"{format_date(note.on)}: {note.text}", ""])
    return out.getvalue()


def csv_sections(s: Summary) -> list[tuple[str, list[tuple[str, int | str]]]]:
    """The figures grouped as the screen and the PDF show them."""
    return [
        ("Concerns raised by issue", [*s.by_issue, ("All concerns", s.raised)]),
        ("Furthest stage reached", list(s.by_stage)),
        ("Outcome", list(s.by_outcome)),
        (
            "Within 20 working days",
            [
                ("Resolved within 20 working days", s.within_20wd),
                ("Not resolved within 20 working days", s.beyond_20wd),
                ("Open, still within 20 working days", s.open_within_time),
            ],
        ),
        ("Cafcass", [("Referral considered", s.cafcass_considered), ("Referred", s.cafcass_referred)]),
        (
            "Reviews",
            [
                ("Held", s.reviews_held),
                ("Held on time", s.reviews_on_time),
                ("Held on time (%)", Summary.percent(s.reviews_on_time, s.reviews_held)),
            ],
        ),
        (
            "Reviews held on time by month",
            [(m.month, f"{m.on_time} on time, {m.late} late") for m in s.reviews_by_month],
        ),
        (
            "Spoken to alone before the review",
            [
                ("Spoken to alone", s.spoke_alone),
                ("Not spoken to alone", s.not_alone),
                ("Not recorded", s.alone_not_recorded),
            ],
        ),
        ("Participation", list(s.participation)),
        (
            "Decisions due in the range",
            [
                ("Due", s.decisions_due),
                ("Done by the date set", s.decisions_on_time),
                ("Done late", s.decisions_late),
                ("Not done yet or not done", s.decisions_outstanding),
            ],
        ),
        (
            "Review records issued",
            [
                ("Within 20 working days", s.records_issued_on_time),
                ("Late", s.records_issued_late),
                ("Not issued yet", s.records_not_issued),
            ],
        ),
    ]


def charts(s: Summary) -> tuple[Chart, ...]:
    """The three charts the screen and the PDF both draw."""
    outcomes = [name for name, _ in s.by_outcome]
    issues = s.issue_outcomes or (("No concerns", dict.fromkeys(outcomes, 0)),)
    return (
        Chart(
            "Reviews held on time, by month",
            tuple(m.month for m in s.reviews_by_month),
            (
                ("On time", tuple(m.on_time for m in s.reviews_by_month)),
                ("Late", tuple(m.late for m in s.reviews_by_month)),
            ),
        ),
        Chart(
            "Participation in reviews, by code",
            tuple(c for c, _ in s.participation),
            (("Reviews", tuple(n for _, n in s.participation)),),
        ),
        Chart(
            "Concerns by issue and outcome",
            tuple(label for label, _ in issues),
            tuple((o, tuple(counts[o] for _, counts in issues)) for o in outcomes),
            horizontal=True,
        ),
    )


def render_pdf(store: Store, s: Summary, today: date) -> bytes:
    range_text = f"{format_date(s.start)} to {format_date(s.end)}"
    content = ReportContent(
        head=letterhead(store, today, f"S-{s.start.isoformat()}-{s.end.isoformat()}"),
        title="Challenges and review figures",
        range_text=f"The IRO's figures for {range_text}, as recorded on {format_date(today)}.",
        sections=tuple(
            (heading, tuple((item, str(count)) for item, count in rows)) for heading, rows in csv_sections(s)
        ),
        charts=charts(s),
        notes_heading="Positive practice noted",
        notes=tuple(f"{format_date(n.on)}: {n.text}" for n in s.positive_practice),
    )
    return report_pdf.render(content)
