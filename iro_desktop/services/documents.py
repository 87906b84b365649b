"""Building each document's content from the store, and rendering a recipient's copy.

The content is a frozen value (documents.content), so the same review gives the same PDF bytes. The IRO's
choices are the review's own texts (services.review_texts): which passages each recipient does not get,
and the edited letter to the child. Both are frozen with the rest once the review is signed. A review not
yet signed prints DRAFT on every page.
"""

from __future__ import annotations

import subprocess
import tempfile
from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from iro_desktop.documents import challenge_letter, decisions, letter_to_child, review_record
from iro_desktop.documents.content import (
    AttendanceLine,
    ChallengeContent,
    LetterContent,
    Letterhead,
    Passage,
    RecipientLine,
    RecordDecision,
    RecordWish,
    ReviewContent,
    SectionText,
    StageLine,
)
from iro_desktop.documents.distribution import Contact, Recipient, address_key, recipients, withheld_for
from iro_desktop.documents.templates import Wording, load_wording
from iro_desktop.domain.calendar import format_date
from iro_desktop.domain.codes import PARTICIPATION_PLAIN
from iro_desktop.domain.review_states import MET, SIGNED, ReviewState, state_of
from iro_desktop.problems import Problem
from iro_desktop.services import review_texts
from iro_desktop.services.minutes import ATTENDANCE, HOW_OBTAINED, SECTIONS
from iro_desktop.services.review_life import editable, latest_signed
from iro_desktop.store import Store
from iro_desktop.store.models import PERSON_ROLES, Challenge, Child, Decision, Review, WishEntry

LOGO_KEY = "documents.logo_path"
REVIEW_DOCUMENTS = {
    "review_record": "Review record",
    "decisions": "Decisions",
    "letter_to_child": "Letter to the child",
}
_SECTION_LABELS = {key: label for key, label, _ in SECTIONS}
_SECTION_ORDER = {key: n for n, (key, _, _) in enumerate(SECTIONS)}


def printed_record_id(store: Store, review_id: int) -> str:
    """The identifier printed on every page: the signed record's ("<id> v2") once there is one, so a copy
    can be matched to what the council holds; a draft's own ("R-<review>-draft") until then, and the next
    version's while a correction is open."""
    with store.reading() as s:
        signed = latest_signed(s, review_id)
        correcting = state_of(s.get(Review, review_id).status) is ReviewState.CORRECTING
    if signed is None:
        return f"R-{review_id}-draft"
    if correcting:
        return f"{signed.record_id} v{signed.version + 1} (draft)"
    return f"{signed.record_id} v{signed.version}"


def letterhead(store: Store, today: date, record_id: str, draft: bool = False) -> Letterhead:
    profile = store.profile()
    return Letterhead(
        draft=draft,
        council_name=profile.council_name,
        iro_name=profile.iro_name,
        produced_on=today,
        record_id=record_id,
        is_demo=profile.is_demo,
        logo_path=store.get_setting(LOGO_KEY),
        iro_email=profile.email,
        iro_phone=profile.phone,
    )


def _review(s: Session, review_id: int) -> Review:
    review = s.scalars(
        select(Review)
        .where(Review.id == review_id)
        .options(
            selectinload(Review.child).selectinload(Child.people),
            selectinload(Review.attendance),
            selectinload(Review.sections),
        )
    ).one_or_none()
    if review is None:
        raise Problem("That review is no longer in the store.")
    return review


def _contacts(child: Child, review: Review) -> list[Contact]:
    attended = {a.person_id for a in review.attendance if a.attendance in ("present", "sent_views")}
    return [
        Contact(
            p.id,
            p.name,
            p.role,
            PERSON_ROLES.get(p.role, p.role),
            p.address,
            bool(p.has_parental_responsibility),
            p.id in attended,
        )
        for p in child.people
    ]


def _distribution(child: Child, review: Review) -> tuple[Recipient, ...]:
    return recipients(child.display_name, _contacts(child, review))


def _recipient_lines(found: tuple[Recipient, ...]) -> tuple[RecipientLine, ...]:
    return tuple(
        RecipientLine(
            r.key,
            r.name,
            r.role_label,
            Passage(address_key(int(r.key.split(":")[1])), r.address) if r.address else None,
        )
        for r in found
    )


def _paragraphs(key: str, text: str) -> tuple[Passage, ...]:
    """Blank lines split a minuted section into paragraphs, each of which can be withheld on its own."""
    parts = [p.strip() for p in text.split("\n\n") if p.strip()]
    return tuple(Passage(f"section:{key}:{n}", p) for n, p in enumerate(parts, start=1))


def _sections(review: Review) -> tuple[SectionText, ...]:
    rows = sorted(review.sections, key=lambda r: (_SECTION_ORDER.get(r.key, len(SECTIONS)), r.key))
    return tuple(
        SectionText(
            r.key,
            _SECTION_LABELS.get(r.key, r.key.replace("_", " ").capitalize()),
            _paragraphs(r.key, r.text),
        )
        for r in rows
        if r.key != "iro_view"  # the IRO's view has its own place near the end of the record
    )


def _private_conversation(review: Review, first_name: str, wording: Wording) -> str:
    if review.spoke_alone:
        when = (
            format_date(review.spoke_alone_date or review.held_date)
            if (review.spoke_alone_date or review.held_date)
            else ""
        )
        place = f" ({review.spoke_alone_place})" if review.spoke_alone_place else ""
        return wording.say("labels", "spoke_alone_yes", first_name=first_name, date=when, place=place)
    if review.spoke_alone is False:
        category = wording.phrases["not_alone"].get(review.not_alone_category or "other", "")
        if review.not_alone_reason and review.not_alone_category in (None, "other"):
            category = ""  # the IRO's own reason says it better than "another reason"
        reason = "; ".join(x for x in (category.format(first_name=first_name), review.not_alone_reason) if x)
        return wording.say("labels", "spoke_alone_no", first_name=first_name, reason=reason)
    return wording.say("labels", "spoke_alone_unknown", first_name=first_name)


def _iro_view(review: Review) -> Passage | None:
    text = review.iro_view or next((r.text for r in review.sections if r.key == "iro_view"), "")
    return Passage("iro_view", text) if text and text.strip() else None


def is_draft(store: Store, review_id: int) -> bool:
    """A review's documents are drafts until it is signed (and again while a correction is open)."""
    with store.reading() as s:
        return state_of(_review(s, review_id).status) not in SIGNED


def _attendance_word(a, held: bool) -> str:
    if a.attendance == "invited" and held:
        return "Not recorded"  # after the meeting, "invited" only means nobody recorded it
    return ATTENDANCE.get(a.attendance, a.attendance)


def review_content(
    store: Store, review_id: int, today: date, record_id: str | None = None, draft: bool | None = None
) -> ReviewContent:
    """Everything minuted for one review, in the order the record prints it.

    `draft` marks every page; left as None it follows the review's state (finalising passes False).
    """
    wording = load_wording()
    draft = is_draft(store, review_id) if draft is None else draft
    head = letterhead(store, today, record_id or printed_record_id(store, review_id), draft)
    with store.reading() as s:
        review = _review(s, review_id)
        held = state_of(review.status) in MET
        child = review.child
        first = child.preferred_name or child.first_name
        wishes = s.scalars(
            select(WishEntry)
            .where(WishEntry.review_id == review_id)
            .order_by(WishEntry.recorded_on, WishEntry.id)
        ).all()
        made = s.scalars(
            select(Decision).where(Decision.review_id == review_id).order_by(Decision.number, Decision.id)
        ).all()
        return ReviewContent(
            head=head,
            child_name=child.display_name,
            first_name=first,
            dob=child.dob,
            review_label=wording.say("labels", "review_number", number=review.number or "").strip(),
            held_on=review.held_date,
            venue=Passage("venue", review.venue) if review.venue else None,
            participation=PARTICIPATION_PLAIN.get(review.participation_code or "", "Not recorded"),
            private_conversation=_private_conversation(review, first, wording),
            attendance=tuple(
                AttendanceLine(a.name, PERSON_ROLES.get(a.role, a.role), _attendance_word(a, held))
                for a in sorted(review.attendance, key=lambda a: a.id)
            ),
            wishes=tuple(
                RecordWish(
                    f"wish:{w.id}", w.recorded_on, HOW_OBTAINED.get(w.how_obtained, w.how_obtained), w.words
                )
                for w in wishes
            ),
            sections=_sections(review),
            decisions=tuple(
                RecordDecision(
                    f"decision:{d.id}", d.number or n, d.action, d.person_responsible or "", d.due_date
                )
                for n, d in enumerate(made, start=1)
            ),
            iro_view=_iro_view(review),
            next_review=review.next_review_date,
            distribution=_recipient_lines(_distribution(child, review)),
            planned_on=None if review.held_date else review.planned_date,
        )


def distribution(store: Store, review_id: int) -> tuple[Recipient, ...]:
    """Who a review's documents go to, child first."""
    with store.reading() as s:
        review = _review(s, review_id)
        return _distribution(review.child, review)


def draft_letter_text(store: Store, review_id: int, today: date) -> str:
    """A first draft of the letter to the child, in the second person, from what was minuted."""
    content = review_content(store, review_id, today)
    say = load_wording().say
    paragraphs = [say("letter", "greeting", first_name=content.first_name)]
    if content.held_on:
        paragraphs.append(say("letter", "opening", date=format_date(content.held_on)))
    else:
        paragraphs.append(say("letter", "opening_no_date"))
    with store.reading() as s:
        review = _review(s, review_id)
        spoke_alone = review.spoke_alone
        roles = {
            p.name: PERSON_ROLES.get(p.role, "").lower() for p in review.child.people if p.role != "other"
        }
    if spoke_alone:
        paragraphs.append(say("letter", "spoke_alone"))
    paragraphs += [say("letter", "you_told_me", words=w.words) for w in content.wishes]
    if content.decisions:
        lines = [
            say(
                "letter",
                "decision_with_role" if d.person in roles else "decision",
                person=d.person or "Someone",
                role=roles.get(d.person, ""),
                action=_lower_first(d.action),
                due=format_date(d.due) if d.due else say("labels", "not_set"),
            )
            for d in content.decisions
        ]
        paragraphs.append(say("letter", "decisions_intro") + "\n" + "\n".join(lines))
    if content.next_review:
        paragraphs.append(say("letter", "next_review", date=format_date(content.next_review)))
    paragraphs.append(say("letter", "closing"))
    paragraphs.append(f"{say('letter', 'sign_off')}\n{content.head.iro_name}")
    return "\n\n".join(paragraphs)


def _lower_first(text: str) -> str:
    text = text.strip().rstrip(".")
    return text[:1].lower() + text[1:] if text[:2] != text[:2].upper() else text


def letter_text(store: Store, review_id: int, today: date) -> str:
    """The IRO's edited letter if there is one, otherwise a fresh draft."""
    saved = review_texts.get(store, review_id, review_texts.LETTER)
    return saved if isinstance(saved, str) and saved.strip() else draft_letter_text(store, review_id, today)


def save_letter_text(store: Store, review_id: int, text: str) -> None:
    """The IRO's own wording of the letter; refused once the review is signed."""
    with store.session() as s:
        editable(s, review_id)
        review_texts.write(s, review_id, review_texts.LETTER, text if (text or "").strip() else "")


def letter_content(store: Store, review_id: int, today: date, record_id: str | None = None) -> LetterContent:
    text = letter_text(store, review_id, today)
    with store.reading() as s:
        review = _review(s, review_id)
        child_name, found = review.child.display_name, _distribution(review.child, review)
    parts = [p.strip() for p in text.split("\n\n") if p.strip()]
    return LetterContent(
        head=letterhead(
            store, today, record_id or printed_record_id(store, review_id), is_draft(store, review_id)
        ),
        child_name=child_name,
        paragraphs=tuple(Passage(f"letter:{n}", p) for n, p in enumerate(parts, start=1)),
        distribution=_recipient_lines(found),
    )


def withholding(store: Store, review_id: int) -> dict[str, list[str]]:
    """For one review: recipient key -> passage keys left out of that recipient's copies."""
    return dict(review_texts.get(store, review_id, review_texts.WITHHELD) or {})


def set_withheld(store: Store, review_id: int, recipient_key: str, passage_keys: list[str]) -> None:
    """What one recipient's copies leave out; refused once the review is signed."""
    with store.session() as s:
        editable(s, review_id)
        choices = dict(review_texts.read(s, review_id, review_texts.WITHHELD) or {})
        choices[recipient_key] = sorted(set(passage_keys))
        review_texts.write(s, review_id, review_texts.WITHHELD, {k: v for k, v in choices.items() if v})


def passages(content: ReviewContent | LetterContent) -> list[Passage]:
    """Every passage the IRO can withhold from a recipient, in document order."""
    if isinstance(content, LetterContent):
        return list(content.paragraphs)
    found: list[Passage] = [content.venue] if content.venue else []
    found += [Passage(w.key, w.words) for w in content.wishes]
    found += [p for section in content.sections for p in section.paragraphs]
    found += [Passage(d.key, d.action) for d in content.decisions]
    found += [content.iro_view] if content.iro_view else []
    found += [r.address for r in content.distribution if r.address]
    return found


def render_review_document(
    store: Store,
    review_id: int,
    kind: str,
    today: date,
    recipient_key: str | None = None,
    record_id: str | None = None,
) -> bytes:
    """One recipient's copy (or the IRO's full copy when recipient_key is None) of a review document."""
    names = {r.key: r.name for r in distribution(store, review_id)}
    withheld = withheld_for(withholding(store, review_id), recipient_key)
    recipient = names.get(recipient_key) if recipient_key else None
    if kind == "letter_to_child":
        return letter_to_child.render(letter_content(store, review_id, today, record_id), withheld, recipient)
    content = review_content(store, review_id, today, record_id)
    if kind == "review_record":
        return review_record.render(content, withheld, recipient)
    if kind == "decisions":
        return decisions.render(content, withheld, recipient)
    raise ValueError(f"There is no review document called {kind!r}.")


_STAGE_LABELS = ("informal", "stage_1", "stage_2", "stage_3", "stage_4", "cafcass")


def challenge_content(
    store: Store, challenge_id: int, today: date, stage: str | None = None
) -> ChallengeContent:
    """A challenge as a letter at its current stage (or the one given), or as the Cafcass summary."""
    wording = load_wording()
    head = letterhead(store, today, f"C-{challenge_id}-v1")
    with store.reading() as s:
        challenge = s.get(Challenge, challenge_id)
        if challenge is None:
            raise Problem("That challenge is no longer in the store.")
        child = challenge.child
        stage = stage or (challenge.stage if challenge.stage in _STAGE_LABELS else "informal")
        steps = [(e.stage or ("informal" if e.kind == "raised" else ""), e.on_date) for e in challenge.events]
        phrases = wording.phrases["challenge"]
        history = tuple(StageLine(phrases.get(key, key.capitalize()), on) for key, on in steps)
        return ChallengeContent(
            head=head,
            child_name=child.display_name,
            dob=child.dob,
            stage=stage,
            addressee=challenge.addressee or "Team manager",
            issue=challenge.issue.replace("_", " ").capitalize(),
            details=Passage("challenge_details", challenge.details or ""),
            raised_on=challenge.raised_on,
            response_due=challenge.response_due,
            history=history,
        )


def render_challenge(store: Store, challenge_id: int, today: date, stage: str | None = None) -> bytes:
    return challenge_letter.render(challenge_content(store, challenge_id, today, stage))


def preview_pngs(pdf: bytes, dpi: int = 60, on_folder=None) -> list[bytes]:
    """Each page as PNG bytes, drawn by pdftoppm in a private temporary folder removed before returning.

    The PDF goes in on standard input, so only the page images ever touch the disk, and only briefly.
    `on_folder` is told the folder's path (tests check it is gone afterwards).
    """
    with tempfile.TemporaryDirectory(prefix="iro-preview-") as folder:
        if on_folder is not None:
            on_folder(Path(folder))
        subprocess.run(
            ["pdftoppm", "-r", str(dpi), "-png", "-", str(Path(folder) / "page")],
            input=pdf,
            check=True,
            capture_output=True,
            timeout=60,
        )
        pages = sorted(Path(folder).glob("page-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))
        return [p.read_bytes() for p in pages]
