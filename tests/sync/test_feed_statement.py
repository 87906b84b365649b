"""The receiver writes the feed's signed statement out itself, around bodies kept canonical: it must be
byte for byte what RFC 8785 gives (records.signing.canonical), or no device could verify it."""

from __future__ import annotations

import json
from collections import namedtuple

from hypothesis import given, settings
from hypothesis import strategies as st

from iro_desktop.records.signing import canonical
from iro_desktop.sync.receiver.feed import statement_bytes

Row = namedtuple("Row", "seq child_id kind body")
TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=30)  # any string JSON can hold
BODY = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53) + 1, 2**53 - 1) | TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
    max_leaves=12,
)


@settings(max_examples=200, deadline=None)
@given(
    iro=st.none() | TEXT,
    nonce=TEXT,
    more=st.booleans(),
    rows=st.lists(st.tuples(st.integers(1, 2**40), TEXT, TEXT, st.dictionaries(TEXT, BODY, max_size=4))),
)
def test_the_statement_is_rfc_8785_whatever_it_holds(iro, nonce, more, rows):
    fields = {
        "statement": "iro-desktop-feed-v1",
        "receiver": "r",
        "device": "d",
        "iro": iro,
        "nonce": nonce,
        "after": 0,
        "next": 7,
        "more": more,
        "server_time": "2026-12-08T03:00:00Z",
    }
    held = [Row(seq, child, kind, canonical(body).decode()) for seq, child, kind, body in rows]
    written = statement_bytes(fields, held)
    changes = [
        {"seq": r.seq, "child_id": r.child_id, "kind": r.kind, "body": json.loads(r.body)} for r in held
    ]
    assert written == canonical({**fields, "changes": changes})
