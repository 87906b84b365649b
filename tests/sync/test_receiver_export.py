"""The receiver's export proves itself: `iro-desktop verify FOLDER --receiver FINGERPRINT` checks every
record against the enrolment list signed by the receiver's key, with nothing but the folder. And every
file the receiver writes (its database, its key, its export) is owner-only."""

from __future__ import annotations

import json
import os
import stat
from datetime import UTC, datetime

import pytest

from iro_desktop.cli import main as iro_desktop
from iro_desktop.records.council_export import MANIFEST, signed_manifest
from iro_desktop.sync.receiver import cli as receiver_cli
from iro_desktop.sync.receiver.receipts import ReceiptSigner, load_key
from tests.sync.helpers import make_bundle
from tests.sync.test_receiver import approved_device

pytestmark = pytest.mark.skipif(os.name == "nt", reason="POSIX modes do not apply on Windows")


def _mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def exported(receiver, tmp_path, capsys):
    """Two IROs' records at the council, one of whose keys was revoked after sending; then the export."""
    with receiver.client() as client:
        alex = approved_device(receiver, client, "Alex's laptop")
        jo = approved_device(receiver, client, "Jo's laptop")
        for bundle in (make_bundle(alex.key), make_bundle(alex.key, pdf=None), make_bundle(jo.key)):
            assert (alex if bundle.fingerprint == alex.fingerprint else jo).put(
                client, bundle
            ).status_code == 201
    assert receiver_cli.main(["revoke", jo.fingerprint, "--by", "Sam Admin", "--db", receiver.db_url]) == 0
    out = tmp_path / "exports" / "november"
    today = datetime.now(UTC).date().isoformat()
    key_file = tmp_path / "receiver.key"
    args = [
        "export",
        "--since",
        today,
        "--out",
        str(out),
        "--key-file",
        str(key_file),
        "--db",
        receiver.db_url,
    ]
    assert receiver_cli.main(args) == 0
    capsys.readouterr()
    return out, receiver.identity, key_file


def _verify(out, receiver: str, capsys) -> tuple[int, str]:
    status = iro_desktop(["verify", str(out), "--receiver", receiver])
    return status, capsys.readouterr().out


def test_an_export_verifies_with_the_receivers_fingerprint_or_key_alone(exported, capsys):
    out, identity, _ = exported
    for given in (identity["fingerprint"], identity["fingerprint"].replace("-", " "), identity["public_key"]):
        status, text = _verify(out, given, capsys)
        assert status == 0 and text.startswith("Intact.") and "3 record(s) from 2 device(s)" in text, text
    listing = json.loads((out / MANIFEST).read_text())["listing"]
    jo = next(d for d in listing["devices"] if d["name"] == "Jo's laptop")
    assert jo["status"] == "revoked" and jo["decided_by"] == "Sam Admin"
    assert all(d["public_key"] for d in listing["devices"])


def test_another_receivers_fingerprint_is_not_trusted(exported, capsys):
    out, _, _ = exported
    status, text = _verify(out, "12345-67890-12345-67890-12345-67890", capsys)
    assert status == 1 and "another receiver key" in text


@pytest.mark.parametrize("change", ["record json", "bundle", "added file", "listing", "missing file"])
def test_any_change_to_the_export_is_found(exported, capsys, change):
    out, identity, _ = exported
    manifest = json.loads((out / MANIFEST).read_text())
    first = manifest["listing"]["records"][0]
    if change == "record json":
        (out / first["json_file"]).write_bytes(b'{"summary": "changed"}')
    elif change == "bundle":
        path = out / first["bundle_file"]
        path.write_bytes(path.read_bytes().replace(b'"record_version":1', b'"record_version":2'))
    elif change == "added file":
        (out / "extra-record.json").write_text("{}")
    elif change == "listing":
        manifest["listing"]["records"].pop()  # a record quietly dropped from the list
        (out / MANIFEST).write_text(json.dumps(manifest))
    else:
        (out / first["bundle_file"]).unlink()
    status, text = _verify(out, identity["fingerprint"], capsys)
    assert status == 1 and text.startswith(("Not intact.", "Not trusted."))


def test_a_record_by_a_key_the_council_never_approved_is_found_even_in_a_signed_list(exported, capsys):
    """The list is signed, but it is checked too: a record whose key is missing from it, or pending, fails."""
    out, identity, key_file = exported
    signer = ReceiptSigner(load_key(key_file))
    listing = json.loads((out / MANIFEST).read_text())["listing"]
    del listing["statement"]
    alex = listing["devices"][0]["fingerprint"]
    for devices in (
        [d for d in listing["devices"] if d["fingerprint"] != alex],
        [d | {"status": "pending"} if d["fingerprint"] == alex else d for d in listing["devices"]],
    ):
        (out / MANIFEST).write_bytes(signed_manifest({**listing, "devices": devices}, signer.sign))
        status, text = _verify(out, identity["fingerprint"], capsys)
        assert status == 1 and ("not in the receiver's enrolment list" in text or "was pending" in text)


def test_a_folder_needs_the_receivers_key_to_be_checked(exported, capsys):
    out, _, _ = exported
    assert iro_desktop(["verify", str(out)]) == 2
    assert "give --receiver" in capsys.readouterr().err


def test_the_receivers_database_key_and_export_are_owner_only(exported, receiver, tmp_path):
    out, _, key_file = exported
    assert _mode(out) == 0o700 and _mode(out.parent) == 0o700  # folders the export made
    assert all(_mode(p) == 0o600 for p in out.iterdir()) and len(list(out.iterdir())) == 9
    assert _mode(key_file) == 0o600
    if receiver.db_url.startswith("sqlite"):
        database = tmp_path / "receiver.db"
        files = [database, *(database.with_name(database.name + end) for end in ("-wal", "-shm"))]
        assert [_mode(p) for p in files if p.exists()] == [0o600] * len([p for p in files if p.exists()])
        assert database.with_name("receiver.db-wal").exists()
