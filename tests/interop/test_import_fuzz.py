"""Fuzzing the 903 importer with dirty files: it never crashes, and nothing invalid reaches the store."""

from __future__ import annotations

import csv
import tempfile
from datetime import date
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from iro_desktop.domain.codes import LEGAL_STATUS, PARTICIPATION, PLACEMENT_TYPE
from iro_desktop.services.import903 import ImportProblem, import_903
from iro_desktop.store import create_store
from iro_desktop.store.keys import TEST_KDF
from iro_desktop.store.models import Child, Episode, Review

CHILDREN = ["1001", "1002", "1003"]
junk = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12)
day = st.one_of(
    st.dates().map(lambda d: d.strftime("%d/%m/%Y")),
    st.sampled_from(["31/02/2015", "2015-01-01", "", "00/00/0000"]),
    junk,
)
code = lambda codes: st.one_of(st.sampled_from(sorted(codes)), junk)  # noqa: E731
header = st.fixed_dictionaries(
    {
        "CHILD": st.one_of(st.sampled_from(CHILDREN), junk),
        "SEX": code({"1", "2"}),
        "DOB": day,
        "ETHNIC": junk,
        "UPN": junk,
        "MOTHER": junk,
        "MC_DOB": day,
    }
)
episode = st.fixed_dictionaries(
    {
        "CHILD": st.sampled_from(CHILDREN),
        "DECOM": day,
        "RNE": code({"S", "P", "L"}),
        "LS": code(LEGAL_STATUS),
        "CIN": junk,
        "PLACE": code(PLACEMENT_TYPE),
        "PLACE_PROVIDER": junk,
        "DEC": day,
        "REC": junk,
        "REASON_PLACE_CHANGE": junk,
        "HOME_POST": junk,
        "PL_POST": junk,
        "URN": junk,
    }
)
review = st.fixed_dictionaries(
    {"CHILD": st.sampled_from(CHILDREN), "DOB": day, "REVIEW": day, "REVIEW_CODE": code(PARTICIPATION)}
)


def _write(folder: Path, name: str, rows: list[dict]) -> None:
    columns = list(rows[0]) if rows else ["CHILD"]
    with (folder / name).open("w", newline="", encoding="utf-8", errors="surrogatepass") as f:
        writer = csv.DictWriter(f, columns)
        writer.writeheader()
        writer.writerows(rows)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(header, max_size=4), st.lists(episode, max_size=6), st.lists(review, max_size=8))
def test_dirty_903_files_never_crash_the_import_and_store_nothing_invalid(headers, episodes, reviews):
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "extract"
        folder.mkdir()
        _write(folder, "header.csv", headers)
        _write(folder, "episodes.csv", episodes)
        _write(folder, "reviews.csv", reviews)
        store = create_store(Path(tmp) / "s.db", "fuzzing-passphrase-0001", kdf=TEST_KDF)
        try:
            try:
                import_903(store, folder)
            except ImportProblem:
                pass  # refused whole, with a plain message: allowed
            with store.session() as s:
                for child in s.scalars(select(Child)):  # any council id will do, but never a blank one
                    assert child.child_ref and child.child_ref == child.child_ref.strip()
                    assert isinstance(child.dob, date)
                for ep in s.scalars(select(Episode)):
                    assert ep.legal_status in LEGAL_STATUS and ep.placement_type in PLACEMENT_TYPE
                for r in s.scalars(select(Review)):
                    assert r.participation_code is None or r.participation_code in PARTICIPATION
                    assert r.held_date >= s.get(Child, r.child_id).dob
        finally:
            store.close()
