"""The Linux desktop integration as a council's IT team and an IRO meet it: the shipped menu entry and
software-centre metadata pass the freedesktop validators, and the tarball's install.sh, run in a home folder
whose path has a space (or worse), gives a menu entry that starts the bundle, icons at every standard size,
and a file type through which the desktop opens a handover file in iro-desktop. Uninstalling leaves nothing.

All real tools, as a desktop uses them: desktop-file-validate, appstreamcli, update-mime-database and GLib's
`gio` (the file managers' own MIME and default-application lookup)."""

from __future__ import annotations

import configparser
import os
import re
import shutil
import struct
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from iro_desktop import __version__
from iro_desktop.store.keys import TEST_KDF
from tests.services.child_traces import FULL_CHILD

ROOT = Path(__file__).resolve().parents[2]
LINUX = ROOT / "installer" / "linux"
ENTRY, METAINFO = LINUX / "iro-desktop.desktop", LINUX / "uk.gov.iro_desktop.metainfo.xml"
HANDOVER_TYPE = "application/x-iro-handover"
ICON_SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)
TOOLS = {  # the Debian package each comes from (Makefile's DEB_PACKAGES)
    "desktop-file-validate": "desktop-file-utils",
    "appstreamcli": "appstream",
    "update-mime-database": "shared-mime-info",
    "gio": "libglib2.0-bin",
}


def tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        pytest.fail(f"{name} is missing: install {TOOLS[name]} (make sysdeps)")
    return found


def run(*args, env=None) -> subprocess.CompletedProcess:
    return subprocess.run([*map(str, args)], capture_output=True, text=True, env=env, timeout=300)


def desktop_entry(path: Path) -> dict[str, str]:
    parser = configparser.RawConfigParser(delimiters=("=",))
    parser.optionxform = str  # keys are case-sensitive
    parser.read(path, encoding="utf-8")
    return dict(parser["Desktop Entry"])


def launcher_argv(exec_value: str, file: Path) -> list[str]:
    """The command a launcher runs for the Exec line (Desktop Entry spec, "The Exec key"): the file's own
    escapes first, then the arguments, each bare or in double quotes with \\ escapes, then %f and %%."""
    escapes = {"s": " ", "n": "\n", "t": "\t", "r": "\r"}
    value = re.sub(r"\\(.)", lambda m: escapes.get(m[1], m[1]), exec_value)
    args = [
        re.sub(r"\\(.)", r"\1", quoted) if quoted else str(file) if bare == "%f" else bare
        for quoted, bare in re.findall(r'"((?:[^"\\]|\\.)*)"|(\S+)', value)
    ]
    return [arg.replace("%%", "%") for arg in args]


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    return struct.unpack(">II", data[16:24])


def test_the_shipped_menu_entry_passes_desktop_file_validate():
    out = run(tool("desktop-file-validate"), ENTRY)
    assert out.returncode == 0 and out.stdout + out.stderr == ""


def test_the_software_centre_metadata_passes_appstreamcli_and_names_this_version():
    out = run(tool("appstreamcli"), "validate", "--no-net", "--pedantic", METAINFO)
    assert out.returncode == 0 and "Validation was successful." in out.stdout, out.stdout
    assert not re.search(r"^[EWI]: ", out.stdout, re.MULTILINE), out.stdout  # not even a pedantic note
    component = ET.parse(METAINFO).getroot()
    assert component.find("releases/release").get("version") == __version__
    assert component.find("launchable").text == ENTRY.name
    assert component.find("provides/mediatype").text == HANDOVER_TYPE
    assert desktop_entry(ENTRY)["MimeType"] == f"{HANDOVER_TYPE};"


# --- installing from the tarball -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def unpacked(bundle, tmp_path_factory) -> Path:
    """The tarball make-tarball.sh makes from the bundle, unpacked as IT would, into a folder with a space."""
    out = tmp_path_factory.mktemp("tarball")
    made = run(LINUX / "make-tarball.sh", bundle, out)
    assert made.returncode == 0, made.stderr
    (tarball,) = out.glob(f"iro-desktop-{__version__}-linux-x86_64.tar.gz")
    into = out / "Downloaded files"
    into.mkdir()
    assert run("tar", "-xzf", tarball, "-C", into).returncode == 0
    tarball.unlink()
    return into / tarball.name.removesuffix(".tar.gz")


@pytest.fixture
def handover_file(demo_store, tmp_path) -> Path:
    from iro_desktop.services.handover import send

    return send(demo_store, FULL_CHILD, tmp_path / "DEMO0010.iro-handover", kdf=TEST_KDF).path


def desktop_env(home: Path) -> dict[str, str]:
    """A desktop session's environment with only this home folder: the system's types and nothing else."""
    return {"PATH": "/usr/bin:/bin", "HOME": str(home), "XDG_DATA_DIRS": "/usr/share", "GIO_USE_VFS": "local"}


def content_type(file: Path, env) -> str:
    out = run(tool("gio"), "info", "--attributes=standard::content-type", file, env=env)
    assert out.returncode == 0, out.stderr
    return re.search(r"standard::content-type: (\S+)", out.stdout)[1]


def own_traces(home: Path) -> list[str]:
    """Files under `home` that are iro-desktop's or mention it (the desktop's caches included)."""
    found = []
    for path in sorted(home.rglob("*")):
        if path.is_file() or path.is_symlink():
            mentions = path.is_file() and re.search(rb"iro-desktop|x-iro-handover", path.read_bytes())
            if "iro" in str(path.relative_to(home)) or mentions:
                found.append(str(path.relative_to(home)))
    return found


# A space, as in most councils' home folders; then every character the Exec line's quoting must escape.
@pytest.mark.parametrize("home_name", ["Alex Example", 'Sam "$HOME" `x` \\ Sample'])
def test_install_sh_integrates_with_the_desktop_and_uninstall_removes_it_all(
    unpacked, handover_file, tmp_path, home_name
):
    home = tmp_path / home_name
    home.mkdir()
    env = desktop_env(home)
    tool("update-mime-database")  # install.sh uses it when the system has it: it must be here
    before = content_type(handover_file, env)
    out = run("sh", unpacked / "install.sh", env=env)
    assert out.returncode == 0, out.stderr
    share, program = home / ".local/share", home / ".local/opt/iro-desktop/iro-desktop"

    entry = share / "applications/iro-desktop.desktop"
    validated = run(tool("desktop-file-validate"), entry)
    assert validated.returncode == 0 and validated.stdout + validated.stderr == ""
    argv = launcher_argv(desktop_entry(entry)["Exec"], handover_file)
    assert argv == [str(program), "gui", str(handover_file)]
    started = run(argv[0], "--version", env=env)
    assert started.returncode == 0 and started.stdout.strip() == f"iro-desktop {__version__}"

    for size in ICON_SIZES:
        assert png_size(share / f"icons/hicolor/{size}x{size}/apps/iro-desktop.png") == (size, size)
    assert (share / "icons/hicolor/scalable/apps/iro-desktop.svg").is_file()
    assert (share / "metainfo" / METAINFO.name).read_bytes() == METAINFO.read_bytes()

    # What a file manager asks when the IRO double-clicks the file: its type, then that type's application.
    assert before != HANDOVER_TYPE
    assert content_type(handover_file, env) == HANDOVER_TYPE
    renamed = handover_file.with_name("DEMO0010 from email.json")  # its extension lost on the way
    shutil.copy(handover_file, renamed)
    assert content_type(renamed, env) == HANDOVER_TYPE  # known by its first line
    handler = run(tool("gio"), "mime", HANDOVER_TYPE, env=env)
    assert re.search(
        rf"Default application for .{HANDOVER_TYPE}.: iro-desktop\.desktop$", handler.stdout, re.M
    )

    out = run("sh", unpacked / "install.sh", "--uninstall", env=env)
    assert out.returncode == 0, out.stderr
    assert own_traces(home) == []
    assert content_type(handover_file, env) == before
    assert not os.path.lexists(home / ".local/bin/iro-desktop")


def test_install_sh_refuses_a_folder_no_menu_entry_can_name_and_installs_nothing(unpacked, tmp_path):
    home = tmp_path / "Alex 100%"  # GLib would hide the entry: better said now than a menu with no app
    home.mkdir()
    out = run("sh", unpacked / "install.sh", env=desktop_env(home))
    assert out.returncode == 1
    assert "a menu entry cannot name a folder with % or a line break in it" in out.stderr
    assert "sudo " in out.stderr and own_traces(home) == []
