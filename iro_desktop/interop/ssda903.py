"""SSDA903 files: the council's CSV and XML extracts read into typed rows, and CSV tables written back.

Only the file format lives here: table layouts, dd/mm/yyyy dates, code lists, where each row came from.
Which children and rows go into the store is decided in services/import903.py; which reviews leave it,
in services/export903.py. Nothing here touches the store or writes a file.

Row numbers are the ones a spreadsheet shows: the line of column names is row 1, the first child is row 2.
"""

from __future__ import annotations

import csv
import gzip
import io
import sys
import xml.etree.ElementTree as ET
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from functools import lru_cache, partial
from pathlib import Path

from iro_desktop.domain.codes import (
    CATEGORY_OF_NEED,
    ETHNICITY,
    LEGAL_STATUS,
    PARTICIPATION,
    PLACEMENT_PROVIDER,
    PLACEMENT_TYPE,
    REASON_EPISODE_CEASED,
    REASON_NEW_EPISODE,
    SEX,
)
from iro_desktop.domain.identifiers import CHILD_ID_RULE, is_child_id

HEADER_COLUMNS = ("CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB")
EPISODE_COLUMNS = (
    "CHILD", "DECOM", "RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER", "DEC", "REC",
    "REASON_PLACE_CHANGE", "HOME_POST", "PL_POST", "URN",
)  # fmt: skip
REVIEW_COLUMNS = ("CHILD", "DOB", "REVIEW", "REVIEW_CODE")
COLUMNS = {"header": HEADER_COLUMNS, "episodes": EPISODE_COLUMNS, "reviews": REVIEW_COLUMNS}
FILE_NAMES = {table: f"{table}.csv" for table in COLUMNS}
# Without these a table's rows mean nothing to the app: the whole file is refused, not each row.
ESSENTIAL = {
    "header": ("CHILD", "DOB"),
    "episodes": ("CHILD", "DECOM", "RNE", "LS", "PLACE"),
    "reviews": ("CHILD", "REVIEW", "REVIEW_CODE"),
}
XML_RENAMES = {"CHILDID": "CHILD", "PL": "PLACE"}
XML_KNOWN = {"CHILDID", "PL", "HEADER", "EPISODE", "AREVIEW"}
DATE_FORMAT = "%d/%m/%Y"

# Not yet in domain.codes: the reasons for a change of placement (rule 1009), for checking only.
REASON_PLACE_CHANGE = frozenset(
    "CARPL ALLEG STAND APPRR CUSTOD CLOSE CREQB CREQO CHILD LAREQ PLACE OTHER".split()
)


class ExtractError(Exception):
    """The extract as a whole cannot be read: str(error) is a plain sentence; nothing was imported."""


@dataclass(frozen=True, slots=True)
class Where:
    """Where a row came from, in terms a person can find it by."""

    file: str
    row: int | None = None  # CSV: the row a spreadsheet shows
    element: str | None = None  # XML: e.g. "CHILD 12 (CHILDID 907440), AREVIEW 2"

    def __str__(self) -> str:
        return f"row {self.row}" if self.row is not None else self.element or ""


@dataclass(frozen=True, slots=True)
class Issue:
    """A row not taken (refused) or a value left out of a row that was taken."""

    where: Where
    column: str
    value: str
    reason: str  # a plain sentence naming the value and what is wrong with it
    kind: str  # a short label the summary groups by
    refused: bool = True
    if_row_refused: str | None = None  # a value's reason, said without what was done with the row

    def of_refused_row(self) -> Issue:
        """As said when its row is refused for another reason: nothing was taken, so nothing left blank."""
        return replace(self, reason=self.if_row_refused) if self.if_row_refused else self


@dataclass(frozen=True, slots=True)
class RawRow:
    values: Mapping[str, str]  # column -> text with surrounding spaces removed ('' when blank)
    where: Where

    def get(self, column: str) -> str:
        return self.values.get(column, "")


@dataclass
class Extract:
    """The three 903 tables as read, before any value is checked.

    A CSV table is kept as its file's bytes, compressed, and read row by row on each pass: a large extract
    is never held as one object per row.
    """

    source: Path
    readers: dict[str, Callable[..., Iterator[RawRow]]] = field(default_factory=dict)  # table -> its rows
    notes: list[str] = field(default_factory=list)
    extra_columns: dict[str, tuple[str, ...]] = field(default_factory=dict)  # file -> ignored columns

    def each(self, table: str, children: Collection[str] | None = None) -> Iterator[RawRow]:
        """The table's rows in file order, read afresh (nothing is kept between passes); given `children`,
        only the rows whose CHILD is one of them."""
        reader = self.readers.get(table)
        return reader(children) if reader else iter(())

    def rows(self, table: str) -> list[RawRow]:
        return list(self.each(table))

    @property
    def tables(self) -> dict[str, list[RawRow]]:
        """Every table's rows, all read: for looking at a small extract (the import reads row by row)."""
        return {table: self.rows(table) for table in self.readers}


# ---------------------------------------------------------------- reading files


def read_extract(path: Path) -> Extract:
    """A folder of 903 CSV files, or one 903 XML file."""
    path = Path(path)
    if path.is_dir():
        return read_folder(path)
    if path.is_file() and path.suffix.lower() == ".xml":
        return read_xml(path)
    if path.is_file():
        raise ExtractError(f"{path.name} is neither a folder of 903 CSV files nor a 903 XML file.")
    raise ExtractError(f"There is no folder or file at {path}.")


def read_folder(folder: Path) -> Extract:
    extract = Extract(folder)
    files = _table_files(folder, extract)
    if not files:
        raise ExtractError(
            f"{folder} holds none of header.csv, episodes.csv or reviews.csv, so there is nothing to import."
        )
    for table, path in files.items():
        extract.readers[table] = _csv_table(path, table, extract)
    for table, name in FILE_NAMES.items():
        if table not in files:
            extract.notes.append(f"No {name} in the folder: that table was not imported.")
    return extract


def _table_files(folder: Path, extract: Extract) -> dict[str, Path]:
    """Each table's file, by its usual name or else by its columns (councils name files their own way)."""
    found: dict[str, Path] = {}
    ignored = []
    for path in sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() == ".csv"):
        table = _table_named(path.name) or _table_by_columns(_first_line(path))
        if table is None:
            ignored.append(path.name)
        elif table in found:
            raise ExtractError(
                f"Both {found[table].name} and {path.name} look like the {table} table; keep one of them."
            )
        else:
            found[table] = path
    if ignored:
        names = ", ".join(ignored)
        extract.notes.append(f"Files that are not header, episodes or reviews were ignored: {names}.")
    return found


def _table_named(name: str) -> str | None:
    return next((t for t, n in FILE_NAMES.items() if n == name.lower()), None)


def _table_by_columns(columns: list[str]) -> str | None:
    names = set(columns)
    if {"REVIEW", "REVIEW_CODE"} <= names:
        return "reviews"
    if {"DECOM", "RNE", "LS"} <= names:
        return "episodes"
    if {"SEX", "DOB", "ETHNIC", "UPN"} <= names:
        return "header"
    return None


def _first_line(path: Path) -> list[str]:
    with path.open("rb") as f:
        line = f.readline(4096).decode("utf-8-sig", errors="replace")
    return [c.strip().upper() for c in next(csv.reader([line]), [])]


def _encoding(path: Path, data: bytes, extract: Extract) -> str:
    try:
        data.decode("utf-8-sig")
        return "utf-8-sig"
    except UnicodeDecodeError:
        # Spreadsheets on Windows save "CSV" in Windows-1252; every byte decodes, so say so.
        extract.notes.append(f"{path.name} is not UTF-8 text; it was read as Windows-1252.")
        return "cp1252"


def _csv_reader(packed: bytes, encoding: str):
    stream = gzip.GzipFile(fileobj=io.BytesIO(packed))  # unpacked a little at a time as the rows are read
    return csv.reader(io.TextIOWrapper(stream, encoding=encoding, errors="replace", newline=""))


def _csv_table(path: Path, table: str, extract: Extract) -> Callable[..., Iterator[RawRow]]:
    """The table's columns checked now; its rows read when asked for, from the bytes read now."""
    data = path.read_bytes()
    encoding = _encoding(path, data, extract)
    packed = gzip.compress(data, compresslevel=1)  # a quarter of the size, and quick both ways
    del data
    columns = [c.strip().upper() for c in next(_csv_reader(packed, encoding), [])]
    _check_columns(path.name, table, columns, extract)
    return partial(_csv_rows, packed, encoding, path.name, columns)


def _csv_rows(
    packed: bytes, encoding: str, name: str, columns: list[str], children: Collection[str] | None = None
) -> Iterator[RawRow]:
    reader = _csv_reader(packed, encoding)
    next(reader, None)  # the column names
    at = columns.index("CHILD")
    for number, cells in enumerate(reader, start=2):
        if children is not None and (cells[at].strip() if at < len(cells) else "") not in children:
            continue  # another child's row, passed over before its values are read
        if not any(c.strip() for c in cells):
            continue  # blank lines at the end of a file are not rows
        values = {col: cell.strip() for col, cell in zip(columns, cells, strict=False)}
        yield RawRow(values, Where(name, row=number))


def _check_columns(name: str, table: str, columns: list[str], extract: Extract) -> None:
    missing = [c for c in ESSENTIAL[table] if c not in columns]
    if missing:
        raise ExtractError(
            f"{name} has no {' or '.join(missing)} column; the {table} table needs "
            f"{', '.join(COLUMNS[table])}."
        )
    extra = tuple(c for c in columns if c and c not in COLUMNS[table])
    if extra:
        extract.extra_columns[name] = extra
    absent = [c for c in COLUMNS[table] if c not in columns]
    if absent:
        extract.notes.append(f"{name} has no {', '.join(absent)} column: read as blank.")


def read_xml(path: Path) -> Extract:
    """The 903 XML form: <EXPSSDA903><CHILD><HEADER>..<AREVIEW>..</HEADER><EPISODE>..</CHILD>."""
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as exc:
        raise ExtractError(f"{path.name} is not well-formed XML ({exc}).") from exc
    except OSError as exc:
        raise ExtractError(f"Cannot read {path.name}: {exc.strerror}.") from exc
    if root.tag != "EXPSSDA903":
        raise ExtractError(f"{path.name} is not a 903 XML file: its root element is <{root.tag}>.")
    extract = Extract(path)
    tables: dict[str, list[RawRow]] = {t: [] for t in COLUMNS}
    tags: set[str] = set()
    for number, child in enumerate(root.findall("CHILD"), start=1):
        _read_xml_child(path.name, number, child, tables, tags)
    extract.readers = {table: partial(_listed, rows) for table, rows in tables.items()}
    ignored = tags - set(HEADER_COLUMNS) - set(EPISODE_COLUMNS) - set(REVIEW_COLUMNS) - XML_KNOWN
    if ignored:
        extract.extra_columns[path.name] = tuple(sorted(ignored))
    return extract


def _listed(rows: list[RawRow], children: Collection[str] | None = None) -> Iterator[RawRow]:
    return iter(rows) if children is None else (r for r in rows if r.get("CHILD") in children)


def _leaves(element: ET.Element, tags: set[str]) -> dict[str, str]:
    """The element's own leaf values; nested tables (AREVIEW, OC2, ...) are read separately or ignored."""
    values = {}
    for node in element:
        tags.add(node.tag)
        if len(node) == 0:
            values[XML_RENAMES.get(node.tag, node.tag)] = (node.text or "").strip()
    return values


def _read_xml_child(
    name: str, number: int, child: ET.Element, tables: dict[str, list[RawRow]], tags: set[str]
) -> None:
    header_el = child.find("HEADER")
    header = _leaves(header_el, tags) if header_el is not None else {}
    label = f"CHILD {number} (CHILDID {header.get('CHILD') or 'blank'})"
    tables["header"].append(RawRow(header, Where(name, element=label)))
    for i, review in enumerate(header_el.findall("AREVIEW") if header_el is not None else [], start=1):
        values = {"CHILD": header.get("CHILD", ""), "DOB": header.get("DOB", ""), **_leaves(review, tags)}
        tables["reviews"].append(RawRow(values, Where(name, element=f"{label}, AREVIEW {i}")))
    for i, episode in enumerate(child.findall("EPISODE"), start=1):
        values = {"CHILD": header.get("CHILD", ""), **_leaves(episode, tags)}
        tables["episodes"].append(RawRow(values, Where(name, element=f"{label}, EPISODE {i}")))


# ---------------------------------------------------------------- checking values


@dataclass(frozen=True, slots=True)
class HeaderRow:
    child: str
    dob: date
    sex: str | None
    ethnic: str | None
    upn: str | None
    where: Where


@dataclass(frozen=True, slots=True)
class EpisodeRow:
    child: str
    start: date
    reason_new: str
    legal_status: str
    category_of_need: str | None
    placement_type: str
    placement_provider: str | None
    placement_postcode: str | None
    end: date | None
    end_reason: str | None
    reason_place_change: str | None
    where: Where


@dataclass(frozen=True, slots=True)
class ReviewRow:
    child: str
    dob: date | None
    held: date
    code: str
    where: Where


class _Checker:
    """Reads one row's values, keeping an Issue for each value that cannot be used as it is."""

    def __init__(self, row: RawRow) -> None:
        self.row = row
        self.issues: list[Issue] = []

    @property
    def refused(self) -> bool:
        return any(i.refused for i in self.issues)

    def refuse(self, column: str, reason: str, kind: str) -> None:
        self.issues.append(Issue(self.row.where, column, self.row.get(column), reason, kind))

    def leave_out(self, column: str, said: str, kind: str, taken: str = " It was left blank.") -> None:
        """A value left out of a row taken: `said` is what is wrong, `taken` what was done with the row."""
        issue = Issue(self.row.where, column, self.row.get(column), said + taken, kind, refused=False)
        self.issues.append(replace(issue, if_row_refused=said.rstrip(".") + "."))

    def required(self, column: str, what: str) -> str:
        value = sys.intern(self.row.get(column))  # the child's id: one copy for all of the child's rows
        if not value:
            self.refuse(column, f"{column} is blank; {what}.", f"{column} blank")
        elif column == "CHILD" and not is_child_id(value):
            self.refuse(column, f"CHILD {value!r} cannot be held: {CHILD_ID_RULE}.", "CHILD not an id")
        return value

    def date(self, column: str, what: str | None = None) -> date | None:
        """A dd/mm/yyyy date; `what` given means the date is required and says why."""
        value = self.row.get(column)
        if not value:
            if what:
                self.refuse(column, f"{column} is blank; {what}.", f"{column} blank")
            return None
        parsed = parse_date(value)
        if parsed is None:
            self.refuse(
                column, f"{column} '{value}' is not a date in the form dd/mm/yyyy.", f"{column} not a date"
            )
        return parsed

    def code(self, column: str, allowed: Iterable[str], what: str, required: bool) -> str | None:
        """A listed code: a bad optional code is left out and the row taken; a bad required one refuses it."""
        value = self.row.get(column).upper()  # councils' validator upper-cases what it reads; so do we
        if not value:
            if required:
                self.refuse(column, f"{column} is blank; every row needs {what}.", f"{column} blank")
            return None
        if value in allowed:
            return sys.intern(value)  # one copy of each code however many rows carry it
        reason = f"{column} '{value}' is not {what}."
        if required:
            self.refuse(column, reason, f"{column} not a known code")
        else:
            self.leave_out(column, reason, f"{column} not a known code")
        return None


@lru_cache(maxsize=8192)  # strptime is slow and an extract repeats its dates (each review carries the DOB)
def parse_date(text: str) -> date | None:
    try:
        if len(text) == 10 and text[2] == text[5] == "/" and text.isascii():  # what strptime reads, quicker
            day, month, year = text[:2], text[3:5], text[6:]
            if (day + month + year).isdigit():
                return date(int(year), int(month), int(day))
        return datetime.strptime(text, DATE_FORMAT).date()
    except ValueError:
        return None


def format_date(day: date | None) -> str:
    return day.strftime(DATE_FORMAT) if day else ""


def parse_header(row: RawRow) -> tuple[HeaderRow | None, list[Issue]]:
    c = _Checker(row)
    child = c.required("CHILD", "every row needs the child's id")
    dob = c.date("DOB", "the child's date of birth is needed for every review")
    sex = c.code("SEX", SEX, "a 903 sex code (1, 2, M, F or U)", required=False)
    ethnic = c.code("ETHNIC", ETHNICITY, "a 903 ethnicity code", required=False)
    upn = row.get("UPN") or None
    if upn and len(upn) > 20:
        c.leave_out("UPN", f"UPN '{upn}' is longer than 20 characters.", "UPN too long")
        upn = None
    if c.refused:
        return None, c.issues
    return HeaderRow(child, dob, sex, ethnic, upn, row.where), c.issues


def parse_episode(row: RawRow) -> tuple[EpisodeRow | None, list[Issue]]:
    c = _Checker(row)
    child = c.required("CHILD", "every row needs the child's id")
    start = c.date("DECOM", "every episode needs the date it started")
    rne = c.code("RNE", REASON_NEW_EPISODE, "a 903 reason for a new episode (S, L, P, T, B or U)", True)
    ls = c.code("LS", LEGAL_STATUS, "a 903 legal status code", required=True)
    place = c.code("PLACE", PLACEMENT_TYPE, "a 903 placement type code", required=True)
    cin = c.code("CIN", CATEGORY_OF_NEED, "a 903 category of need (N1-N8)", required=False)
    provider = c.code("PLACE_PROVIDER", PLACEMENT_PROVIDER, "a 903 placement provider (PR0-PR5)", False)
    change = c.code("REASON_PLACE_CHANGE", REASON_PLACE_CHANGE, "a 903 reason for placement change", False)
    end = c.date("DEC")
    end_reason = _end_reason(c, end)
    if start and end and end < start:
        c.refuse("DEC", f"DEC {format_date(end)} is before DECOM {format_date(start)}.", "DEC before DECOM")
    postcode = _postcode(c)
    if c.refused:
        return None, c.issues
    episode = EpisodeRow(
        child, start, rne, ls, cin, place, provider, postcode, end, end_reason, change, row.where
    )
    return episode, c.issues


def _end_reason(c: _Checker, end: date | None) -> str | None:
    rec = c.code("REC", REASON_EPISODE_CEASED, "a 903 reason an episode ceased", required=False)
    if rec and end is None and not c.row.get("DEC"):
        # 903 rule 148: both or neither. Without an end date the episode is read as still open.
        taken = ": the episode was taken as still open and REC left blank."
        c.leave_out("REC", f"REC '{rec}' is given but DEC is blank", "REC without DEC", taken)
        return None
    return rec


def _postcode(c: _Checker) -> str | None:
    value = c.row.get("PL_POST") or None
    if value and len(value) > 10:
        c.leave_out("PL_POST", f"PL_POST '{value}' is longer than a postcode.", "PL_POST too long")
        return None
    return value


def parse_review(row: RawRow) -> tuple[ReviewRow | None, list[Issue]]:
    c = _Checker(row)
    child = c.required("CHILD", "every row needs the child's id")
    dob = c.date("DOB")
    held = c.date("REVIEW", "every review row needs the date it was held (903 rule 166)")
    code = row.get("REVIEW_CODE").upper()  # as councils' validator reads it: 'pn3' is PN3, 'pr0' is nothing
    if code not in PARTICIPATION:
        shown = f"'{row.get('REVIEW_CODE')}'" if code else "blank"
        why = f"REVIEW_CODE {shown} is not one of PN0-PN7 (903 rule 167)."
        c.refuse("REVIEW_CODE", why, "REVIEW_CODE not PN0-PN7")
    if c.refused:
        return None, c.issues
    return ReviewRow(child, dob, held, sys.intern(code), row.where), c.issues


# ---------------------------------------------------------------- writing


def table_bytes(columns: tuple[str, ...], rows: Iterable[Iterable[str]]) -> bytes:
    """A 903 CSV table: the columns in their order, UTF-8 without a byte-order mark, one line per row."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


# ---------------------------------------------------------------- a child's rows, as the feed holds them

PARSERS = {"header": parse_header, "episodes": parse_episode, "reviews": parse_review}


def taken_rows(
    child: str, tables: Mapping[str, Iterable[RawRow]]
) -> tuple[dict[str, list[dict]], list[Issue]]:
    """A child's rows as the feed carries them: those the import's row rules take (PARSERS), each as its 903
    columns' text, and the problems of the rest. The import applies its other rules when the rows arrive."""
    taken: dict[str, list[dict]] = {table: [] for table in COLUMNS}
    problems: list[Issue] = []
    for table, rows in tables.items():
        for raw in rows:
            record, issues = PARSERS[table](raw)
            if raw.get("CHILD") != child:
                why = f"The row is for CHILD {raw.get('CHILD')!r}, not {child}."
                issues = [Issue(raw.where, "CHILD", raw.get("CHILD"), why, "row for another child")]
                record = None
            problems += [i for i in issues if i.refused]
            if record is not None:
                taken[table].append({c: raw.get(c) for c in COLUMNS[table] if raw.get(c)})
    return taken, problems


def extract_of(tables: Mapping[str, Iterable[Mapping[str, str]]], name: str) -> Extract:
    """Rows held in memory (a child's rows from the council's feed) read as an extract named `name`: the
    import takes them by the same rules as a file's."""
    extract = Extract(Path(name))
    for table, rows in tables.items():
        raws = [
            RawRow({c: str(v).strip() for c, v in row.items()}, Where(f"{name} {table}", row=n))
            for n, row in enumerate(rows, start=1)
        ]
        extract.readers[table] = partial(_held_rows, raws)
    return extract


def _held_rows(rows: list[RawRow], children: Collection[str] | None = None) -> Iterator[RawRow]:
    return (raw for raw in rows if children is None or raw.get("CHILD") in children)


def rows_by_child(extract: Extract) -> dict[str, dict[str, list[RawRow]]]:
    """Every row of the extract, by child and table, in file order."""
    by_child: dict[str, dict[str, list[RawRow]]] = {}
    for table in COLUMNS:
        for raw in extract.each(table):
            by_child.setdefault(raw.get("CHILD"), {t: [] for t in COLUMNS})[table].append(raw)
    return by_child
