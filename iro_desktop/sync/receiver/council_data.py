"""What the council publishes of a child, checked before it enters the feed: the child's 903 rows (by the
import's own row rules, interop/ssda903.py) and its details (names, the current placement's carer and
address, the people around the child). `load_903` publishes each child of a new extract whose rows changed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from iro_desktop.domain.codes import PERSON_ROLES
from iro_desktop.interop import ssda903
from iro_desktop.sync.protocol import is_child_id
from iro_desktop.sync.receiver import feed
from iro_desktop.sync.receiver.auth import Refused
from iro_desktop.sync.receiver.storage import ReceiverStore

MAX_ROWS = 2000  # rows of one child's table: far more than a childhood of episodes and reviews
MAX_TEXT = 300  # characters of one detail
MAX_CELL = 100  # characters of one 903 value
NAME_FIELDS = ("first_name", "last_name", "preferred_name")
PLACEMENT_FIELDS = ("carer_name", "address")
PERSON_FIELDS = ("id", "role", "name", "relationship", "organisation", "email", "phone", "address")
PERSON_FLAGS = ("parental_responsibility",)
MAX_PEOPLE = 100
_903_PROPERTIES = {
    table: {
        "type": "array",
        "maxItems": MAX_ROWS,
        "items": {
            "type": "object",
            "additionalProperties": False,
            "properties": {c: {"type": "string", "maxLength": MAX_CELL} for c in columns},
        },
    }
    for table, columns in ssda903.COLUMNS.items()
}
ROWS_SCHEMA = {"type": "object", "additionalProperties": False, "properties": _903_PROPERTIES}
_TEXT = {"type": "string", "maxLength": MAX_TEXT}
DETAILS_SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "child": {
            "type": "object",
            "additionalProperties": False,
            "properties": dict.fromkeys(NAME_FIELDS, _TEXT),
        },
        "placement": {
            "type": "object",
            "additionalProperties": False,
            "properties": dict.fromkeys(PLACEMENT_FIELDS, _TEXT),
        },
        "people": {
            "type": "array",
            "maxItems": MAX_PEOPLE,
            "items": {
                "type": "object",
                "required": ["id", "role", "name"],
                "additionalProperties": False,
                "properties": {
                    **dict.fromkeys(PERSON_FIELDS, _TEXT),
                    "role": {"type": "string", "enum": list(PERSON_ROLES)},
                    "parental_responsibility": {"type": "boolean"},
                },
            },
        },
    },
}


def checked_rows(child_id: str, doc: object) -> tuple[dict, list[str]]:
    """The rows the import would take, as the feed carries them, and a sentence per row refused."""
    if not isinstance(doc, dict) or not doc.keys() <= set(ssda903.COLUMNS):
        raise Refused(400, "The body must be a JSON object of 903 tables: header, episodes, reviews.")
    tables: dict[str, list[ssda903.RawRow]] = {}
    for table, rows in doc.items():
        if not isinstance(rows, list) or len(rows) > MAX_ROWS or not all(_is_row(r, table) for r in rows):
            raise Refused(400, f"{table} must be a list of rows, each an object of its 903 columns' text.")
        where = [ssda903.Where(table, row=n) for n in range(1, len(rows) + 1)]
        tables[table] = [
            ssda903.RawRow({c: v.strip() for c, v in r.items()}, w) for r, w in zip(rows, where, strict=True)
        ]
    taken, problems = ssda903.taken_rows(child_id, tables)
    return taken, [f"{i.where.file} row {i.where.row}: {i.reason}" for i in problems]


def _is_row(row: object, table: str) -> bool:
    columns = ssda903.COLUMNS[table]
    return isinstance(row, dict) and all(
        c in columns and isinstance(v, str) and len(v) <= MAX_CELL for c, v in row.items()
    )


def checked_details(doc: object) -> dict:
    """The details as the feed carries them (blank values dropped); Refused with the first thing wrong."""
    if not isinstance(doc, dict) or not doc.keys() <= {"child", "placement", "people"}:
        raise Refused(400, "Details are a JSON object of child, placement and people.")
    out: dict = {}
    for part, fields in (("child", NAME_FIELDS), ("placement", PLACEMENT_FIELDS)):
        if part in doc:
            out[part] = _texts(doc[part], fields, part)
    people = doc.get("people", [])
    if not isinstance(people, list) or len(people) > MAX_PEOPLE:
        raise Refused(422, f"people must be a list of at most {MAX_PEOPLE} people.")
    seen: set[str] = set()
    out["people"] = []
    for n, person in enumerate(people, start=1):
        flags = {k: person.pop(k) for k in PERSON_FLAGS if isinstance(person, dict) and k in person}
        checked = _texts(person, PERSON_FIELDS, f"person {n}")
        if not checked.get("id") or not checked.get("name") or checked.get("role") not in PERSON_ROLES:
            raise Refused(
                422, f"Person {n} needs an id, a name and a role (one of {', '.join(PERSON_ROLES)})."
            )
        if checked["id"] in seen:
            raise Refused(422, f"Person {n}'s id {checked['id']} is given twice.")
        if any(not isinstance(v, bool) for v in flags.values()):
            raise Refused(422, f"Person {n}'s parental_responsibility must be true or false.")
        seen.add(checked["id"])
        out["people"].append({**checked, **flags})
    return out


def _texts(doc: object, fields: tuple[str, ...], what: str) -> dict:
    if not isinstance(doc, dict) or not doc.keys() <= set(fields):
        raise Refused(422, f"{what} may hold only: {', '.join(fields)}.")
    out = {}
    for key, value in doc.items():
        if not isinstance(value, str) or len(value) > MAX_TEXT or not value.isprintable():
            raise Refused(422, f"{what}'s {key} must be printable text of at most {MAX_TEXT} characters.")
        if value.strip():
            out[key] = " ".join(value.split())
    return out


@dataclass
class Loaded:
    """What a load of an extract did: children published, unchanged, and each row refused, by file row."""

    published: list[str] = field(default_factory=list)
    unchanged: int = 0
    refused: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def load_903(store: ReceiverStore, source: Path, actor: str) -> Loaded:
    """Publish each child of the extract (a folder of 903 CSV files or an XML file) whose taken rows differ
    from those last published. A row refused is named by file and row, as the app's import names it; a
    child all of whose rows are refused is not published (the rows last published stand)."""
    try:
        extract = ssda903.read_extract(source)
    except ssda903.ExtractError as exc:
        raise Refused(422, str(exc)) from None
    loaded = Loaded(notes=list(extract.notes))
    for child_id, tables in sorted(ssda903.rows_by_child(extract).items()):
        if not is_child_id(child_id):
            loaded.refused.append(
                f"CHILD {child_id!r} is not an id the feed can carry; its rows were not taken."
            )
            continue
        taken, problems = ssda903.taken_rows(child_id, tables)
        loaded.refused += [f"{i.where.file} {i.where}: {i.reason}" for i in problems]
        if not any(taken.values()):  # every row refused: the rows last published stand
            continue
        if feed.publish_part(store, child_id, feed.ROWS_903, taken, actor) is None:
            loaded.unchanged += 1
        else:
            loaded.published.append(child_id)
    return loaded
