"""Document content (documents.content dataclasses) to plain JSON values and back, losslessly.

The signed record is the JSON form; the PDF is drawn from the content rebuilt from that JSON, so what
was signed and what was printed cannot drift apart.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from datetime import date
from functools import cache


def to_plain(value):
    """Dataclasses become dicts, tuples lists, dates ISO strings; everything else stays as it is."""
    if dataclasses.is_dataclass(value):
        return {f.name: to_plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (tuple, list)):
        return [to_plain(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


@cache
def _hints(cls) -> dict:
    return typing.get_type_hints(cls)


def _has_default(f: dataclasses.Field) -> bool:
    return f.default is not dataclasses.MISSING or f.default_factory is not dataclasses.MISSING


def from_plain(cls, value):
    """Rebuild a value of type `cls` (a content dataclass, tuple[X, ...], X | None, date or a scalar)."""
    origin = typing.get_origin(cls)
    if origin in (typing.Union, types.UnionType):
        if value is None:
            return None
        (inner,) = [a for a in typing.get_args(cls) if a is not type(None)]
        return from_plain(inner, value)
    if origin is tuple:
        inner = typing.get_args(cls)[0]
        return tuple(from_plain(inner, v) for v in value)
    if dataclasses.is_dataclass(cls):
        hints = _hints(cls)
        return cls(
            **{
                f.name: from_plain(hints[f.name], value[f.name])
                for f in dataclasses.fields(cls)
                if f.name in value or not _has_default(f)  # records signed before a field was added
            }
        )
    if cls is date:
        return date.fromisoformat(value)
    return value
