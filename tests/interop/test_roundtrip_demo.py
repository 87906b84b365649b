"""The demo caseload written as 903 CSV files, loaded into a fresh store and written again: nothing moves.

The demo generator's 903 files are made by the export itself (--with-header-episodes --all-years), so
these files are what a data team would receive from an IRO working on the demo.
"""

from __future__ import annotations

from sqlalchemy import func, select

from iro_desktop.services.export903 import export_903
from iro_desktop.services.import903 import import_903
from iro_desktop.store import create_store
from iro_desktop.store.keys import TEST_KDF
from iro_desktop.store.models import Child, Review
from tests.conftest import PASSPHRASE
from tests.interop.helpers import snapshot

FILES = ("header.csv", "episodes.csv", "reviews.csv")


def test_demo_caseload_as_903_files_survives_import_and_export_unchanged(demo_store, tmp_path):
    first = export_903(demo_store, tmp_path / "demo903", None, with_header_episodes=True)
    fresh = create_store(tmp_path / "fresh.db", PASSPHRASE, kdf=TEST_KDF)
    try:
        report = import_903(fresh, tmp_path / "demo903")
        second = export_903(fresh, tmp_path / "again", None, with_header_episodes=True)
        with fresh.session() as s:
            imported = s.scalar(select(func.count()).select_from(Review).where(Review.source == "903"))
            children = s.scalar(select(func.count()).select_from(Child))
    finally:
        fresh.close()
    assert report.refused == [] and report.left_out == []
    assert imported == len(first.tables.reviews) == report.reviews.created
    assert children == len(first.tables.header)
    for name in FILES:
        assert (tmp_path / "again" / name).read_bytes() == (tmp_path / "demo903" / name).read_bytes(), name
    assert second.tables.left_out == []


def test_the_demos_own_files_imported_into_it_change_nothing_the_iro_recorded(demo_store, tmp_path):
    """Every exported review is already in the app, as the IRO's own record or as 903 data taken before:
    the IRO's are kept as they are, the rest are unchanged, and nothing is added."""
    result = export_903(demo_store, tmp_path / "demo903", None, with_header_episodes=True)
    before = snapshot(demo_store)
    report = import_903(demo_store, tmp_path / "demo903")
    assert snapshot(demo_store) == before
    assert report.reviews_in_app + report.reviews.unchanged == len(result.tables.reviews)
    assert report.reviews_in_app > 0 and report.reviews.created == 0
    assert report.children.unchanged == len(result.tables.header)
