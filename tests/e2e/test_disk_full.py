"""A full disk while minuting, backing up, changing the passphrase and saving a PDF.

Each time: a plain message, nothing already saved is lost, no half-written file takes the place of a
good one, and the store opens afterwards and passes SQLite's integrity check. The full disk is real:
an 8 MiB tmpfs mounted for the test and filled to the last byte (needs root with CAP_SYS_ADMIN, as in
the project's container; elsewhere these tests skip and say why).
"""

from __future__ import annotations

import errno
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import text

from iro_desktop.cli import main
from iro_desktop.gui.review.minute import MinutePage
from iro_desktop.services import minutes as svc
from iro_desktop.store import change_passphrase, open_store
from iro_desktop.store.backup import BackupError, backup, verify
from iro_desktop.store.errors import DiskFull, WrongPassphrase
from iro_desktop.store.keys import key_file_for
from tests.conftest import PASSPHRASE, TODAY, first_review

NEW_PASSPHRASE = "marigold-heron-cobblestone-77"
SAVED = "Settled at the Mapleton placement; she says school is better this term."


@pytest.fixture
def small_disk(tmp_path):
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=8m,mode=0700", "tmpfs", str(disk)], capture_output=True
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs to fill (needs root): {mounted.stderr.decode().strip()}")
    yield disk
    subprocess.run(["umount", "-l", str(disk)], check=True)


@pytest.fixture
def store_path(small_disk):  # the conftest's store and demo_store now live on the small disk
    return small_disk / "caseload.db"


def fill(disk: Path, leave: int = 0) -> Path:
    """Write until the disk refuses another byte, then give back `leave` bytes; remove the returned
    file to make room again."""
    filler = disk / "filler"
    with filler.open("wb", buffering=0) as f:
        for size in (1 << 16, 512, 1):
            try:
                while True:
                    f.write(b"\0" * size)
            except OSError as exc:
                assert exc.errno == errno.ENOSPC
        f.truncate(f.tell() - leave)
    return filler


def integrity(db: Path, passphrase: str = PASSPHRASE) -> str:
    store = open_store(db, passphrase)
    try:
        with store.session() as s:
            return s.execute(text("PRAGMA integrity_check")).scalar()
    finally:
        store.close()


def stray_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp") or p.name.startswith(".iro-"))


def test_minuting_on_a_full_disk_keeps_the_typing_and_says_so(qtbot, demo_store, store_path, small_disk):
    review_id = first_review(demo_store, "planned")
    page = MinutePage(demo_store, review_id, TODAY)
    qtbot.addWidget(page)
    editor = page.editors["health"]
    editor.setPlainText(SAVED)
    page.flush()
    assert page.saved_label.text() == "Saved"

    filler = fill(small_disk)
    longer = SAVED + " Dental check booked." * 6_000  # within a section's limit, far past the room left
    editor.setPlainText(longer)
    page.flush()  # autosave runs here, as when the IRO pauses: no traceback, a message at the field
    assert page.section_message.text().startswith("Could not save: the disk is full.")
    assert page.saved_label.text() == "Not saved: see the message"
    assert editor.toPlainText() == longer  # what was typed stays on screen

    filler.unlink()  # the IRO makes room; the next pause saves the text
    editor.setPlainText(longer + " Optician next month.")
    page.flush()
    assert page.saved_label.text() == "Saved"
    demo_store.close()
    assert integrity(store_path) == "ok"
    reopened = open_store(store_path, PASSPHRASE)
    text_now = next(x.text for x in svc.minutes(reopened, review_id, TODAY).sections if x.key == "health")
    reopened.close()
    assert text_now == longer + " Optician next month."


def test_a_failed_save_loses_nothing_saved_before(demo_store, store_path, small_disk):
    review_id = first_review(demo_store, "planned")
    svc.save_section(demo_store, review_id, "health", SAVED)
    fill(small_disk)
    with pytest.raises(DiskFull, match="the disk is full"):
        svc.save_section(demo_store, review_id, "health", "x" * 140_000)
    demo_store.close()
    assert integrity(store_path) == "ok"  # still opens, with the disk still full
    reopened = open_store(store_path, PASSPHRASE)
    text_now = next(x.text for x in svc.minutes(reopened, review_id, TODAY).sections if x.key == "health")
    reopened.close()
    assert text_now == SAVED


def test_a_backup_onto_a_full_disk_leaves_the_earlier_backup_whole(demo_store, small_disk):
    earlier = small_disk / "backups" / "caseload.iro-backup"
    first = backup(demo_store, earlier)
    good = earlier.read_bytes()
    filler = fill(small_disk)
    with pytest.raises(BackupError, match="the disk holding .* is full"):
        backup(demo_store, earlier)
    with pytest.raises(BackupError, match="Could not check the backup .* is full"):  # not "damaged"
        verify(earlier, demo_store.data_key)
    filler.unlink()
    assert earlier.read_bytes() == good and verify(earlier, demo_store.data_key).children == first.children
    assert stray_files(earlier.parent) == []


def test_the_backup_command_on_a_full_disk_prints_a_plain_message(
    demo_store, store_path, small_disk, monkeypatch, capsys
):
    demo_store.close()
    fill(small_disk, leave=1 << 20)  # room to open the store, not to copy it
    monkeypatch.setenv("IRO_DESKTOP_PASSPHRASE", PASSPHRASE)
    code = main(["backup", "--db", str(store_path), str(small_disk / "b.iro-backup")])
    err = capsys.readouterr().err
    assert code == 2 and "Could not write the backup: the disk holding" in err and "Traceback" not in err
    assert stray_files(small_disk) == [] and not (small_disk / "b.iro-backup").exists()
    assert integrity(store_path) == "ok"


def test_changing_the_passphrase_on_a_full_disk_keeps_the_old_one(store, store_path, small_disk):
    store.close()
    key_before = key_file_for(store_path).read_bytes()
    filler = fill(small_disk)
    with pytest.raises(DiskFull, match="Could not write the key file: the disk is full"):
        change_passphrase(store_path, PASSPHRASE, NEW_PASSPHRASE)
    assert key_file_for(store_path).read_bytes() == key_before
    assert stray_files(small_disk) == []
    with pytest.raises(DiskFull, match="Could not open the store: the disk is full"):  # not "damaged"
        open_store(store_path, PASSPHRASE)
    filler.unlink()
    assert integrity(store_path, PASSPHRASE) == "ok"
    with pytest.raises(WrongPassphrase):
        open_store(store_path, NEW_PASSPHRASE)


def test_saving_a_pdf_onto_a_full_disk_keeps_the_earlier_pdf(qtbot, tmp_path, small_disk):
    from iro_desktop.gui.documents.dialog import DocumentsDialog
    from iro_desktop.store import create_store
    from iro_desktop.store.keys import TEST_KDF
    from tests.documents import gwenllian as g

    folder = small_disk
    store = create_store(tmp_path / "home" / "caseload.db", PASSPHRASE, kdf=TEST_KDF)
    try:
        dialog = DocumentsDialog(store, g.add_gwenllian(store), TODAY)
        qtbot.addWidget(dialog)
        qtbot.waitUntil(lambda: dialog.pdf is not None, timeout=10000)
        target = folder / "review-record.pdf"
        assert dialog.save_to(target)
        good = target.read_bytes()
        fill(folder)
        assert not dialog.save_to(target)
        assert (
            dialog.status.text()
            == "Not saved: the disk is full. Any earlier review-record.pdf was left as it was."
        )
        assert target.read_bytes() == good and stray_files(folder) == []
        dialog.done(0)
    finally:
        store.close()
