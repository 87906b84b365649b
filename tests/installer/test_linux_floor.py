"""The oldest Linux the bundle runs on, as installer/linux/floor.txt states it, checked with objdump in every
program and library of the built bundle: what each asks of the system must be no newer than the floor, and
from a system library the floor lists."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

FLOOR = Path(__file__).resolve().parents[2] / "installer" / "linux" / "floor.txt"

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the Linux bundle's floor")


def version_key(version: str) -> tuple[int, ...]:
    return tuple(int(n) for n in version.split("."))


def stated_floor() -> tuple[dict[str, str], set[str]]:
    """({"GLIBC": "2.35", ...}, {"libc.so.6", ...}) from floor.txt: the first word of each line."""
    versions, libraries = {}, set()
    for line in FLOOR.read_text().splitlines():
        word = line.split()[0] if line.strip() and not line.startswith("#") else ""
        if ".so" in word:
            libraries.add(word)
        elif word:
            kind, _, version = word.rpartition("_")
            versions[kind] = version
    return versions, libraries


def elf_files(bundle: Path) -> list[Path]:
    files = [p for p in bundle.rglob("*") if p.is_file() and not p.is_symlink()]
    return [p for p in files if p.open("rb").read(4) == b"\x7fELF"]


def dynamic_needs(path: Path) -> tuple[set[str], set[tuple[str, str]]]:
    """The libraries `path` names (NEEDED), and the (library, symbol version) pairs it requires of them."""
    report = subprocess.run(["objdump", "-p", path], capture_output=True, text=True, check=True).stdout
    needed, versions, library = set(), set(), ""
    for line in report.splitlines():
        words = line.split()
        if words[:1] == ["NEEDED"]:
            needed.add(words[1])
        elif words[:2] == ["required", "from"]:
            library = words[2].rstrip(":")
        elif len(words) == 4 and words[0].startswith("0x") and library:
            versions.add((library, words[3]))
    return needed, versions


@pytest.fixture(scope="module")
def from_the_system(bundle):
    """What the bundle's ELF files ask of libraries it does not carry: {file: (libraries, versions)}."""
    carried = {p.name for p in bundle.rglob("*")}
    asks = {}
    for path in elf_files(bundle):
        needed, versions = dynamic_needs(path)
        asks[path.relative_to(bundle)] = (
            {n for n in needed if n not in carried},
            {(lib, v) for lib, v in versions if lib not in carried},
        )
    return asks


def test_nothing_in_the_bundle_asks_for_a_newer_system_library_than_the_floor(from_the_system):
    floor, _ = stated_floor()
    too_new = set()
    for path, (_, versions) in from_the_system.items():
        for library, version in versions:
            kind, _, number = version.rpartition("_")
            if kind not in floor or version_key(number) > version_key(floor[kind]):
                too_new.add(f"{path} needs {version} from {library}")
    assert sorted(too_new) == []


def test_nothing_in_the_bundle_needs_a_system_library_the_floor_does_not_list(from_the_system):
    _, listed = stated_floor()
    unlisted = {
        f"{path} needs {lib}" for path, (needed, _) in from_the_system.items() for lib in needed - listed
    }
    assert sorted(unlisted) == []


def test_the_floor_is_exactly_what_the_bundle_needs(from_the_system):
    """Not older (the test above) and not newer: a council is not told to upgrade for nothing."""
    floor, listed = stated_floor()
    newest: dict[str, str] = {}
    for _, versions in from_the_system.values():
        for _, version in versions:
            kind, _, number = version.rpartition("_")
            if kind not in newest or version_key(number) > version_key(newest[kind]):
                newest[kind] = number
    assert newest == floor
    assert set().union(*(needed for needed, _ in from_the_system.values())) == listed


def test_the_systems_own_libraries_are_not_carried(bundle):
    """A carried C++ runtime, GLib or fontconfig would be found before the system's, and break the system
    libraries the app loads (graphics drivers, the spelling provider, the GTK theme)."""
    _, listed = stated_floor()
    assert {p.name for p in bundle.rglob("*")} & listed == set()
