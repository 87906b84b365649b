"""A concern's history: typed events appended by one writer, and each told as one plain sentence.

Every change to a concern (raising it, a conversation, a stage reached, a reply, closing it, Cafcass, what
the child was told, a letter signed) appends a ChallengeEvent through `append_event`, the demo's included;
nothing appended is rewritten, so nothing recorded is lost.
"""

from __future__ import annotations

from datetime import date

from iro_desktop.domain.calendar import format_date
from iro_desktop.services.challenge_ladder import stage_label
from iro_desktop.store.models import CHALLENGE_EVENT_KINDS, Challenge, ChallengeEvent

OUTCOMES = {"resolved": "Resolved", "partly_resolved": "Partly resolved", "not_resolved": "Not resolved"}


def append_event(c: Challenge, kind: str, on: date, **carried) -> ChallengeEvent:
    """The one writer of a concern's history: `carried` names the event's typed columns."""
    if kind not in CHALLENGE_EVENT_KINDS:
        raise ValueError(f"{kind!r} is not a kind of concern event")
    event = ChallengeEvent(kind=kind, on_date=on, **carried)
    c.events.append(event)
    return event


def events_of(c: Challenge, kind: str) -> list[ChallengeEvent]:
    return [e for e in c.events if e.kind == kind]


def signed_stages(c: Challenge) -> tuple[str, ...]:
    """The stages whose letter has been signed."""
    return tuple(e.stage or "" for e in events_of(c, "letter_signed"))


def describe(e: ChallengeEvent, rungs) -> str:
    """The event as one sentence of the concern's history list."""
    if e.kind == "stage_reached":
        return _stage_sentence(e, rungs)
    if e.kind == "letter_signed":
        stage = stage_label(rungs, e.stage or "")
        return f"The {stage} letter was signed as record {e.record or ''} and queued for the council."
    return _SENTENCES[e.kind](e)


def _stage_sentence(e: ChallengeEvent, rungs) -> str:
    skipped = (e.skipped or "").split()
    extra = f" (skipped {', '.join(stage_label(rungs, s) for s in skipped)})" if skipped else ""
    who = f" to {e.person}" if e.person else ""
    note = f". {e.note}" if e.note else ""
    return f"Escalated to {stage_label(rungs, e.stage or '')}{who}{extra}{note}"


def _informal(e: ChallengeEvent) -> str:
    return (
        f"Spoke with {e.person or ''}: {e.text or ''} Agreed: "
        f"{e.agreed_action or ''} by {format_date(e.action_by)}."
    )


def _response(e: ChallengeEvent) -> str:
    outcome = f" Outcome: {OUTCOMES[e.outcome]}." if e.outcome in OUTCOMES else ""
    return f"Response from {e.person or 'the addressee'}: {e.text or ''}{outcome}"


def _closed(e: ChallengeEvent) -> str:
    note = f": {e.note}" if e.note else ""
    return f"{OUTCOMES.get(e.outcome or '', 'Closed')}{note}"


def told_sentence(e: ChallengeEvent) -> str:
    if not e.told_concern:
        return "The child was not told about the concern" + (f": {e.note}" if e.note else ".")
    extras = [
        what for what, told in (("advocacy", e.told_advocacy), ("how to complain", e.told_complaints)) if told
    ]
    about = f", and about {' and '.join(extras)}" if extras else ""
    note = f" {e.note}" if e.note else ""
    return f"The child was told about the concern{about}.{note}"


_SENTENCES = {
    "raised": lambda e: "Concern raised",
    "informal": _informal,
    "response_received": _response,
    "closed": _closed,
    "cafcass_considered": lambda e: f"Cafcass referral considered: {e.text or ''}",
    "cafcass_referred": lambda e: f"Referred to Cafcass. Summary sent: {e.text or ''}",
    "child_told": told_sentence,
}
