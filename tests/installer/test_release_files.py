"""Release files as a council checks them: SHA256SUMS signed with a (throwaway) release key, verified the way
installer/README.md tells a council to, in a keyring holding only the published public key."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SIGN = ROOT / "installer" / "sign-release.sh"


def run(*args, home: Path, cwd: Path | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "GNUPGHOME": str(home)}
    return subprocess.run([*map(str, args)], env=env, cwd=cwd, capture_output=True, text=True, timeout=60)


HOMES: list[Path] = []


def gnupg_home(path: Path) -> Path:
    path.mkdir(mode=0o700)
    HOMES.append(path)
    return path


@pytest.fixture(scope="module", autouse=True)
def no_agent_left():
    """gpg starts an agent per home; stop each, so no process outlives the tests."""
    yield
    for home in HOMES:
        run("gpgconf", "--kill", "all", home=home)


@pytest.fixture(scope="module")
def release_key(tmp_path_factory) -> tuple[Path, str, str]:
    """(the maintainers' GnuPG home, the key's fingerprint, its exported public key)."""
    home = gnupg_home(tmp_path_factory.mktemp("keys") / "maintainers")
    made = run("gpg", "--batch", "--passphrase", "", "--quick-gen-key",
               "iro-desktop test release (throwaway) <release@example.invalid>", "ed25519", "sign", "never",
               home=home)
    assert made.returncode == 0, made.stderr
    listing = run("gpg", "--batch", "--with-colons", "--list-keys", home=home).stdout
    fingerprint = next(line.split(":")[9] for line in listing.splitlines() if line.startswith("fpr:"))
    public = run("gpg", "--batch", "--armor", "--export", fingerprint, home=home).stdout
    return home, fingerprint, public


@pytest.fixture
def release(tmp_path, release_key) -> Path:
    folder = tmp_path / "release"
    folder.mkdir()
    (folder / "iro-desktop-9.9.9-linux-x86_64.tar.gz").write_bytes(os.urandom(4096))
    (folder / "iro_desktop-9.9.9-py3-none-any.whl").write_bytes(os.urandom(2048))
    (folder / "iro-desktop-requirements.txt").write_text("zxcvbn==4.5.0 --hash=sha256:" + "0" * 64 + "\n")
    home, fingerprint, _ = release_key
    signed = subprocess.run([str(SIGN), str(folder)], env={**os.environ, "GNUPGHOME": str(home),
                            "RELEASE_KEY": fingerprint}, capture_output=True, text=True, timeout=60)
    assert signed.returncode == 0, signed.stderr
    return folder


def council_checks(folder: Path, public_key: str, fingerprint: str, home: Path) -> tuple[bool, bool]:
    """installer/README.md's steps: import the published key, verify the signature, then the sums."""
    key_file = folder.parent / "release-key.asc"
    key_file.write_text(public_key)
    assert run("gpg", "--batch", "--import", key_file, home=home).returncode == 0
    verified = run("gpg", "--batch", "--status-fd", "1", "--verify", "SHA256SUMS.asc", "SHA256SUMS",
                   home=home, cwd=folder)
    signed_by_it = verified.returncode == 0 and f"VALIDSIG {fingerprint}" in verified.stdout
    sums = run("sha256sum", "--check", "--strict", "SHA256SUMS", home=home, cwd=folder)
    return signed_by_it, sums.returncode == 0


def test_a_signed_release_verifies_in_a_councils_keyring(release, release_key, tmp_path):
    _, fingerprint, public = release_key
    listed = (release / "SHA256SUMS").read_text().splitlines()
    released = sorted(p.name for p in release.iterdir() if "SHA256" not in p.name)
    assert [line.split()[1] for line in listed] == released
    assert council_checks(release, public, fingerprint, gnupg_home(tmp_path / "council")) == (True, True)


def test_a_changed_release_file_fails_the_sums_and_names_the_file(release, release_key, tmp_path):
    _, fingerprint, public = release_key
    tarball = release / "iro-desktop-9.9.9-linux-x86_64.tar.gz"
    tarball.write_bytes(tarball.read_bytes()[:-1] + b"!")
    assert council_checks(release, public, fingerprint, gnupg_home(tmp_path / "council")) == (True, False)
    sums = subprocess.run(["sha256sum", "--check", "SHA256SUMS"], cwd=release, capture_output=True, text=True)
    assert f"{tarball.name}: FAILED" in sums.stdout


def test_changed_sums_or_another_key_fail_the_signature(release, release_key, tmp_path):
    _, fingerprint, public = release_key
    sums = release / "SHA256SUMS"
    sums.write_text(sums.read_text().replace("9.9.9", "9.9.8", 1))
    assert council_checks(release, public, fingerprint, gnupg_home(tmp_path / "council"))[0] is False
    other = gnupg_home(tmp_path / "impostor")
    run("gpg", "--batch", "--passphrase", "", "--quick-gen-key", "Impostor <x@example.invalid>", "ed25519",
        "sign", "never", home=other)
    forged = run("gpg", "--batch", "--yes", "--armor", "--detach-sign", "--output", "SHA256SUMS.asc",
                 "SHA256SUMS", home=other, cwd=release)
    assert forged.returncode == 0
    assert council_checks(release, public, fingerprint, gnupg_home(tmp_path / "council2"))[0] is False


def test_without_a_key_it_writes_the_sums_and_says_it_did_not_sign(tmp_path):
    (tmp_path / "a.whl").write_bytes(b"wheel")
    out = subprocess.run([str(SIGN), str(tmp_path)], env={**os.environ, "RELEASE_KEY": ""},
                         capture_output=True, text=True)
    assert out.returncode == 0 and "not signed" in out.stdout
    assert not (tmp_path / "SHA256SUMS.asc").exists() and "a.whl" in (tmp_path / "SHA256SUMS").read_text()
