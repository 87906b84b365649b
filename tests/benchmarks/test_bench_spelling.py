"""Spelling benchmarks (issue 18): the app's checking against its engine called directly on the same words,
with spylls, the engine before, alongside.

1. Loading the dictionary: each engine's load; and how long the UI thread is blocked while a minute of
   12 sections x 2,000 words opens and its dictionary loads (the longest gap between the ticks of a 1 ms
   timer on the UI thread), against the same minute with no spelling at all, and against the way before:
   spylls loaded on the UI thread at the first highlight. Building the page is timed apart: it blocks the
   UI thread whatever spelling does, but a load in pure Python (spylls) slows it, as the two threads take
   turns with the interpreter.
2. A 2,000-word section through the app's highlighter (a fresh checker, so nothing cached) against the
   engine's own check of the same words. Target: within 2x.
3. Suggestions for 20 misspelt words through the app, timed from the right-click menu being built to the
   suggestions being in it (a worker thread, then the UI thread fills the menu), against the engine's own
   suggest. Target: within 2x; the UI thread's longest block meanwhile is reported too.
"""

from __future__ import annotations

import itertools
import random
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication, QPlainTextEdit

from iro_desktop.gui import operations
from iro_desktop.gui.review import minute
from iro_desktop.gui.review.minute import MinutePage
from iro_desktop.gui.widgets import spelling as widget
from iro_desktop.services import minutes as svc
from iro_desktop.services import spelling
from iro_desktop.services.demo import populate_demo
from iro_desktop.store import create_store
from iro_desktop.store.keys import TEST_KDF
from tests.benchmarks.helpers import median_ms, report, timed
from tests.conftest import TODAY, first_review

MISSPELT = (
    "recieved behavor accomodation seperate definately occured neccessary untill wich begining beleive "
    "tommorow goverment enviroment existance foward grammer independant libary noticable"
).split()
ROOT = Path(__file__).resolve().parents[2]


def _prose(rng: random.Random, words: int) -> str:
    """Paragraphs of 100 words from the README's vocabulary, one word in 40 misspelt."""
    vocabulary = sorted({w for _, w in spelling.words_in((ROOT / "README.md").read_text()) if len(w) > 2})
    chosen = [rng.choice(MISSPELT if i % 40 == 39 else vocabulary) for i in range(words)]
    return "\n".join(" ".join(chosen[i : i + 100]) for i in range(0, words, 100))


class Ticks:
    """A 1 ms timer on the UI thread: the longest gap between its ticks is its longest block."""

    def __init__(self) -> None:
        self.times: list[float] = []
        self.timer = QTimer()
        self.timer.setInterval(1)
        self.timer.timeout.connect(lambda: self.times.append(time.perf_counter()))
        self.timer.start()

    def longest_gap(self, since: float, until: float = float("inf")) -> float:
        """The longest gap between ticks that came between `since` and the first tick after `until`."""
        after = [t for t in self.times if t > until][:1]
        times = [t for t in self.times if since <= t <= until] + after
        return max((b - a for a, b in zip(times, times[1:], strict=False)), default=0.0)


def _events_until(done, seconds: float = 30) -> None:
    """Run the event loop as the app does: asleep between events, so workers get the interpreter."""
    end = time.perf_counter() + seconds
    while not done() and time.perf_counter() < end:
        QApplication.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents)
    assert done(), "timed out"


def _pause(seconds: float) -> None:
    end = time.perf_counter() + seconds
    _events_until(lambda: time.perf_counter() >= end)


def _underlined(editor: QPlainTextEdit) -> bool:
    formats = editor.document().firstBlock().layout().formats()
    return any(r.format.underlineStyle() != r.format.UnderlineStyle.NoUnderline for r in formats)


def _direct(engine):
    """The engine's own check and suggest (six at most, as the menu shows), without the app around them."""
    if isinstance(engine, spelling.Hunspell):
        return engine._checks.check, lambda word: engine._suggests.suggest(word)[:6]
    return engine._dictionary.lookup, lambda word: list(itertools.islice(engine._dictionary.suggest(word), 6))


def _median(samples: list[float]) -> str:
    return f"{median_ms(samples):.0f} ms"


def _ratio(ours: list[float], baseline: list[float]) -> str:
    return f"{median_ms(ours) / median_ms(baseline):.2f}x"


@pytest.fixture(scope="module")
def long_review(tmp_path_factory):
    """A demo child's planned review with every section 2,000 words long."""
    store = create_store(tmp_path_factory.mktemp("spelling") / "s.db", "bench", kdf=TEST_KDF, is_demo=True)
    populate_demo(store, TODAY)
    review_id = first_review(store, "planned")
    rng = random.Random(1)
    for key in svc.SECTION_KEYS:
        svc.save_section(store, review_id, key, _prose(rng, 2000))
    yield store, review_id
    store.close()


def _open_minute(store, review_id, monkeypatch, load=None) -> tuple[float, float, float]:
    """Open the minute with no dictionary loaded: (seconds to build the page, the UI thread's longest block
    after that, seconds until the open section is underlined). With no `load`, the minute has no spelling
    at all: the baseline, watched for as long as the slowest load took."""
    operations.wait_for_all(30)
    monkeypatch.setattr(spelling, "_engine", None)
    monkeypatch.setattr(spelling, "_load", load)
    if load is None:
        monkeypatch.setattr(minute, "attach_spelling", lambda *_args: None)
    ticks = Ticks()
    _pause(0.05)
    start = time.perf_counter()
    page = MinutePage(store, review_id, TODAY)
    page.show()
    built = time.perf_counter()
    if load is None:
        _pause(0.5)
    else:
        _events_until(lambda: _underlined(page.current_editor()))
    underlined = time.perf_counter()
    _pause(0.05)  # a tick after the last rehighlight
    ticks.timer.stop()
    page.close()
    page.deleteLater()
    monkeypatch.undo()
    return built - start, ticks.longest_gap(built), underlined - built


def test_loading_the_dictionary_and_the_ui_thread_meanwhile(qapp, long_review, monkeypatch):
    store, review_id = long_review
    spylls_load = timed(spelling.Spylls, repeat=3)
    hunspell_load = timed(spelling.Hunspell, repeat=5)
    runs = {"no spelling (baseline)": [], "Hunspell": [], "spylls (no libenchant)": []}
    for _ in range(3):  # in turn, so all see the same machine noise
        runs["no spelling (baseline)"].append(_open_minute(store, review_id, monkeypatch))
        runs["Hunspell"].append(_open_minute(store, review_id, monkeypatch, spelling.Hunspell))
    runs["spylls (no libenchant)"].append(_open_minute(store, review_id, monkeypatch, spelling.Spylls))

    # Before: spylls loaded on the UI thread at the first highlight, then every section highlighted there.
    operations.wait_for_all(30)
    page = MinutePage(store, review_id, TODAY)
    highlighters = [e.document().findChildren(widget.SpellingHighlighter)[0] for e in page.editors.values()]

    def before() -> None:
        monkeypatch.setattr(spelling, "_engine", spelling.Spylls())
        for highlighter in highlighters:
            highlighter.checker = spelling.SpellChecker()
            highlighter.rehighlight()

    before_block = timed(before, repeat=1)
    page.deleteLater()
    rows = [
        ("load: spylls (before)", _median(spylls_load)),
        ("load: Hunspell through libenchant (ours)", _median(hunspell_load)),
        ("ratio spylls / Hunspell", f"{median_ms(spylls_load) / median_ms(hunspell_load):.1f}x"),
        ("before: the UI thread blocked by spylls' load and the first highlight", _median(before_block)),
    ]
    for name, samples in runs.items():
        built, blocked, underlined = ([run[i] for run in samples] for i in range(3))
        rows += [
            (f"{name}: building the page (any load starts in it)", _median(built)),
            ("  then the UI thread's longest block", _median(blocked)),
        ]
        if "baseline" not in name:
            rows.append(("  then the time until the open section is underlined", _median(underlined)))
    report(f"Spelling: opening a minute ({len(svc.SECTION_KEYS)} sections x 2,000 words) as it loads", rows)


def _section_check(raw_check, text: str) -> tuple[list[float], list[float]]:
    """(the app's highlighter on a fresh checker, the engine's own check of the same words) samples."""
    words = [w for _, w in spelling.words_in(text)]
    editor = QPlainTextEdit()
    editor.setPlainText(text)
    highlighter = widget.SpellingHighlighter(editor, spelling.SpellChecker())

    def ours() -> None:
        highlighter.checker = spelling.SpellChecker()
        highlighter.rehighlight()

    def direct() -> None:
        for word in words:
            raw_check(word)

    ours_s, direct_s = [], []
    for _ in range(7):  # interleaved, so both see the same machine noise
        ours_s += timed(ours, repeat=1)
        direct_s += timed(direct, repeat=1)
    editor.deleteLater()
    return ours_s, direct_s


def test_checking_a_2000_word_section_against_the_engine_directly(qapp, monkeypatch):
    text = _prose(random.Random(3), 2000)
    hunspell, spylls = spelling.Hunspell(), spelling.Spylls()
    rows = []
    for engine in (hunspell, spylls):
        monkeypatch.setattr(spelling, "_engine", engine)
        ours, direct = _section_check(_direct(engine)[0], text)
        rows += [
            (f"{engine.name}: the engine's check, 2,000 words (baseline)", f"{median_ms(direct):.1f} ms"),
            (f"{engine.name}: the app's highlighter, nothing cached", f"{median_ms(ours):.1f} ms"),
            (f"{engine.name}: ratio app / engine (target <= 2x)", _ratio(ours, direct)),
        ]
    report("Spelling: checking a 2,000-word section (20 paragraphs)", rows)


def _menu_samples(engine, monkeypatch) -> tuple[list[float], list[float], float]:
    """(through the app's menu, the engine's own suggest, the UI thread's longest block meanwhile)."""
    monkeypatch.setattr(spelling, "_engine", engine)
    raw_suggest = _direct(engine)[1]
    editor = QPlainTextEdit()
    highlighter = widget.SpellingHighlighter(editor, spelling.SpellChecker())
    at_word = editor.cursorRect(editor.cursorForPosition(editor.rect().topLeft())).center()
    ours, direct, blocks = [], [], []
    ticks = Ticks()
    for word in MISSPELT:  # the app and the engine in turn, so both see the same machine noise
        editor.setPlainText(word)
        start = time.perf_counter()
        menu = widget.spelling_menu(editor, highlighter, at_word, lambda _w: None)
        _events_until(lambda m=menu: widget.FINDING not in [a.text() for a in m.actions()])
        end = time.perf_counter()
        ours.append(end - start)
        _pause(0.005)  # a tick after the menu is filled
        blocks.append(ticks.longest_gap(start, end))
        menu.deleteLater()
        direct += timed(lambda w=word: raw_suggest(w), repeat=1)
    ticks.timer.stop()
    editor.deleteLater()
    return ours, direct, max(blocks)


def test_suggestions_for_20_words_against_the_engine_directly(qapp, monkeypatch):
    rows = []
    for engine in (spelling.Hunspell(), spelling.Spylls()):
        ours, direct, block = _menu_samples(engine, monkeypatch)
        rows += [
            (f"{engine.name}: the engine's suggest, median of 20 words (baseline)", _median(direct)),
            (f"{engine.name}: the app, from the menu built to the suggestions in it", _median(ours)),
            (f"{engine.name}: all 20, app / engine", f"{sum(ours) * 1000:.0f} / {sum(direct) * 1000:.0f} ms"),
            (f"{engine.name}: ratio app / engine (target <= 2x)", _ratio(ours, direct)),
            (f"{engine.name}: UI thread's longest block meanwhile", f"{block * 1000:.0f} ms"),
        ]
    report("Spelling: suggestions in the right-click menu", rows)
