"""The first-run set-up service: a real store made from what the IRO typed, all or nothing."""

from __future__ import annotations

import os
from dataclasses import replace

import pytest
from sqlalchemy import func, select

from iro_desktop.services import first_run
from iro_desktop.services.demo import DEMO_PASSPHRASE
from iro_desktop.services.documents import letterhead
from iro_desktop.services.sync import sync_settings
from iro_desktop.store import open_store
from iro_desktop.store.database import reset_passphrase_with_recovery_key
from iro_desktop.store.errors import WrongPassphrase
from iro_desktop.store.keys import TEST_KDF
from iro_desktop.store.models import Child
from iro_desktop.store.passphrase_policy import new_recovery_key
from tests.conftest import PASSPHRASE, TODAY

SETUP = first_run.Setup(
    passphrase=PASSPHRASE,
    iro_name="Sam Fictional",
    council_name="Northshire County Council",
    hours_per_week=22.5,
    receiver="https://receiver.northshire.example/",
)


@pytest.fixture
def logo_png(tmp_path):
    from PIL import Image

    path = tmp_path / "downloads" / "crest.png"
    path.parent.mkdir()
    Image.new("RGB", (80, 24), "navy").save(path)
    return path


def _children(store) -> int:
    with store.session() as s:
        return s.scalar(select(func.count(Child.id)))


def test_the_store_made_opens_with_the_passphrase_and_holds_what_was_typed(store_path, logo_png):
    store = first_run.create(store_path, replace(SETUP, logo=logo_png), TODAY, kdf=TEST_KDF)
    store.close()
    logo_png.unlink()  # the IRO tidies their downloads: the letterhead keeps its own copy
    reopened = open_store(store_path, PASSPHRASE)
    try:
        profile = reopened.profile()
        assert (profile.iro_name, profile.council_name) == ("Sam Fictional", "Northshire County Council")
        assert profile.hours_per_week == 22.5 and not profile.is_demo
        assert sync_settings(reopened).server == "https://receiver.northshire.example"
        assert not sync_settings(reopened).configured  # enrolment still to do, in View > Sync
        head = letterhead(reopened, TODAY, "R-1-v1")
        assert head.logo_path and os.path.isfile(head.logo_path)
        assert _children(reopened) == 0
    finally:
        reopened.close()


def test_the_recovery_key_sets_a_new_passphrase(store_path):
    key = new_recovery_key()
    first_run.create(store_path, replace(SETUP, recovery_key=key), TODAY, kdf=TEST_KDF).close()
    reset_passphrase_with_recovery_key(store_path, key, "marmalade-heron-windmill-77")
    open_store(store_path, "marmalade-heron-windmill-77").close()
    with pytest.raises(WrongPassphrase):
        open_store(store_path, PASSPHRASE)


def test_the_demo_is_a_separate_store_and_the_iros_own_stays_empty(tmp_path, store_path):
    demo_path = tmp_path / "demo.db"
    demo = first_run.create(
        store_path, replace(SETUP, start=first_run.DEMO), TODAY, kdf=TEST_KDF, demo_db=demo_path
    )
    try:
        assert demo.path == demo_path and demo.profile().is_demo and _children(demo) == 60
    finally:
        demo.close()
    own = open_store(store_path, PASSPHRASE)
    try:
        assert _children(own) == 0 and not own.profile().is_demo
    finally:
        own.close()
    open_store(demo_path, DEMO_PASSPHRASE).close()


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write anywhere")
def test_a_folder_that_cannot_be_written_gives_a_plain_message_and_leaves_nothing(tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        with pytest.raises(first_run.SetupProblem, match="may not write there"):
            first_run.create(locked / "caseload.db", SETUP, TODAY, kdf=TEST_KDF)
        assert list(locked.iterdir()) == []
    finally:
        locked.chmod(0o700)


def test_a_folder_that_cannot_be_made_gives_a_plain_message_and_leaves_nothing(tmp_path):
    (tmp_path / "iro-desktop").write_text("a file where the folder should be")
    with pytest.raises(first_run.SetupProblem, match="could not be saved in .*Nothing was kept"):
        first_run.create(tmp_path / "iro-desktop" / "caseload.db", SETUP, TODAY, kdf=TEST_KDF)
    assert [p.name for p in tmp_path.iterdir()] == ["iro-desktop"]


def test_a_failure_after_the_store_was_made_removes_it(tmp_path, store_path):
    demo_path = tmp_path / "demo-folder-is-a-file"
    demo_path.write_text("not a folder")
    with pytest.raises(first_run.SetupProblem):
        first_run.create(
            store_path,
            replace(SETUP, start=first_run.DEMO),
            TODAY,
            kdf=TEST_KDF,
            demo_db=demo_path / "demo.db",
        )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["demo-folder-is-a-file"]


def test_an_existing_store_is_never_touched(store, store_path):
    store.close()
    before = store_path.read_bytes()
    with pytest.raises(first_run.SetupProblem, match="already exists"):
        first_run.create(store_path, SETUP, TODAY, kdf=TEST_KDF)
    assert store_path.read_bytes() == before
    open_store(store_path, PASSPHRASE).close()


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"passphrase": "Password1!"}, "too easy to guess"),
        ({"iro_name": " "}, "Type your name"),
        ({"council_name": ""}, "council's name"),
        ({"hours_per_week": 0}, "between 1 and 60"),
        ({"receiver": "receiver.example"}, "https://"),
    ],
)
def test_bad_input_is_explained_and_nothing_is_made(store_path, change, words):
    with pytest.raises(first_run.SetupProblem, match=words):
        first_run.create(store_path, replace(SETUP, **change), TODAY, kdf=TEST_KDF)
    assert not store_path.parent.joinpath(store_path.name + ".key").exists() and not store_path.exists()


def test_a_logo_that_is_not_a_picture_is_refused(tmp_path):
    fake = tmp_path / "crest.png"
    fake.write_text("not a picture")
    assert "not a picture" in first_run.logo_problem(fake)
    vector = tmp_path / "crest.svg"
    vector.write_text("<svg/>")
    assert "PNG or JPEG" in first_run.logo_problem(vector)
    assert "no file" in first_run.logo_problem(tmp_path / "missing.png")
    assert first_run.logo_problem(None) is None


def test_guidance_is_pro_rata():
    assert "50 to 70 children" in first_run.guidance_text(37)
    assert "25 to 35 children" in first_run.guidance_text(18.5)


def test_a_demo_made_before_is_opened_again_not_rebuilt(tmp_path):
    demo_path = tmp_path / "demo.db"
    demo_setup = replace(SETUP, start=first_run.DEMO)
    first_run.create(tmp_path / "first.db", demo_setup, TODAY, kdf=TEST_KDF, demo_db=demo_path).close()
    again = first_run.create(tmp_path / "second.db", demo_setup, TODAY, kdf=TEST_KDF, demo_db=demo_path)
    try:
        assert again.path == demo_path and _children(again) == 60
    finally:
        again.close()
