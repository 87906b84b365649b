"""Search across minutes, the child's own words, monitoring notes, decisions and names (FTS5, encrypted)."""

from __future__ import annotations

from datetime import date

import pytest

from iro_desktop.services.monitoring import add_note
from iro_desktop.services.search import MARK_END, MARK_START, match_query, search
from iro_desktop.store.models import Child, Decision, Review, ReviewSection, WishEntry

TODAY = date(2026, 11, 25)
D = date.fromisoformat


@pytest.fixture
def ids(store) -> dict[str, int]:
    with store.session() as s:
        ruby = Child(
            child_ref="C-6001",
            first_name="Rubina",
            preferred_name="Ruby",
            last_name="Hale",
            dob=D("2012-04-04"),
        )
        kofi = Child(child_ref="C-6002", first_name="Kofi", last_name="Mensah", dob=D("2014-09-19"))
        s.add_all([ruby, kofi])
        s.flush()
        review = Review(child_id=ruby.id, held_date=D("2026-06-10"), status="held")
        s.add(review)
        s.flush()
        s.add_all(
            [
                ReviewSection(
                    review_id=review.id, key="contact", text="Ruby sees her grandmother every fortnight."
                ),
                WishEntry(
                    child_id=ruby.id,
                    recorded_on=D("2026-06-08"),
                    how_obtained="private_conversation",
                    words="I want to join the swimming club with my friend.",
                ),
                Decision(child_id=kofi.id, action="Arrange trampoline lessons", due_date=D("2026-12-01")),
            ]
        )
    add_note(
        store, kofi.id, D("2026-11-02"), "visit", "Kofi showed me his bike; carers report a calm term."
    )
    return {"ruby": ruby.id, "kofi": kofi.id}


def _found(hits):
    return [(h.child_name, h.source, h.on) for h in hits]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        pytest.param(
            "grandmother", ("Ruby Hale", "Minutes: Contact with family", D("2026-06-10")), id="minutes"
        ),
        pytest.param("swimming", ("Ruby Hale", "In their own words", D("2026-06-08")), id="wishes"),
        pytest.param("bike", ("Kofi Mensah", "Monitoring note", D("2026-11-02")), id="monitoring note"),
        pytest.param("trampoline", ("Kofi Mensah", "Decision", D("2026-12-01")), id="decision"),
        pytest.param("tramp", ("Kofi Mensah", "Decision", D("2026-12-01")), id="as you type: a word begun"),
        pytest.param("SWIMMING club", ("Ruby Hale", "In their own words", D("2026-06-08")), id="two words"),
    ],
)
def test_finds_words_where_they_were_written(store, ids, typed, expected):
    assert _found(search(store, typed)) == [expected]


def test_the_snippet_marks_the_match(store, ids):
    (hit,) = search(store, "grandmother")
    assert f"{MARK_START}grandmother{MARK_END}" in hit.snippet
    assert hit.plain_snippet == "Ruby sees her grandmother every fortnight."
    assert hit.child_id == ids["ruby"]


def test_names_and_child_ids_are_found(store, ids):
    assert _found(search(store, "mensah")) == [("Kofi Mensah", "Child", D("2014-09-19"))]
    assert [h.child_name for h in search(store, "Rubina")] == ["Ruby Hale"]
    assert [h.child_id for h in search(store, "C-6001")] == [ids["ruby"]]


def test_a_name_in_the_text_comes_after_the_child(store, ids):
    hits = search(store, "Kofi")
    assert [h.source for h in hits] == ["Child", "Monitoring note"]


@pytest.mark.parametrize(
    "typed",
    [
        '"',
        'swimming"',
        '"swimming',
        "-",
        "swimming -club",
        "*",
        "swim*",
        "AND",
        "swimming AND",
        "OR NOT",
        "NEAR(",
        "(",
        "'",
        "club:",
        "^",
        "\\",
        "%",
        "_",
    ],
)
def test_stray_syntax_never_breaks_the_search(store, ids, typed):
    hits = search(store, typed)  # no error, whatever the IRO typed
    if "swim" in typed and "AND" not in typed:  # AND is just a word, and the wish has no "and"
        assert "In their own words" in [h.source for h in hits]


def test_operators_are_just_words():
    assert match_query('swimming AND "club') == '"swimming"* "AND"* """club"*'
    assert match_query("- * ( )") == ""


def test_nothing_typed_finds_nothing(store, ids):
    assert search(store, "   ") == []


def test_limit(store, ids):
    assert len(search(store, "e", limit=1)) <= 1


def test_edits_are_found_at_once(store, ids):
    with store.session() as s:
        s.query(ReviewSection).one().text = "Ruby now visits her aunt on Sundays."
    assert search(store, "grandmother") == []
    assert _found(search(store, "aunt"))[0][1] == "Minutes: Contact with family"
