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


def test_the_device_checks_the_signature_over_the_bytes_it_parses():
    """An answer laid out as the receiver writes it is verified over its statement's bytes as received; one
    laid out otherwise (re-serialised on the way) is verified over the canonical form of what it says."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from iro_desktop.records.signing import raw_public_key, sign
    from iro_desktop.sync.feed import batch_problem, read_batch

    key = Ed25519PrivateKey.generate()
    fields = {
        "statement": "iro-desktop-feed-v1",
        "receiver": "",
        "device": "d",
        "iro": "A",
        "nonce": "n",
        "after": 0,
        "next": 3,
        "more": False,
        "server_time": "2026-12-08T03:00:00Z",
    }
    from iro_desktop.records.signing import fingerprint

    fields["receiver"] = fingerprint(raw_public_key(key))
    written = statement_bytes(fields, [Row(3, "FC1", "deallocated", "{}")])
    answer = b'{"feed":' + written + b',"signature":"' + sign(key, written).encode() + b'"}'
    parsed, exact = read_batch(answer)
    assert exact == written and batch_problem(parsed, raw_public_key(key), "d", "n", 0, exact) is None
    spaced = json.dumps(json.loads(answer), indent=1).encode()  # the same, written another way
    parsed, exact = read_batch(spaced)
    assert exact is None and batch_problem(parsed, raw_public_key(key), "d", "n", 0, exact) is None
    altered = answer.replace(b'"FC1"', b'"FC2"')
    parsed, exact = read_batch(altered)
    assert "not signed by the receiver key" in batch_problem(parsed, raw_public_key(key), "d", "n", 0, exact)
