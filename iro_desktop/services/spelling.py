"""UK English spelling, offline: Hunspell's en_GB dictionary (shipped in resources/dictionaries, LGPL, see
its README) read by spylls, a pure-Python Hunspell.

Never flagged: the names of the child and the people around them, the IRO's personal dictionary, and
words in capitals (CAMHS, PEP, EHCP are everyday acronyms). Results are cached per word, because
the same words come back on every keystroke.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache

from sqlalchemy import select

from iro_desktop.paths import resources_dir
from iro_desktop.services.minutes import add_to_dictionary, personal_dictionary
from iro_desktop.store import Store
from iro_desktop.store.models import Child, Episode, PeriodOfCare, Person

# A word: letters (any script), with inner apostrophes as in "child's" or "don't".
WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
LANGUAGE = "en_GB"


@cache
def _dictionary():
    """Loaded once per process (about a second); imported late because most commands never check spelling."""
    from spylls.hunspell import Dictionary

    return Dictionary.from_files(str(resources_dir() / "dictionaries" / LANGUAGE))


def words_in(text: str) -> list[tuple[int, str]]:
    """(start, word) for each word in the text."""
    return [(m.start(), m.group()) for m in WORD.finditer(text)]


class SpellChecker:
    def __init__(self, known: Iterable[str] = ()) -> None:
        self._known = {w.casefold() for w in known}
        self._cache: dict[str, bool] = {}

    def add(self, word: str) -> None:
        self._known.add(word.casefold())
        self._cache.pop(word, None)

    def is_correct(self, word: str) -> bool:
        hit = self._cache.get(word)
        if hit is None:
            hit = self._cache[word] = self._check(word)
        return hit

    def _check(self, word: str) -> bool:
        if len(word) < 2 or word.isupper() or word.casefold() in self._known:
            return True
        return bool(_dictionary().lookup(word.replace("’", "'")))

    def suggestions(self, word: str, limit: int = 6) -> list[str]:
        found = []
        for suggestion in _dictionary().suggest(word.replace("’", "'")):
            found.append(suggestion)
            if len(found) == limit:
                break
        return found

    def misspelt(self, text: str) -> list[tuple[int, str]]:
        return [(start, w) for start, w in words_in(text) if not self.is_correct(w)]


def _name_words(names: Iterable[str | None]) -> set[str]:
    return {w for name in names if name for _, w in words_in(name)}


def names_around(store: Store, child_id: int) -> set[str]:
    """Every word of the child's names, the people's names and the carers' names."""
    with store.session() as s:
        child = s.get(Child, child_id)
        names = [child.first_name, child.last_name, child.preferred_name] if child else []
        names += s.scalars(select(Person.name).where(Person.child_id == child_id)).all()
        names += s.scalars(
            select(Episode.carer_name).join(PeriodOfCare).where(PeriodOfCare.child_id == child_id)
        ).all()
    return _name_words(names)


def checker_for(store: Store, child_id: int) -> SpellChecker:
    return SpellChecker(names_around(store, child_id) | set(personal_dictionary(store)))


def remember_word(store: Store, checker: SpellChecker, word: str) -> None:
    """'Add to dictionary': saved in the store and known to the checker at once."""
    add_to_dictionary(store, word)
    checker.add(word)
