"""Report a problem: the diagnostic text describes the install and never anything personal."""

from __future__ import annotations

import json
import os
from pathlib import Path

from sqlalchemy import select

from iro_desktop import __version__, logs
from iro_desktop.services import diagnostics
from iro_desktop.services.demo import DEMO_COUNCIL, DEMO_IRO_NAME
from iro_desktop.services.minutes import save_section
from iro_desktop.services.review_prep import next_review_for
from iro_desktop.store.keys import key_file_for
from iro_desktop.store.models import Child, Person
from tests.conftest import PASSPHRASE, TODAY

MARKER = "Zebedee-marker-typed-into-the-minute-7731"


def _personal(store) -> set[str]:
    with store.session() as s:
        children = s.execute(select(Child.first_name, Child.last_name)).all()
        people = set(s.scalars(select(Person.name)))
    names = {part for row in children for part in row} | people
    return {n for n in names if n and len(n) > 3} | {DEMO_IRO_NAME, DEMO_COUNCIL, MARKER, PASSPHRASE}


def test_report_on_an_open_demo_store_holds_nothing_personal(demo_store, tmp_path):
    with demo_store.session() as s:
        child_id = s.scalars(select(Child.id)).first()
    save_section(demo_store, next_review_for(demo_store, child_id), "placement", MARKER)
    settings = tmp_path / "config"
    settings.mkdir()
    (settings / "iro-desktop.ini").write_text(f"[MainWindow]\ngeometry=@ByteArray(x)\nlast={DEMO_IRO_NAME}\n")

    text = diagnostics.report(demo_store.path, {"Qt": "6.11.3"}, settings_folder=settings)

    assert f"iro-desktop version: {__version__}" in text
    leaked = sorted(word for word in _personal(demo_store) if word.lower() in text.lower())
    assert leaked == []
    assert "Keys (values left out): MainWindow/geometry, MainWindow/last" in text


def test_store_section_gives_the_files_outsides_and_the_key_files_cost_not_its_secrets(store):
    text = "\n".join(diagnostics.store_lines(store.path, home=store.path.parent.parent))
    doc = json.loads(key_file_for(store.path).read_text())
    assert f"Location: {Path('~') / store.path.parent.name / store.path.name}" in text
    assert "Database file: present" in text and "Key file: present" in text
    assert "Key file format: iro-desktop-key version 1" in text
    assert "Key slot 'passphrase': argon2id, 1 passes, 8 MiB, 1 lanes" in text
    slot = doc["slots"]["passphrase"]
    for secret in (slot["kdf"]["salt"], slot["nonce"], slot["wrapped"], doc["store_id"]):
        assert secret not in text


def test_home_folder_and_login_name_are_hidden_from_paths(tmp_path, monkeypatch):
    monkeypatch.setattr(diagnostics, "_login_name", lambda: "jsmith")
    home = tmp_path / "home" / "jsmith"
    assert diagnostics.shape(home / "Documents" / "iro.db", home) == os.path.join("~", "Documents", "iro.db")
    assert diagnostics.shape(Path("/media/jsmith/USB/iro.db"), home) == "/media/<user>/USB/iro.db"


def test_a_missing_store_and_a_damaged_key_file_are_described_not_fatal(tmp_path):
    missing = "\n".join(diagnostics.store_lines(tmp_path / "none.db"))
    assert "Database file: not present" in missing and "Key file: not present" in missing
    db = tmp_path / "cut.db"
    db.write_bytes(b"x" * 5000)
    key_file_for(db).write_text("{not json")
    damaged = "\n".join(diagnostics.store_lines(db))
    assert "whole number of 4096-byte pages: NO" in damaged
    assert "Key file contents: cannot be read" in damaged


def test_report_names_the_default_file():
    assert diagnostics.default_file_name(TODAY) == "iro-desktop-diagnostics-2026-11-25.txt"


def test_report_gives_the_log_folder_with_home_as_tilde_and_the_logs_last_lines_without_the_error_text(
    tmp_path, monkeypatch
):
    home = tmp_path / "home"
    monkeypatch.setenv(logs.LOG_DIR_ENV, str(home / ".local" / "state" / "iro-desktop" / "log"))
    logs.start_logging()
    try:
        raise LookupError(f"No review for {MARKER}")
    except LookupError as exc:
        logs.log_crash(exc)

    text = diagnostics.report(None, home=home)

    log_section = text.split("== Log ==\n", 1)[1]
    assert log_section.startswith(f"Log folder: {Path('~', '.local', 'state', 'iro-desktop', 'log')}\n")
    assert "The log's last 4 lines:" in log_section
    assert "INFO iro_desktop: Started (version=" in log_section
    assert (
        "CRITICAL iro_desktop: Uncaught error\n  LookupError\n    at tests.services.test_diagnostics:" in text
    )
    assert MARKER not in text and "errors are shown on screen" not in text


def test_report_shows_a_hard_crashs_frames_with_home_as_tilde(tmp_path, monkeypatch):
    home = tmp_path / "home"
    folder = home / "logs"
    folder.mkdir(parents=True)
    (folder / logs.FAULT_NAME).write_text(
        "Fatal Python error: Segmentation fault\n\n"
        f'  File "{home}/.venv/lib/python3.11/site-packages/iro_desktop/gui/app.py", line 140 in run\n'
    )
    monkeypatch.setenv(logs.LOG_DIR_ENV, str(folder))

    lines = diagnostics.log_lines(home=home)

    assert lines[:2] == [f"Log folder: {Path('~', 'logs')}", "The log is empty."]
    assert lines[2] == "Hard crashes (frames written by Python's fault handler):"
    assert '  File "~/.venv/lib/python3.11/site-packages/iro_desktop/gui/app.py", line 140 in run' in lines
    assert str(home) not in "\n".join(lines)
