"""Daily automatic backups: one a day into the chosen folder, thinned, and nothing else ever deleted."""

from __future__ import annotations

import resource
import signal
from datetime import date, timedelta

import pytest

from iro_desktop.services.auto_backup import (
    AutoBackupError,
    AutoBackupSettings,
    backup_due,
    backup_name,
    backups_in,
    run_daily_backup,
    save_settings,
    settings,
    thin,
)
from iro_desktop.store import audit
from iro_desktop.store.backup import verify
from tests.conftest import PASSPHRASE, TODAY


def _fake_backups(folder, days):
    """Older backups as plain files: thinning judges them by name only."""
    for day in days:
        (folder / backup_name(day)).write_bytes(b"an older backup")


def test_a_years_backups_thinned_keep_7_daily_4_weekly_12_monthly(store, tmp_path):
    folder = tmp_path / "backups"
    folder.mkdir()
    start = date(2026, 1, 1)
    _fake_backups(folder, [start + timedelta(days=n) for n in range((TODAY - start).days)])
    result = run_daily_backup(store, folder, TODAY)

    kept = sorted(backups_in(folder))
    assert [p.name for p in result.kept] == [backup_name(d) for d in kept]
    last_week = {date(2026, 11, d) for d in range(19, 26)}
    sundays = {date(2026, 11, 8), date(2026, 11, 15), date(2026, 11, 22)}  # newest of the earlier weeks
    month_ends = {date(2026, m + 1, 1) - timedelta(days=1) for m in range(1, 11)}  # 31 Jan ... 31 Oct
    assert set(kept) == last_week | sundays | month_ends
    assert len(result.removed) == (TODAY - start).days + 1 - len(kept)


def test_thinning_run_day_after_day_never_grows_past_the_rule(store, tmp_path):
    folder = tmp_path / "backups"
    folder.mkdir()
    day = date(2026, 9, 1)
    while day <= TODAY:  # successive days, thinning each time as the timer would
        _fake_backups(folder, [day])
        kept, _removed, _ = thin(folder, day)
        assert len(kept) <= 7 + 4 + 12
        day += timedelta(days=1)
    kept = sorted(backups_in(folder))
    assert kept[-7:] == [TODAY - timedelta(days=n) for n in range(6, -1, -1)]
    assert date(2026, 9, 30) in kept and date(2026, 10, 31) in kept  # month ends survive


def test_files_not_named_like_our_backups_are_never_deleted(store, tmp_path):
    folder = tmp_path / "backups"
    folder.mkdir()
    _fake_backups(folder, [date(2024, 1, d) for d in range(1, 29)])
    others = [
        "notes.txt",
        "iro-desktop-2024-01-02.iro-backup.bak",
        "my-iro-desktop-2024-01-03.iro-backup",
        "iro-desktop-2024-13-45.iro-backup",
        "caseload.iro-backup",
    ]
    for name in others:
        (folder / name).write_text("keep me")
    (folder / "iro-desktop-2024-01-05.iro-backup.d").mkdir()  # a folder, whatever its name

    result = run_daily_backup(store, folder, TODAY)

    assert result.removed  # thinning did run over the old ones
    for name in [*others, "iro-desktop-2024-01-05.iro-backup.d"]:
        assert (folder / name).exists(), name


def test_the_days_backup_restores_and_is_due_again_only_tomorrow(store, tmp_path):
    folder = tmp_path / "backups"
    folder.mkdir()
    assert backup_due(store, folder, TODAY)
    result = run_daily_backup(store, folder, TODAY)
    assert result.made == folder / "iro-desktop-2026-11-25.iro-backup"
    assert verify(result.made, store.data_key).store_id == store.store_id
    assert not backup_due(store, folder, TODAY)
    assert backup_due(store, folder, TODAY + timedelta(days=1))
    assert "Daily backup made and checked" in result.message()
    assert audit.entries(store, limit=1)[0].action == "backup"


def test_settings_live_in_the_store_and_name_the_folder_for_backup_due(store, tmp_path):
    assert settings(store) == AutoBackupSettings(enabled=False, folder="")
    assert not backup_due(store, None, TODAY)  # no folder chosen: nothing to do
    save_settings(store, AutoBackupSettings(enabled=True, folder=str(tmp_path)))
    assert settings(store).ready
    assert backup_due(store, None, TODAY)


def _listing(folder):
    return sorted((p.name, p.stat().st_size) for p in folder.rglob("*"))


def test_a_missing_folder_gives_a_plain_message_and_changes_nothing(store, tmp_path):
    gone = tmp_path / "usb-stick" / "backups"
    with pytest.raises(AutoBackupError, match="cannot be found"):
        run_daily_backup(store, gone, TODAY)
    assert not gone.exists()


def test_a_full_disk_gives_a_plain_message_and_deletes_no_older_backup(store, tmp_path):
    folder = tmp_path / "backups"
    folder.mkdir()
    _fake_backups(folder, [date(2025, 1, d) for d in range(1, 29)])  # thinning would remove most
    before = _listing(folder)
    limit = resource.getrlimit(resource.RLIMIT_FSIZE)
    previous = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a too-large write fails, not the process
    resource.setrlimit(resource.RLIMIT_FSIZE, (8192, limit[1]))  # no file may grow past 8 KiB: disk full
    try:
        with pytest.raises(AutoBackupError) as raised:
            run_daily_backup(store, folder, TODAY)
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, limit)
        signal.signal(signal.SIGXFSZ, previous)
    assert "failed" in str(raised.value) and "No older backup was deleted" in str(raised.value)
    assert _listing(folder) == before  # no partial file, no temporary folder, nothing thinned


def test_the_command_line_makes_the_days_backup_for_a_scheduler(
    store, store_path, tmp_path, capsys, monkeypatch
):
    from iro_desktop.cli import PASSPHRASE_ENV, main

    monkeypatch.setenv(PASSPHRASE_ENV, PASSPHRASE)
    folder = tmp_path / "backups"
    folder.mkdir()
    _fake_backups(folder, [date(2024, 3, d) for d in range(1, 29)])
    assert main(["backup", "--db", str(store_path), "--daily-folder", str(folder)]) == 0
    assert "Daily backup made and checked" in capsys.readouterr().out
    assert (folder / backup_name(TODAY)).is_file()
    assert len(backups_in(folder)) < 29  # thinned
    assert main(["backup", "--db", str(store_path), "--daily-folder", str(tmp_path / "gone")]) == 2
    assert "cannot be found" in capsys.readouterr().err
    assert audit.entries(store, limit=1)[0].action == "backup_failed"
    assert main(["backup", "--db", str(store_path)]) == 2  # neither a file nor a folder
