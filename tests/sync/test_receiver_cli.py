"""`iro-desktop-receiver` as a council's administrator uses it: approve, revoke, list devices, export,
and `serve` as a real process."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from iro_desktop.records.signing import sha256_hex
from iro_desktop.sync.receiver import cli, create_app
from iro_desktop.sync.receiver.storage import Device as DeviceRow
from iro_desktop.sync.receiver.storage import ReceiverStore
from tests.sync.conftest import ServerThread
from tests.sync.helpers import Device, make_bundle, receipt_verifies, served_identity
from tests.sync.pg import free_port

RECEIVER = Path(sys.executable).parent / "iro-desktop-receiver"


@pytest.fixture
def live(db_url, tmp_path):
    """A receiver (SQLite, then PostgreSQL) and a client; the CLI works on the same database."""
    app = create_app(db_url, tmp_path / "receiver.key")
    with ServerThread(app) as server, httpx.Client(base_url=f"http://127.0.0.1:{server.port}") as client:
        yield db_url, client, app.state.signer.identity()
    app.state.store.dispose()


def test_devices_lists_each_enrolled_key_with_its_state(live, capsys):
    db_url, client, _ = live
    assert cli.main(["devices", "--db", db_url]) == 0
    assert "No device has asked to enrol yet." in capsys.readouterr().out
    alex, jo = Device("Alex's laptop"), Device("Jo's laptop")
    alex.enrol(client), jo.enrol(client)
    assert cli.main(["approve", alex.fingerprint, "--by", "Sam Admin", "--db", db_url]) == 0
    approved = f"Approved {alex.fingerprint} (Alex's laptop), no IRO (it receives no children), by Sam Admin."
    assert approved in capsys.readouterr().out
    assert cli.main(["devices", "--json", "--db", db_url]) == 0
    listed = {d["fingerprint"]: d for d in json.loads(capsys.readouterr().out)}
    assert listed[alex.fingerprint]["status"] == "approved" and listed[jo.fingerprint]["status"] == "pending"
    assert listed[alex.fingerprint]["decided_by"] == "Sam Admin"
    assert cli.main(["devices", "--db", db_url]) == 0
    assert jo.fingerprint in capsys.readouterr().out


def test_a_name_kept_from_before_names_were_checked_cannot_forge_a_row_in_the_listing(live, capsys):
    """Enrolment now refuses such a name (tests/sync/test_receiver_hardening.py); one already held is
    printed escaped: a carriage return and terminal escapes cannot draw a fake "approved" row."""
    db_url, client, _ = live
    forger = Device("x")
    forger.enrol(client)
    store = ReceiverStore(db_url)
    with store.session() as s:
        forged = "\r11111-22222-33333-44444-55555-66666  approved  \x1b[32mthe council\x1b[0m"
        s.get(DeviceRow, forger.fingerprint).name = forged
    store.dispose()
    assert cli.main(["devices", "--db", db_url]) == 0
    (line,) = capsys.readouterr().out.splitlines()
    assert "\r" not in line and "\x1b" not in line
    assert line.startswith(f"{forger.fingerprint}  pending") and "\\x0d11111-22222" in line


def test_revoking_a_key_stops_its_requests_and_it_cannot_be_approved_again(live, capsys):
    db_url, client, _ = live
    device = Device()
    device.enrol(client)
    cli.main(["approve", device.fingerprint, "--db", db_url])
    assert device.put(client, make_bundle(device.key)).status_code == 201
    assert cli.main(["revoke", device.fingerprint, "--db", db_url]) == 0
    assert device.put(client, make_bundle(device.key)).status_code == 403
    assert cli.main(["approve", device.fingerprint, "--db", db_url]) == 1
    assert "enrol again with a new key" in capsys.readouterr().err


def test_approve_explains_a_mistyped_or_unknown_fingerprint(live, capsys):
    db_url, _, _ = live
    assert cli.main(["approve", "12345-678", "--db", db_url]) == 2
    assert "30 digits" in capsys.readouterr().err
    assert cli.main(["approve", "1" * 30, "--db", db_url]) == 1
    assert "No device with that fingerprint" in capsys.readouterr().err


def test_export_writes_each_record_received_since_the_date_as_json_and_pdf(live, tmp_path, capsys):
    db_url, client, identity = live
    device = Device()
    device.enrol(client)
    cli.main(["approve", device.fingerprint, "--db", db_url])
    first = make_bundle(device.key)
    second = make_bundle(device.key, pdf=None)
    for bundle in (first, second):
        assert device.put(client, bundle).status_code == 201
    today = datetime.now(UTC).date()
    out = tmp_path / "export"
    key = ["--key-file", str(tmp_path / "receiver.key"), "--db", db_url]
    assert cli.main(["export", "--since", today.isoformat(), "--out", str(out), *key]) == 0
    printed = capsys.readouterr().out
    assert "Exported 2 record(s)" in printed and f"--receiver {identity['fingerprint']}" in printed
    manifest = json.loads((out / "manifest.json").read_text())["listing"]["records"]
    assert [m["content_hash"] for m in manifest] == [first.content_hash, second.content_hash]
    for entry in manifest:
        assert sha256_hex((out / entry["json_file"]).read_bytes()) == entry["content_hash"]
        assert receipt_verifies(
            {"receipt": entry["receipt"], "signature": entry["receipt_signature"]}, identity
        )
    assert (out / manifest[0]["pdf_file"]).read_bytes() == first.pdf and manifest[1]["pdf_file"] is None
    later = tmp_path / "later"
    tomorrow = (today + timedelta(days=1)).isoformat()
    assert cli.main(["export", "--since", tomorrow, "--out", str(later), *key]) == 0
    assert json.loads((later / "manifest.json").read_text())["listing"]["records"] == []
    assert cli.main(["export", "--since", "last week", "--out", str(later), *key]) == 2


def test_export_without_the_receivers_key_says_where_it_looked(live, tmp_path, capsys):
    db_url, _, _ = live
    missing = tmp_path / "elsewhere.key"
    out = tmp_path / "export"
    args = ["export", "--since", "2026-11-01", "--out", str(out), "--key-file", str(missing), "--db", db_url]
    assert cli.main(args) == 2
    assert f"No receiver key at {missing}" in capsys.readouterr().err and not out.exists()


def test_serve_starts_a_receiver_with_a_private_key_file_beside_its_database(tmp_path):
    port = free_port()
    process = subprocess.Popen(
        [str(RECEIVER), "serve", "--port", str(port)],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        identity = served_identity(f"http://127.0.0.1:{port}", process)
    finally:
        process.terminate()
        output = process.communicate(timeout=15)[0]
    # The database holds every record received, the key signs every receipt: both owner-only.
    for name in ("receiver.key", "receiver.db"):
        assert stat.S_IMODE(os.stat(tmp_path / name).st_mode) == 0o600
    assert f"Receiver key fingerprint: {identity['fingerprint']}" in output
