"""The in-app guide's pages: static HTML from resources/guide, plus two pages built from live facts so they
cannot go stale: the keyboard shortcuts (from the window's menus) and the timescales in force for this store.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, fields
from html import escape
from pathlib import Path

from iro_desktop.domain.timescales import TimescaleSettings
from iro_desktop.paths import resources_dir

WD = "working days"


@dataclass(frozen=True)
class Page:
    title: str
    html: str


@dataclass(frozen=True)
class Timescale:
    field: str
    what: str
    unit: str
    source: str


# Sources as docs/RULES.md gives them; "not confirmed" where it says so.
TIMESCALES = (
    Timescale(
        "first_review_working_days",
        "First review after a child becomes looked after",
        WD,
        "Care Planning Regulations 2010 reg 33(1)",
    ),
    Timescale("second_review_months", "Second review, after the first", "months", "reg 33(2)"),
    Timescale("subsequent_review_months", "Each later review, after the one before", "months", "reg 33(2)"),
    Timescale(
        "short_break_first_review_months",
        "Short breaks: first review, after the first short break",
        "months",
        "reg 48 (review wording not confirmed)",
    ),
    Timescale("short_break_subsequent_months", "Short breaks: each later review", "months", "reg 48"),
    Timescale(
        "short_break_series_gap_months",
        "Short breaks: a series ends after a gap of more than",
        "months",
        "reg 48 (not confirmed); read at each 903 import",
    ),
    Timescale(
        "adoption_authorised_first_months",
        "Adoption, authorised but not placed: first review",
        "months",
        "Adoption Agencies Regulations 2005 reg 36(1)",
    ),
    Timescale(
        "adoption_placed_first_weeks",
        "Placed for adoption: first review, after placement",
        "weeks",
        "Adoption Agencies Regulations 2005 reg 36(3)",
    ),
    Timescale(
        "adoption_placed_second_months",
        "Placed for adoption: second review",
        "months",
        "Adoption Agencies Regulations 2005 reg 36(3)",
    ),
    Timescale(
        "adoption_subsequent_months",
        "Adoption: each later review",
        "months",
        "Adoption Agencies Regulations 2005 reg 36",
    ),
    Timescale(
        "adjournment_max_wd", "Adjourning a review (once only), for at most", WD, "reg 36(2) (not confirmed)"
    ),
    Timescale(
        "decisions_circulation_wd",
        "Review decisions circulated, after the review",
        WD,
        "practice guidance (Handbook figure not confirmed)",
    ),
    Timescale("record_completion_wd", "Full review record completed", WD, "practice guidance"),
    Timescale(
        "record_distribution_wd", "Review record with everyone who receives it", WD, "practice guidance"
    ),
    Timescale(
        "objection_window_wd",
        "Time for the council to object before decisions stand",
        WD,
        "not found in the sources checked",
    ),
    Timescale("care_plan_update_wd", "Care plan updated, after the review", WD, "local practice"),
    Timescale("drp_stage_response_wd", "Dispute resolution: response to each stage", WD, "local practice"),
    Timescale("drp_total_wd", "Dispute resolution: the whole formal process", WD, "IRO Handbook 6.2"),
    Timescale("due_soon_wd", "Caseload: 'due soon' when the review is within", WD, "app setting"),
    Timescale("due_later_wd", "Caseload: 'due later' when the review is within", WD, "app setting"),
    Timescale(
        "caseload_min",
        "Caseload guide for a full-time IRO: at least",
        "children",
        "IRO Handbook 2010, as reported by BASW",
    ),
    Timescale(
        "caseload_max",
        "Caseload guide for a full-time IRO: at most",
        "children",
        "IRO Handbook 2010, as reported by BASW",
    ),
    Timescale(
        "full_time_hours",
        "Full-time hours, for sharing the caseload guide pro rata",
        "hours a week",
        "app setting",
    ),
)

WHERE_TO_CHANGE = (
    "<p><b>Where they can be changed.</b> These figures are settings kept inside your encrypted store, "
    "so they can differ from one council to another without a new version of the app. Change them in "
    "<b>Tools &gt; Settings</b> (Ctrl+,) on the Review timescales tab, or with the command "
    "<code>iro-desktop settings</code> (<code>--set timescales.drp_total_wd=15</code>, for example). "
    "The figures marked &ldquo;default&rdquo; are the ones in the regulations and guidance, and "
    "<b>Restore the statutory defaults</b> puts every one back. Change a figure only when your council "
    "works to a different local one; if unsure, ask your IRO service manager. Each change is noted in the "
    "audit trail.</p>"
)


def _number(value: float) -> str:
    return f"{value:g}"


def timescales_page(settings: TimescaleSettings, source: str) -> Page:
    """The table of timescales the app applies, with the values `settings` holds; `source` says whose."""
    defaults = TimescaleSettings()
    known = {f.name for f in fields(TimescaleSettings)}
    rows = []
    for t in TIMESCALES:
        assert t.field in known, t.field  # a renamed setting must not silently drop out of the guide
        value, default = getattr(settings, t.field), getattr(defaults, t.field)
        note = "default" if value == default else f"changed (default {_number(default)})"
        rows.append(
            f"<tr><td>{escape(t.what)}</td><td align='right'><b>{_number(value)}</b> {escape(t.unit)}</td>"
            f"<td>{note}</td><td>{escape(t.source)}</td></tr>"
        )
    html = (
        "<h1>Timescales</h1>"
        f"<p>The app works out due dates and deadlines with these figures. {escape(source)}</p>"
        "<p>Working days are Monday to Friday, not counting bank holidays in England and Wales or the "
        "council closure days listed in Tools &gt; Settings, where a bank holiday your council works can "
        "also be counted as a working day. A review "
        "held late restarts the cycle from the day it was held. An early review (reg 33(3)) can only "
        "bring a due date forward.</p>"
        "<table border='1' cellspacing='0' cellpadding='4'>"
        "<tr><th>What</th><th>Within</th><th>This store</th><th>Source</th></tr>"
        + "".join(rows)
        + "</table>"
        + WHERE_TO_CHANGE
    )
    return Page("Timescales", html)


# Keys that work inside a review's minute rather than from a menu: (keys, what they do).
MINUTE_KEYS = (
    ("Ctrl+Shift+D", "Go to the Decisions form, from anywhere in the review, ready to type"),
    ("Ctrl+Shift+W", "Go to the child's words form, from anywhere in the review, ready to type"),
    ("Enter", "Add, in the decision, child's words, person, part and invitee forms; back to the first field"),
    ("Shift+Enter", "A new line in the child's words"),
    ("P, A, S, I", "In the attendance list: present, absent, sent views, back to invited; then the next one"),
    ("Space", "In the attendance list: open the chosen person's choices"),
    ("Ctrl+PgDn, Ctrl+PgUp", "The next or previous section (also Alt+Down, Alt+Up)"),
    ("Ctrl+Shift+P", "Insert a saved phrase"),
    ("Delete", "In a list of decisions, words, parts or people: remove the chosen one, after a question"),
    ("Tab, Shift+Tab", "The next or previous control; a list or a text is left with one Tab"),
    ("Ctrl+D", "The review's documents"),
    ("Ctrl+P", "On the Prepare tab: print the agenda"),
)


def shortcuts_page(rows: Iterable[tuple[str, str, str]]) -> Page:
    """rows: (menu, command, shortcut), taken from the window's own menus; then the keys for minuting."""
    body = "".join(
        f"<tr><td><b>{escape(keys)}</b></td><td>{escape(command)}</td><td>{escape(menu)}</td></tr>"
        for menu, command, keys in rows
    )
    minuting = "".join(
        f"<tr><td><b>{escape(keys)}</b></td><td>{escape(what)}</td></tr>" for keys, what in MINUTE_KEYS
    )
    html = (
        "<h1>Keyboard shortcuts</h1>"
        "<p>Every command is also in the menus: press Alt and the underlined letter to open a menu.</p>"
        "<table border='1' cellspacing='0' cellpadding='4'>"
        f"<tr><th>Keys</th><th>Command</th><th>Menu</th></tr>{body}</table>"
        "<h2>While minuting a review</h2>"
        "<p>Alt and an underlined letter goes to that field or tab; the letters differ on each tab.</p>"
        "<table border='1' cellspacing='0' cellpadding='4'>"
        f"<tr><th>Keys</th><th>What they do</th></tr>{minuting}</table>"
    )
    return Page("Keyboard shortcuts", html)


def _title(html: str, fallback: str) -> str:
    match = re.search(r"<h1>(.*?)</h1>", html, re.IGNORECASE | re.DOTALL)
    return re.sub(r"<[^>]+>", "", match.group(1)).strip() if match else fallback


def static_pages(folder: Path | None = None) -> list[Page]:
    """The written pages, in file-name order (01-..., 02-...), each titled by its <h1>."""
    folder = folder or resources_dir() / "guide"
    pages = []
    for path in sorted(folder.glob("*.html")):
        html = path.read_text(encoding="utf-8")
        pages.append(Page(_title(html, path.stem), html))
    return pages
