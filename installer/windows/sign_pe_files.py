"""Sign every Windows program file (PE: .exe, .dll, .pyd and any other) in a folder, then check each one.

On Windows it uses signtool, with the certificate named by its SHA-1 thumbprint (a code-signing key lives on
a token or in a cloud HSM, so it is reached through the certificate store, never a file); elsewhere,
osslsigncode with a certificate and key file. Files are found by their PE header, not their name. A file that
already carries a signature keeps it (Qt's and Microsoft's DLLs come signed by their makers). Each file is
signed with SHA-256 and, unless --no-timestamp, an RFC 3161 timestamp, so the signature outlives the
certificate.

    py -3.11 installer\\windows\\sign_pe_files.py dist\\iro-desktop --cert-sha1 THUMBPRINT ^
        --timestamp-url http://timestamp.digicert.com
    python3 installer/windows/sign_pe_files.py dist/iro-desktop --cert c.pem --key k.pem --timestamp-url URL
    python3 installer/windows/sign_pe_files.py dist/iro-desktop --verify-only

Then every PE file is checked. The exit status is 1, naming each file, if any is unsigned or its signature
does not match it. signtool checks the whole chain, up to a root Windows trusts. osslsigncode checks only that
the signature matches the file (trust is Windows' decision), and reports who signed it.
Standard library only, so it runs in any Python 3.11.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import struct
import subprocess
import sys
from pathlib import Path

SECURITY_DIRECTORY = 4  # the data directory that holds an Authenticode signature
DESCRIPTION = "iro-desktop"  # shown by Windows' prompts as the signed program's name
BATCH = 50  # files per signtool run, well inside Windows' command line limit


def pe_signature_size(path: Path) -> int | None:
    """None when the file is not a PE image, else the size of its signature (0 when unsigned)."""
    try:
        with path.open("rb") as f:
            if f.read(2) != b"MZ":
                return None
            f.seek(0x3C)
            (pe_offset,) = struct.unpack("<I", f.read(4))
            f.seek(pe_offset)
            if f.read(4) != b"PE\0\0":
                return None
            f.seek(pe_offset + 24)  # the optional header, after the 20-byte COFF header
            (magic,) = struct.unpack("<H", f.read(2))
            count_at, directories_at = {0x10B: (92, 96), 0x20B: (108, 112)}[magic]  # PE32, PE32+
            f.seek(pe_offset + 24 + count_at)
            (count,) = struct.unpack("<I", f.read(4))
            if count <= SECURITY_DIRECTORY:
                return 0
            f.seek(pe_offset + 24 + directories_at + 8 * SECURITY_DIRECTORY)
            _, size = struct.unpack("<II", f.read(8))
            return size
    except (struct.error, KeyError, OSError):
        return None  # too short or not a PE image after all


def pe_files(folder: Path) -> list[Path]:
    found = (p for p in folder.rglob("*") if p.is_file() and not p.is_symlink())
    return sorted(p for p in found if pe_signature_size(p) is not None)


def run(command: list[str]) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(command, capture_output=True, text=True, errors="replace")
    except FileNotFoundError:
        tool = command[0]
        sdk = " (it comes with the Windows SDK, whose Developer Command Prompt has it on PATH)"
        sys.exit(f"sign_pe_files: {tool} was not found: put it on PATH{sdk * (tool == 'signtool')}.")


class SignTool:
    """Windows: signtool from the Windows SDK, the certificate from the store by thumbprint."""

    def __init__(self, args: argparse.Namespace):
        self.exe = shutil.which("signtool") or "signtool"
        self.args = args

    def sign(self, files: list[Path]) -> str | None:
        a = self.args
        stamp = [] if a.no_timestamp else ["/tr", a.timestamp_url, "/td", "SHA256"]
        command = [self.exe, "sign", "/fd", "SHA256", "/sha1", a.cert_sha1, "/d", DESCRIPTION, *stamp]
        for i in range(0, len(files), BATCH):
            out = run(command + [str(f) for f in files[i : i + BATCH]])
            if out.returncode:
                return out.stdout + out.stderr
        return None

    def check(self, path: Path) -> tuple[bool, str]:
        out = run([self.exe, "verify", "/pa", "/q", str(path)])
        lines = (out.stdout + out.stderr).strip().splitlines()
        return out.returncode == 0, lines[-1] if lines else "signtool verify failed"


class OsslSigncode:
    """Elsewhere: osslsigncode, with a certificate (and its chain) and key in PEM files."""

    def __init__(self, args: argparse.Namespace):
        self.exe = shutil.which("osslsigncode") or "osslsigncode"
        self.args = args

    def sign(self, files: list[Path]) -> str | None:
        a = self.args
        stamp = [] if a.no_timestamp else ["-ts", a.timestamp_url]
        password = ["-readpass", a.key_pass_file] if a.key_pass_file else []
        for f in files:
            signed = f.with_name(f.name + ".signing")
            out = run([self.exe, "sign", "-certs", a.cert, "-key", a.key, *password, "-h", "sha256",
                       "-n", DESCRIPTION, *stamp, "-in", str(f), "-out", str(signed)])
            if out.returncode:
                signed.unlink(missing_ok=True)
                return f"{f}: {out.stdout}{out.stderr}"
            shutil.copymode(f, signed)
            os.replace(signed, f)
        return None

    def check(self, path: Path) -> tuple[bool, str]:
        out = run([self.exe, "verify", "-in", str(path), "-ignore-crl"]).stdout
        current = re.search(r"^Current message digest\s*:\s*(\w+)", out, re.M)
        calculated = re.search(r"^Calculated message digest\s*:\s*(\w+)", out, re.M)
        signer = re.search(r"Signer #0:\s*\n\s*Subject:\s*(.+)", out)
        if not (current and calculated):
            return False, "no signature"
        if current[1] != calculated[1]:
            return False, "the signature does not match the file (it changed after signing)"
        return True, signer[1].strip() if signer else ""


def arguments(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("folder", type=Path, help="the bundle, e.g. dist/iro-desktop")
    p.add_argument("--tool", choices=("signtool", "osslsigncode"),
                   default="signtool" if os.name == "nt" else "osslsigncode")
    p.add_argument("--verify-only", action="store_true", help="sign nothing: only check every PE file")
    p.add_argument("--cert-sha1", help="signtool: the certificate's SHA-1 thumbprint (certificate store)")
    p.add_argument("--cert", help="osslsigncode: the certificate and its chain, PEM")
    p.add_argument("--key", help="osslsigncode: its private key, PEM")
    p.add_argument("--key-pass-file", help="osslsigncode: a file holding the key's passphrase")
    p.add_argument("--timestamp-url", help="an RFC 3161 timestamp server, e.g. http://timestamp.digicert.com")
    p.add_argument("--no-timestamp", action="store_true", help="for a throwaway test certificate only")
    a = p.parse_args(argv)
    if not a.folder.is_dir():
        p.error(f"{a.folder} is not a folder")
    if not a.verify_only:
        if a.tool == "signtool" and not a.cert_sha1:
            p.error("signtool needs --cert-sha1")
        if a.tool == "osslsigncode" and not (a.cert and a.key):
            p.error("osslsigncode needs --cert and --key")
        if not (a.timestamp_url or a.no_timestamp):
            p.error("give --timestamp-url (or --no-timestamp for a test certificate)")
    return a


def main(argv: list[str] | None = None) -> int:
    a = arguments(argv)
    tool = SignTool(a) if a.tool == "signtool" else OsslSigncode(a)
    files = pe_files(a.folder)
    if not files:
        print(f"sign_pe_files: no PE files in {a.folder}", file=sys.stderr)
        return 1
    unsigned = [] if a.verify_only else [f for f in files if pe_signature_size(f) == 0]
    if unsigned and (error := tool.sign(unsigned)):
        print(f"sign_pe_files: signing failed: {error}", file=sys.stderr)
        return 1
    failures = []
    for f in files:
        ok, detail = tool.check(f)
        if not ok:
            failures.append(f"  {f.relative_to(a.folder)}: {detail}")
    if failures:
        heading = f"sign_pe_files: {len(failures)} of {len(files)} PE files are not properly signed:"
        print(heading, *failures, sep="\n", file=sys.stderr)
        return 1
    if not a.verify_only:
        print(f"Signed {len(unsigned)} PE files; kept {len(files) - len(unsigned)} signed by their makers.")
    print(f"All {len(files)} PE files in {a.folder} carry a signature that matches them.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
