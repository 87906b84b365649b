"""Write a bundle's third-party notices from what is actually in it.

    .venv-build/bin/python installer/notices.py dist/iro-desktop

Run with the Python whose packages PyInstaller bundled (`make` does, after building). Every file in the
bundle, and every module inside the executable's archive, is given an owner: the app, a Python
distribution (by the RECORD files of this Python's packages), CPython, a font or the dictionary in the
app's resources, or a Debian package of the build machine (dpkg -S on the same library, known by its bytes
or its build ID). A file with no owner, or an owner whose licence cannot be determined, stops the build
with a message naming it.

The notices go to _internal/iro_desktop/resources/licences/THIRD-PARTY-NOTICES.txt, where Help > About reads
them (iro_desktop/services/licences.py), with a link to them beside the executable, where IT looks first.
"""

from __future__ import annotations

import filecmp
import os
import platform
import re
import subprocess
import sys
import sysconfig
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

NOTICES = "THIRD-PARTY-NOTICES.txt"
INSIDE = "_internal"  # PyInstaller's folder for everything but the executables
APP, APP_PACKAGE = "iro-desktop", "iro_desktop"
LICENCES = f"{APP_PACKAGE}/resources/licences"
SEPARATOR = "=" * 78
RESOURCE_LICENCES = Path(__file__).resolve().parents[1] / "resources" / "licences"
TEXTS = RESOURCE_LICENCES / "texts"  # full licence texts by SPDX id, and attributions
APP_RUNTIME_HOOKS = {p.stem for p in Path(__file__).parent.glob("rthook_*.py")}  # the spec's own
LIB_DIRS = (
    "/lib/x86_64-linux-gnu",
    "/usr/lib/x86_64-linux-gnu",
    "/lib/aarch64-linux-gnu",
    "/usr/lib/aarch64-linux-gnu",
    "/lib64",
    "/usr/lib64",
    "/lib",
    "/usr/lib",
)
NATIVE = re.compile(r"\.(so(\.\d+)*|dll|pyd|dylib)$")

# Where a distribution's metadata states no licence, or a wrong one: what its own licence file says.
LICENCE_CORRECTIONS = {
    "spylls": "MPL-2.0",  # its LICENSE is the MPL 2.0; the MIT classifier in its metadata contradicts it
    "sqlcipher3": "Zlib",  # its LICENSE is pysqlite's zlib licence; the metadata states none
    "pyinstaller-hooks-contrib": "Apache-2.0",  # only its run-time hooks are bundled, and they are Apache-2.0
    "python-dateutil": "Apache-2.0 AND BSD-3-Clause",  # its LICENSE; the metadata says only "Dual License"
}
# Code compiled into a distribution's own binaries, which no file name shows: (what, licence, text), where
# the text is a file in resources/licences (given with the component) or a licence id in TEXTS (at the end).
EMBEDDED = {
    "pyside6-essentials": [
        (
            "Qt 6 (PySide6/Qt/lib, PySide6/Qt/plugins); the third-party code inside Qt is listed at "
            "https://doc.qt.io/qt-6/licenses-used-in-qt.html",
            "LGPL-3.0-only",
            "LGPL-3.0",
        ),
        ("ICU (PySide6/Qt/lib/libicu*)", "Unicode-DFS-2016", "LICENCE-ICU.txt"),
    ],
    "shiboken6": [("Shiboken, PySide's binding generator run time", "LGPL-3.0-only", "LGPL-3.0")],
    "sqlcipher3": [
        ("SQLCipher", "BSD-3-Clause", "LICENCE-SQLCipher.txt"),
        ("SQLite", "public domain", None),
        ("OpenSSL 3", "Apache-2.0", "Apache-2.0"),
    ],
    "cryptography": [("OpenSSL 3", "Apache-2.0", "Apache-2.0")],
}
# Debian packages whose copyright file is not machine-readable, or whose "Files: *" licence is not the
# library's own (util-linux, e2fsprogs, keyutils): the library's licence, read from that file by hand.
DEBIAN_LICENCES = {
    "libgcc-s1": "GPL-3.0-or-later WITH GCC-exception-3.1",
    "libstdc++6": "GPL-3.0-or-later WITH GCC-exception-3.1",
    "libblkid1": "LGPL-2.1-or-later",
    "libmount1": "LGPL-2.1-or-later",
    "libuuid1": "BSD-3-Clause",
    "libcom-err2": "MIT (e2fsprogs' lib/et)",
    "libkeyutils1": "LGPL-2.0-or-later",
    "libcairo2": "LGPL-2.1-only OR MPL-1.1",
    "libcairo-gobject2": "LGPL-2.1-only OR MPL-1.1",
    "libfontconfig1": "MIT (fontconfig licence)",
    "libgcrypt20": "LGPL-2.1-or-later",
    "libgssapi-krb5-2": "MIT (krb5 licence)",
    "libk5crypto3": "MIT (krb5 licence)",
    "libkrb5-3": "MIT (krb5 licence)",
    "libkrb5support0": "MIT (krb5 licence)",
    "libjpeg62-turbo": "IJG AND BSD-3-Clause AND Zlib",
    "libpixman-1-0": "MIT",
    "libselinux1": "public domain",
    "libx11-6": "MIT/X11",
    "libx11-xcb1": "MIT/X11",
    "libxau6": "MIT/X11",
    "libxdmcp6": "MIT/X11",
    "libxext6": "MIT/X11",
    "libxrender1": "MIT/X11",
    "libxkbcommon0": "MIT",
    "libxkbcommon-x11-0": "MIT",
    **{
        f"libxcb-{x}": "MIT/X11"
        for x in (
            "glx0",
            "randr0",
            "render0",
            "shape0",
            "shm0",
            "sync1",
            "xfixes0",
            "xkb1",
            "present0",
            "dri2-0",
            "dri3-0",
            "xinerama0",
            "xinput0",
        )
    },
    "libxcb1": "MIT/X11",
}
QT_REPLACEMENT = """\
Qt and PySide6 are used under the GNU Lesser General Public License version 3 (its text, and that of the GNU
General Public License version 3 it builds on, are further on). You may replace the Qt libraries in this
bundle with your own build of them, or with a modified one, and the app will use it:

  1. Build or obtain Qt {qt}, or a later Qt 6.{minor} release, for the same platform and processor.
  2. Replace the files in _internal/PySide6/Qt/lib (libQt6*.so.6, and libicu*.so.* if your Qt needs a
     different ICU) and, if you wish, the plugins in _internal/PySide6/Qt/plugins, keeping their names.
     Links at the top of _internal point at these files, so nothing else needs changing.
  3. Start iro-desktop as before. Help > About shows the Qt version it is using.

On Windows the same files are in _internal\\PySide6 (Qt6*.dll) and _internal\\PySide6\\plugins; on macOS in
iro-desktop.app/Contents/Frameworks/PySide6/Qt/lib and .../Qt/plugins. The source of Qt is at
https://download.qt.io/official_releases/qt/ and that of PySide6 at https://download.qt.io/official_releases/QtForPython/.
"""


KINDS = ["The app", "Python", "Python package", "Font", "Dictionary", "System library"]


class NoticeError(Exception):
    """Something in the bundle whose owner or licence cannot be determined."""


@dataclass
class Component:
    name: str
    version: str
    kind: str  # "The app", "Python package", "Python", "Font", "Dictionary" or "System library"
    licence: str
    origin: str
    texts: list[tuple[str, str]] = field(default_factory=list)  # (title, full text)
    files: set[str] = field(default_factory=set)  # paths in the bundle, from its top folder
    modules: set[str] = field(default_factory=set)  # top-level modules inside the executable's archive
    embedded: list[tuple[str, str, str | None]] = field(default_factory=list)
    refs: set[str] = field(default_factory=set)  # full licence texts it relies on, given once at the end


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def binds_the_app(licence: str) -> bool:
    """Whether a licence would make the app itself GPL: a GPL or AGPL with no exception and no other choice.
    LGPL, a licence with a runtime or linking exception, or "X OR GPL" does not."""
    choices = re.split(r"\s+or\s+", licence, flags=re.IGNORECASE)
    return all(re.search(r"\bA?GPL|GNU General Public", c) and "exception" not in c.lower() for c in choices)


# --- what is in the bundle --------------------------------------------------------------------------


def bundle_files(bundle: Path) -> list[str]:
    """Every regular file, from the bundle's top folder; links are PyInstaller's aliases of listed files."""
    return sorted(
        p.relative_to(bundle).as_posix()
        for p in bundle.rglob("*")
        if p.is_file() and not p.is_symlink() and p.name != NOTICES
    )


def executable(path: Path) -> bool:
    """A program at the bundle's top: PyInstaller's bootloader with the app's archive appended."""
    return path.is_file() and not path.is_symlink() and os.access(path, os.X_OK)


def archive_modules(bundle: Path) -> set[str]:
    """Top-level names of the modules and scripts inside each executable's PyInstaller archive."""
    names: set[str] = set()
    for exe in filter(executable, bundle.iterdir()):
        from PyInstaller.archive.readers import CArchiveReader  # only the build venv has PyInstaller

        archive = CArchiveReader(str(exe))
        for entry, (*_, kind) in archive.toc.items():
            if kind == "z":
                names |= {m.split(".")[0] for m in archive.open_embedded_archive(entry).toc}
            elif kind in "ms":
                names.add(entry)
    return names


# --- owners ----------------------------------------------------------------------------------------


@dataclass
class Index:
    """Which distribution of this Python owns each file and each module."""

    by_path: dict[str, metadata.Distribution] = field(default_factory=dict)
    by_module: dict[str, metadata.Distribution] = field(default_factory=dict)  # top-level packages, modules
    by_hook: dict[str, metadata.Distribution] = field(default_factory=dict)  # PyInstaller's bootstrap, hooks

    @classmethod
    def of_this_python(cls) -> Index:
        index = cls()
        for dist in metadata.distributions():
            for f in dist.files or ():
                path = f.as_posix()
                if path.startswith(".."):
                    continue
                index.by_path.setdefault(path, dist)
                if path.endswith(".py"):
                    parts = path.removesuffix(".py").removesuffix("/__init__").split("/")
                    index.by_module.setdefault(parts[0], dist)
                    if parts[-1].startswith(("pyi", "_pyi")):
                        index.by_hook.setdefault(parts[-1], dist)
        return index


def stdlib_modules() -> set[str]:
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    names = {p.stem for p in stdlib.glob("*.py")} | {p.name for p in stdlib.iterdir() if p.is_dir()}
    names |= {p.name.split(".")[0] for p in (stdlib / "lib-dynload").glob("*.so")}
    return names | set(sys.builtin_module_names)


def cpython_file(path: str, bundle: Path) -> bool:
    """A file PyInstaller took from this CPython: its stdlib archive, extension modules or libpython."""
    name = Path(path).name
    if name == "base_library.zip":
        return True
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    for candidate in (stdlib / "lib-dynload" / name, Path(sysconfig.get_config_var("LIBDIR") or "/") / name):
        if candidate.is_file() and same_build(candidate, bundle / path):
            return True
    return False


def same_build(original: Path, bundled: Path) -> bool:
    """Whether a bundled file is this original: the same bytes, or (PyInstaller strips the libraries it
    copies on Linux) the same GNU build ID, which the linker made from the original and strip keeps."""
    if filecmp.cmp(original, bundled, shallow=False):
        return True
    ids = [build_id(original), build_id(bundled)]
    return ids[0] is not None and ids[0] == ids[1]


def build_id(path: Path) -> str | None:
    notes = subprocess.run(["readelf", "-n", str(path)], capture_output=True, text=True, check=False).stdout
    found = re.search(r"Build ID:\s*([0-9a-f]+)", notes)
    return found.group(1) if found else None


def debian_owner(path: Path) -> str | None:
    """The Debian package that installed a file identical to this one, if any."""
    for folder in LIB_DIRS:
        candidate = Path(folder) / path.name
        if not candidate.is_file() or not same_build(candidate, path):
            continue
        real = candidate.resolve().as_posix()
        for name in (candidate.as_posix(), real, real.replace("/usr/lib/", "/lib/", 1)):
            found = subprocess.run(["dpkg", "-S", name], capture_output=True, text=True, check=False)
            if found.returncode == 0:
                return found.stdout.split(":")[0]
    return None


# --- licences --------------------------------------------------------------------------------------


def licence_of(dist: metadata.Distribution) -> str:
    meta = dist.metadata
    name = normalise(meta["Name"])
    if name in LICENCE_CORRECTIONS:
        return LICENCE_CORRECTIONS[name]
    if meta.get("License-Expression"):
        return meta["License-Expression"]
    stated = (meta.get("License") or "").strip()
    if stated and stated != "UNKNOWN" and len(stated) <= 200 and "\n" not in stated:
        return stated
    classifiers = [
        c.split(" :: ")[-1] for c in meta.get_all("Classifier") or [] if c.startswith("License ::")
    ]
    if classifiers:
        return " OR ".join(classifiers)
    raise NoticeError(
        f"the licence of {meta['Name']} {dist.version} cannot be determined from its metadata: "
        "read its licence file and add it to LICENCE_CORRECTIONS in installer/notices.py"
    )


def licence_files(dist: metadata.Distribution) -> list[tuple[str, str]]:
    found = [
        f
        for f in dist.files or ()
        if re.search(r"LICEN[CS]E|COPYING|NOTICE|AUTHORS", f.name, re.I) and ".dist-info" in f.as_posix()
    ]
    return [(f.name, Path(dist.locate_file(f)).read_text(encoding="utf-8", errors="replace")) for f in found]


def sbom_components(dist: metadata.Distribution) -> list[tuple[str, str, str | None]]:
    """Components a wheel declares in its CycloneDX SBOMs (cryptography's Rust crates and OpenSSL)."""
    import json

    items = []
    for f in dist.files or ():
        if "/sboms/" in f.as_posix() and f.name.endswith(".json"):
            bom = json.loads(Path(dist.locate_file(f)).read_text(encoding="utf-8"))
            for c in bom.get("components", []):
                stated = [
                    lic.get("expression") or (lic.get("license") or {}).get("id", "")
                    for lic in c.get("licenses", [])
                ]
                if any(stated):
                    items.append(
                        (
                            f"{c['name']} {c.get('version', '')}".strip(),
                            " AND ".join(filter(None, stated)),
                            None,
                        )
                    )
    return items


def package(dist: metadata.Distribution) -> Component:
    name = dist.metadata["Name"]
    texts = licence_files(dist)
    item = Component(
        name,
        dist.version,
        "Python package",
        licence_of(dist),
        f"the wheel {name} {dist.version}",
        texts,
        embedded=EMBEDDED.get(normalise(name), []) + sbom_components(dist),
    )
    if not texts and not item.embedded:
        raise NoticeError(
            f"{name} {dist.version} ships no licence text: add one to resources/licences/texts "
            "and name it in EMBEDDED in installer/notices.py"
        )
    return item


def cpython() -> Component:
    licence = Path(sysconfig.get_paths()["stdlib"]) / "LICENSE.txt"
    if not licence.is_file():
        raise NoticeError(f"CPython's licence file is not at {licence}")
    return Component(
        "Python",
        platform.python_version(),
        "Python",
        "PSF-2.0",
        f"CPython {platform.python_version()} ({sys.base_prefix})",
        [("LICENSE.txt", licence.read_text(encoding="utf-8"))],
    )


def debian_licence(package_name: str, copyright_text: str) -> str:
    if package_name in DEBIAN_LICENCES:
        return DEBIAN_LICENCES[package_name]
    star = re.search(r"^Files:\s*\*\s*$\n(?:^.+\n)*?^License:\s*(\S.*)$", copyright_text, re.MULTILINE)
    if copyright_text.startswith("Format:") and star:
        return star.group(1).strip()
    raise NoticeError(
        f"the licence of the Debian package {package_name} cannot be read from "
        f"/usr/share/doc/{package_name}/copyright: add it to DEBIAN_LICENCES in installer/notices.py"
    )


def debian(package_name: str, found: dict[str, Component]) -> Component:
    """One component per Debian source package and licence: its binary packages share a copyright file."""
    copyright_file = Path("/usr/share/doc") / package_name / "copyright"
    if not copyright_file.is_file():
        raise NoticeError(f"the Debian package {package_name} has no {copyright_file}")
    text = copyright_file.read_text(encoding="utf-8", errors="replace")
    version, source = dpkg_query(package_name, "${Version}"), dpkg_query(package_name, "${source:Package}")
    licence = debian_licence(package_name, text)
    binary = f"{package_name} {version}"
    item = found.get(key := f"deb {source} {licence} {hash(text)}")
    if item is None:
        taken = any(c.name == source for c in found.values())  # util-linux: libuuid is BSD, the rest LGPL
        item = found[key] = Component(
            f"{source}: {package_name}" if taken else source,
            version,
            "System library",
            licence,
            f"Debian {debian_release()} on the build machine: {binary}",
            [(str(copyright_file), text)],
        )
        names = re.findall(r"/usr/share/common-licenses/([A-Za-z0-9.+-]+[A-Za-z0-9+])", text)
        item.refs = {canonical(n) for n in names}
    elif binary not in item.origin:
        item.origin += f", {binary}"
    return item


def dpkg_query(package_name: str, fmt: str) -> str:
    return subprocess.run(
        ["dpkg-query", "-W", f"-f={fmt}", package_name], capture_output=True, text=True, check=False
    ).stdout.strip()


def debian_release() -> str:
    version = Path("/etc/debian_version")
    return version.read_text().strip() if version.is_file() else ""


# --- the app's own files: the app, its fonts and its dictionary ---------------------------------------


def app_component(root: Path) -> Component:
    version = metadata.version(APP)
    return Component(
        APP,
        version,
        "The app",
        "MIT",
        "this app's source",
        [("LICENSE", (root / "LICENSE").read_text(encoding="utf-8"))],
    )


def resource_owner(path: str, found: dict[str, Component], bundle: Path) -> Component | None:
    """Fonts belong to the font family whose LICENCE-<family>.txt sits beside them; the dictionary's files to
    the dictionary. Anything else under the app's package is the app's own."""
    inside = bundle / path
    if inside.parent.name == "fonts":
        for licence in sorted(inside.parent.glob("LICENCE-*.txt")):
            family = licence.stem.removeprefix("LICENCE-")
            if inside.name.startswith((family, licence.stem)):
                return found.setdefault(f"font {family}", font(family, licence))
        raise NoticeError(f"no LICENCE-<family>.txt beside the font {path}")
    if inside.parent.name == "dictionaries":
        language = inside.stem.removeprefix("README_")
        return found.setdefault(f"dictionary {language}", dictionary(language, inside.parent))
    return None


def font(family: str, licence: Path) -> Component:
    text = licence.read_text(encoding="utf-8")
    stated = re.search(r"^License:\s*(\S.*)$", text, re.MULTILINE)
    if not stated:
        raise NoticeError(f"{licence} states no License: field")
    return Component(
        f"{family} fonts", "", "Font", stated.group(1), "the app's resources/fonts", [(licence.name, text)]
    )


def dictionary(language: str, folder: Path) -> Component:
    readme = folder / f"README_{language}.txt"
    attribution = TEXTS / f"{language}-dictionary-attribution.txt"
    if not readme.is_file() or not attribution.is_file():
        raise NoticeError(f"the {language} dictionary needs {readme.name} beside it and {attribution}")
    item = Component(
        f"Spelling dictionary {language}",
        "",
        "Dictionary",
        "LGPL-3.0",
        "the app's resources",
        [
            ("Attribution", attribution.read_text(encoding="utf-8")),
            (readme.name, readme.read_text(encoding="utf-8")),
        ],
    )
    item.refs = {"LGPL-3.0"}
    return item


# --- putting it together ---------------------------------------------------------------------------


def components(bundle: Path, root: Path, index: Index | None = None) -> list[Component]:
    """Every component in the bundle with the files it owns there; NoticeError names anything unowned."""
    index = index or Index.of_this_python()
    app = app_component(root)
    python = cpython()
    found: dict[str, Component] = {"app": app, "python": python}
    stdlib = stdlib_modules()

    def dist_component(dist: metadata.Distribution) -> Component:
        key = normalise(dist.metadata["Name"])
        return app if key == APP else found.setdefault(key, package(dist))

    for path in bundle_files(bundle):
        owner = file_owner(path, bundle, index, found, dist_component, app, python)
        owner.files.add(path)
    for module in archive_modules(bundle):
        module_owner(module, index, stdlib, dist_component, app, python).modules.add(module)
    ordered = sorted(found.values(), key=lambda c: (KINDS.index(c.kind), c.name.lower()))
    return [c for c in ordered if c is app or c.files or c.modules]  # the app's own licence always first


def module_owner(module, index, stdlib, dist_component, app, python) -> Component:
    if module in ("__main__", APP_PACKAGE) or module in APP_RUNTIME_HOOKS:
        return app
    if module in index.by_module:
        return dist_component(index.by_module[module])
    if module in stdlib:
        return python
    if module in index.by_hook:
        return dist_component(index.by_hook[module])
    raise NoticeError(f"no Python distribution, nor CPython, owns the module {module} inside the executable")


def found_bootloader(found: dict[str, Component], index: Index) -> Component:
    dist = index.by_path.get("PyInstaller/__init__.py")
    if dist is None:
        raise NoticeError(
            "the executable holds PyInstaller's bootstrap, but PyInstaller is not installed here"
        )
    return found.setdefault("pyinstaller", package(dist))


def file_owner(path, bundle, index, found, dist_component, app, python) -> Component:
    inner = path.removeprefix(f"{INSIDE}/")
    if inner == path and executable(bundle / path):
        return found_bootloader(found, index)
    if inner.startswith(f"{APP_PACKAGE}/") or inner == "LICENSE":
        return resource_owner(path, found, bundle) or app
    dist = index.by_path.get(inner)
    if dist is None and ".dist-info/" in inner:
        dist = next((d for p, d in index.by_path.items() if p.split("/")[0] == inner.split("/")[0]), None)
    if dist is not None:
        return dist_component(dist)
    if cpython_file(path, bundle):
        return python
    owner = debian_owner(bundle / path) if NATIVE.search(inner) else None
    if owner:
        return debian(owner, found)
    raise NoticeError(
        f"{path}: no Python distribution, CPython or Debian package of this machine owns this "
        "file, so its licence cannot be determined"
    )


# --- writing ---------------------------------------------------------------------------------------


def canonical(name: str) -> str:
    """One name for each licence text, so each is given once: Debian's GPL is its GPL-3, its LGPL-3 is the
    LGPL-3.0 in TEXTS, and Debian has no GPL-2.0, only GPL-2."""
    debian = Path("/usr/share/common-licenses")
    if (debian / name).is_symlink():
        name = (debian / name).resolve().name
    if not (debian / name).exists() and (debian / name.removesuffix(".0")).exists():
        name = name.removesuffix(".0")
    return f"{name}.0" if (TEXTS / f"{name}.0.txt").is_file() else name


def full_text(name: str) -> str:
    debian = Path("/usr/share/common-licenses")
    for path in (TEXTS / f"{name}.txt", debian / name, debian / name.removesuffix(".0")):
        if path.is_file():
            return path.read_text(encoding="utf-8", errors="replace")
    raise NoticeError(f"the full text of {name} is neither in {TEXTS} nor in /usr/share/common-licenses")


def block(item: Component) -> str:
    """A section: its fields, what is built into it, its licence texts, then the files it owns here."""
    lines = [
        SEPARATOR,
        f"Name: {item.name}",
        f"Version: {item.version}",
        f"Kind: {item.kind}",
        f"Licence: {item.licence}",
        f"From: {item.origin}",
        "",
    ]
    if item.embedded:
        lines += ["Built into it (with what its own SBOM declares, where it has one):"]
        lines += [f"    {what}: {licence}" for what, licence, _ in item.embedded] + [""]
    texts = item.texts + [
        (f"{what}: {text}", (RESOURCE_LICENCES / text).read_text(encoding="utf-8"))
        for what, _, text in item.embedded
        if text and text.startswith("LICENCE-")
    ]
    for title, text in texts:
        lines += [f"--- {title} ---", re.sub(f"^{SEPARATOR}$", "-" * 78, text.rstrip(), flags=re.M), ""]
    if item.files:
        lines += ["Files in this bundle:"] + [f"    {f}" for f in sorted(item.files)] + [""]
    if item.modules:
        lines += ["Modules inside the executable: " + ", ".join(sorted(item.modules)), ""]
    return "\n".join(lines)


def appendix(items: list[Component]) -> list[str]:
    wanted = {"LGPL-3.0", "GPL-3.0"}  # Qt and PySide6's licence, and the GPL it builds on
    for item in items:
        wanted |= item.refs | {t for _, _, t in item.embedded if t and not t.startswith("LICENCE-")}
    blocks = []
    for name in sorted(wanted):
        blocks.append(
            "\n".join(
                [
                    SEPARATOR,
                    f"Name: {name}",
                    "Version: ",
                    "Kind: Licence text",
                    f"Licence: {name}",
                    "From: the full text, referred to above",
                    "",
                    full_text(name).rstrip(),
                    "",
                ]
            )
        )
    return blocks


def render(items: list[Component], qt_version: str) -> str:
    major_minor = ".".join(qt_version.split(".")[:2])
    head = (
        f"Third-party notices for iro-desktop {items[0].version}\n\n"
        "This file lists every component in this copy of iro-desktop: the app itself, the Python packages,\n"
        "CPython, the native libraries (with the package each came from), the fonts and the spelling\n"
        "dictionary, each with its licence, the files it owns in this bundle and its licence text. It was\n"
        "generated from the bundle's own contents when the bundle was built (installer/notices.py).\n"
    )
    qt = "\n".join(
        [
            SEPARATOR,
            "Name: How to replace the Qt libraries",
            "Version: ",
            "Kind: Notice",
            "Licence: LGPL-3.0-only",
            "From: this bundle",
            "",
            QT_REPLACEMENT.format(qt=qt_version, minor=major_minor.split(".")[-1]),
        ]
    )
    return "\n".join([head, *map(block, items), qt, *appendix(items)]) + "\n"


def qt_version(items: list[Component]) -> str:
    qt = next((c for c in items if normalise(c.name) == "pyside6-essentials"), None)
    return qt.version if qt else "6"


def write(bundle: Path, root: Path) -> Path:
    items = components(bundle, root)
    text = render(items, qt_version(items))
    target = bundle / INSIDE / LICENCES / NOTICES
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    beside = bundle / NOTICES  # where IT looks first; a link, as PyInstaller links its libraries
    beside.unlink(missing_ok=True)
    beside.symlink_to(target.relative_to(bundle))
    return target


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: python installer/notices.py BUNDLE_DIR", file=sys.stderr)
        return 2
    try:
        target = write(Path(argv[1]), Path(__file__).resolve().parents[1])
    except NoticeError as error:
        print(f"notices: {error}", file=sys.stderr)
        return 1
    print(f"notices: wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
