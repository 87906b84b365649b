"""The Windows and macOS signing recipes, proven as far as this Linux machine can.

Windows: installer/windows/sign_pe_files.py signs, with osslsigncode and a throwaway certificate, the real
.exe, .dll and .pyd files of the locked packages' Windows wheels (downloaded once from PyPI into
build/windows-wheels/, each checked against uv.lock's hash). macOS: installer/macos/build-and-sign.sh runs
over a stand-in .app, with stand-ins for Apple's tools that record how they were called. shellcheck checks
every shell script under installer/."""

from __future__ import annotations

import hashlib
import os
import platform
import plistlib
import shutil
import stat
import subprocess
import sys
import tomllib
import urllib.request
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

ROOT = Path(__file__).resolve().parents[2]
SIGN_PE = ROOT / "installer" / "windows" / "sign_pe_files.py"
MACOS_SCRIPT = ROOT / "installer" / "macos" / "build-and-sign.sh"
ENTITLEMENTS = ROOT / "installer" / "macos" / "entitlements.plist"
WHEEL_CACHE = ROOT / "build" / "windows-wheels"
SIGNER = "Fictional Borough Council (throwaway test certificate)"
QT_COMPANY = "The QT Company Oy"

# Small Windows wheels of locked packages (about 6 MB in all) holding each kind of PE file.
WINDOWS_WHEELS = (
    "markupsafe",  # one .pyd
    "cffi",  # one .pyd
    "charset-normalizer",  # two .pyd
    "argon2-cffi-bindings",  # one .pyd (abi3)
    "shiboken6",  # a .pyd and DLLs, all already signed by The Qt Company
    "psycopg-binary",  # two .pyd and three unsigned DLLs (libpq, OpenSSL); the receiver's, not the bundle's
    "pyinstaller",  # the bootloader .exe files that become iro-desktop.exe
)
WHEEL_TAGS = ("-cp311-cp311-win_amd64.whl", "-cp310-abi3-win_amd64.whl", "-cp39-abi3-win_amd64.whl",
              "-cp37-abi3-win_amd64.whl", "-py3-none-win_amd64.whl")  # best first; all run on CPython 3.11
PE_SUFFIXES = (".exe", ".dll", ".pyd")


def locked_windows_wheel(name: str) -> dict:
    lock = tomllib.loads((ROOT / "uv.lock").read_text())
    wheels = next(p for p in lock["package"] if p["name"] == name)["wheels"]
    for tag in WHEEL_TAGS:
        for wheel in wheels:
            if wheel["url"].endswith(tag):
                return wheel
    raise AssertionError(f"uv.lock has no Windows wheel of {name} for CPython 3.11")


def fetch(wheel: dict) -> Path:
    """The wheel from the cache, or from PyPI into it; its sha256 must be the one uv.lock holds."""
    path = WHEEL_CACHE / wheel["url"].rsplit("/", 1)[1]
    if not path.exists():
        WHEEL_CACHE.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".part{os.getpid()}")  # another test run may be fetching it too
        with urllib.request.urlopen(wheel["url"], timeout=120) as response:
            partial.write_bytes(response.read())
        partial.replace(path)
    digest = "sha256:" + hashlib.sha256(path.read_bytes()).hexdigest()
    if digest != wheel["hash"]:
        path.unlink()
        raise AssertionError(f"{path.name} does not match uv.lock's hash: deleted, run again")
    return path


def throwaway_certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed code-signing certificate, valid over a fixed span that holds any day the test runs."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "GB"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Fictional Borough Council"),
        x509.NameAttribute(NameOID.COMMON_NAME, SIGNER),
    ])
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(datetime(2020, 1, 1, tzinfo=UTC)).not_valid_after(datetime(2100, 1, 1, tzinfo=UTC))
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CODE_SIGNING]), critical=False)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = folder / "cert.pem", folder / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    return cert_file, key_file


def signature(path: Path) -> dict:
    """What osslsigncode reads of a file's Authenticode signature: signer, digest algorithm, intact or not."""
    out = subprocess.run(["osslsigncode", "verify", "-ignore-crl", "-in", str(path)],
                         capture_output=True, text=True).stdout
    fields = {}
    for line in out.splitlines():
        label, _, value = line.strip().partition(":")
        if label.strip() in ("Subject", "Message digest algorithm", "Current message digest",
                             "Calculated message digest") and label.strip() not in fields:
            fields[label.strip()] = value.strip()
    return {
        "signer": fields.get("Subject", ""),
        "algorithm": fields.get("Message digest algorithm"),
        "intact": bool(fields.get("Current message digest"))
        and fields.get("Current message digest") == fields.get("Calculated message digest"),
    }


def sign_pe(folder: Path, *args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(SIGN_PE), str(folder), *map(str, args)],
                          capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def wheels_unpacked(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("windows wheels")  # a space in the path, as in "Program Files"
    for name in WINDOWS_WHEELS:
        with zipfile.ZipFile(fetch(locked_windows_wheel(name))) as wheel:
            wheel.extractall(folder / name)
    launcher = next(folder.rglob("runw.exe"))
    shutil.copy(launcher, folder / "launcher-with-no-extension")  # found by its header, not its name
    (folder / "notes.dll").write_text("Not a program, whatever its name says.\n")
    return folder


@pytest.fixture(scope="module")
def signed(wheels_unpacked, tmp_path_factory):
    """The unpacked wheels after sign_pe_files.py, with what each PE file carried before."""
    work = tmp_path_factory.mktemp("signing")
    folder = work / "bundle"
    shutil.copytree(wheels_unpacked, folder)
    cert, key = throwaway_certificate(work)
    pe = [p for p in folder.rglob("*") if p.suffix in PE_SUFFIXES or p.name == "launcher-with-no-extension"]
    pe.remove(folder / "notes.dll")
    before = {p: (signature(p), p.read_bytes()) for p in pe}
    run = sign_pe(folder, "--cert", cert, "--key", key, "--no-timestamp")
    return folder, before, run


def test_every_pe_file_is_signed_not_only_the_launcher(signed):
    folder, before, run = signed
    assert run.returncode == 0, run.stderr
    ours = [p for p, (was, _) in before.items() if not was["signer"]]
    assert {p.suffix for p in ours} == {".exe", ".dll", ".pyd", ""}
    assert sum(p.suffix == ".pyd" for p in ours) >= 5 and sum(p.suffix == ".dll" for p in ours) >= 3
    for path in ours:
        now = signature(path)
        assert now["intact"] and now["algorithm"] == "SHA256", path
        assert now["signer"].endswith(f"/CN={SIGNER}"), (path, now["signer"])  # the signer, not trust
    kept = len(before) - len(ours)
    assert run.stdout.splitlines() == [
        f"Signed {len(ours)} PE files; kept {kept} signed by their makers.",
        f"All {len(before)} PE files in {folder} carry a signature that matches them.",
    ]


def test_files_signed_by_their_makers_keep_that_signature(signed):
    _, before, _ = signed
    theirs = {p: data for p, (was, data) in before.items() if was["signer"]}
    assert len(theirs) >= 10 and any(p.suffix == ".pyd" for p in theirs)
    for path, data in theirs.items():
        assert path.read_bytes() == data and QT_COMPANY in signature(path)["signer"], path


def test_a_file_that_is_not_a_program_is_left_alone(signed, wheels_unpacked):
    folder, _, _ = signed
    assert (folder / "notes.dll").read_bytes() == (wheels_unpacked / "notes.dll").read_bytes()


def test_the_check_names_an_unsigned_or_altered_file(signed, tmp_path):
    folder, before, _ = signed
    bundle = tmp_path / "bundle"
    shutil.copytree(folder, bundle)
    assert sign_pe(bundle, "--verify-only").returncode == 0
    fresh = fetch(locked_windows_wheel("markupsafe"))  # its .pyd, unsigned, added after signing
    with zipfile.ZipFile(fresh) as wheel:
        (bundle / "late.pyd").write_bytes(wheel.read(next(n for n in wheel.namelist() if n.endswith(".pyd"))))
    dll = next(bundle.rglob("libpq-*.dll"))
    data = bytearray(dll.read_bytes())
    data[len(data) // 3] ^= 0xFF  # one byte of its code changed after signing
    dll.write_bytes(bytes(data))
    out = sign_pe(bundle, "--verify-only")
    assert out.returncode == 1 and out.stdout == ""
    lines = out.stderr.splitlines()
    assert lines[0] == f"sign_pe_files: 2 of {len(before) + 1} PE files are not properly signed:"
    assert sorted(lines[1:]) == sorted([
        "  late.pyd: no signature",
        f"  {dll.relative_to(bundle)}: the signature does not match the file (it changed after signing)",
    ])


def test_signing_for_release_needs_a_timestamp(tmp_path):
    out = sign_pe(tmp_path, "--cert", "cert.pem", "--key", "key.pem")  # refused before any file is read
    assert out.returncode == 2 and "give --timestamp-url" in out.stderr


# macOS


def test_the_entitlements_grant_no_exception_the_app_does_not_need():
    entitlements = plistlib.loads(ENTITLEMENTS.read_bytes())
    assert entitlements == {}  # the file says why each usual PyInstaller exception is left out


@pytest.mark.parametrize("script", sorted(ROOT.joinpath("installer").rglob("*.sh")), ids=lambda p: p.name)
def test_shell_scripts_pass_shellcheck(script):
    out = subprocess.run(["shellcheck", "--format=gcc", str(script)], capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr


MACH_O = bytes.fromhex("cffaedfe") + bytes(60)  # the start of a 64-bit Mach-O file
UNIVERSAL = bytes.fromhex("cafebabe") + bytes(60)  # and of a universal (several architectures) one
QTCORE = "Frameworks/PySide6/Qt/lib/QtCore.framework"
OUTER = "Frameworks/Outer.framework"
INNER = f"{OUTER}/Versions/A/Frameworks/Inner.framework"
FRAMEWORKS = (QTCORE, INNER, OUTER)
LIBRARIES = {  # every Mach-O file outside Contents/MacOS, by its path inside Contents/
    "Frameworks/libpython3.11.dylib": MACH_O,
    "Frameworks/odd name.dylib": MACH_O,
    "Frameworks/PySide6/QtCore.abi3.so": MACH_O,
    "Frameworks/PySide6/Qt/plugins/platforms/libqcocoa.dylib": UNIVERSAL,
    f"{QTCORE}/Versions/A/QtCore": UNIVERSAL,
    f"{OUTER}/Versions/A/Outer": MACH_O,
    f"{INNER}/Versions/A/Inner": MACH_O,
}
DATA = {
    "Info.plist": b"<plist/>",
    f"{QTCORE}/Versions/A/Resources/Info.plist": b"<plist/>",
    "Frameworks/base_library.zip": b"PK\x03\x04" + bytes(60),
    "Resources/iro_desktop/ui/main.ui": b"<ui/>",
}
PROGRAMS = {
    "MacOS/iro-desktop-app": MACH_O,
    "MacOS/iro-desktop": b'#!/bin/bash\necho "iro-desktop\x1f$*" >> "$TOOL_LOG"\n',  # records the self-test
}
STAND_IN = """#!/bin/bash
# Records how Apple's tool was called (fields split by the unit separator) and does the least it must.
(IFS=$'\\x1f'; printf '%s\\n' "$(basename "$0")"$'\\x1f'"$*") >> "$TOOL_LOG"
case "$(basename "$0") $1 $2" in
  "ditto -c -k") touch "${@: -1}" ;;
  ditto*) cp -R "$1" "$2" ;;
  hdiutil*) touch "${@: -1}" ;;
  "xcrun notarytool submit") echo "  status: ${NOTARY_STATUS:-Accepted}" ;;
esac
"""


@pytest.fixture
def mac_checkout(tmp_path):
    """A copy of the script in a checkout holding a stand-in .app, and stand-ins for Apple's tools."""
    repo = tmp_path / "checkout"
    (repo / "installer" / "macos").mkdir(parents=True)
    shutil.copy(MACOS_SCRIPT, repo / "installer" / "macos")
    shutil.copy(ENTITLEMENTS, repo / "installer" / "macos")
    (repo / "iro_desktop").mkdir()
    (repo / "iro_desktop" / "__init__.py").write_text('__version__ = "9.8.7"\n')
    contents = repo / "dist" / "iro-desktop.app" / "Contents"
    for name, data in (LIBRARIES | DATA | PROGRAMS).items():
        (contents / name).parent.mkdir(parents=True, exist_ok=True)
        (contents / name).write_bytes(data)
        (contents / name).chmod(0o755)
    (contents / QTCORE / "QtCore").symlink_to("Versions/A/QtCore")  # as PyInstaller lays a framework out
    tools = tmp_path / "apple-tools"
    tools.mkdir()
    for tool in ("codesign", "xcrun", "hdiutil", "spctl", "ditto"):
        (tools / tool).write_text(STAND_IN)
        (tools / tool).chmod(stat.S_IRWXU)
    env = {"PATH": f"{tools}:/usr/bin:/bin", "TOOL_LOG": str(tmp_path / "calls.log"), "SKIP_BUILD": "1",
           "SIGN_IDENTITY": "Developer ID Application: Fictional Borough Council (AB12CD34EF)",
           "NOTARY_PROFILE": "iro-notary", "HOME": str(tmp_path)}
    return repo, env, tmp_path / "calls.log"


def run_mac_script(repo: Path, env: dict) -> subprocess.CompletedProcess:
    script = repo / "installer" / "macos" / MACOS_SCRIPT.name
    return subprocess.run(["bash", str(script)], capture_output=True, text=True, env=env, cwd="/", timeout=60)


def test_the_macos_script_signs_inside_out_and_notarises_app_and_disk_image(mac_checkout):
    repo, env, log = mac_checkout
    out = run_mac_script(repo, env)
    assert out.returncode == 0, out.stdout + out.stderr
    calls = [line.split("\x1f") for line in log.read_text().splitlines()]
    signing = [c for c in calls if c[0] == "codesign" and "--sign" in c]
    app, dmg = "dist/iro-desktop.app", f"dist/iro-desktop-9.8.7-macos-{platform.machine()}.dmg"
    signed = [c[-1].removeprefix(app + "/Contents/") for c in signing]
    code = len(LIBRARIES) + len(FRAMEWORKS)
    assert sorted(signed[:code]) == sorted([*LIBRARIES, *FRAMEWORKS])  # no data file, no symlink
    for framework in FRAMEWORKS:  # inside out
        inside = [s for s in signed if s.startswith(framework + "/")]
        assert inside and all(signed.index(s) < signed.index(framework) for s in inside), framework
    assert sorted(signed[code:-2]) == sorted(PROGRAMS) and signed[-2:] == [app, dmg]
    with_entitlements = [app] + [f"{app}/Contents/{p}" for p in PROGRAMS]
    for call in signing:
        assert "--deep" not in call and "--timestamp" in call
        assert ("--options" in call) == (call[-1] != dmg)  # the hardened runtime on all code
        assert ("--entitlements" in call) == (call[-1] in with_entitlements)
    app_signed = calls.index(signing[-2])
    assert ["iro-desktop", "self-test"] in calls[app_signed:]  # the signed app must still start
    submits = [c for c in calls if c[:3] == ["xcrun", "notarytool", "submit"]]
    assert [s[3].endswith("/iro-desktop.zip") for s in submits] == [True, False] and submits[1][3] == dmg
    assert all(s[4:] == ["--keychain-profile", "iro-notary", "--wait"] for s in submits)
    assert ["xcrun", "stapler", "staple", app] in calls and ["xcrun", "stapler", "staple", dmg] in calls
    assert calls[-1][:2] == ["spctl", "--assess"] and calls[-1][-1] == dmg


def test_the_macos_script_stops_when_notarisation_is_refused(mac_checkout):
    repo, env, log = mac_checkout
    out = run_mac_script(repo, env | {"NOTARY_STATUS": "Invalid"})
    assert out.returncode == 1 and "Notarisation of" in out.stderr and "was not accepted" in out.stderr
    assert "stapler" not in log.read_text()
