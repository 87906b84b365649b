"""The two distributions as a council's IT installs them: each wheel built from this tree, then installed
into a clean virtual environment from uv.lock's hashed requirements, and what came in checked. The desktop
brings no web server; the receiver brings no Qt, and serves."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

from tests.sync.helpers import served_identity
from tests.sync.pg import free_port
from tests.test_architecture import PACKAGE, module_file, receiver_modules

ROOT = Path(__file__).resolve().parents[2]
UV = ROOT / ".venv-tools" / "bin" / "uv"
SERVER_SIDE = {"fastapi", "starlette", "uvicorn", "psycopg", "psycopg-binary", "pydantic", "pydantic-core"}
QT = {"pyside6-essentials", "shiboken6"}
DEV_ONLY = {"pytest", "pytest-qt", "hypothesis", "ruff", "schemathesis", "pyinstaller", "pygments"}

pytestmark = pytest.mark.skipif(not UV.exists(), reason="no .venv-tools/bin/uv: `make setup` installs it")


def uv(*args: str, cwd: Path = ROOT) -> str:
    out = subprocess.run(
        [str(UV), *args], cwd=cwd, capture_output=True, text=True, timeout=300,
        env={**os.environ, "UV_PYTHON_DOWNLOADS": "never", "VIRTUAL_ENV": ""},
    )
    assert out.returncode == 0, out.stderr
    return out.stdout


@pytest.fixture(scope="module")
def wheels(tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("wheels")
    uv("build", "--wheel", "--quiet", "--out-dir", str(out), ".")
    uv("build", "--wheel", "--quiet", "--out-dir", str(out), "installer/receiver")
    found = {w.name.split("-")[0]: w for w in out.glob("*.whl")}
    return {"desktop": found["iro_desktop"], "receiver": found["iro_desktop_receiver"]}


def locked_requirements(tmp: Path, *selection: str) -> Path:
    """uv.lock's requirements (every one pinned with its hashes) for one install."""
    path = tmp / "requirements.txt"
    path.write_text(uv("export", "--frozen", "--quiet", "--no-emit-workspace", "--no-emit-project",
                       "--format", "requirements-txt", *selection))
    return path


def install(tmp: Path, wheel: Path, *selection: str) -> tuple[Path, set[str]]:
    """A clean venv with the install's locked requirements (hash-checked) and the wheel: (bin, names)."""
    venv = tmp / "venv"
    uv("venv", "--quiet", "--python", sys.executable, str(venv))
    python = ["--python", str(venv / "bin" / "python")]
    locked = locked_requirements(tmp, *selection)
    uv("pip", "install", "--quiet", *python, "--require-hashes", "-r", str(locked))
    uv("pip", "install", "--quiet", *python, "--no-deps", str(wheel))
    uv("pip", "check", "--quiet", *python)  # the wheel's own requirements are all met by the locked set
    names = {line.split("==")[0].lower() for line in uv("pip", "freeze", *python).split()}
    return venv / "bin", names


def names_in(wheel: Path) -> list[str]:
    with zipfile.ZipFile(wheel) as archive:
        return archive.namelist()


def requires(wheel: Path) -> set[str]:
    with zipfile.ZipFile(wheel) as archive:
        meta = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
        lines = archive.read(meta).decode().splitlines()
    return {line.split(":", 1)[1].strip().split("[")[0].split("=")[0].lower() for line in lines
            if line.startswith("Requires-Dist:")}


def test_the_desktop_wheel_holds_the_app_and_its_licence_not_the_receiver_or_the_readme_pictures(wheels):
    names = names_in(wheels["desktop"])
    assert "iro_desktop/ui/main_window.ui" in names and "iro_desktop/resources/icons/iro-desktop.svg" in names
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)
    assert not [n for n in names if "sync/receiver" in n or "screenshots" in n]
    assert not requires(wheels["desktop"]) & SERVER_SIDE
    assert wheels["desktop"].stat().st_size < 3_000_000  # it was 7.9 MB, 6.2 MB of them README screenshots


def test_the_receiver_wheel_holds_exactly_the_modules_the_receiver_loads_and_the_licence(wheels):
    names = names_in(wheels["receiver"])
    modules = {n for n in names if n.endswith(".py") and "/migrations/" not in n}
    loaded = {str(module_file(m).relative_to(PACKAGE.parent)) for m in receiver_modules()}
    # The packages above the receiver's own are namespace packages in its wheel (installer/receiver says why).
    above = {f"iro_desktop/{p}__init__.py" for p in ("", "records/", "sync/", "domain/", "interop/")}
    assert modules == loaded - above
    assert "iro_desktop/sync/receiver/migrations/env.py" in names
    assert "iro_desktop/sync/receiver/LICENSE" in names
    assert not requires(wheels["receiver"]) & QT


def test_the_desktop_installs_from_the_lock_without_a_web_server_or_dev_tools(wheels, tmp_path):
    bin_dir, names = install(tmp_path, wheels["desktop"], "--no-default-groups")
    assert {"iro-desktop", "pyside6-essentials", "sqlcipher3", "httpx"} <= names
    assert not names & (SERVER_SIDE | DEV_ONLY)
    assert not (bin_dir / "iro-desktop-receiver").exists()
    version = subprocess.run([str(bin_dir / "iro-desktop"), "--version"], capture_output=True, text=True)
    assert version.returncode == 0 and version.stdout.startswith("iro-desktop "), version.stderr


def test_the_receiver_installs_from_the_lock_without_qt_and_serves(wheels, tmp_path):
    bin_dir, names = install(tmp_path, wheels["receiver"], "--package", "iro-desktop-receiver", "--no-dev")
    assert {"iro-desktop-receiver", "fastapi", "uvicorn", "psycopg"} <= names
    assert not names & (QT | DEV_ONLY | {"iro-desktop", "reportlab", "httpx"})
    port = free_port()
    server = subprocess.Popen(
        [str(bin_dir / "iro-desktop-receiver"), "serve", "--port", str(port)], cwd=tmp_path,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        identity = served_identity(f"http://127.0.0.1:{port}", server)
    finally:
        server.terminate()
        output = server.communicate(timeout=15)[0]
    assert f"Receiver key fingerprint: {identity['fingerprint']}" in output


def test_the_lock_matches_the_projects_and_uv_is_the_locked_version():
    uv("lock", "--check", "--offline", "--quiet")  # fails if a pyproject changed and uv.lock was not remade
    wanted = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["uv"]["required-version"]
    pinned = (ROOT / "installer" / "uv-requirements.txt").read_text()
    assert f"uv{wanted} \\" in pinned and uv("--version").split()[1] == wanted.removeprefix("==")
