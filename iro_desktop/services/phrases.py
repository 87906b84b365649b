"""Phrases: passages the IRO saved from one minute to insert in another, kept in the encrypted store."""

from __future__ import annotations

from iro_desktop.problems import Problem
from iro_desktop.store import Store

PHRASES_KEY = "phrases"


def phrases(store: Store) -> list[str]:
    return list(store.get_setting(PHRASES_KEY, []) or [])


def save_phrase(store: Store, text: str) -> list[str]:
    text = (text or "").strip()
    if not text:
        raise Problem("Select some text to save as a phrase.", "text")
    saved = phrases(store)
    if text not in saved:
        store.set_setting(PHRASES_KEY, [*saved, text])
    return phrases(store)


def delete_phrase(store: Store, text: str) -> list[str]:
    store.set_setting(PHRASES_KEY, [p for p in phrases(store) if p != text])
    return phrases(store)
