"""Full-text search across minutes, the child's own words, monitoring notes and decisions, and names.

The FTS5 table search_index (migration 0003) is kept by triggers; its rowid is source id * 4 + kind, so a
hit leads straight back to its row. The IRO's text never reaches MATCH as syntax: each word is quoted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import or_, select, text

from iro_desktop.services.minutes import SECTION_LABELS
from iro_desktop.store import Store
from iro_desktop.store.models import Child, Decision, MonitoringNote, Review, ReviewSection, WishEntry

# Around the matched words in SearchHit.snippet; the screen turns them into bold.
MARK_START, MARK_END = "\x02", "\x03"
SECTIONS, WISHES, NOTES, DECISIONS = range(4)
SOURCE_LABELS = {WISHES: "In their own words", NOTES: "Monitoring note", DECISIONS: "Decision"}
NAME_SOURCE = "Child"
_WORD = re.compile(r"\w", re.UNICODE)


@dataclass(frozen=True)
class SearchHit:
    child_id: int
    child_name: str
    source: str  # in plain words: "Minutes: Contact", "In their own words", ...
    snippet: str  # the text around the match, matched words between MARK_START and MARK_END
    on: date | None  # when it was written or held, where there is a date

    @property
    def plain_snippet(self) -> str:
        return self.snippet.replace(MARK_START, "").replace(MARK_END, "")


def match_query(user_text: str) -> str:
    """Every word the IRO typed, quoted (so AND, -, * and stray quotes are just words), as a prefix."""
    terms = [t.replace('"', '""') for t in user_text.split() if _WORD.search(t)]
    return " ".join(f'"{t}"*' for t in terms)


def search(store: Store, user_text: str, limit: int = 50) -> list[SearchHit]:
    """Children whose names match first, then the best text matches (FTS5 rank)."""
    query = match_query(user_text)
    if not query:
        return []
    with store.reading() as s:
        hits = _name_hits(s, user_text.split(), limit)
        rows = s.execute(
            text(
                "SELECT rowid, child_id, snippet(search_index, 0, :start, :end, '…', 14) "
                "FROM search_index WHERE search_index MATCH :query ORDER BY rank LIMIT :limit"
            ),
            {"start": MARK_START, "end": MARK_END, "query": query, "limit": max(limit - len(hits), 0)},
        ).all()
        names = _names(s, {r[1] for r in rows})
        sources = _sources(s, [r[0] for r in rows])
        for rowid, child_id, snippet in rows:
            label, on = sources.get(rowid, ("", None))
            hits.append(SearchHit(child_id, names.get(child_id, ""), label, snippet, on))
    return hits[:limit]


def _display_name(first: str, preferred: str | None, last: str) -> str:
    return f"{preferred or first} {last}"


def _name_hits(s, words: list[str], limit: int) -> list[SearchHit]:
    """Children with every typed word in their first, preferred or last name, or their child ID."""
    words = [w.strip('"') for w in words if _WORD.search(w)]
    if not words:
        return []
    query = select(
        Child.id, Child.first_name, Child.preferred_name, Child.last_name, Child.child_ref, Child.dob
    )
    for word in words:
        pattern = "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        fields = (Child.first_name, Child.preferred_name, Child.last_name, Child.child_ref)
        query = query.where(or_(*(f.ilike(pattern, escape="\\") for f in fields)))
    rows = s.execute(query.order_by(Child.last_name, Child.first_name).limit(limit)).all()
    return [
        SearchHit(
            r.id,
            _display_name(r.first_name, r.preferred_name, r.last_name),
            NAME_SOURCE,
            f"{r.first_name} {r.last_name} · {r.child_ref}",
            r.dob,
        )
        for r in rows
    ]


def _names(s, child_ids: set[int]) -> dict[int, str]:
    rows = s.execute(
        select(Child.id, Child.first_name, Child.preferred_name, Child.last_name).where(
            Child.id.in_(child_ids)
        )
    )
    return {r.id: _display_name(r.first_name, r.preferred_name, r.last_name) for r in rows}


def section_label(key: str) -> str:
    return "Minutes: " + SECTION_LABELS.get(key, key.replace("_", " ").strip().capitalize())


def _sources(s, rowids: list[int]) -> dict[int, tuple[str, date | None]]:
    """Each hit's label and date, a query per kind of source rather than one per hit."""
    ids: dict[int, list[int]] = {k: [] for k in range(4)}
    for rowid in rowids:
        ids[rowid % 4].append(rowid // 4)
    out: dict[int, tuple[str, date | None]] = {}
    if ids[SECTIONS]:
        for sid, key, held, planned in s.execute(
            select(ReviewSection.id, ReviewSection.key, Review.held_date, Review.planned_date)
            .join(Review, Review.id == ReviewSection.review_id)
            .where(ReviewSection.id.in_(ids[SECTIONS]))
        ):
            out[sid * 4 + SECTIONS] = (section_label(key), held or planned)
    simple = (
        (WISHES, WishEntry.id, WishEntry.recorded_on),
        (NOTES, MonitoringNote.id, MonitoringNote.noted_on),
    )
    for kind, id_col, date_col in simple:
        if ids[kind]:
            for row_id, on in s.execute(select(id_col, date_col).where(id_col.in_(ids[kind]))):
                out[row_id * 4 + kind] = (SOURCE_LABELS[kind], on)
    if ids[DECISIONS]:
        for did, held, due in s.execute(
            select(Decision.id, Review.held_date, Decision.due_date)
            .outerjoin(Review, Review.id == Decision.review_id)
            .where(Decision.id.in_(ids[DECISIONS]))
        ):
            out[did * 4 + DECISIONS] = (SOURCE_LABELS[DECISIONS], held or due)
    return out
