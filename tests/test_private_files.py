"""Every file the app writes that holds or protects personal data is owner-only (issue 15).

Files are 0600 and folders the app makes 0700, whatever wrote them; a folder the IRO chose is left as it
is. The commands run in-process on real stores in tmp_path under a umask of 022 (the common default), so a
file written with default modes shows as 0644 here whatever the machine's own umask is.
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from iro_desktop.cli import main
from iro_desktop.private_files import loose_files, make_private, private_dir, tighten, write_private
from iro_desktop.store import open_store
from iro_desktop.store.backup import BEFORE_RESTORE, backup
from iro_desktop.store.errors import WrongPassphrase
from iro_desktop.store.keys import key_file_for
from tests.conftest import PASSPHRASE, TODAY

pytestmark = pytest.mark.skipif(os.name == "nt", reason="POSIX modes do not apply on Windows")

CHEAP_KDF = "1,8192,1"
CHOSEN_MODE = 0o755  # a folder the IRO chose (Documents, a backup drive): the app must leave it so


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def usual_umask():
    old = os.umask(0o022)
    yield
    os.umask(old)


@pytest.fixture
def cli(monkeypatch, capsys, usual_umask):
    """Run `iro-desktop ARGS` in this process; returns (status, stdout, stderr)."""
    monkeypatch.setenv("IRO_DESKTOP_PASSPHRASE", PASSPHRASE)
    monkeypatch.setenv("IRO_DESKTOP_KDF", CHEAP_KDF)

    def run(*args) -> tuple[int, str, str]:
        status = main([str(a) for a in args])
        out = capsys.readouterr()
        return status, out.out, out.err

    return run


def chosen_folder(path: Path) -> Path:
    path.mkdir(parents=True)
    os.chmod(path, CHOSEN_MODE)
    return path


# --- the helper itself ------------------------------------------------------------------------------


def test_write_private_replaces_a_loose_file_whole_owner_only_and_leaves_nothing_beside_it(
    tmp_path, usual_umask
):
    target = tmp_path / "letter.pdf"
    target.write_bytes(b"old")
    os.chmod(target, 0o644)
    write_private(target, b"new")
    assert target.read_bytes() == b"new" and mode(target) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["letter.pdf"]


def test_private_dir_makes_each_missing_folder_0700_and_leaves_existing_ones_alone(tmp_path, usual_umask):
    chosen = chosen_folder(tmp_path / "Documents")
    made = private_dir(chosen / "iro" / "exports")
    assert made == chosen / "iro" / "exports"
    assert mode(chosen) == CHOSEN_MODE
    assert mode(chosen / "iro") == 0o700 and mode(made) == 0o700
    assert private_dir(made) == made  # already there: fine, and still as it was


def test_loose_files_make_private_and_tighten(tmp_path, usual_umask):
    tight, loose, gone = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    write_private(tight, b"x")
    loose.write_bytes(b"y")
    assert mode(loose) == 0o644
    assert loose_files([tight, loose, gone]) == [loose]
    make_private(loose)
    assert loose_files([tight, loose]) == [] and mode(loose) == 0o600
    os.chmod(loose, 0o664)
    assert tighten([tight, loose, gone]) == [loose] and mode(loose) == 0o600


# --- every command a user runs ----------------------------------------------------------------------


def _problems(roots: list[Path], chosen: set[Path]) -> list[str]:
    """Every file not 0600 and every folder not 0700 under `roots` (folders the test made itself, the
    IRO's chosen ones, must keep their own mode instead)."""
    found = []
    for root in roots:
        if not root.exists():
            continue
        for folder, _dirs, files in os.walk(root):
            here = Path(folder)
            want = CHOSEN_MODE if here in chosen else 0o700
            if mode(here) != want:
                found.append(f"folder {here} is {mode(here):o}, not {want:o}")
            for name in files:
                if mode(here / name) != 0o600:
                    found.append(f"file {here / name} is {mode(here / name):o}")
    return found


def test_every_file_and_folder_each_command_leaves_is_owner_only(tmp_path, cli, qtbot):
    from iro_desktop.gui.help.report import ReportDialog
    from iro_desktop.gui.saving import save_file
    from iro_desktop.interop import ssda903
    from iro_desktop.services import diagnostics

    documents = chosen_folder(tmp_path / "Documents")
    daily = chosen_folder(tmp_path / "Backup drive")
    chosen = {documents, daily}
    own = tmp_path / "app" / "iro-desktop" / "store.db"  # none of these folders exists yet
    demo = tmp_path / "demo" / "caseload" / "demo.db"
    restored = tmp_path / "restored" / "deep" / "store.db"
    roots = [tmp_path / "app", tmp_path / "demo", tmp_path / "restored", documents, daily]
    left: dict[str, list[str]] = {}  # each problem under the first step that left it

    def walked(name: str) -> None:
        seen = {p for found in left.values() for p in found}
        left[name] = [p for p in _problems(roots, chosen) if p not in seen]

    def step(name: str, *args) -> str:
        status, out, err = cli(*args)
        assert status == 0, f"{name}: {err}"
        walked(name)
        return out

    step("init", "init", "--db", own, "--name", "Alex Example", "--council", "Example Borough")
    step("demo", "demo", "--db", demo, "--as-of", TODAY.isoformat())
    step("backup", "backup", "--db", demo, documents / "demo.iro-backup")
    step("backup to a new folder", "backup", "--db", demo, documents / "new backups" / "b.iro-backup")
    step("backup --daily-folder", "backup", "--db", demo, "--daily-folder", daily)
    step("restore to the same path", "restore", "--db", demo, documents / "demo.iro-backup")
    step("restore to a new path", "restore", "--db", restored, documents / "demo.iro-backup")
    opened = open_store(restored, PASSPHRASE)  # the -wal and -shm files exist only while it is open
    try:
        opened.set_setting("test.touched", True)
        assert restored.with_name(restored.name + "-wal").is_file()
        walked("the restored store, open")
    finally:
        opened.close()

    outbox = json.loads(step("outbox", "outbox", "--db", demo, "--json"))
    step("export-record", "export-record", "--db", demo, outbox[0]["record_id"], documents / "record.json")
    step(
        "export-903",
        "export-903", "--db", demo, documents / "903 return", "--all-years", "--with-header-episodes",
    )  # fmt: skip
    extract = chosen_folder(tmp_path / "extract")  # the council's file: read only, not walked
    columns = ssda903.COLUMNS["header"]
    (extract / "header.csv").write_text(
        ",".join(columns) + "\n" + ",".join("X1" if c == "CHILD" else "not a date" for c in columns) + "\n"
    )
    step("import-903 --report", "import-903", "--db", own, extract, "--report", documents / "import.csv")
    step("handover", "handover", "--db", demo, "DEMO0010", documents / "DEMO0010.iro-handover")

    diagnostics.save(documents / "report.txt", diagnostics.report(demo))
    dialog = ReportDialog("iro-desktop problem report\n", today=TODAY)
    qtbot.addWidget(dialog)
    assert dialog.save_to(documents / "report-from-help.txt")
    walked("the diagnostic report")

    earlier = documents / "agenda.pdf"
    earlier.write_bytes(b"an earlier copy, made before this version")
    os.chmod(earlier, 0o644)
    assert save_file(earlier, b"%PDF-1.4 a review agenda") is None  # Save as... over an older copy
    assert save_file(documents / "letter.pdf", b"%PDF-1.4 a letter to the child") is None
    walked("a PDF saved through gui/saving.save_file")

    # Each command left what it should, so the walk above really covered it.
    for made in (own, key_file_for(own), demo, key_file_for(demo), restored, key_file_for(restored)):
        assert made.is_file(), made
    assert demo.with_name(demo.name + BEFORE_RESTORE).is_file()
    assert (documents / "new backups" / "b.iro-backup").is_file() and any(daily.iterdir())
    assert sorted(p.name for p in (documents / "903 return").iterdir()) == [
        "episodes.csv", "header.csv", "reviews.csv",
    ]  # fmt: skip
    for name in ("record.json", "import.csv", "DEMO0010.iro-handover", "report.txt", "letter.pdf"):
        assert (documents / name).is_file(), name

    assert {name: found for name, found in left.items() if found} == {}
    assert mode(documents) == CHOSEN_MODE and mode(daily) == CHOSEN_MODE


# --- a store found looser at unlock -----------------------------------------------------------------


def _loosen(db: Path) -> None:
    for path in (db, key_file_for(db)):
        os.chmod(path, 0o644)


def test_a_store_loosened_to_644_is_tightened_at_unlock_and_the_command_says_so(store, store_path, cli):
    store.close()
    _loosen(store_path)
    with pytest.raises(WrongPassphrase):  # a wrong passphrase changes nothing, modes included
        open_store(store_path, "not-the-passphrase")
    assert mode(store_path) == 0o644 and mode(key_file_for(store_path)) == 0o644

    status, out, err = cli("caseload", "--db", store_path)
    assert status == 0
    assert err.strip() == (
        "Other people using this computer could read caseload.db and caseload.db.key; iro-desktop has now "
        "made them readable by you only."
    )
    assert mode(store_path) == 0o600 and mode(key_file_for(store_path)) == 0o600
    status, out, err = cli("caseload", "--db", store_path)
    assert status == 0 and err == ""  # said once, when it was so


def test_open_store_names_each_loose_file_it_tightened_including_the_write_ahead_log(
    store, store_path, usual_umask
):
    store.close()
    wal = store_path.with_name(store_path.name + "-wal")
    wal.write_bytes(b"")  # an empty log, as a copy made while the app ran may carry
    os.chmod(wal, 0o666)
    os.chmod(key_file_for(store_path), 0o640)
    opened = open_store(store_path, PASSPHRASE)
    try:
        assert opened.tightened == ("caseload.db.key", "caseload.db-wal")
    finally:
        opened.close()
    assert loose_files([store_path, key_file_for(store_path), wal]) == []


def test_the_unlock_dialog_tells_the_iro_before_going_on(qtbot, store, store_path, usual_umask):
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QDialog

    from iro_desktop.gui.unlock import UnlockDialog

    store.close()
    _loosen(store_path)
    dialog = UnlockDialog(store_path)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.passphrase, PASSPHRASE)
    qtbot.keyClick(dialog.passphrase, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not dialog.unlocking)  # the key is derived off the UI thread
    assert dialog.isVisible() and dialog.store is not None  # unlocked, and waiting for the IRO to read
    assert dialog.error.isVisible() and dialog.error.text().startswith(
        "Other people using this computer could read caseload.db and caseload.db.key;"
    )
    assert dialog.unlock_button.text() == "&Continue"
    assert mode(store_path) == 0o600 and mode(key_file_for(store_path)) == 0o600
    qtbot.mouseClick(dialog.unlock_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Accepted
    dialog.store.close()


# --- the restore message ----------------------------------------------------------------------------


def test_restore_says_the_previous_store_was_kept_only_when_there_was_one(
    demo_store, store_path, tmp_path, cli
):
    made = backup(demo_store, tmp_path / "b.iro-backup")
    demo_store.close()
    fresh = tmp_path / "new place" / "caseload.db"

    status, out, _ = cli("restore", "--db", fresh, made.path)
    assert status == 0 and out.startswith(f"Restored {made.children} children from ")
    assert "previous store" not in out
    assert not fresh.with_name(fresh.name + BEFORE_RESTORE).exists()

    _loosen(store_path)  # a store copied in loosely: the copy kept aside is made owner-only too
    status, out, _ = cli("restore", "--db", store_path, made.path)
    assert status == 0
    assert out.rstrip().endswith("The previous store was kept beside it as caseload.db.before-restore.")
    for kept in (store_path, key_file_for(store_path)):
        aside = kept.with_name(kept.name + BEFORE_RESTORE)
        assert aside.is_file() and mode(aside) == 0o600
