"""The IRO's personal dictionary: words the spelling check accepts (a school's name, a local service)."""

from __future__ import annotations

from iro_desktop.problems import Problem
from iro_desktop.store import Store

PERSONAL_DICTIONARY_KEY = "spelling.personal"


def personal_dictionary(store: Store) -> list[str]:
    return list(store.get_setting(PERSONAL_DICTIONARY_KEY, []) or [])


def add_to_dictionary(store: Store, word: str) -> list[str]:
    """A word the spelling check should never flag again."""
    word = (word or "").strip()
    if not word or any(ch.isspace() for ch in word):
        raise Problem("Add one word at a time to the dictionary.", "word")
    words = personal_dictionary(store)
    if word not in words:
        store.set_setting(PERSONAL_DICTIONARY_KEY, sorted([*words, word], key=str.casefold))
    return personal_dictionary(store)
