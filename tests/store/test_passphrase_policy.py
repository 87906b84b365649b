"""Weak passphrases are refused with a plain reason; a recovery key can replace a lost passphrase."""

from __future__ import annotations

import pytest

from iro_desktop.store import open_store
from iro_desktop.store.database import add_recovery_key, reset_passphrase_with_recovery_key
from iro_desktop.store.errors import WrongPassphrase
from iro_desktop.store.passphrase_policy import new_recovery_key, normalise_recovery_key, passphrase_problem
from tests.conftest import PASSPHRASE


@pytest.mark.parametrize(
    "weak, words",
    [
        ("short", "at least 10 characters"),
        ("password123", "too easy to guess"),
        ("qwertyuiop", "too easy to guess"),
        ("Example Borough", "too easy to guess"),
    ],
)
def test_weak_passphrases_are_refused_with_a_plain_reason(weak, words):
    assert words in (passphrase_problem(weak, ("Example Borough", "Alex Example")) or "")


def test_the_advice_is_in_uk_english():
    advice = passphrase_problem("Sunflower1") or ""
    assert "Capitalisation" in advice and "Capitalization" not in advice


@pytest.mark.parametrize("strong", [PASSPHRASE, "lemon kettle orbit farmhouse", "Ffenestr las ar y bryn 7"])
def test_a_phrase_of_ordinary_words_is_strong_enough(strong):
    assert passphrase_problem(strong) is None


def test_a_recovery_key_sets_a_new_passphrase_when_the_old_one_is_lost(store, store_path):
    store.close()
    recovery = new_recovery_key()
    assert len(recovery) == 47 and recovery.count("-") == 7
    add_recovery_key(store_path, PASSPHRASE, recovery)
    open_store(store_path, PASSPHRASE).close()  # the passphrase still works beside it
    typed = recovery.lower().replace("-", " ")  # read off paper, typed however
    reset_passphrase_with_recovery_key(
        store_path, normalise_recovery_key(typed), "a-new-passphrase-after-loss"
    )
    open_store(store_path, "a-new-passphrase-after-loss").close()
    with pytest.raises(WrongPassphrase):
        open_store(store_path, PASSPHRASE)
    with pytest.raises(WrongPassphrase):
        reset_passphrase_with_recovery_key(store_path, new_recovery_key(), "another-new-passphrase")
