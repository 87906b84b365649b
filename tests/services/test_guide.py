"""The guide's pages: every screen has one, and the timescales page shows the store's figures."""

from __future__ import annotations

from dataclasses import fields

from iro_desktop.domain.timescales import TimescaleSettings
from iro_desktop.services import guide

SCREENS = (
    "Caseload", "A child's page", "Preparing and minuting a review", "Documents", "Finalise and sign",
    "Challenges", "Sync with the council", "Search", "Locking", "Backups", "Audit trail",
    "Retention and handover",
)  # fmt: skip


def test_every_screen_has_a_page():
    titles = [page.title for page in guide.static_pages()]
    assert set(SCREENS) <= set(titles)


def test_every_timescale_setting_is_explained():
    assert {t.field for t in guide.TIMESCALES} == {f.name for f in fields(TimescaleSettings)}


def test_timescales_page_shows_the_values_in_force_and_marks_changes():
    page = guide.timescales_page(TimescaleSettings(first_review_working_days=15), "This store.")
    assert "<b>15</b> working days" in page.html and "changed (default 20)" in page.html
    assert "reg 33(1)" in page.html and "Tools &gt; Settings" in page.html
    assert "iro-desktop settings" in page.html and "administrator" not in page.html
