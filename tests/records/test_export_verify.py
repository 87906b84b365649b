"""Exporting a record bundle and checking it offline, as the IRO or the council would."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
from functools import cache

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given, settings
from hypothesis import strategies as st

from iro_desktop.records.bundle import from_json, problems, to_json
from iro_desktop.records.export import export_record, verify_bundle, verify_file
from iro_desktop.records.keys import device_fingerprint
from iro_desktop.records.sealed import sign_bundle
from iro_desktop.records.signing import b64, canonical, unb64
from tests.conftest import PASSPHRASE, TODAY, sign_review

SIGNED_FIELDS = ("record_id", "canonical_json", "pdf", "content_hash", "pdf_hash", "signature", "public_key")


@cache
def _bundle():
    doc = {"kind": "review", "child": "Sam Fictional", "summary": "Placement stable; contact monthly."}
    return sign_bundle(
        Ed25519PrivateKey.generate(), "rec-1", 1, "review", canonical(doc), b"%PDF-1.4 fictional\n%%EOF", None
    )


def _flip(value, index: int, mask: int):
    """One byte of a field changed: bytes directly, the signature's raw bytes, a string's characters."""
    if isinstance(value, bytes):
        data = bytearray(value)
        data[index % len(data)] ^= mask
        return bytes(data)
    if value == _bundle().signature:
        return b64(_flip(unb64(value), index, mask))
    data = bytearray(value.encode("latin-1"))
    data[index % len(data)] ^= mask
    return data.decode("latin-1")


def test_an_exported_record_verifies_and_names_its_signer(demo_store, ready_review, tmp_path):
    done = sign_review(demo_store, ready_review)
    path = export_record(demo_store, done.record_id, tmp_path / "record.json")
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    result = verify_file(path)
    assert result.intact, result.text()
    assert result.sentences[0] == "Intact."
    signed_by = result.sentences[1]
    assert signed_by.startswith(f"Signed by the key {device_fingerprint(demo_store)} (")
    assert signed_by.endswith("'s device) on 25 Nov 2026.")
    assert result.bundle.pdf.startswith(b"%PDF")


def test_a_changed_file_says_plainly_what_is_wrong(tmp_path):
    path = tmp_path / "record.json"
    changed = dataclasses.replace(
        _bundle(), canonical_json=_bundle().canonical_json.replace(b"monthly", b"weekly")
    )
    path.write_bytes(to_json(changed))
    result = verify_file(path)
    assert not result.intact and result.sentences[0] == "Not intact."
    assert "has been changed" in result.text()
    path.write_bytes(b"not a bundle")
    assert "not a record bundle" in verify_file(path).text()
    assert "Cannot read" in verify_file(tmp_path / "missing.json").text()


@settings(max_examples=300, deadline=None)
@given(
    field=st.sampled_from(SIGNED_FIELDS),
    index=st.integers(min_value=0, max_value=10_000),
    mask=st.integers(min_value=1, max_value=255),
)
def test_flipping_any_byte_of_the_signed_content_fails_verification(field, index, mask):
    bundle = _bundle()
    assert problems(bundle) == []
    changed = dataclasses.replace(bundle, **{field: _flip(getattr(bundle, field), index, mask)})
    assert problems(changed)
    assert not verify_bundle(from_json(to_json(changed))).intact


def _verify_cli(path, cwd):
    env = {k: v for k, v in os.environ.items() if not k.startswith("IRO_DESKTOP")}
    env["HOME"] = str(cwd)  # no store anywhere: verify needs none
    return subprocess.run(
        [sys.executable, "-m", "iro_desktop", "verify", str(path)],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=60,
    )


def test_the_verify_command_exits_0_only_when_intact(tmp_path):
    good, bad = tmp_path / "good.json", tmp_path / "bad.json"
    good.write_bytes(to_json(_bundle()))
    bad.write_bytes(to_json(dataclasses.replace(_bundle(), content_hash="0" * 64)))
    ok = _verify_cli(good, tmp_path)
    assert ok.returncode == 0 and ok.stdout.startswith("Intact.")
    refused = _verify_cli(bad, tmp_path)
    assert refused.returncode == 1 and "Not intact." in refused.stdout
    missing = _verify_cli(tmp_path / "nothing.json", tmp_path)
    assert missing.returncode == 1 and "Cannot read" in missing.stdout


def test_export_record_and_finalise_from_the_command_line(demo_store, ready_review, store_path, tmp_path):
    demo_store.close()
    env = {**os.environ, "IRO_DESKTOP_PASSPHRASE": PASSPHRASE}
    run = [sys.executable, "-m", "iro_desktop"]
    finalise = [*run, "finalise", str(ready_review), "--db", str(store_path)]
    stopped = subprocess.run(finalise, capture_output=True, text=True, env=env, timeout=120)
    assert stopped.returncode == 2 and "Give a reason to sign anyway (empty_sections)" in stopped.stderr
    reasons = [f"--override={key}=Minuted on paper." for key in ("empty_sections", "no_iro_view")]
    reasons.append("--override=attendance=Only the child and carer came.")
    signing = [*finalise, *reasons, "--as-of", TODAY.isoformat()]
    done = subprocess.run(signing, capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    record_id = done.stdout.split("record ")[1].split(",")[0]
    out = tmp_path / "bundle.json"
    exported = subprocess.run(
        [*run, "export-record", record_id, str(out), "--db", str(store_path)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert exported.returncode == 0, exported.stderr
    assert _verify_cli(out, tmp_path).returncode == 0
    again = subprocess.run(
        [*run, "finalise", str(ready_review), "--db", str(store_path)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert again.returncode == 2 and "already signed" in again.stderr
