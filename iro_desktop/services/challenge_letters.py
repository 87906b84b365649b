"""A concern's letters: the wording of the concern drawn from the record, the IRO's edits to it (one row of
challenge_letters per concern and stage), and the letter or Cafcass summary as a PDF."""

from __future__ import annotations

import dataclasses
from datetime import date

from sqlalchemy import select

from iro_desktop.documents import challenge_letter
from iro_desktop.documents.content import Passage, StageLine
from iro_desktop.domain.calendar import format_date
from iro_desktop.problems import Problem
from iro_desktop.services import text_limits
from iro_desktop.services.challenge_events import append_event, signed_stages
from iro_desktop.services.challenge_facts import get_challenge
from iro_desktop.services.challenge_ladder import ORDER
from iro_desktop.services.challenges import concern_row, concern_text
from iro_desktop.services.documents import challenge_content
from iro_desktop.store import Store
from iro_desktop.store.models import Challenge, ChallengeLetter

LETTER_SIGNED = "This stage's letter is signed and on its way to the council: it can no longer be changed."


def saved_letter(store: Store, challenge_id: int, stage: str) -> str | None:
    """The IRO's edited wording for the stage, or None if they have not edited it."""
    with store.reading() as s:
        return s.scalar(
            select(ChallengeLetter.text).where(
                ChallengeLetter.challenge_id == challenge_id, ChallengeLetter.stage == stage
            )
        )


def letter_draft(store: Store, challenge_id: int, today: date, stage: str | None = None) -> str:
    """The concern as the letter puts it: the IRO's edited wording if saved, else drawn from the record."""
    view = get_challenge(store, challenge_id, today)
    stage = stage or view.stage_key
    saved = saved_letter(store, challenge_id, stage)
    if saved:
        return saved
    lines = [view.details]
    if view.expected:
        by = f" by {format_date(view.expected_by)}" if view.expected_by else ""
        lines.append(f"What was expected{by}: {view.expected}")
    elif view.expected_by:
        lines.append(f"This was expected by {format_date(view.expected_by)}.")
    if view.child_view:
        lines.append(f"What {view.child_name.split()[0]} thinks: {view.child_view}")
    so_far = [
        f"{format_date(e.on)}: {e.text}"
        for e in view.events[1:]
        if e.on
        and e.kind not in ("raised", "letter_signed")
        and not (e.kind == "stage_reached" and e.on == view.sent_on)
    ]
    if so_far:
        lines += ["What has happened so far:", "\n".join(so_far)]
    return "\n\n".join(lines)


def save_letter_text(store: Store, challenge_id: int, stage: str, text: str) -> None:
    text_limits.fits(text, text_limits.LETTER, "The letter", "letter")
    if not concern_text(text):
        raise Problem("The letter needs the concern in it: the text is empty.", "letter")
    with store.session() as s:  # checked and written together, so a signing cannot slip in between
        if stage in signed_stages(concern_row(s, challenge_id)):
            raise Problem(LETTER_SIGNED, "letter")
        saved = s.scalar(
            select(ChallengeLetter).where(
                ChallengeLetter.challenge_id == challenge_id, ChallengeLetter.stage == stage
            )
        )
        if saved is None:
            s.add(ChallengeLetter(challenge_id=challenge_id, stage=stage, text=text.strip()))
        else:
            saved.text = text.strip()


def letter_content(store: Store, challenge_id: int, today: date, stage: str | None = None):
    """The stage letter (or the Cafcass summary, stage="cafcass") with the IRO's wording of the concern."""
    view = get_challenge(store, challenge_id, today)
    stage = stage or (view.stage_key if view.stage_key in ORDER else "informal")
    content = challenge_content(store, challenge_id, today, stage)
    lines = tuple(StageLine(e.text, e.on) for e in view.events if e.kind != "letter_signed")
    return dataclasses.replace(
        content,
        details=Passage("challenge_details", letter_draft(store, challenge_id, today, stage)),
        history=lines,
        addressee=view.holder or content.addressee,
        issue=view.issue,
    )


def render_letter(store: Store, challenge_id: int, today: date, stage: str | None = None) -> bytes:
    return challenge_letter.render(letter_content(store, challenge_id, today, stage))


def note_letter_signed(c: Challenge, on: date, printed_record_id: str) -> None:
    """Note in the concern's history (in the signing transaction) that its current letter is signed."""
    append_event(c, "letter_signed", on, stage=c.stage, record=printed_record_id)
