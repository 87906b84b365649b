"""Retention to the 75th birthday (docs/RULES.md X2) and removing a child from the store."""

from __future__ import annotations

from datetime import date

import pytest

from iro_desktop.problems import Problem
from iro_desktop.services.caseload import load_caseload
from iro_desktop.services.retention import (
    RemovalRefused,
    children_past_retention,
    next_due,
    remove_child,
    retention_until,
    retention_years,
    set_retention_years,
    set_years_after_death,
    years_after_death,
)
from iro_desktop.store import audit
from iro_desktop.store.models import Child
from tests.conftest import PASSPHRASE
from tests.services.child_traces import (
    FULL_CHILD,
    child_names,
    died,
    fill_every_table,
    mark_delivered,
    tables_holding,
)

TODAY = date(2026, 11, 25)
D = date.fromisoformat


def _child(store, ref: str, dob: date, first="Winifred", last="Ashdown") -> int:
    with store.session() as s:
        child = Child(child_ref=ref, first_name=first, last_name=last, dob=dob)
        s.add(child)
        s.flush()
        return child.id


def test_kept_until_the_75th_birthday():
    assert retention_until(D("2010-06-14")) == D("2085-06-14")
    assert retention_until(D("2008-02-29")) == D("2083-03-01")  # no 29 February that year: the day after
    assert retention_until(D("2008-02-29"), 76) == D("2084-02-29")


def test_lists_children_whose_date_has_come_and_the_next_few(store):
    _child(store, "C-1", D("1951-11-25"))  # 75 today
    _child(store, "C-2", D("1950-01-01"))
    _child(store, "C-3", D("1951-11-26"))  # 75 tomorrow
    _child(store, "C-4", D("2012-03-03"))
    assert [line.child_ref for line in children_past_retention(store, TODAY)] == ["C-2", "C-1"]
    assert [line.child_ref for line in next_due(store, TODAY, count=1)] == ["C-3"]
    assert children_past_retention(store, TODAY)[0].until == D("2025-01-01")


def test_the_age_is_a_setting_kept_in_the_store(store):
    _child(store, "C-1", D("1980-05-01"))
    assert retention_years(store) == 75
    assert children_past_retention(store, TODAY) == []
    set_retention_years(store, 40)
    assert [line.child_ref for line in children_past_retention(store, TODAY)] == ["C-1"]
    with pytest.raises(Problem, match="between 18 and 120"):
        set_retention_years(store, 5)
    assert retention_years(store) == 40


def test_removal_leaves_no_trace_of_the_child(demo_store):
    fill_every_table(demo_store, FULL_CHILD)
    mark_delivered(demo_store, FULL_CHILD)
    first, last = child_names(demo_store, FULL_CHILD)
    assert "children" in tables_holding(demo_store, last)
    before = len(load_caseload(demo_store, TODAY))

    ref = remove_child(demo_store, FULL_CHILD, "retention date reached")

    for text in (first + " " + last, last, "Zephyrine", "Dear Zephyrine"):
        assert tables_holding(demo_store, text) == [], text
    rows = load_caseload(demo_store, TODAY)
    assert len(rows) == before - 1 and ref not in {r.child for r in rows}
    entry = audit.entries(demo_store, limit=1)[0]
    assert (entry.action, entry.subject) == ("child_removed", ref)
    assert last not in (entry.detail or "") and audit.verify(demo_store) == []


def test_removal_refused_while_signed_records_wait_to_be_sent(demo_store):
    fill_every_table(demo_store, FULL_CHILD)
    with pytest.raises(RemovalRefused, match="1 signed record has not reached the council"):
        remove_child(demo_store, FULL_CHILD, "handed over")
    with demo_store.session() as s:
        assert s.get(Child, FULL_CHILD) is not None
    assert "child_removed" not in {e.action for e in audit.entries(demo_store)}


def test_a_child_who_died_before_18_is_kept_15_years_after_the_death(store):
    """docs/RULES.md X2: 15 years after death, if the child dies before 18; the years are a setting."""
    died(store, _child(store, "C-1", D("2005-04-02")), D("2011-11-24"))  # died aged 6
    died(store, _child(store, "C-2", D("2000-01-01")), D("2020-06-01"))  # aged 20: the 75th birthday rule
    _child(store, "C-3", D("2012-03-03"))
    (due,) = children_past_retention(store, TODAY)  # 15 years after 24 Nov 2011 is yesterday
    assert (due.child_ref, due.until, due.died_on) == ("C-1", D("2026-11-24"), D("2011-11-24"))
    assert due.until_text == "24 Nov 2026 (died 24 Nov 2011)"
    later = {line.child_ref: line for line in next_due(store, TODAY)}
    assert later["C-2"].until == D("2075-01-01") and later["C-2"].died_on is None
    set_years_after_death(store, 20)
    assert children_past_retention(store, TODAY) == [] and years_after_death(store) == 20
    with pytest.raises(Problem, match="from 1 to 100 years"):
        set_years_after_death(store, 0)
    assert years_after_death(store) == 20


def test_the_retention_command_says_when_a_death_decided_the_date(store, store_path, monkeypatch, capsys):
    from iro_desktop.cli import main

    died(store, _child(store, "C-1", D("2005-04-02")), D("2011-11-24"))
    monkeypatch.setenv("IRO_DESKTOP_PASSPHRASE", PASSPHRASE)
    assert main(["retention", "--db", str(store_path), "--as-of", "2026-11-25"]) == 0
    out = capsys.readouterr().out
    assert "or for 15 years after the death of a child who died before 18" in out
    assert "kept until 24 Nov 2026 (died 24 Nov 2011)" in out
