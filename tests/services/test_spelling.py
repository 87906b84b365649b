"""The spelling engine: Hunspell through libenchant on the shipped en_GB; spylls without it."""

from __future__ import annotations

import pytest

from iro_desktop.services import spelling


def test_hunspell_reads_the_shipped_uk_dictionary_not_a_system_one():
    engine = spelling.Hunspell()
    assert engine.check("colour") and engine.check("programme") and not engine.check("color")
    assert engine.suggest("recieved", 6)[0] == "received"


@pytest.fixture
def no_libenchant(monkeypatch):
    def missing():
        raise ImportError("The 'enchant' C library was not found")

    monkeypatch.setattr(spelling, "Hunspell", missing)
    monkeypatch.setattr(spelling, "_engine", None)


def test_without_libenchant_spylls_checks_the_same_dictionary(no_libenchant):
    checker = spelling.SpellChecker()
    assert [w for _, w in checker.misspelt("Her behavor was recieved, and the color too.")] == [
        "behavor",
        "recieved",
        "color",
    ]
    assert spelling.engine().name == "spylls"
    assert "received" in checker.suggestions("recieved")


def test_nothing_is_flagged_before_the_dictionary_has_loaded(monkeypatch):
    monkeypatch.setattr(spelling, "_engine", None)
    checker = spelling.SpellChecker()
    assert not checker.ready and checker.is_correct("recieved")  # not yet known, so not underlined
    spelling.load_engine()
    assert checker.ready and not checker.is_correct("recieved")  # the early answer was not kept
