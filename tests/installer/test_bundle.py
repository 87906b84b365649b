"""The built bundle (IRO_DESKTOP_BUNDLE, built by `make test`) as a council's IT team meets it: the frozen
binary run in a clean environment (no venv on PATH, an empty HOME), no Python or source tree behind it."""

from __future__ import annotations

import base64
import json
import os
import pwd
import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
from packaging.markers import Marker
from packaging.utils import canonicalize_name

from iro_desktop import __version__
from tests.conftest import PASSPHRASE
from tests.test_cli import CHEAP_KDF, iro

ROOT = Path(__file__).resolve().parents[2]
AS_OF = "2026-11-25"  # the demo caseload is built around a fixed day, so two runs show the same


def frozen(binary: Path, *args, home: Path, passphrase=PASSPHRASE, user=None):
    """Run the bundle's binary as a council's IT would: only the system's PATH, a fresh HOME, no venv;
    as `user` (a pwd entry) when given."""
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(home),
        "QT_QPA_PLATFORM": "offscreen",
        "IRO_DESKTOP_KDF": CHEAP_KDF,
    }
    if passphrase is not None:
        env["IRO_DESKTOP_PASSPHRASE"] = passphrase
    as_user = (
        []
        if user is None
        else ["setpriv", f"--reuid={user.pw_uid}", f"--regid={user.pw_gid}", "--clear-groups"]
    )
    command = [*as_user, str(binary), *map(str, args)]
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=120, cwd="/")


@pytest.fixture
def app(bundle):
    return bundle / "iro-desktop"


def test_the_version_is_the_package_version(app, tmp_path):
    out = frozen(app, "--version", home=tmp_path)
    assert out.returncode == 0 and out.stdout.strip() == f"iro-desktop {__version__}"


def test_self_test_creates_a_store_then_opens_it(app, tmp_path):
    db = tmp_path / "smoke.db"
    out = frozen(app, "self-test", "--db", db, home=tmp_path)
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("self-test passed: the caseload shows 60 children (iro-desktop ")
    assert f"iro-desktop {__version__}, SQLCipher 4." in out.stdout and "platform offscreen" in out.stdout
    again = frozen(app, "self-test", "--db", db, home=tmp_path)
    assert again.returncode == 0 and "60 children" in again.stdout, again.stderr
    wrong = frozen(app, "self-test", "--db", db, passphrase="not-the-passphrase-at-all", home=tmp_path)
    assert wrong.returncode != 0
    assert wrong.stderr == "iro-desktop: self-test failed: That passphrase does not open this store.\n"


def test_the_caseload_is_the_one_the_source_shows(app, tmp_path):
    db = tmp_path / "demo.db"
    made = frozen(app, "demo", "--db", db, "--as-of", AS_OF, home=tmp_path)
    assert made.returncode == 0, made.stderr
    out = frozen(app, "caseload", "--db", db, "--json", "--as-of", AS_OF, home=tmp_path)
    assert out.returncode == 0, out.stderr
    children = json.loads(out.stdout)
    assert len(children) == 60 and all(c["child"].startswith("DEMO") for c in children)
    source = iro("caseload", "--db", db, "--json", "--as-of", AS_OF)  # the same store read by the source tree
    assert children == json.loads(source.stdout)


def test_a_signed_letter_is_a_pdf_with_its_text_fonts_and_logo(app, tmp_path):
    """reportlab, its fonts, Pillow (the logo) and the signing keys, all from inside the bundle."""
    from PIL import Image

    from iro_desktop.services.documents import LOGO_KEY
    from iro_desktop.store import open_store

    db = tmp_path / "demo.db"
    assert frozen(app, "demo", "--db", db, "--as-of", AS_OF, home=tmp_path).returncode == 0
    logo = tmp_path / "council logo.png"
    Image.new("RGB", (240, 80), (0, 94, 165)).save(logo)
    store = open_store(db, PASSPHRASE)
    try:
        store.set_setting(LOGO_KEY, str(logo))
    finally:
        store.close()
    concerns = frozen(app, "concerns", "--db", db, home=tmp_path)
    concern_id, _, child = re.split(r"\s{2,}", concerns.stdout.splitlines()[1].strip())[:3]
    signed = frozen(app, "sign-letter", concern_id, "--db", db, home=tmp_path)
    assert signed.returncode == 0, signed.stderr
    record_id = signed.stdout.split("record ")[1].split(",")[0]
    exported = tmp_path / "letter.json"
    assert frozen(app, "export-record", record_id, exported, "--db", db, home=tmp_path).returncode == 0
    checked = frozen(app, "verify", exported, home=tmp_path, passphrase=None)
    assert checked.returncode == 0 and checked.stdout.startswith("Intact."), checked.stdout
    pdf = tmp_path / "letter.pdf"
    pdf.write_bytes(base64.b64decode(json.loads(exported.read_text())["pdf"]))
    text = subprocess.run(["pdftotext", pdf, "-"], capture_output=True, text=True, check=True).stdout
    assert "OFFICIAL-SENSITIVE" in text and child in text
    fonts = subprocess.run(["pdffonts", pdf], capture_output=True, text=True, check=True).stdout
    dejavu = [line for line in fonts.splitlines() if "DejaVuSans" in line]
    assert dejavu and all(" yes yes " in line for line in dejavu)  # the bundle's fonts, embedded
    images = subprocess.run(["pdfimages", "-list", pdf], capture_output=True, text=True, check=True).stdout
    assert len(images.splitlines()[2:]) >= 1  # the logo, decoded by the bundle's Pillow


def test_the_window_opens_on_a_real_display_and_shows_the_unlock_window(app, tmp_path, display):
    db = tmp_path / "demo.db"
    assert frozen(app, "demo", "--db", db, "--as-of", AS_OF, home=tmp_path).returncode == 0
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "DISPLAY": display}
    log = (tmp_path / "stderr.txt").open("w")  # a file, not a pipe nobody reads while it runs
    gui = subprocess.Popen([app, "gui", "--db", db], env=env, cwd="/", stderr=log)
    try:
        window = shown(gui, "^Unlock iro-desktop$", display, log.name)
        assert colours_in(window, display) > 16  # drawn, with anti-aliased text, not a blank frame
    finally:
        gui.kill()
        gui.wait()
        log.close()


def shown(gui: subprocess.Popen, title: str, display: str, stderr: str, tries: int = 120) -> str:
    """The id of the visible window with that title, asked for until it appears or the app ends."""
    for _ in range(tries):
        assert gui.poll() is None, f"the app ended ({gui.returncode}): {Path(stderr).read_text()}"
        found = subprocess.run(
            ["xdotool", "search", "--onlyvisible", "--name", title],
            env={"DISPLAY": display},
            capture_output=True,
            text=True,
        )
        if found.stdout:
            return found.stdout.split()[0]
        time.sleep(0.5)
    raise AssertionError(f"no window {title!r} on {display}")


def colours_in(window: str, display: str, tries: int = 20) -> int:
    """The number of distinct colours in the window, asked until it has been painted (or `tries` run out)."""
    count = 0
    for _ in range(tries):
        shot = subprocess.run(
            ["import", "-window", window, "-format", "%k", "info:"],
            env={"DISPLAY": display, "PATH": "/usr/bin:/bin"},
            capture_output=True,
            text=True,
            timeout=30,
        )
        count = int(shot.stdout or 0)
        if count > 16:
            break
        time.sleep(0.25)
    return count


@pytest.fixture(scope="module")
def read_only_copy(bundle):
    """A copy under a path with spaces, every file read-only, and a HOME the user `nobody` owns."""
    top = Path(tempfile.mkdtemp(prefix="iro bundle "))
    top.chmod(0o755)  # others may look in (mkdtemp makes it private)
    copy = top / "Program Files" / "iro desktop"
    shutil.copytree(bundle, copy, symlinks=True)
    subprocess.run(["chmod", "-R", "a-w", top / "Program Files"], check=True)
    home = top / "home"
    home.mkdir()
    if os.geteuid() == 0:
        nobody = pwd.getpwnam("nobody")
        os.chown(home, nobody.pw_uid, nobody.pw_gid)
    yield copy, home
    subprocess.run(["chmod", "-R", "u+w", top], check=True)
    shutil.rmtree(top)


def test_it_runs_read_only_from_a_path_with_spaces_as_another_user(read_only_copy):
    """As `nobody` when the tests run as root (root would write through read-only modes anyway)."""
    copy, home = read_only_copy
    user = pwd.getpwnam("nobody") if os.geteuid() == 0 else None
    out = frozen(copy / "iro-desktop", "self-test", "--db", home / "store.db", home=home, user=user)
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("self-test passed: the caseload shows 60 children")
    assert (home / "store.db").stat().st_uid == (user.pw_uid if user else os.geteuid())


def locked_desktop_packages() -> dict[str, str]:
    """name: version of every package uv.lock installs with the desktop app on this platform."""
    uv = ROOT / ".venv-tools" / "bin" / "uv"
    exported = subprocess.run(
        [
            uv,
            "export",
            "--frozen",
            "--no-default-groups",
            "--no-emit-project",
            "--no-hashes",
            "--format",
            "requirements-txt",
        ],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    ).stdout
    packages = {"iro-desktop": __version__}
    for line in exported.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        requirement, _, marker = line.partition(";")
        if marker.strip() and not Marker(marker.strip()).evaluate():
            continue
        name, version = requirement.strip().split("==")
        packages[canonicalize_name(name)] = version
    return packages


def test_the_bundle_ships_exactly_the_locked_desktop_packages(bundle):
    """Nothing dev-only, nothing of the receiver's, and no package from outside uv.lock."""
    shipped = {}
    for info in (bundle / "_internal").glob("*.dist-info"):
        name, version = info.name.removesuffix(".dist-info").rsplit("-", 1)
        shipped[canonicalize_name(name)] = version
    assert shipped == locked_desktop_packages()


def test_the_bundle_holds_the_app_and_no_tests_dev_tools_server_or_gpl_readline(bundle):
    inside = bundle / "_internal"
    assert (inside / "iro_desktop" / "ui" / "main_window.ui").is_file()
    assert (inside / "iro_desktop" / "resources" / "icons" / "iro-desktop.svg").is_file()
    assert (inside / "iro_desktop" / "store" / "migrations" / "versions").is_dir()
    names = {p.name.split("-")[0].split(".")[0].lower() for p in bundle.rglob("*")}
    unwanted = {
        "tests",
        "pytest",
        "_pytest",
        "pytestqt",
        "hypothesis",
        "ruff",
        "fastapi",
        "uvicorn",
        "psycopg",
        "screenshots",
        "libreadline",
        "readline",
    }
    assert names & unwanted == set()


def test_the_bundle_is_under_180_mb(bundle):
    """What a council downloads and installs (issue 20: it was 234 MB)."""
    size = int(
        subprocess.run(["du", "-sb", bundle], capture_output=True, text=True, check=True).stdout.split()[0]
    )
    assert size < 180_000_000, f"{size / 1e6:.0f} MB"


ARCHIVED = """
import sys
from PyInstaller.archive.readers import CArchiveReader
archive = CArchiveReader(sys.argv[1])
for entry, (*_, kind) in archive.toc.items():
    if kind == "z":
        print("\\n".join(archive.open_embedded_archive(entry).toc))
"""


def test_every_module_of_the_app_is_in_the_bundle(bundle):
    """The window imports its dialogs by name when first opened, out of sight of PyInstaller's import scan:
    Settings, the audit trail and Change passphrase once failed to open in the bundle, and only there."""
    reader = ROOT / ".venv-build" / "bin" / "python"  # PyInstaller reads its own archive
    listed = subprocess.run([reader, "-c", ARCHIVED, bundle / "iro-desktop"], capture_output=True, text=True,
                            check=True).stdout.split()
    package = ROOT / "iro_desktop"
    source = {
        ".".join(p.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        for p in package.rglob("*.py")
        if not {"migrations", "receiver"} & set(p.parts) and p.name != "__main__.py"
    }
    assert sorted(source - set(listed)) == []
