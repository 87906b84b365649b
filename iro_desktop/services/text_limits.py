"""How much each text field holds: stated once, checked by every writer, shown by every field.

The figures are set so that a review with every field full still fits the store, draws its PDF, and travels
in one sync request under the receiver's limit (tests/records/test_full_review.py). Nothing is ever cut
short: text past a limit is refused with a sentence saying so, and the field keeps what it had.
"""

from __future__ import annotations

from iro_desktop.problems import Problem

SECTION = 150_000  # a Schedule 7 section (the IRO's view too): about 25,000 words
WORDS = 20_000  # the child's words, one entry (the private conversation too)
LETTER = 60_000  # the letter to the child
ACTION = 2_000  # a decision's action
REASON = 4_000  # a reason or a short note (why not alone, why adjourned, why corrected)
NAME = 200  # a name, a place, a venue: what the store's columns hold
PART_LABEL = 120

# How many of each a review holds: a meeting never needs more, and the record must stay one request.
DECISIONS = 50
WISHES = 50
PARTS = 10
ATTENDEES = 60


def fits(text: str | None, limit: int, what: str, field: str = "") -> str:
    """The text as given, or a refusal saying how long it is and how much the field holds."""
    text = text or ""
    if len(text) > limit:
        raise Problem(
            f"{what} is {len(text):,} characters long, more than the {limit:,} it can hold. "
            "Nothing was saved: shorten it and try again.",
            field,
        )
    return text


def room_for(count: int, limit: int, things: str) -> None:
    """Refuse one more of something a review already holds as many of as it can."""
    if count >= limit:
        raise Problem(f"A review can hold at most {limit} {things}; this one has {count}.")
