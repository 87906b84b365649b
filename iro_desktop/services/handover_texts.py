"""The reviews' texts, for a handover, under keys naming the review.

Three kinds of text about one child travel under keys naming a review: the edited letter to the child, the
passages withheld from each recipient's copy, words typed in a minute's add-forms but not yet added (the
review's own texts, services.review_texts). The withholding choices matter most: without them the
receiving IRO's first copy for a parent could show a carer's address withheld on purpose. The edited
concern letters travel as rows of challenge_letters (handover_rows.py); a file written before that table
holds them here, under "challenges.letter.<concern id>.<stage>", and they are received as rows.

The ids inside the keys (and inside the withholding choices) are the sender's; on receipt each is mapped to
the new row's id, and anything not in a form this version writes refuses the whole file.
"""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from iro_desktop.services import review_texts
from iro_desktop.services.handover_rows import RowsRefused
from iro_desktop.services.minutes import DRAFT_FIELDS
from iro_desktop.store.models import ChallengeLetter, Review, ReviewText

_REVIEW_KEY = re.compile(r"(documents\.letter|documents\.withheld|minutes\.draft)\.review\.(\d+)")
_CHALLENGE_KEY = re.compile(r"challenges\.letter\.(\d+)\.([a-z0-9_]{1,40})")
# Withholding keys that name a row: recipients ("person:<id>") and passages (an address, a wish, a decision).
_ROW_IN_CHOICE = re.compile(r"(person|address|wish|decision):(\d+)")
_PLAIN_CHOICE = re.compile(r"child|venue|iro_view|challenge_details|letter:\d+|section:[a-z_]+:\d+")
_TABLE_OF = {"person": "people", "address": "people", "wish": "wishes", "decision": "decisions"}
# A review text's kind, as its key in the file names it.
_KEY_OF = {
    review_texts.LETTER: "documents.letter",
    review_texts.WITHHELD: "documents.withheld",
    review_texts.DRAFTS: "minutes.draft",
}
_KIND_OF = {name: kind for kind, name in _KEY_OF.items()}


def dump_texts(s: Session, child_id: int) -> dict[str, object]:
    """The child's review texts by key, as stored; nothing is listed for what was never saved."""
    texts = {}
    reviews = select(Review.id).where(Review.child_id == child_id)
    for text in s.scalars(select(ReviewText).where(ReviewText.review_id.in_(reviews))):
        texts[f"{_KEY_OF[text.kind]}.review.{text.review_id}"] = text.value
    return dict(sorted(texts.items()))


def load_texts(s: Session, texts: object, new_ids: dict[str, dict[int, int]]) -> None:
    """Add the sender's texts under the new ids; raises RowsRefused for anything not in a known form."""
    if not isinstance(texts, dict):
        raise RowsRefused("the file's texts are not an object")
    for key, value in texts.items():
        new_key, checked = _received(key, value, new_ids)
        if match := _REVIEW_KEY.fullmatch(new_key):
            name, review_id = match.groups()
            s.add(ReviewText(review_id=int(review_id), kind=_KIND_OF[name], value=checked))
        else:
            challenge_id, stage = _CHALLENGE_KEY.fullmatch(new_key).groups()
            s.add(ChallengeLetter(challenge_id=int(challenge_id), stage=stage, text=checked))


def _new_id(table: str, old: str, new_ids: dict[str, dict[int, int]]) -> int:
    new = new_ids[table].get(int(old))
    if new is None:
        raise RowsRefused(f"a text points at a row of {table} that is not in the file")
    return new


def _received(key: object, value: object, new_ids: dict[str, dict[int, int]]) -> tuple[str, object]:
    if not isinstance(key, str):
        raise RowsRefused("a text's key is not text")
    if match := _REVIEW_KEY.fullmatch(key):
        kind, review = match.groups()
        new_key = f"{kind}.review.{_new_id('reviews', review, new_ids)}"
        checks = {"documents.letter": _text, "documents.withheld": _withheld, "minutes.draft": _drafts}
        return new_key, checks[kind](value, new_ids)
    if match := _CHALLENGE_KEY.fullmatch(key):
        challenge, stage = match.groups()
        return f"challenges.letter.{_new_id('challenges', challenge, new_ids)}.{stage}", _text(value, new_ids)
    raise RowsRefused(f"the text {key[:60]!r} is not one this version writes")


def _text(value: object, _new_ids) -> str:
    if not isinstance(value, str):
        raise RowsRefused("a letter is not text")
    return value


def _drafts(value: object, _new_ids) -> dict[str, str]:
    if not isinstance(value, dict) or not set(value) <= set(DRAFT_FIELDS):
        raise RowsRefused("a minute's drafts are not in the form this version writes")
    return {field: _text(words, None) for field, words in value.items()}


def _withheld(value: object, new_ids: dict[str, dict[int, int]]) -> dict[str, list[str]]:
    """Recipient -> passages left out of their copy, with every row id mapped to the new store's.

    A choice naming a row no longer in the file (a decision removed after it was withheld) has nothing
    left to withhold, so it is dropped rather than refusing the file.
    """
    if not isinstance(value, dict):
        raise RowsRefused("the withholding choices are not an object")
    choices = {}
    for recipient, passages in value.items():
        if not isinstance(passages, list):
            raise RowsRefused("a recipient's withheld passages are not a list")
        mapped = [_choice(p, new_ids) for p in passages]
        if (to := _choice(recipient, new_ids)) is not None:
            choices[to] = sorted(p for p in mapped if p is not None)
    return choices


def _choice(key: object, new_ids: dict[str, dict[int, int]]) -> str | None:
    if not isinstance(key, str):
        raise RowsRefused("a withholding choice is not text")
    if match := _ROW_IN_CHOICE.fullmatch(key):
        kind, old = match.groups()
        new = new_ids[_TABLE_OF[kind]].get(int(old))
        return None if new is None else f"{kind}:{new}"
    if _PLAIN_CHOICE.fullmatch(key):
        return key
    raise RowsRefused(f"the withholding choice {key[:60]!r} is not one this version writes")
