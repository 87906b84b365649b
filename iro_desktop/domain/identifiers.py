"""The council's id for a child (903 CHILD), as the whole system holds it: one rule for a 903 file the IRO
imports, the council's feed, and the receiver, so an id one side takes the other never refuses.

1 to 40 characters (the store's column), not blank at either end, none of them a control character or
an invisible one that can make a line show other than it is, and no "/" (the id stands in an address).
"""

from __future__ import annotations

import re

# A character shown as itself: anything but control characters, and the invisible ones that can make a
# line show other than it is (soft hyphen, zero-width and direction marks, line separators, BOM).
SHOWN_CHARACTER = (
    r"[^\x00-\x1f\x7f-\x9f\u00ad\u061c\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb]"
)
SHOWN_EDGE = SHOWN_CHARACTER.replace("[^", r"[^\s", 1)  # and not a space: the first or last character
MAX_CHILD_ID = 40
CHILD_ID_CHARACTER = SHOWN_CHARACTER.replace("[^", "[^/", 1)
CHILD_ID_EDGE = SHOWN_EDGE.replace("[^", "[^/", 1)
CHILD_ID_PATTERN = f"^{CHILD_ID_EDGE}({CHILD_ID_CHARACTER}{{0,{MAX_CHILD_ID - 2}}}{CHILD_ID_EDGE})?$"
CHILD_ID_RULE = (
    f"a child's id is 1 to {MAX_CHILD_ID} printable characters, without / and not beginning or ending "
    "with a space"
)


def is_child_id(value: object) -> bool:
    """Whether `value` is a child's id as the system holds it (CHILD_ID_PATTERN, valid Unicode)."""
    return isinstance(value, str) and bool(re.fullmatch(CHILD_ID_PATTERN, value)) and is_unicode(value)


def is_unicode(text: str) -> bool:
    """Whether `text` can be written as UTF-8: no lone surrogates, which JSON and the database refuse."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
