"""schemathesis, the public API fuzzer, against the receiver's own OpenAPI with every check, on SQLite and
PostgreSQL: the receiver as deployed (`iro-desktop-receiver serve`, its own process), every request signed
by an approved device through a hook (schemathesis/hooks.py), or under /v1/admin/ sent with a live
administrator token. It must find nothing: no 5xx, every answer as documented, every malformed request
refused and every well-formed one answered as the schema says."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import httpx
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat

from iro_desktop.records.signing import b64, fingerprint, raw_public_key
from iro_desktop.sync.receiver import cli
from tests.sync.helpers import served_identity
from tests.sync.pg import free_port

BIN = Path(sys.executable).parent
HERE = Path(__file__).parent / "schemathesis"
EXAMPLES = "30"  # per operation and phase: about fifteen seconds a database on this kind of machine
SEED = "15"  # a fixed seed: the same cases on every run and machine


def _approved_device_key(url: str, db_url: str, folder: Path) -> Path:
    key = Ed25519PrivateKey.generate()
    pem = folder / "device.pem"
    pem.write_bytes(key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption()))
    public = raw_public_key(key)
    assert httpx.post(f"{url}/v1/devices", json={"public_key": b64(public), "name": "Fuzz laptop"}).is_success
    assert cli.main(["approve", fingerprint(public), "--by", "fuzz test", "--db", db_url]) == 0
    return pem


def _admin_token(db_url: str, capsys) -> str:
    assert cli.main(["admin-token", "create", "--name", "fuzz", "--by", "fuzz test", "--db", db_url]) == 0
    return next(line for line in capsys.readouterr().out.splitlines() if line.startswith("iro-admin-"))


def test_schemathesis_finds_nothing_against_the_receivers_own_openapi(db_url, tmp_path, capsys):
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    serve = [str(BIN / "iro-desktop-receiver"), "serve", "--db", db_url, "--port", str(port)]
    log_file = tmp_path / "receiver.log"  # a file, not a pipe: nobody reads a pipe until the end
    with log_file.open("w") as log_out:
        receiver = subprocess.Popen(
            [*serve, "--key-file", str(tmp_path / "receiver.key")],
            cwd=tmp_path,
            stdout=log_out,
            stderr=log_out,
        )
    try:
        served_identity(url, receiver)
        key = _approved_device_key(url, db_url, tmp_path)
        token = _admin_token(db_url, capsys)
        fuzz = subprocess.run(
            [
                str(BIN / "schemathesis"),
                "--config-file",
                str(HERE / "schemathesis.toml"),
                "run",
                f"{url}/openapi.json",
                "--checks",
                "all",
                "--max-examples",
                EXAMPLES,
                "--seed",
                SEED,
                "--generation-database",
                "none",
                "--no-color",
            ],
            env={
                **os.environ,
                "SCHEMATHESIS_HOOKS": str(HERE / "hooks.py"),
                "IRO_FUZZ_DEVICE_KEY": str(key),
                "IRO_FUZZ_ADMIN_TOKEN": token,
            },
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=300,
        )
    finally:
        receiver.terminate()
        receiver.wait(timeout=15)
    log = log_file.read_text()
    assert fuzz.returncode == 0, fuzz.stdout[-6000:]
    assert " passed" in fuzz.stdout and "Failures:" not in fuzz.stdout
    assert "Traceback" not in log and "Exception in ASGI application" not in log
    # The hook's token reached the admin API: the fuzzer's acts are in the admin log under its name.
    assert cli.main(["admin-log", "--json", "--db", db_url]) == 0
    assert "token: fuzz" in {act["actor"] for act in json.loads(capsys.readouterr().out)}
