"""The installed bundle and a council's wording: the copy a council edits is made outside the app, found in
the IRO's config folder, and the read-only install is never written to."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

WORDING = "documents.toml"


def _frozen(bundle: Path, home: Path, *args):
    env = {"PATH": "/usr/bin:/bin", "HOME": str(home), "IRO_DESKTOP_COUNCIL_DIR": str(home / "site")}
    return subprocess.run(
        [str(bundle / "iro-desktop"), *map(str, args)], capture_output=True, text=True, env=env, timeout=180
    )


def _state(folder: Path) -> dict[str, tuple[int, int, int]]:
    """Every file and folder of the install with its size, mode and change time: a write shows."""
    return {
        str(p.relative_to(folder)): (s.st_size, s.st_mode, s.st_mtime_ns)
        for p in folder.rglob("*")
        for s in [p.lstat()]
    }


def test_the_wording_is_copied_out_edited_and_used_while_the_install_stays_as_it_was(bundle, tmp_path):
    home = tmp_path / "home with space"
    before = _state(bundle)
    shipped = next(bundle.rglob(f"resources/templates/{WORDING}"))
    out = _frozen(bundle, home, "templates", "export")
    copy = home / ".config" / "iro-desktop" / "council" / WORDING  # the platform's own user config folder
    assert out.returncode == 0, out.stderr
    assert copy.read_bytes() == shipped.read_bytes() and os.access(copy, os.W_OK)
    out = _frozen(bundle, home, "templates", "check")
    assert out.stdout == f"{WORDING}: your council's wording, from your own folder ({copy})\n", out.stderr
    copy.write_text(copy.read_text(encoding="utf-8").replace("{first_name}", "{name}", 1), encoding="utf-8")
    out = _frozen(bundle, home, "templates", "check")
    assert out.returncode == 1
    assert f"not used, because {copy}, line " in out.stdout and "leaves out {first_name}" in out.stdout
    assert out.stdout.endswith(f"{WORDING}: the app's own wording\n")
    exported = tmp_path / "for IT"
    assert _frozen(bundle, home, "templates", "export", exported).returncode == 0
    assert sorted(p.name for p in exported.iterdir()) == [WORDING]
    assert _state(bundle) == before
