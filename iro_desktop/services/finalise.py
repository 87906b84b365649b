"""Finalising: a held review (or a challenge letter) frozen into one signed, canonical record.

records/sealed.py builds, signs and writes the record; this module decides what goes into it and when. A
finalised review can no longer be edited (the store refuses: store/frozen.py); a correction reopens it,
and finalising again makes version n+1 of the same record, which names the hash it supersedes and why.

Each finalising is one write transaction: the checks, the content read, the PDF drawn from it, the
signature and every row written. No edit from another window can land between what was checked and what
is signed, and a failure at any step leaves nothing written. The write lock is held throughout: about 0.2 s
for a demo review, 0.05 s of it drawing the PDF, so the PDF is drawn inside, from what was read there. Other
windows' saves wait that long; reads (Store.reading) do not wait at all.

Signing always uses the real date (store.clock): asked while a view date is shown, it refuses.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from iro_desktop.clock import real_date
from iro_desktop.documents.content import ChallengeContent, Override
from iro_desktop.domain.review_states import SIGNED, UNFINISHED, ReviewState, refusal, state_of
from iro_desktop.problems import Problem
from iro_desktop.records.bundle import Bundle
from iro_desktop.records.content_json import to_plain
from iro_desktop.records.keys import device_key
from iro_desktop.records.sealed import (
    DOCUMENT_FORMAT,
    printed_id,
    record_id_for,
    render_record_pdf,
    save_signed,
    sign_bundle,
)
from iro_desktop.records.signing import canonical, fingerprint, raw_public_key
from iro_desktop.services import review_texts
from iro_desktop.services.challenge_facts import get_challenge
from iro_desktop.services.challenge_ladder import ORDER
from iro_desktop.services.challenge_letters import LETTER_SIGNED, letter_content, note_letter_signed
from iro_desktop.services.documents import letter_text, review_content, withholding
from iro_desktop.services.minutes import Minutes, minutes
from iro_desktop.services.review_life import latest_signed, move, review_row
from iro_desktop.store import Store, audit
from iro_desktop.store.models import Challenge, Review, SignedRecord


class FinaliseRefused(Problem):
    """Finalising is refused: `problems` lists what to put right first, in plain sentences."""

    def __init__(self, problems: tuple[str, ...]):
        super().__init__(" ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class FinalisedRecord:
    signed_record_id: int
    record_id: str
    version: int
    content_hash: str
    pdf_hash: str | None
    supersedes_hash: str | None


def review_record_id(store: Store, review_id: int) -> str:
    """The review's record id: the one its signed versions carry (made in another store, for a child
    handed over), else this store's own."""
    with store.reading() as s:
        signed = latest_signed(s, review_id)
    return signed.record_id if signed is not None else record_id_for(store, "review", review_id)


def _latest(s: Session, record_id: str) -> SignedRecord | None:
    return s.scalars(
        select(SignedRecord).where(SignedRecord.record_id == record_id).order_by(SignedRecord.version.desc())
    ).first()


def _document(
    store: Store,
    kind: str,
    record_id: str,
    version: int,
    today: date,
    content,
    supersedes: str | None,
    reason: str | None,
    key,
    texts: dict | None = None,
) -> dict:
    extra = {"texts": texts} if texts is not None else {}
    return {
        "format": DOCUMENT_FORMAT,
        "schema": 1,
        "kind": kind,
        "record_id": record_id,
        "record_version": version,
        "supersedes_hash": supersedes,
        "correction_reason": reason,
        "finalised_on": today.isoformat(),
        "signer": {"name": store.profile().iro_name, "fingerprint": fingerprint(raw_public_key(key))},
        "content": to_plain(content),
        **extra,
    }


def _version_after(store: Store, record_id: str, reason: str | None) -> tuple[int, str | None, str | None]:
    """(version, supersedes_hash, reason) for the next record under this id; a correction needs a reason."""
    with store.reading() as s:
        previous = _latest(s, record_id)
        if previous is None:
            return 1, None, None
        if not (reason and reason.strip()):
            raise FinaliseRefused(("Say why the record is being corrected: the reason travels with it.",))
        return previous.version + 1, previous.content_hash, reason.strip()


def _signable(minuted: Minutes, overrides: dict[str, str]) -> tuple[Override, ...]:
    """The checks passed, or FinaliseRefused saying what to put right; returns the warnings signed past."""
    state = state_of(minuted.status)
    if state in SIGNED:
        raise FinaliseRefused(("This review is already signed. Use Correct... to make a new version.",))
    if state not in UNFINISHED and (why := refusal(state)):
        raise FinaliseRefused((why,))
    if minuted.problems:
        raise FinaliseRefused(minuted.problems)
    reasons = {key: (text or "").strip() for key, text in overrides.items()}
    unexplained = [w for w in minuted.warnings if not reasons.get(w.key)]
    if unexplained:
        raise FinaliseRefused(tuple(f"{w.text} Give a reason to sign anyway ({w.key})." for w in unexplained))
    return tuple(Override(w.text, reasons[w.key]) for w in minuted.warnings)


def _review_bundle(
    store: Store, review_id: int, today: date, correction_reason: str | None, overrides: dict[str, str]
) -> tuple[Bundle, str, str | None]:
    """The review checked and signed as it stands: (bundle, the letter to the child, correction reason)."""
    signed_past = _signable(minutes(store, review_id, today), overrides)
    record_id = review_record_id(store, review_id)
    version, supersedes, reason = _version_after(store, record_id, correction_reason)
    key = device_key(store)
    content = review_content(store, review_id, today, record_id=printed_id(record_id, version), draft=False)
    content = replace(content, overrides=signed_past)
    letter = letter_text(store, review_id, today)
    texts = {"letter_to_child": letter, "withheld": withholding(store, review_id)}
    doc = _document(store, "review", record_id, version, today, content, supersedes, reason, key, texts)
    canonical_json = canonical(doc)
    pdf = render_record_pdf(json.loads(canonical_json))
    return sign_bundle(key, record_id, version, "review", canonical_json, pdf, supersedes), letter, reason


def finalise_review(
    store: Store,
    review_id: int,
    correction_reason: str | None = None,
    *,
    overrides: dict[str, str] | None = None,
    as_of: date | None = None,
) -> FinalisedRecord:
    """Freeze a held review into its signed record, dated today, and queue it for the council.

    `overrides` gives a reason for each finalising warning the IRO signs past (by its key); they travel in
    the record. `as_of` is the date the caller is showing: anything but today refuses.
    """
    today = real_date(store.clock, as_of, "Signing")
    with store.session() as s:  # one transaction: what was checked is what is signed, or nothing is written
        bundle, letter, reason = _review_bundle(store, review_id, today, correction_reason, overrides or {})
        review = review_row(s, review_id)
        review_texts.write(s, review_id, review_texts.LETTER, letter)  # the letter as signed, kept
        s.flush()  # before the review is frozen: the store refuses its texts after that
        row = save_signed(s, bundle, review.child_id, review_id, reason)
        move(review, ReviewState.FINALISED)
        return _audited(store, _finalised(row.id, bundle))


def open_correction(store: Store, review_id: int) -> None:
    """Reopen a signed review for correction. Its signed record stays as it was and in force until the
    corrected version is signed, which supersedes it."""
    with store.session() as s:
        review = s.get(Review, review_id)
        if review is None or state_of(review.status) is not ReviewState.FINALISED:
            raise Problem("Only a signed review can be corrected.")
        move(review, ReviewState.CORRECTING)


def finalise_challenge(store: Store, challenge_id: int, as_of: date | None = None) -> FinalisedRecord:
    """Sign the concern's letter at its current stage, dated today, and queue it for the council.

    Each stage's letter is a new version of the concern's one record, superseding the stage before; once
    signed, that stage's letter can no longer be edited (services.challenges refuses). `as_of` is the date
    the caller is showing: anything but today refuses.
    """
    today = real_date(store.clock, as_of, "Signing")
    with store.session() as s:  # one transaction, as finalise_review
        bundle, reason = _letter_bundle(store, challenge_id, today)
        challenge = s.get(Challenge, challenge_id)
        row = save_signed(s, bundle, challenge.child_id, None, reason)
        note_letter_signed(challenge, today, printed_id(bundle.record_id, bundle.record_version))
        return _audited(store, _finalised(row.id, bundle))


def _letter_bundle(store: Store, challenge_id: int, today: date) -> tuple[Bundle, str | None]:
    """The concern's letter at its current stage, checked and signed: (bundle, why this version)."""
    view = get_challenge(store, challenge_id, today)
    if not view.open or view.stage_key not in ORDER:
        raise FinaliseRefused(("This concern is closed: there is no letter left to send, so none to sign.",))
    if view.letter_signed:
        raise FinaliseRefused((LETTER_SIGNED,))
    record_id = record_id_for(store, "challenge_letter", challenge_id)
    version, supersedes, reason = _version_after(store, record_id, f"The letter for {view.stage}.")
    key = device_key(store)
    content = _with_record_id(letter_content(store, challenge_id, today), printed_id(record_id, version))
    doc = _document(store, "challenge_letter", record_id, version, today, content, supersedes, reason, key)
    canonical_json = canonical(doc)
    pdf = render_record_pdf(json.loads(canonical_json))
    return sign_bundle(key, record_id, version, "challenge_letter", canonical_json, pdf, supersedes), reason


def _finalised(signed_record_id: int, bundle: Bundle) -> FinalisedRecord:
    return FinalisedRecord(
        signed_record_id,
        bundle.record_id,
        bundle.record_version,
        bundle.content_hash,
        bundle.pdf_hash,
        bundle.supersedes_hash,
    )


def _audited(store: Store, done: FinalisedRecord) -> FinalisedRecord:
    """Note the signing in the audit trail, in the same transaction: ids only, since a correction's reason
    may name people."""
    audit.record(
        store, "finalise", subject=printed_id(done.record_id, done.version), detail=f"version {done.version}"
    )
    return done


def _with_record_id(content: ChallengeContent, printed: str) -> ChallengeContent:
    return replace(content, head=replace(content.head, record_id=printed))


DEMO_REASON = "A fictional demo review, signed to show how records travel."


def finalise_demo_reviews(store: Store, today: date, count: int = 5) -> list[FinalisedRecord]:
    """Finalise the first `count` held reviews that have nothing left to put right, so sync can be tried."""
    with store.reading() as s:
        held = s.scalars(
            select(Review.id).where(Review.status == ReviewState.HELD.value).order_by(Review.id)
        ).all()
    done: list[FinalisedRecord] = []
    for review_id in held:
        if len(done) >= count:
            break
        minuted = minutes(store, review_id, today)
        if not minuted.problems:
            reasons = {w.key: DEMO_REASON for w in minuted.warnings}
            done.append(finalise_review(store, review_id, overrides=reasons))
    return done
