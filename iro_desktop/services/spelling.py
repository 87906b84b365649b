"""UK English spelling, offline: Hunspell's en_GB dictionary (shipped in resources/dictionaries, LGPL, see
its README), checked by Hunspell through libenchant (pyenchant). Where libenchant is missing, spylls (a
pure-Python Hunspell) reads the same dictionary: the same answers, but 10 to 15 times slower to load and
about 5 times slower to suggest (tests/benchmarks/test_bench_spelling.py).

Loading takes 0.1 s with Hunspell and 1 to 2 s with spylls, so the GUI calls `load_engine` off the UI
thread; until it has loaded, `engine()` is None and nothing is flagged.

Never flagged: the names of the child and the people around them, the IRO's personal dictionary, and
words in capitals (CAMHS, PEP, EHCP are everyday acronyms). Results are cached per word, because
the same words come back on every keystroke.
"""

from __future__ import annotations

import itertools
import os
import re
import shutil
import tempfile
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Protocol

from sqlalchemy import select

from iro_desktop.paths import resources_dir
from iro_desktop.services.personal_dictionary import add_to_dictionary, personal_dictionary
from iro_desktop.store import Store
from iro_desktop.store.models import Child, Episode, PeriodOfCare, Person

# A word: letters (any script), with inner apostrophes as in "child's" or "don't".
WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
LANGUAGE = "en_GB"


class Engine(Protocol):
    name: str

    def check(self, word: str) -> bool: ...

    def suggest(self, word: str, limit: int) -> list[str]: ...


def _dictionary() -> Path:
    """The shipped dictionary's .dic and .aff, without the suffix."""
    return resources_dir() / "dictionaries" / LANGUAGE


class Hunspell:
    """Hunspell through libenchant. Enchant 2 cannot be given a dictionary's path (Broker.set_param is gone);
    it looks first in $ENCHANT_CONFIG_DIR/hunspell, so the shipped files are put there for the load, in a
    temporary folder that also takes enchant's own (empty, unused) word lists."""

    name = "Hunspell"

    def __init__(self) -> None:
        import enchant  # ImportError when libenchant is missing

        with tempfile.TemporaryDirectory(prefix="iro-spelling-", ignore_cleanup_errors=True) as config:
            folder = Path(config) / "hunspell"
            folder.mkdir()
            for suffix in (".dic", ".aff"):
                shutil.copyfile(_dictionary().with_suffix(suffix), folder / f"{LANGUAGE}{suffix}")
            os.environ["ENCHANT_CONFIG_DIR"] = config
            try:
                # Two handles, each from its own broker: the UI thread checks with one while a worker
                # suggests with the other (a Hunspell handle is not safe across threads).
                self._checks = enchant.Broker().request_dict(LANGUAGE)
                self._suggests = enchant.Broker().request_dict(LANGUAGE)
            finally:
                del os.environ["ENCHANT_CONFIG_DIR"]
        provider = self._checks.provider.name
        if provider != "hunspell":  # e.g. Homebrew's enchant, which has no Hunspell, offering macOS's own
            raise LookupError(f"libenchant offered {provider} for {LANGUAGE}, not Hunspell")
        self._suggesting = threading.Lock()

    def check(self, word: str) -> bool:
        return self._checks.check(word)

    def suggest(self, word: str, limit: int) -> list[str]:
        with self._suggesting:
            return self._suggests.suggest(word)[:limit]


class Spylls:
    name = "spylls"

    def __init__(self) -> None:
        from spylls.hunspell import Dictionary

        self._dictionary = Dictionary.from_files(str(_dictionary()))

    def check(self, word: str) -> bool:
        return bool(self._dictionary.lookup(word))

    def suggest(self, word: str, limit: int) -> list[str]:
        return list(itertools.islice(self._dictionary.suggest(word), limit))


_loading = threading.Lock()
_engine: Engine | None = None


def _load() -> Engine:
    try:
        return Hunspell()
    except Exception:  # no libenchant, or no Hunspell provider for it: spylls reads the same dictionary
        return Spylls()


def load_engine() -> Engine:
    """The dictionary, loaded on the first call (0.1 to 2 s): call it off the UI thread."""
    global _engine
    with _loading:
        if _engine is None:
            _engine = _load()
        return _engine


def engine() -> Engine | None:
    """The dictionary once loaded; None until then."""
    return _engine


def words_in(text: str) -> list[tuple[int, str]]:
    """(start, word) for each word in the text."""
    return [(m.start(), m.group()) for m in WORD.finditer(text)]


def _plain(word: str) -> str:
    return word.replace("’", "'")  # the dictionary spells "child's" with a straight apostrophe


class SpellChecker:
    def __init__(self, known: Iterable[str] = ()) -> None:
        self._known = {w.casefold() for w in known}
        self._cache: dict[str, bool] = {}

    @property
    def ready(self) -> bool:
        return engine() is not None

    def add(self, word: str) -> None:
        key = word.casefold()
        self._known.add(key)
        self._cache = {w: hit for w, hit in self._cache.items() if w.casefold() != key}

    def is_correct(self, word: str) -> bool:
        """True while the dictionary loads: nothing is flagged until it can be checked."""
        hit = self._cache.get(word)
        if hit is None:
            dictionary = engine()
            if dictionary is None:
                return True
            hit = self._cache[word] = self._check(dictionary, word)
        return hit

    def _check(self, dictionary: Engine, word: str) -> bool:
        if len(word) < 2 or word.isupper() or word.casefold() in self._known:
            return True
        return dictionary.check(_plain(word))

    def suggestions(self, word: str, limit: int = 6) -> list[str]:
        """Up to 0.1 s with Hunspell, 0.5 s with spylls, and waits for the dictionary: off the UI thread."""
        return load_engine().suggest(_plain(word), limit)

    def misspelt(self, text: str) -> list[tuple[int, str]]:
        """Waits for the dictionary, unlike is_correct: for whole texts, off the UI thread."""
        load_engine()
        return [(start, w) for start, w in words_in(text) if not self.is_correct(w)]


def _name_words(names: Iterable[str | None]) -> set[str]:
    return {w for name in names if name for _, w in words_in(name)}


def names_around(store: Store, child_id: int) -> set[str]:
    """Every word of the child's names, the people's names and the carers' names."""
    with store.reading() as s:
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
