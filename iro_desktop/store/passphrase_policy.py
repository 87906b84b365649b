"""How strong a new passphrase must be, and the recovery key that can stand in for a lost one.

Strength is estimated with zxcvbn (guesses an attacker would need), not by rules about symbols: a long
phrase of ordinary words is strong; "Password1!" is not.
"""

from __future__ import annotations

import secrets

from zxcvbn import zxcvbn

MIN_SCORE = 3  # zxcvbn 0-4: 3 means "safely unguessable: moderate protection from offline attack"
MIN_LENGTH = 10
LOST_PASSPHRASE = (
    "There is no way to recover a lost passphrase: without it (or a recovery key) the caseload cannot "
    "be opened by anyone, which is what keeps it safe if the laptop is lost."
)


def passphrase_problem(passphrase: str, known_words: tuple[str, ...] = ()) -> str | None:
    """A plain explanation of why a new passphrase is too weak, or None when it will do."""
    if len(passphrase) < MIN_LENGTH:
        return f"Use at least {MIN_LENGTH} characters: a few ordinary words strung together work well."
    # Names the IRO might reuse (their own, the council's), whole and word by word, count as easy guesses.
    inputs = [*known_words, *(word for name in known_words for word in name.split())]
    result = zxcvbn(passphrase[:100], user_inputs=inputs)
    if result["score"] >= MIN_SCORE:
        return None
    feedback = result["feedback"]
    advice = " ".join(filter(None, [feedback.get("warning"), *feedback.get("suggestions", [])]))
    advice = advice.replace("Capitalization", "Capitalisation")  # zxcvbn's only US spelling
    return ("That passphrase would be too easy to guess. " + advice).strip()


def new_recovery_key() -> str:
    """A random 160-bit key written as eight groups of five letters and digits, to print and store safely."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread
    chars = "".join(secrets.choice(alphabet) for _ in range(40))
    return "-".join(chars[i : i + 5] for i in range(0, 40, 5))


def normalise_recovery_key(text: str) -> str:
    chars = "".join(ch for ch in text.upper() if ch.isalnum())
    return "-".join(chars[i : i + 5] for i in range(0, len(chars), 5))
