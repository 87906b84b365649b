"""Loading the IRO's caseload from the council's SSDA903 extract: a folder of CSV files or the XML form.

The whole import is one transaction: interrupted, it leaves the store as it was. Importing the same files
again changes nothing; next month's extract updates what changed and adds what is new. Only the 903's own
facts are written (date of birth, sex, ethnicity, UPN, episodes, periods of care, reviews with source
"903"): what the IRO recorded in the app (reviews with source "app", names, people, decisions, wishes,
challenges, review-cycle settings) is never touched, and nothing is ever deleted but an empty period.

A review row is taken only if the app would accept it at entry (services.reviews_check), so the store
never holds a review the export would have to leave out; a review dated after the import day is refused, as
it cannot have been held yet. The report lists each row once, with all its problems.

The rules are applied here; loading the stored rows and writing what changed is services/import903_write.
"""

from __future__ import annotations

import csv
import io
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from sqlalchemy import Connection

from iro_desktop.domain.calendar import format_date
from iro_desktop.domain.periods import CONTINUES, group_periods, inferred_boundaries
from iro_desktop.domain.review_states import AHEAD, ReviewState, state_of
from iro_desktop.interop import ssda903
from iro_desktop.interop.ssda903 import EpisodeRow, HeaderRow, Issue, RawRow, ReviewRow, Where
from iro_desktop.private_files import write_private
from iro_desktop.problems import Problem
from iro_desktop.services import import903_write as stored_rows
from iro_desktop.services.import903_write import Ids, StoredChild, StoredEpisode, StoredPeriod, StoredReview
from iro_desktop.services.review_life import move
from iro_desktop.services.reviews_check import review_entry_findings
from iro_desktop.services.settings import timescale_settings
from iro_desktop.store import Store, audit

IMPORTED = "903"  # Review.source of reviews that came from the council's data
NEW_CHILD_FIRST_NAME = "Child"  # the 903 holds no names: "Child 123456" until the IRO names them
BATCH = 500  # children loaded, worked out and written together: few queries, little held at once
PART = 8 * BATCH  # more children than this, and their episodes and reviews are read again part by part
PARSERS = ssda903.PARSERS
RULE_KINDS = {
    "1012": "child has no episodes (903 rule 1012)",
    "399": "child's episodes are all short breaks (903 rule 399)",
    "440": "PN0 for a child aged 4 or over (903 rule 440)",
    "441": "PN1-PN7 for a child under 4 (903 rule 441)",
    "167": "REVIEW_CODE not PN0-PN7",
    "": "review before the child's date of birth",
}
# Said of the data rather than of an IRO typing a review: what the council's records show.
CHILD_RULE_REASONS = {
    "1012": "CHILD {child} has no episodes in the files or your caseload, so the review fits no period",
    "399": "CHILD {child}'s episodes are all short breaks (LS V3/V4): the 903 holds no reviews for them",
}
AGE_CODE_RULES = {"440", "441"}  # the review was held; only its participation code is wrong
CODE_LEFT_OUT = " The review was taken without its code: record the right one in the app."
FUTURE_KIND = "review dated after today"
REPORT_COLUMNS = ("file", "row", "column", "value", "outcome", "reason")  # one line per row; "; " between
REFUSED, LEFT_OUT = "row refused", "value left out, row taken"

Progress = Callable[[int, int], None]  # (steps done, steps in all); may raise ImportCancelled


class ImportProblem(Problem):
    """The import cannot start (unreadable files, a column that is not there): a plain sentence."""


class ImportCancelled(Exception):
    """Raised by a progress callback to stop the import; the store is left as it was."""


@dataclass(frozen=True)
class Selection:
    """Which children in the extract are the IRO's: all, a list of ids, or rows carrying their name."""

    child_ids: frozenset[str] | None = None
    iro_name: str | None = None
    iro_column: str = "IRO"

    @classmethod
    def of_ids(cls, ids: Iterable[str]) -> Selection:
        return cls(child_ids=frozenset(i.strip() for i in ids if i.strip()))

    @classmethod
    def by_iro(cls, name: str, column: str = "IRO") -> Selection:
        return cls(iro_name=name.strip(), iro_column=column.strip().upper())

    def describe(self) -> str:
        if self.child_ids is not None:
            return f"the {len(self.child_ids)} children listed"
        if self.iro_name:
            return f"the children whose rows carry {self.iro_name!r} in the {self.iro_column} column"
        return "all children"


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0

    def text(self) -> str:
        parts = [f"{self.created} created", f"{self.updated} updated", f"{self.unchanged} unchanged"]
        return ", ".join(parts + ([f"{self.removed} removed"] if self.removed else []))


@dataclass(frozen=True, slots=True)
class ReportRow:
    """One row of the extract with every problem found in it: refused when any of them refused it.

    A problem that does not refuse a row (a value left out) says nothing of its own outcome on a refused row.
    """

    where: Where
    issues: tuple[Issue, ...]

    @property
    def refused(self) -> bool:
        return any(i.refused for i in self.issues)

    @property
    def kinds(self) -> list[str]:
        """What the summary counts this row under: why it was refused, else which values were left out."""
        counted = [i for i in self.issues if i.refused] if self.refused else self.issues
        return list(dict.fromkeys(i.kind for i in counted))

    def csv(self) -> tuple[str, ...]:
        place = str(self.where.row) if self.where.row is not None else self.where.element or ""
        pairs = list(dict.fromkeys((i.column, i.value) for i in self.issues))
        reasons = " ".join(dict.fromkeys(i.reason for i in self.issues))
        outcome = REFUSED if self.refused else LEFT_OUT
        columns, values = _joined(c for c, _ in pairs), _joined(v for _, v in pairs)
        return (self.where.file, place, columns, values, outcome, reasons)


def _joined(texts: Iterable[str]) -> str:
    return "; ".join(texts)


@dataclass
class ImportReport:
    source: Path
    selection: Selection
    today: date | None = None  # the import day: a review dated after it cannot have been held
    children: Counts = field(default_factory=Counts)
    periods: Counts = field(default_factory=Counts)
    episodes: Counts = field(default_factory=Counts)
    reviews: Counts = field(default_factory=Counts)
    reviews_in_app: int = 0  # the IRO already recorded a review that day in the app: theirs is kept
    other_children_rows: int = 0  # rows of children the IRO did not choose
    issues: list[Issue] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    _grouped: tuple = field(default=(None, 0, []), repr=False, compare=False)  # issues seen, and their rows
    _said: dict[str, str] = field(default_factory=dict, repr=False, compare=False)  # each sentence, once

    def shared(self, issues: Iterable[Issue]) -> list[Issue]:
        """The issues holding one copy of each thing said: a child's reviews refused for one reason, or every
        REC given without a DEC, share one sentence instead of a copy each."""
        return [self._shared(i) for i in issues]

    def _shared(self, i: Issue) -> Issue:
        said = self._said
        texts = (i.column, i.value, i.reason, i.kind, i.if_row_refused)
        kept = [said.setdefault(t, t) if t else t for t in texts]
        if all(k is t for k, t in zip(kept, texts, strict=True)):
            return i  # the first to say these things keeps them
        column, value, reason, kind, if_row_refused = kept
        return Issue(i.where, column, value, reason, kind, i.refused, if_row_refused)

    def rows(self) -> list[ReportRow]:
        """Each row with a problem, once, with all its problems: in file order (XML places as read)."""
        seen, count, rows = self._grouped
        if seen is self.issues and count == len(self.issues):
            return rows  # the counts and the CSV all ask: group once until the issues change
        grouped: dict[Where, list[Issue]] = {}
        for issue in self.issues:
            grouped.setdefault(issue.where, []).append(issue)
        rows = sorted(
            (ReportRow(where, tuple(issues)) for where, issues in grouped.items()),
            key=lambda r: (r.where.file, r.where.row or 0),
        )
        self._grouped = (self.issues, len(self.issues), rows)
        return rows

    @property
    def refused(self) -> list[Issue]:
        """The reasons rows were not taken (a row refused for two reasons gives two)."""
        return [i for r in self.rows() if r.refused for i in r.issues if i.refused]

    @property
    def left_out(self) -> list[Issue]:
        """The values left out of rows that were taken (a value's problem on a refused row is in neither)."""
        return [i for r in self.rows() if not r.refused for i in r.issues]

    @property
    def rows_refused(self) -> int:
        """Rows not taken: a row refused for two reasons is one row."""
        return len({i.where for i in self.issues if i.refused})  # counted without grouping every row

    @property
    def rows_left_out(self) -> int:
        """Rows taken with a value left out: a refused row is never counted here."""
        return sum(not r.refused for r in self.rows())

    def by_kind(self, refused: bool = True) -> list[tuple[str, int]]:
        """Rows refused (or taken with a value left out) by kind: a row of two kinds counts under each."""
        counts = Counter(kind for r in self.rows() if r.refused == refused for kind in r.kinds)
        return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))

    def summary_lines(self) -> list[str]:
        lines = [
            f"Imported {self.source.name} for {self.selection.describe()}.",
            f"Children: {self.children.text()}",
            f"Periods of care: {self.periods.text()}",
            f"Episodes: {self.episodes.text()}",
            f"Reviews: {self.reviews.text()}"
            + (f", {self.reviews_in_app} already recorded in the app (kept)" if self.reviews_in_app else ""),
        ]
        if self.other_children_rows:
            lines.append(f"Rows for other children, not imported: {self.other_children_rows}")
        rows = self.rows()
        several = any(len(r.kinds) > 1 for r in rows if r.refused)
        lines.append(
            f"Rows refused: {self.rows_refused}" + (", some for more than one reason" if several else "")
        )
        lines += [f"  {n:>6}  {kind}" for kind, n in self.by_kind(refused=True)]
        if self.rows_left_out:
            several = any(len(r.kinds) > 1 for r in rows if not r.refused)
            lines.append(
                f"Rows taken with a value left out: {self.rows_left_out}"
                + (", some with more than one" if several else "")
            )
            lines += [f"  {n:>6}  {kind}" for kind, n in self.by_kind(refused=False)]
        lines += [f"Note: {note}" for note in self.notes]
        return lines

    def csv_rows(self) -> list[tuple[str, ...]]:
        """The notes, then one line per row with a problem: its columns and values, outcome and reasons."""
        return [("", "", "", "", "note", note) for note in self.notes] + [r.csv() for r in self.rows()]

    def save_csv(self, path: Path) -> None:
        out = io.StringIO(newline="")
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(REPORT_COLUMNS)
        writer.writerows(self.csv_rows())
        write_private(Path(path), out.getvalue().encode("utf-8"))


@dataclass(slots=True)
class _ChildRows:
    """One child's rows from the extract, checked for format, before the store is consulted.

    Of a large extract (more than PART children) only the header is held until the child's part is written.
    """

    ref: str
    header: HeaderRow | None = None
    header_refused_at: Where | None = None
    episodes: list[EpisodeRow] | tuple = ()  # a list once there is one: most children held have none yet
    reviews: list[ReviewRow] | tuple = ()


# ---------------------------------------------------------------- the import


def import_903(
    store: Store, source: Path, selection: Selection = Selection(), progress: Progress | None = None
) -> ImportReport:
    """Read, check and write in one transaction; the report lists every row not taken and why."""
    source = Path(source)
    try:
        extract = ssda903.read_extract(source)
    except ssda903.ExtractError as exc:
        raise ImportProblem(str(exc)) from exc
    report = ImportReport(source, selection, today=store.clock.today(), notes=list(extract.notes))
    by_child = checked_rows(extract, report)
    gap_months = timescale_settings(store).short_break_series_gap_months  # read before the write begins
    with store.session() as s:
        write_rows(s.connection(), extract, by_child, report, gap_months, progress)
    audit.record(
        store,
        "import",
        detail=f"{source.name}: {report.children.created} children created, "
        f"{report.children.updated} updated, {report.rows_refused} rows refused",
    )
    return report


def checked_rows(extract: ssda903.Extract, report: ImportReport) -> dict[str, _ChildRows]:
    """The chosen children's rows, each checked for format: the first half of an import (of a file, or of
    a child's rows from the council's feed), before the store is consulted."""
    chosen = choose_children(extract, report.selection, report)
    by_child = _check_rows(extract, chosen, report)
    _note_missing(report.selection, by_child, report)
    _note_extra_columns(extract, report)
    return by_child


def write_rows(
    conn: Connection,
    extract: ssda903.Extract,
    by_child: dict[str, _ChildRows],
    report: ImportReport,
    gap_months: int,
    progress: Progress | None = None,
    ids: Ids | None = None,
) -> None:
    """The second half, in the caller's transaction: the rows applied to the store by the import's rules.
    `ids` carries the next ids over from an earlier call in the same transaction (the council's feed)."""
    _write(conn, extract, by_child, report, progress or (lambda done, total: None), gap_months, ids)
    report.issues = _said_of_refused_rows(report.issues)
    report._said.clear()  # the sentences stay with their issues; only the index of them goes


def _write(
    conn: Connection,
    extract: ssda903.Extract,
    by_child: dict[str, _ChildRows],
    report: ImportReport,
    progress: Progress,
    gap_months: int,
    ids: Ids | None = None,
) -> None:
    """Each batch of children, in id order: their episodes and periods, then their reviews, then one write
    of the lot. A large extract's episodes and reviews are read again for each part before its batches.

    Each child's rows are dropped once written; what is said of reviews is listed after all the episodes.
    """
    refs = sorted(by_child)
    total, done = 2 * len(refs) + 1, 0
    ids = ids or Ids(conn)
    said_of_reviews: list[Issue] = []
    for start in range(0, len(refs), BATCH):
        if len(refs) > PART and start % PART == 0:
            _read_again(extract, by_child, set(refs[start : start + PART]))
        batch = refs[start : start + BATCH]
        stored = stored_rows.load(conn, batch)
        placed: dict[str, tuple[StoredChild, list[StoredEpisode], bool]] = {}
        for ref in batch:
            child, changed = _apply_child(by_child[ref], stored.get(ref), report, ids)
            if child is not None:
                before = _tally(report)
                episodes = _apply_episodes(child, by_child[ref].episodes, report, gap_months, ids)
                placed[ref] = (child, episodes, changed or _tally(report) != before)
            done += 1
            progress(done, total)
        removed: list[int] = []
        for ref in batch:
            rows = by_child.pop(ref)
            if ref in placed:
                child, episodes, changed = placed[ref]
                before = _tally(report)
                said_of_reviews += _apply_reviews(child, episodes, rows.reviews, report, ids)
                _cancel_reviews_after_care_ended(child)
                removed += _remove_empty_periods(child, report)
                _count(report.children, ref not in stored, changed or _tally(report) != before)
            done += 1
            progress(done, total)
        stored_rows.write(conn, (child for child, _, _ in placed.values()), removed)
    report.issues += said_of_reviews
    progress(total, total)


def _tally(report: ImportReport) -> tuple[int, ...]:
    """Everything written so far: a child whose tally moves while it is imported has changed."""
    counts = (report.periods, report.episodes, report.reviews)
    return tuple(n for c in counts for n in (c.created, c.updated, c.removed))


def _assign(obj, values: dict) -> bool:
    """Set only the values that differ, so a repeated import writes nothing; True if any did."""
    changed = False
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed = True
    return changed


# ---------------------------------------------------------------- choosing children and checking rows


def _all_rows(extract: ssda903.Extract) -> Iterator[RawRow]:
    return (raw for table in extract.readers for raw in extract.each(table))


def choose_children(extract: ssda903.Extract, selection: Selection, report: ImportReport) -> set[str] | None:
    """The ids of the children to import, None for all: only a choice by name reads the rows for it."""
    if selection.child_ids is not None:
        return set(selection.child_ids)
    if selection.iro_name:
        return _children_by_iro(extract, selection, report)
    return None


def _note_missing(selection: Selection, by_child: dict[str, _ChildRows], report: ImportReport) -> None:
    missing = sorted((selection.child_ids or set()) - set(by_child))
    if missing:
        report.notes.append(f"Not in the files, so not imported: {', '.join(missing)}.")


def _normal(name: str) -> str:
    return " ".join(name.split()).casefold()


def _children_by_iro(extract: ssda903.Extract, selection: Selection, report: ImportReport) -> set[str]:
    column, wanted = selection.iro_column, _normal(selection.iro_name or "")
    chosen, names, found = set(), set(), False
    for raw in _all_rows(extract):
        if column in raw.values:
            found = True
            names.add(raw.get(column))
            if _normal(raw.get(column)) == wanted:
                chosen.add(raw.get("CHILD"))
    if not found:
        raise ImportProblem(
            f"None of the files has the column {column}, so children cannot be chosen by name. "
            "Choose them by id, or import all."
        )
    chosen -= {""}
    if not chosen:
        names = sorted(names - {""})
        shown = ", ".join(names[:10]) + (", ..." if len(names) > 10 else "")
        report.notes.append(
            f"No row carries {selection.iro_name!r} in the {column} column. Names there: {shown}."
        )
    return chosen


def _check_rows(
    extract: ssda903.Extract, chosen: set[str] | None, report: ImportReport
) -> dict[str, _ChildRows]:
    """Every row of the chosen children checked, read one at a time: only the checked values are kept, and
    of more than PART children only their headers (their episodes and reviews are read again, in parts)."""
    by_child: dict[str, _ChildRows] = {}
    for table, parse in PARSERS.items():
        for raw in extract.each(table):
            ref = raw.get("CHILD")
            if ref and chosen is not None and ref not in chosen:
                report.other_children_rows += 1
                continue
            record, issues = parse(raw)
            issues += _future_review(raw, report.today) if table == "reviews" else []
            report.issues += report.shared(issues)
            if not ref:
                continue
            rows = by_child.get(ref)
            if rows is None:
                rows = by_child[ref] = _ChildRows(ref)
                if len(by_child) == PART + 1:
                    _let_go(by_child.values())
            if table == "header" or len(by_child) <= PART:
                _file(rows, table, record, raw.where, report)
    return by_child


def _let_go(children: Iterable[_ChildRows]) -> None:
    """Too many children to hold all their rows: keep the headers, read the rest again part by part."""
    for rows in children:
        rows.episodes = rows.reviews = ()


def _read_again(extract: ssda903.Extract, by_child: dict[str, _ChildRows], part: set[str]) -> None:
    """These children's episodes and reviews, checked again (what is wrong with them was said already)."""
    for table in ("episodes", "reviews"):
        for raw in extract.each(table, part):
            record, _ = PARSERS[table](raw)
            _file(by_child[raw.get("CHILD")], table, record, raw.where, None)


def _future_review(raw: RawRow, today: date | None) -> list[Issue]:
    """A review dated after the import day cannot have been held yet: its row is refused, whatever else."""
    held = ssda903.parse_date(raw.get("REVIEW"))
    if held is None or not _after(held, today):
        return []
    why = (
        f"The review is dated {format_date(held)}, after today ({format_date(today)}): "
        "a review cannot have been held yet. The row was not taken."
    )
    return [Issue(raw.where, "REVIEW", raw.get("REVIEW"), why, FUTURE_KIND)]


def _after(day: date, today: date | None) -> bool:
    return today is not None and day > today


def _said_of_refused_rows(issues: list[Issue]) -> list[Issue]:
    """A value's problem on a row refused for another reason is still listed, but never as left out of a
    row that was taken."""
    refused = {i.where for i in issues if i.refused}
    return [i.of_refused_row() if i.where in refused and not i.refused else i for i in issues]


def _file(rows: _ChildRows, table: str, record, where: Where, report: ImportReport | None) -> None:
    if table == "episodes" and record is not None:
        rows.episodes = rows.episodes or []
        rows.episodes.append(record)
    elif table == "reviews" and record is not None:
        rows.reviews = rows.reviews or []
        rows.reviews.append(record)
    elif table == "header" and record is None:
        rows.header_refused_at = rows.header_refused_at or where
    elif table == "header" and rows.header is None:
        rows.header = record
    elif table == "header":
        why = f"CHILD {rows.ref} already has a header row ({rows.header.where}); this one was not taken."
        report.issues += report.shared([Issue(where, "CHILD", rows.ref, why, "child in the header twice")])


def _note_extra_columns(extract: ssda903.Extract, report: ImportReport) -> None:
    used = report.selection.iro_column if report.selection.iro_name else None
    for name, columns in extract.extra_columns.items():
        if used in columns:
            report.notes.append(f"{name}: the {used} column was read to choose your children.")
        ignored = [c for c in columns if c != used]
        if ignored:
            report.notes.append(f"{name}: columns outside the 903 layout were ignored: {', '.join(ignored)}.")


# ---------------------------------------------------------------- children and episodes


def _apply_child(
    rows: _ChildRows, child: StoredChild | None, report: ImportReport, ids: Ids
) -> tuple[StoredChild | None, bool]:
    if rows.header is None and child is None:
        _refuse_orphans(rows, report)
        return None, False
    if rows.header is None:
        return child, False
    values = {
        "dob": rows.header.dob,
        "sex": rows.header.sex,
        "ethnicity": rows.header.ethnic,
        "upn": rows.header.upn,
    }
    if child is None:
        names = {"first_name": NEW_CHILD_FIRST_NAME, "last_name": rows.ref}
        return StoredChild(ids.next(stored_rows.CHILDREN), rows.ref, **values, **names), True
    return child, _assign(child, values)


def _refuse_orphans(rows: _ChildRows, report: ImportReport) -> None:
    if rows.header_refused_at is not None:
        why = (
            f"CHILD {rows.ref}'s header row ({rows.header_refused_at}) was refused, so this row has no child."
        )
        kind = "child's header row refused"
    else:
        why = f"CHILD {rows.ref} is not in the header table nor already in your caseload (903 rule INT08)."
        kind = "child not in the header (903 rule INT08)"
    report.issues += report.shared(
        Issue(record.where, "CHILD", rows.ref, why, kind) for record in [*rows.episodes, *rows.reviews]
    )


def _episode_values(row: EpisodeRow) -> dict:
    return {
        "start_date": row.start,
        "reason_new": row.reason_new,
        "legal_status": row.legal_status,
        "category_of_need": row.category_of_need,
        "placement_type": row.placement_type,
        "placement_provider": row.placement_provider,
        "placement_postcode": row.placement_postcode,
        "end_date": row.end,
        "end_reason": row.end_reason,
        "reason_place_change": row.reason_place_change,
    }


def _apply_episodes(
    child: StoredChild, rows: list[EpisodeRow], report: ImportReport, gap_months: int, ids: Ids
) -> list[StoredEpisode]:
    """Episodes are matched on their start date; carer and address typed in the app are kept."""
    by_start = {e.start_date: e for p in child.periods for e in p.episodes}
    seen: dict[date, Where] = {}
    for row in rows:
        if row.start in seen:
            twice = _duplicate(row.where, "DECOM", row.start, seen[row.start], "episode")
            report.issues += report.shared([twice])
            continue
        seen[row.start] = row.where
        episode = by_start.get(row.start)
        if episode is None:
            by_start[row.start] = StoredEpisode(**_episode_values(row))
            report.episodes.created += 1
        elif _assign(episode, _episode_values(row)):
            report.episodes.updated += 1
        else:
            report.episodes.unchanged += 1
    episodes = sorted(by_start.values(), key=lambda e: e.start_date)
    _arrange_periods(child, episodes, report, gap_months, ids)
    return episodes


def _duplicate(where: Where, column: str, day: date, first: Where, what: str) -> Issue:
    why = f"This child's {what} of {format_date(day)} is already at {first}; this row was not taken."
    return Issue(where, column, ssda903.format_date(day), why, f"same {what} twice")


def _arrange_periods(
    child: StoredChild, episodes: list[StoredEpisode], report: ImportReport, gap_months: int, ids: Ids
) -> None:
    """Periods of care as domain.periods reads the episodes; what the RNE codes alone do not say is noted."""
    used: set[int] = set()
    groups = group_periods(episodes, gap_months)
    report.notes += [f"CHILD {child.child_ref}: {b.sentence}." for b in inferred_boundaries(groups)]
    for group in groups:
        period, new = _period_for(child, group, used, ids)
        used.add(id(period))
        last = group[-1]
        ended = last.end_date is not None and last.end_reason != CONTINUES
        values = {
            "start_date": group[0].start_date,
            "end_date": last.end_date if ended else None,
            "end_reason": last.end_reason if ended else None,
        }
        if new:
            child.periods.append(period)
        changed = _assign(period, values)
        moved = [e for e in group if e.period is not period]
        for episode in moved:
            _move(episode, period, ids)
        _count(report.periods, new, changed or bool(moved))


def _period_for(
    child: StoredChild, group: list[StoredEpisode], used: set[int], ids: Ids
) -> tuple[StoredPeriod, bool]:
    """The stored period already holding one of these episodes, or starting the same day, or a new one."""
    for episode in group:
        if episode.period is not None and id(episode.period) not in used:
            return episode.period, False
    for period in child.periods:
        if period.start_date == group[0].start_date and id(period) not in used:
            return period, False
    return StoredPeriod(ids.next(stored_rows.PERIODS), group[0].start_date), True


def _move(episode: StoredEpisode, period: StoredPeriod, ids: Ids) -> None:
    """Into `period`, out of any other; a new episode gets its id as it joins its first."""
    if episode.period is not None:
        episode.period.episodes.remove(episode)
    elif episode.id is None:
        episode.id = ids.next(stored_rows.EPISODES)
    episode.period = period
    period.episodes.append(episode)


def _count(counts: Counts, new: bool, changed: bool) -> None:
    if new:
        counts.created += 1
    elif changed:
        counts.updated += 1
    else:
        counts.unchanged += 1


def _remove_empty_periods(child: StoredChild, report: ImportReport) -> list[int]:
    """A period left with no episodes (the council merged two) goes, unless a review points to it."""
    referred = {r.period_id for r in child.reviews}
    removed = [p for p in child.periods if not p.episodes and p.id not in referred]
    for period in removed:
        child.periods.remove(period)
    report.periods.removed += len(removed)
    return [p.id for p in removed]


# ---------------------------------------------------------------- reviews


def _apply_reviews(
    child: StoredChild, episodes: list[StoredEpisode], rows: list[ReviewRow], report: ImportReport, ids: Ids
) -> list[Issue]:
    """Take each review held; an app review on the same day is the IRO's and is kept. Returns the problems.

    A participation code that contradicts the child's age (903 rules 440/441) is left out and reported,
    but the review is taken: it was held, and dropping its date would make the child look overdue.
    """
    by_day = {r.held_date: r for r in child.reviews if r.held_date is not None}
    periods = sorted(child.periods, key=lambda p: p.start_date)
    seen: dict[date, Where] = {}
    said: list[Issue] = []
    for row in rows:
        problems = _review_problems(child, episodes, row, seen)
        said += report.shared(problems)
        if _after(row.held, report.today) or any(p.refused for p in problems):
            continue  # a review dated after today was refused, naming its row, when the rows were checked
        seen[row.held] = row.where
        code = None if problems else row.code  # a code that contradicts the child's age waits for the IRO
        _take_review(child, by_day.get(row.held), row, code, _period_on(periods, row.held), report, ids)
    _number_reviews(child)
    return said


def _cancel_reviews_after_care_ended(child: StoredChild) -> None:
    """A review booked in the app for a period of care that ended before it met is cancelled."""
    ends = {p.id: p.end_date for p in child.periods if p.end_date is not None}
    for review in child.reviews:
        end = ends.get(review.period_id)
        booked = review.planned_date
        if end is not None and state_of(review.status) in AHEAD and (booked is None or booked > end):
            move(review, ReviewState.CANCELLED)


def _review_problems(
    child: StoredChild, episodes: list[StoredEpisode], row: ReviewRow, seen: dict
) -> list[Issue]:
    if row.held in seen:
        return [_duplicate(row.where, "REVIEW", row.held, seen[row.held], "review")]
    if row.dob is not None and row.dob != child.dob:
        given, known = ssda903.format_date(row.dob), ssda903.format_date(child.dob)
        why = f"DOB {given} differs from the child's date of birth {known} in the header (903 rule INT17)."
        return [
            Issue(row.where, "DOB", ssda903.format_date(row.dob), why, "DOB differs from the header (INT17)")
        ]
    issues = []
    for problem in review_entry_findings(child, row.held, row.code, episodes):
        column = "REVIEW_CODE" if problem.rule in ("440", "441", "167") else "CHILD"
        value = row.code if column == "REVIEW_CODE" else row.child
        why = CHILD_RULE_REASONS.get(problem.rule, problem.message).replace("{child}", row.child)
        why = why.rstrip(".") + (f" (903 rule {problem.rule})." if problem.rule else ".")
        code_only = problem.rule in AGE_CODE_RULES
        taken = why + CODE_LEFT_OUT if code_only else why  # unless the row is refused for another reason
        issue = Issue(row.where, column, value, taken, RULE_KINDS[problem.rule], refused=not code_only)
        issues.append(replace(issue, if_row_refused=why) if code_only else issue)
    return issues


def _period_on(periods: list[StoredPeriod], day: date) -> StoredPeriod:
    """The period the review belongs to: the latest one begun by that day, else the first."""
    begun = [p for p in periods if p.start_date <= day]
    return begun[-1] if begun else periods[0]


def _take_review(
    child: StoredChild,
    existing: StoredReview | None,
    row: ReviewRow,
    code: str | None,
    period: StoredPeriod,
    report: ImportReport,
    ids: Ids,
) -> None:
    if existing is not None and existing.source != IMPORTED:
        report.reviews_in_app += 1
        return
    values = {
        "held_date": row.held,
        "participation_code": code,
        "status": ReviewState.IMPORTED.value,
        "period_id": period.id,
        "source": IMPORTED,
    }
    if existing is None:
        child.reviews.append(StoredReview(ids.next(stored_rows.REVIEWS), **values))
        report.reviews.created += 1
    else:
        _count(report.reviews, False, _assign(existing, values))


def _number_reviews(child: StoredChild) -> None:
    """Imported reviews are numbered in date order within their period; app reviews keep their numbers."""
    held = defaultdict(list)
    for review in child.reviews:
        if review.held_date is not None:
            held[review.period_id].append(review)
    for reviews in held.values():
        for number, review in enumerate(sorted(reviews, key=lambda r: r.held_date), start=1):
            if review.source == IMPORTED and review.number != number:
                review.number = number
