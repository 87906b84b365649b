"""Text a client sent, made safe to keep, log and print: the receiver's one place for it.

A name or id is kept only when it is printable (no control characters, NUL or lone surrogates, which
PostgreSQL or a UTF-8 encoder refuses) and short. Anything shown in a log, a terminal or the refusals table
has every other character escaped, so a client cannot move the cursor, forge a line or break a write.
"""

from __future__ import annotations


def is_plain(value: object, limit: int) -> bool:
    """Printable text of 1 to `limit` characters."""
    return isinstance(value, str) and 0 < len(value) <= limit and value.isprintable()


def shown(text: str, limit: int = 300) -> str:
    """`text` with every character that is not printable escaped (\\x0d, \\ud800), cut to `limit`."""
    return "".join(ch if ch.isprintable() else _escape(ch) for ch in text)[:limit]


def _escape(ch: str) -> str:
    code = ord(ch)
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"
