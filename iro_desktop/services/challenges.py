"""The IRO's challenges (DOMAIN.md 2.6): raise a concern, resolve it informally (D1), escalate it through
the council's dispute resolution process (D2), record responses and the outcome, refer to Cafcass (D3).

The Challenge row keeps the current state (stage, addressee, sent_on, response_due, response, outcome);
everything else is an event appended to its `history` JSON list and never rewritten, so nothing recorded
is lost: {"on": iso date, "event": "...", ...}. Stage events also carry "stage", as the demo's do.
The ladder of stages is one setting; the IRO's edited letter wording is a setting per concern and stage.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from iro_desktop.documents import challenge_letter
from iro_desktop.documents.content import Passage, StageLine
from iro_desktop.domain.calendar import format_date
from iro_desktop.domain.timescales import drp_final_due, drp_response_due, is_response_overdue
from iro_desktop.services import text_limits
from iro_desktop.services.documents import challenge_content
from iro_desktop.services.problems import FieldProblem, existing_child, not_before_birth
from iro_desktop.services.settings import timescale_settings, working_calendar
from iro_desktop.store import Store
from iro_desktop.store.models import Challenge, Child, Setting

ISSUES = {
    "drift": "Drift in the plan",
    "no_social_worker": "No allocated social worker",
    "placement": "Placement",
    "contact": "Contact with family",
    "education": "Education or PEP",
    "health": "Health",
    "care_plan": "Care plan not updated",
    "participation": "The child's participation",
    "transport": "Transport",
    "other": "Other",
}
OUTCOMES = {"resolved": "Resolved", "partly_resolved": "Partly resolved", "not_resolved": "Not resolved"}
FORMAL_STAGES = ("stage_1", "stage_2", "stage_3", "stage_4")  # the letters exist for four stages
ORDER = ("informal", *FORMAL_STAGES)
LADDER_KEY = "challenges.drp_ladder"
PRACTICE_KEY = "challenges.positive_practice"
RESPONSE_OVERDUE = "Response overdue"


def letter_key(challenge_id: int, stage: str) -> str:
    return f"challenges.letter.{challenge_id}.{stage}"


# --- the ladder --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rung:
    """One formal stage of the council's process: who it goes to and how long they have to reply."""

    title: str  # "Team manager"
    addressee: str  # a named person, or "" to address the letter to the title
    working_days: int


DEFAULT_LADDER = (
    Rung("Team manager", "", 5),
    Rung("Service manager", "", 5),
    Rung("Head of service", "", 5),
    Rung("Director of Children's Services", "", 5),
)


def ladder(store: Store) -> tuple[Rung, ...]:
    saved = store.get_setting(LADDER_KEY)
    if not saved:
        return DEFAULT_LADDER
    return tuple(Rung(r["title"], r.get("addressee", ""), int(r["working_days"])) for r in saved)


def save_ladder(store: Store, rungs: list[Rung] | tuple[Rung, ...]) -> None:
    """Set once by the IRO or their manager; each stage needs a title and 1 to 60 working days."""
    if not 1 <= len(rungs) <= len(FORMAL_STAGES):
        raise FieldProblem(f"The process needs between 1 and {len(FORMAL_STAGES)} stages.", "ladder")
    for n, rung in enumerate(rungs, start=1):
        if not rung.title.strip():
            raise FieldProblem(f"Stage {n} needs a title, such as 'Team manager'.", "ladder")
        if not 1 <= rung.working_days <= 60:
            raise FieldProblem(f"Stage {n}'s response time must be between 1 and 60 working days.", "ladder")
    store.set_setting(
        LADDER_KEY,
        [
            {"title": r.title.strip(), "addressee": r.addressee.strip(), "working_days": r.working_days}
            for r in rungs
        ],
    )


def ladder_total(rungs: tuple[Rung, ...]) -> int:
    return sum(r.working_days for r in rungs)


def stage_label(store_or_rungs, stage: str) -> str:
    """ "Informal", or "Stage 2: Service manager"; a stage beyond the ladder keeps its number."""
    if stage == "informal":
        return "Informal"
    rungs = store_or_rungs if isinstance(store_or_rungs, tuple) else ladder(store_or_rungs)
    n = int(stage.split("_")[1]) if stage in FORMAL_STAGES else 0
    title = rungs[n - 1].title if 0 < n <= len(rungs) else ""
    return f"Stage {n}: {title}" if title else stage.replace("_", " ").capitalize()


# --- read model ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Event:
    on: date | None
    kind: str
    text: str  # one plain sentence for the concern's history list


@dataclass(frozen=True)
class ChallengeView:
    id: int
    child_id: int
    child_ref: str
    child_name: str
    issue_key: str
    issue: str
    details: str
    raised_on: date
    stage_key: str
    stage: str
    holder: str  # who holds it now: the addressee of the current stage
    sent_on: date | None
    response_due: date | None
    response: str
    outcome: str  # plain label, "" while open
    resolved_on: date | None
    open: bool
    overdue: bool
    status: str
    expected: str
    expected_by: date | None
    child_view: str
    cafcass: str  # "", "Considered", "Referred on 3 Dec 2026"
    child_told: str  # "", or what the child was told
    formal_started: date | None
    final_due: date | None  # the 20 working days of the whole formal process (D2)
    furthest_stage: str  # the key of the furthest stage reached: "informal", "stage_1" ...
    events: tuple[Event, ...]
    signed_letters: tuple[str, ...] = ()  # the stages whose letter is signed, so can no longer change

    @property
    def letter_signed(self) -> bool:
        """Whether the current stage's letter is signed."""
        return self.stage_key in self.signed_letters

    def to_json(self) -> dict:
        """As `iro-desktop concerns --json` prints it: keys, not labels, for councils' scripts."""
        return {
            "id": self.id,
            "child_ref": self.child_ref,
            "child": self.child_name,
            "issue": self.issue_key,
            "stage": self.stage_key,
            "status": self.status,
            "open": self.open,
            "response_due": self.response_due.isoformat() if self.response_due else None,
            "letters_signed": list(self.signed_letters),
        }


def _day(value) -> date | None:
    return date.fromisoformat(value) if value else None


def _events_of(c: Challenge, kind: str) -> list[dict]:
    return [h for h in (c.history or []) if isinstance(h, dict) and h.get("event") == kind]


def signed_stages(c: Challenge) -> tuple[str, ...]:
    """The stages whose letter has been signed."""
    return tuple(h.get("letter_stage", "") for h in _events_of(c, "letter_signed"))


def _describe(h: dict, rungs) -> str:
    kind = h.get("event") or ("stage" if h.get("stage") else "")
    stage = h.get("stage", "")
    if kind == "raised":
        return "Concern raised"
    if kind == "stage" or (kind == "" and stage):
        if stage == "informal":
            return "Raised informally"
        if stage == "resolved":
            return "Resolved"
        skipped = h.get("skipped") or []
        extra = f" (skipped {', '.join(stage_label(rungs, s) for s in skipped)})" if skipped else ""
        who = f" to {h['addressee']}" if h.get("addressee") else ""
        note = f". {h['note']}" if h.get("note") else ""
        return f"Escalated to {stage_label(rungs, stage)}{who}{extra}{note}"
    if kind == "informal":
        return (
            f"Spoke with {h.get('spoke_with', '')}: {h.get('conversation', '')} Agreed: "
            f"{h.get('agreed_action', '')} by {format_date(_day(h.get('action_by')))}."
        )
    if kind == "response":
        outcome = f" Outcome: {OUTCOMES[h['outcome']]}." if h.get("outcome") else ""
        return f"Response from {h.get('from') or 'the addressee'}: {h.get('response', '')}{outcome}"
    if kind == "cafcass_considered":
        return f"Cafcass referral considered: {h.get('reasoning', '')}"
    if kind == "cafcass_referred":
        return f"Referred to Cafcass. Summary sent: {h.get('summary', '')}"
    if kind == "child_told":
        return _told_sentence(h)
    if kind == "letter_signed":
        stage = stage_label(rungs, h.get("letter_stage", ""))
        return f"The {stage} letter was signed as record {h.get('record', '')} and queued for the council."
    return kind.replace("_", " ").capitalize()


def _told_sentence(h: dict) -> str:
    if not h.get("concern"):
        return "The child was not told about the concern" + (f": {h['note']}" if h.get("note") else ".")
    extras = [w for w, key in (("advocacy", "advocacy"), ("how to complain", "complaints")) if h.get(key)]
    about = f", and about {' and '.join(extras)}" if extras else ""
    note = f" {h['note']}" if h.get("note") else ""
    return f"The child was told about the concern{about}.{note}"


def _status(c: Challenge, overdue: bool) -> str:
    if c.outcome:
        return OUTCOMES.get(c.outcome, c.outcome)
    if overdue:
        return RESPONSE_OVERDUE
    if c.response:
        return "Response received"
    if c.response_due:
        return "Awaiting response"
    return "Informal"


def is_open(c: Challenge) -> bool:
    return c.outcome is None and c.resolved_on is None


def response_overdue(c: Challenge, today: date) -> bool:
    """Open, a response due, none received, and the due date past (D2): the same rule everywhere."""
    awaited = is_open(c) and c.response_due is not None and not c.response
    return bool(awaited and is_response_overdue(c.response_due, today))


def _view(c: Challenge, child: Child, today: date, rungs, cal, settings) -> ChallengeView:
    still_open, overdue = is_open(c), response_overdue(c, today)
    raised = (_events_of(c, "raised") or [{}])[-1]
    formal = [h for h in (c.history or []) if isinstance(h, dict) and h.get("stage") in FORMAL_STAGES]
    started = _day(formal[0].get("on")) if formal else None
    referred = _events_of(c, "cafcass_referred")
    cafcass = (
        f"Referred on {format_date(_day(referred[-1]['on']))}"
        if referred
        else "Considered"
        if _events_of(c, "cafcass_considered")
        else ""
    )
    told = _events_of(c, "child_told")
    return ChallengeView(
        id=c.id,
        child_id=child.id,
        child_ref=child.child_ref,
        child_name=child.display_name,
        issue_key=c.issue,
        issue=ISSUES.get(c.issue, c.issue.replace("_", " ").capitalize()),
        details=c.details or "",
        raised_on=c.raised_on,
        stage_key=c.stage,
        stage=stage_label(rungs, c.stage),
        holder=c.addressee or "",
        sent_on=c.sent_on,
        response_due=c.response_due,
        response=c.response or "",
        outcome=OUTCOMES.get(c.outcome or "", c.outcome or ""),
        resolved_on=c.resolved_on,
        open=still_open,
        overdue=overdue,
        status=_status(c, overdue),
        expected=raised.get("expected", ""),
        expected_by=_day(raised.get("expected_by")),
        child_view=raised.get("child_view", ""),
        cafcass=cafcass,
        child_told=_told_sentence(told[-1]) if told else "",
        formal_started=started,
        furthest_stage=max(
            (h.get("stage") for h in (c.history or []) if isinstance(h, dict) and h.get("stage") in ORDER),
            key=ORDER.index,
            default=c.stage if c.stage in ORDER else "informal",
        ),
        final_due=drp_final_due(started, cal, settings) if started else None,
        events=tuple(
            Event(_day(h.get("on")), h.get("event") or "stage", _describe(h, rungs))
            for h in (c.history or [])
            if isinstance(h, dict)
        ),
        signed_letters=signed_stages(c),
    )


def _load(store: Store, today: date, where) -> list[ChallengeView]:
    rungs, cal, settings = ladder(store), working_calendar(store), timescale_settings(store)
    with store.session() as s:
        rows = s.execute(
            select(Challenge, Child)
            .join(Child, Challenge.child_id == Child.id)
            .where(*where)
            .order_by(Challenge.response_due.is_(None), Challenge.response_due, Challenge.raised_on)
        )
        return [_view(c, child, today, rungs, cal, settings) for c, child in rows]


def open_challenges(store: Store, today: date) -> list[ChallengeView]:
    """Every open concern across the caseload, the soonest response first."""
    return _load(store, today, (Challenge.outcome.is_(None), Challenge.resolved_on.is_(None)))


def all_challenges(store: Store, today: date) -> list[ChallengeView]:
    return _load(store, today, ())


def challenges_for_child(store: Store, child_id: int, today: date) -> list[ChallengeView]:
    return _load(store, today, (Challenge.child_id == child_id,))


def get_challenge(store: Store, challenge_id: int, today: date) -> ChallengeView:
    found = _load(store, today, (Challenge.id == challenge_id,))
    if not found:
        raise FieldProblem("That concern is no longer in the store.")
    return found[0]


# --- what the IRO does -------------------------------------------------------------------------


def _text(value: str | None) -> str:
    """Typed text, trimmed; refused whole (never cut) past the most a concern's field holds."""
    return text_limits.fits((value or "").strip(), text_limits.SECTION, "This text")


def _check_day(on: date | None, field: str, today: date, what: str) -> date:
    """`today` is the real date (store.clock), never a date the screens are viewed as of."""
    if on is None:
        raise FieldProblem(f"Enter the date {what}.", field)
    if on > today:
        raise FieldProblem(f"The date {what} cannot be in the future (today is {format_date(today)}).", field)
    return on


def _open_row(s, challenge_id: int) -> Challenge:
    c = s.get(Challenge, challenge_id)
    if c is None:
        raise FieldProblem("That concern is no longer in the store.")
    return c


def _still_open(c: Challenge) -> None:
    if not is_open(c):
        raise FieldProblem(
            f"This concern was closed on {format_date(c.resolved_on)}; "
            "raise a new concern if it has come back."
        )


def _append(c: Challenge, event: dict) -> None:
    c.history = [*(c.history or []), event]  # a new list, so the JSON column is written


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
    details = _text(details)
    if issue not in ISSUES:
        raise FieldProblem("Choose what the concern is about.", "issue")
    if not details:
        raise FieldProblem("Describe the concern: it is empty.", "details")
    _check_day(raised_on, "raised_on", store.clock.today(), "the concern was raised")
    if expected_by is not None and expected_by < raised_on:
        raise FieldProblem(
            f"The date it was expected by cannot be before the concern was raised "
            f"({format_date(raised_on)}).",
            "expected_by",
        )
    with store.session() as s:
        not_before_birth(existing_child(s, child_id), raised_on, "raised_on")
        c = Challenge(child_id=child_id, issue=issue, details=details, raised_on=raised_on, stage="informal")
        c.history = [
            {
                "on": raised_on.isoformat(),
                "event": "raised",
                "stage": "informal",
                "expected": _text(expected),
                "expected_by": expected_by.isoformat() if expected_by else None,
                "child_view": _text(child_view),
                "about": about,
            },
        ]
        s.add(c)
        s.flush()
        return c.id


def update_concern(
    store: Store, challenge_id: int, details: str, expected: str, expected_by: date | None, child_view: str
) -> None:
    """Corrects the description; the earlier wording stays in the history."""
    details = _text(details)
    if not details:
        raise FieldProblem("Describe the concern: it is empty.", "details")
    with store.session() as s:
        c = _open_row(s, challenge_id)
        if expected_by is not None and expected_by < c.raised_on:
            raise FieldProblem(
                f"The date it was expected by cannot be before the concern was raised "
                f"({format_date(c.raised_on)}).",
                "expected_by",
            )
        raised = (_events_of(c, "raised") or [{}])[-1]
        new = {
            "expected": _text(expected),
            "expected_by": expected_by.isoformat() if expected_by else None,
            "child_view": _text(child_view),
        }
        if details == c.details and all(raised.get(k) == v for k, v in new.items()):
            return
        _append(
            c,
            {
                "on": raised.get("on") or c.raised_on.isoformat(),
                "event": "raised",
                **new,
                "previous_details": c.details,
            },
        )
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
    _check_day(on, "informal_on", store.clock.today(), "of the conversation")
    if not _text(spoke_with):
        raise FieldProblem("Say who you spoke with, for example the social worker.", "spoke_with")
    if not _text(conversation):
        raise FieldProblem("Write what was said: the note of the conversation is empty.", "conversation")
    if not _text(agreed_action):
        raise FieldProblem("Write the action agreed.", "agreed_action")
    if action_by is None or action_by < on:
        raise FieldProblem("The agreed action needs a date on or after the conversation.", "action_by")
    with store.session() as s:
        c = _open_row(s, challenge_id)
        _still_open(c)
        if on < c.raised_on:
            raise FieldProblem(
                f"The conversation cannot be before the concern was raised ({format_date(c.raised_on)}).",
                "informal_on",
            )
        _append(
            c,
            {
                "on": on.isoformat(),
                "event": "informal",
                "spoke_with": _text(spoke_with),
                "conversation": _text(conversation),
                "agreed_action": _text(agreed_action),
                "action_by": action_by.isoformat(),
            },
        )


def escalate(store: Store, challenge_id: int, stage: str, sent_on: date | None, addressee: str = "") -> date:
    """D2: the concern goes to a formal stage (skipping allowed, going back not); returns the date due."""
    # Settings first: each is its own short transaction, and one may not open inside another.
    rungs, cal, settings = ladder(store), working_calendar(store), timescale_settings(store)
    if stage not in FORMAL_STAGES[: len(rungs)]:
        raise FieldProblem("Choose a stage of the council's process.", "stage")
    _check_day(sent_on, "sent_on", store.clock.today(), "the letter was sent")
    with store.session() as s:
        c = _open_row(s, challenge_id)
        _still_open(c)
        now, wanted = ORDER.index(c.stage) if c.stage in ORDER else 0, ORDER.index(stage)
        if wanted <= now:
            raise FieldProblem(
                f"A concern cannot go back or stay at a stage: it is already at "
                f"{stage_label(rungs, c.stage)}. "
                f"Choose a later stage.",
                "stage",
            )
        if sent_on < c.raised_on or (c.sent_on and sent_on < c.sent_on):
            since = max(c.raised_on, c.sent_on or c.raised_on)
            raise FieldProblem(f"The letter cannot be sent before {format_date(since)}.", "sent_on")
        rung = rungs[wanted - 1]
        due = drp_response_due(sent_on, cal, settings, rung.working_days)
        who = _text(addressee) or rung.addressee or rung.title
        _append(
            c,
            {
                "on": sent_on.isoformat(),
                "event": "stage",
                "stage": stage,
                "addressee": who,
                "response_due": due.isoformat(),
                "skipped": list(ORDER[now + 1 : wanted]),
            },
        )
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
    _check_day(responded_on, "responded_on", store.clock.today(), "of the response")
    if not _text(response):
        raise FieldProblem("Write what the response said: it is empty.", "response")
    if outcome is not None and outcome not in OUTCOMES:
        raise FieldProblem("Choose resolved, partly resolved or not resolved.", "outcome")
    with store.session() as s:
        c = _open_row(s, challenge_id)
        _still_open(c)
        since, what = (
            (c.sent_on, "the letter was sent") if c.sent_on else (c.raised_on, "the concern was raised")
        )
        if responded_on < since:
            raise FieldProblem(
                f"The response cannot be dated before {what} ({format_date(since)}).", "responded_on"
            )
        _append(
            c,
            {
                "on": responded_on.isoformat(),
                "event": "response",
                "at_stage": c.stage,
                "from": _text(responder) or c.addressee or "",
                "response": _text(response),
                "outcome": outcome,
            },
        )
        c.response = _text(response)
        if outcome:
            c.outcome, c.resolved_on = outcome, responded_on


def close(store: Store, challenge_id: int, outcome: str, on: date | None, note: str = "") -> None:
    """The outcome without a written reply, e.g. put right after an informal conversation."""
    _check_day(on, "responded_on", store.clock.today(), "it was settled")
    if outcome not in OUTCOMES:
        raise FieldProblem("Choose resolved, partly resolved or not resolved.", "outcome")
    with store.session() as s:
        c = _open_row(s, challenge_id)
        _still_open(c)
        _not_before_raised(c, on, "responded_on")
        _append(c, {"on": on.isoformat(), "event": "closed", "outcome": outcome, "note": _text(note)})
        c.outcome, c.resolved_on = outcome, on


def consider_cafcass(store: Store, challenge_id: int, on: date | None, reasoning: str) -> None:
    """D3: the IRO considered a Cafcass referral, with their reasoning (at any point, open or closed)."""
    _check_day(on, "cafcass_on", store.clock.today(), "you considered a referral")
    if not _text(reasoning):
        raise FieldProblem("Write your reasoning: why you would or would not refer.", "reasoning")
    _add_event(
        store, challenge_id, on, "cafcass_on", {"event": "cafcass_considered", "reasoning": _text(reasoning)}
    )


def refer_to_cafcass(store: Store, challenge_id: int, on: date | None, summary: str) -> None:
    """D3: the referral was made, alongside the process; the referral summary PDF comes from render_letter."""
    _check_day(on, "cafcass_on", store.clock.today(), "of the referral")
    if not _text(summary):
        raise FieldProblem("Say what summary was sent to Cafcass.", "summary")
    event = {"event": "cafcass_referred", "stage": "cafcass", "summary": _text(summary)}
    _add_event(store, challenge_id, on, "cafcass_on", event)


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
    _check_day(on, "told_on", store.clock.today(), "the child was told")
    if not told and (advocacy or complaints):
        raise FieldProblem("Tick that the child was told about the concern first.", "told")
    if not told and not _text(note):
        raise FieldProblem("Say why the child was not told.", "told_note")
    event = {"event": "child_told", "concern": told, "advocacy": advocacy, "complaints": complaints}
    _add_event(store, challenge_id, on, "told_on", {**event, "note": _text(note)})


def _add_event(store: Store, challenge_id: int, on: date, field: str, event: dict) -> None:
    """Add a dated event to a concern's history; refused at `field` if dated before it was raised."""
    with store.session() as s:
        c = _open_row(s, challenge_id)
        _not_before_raised(c, on, field)
        _append(c, {"on": on.isoformat(), **event})


def _not_before_raised(c: Challenge, on: date, field: str) -> None:
    if on < c.raised_on:
        raise FieldProblem(
            f"The date cannot be before the concern was raised ({format_date(c.raised_on)}).", field
        )


# --- letters -----------------------------------------------------------------------------------


def letter_draft(store: Store, challenge_id: int, today: date, stage: str | None = None) -> str:
    """The concern as the letter puts it: the IRO's edited wording if saved, else drawn from the record."""
    view = get_challenge(store, challenge_id, today)
    stage = stage or view.stage_key
    saved = store.get_setting(letter_key(challenge_id, stage))
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
        and not (e.kind == "stage" and e.on == view.sent_on)
    ]
    if so_far:
        lines += ["What has happened so far:", "\n".join(so_far)]
    return "\n\n".join(lines)


def save_letter_text(store: Store, challenge_id: int, stage: str, text: str) -> None:
    text_limits.fits(text, text_limits.LETTER, "The letter", "letter")
    if not _text(text):
        raise FieldProblem("The letter needs the concern in it: the text is empty.", "letter")
    with store.session() as s:  # checked and written together, so a signing cannot slip in between
        if stage in signed_stages(_open_row(s, challenge_id)):
            raise FieldProblem(LETTER_SIGNED, "letter")
        s.merge(Setting(key=letter_key(challenge_id, stage), value=text.strip()))


LETTER_SIGNED = "This stage's letter is signed and on its way to the council: it can no longer be changed."


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
    event = {"event": "letter_signed", "letter_stage": c.stage, "record": printed_record_id}
    _append(c, {"on": on.isoformat(), **event})


# --- the IRO's notes of positive practice --------------------------------------------------------


@dataclass(frozen=True)
class PracticeNote:
    on: date
    text: str


def practice_notes(store: Store) -> list[PracticeNote]:
    return [
        PracticeNote(date.fromisoformat(n["on"]), n["text"])
        for n in store.get_setting(PRACTICE_KEY, []) or []
    ]


def add_practice_note(store: Store, on: date | None, text: str) -> None:
    """Positive practice the IRO chose to note, for the annual report."""
    _check_day(on, "practice_on", store.clock.today(), "of the good practice")
    if not _text(text):
        raise FieldProblem("Write what went well: the note is empty.", "practice")
    notes = store.get_setting(PRACTICE_KEY, []) or []
    store.set_setting(PRACTICE_KEY, [*notes, {"on": on.isoformat(), "text": _text(text)}])
