"""A concern's history as the versions before migration 0005 kept it: a JSON list on the challenge row,
read into the columns of challenge_events. Used by that migration and to receive a handover file written
then; nothing writes this shape any more, so it stays as it is.

Two shapes are read: the service's ({"event": ..., "on": ...}) and the demo's older one ({"stage":
"informal" | "stage_1" ... | "resolved", "on": ...}). An entry of neither shape is skipped.
"""

from __future__ import annotations

from datetime import date


def _day(value) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) and value else None


def _words(value) -> str | None:
    return value if isinstance(value, str) and value else None


def _typed(h: dict, outcome: str | None) -> dict | None:
    """One history entry as an event row's columns, or None for an entry with no kind to give it."""
    kind, stage = h.get("event") or "", h.get("stage") or ""
    if kind == "raised" or (not kind and stage == "informal"):
        return {
            "kind": "raised",
            "expected": _words(h.get("expected")),
            "expected_by": _day(h.get("expected_by")),
            "child_view": _words(h.get("child_view")),
            "about": _words(h.get("about")),
            "previous_details": _words(h.get("previous_details")),
        }
    if not kind and stage == "resolved":
        return {"kind": "closed", "outcome": outcome or "resolved"}
    if kind == "stage" or (not kind and stage):
        skipped = " ".join(s for s in h.get("skipped") or [] if isinstance(s, str))
        return {
            "kind": "stage_reached",
            "stage": stage,
            "person": _words(h.get("addressee")),
            "response_due": _day(h.get("response_due")),
            "skipped": skipped or None,
            "note": _words(h.get("note")),
        }
    simple = {
        "informal": lambda: {
            "person": _words(h.get("spoke_with")),
            "text": _words(h.get("conversation")),
            "agreed_action": _words(h.get("agreed_action")),
            "action_by": _day(h.get("action_by")),
        },
        "response": lambda: {
            "kind": "response_received",
            "stage": _words(h.get("at_stage")),
            "person": _words(h.get("from")),
            "text": _words(h.get("response")),
            "outcome": _words(h.get("outcome")),
        },
        "closed": lambda: {"outcome": _words(h.get("outcome")), "note": _words(h.get("note"))},
        "cafcass_considered": lambda: {"text": _words(h.get("reasoning"))},
        "cafcass_referred": lambda: {"stage": "cafcass", "text": _words(h.get("summary"))},
        "child_told": lambda: {
            "told_concern": bool(h.get("concern")),
            "told_advocacy": bool(h.get("advocacy")),
            "told_complaints": bool(h.get("complaints")),
            "note": _words(h.get("note")),
        },
        "letter_signed": lambda: {"stage": _words(h.get("letter_stage")), "record": _words(h.get("record"))},
    }
    if kind not in simple:
        return None
    return {"kind": kind, **simple[kind]()}


def history_rows(challenge_id: int, history, raised_on: date, outcome: str | None) -> list[dict]:
    """A concern's history list as event rows, in the order it was written."""
    rows = []
    for h in history if isinstance(history, list) else []:
        typed = _typed(h, outcome) if isinstance(h, dict) else None
        if typed is not None:
            on = _day(h.get("on")) or raised_on
            rows.append({"challenge_id": challenge_id, "on_date": on, **typed})
    return rows
