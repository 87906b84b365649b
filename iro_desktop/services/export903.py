"""Giving the council's data team the IRO's reviews in the SSDA903 format, right first time.

reviews.csv has exactly CHILD,DOB,REVIEW,REVIEW_CODE: one row per review held in the collection year
(1 April to 31 March) that passes the same checks as entry (services.reviews_check), so never a row for
a child whose episodes in the year are all short breaks, or who has no episode in the year. With the header
and episodes, the folder describes the year on its own and the council's validator can be run on it.
Every file is written atomically, and a folder that is not empty is only written into when the IRO says so.

Nothing is dropped without a word: every review held in the exported year(s) is either a row of reviews.csv
or in the report with the reason it was left out, and the whole report can be saved as CSV. The header and
episode fields the app does not hold on purpose (docs/RULES.md X3, data minimisation) are left blank, and the
report says which and why.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from iro_desktop.domain.calendar import format_date
from iro_desktop.interop import ssda903
from iro_desktop.private_files import private_dir, write_private
from iro_desktop.problems import Problem
from iro_desktop.services.reviews_check import review_entry_findings
from iro_desktop.store import Store, audit
from iro_desktop.store.models import Child, Episode, PeriodOfCare

FIRST_YEAR, LAST_YEAR = 2000, 2100  # collection years the export accepts
REPORT_COLUMNS = ("CHILD", "review_date", "outcome", "reason")
EXPORTED, LEFT_OUT, NOTE = "exported", "left out", "note"

# Fields of header.csv and episodes.csv the app does not hold, on purpose (docs/RULES.md X3): written blank.
BLANK_FIELDS = {"header.csv": ("MOTHER", "MC_DOB"), "episodes.csv": ("HOME_POST", "URN")}
# The council's validator (lac2022_23) flags those blanks in rules 218 (URN required for the placement),
# 392b (both postcodes recorded: PL_POST is written, HOME_POST is not) and 393 (MOTHER for a girl in care).
BLANK_FIELDS_NOTE = (
    "Left blank on purpose: MOTHER (whether the child is a mother) and MC_DOB (her child's date of birth) in "
    "header.csv, HOME_POST (the child's home postcode) and URN (the placement's Ofsted number) in "
    "episodes.csv. The app does not hold them: it keeps only what the IRO's reviews need (data "
    "minimisation). Your council's data team fills them in from their own system before the return is "
    "sent; until then the council's validator flags them (rules 218, 392b and 393)."
)


class ExportProblem(Problem):
    """The export cannot be written as asked: a plain sentence; nothing was written."""


@dataclass(frozen=True)
class CollectionYear:
    """A 903 collection year, named by the year it ends in: 2027 is 1 Apr 2026 to 31 Mar 2027."""

    end_year: int

    @classmethod
    def containing(cls, day: date) -> CollectionYear:
        return cls(day.year + 1 if day.month >= 4 else day.year)

    @property
    def start(self) -> date:
        return date(self.end_year - 1, 4, 1)

    @property
    def end(self) -> date:
        return date(self.end_year, 3, 31)

    @property
    def name(self) -> str:
        return f"{self.end_year - 1}-{self.end_year % 100:02d}"

    @property
    def label(self) -> str:
        return f"{self.name} ({format_date(self.start)} to {format_date(self.end)})"

    def holds(self, day: date) -> bool:
        return self.start <= day <= self.end

    def overlaps(self, start: date, end: date | None) -> bool:
        return start <= self.end and (end is None or end >= self.start)


@dataclass(frozen=True)
class HeldReview:
    """A review held in the exported year(s), as the report lists it: exported, or left out and why."""

    child: str
    held: date
    reason: str | None = None  # why it was left out; None when it is a row of reviews.csv

    @property
    def exported(self) -> bool:
        return self.reason is None

    @property
    def line(self) -> str:
        return f"CHILD {self.child}, review on {format_date(self.held)}: {self.reason}"

    def csv_row(self) -> tuple[str, str, str, str]:
        return (self.child, self.held.isoformat(), EXPORTED if self.exported else LEFT_OUT, self.reason or "")


@dataclass
class Tables:
    """The rows of each 903 table, as text, in file order, and every held review in the year(s)."""

    reviews: list[tuple[str, ...]] = field(default_factory=list)
    header: list[tuple[str, ...]] = field(default_factory=list)
    episodes: list[tuple[str, ...]] = field(default_factory=list)
    held: list[HeldReview] = field(default_factory=list)  # by child, then date: exported or left out

    @property
    def left_out(self) -> list[HeldReview]:
        """Held reviews not written, each with the reason."""
        return [h for h in self.held if not h.exported]


@dataclass
class ExportResult:
    folder: Path
    year: CollectionYear | None
    files: list[str]
    tables: Tables
    notes: list[str] = field(default_factory=list)

    @property
    def written(self) -> str:
        span = f"collection year {self.year.label}" if self.year else "all years"
        return f"Wrote {', '.join(self.files)} to {self.folder} for {span}."

    def summary_lines(self, max_listed: int | None = None) -> list[str]:
        """What was written; every held review left out and why (the first max_listed of them, if given)."""
        lines = [self.written, f"Reviews: {len(self.tables.reviews)} rows"]
        if "header.csv" in self.files:
            lines.append(
                f"Header: {len(self.tables.header)} children; episodes: {len(self.tables.episodes)} rows"
            )
        left_out = self.tables.left_out
        if left_out:
            lines.append(f"Held reviews not exported: {len(left_out)}")
            listed = left_out[:max_listed]
            lines += [f"  {held.line}" for held in listed]
            if len(listed) < len(left_out):
                lines.append(f"  and {len(left_out) - len(listed)} more")
        return lines + [f"Note: {n}" for n in self.notes]

    def report_rows(self) -> list[tuple[str, ...]]:
        """The whole report as CSV rows: what was written and the notes, then one row per held review."""
        notes = [self.written, *self.notes]
        return [("", "", NOTE, note) for note in notes] + [h.csv_row() for h in self.tables.held]

    def report_csv(self) -> bytes:
        out = io.StringIO(newline="")
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(REPORT_COLUMNS)
        writer.writerows(self.report_rows())
        return out.getvalue().encode("utf-8")

    def save_report(self, path: Path) -> None:
        """Write the report as CSV, owner-only and whole (an earlier file is replaced, never half-written)."""
        write_private(Path(path), self.report_csv())


def export_903(
    store: Store,
    outdir: Path,
    year: CollectionYear | None,
    with_header_episodes: bool = False,
    force: bool = False,
) -> ExportResult:
    """Write reviews.csv (and header.csv, episodes.csv) for a collection year, or all years when None."""
    folder = _ready_folder(Path(outdir), force)
    tables = build_tables(_load_children(store), year)
    files = {"reviews": tables.reviews}
    if with_header_episodes:
        files.update(header=tables.header, episodes=tables.episodes)
    notes = _stale_files_note(folder, files) + ([BLANK_FIELDS_NOTE] if with_header_episodes else [])
    for table, rows in files.items():
        write_private(folder / ssda903.FILE_NAMES[table], ssda903.table_bytes(ssda903.COLUMNS[table], rows))
    audit.record(
        store,
        "export",
        detail=f"903 {', '.join(ssda903.FILE_NAMES[t] for t in files)}, {len(tables.reviews)} reviews",
    )
    return ExportResult(folder, year, [ssda903.FILE_NAMES[t] for t in files], tables, notes)


def _ready_folder(folder: Path, force: bool) -> Path:
    if folder.exists() and not folder.is_dir():
        raise ExportProblem(f"{folder} is a file, not a folder; choose a folder for the 903 files.")
    if folder.exists() and any(folder.iterdir()) and not force:
        raise ExportProblem(
            f"{folder} is not empty, and nothing in it was changed. Choose an empty folder, "
            "or say to replace the 903 files in it (--force)."
        )
    try:
        private_dir(folder)  # 0700 if made here; a folder the IRO chose is left as it is
    except OSError as exc:
        raise ExportProblem(f"Cannot make the folder {folder}: {exc.strerror}.") from exc
    return folder


def _stale_files_note(folder: Path, written: Iterable[str]) -> list[str]:
    stale = [n for t, n in ssda903.FILE_NAMES.items() if t not in written and (folder / n).exists()]
    if not stale:
        return []
    return [
        f"{' and '.join(stale)} already in the folder were left as they were; they may not match reviews.csv."
    ]


def _load_children(store: Store) -> list[Child]:
    with store.reading() as s:
        query = (
            select(Child)
            .order_by(Child.child_ref)
            .options(
                selectinload(Child.periods).selectinload(PeriodOfCare.episodes), selectinload(Child.reviews)
            )
        )
        return list(s.scalars(query))


# ---------------------------------------------------------------- the rows (no I/O below)


def build_tables(children: Iterable[Child], year: CollectionYear | None) -> Tables:
    tables = Tables()
    for child in children:
        episodes = [
            e
            for p in child.periods
            for e in p.episodes
            if year is None or year.overlaps(e.start_date, e.end_date)
        ]
        _add_reviews(tables, child, episodes, year)
        if episodes:
            tables.header.append(_header_row(child))
            tables.episodes += [_episode_row(child, e) for e in sorted(episodes, key=lambda e: e.start_date)]
    return tables


def _add_reviews(tables: Tables, child: Child, episodes: list[Episode], year: CollectionYear | None) -> None:
    held = sorted((r for r in child.reviews if r.held_date is not None), key=lambda r: r.held_date)
    for review in held:
        if year is not None and not year.holds(review.held_date):
            continue
        why = _not_exportable(child, review.held_date, review.participation_code, episodes, year)
        tables.held.append(HeldReview(child.child_ref, review.held_date, why))
        if why is None:
            dob, day = ssda903.format_date(child.dob), ssda903.format_date(review.held_date)
            tables.reviews.append((child.child_ref, dob, day, review.participation_code))


def _not_exportable(child: Child, held: date, code: str | None, episodes: list[Episode], year) -> str | None:
    if not code:
        return (
            "no participation code (PN0-PN7) has been recorded yet: give it one to export it (in the "
            "minutes, or for a review from the 903 data with Set participation code... on the child's page)."
        )
    problems = review_entry_findings(child, held, code, episodes)
    if not problems:
        return None
    if problems[0].rule == "1012" and year is not None:
        return f"the child has no episode in collection year {year.label} (903 rule 1012)."
    return " ".join(p.message for p in problems)


def _header_row(child: Child) -> tuple[str, ...]:
    fmt = ssda903.format_date  # MOTHER and MC_DOB blank: BLANK_FIELDS
    return (child.child_ref, child.sex or "", fmt(child.dob), child.ethnicity or "", child.upn or "", "", "")


def _episode_row(child: Child, e: Episode) -> tuple[str, ...]:
    fmt = ssda903.format_date  # HOME_POST and URN blank: BLANK_FIELDS
    return (
        child.child_ref, fmt(e.start_date), e.reason_new, e.legal_status, e.category_of_need or "",
        e.placement_type, e.placement_provider or "", fmt(e.end_date), e.end_reason or "",
        e.reason_place_change or "", "", e.placement_postcode or "", "",
    )  # fmt: skip
