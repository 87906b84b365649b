"""The command line as a user or a council's script meets it: real processes, real stores."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import PASSPHRASE

CHEAP_KDF = "1,8192,1"  # the real cost is measured by the benchmarks, not paid by every test
STATUSES = {"overdue", "minutes_to_finish", "due_10wd", "due_20wd", "on_track", "not_looked_after"}


def iro(*args, passphrase=PASSPHRASE, env_extra=None, stdin=subprocess.DEVNULL):
    env = {**os.environ, "IRO_DESKTOP_KDF": CHEAP_KDF}
    env.pop("IRO_DESKTOP_PASSPHRASE", None)
    if passphrase is not None:
        env["IRO_DESKTOP_PASSPHRASE"] = passphrase
    env.update(env_extra or {})
    return subprocess.run(
        [sys.executable, "-m", "iro_desktop", *map(str, args)],
        capture_output=True,
        text=True,
        env=env,
        stdin=stdin,
        timeout=120,
    )


def test_version():
    out = iro("--version")
    assert out.returncode == 0 and out.stdout.startswith("iro-desktop ")


def test_init_from_the_environment_then_refuses_to_overwrite(tmp_path):
    db = tmp_path / "s.db"
    first = iro("init", "--db", db)
    assert first.returncode == 0, first.stderr
    assert db.exists() and (tmp_path / "s.db.key").exists()
    again = iro("init", "--db", db)
    assert again.returncode == 2 and "already exists" in again.stderr and "Traceback" not in again.stderr


def test_passphrase_file_and_change_of_passphrase(tmp_path):
    db, old, new = tmp_path / "s.db", tmp_path / "old.txt", tmp_path / "new.txt"
    old.write_text("first-passphrase-of-mine\n")
    new.write_text("second-passphrase-of-mine\n")
    assert iro("init", "--db", db, "--passphrase-file", old, passphrase=None).returncode == 0
    changed = iro(
        "passphrase", "--db", db, "--passphrase-file", old, "--new-passphrase-file", new, passphrase=None
    )
    assert changed.returncode == 0, changed.stderr
    assert iro("caseload", "--db", db, "--passphrase-file", old, passphrase=None).returncode == 2
    assert iro("caseload", "--db", db, "--passphrase-file", new, passphrase=None).returncode == 0


@pytest.mark.parametrize(
    "setup, message",
    [
        ("wrong", "That passphrase does not open this store."),
        ("missing", "There is no iro-desktop store"),
        ("junk", "is not an iro-desktop store"),
        ("no_passphrase", "No passphrase given"),
        ("bad_date", "--as-of must be a date like 2027-01-14"),
    ],
)
def test_bad_input_gets_one_clear_line_and_no_traceback(tmp_path, setup, message):
    db = tmp_path / "s.db"
    args, kwargs = ["caseload", "--db", db], {}
    if setup in ("wrong", "no_passphrase", "bad_date"):
        assert iro("init", "--db", db).returncode == 0
    if setup == "wrong":
        kwargs["passphrase"] = "guess-guess-guess"
    elif setup == "junk":
        db.write_bytes(b"not a database at all" * 300)
    elif setup == "no_passphrase":
        kwargs["passphrase"] = None
    elif setup == "bad_date":
        args += ["--as-of", "14/01/2027"]
    out = iro(*args, **kwargs)
    assert out.returncode == 2
    assert message in out.stderr
    assert "Traceback" not in out.stderr


def test_demo_then_caseload_json_is_what_a_data_team_reads(tmp_path):
    db = tmp_path / "demo.db"
    made = iro("demo", "--db", db, "--as-of", "2026-11-25", passphrase=None)
    assert made.returncode == 0, made.stderr
    assert "Demo passphrase:" in made.stdout
    secret = made.stdout.split("Demo passphrase:")[1].strip()
    out = iro("caseload", "--db", db, "--json", "--as-of", "2026-11-25", passphrase=secret)
    assert out.returncode == 0, out.stderr
    rows = json.loads(out.stdout)
    assert out.stdout == json.dumps(rows, indent=2) + "\n"  # the layout scripts were written against
    assert 55 <= len(rows) <= 65
    for row in rows:
        assert {
            "child",
            "name",
            "looked_after_since",
            "last_review",
            "next_review_due",
            "working_days_left",
            "status",
        } <= row.keys()
        assert row["status"] in STATUSES
    assert {r["status"] for r in rows} == STATUSES  # the demo exercises every status
    later = json.loads(
        iro("caseload", "--db", db, "--json", "--as-of", "2027-03-01", passphrase=secret).stdout
    )
    overdue_now = sum(r["status"] == "overdue" for r in rows)
    assert sum(r["status"] == "overdue" for r in later) > overdue_now
    table = iro("caseload", "--db", db, "--as-of", "2026-11-25", passphrase=secret)
    assert "Overdue" in table.stdout and "Nov 2026" in table.stdout


def test_a_weak_passphrase_is_refused_with_the_reason_and_nothing_is_made(tmp_path):
    out = iro("init", "--db", tmp_path / "s.db", passphrase="password123")
    assert (
        out.returncode == 2
        and "too easy to guess" in out.stderr
        and "cannot be opened by anyone" in out.stderr
    )
    assert not (tmp_path / "s.db").exists()


def test_backup_restore_audit_and_recovery_key_from_the_command_line(tmp_path):
    db, backup_file, key_file = tmp_path / "s.db", tmp_path / "s.iro-backup", tmp_path / "recovery.txt"
    assert iro("demo", "--db", db, "--as-of", "2026-11-25").returncode == 0
    made = iro("backup", "--db", db, backup_file)
    assert made.returncode == 0 and "Backed up and checked: 60 children" in made.stdout
    restored = iro("restore", "--db", tmp_path / "copy.db", backup_file)
    assert restored.returncode == 0 and "Restored 60 children" in restored.stdout
    trail = iro("audit", "--db", db)
    assert "Made a backup" in trail.stdout
    assert iro("audit", "--db", db, "--verify").returncode == 0
    recovery = iro("recovery-key", "--db", db)
    key_file.write_text(recovery.stdout.split("\n\n")[1].strip())
    reset = iro(
        "passphrase",
        "--db",
        db,
        "--recovery-key-file",
        key_file,
        env_extra={"IRO_DESKTOP_NEW_PASSPHRASE": "orchard-lantern-pebble-river"},
    )
    assert reset.returncode == 0, reset.stderr
    assert iro("caseload", "--db", db, passphrase="orchard-lantern-pebble-river").returncode == 0


# What `iro-desktop verify` and --help may not load: the store (it needs SQLAlchemy), PDF drawing, services.
HEAVY = ("sqlalchemy", "reportlab", "sqlcipher3", "argon2", "iro_desktop.services.")
LOADED = """
import sys
from iro_desktop.cli import main
try:
    main(sys.argv[1:])
finally:
    print("loaded:", sorted({name for name in sys.modules if name.startswith(HEAVY)}))
"""


def _loaded(*args) -> list[str]:
    script = f"HEAVY = {HEAVY!r}\n{LOADED}"
    out = subprocess.run([sys.executable, "-c", script, *args], capture_output=True, text=True, timeout=60)
    return out.stdout.splitlines()


def test_verify_checks_a_bundle_without_loading_the_store_or_pdf_code(tmp_path):
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from iro_desktop.records.bundle import to_json
    from iro_desktop.records.sealed import sign_bundle
    from iro_desktop.records.signing import canonical

    doc = canonical({"kind": "review", "finalised_on": "2026-11-25", "signer": {"name": "Sam Fictional"}})
    bundle = sign_bundle(Ed25519PrivateKey.generate(), "rec-1", 1, "review", doc, b"%PDF-1.4", None)
    path = tmp_path / "record.json"
    path.write_bytes(to_json(bundle))
    said = _loaded("verify", str(path))
    assert said[0] == "Intact." and said[1].endswith("(Sam Fictional's device) on 25 Nov 2026.")
    assert said[-1] == "loaded: []"
    assert _loaded("--help")[-1] == "loaded: []"


def test_check_reads_every_page_and_says_plainly_when_the_store_is_damaged(tmp_path):
    from iro_desktop.store import create_store
    from iro_desktop.store.keys import TEST_KDF
    from tests.store.test_integrity import damage_a_later_page

    db = tmp_path / "s.db"
    store = create_store(db, PASSPHRASE, kdf=TEST_KDF)
    sound = iro("check", "--db", db)
    assert sound.returncode == 0 and "sound" in sound.stdout
    damage_a_later_page(store)  # unlocking still works: only the first pages are read then
    damaged = iro("check", "--db", db)
    assert damaged.returncode == 1 and damaged.stdout == ""
    assert "the store is damaged (part of it cannot be read)" in damaged.stderr
    assert "iro-desktop restore FILE" in damaged.stderr and "Traceback" not in damaged.stderr


def test_the_app_with_no_screen_says_so_in_one_line_instead_of_qts_abort(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    out = subprocess.run(
        [sys.executable, "-m", "iro_desktop", "gui", "--db", str(tmp_path / "s.db")],
        capture_output=True,
        text=True,
        env={**env, "XDG_CONFIG_HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path)},
        timeout=60,
    )
    assert out.returncode == 2, out.stderr
    assert out.stderr.startswith("iro-desktop: there is no screen to show the window on")
    assert "make run" in out.stderr and "xcb-cursor0" not in out.stderr and len(out.stderr.splitlines()) == 1
    assert not (tmp_path / "s.db").exists()  # nothing was made


def test_programs_the_bundle_starts_get_the_callers_library_path_not_the_bundles():
    from iro_desktop.cli import give_children_the_systems_libraries

    frozen = {"LD_LIBRARY_PATH": "/opt/iro-desktop/_internal", "LD_LIBRARY_PATH_ORIG": "/usr/local/lib"}
    give_children_the_systems_libraries(frozen)
    assert frozen == {"LD_LIBRARY_PATH": "/usr/local/lib"}  # as the IRO's session had it
    unset = {"LD_LIBRARY_PATH": "/opt/iro-desktop/_internal", "HOME": "/home/alex"}
    give_children_the_systems_libraries(unset)
    assert unset == {"HOME": "/home/alex"}  # it had none: pdftoppm then loads only the system's libraries
