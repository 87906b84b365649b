"""The IRO's challenges (docs/RULES.md): raise a concern, resolve it informally (D1), escalate it through
the council's dispute resolution process (D2), record responses and the outcome, refer to Cafcass (D3).

The Challenge row keeps the current state (stage, addressee, sent_on, response_due, response, outcome);
every step is also a typed event appended through services/challenge_events.py, never rewritten. The
process's stages are services/challenge_ladder.py, the letters services/challenge_letters.py, and the
concerns as the screens read them services/challenge_facts.py.
"""

from __future__ import annotations

from datetime import date

from iro_desktop.domain.calendar import format_date
from iro_desktop.domain.timescales import drp_response_due
from iro_desktop.problems import Problem
from iro_desktop.services import text_limits
from iro_desktop.services.challenge_events import OUTCOMES, append_event, events_of
from iro_desktop.services.challenge_facts import ISSUES, is_open
from iro_desktop.services.challenge_ladder import FORMAL_STAGES, ORDER, ladder, stage_label
from iro_desktop.services.problems import existing_child, not_before_birth
from iro_desktop.services.settings import timescale_settings, working_calendar
from iro_desktop.store import Store
from iro_desktop.store.models import Challenge, ChallengeEvent


def concern_text(value: str | None) -> str:
    """Typed text, trimmed; refused whole (never cut) past the most a concern's field holds."""
    return text_limits.fits((value or "").strip(), text_limits.SECTION, "This text")


def check_day(on: date | None, field: str, today: date, what: str) -> date:
    """`today` is the real date (store.clock), never a date the screens are viewed as of."""
    if on is None:
        raise Problem(f"Enter the date {what}.", field)
    if on > today:
        raise Problem(f"The date {what} cannot be in the future (today is {format_date(today)}).", field)
    return on


def concern_row(s, challenge_id: int) -> Challenge:
    c = s.get(Challenge, challenge_id)
    if c is None:
        raise Problem("That concern is no longer in the store.")
    return c


def _still_open(c: Challenge) -> None:
    if not is_open(c):
        raise Problem(
            f"This concern was closed on {format_date(c.resolved_on)}; "
            "raise a new concern if it has come back."
        )


def raise_concern(
    store: Store,
    child_id: int,
    issue: str,
    details: str,
    raised_on: date | None,
    expected: str = "",
    expected_by: date | None = None,
    child_view: str = "",
    about: str = "",
) -> int:
    """A new concern, informal at first (D1). `about` says where it came from: "review 12", "decision 40"."""
    details = concern_text(details)
    if issue not in ISSUES:
        raise Problem("Choose what the concern is about.", "issue")
    if not details:
        raise Problem("Describe the concern: it is empty.", "details")
    check_day(raised_on, "raised_on", store.clock.today(), "the concern was raised")
    if expected_by is not None and expected_by < raised_on:
        raise Problem(
            f"The date it was expected by cannot be before the concern was raised "
            f"({format_date(raised_on)}).",
            "expected_by",
        )
    with store.session() as s:
        not_before_birth(existing_child(s, child_id), raised_on, "raised_on")
        c = Challenge(child_id=child_id, issue=issue, details=details, raised_on=raised_on, stage="informal")
        append_event(
            c,
            "raised",
            raised_on,
            expected=concern_text(expected),
            expected_by=expected_by,
            child_view=concern_text(child_view),
            about=about,
        )
        s.add(c)
        s.flush()
        return c.id


def update_concern(
    store: Store, challenge_id: int, details: str, expected: str, expected_by: date | None, child_view: str
) -> None:
    """Corrects the description; the earlier wording stays in the history."""
    details = concern_text(details)
    if not details:
        raise Problem("Describe the concern: it is empty.", "details")
    with store.session() as s:
        c = concern_row(s, challenge_id)
        if expected_by is not None and expected_by < c.raised_on:
            raise Problem(
                f"The date it was expected by cannot be before the concern was raised "
                f"({format_date(c.raised_on)}).",
                "expected_by",
            )
        raised = (events_of(c, "raised") or [ChallengeEvent()])[-1]
        new = {
            "expected": concern_text(expected),
            "expected_by": expected_by,
            "child_view": concern_text(child_view),
        }
        if details == c.details and all((getattr(raised, k) or None) == (v or None) for k, v in new.items()):
            return
        append_event(c, "raised", raised.on_date or c.raised_on, **new, previous_details=c.details)
        c.details = details


def record_informal(
    store: Store,
    challenge_id: int,
    on: date | None,
    spoke_with: str,
    conversation: str,
    agreed_action: str,
    action_by: date | None,
) -> None:
    """D1: the conversation with the social worker or team manager, the action agreed and its date."""
    check_day(on, "informal_on", store.clock.today(), "of the conversation")
    if not concern_text(spoke_with):
        raise Problem("Say who you spoke with, for example the social worker.", "spoke_with")
    if not concern_text(conversation):
        raise Problem("Write what was said: the note of the conversation is empty.", "conversation")
    if not concern_text(agreed_action):
        raise Problem("Write the action agreed.", "agreed_action")
    if action_by is None or action_by < on:
        raise Problem("The agreed action needs a date on or after the conversation.", "action_by")
    with store.session() as s:
        c = concern_row(s, challenge_id)
        _still_open(c)
        if on < c.raised_on:
            raise Problem(
                f"The conversation cannot be before the concern was raised ({format_date(c.raised_on)}).",
                "informal_on",
            )
        append_event(
            c,
            "informal",
            on,
            person=concern_text(spoke_with),
            text=concern_text(conversation),
            agreed_action=concern_text(agreed_action),
            action_by=action_by,
        )


def escalate(store: Store, challenge_id: int, stage: str, sent_on: date | None, addressee: str = "") -> date:
    """D2: the concern goes to a formal stage (skipping allowed, going back not); returns the date due."""
    rungs, cal, settings = ladder(store), working_calendar(store), timescale_settings(store)
    if stage not in FORMAL_STAGES[: len(rungs)]:
        raise Problem("Choose a stage of the council's process.", "stage")
    check_day(sent_on, "sent_on", store.clock.today(), "the letter was sent")
    with store.session() as s:
        c = concern_row(s, challenge_id)
        _still_open(c)
        now, wanted = ORDER.index(c.stage) if c.stage in ORDER else 0, ORDER.index(stage)
        if wanted <= now:
            raise Problem(
                f"A concern cannot go back or stay at a stage: it is already at "
                f"{stage_label(rungs, c.stage)}. "
                f"Choose a later stage.",
                "stage",
            )
        if sent_on < c.raised_on or (c.sent_on and sent_on < c.sent_on):
            since = max(c.raised_on, c.sent_on or c.raised_on)
            raise Problem(f"The letter cannot be sent before {format_date(since)}.", "sent_on")
        rung = rungs[wanted - 1]
        due = drp_response_due(sent_on, cal, settings, rung.working_days)
        who = concern_text(addressee) or rung.addressee or rung.title
        skipped = " ".join(ORDER[now + 1 : wanted]) or None
        append_event(c, "stage_reached", sent_on, stage=stage, person=who, response_due=due, skipped=skipped)
        # The earlier stage's reply is in the history already; the new stage waits for its own.
        c.stage, c.addressee, c.sent_on, c.response_due, c.response = stage, who, sent_on, due, None
        return due


def record_response(
    store: Store,
    challenge_id: int,
    responded_on: date | None,
    response: str,
    outcome: str | None = None,
    responder: str = "",
) -> None:
    """A reply to the current stage and, when the IRO judges it, the outcome, which closes the concern."""
    check_day(responded_on, "responded_on", store.clock.today(), "of the response")
    if not concern_text(response):
        raise Problem("Write what the response said: it is empty.", "response")
    if outcome is not None and outcome not in OUTCOMES:
        raise Problem("Choose resolved, partly resolved or not resolved.", "outcome")
    with store.session() as s:
        c = concern_row(s, challenge_id)
        _still_open(c)
        since, what = (
            (c.sent_on, "the letter was sent") if c.sent_on else (c.raised_on, "the concern was raised")
        )
        if responded_on < since:
            raise Problem(
                f"The response cannot be dated before {what} ({format_date(since)}).", "responded_on"
            )
        who = concern_text(responder) or c.addressee or ""
        append_event(
            c,
            "response_received",
            responded_on,
            stage=c.stage,
            person=who,
            text=concern_text(response),
            outcome=outcome,
        )
        c.response = concern_text(response)
        if outcome:
            c.outcome, c.resolved_on = outcome, responded_on


def close(store: Store, challenge_id: int, outcome: str, on: date | None, note: str = "") -> None:
    """The outcome without a written reply, e.g. put right after an informal conversation."""
    check_day(on, "responded_on", store.clock.today(), "it was settled")
    if outcome not in OUTCOMES:
        raise Problem("Choose resolved, partly resolved or not resolved.", "outcome")
    with store.session() as s:
        c = concern_row(s, challenge_id)
        _still_open(c)
        _not_before_raised(c, on, "responded_on")
        append_event(c, "closed", on, outcome=outcome, note=concern_text(note))
        c.outcome, c.resolved_on = outcome, on


def consider_cafcass(store: Store, challenge_id: int, on: date | None, reasoning: str) -> None:
    """D3: the IRO considered a Cafcass referral, with their reasoning (at any point, open or closed)."""
    check_day(on, "cafcass_on", store.clock.today(), "you considered a referral")
    if not concern_text(reasoning):
        raise Problem("Write your reasoning: why you would or would not refer.", "reasoning")
    _add_event(store, challenge_id, on, "cafcass_on", "cafcass_considered", text=concern_text(reasoning))


def refer_to_cafcass(store: Store, challenge_id: int, on: date | None, summary: str) -> None:
    """D3: the referral was made, alongside the process; the referral summary PDF comes from render_letter."""
    check_day(on, "cafcass_on", store.clock.today(), "of the referral")
    if not concern_text(summary):
        raise Problem("Say what summary was sent to Cafcass.", "summary")
    _add_event(
        store, challenge_id, on, "cafcass_on", "cafcass_referred", stage="cafcass", text=concern_text(summary)
    )


def record_child_told(
    store: Store,
    challenge_id: int,
    on: date | None,
    told: bool,
    advocacy: bool,
    complaints: bool,
    note: str = "",
) -> None:
    """Whether the child was told about the concern, and about advocacy and how to complain."""
    check_day(on, "told_on", store.clock.today(), "the child was told")
    if not told and (advocacy or complaints):
        raise Problem("Tick that the child was told about the concern first.", "told")
    if not told and not concern_text(note):
        raise Problem("Say why the child was not told.", "told_note")
    told_what = {"told_concern": told, "told_advocacy": advocacy, "told_complaints": complaints}
    _add_event(store, challenge_id, on, "told_on", "child_told", **told_what, note=concern_text(note))


def _add_event(store: Store, challenge_id: int, on: date, field: str, kind: str, **carried) -> None:
    """Add a dated event to a concern's history; refused at `field` if dated before it was raised."""
    with store.session() as s:
        c = concern_row(s, challenge_id)
        _not_before_raised(c, on, field)
        append_event(c, kind, on, **carried)


def _not_before_raised(c: Challenge, on: date, field: str) -> None:
    if on < c.raised_on:
        raise Problem(
            f"The date cannot be before the concern was raised ({format_date(c.raised_on)}).", field
        )
