"""Who receives a document, and which passages each recipient's copy leaves out.

The order follows docs/RULES.md R5: the child, parents and others with parental responsibility, carers, the
social worker and team manager, then the other professionals who attended.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

CHILD_KEY = "child"
_ORDER = {"parent": 1, "pr_holder": 1, "carer": 2, "social_worker": 3, "team_manager": 4}
_PROFESSIONAL = 5


@dataclass(frozen=True)
class Contact:
    """A person known on the child's record, as the distribution list needs them."""

    person_id: int
    name: str
    role: str  # a key of store.models.PERSON_ROLES
    role_label: str
    address: str | None
    has_parental_responsibility: bool
    attended: bool


@dataclass(frozen=True)
class Recipient:
    key: str  # "child" or "person:<id>"
    name: str
    role_label: str
    address: str | None = None


def person_key(person_id: int) -> str:
    return f"person:{person_id}"


def address_key(person_id: int) -> str:
    """The passage key of a person's address on the distribution list."""
    return f"address:{person_id}"


def _rank(contact: Contact) -> int | None:
    if contact.has_parental_responsibility:
        return 1
    if contact.role in _ORDER:
        return _ORDER[contact.role]
    return _PROFESSIONAL if contact.attended else None


def recipients(child_name: str, contacts: Iterable[Contact]) -> tuple[Recipient, ...]:
    """The child first, then each group in turn; a professional who did not attend is not sent a copy."""
    ranked = [(rank, c) for c in contacts if (rank := _rank(c)) is not None]
    ranked.sort(key=lambda pair: (pair[0], pair[1].name))
    people = tuple(Recipient(person_key(c.person_id), c.name, c.role_label, c.address) for _, c in ranked)
    return (Recipient(CHILD_KEY, child_name, "Child"), *people)


def withheld_for(choices: Mapping[str, Iterable[str]], recipient_key: str | None) -> frozenset[str]:
    """The passage keys to leave out of one recipient's copy (none for the IRO's own full copy)."""
    if recipient_key is None:
        return frozenset()
    return frozenset(choices.get(recipient_key, ()))
