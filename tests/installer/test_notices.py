"""The third-party notices: written at build time from what is in the bundle (installer/notices.py), read by
Help > About. Against the real bundle: they list exactly its files, each under a licence that leaves the
app free to be MIT. On small bundles made here: a file nobody owns stops the build, naming the file."""

from __future__ import annotations

import itertools
import shutil
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest

from installer import notices
from iro_desktop.services import licences

ROOT = Path(__file__).resolve().parents[2]
GENERATOR = ROOT / "installer" / "notices.py"
SYSTEM_LIBS = Path("/lib/x86_64-linux-gnu")


def sections(bundle: Path) -> dict[str, licences.Licence]:
    path = bundle / "_internal" / "iro_desktop" / "resources" / "licences" / licences.NOTICES
    return {item.name: item for item in licences.from_notices(path)}


def listed(item: licences.Licence) -> set[str]:
    """The files a section says it owns in the bundle: the indented lines after "Files in this bundle:"."""
    files = item.text().partition("\nFiles in this bundle:\n")[2]
    return {line.strip() for line in itertools.takewhile(str.strip, files.splitlines())}


def regular_files(bundle: Path) -> set[str]:
    return {
        p.relative_to(bundle).as_posix()
        for p in bundle.rglob("*")
        if p.is_file() and not p.is_symlink() and p.name != licences.NOTICES
    }


def generate(bundle: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(GENERATOR), str(bundle)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


# --- the real bundle --------------------------------------------------------------------------------


def test_the_notices_list_exactly_the_files_in_the_bundle_each_once(bundle):
    path = bundle / "_internal" / "iro_desktop" / "resources" / "licences" / licences.NOTICES
    names = [item.name for item in licences.from_notices(path)]
    assert len(names) == len(set(names)), "two sections share a name"
    owned = [f for item in sections(bundle).values() for f in listed(item)]
    assert len(owned) == len(set(owned)), "a file is listed under two components"
    assert set(owned) == regular_files(bundle)


def test_every_native_library_and_python_distribution_in_the_bundle_has_its_own_section(bundle):
    found = sections(bundle)
    owner = {f: item for item in found.values() for f in listed(item)}
    for library in (p for p in bundle.rglob("*") if notices.NATIVE.search(p.name)):
        real = library.resolve().relative_to(bundle).as_posix()  # PyInstaller's links point at a listed file
        assert real in owner, f"{real} is not in the notices"
        assert owner[real].licence, f"{real} has no licence"
    names = {licences.normalise(name): item for name, item in found.items()}
    for info in (bundle / "_internal").glob("*.dist-info"):
        name, version = info.name.removesuffix(".dist-info").rsplit("-", 1)
        item = names.get(licences.normalise(name))
        assert item is not None and item.version == version, f"{info.name} has no section of its own"


def test_the_app_comes_first_under_mit_and_qt_is_under_the_lgpl_with_how_to_replace_it(bundle):
    found = sections(bundle)
    first = next(iter(found.values()))
    assert (first.name, first.kind, first.licence) == ("iro-desktop", "The app", "MIT")
    assert "Permission is hereby granted, free of charge" in first.text()
    assert "LGPL-3.0-only" in found["PySide6_Essentials"].licence
    assert "GNU LESSER GENERAL PUBLIC LICENSE\n                       Version 3" in found["LGPL-3.0"].text()
    assert "GNU GENERAL PUBLIC LICENSE\n                       Version 3" in found["GPL-3.0"].text()
    replace = found["How to replace the Qt libraries"].text()
    assert "_internal/PySide6/Qt/lib" in replace
    assert (bundle / "_internal" / "PySide6" / "Qt" / "lib" / "libQt6Core.so.6").is_file()
    assert f"Qt {found['PySide6_Essentials'].version}" in replace


def test_sqlcipher_openssl_icu_cpython_fonts_and_the_dictionary_with_its_attribution_are_noticed(bundle):
    found = sections(bundle)
    assert (
        "SQLCipher: BSD-3-Clause" in found["sqlcipher3"].text()
        and "ZETETIC LLC" in found["sqlcipher3"].text()
    )
    assert "OpenSSL 3: Apache-2.0" in found["cryptography"].text()
    assert "ICU (PySide6/Qt/lib/libicu*): Unicode-DFS-2016" in found["PySide6_Essentials"].text()
    assert "PYTHON SOFTWARE FOUNDATION LICENSE" in found["Python"].text()
    assert found["Noto fonts"].licence == "OFL-1.1" and "SIL Open Font License" in found["Noto fonts"].text()
    dictionary = found["Spelling dictionary en_GB"].text()
    assert "© OpenStreetMap contributors" in dictionary and "Open Database Licence" in dictionary


def test_nothing_bundled_would_require_the_app_to_be_gpl(bundle):
    binding = {
        name: item.licence
        for name, item in sections(bundle).items()
        if listed(item) and notices.binds_the_app(item.licence)
    }
    assert binding == {}


def test_the_frozen_app_finds_the_notices_where_about_reads_them(bundle):
    items = licences.shipped(bundle / "_internal" / "iro_desktop" / "resources")
    assert items[0].name == "iro-desktop" and len(items) == len(sections(bundle))
    assert (bundle / licences.NOTICES).resolve() == (
        bundle / "_internal" / "iro_desktop" / "resources" / "licences" / licences.NOTICES
    )


# --- small bundles made here ------------------------------------------------------------------------


def small_bundle(tmp_path: Path, *extra: tuple[str, Path]) -> Path:
    """A bundle folder with a font, a Python extension module, a wheel's binary and a system library."""
    bundle = tmp_path / "iro-desktop"
    fonts = ROOT / "resources" / "fonts"
    stdlib = Path(sys.base_prefix) / "lib" / f"python{sys.version_info.major}.{sys.version_info.minor}"
    rust = Path(metadata.distribution("cryptography").locate_file("cryptography/hazmat/bindings"))
    files = [
        ("_internal/iro_desktop/resources/fonts/DejaVuSans.ttf", fonts / "DejaVuSans.ttf"),
        ("_internal/iro_desktop/resources/fonts/LICENCE-DejaVu.txt", fonts / "LICENCE-DejaVu.txt"),
        (
            "_internal/python3.11/lib-dynload/" + next(stdlib.glob("lib-dynload/math*.so")).name,
            next(stdlib.glob("lib-dynload/math*.so")),
        ),
        ("_internal/cryptography/hazmat/bindings/_rust.abi3.so", rust / "_rust.abi3.so"),
        ("_internal/libz.so.1", SYSTEM_LIBS / "libz.so.1"),
        *extra,
    ]
    for target, source in files:
        (bundle / target).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, bundle / target)
    return bundle


def test_the_generator_gives_each_file_its_owner_and_licence(tmp_path):
    bundle = small_bundle(tmp_path)
    assert generate(bundle).returncode == 0
    found = sections(bundle)
    owners = {f: name for name, item in found.items() for f in listed(item)}
    assert owners == {
        "_internal/iro_desktop/resources/fonts/DejaVuSans.ttf": "DejaVu fonts",
        "_internal/iro_desktop/resources/fonts/LICENCE-DejaVu.txt": "DejaVu fonts",
        next(f for f in regular_files(bundle) if "lib-dynload" in f): "Python",
        "_internal/cryptography/hazmat/bindings/_rust.abi3.so": "cryptography",
        "_internal/libz.so.1": "zlib",
    }
    assert found["zlib"].kind == "System library" and found["zlib"].licence == "Zlib"
    assert "zlib1g" in found["zlib"].text() and "/usr/share/doc/zlib1g/copyright" in found["zlib"].text()
    assert found["cryptography"].licence == "Apache-2.0 OR BSD-3-Clause"
    assert list(found)[0] == "iro-desktop" and "LGPL-3.0" in found  # the app first; the LGPL always


def test_a_library_nobody_owns_stops_the_build_naming_the_file(tmp_path):
    mystery = tmp_path / "libmystery.so.1"
    mystery.write_bytes(b"\x7fELF not a library anyone installed")
    bundle = small_bundle(tmp_path, ("_internal/libmystery.so.1", mystery))
    out = generate(bundle)
    assert out.returncode == 1
    assert (
        out.stderr.startswith("notices: _internal/libmystery.so.1: ")
        and "licence cannot be determined" in out.stderr
    )
    assert not (bundle / "_internal" / "iro_desktop" / "resources" / "licences" / licences.NOTICES).exists()


@pytest.mark.skipif(not (SYSTEM_LIBS / "libreadline.so.8").is_file(), reason="no libreadline here to bundle")
def test_a_gpl_library_is_noticed_as_gpl_so_the_bundle_test_would_refuse_it(tmp_path):
    bundle = small_bundle(tmp_path, ("_internal/libreadline.so.8", SYSTEM_LIBS / "libreadline.so.8"))
    assert generate(bundle).returncode == 0
    readline = sections(bundle)["readline"]
    assert readline.licence == "GPL-3+" and notices.binds_the_app(readline.licence)


@pytest.mark.parametrize(
    ("licence", "binds"),
    [
        ("GPL-3+", True),
        ("AGPL-3.0-only", True),
        ("GPL-2.0-or-later", True),
        ("GPL-3.0-or-later WITH GCC-exception-3.1", False),  # libstdc++, libgcc_s
        ("LGPL-3.0-only OR GPL-2.0-only OR GPL-3.0-only", False),  # PySide6
        ("BSD-3-clause or GPL-2", False),
        ("LGPL-2.1+", False),
        ("GNU Library or Lesser General Public License (LGPL)", False),
        ("MIT", False),
    ],
)
def test_which_licences_would_make_the_app_gpl(licence, binds):
    assert notices.binds_the_app(licence) is binds
