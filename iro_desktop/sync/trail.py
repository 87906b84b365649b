"""The device's half of anchoring its audit trail: at each sync, its head goes to the council's receiver.

The device reads the head the receiver holds (entries, hash), and sends its own head with the hash of its
own entry at that position, and its newest restore entry (a rewind from a backup the receiver may accept
once). The receiver keeps the new head only if the trail still runs through the one it held; the head it
acknowledges is kept in the store (store/audit.py) for `audit --verify`.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from iro_desktop.records.signing import canonical
from iro_desktop.store import Store, audit

TRAIL_PATH = "/v1/trail"
# request(method, path, body) -> (status, answer bytes): the client's signed, bounded exchange
Request = Callable[[str, str, bytes], tuple[int, bytes]]


def claim(store: Store, held_entries: int) -> dict:
    """This device's head, with its own hash at the position the receiver holds."""
    head, restore = audit.head(store), audit.latest_restore(store)
    return {
        "base_entries": held_entries,
        "base_hash": audit.hash_at(store, held_entries),
        "entries": head.entries,
        "head_hash": head.hash,
        "restore": {"entry": restore.entries, "hash": restore.hash} if restore else None,
    }


def send_head(store: Store, request: Request, detail: Callable[[int, bytes], str]) -> tuple[bool, str]:
    """Send the trail's head; (taken, a sentence for the sync report). `detail` reads a refusal's words."""
    status, content = request("GET", TRAIL_PATH, b"")
    held = _head(content) if status == 200 else None
    if held is None:
        return False, f"The audit trail's head was not sent. {detail(status, content)}"
    mine = claim(store, held.entries)
    status, content = request("PUT", TRAIL_PATH, canonical(mine))
    taken = _head(content) if status == 200 else None
    if taken != audit.Head(mine["entries"], mine["head_hash"]):
        return (
            False,
            f"The council's receiver did not take this device's audit trail: {detail(status, content)}",
        )
    audit.anchor(store, taken)
    return True, f"The council holds this device's audit trail up to entry {taken.entries}."


def _head(content: bytes) -> audit.Head | None:
    try:
        doc = json.loads(content)
        entries, head_hash = doc["entries"], doc["head_hash"]
    except (ValueError, KeyError, TypeError):
        return None
    if type(entries) is not int or not isinstance(head_hash, str):
        return None
    return audit.Head(entries, head_hash)
